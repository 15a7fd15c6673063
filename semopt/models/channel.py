"""The radio channel: the Shannon rate, and the multi-cell OFDMA uplink of the offloading family.

:func:`shannon_rate` is the one ``B log2(1 + SNR)`` of the library (bit/s),
a Numba ufunc that numpy code and compiled kernels both call.  The rest is
the channel of Zheng et al. (References): path loss eq 27, log-normal
shadowing, Rayleigh fading, SINR eq 1 and rate eq 2.  dB and dBm appear only
here, at the edge; everything returned is SI (linear power gains, W, bit/s).

Symbol table: ``gain[u, k, n]`` is the linear power gain ``g_{uk}^n`` from
user u to BS k on subcarrier n; ``carrier[k, n]`` is the user holding
subcarrier n of BS k, or -1; ``power`` is ``P_{uk}^n`` (W per subcarrier);
``noise`` is ``B N_0`` (W per subcarrier).

Notes
-----
Eq 1 as printed weights each interferer by ``g_{u'c}^n`` (its gain to *its
own* BS c); physically, and as semopt reads it, the interference at BS k
travels over the interferer-to-victim gain ``g_{u'k}^n``, which is what we
use.  Rates use ``log2`` so that they are in bit/s.

References
----------
.. [1] Y. Zheng, T. Zhang, X. Mu, Y. Liu, R. Huang, "Joint Semantic
   Transmission and Resource Allocation for Intelligent Computation Task
   Offloading in MEC Systems", arXiv:2503.08001, 2025.
"""

from __future__ import annotations

import numpy as np
from numba import njit, vectorize

__all__ = [
    "shannon_rate",
    "db_to_linear",
    "dbm_to_watt",
    "path_loss_db",
    "channel_gains",
    "subcarrier_rates",
    "subcarrier_rates_reference",
    "user_rates",
]


@vectorize(["float64(float64, float64)"], cache=True)
def shannon_rate(bandwidth, snr):
    """Shannon capacity ``bandwidth log2(1 + snr)`` in bit/s (a ufunc: broadcasts, and runs inside kernels).

    Examples
    --------
    >>> float(shannon_rate(1e6, 3.0))
    2000000.0
    """
    return bandwidth * np.log2(1.0 + snr)


def db_to_linear(db):
    """``10^(dB/10)``."""
    return 10.0 ** (np.asarray(db, dtype=float) / 10.0)


def dbm_to_watt(dbm):
    """dBm to W."""
    return 10.0 ** ((np.asarray(dbm, dtype=float) - 30.0) / 10.0)


def path_loss_db(distance_m, carrier_hz):
    """Eq 27: ``42.6 + 26 lg(d[km]) + 20 lg(F[MHz])`` dB (Chen et al., the paper's ref [35])."""
    d_km = np.asarray(distance_m, dtype=float) / 1e3
    return 42.6 + 26.0 * np.log10(d_km) + 20.0 * np.log10(carrier_hz / 1e6)


def channel_gains(
    rng: np.random.Generator,
    distance_m: np.ndarray,
    carrier_hz: float,
    n_subcarriers: int,
    *,
    shadowing_db: float = 8.0,
    fading: bool = True,
) -> np.ndarray:
    """Linear power gains ``gain[u, k, n]``.

    Path loss eq 27 per link, one N(0, ``shadowing_db``) shadowing draw per
    link (shadowing is a large-scale effect: the same on every subcarrier),
    and, with ``fading``, independent Rayleigh fading per subcarrier
    (``|h|^2 ~ Exp(1)``, unit mean so it does not change the average gain).
    """
    distance_m = np.asarray(distance_m, dtype=float)
    loss_db = path_loss_db(distance_m, carrier_hz) + rng.normal(0.0, shadowing_db, distance_m.shape)
    large_scale = db_to_linear(-loss_db)
    small_scale = (rng.exponential(1.0, distance_m.shape + (n_subcarriers,)) if fading
                   else np.ones(distance_m.shape + (n_subcarriers,)))
    return large_scale[:, :, None] * small_scale


@njit(cache=True)
def subcarrier_rates(carrier: np.ndarray, gain: np.ndarray, power: float, noise: float,
                     bandwidth: float) -> np.ndarray:
    """Rate in bit/s of every occupied subcarrier, ``rate[k, n]`` (0 where free); eq 1-2.

    Interference on subcarrier n at BS k comes from the holders of subcarrier
    n at every *other* BS, through their gain to BS k.
    """
    n_bs, n_sub = carrier.shape
    rate = np.zeros((n_bs, n_sub))
    for n in range(n_sub):
        for k in range(n_bs):
            u = carrier[k, n]
            if u < 0:
                continue
            interference = 0.0
            for c in range(n_bs):
                v = carrier[c, n]
                if c != k and v >= 0:
                    interference += power * gain[v, k, n]
            rate[k, n] = shannon_rate(bandwidth, power * gain[u, k, n] / (interference + noise))
    return rate


def subcarrier_rates_reference(carrier, gain, power, noise, bandwidth):
    """Plain numpy twin of :func:`subcarrier_rates` (the obviously-correct path for tests)."""
    carrier = np.asarray(carrier)
    n_bs, n_sub = carrier.shape
    rate = np.zeros((n_bs, n_sub))
    for k in range(n_bs):
        for n in range(n_sub):
            u = carrier[k, n]
            if u < 0:
                continue
            others = [carrier[c, n] for c in range(n_bs) if c != k and carrier[c, n] >= 0]
            interference = sum(power * gain[v, k, n] for v in others)
            rate[k, n] = shannon_rate(bandwidth, power * gain[u, k, n] / (interference + noise))
    return rate


@njit(cache=True)
def user_rates(carrier: np.ndarray, rate: np.ndarray, n_users: int) -> np.ndarray:
    """Eq 2: each user's uplink rate, the sum over the subcarriers it holds (its BS's only)."""
    out = np.zeros(n_users)
    n_bs, n_sub = carrier.shape
    for k in range(n_bs):
        for n in range(n_sub):
            u = carrier[k, n]
            if u >= 0:
                out[u] += rate[k, n]
    return out
