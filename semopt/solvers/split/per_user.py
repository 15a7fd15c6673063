"""What the single-user split solvers share: each user's placement on its own, with the equal shares.

Until resources are optimised jointly (multi-user ``bcd``), each user's
placement is an independent problem given its share of bandwidth and edge
compute; ``mincut``, ``greedy``, ``milp``, ``lagrangian`` and ``early-exit``
solve it exactly (or greedily) user by user with the equal split of
:meth:`~semopt.problems.SplitInference.default_shares`.  The capabilities
most of them declare are here too.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from semopt.capabilities import Capabilities
from semopt.models.split import LayerCosts
from semopt.problems.split import ADDITIVE_OBJECTIVES, SplitInference, SplitSolution
from semopt.result import Status

__all__ = ["solve_per_user", "per_user_status", "UNCONSTRAINED_ADDITIVE"]

UNCONSTRAINED_ADDITIVE = Capabilities(objectives=ADDITIVE_OBJECTIVES, constraints=())
"""Latency, energy or their weighted sum, with no energy budget, deadline or memory limit: a minimum cut's reach."""


def per_user_status(problem: SplitInference, exact: bool) -> str:
    """OPTIMAL only when the per-user answer solves the whole problem: one user, exact method.

    With several users the shares are held at the equal split, which the
    joint problem (see ``bcd``) would improve.
    """
    return Status.OPTIMAL if exact and problem.n_users == 1 else Status.CONVERGED


def solve_per_user(problem: SplitInference,
                   place: Callable[[SplitInference, int, LayerCosts], np.ndarray]) -> SplitSolution:
    """Build a solution whose row m is ``place(problem, m, costs_m)`` at user m's equal share."""
    sol = problem.empty_solution()
    for m in range(problem.n_users):
        costs = problem.costs(m, sol.bandwidth[m], sol.compute[m])
        sol.placement[m] = place(problem, m, costs)
    return sol
