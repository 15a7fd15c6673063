"""The global optimum of a tiny SemanticOffloading instance, by enumeration.

For every association, every subcarrier assignment (each subcarrier of a BS
to one of its users or left free, every user holding at least one) and
every semantic mode vector, the compute allocation is the convex problem
eq 26, solved exactly by the KKT closed form with the deadline floors (the
``bcd`` compute step).  The best feasible combination is the global optimum
of problem (9) of Zheng et al.

The search space is counted before anything runs
(:mod:`semopt.algorithms.enumeration`); an instance with more than
``max_space`` combinations (default 200,000) is refused at the door, and
``available_solvers`` does not list ``exhaustive`` for it.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from math import comb
from typing import Any

import numpy as np

from semopt.algorithms.enumeration import assignments, count_assignments
from semopt.capabilities import Capabilities
from semopt.loop import Deadline
from semopt.models.offloading import Assessment
from semopt.options import Option
from semopt.problems.offloading import OffloadingSolution, SemanticOffloading
from semopt.registry import register_solver
from semopt.result import SolverOutput, Status
from semopt.solvers.offloading.bcd import compute_step, overfull_output

__all__ = ["search_space", "MAX_SPACE"]

MAX_SPACE = 200_000


def search_space(problem: SemanticOffloading, cap: int | None = None) -> int:
    """Number of (association, subcarriers, semantic) combinations ``exhaustive`` visits.

    With ``cap``, any number above it is returned as ``cap + 1`` (cheaply: the
    count is then only compared with a limit).

    Notes
    -----
    ``ways[b][j]``, the ways to place ``j`` given users on the first ``b`` BSs
    with their subcarriers, follows ``ways[b][j] = sum_m C(j, m) cells[m]
    ways[b-1][j-m]`` with ``cells[m]`` the subcarrier assignments of ``m``
    users at one BS (:func:`~semopt.algorithms.enumeration.count_assignments`):
    ``O(K U^2)`` operations instead of one per composition of U into K parts.
    Every user also chooses its semantic mode: the total is ``2^U ways[K][U]``.

    Examples
    --------
    >>> import semopt
    >>> search_space(semopt.scenarios.load("semantic-mec", users=2, base_stations=2, subcarriers=2))
    88
    """
    u, k, n = problem.gain.shape
    limit = None if cap is None else cap + 1
    if limit is not None and u <= k * n and u > limit.bit_length():
        return limit  # the 2^U semantic modes alone exceed the cap
    cells = [count_assignments(m, n) for m in range(u + 1)]
    ways = [1] + [0] * u
    for _ in range(k):
        ways = [sum(comb(j, m) * cells[m] * ways[j - m] for m in range(j + 1)) for j in range(u + 1)]
        if limit is not None:
            ways = [min(w, limit) for w in ways]
    total = ways[u] * 2**u
    return total if limit is None else min(total, limit)


def _too_large(problem: Any, options: Mapping[str, Any]) -> str | None:
    limit = options["max_space"]
    space = search_space(problem, cap=limit)
    if space > limit:
        return f"more than max_space={limit} combinations (use 'bcd', or raise max_space)"
    return None


@register_solver("exhaustive", problems=(SemanticOffloading,), exact=True, options={
    "max_space": Option(MAX_SPACE, "int", "Refuse instances with more combinations than this.", low=1),
}, capabilities=Capabilities(check=_too_large))
def exhaustive(problem: SemanticOffloading, *, rng: np.random.Generator, time_limit: float | None,
               max_space: int) -> SolverOutput:
    """Global optimum of problem (9) by enumeration (tiny instances only)."""
    u, k, n = problem.gain.shape
    if u > k * n:
        return overfull_output(problem)
    space = search_space(problem)
    model = problem.model()
    deadline = Deadline(time_limit)
    timed_out = False
    best: tuple[OffloadingSolution, Assessment] | None = None
    semantics = [np.array(e, dtype=bool) for e in itertools.product((False, True), repeat=u)]
    for assoc_row in itertools.product(range(k), repeat=u):
        if best is not None and deadline.expired():
            timed_out = True
            break
        assoc = np.array(assoc_row, dtype=np.int64)
        per_bs = [list(assignments(np.flatnonzero(assoc == b), n)) for b in range(k)]
        for rows in itertools.product(*per_bs):
            carrier = np.array(rows, dtype=np.int64).reshape(k, n)
            _, rate = model.rates(carrier)
            for semantic in semantics:
                sol = OffloadingSolution(assoc, carrier, semantic, np.zeros(u))
                sol.compute = compute_step(model, sol, rate, "kkt")
                score = model.assess(sol)
                if best is None or model.better(score, best[1]):
                    best = (sol, score)
    assert best is not None  # U <= K N: some combination exists
    sol, score = best
    if timed_out:
        status, message = Status.TIME_LIMIT, f"reached time_limit={time_limit} s before enumerating all {space}"
    elif problem.evaluate(sol).feasible:
        status, message = Status.OPTIMAL, f"enumerated {space} combinations"
    else:
        # Every combination was tried with its best compute: no allocation meets every deadline.
        status = Status.INFEASIBLE
        message = ("no allocation meets every deadline (9h); returned the combination with the least "
                   "deadline excess, its compute maximising the reward")
    return SolverOutput(sol, status, [score.objective], message, {"combinations": float(space)})
