"""Benchmarks: run solvers side by side on the same instances, summarise, print, write, plot.

:func:`run` is what ``semopt bench`` does, callable from a script or a
notebook: it runs, prints the same tables and writes the same files, and
returns a :class:`BenchReport` holding the records, summaries and
comparisons.  With ``out``, every finished run is in ``out/records.csv`` at
once, and running the same benchmark again resumes it; :func:`load` reads a
folder back.  Its parts, each usable alone:

* :mod:`~semopt.bench.sweep` parses ``PARAM=lo:hi:step``, ``KEY=VALUE`` and ``--option``;
* :mod:`~semopt.bench.runner` checks a request and runs it (:func:`run_bench`):
  the task of :mod:`~semopt.bench.task` builds each instance once and runs
  every solver on it, in this process or in the worker processes of
  :mod:`~semopt.bench.pool`;
* :mod:`~semopt.bench.journal` keeps the folder: the journal and its manifest;
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
>>> report.table()["mean_delay"].shape
(4,)
"""

from __future__ import annotations

import importlib
import math
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console

from semopt import scenarios
from semopt.bench import presets
from semopt.bench.export import columns, write_csv
from semopt.bench.journal import MANIFEST, Journal, JournalError, read_folder
from semopt.bench.plots import plot_all, plot_convergence
from semopt.bench.presets import PaperRow, Preset, PresetError
from semopt.bench.records import ERROR, FAILURES, REFUSED, Metric, Record, is_failure, report_of
from semopt.bench.render import PIPE_WIDTH, print_comparison, print_paper, print_summary, progress_bar
from semopt.bench.runner import (
    Instance,
    Plan,
    ProgressHook,
    check_overrides_type,
    execute,
    prepare,
    run_bench,
    run_instance,
    run_key,
    scenario_report,
)
from semopt.bench.stats import Comparison, Summary, compare, summarize
from semopt.bench.sweep import (
    ArgumentError,
    Sweep,
    SweepError,
    check_time_limit,
    parse_assignments,
    parse_solver_options,
    parse_sweep,
    parse_value,
)
from semopt.errors import SemoptError

__all__ = [
    "run",
    "run_preset",
    "presets",
    "Preset",
    "PaperRow",
    "PresetError",
    "load",
    "plot",
    "BenchReport",
    "BenchInterrupted",
    "JournalError",
    "run_bench",
    "prepare",
    "execute",
    "Plan",
    "run_instance",
    "Record",
    "Metric",
    "REFUSED",
    "ERROR",
    "FAILURES",
    "is_failure",
    "report_of",
    "scenario_report",
    "Instance",
    "ProgressHook",
    "Sweep",
    "parse_sweep",
    "parse_value",
    "parse_assignments",
    "parse_solver_options",
    "check_time_limit",
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


class BenchInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped :func:`run`: the finished runs are kept; ``except KeyboardInterrupt`` catches it too.

    Attributes
    ----------
    kept : int
        Runs of the benchmark recorded: in the journal with ``out``, else finished in memory (and lost).
    total : int
        Runs of the whole benchmark.
    path : Path or None
        The journal (``out/records.csv``); None without ``out``.
    """

    def __init__(self, kept: int, total: int, path: Path | None) -> None:
        where = f"kept in {path}" if path is not None else "finished (not kept: no `out`)"
        super().__init__(f"{kept} of {total} runs {where}")
        self.kept, self.total, self.path = kept, total, path


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
        Seconds the runs took (of :func:`load`: every session's, added up; NaN if unknown).
    files : list of Path
        What was written (empty without ``out``).
    preset : str or None
        The preset it ran (:func:`run_preset`), if any.
    paper : list of PaperRow
        The preset's paper numbers beside ours (empty without a preset).
    """

    scenario: str
    records: list[Record]
    summaries: list[Summary]
    comparisons: list[Comparison]
    report: tuple[Metric, ...]
    wall_time: float
    files: list[Path] = field(default_factory=list)
    preset: str | None = None
    paper: list[PaperRow] = field(default_factory=list)

    @property
    def failures(self) -> list[Record]:
        """The records of failed runs (refused, error, time limit), in order."""
        return [record for record in self.records if is_failure(record)]

    def print(self, console: Console | None = None) -> None:
        """Print the summary table, the comparison table and a footer, as ``semopt bench`` does."""
        console = console if console is not None else Console()
        print_summary(self.summaries, report=self.report, console=console)
        print_comparison(self.comparisons, report=self.report, console=console)
        if self.preset is not None:
            print_paper(self.paper, title=f"{presets.get(self.preset).figure}: paper vs semopt", console=console)
        solvers = len({r.solver for r in self.records}) or 1
        console.print(f"solver runs: {len(self.records)}, instances: {len(self.records) // solvers}, "
                      f"wall time: {self.wall_time:.1f} s")
        failures = self.failures
        if failures:
            counts = {status: sum(r.status == status for r in failures) for status in FAILURES}
            where = "the message column of records.csv" if self.files else "each record's message"
            console.print(f"failed runs: {len(failures)} ("
                          + ", ".join(f"{status} {n}" for status, n in counts.items() if n)
                          + f"); why: {where}")
        for path in self.files:
            console.print(f"wrote {path}")

    def table(self) -> dict[str, np.ndarray]:
        """The records as columns a notebook can plot: column name -> one-dimensional array, one entry per record.

        The columns of ``records.csv``: ``scenario``, ``param``, ``value``,
        ``seed``, ``solver``, ``status``, ``feasible``, ``objective``,
        ``solve_time``, one per report metric, ``message``, ``panel``,
        ``history``.  Numbers are float or int arrays, flags bool, text str
        arrays; ``param``, ``value``, ``panel`` and ``history`` hold objects
        (None without a sweep, values of any type; a grid's ``((param,
        value), ...)``; a tuple of objectives, empty unless kept).

        Examples
        --------
        >>> report = run("semantic-mec", ["fa"], seeds=2, overrides={"users": 3}, quiet=True)
        >>> table = report.table()
        >>> table["seed"], table["solver"]
        (array([0, 1]), array(['fa', 'fa'], dtype='<U2'))
        """
        keys = [metric.key for metric in self.report] or list(
            dict.fromkeys(key for record in self.records for key in record.metrics))
        kinds: dict[str, Any] = {"seed": int, "feasible": bool, "objective": float, "solve_time": float,
                                 "param": object, "value": object, "panel": object, "history": object}
        out: dict[str, np.ndarray] = {}
        for name in columns(Record, keys):
            if name in keys:
                out[name] = np.array([r.metrics.get(name, math.nan) for r in self.records], dtype=float)
            elif kinds.get(name) is object:  # filled one by one: numpy would make a panel of pairs a 3-d array
                out[name] = np.empty(len(self.records), dtype=object)
                out[name][:] = [getattr(r, name) for r in self.records]
            else:
                out[name] = np.array([getattr(r, name) for r in self.records], dtype=kinds.get(name, str))
        return out

    def to_pandas(self) -> Any:
        """:meth:`table` as a ``pandas.DataFrame`` (pandas is imported only here).

        Raises
        ------
        SemoptError
            pandas is not installed (the message says how to install it).
        """
        try:
            pandas = importlib.import_module("pandas")  # by name: semopt does not depend on pandas or its stubs
        except ImportError:
            raise SemoptError("BenchReport.to_pandas needs pandas, which is not installed; run: pip install pandas."
                              ) from None
        return pandas.DataFrame(self.table())


def save(out: str | Path, records: Sequence[Record], summaries: Sequence[Summary],
         comparisons: Sequence[Comparison], report: Sequence[Metric], preset: str | None = None,
         paper: Sequence[PaperRow] | None = None) -> list[Path]:
    """Write ``records.csv``, ``summary.csv``, ``comparison.csv`` and the plots into ``out``; return the files.

    Each CSV file is replaced atomically, so a journal being rewritten in
    order is never half there.  With a ``preset``, ``paper.csv`` holds its
    paper numbers beside ours (``paper``, or read from ``records``), and the
    figures show them.

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
        if preset is not None:
            paper = paper if paper is not None else presets.paper_rows(presets.get(preset), records)
            paths.append(write_csv(folder / "paper.csv", PaperRow, paper))
        return paths + _figures(folder, records, summaries, report, preset, paper or ())
    except OSError as exc:
        raise ArgumentError(f"Cannot write the results into {str(out)!r}: {exc}.") from None


def console_for_output() -> Console:
    """A console on standard output; in a log or a pipe, wide enough that tables do not wrap."""
    console = Console()
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(width=PIPE_WIDTH)
    return console


def _figures(folder: str | Path, records: Sequence[Record], summaries: Sequence[Summary],
             report: Sequence[Metric] | None, preset: str | None, paper: Sequence[PaperRow] = ()) -> list[Path]:
    """Every figure of a benchmark (a preset's with its ``paper`` numbers): the metrics', then the convergence."""
    if preset is None:
        return plot_all(summaries, folder, report) + plot_convergence(records, folder)
    spec = presets.get(preset)
    notes = presets.figure_notes(spec, paper)
    references = presets.references(spec)
    title = f"{spec.figure}: {spec.name}"
    return (plot_all(summaries, folder, report, references=references, notes=notes, log_x=spec.log_x, title=title)
            # A convergence figure is the objective's too: its gains are written under both.
            + plot_convergence(records, folder, references=references, title=title,
                               notes=[*notes.get("convergence", ()), *(notes.get("objective", ()) if spec.history
                                                                       else ())]))


def _report(name: str, records: list[Record], report: tuple[Metric, ...], wall_time: float,
            files: list[Path], preset: str | None = None) -> BenchReport:
    summaries = summarize(records)
    paper = presets.paper_rows(presets.get(preset), records) if preset is not None else []
    return BenchReport(name, records, summaries, compare(summaries, report), report, wall_time, files, preset, paper)


def run(
    scenario: str,
    solvers: Sequence[str],
    *,
    seeds: int | Sequence[int] = 10,
    sweep: Sweep | str | Sequence[Sweep | str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    options: Mapping[str, Mapping[str, Any]] | Mapping[str, Any] | None = None,
    time_limit: float | None = None,
    workers: int = 1,
    out: str | Path | None = None,
    retry_failed: bool = False,
    progress: bool = False,
    console: Console | None = None,
    quiet: bool = False,
    scheduler: str | None = None,
    dask_workers: int | None = None,
    history: bool = False,
    metrics: Sequence[Metric | tuple[str, str, str] | str] = (),
    preset: str | None = None,
) -> BenchReport:
    """Run ``solvers`` on the same instances of ``scenario``; print and write what ``semopt bench`` does.

    Parameters
    ----------
    scenario : str
        A scenario name, or a TOML file (``scenario = "name"`` plus overrides).
    solvers : sequence of str
        Solver names, each applying to the scenario.
    seeds : int or sequence of int, default 10
        ``n`` means seeds ``0..n-1``; each seeds the instance and every solver.
    sweep : Sweep or str, or a sequence of them, optional
        One override and its values, or its ``PARAM=lo:hi:step`` text.
        Several make a grid (every combination of their values): the first
        is the figures' x axis, each combination of the others one panel.
    overrides : mapping, optional
        Fixed scenario overrides (over the TOML file's).
    options : mapping, optional
        Solver options: ``{"bcd": {"max_iter": 20}}`` for one solver,
        ``{"tol": 1e-3}`` for every solver that declares ``tol``, or both
        (:func:`~semopt.bench.runner.resolve_options`).
    time_limit : float, optional
        Seconds per run, passed to ``semopt.solve``; a run over it is recorded ``time_limit``.
    workers : int, default 1
        Local processes (1: this process).
    out : str or Path, optional
        Folder of the benchmark: the journal ``records.csv`` (each run
        written as it finishes) and ``bench.json``, then ``summary.csv``,
        ``comparison.csv`` and the plots.  If it holds this benchmark
        already, the runs it has are skipped (resumed); solvers may be added.
    retry_failed : bool, default False
        On resuming, run again the runs recorded as failed.
    progress : bool, default False
        Draw a progress bar on standard error (when it is a terminal).
    console : rich Console, optional
        Where to print; by default standard output.
    quiet : bool, default False
        Print nothing.
    scheduler : str, optional
        Run on the Dask cluster of this scheduler (``"tcp://HOST:8786"``;
        the extra ``semopt[distributed]``).
    dask_workers : int, optional
        Run on a Dask ``LocalCluster`` of that many worker processes, started
        on loopback and stopped after (a trial of the cluster path).  Either
        executor gives the records of the others (times aside).
    history : bool, default False
        Keep each run's objective after each iteration (``Result.history``)
        in its record, and draw ``convergence.png`` (with ``out``).
    metrics : sequence, optional
        Further ``Result.metrics`` keys to record and draw beyond the family's
        report: keys, or ``(key, label, "min" | "max")`` triples.
    preset : str, optional
        A preset's name (:mod:`~semopt.bench.presets`): its paper numbers are
        printed, written (``paper.csv``) and drawn beside ours.  :func:`run_preset`
        sets it; give it to compare a variant of a preset with the same paper.

    Returns
    -------
    BenchReport
        Every run's record, those of a resumed journal included.

    Raises
    ------
    SemoptError
        Before the first run: as :func:`run_bench` (bad scenario, override,
        sweep, solver, option, seeds, time limit or workers);
        :class:`ArgumentError` when ``out`` cannot be written;
        :class:`JournalError` when ``out`` holds a benchmark of another
        configuration (the message says what differs) or malformed files.
    BenchInterrupted
        A :class:`KeyboardInterrupt` (Ctrl-C) during the runs, re-raised once
        the workers are stopped and the journal is closed; it says how many
        runs are kept.

    Notes
    -----
    A solver that refuses an instance, raises, overruns the time limit or
    takes its worker process down does not stop the benchmark: its run is
    recorded with status ``refused``, ``error`` or ``time_limit`` and a
    message, and counted in the summaries' ``failure_share``.
    """
    check_overrides_type(overrides)  # before they are merged over a scenario file's
    if preset is not None:
        presets.get(preset)  # an unknown name is refused before anything runs
    name, fixed = scenarios.resolve(scenario, overrides)
    plan = prepare(name, solvers, seeds=seeds, sweep=_sweeps(sweep),
                   overrides=fixed, workers=workers, options=options, time_limit=time_limit, scheduler=scheduler,
                   dask_workers=dask_workers, history=history, metrics=metrics, preset=preset)
    if retry_failed and out is None:
        raise ArgumentError("`retry_failed` reruns the failed runs of an `out` folder; give `out`.")
    console = console if console is not None else console_for_output()
    journal = Journal.open(out, plan) if out is not None else None
    done = [] if journal is None else [r for r in journal.records if not (retry_failed and is_failure(r))]
    if journal is not None and not quiet:
        if journal.dropped:
            console.print(f"dropped the cut-short last line of {journal.path} (its run is done again)")
        skipped = len({run_key(record) for record in done} & set(plan.keys()))
        if skipped:
            console.print(f"resuming: skipped {skipped} of {plan.total} runs already in {journal.path}; "
                          f"{plan.total - skipped} to run")
    finished = 0

    def count(record: Record) -> None:
        nonlocal finished
        finished += 1
        if journal is not None:
            journal.append(record)

    start = time.perf_counter()
    try:
        if progress:
            with progress_bar(f"{name}: {', '.join(plan.solvers)}") as hook:
                records = execute(plan, done=done, on_record=count, progress=hook)
        else:
            records = execute(plan, done=done, on_record=count)
    except KeyboardInterrupt as exc:
        if journal is None:
            raise BenchInterrupted(finished, plan.total, None) from exc
        journal.close(time.perf_counter() - start)
        raise BenchInterrupted(journal.kept(plan), plan.total, journal.path) from exc
    except BaseException:
        if journal is not None:
            journal.close(time.perf_counter() - start)
        raise
    elapsed = time.perf_counter() - start
    result = _report(name, records, plan.report, elapsed, [], preset)
    if journal is not None:
        journal.close(elapsed)
        result.files = [journal.folder / MANIFEST,
                        *save(journal.folder, records, result.summaries, result.comparisons, plan.report, preset,
                              result.paper)]
    if not quiet:
        result.print(console)
    return result


def _sweeps(sweep: Any) -> Any:
    """``sweep`` with its texts parsed: a str or a list holding some; anything else as given (checked later)."""
    if isinstance(sweep, str):
        return parse_sweep(sweep)
    if isinstance(sweep, list | tuple):
        return [parse_sweep(one) if isinstance(one, str) else one for one in sweep]
    return sweep


def plot(source: BenchReport | str | Path | Sequence[Record], out_dir: str | Path | None = None,
         report: Sequence[Metric] | None = None) -> list[Path]:
    """Redraw a benchmark's figures without solving anything; return the files written.

    Parameters
    ----------
    source : BenchReport, folder or sequence of Record
        A report (``semopt.bench.run``'s or :func:`load`'s), a benchmark folder
        (``semopt bench --out DIR``), or records.
    out_dir : str or Path, optional
        Where to write (default: the folder itself when ``source`` is one).
    report : sequence of Metric, optional
        The metrics to draw (default: the report's, or every metric of the records).

    Raises
    ------
    JournalError
        ``source`` names no readable benchmark folder.
    SemoptError
        No ``out_dir`` for a report or records.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:
    ...     _ = run("semantic-mec", ["fa", "uc"], seeds=2, overrides={"users": 3}, out=out, quiet=True)
    ...     sorted(p.name for p in plot(out) if p.suffix == ".png")
    ['geomean_delay.png', 'mean_delay.png', 'objective.png']
    """
    if isinstance(source, (str, Path)):
        folder = Path(source)
        loaded = load(folder)
        return _figures(out_dir if out_dir is not None else folder, loaded.records, loaded.summaries,
                        report if report is not None else loaded.report, loaded.preset, loaded.paper)
    if out_dir is None:
        raise SemoptError("`out_dir` is needed to plot a report or records (a folder source defaults to itself).")
    if isinstance(source, BenchReport):
        return _figures(out_dir, source.records, source.summaries,
                        report if report is not None else source.report, source.preset, source.paper)
    records = list(source)
    return _figures(out_dir, records, summarize(records), report, None)


def load(folder: str | Path) -> BenchReport:
    """The :class:`BenchReport` of a benchmark folder (``semopt bench --out DIR``), summaries recomputed.

    Parameters
    ----------
    folder : str or Path
        A folder holding ``records.csv`` (and, for the labels and order, ``bench.json``).

    Returns
    -------
    BenchReport
        Its records (the journal's, in order, even of an unfinished benchmark),
        summaries and comparisons; ``wall_time`` from the manifest; no ``files``.

    Raises
    ------
    JournalError
        No such folder, no ``records.csv``, or a malformed file (the message names it).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as out:
    ...     ran = run("semantic-mec", ["fa"], seeds=2, overrides={"users": 3}, out=out, quiet=True)
    ...     again = load(out)
    >>> [(r.seed, r.solver) for r in again.records] == [(r.seed, r.solver) for r in ran.records]
    True
    """
    read = read_folder(folder)
    manifest = read.manifest or {}
    name = str(manifest.get("scenario") or (read.records[0].scenario if read.records else ""))
    wall_time = manifest.get("wall_time")
    preset = manifest.get("preset")
    preset = preset if isinstance(preset, str) and preset in presets.PRESETS else None  # a preset since renamed: none
    return _report(name, read.records, read.report, float(wall_time) if wall_time is not None else math.nan, [],
                   preset)


def run_preset(
    name: str,
    *,
    quick: bool = False,
    seeds: int | Sequence[int] | None = None,
    overrides: Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
    **executor: Any,
) -> BenchReport:
    """Run the preset ``name`` (a paper figure, :mod:`~semopt.bench.presets`) as :func:`run` would.

    Parameters
    ----------
    name : str
        A name of :func:`semopt.bench.presets.names`.
    quick : bool, default False
        Its quick form: small instances and few seeds, seconds instead of minutes.
    seeds : int or sequence of int, optional
        Instead of the preset's seeds.
    overrides, options : mapping, optional
        Added over the preset's fixed overrides and solver options.
    **executor
        Any other keyword of :func:`run`: ``out``, ``workers``, ``scheduler``,
        ``dask_workers``, ``time_limit``, ``retry_failed``, ``progress``,
        ``console``, ``quiet``.

    Returns
    -------
    BenchReport
        With ``preset`` and ``paper`` (the paper's numbers beside ours) set.

    Raises
    ------
    PresetError
        Unknown preset (the message lists them), or a keyword the preset sets
        itself (scenario, solvers, sweep, history, metrics, preset).
    SemoptError
        As :func:`run`.

    Examples
    --------
    >>> report = run_preset("zheng-convergence", quick=True, seeds=1, quiet=True)
    >>> report.preset, [row.what for row in report.paper][:2]
    ('zheng-convergence', ['bcd over linear (M=3)', 'bcd over fa (M=3)'])
    """
    preset = presets.get(name)
    fixed = sorted(set(executor) & {"scenario", "solvers", "sweep", "history", "metrics", "preset"})
    if fixed:
        raise PresetError(f"Preset {name!r} sets {', '.join(fixed)} itself; run semopt.bench.run for another "
                          "benchmark.")
    check_overrides_type(overrides)
    request = preset.request(quick)
    request["overrides"].update(overrides or {})
    if options:
        request["options"] = {**request["options"], **options}
    if seeds is not None:
        request["seeds"] = seeds
    scenario, solvers = request.pop("scenario"), request.pop("solvers")
    return run(scenario, solvers, preset=name, **request, **executor)
