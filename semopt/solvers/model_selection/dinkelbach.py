"""``dinkelbach``: Dinkelbach's method over selections, each inner problem by local search (spec B3.3).

RDE is a ratio ``N(a) / D(a)``: the best sum rate of selection ``a`` over
``lambda sum D + eps``.  At price ``q`` the inner problem ``max_a N(a) - q
D(a)`` trades rate against distortion additively; it is solved by the same
flip-and-swap local search as ``bcd`` (feasible selections first), warm
started from the previous step, and ``q`` moves to the ratio of its answer
(:mod:`semopt.algorithms.dinkelbach`).  Each step never lowers RDE; a few
steps suffice.  With a local inner search the answer is a heuristic, like
``bcd``'s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from semopt.algorithms.dinkelbach import dinkelbach_steps
from semopt.loop import Loop
from semopt.options import CALLBACK, Option
from semopt.problems.model_selection import ModelSelection
from semopt.registry import register_solver
from semopt.result import SolverOutput, Status
from semopt.solvers.model_selection.allocation import ALLOCATION, Allocator, Outcome, infeasibility
from semopt.solvers.model_selection.local import climb, starts

__all__: list[str] = []

_PASSES = 50  # local-search passes per inner problem at most


@register_solver("dinkelbach", problems=(ModelSelection,), options={
    "max_iter": Option(30, "int", "Dinkelbach steps at most.", low=1),
    "tol": Option(1e-9, "float", "Stop when the inner optimum beats the ratio by at most tol x max(q, 1) x D.",
                  low=0.0),
    "allocation": ALLOCATION,
    "callback": CALLBACK,
})
def dinkelbach(problem: ModelSelection, *, rng: np.random.Generator, time_limit: float | None, max_iter: int,
               tol: float, allocation: str, callback: Callable[..., Any] | None) -> SolverOutput:
    """Dinkelbach's ratio iteration over selections, each step a flip-and-swap local search."""
    alloc = Allocator(problem, allocation)
    loop = Loop(max_iter=max_iter, time_limit=time_limit, callback=callback)

    def inner(price: float, start: np.ndarray) -> tuple[np.ndarray, float, float]:
        def score(model: np.ndarray) -> tuple[int, float]:
            found = alloc.outcome(model)
            return (1, found.sum_rate - price * alloc.denominator(model)) if found.fit else (0, found.fraction)

        model, _, _ = climb(start, problem.n_models, score, rng, loop.deadline, _PASSES)
        return model, alloc.outcome(model).sum_rate, alloc.denominator(model)

    first = max((alloc.outcome(s) for s in starts(problem, 2, rng)), key=lambda o: o.score)
    best: Outcome = first
    steps = dinkelbach_steps(inner, first.model, tol=tol)
    while loop.running():
        step = next(steps, None)
        if step is None:
            loop.converge("the inner optimum no longer beats the ratio")
            break
        found = alloc.outcome(step.x)
        if found.score > best.score:
            best = found
        loop.record(best.rde, best.solution(), may_stop=False)
        if not found.fit:
            loop.converge("local search found no selection that meets every latency bound")
    out = loop.output(best.solution(), {"allocations": float(alloc.evaluated)})
    if not best.fit and out.status == Status.CONVERGED:  # judged infeasible by solve() in any case: say why
        out.status, out.message = Status.INFEASIBLE, infeasibility(problem, best) + " (local search: not proven)"
    return out
