"""Local search over selections, shared by ``bcd`` and ``dinkelbach``: the starts and the climb to a local optimum."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from semopt.algorithms.local_search import improve
from semopt.loop import Deadline
from semopt.models.model_selection import rate_floor
from semopt.problems.model_selection import ModelSelection

__all__ = ["starts", "climb"]


def starts(problem: ModelSelection, count: int, rng: np.random.Generator) -> list[np.ndarray]:
    """``count`` starting selections: everyone on the model with the lowest floor (the likeliest to be
    feasible), everyone on the least distorting model (heuristic-RDE's choice), then uniform random ones."""
    m = problem.n_users
    floors = rate_floor(problem.data_bits, float(np.min(problem.latency_max)), problem.model_time)
    fastest = int(np.lexsort((problem.model_power, floors))[0])
    sharpest = int(np.lexsort((floors, problem.model_loss))[0])
    found = [np.full(m, fastest, dtype=np.int64), np.full(m, sharpest, dtype=np.int64)][:count]
    while len(found) < count:
        found.append(rng.integers(0, problem.n_models, size=m).astype(np.int64))
    return found


def climb(start: np.ndarray, n_models: int, score: Callable[[np.ndarray], Any], rng: np.random.Generator,
          deadline: Deadline, passes: int) -> tuple[np.ndarray, Any, int]:
    """Passes of flips and swaps from ``start`` until none improves, ``passes`` are used or time is up;
    returns ``(selection, score, passes used)``."""
    current, value = start, score(start)
    for used in range(1, passes + 1):
        current, value, moves = improve(current, n_models, score, rng)
        if moves == 0 or deadline.expired():
            return current, value, used
    return current, value, passes
