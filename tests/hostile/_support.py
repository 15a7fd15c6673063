"""Helpers shared by the hostile-input suite (imported as ``hostile._support``; ``tests/`` is on the path).

* :data:`SMALL` -- overrides that make each scenario's instance small (the hostile override replaces one);
* :func:`memory_ceiling` -- caps this process's address space for a block, so a missing size guard ends
  in a ``MemoryError`` (reported as a failure) instead of swapping or the OOM killer;
* :func:`memory_guard` -- sets ``SEMOPT_MAX_BYTES`` for a block (the library reads it at call time);
* :func:`traced` -- the tracemalloc peak of a block (numpy reports its buffers to tracemalloc);
* :func:`snapshot` / :func:`assert_unchanged` -- "bad input changes nothing";
* :func:`cheap_check` -- validate an accepted instance and, when small, solve it with a cheap solver.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
import math
import os
import re
import tracemalloc
from collections.abc import Iterator
from typing import Any

import numpy as np

import semopt
from semopt.errors import SemoptError

__all__ = [
    "SMALL",
    "ENV_VAR",
    "GUARD",
    "REFUSED_PEAK",
    "CHEAP_SOLVERS",
    "memory_ceiling",
    "memory_guard",
    "traced",
    "snapshot",
    "assert_unchanged",
    "is_small",
    "cheap_check",
    "describe_exc",
    "warm",
    "small",
    "FAMILIES",
    "instance",
]

ENV_VAR = "SEMOPT_MAX_BYTES"
GUARD = 64 * 2**20
"""The memory guard the property tests run under (``SEMOPT_MAX_BYTES``): an accepted load must peak below it."""
REFUSED_PEAK = 16 * 2**20
"""A refused load must peak well below the guard: it refuses before allocating the instance."""

_GAME_SMALL = {"terminals": 3, "certify": False}
SMALL: dict[str, dict[str, Any]] = {
    "semantic-mec": {"users": 3, "base_stations": 2, "subcarriers": 4, "tasks": 3},
    "semantic-mec-compute-bound": {"users": 3, "base_stations": 2, "subcarriers": 4, "tasks": 3},
    "split-dynamic": {"steps": 5},
    "semantic-game": dict(_GAME_SMALL),
    "semantic-game-conflict": dict(_GAME_SMALL),
    "semantic-game-heterogeneous": dict(_GAME_SMALL),
    "semantic-game-fluctuation": {"terminals": 3, "steps": 6, "change_at": 3},
}
"""Small-instance overrides per scenario (any scenario not listed is small at its defaults)."""

CHEAP_SOLVERS: dict[str, tuple[str, ...]] = {
    "SemanticOffloading": ("uc", "fa"),
    "SplitInference": ("greedy", "mincut"),
    "DynamicSplit": ("greedy",),
    "SemanticGame": ("uniform",),
    "GameTrace": ("open-loop",),
}


def small(name: str) -> dict[str, Any]:
    """A fresh copy of the small-instance overrides of scenario ``name``."""
    return dict(SMALL.get(name, {}))


@functools.cache
def warm(name: str) -> None:
    """Load ``name`` once untraced, so a first-call compile or cache load is not charged to a traced load."""
    semopt.scenarios.load(name, **small(name))


# --------------------------------------------------------------------------- memory


def _vm_size() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            match = re.search(r"^VmSize:\s+(\d+)\s+kB", fh.read(), re.MULTILINE)
    except OSError:
        return None
    return int(match.group(1)) * 1024 if match else None


@contextlib.contextmanager
def memory_ceiling(headroom: int = 1536 * 2**20) -> Iterator[None]:
    """Cap the address space at its current size plus ``headroom`` for the block (Linux; elsewhere a no-op).

    The library is meant to refuse huge instances before allocating them; while it does not, this turns
    a 40 GiB allocation into a prompt ``MemoryError`` -- which the tests report -- rather than an OOM kill.
    """
    try:
        import resource
    except ImportError:  # not POSIX
        yield
        return
    current = _vm_size()
    if current is None:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = current + headroom
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY:
        limit = min(limit, soft)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextlib.contextmanager
def memory_guard(nbytes: int | None) -> Iterator[None]:
    """Set (or, with None, unset) ``SEMOPT_MAX_BYTES`` for the block; restore it after."""
    old = os.environ.get(ENV_VAR)
    if nbytes is None:
        os.environ.pop(ENV_VAR, None)
    else:
        os.environ[ENV_VAR] = str(int(nbytes))
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(ENV_VAR, None)
        else:
            os.environ[ENV_VAR] = old


@contextlib.contextmanager
def traced() -> Iterator[dict[str, int]]:
    """``with traced() as box: ...`` then ``box["peak"]``: the tracemalloc peak (bytes) of the block."""
    box: dict[str, int] = {}
    already = tracemalloc.is_tracing()
    if already:
        tracemalloc.reset_peak()
    else:
        tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    try:
        yield box
    finally:
        box["peak"] = max(0, tracemalloc.get_traced_memory()[1] - base)
        if not already:
            tracemalloc.stop()


# --------------------------------------------------------------------------- "changes nothing"

_PRIVATE = re.compile(r"^_")


def snapshot(obj: Any, depth: int = 0) -> Any:
    """A deep, comparable picture of ``obj``'s public state (arrays copied, dataclasses by field)."""
    if depth > 6:
        return ("deep", id(obj))
    if isinstance(obj, np.ndarray) and obj.dtype.kind == "O":  # elements may be arrays: compare one by one
        return ("objects", obj.shape, [snapshot(x, depth + 1) for x in obj.ravel().tolist()])
    if isinstance(obj, np.ndarray):
        return ("array", obj.dtype.str, obj.shape, obj.copy())
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return ("dc", type(obj).__name__,
                {k: snapshot(v, depth + 1) for k, v in vars(obj).items() if not _PRIVATE.match(k)})
    if isinstance(obj, dict):
        return ("dict", {k: snapshot(v, depth + 1) for k, v in obj.items()})
    if isinstance(obj, (list, tuple)):
        return (type(obj).__name__, [snapshot(v, depth + 1) for v in obj])
    if isinstance(obj, (int, float, str, bool, complex, bytes, type(None), np.generic)):
        return ("scalar", type(obj).__name__, obj)
    return ("object", id(obj))  # e.g. a Network or a TerminalModel: the attribute must still be the same object


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, tuple) and a and a[0] == "array":
        return (a[1], a[2]) == (b[1], b[2]) and np.array_equal(a[3], b[3], equal_nan=a[3].dtype.kind in "fc")
    if isinstance(a, tuple) and a and a[0] == "scalar":
        x, y = a[2], b[2]
        if a[1] != b[1]:
            return False
        if isinstance(x, (float, np.floating)) and math.isnan(x):
            return isinstance(y, (float, np.floating)) and math.isnan(y)
        try:
            return bool(x == y)
        except Exception:  # noqa: BLE001 - anything incomparable counts as changed
            return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _diff(a: Any, b: Any, path: str = "") -> str:
    if isinstance(a, tuple) and a and a[0] == "dc" and isinstance(b, tuple) and b and b[0] == "dc":
        for k in a[2]:
            if k not in b[2] or not _same(a[2][k], b[2][k]):
                return _diff(a[2][k], b[2].get(k), f"{path}.{k}")
    return path or "(the object)"


def assert_unchanged(before: Any, obj: Any, what: str) -> None:
    """Fail naming the first field of ``obj`` that differs from ``before`` (a :func:`snapshot`)."""
    after = snapshot(obj)
    if not _same(before, after):
        raise AssertionError(f"{what} was changed by bad input: field {_diff(before, after)!r} differs")


# --------------------------------------------------------------------------- accepted instances


def is_small(problem: Any) -> bool:
    """Whether solving ``problem`` with a cheap solver takes well under a second."""
    kind = type(problem).__name__
    if kind == "SemanticOffloading":
        return problem.n_users <= 200 and problem.n_users * problem.n_bs * problem.n_subcarriers <= 20_000
    if kind == "SplitInference":
        return problem.n_users <= 20
    if kind == "DynamicSplit":
        return problem.n_steps <= 500
    if kind == "SemanticGame":
        return problem.n_terminals <= 50
    if kind == "GameTrace":
        return problem.n_steps * problem.n_terminals <= 5_000
    return False


def describe_exc(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:300]}"


def cheap_check(problem: Any) -> None:
    """An accepted instance must validate, and (when small) a cheap solver's answer must evaluate cleanly.

    A :class:`SemoptError` from the solver (it refuses the instance, say) is an acceptable answer; any
    other exception fails the test.
    """
    try:
        problem.validate()
    except Exception as exc:  # noqa: BLE001 - every exception is a finding here
        raise AssertionError(f"an accepted instance fails its own validate(): {describe_exc(exc)}") from exc
    if not is_small(problem):
        return
    names = CHEAP_SOLVERS.get(type(problem).__name__, ())
    try:
        available = semopt.available_solvers(problem)
    except SemoptError:
        return
    except Exception as exc:  # noqa: BLE001
        raise AssertionError(f"available_solvers() on an accepted instance raised {describe_exc(exc)}") from exc
    for name in names:
        if name not in available:
            continue
        alarm: dict[str, bool] = {}
        try:
            with deadline(SOLVE_ALARM, alarm):
                result = semopt.solve(problem, name, seed=0, time_limit=SOLVE_TIME_LIMIT)
            problem.evaluate(result.solution)
        except SemoptError:
            pass
        except Exception as exc:  # noqa: BLE001
            if alarm.get("rang"):  # the alarm may surface as a SystemError from inside a Numba kernel
                raise AssertionError(
                    f"solving an accepted instance with {name!r} ignored time_limit={SOLVE_TIME_LIMIT:g} s: "
                    f"still running after {SOLVE_ALARM:g} s") from exc
            raise AssertionError(
                f"solving an accepted instance with {name!r} raised {describe_exc(exc)}") from exc
        return


SOLVE_TIME_LIMIT = 0.5
"""The time_limit a cheap solve is given (seconds)."""
SOLVE_ALARM = 5.0
"""A cheap solve still running after this many seconds ignored its time_limit: the test fails."""


class Overran(Exception):
    """Raised by :func:`deadline` when the block runs too long."""


@contextlib.contextmanager
def deadline(seconds: float, flag: dict[str, bool] | None = None) -> Iterator[None]:
    """Raise :class:`Overran` in the block after ``seconds`` (POSIX main thread; elsewhere no limit).

    ``flag["rang"]`` is set when the alarm went off.
    """
    import signal
    import threading

    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def ring(signum: int, frame: Any) -> None:
        if flag is not None:
            flag["rang"] = True
        raise Overran(f"still running after {seconds:g} s (time_limit={SOLVE_TIME_LIMIT:g} s was given)")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --------------------------------------------------------------------------- one small instance per family

FAMILIES = ("offloading", "split", "dynamic", "game", "trace", "qoe", "selection")


@functools.cache
def _instance(family: str) -> tuple[Any, Any]:
    from semopt.problems import DynamicSplitSolution, GameSolution, GameTraceSolution

    load = semopt.scenarios.load
    if family == "offloading":
        problem = load("semantic-mec", users=3, base_stations=2, subcarriers=4, tasks=3, seed=1)
        solution = semopt.solve(problem, "uc", seed=0).solution
    elif family == "split":  # two users of a network with early exits
        problem = load("split-b-alexnet", users=2, seed=1)
        solution = problem.empty_solution(device=False)
    elif family == "dynamic":
        problem = load("split-dynamic", steps=4)
        solution = DynamicSplitSolution(np.zeros((4, problem.n_layers), dtype=bool))
    elif family == "game":
        problem = load("semantic-game", terminals=3, certify=False)
        solution = GameSolution(problem.low.copy())
    elif family == "trace":
        problem = load("semantic-game-fluctuation", terminals=3, steps=4, change_at=2)
        solution = GameTraceSolution(np.broadcast_to(problem.base.low, (4, 3, 3)).copy())
    elif family == "qoe":
        problem = load("qoe-offloading", users=3, subchannels=2, seed=1)
        solution = semopt.solve(problem, "bcd", seed=0).solution
    elif family == "selection":
        problem = load("model-selection", users=3, bits=1e5, seed=1)
        solution = semopt.solve(problem, "exact", seed=0).solution
    else:
        raise KeyError(family)
    verdict = problem.evaluate(solution)
    assert verdict.feasible, (family, verdict.violations)
    return problem, solution


def instance(family: str) -> tuple[Any, Any]:
    """A fresh ``(problem, feasible solution)`` of ``family`` (one of :data:`FAMILIES`), small."""
    problem, solution = _instance(family)
    return copy.deepcopy(problem), copy.deepcopy(solution)
