"""The ``semopt`` command: solve one instance, benchmark solvers side by side, list what exists.

::

    semopt solve SCENARIO|FILE.toml --solver NAME [--set KEY=VALUE ...] [--seed N]
                 [--option KEY=VALUE ...] [--json]
    semopt bench SCENARIO|FILE.toml --solvers A,B,C [--seeds N] [--sweep PARAM=lo:hi:step]
                 [--set KEY=VALUE ...] [--workers N] [--out DIR]
    semopt scenarios
    semopt solvers SCENARIO|FILE.toml [--set KEY=VALUE ...]

A :class:`~semopt.errors.SemoptError` (unknown scenario, override, solver or
option; a bad value) prints one line to standard error and exits with status
2, as a usage error does; no traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import sys
import time
import tomllib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

import semopt
from semopt.bench import (
    ArgumentError,
    Comparison,
    ProgressHook,
    Record,
    Summary,
    compare,
    parse_assignments,
    parse_sweep,
    print_comparison,
    print_summary,
    run_bench,
    summarize,
    write_csv,
)
from semopt.bench.runner import Metric, scenario_report
from semopt.errors import ScenarioError, SemoptError
from semopt.registry import get_solver

__all__ = ["main", "build_parser", "load_problem", "scenario_overrides"]

EXIT_USAGE = 2
"""Exit status of a usage error: bad arguments or a :class:`SemoptError`."""

_PIPE_WIDTH = 200  # room for a sweep column and five report metrics (semantic-game) without wrapping titles

SOLVE_FIELDS = ("mean_delay", "max_delay", "semantic_share")
"""Metrics ``semopt solve`` prints after status, objective and feasibility, when the problem reports them,
followed by the problem family's ``report`` metrics."""


# --- scenarios from the command line


def _read_toml(path: str) -> tuple[str, dict[str, Any]]:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise ScenarioError(f"Cannot read scenario file {path!r}: {exc.strerror}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"Scenario file {path!r} is not valid TOML: {exc}.") from None
    name = data.pop("scenario", None)
    if not isinstance(name, str):
        raise ScenarioError(f"Scenario file {path!r} must name a `scenario`; got keys {sorted(data)}.")
    return name, data


def scenario_overrides(target: str, sets: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Resolve ``SCENARIO`` or ``FILE.toml`` plus ``--set`` values to a scenario name and its overrides.

    Parameters
    ----------
    target : str
        A scenario name, or a path ending in ``.toml`` holding ``scenario = "name"``
        and overrides (the format of :func:`semopt.scenarios._registry.load_toml`).
    sets : dict
        ``--set`` values; they take precedence over the file's.

    Returns
    -------
    tuple of (str, dict)

    Raises
    ------
    ScenarioError
        Unknown scenario, an unreadable or invalid file.
    """
    name, overrides = _read_toml(target) if target.endswith(".toml") else (target, {})
    semopt.scenarios.describe(name)  # an unknown name fails here, listing the known ones
    return name, {**overrides, **sets}


def load_problem(target: str, sets: dict[str, Any], seed: int | None = None) -> Any:
    """Build the problem named on the command line.

    ``seed`` seeds the instance unless the overrides (``--set`` or the TOML
    file) already give the scenario's ``seed``.

    Raises
    ------
    ScenarioError
        Unknown scenario, unknown or bad override, unreadable file.
    """
    name, overrides = scenario_overrides(target, sets)
    if seed is not None and "seed" in semopt.scenarios.describe(name):
        overrides.setdefault("seed", seed)
    return semopt.scenarios.load(name, **overrides)


# --- output helpers


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _jsonable(value: Any) -> Any:
    """Plain JSON types: dataclasses as dicts, arrays as lists, non-finite floats as null."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, np.generic):
        return _jsonable(value.item())
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _split_names(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",")]
    if not all(names):
        raise ArgumentError(f"--solvers expects a comma-separated list of names (e.g. bcd,fa); got {text!r}.")
    return names


def _stdout_console() -> Console:
    console = Console()
    if not console.is_terminal and "COLUMNS" not in os.environ:
        # A log or a pipe: rich would wrap the tables at 80 columns.
        console = Console(width=_PIPE_WIDTH)
    return console


@contextmanager
def _progress_bar(description: str) -> Iterator[ProgressHook]:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    console = Console(stderr=True)
    # Only on a terminal: in a log, a bar is noise.
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task(description, total=None)

        def hook(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield hook


# --- commands


def _cmd_solve(args: argparse.Namespace) -> int:
    options = parse_assignments(args.option, flag="--option")
    if "seed" in options:
        raise ArgumentError("Give the seed with --seed, not --option seed=...")
    problem = load_problem(args.scenario, parse_assignments(args.set), seed=args.seed)
    result = semopt.solve(problem, args.solver, seed=args.seed, **options)
    if args.json:
        print(json.dumps(_jsonable(result), indent=2, allow_nan=False))
        return 0
    rows = [("status", result.status), ("objective", result.objective), ("feasible", result.feasible)]
    keys = dict.fromkeys([*SOLVE_FIELDS, *(key for key, _, _ in getattr(type(problem), "report", ()))])
    rows += [(key, result.metrics[key]) for key in keys if key in result.metrics]
    rows.append(("solve_time", result.solve_time))
    if result.message:
        rows.append(("message", result.message))
    width = max(15, *(len(key) + 2 for key, _ in rows))
    for key, value in rows:
        print(f"{key:<{width}}{_show(value)}")
    return 0


def _save(out: Path, records: list[Record], summaries: list[Summary], report: Sequence[Metric]) -> list[Path]:
    """Write the three tidy CSV files and the plots into ``out``; return the files written."""
    from semopt.bench.plots import plot_all  # matplotlib only when asked for

    out.mkdir(parents=True, exist_ok=True)
    keys = [metric.key for metric in report]
    paths = [
        write_csv(out / "records.csv", Record, records, metrics=keys),
        write_csv(out / "summary.csv", Summary, summaries, metrics=keys),
        write_csv(out / "comparison.csv", Comparison, compare(summaries, report)),
    ]
    return paths + plot_all(summaries, out, report)


def _cmd_bench(args: argparse.Namespace) -> int:
    name, overrides = scenario_overrides(args.scenario, parse_assignments(args.set))
    sweep = parse_sweep(args.sweep) if args.sweep is not None else None
    solvers = _split_names(args.solvers)
    start = time.perf_counter()
    with _progress_bar(f"{name}: {', '.join(solvers)}") as hook:
        records = run_bench(name, solvers, seeds=args.seeds, sweep=sweep, overrides=overrides,
                            workers=args.workers, progress=hook)
    elapsed = time.perf_counter() - start
    first = {sweep.param: sweep.values[0]} if sweep is not None else {}
    report = scenario_report(name, {**overrides, **first})  # the family's metrics: columns, caption, plots
    summaries = summarize(records)
    console = _stdout_console()
    print_summary(summaries, report=report, console=console)
    print_comparison(compare(summaries, report), report=report, console=console)
    console.print(f"solver runs: {len(records)}, instances: {len(records) // len(solvers)}, "
                  f"wall time: {elapsed:.1f} s")
    if args.out is not None:
        try:
            paths = _save(Path(args.out), records, summaries, report)
        except OSError as exc:
            raise ArgumentError(f"Cannot write the results into {args.out!r}: {exc}.") from None
        for path in paths:
            console.print(f"wrote {path}")
    return 0


def _cmd_scenarios(args: argparse.Namespace) -> int:
    for name in semopt.scenarios.names():
        print(name)
        for key, default in semopt.scenarios.describe(name).items():
            print(f"    {key} = {_show(default)}")
    return 0


def _cmd_solvers(args: argparse.Namespace) -> int:
    problem = load_problem(args.scenario, parse_assignments(args.set))
    names = semopt.available_solvers(problem)
    if not names:
        print(f"(no solver is registered for {type(problem).__name__})")
    for name in names:
        spec = get_solver(name, problem)
        kind = "exact" if spec.exact else "heuristic"
        print(f"{name:<14}{kind:<11}{spec.summary}")
        if args.options:
            for line in semopt.show_options(problem, name).splitlines():
                print(f"{'':<14}  {line}")
    return 0


# --- parser and entry point


def _add_set(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--set", action="append", metavar="KEY=VALUE",
                        help="scenario override, e.g. --set users=10 (repeatable; see `semopt scenarios`)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``semopt`` command (each subcommand sets ``func``)."""
    parser = argparse.ArgumentParser(prog="semopt", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"semopt {semopt.__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    target_help = 'a scenario name (see `semopt scenarios`) or a TOML file: scenario = "name" plus overrides'

    solve = sub.add_parser("solve", help="solve one instance with one solver")
    solve.add_argument("scenario", metavar="SCENARIO|FILE.toml", help=target_help)
    solve.add_argument("--solver", required=True, help="solver name (see `semopt solvers SCENARIO`)")
    _add_set(solve)
    solve.add_argument("--seed", type=int, default=0,
                       help="seeds the solver, and the instance unless --set or the file gives `seed` "
                            "(default 0)")
    solve.add_argument("--option", action="append", metavar="KEY=VALUE",
                       help="solver option, e.g. --option max_iter=20 (repeatable)")
    solve.add_argument("--json", action="store_true", help="print the whole Result as JSON")
    solve.set_defaults(func=_cmd_solve)

    bench = sub.add_parser("bench", help="run several solvers on the same instances and compare them")
    bench.add_argument("scenario", metavar="SCENARIO|FILE.toml", help=target_help)
    bench.add_argument("--solvers", required=True, metavar="A,B,C", help="comma-separated solver names")
    bench.add_argument("--seeds", type=int, default=10, metavar="N",
                       help="instances per sweep value: seeds 0..N-1, each seeding the instance and the "
                            "solvers (default 10)")
    bench.add_argument("--sweep", metavar="PARAM=lo:hi:step",
                       help="vary one override: an inclusive range lo:hi:step or a list a,b,c")
    _add_set(bench)
    bench.add_argument("--workers", type=int, default=1, metavar="N",
                       help="local processes (default 1: run in this process)")
    bench.add_argument("--out", metavar="DIR",
                       help="write records/summary/comparison CSV and PNG/SVG plots into this folder")
    bench.set_defaults(func=_cmd_bench)

    scen = sub.add_parser("scenarios", help="list the scenarios and their overrides with defaults")
    scen.set_defaults(func=_cmd_scenarios)

    solvers = sub.add_parser("solvers", help="list the solvers available for a scenario")
    solvers.add_argument("scenario", metavar="SCENARIO|FILE.toml", help=target_help)
    _add_set(solvers)
    solvers.add_argument("--options", action="store_true", help="also list each solver's options")
    solvers.set_defaults(func=_cmd_solvers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``semopt`` command with ``argv`` (default ``sys.argv[1:]``); return the exit status.

    Returns
    -------
    int
        0 on success; 2 on a usage error or a :class:`~semopt.errors.SemoptError`,
        whose message is printed to standard error on one line.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    command: Callable[[argparse.Namespace], int] = args.func
    try:
        return command(args)
    except SemoptError as exc:
        print(f"semopt: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. `semopt scenarios | head`: the reader left, nothing is wrong
        # Point stdout at devnull so the flush at interpreter exit does not fail again (Python docs' recipe).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
