"""Rendering with rich and plain text: benchmark tables, a progress bar, one solver result.

The statistics come from :mod:`~semopt.bench.stats`; nothing here computes one.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from semopt._json import plain
from semopt.bench.records import Metric
from semopt.bench.runner import ProgressHook
from semopt.bench.stats import Comparison, Summary, as_metric, groups
from semopt.result import Result

__all__ = ["print_summary", "print_comparison", "improvement_caption", "progress_bar", "progress_lines", "PIPE_WIDTH",
           "result_lines", "result_json", "jsonable"]

PIPE_WIDTH = 200
"""Console width in a log or a pipe: room for a sweep column and five report metrics without wrapped titles."""


def _report(
    report: Sequence[Metric | tuple[str, str, str]] | None, rows: Sequence[Summary]
) -> list[Metric]:
    """``report`` as Metrics; without one, the rows' metric keys labelled by themselves (direction unknown: "")."""
    if report is not None:
        return [as_metric(entry) for entry in report]
    keys = dict.fromkeys(key for row in rows for key in row.metrics)
    return [Metric(key, key, "") for key in keys]


def _num(x: float, digits: int = 4) -> str:
    return "n/a" if math.isnan(x) else f"{x:.{digits}g}"


def _pct(x: float) -> str:
    return f"{x:+.1f}%" if math.isfinite(x) else "n/a"


def _share(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{x:.0%}"


def _console(console: Console | None) -> Console:
    return console if console is not None else Console()


PROGRESS_EVERY = 30.0
"""Seconds between two progress lines when standard error is a file or a log (a bar there is noise)."""


def _duration(seconds: float) -> str:
    """``1h02m``, ``3m05s`` or ``42s``."""
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def progress_lines(description: str, write: Callable[[str], None], *, every: float = PROGRESS_EVERY,
                   clock: Callable[[], float] = time.monotonic) -> ProgressHook:
    """A progress hook that writes one line at most every ``every`` seconds, and one when all runs are done:
    ``"<description>: 40/120 runs (33%), 1m20s elapsed, about 2m40s left"``.

    The estimate extrapolates the runs finished since the hook started (runs
    already done when a benchmark resumes do not count), so it appears once
    one of them has finished.

    Examples
    --------
    >>> lines = []
    >>> ticks = iter([0.0, 0.0, 10.0, 40.0])
    >>> hook = progress_lines("bench", lines.append, every=30.0, clock=lambda: next(ticks))
    >>> hook(0, 4); hook(1, 4); hook(4, 4)
    >>> lines
    ['bench: 4/4 runs (100%), 40s elapsed']
    """
    start = clock()
    state: dict[str, Any] = {"first": None, "last": start}

    def hook(done: int, total: int) -> None:
        now = clock()
        if state["first"] is None:
            state["first"] = done
        if done < total and now - state["last"] < every:
            return
        state["last"] = now
        elapsed = now - start
        share = f" ({done / total:.0%})" if total else ""
        line = f"{description}: {done}/{total} runs{share}, {_duration(elapsed)} elapsed"
        ran = done - state["first"]
        if 0 < ran and done < total:
            line += f", about {_duration(elapsed / ran * (total - done))} left"
        write(line)

    return hook


@contextmanager
def progress_bar(description: str) -> Iterator[ProgressHook]:
    """A progress hook: a bar with the time left on standard error when it is a terminal, otherwise a line now
    and then (:func:`progress_lines`), so that a log or a CI job shows how far a long benchmark is."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("left"), TimeRemainingColumn())
    console = Console(stderr=True)
    if not console.is_terminal:
        yield progress_lines(description, lambda line: print(line, file=sys.stderr, flush=True))
        return
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(description, total=None)

        def hook(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield hook


def print_summary(
    summaries: Sequence[Summary],
    *,
    report: Sequence[Metric | tuple[str, str, str]] | None = None,
    confidence: float = 0.95,
    console: Console | None = None,
) -> None:
    """Print the summaries as one rich table (one row per sweep value and solver).

    Columns: the objective with its confidence interval, one column per report
    metric (see :attr:`Summary.metrics` for how instances are combined), the
    mean solve time, the share of feasible solutions, each over the
    successful runs, and the share of failed runs (refused, error, time limit).

    Parameters
    ----------
    summaries : sequence of Summary
    report : sequence of Metric or (key, label, better) triples, optional
        Which metrics to show, titled by their labels; by default every metric
        of the summaries, titled by its key.
    confidence : float, default 0.95
        Only for the column title: the level the summaries were computed at.
    console : rich.console.Console, optional
        Defaults to a new console on standard output.
    """
    scenario = summaries[0].scenario if summaries else ""
    table = Table(title=f"{scenario}: mean over instances")
    point = _point_columns(table, summaries)
    table.add_column("solver")
    table.add_column("n", justify="right")
    table.add_column(f"objective ± {confidence:.0%} CI", justify="right")
    metrics = _report(report, summaries)
    for metric in metrics:
        table.add_column(metric.label, justify="right")
    table.add_column("time (s)", justify="right")
    table.add_column("feasible", justify="right")
    table.add_column("failed", justify="right")
    for s in summaries:
        ci = "" if math.isnan(s.objective_ci) else f" ± {_num(s.objective_ci, 3)}"
        cells = [s.solver, str(s.n), _num(s.objective) + ci,
                 *(_num(s.metrics.get(m.key, math.nan)) for m in metrics),
                 _num(s.solve_time, 3), _share(s.feasible_share), _share(s.failure_share)]
        table.add_row(*point(s), *cells)
    _console(console).print(table)


def _point_columns(table: Table, rows: Sequence[Summary] | Sequence[Comparison]) -> Callable[[Any], list[str]]:
    """Add the sweep columns (the swept parameter, then a grid's panel parameters) to ``table``.

    Returns what fills them for one row.
    """
    param = next((r.param for r in rows if r.param is not None), None)
    panel = list(dict.fromkeys(name for r in rows for name, _ in r.panel))
    for name in ([param] if param is not None else []) + panel:
        table.add_column(name, justify="right")

    def cells(row: Any) -> list[str]:
        given = dict(row.panel)
        return ([_show(row.value)] if param is not None else []) + [_show(given.get(name, "")) for name in panel]

    return cells


def improvement_caption(metric: Metric | tuple[str, str, str]) -> str:
    """How the comparison table names ``metric``'s improvement: its label without unit, and the direction.

    Examples
    --------
    >>> improvement_caption(("mean_delay", "mean delay (s)", "min"))
    'mean-delay reduction %'
    >>> improvement_caption(("jain", "Jain index", "max"))
    'Jain-index increase %'
    """
    metric = as_metric(metric)
    label = metric.label.strip()
    if label.endswith(")") and " (" in label:  # drop a trailing unit: "mean delay (s)" -> "mean delay"
        label = label[: label.rindex(" (")]
    noun = "-".join(label.split()) or metric.key
    return f"{noun} {'reduction' if metric.better == 'min' else 'increase'} %"


def print_comparison(
    comparisons: Sequence[Comparison],
    *,
    report: Sequence[Metric | tuple[str, str, str]] | None = None,
    console: Console | None = None,
) -> None:
    """Print each solver's objective change and metric improvement against each other solver, per sweep value.

    A cell reads ``objective change % / improvement %`` (see :class:`Comparison`);
    the caption names the metric, e.g. ``objective change % / mean-delay
    reduction %`` or ``objective change % / Jain-index increase %``.  Nothing
    is printed with fewer than two solvers.

    Parameters
    ----------
    comparisons : sequence of Comparison
        From :func:`compare`.
    report : sequence of Metric or (key, label, better) triples, optional
        The report the comparisons were made with, for the metric's label and
        direction in the caption; without it the caption uses the metric's key.
    console : rich.console.Console, optional
        Defaults to a new console on standard output.
    """
    if not comparisons:
        return
    baselines = list(dict.fromkeys([c.solver for c in comparisons] + [c.baseline for c in comparisons]))
    key = comparisons[0].metric
    labels = {m.key: m for m in (as_metric(entry) for entry in report or ())}
    caption = "objective change %"
    if key:
        caption += " / " + (improvement_caption(labels[key]) if key in labels else f"{key} improvement %")
    # At least as wide as the caption, which rich would otherwise wrap at the table's width mid-phrase.
    table = Table(title="Against each other solver", caption=caption, min_width=len(caption))
    point = _point_columns(table, comparisons)
    table.add_column("solver")
    for b in baselines:
        table.add_column(f"vs {b}", justify="right")
    for by_solver in groups(comparisons).values():
        for solver, rows in by_solver.items():
            cells = {
                c.baseline: _pct(c.objective_pct) + (f" / {_pct(c.improvement_pct)}" if c.metric else "")
                for c in rows
            }
            table.add_row(*point(rows[0]), solver, *(cells.get(b, "—") for b in baselines))
    _console(console).print(table)


def print_paper(rows: Sequence[Any], *, title: str = "paper vs semopt", console: Console | None = None) -> None:
    """Print a preset's paper numbers beside ours (:class:`~semopt.bench.presets.PaperRow`); nothing for none."""
    if not rows:
        return
    caption = "gains: mean over the sweep of 100 (a - b) / |b|, as the papers average theirs"
    table = Table(title=title, caption=caption, min_width=len(caption))
    table.add_column("what")
    table.add_column("paper", justify="right")
    table.add_column("semopt", justify="right")
    table.add_column("source")
    for row in rows:
        ours = "—" if math.isnan(row.semopt) else _num(row.semopt, 3) + row.unit
        table.add_row(row.what, _num(row.paper, 3) + row.unit, ours, row.source)
    _console(console).print(table)


def _show(value: Any) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def result_lines(result: Result) -> list[str]:
    """``semopt solve``'s text: status, objective, feasibility, every scalar metric, time and message.

    Per-index metrics (``delay[3]``) are left out: ``--json`` has them.

    Examples
    --------
    >>> from semopt.result import Result
    >>> print("\\n".join(result_lines(Result("optimal", 1.5, None, True, {"gap": 0.0, "x[0]": 1.0}))))
    status         optimal
    objective      1.5
    feasible       True
    gap            0
    solve_time     0
    """
    rows = [("status", result.status), ("objective", result.objective), ("feasible", result.feasible)]
    rows += [(key, value) for key, value in result.metrics.items() if "[" not in key]
    rows.append(("solve_time", result.solve_time))
    if result.message:
        rows.append(("message", result.message))
    width = max(15, *(len(key) + 2 for key, _ in rows))
    return [f"{key:<{width}}{_show(value)}" for key, value in rows]


def jsonable(value: Any) -> Any:
    """Plain JSON types: dataclasses as dicts, arrays as lists, non-finite floats as "NaN"/"Infinity"/"-Infinity".

    The same encoding as :meth:`Result.to_json <semopt.result.Result.to_json>`,
    which also keeps what this loses (the dtype and shape of solution arrays).
    """
    return plain(value)


def result_json(result: Result) -> str:
    """The whole result as JSON that :meth:`Result.from_json <semopt.result.Result.from_json>` reads back."""
    return result.to_json()
