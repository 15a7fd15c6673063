"""The centralised SemanticGame: maximise the social welfare sum_i U_i over every terminal's action (seed 000).

The benchmark an equilibrium is measured against (price of anarchy
``W_opt / W_eq``).  All 3N actions are chosen together by L-BFGS-B in unit
coordinates (scipy, finite-difference gradients), from several starts: the
best-response equilibrium (so the optimum is never below it), the box
centre and random profiles.  The welfare is not concave in general, so the
result is the best local optimum found: ``status="converged"``, not
``"optimal"``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
from scipy.optimize import minimize

from semopt._loop import Loop
from semopt._options import CALLBACK, Option
from semopt.problems.game import GameSolution, SemanticGame
from semopt.registry import SolverOutput, register_solver
from semopt.result import Status

__all__ = ["maximise_welfare", "maximise"]


def maximise(objective, starts: Sequence[np.ndarray], *, constraints: Sequence[dict] = ()) -> tuple[np.ndarray, float]:
    """Maximise ``objective(z)`` over unit profiles ``z`` (float[N, 3]) from each start; keep the best.

    L-BFGS-B without constraints, SLSQP with them (scipy's dict format,
    ``fun(z_flat) >= 0``).  A start that violates a constraint only counts
    if the local solver makes it feasible.
    """
    shape = np.shape(starts[0])
    best_z, best_value = None, -np.inf

    def negative(flat):
        return -float(objective(flat.reshape(shape)))

    def feasible(flat) -> bool:
        return all(c["fun"](flat) >= -1e-7 for c in constraints)

    bounds = [(0.0, 1.0)] * int(np.prod(shape))
    for start in starts:
        flat = np.clip(np.asarray(start, dtype=float).ravel(), 0.0, 1.0)
        if constraints:
            res = minimize(negative, flat, method="SLSQP", bounds=bounds, constraints=list(constraints),
                           options={"ftol": 1e-12, "maxiter": 500})
        else:
            res = minimize(negative, flat, method="L-BFGS-B", bounds=bounds,
                           options={"ftol": 1e-14, "gtol": 1e-10, "maxiter": 2000})
        for z in (np.clip(res.x, 0.0, 1.0), flat):
            if feasible(z):
                value = -negative(z)
                if value > best_value:
                    best_z, best_value = z.reshape(shape), value
    if best_z is None:
        return np.asarray(starts[0], dtype=float), -np.inf
    return best_z, best_value


def maximise_welfare(problem: SemanticGame, starts: Sequence[np.ndarray], rng: np.random.Generator, *,
                     starts_random: int = 0, **kw) -> tuple[np.ndarray, float]:
    """Best welfare from ``starts`` plus ``starts_random`` uniform random unit profiles."""
    extra = [rng.random((problem.n_terminals, 3)) for _ in range(starts_random)]
    return maximise(lambda z: problem.welfare(problem.from_unit(z)), [*starts, *extra], **kw)


@register_solver("social-optimum", problems=(SemanticGame,), options={
    "starts": Option(3, "int", "Random starts besides the equilibrium and the box centre.", low=0),
    "callback": CALLBACK,
})
def social_optimum(problem: SemanticGame, *, rng, time_limit, starts: int, callback) -> SolverOutput:
    """Centralised welfare maximisation (L-BFGS-B, multi-start): the reference of the price of anarchy."""
    from semopt.solvers.best_response import initial_profile, play

    start = time.perf_counter()
    z_eq, _ = play(problem, initial_profile(problem, "center", rng),
                   Loop(max_iter=100, tol=0.0, time_limit=time_limit, callback=None))
    candidates = [z_eq, initial_profile(problem, "center", rng), *(rng.random((problem.n_terminals, 3))
                                                                     for _ in range(starts))]
    # One deadline for the equilibrium and the local searches (a single L-BFGS-B run is not interrupted).
    remaining = None if time_limit is None else max(time_limit - (time.perf_counter() - start), 1e-9)
    loop = Loop(max_iter=len(candidates), tol=0.0, time_limit=remaining, callback=callback)
    best_z, best = z_eq, problem.welfare(problem.from_unit(z_eq))
    for start in candidates:
        if not loop.running():
            break
        z, value = maximise(lambda u: problem.welfare(problem.from_unit(u)), [start])
        if value > best:
            best_z, best = z, value
        loop.record(best, GameSolution(problem.from_unit(best_z)), may_stop=False)
    status = loop.status if loop.status in (Status.TIME_LIMIT, Status.STOPPED) else Status.CONVERGED
    message = loop.message if status != Status.CONVERGED else f"best of {len(loop.history)} local optima"
    return SolverOutput(GameSolution(problem.from_unit(best_z)), status, loop.history, message,
                        {"equilibrium_welfare": problem.welfare(problem.from_unit(z_eq))})
