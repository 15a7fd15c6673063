"""SemanticOffloading: joint association, subcarriers, semantic mode and edge compute.

The system model eq 1-7, the reward eq 8 and problem (9) of Zheng et al.
(References).

Symbol table
------------
=================  ==========================================  =====================
paper              here                                        unit
=================  ==========================================  =====================
U, K, N, I         ``n_users``, ``n_bs``, ``n_subcarriers``,   -
                   ``n_tasks``
x_uk               ``Solution.assoc[u] == k``                  -
rho_uk^n           ``Solution.carrier[k, n] == u``             -
e_ui               ``Solution.semantic[u]``                    -
f_uk               ``Solution.compute[u]``                     cycles/s
g_uk^n             ``gain[u, k, n]``                           linear
P_uk^n             ``power``                                   W per subcarrier
N_0                ``noise_psd``                               W/Hz
B x N              ``bandwidth``                               Hz (per BS)
F_k                ``edge_capacity[k]``                        cycles/s
f_u^L              ``local_capacity[u]``                       cycles/s
Psi                ``flops_per_cycle``                         FLOP/cycle
s_i, eps_i         ``data_bits[i]``, ``compression[i]``        bit, -
c_i, F_E, F_C      ``recognition_flops[i]``, ...               FLOP
tau_i, M_i         ``deadline[i]``, ``priority[i]``            s, -
C_1, C_2           ``reward_scale``, ``reward_offset``         -
=================  ==========================================  =====================

Readings of the paper
---------------------
* (9h) is read per user: the delay of user u must not exceed tau of its
  task.  (9g) is implied by one task per user.
* Every user must be associated and hold at least one subcarrier of its BS
  (otherwise its rate, eq 2, is zero and its delay infinite).
* Eq 8's priority ``M_i`` sits inside the logarithm, so it only shifts a
  user's reward by the constant ``-C_1 ln M_i`` and never changes an
  optimal allocation.  ``reward="priority"`` offers ``C_1 M_i ln(1/t) + C_2``
  instead, where a high-priority user's delay weighs M_i times more: the
  variant to use when priorities should steer resources.

References
----------
.. [1] Y. Zheng, T. Zhang, X. Mu, Y. Liu, R. Huang, "Joint Semantic
   Transmission and Resource Allocation for Intelligent Computation Task
   Offloading in MEC Systems", arXiv:2503.08001, 2025.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from semopt._validation import as_bool_array, as_float_array, as_int_array, check_scalar, quote
from semopt.capabilities import Traits
from semopt.errors import InvalidProblemError
from semopt.models.latency import user_delays
from semopt.models.offloading import OffloadingModel, UserTerms
from semopt.problems.base import FEASIBILITY_RTOL, Problem
from semopt.result import Evaluation, SolutionIO

__all__ = ["SemanticOffloading", "OffloadingSolution", "REWARDS"]

REWARDS = ("eq8", "priority")


@dataclass
class OffloadingSolution(SolutionIO):
    """A solution of :class:`SemanticOffloading` (field names are part of the contract).

    Attributes
    ----------
    assoc : int[U]
        BS of each user (x).
    carrier : int[K, N]
        User holding subcarrier n of BS k, or -1 (rho).
    semantic : bool[U]
        Semantic extraction and compression on (e).
    compute : float[U]
        Edge cycles/s given to each user at its BS (f).
    """

    assoc: np.ndarray
    carrier: np.ndarray
    semantic: np.ndarray
    compute: np.ndarray

    def copy(self) -> OffloadingSolution:
        return OffloadingSolution(self.assoc.copy(), self.carrier.copy(),
                                  self.semantic.copy(), self.compute.copy())


@dataclass(eq=False)
class SemanticOffloading(Problem):
    """Problem (9) of Zheng et al.: maximise the summed delay reward eq 8.

    Parameters
    ----------
    gain : float[U, K, N]
        Linear channel power gains ``g_{uk}^n`` (path loss, shadowing, fading).
    distance : float[U, K]
        User-BS distances in m (used by the nearest-BS rules).
    task : int[U]
        Task of each user (z).
    data_bits, compression, deadline, priority : float[I]
        ``s_i`` (bits), ``eps_i >= 1``, ``tau_i`` (s), ``M_i > 0``.
    recognition_flops, extraction_flops, reconstruction_flops : float[I]
        ``c_i`` (eq 4), ``F_E`` (eq 5), ``F_C`` (eq 6) in FLOP.
    edge_capacity : float[K]
        ``F_k`` in cycles/s.
    local_capacity : float[U]
        ``f_u^L`` in cycles/s.
    bandwidth : float
        Total uplink bandwidth of one BS, ``B x N`` in Hz.
    power : float
        Transmit power per subcarrier in W.
    noise_psd : float
        ``N_0`` in W/Hz.
    flops_per_cycle : float
        ``Psi``.
    exit_point : int[I], optional
        Exit point ``m_i`` of each task (1-based); used by the Linear baseline.
    reward : {"eq8", "priority"}
        Eq 8 as written, or the priority-weighted variant (module docstring).
    reward_scale, reward_offset : float
        ``C_1 > 0`` and ``C_2``.

    Examples
    --------
    >>> import semopt
    >>> prob = semopt.scenarios.load("semantic-mec", users=6, seed=1)
    >>> prob.n_users, prob.n_bs, prob.n_subcarriers
    (6, 4, 32)
    >>> res = semopt.solve(prob, "bcd", seed=0)
    >>> res.feasible
    True
    """

    gain: np.ndarray
    distance: np.ndarray
    task: np.ndarray
    data_bits: np.ndarray
    compression: np.ndarray
    deadline: np.ndarray
    priority: np.ndarray
    recognition_flops: np.ndarray
    extraction_flops: np.ndarray
    reconstruction_flops: np.ndarray
    edge_capacity: np.ndarray
    local_capacity: np.ndarray
    bandwidth: float = 32e6
    power: float = 0.1
    noise_psd: float = 10 ** (-174 / 10) * 1e-3
    flops_per_cycle: float = 8.0
    exit_point: np.ndarray | None = None
    reward: str = "eq8"
    reward_scale: float = 1.0
    reward_offset: float = 0.0
    info: dict[str, Any] = field(default_factory=dict)

    sense: ClassVar[str] = "max"
    Solution: ClassVar[type] = OffloadingSolution
    report: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("mean_delay", "mean delay (s)", "min"),
        ("geomean_delay", "geomean delay (s)", "min"),
    )

    # ----------------------------------------------------------------- data
    def validate(self) -> None:
        """Check every field; normalise arrays. Raises :class:`InvalidProblemError`."""
        # One checked copy of the largest array (a second would raise the peak by a third).
        gain = as_float_array("gain", self.gain, low=0.0)
        if gain.ndim != 3 or 0 in gain.shape:
            raise InvalidProblemError(
                f"`gain` must be a non-empty array of shape (users, base_stations, subcarriers); "
                f"got {quote(self.gain)} of shape {gain.shape}."
            )
        u, k, n = gain.shape
        self.gain = gain
        self.distance = as_float_array("distance", self.distance, (u, k), low=0.0)
        tasks = as_float_array("data_bits", self.data_bits)
        if tasks.ndim != 1 or tasks.size == 0:
            raise InvalidProblemError(f"`data_bits` must be a non-empty 1-D array; got shape {tasks.shape}.")
        i = tasks.size
        self.task = as_int_array("task", self.task, (u,), low=0, high=i - 1)
        self.data_bits = as_float_array("data_bits", self.data_bits, (i,), low=0.0, low_inclusive=False)
        self.compression = as_float_array("compression", self.compression, (i,), low=1.0)
        self.deadline = as_float_array("deadline", self.deadline, (i,), low=0.0, low_inclusive=False)
        self.priority = as_float_array("priority", self.priority, (i,), low=0.0, low_inclusive=False)
        for name in ("recognition_flops", "extraction_flops", "reconstruction_flops"):
            setattr(self, name, as_float_array(name, getattr(self, name), (i,), low=0.0))
        self.edge_capacity = as_float_array("edge_capacity", self.edge_capacity, (k,), low=0.0,
                                            low_inclusive=False)
        self.local_capacity = as_float_array("local_capacity", self.local_capacity, (u,), low=0.0,
                                             low_inclusive=False)
        self.bandwidth = check_scalar("bandwidth", self.bandwidth, low=0.0, low_inclusive=False)
        self.power = check_scalar("power", self.power, low=0.0, low_inclusive=False)
        self.noise_psd = check_scalar("noise_psd", self.noise_psd, low=0.0, low_inclusive=False)
        self.flops_per_cycle = check_scalar("flops_per_cycle", self.flops_per_cycle, low=0.0,
                                            low_inclusive=False)
        self.reward_scale = check_scalar("reward_scale", self.reward_scale, low=0.0, low_inclusive=False)
        self.reward_offset = check_scalar("reward_offset", self.reward_offset)
        if not self.noise > np.finfo(float).tiny:  # eq 1 divides by it: an underflow to 0 is no noise at all
            raise InvalidProblemError(
                f"The noise per subcarrier, `bandwidth` x `noise_psd` / subcarriers = {self.bandwidth:g} x "
                f"{self.noise_psd:g} / {self.n_subcarriers}, must be a normal positive number; got {self.noise!r}."
            )
        if self.reward not in REWARDS:
            raise InvalidProblemError(f"`reward` must be one of {REWARDS}; got {self.reward!r}.")
        if self.exit_point is not None:
            self.exit_point = as_int_array("exit_point", self.exit_point, (i,), low=1)

    @property
    def n_users(self) -> int:
        return int(self.gain.shape[0])

    @property
    def n_bs(self) -> int:
        return int(self.gain.shape[1])

    @property
    def n_subcarriers(self) -> int:
        return int(self.gain.shape[2])

    def traits(self) -> Traits:
        """One objective (the reward) and no optional constraint; the users sharing the BSs."""
        return Traits(users=self.n_users)

    @property
    def n_tasks(self) -> int:
        return int(self.data_bits.shape[0])

    @property
    def subcarrier_bandwidth(self) -> float:
        """``B``: the bandwidth of one subcarrier."""
        return self.bandwidth / self.n_subcarriers

    @property
    def noise(self) -> float:
        """``B N_0``: noise power on one subcarrier (W)."""
        return self.subcarrier_bandwidth * self.noise_psd

    def nearest_bs(self) -> np.ndarray:
        """Index of the closest BS of every user."""
        return np.argmin(self.distance, axis=1)

    def user_terms(self, recognition_flops: np.ndarray | None = None) -> UserTerms:
        """Per-user constants of eq 3, 7 and 8.

        ``recognition_flops`` replaces ``c_i`` (the Linear baseline plans with
        its own estimate of it).
        """
        t = self.task
        c = self.recognition_flops if recognition_flops is None else recognition_flops
        psi = self.flops_per_cycle
        if self.reward == "priority":
            weight = self.priority[t].astype(float)
            shift = np.full(self.n_users, self.reward_offset)
        else:
            weight = np.ones(self.n_users)
            shift = self.reward_offset - self.reward_scale * np.log(self.priority[t])
        return UserTerms(
            data_raw=self.data_bits[t].copy(),
            data_sem=self.data_bits[t] / self.compression[t],
            edge_raw=c[t] / psi,
            edge_sem=(c[t] + self.reconstruction_flops[t]) / psi,
            local_sem=self.extraction_flops[t] / (psi * self.local_capacity),
            deadline=self.deadline[t].copy(),
            weight=weight,
            shift=shift,
        )

    def model(self, recognition_flops: np.ndarray | None = None) -> OffloadingModel:
        """The compiled evaluator of this instance (:class:`~semopt.models.offloading.OffloadingModel`).

        ``recognition_flops`` replaces ``c_i``: a planner's own estimate (the
        Linear baseline); everything else is this problem's model.
        """
        return OffloadingModel(self.user_terms(recognition_flops), self.gain, self.edge_capacity, power=self.power,
                               noise=self.noise, subcarrier_bandwidth=self.subcarrier_bandwidth,
                               reward_scale=self.reward_scale, reward_offset=self.reward_offset)

    # ------------------------------------------------------------- judging
    def rewards(self, delay: np.ndarray) -> np.ndarray:
        """Per-user reward eq 8 (or its priority-weighted variant) of the given delays."""
        terms = self.user_terms()
        with np.errstate(divide="ignore"):
            log_delay = np.log(np.asarray(delay, dtype=float))
        return -self.reward_scale * terms.weight * log_delay + terms.shift

    def delays(self, solution: OffloadingSolution) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(t_comm, t_comp, rate)`` per user (eq 1-3, 7).

        Only subcarriers of a user's own BS count towards its rate; invalid
        indices and negative compute count as nothing (``evaluate`` names them).
        """
        sol = self._coerce(solution)
        return self._delays(self._own_carrier(sol), sol.semantic, self._usable_compute(sol))

    def _delays(self, carrier, semantic, compute):
        terms = self.user_terms()
        return user_delays(carrier, semantic, compute, self.gain, self.power, self.noise,
                           self.subcarrier_bandwidth, terms.data_raw, terms.data_sem, terms.edge_raw,
                           terms.edge_sem, terms.local_sem)

    def _valid_assoc(self, sol: OffloadingSolution) -> np.ndarray:
        return np.where((sol.assoc >= 0) & (sol.assoc < self.n_bs), sol.assoc, -1)

    def _own_carrier(self, sol: OffloadingSolution) -> np.ndarray:
        """``carrier`` with -1 wherever the holder is not a user of that BS (or not a user at all)."""
        holders = np.where((sol.carrier >= 0) & (sol.carrier < self.n_users), sol.carrier, -1)
        own = self._valid_assoc(sol)[np.maximum(holders, 0)] == np.arange(self.n_bs)[:, None]
        return np.where((holders >= 0) & own, holders, -1)

    @staticmethod
    def _usable_compute(sol: OffloadingSolution) -> np.ndarray:
        return np.where(np.isfinite(sol.compute) & (sol.compute >= 0), sol.compute, 0.0)

    def _coerce(self, solution: Any) -> OffloadingSolution:
        if not isinstance(solution, OffloadingSolution):
            raise InvalidProblemError(
                f"`solution` must be an OffloadingSolution; got {type(solution).__name__}."
            )
        u, k, n = self.gain.shape
        assoc = as_int_array("solution.assoc", solution.assoc, (u,))
        carrier = as_int_array("solution.carrier", solution.carrier, (k, n))
        semantic = as_bool_array("solution.semantic", solution.semantic, (u,))
        try:
            compute = np.array(solution.compute)
            if compute.dtype.kind not in "biuf":
                raise TypeError
            compute = compute.astype(float)
        except (TypeError, ValueError, OverflowError):
            raise InvalidProblemError(
                f"`solution.compute` must be an array of real numbers; got {solution.compute!r:.80}."
            ) from None
        if compute.shape != (u,):
            raise InvalidProblemError(
                f"`solution.compute` must have shape ({u},); got shape {compute.shape}."
            )
        return OffloadingSolution(assoc, carrier, semantic, compute)

    def evaluate(self, solution: OffloadingSolution) -> Evaluation:
        """Score a solution: objective (9a) and every violated constraint of (9b)-(9i).

        Wrong shapes or types raise :class:`InvalidProblemError`; everything
        else (indices out of range, subcarriers given to users of another BS,
        negative or excess compute, missed deadlines, users without
        subcarrier) is reported as a named violation.
        """
        self.check_state()
        sol = self._coerce(solution)
        u_count, k_count, _ = self.gain.shape
        violations: list[str] = []
        for u in np.flatnonzero((sol.assoc < 0) | (sol.assoc >= k_count)):
            violations.append(f"(9e) assoc[{u}] = {sol.assoc[u]} is not a BS index in [0, {k_count})")
        for k, n in np.argwhere((sol.carrier < -1) | (sol.carrier >= u_count)):
            violations.append(f"(9f) carrier[{k}, {n}] = {sol.carrier[k, n]} is not -1 or a user index")
        holders = np.where((sol.carrier >= 0) & (sol.carrier < u_count), sol.carrier, -1)
        # Only subcarriers of the user's own BS count towards its rate.
        carrier = self._own_carrier(sol)
        for k, n in np.argwhere((holders >= 0) & (carrier < 0)):
            v = holders[k, n]
            violations.append(
                f"(9c) carrier[{k}, {n}] = {v} but user {v} is associated with BS {sol.assoc[v]}"
            )
        valid_assoc = self._valid_assoc(sol)
        held = np.bincount(carrier[carrier >= 0], minlength=u_count)
        for u in np.flatnonzero(held == 0):
            violations.append(f"(2) user {u} holds no subcarrier of its BS, so its rate is 0")
        for u in np.flatnonzero(~np.isfinite(sol.compute) | (sol.compute < 0)):
            violations.append(f"(9i) compute[{u}] = {sol.compute[u]!r} must be finite and >= 0")
        compute = self._usable_compute(sol)
        terms = self.user_terms()
        edge_work = np.where(sol.semantic, terms.edge_sem, terms.edge_raw) > 0
        for u in np.flatnonzero((compute == 0) & edge_work):
            violations.append(f"(7) compute[{u}] = 0: user {u} gets no edge compute, so its delay is infinite")
        load = np.bincount(valid_assoc[valid_assoc >= 0], weights=compute[valid_assoc >= 0], minlength=k_count)
        for k in np.flatnonzero(load > self.edge_capacity * (1 + FEASIBILITY_RTOL)):
            violations.append(
                f"(9i) BS {k}: edge compute {load[k]:.6g} > F_k = {self.edge_capacity[k]:.6g} cycles/s"
            )
        comm, comp, rate = self._delays(carrier, sol.semantic, compute)
        delay = comm + comp
        for u in np.flatnonzero(delay > terms.deadline * (1 + FEASIBILITY_RTOL)):
            violations.append(
                f"(9h) delay of user {u} (task {self.task[u]}) is {delay[u]:.6g} s > "
                f"tau = {terms.deadline[u]:.6g} s"
            )
        reward = self.rewards(delay)
        objective = float(np.sum(reward))
        return Evaluation(objective, not violations, violations,
                          self._metrics(delay, comm, comp, rate, reward, sol, load))

    def _metrics(self, delay, comm, comp, rate, reward, sol, load) -> dict[str, float]:
        finite = np.isfinite(delay)
        m: dict[str, float] = {
            "mean_delay": float(np.mean(delay)),
            "max_delay": float(np.max(delay)),
            "geomean_delay": float(np.exp(np.mean(np.log(delay)))) if finite.all() else float("inf"),
            "mean_comm_delay": float(np.mean(comm)),
            "mean_comp_delay": float(np.mean(comp)),
            "mean_rate": float(np.mean(rate)),
            "mean_reward": float(np.mean(reward)),
            "semantic_share": float(np.mean(sol.semantic)),
        }
        for k in range(self.n_bs):
            m[f"edge_load[{k}]"] = float(load[k] / self.edge_capacity[k])
            m[f"users[{k}]"] = float(np.sum(sol.assoc == k))
        for u in range(self.n_users):
            m[f"delay[{u}]"] = float(delay[u])
            m[f"rate[{u}]"] = float(rate[u])
        return m
