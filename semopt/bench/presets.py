"""Presets: each paper figure the families cover as one benchmark, with the numbers the paper prints.

``semopt bench --preset NAME`` (:func:`semopt.bench.run_preset`) runs a
:class:`Preset`: its scenario, solvers, sweeps (the paper's axes; a second
sweep is the paper's panels), seeds and options.  ``--quick`` runs its
:attr:`Preset.quick` form, a few seconds on small instances, which the test
suite runs for every preset.  ``semopt bench --list-presets`` lists them.

What the paper prints goes beside ours (:class:`Paper`): in the
``paper vs semopt`` table, in ``paper.csv`` and on the figures -- a value
the paper gives at a point of the sweep is drawn dashed over our curve, a
relative gain ("BCD improves on FA by 6.6 %") is written under the figure
with ours.  Nearly every paper gives its curves only as images: the sweeps'
values are our reading of the axes, and where a paper prints no number a
preset says so in its notes.

A figure whose quantities semopt computes on another scale (the semantic
game's joules and rewards, the model-selection reward) is compared in the
table only, never drawn on our axis.

References
----------
.. [002] Y. Zheng, T. Zhang, X. Mu, Y. Liu, R. Huang, "Joint Semantic Transmission and Resource Allocation
   for Intelligent Computation Task Offloading in MEC Systems", arXiv:2503.08001, 2025.
.. [000] "Semantic-driven conditional encoding and distributed collaborative optimization for edge image
   processing", 2025.
.. [001] S. Chen, X. Feng, Y. Jiang, W. Luo, Q. Chen, X. Sun, "QoE-Driven Multi-Task Offloading for
   Semantic-Aware Edge Computing Systems", 2025.
.. [004] X. Lin, C. Li, A. Aijaz, "RL-Driven Semantic Compression Model Selection and Resource Allocation in
   Semantic Communication Systems", 2025.
.. [NS] Y. Kang et al., "Neurosurgeon: Collaborative Intelligence Between the Cloud and Mobile Edge",
   ASPLOS 2017.  [DADS] C. Hu et al., "Dynamic Adaptive DNN Surgery for Inference Acceleration on the
   Edge", INFOCOM 2019.  [JointDNN] A. E. Eshratifar, M. S. Abrishami, M. Pedram, "JointDNN: An Efficient
   Training and Inference Engine for Intelligent Mobile Cloud Computing Services", IEEE TMC 2021.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from semopt.bench.plots import Reference
from semopt.bench.records import Panel, Record, is_failure
from semopt.bench.stats import increase_pct, reduction_pct
from semopt.bench.sweep import Scalar
from semopt.errors import SemoptError, closest

__all__ = ["Preset", "Paper", "PaperRow", "PresetError", "PRESETS", "names", "get", "paper_rows",
           "references", "figure_notes"]


class PresetError(SemoptError, ValueError):
    """An unknown preset, or a preset asked for with what it fixes itself; the message lists what exists."""


@dataclass(frozen=True)
class Paper:
    """One number a paper prints, and how to read ours beside it.

    A *value* (no ``baseline``, no ``baseline_panel``): the mean of
    ``solver``'s ``metric`` at sweep value ``at`` (every value when None) in
    ``panel``, times ``scale`` (ours in the paper's unit).  A *gain*: the
    improvement in % of ``solver`` over ``baseline`` (or over itself in
    ``baseline_panel``) -- ``100 (a - b) / |b|`` where more is ``better``,
    ``100 (b - a) / |b|`` where less is -- averaged over the sweep values,
    as the papers average theirs.

    A gain with ``at`` is read at that sweep value only.  ``metric`` is
    ``"objective"``, a recorded metric's key, or ``"iterations"`` (the length
    of the runs' ``history``).  ``drawn`` draws a value dashed on the figure
    of its metric (only where ours is on the paper's scale), labelled
    ``paper: <curve>`` (the paper's name of the curve; ``solver`` by default).
    """

    what: str
    value: float
    metric: str
    solver: str
    baseline: str = ""
    at: Scalar | None = None
    panel: Panel = ()
    baseline_panel: Panel | None = None
    scale: float = 1.0
    better: str = "max"
    drawn: bool = False
    source: str = ""
    curve: str = ""

    @property
    def is_gain(self) -> bool:
        return bool(self.baseline) or self.baseline_panel is not None


@dataclass(frozen=True)
class PaperRow:
    """One line of the ``paper vs semopt`` table: the paper's number and ours (NaN where ours is missing)."""

    what: str
    unit: str
    paper: float
    semopt: float
    source: str


@dataclass(frozen=True)
class Preset:
    """A paper figure as a benchmark.

    Attributes
    ----------
    name : str
    figure : str
        What it reproduces, e.g. ``"Zheng et al. [002], Fig. 3"``.
    summary : str
        One line for ``--list-presets``.
    scenario : str
    solvers : tuple of str
    sweeps : tuple of str
        ``PARAM=...`` texts: the x axis, then the panels.
    overrides : mapping
        Fixed scenario overrides.
    seeds : int
    options : mapping
        Solver options, as :func:`semopt.bench.run` takes them.
    history : bool
        Keep each run's history (a convergence figure).
    metrics : tuple
        Further metrics to record beyond the family's report.
    quick : mapping
        What ``--quick`` replaces: any of ``sweeps``, ``overrides`` (merged
        over ``overrides``), ``seeds``, ``options``, ``solvers``.
    paper : tuple of Paper
    notes : str
        How the preset reads the paper and where it cannot follow it.
    log_x : bool
        Draw the x axis on a log scale (the paper's).
    """

    name: str
    figure: str
    summary: str
    scenario: str
    solvers: tuple[str, ...]
    sweeps: tuple[str, ...] = ()
    overrides: Mapping[str, Any] = field(default_factory=dict)
    seeds: int = 20
    options: Mapping[str, Any] = field(default_factory=dict)
    history: bool = False
    metrics: tuple[Any, ...] = ()
    quick: Mapping[str, Any] = field(default_factory=dict)
    paper: tuple[Paper, ...] = ()
    notes: str = ""
    log_x: bool = False

    def request(self, quick: bool = False) -> dict[str, Any]:
        """The benchmark this preset runs (its quick form with ``quick``): keyword arguments of ``bench.run``."""
        shrink = self.quick if quick else {}
        return {
            "scenario": self.scenario,
            "solvers": list(shrink.get("solvers", self.solvers)),
            "sweep": list(shrink.get("sweeps", self.sweeps)),
            "overrides": {**self.overrides, **shrink.get("overrides", {})},
            "seeds": shrink.get("seeds", self.seeds),
            "options": {**self.options, **shrink.get("options", {})},
            "history": self.history,
            "metrics": self.metrics,
        }


# --- reading ours beside the paper's


def _mean(values: Sequence[float]) -> float:
    kept = [v for v in values if not math.isnan(v)]
    return sum(kept) / len(kept) if kept else math.nan


def _metric(record: Record, key: str) -> float:
    if key == "objective":
        return record.objective
    if key == "iterations":
        return float(len(record.history)) if record.history else math.nan
    return record.metrics.get(key, math.nan)


def _point_means(records: Sequence[Record], solver: str, panel: Panel, key: str) -> dict[Any, float]:
    """``solver``'s mean ``key`` at each sweep value of ``panel``, over the runs that answered."""
    by_value: dict[Any, list[float]] = {}
    for record in records:
        if record.solver == solver and record.panel == panel and not is_failure(record):
            by_value.setdefault((type(record.value).__name__, record.value), []).append(_metric(record, key))
    return {value: _mean(values) for value, values in by_value.items()}


def ours(paper: Paper, records: Sequence[Record]) -> float:
    """Our number for ``paper``, from ``records`` (NaN when the runs it needs are missing or failed)."""
    mine = _point_means(records, paper.solver, paper.panel, paper.metric)
    if not paper.is_gain:
        if paper.at is not None:
            return mine.get((type(paper.at).__name__, paper.at), math.nan) * paper.scale
        return _mean(list(mine.values())) * paper.scale
    other_panel = paper.baseline_panel if paper.baseline_panel is not None else paper.panel
    theirs = _point_means(records, paper.baseline or paper.solver, other_panel, paper.metric)
    gain = increase_pct if paper.better == "max" else reduction_pct
    wanted = [(type(paper.at).__name__, paper.at)] if paper.at is not None else list(mine)
    return _mean([gain(mine[v], theirs[v]) for v in wanted if v in mine and v in theirs])


def paper_rows(preset: Preset, records: Sequence[Record]) -> list[PaperRow]:
    """The ``paper vs semopt`` table of ``preset`` over ``records``."""
    return [PaperRow(p.what, "%" if p.is_gain else "", p.value, ours(p, records), p.source) for p in preset.paper]


def references(preset: Preset) -> list[Reference]:
    """The paper's drawn values as dashed curves, one per (metric, solver, panel)."""
    curves: dict[tuple[str, str, str, Panel], list[tuple[Any, float]]] = {}
    for p in preset.paper:
        if p.drawn and not p.is_gain and p.at is not None:
            curves.setdefault((p.metric, p.solver, p.curve or p.solver, p.panel), []).append((p.at, p.value / p.scale))
    return [Reference(metric, f"paper: {curve}", tuple(points), solver=solver, panel=panel)
            for (metric, solver, curve, panel), points in curves.items()]


def figure_notes(preset: Preset, rows: Sequence[PaperRow]) -> dict[str, list[str]]:
    """Per figure (metric key), the lines written under it: each paper number of that metric beside ours."""
    notes: dict[str, list[str]] = {}
    for p, row in zip(preset.paper, rows, strict=True):
        if p.drawn:
            continue
        metric = "convergence" if p.metric == "iterations" else p.metric
        unit = "%" if p.is_gain else ""
        notes.setdefault(metric, []).append(f"{p.what}: paper {_fmt(row.paper)}{unit}, semopt {_fmt(row.semopt)}{unit}")
    return notes


def _fmt(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.3g}"


# --- the catalogue

_ZHENG_SOLVERS = ("bcd", "linear", "fa", "uc", "ftm")
_ZHENG_QUICK_SIZE = {"base_stations": 2, "subcarriers": 8}
_ZHENG_NOTE = ("Zheng et al. plot the curves only as images: the sweep values are read from the axes. Their eq-8 "
               "constant C2 is not given (semopt: reward_offset = 0), and percentage gains depend on it. "
               "semopt's computation is about an eighth of the delay at Table III's F_k, so the exit-point (M) "
               "effect is far smaller than the paper's 8-12 %.")


def _zheng_gains(figure: str, line: int, gains: Mapping[str, float], m_effect: float | None,
                 panel: Panel = (("exits", 3),)) -> tuple[Paper, ...]:
    """Zheng et al.'s "BCD improves on X by g %" (averaged over the sweep, M = 3) and the M = 3 vs M = 1 gain."""
    rows = [Paper(f"bcd over {baseline} (M=3)", value, "objective", "bcd", baseline=baseline, panel=panel,
                  source=f"{figure}, line {line}") for baseline, value in gains.items()]
    if m_effect is not None:
        rows.append(Paper("bcd M=3 over M=1", m_effect, "objective", "bcd", panel=panel,
                          baseline_panel=(("exits", 1),), source=f"{figure}, line {line}"))
    return tuple(rows)


def _zheng(name: str, fig: int, summary: str, sweep: str, quick_sweep: str, solvers: tuple[str, ...],
           gains: Mapping[str, float], m_effect: float, line: int, **extra: Any) -> Preset:
    # Quick: 2 BSs with 8 subcarriers, and 6 users unless the users are swept.
    size = dict(_ZHENG_QUICK_SIZE) if sweep.startswith("users=") else {"users": 6, **_ZHENG_QUICK_SIZE}
    return Preset(
        name, f"Zheng et al. [002], Fig. {fig}", summary, "semantic-mec", solvers,
        sweeps=(sweep, "exits=3,1"), seeds=20,
        quick={"sweeps": (quick_sweep, "exits=3,1"), "overrides": size, "seeds": 2},
        paper=_zheng_gains(f"Fig. {fig}", line, gains, m_effect), notes=_ZHENG_NOTE, **extra)


_PRESETS: tuple[Preset, ...] = (
    Preset(
        "zheng-convergence", "Zheng et al. [002], Fig. 2",
        "semantic MEC: reward after each BCD iteration, BCD against Linear, FA, UC, FTM (Table III defaults)",
        "semantic-mec", _ZHENG_SOLVERS, seeds=20, history=True,
        quick={"overrides": {"users": 6, **_ZHENG_QUICK_SIZE}, "seeds": 2},
        paper=_zheng_gains("Fig. 2", 495, {"linear": 4.3, "fa": 6.6, "uc": 11.0, "ftm": 22.5}, None, panel=()),
        notes=_ZHENG_NOTE + " The baselines' history is their own outer loop (2-5 iterations)."),
    _zheng("zheng-users", 3, "semantic MEC: reward against the number of users, panels M = 3 and M = 1 exits",
           "users=5:30:5", "users=4,8", _ZHENG_SOLVERS, {"linear": 4.8, "fa": 8.2, "uc": 11.6, "ftm": 29.2}, 10.9,
           497, metrics=(("mean_reward", "terminal average reward (Fig. 3's axis)", "max"),)),
    _zheng("zheng-edge-capacity", 4, "semantic MEC: reward against the edge capacity F_k (log axis), M = 3 and 1",
           "edge_capacity=1.2288e11,2.4576e11,4.9152e11,9.8304e11,1.96608e12,3.93216e12",
           "edge_capacity=1.2288e11,1.96608e12", _ZHENG_SOLVERS,
           {"linear": 5.1, "fa": 7.3, "uc": 8.1, "ftm": 20.4}, 8.4, 506, log_x=True),
    _zheng("zheng-bandwidth", 5, "semantic MEC: reward against the bandwidth (32 subcarriers of 0.25-2 MHz), "
           "M = 3 and 1", "bandwidth=8e6,16e6,32e6,48e6,64e6", "bandwidth=8e6,32e6", _ZHENG_SOLVERS,
           {"linear": 4.7, "fa": 7.3, "uc": 10.3, "ftm": 25.0}, 11.8, 515),
    _zheng("zheng-compression", 6, "semantic MEC: reward against the largest compression ratio, M = 3 and 1",
           "compression_max=1.5,2,3,4,5", "compression_max=2,5", ("bcd", "linear", "fa", "uc"),
           {"linear": 4.5, "fa": 6.7, "uc": 10.3}, 11.6, 529),
)

_GAME_NOTE = ("The paper's joules, milliseconds and rewards come from its testbed (COCO detection on Jetson Nano); "
              "semopt's physical chain gives other scales, so only Jain indices, fidelities and counts are compared "
              "as numbers, and the rest in the table for the record.")
_QOE_NOTE = ("Chen et al.'s curves are MAPPO policies; semopt's `exact` is the per-slot optimum (an upper bound on "
             "any policy), `discrete` and `semantic-unaware` the paper's baselines on the same driver, `local` "
             "the local-execution line (QoE 0.5). The paper prints no numbers for Figs 9-11: their sweep values "
             "are read from the axes. Learned rows: add mappo/d3qn with the extra semopt[learned].")
_QOE_SOLVERS = ("exact", "discrete", "semantic-unaware", "local")


def _qoe(name: str, fig: int, summary: str, sweep: str, quick_sweep: str, paper: tuple[Paper, ...] = ()) -> Preset:
    local = (Paper("local QoE, mean over the sweep", 0.5, "mean_qoe", "local", source=f"Fig. {fig}, line 488"),)
    return Preset(name, f"Chen et al. [001], Fig. {fig}", summary, "qoe-offloading", _QOE_SOLVERS,
                  sweeps=(sweep,), seeds=20, quick={"sweeps": (quick_sweep,), "seeds": 2}, paper=paper + local,
                  notes=_QOE_NOTE)


_TABLE_V = {"none": (0.523, 0.0186, 51.37), "delay": (0.369, 0.0192, 43.08), "energy": (3.50, 0.0163, 56.85),
            "accuracy": (1.67, 0.0682, 71.99)}
_LIN_FIG5 = {"average": -13.64, "random": -16.53, "heuristic-rde": -22.06}

_PRESETS += (
    Preset(
        "game-convergence", "Semantic-driven conditional encoding [000], Fig. 5",
        "semantic game, task conflict: welfare after each best-response round (the paper's transmission cycles)",
        "semantic-game-conflict", ("best-response",), seeds=20, history=True, metrics=("congestion",),
        quick={"overrides": {"terminals": 3}, "seeds": 2},
        paper=(Paper("rounds to the equilibrium (paper: ~15 transmission cycles)", 15, "iterations",
                     "best-response", better="min", source="Fig. 5, lines 1123-1129"),
               Paper("Jain index at the equilibrium (paper: J > 0.85)", 0.85, "jain", "best-response",
                     source="lines 714-716"),
               Paper("congestion at the equilibrium (paper: C < 0.7)", 0.7, "congestion", "best-response",
                     source="lines 714-716"),
               Paper("total reward after convergence (another scale)", 90, "objective", "best-response",
                     source="Fig. 5, lines 1123-1129")),
        notes=_GAME_NOTE + " Per-terminal powers per round are reachable from Python: semopt.solve(..., "
              "callback=...)."),
    Preset(
        "game-ablation", "Semantic-driven conditional encoding [000], Table 3 (ablation 3)",
        "semantic game: the cooperative-efficiency reward on (gamma = 0.2) and off (gamma = 0)",
        "semantic-game", ("best-response", "uniform"), sweeps=("gamma=0.2,0.0",), seeds=20,
        quick={"overrides": {"terminals": 3}, "seeds": 2},
        paper=(Paper("Jain index, complete model", 0.91, "jain", "best-response", at=0.2, drawn=True,
                     curve="proposed", source="Table 3, line 1070"),
               Paper("Jain index, R_coop = 0", 0.76, "jain", "best-response", at=0.0, drawn=True,
                     curve="proposed", source="Table 3 and lines 1102-1104"),
               Paper("fidelity %, complete model", 88.6, "mean_fidelity", "best-response", at=0.2, scale=100.0,
                     source="Table 3, line 1070"),
               Paper("fidelity %, R_coop = 0 (OCR-garbled row)", 87.2, "mean_fidelity", "best-response", at=0.0,
                     scale=100.0, source="Table 3, lines 1076-1078")),
        notes=_GAME_NOTE + " Ablation 1 (a fixed encoder) has no semopt counterpart; ablation 2 is the preset "
              "game-closed-loop."),
    Preset(
        "game-closed-loop", "Semantic-driven conditional encoding [000], Table 3 (ablation 2) and Fig. 6",
        "semantic game under a battery and SNR drop: closed-loop (Lyapunov) against open-loop control",
        "semantic-game-fluctuation", ("closed-loop", "open-loop"), seeds=10, metrics=("fluctuation",),
        quick={"overrides": {"steps": 40, "change_at": 20, "terminals": 3}, "seeds": 2},
        paper=(Paper("frames to settle, closed loop", 5, "settling_time", "closed-loop", better="min",
                     source="Fig. 6, lines 1141-1150"),
               Paper("frames to settle, open loop", 12, "settling_time", "open-loop", better="min",
                     source="Fig. 6, lines 1141-1150"),
               Paper("fluctuation %, closed loop", 4.2, "fluctuation", "closed-loop", scale=100.0, better="min",
                     source="Table 3, line 1070"),
               Paper("fluctuation %, open loop", 8.7, "fluctuation", "open-loop", scale=100.0, better="min",
                     source="Table 3, lines 1073-1075")),
        notes=_GAME_NOTE + " semopt's `fluctuation` is the largest frame-to-frame change of the mean fidelity, "
              "which the closed loop's overshoot raises: it reads the paper's 'performance fluctuation' loosely."),
    _qoe("qoe-bandwidth", 8, "QoE offloading: mean QoE against the sub-channel bandwidth",
         "bandwidth=2e6,5e6,10e6,20e6", "bandwidth=5e6,10e6",
         (Paper("exact over semantic-unaware at 10 MHz (paper: MAPPO over semantic-unaware MAPPO)", 12.68,
                "mean_qoe", "exact", baseline="semantic-unaware", at=10e6, source="Fig. 8, line 476"),)),
    _qoe("qoe-noise", 9, "QoE offloading: mean QoE against the noise power", "noise=0.001,0.002,0.005,0.01",
         "noise=0.002,0.01"),
    _qoe("qoe-users", 10, "QoE offloading: mean QoE against the number of users", "users=2,4,6,8", "users=2,4"),
    _qoe("qoe-mu-min", 11, "QoE offloading: mean QoE against the least semantic extraction factor",
         "mu_min=0.1,0.3,0.5,0.7", "mu_min=0.1,0.7"),
    Preset(
        "qoe-preferences", "Chen et al. [001], Table V",
        "QoE offloading: delay, energy and accuracy under each preference (none, delay, energy, accuracy)",
        "qoe-offloading", ("exact", "bcd"), sweeps=("preference=none,delay,energy,accuracy",), seeds=20,
        quick={"solvers": ("exact",), "seeds": 2},
        paper=tuple(Paper(f"{label}, preference {pref}", values[i], key, "exact", at=pref, scale=scale,
                          drawn=True, curve="MAPPO", source="Table V, lines 513-520")
                    for pref, values in _TABLE_V.items()
                    for i, (label, key, scale) in enumerate((("delay ms", "mean_delay", 1e3),
                                                             ("energy J", "mean_energy", 1.0),
                                                             ("accuracy %", "mean_accuracy", 100.0)))),
        notes=_QOE_NOTE),
    Preset(
        "lin-strategies", "Lin et al. [004], Fig. 5 (and 6/9/12 users)",
        "model selection: eq-12 reward of each strategy for 6, 9 and 12 users",
        "model-selection", ("exact", "bcd", "average", "random", "heuristic-rde"), sweeps=("users=6,9,12",),
        seeds=20, quick={"sweeps": ("users=6,12",), "seeds": 2},
        paper=tuple(Paper(f"{solver} reward at 12 users (another scale)", value, "reward_eq12", solver, at=12,
                          source="Fig. 5, line 180") for solver, value in _LIN_FIG5.items())
        + (Paper("PPO reward at 12 users (paper); semopt: the exact optimum", -3.92, "reward_eq12", "exact",
                 at=12, source="Fig. 5, line 180"),),
        notes="Lin et al.'s reward is on another scale (their rate and power units; see specs B2): compare the "
              "order of the strategies, not the values. Their PPO is the extra semopt[learned] (solver ppo); "
              "its figure 4 (training for 6/9/12 users) has no numbers in the text."),
)

_SPLIT_NOTE = ("The survey of Zhang et al. prints no numbers; the figure is Neurosurgeon's and DADS's (latency and "
               "the chosen cut against the uplink rate) and JointDNN's (latency under a device energy budget), on "
               "semopt's default split scenario: a Jetson Nano roofline device, an RTX 4090 roofline edge, 8-bit "
               "activations on the uplink (semopt/scenarios/split.py gives the sources). One user, so one seed: "
               "the instance has no randomness. VGG-16 and ResNet-50 jump from all-device to all-edge.")

_CUT = (("device_share", "layers on the device (share)", "max"),)
"""The chosen cut, as the share of the network's layers run on the device."""

_PRESETS += (
    Preset(
        "split-bandwidth", "Zhang et al. [003] Sec. 3.2, Neurosurgeon/DADS figure",
        "split inference: latency and the chosen cut (device share of layers) against the uplink rate, per network",
        "split-alexnet", ("mincut", "greedy", "milp"),
        sweeps=("bandwidth=1e6,2e6,5e6,10e6,20e6,30e6,50e6,100e6", "network=alexnet,mobilenet-v2,resnet18,googlenet"),
        seeds=1, metrics=_CUT, log_x=True,
        quick={"sweeps": ("bandwidth=2e6,10e6,50e6", "network=alexnet,mobilenet-v2"), "solvers": ("mincut", "greedy")},
        notes=_SPLIT_NOTE),
    Preset(
        "split-energy", "Zhang et al. [003] Sec. 3.2, JointDNN figure",
        "split inference: latency against the device energy budget (Lagrangian relaxation against the exact MILP "
        "and enumeration)",
        "split-alexnet", ("lagrangian", "milp", "exhaustive"),
        sweeps=("energy_budget=0.025,0.04,0.06,0.09,0.13,0.2,0.3", "network=alexnet,mobilenet-v2"),
        seeds=1, metrics=_CUT, log_x=True,
        quick={"sweeps": ("energy_budget=0.04,0.3", "network=alexnet"), "solvers": ("lagrangian", "exhaustive")},
        notes=_SPLIT_NOTE + " As the budget loosens the cut moves toward the device and the latency falls to the "
              "unconstrained optimum (the preset split-bandwidth at 10 Mbit/s)."),
)


def _register(presets: Sequence[Preset]) -> dict[str, Preset]:
    out: dict[str, Preset] = {}
    for preset in presets:
        if preset.name in out:
            raise ValueError(f"Preset {preset.name!r} is defined twice.")
        out[preset.name] = preset
    return out


PRESETS: dict[str, Preset] = _register(_PRESETS)
"""Every preset, by name, in the order ``--list-presets`` shows them."""


def names() -> list[str]:
    """The presets' names, in catalogue order."""
    return list(PRESETS)


def get(name: str) -> Preset:
    """The preset called ``name``.

    Raises
    ------
    PresetError
        No such preset; the message lists them.
    """
    if not isinstance(name, str) or name not in PRESETS:
        raise PresetError(f"Unknown preset {name!r}; presets: {', '.join(PRESETS)}." + closest(str(name), PRESETS))
    return PRESETS[name]
