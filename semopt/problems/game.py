"""The game family: terminals choosing resolution, compression and power, rewarded for fairness.

:class:`SemanticGame` is §2.4 of the paper in References.  Each of N terminals picks
``a_i = (s_i, r_i, p_i)``: sampling resolution scale, compression ratio and
transmit power (W), within its bounds.  Its utility is eq 10

.. math::

    U_i = \\alpha_i R_{power,i} + \\beta_i R_{task,i} + \\gamma_i R_{coop},

with ``R_power,i = k1 ln(E_max,i / E_i)``, ``R_task,i = k2 mAP_i`` and eq 11
``R_coop = eta J - zeta C``: ``J`` the Jain index (eq 12) of the terminals'
resource use ``x_i`` and ``C = traffic / capacity`` the channel congestion.
The terminals' energy ``E_i``, latency and fidelity come from the explicit
physical models of :mod:`semopt.models.terminal` (replaceable through
``model``).  Terminals interact through the shared channel (interference)
and through ``J`` and ``C``.

Readings of the paper (documented choices)
------------------------------------------
* Resource use ``x_i`` in eq 12 is the terminal's traffic, its payload in
  bits per frame; ``C = sum_i x_i / (frame_period * capacity)``, the share
  of the channel's capacity the frame's traffic takes.
* The weights are per terminal (``weights[i] = (alpha, beta, gamma)``): the
  paper raises alpha when energy is scarce and beta for high-priority tasks;
  the scenarios derive them from battery and priority.  Scaling one
  terminal's weights does not change its best responses, only the welfare.
* The objective is the social welfare ``sum_i U_i`` (maximised).  An
  equilibrium is judged beyond ``evaluate`` by its certificate
  (``semopt.analysis.nash_gap``: the largest utility gain any terminal can
  reach by deviating alone, found independently of any solver); with
  ``certify=True`` (the default) ``semopt.solve`` adds it to every game
  solver's metrics as ``nash_gap`` and ``nash_gap_relative``.
* Actions live in a box per terminal: ``s`` linearly, ``r`` and ``p`` on a
  log scale (they span decades) in the unit coordinates solvers search in.

:class:`GameTrace` is the same game over time, with channels and batteries
that change per frame (§2.3, §3.2.2): the setting of the closed-loop control.

References
----------
.. [1] "Semantic-Driven Conditional Encoding and Distributed Collaborative
   Optimization for Edge Image Processing", Traitement du Signal 42(6),
   2025, doi:10.18280/ts.420612.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import numpy as np

from semopt._validation import as_float_array, check_scalar
from semopt.capabilities import Traits
from semopt.errors import InvalidProblemError
from semopt.models.terminal import GLOBAL_COLUMNS, TABLE_COLUMNS, TerminalModel, TerminalParameters
from semopt.problems.base import FEASIBILITY_RTOL, Problem
from semopt.result import Evaluation, SolutionIO

__all__ = ["SemanticGame", "GameSolution", "GameTrace", "GameTraceSolution", "ACTIONS"]

ACTIONS = ("resolution", "compression", "power")


@dataclass
class GameSolution(SolutionIO):
    """A strategy profile of :class:`SemanticGame` (``actions`` is part of the contract).

    Attributes
    ----------
    actions : float[N, 3]
        Columns: resolution scale s, compression ratio r, transmit power p (W).
    trajectory : float[R + 1, N, 3] or None
        The profile before the first round and after each round, when the
        solver iterates (best response); not judged by ``evaluate``.
    """

    actions: np.ndarray
    trajectory: np.ndarray | None = None


@dataclass(eq=False)
class SemanticGame(Problem):
    """N terminals, each choosing (resolution, compression ratio, power); utility eq 10-12.

    Parameters
    ----------
    low, high : float[N, 3]
        Action bounds; columns (s, r, p).  ``0 < s``, ``1 <= r``, ``0 < p``.
    native_pixels : float[N]
        Pixels at full resolution (s = 1).
    channel_gain : float[N]
        SNR per watt of transmit power (gain over noise), 1/W.
    bandwidth : float[N]
        Each terminal's uplink band in Hz.
    sense_energy, encode_energy : float[N]
        Energy per sampled pixel and per pixel of encoding work, J.
    encode_time : float[N]
        Encoding time per pixel of work on the terminal, s.
    energy_max : float[N]
        E_max,i of R_power: the terminal's rated energy per frame, J.
    weights : float[N, 3]
        (alpha, beta, gamma) of eq 10, non-negative.
    interference : float
        theta: coupling of the shared channel (0 = orthogonal bands).
    capacity : float
        Channel capacity in bit/s (the "maximum bandwidth" of eq 11).
    frame_period : float
        Seconds per frame: traffic = bits per frame / frame_period.
    k_power, k_task, eta, zeta : float
        k1, k2, eta, zeta of eq 10-11.
    bits_per_pixel, compress_effort, decode_time, fidelity_max,
    resolution_knee, bpp_knee, snr_knee, task_ceiling : float
        Constants of :class:`~semopt.models.terminal.TerminalModel`.
    model : TerminalModel
        The physical models (replaceable).
    certify : bool, default True
        Whether ``semopt.solve`` certifies every game solver's answer with
        ``semopt.analysis.nash_gap`` (``nash_gap`` and ``nash_gap_relative``
        in its metrics).  The certificate costs about 0.1 s at 5 terminals
        and grows with N; ``evaluate`` never runs it.

    References
    ----------
    The paper's §2.4 eq 9-12 (game, reward, Jain index); §2.3 eq 6-8 (control).

    Examples
    --------
    >>> import semopt
    >>> game = semopt.scenarios.load("semantic-game", terminals=3, seed=0)
    >>> res = semopt.solve(game, "best-response", seed=0, reference="none")  # certified: nash_gap in metrics
    >>> res.status, res.metrics["nash_gap_relative"] < 1e-6, res.solution.actions.shape
    ('converged', True, (3, 3))
    >>> bool(game.utilities(res.solution.actions).sum() == res.objective)
    True
    """

    sense: ClassVar[str] = "max"
    Solution: ClassVar[type] = GameSolution
    report: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("jain", "Jain index", "max"),
        ("mean_fidelity", "fidelity", "max"),
        ("mean_energy", "energy (J)", "min"),
        ("mean_latency", "latency (s)", "min"),
        ("nash_gap_relative", "Nash gap (rel.)", "min"),
    )

    low: np.ndarray
    high: np.ndarray
    native_pixels: np.ndarray
    channel_gain: np.ndarray
    bandwidth: np.ndarray
    sense_energy: np.ndarray
    encode_energy: np.ndarray
    encode_time: np.ndarray
    energy_max: np.ndarray
    weights: np.ndarray
    interference: float = 0.01
    capacity: float = 50e6
    frame_period: float = 0.1
    k_power: float = 1.0
    k_task: float = 1.0
    eta: float = 1.0
    zeta: float = 1.0
    bits_per_pixel: float = 24.0
    compress_effort: float = 0.1
    decode_time: float = 1e-9
    fidelity_max: float = 0.95
    resolution_knee: float = 3.0
    bpp_knee: float = 2.0
    snr_knee: float = 1.0
    task_ceiling: float = 0.87
    model: TerminalModel = field(default_factory=TerminalModel)
    certify: bool = True
    info: dict[str, Any] = field(default_factory=dict)
    _parameters: TerminalParameters | None = field(default=None, init=False, repr=False, compare=False)

    # ------------------------------------------------------------------ validation
    def validate(self) -> None:
        low = np.asarray(self.low)
        if low.ndim != 2 or low.shape[1] != 3 or low.shape[0] == 0:
            raise InvalidProblemError(f"`low` must have shape (N, 3) with N >= 1; got shape {low.shape}.")
        n = low.shape[0]
        self.low = as_float_array("low", low, (n, 3), low=0.0, low_inclusive=False)
        self.high = as_float_array("high", self.high, (n, 3), low=0.0, low_inclusive=False)
        if np.any(self.high[:, 0] > 1.0):
            raise InvalidProblemError(f"`high` resolution scales must be <= 1 (s = 1 is the native resolution); "
                                      f"got {self.high[:, 0].max()!r}.")
        if np.any(self.low[:, 1] < 1.0):
            raise InvalidProblemError(f"`low` compression ratios must be >= 1; got {self.low[:, 1].min()!r}.")
        bad = np.argwhere(self.low > self.high)
        if bad.size:
            i, k = bad[0]
            raise InvalidProblemError(f"`low[{i}, {k}]` = {self.low[i, k]!r} exceeds `high[{i}, {k}]` = "
                                      f"{self.high[i, k]!r}.")
        positive = ("native_pixels", "channel_gain", "bandwidth", "energy_max")
        for name in positive + ("sense_energy", "encode_energy", "encode_time"):
            value = as_float_array(name, getattr(self, name), (n,), low=0.0, low_inclusive=name not in positive)
            setattr(self, name, value)
        self.weights = as_float_array("weights", self.weights, (n, 3), low=0.0)
        for name in ("interference", "compress_effort", "decode_time", "eta", "zeta", "k_power", "k_task"):
            setattr(self, name, check_scalar(name, getattr(self, name), low=0.0))
        for name in ("capacity", "frame_period", "bits_per_pixel", "resolution_knee", "bpp_knee", "snr_knee"):
            setattr(self, name, check_scalar(name, getattr(self, name), low=0.0, low_inclusive=False))
        for name in ("fidelity_max", "task_ceiling"):
            setattr(self, name, check_scalar(name, getattr(self, name), low=0.0, low_inclusive=False, high=1.0))
        if not isinstance(self.model, TerminalModel):
            raise InvalidProblemError(f"`model` must be a TerminalModel; got {type(self.model).__name__}.")
        if not isinstance(self.certify, (bool, np.bool_)):
            raise InvalidProblemError(f"`certify` must be True or False; got {self.certify!r}.")
        self.certify = bool(self.certify)

    # ------------------------------------------------------------------ sizes and bounds
    @property
    def n_terminals(self) -> int:
        return int(self.low.shape[0])

    def traits(self) -> Traits:
        """One objective (the welfare) and no optional constraint; the terminals sharing the channel."""
        return Traits(users=self.n_terminals)

    @property
    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """``(low, high)``, each float[N, 3] (copies)."""
        return self.low.copy(), self.high.copy()

    @property
    def default_model(self) -> bool:
        """True when the Numba kernels (which hard-code the default model) describe this game."""
        return type(self.model) is TerminalModel

    def to_unit(self, actions: np.ndarray) -> np.ndarray:
        """Actions -> unit coordinates in [0, 1]^3 (s linear, r and p logarithmic)."""
        a = np.asarray(actions, dtype=float)
        z = np.empty_like(a)
        span = np.where(self.high > self.low, 1.0, 0.0)
        z[..., 0] = np.divide(a[..., 0] - self.low[:, 0], self.high[:, 0] - self.low[:, 0],
                              out=np.zeros_like(a[..., 0]), where=span[:, 0] > 0)
        for k in (1, 2):
            z[..., k] = np.divide(np.log(a[..., k] / self.low[:, k]), np.log(self.high[:, k] / self.low[:, k]),
                                  out=np.zeros_like(a[..., k]), where=span[:, k] > 0)
        return z

    def from_unit(self, z: np.ndarray, idx: Any = slice(None)) -> np.ndarray:
        """Unit coordinates -> actions, for the terminals ``idx`` (broadcast against ``z[..., k]``)."""
        z = np.asarray(z, dtype=float)
        low, high = self.low[idx], self.high[idx]
        a = np.empty(np.broadcast_shapes(z.shape, low.shape))
        a[..., 0] = low[..., 0] + z[..., 0] * (high[..., 0] - low[..., 0])
        for k in (1, 2):
            a[..., k] = low[..., k] * (high[..., k] / low[..., k]) ** z[..., k]
        return a

    # ------------------------------------------------------------------ the model
    def parameters(self) -> TerminalParameters:
        """The constants the terminal model reads (:class:`~semopt.models.terminal.TerminalParameters`).

        Built once and kept until a field is set again: the model reads them on every utility evaluation
        (the arrays are shared, not copied, so changing one in place is seen at once).
        """
        if self._parameters is None:
            self._parameters = TerminalParameters(
                **{f.name: getattr(self, f.name) for f in dataclasses.fields(TerminalParameters)})
        return self._parameters

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if name != "_parameters":
            object.__setattr__(self, "_parameters", None)

    def loads(self, actions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(received power g_i p_i, payload bits)`` of every terminal: what the others' aggregates sum."""
        a = self.profile(actions)
        received = self.channel_gain * a[:, 2]
        return received, self.model.bits(self.parameters(), np.arange(self.n_terminals), a[:, 0], a[:, 1])

    def profile(self, actions: Any, name: str = "actions") -> np.ndarray:
        """``actions`` as a finite float[N, 3]; anything else is an :class:`InvalidProblemError` naming ``name``."""
        return as_float_array(name, actions, (self.n_terminals, 3))

    def terms(self, actions: np.ndarray) -> dict[str, Any]:
        """Per-terminal quantities of a whole profile, straight from the definitions (the reference path).

        Returns a dict of float[N]: ``bits``, ``sinr``, ``energy``,
        ``latency``, ``fidelity``, ``task`` and ``utility``, and the scalars
        ``jain`` and ``congestion``.
        """
        a = self.profile(actions)
        idx = np.arange(self.n_terminals)
        received = self.channel_gain * a[:, 2]
        out: dict[str, Any] = self._physics(idx, a[..., 0], a[..., 1], a[..., 2],
                                            self.interference * (received.sum() - received))
        bits = out["bits"]
        jain = float(bits.sum() ** 2 / (self.n_terminals * np.sum(bits ** 2)))
        congestion = float(bits.sum() / (self.frame_period * self.capacity))
        out.update(utility=self._utility(idx, out["energy"], out["task"], jain, congestion), jain=jain,
                   congestion=congestion)
        return out

    def _physics(self, idx: Any, s: np.ndarray, r: np.ndarray, p: np.ndarray,
                 interference: np.ndarray) -> dict[str, np.ndarray]:
        """The model's per-terminal chain: SINR, payload, energy, latency, fidelity and task score."""
        m, params = self.model, self.parameters()
        sinr = m.sinr(params, idx, p, interference)
        fidelity = m.fidelity(params, idx, s, r, sinr)
        return {"bits": m.bits(params, idx, s, r), "sinr": sinr, "energy": m.energy(params, idx, s, r, p, sinr),
                "latency": m.latency(params, idx, s, r, sinr), "fidelity": fidelity,
                "task": m.task_score(params, idx, fidelity)}

    def _utility(self, idx: Any, energy: np.ndarray, task: np.ndarray, jain: Any, congestion: Any) -> np.ndarray:
        """Eq 10-11 from the terminal's energy and task score and the system's Jain index and congestion."""
        w = self.weights[idx]
        return (w[..., 0] * self.k_power * np.log(self.energy_max[idx] / energy) + w[..., 1] * self.k_task * task
                + w[..., 2] * (self.eta * jain - self.zeta * congestion))

    def utilities(self, actions: np.ndarray) -> np.ndarray:
        """``U_i`` of eq 10 for every terminal of the profile ``actions`` (float[N, 3])."""
        return self.terms(actions)["utility"]

    def welfare(self, actions: np.ndarray) -> float:
        """Social welfare ``sum_i U_i``: the objective."""
        return float(self.utilities(actions).sum())

    def aggregates(self, actions: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What each terminal sees of the others: interference, sum and sum of squares of their payloads."""
        received, bits = self.loads(actions)
        return (self.interference * (received.sum() - received), bits.sum() - bits,
                np.sum(bits ** 2) - bits ** 2)

    def response_utilities(self, players: np.ndarray, candidates: np.ndarray, actions: np.ndarray) -> np.ndarray:
        """``U[k, g]``: utility of terminal ``players[k]`` playing ``candidates[k, g]`` against ``actions``.

        The others keep their actions; the game is aggregative, so this costs
        O(1) per candidate (the numpy path; the Numba kernel is its twin).
        """
        players = np.asarray(players, dtype=np.int64)
        interference, s_minus, q_minus = (agg[players] for agg in self.aggregates(actions))
        return self.respond(players, candidates, interference, s_minus, q_minus)

    def respond(self, players: np.ndarray, candidates: np.ndarray, interference: np.ndarray,
                s_minus: np.ndarray, q_minus: np.ndarray) -> np.ndarray:
        """:meth:`response_utilities` from the others' aggregates (float[P] each, see :meth:`aggregates`)."""
        return self.own_terms(players, candidates, interference, s_minus, q_minus)["utility"]

    def own_terms(self, players: np.ndarray, candidates: np.ndarray, interference: np.ndarray,
                  s_minus: np.ndarray, q_minus: np.ndarray) -> dict[str, np.ndarray]:
        """:meth:`terms` (float[P, G] each, without ``jain`` and ``congestion``) of ``players[k]`` playing
        ``candidates[k, g]`` against the others' aggregates."""
        players = np.asarray(players, dtype=np.int64)
        cand = np.asarray(candidates, dtype=float)
        interference, s_minus, q_minus = (np.asarray(v, dtype=float)[:, None] for v in (interference, s_minus, q_minus))
        idx = players[:, None]
        out = self._physics(idx, cand[..., 0], cand[..., 1], cand[..., 2], interference)
        total = s_minus + out["bits"]
        jain = total ** 2 / (self.n_terminals * (q_minus + out["bits"] ** 2))
        congestion = total / (self.frame_period * self.capacity)
        out["utility"] = self._utility(idx, out["energy"], out["task"], jain, congestion)
        return out

    def kernel_tables(self) -> tuple[np.ndarray, np.ndarray]:
        """The per-terminal table and global vector of the Numba kernels (columns in ``TABLE_COLUMNS``)."""
        columns = {"alpha": self.weights[:, 0], "beta": self.weights[:, 1], "gamma": self.weights[:, 2],
                   "s_low": self.low[:, 0], "s_high": self.high[:, 0], "r_low": self.low[:, 1],
                   "r_high": self.high[:, 1], "p_low": self.low[:, 2], "p_high": self.high[:, 2]}
        table = np.column_stack([columns[c] if c in columns else getattr(self, c) for c in TABLE_COLUMNS])
        scalars = {"n_terminals": float(self.n_terminals), "traffic_capacity": self.frame_period * self.capacity}
        glob = np.array([scalars[c] if c in scalars else getattr(self, c) for c in GLOBAL_COLUMNS], dtype=float)
        return np.ascontiguousarray(table, dtype=float), glob

    # ------------------------------------------------------------------ judging
    def evaluate(self, solution: GameSolution) -> Evaluation:
        """Welfare, every bound violated, and the figures of the paper's §3.1 (the certificate is separate)."""
        self.check_state()
        if not isinstance(solution, GameSolution):
            raise InvalidProblemError(f"`solution` must be a GameSolution; got {type(solution).__name__}.")
        a = as_float_array("solution.actions", solution.actions, (self.n_terminals, 3))
        violations = []
        for i, k in np.argwhere(a < self.low * (1 - FEASIBILITY_RTOL)):
            violations.append(f"(bounds) {ACTIONS[k]} of terminal {i} is {a[i, k]:.6g} < {self.low[i, k]:.6g}")
        for i, k in np.argwhere(a > self.high * (1 + FEASIBILITY_RTOL)):
            violations.append(f"(bounds) {ACTIONS[k]} of terminal {i} is {a[i, k]:.6g} > {self.high[i, k]:.6g}")
        if violations:  # outside the box the models may be undefined (r < 1, p <= 0): judge no further
            return Evaluation(-np.inf, False, violations, {})
        t = self.terms(a)
        welfare = float(t["utility"].sum())
        metrics: dict[str, float] = {
            "welfare": welfare, "jain": t["jain"], "congestion": t["congestion"],
            "mean_energy": float(t["energy"].mean()), "mean_latency": float(t["latency"].mean()),
            "mean_fidelity": float(t["fidelity"].mean()), "mean_task": float(t["task"].mean()),
            "mean_power": float(a[:, 2].mean()),
        }
        for name in ("utility", "energy", "latency", "fidelity"):
            metrics.update({f"{name}[{i}]": float(v) for i, v in enumerate(t[name])})
        return Evaluation(welfare, True, [], metrics)


@dataclass
class GameTraceSolution(SolutionIO):
    """A run over a :class:`GameTrace` (``actions`` is judged by ``evaluate``).

    Attributes
    ----------
    actions : float[T, N, 3]
        The profile played at each frame.
    target : float[T, N, 3] or None
        The equilibrium of each frame that a controller tracked, when the
        solver computes one (``closed-loop``, ``open-loop``); not judged.
        ``semopt.analysis.simulate`` replays a control law against it.
    """

    actions: np.ndarray
    target: np.ndarray | None = None


@dataclass(eq=False)
class GameTrace(Problem):
    """A :class:`SemanticGame` whose channel gains and weights change per frame.

    The paper's stress test "severe resource fluctuation" (Table 2, Fig 6)
    drops every terminal's battery from 80 % to 20 % and its SNR by 15 dB at
    frame 100.  A trace holds the game's per-frame channel gains and weights
    (the weights follow the battery); a solution is one profile per frame.
    The objective is the mean welfare per frame; ``metrics`` carry the
    paper's robustness figures.

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

    def traits(self) -> Traits:
        """The game's traits: its terminals share the channel at every frame."""
        return self.base.traits()

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
        """Mean welfare per frame, bound violations, and the robustness figures of the paper's §3.1."""
        self.check_state()
        if not isinstance(solution, GameTraceSolution):
            raise InvalidProblemError(f"`solution` must be a GameTraceSolution; got {type(solution).__name__}.")
        a = as_float_array("solution.actions", solution.actions, (self.n_steps, self.n_terminals, 3))
        low, high = self.base.bounds
        outside = np.argwhere((a < low * (1 - FEASIBILITY_RTOL)) | (a > high * (1 + FEASIBILITY_RTOL)))
        if outside.size:
            t, i, k = outside[0]
            return Evaluation(-np.inf, False, [f"(bounds) action {k} of terminal {i} at frame {t} is {a[t, i, k]:.6g}, "
                                               f"outside [{low[i, k]:.6g}, {high[i, k]:.6g}] ({len(outside)} in all)"])
        s = self.series(a)
        change = np.abs(np.diff(s["fidelity"])) / np.maximum(s["fidelity"][:-1], 1e-12)
        metrics = {f"mean_{k}": float(v.mean()) for k, v in s.items()}
        metrics["fluctuation"] = float(change.max()) if change.size else 0.0
        return Evaluation(float(s["welfare"].mean()), True, [], metrics)
