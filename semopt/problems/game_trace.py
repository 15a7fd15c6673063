"""GameTrace: the SemanticGame over time, with changing channels and batteries (seed 000 §2.3, §3.2.2).

Seed 000's stress test "severe resource fluctuation" (Table 2, Fig 6) drops
every terminal's battery from 80 % to 20 % and its SNR by 15 dB at frame
100.  A trace holds the game's per-frame channel gains and weights (the
weights follow the battery, see :func:`semopt.scenarios.game.weights`); a
solution is one profile per frame.  The objective is the mean welfare per
frame; ``metrics`` carry the paper's robustness figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import numpy as np

from semopt._validation import as_float_array
from semopt.errors import InvalidProblemError
from semopt.problems.base import Problem
from semopt.problems.game import SemanticGame
from semopt.result import Evaluation

__all__ = ["GameTrace", "GameTraceSolution"]


@dataclass
class GameTraceSolution:
    """``actions: float[T, N, 3]``: the profile played at each frame."""

    actions: np.ndarray


@dataclass(eq=False)
class GameTrace(Problem):
    """A :class:`SemanticGame` whose channel gains and weights change per frame.

    Parameters
    ----------
    base : SemanticGame
        Everything that does not change.
    channel_gain : float[T, N]
        SNR per watt of each terminal at each frame.
    weights : float[T, N, 3]
        (alpha, beta, gamma) of each terminal at each frame.
    """

    sense: ClassVar[str] = "max"
    Solution: ClassVar[type] = GameTraceSolution
    report: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("mean_fidelity", "fidelity", "max"),
        ("mean_energy", "energy (J)", "min"),
        ("settling_time", "settling (frames)", "min"),
        ("fidelity_iae", "fidelity IAE (frames)", "min"),
    )

    base: SemanticGame
    channel_gain: np.ndarray
    weights: np.ndarray
    info: dict[str, Any] = field(default_factory=dict)

    def validate(self) -> None:
        if not isinstance(self.base, SemanticGame):
            raise InvalidProblemError(f"`base` must be a SemanticGame; got {type(self.base).__name__}.")
        self.base.validate()
        gain = np.asarray(self.channel_gain)
        if gain.ndim != 2 or gain.shape[0] == 0:
            raise InvalidProblemError(f"`channel_gain` must have shape (T, N) with T >= 1; got shape {gain.shape}.")
        t, n = gain.shape[0], self.base.n_terminals
        self.channel_gain = as_float_array("channel_gain", gain, (t, n), low=0.0, low_inclusive=False)
        self.weights = as_float_array("weights", self.weights, (t, n, 3), low=0.0)

    @property
    def n_steps(self) -> int:
        return int(self.channel_gain.shape[0])

    @property
    def n_terminals(self) -> int:
        return self.base.n_terminals

    def at(self, t: int) -> SemanticGame:
        """The game of frame ``t``."""
        return replace(self.base, channel_gain=self.channel_gain[t], weights=self.weights[t],
                       info={**self.base.info, "step": t})

    def series(self, actions: np.ndarray) -> dict[str, np.ndarray]:
        """Per-frame means: ``welfare``, ``fidelity``, ``energy``, ``latency``, ``jain`` (float[T] each)."""
        out: dict[str, list[float]] = {k: [] for k in ("welfare", "fidelity", "energy", "latency", "jain")}
        for t in range(self.n_steps):
            terms = self.at(t).terms(actions[t])
            out["welfare"].append(float(terms["utility"].sum()))
            out["jain"].append(terms["jain"])
            for k in ("fidelity", "energy", "latency"):
                out[k].append(float(terms[k].mean()))
        return {k: np.array(v) for k, v in out.items()}

    def evaluate(self, solution: GameTraceSolution) -> Evaluation:
        """Mean welfare per frame, bound violations, and the robustness figures of seed 000 §3.1."""
        if not isinstance(solution, GameTraceSolution):
            raise InvalidProblemError(f"`solution` must be a GameTraceSolution; got {type(solution).__name__}.")
        a = as_float_array("solution.actions", solution.actions, (self.n_steps, self.n_terminals, 3))
        low, high = self.base.bounds
        outside = np.argwhere((a < low * (1 - 1e-9)) | (a > high * (1 + 1e-9)))
        if outside.size:
            t, i, k = outside[0]
            return Evaluation(-np.inf, False, [f"(bounds) action {k} of terminal {i} at frame {t} is {a[t, i, k]:.6g}, "
                                               f"outside [{low[i, k]:.6g}, {high[i, k]:.6g}] ({len(outside)} in all)"])
        s = self.series(a)
        change = np.abs(np.diff(s["fidelity"])) / np.maximum(s["fidelity"][:-1], 1e-12)
        metrics = {f"mean_{k}": float(v.mean()) for k, v in s.items()}
        metrics["fluctuation"] = float(change.max()) if change.size else 0.0
        return Evaluation(float(s["welfare"].mean()), True, [], metrics)
