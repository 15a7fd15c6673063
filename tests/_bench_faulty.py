"""Misbehaving solvers for the benchmark's failure tests (``--import _bench_faulty``; tests/ is on the path).

Each solves semantic offloading as ``fa`` does, except on instances with
``trigger`` users (an option, default 3), where it misbehaves in its own way:

=================  ===========================================================
``faulty-raise``   raises RuntimeError
``faulty-exit``    ends its process with ``os._exit(3)``
``faulty-kill``    sends its own process SIGKILL
``faulty-hang``    sleeps ``hang`` seconds (default 60), ignoring its time limit
``slow``           (never misbehaves) sleeps ``pause`` seconds, then solves
=================  ===========================================================

Importing this module twice (pytest's importlib mode and ``--import``)
registers once: a second import finds the names taken and leaves them.
"""

from __future__ import annotations

import os
import signal
import time
from typing import Any

import semopt
from semopt.problems import SemanticOffloading
from semopt.solvers import Option, SolverOutput, register_solver

TRIGGER = Option(3, "int", "Misbehave on instances with this many users.", low=1)


def _fa(problem: Any, rng: Any) -> SolverOutput:
    result = semopt.solve(problem, "fa", seed=int(rng.integers(2**31)))
    return SolverOutput(result.solution, result.status, message=f"as fa: {result.message}")


def _raise() -> None:
    raise RuntimeError("faulty-raise was told to fail")


def _exit() -> None:
    os._exit(3)


def _kill() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _register(name: str, misbehave: Any, extra: dict[str, Option] | None = None) -> None:
    def solver(problem: Any, *, rng: Any, time_limit: float | None, trigger: int, **options: Any) -> SolverOutput:
        """A solver that misbehaves on purpose (tests only)."""
        if problem.n_users == trigger:
            misbehave(**options)
        return _fa(problem, rng)

    if any(name == registered for registered in semopt.registry.all_solver_names()):
        return
    register_solver(name, problems=(SemanticOffloading,), options={"trigger": TRIGGER, **(extra or {})})(solver)


_register("faulty-raise", lambda: _raise())
_register("faulty-exit", lambda: _exit())
_register("faulty-kill", lambda: _kill())
_register("faulty-hang", lambda hang: time.sleep(hang),
          {"hang": Option(60.0, "float", "Seconds to sleep on the trigger.", low=0.0)})


def _slow(problem: Any, *, rng: Any, time_limit: float | None, pause: float) -> SolverOutput:
    """Sleeps, then solves as fa (tests only)."""
    time.sleep(pause)
    return _fa(problem, rng)


if "slow" not in semopt.registry.all_solver_names():
    register_solver("slow", problems=(SemanticOffloading,),
                    options={"pause": Option(0.2, "float", "Seconds slept per run.", low=0.0)})(_slow)
