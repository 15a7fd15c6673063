"""``exact``: the optimal selection by dominance, count vectors and the rearrangement order (spec B3.3).

Only undominated models are needed (:func:`.structure.undominated`); for a
fixed model on the strongest user (the only user above its floor at the
optimum, :mod:`semopt.algorithms.rate_allocation`) and fixed counts of each
model among the others, the sorted assignment is optimal
(:func:`.structure.floor_order`).  So the search is over
``|S'| C(M - 1 + |S'| - 1, |S'| - 1)`` candidates -- 234 at the paper's 12
users, 15 150 at 100 -- each solved by the closed form.  Candidates are
visited best-first by an upper bound: the sum rate is at most the strongest
user's rate with both whole budgets (superadditivity), over the candidate's
fixed RDE denominator; the search stops when the bound falls to the best RDE
found.  Without a feasible selection it maximises the common fraction of the
floors instead and reports ``infeasible``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from semopt.algorithms.enumeration import compositions
from semopt.algorithms.rate_allocation import dual_bound, price_grid, unit_costs
from semopt.capabilities import Capabilities
from semopt.loop import Deadline
from semopt.models.model_selection import rate_floor
from semopt.options import Option
from semopt.problems.model_selection import ModelSelection
from semopt.registry import register_solver
from semopt.result import SolverOutput, Status
from semopt.solvers.model_selection.allocation import ALLOCATION, Allocator, Outcome, infeasibility
from semopt.solvers.model_selection.structure import by_counts, count_space, floor_order, undominated, uniform_latency

__all__ = ["MAX_SPACE", "candidates"]

MAX_SPACE = 10**7


def _space(problem: ModelSelection) -> int:
    kept = undominated(problem).size
    return kept * count_space(problem.n_users - 1, kept) + count_space(problem.n_users, kept)


def _refusal(problem: ModelSelection, options: Mapping[str, Any]) -> str | None:
    if not uniform_latency(problem):
        return "the rearrangement order needs one latency bound for every user; use 'exhaustive' or 'bcd'"
    if _space(problem) > options["max_space"]:
        return (f"{_space(problem)} candidate selections > max_space={options['max_space']}; "
                f"use 'bcd' or 'dinkelbach'")
    return None


def candidates(problem: ModelSelection) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every candidate of the search: ``(tops[C], counts[C, |S'|], order[|S'|])``, the strongest user's model
    and the others' count of each model of ``order``: the undominated models whose inference time leaves
    time to transmit (the others can never be part of a feasible selection), largest floor first."""
    order = _usable(problem)
    counts = np.array(list(compositions(problem.n_users - 1, order.size)), dtype=np.int64)
    counts = counts.reshape(len(counts), order.size)
    tops = np.repeat(order, len(counts))
    return tops, np.tile(counts, (order.size, 1)), order


def _usable(problem: ModelSelection) -> np.ndarray:
    order = floor_order(problem, undominated(problem))
    return order[problem.model_time[order] < problem.latency_max[0]]


def _bounds(problem: ModelSelection, tops: np.ndarray, counts: np.ndarray, order: np.ndarray,
            users: np.ndarray) -> np.ndarray:
    """Upper bound on each candidate's RDE: the Lagrangian dual bound on its sum rate at the best of a grid
    of price ratios (:func:`~semopt.algorithms.rate_allocation.dual_bound`), over its RDE denominator.

    The others' floor excess ``sum rho_m (c_m / c_top - 1)`` of a candidate
    is a sum over blocks of consecutive users (each block one model), so one
    prefix sum per price serves every candidate.
    """
    a = problem.gain_over_noise
    loss = problem.lam * (problem.model_loss[tops] + counts @ problem.model_loss[order]) + problem.eps
    if problem.power_budget == "joint":
        budget = problem.power_max - problem.model_power[tops] - counts @ problem.model_power[order]
    else:
        budget = np.full(tops.size, problem.power_max)
    floor = rate_floor(problem.data_bits[order], problem.latency_max[0], problem.model_time[order])
    ends = np.cumsum(counts, axis=1)
    begins = ends - counts
    thetas = price_grid(a)
    cost = unit_costs(a, thetas)
    bound = np.full(tops.size, np.inf)
    for t, theta in enumerate(thetas):
        excess = np.concatenate(([0.0], np.cumsum(cost[t, users[1:]] / cost[t, users[0]] - 1.0)))
        floor_excess = (excess[ends] - excess[begins]) @ floor
        bound = np.minimum(bound, dual_bound(theta, cost[t, users[0]], problem.bandwidth_max, budget, floor_excess))
    return np.where(budget > 0, bound / loss, -np.inf)


def _fallback(problem: ModelSelection, alloc: Allocator, order: np.ndarray, users: np.ndarray) -> Outcome:
    """The selection carrying the largest common fraction of the floors: counts over every user, sorted."""
    best: Outcome | None = None
    for _, models in by_counts(order, users):
        model = np.empty(problem.n_users, dtype=np.int64)
        model[users] = models
        found = alloc.outcome(model)
        if best is None or found.score > best.score:
            best = found
    assert best is not None
    return best


@register_solver("exact", problems=(ModelSelection,), exact=True, options={
    "allocation": ALLOCATION,
    "max_space": Option(MAX_SPACE, "int", "Refuse instances with more candidate selections than this.", low=1),
}, capabilities=Capabilities(check=_refusal))
def exact(problem: ModelSelection, *, rng: np.random.Generator, time_limit: float | None, allocation: str,
          max_space: int) -> SolverOutput:
    """Dominance, the strongest user's model x the others' model counts in the rearrangement order, best-first."""
    alloc = Allocator(problem, allocation)
    deadline = Deadline(time_limit)
    users = np.argsort(-problem.gain_over_noise, kind="stable")
    tops, counts, order = candidates(problem)
    bounds = _bounds(problem, tops, counts, order, users)
    best: Outcome | None = None
    status, visited = Status.OPTIMAL, 0
    for c in np.argsort(-bounds, kind="stable"):
        if not np.isfinite(bounds[c]) or (best is not None and bounds[c] <= best.rde):
            break  # no transmit power left, or no better RDE possible: neither here nor in any later candidate
        if deadline.expired():
            status = Status.TIME_LIMIT
            break
        visited += 1
        model = np.empty(problem.n_users, dtype=np.int64)
        model[users[0]] = tops[c]
        model[users[1:]] = np.repeat(order, counts[c])
        found = alloc.outcome(model)
        if found.fit and (best is None or found.rde > best.rde):
            best = found
    metrics = {"candidates": float(tops.size), "visited": float(visited), "allocations": float(alloc.evaluated)}
    if best is not None:
        message = (f"optimal: {visited} of {tops.size} candidates solved, the others bounded out"
                   if status == Status.OPTIMAL else
                   f"time_limit={time_limit} s reached after {visited} of {tops.size} candidates")
        return SolverOutput(best.solution(), status, [best.rde], message, metrics)
    if status == Status.TIME_LIMIT:
        cheapest = alloc.outcome(np.full(problem.n_users, order[-1]))
        return SolverOutput(cheapest.solution(), status, [], f"time_limit={time_limit} s reached after {visited} "
                            f"of {tops.size} candidates, none feasible", metrics)
    best = _fallback(problem, alloc, floor_order(problem, undominated(problem)), users)
    return SolverOutput(best.solution(), Status.INFEASIBLE, [], infeasibility(problem, best), metrics)
