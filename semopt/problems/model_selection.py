"""ModelSelection: one semantic compression model per user, and its bandwidth and transmit power.

Problem (7) of Lin et al. (References): each of M users picks one of S
semantic compression models (Table I: power draw, inference time, loss) and
gets a share of the bandwidth ``B_max`` and of the power budget ``P_max``;
maximise the rate-distortion efficiency RDE (eq 6, 7a) under the power
budget (7b), the bandwidth budget (7c) and each user's latency bound (7d),
with exactly one model per user ((7e), (7f)).

Symbol table
------------
=================  ==========================================  ========
paper              here                                        unit
=================  ==========================================  ========
M, S               ``n_users``, ``n_models``                   -
a_{m,s}            ``Solution.model[m] == s``                  -
B_m, p_{m,t}       ``Solution.bandwidth``, ``.power``          Hz, W
g_m, N0            ``gain``, ``noise_psd``                     -, W/Hz
p_{m,c}, tau_{m,c} ``model_power``, ``model_time`` (per model) W, s
D_m                ``model_loss`` (per model)                  -
|x|                ``data_bits`` (per model)                   bit
B_max, P_max       ``bandwidth_max``, ``power_max``            Hz, W
tau_{m,max}        ``latency_max[m]``                          s
lambda, eps        ``lam``, ``eps``                            -
gamma_1, gamma_2   ``penalty_power``, ``penalty_latency``      1/W, 1/s
=================  ==========================================  ========

Readings of the paper (``../shared/specs/qoe-and-model-selection.md`` B2; each a field)
-----------------------------------------------------------------------------------------
* The rate is ``B_m log2(1 + p_m g_m / (B_m N0))`` in bit/s -- a deliberate
  correction of eq 3, printed without the factor ``B_m`` (a spectral
  efficiency that falls as the bandwidth grows, which no allocation
  problem can mean).  :mod:`semopt.models.model_selection` holds the formulas.
* The power budget (7b) covers the models' compute power and the transmit
  power (``power_budget="joint"``, the paper's (7b)), or transmit power only
  (``"transmit"``; compute power is then only reported).
* ``D_m`` is the chosen model's Table I loss; ``|x|`` is per model (the
  paper gives none: the scenario uses one payload for all).
* Eq 12's penalties are clamped at 0 (``penalty="clamped"``, the text's
  "exceeding") or signed as printed (``"signed"``); a latency counts at most
  10 ``tau_max`` in the reward.
* (7e) is read as binary and (7f) as one model per user, so a selection is
  an int per user; an index outside ``[0, S)`` is a named (7f) violation.

References
----------
.. [1] X. Lin, P. Li, A. Aijaz, "RL-Driven Semantic Compression Model
   Selection and Resource Allocation in Semantic Communication Systems",
   arXiv:2506.18660, 2025 (IEEE ISCC 2025).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from semopt._validation import as_float_array, as_int_array, check_scalar, quote
from semopt.capabilities import Traits
from semopt.errors import InvalidProblemError
from semopt.models.model_selection import LATENCY_CAP, jain, latency, link_rate, rate_floor, rde, reward_eq12
from semopt.problems.base import FEASIBILITY_RTOL, Problem
from semopt.result import Evaluation, SolutionIO

__all__ = ["ModelSelection", "SelectionSolution", "POWER_BUDGETS", "PENALTIES"]

POWER_BUDGETS = ("joint", "transmit")
PENALTIES = ("clamped", "signed")


@dataclass
class SelectionSolution(SolutionIO):
    """A solution of :class:`ModelSelection` (field names are part of the contract).

    Attributes
    ----------
    model : int[M]
        The semantic compression model of each user (index into the problem's model arrays).
    bandwidth : float[M]
        Bandwidth of each user (Hz).
    power : float[M]
        Transmit power of each user (W).
    """

    model: np.ndarray
    bandwidth: np.ndarray
    power: np.ndarray

    def copy(self) -> SelectionSolution:
        return SelectionSolution(self.model.copy(), self.bandwidth.copy(), self.power.copy())


@dataclass(eq=False)
class ModelSelection(Problem):
    """Problem (7) of Lin et al.: maximise RDE (eq 6) over models, bandwidths and transmit powers.

    Parameters
    ----------
    gain : float[M]
        Linear channel power gain of each user (> 0).
    noise_psd : float
        Noise power spectral density N0 (W/Hz).
    data_bits, model_power, model_time, model_loss : float[S]
        Per model: bits sent, compute power (W), inference time (s), distortion D.
    model_names : tuple of str
        The S models' names.
    bandwidth_max, power_max : float
        The budgets B_max (Hz) and P_max (W).
    latency_max : float[M]
        Latency bound of each user (s).
    lam, eps : float
        RDE's distortion weight and its guard against division by zero (> 0).
    penalty_power, penalty_latency : float
        gamma_1 and gamma_2 of eq 12.
    power_budget : {"joint", "transmit"}
        What (7b) covers (module docstring).
    penalty : {"clamped", "signed"}
        Eq 12's penalties (module docstring).

    Examples
    --------
    >>> import semopt
    >>> prob = semopt.scenarios.load("model-selection", users=3, seed=0)
    >>> prob.n_users, prob.n_models, prob.model_names[3]
    (3, 4, 'DPN-26')
    >>> prob.floors(np.array([0, 1, 3])).round(-3).tolist()  # rate floors of (7d), bit/s
    [7420000.0, 7642000.0, 20480000.0]
    """

    gain: np.ndarray
    noise_psd: float
    data_bits: np.ndarray
    model_power: np.ndarray
    model_time: np.ndarray
    model_loss: np.ndarray
    latency_max: np.ndarray
    model_names: tuple[str, ...] = ()
    bandwidth_max: float = 30e6
    power_max: float = 3.0
    lam: float = 1e4
    eps: float = 1e-5
    penalty_power: float = 0.3
    penalty_latency: float = 0.2
    power_budget: str = "joint"
    penalty: str = "clamped"
    info: dict[str, Any] = field(default_factory=dict)

    sense: ClassVar[str] = "max"
    Solution: ClassVar[type] = SelectionSolution
    report: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("reward_eq12", "eq-12 reward", "max"),
        ("rde", "RDE", "max"),
        ("sum_rate", "sum rate (bit/s)", "max"),
        ("mean_latency", "mean latency (s)", "min"),
    )

    # ----------------------------------------------------------------- data
    def validate(self) -> None:
        """Check every field; normalise arrays. Raises :class:`InvalidProblemError`."""
        gain = as_float_array("gain", self.gain, low=0.0, low_inclusive=False)
        if gain.ndim != 1 or gain.size == 0:
            raise InvalidProblemError(f"`gain` must be a non-empty 1-D array (one per user); got shape {gain.shape}.")
        self.gain = gain
        m = gain.size
        bits = as_float_array("data_bits", self.data_bits, low=0.0, low_inclusive=False)
        if bits.ndim != 1 or bits.size == 0:
            raise InvalidProblemError(f"`data_bits` must be a non-empty 1-D array (one per model); "
                                      f"got shape {bits.shape}.")
        s = bits.size
        self.data_bits = bits
        for name in ("model_power", "model_time", "model_loss"):
            setattr(self, name, as_float_array(name, getattr(self, name), (s,), low=0.0))
        self.latency_max = as_float_array("latency_max", self.latency_max, (m,), low=0.0, low_inclusive=False)
        for name in ("noise_psd", "bandwidth_max", "power_max", "eps"):
            setattr(self, name, check_scalar(name, getattr(self, name), low=0.0, low_inclusive=False))
        for name in ("lam", "penalty_power", "penalty_latency"):
            setattr(self, name, check_scalar(name, getattr(self, name), low=0.0))
        if not self.model_names:
            self.model_names = tuple(f"model {i}" for i in range(s))
        if (not isinstance(self.model_names, tuple) or len(self.model_names) != s
                or not all(isinstance(n, str) for n in self.model_names)):
            raise InvalidProblemError(f"`model_names` must be a tuple of {s} strings (one per model); "
                                      f"got {quote(self.model_names)}.")
        if self.power_budget not in POWER_BUDGETS:
            raise InvalidProblemError(f"`power_budget` must be one of {POWER_BUDGETS}; got {quote(self.power_budget)}.")
        if self.penalty not in PENALTIES:
            raise InvalidProblemError(f"`penalty` must be one of {PENALTIES}; got {quote(self.penalty)}.")

    @property
    def n_users(self) -> int:
        return int(self.gain.size)

    @property
    def n_models(self) -> int:
        return int(self.data_bits.size)

    @property
    def gain_over_noise(self) -> np.ndarray:
        """``g_m / N0`` (Hz/W): a user's SNR is ``p a / B``."""
        return self.gain / self.noise_psd

    def traits(self) -> Traits:
        """One objective (RDE), no optional constraint, the users sharing the budgets."""
        return Traits(users=self.n_users)

    # ------------------------------------------------- per-selection figures
    def floors(self, model: np.ndarray) -> np.ndarray:
        """Rate floor of each user under ``model`` (bit/s): (7d) is ``rate >= floor`` (inf: out of reach)."""
        s = np.asarray(model)
        return rate_floor(self.data_bits[s], self.latency_max, self.model_time[s])

    def compute_power(self, model: np.ndarray) -> float:
        """``sum_m p_{m,c}``: the models' power draw (W)."""
        return float(np.sum(self.model_power[np.asarray(model)]))

    def transmit_budget(self, model: np.ndarray) -> float:
        """Power (7b) leaves for the radios under ``model``: ``P_max - sum p_c`` (joint) or ``P_max`` (W)."""
        if self.power_budget == "transmit":
            return self.power_max
        return self.power_max - self.compute_power(model)

    def distortion(self, model: np.ndarray) -> float:
        """``sum_m D_m`` of a selection."""
        return float(np.sum(self.model_loss[np.asarray(model)]))

    def rates(self, solution: SelectionSolution) -> np.ndarray:
        """Rate of each user (bit/s), eq 3 corrected (module docstring)."""
        sol = self._coerce(solution)
        return link_rate(sol.bandwidth, sol.power, self.gain_over_noise)

    # ------------------------------------------------------------- judging
    def _coerce(self, solution: Any) -> SelectionSolution:
        if not isinstance(solution, SelectionSolution):
            raise InvalidProblemError(f"`solution` must be a SelectionSolution; got {type(solution).__name__}.")
        m = self.n_users
        return SelectionSolution(as_int_array("solution.model", solution.model, (m,)),
                                 as_float_array("solution.bandwidth", solution.bandwidth, (m,)),
                                 as_float_array("solution.power", solution.power, (m,)))

    def evaluate(self, solution: SelectionSolution) -> Evaluation:
        """Objective RDE (7a) and every violated constraint of (7b)-(7f), named.

        Wrong shapes or types and non-finite numbers raise
        :class:`InvalidProblemError`; a model index outside ``[0, S)`` and a
        negative bandwidth or power are named violations.
        """
        self.check_state()
        sol = self._coerce(solution)
        s, rtol = self.n_models, FEASIBILITY_RTOL
        violations: list[str] = []
        for u in np.flatnonzero((sol.model < 0) | (sol.model >= s)):
            violations.append(f"(7f) model[{u}] = {sol.model[u]} is not a model index in [0, {s})")
        for u in np.flatnonzero(sol.bandwidth < 0):
            violations.append(f"(7c) bandwidth[{u}] = {sol.bandwidth[u]:.6g} Hz is negative")
        for u in np.flatnonzero(sol.power < 0):
            violations.append(f"(7b) power[{u}] = {sol.power[u]:.6g} W is negative")
        model = np.clip(sol.model, 0, s - 1)  # figures of a bad index are those of the nearest model; it is named
        band, power = np.maximum(sol.bandwidth, 0.0), np.maximum(sol.power, 0.0)
        with np.errstate(over="ignore"):  # sums of hostile values (3 x 1e308) are inf, and named below
            total_band, transmit = float(np.sum(band)), float(np.sum(power))
        compute = self.compute_power(model)
        if self.power_budget == "joint":
            used, what = compute + transmit, f"compute {compute:.6g} W + transmit {transmit:.6g} W = "
        else:
            used, what = transmit, "transmit power "
        if used > self.power_max * (1 + rtol):
            violations.append(f"(7b) power: {what}{used:.6g} W > P_max = {self.power_max:.6g} W")
        if total_band > self.bandwidth_max * (1 + rtol):
            violations.append(f"(7c) bandwidth: {total_band:.6g} Hz > B_max = {self.bandwidth_max:.6g} Hz")
        rate = link_rate(band, power, self.gain_over_noise)
        delay = latency(self.model_time[model], self.data_bits[model], rate)
        for u in np.flatnonzero(delay > self.latency_max * (1 + rtol)):
            violations.append(f"(7d) latency of user {u} is {delay[u]:.6g} s > tau_max = {self.latency_max[u]:.6g} s "
                              f"({self.model_names[model[u]]}: {self.model_time[model[u]]:.6g} s compute)")
        objective = rde(rate, self.model_loss[model], self.lam, self.eps)
        metrics = self._metrics(model, total_band, rate, delay, objective, compute, transmit, used)
        return Evaluation(objective, not violations, violations, metrics)

    def _metrics(self, model: np.ndarray, total_band: float, rate: np.ndarray, delay: np.ndarray, objective: float,
                 compute: float, transmit: float, used: float) -> dict[str, float]:
        # A hostile power (1e308) makes rates infinite: its figures may be inf or NaN, silently; (7b) names it.
        with np.errstate(all="ignore"):
            capped = np.minimum(delay, LATENCY_CAP * self.latency_max)
            total = float(np.sum(rate))
            m: dict[str, float] = {
                "rde": objective,
                "reward_eq12": reward_eq12(objective, used, self.power_max, delay, self.latency_max,
                                           gamma_power=self.penalty_power, gamma_latency=self.penalty_latency,
                                           signed=self.penalty == "signed"),
                "sum_rate": total,
                "mean_latency": float(np.mean(capped)),
                "max_latency": float(np.max(capped)),
                "max_latency_ratio": float(np.max(capped / self.latency_max)),
                "power_used": used,
                "compute_power": compute,
                "transmit_power": transmit,
                "bandwidth_used": total_band,
                "distortion": float(np.sum(self.model_loss[model])),
                "rate_jain": jain(rate),
                "max_rate_share": float(np.max(rate) / total) if total > 0 else 0.0,
            }
        counts = np.bincount(model, minlength=self.n_models)
        for i, name in enumerate(self.model_names):
            m[f"count[{name}]"] = float(counts[i])
        for u in range(self.n_users):
            m[f"rate[{u}]"] = float(rate[u])
            m[f"latency[{u}]"] = float(delay[u])
        return m
