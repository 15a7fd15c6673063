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

from semopt.algorithms.enumeration import assignments, compositions, count_assignments
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


def search_space(problem: SemanticOffloading) -> int:
    """Number of (association, subcarriers, semantic) combinations ``exhaustive`` visits.

    Examples
    --------
    >>> import semopt
    >>> search_space(semopt.scenarios.load("semantic-mec", users=2, base_stations=2, subcarriers=2))
    88
    """
    u, k, n = problem.gain.shape
    cells = [count_assignments(m, n) for m in range(u + 1)]
    total = 0
    for counts in compositions(u, k):
        ways, left = 1, u
        for m in counts:  # multinomial coefficient times the subcarrier assignments of each BS
            ways *= comb(left, m) * cells[m]
            left -= m
        total += ways
    return total * 2**u


def _too_large(problem: Any, options: Mapping[str, Any]) -> str | None:
    space = search_space(problem)
    limit = options["max_space"]
    if space > limit:
        return f"{space} combinations > max_space={limit} (use 'bcd', or raise max_space)"
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
