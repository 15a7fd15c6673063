"""``closed-loop`` and ``open-loop``: semantic feedback control over a GameTrace, and its open-loop ablation.

Each frame the edge re-solves the game of that frame by best response,
warm-started from the last equilibrium (:func:`track_equilibria`); the
terminals then follow those equilibria under a control law simulated by
:func:`semopt.analysis.simulate`: the feedback of eq 6-8 (``closed-loop``),
or a plan adopted ``delay`` frames after each change (``open-loop``, Table 3's
Ablation 2).  The solution carries the actions played and the equilibria
tracked (``target``); the metrics are the run's settling time, overshoot,
dip, rise and Lyapunov check (:meth:`semopt.analysis.ControlRun.summary`).

References
----------
.. [1] "Semantic-Driven Conditional Encoding and Distributed Collaborative
   Optimization for Edge Image Processing", Traitement du Signal 42(6),
   2025, doi:10.18280/ts.420612, §2.3 eq 6-8, Fig 6, Table 3.
"""

from __future__ import annotations

import numpy as np

from semopt.analysis.closed_loop import ControlRun, simulate
from semopt.loop import Deadline, Loop
from semopt.options import Option
from semopt.problems.game import GameTrace, GameTraceSolution
from semopt.registry import register_solver
from semopt.result import SolverOutput, Status
from semopt.solvers.game.best_response import GRID, MAX_GRID, initial_profile, play

__all__ = ["track_equilibria"]


def track_equilibria(trace: GameTrace, *, grid: int = GRID, max_rounds: int = 100,
                     rng: np.random.Generator | None = None,
                     time_limit: float | None = None) -> tuple[np.ndarray, np.ndarray, bool]:
    """The equilibrium of every frame, each re-solve warm-started from the previous one.

    Returns ``(targets float[T, N, 3] actions, rounds int[T], timed_out)``; once
    ``time_limit`` runs out, the later frames keep the last equilibrium found.
    """
    generator = rng if rng is not None else np.random.default_rng(0)
    deadline = Deadline(time_limit)
    z = initial_profile(trace.base, "uniform", generator)
    targets = np.zeros((trace.n_steps, trace.n_terminals, 3))
    rounds = np.zeros(trace.n_steps, dtype=int)
    timed_out = False
    for t in range(trace.n_steps):
        game = trace.at(t)
        if deadline.expired():
            timed_out = True
        else:
            loop = Loop(max_iter=max_rounds, deadline=deadline)
            z, _ = play(game, z, loop, grid=grid)
            rounds[t] = loop.iteration
            timed_out |= loop.status == Status.TIME_LIMIT
        targets[t] = game.from_unit(z)
    return targets, rounds, timed_out


_COMMON = {
    "band": Option(0.02, "float", "Settling band, relative to the final value.", low=0.0, low_open=True),
    "grid": Option(GRID, "int", "Points per axis of each best response's scan (a grid^3 "
                   "table per scan).", low=2, high=MAX_GRID),
}


def _output(run: ControlRun, targets: np.ndarray, band: float, message: str) -> SolverOutput:
    status = Status.TIME_LIMIT if run.timed_out else Status.CONVERGED
    if run.timed_out:
        message += "; time_limit cut the per-frame re-solves short"
    return SolverOutput(GameTraceSolution(run.actions, targets), status, [float(w) for w in run.welfare], message,
                        run.summary(band))


@register_solver("closed-loop", problems=(GameTrace,), options={
    "k3": Option(0.6, "float", "Gain on the parameter deviation (eq 8's k3), in (0, 1].", low=0.0, high=1.0,
                 low_open=True),
    "k4": Option(0.3, "float", "Gain on the fidelity error (eq 8's k4), in [0, 1 - k3].", low=0.0, high=1.0),
    "p_weight": Option(1.0, "float", "P = p_weight I in the Lyapunov function.", low=0.0, low_open=True),
    **_COMMON,
})
def closed_loop(trace: GameTrace, *, rng: np.random.Generator, time_limit: float | None, k3: float, k4: float,
                p_weight: float, band: float, grid: int) -> SolverOutput:
    """Semantic feedback control (eq 6-8) tracking each frame's re-solved equilibrium."""
    targets, rounds, timed_out = track_equilibria(trace, grid=grid, rng=rng, time_limit=time_limit)
    run = simulate(trace, targets, policy="closed-loop", k3=k3, k4=k4, p_weight=p_weight, rounds=rounds,
                   timed_out=timed_out)
    return _output(run, targets, band, f"closed loop over {trace.n_steps} frames, changes at {run.events}")


@register_solver("open-loop", problems=(GameTrace,), options={
    "delay": Option(10, "int", "Frames before an open-loop terminal adopts the new plan after a change (>= 1: "
                    "without feedback no terminal can react within the frame of the change).", low=1),
    **_COMMON,
})
def open_loop(trace: GameTrace, *, rng: np.random.Generator, time_limit: float | None, delay: int, band: float,
              grid: int) -> SolverOutput:
    """Open-loop ablation (Table 3, Ablation 2): hold the plan, adopt the new equilibrium ``delay`` frames late."""
    targets, rounds, timed_out = track_equilibria(trace, grid=grid, rng=rng, time_limit=time_limit)
    run = simulate(trace, targets, policy="open-loop", delay=delay, rounds=rounds, timed_out=timed_out)
    return _output(run, targets, band, f"open loop over {trace.n_steps} frames, delay {delay}")
