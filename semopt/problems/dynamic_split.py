"""DynamicSplit: split points that follow a bandwidth trace, paying to reconfigure (seed 003 §3.2.2).

Dynamic model partitioning: the uplink changes over time, so the best split
changes too, but moving layers between device and edge is not free (state
migration, model reloading).  Over a trace of T steps with bandwidth
``B_t``, one inference per step, the objective is

.. math::

    \\sum_t T(D_t; B_t) + c \\cdot |\\{t > 0 : D_t \\ne D_{t-1}\\}|,

with ``T`` the single-user latency of :class:`SplitInference` and ``c`` the
reconfiguration cost in seconds.  The per-step greedy policy ignores
``c``; the offline optimum knows the whole trace (dynamic programming).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import numpy as np

from semopt._validation import as_float_array, check_scalar
from semopt.errors import InvalidProblemError
from semopt.problems.base import Problem
from semopt.problems.split_inference import SplitInference
from semopt.result import Evaluation

__all__ = ["DynamicSplit", "DynamicSplitSolution"]


@dataclass
class DynamicSplitSolution:
    """``placement: bool[T, L]``: the device set of each step."""

    placement: np.ndarray


@dataclass(eq=False)
class DynamicSplit(Problem):
    """Split inference over a bandwidth trace with a reconfiguration cost.

    Parameters
    ----------
    base : SplitInference
        A single-user instance (network, device, edge, objective); its
        ``bandwidth`` is replaced by the trace at each step.
    trace : float[T]
        Uplink bandwidth (Hz) at each step.
    reconfiguration : float
        Cost, in the objective's unit, of changing the device set between
        consecutive steps.
    """

    base: SplitInference
    trace: np.ndarray
    reconfiguration: float = 0.005
    info: dict[str, Any] = field(default_factory=dict)

    sense: ClassVar[str] = "min"
    Solution: ClassVar[type] = DynamicSplitSolution
    report: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("mean_step_objective", "mean step objective", "min"),
        ("reconfigurations", "reconfigurations", "min"),
    )

    def validate(self) -> None:
        if not isinstance(self.base, SplitInference):
            raise InvalidProblemError(f"`base` must be a SplitInference; got {type(self.base).__name__}.")
        if self.base.n_users != 1:
            raise InvalidProblemError(f"`base` must have one user; got {self.base.n_users}.")
        self.base.validate()
        trace = np.atleast_1d(self.trace)
        if trace.ndim != 1 or trace.size == 0:
            raise InvalidProblemError(f"`trace` must be a non-empty 1-D array; got shape {trace.shape}.")
        self.trace = as_float_array("trace", trace, low=0.0, low_inclusive=False)
        self.reconfiguration = check_scalar("reconfiguration", self.reconfiguration, low=0.0)

    @property
    def n_steps(self) -> int:
        return int(self.trace.shape[0])

    @property
    def n_layers(self) -> int:
        return self.base.n_layers

    def step(self, t: int) -> SplitInference:
        """The single-step instance at time t (bandwidth from the trace)."""
        return replace(self.base, bandwidth=float(self.trace[t]))

    def step_costs(self, candidates: list[np.ndarray]) -> np.ndarray:
        """``cost[t, c]``: the objective of candidate device set c at step t (no reconfiguration)."""
        out = np.empty((self.n_steps, len(candidates)))
        sends = [self.base.sent(row) for row in candidates]
        for t in range(self.n_steps):
            costs = self.base.costs(0, float(self.trace[t]), self.base.edge_flops)
            for c, row in enumerate(candidates):
                out[t, c] = self.base.total(costs, row, *sends[c])
        return out

    def evaluate(self, solution: DynamicSplitSolution) -> Evaluation:
        """Objective (latency over the trace plus reconfigurations) and every violated constraint."""
        if not isinstance(solution, DynamicSplitSolution):
            raise InvalidProblemError(
                f"`solution` must be a DynamicSplitSolution; got {type(solution).__name__}.")
        placement = np.asarray(solution.placement)
        shape = (self.n_steps, self.n_layers)
        if placement.shape != shape or placement.dtype.kind not in "biu":
            raise InvalidProblemError(f"`solution.placement` must be a bool array of shape {shape}; "
                                      f"got shape {placement.shape}.")
        placement = placement.astype(bool)
        violations: list[str] = []
        per_step = np.empty(self.n_steps)
        for t in range(self.n_steps):
            step = self.step(t)
            single = step.empty_solution()
            single.placement[0] = placement[t]
            verdict = step.evaluate(single)
            violations += [f"step {t}: {v}" for v in verdict.violations]
            per_step[t] = verdict.objective
        changes = int(np.sum(np.any(placement[1:] != placement[:-1], axis=1)))
        objective = float(per_step.sum() + self.reconfiguration * changes)
        metrics = {"reconfigurations": float(changes), "mean_step_objective": float(per_step.mean()),
                   "max_step_objective": float(per_step.max()),
                   "mean_device_layers": float(placement.sum(axis=1).mean())}
        return Evaluation(objective, not violations, violations, metrics)
