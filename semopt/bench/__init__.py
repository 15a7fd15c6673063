"""Benchmarks: run solvers side by side on the same instances, summarise, print, write, plot.

:func:`run` is what ``semopt bench`` does, callable from a script or a
notebook: it runs, prints the same tables and writes the same files, and
returns a :class:`BenchReport` holding the records, summaries and
comparisons.  Its parts, each usable alone:

* :mod:`~semopt.bench.sweep` parses ``PARAM=lo:hi:step`` and ``KEY=VALUE``;
* :mod:`~semopt.bench.runner` builds each instance once and runs every solver
  on it, in this process or in a pool of local processes (:func:`run_bench`);
* :mod:`~semopt.bench.records` holds the rows and the metrics a family reports;
* :mod:`~semopt.bench.stats` summarises (mean, 95 % CI, improvement %), pure;
* :mod:`~semopt.bench.render` prints rich tables and a progress bar;
* :mod:`~semopt.bench.export` writes tidy CSV and :mod:`~semopt.bench.plots`
  PNG/SVG figures (matplotlib, imported on use).

Examples
--------
>>> import semopt
>>> report = semopt.bench.run("semantic-mec", ["bcd", "fa"], seeds=2, overrides={"users": 4}, quiet=True)
>>> [(s.solver, s.n) for s in report.summaries]
[('bcd', 2), ('fa', 2)]
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from semopt import scenarios
from semopt.bench.export import write_csv
from semopt.bench.plots import plot_all
from semopt.bench.records import Metric, Record, report_of
from semopt.bench.render import PIPE_WIDTH, print_comparison, print_summary, progress_bar
from semopt.bench.runner import Instance, ProgressHook, run_bench, run_instance, scenario_report
from semopt.bench.stats import Comparison, Summary, compare, summarize
from semopt.bench.sweep import ArgumentError, Sweep, SweepError, parse_assignments, parse_sweep, parse_value

__all__ = [
    "run",
    "BenchReport",
    "run_bench",
    "run_instance",
    "Record",
    "Metric",
    "report_of",
    "scenario_report",
    "Instance",
    "ProgressHook",
    "Sweep",
    "parse_sweep",
    "parse_value",
    "parse_assignments",
    "ArgumentError",
    "SweepError",
    "Summary",
    "Comparison",
    "summarize",
    "compare",
    "print_summary",
    "print_comparison",
    "write_csv",
    "save",
    "console_for_output",
]


@dataclass
class BenchReport:
    """Everything one benchmark produced.

    Attributes
    ----------
    scenario : str
    records : list of Record
        One row per (sweep value, seed, solver), in that order.
    summaries : list of Summary
        One row per (sweep value, solver).
    comparisons : list of Comparison
        Every solver against every other, per sweep value.
    report : tuple of Metric
        The family's report metrics (the columns).
    wall_time : float
        Seconds the runs took.
    files : list of Path
        What was written (empty without ``out``).
    """

    scenario: str
    records: list[Record]
    summaries: list[Summary]
    comparisons: list[Comparison]
    report: tuple[Metric, ...]
    wall_time: float
    files: list[Path] = field(default_factory=list)

    def print(self, console: Console | None = None) -> None:
        """Print the summary table, the comparison table and a footer, as ``semopt bench`` does."""
        console = console if console is not None else Console()
        print_summary(self.summaries, report=self.report, console=console)
        print_comparison(self.comparisons, report=self.report, console=console)
        solvers = len({r.solver for r in self.records}) or 1
        console.print(f"solver runs: {len(self.records)}, instances: {len(self.records) // solvers}, "
                      f"wall time: {self.wall_time:.1f} s")
        for path in self.files:
            console.print(f"wrote {path}")


def save(out: str | Path, records: Sequence[Record], summaries: Sequence[Summary],
         comparisons: Sequence[Comparison], report: Sequence[Metric]) -> list[Path]:
    """Write ``records.csv``, ``summary.csv``, ``comparison.csv`` and the plots into ``out``; return the files.

    Raises
    ------
    ArgumentError
        ``out`` cannot be created or written.
    """
    folder = Path(out)
    keys = [metric.key for metric in report]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        paths = [
            write_csv(folder / "records.csv", Record, records, metrics=keys),
            write_csv(folder / "summary.csv", Summary, summaries, metrics=keys),
            write_csv(folder / "comparison.csv", Comparison, comparisons),
        ]
        return paths + plot_all(summaries, folder, report)
    except OSError as exc:
        raise ArgumentError(f"Cannot write the results into {str(out)!r}: {exc}.") from None


def console_for_output() -> Console:
    """A console on standard output; in a log or a pipe, wide enough that tables do not wrap."""
    console = Console()
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(width=PIPE_WIDTH)
    return console


def run(
    scenario: str,
    solvers: Sequence[str],
    *,
    seeds: int | Sequence[int] = 10,
    sweep: Sweep | str | None = None,
    overrides: Mapping[str, Any] | None = None,
    workers: int = 1,
    out: str | Path | None = None,
    progress: bool = False,
    console: Console | None = None,
    quiet: bool = False,
) -> BenchReport:
    """Run ``solvers`` on the same instances of ``scenario``; print and write what ``semopt bench`` does.

    Parameters
    ----------
    scenario : str
        A scenario name, or a TOML file (``scenario = "name"`` plus overrides).
    solvers : sequence of str
        Solver names, each applying to the scenario and accepting its instances.
    seeds : int or sequence of int, default 10
        ``n`` means seeds ``0..n-1``; each seeds the instance and every solver.
    sweep : Sweep or str, optional
        One override and its values, or its ``PARAM=lo:hi:step`` text.
    overrides : mapping, optional
        Fixed scenario overrides (over the TOML file's).
    workers : int, default 1
        Local processes (1: this process).
    out : str or Path, optional
        Folder for the CSV files and the plots.
    progress : bool, default False
        Draw a progress bar on standard error (when it is a terminal).
    console : rich Console, optional
        Where to print; by default standard output.
    quiet : bool, default False
        Print nothing.

    Returns
    -------
    BenchReport

    Raises
    ------
    SemoptError
        As :func:`run_bench` (bad scenario, override, sweep, solver, seeds or
        workers), and :class:`ArgumentError` when ``out`` cannot be written.
    """
    name, fixed = scenarios.resolve(scenario, overrides)
    plan = parse_sweep(sweep) if isinstance(sweep, str) else sweep
    start = time.perf_counter()
    if progress:
        with progress_bar(f"{name}: {', '.join(solvers)}") as hook:
            records = run_bench(name, solvers, seeds=seeds, sweep=plan, overrides=fixed, workers=workers,
                                progress=hook)
    else:
        records = run_bench(name, solvers, seeds=seeds, sweep=plan, overrides=fixed, workers=workers)
    elapsed = time.perf_counter() - start
    first = {plan.param: plan.values[0]} if plan is not None else {}
    report = scenario_report(name, {**fixed, **first})
    summaries = summarize(records)
    comparisons = compare(summaries, report)
    result = BenchReport(name, records, summaries, comparisons, report, elapsed)
    if out is not None:
        result.files = save(out, records, summaries, comparisons, report)
    if not quiet:
        result.print(console if console is not None else console_for_output())
    return result
