"""What the split-inference solvers share: per-user placement with the equal resource shares.

Until resources are optimised jointly (multi-user ``bcd``), each user's
placement is an independent problem given its share of bandwidth and edge
compute; the single-user solvers solve it exactly (or greedily) user by
user with the equal split of :meth:`SplitInference.default_shares`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from semopt.errors import SolverError
from semopt.problems.split_inference import LayerCosts, SplitInference, SplitSolution

__all__ = ["solve_per_user", "reject_constraints", "per_user_status"]


def per_user_status(problem: SplitInference, exact: bool) -> str:
    """OPTIMAL only when the per-user answer solves the whole problem: one user, exact method.

    With several users the shares are held at the equal split, which the
    joint problem (see ``bcd``) would improve.
    """
    from semopt.result import Status

    return Status.OPTIMAL if exact and problem.n_users == 1 else Status.CONVERGED


def solve_per_user(problem: SplitInference,
                   place: Callable[[SplitInference, int, LayerCosts], np.ndarray]) -> SplitSolution:
    """Build a solution whose row m is ``place(problem, m, costs_m)``."""
    sol = problem.empty_solution()
    for m in range(problem.n_users):
        costs = problem.costs(m, sol.bandwidth[m], sol.compute[m])
        sol.placement[m] = place(problem, m, costs)
    return sol


def reject_constraints(problem: SplitInference, solver: str, *, allow: tuple[str, ...] = ()) -> None:
    """Refuse constraints a solver cannot honour, naming the solvers that can."""
    present = {
        "energy_budget": np.isfinite(problem.energy_budget).any(),
        "deadline": np.isfinite(problem.deadline).any(),
        "memory": bool(np.any(problem.memory < problem.bytes_per_param * problem.network.total_params)),
    }
    if problem.objective == "accuracy" and "accuracy" not in allow:
        raise SolverError(f"Solver {solver!r} does not choose exits; objective 'accuracy' needs 'early-exit'.")
    bad = [name for name, on in present.items() if on and name not in allow]
    if bad:
        raise SolverError(
            f"Solver {solver!r} optimises the unconstrained additive objective; this instance has "
            f"{', '.join(bad)} constraints. Use 'milp' (every constraint) or 'lagrangian' (energy budget)."
        )
