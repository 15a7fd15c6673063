"""Physical models of an imaging terminal: the cost models of the game family (``SemanticGame``).

The game's paper (References) names what a terminal's energy, latency and
semantic fidelity depend on (§1, §2.2, §3.1) but gives no formula.  These
are ours, explicit and replaceable: pass a subclass of :class:`TerminalModel`
to the game to change any of them (the solvers then use the numpy path
instead of the Numba kernel :func:`utility_kernel`, which hard-codes this
default model).  Every method reads the terminals' constants from a
:class:`TerminalParameters` (``SemanticGame.parameters()`` builds it).

Symbols (per terminal i; actions ``s`` resolution scale, ``r`` compression
ratio, ``p`` transmit power in W):

========================  =====================================================
``pixels = P s^2``         sampled pixels; ``P`` native pixels, ``s`` in (0, 1]
``bits = pixels b / r``    payload; ``b`` raw bits per pixel (24)
``sinr``                   ``g p / (1 + theta sum_{j != i} g_j p_j)``: ``g`` is
                           the SNR per watt (noise-normalised gain), ``theta``
                           the coupling of the shared channel
``rate = B log2(1+sinr)``  bit/s on the terminal's band ``B``
``work``                   ``pixels (1 + c_r ln r)``: encoding effort grows
                           with the compression ratio (entropy coding)
``energy``                 ``e_s pixels + e_c work + p bits / rate`` (J/frame):
                           sensing + encoding + radio (p x airtime)
``latency``                ``t_c work + bits / rate + t_d pixels`` (s/frame):
                           encode + airtime + edge decode
``fidelity``               ``F_max phi_s(s) phi_q(b / r) psi(sinr)``
========================  =====================================================

with diminishing returns in each factor:
``phi_s(s) = (1 - exp(-k_s s)) / (1 - exp(-k_s))`` (1 at native
resolution), ``phi_q(q) = 1 - exp(-k_q q)`` in the bits per pixel ``q``
that survive compression, and ``psi(sinr) = 1 - exp(-sinr / snr_0)``, the
share of semantic content that survives the channel (a JSCC-like graceful
degradation, which is how the paper's fidelity falls when the SNR drops).

References
----------
.. [1] "Semantic-Driven Conditional Encoding and Distributed Collaborative
   Optimization for Edge Image Processing", Traitement du Signal 42(6),
   2025, doi:10.18280/ts.420612.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numba import njit

from semopt.models.channel import shannon_rate

__all__ = ["TerminalParameters", "TerminalModel", "TABLE_COLUMNS", "GLOBAL_COLUMNS", "utility_kernel",
           "unit_utility_kernel"]


@dataclass(frozen=True)
class TerminalParameters:
    """The constants a :class:`TerminalModel` reads: per-terminal arrays (float[N]) and shared scalars.

    Attributes
    ----------
    native_pixels : float[N]
        Pixels at full resolution (s = 1).
    channel_gain : float[N]
        SNR per watt of transmit power, 1/W.
    bandwidth : float[N]
        Uplink band in Hz.
    sense_energy, encode_energy : float[N]
        J per sampled pixel and per pixel of encoding work.
    encode_time : float[N]
        s per pixel of encoding work.
    bits_per_pixel, compress_effort, decode_time, fidelity_max, resolution_knee, bpp_knee, snr_knee,
    task_ceiling : float
        ``b``, ``c_r``, ``t_d``, ``F_max``, ``k_s``, ``k_q``, ``snr_0`` and the mAP share of fidelity
        (module docstring).
    """

    native_pixels: np.ndarray
    channel_gain: np.ndarray
    bandwidth: np.ndarray
    sense_energy: np.ndarray
    encode_energy: np.ndarray
    encode_time: np.ndarray
    bits_per_pixel: float
    compress_effort: float
    decode_time: float
    fidelity_max: float
    resolution_knee: float
    bpp_knee: float
    snr_knee: float
    task_ceiling: float


class TerminalModel:
    """The default physical models; subclass and override any method to replace one.

    Every method takes the :class:`TerminalParameters` first and is
    vectorised: ``idx`` indexes the terminals and broadcasts against the
    action arrays ``s``, ``r``, ``p`` (e.g. ``idx`` of shape ``(P, 1)``
    against candidates of shape ``(P, G)``).
    """

    def pixels(self, params: TerminalParameters, idx: Any, s: Any) -> Any:
        return params.native_pixels[idx] * s * s

    def bits(self, params: TerminalParameters, idx: Any, s: Any, r: Any) -> Any:
        """Payload per frame in bits: sampled pixels x raw bits per pixel / compression ratio."""
        return self.pixels(params, idx, s) * params.bits_per_pixel / r

    def sinr(self, params: TerminalParameters, idx: Any, p: Any, interference: Any) -> Any:
        """SINR; ``interference`` is ``theta sum_{j != i} g_j p_j`` (noise-normalised)."""
        return params.channel_gain[idx] * p / (1.0 + interference)

    def rate(self, params: TerminalParameters, idx: Any, sinr: Any) -> Any:
        return shannon_rate(params.bandwidth[idx], sinr)

    def work(self, params: TerminalParameters, idx: Any, s: Any, r: Any) -> Any:
        """Encoding effort in pixel-equivalents."""
        return self.pixels(params, idx, s) * (1.0 + params.compress_effort * np.log(r))

    def energy(self, params: TerminalParameters, idx: Any, s: Any, r: Any, p: Any, sinr: Any) -> Any:
        """Energy per frame (J): sensing + encoding + transmit power x airtime."""
        airtime = self.bits(params, idx, s, r) / self.rate(params, idx, sinr)
        return (params.sense_energy[idx] * self.pixels(params, idx, s)
                + params.encode_energy[idx] * self.work(params, idx, s, r) + p * airtime)

    def latency(self, params: TerminalParameters, idx: Any, s: Any, r: Any, sinr: Any) -> Any:
        """Latency per frame (s): encode + airtime + edge decode."""
        airtime = self.bits(params, idx, s, r) / self.rate(params, idx, sinr)
        return (params.encode_time[idx] * self.work(params, idx, s, r) + airtime
                + params.decode_time * self.pixels(params, idx, s))

    def fidelity(self, params: TerminalParameters, idx: Any, s: Any, r: Any, sinr: Any) -> Any:
        """Semantic fidelity in [0, F_max]: resolution x surviving bits per pixel x channel."""
        ks, kq = params.resolution_knee, params.bpp_knee
        phi_s = -np.expm1(-ks * s) / -np.expm1(-ks)
        phi_q = -np.expm1(-kq * params.bits_per_pixel / r)
        psi = -np.expm1(-sinr / params.snr_knee)
        return params.fidelity_max * phi_s * phi_q * psi

    def task_score(self, params: TerminalParameters, idx: Any, fidelity: Any) -> Any:
        """Task accuracy (mAP) as a share of fidelity (the paper's Table 1: 76.8 % mAP at 88.6 % fidelity)."""
        return params.task_ceiling * fidelity


# Column layout of the per-terminal table and the global vector handed to the Numba kernels.
TABLE_COLUMNS = ("native_pixels", "channel_gain", "bandwidth", "sense_energy", "encode_energy", "encode_time",
                 "energy_max", "alpha", "beta", "gamma", "s_low", "s_high", "r_low", "r_high", "p_low", "p_high")
GLOBAL_COLUMNS = ("bits_per_pixel", "compress_effort", "decode_time", "fidelity_max", "resolution_knee",
                  "bpp_knee", "snr_knee", "task_ceiling", "k_power", "k_task", "eta", "zeta", "n_terminals",
                  "traffic_capacity")


@njit(cache=True)
def utility_kernel(table, glob, i, s, r, p, interference, s_minus, q_minus):
    """Utility (eq 10-12) of terminal i playing (s, r, p) against the others' aggregates (default model).

    ``s_minus`` and ``q_minus`` are the sum and the sum of squares of the
    other terminals' payloads: the game is aggregative, so one evaluation is
    O(1) whatever the number of terminals.
    """
    pixels = table[i, 0] * s * s
    bits = pixels * glob[0] / r
    sinr = table[i, 1] * p / (1.0 + interference)
    rate = shannon_rate(table[i, 2], sinr)
    work = pixels * (1.0 + glob[1] * np.log(r))
    airtime = bits / rate
    energy = table[i, 3] * pixels + table[i, 4] * work + p * airtime
    phi_s = -np.expm1(-glob[4] * s) / -np.expm1(-glob[4])
    phi_q = -np.expm1(-glob[5] * glob[0] / r)
    psi = -np.expm1(-sinr / glob[6])
    task = glob[7] * glob[3] * phi_s * phi_q * psi
    total = s_minus + bits
    squares = q_minus + bits * bits
    jain = total * total / (glob[12] * squares)
    congestion = total / glob[13]
    return (table[i, 7] * glob[8] * np.log(table[i, 6] / energy) + table[i, 8] * glob[9] * task
            + table[i, 9] * (glob[10] * jain - glob[11] * congestion))


@njit(cache=True)
def unit_utility_kernel(table, glob, i, z0, z1, z2, interference, s_minus, q_minus):
    """:func:`utility_kernel` at unit coordinates ``z`` of terminal i's box (s linear, r and p logarithmic)."""
    s = table[i, 10] + z0 * (table[i, 11] - table[i, 10])
    r = table[i, 12] * (table[i, 13] / table[i, 12]) ** z1
    p = table[i, 14] * (table[i, 15] / table[i, 14]) ** z2
    return utility_kernel(table, glob, i, s, r, p, interference, s_minus, q_minus)
