"""``exhaustive``: every selection (``S^M`` of them), each allocated by the closed form -- the reference of
``exact`` on small instances (spec B3.3).  No dominance, no rearrangement: it checks both."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np

from semopt.capabilities import Capabilities
from semopt.loop import Deadline
from semopt.options import Option
from semopt.problems.model_selection import ModelSelection
from semopt.registry import register_solver
from semopt.result import SolverOutput, Status
from semopt.solvers.model_selection.allocation import ALLOCATION, Allocator, Outcome, infeasibility

__all__ = ["MAX_SPACE"]

MAX_SPACE = 4096  # 4^6: the paper's four models and six users


def _refusal(problem: ModelSelection, options: Mapping[str, Any]) -> str | None:
    space = problem.n_models ** problem.n_users
    if space > options["max_space"]:
        return (f"{problem.n_models}^{problem.n_users} selections > max_space={options['max_space']}; "
                f"use 'exact' or 'bcd'")
    return None


@register_solver("exhaustive", problems=(ModelSelection,), exact=True, options={
    "allocation": ALLOCATION,
    "max_space": Option(MAX_SPACE, "int", "Refuse instances with more selections (S^M) than this.", low=1),
}, capabilities=Capabilities(check=_refusal))
def exhaustive(problem: ModelSelection, *, rng: np.random.Generator, time_limit: float | None, allocation: str,
               max_space: int) -> SolverOutput:
    """Every selection, each with its optimal bandwidths and powers; the best RDE (or, if none is feasible,
    the largest common fraction of the floors)."""
    alloc = Allocator(problem, allocation)
    deadline = Deadline(time_limit)
    best: Outcome | None = None
    for selection in itertools.product(range(problem.n_models), repeat=problem.n_users):
        if deadline.expired() and best is not None:
            return SolverOutput(best.solution(), Status.TIME_LIMIT, [best.rde] if best.fit else [],
                                f"time_limit={time_limit} s reached after {alloc.evaluated} selections")
        found = alloc.outcome(np.array(selection, dtype=np.int64))
        if best is None or found.score > best.score:
            best = found
    assert best is not None
    metrics = {"selections": float(alloc.evaluated)}
    if not best.fit:
        return SolverOutput(best.solution(), Status.INFEASIBLE, [], infeasibility(problem, best), metrics)
    return SolverOutput(best.solution(), Status.OPTIMAL, [best.rde], f"best of {alloc.evaluated} selections",
                        metrics)
