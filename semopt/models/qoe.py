"""Latency, energy, accuracy and QoE of one slot of QoE-driven semantic offloading (Chen et al., eq 1-10).

One access point with one edge server; each user runs its current task
locally, offloads it raw (``mu = 1``) or extracts semantics first
(``mu_min <= mu < 1``) and offloads the features.  Everything here takes
per-user arrays (already indexed by each user's task type) and broadcasts,
so that a solver can score a whole grid of candidate ``(p, f, mu)`` in one
call and ``evaluate`` can score a solution with the same code.

Symbols (SI units): ``B`` sub-channel bandwidth (Hz), ``sigma2`` noise power
(W), ``g`` channel gain (linear), ``p`` transmit power (W), ``f`` UE GPU
clock (Hz), ``c = alpha_ma N_u f`` UE FLOP/s, ``c_s = alpha_ma N_s f_s``
server FLOP/s, ``s`` raw data (bits), ``l^U``, ``l^SE``, ``l^S`` local,
extraction and server FLOPs, ``p_e``, ``q_e``, ``k_e`` the power-law exponents
of data volume, extraction cost and accuracy in ``mu``.

Readings (``../shared/specs/qoe-and-model-selection.md`` A2, each a field of
:class:`~semopt.problems.qoe.QoEOffloading`): accuracy
``eps = eps^t mu^k (1 - exp(-nu / nu0))`` for an offloaded task (eq 9), ``eps^t``
for a local one; QoE references at the fixed local frequency ``f_ref``
(eq 10: local execution at ``f_ref`` has QoE exactly 0.5); the server's
energy charged to offloaders only (eq 8 with ``rho_n``), whole (``"total"``)
or as the user's share (``"share"``).

References
----------
.. [1] X. Chen, D. Feng, W. Jiang, Q. Luo, G. Chen, Y. Sun, "QoE-Driven
   Multi-Task Offloading for Semantic-Aware Edge Computing Systems", IEEE
   Transactions on Network Science and Engineering, 2026 (arXiv:2407.11018).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from semopt.models.channel import shannon_rate

__all__ = ["QoEModel", "Figures", "logistic"]


def logistic(x: Any) -> np.ndarray:
    """``1 / (1 + exp(-x))`` without overflow warnings for large ``|x|``."""
    x = np.asarray(x, dtype=float)
    return 0.5 * (1.0 + np.tanh(0.5 * x))


@dataclass(frozen=True)
class Figures:
    """Delay (s), energy (J) and accuracy (fraction) of some users' choices, broadcast together."""

    delay: np.ndarray
    energy: np.ndarray
    accuracy: np.ndarray


@dataclass(frozen=True)
class QoEModel:
    """The per-user constants of one slot and the formulas of eq 1-10 over them.

    Per-user arrays are float[N] (the user's task type already applied);
    methods take ``users`` (indices, broadcastable against the other
    arguments) so that a grid of candidates for several users is one call.
    """

    data_bits: np.ndarray
    local_flops: np.ndarray
    extraction_flops: np.ndarray
    server_flops: np.ndarray
    local_accuracy: np.ndarray
    data_exponent: np.ndarray
    extraction_exponent: np.ndarray
    accuracy_exponent: np.ndarray
    weights: np.ndarray  # float[N, 3]: latency, energy, accuracy
    bandwidth: float
    noise_power: float
    user_flops_per_hz: float  # alpha_ma N_u
    server_flops_per_s: float  # alpha_ma N_s f_s
    server_power: float  # kappa^S f_s^3 (W)
    kappa_user: float
    freq_ref: float
    snr_ref: float
    slopes: tuple[float, float, float]  # lambda (1/s), beta (1/J), eta (1/accuracy)
    server_energy: str  # "total" or "share"

    # ------------------------------------------------------------------ local execution
    def local(self, users: Any, freq: Any) -> Figures:
        """Eq 3 and 6 with ``rho = 0``: ``t = l^U / c``, ``E = kappa^U t f^3``; accuracy ``eps^t``."""
        f = np.asarray(freq, dtype=float)
        delay = self.local_flops[users] / (self.user_flops_per_hz * f)
        energy = self.kappa_user * delay * f ** 3
        return Figures(delay, energy, np.broadcast_to(self.local_accuracy[users], delay.shape).astype(float))

    def references(self, users: Any) -> Figures:
        """The QoE references of eq 10: local execution at the fixed frequency ``f_ref``."""
        return self.local(users, self.freq_ref)

    # ------------------------------------------------------------------ offloading
    def server_time(self, load_flops: float) -> float:
        """Eq 4: ``t^S = sum of the offloaders' l^S / c_s`` (every offloader finishes then)."""
        return float(load_flops) / self.server_flops_per_s

    def server_energy_of(self, users: Any, load_flops: float) -> np.ndarray:
        """Eq 7-8 as read: the server energy charged to an offloader, whole (``"total"``) or its share."""
        if self.server_energy == "total":
            return np.broadcast_to(self.server_power * self.server_time(load_flops),
                                   np.shape(self.server_flops[users])).astype(float)
        return self.server_power * self.server_flops[users] / self.server_flops_per_s

    def offload(self, users: Any, gain: Any, power: Any, freq: Any, mu: Any, load_flops: float) -> Figures:
        """Eq 1-9 for offloaders on sub-channels of gains ``gain``, with the server's load ``load_flops``.

        ``mu = 1`` is raw offloading (no extraction, eq 3's first case); below
        1 the extraction costs ``l^SE / (mu^q c)`` of UE time.
        """
        g, p, f, mu = (np.asarray(x, dtype=float) for x in (gain, power, freq, mu))
        snr = g * p / self.noise_power
        with np.errstate(divide="ignore"):
            rate = shannon_rate(self.bandwidth, snr)
            transmit = self.data_bits[users] * mu ** self.data_exponent[users] / rate
        raw = mu >= 1.0
        extract = np.where(raw, 0.0, self.extraction_flops[users]
                           / (np.where(raw, 1.0, mu) ** self.extraction_exponent[users] * self.user_flops_per_hz * f))
        t_server = self.server_time(load_flops)
        e_server = self.server_energy_of(users, load_flops)
        delay = transmit + extract + t_server
        energy = self.kappa_user * extract * f ** 3 + p * transmit + e_server
        accuracy = (self.local_accuracy[users] * mu ** self.accuracy_exponent[users]
                    * -np.expm1(-snr / self.snr_ref))
        return Figures(*np.broadcast_arrays(delay, energy, accuracy))

    # ------------------------------------------------------------------ QoE
    def qoe(self, users: Any, figures: Figures) -> np.ndarray:
        """Eq 10 for one slot: ``w_t G^t + w_e G^e + w_a G^a``, logistic gains against the references."""
        ref = self.references(users)
        lam, beta, eta = self.slopes
        w = self.weights[users]
        return (w[..., 0] * logistic(lam * (ref.delay - figures.delay))
                + w[..., 1] * logistic(beta * (ref.energy - figures.energy))
                + w[..., 2] * logistic(eta * (figures.accuracy - ref.accuracy)))
