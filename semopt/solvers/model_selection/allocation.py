"""The fixed-selection allocation and how a selection scores: shared by every solver of the family.

For a selection (a model per user) the denominator of RDE is fixed, the
latency bounds are rate floors and (7b) leaves a transmit budget, so the best
bandwidths and powers maximise the sum rate: a convex program
(:mod:`semopt.algorithms.rate_allocation`), solved by the KKT closed form
(``allocation="kkt"``, the default) or by CVXPY (``"cvxpy"``, the
reference).  A selection whose floors do not fit is *infeasible*; it is
then ranked by the largest fraction ``t`` of every floor that the budgets
carry (``floor_fraction``), so a search can climb out of infeasibility and
an instance without any feasible selection still gets the answer that
serves every user best: the smallest worst ratio of transmission time to
the time its bound leaves, ``1 / t``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from semopt.algorithms.rate_allocation import FIT, allocate_sum_rate_cvxpy, allocate_sum_rate_from, floor_fraction_from
from semopt.models.model_selection import link_rate
from semopt.options import Option
from semopt.problems.model_selection import ModelSelection, SelectionSolution

__all__ = ["ALLOCATION", "Allocator", "Outcome", "infeasibility"]

ALLOCATION = Option("kkt", "choice", "Fixed-selection allocation: the KKT closed form, or CVXPY's exponential cone "
                    "(the reference path).", choices=("kkt", "cvxpy"))


@dataclass(frozen=True)
class Outcome:
    """A selection's best allocation: ``fit`` when every floor is met, with the sum rate and RDE of the
    allocation; when not, the allocation carrying ``fraction`` (< 1), the largest common fraction of the
    floors the budgets carry."""

    model: np.ndarray
    bandwidth: np.ndarray
    power: np.ndarray
    fit: bool
    sum_rate: float
    rde: float
    fraction: float

    @property
    def score(self) -> tuple[int, float]:
        """Feasible selections above infeasible ones, the former ranked by RDE, the latter by ``fraction``."""
        return (1, self.rde) if self.fit else (0, self.fraction)

    def solution(self) -> SelectionSolution:
        return SelectionSolution(self.model.copy(), self.bandwidth.copy(), self.power.copy())


class Allocator:
    """Best allocation of each selection of ``problem``, cached by selection.

    ``denominator(model)`` is RDE's ``lambda sum D + eps``; ``outcome(model)``
    the allocation; ``evaluated`` counts the distinct selections solved.
    """

    def __init__(self, problem: ModelSelection, method: str = "kkt") -> None:
        self.problem = problem
        self.method = method
        self.a = problem.gain_over_noise
        self._cache: dict[bytes, Outcome] = {}
        # The last optimal ln(theta): a search solves neighbouring selections one after another, whose price
        # ratios are close, so the closed form's Newton search starts there.
        self._start = np.nan

    @property
    def evaluated(self) -> int:
        return len(self._cache)

    def denominator(self, model: np.ndarray) -> float:
        return self.problem.lam * self.problem.distortion(model) + self.problem.eps

    def outcome(self, model: np.ndarray) -> Outcome:
        model = np.asarray(model, dtype=np.int64)
        key = model.tobytes()
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._solve(model)
        return found

    def _solve(self, model: np.ndarray) -> Outcome:
        prob = self.problem
        rho = prob.floors(model)
        budget = prob.transmit_budget(model)
        if budget > 0:
            if self.method == "cvxpy":
                band, power, fit = allocate_sum_rate_cvxpy(self.a, rho, prob.bandwidth_max, budget)
            else:
                band, power, outcome, price = allocate_sum_rate_from(self.a, rho, prob.bandwidth_max, budget,
                                                                     self._start)
                fit = outcome == FIT
                if fit:
                    self._start = price
            if fit:
                return self._outcome(model, band, power, True, np.inf)
        fraction, band, power, _ = floor_fraction_from(self.a, rho, prob.bandwidth_max, max(budget, 0.0), np.nan)
        return self._outcome(model, band, power, False, fraction)

    def _outcome(self, model: np.ndarray, band: np.ndarray, power: np.ndarray, fit: bool,
                 fraction: float) -> Outcome:
        rate = float(np.sum(link_rate(band, power, self.a)))
        return Outcome(model, band, power, fit, rate, rate / self.denominator(model), fraction)


def infeasibility(problem: ModelSelection, best: Outcome) -> str:
    """Why no selection is feasible, naming the constraints, from the best infeasible outcome found."""
    if problem.transmit_budget(best.model) <= 0:
        return (f"infeasible: every selection's compute power uses up (7b) P_max = {problem.power_max:.6g} W, "
                f"leaving no transmit power for the latency bounds (7d)")
    hopeless = np.flatnonzero(problem.latency_max <= np.min(problem.model_time))
    if hopeless.size:
        return (f"infeasible: (7d) every model's inference time alone reaches tau_max of user {hopeless[0]} "
                f"({problem.latency_max[hopeless[0]]:.6g} s)")
    return (f"infeasible: no selection meets every latency bound (7d) within (7c) B_max = "
            f"{problem.bandwidth_max:.6g} Hz and (7b) P_max = {problem.power_max:.6g} W; the answer carries "
            f"t = {best.fraction:.4g} of every user's floor rate (the largest common fraction)")
