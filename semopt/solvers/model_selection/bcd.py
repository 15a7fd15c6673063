"""``bcd``: local search over selections, each allocated by the closed form (spec B3.3).

The two blocks are the selection (discrete: flip one user's model, or swap
two users' models) and the allocation (continuous: the KKT closed form of
:mod:`semopt.algorithms.rate_allocation`, exact for a fixed selection).
Each pass takes every improving move of the neighbourhood; a restart ends at
a selection no move improves.  Selections are ranked feasible first (by
RDE), infeasible ones by the common fraction of the floors they carry, so a
start that misses the latency bounds climbs towards them.  Restarts: everyone
on the model with the lowest floor, everyone on the least distorting one,
then random selections.  A heuristic: ``exact`` is the reference, and the
tests hold ``bcd`` within 1 % of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from semopt.algorithms.local_search import improve
from semopt.loop import Loop
from semopt.options import CALLBACK, Option
from semopt.problems.model_selection import ModelSelection
from semopt.registry import register_solver
from semopt.result import SolverOutput, Status
from semopt.solvers.model_selection.allocation import ALLOCATION, Allocator, Outcome, infeasibility
from semopt.solvers.model_selection.local import starts

__all__: list[str] = []


@register_solver("bcd", problems=(ModelSelection,), options={
    "max_iter": Option(100, "int", "Passes over the neighbourhood at most, over all restarts.", low=1),
    "restarts": Option(4, "int", "Starts: lowest-floor model, least-distorting model, then random selections.",
                       low=1, high=1000),
    "allocation": ALLOCATION,
    "callback": CALLBACK,
})
def bcd(problem: ModelSelection, *, rng: np.random.Generator, time_limit: float | None, max_iter: int,
        restarts: int, allocation: str, callback: Callable[..., Any] | None) -> SolverOutput:
    """Flip-and-swap local search over selections with the closed-form allocation, from several starts."""
    alloc = Allocator(problem, allocation)
    loop = Loop(max_iter=max_iter, time_limit=time_limit, callback=callback)
    best: Outcome | None = None
    for start in starts(problem, restarts, rng):
        current = start
        while loop.running():
            current, _, moves = improve(current, problem.n_models, lambda x: alloc.outcome(x).score, rng)
            found = alloc.outcome(current)
            if best is None or found.score > best.score:
                best = found
            loop.record(best.rde, best.solution(), may_stop=False)
            if moves == 0:
                break
        if loop.status is not None:
            break
    loop.converge("every restart reached a selection no flip or swap improves")
    if best is None:  # the time ran out before the first pass
        best = alloc.outcome(starts(problem, 1, rng)[0])
    out = loop.output(best.solution(), {"allocations": float(alloc.evaluated), "restarts": float(restarts)})
    if not best.fit and out.status == Status.CONVERGED:  # judged infeasible by solve() in any case: say why
        out.status, out.message = Status.INFEASIBLE, infeasibility(problem, best) + " (local search: not proven)"
    return out
