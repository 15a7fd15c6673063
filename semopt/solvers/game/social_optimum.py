"""``social-optimum``: maximise the social welfare sum_i U_i over every terminal's action at once.

The benchmark an equilibrium is measured against (price of anarchy
``W_opt / W_eq``).  All 3N actions are chosen together by L-BFGS-B in unit
coordinates (:func:`~semopt.algorithms.multistart.maximise`, finite-difference
gradients), from ``starts`` starting profiles: the best-response
equilibrium (so the optimum is never below it), the box centre, then
random profiles.  The welfare is not concave in general, so the result is
the best local optimum found: ``status="converged"``, not ``"optimal"``.
"""

from __future__ import annotations

import numpy as np

from semopt.loop import Callback, Deadline, Loop
from semopt.options import CALLBACK, Option
from semopt.problems.game import GameSolution, SemanticGame
from semopt.registry import register_solver
from semopt.result import SolverOutput
from semopt.solvers.game.best_response import initial_profile, maximise_welfare, play

__all__ = ["social_optimum"]


@register_solver("social-optimum", problems=(SemanticGame,), options={
    "starts": Option(5, "int", "Local searches: from the best-response equilibrium, the box centre, then uniform "
                     "random profiles (the first `starts` of these).", low=1),
    "callback": CALLBACK,
})
def social_optimum(problem: SemanticGame, *, rng: np.random.Generator, time_limit: float | None, starts: int,
                   callback: Callback | None) -> SolverOutput:
    """Centralised welfare maximisation (L-BFGS-B, multi-start): the reference of the price of anarchy."""
    deadline = Deadline(time_limit)
    z_eq, _ = play(problem, initial_profile(problem, "uniform", rng), Loop(max_iter=100, deadline=deadline))
    candidates = [z_eq, initial_profile(problem, "uniform", rng),
                  *(rng.random((problem.n_terminals, 3)) for _ in range(max(starts - 2, 0)))][:starts]
    # One deadline for the equilibrium and the local searches (a single L-BFGS-B run is not interrupted).
    loop = Loop(max_iter=len(candidates), callback=callback, deadline=deadline)
    best_z, best = z_eq, problem.welfare(problem.from_unit(z_eq))
    for start in candidates:
        if not loop.running():
            break
        z, value = maximise_welfare(problem, [start])
        if value > best:
            best_z, best = z, value
        loop.record(best, GameSolution(problem.from_unit(best_z)), may_stop=False)
    loop.converge(f"best of {loop.iteration} local optima")
    return loop.output(GameSolution(problem.from_unit(best_z)),
                       {"equilibrium_welfare": problem.welfare(problem.from_unit(z_eq))})
