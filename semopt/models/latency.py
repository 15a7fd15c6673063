"""Delays of the offloading family: transmission eq 3 and computation eq 7, per user, Numba-compiled.

The model of Zheng et al. (References).  Per-user constants (precomputed
once per problem, see ``SemanticOffloading.user_terms`` and
:class:`~semopt.models.offloading.UserTerms`):

* ``data_raw[u]`` = ``s_i`` and ``data_sem[u]`` = ``s_i / eps_i`` (bits);
* ``edge_raw[u]`` = ``c_i / Psi`` and ``edge_sem[u]`` = ``(c_i + F_C) / Psi``
  (edge cycles);
* ``local_sem[u]`` = ``F_E / (Psi f_u^L)`` (seconds at the device).

Then, with ``e = semantic[u]`` and ``r_u``, ``f_u`` the user's rate and
edge compute: ``t_comm = data / r_u`` (eq 3) and
``t_comp = edge / f_u + e * local_sem`` (eq 7).

References
----------
.. [1] Y. Zheng, T. Zhang, X. Mu, Y. Liu, R. Huang, "Joint Semantic
   Transmission and Resource Allocation for Intelligent Computation Task
   Offloading in MEC Systems", arXiv:2503.08001, 2025.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from semopt.models.channel import subcarrier_rates, user_rates

__all__ = ["user_delays", "delays_given_rates"]


@njit(cache=True)
def delays_given_rates(rate, semantic, compute, data_raw, data_sem, edge_raw, edge_sem, local_sem):
    """Eq 3 + eq 7 for every user from its rate ``r_u`` and edge compute ``f_u``.

    A user with zero rate, or with edge work and zero compute, gets an
    infinite delay; a user with no edge work needs no compute.
    """
    n = rate.shape[0]
    comm = np.empty(n)
    comp = np.empty(n)
    for u in range(n):
        data = data_sem[u] if semantic[u] else data_raw[u]
        edge = edge_sem[u] if semantic[u] else edge_raw[u]
        comm[u] = data / rate[u] if rate[u] > 0.0 else np.inf
        if edge == 0.0:
            comp[u] = 0.0
        else:
            comp[u] = edge / compute[u] if compute[u] > 0.0 else np.inf
        if semantic[u]:
            comp[u] += local_sem[u]
    return comm, comp


@njit(cache=True)
def user_delays(carrier, semantic, compute, gain, power, noise, bandwidth,
                data_raw, data_sem, edge_raw, edge_sem, local_sem):
    """Per-user ``(t_comm, t_comp, r_u)`` of a full allocation (eq 1-3, 7)."""
    rate_kn = subcarrier_rates(carrier, gain, power, noise, bandwidth)
    rate = user_rates(carrier, rate_kn, semantic.shape[0])
    comm, comp = delays_given_rates(rate, semantic, compute, data_raw, data_sem,
                                    edge_raw, edge_sem, local_sem)
    return comm, comp, rate
