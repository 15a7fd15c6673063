"""Exact solver for tiny SemanticOffloading instances: enumerate every discrete choice.

For every association, every subcarrier assignment (each subcarrier of a BS
to one of its users or left free, every user holding at least one) and
every semantic mode vector, the compute allocation is the convex problem
eq 26, solved exactly by the KKT closed form with the deadline floors.
The best feasible combination is the global optimum of problem (9).

The search space is counted before anything runs; above ``max_space``
(default 200,000 combinations) the solver refuses with a
:class:`~semopt.errors.SolverError` that gives the count.
"""

from __future__ import annotations

import itertools
import time
from math import comb

import numpy as np

from semopt._options import Option
from semopt.errors import SolverError
from semopt.problems.semantic_offloading import OffloadingSolution, SemanticOffloading
from semopt.registry import SolverOutput, register_solver
from semopt.result import Status
from semopt.solvers import convex
from semopt.solvers.offloading import OffloadingModel, compute_coefficients, overfull_output

__all__ = ["search_space", "MAX_SPACE"]

MAX_SPACE = 200_000


def _cell_assignments(n_members: int, n_sub: int) -> int:
    """Ways to give N subcarriers to m users or leave them free, each user holding >= 1."""
    # Inclusion-exclusion over the users left without a subcarrier.
    return sum((-1) ** j * comb(n_members, j) * (n_members - j + 1) ** n_sub for j in range(n_members + 1))


def _compositions(total: int, parts: int):
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in _compositions(total - first, parts - 1):
            yield (first, *rest)


def search_space(problem: SemanticOffloading) -> int:
    """Number of (association, subcarriers, semantic) combinations :func:`exhaustive` visits."""
    u, k, n = problem.gain.shape
    cells = [_cell_assignments(m, n) for m in range(u + 1)]
    total = 0
    for counts in _compositions(u, k):
        ways, left = 1, u
        for m in counts:  # multinomial coefficient times the subcarrier assignments of each BS
            ways *= comb(left, m) * cells[m]
            left -= m
        total += ways
    return total * 2**u


def _rows(members: np.ndarray, n_sub: int):
    for row in itertools.product([-1, *members.tolist()], repeat=n_sub):
        if all(m in row for m in members):
            yield row


@register_solver("exhaustive", problems=(SemanticOffloading,), exact=True, options={
    "max_space": Option(MAX_SPACE, "int", "Refuse instances with more combinations than this.", low=1),
})
def exhaustive(problem: SemanticOffloading, *, rng, time_limit, max_space: int) -> SolverOutput:
    """Global optimum of problem (9) by enumeration (tiny instances only)."""
    u, k, n = problem.gain.shape
    if u > k * n:
        return overfull_output(problem)
    space = search_space(problem)
    if space > max_space:
        raise SolverError(
            f"exhaustive refuses this instance: {space} combinations > max_space={max_space}; "
            f"use 'bcd' or raise max_space."
        )
    model = OffloadingModel(problem)
    start = time.perf_counter()
    timed_out = False
    best: tuple | None = None
    semantics = [np.array(e, dtype=bool) for e in itertools.product((False, True), repeat=u)]
    for assoc in itertools.product(range(k), repeat=u):
        if best is not None and time_limit is not None and time.perf_counter() - start > time_limit:
            timed_out = True
            break
        assoc = np.array(assoc, dtype=np.int64)
        per_bs = [list(_rows(np.flatnonzero(assoc == b), n)) for b in range(k)]
        for rows in itertools.product(*per_bs):
            carrier = np.array(rows, dtype=np.int64).reshape(k, n)
            _, rate = model.rates(carrier)
            for semantic in semantics:
                sol = OffloadingSolution(assoc, carrier, semantic, np.zeros(u))
                a, b = compute_coefficients(model, sol, rate)
                low, _ = convex.deadline_floors(assoc, a, b, model.terms.deadline, model.capacity)
                sol.compute = convex.allocate_kkt(assoc, a, b, model.terms.weight, low, model.capacity)
                score = model.assess(sol)
                if best is None or model.better(score, best[1]):
                    best = (sol, score)
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

