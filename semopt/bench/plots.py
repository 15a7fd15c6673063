"""Benchmark figures: a metric against the swept parameter, one line per solver (as in seed 002's Fig. 3).

Figures are drawn on a bare :class:`matplotlib.figure.Figure` with the Agg
canvas, never through ``pyplot``: no global backend is switched, no window
opens, and matplotlib is imported only when a plot is asked for.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from semopt.bench.tables import Summary

__all__ = ["PlotSpec", "PLOTS", "plot_metric", "plot_all"]


@dataclass(frozen=True)
class PlotSpec:
    """What to draw: the :class:`Summary` field on the y axis, its error bar field, the axis label."""

    field: str
    error: str | None
    label: str


PLOTS: dict[str, PlotSpec] = {
    "objective": PlotSpec("objective", "objective_ci", "objective (mean, 95% CI)"),
    "mean_delay": PlotSpec("mean_delay", None, "mean delay (s)"),
}
"""The figures :func:`plot_all` draws, by file stem."""

_MARKERS = "osD^v<>px*h"
_MAX_TICKS = 20


def _numeric(values: Sequence[object]) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def plot_metric(
    summaries: Sequence[Summary],
    out_dir: str | Path,
    name: str = "objective",
    *,
    formats: Sequence[str] = ("png", "svg"),
) -> list[Path]:
    """Draw one :data:`PLOTS` entry and save it as ``out_dir/<name>.<format>`` for each format.

    Parameters
    ----------
    summaries : sequence of Summary
        From :func:`semopt.bench.summarize`.
    out_dir : str or Path
        Created if missing.
    name : str, default "objective"
        A key of :data:`PLOTS`.
    formats : sequence of str, default ("png", "svg")

    Returns
    -------
    list of Path
        The files written.

    Notes
    -----
    With a sweep, the x axis is the swept parameter (numeric when every value
    is a number, categorical otherwise); without one, it is the solvers.
    Missing confidence intervals (fewer than two seeds) are drawn as none.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    spec = PLOTS[name]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fig = Figure(figsize=(6.4, 4.4), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    solvers = list(dict.fromkeys(s.solver for s in summaries))
    param = next((s.param for s in summaries if s.param is not None), None)
    for i, solver in enumerate(solvers):
        rows = [s for s in summaries if s.solver == solver]
        xs: list[object] = [s.value for s in rows] if param is not None else [solver]
        if not _numeric(xs):
            xs = [str(x) for x in xs]
        ys = [getattr(s, spec.field) for s in rows]
        errs = None
        if spec.error is not None:
            errs = [0.0 if math.isnan(e) else e for e in (getattr(s, spec.error) for s in rows)]
        ax.errorbar(xs, ys, yerr=errs, label=solver, marker=_MARKERS[i % len(_MARKERS)],
                    capsize=3, linestyle="-" if param is not None else "none")
    values = list(dict.fromkeys(s.value for s in summaries))
    if param is not None and _numeric(values) and len(values) <= _MAX_TICKS:
        ax.set_xticks(values)  # ticks at the swept values, as in the papers' figures
    ax.set_xlabel(param if param is not None else "solver")
    ax.set_ylabel(spec.label)
    if summaries:
        ax.set_title(summaries[0].scenario)
    ax.grid(True, alpha=0.3)
    ax.legend()
    paths = []
    for fmt in formats:
        path = out / f"{name}.{fmt}"
        fig.savefig(path, format=fmt, dpi=150)
        paths.append(path)
    return paths


def plot_all(summaries: Sequence[Summary], out_dir: str | Path) -> list[Path]:
    """Draw every :data:`PLOTS` entry as PNG and SVG into ``out_dir``; return the files written."""
    return [path for name in PLOTS for path in plot_metric(summaries, out_dir, name)]
