"""QoEOffloading: offload or not, on which sub-channel, with what power, GPU clock and extraction factor.

Problem P0 (eq 11) of Chen et al. (References) for one slot: each of N users
holds its current task (text, image or VQA); a user runs it locally, or
offloads it on one of K sub-channels, raw (``mu = 1``) or after semantic
extraction (``mu_min <= mu < 1``); the edge server shares its GPU among the
offloaders in proportion to their work, so all finish at ``t^S`` (eq 4).
Maximise the summed QoE eq 10 under (11b)-(11k).

Symbol table
------------
==================  =======================================  ===========
paper               here                                     unit
==================  =======================================  ===========
N, K                ``n_users``, ``n_subchannels``           -
rho_n               ``Solution.offload[n]``                  -
x_{k,n}             ``Solution.channel[n] == k`` (-1 none)   -
p_n, f_n, mu_n      ``Solution.power``, ``.freq``, ``.mu``   W, Hz, -
|g_{k,n}|^2         ``gain[k, n]``                           linear
B, sigma_z^2        ``bandwidth``, ``noise_power``           Hz, W
s_n, l^U, l^SE,     ``data_bits``, ``local_flops``,          bit, FLOP
l^S                 ``extraction_flops``, ``server_flops``
                    (per task type)
p, q, k             ``data_exponent``, ``extraction_exponent``,  -
                    ``accuracy_exponent`` (per task type)
eps^t, eps_min      ``local_accuracy``, ``accuracy_min``     fraction
N_u, N_s, f_s       ``user_cores``, ``server_cores``,        -, -, Hz
                    ``server_freq``
alpha_ma            ``flops_per_cycle``                      FLOP/cycle/core
kappa^U, kappa^S    ``kappa_user``, ``kappa_server``         -
t_max, E_n^max      ``latency_max``, ``energy_max``          s, J
w_t, w_e, w_a       ``weights[n]``                           -
lambda, beta, eta   ``slopes``                               1/s, 1/J, 1
==================  =======================================  ===========

Readings of the paper (``../shared/specs/qoe-and-model-selection.md`` A2; every one a field)
---------------------------------------------------------------------------------------------
* ``gain[k, n] = |h|^2 d_n^-alpha`` (the printed ``/ d^-alpha`` is a typo);
  ``noise_power`` is a power, so changing ``bandwidth`` keeps it.
* An offloader holds exactly one sub-channel ((11d) admits none, which would
  mean no rate and an infinite delay: a named violation); a local user holds none.
* Accuracy of an offloaded task ``eps^t mu^k (1 - exp(-nu / snr_ref))`` with
  ``nu`` its SNR; of a local task ``eps^t``.
* QoE references (eq 10) at the fixed local frequency ``freq_ref``: local
  execution there has QoE exactly 0.5.  Server energy charged to offloaders
  only, whole (``server_energy="total"``, the default, as Table V's energies
  need) or as the user's share (``"share"``).
* Power and clock boxes ``[power_min, power_max]``, ``[freq_min, freq_max]``
  (Table IV's ranges); a local user's power and ``mu`` are not judged
  beyond being finite (and the power not negative).
* One instance is one slot; the queue's slots are independent (no waiting,
  no battery carried over), so the scenario draws Q slots and a study
  averages over them.

References
----------
.. [1] X. Chen, D. Feng, W. Jiang, Q. Luo, G. Chen, Y. Sun, "QoE-Driven
   Multi-Task Offloading for Semantic-Aware Edge Computing Systems", IEEE
   Transactions on Network Science and Engineering, 2026 (arXiv:2407.11018).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from semopt._validation import as_bool_array, as_float_array, as_int_array, check_scalar, quote
from semopt.capabilities import Traits
from semopt.errors import InvalidProblemError
from semopt.models.qoe import Figures, QoEModel
from semopt.problems.base import FEASIBILITY_RTOL, Problem
from semopt.result import Evaluation, SolutionIO

__all__ = ["QoEOffloading", "QoESolution", "SERVER_ENERGY"]

SERVER_ENERGY = ("total", "share")


@dataclass
class QoESolution(SolutionIO):
    """A solution of :class:`QoEOffloading` (field names are part of the contract).

    Attributes
    ----------
    offload : bool[N]
        rho: the task is offloaded.
    channel : int[N]
        Sub-channel of each offloader, -1 for none.
    power : float[N]
        Transmit power p (W).
    freq : float[N]
        UE GPU clock f (Hz).
    mu : float[N]
        Semantic extraction factor (1 = raw offloading).
    """

    offload: np.ndarray
    channel: np.ndarray
    power: np.ndarray
    freq: np.ndarray
    mu: np.ndarray

    def copy(self) -> QoESolution:
        return QoESolution(self.offload.copy(), self.channel.copy(), self.power.copy(), self.freq.copy(),
                           self.mu.copy())


@dataclass(eq=False)
class QoEOffloading(Problem):
    """Problem P0 (eq 11) of Chen et al. for one slot: maximise the summed QoE eq 10.

    Parameters
    ----------
    gain : float[K, N]
        Channel gain of sub-channel k for user n.
    task : int[N]
        Task type of each user (index into the per-type arrays).
    data_bits, local_flops, extraction_flops, server_flops : float[M]
        Per task type: raw data (bits), FLOPs locally, of extraction (base, before ``/ mu^q``), at the server.
    local_accuracy, accuracy_min : float[M]
        ``eps^t`` and ``eps_min`` (fractions).
    data_exponent, extraction_exponent, accuracy_exponent : float[M]
        The power laws p, q, k in ``mu``.
    weights : float[N, 3]
        Latency, energy and accuracy weights of each user (rows sum to 1).
    mu_min : float[N]
        Lowest extraction factor of each user, in (0, 1].
    energy_max : float[N]
        Battery budget per task (J).
    Other parameters are scalars; see the module's symbol table.

    Examples
    --------
    >>> import semopt
    >>> prob = semopt.scenarios.load("qoe-offloading", users=4, seed=0)
    >>> prob.n_users, prob.n_subchannels
    (4, 4)
    >>> sol = prob.local_solution()
    >>> float(prob.evaluate(sol).metrics["mean_qoe"])
    0.5
    """

    gain: np.ndarray
    task: np.ndarray
    data_bits: np.ndarray
    local_flops: np.ndarray
    extraction_flops: np.ndarray
    server_flops: np.ndarray
    local_accuracy: np.ndarray
    accuracy_min: np.ndarray
    data_exponent: np.ndarray
    extraction_exponent: np.ndarray
    accuracy_exponent: np.ndarray
    weights: np.ndarray
    mu_min: np.ndarray
    energy_max: np.ndarray
    bandwidth: float = 10e6
    noise_power: float = 2e-3
    power_min: float = 10e-3
    power_max: float = 90e-3
    freq_min: float = 1.5e9
    freq_max: float = 1.7e9
    freq_ref: float = 1.6e9
    user_cores: float = 1280.0
    server_cores: float = 65536.0
    server_freq: float = 2.2e9
    flops_per_cycle: float = 2.0
    kappa_user: float = 1e-26
    kappa_server: float = 1.2e-26
    latency_max: float = 5e-3
    snr_ref: float = 1.0
    slopes: tuple[float, float, float] = (1e3, 10.0, 2.0)
    server_energy: str = "total"
    task_names: tuple[str, ...] = ("text", "image", "vqa")
    info: dict[str, Any] = field(default_factory=dict)

    sense: ClassVar[str] = "max"
    Solution: ClassVar[type] = QoESolution
    report: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("mean_qoe", "mean QoE", "max"),
        ("mean_delay", "mean delay (s)", "min"),
        ("mean_energy", "mean energy (J)", "min"),
        ("mean_accuracy", "accuracy", "max"),
        ("reward_eq12", "eq-12 reward", "max"),
    )

    # ----------------------------------------------------------------- data
    def validate(self) -> None:
        """Check every field; normalise arrays. Raises :class:`InvalidProblemError`."""
        gain = as_float_array("gain", self.gain, low=0.0)
        if gain.ndim != 2 or 0 in gain.shape:
            raise InvalidProblemError(f"`gain` must be a non-empty array of shape (subchannels, users); "
                                      f"got {quote(self.gain)} of shape {gain.shape}.")
        self.gain = gain
        k, n = gain.shape
        per_type = as_float_array("data_bits", self.data_bits, low=0.0, low_inclusive=False)
        if per_type.ndim != 1 or per_type.size == 0:
            raise InvalidProblemError(f"`data_bits` must be a non-empty 1-D array (one per task type); "
                                      f"got shape {per_type.shape}.")
        m = per_type.size
        self.data_bits = per_type
        self.task = as_int_array("task", self.task, (n,), low=0, high=m - 1)
        self.local_flops = as_float_array("local_flops", self.local_flops, (m,), low=0.0, low_inclusive=False)
        self.extraction_flops = as_float_array("extraction_flops", self.extraction_flops, (m,), low=0.0)
        self.server_flops = as_float_array("server_flops", self.server_flops, (m,), low=0.0)
        self.local_accuracy = as_float_array("local_accuracy", self.local_accuracy, (m,), low=0.0, high=1.0)
        self.accuracy_min = as_float_array("accuracy_min", self.accuracy_min, (m,), low=0.0, high=1.0)
        for name in ("data_exponent", "extraction_exponent", "accuracy_exponent"):
            setattr(self, name, as_float_array(name, getattr(self, name), (m,), low=0.0))
        self.weights = as_float_array("weights", self.weights, (n, 3), low=0.0)
        if not np.allclose(self.weights.sum(axis=1), 1.0, rtol=0.0, atol=1e-9):
            bad = int(np.flatnonzero(~np.isclose(self.weights.sum(axis=1), 1.0, rtol=0.0, atol=1e-9))[0])
            raise InvalidProblemError(f"`weights` rows must sum to 1 (w_t + w_e + w_a = 1); row {bad} is "
                                      f"{self.weights[bad].tolist()}.")
        self.mu_min = as_float_array("mu_min", self.mu_min, (n,), low=0.0, low_inclusive=False, high=1.0)
        self.energy_max = as_float_array("energy_max", self.energy_max, (n,), low=0.0, low_inclusive=False)
        positive = ("bandwidth", "noise_power", "power_min", "freq_min", "user_cores", "server_cores",
                    "server_freq", "flops_per_cycle", "kappa_user", "latency_max", "snr_ref", "freq_ref")
        for name in positive:
            setattr(self, name, check_scalar(name, getattr(self, name), low=0.0, low_inclusive=False))
        self.kappa_server = check_scalar("kappa_server", self.kappa_server, low=0.0)
        self.power_max = check_scalar("power_max", self.power_max, low=self.power_min)
        self.freq_max = check_scalar("freq_max", self.freq_max, low=self.freq_min)
        slopes = as_float_array("slopes", self.slopes, (3,), low=0.0, low_inclusive=False)
        self.slopes = (float(slopes[0]), float(slopes[1]), float(slopes[2]))
        if self.server_energy not in SERVER_ENERGY:
            raise InvalidProblemError(f"`server_energy` must be one of {SERVER_ENERGY}; got {self.server_energy!r}.")
        if not isinstance(self.task_names, tuple) or len(self.task_names) < m:
            raise InvalidProblemError(f"`task_names` must be a tuple naming the {m} task types; "
                                      f"got {quote(self.task_names)}.")

    @property
    def n_users(self) -> int:
        return int(self.gain.shape[1])

    @property
    def n_subchannels(self) -> int:
        return int(self.gain.shape[0])

    def traits(self) -> Traits:
        """One objective (the summed QoE), no optional constraint, the users sharing the server."""
        return Traits(users=self.n_users)

    def model(self) -> QoEModel:
        """The formulas of eq 1-10 over this slot's per-user constants (:class:`~semopt.models.qoe.QoEModel`)."""
        t = self.task
        alpha = self.flops_per_cycle
        return QoEModel(
            data_bits=self.data_bits[t], local_flops=self.local_flops[t],
            extraction_flops=self.extraction_flops[t], server_flops=self.server_flops[t],
            local_accuracy=self.local_accuracy[t], data_exponent=self.data_exponent[t],
            extraction_exponent=self.extraction_exponent[t], accuracy_exponent=self.accuracy_exponent[t],
            weights=self.weights, bandwidth=self.bandwidth, noise_power=self.noise_power,
            user_flops_per_hz=alpha * self.user_cores, server_flops_per_s=alpha * self.server_cores * self.server_freq,
            server_power=self.kappa_server * self.server_freq ** 3, kappa_user=self.kappa_user,
            freq_ref=self.freq_ref, snr_ref=self.snr_ref, slopes=self.slopes, server_energy=self.server_energy)

    def server_load(self, offload: np.ndarray) -> float:
        """``sum_n rho_n l^S_n``: the FLOPs the server runs (eq 4's numerator)."""
        return float(np.sum(self.server_flops[self.task] * np.asarray(offload, dtype=bool)))

    def local_solution(self) -> QoESolution:
        """Every task local at the reference frequency: the paper's ``Local`` (QoE exactly 0.5 each)."""
        n = self.n_users
        return QoESolution(np.zeros(n, bool), np.full(n, -1), np.full(n, self.power_min),
                           np.full(n, self.freq_ref), np.ones(n))

    # ------------------------------------------------------------- judging
    def figures(self, solution: QoESolution) -> Figures:
        """Delay, energy and accuracy of every user under ``solution`` (eq 1-9); an offloader without a
        valid sub-channel gets an infinite delay."""
        sol = self._coerce(solution)
        return self._figures(sol, self.model())

    def _figures(self, sol: QoESolution, model: QoEModel) -> Figures:
        # Out-of-box powers and clocks are named violations; their figures may be NaN or inf, silently.
        with np.errstate(all="ignore"):
            return self._raw_figures(sol, model)

    def _raw_figures(self, sol: QoESolution, model: QoEModel) -> Figures:
        users = np.arange(self.n_users)
        local = model.local(users, sol.freq)
        valid = (sol.channel >= 0) & (sol.channel < self.n_subchannels)
        gain = np.where(valid, self.gain[np.clip(sol.channel, 0, self.n_subchannels - 1), users], 0.0)
        mu = np.clip(sol.mu, 1e-12, 1.0)  # evaluate names a mu outside its box; the formulas need mu > 0
        remote = model.offload(users, gain, sol.power, sol.freq, mu, self.server_load(sol.offload))
        pick = sol.offload
        return Figures(np.where(pick, remote.delay, local.delay), np.where(pick, remote.energy, local.energy),
                       np.where(pick, remote.accuracy, local.accuracy))

    def _coerce(self, solution: Any) -> QoESolution:
        if not isinstance(solution, QoESolution):
            raise InvalidProblemError(f"`solution` must be a QoESolution; got {type(solution).__name__}.")
        n = self.n_users
        return QoESolution(
            as_bool_array("solution.offload", solution.offload, (n,)),
            as_int_array("solution.channel", solution.channel, (n,)),
            as_float_array("solution.power", solution.power, (n,)),
            as_float_array("solution.freq", solution.freq, (n,), low=0.0, low_inclusive=False),
            as_float_array("solution.mu", solution.mu, (n,), low=0.0, low_inclusive=False),
        )

    def evaluate(self, solution: QoESolution) -> Evaluation:
        """Objective (11a) and every violated constraint of (11d)-(11k), named.

        Wrong shapes or types, non-finite numbers, a non-positive clock or
        ``mu`` raise :class:`InvalidProblemError`; everything else is a named
        violation.
        """
        self.check_state()
        sol = self._coerce(solution)
        n, k = self.n_users, self.n_subchannels
        rtol = FEASIBILITY_RTOL
        violations: list[str] = []
        for u in np.flatnonzero(sol.offload & ((sol.channel < 0) | (sol.channel >= k))):
            violations.append(f"(11d) offloading user {u} holds no sub-channel (channel = {sol.channel[u]})")
        for u in np.flatnonzero(~sol.offload & (sol.channel != -1)):
            violations.append(f"(11d) local user {u} holds sub-channel {sol.channel[u]} (must be -1)")
        held = sol.channel[sol.offload & (sol.channel >= 0) & (sol.channel < k)]
        counts = np.bincount(held, minlength=k)
        for c in np.flatnonzero(counts > 1):
            holders = np.flatnonzero(sol.offload & (sol.channel == c)).tolist()
            violations.append(f"(11e) sub-channel {c} is held by users {holders}")
        off = sol.offload
        for u in np.flatnonzero(off & ((sol.mu < self.mu_min * (1 - rtol)) | (sol.mu > 1 + rtol))):
            violations.append(f"(11f) mu[{u}] = {sol.mu[u]:.6g} is outside [{self.mu_min[u]:.6g}, 1]")
        for u in np.flatnonzero(off & ((sol.power < self.power_min * (1 - rtol))
                                       | (sol.power > self.power_max * (1 + rtol)))):
            violations.append(f"(11g) power[{u}] = {sol.power[u]:.6g} W is outside "
                              f"[{self.power_min:.6g}, {self.power_max:.6g}] W")
        for u in np.flatnonzero(~off & (sol.power < 0)):  # an idle radio is not judged, a negative power is
            violations.append(f"(11g) power[{u}] = {sol.power[u]:.6g} W of local user {u} is negative")
        for u in np.flatnonzero((sol.freq < self.freq_min * (1 - rtol)) | (sol.freq > self.freq_max * (1 + rtol))):
            violations.append(f"(11h) freq[{u}] = {sol.freq[u]:.6g} Hz is outside "
                              f"[{self.freq_min:.6g}, {self.freq_max:.6g}] Hz")
        model = self.model()
        fig = self._figures(sol, model)
        for u in np.flatnonzero(fig.delay > self.latency_max * (1 + rtol)):
            violations.append(f"(11i) delay of user {u} is {fig.delay[u]:.6g} s > t_max = {self.latency_max:.6g} s")
        for u in np.flatnonzero(fig.energy > self.energy_max * (1 + rtol)):
            violations.append(f"(11j) energy of user {u} is {fig.energy[u]:.6g} J > "
                              f"E_max = {self.energy_max[u]:.6g} J")
        floor = self.accuracy_min[self.task]
        for u in np.flatnonzero(fig.accuracy < floor * (1 - rtol)):
            violations.append(f"(11k) accuracy of user {u} ({self.task_names[self.task[u]]}) is "
                              f"{fig.accuracy[u]:.6g} < eps_min = {floor[u]:.6g}")
        qoe = model.qoe(np.arange(n), fig)
        objective = float(np.sum(qoe))
        return Evaluation(objective, not violations, violations, self._metrics(sol, fig, qoe, floor, model))

    def _metrics(self, sol: QoESolution, fig: Figures, qoe: np.ndarray, floor: np.ndarray,
                 model: QoEModel) -> dict[str, float]:
        with np.errstate(all="ignore"):
            penalty = (np.maximum((fig.delay - self.latency_max) / self.latency_max, 0.0)
                       + np.maximum((fig.energy - self.energy_max) / self.energy_max, 0.0)
                       + np.maximum((floor - fig.accuracy) / np.where(floor > 0, floor, 1.0), 0.0))
            means = {key: float(np.mean(value)) for key, value in
                     (("mean_delay", fig.delay), ("mean_energy", fig.energy), ("mean_accuracy", fig.accuracy))}
            mean_mu = float(np.mean(sol.mu[sol.offload])) if sol.offload.any() else 1.0
        m: dict[str, float] = {
            "mean_qoe": float(np.mean(qoe)),
            **means,
            "offload_share": float(np.mean(sol.offload)),
            "mean_mu": mean_mu,
            "server_time": model.server_time(self.server_load(sol.offload)),
            "reward_eq12": float(np.sum(qoe - penalty)),
        }
        for u in range(self.n_users):
            m[f"qoe[{u}]"] = float(qoe[u])
            m[f"delay[{u}]"] = float(fig.delay[u])
            m[f"energy[{u}]"] = float(fig.energy[u])
            m[f"accuracy[{u}]"] = float(fig.accuracy[u])
        return m
