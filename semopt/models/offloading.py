"""The offloading family's compiled evaluator: every delay and reward of an allocation in one Numba call.

:class:`OffloadingModel` scores allocations of a multi-cell MEC system (the
model of Zheng et al., References) from plain arrays: channel gains, the
per-user constants of eq 3 and 7 (:class:`UserTerms`), edge capacities and
the reward's constants.  ``SemanticOffloading.model()`` builds one from a
problem; a planner may build one with its own estimate of the recognition
FLOPs (the Linear baseline).  Solvers call :meth:`OffloadingModel.assess`
some 10^4 times per solve, so it is one compiled call; the problem's
``evaluate`` stays the judge.

An allocation is anything with the fields ``carrier`` (int[K, N]: user holding
subcarrier n of BS k, or -1), ``semantic`` (bool[U]) and ``compute`` (float[U],
edge cycles/s), i.e. an ``OffloadingSolution``.

References
----------
.. [1] Y. Zheng, T. Zhang, X. Mu, Y. Liu, R. Huang, "Joint Semantic
   Transmission and Resource Allocation for Intelligent Computation Task
   Offloading in MEC Systems", arXiv:2503.08001, 2025 (eq 1-3, 7, 8, 11, 26).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numba import njit

from semopt.models.channel import subcarrier_rates, user_rates
from semopt.models.latency import delays_given_rates

__all__ = ["UserTerms", "Assessment", "OffloadingModel"]

_EPS = 1e-12

@dataclass(frozen=True)
class UserTerms:
    """Per-user constants of eq 3, 7 and 8.

    ``data_raw`` = ``s_i`` and ``data_sem`` = ``s_i / eps_i`` (bits);
    ``edge_raw`` = ``c_i / Psi`` and ``edge_sem`` = ``(c_i + F_C) / Psi`` (edge
    cycles); ``local_sem`` = ``F_E / (Psi f_u^L)`` (seconds at the device);
    ``deadline`` = ``tau_i`` (s); ``weight`` = ``M_i`` in the priority reward,
    1 in eq 8; ``shift`` = the per-user constant of the reward,
    ``C2 - C1 ln M_i`` (eq 8) or ``C2``.
    """

    data_raw: np.ndarray
    data_sem: np.ndarray
    edge_raw: np.ndarray
    edge_sem: np.ndarray
    local_sem: np.ndarray
    deadline: np.ndarray
    weight: np.ndarray
    shift: np.ndarray


@dataclass(frozen=True)
class Assessment:
    """A scored allocation: per-user figures and the merit used to compare allocations."""

    delay: np.ndarray
    comm: np.ndarray
    rate: np.ndarray
    rate_kn: np.ndarray
    cost: np.ndarray  # per-user weighted delay, eq 11: lower is better
    violation: float  # sum of relative deadline excesses (9h)
    objective: float  # sum of rewards (9a)


class OffloadingModel:
    """Fast scoring of allocations (delays eq 1-3 and 7, reward eq 8).

    Parameters
    ----------
    terms : UserTerms
        Per-user constants (from ``SemanticOffloading.user_terms``).
    gain : float[U, K, N]
        Linear channel gains.
    capacity : float[K]
        Edge capacities ``F_k`` (cycles/s).
    power, noise, subcarrier_bandwidth : float
        Transmit power per subcarrier (W), noise per subcarrier (W), ``B`` (Hz).
    reward_scale, reward_offset : float
        ``C_1`` and ``C_2`` of eq 8.
    """

    def __init__(self, terms: UserTerms, gain: np.ndarray, capacity: np.ndarray, *, power: float, noise: float,
                 subcarrier_bandwidth: float, reward_scale: float, reward_offset: float) -> None:
        self.terms = terms
        self.gain = gain
        self.capacity = capacity
        self.scale = reward_scale
        self.offset = reward_offset
        self.n_users, self.n_bs, self.n_sub = gain.shape
        self.channel = (power, noise, subcarrier_bandwidth)
        self.noise_over_power = noise / power
        # eq 11: cost_u = (C2 - reward_u) / C1 = w_u ln t_u + ln M_i (eq 8) or M_i ln t_u (priority).
        self.cost_shift = (reward_offset - terms.shift) / reward_scale

    def rates(self, carrier: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(rate[k, n], rate[u])``: every subcarrier's and every user's rate in bit/s (eq 1-2)."""
        rate_kn = subcarrier_rates(carrier, self.gain, *self.channel)
        return rate_kn, user_rates(carrier, rate_kn, self.n_users)

    def delays(self, rate: np.ndarray, semantic: np.ndarray, compute: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(t_comm, t_comp)`` per user from rates, semantic modes and edge compute (eq 3 and 7)."""
        t = self.terms
        return delays_given_rates(rate, semantic, compute, t.data_raw, t.data_sem, t.edge_raw, t.edge_sem,
                                  t.local_sem)

    def compute_coefficients(self, semantic: np.ndarray, rate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(a_u, b_u)`` of eq 26: a user's delay is ``a_u + b_u / f_u`` in its edge compute ``f_u``."""
        t = self.terms
        with np.errstate(divide="ignore"):
            comm = np.where(semantic, t.data_sem, t.data_raw) / rate
        return comm + np.where(semantic, t.local_sem, 0.0), np.where(semantic, t.edge_sem, t.edge_raw)

    def assess(self, allocation: Any) -> Assessment:
        """Score an allocation (``carrier``, ``semantic``, ``compute``) in one compiled call."""
        t = self.terms
        rate_kn, rate, comm, delay, cost, violation, objective = _assess_kernel(
            allocation.carrier, allocation.semantic, allocation.compute, self.gain, *self.channel,
            t.data_raw, t.data_sem, t.edge_raw, t.edge_sem, t.local_sem, t.deadline, t.weight,
            self.cost_shift, self.scale, self.offset)
        return Assessment(delay, comm, rate, rate_kn, cost, violation, objective)

    @staticmethod
    def better(a: Assessment, b: Assessment) -> bool:
        """Lexicographic merit: less deadline violation first, then a larger objective."""
        if a.violation < b.violation - _EPS * max(1.0, b.violation):
            return True
        if a.violation > b.violation + _EPS * max(1.0, b.violation):
            return False
        return a.objective > b.objective + _EPS * max(1.0, abs(b.objective))


@njit(cache=True)
def _assess_kernel(carrier, semantic, compute, gain, power, noise, bandwidth, data_raw, data_sem,
                   edge_raw, edge_sem, local_sem, deadline, weight, cost_shift, scale, offset):
    """All of :meth:`OffloadingModel.assess` in one compiled call (it runs ~10^4 times per solve)."""
    rate_kn = subcarrier_rates(carrier, gain, power, noise, bandwidth)
    rate = user_rates(carrier, rate_kn, semantic.shape[0])
    comm, comp = delays_given_rates(rate, semantic, compute, data_raw, data_sem, edge_raw, edge_sem, local_sem)
    delay = comm + comp
    cost = weight * np.log(delay) + cost_shift
    violation = 0.0
    objective = 0.0
    for u in range(delay.shape[0]):
        violation += max(delay[u] / deadline[u] - 1.0, 0.0)
        objective += -scale * cost[u] + offset
    return rate_kn, rate, comm, delay, cost, violation, objective
