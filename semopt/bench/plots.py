"""Benchmark figures: a metric against the swept parameter, one line per solver and panel (as in the papers' figures).

One figure for the objective, and one per metric of the problem family's
``report`` (:func:`~semopt.bench.runner.scenario_report`), labelled with the
metric's label and saved under its key: ``objective.png``, ``mean_delay.png``
for semantic offloading, ``jain.png`` for the semantic game...

Figures are drawn on a bare :class:`matplotlib.figure.Figure` with the Agg
canvas, never through ``pyplot``: no global backend is switched, no window
opens, and matplotlib is imported only when a plot is asked for.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from semopt.bench.records import Metric, Panel, Record, panel_text
from semopt.bench.stats import Summary, confidence_half_width

__all__ = ["PlotSpec", "Reference", "OBJECTIVE", "plot_specs", "plot_metric", "plot_all", "point_flags",
           "plot_convergence", "mean_history", "tick_label"]


@dataclass(frozen=True)
class PlotSpec:
    """What to draw: the value on the y axis, its error bar field, the axis label.

    ``field`` names a :class:`Summary` attribute, or with ``metric=True`` a key
    of :attr:`Summary.metrics`; it is also the file stem.  ``error`` names the
    :class:`Summary` attribute holding the error bar's half-width, if any.
    """

    field: str
    error: str | None
    label: str
    metric: bool = False

    def value(self, summary: Summary) -> float:
        """This figure's y value for ``summary`` (NaN for a metric the summary lacks)."""
        if self.metric:
            return summary.metrics.get(self.field, math.nan)
        return float(getattr(summary, self.field))


OBJECTIVE = PlotSpec("objective", "objective_ci", "objective (mean, 95% CI)")
"""The figure every benchmark gets."""


def plot_specs(
    report: Sequence[Metric | tuple[str, str, str]] | None = None, summaries: Sequence[Summary] = ()
) -> dict[str, PlotSpec]:
    """The figures :func:`plot_all` draws, by file stem: the objective, then one per report metric.

    Parameters
    ----------
    report : sequence of Metric or (key, label, better) triples, optional
        The problem family's report; by default every metric of ``summaries``, labelled by its key.
    summaries : sequence of Summary, default ()

    Examples
    --------
    >>> list(plot_specs([("jain", "Jain index", "max")]))
    ['objective', 'jain']
    >>> plot_specs([("jain", "Jain index", "max")])["jain"].label
    'Jain index'
    """
    if report is None:
        keys = dict.fromkeys(key for s in summaries for key in s.metrics)
        report = [Metric(key, key, "") for key in keys]
    specs = {OBJECTIVE.field: OBJECTIVE}
    for entry in report:
        metric = Metric(*entry)
        if metric.key in specs:
            raise ValueError(f"Metric {metric.key!r} would overwrite the {metric.key!r} figure.")
        specs[metric.key] = PlotSpec(metric.key, None, metric.label, metric=True)
    return specs

_MARKERS = "osD^v<>px*h"
_MAX_TICKS = 20
_PANEL_COLUMNS = 3


@dataclass(frozen=True)
class Reference:
    """Numbers a paper prints for one curve, drawn dashed beside ours (a preset's "paper" line).

    Attributes
    ----------
    metric : str
        The figure it belongs to: ``"objective"`` or a report metric's key.
    label : str
        Its legend entry, e.g. ``"paper: proposed"``.
    points : tuple of (x, y) pairs
        The paper's values at the swept parameter's values (without a sweep, x is a solver name).
    solver : str, default ""
        The semopt solver the curve corresponds to: drawn in that solver's colour.
    panel : tuple of (str, value) pairs, default ()
        The grid panel it belongs to; () draws it on every panel.
    """

    metric: str
    label: str
    points: tuple[tuple[Any, float], ...]
    solver: str = ""
    panel: Panel = ()


def _numeric(values: Sequence[object]) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def _half_widths(spec: PlotSpec, rows: Sequence[Summary]) -> list[float]:
    """Each summary's confidence half-width for ``spec`` (NaN where unknown)."""
    if spec.error is not None:
        return [float(getattr(s, spec.error)) for s in rows]
    if spec.metric:
        return [s.metric_ci.get(spec.field, math.nan) for s in rows]
    return [math.nan] * len(rows)


def tick_label(value: float) -> str:
    """A swept value as an axis tick, short: SI prefixes from a thousand up, ``%g`` below.

    Examples
    --------
    >>> [tick_label(v) for v in (0.025, 5, 2e6, 1.96608e12, 30e6)]
    ['0.025', '5', '2M', '1.97T', '30M']
    """
    for scale, prefix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= scale:
            return f"{value / scale:.3g}{prefix}"
    return f"{value:g}"


def _panel_grid(count: int) -> tuple[Any, Any, int]:
    """A figure of ``count`` panels sharing the y axis, up to three a row: (figure, flat axes, columns).

    A bare :class:`~matplotlib.figure.Figure` on the Agg canvas: no pyplot, no global backend switched.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    columns = min(count, _PANEL_COLUMNS)
    rows = math.ceil(count / columns)
    fig = Figure(figsize=(6.4 if columns == 1 else 4.6 * columns, 4.4 if rows == 1 else 3.8 * rows),
                 layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.subplots(rows, columns, sharey=True, squeeze=False).ravel(), columns


def _draw_panel(ax: Any, rows: Sequence[Summary], spec: PlotSpec, colours: dict[str, Any],
                references: Sequence[Reference], log_x: bool = False) -> bool:
    """One panel: a line per solver with its confidence band, the paper's lines dashed; whether a point is flagged."""
    solvers = list(dict.fromkeys(s.solver for s in rows))
    param = next((s.param for s in rows if s.param is not None), None)
    flagged = False
    for solver in solvers:
        mine = [s for s in rows if s.solver == solver]
        marker = _MARKERS[list(colours).index(solver) % len(_MARKERS)]
        raw: list[object] = [s.value for s in mine] if param is not None else [solver]
        numeric = _numeric(raw)
        xs: list[Any] = raw if numeric else [str(x) for x in raw]
        ys = [spec.value(s) for s in mine]
        errs = [0.0 if math.isnan(e) else e for e in _half_widths(spec, mine)]
        if param is not None and numeric:
            ax.plot(xs, ys, label=solver, marker=marker, color=colours[solver])
            # The band is the 95 % confidence interval of the mean over the seeds, as a shaded area.
            ax.fill_between(xs, [y - e for y, e in zip(ys, errs, strict=True)],
                            [y + e for y, e in zip(ys, errs, strict=True)], color=colours[solver], alpha=0.15,
                            linewidth=0)
        else:
            ax.errorbar(xs, ys, yerr=errs, label=solver, marker=marker, capsize=3, color=colours[solver],
                        linestyle="-" if param is not None else "none")
        # Runs that were not all feasible are drawn hollow, and failed runs counted next to their point:
        # a mean over the runs that answered must not pass for a mean over all of them.
        for x, y, hollow, note in zip(xs, ys, *point_flags(mine), strict=True):
            if hollow and not math.isnan(y):
                ax.plot([x], [y], marker=marker, markerfacecolor="white", markeredgecolor=colours[solver],
                        linestyle="none", zorder=3)
            if note:
                ax.annotate(note, (x, y if not math.isnan(y) else 0.0), textcoords="offset points",
                            xytext=(4, 4), fontsize=7, color=colours[solver])
            flagged = flagged or hollow or bool(note)
    for ref in references:
        xs = [x if _numeric([x]) else str(x) for x, _ in ref.points]
        ax.plot(xs, [y for _, y in ref.points], linestyle="--", marker="x", label=ref.label,
                color=colours.get(ref.solver, "0.4"), alpha=0.8)
    values: list[Any] = list(dict.fromkeys(s.value for s in rows))
    if log_x:
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter("")  # the swept values below are the labels, not 2x10^-2, 3x10^-2...
    if param is not None and _numeric(values) and len(values) <= _MAX_TICKS:
        ax.set_xticks(values, [tick_label(v) for v in values])  # at the swept values, as in the papers' figures
    ax.set_xlabel(param if param is not None else "solver")
    ax.grid(True, alpha=0.3)
    return flagged


def plot_metric(
    summaries: Sequence[Summary],
    out_dir: str | Path,
    spec: PlotSpec | str = OBJECTIVE,
    *,
    formats: Sequence[str] = ("png", "svg"),
    references: Sequence[Reference] = (),
    notes: Sequence[str] = (),
    log_x: bool = False,
    title: str | None = None,
) -> list[Path]:
    """Draw one figure and save it as ``out_dir/<spec.field>.<format>`` for each format.

    Parameters
    ----------
    summaries : sequence of Summary
        From :func:`semopt.bench.summarize`.
    out_dir : str or Path
        Created if missing.
    spec : PlotSpec or str, default OBJECTIVE
        What to draw (see :func:`plot_specs`); a string is ``"objective"`` or
        a key of the summaries' metrics, labelled by itself.
    formats : sequence of str, default ("png", "svg")
    references : sequence of Reference, default ()
        A paper's numbers: those for this figure (``metric == spec.field``)
        are drawn dashed, in their solver's colour.
    notes : sequence of str, default ()
        Lines written under the figure (a preset's paper numbers beside ours).
    log_x : bool, default False
        A log-scale x axis (for a sweep over decades).
    title : str, optional
        The figure's title (default: the scenario's name).

    Returns
    -------
    list of Path
        The files written.

    Notes
    -----
    With a sweep, the x axis is the swept parameter (numeric when every value
    is a number, categorical otherwise), one line per solver with its 95 %
    confidence band; without one, it is the solvers, with error bars.  A
    grid's panels (:attr:`Summary.panel`) each get a subplot, sharing the y
    axis, titled by their values.  Missing confidence intervals (fewer than
    two seeds) are drawn as none.
    """
    if isinstance(spec, str):
        spec = plot_specs(None, summaries)[spec]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    panels = list(dict.fromkeys(s.panel for s in summaries)) or [()]
    fig, axes, columns = _panel_grid(len(panels))
    solvers = list(dict.fromkeys(s.solver for s in summaries))
    palette = [f"C{i}" for i in range(10)]
    colours = {solver: palette[i % len(palette)] for i, solver in enumerate(solvers)}
    flagged = False
    for ax, panel in zip(axes, panels, strict=False):
        mine = [s for s in summaries if s.panel == panel]
        refs = [r for r in references if r.metric == spec.field and r.panel in ((), panel)]
        flagged = _draw_panel(ax, mine, spec, colours, refs, log_x) or flagged
        if panel:
            ax.set_title(panel_text(panel), fontsize=10)
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    for ax in axes[::columns]:
        ax.set_ylabel(spec.label)
    # One legend for every panel: a paper's curve drawn on one panel only is still named.
    named: dict[str, Any] = {}
    for ax in axes[: len(panels)]:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            named.setdefault(label, handle)
    axes[0].legend(list(named.values()), list(named), fontsize=8)
    if summaries:
        fig.suptitle((title or summaries[0].scenario)
                     + ("\n(hollow: not every run feasible; k failed: runs without an answer)" if flagged else ""),
                     fontsize=10 if flagged else 12)
    return _save(fig, out, spec.field, formats, notes)


def _save(fig: Any, out: Path, stem: str, formats: Sequence[str], notes: Sequence[str]) -> list[Path]:
    """Save ``fig`` as ``out/<stem>.<format>``, with ``notes`` written under it."""
    if notes:
        fig.supxlabel("\n".join(notes), fontsize=7, x=0.01, ha="left")
    paths = []
    for fmt in formats:
        path = out / f"{stem}.{fmt}"
        fig.savefig(path, format=fmt, dpi=150)
        paths.append(path)
    return paths


def point_flags(rows: Sequence[Summary]) -> tuple[list[bool], list[str]]:
    """Per summary: whether to draw its point hollow (some answered run infeasible), and its failure note.

    Examples
    --------
    >>> from semopt.bench.stats import Summary
    >>> rows = [Summary("s", None, None, "a", 4, 1.0, 0.1, 0.2, 1.0),
    ...         Summary("s", None, None, "a", 4, 1.0, 0.1, 0.2, 0.5, failure_share=0.25)]
    >>> point_flags(rows)
    ([False, True], ['', '1 failed'])
    """
    hollow = [not math.isnan(r.feasible_share) and r.feasible_share < 1.0 for r in rows]
    notes = [f"{round(r.failure_share * r.n)} failed" if r.failure_share > 0 else "" for r in rows]
    return hollow, notes


def plot_all(
    summaries: Sequence[Summary],
    out_dir: str | Path,
    report: Sequence[Metric | tuple[str, str, str]] | None = None,
    references: Sequence[Reference] = (),
    notes: Mapping[str, Sequence[str]] | None = None,
    log_x: bool = False,
    title: str | None = None,
) -> list[Path]:
    """Draw every :func:`plot_specs` figure as PNG and SVG into ``out_dir``; return the files written.

    ``report`` is the problem family's report (by default every metric of the
    summaries, labelled by its key); ``references`` a paper's numbers, each
    drawn on its metric's figure; ``notes`` lines under the figure of each
    metric key (``"objective"`` for the objective's).
    """
    notes = notes or {}
    return [path for spec in plot_specs(report, summaries).values()
            for path in plot_metric(summaries, out_dir, spec, references=references, notes=notes.get(spec.field, ()),
                                    log_x=log_x, title=title)]


def mean_history(histories: Sequence[Sequence[float]]) -> tuple[list[float], list[float]]:
    """The mean objective after each iteration over several runs, and its confidence half-width.

    A run that stopped earlier keeps its last objective for the iterations
    it did not make (it has converged: what it returns does not change).

    Examples
    --------
    >>> means, half_widths = mean_history([[1.0, 2.0, 3.0], [1.0, 3.0]])
    >>> means, [round(h, 3) for h in half_widths]
    ([1.0, 2.5, 3.0], [0.0, 6.353, 0.0])
    """
    kept = [list(h) for h in histories if len(h)]
    length = max((len(h) for h in kept), default=0)
    padded = [h + [h[-1]] * (length - len(h)) for h in kept]
    means = [sum(h[i] for h in padded) / len(padded) for i in range(length)]
    return means, [confidence_half_width([h[i] for h in padded]) for i in range(length)]


def plot_convergence(records: Sequence[Record], out_dir: str | Path, *, formats: Sequence[str] = ("png", "svg"),
                     references: Sequence[Reference] = (), notes: Sequence[str] = (),
                     label: str = "objective", title: str | None = None) -> list[Path]:
    """Draw ``convergence.<format>``: the mean objective after each iteration, one line and band per solver.

    Only records with a ``history`` (a benchmark run with ``history=True``)
    are drawn; one panel per sweep point.  ``references`` whose metric is
    ``"convergence"`` are a paper's values at given iterations.  Returns the
    files written (none when no record has a history).
    """
    kept = [r for r in records if r.history]
    if not kept:
        return []
    points = list(dict.fromkeys((r.param, r.value, r.panel) for r in kept))
    fig, axes, columns = _panel_grid(len(points))
    solvers = list(dict.fromkeys(r.solver for r in kept))
    for ax, (param, value, panel) in zip(axes, points, strict=False):
        for i, solver in enumerate(solvers):
            runs = [r.history for r in kept if (r.param, r.value, r.panel, r.solver) == (param, value, panel, solver)]
            means, errs = mean_history(runs)
            xs = list(range(1, len(means) + 1))
            errs = [0.0 if math.isnan(e) else e for e in errs]
            ax.plot(xs, means, label=solver, marker=_MARKERS[i % len(_MARKERS)], color=f"C{i % 10}")
            ax.fill_between(xs, [m - e for m, e in zip(means, errs, strict=True)],
                            [m + e for m, e in zip(means, errs, strict=True)], color=f"C{i % 10}", alpha=0.15,
                            linewidth=0)
        for ref in references:
            if ref.metric == "convergence" and ref.panel in ((), panel):
                colour = f"C{solvers.index(ref.solver) % 10}" if ref.solver in solvers else "0.4"
                ax.plot([x for x, _ in ref.points], [y for _, y in ref.points], linestyle="--", marker="x",
                        label=ref.label, color=colour, alpha=0.8)
        title = ", ".join(part for part in (f"{param}={value}" if param is not None else "", panel_text(panel))
                          if part)
        if title:
            ax.set_title(title, fontsize=10)
        ax.set_xlabel("iteration")
        ax.grid(True, alpha=0.3)
    for ax in axes[len(points):]:
        ax.set_visible(False)
    for ax in axes[::columns]:
        ax.set_ylabel(f"{label} after the iteration")
    axes[0].legend(fontsize=8)
    fig.suptitle(title or kept[0].scenario)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return _save(fig, out, "convergence", formats, notes)
