"""``bcd``: alternate the server load and the joint offload-and-channel assignment (spec A3.3).

Given a load L, every user's best offload value on every sub-channel and
its best local value follow from the per-user oracle; the best plan at L is
an assignment of users to sub-channels in which each user's own dummy
column is "local" (:func:`~semopt.algorithms.assignment.assign_with_outside`).
The plan's own load is the next L.  Repeat until a plan recurs; start from
L = 0 (everyone could offload), from everyone offloading, and from
``starts - 2`` random offloader sets; keep the best plan judged at its own
load.  The paper's baselines are this driver on restricted actions:
``semantic-unaware`` never extracts (``mu = 1``) and ``discrete`` searches a
coarse action grid (5 powers x 3 clocks x 6 extraction factors and raw),
like the paper's discrete-action agents.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from semopt.algorithms.assignment import assign_with_outside
from semopt.loop import Loop
from semopt.options import CALLBACK, Option
from semopt.problems.qoe import QoEOffloading
from semopt.registry import register_solver
from semopt.result import SolverOutput
from semopt.solvers.qoe.exact import POLISH
from semopt.solvers.qoe.oracle import GRIDS, Grid, Oracle
from semopt.solvers.qoe.plans import judge

__all__ = ["run_bcd", "BCD_OPTIONS"]

BCD_OPTIONS = {
    "max_iter": Option(200, "int", "Load updates at most, over all starts (50 users need about 55).", low=1),
    "starts": Option(4, "int", "Starts: no load, everyone offloading, then random offloader sets.", low=1,
                     high=1000),
    "callback": CALLBACK,
    "polish": POLISH,
}


def _start_loads(problem: QoEOffloading, starts: int, rng: np.random.Generator) -> list[float]:
    full = problem.server_load(np.ones(problem.n_users, bool))
    loads = [0.0, full][:starts]
    while len(loads) < starts:
        loads.append(problem.server_load(rng.random(problem.n_users) < 0.5))
    return loads


def run_bcd(problem: QoEOffloading, rng: np.random.Generator, time_limit: float | None, grid: Grid, *,
            max_iter: int, starts: int, callback: Callable[..., Any] | None, polish: bool,
            label: str) -> SolverOutput:
    """The driver of ``bcd`` and its restrictions on the oracle's ``grid``.

    From each start, iterate ``L <- load(plan(L))``.  When a plan recurs
    without being a fixed point (the load swings between "everyone offloads"
    and "nobody does", as with the server's whole energy charged to each
    offloader), bisect on L instead: ``load(plan(L))`` does not increase with
    L (values fall as the load grows), so the fixed point lies between the
    largest L whose plan asks for more and the smallest whose plan asks for
    less; a plan made at L with a load of at most L is feasible at it.
    """
    oracle = Oracle(problem, grid)
    loop = Loop(max_iter=max_iter, callback=callback, time_limit=time_limit)
    local = np.full(problem.n_users, -1)
    best_value, best_plan = judge(problem, oracle, local)[0], local
    resolution = 1e-3 * max(problem.server_load(np.ones(problem.n_users, bool)), 1.0)
    for load in _start_loads(problem, starts, rng):
        seen: set[bytes] = set()
        below, above = -np.inf, np.inf  # loads whose plans asked for more / for at most that load
        bisecting = False
        while loop.running():
            values = oracle.values(load)
            plan = assign_with_outside(values.offload - values.local[:, None])
            value, sol = judge(problem, oracle, plan)
            if value > best_value:
                best_value, best_plan = value, plan
            loop.record(max(best_value, -1e300), sol, may_stop=False)
            own = problem.server_load(plan >= 0)
            if own == load:
                break  # a fixed point
            if own > load:
                below = max(below, load)
            else:
                above = min(above, load)
            key = plan.tobytes()
            bisecting = bisecting or key in seen
            seen.add(key)
            if not bisecting:
                load = own
            elif np.isfinite(below) and np.isfinite(above) and above - below > resolution:
                load = 0.5 * (below + above)
            else:
                break
        if loop.status is not None:
            break
    loop.converge(f"{label}: every start reached a fixed point or bracketed it")
    return loop.output(oracle.solution(best_plan, polish=polish), {"starts": float(starts)})


@register_solver("bcd", problems=(QoEOffloading,), options=BCD_OPTIONS)
def bcd(problem: QoEOffloading, *, rng: np.random.Generator, time_limit: float | None,
        **options: Any) -> SolverOutput:
    """Alternate load and joint offload/channel assignment (local as dummy columns), from several starts."""
    return run_bcd(problem, rng, time_limit, GRIDS["fine"], label="bcd", **options)


@register_solver("semantic-unaware", problems=(QoEOffloading,), options=BCD_OPTIONS)
def semantic_unaware(problem: QoEOffloading, *, rng: np.random.Generator, time_limit: float | None,
                     **options: Any) -> SolverOutput:
    """The paper's semantic-unaware baseline: the same driver, tasks offloaded raw (mu = 1) or run locally."""
    return run_bcd(problem, rng, time_limit, GRIDS["unaware"], label="semantic-unaware", **options)


@register_solver("discrete", problems=(QoEOffloading,), options={**BCD_OPTIONS, "polish": Option(
    False, "bool", "Zoom the chosen actions (off: the discrete baseline keeps its grid).")})
def discrete(problem: QoEOffloading, *, rng: np.random.Generator, time_limit: float | None,
             **options: Any) -> SolverOutput:
    """The paper's discrete-action baseline: the same driver on a coarse action grid."""
    return run_bcd(problem, rng, time_limit, GRIDS["coarse"], label="discrete", **options)
