"""The ``semopt`` command: argument parsing only; the work is done by the library.

::

    semopt solve SCENARIO|FILE.toml --solver NAME [--set KEY=VALUE ...] [--seed N]
                 [--option KEY=VALUE ...] [--json]
    semopt bench SCENARIO|FILE.toml --solvers A,B,C [--seeds N] [--sweep PARAM=lo:hi:step ...]
                 [--set KEY=VALUE ...] [--option [SOLVER.]KEY=VALUE ...] [--time-limit S]
                 [--workers N | --scheduler tcp://HOST:PORT | --dask-local N] [--out DIR [--retry-failed]]
    semopt bench --preset NAME [--quick] [--seeds N] [--set ...] [--option ...] [executor, --out DIR]
    semopt bench --list-presets
    semopt plot DIR [--to OUTDIR]
    semopt scenarios
    semopt solvers SCENARIO|FILE.toml [--set KEY=VALUE ...] [--options] [--json]

Every subcommand takes ``--import MODULE`` (repeatable): import it first, so
that the solvers or scenarios it registers are available.  A
:class:`~semopt.errors.SemoptError` (unknown scenario, override, solver or
option; a bad value) prints one line to standard error and exits with status
2, as a usage error does; no traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shlex
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import semopt
from semopt import bench, profiling, scenarios
from semopt.bench.render import jsonable, result_json, result_lines
from semopt.bench.sweep import ArgumentError, parse_assignments
from semopt.errors import SemoptError
from semopt.registry import SolverSpec, get_solver

__all__ = ["main", "build_parser", "load_problem"]

EXIT_USAGE = 2
"""Exit status of a usage error: bad arguments or a :class:`SemoptError`."""


def load_problem(target: str, sets: dict[str, Any], seed: int | None = None) -> Any:
    """Build the problem named on the command line (a scenario or a TOML file, plus ``--set`` values).

    ``seed`` seeds the instance unless the overrides (``--set`` or the TOML
    file) already give the scenario's ``seed``.
    """
    name, overrides = scenarios.resolve(target, sets)
    if seed is not None and "seed" in scenarios.describe(name):
        overrides.setdefault("seed", seed)
    return scenarios.load(name, **overrides)


def _split_names(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",")]
    if not all(names):
        raise ArgumentError(f"--solvers expects a comma-separated list of names (e.g. bcd,fa); got {text!r}.")
    return names


def _imports(modules: list[str] | None) -> None:
    for module in modules or []:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise ArgumentError(f"--import {module}: cannot import it ({exc}).") from None
        except Exception as exc:  # noqa: BLE001 - the user's module is broken, not semopt: say so on one line
            raise ArgumentError(f"--import {module}: importing it raised {type(exc).__name__}: {exc}") from None


# --- commands


def _cmd_solve(args: argparse.Namespace) -> int:
    options: dict[str, Any] = parse_assignments(args.option, flag="--option")
    if "seed" in options:
        raise ArgumentError("Give the seed with --seed, not --option seed=...")
    problem = load_problem(args.scenario, parse_assignments(args.set), seed=args.seed)
    result = semopt.solve(problem, args.solver, seed=args.seed, **options)
    print(result_json(result) if args.json else "\n".join(result_lines(result)))
    return 0


EXIT_INTERRUPTED = 130
"""Exit status of a benchmark stopped by Ctrl-C: 128 + SIGINT, as a shell reports it."""


def _bench_command(args: argparse.Namespace) -> str:
    """The ``semopt bench`` command of ``args``, quoted for a shell: what resumes an interrupted benchmark."""
    argv = ["semopt", "bench"]
    if args.preset is not None:
        argv += ["--preset", args.preset] + (["--quick"] if args.quick else [])
    else:
        argv += [args.scenario, "--solvers", args.solvers]
    argv += ["--seeds", str(args.seeds)] if args.seeds is not None else []
    for sweep in args.sweep or []:
        argv += ["--sweep", sweep]
    for flag, values in (("--set", args.set), ("--option", args.option), ("--import", args.imports)):
        for value in values or []:
            argv += [flag, value]
    argv += ["--time-limit", args.time_limit] if args.time_limit is not None else []
    argv += ["--workers", str(args.workers)] if args.workers != 1 else []
    argv += ["--scheduler", args.scheduler] if args.scheduler is not None else []
    argv += ["--dask-local", str(args.dask_local)] if args.dask_local is not None else []
    argv += ["--out", args.out] if args.out is not None else []
    argv += ["--retry-failed"] if args.retry_failed else []
    argv += ["--history"] if args.history else []
    return shlex.join(argv)


def _list_presets() -> int:
    width = max(len(name) for name in bench.presets.names()) + 2
    for name in bench.presets.names():
        preset = bench.presets.get(name)
        print(f"{name:<{width}}{preset.figure}: {preset.summary}")
    return 0


def _check_preset_args(args: argparse.Namespace) -> None:
    """With --preset the preset gives the scenario, solvers, sweeps and history; without, they are needed."""
    if args.preset is None:
        if args.quick:
            raise ArgumentError("--quick shrinks a preset; give --preset NAME (see --list-presets).")
        missing = [flag for flag, value in (("SCENARIO", args.scenario), ("--solvers", args.solvers)) if value is None]
        if missing:
            raise ArgumentError(f"semopt bench needs {' and '.join(missing)} (or --preset NAME; see --list-presets).")
        return
    given = [flag for flag, value in (("SCENARIO", args.scenario), ("--solvers", args.solvers),
                                      ("--sweep", args.sweep), ("--history", args.history or None))
             if value is not None]
    if given:
        them = "them" if len(given) > 1 else "it"
        raise ArgumentError(f"--preset {args.preset} sets {', '.join(given)} itself; leave {them} out, or run the "
                            "benchmark without --preset.")


def _cmd_bench(args: argparse.Namespace) -> int:
    if args.list_presets:
        return _list_presets()
    _check_preset_args(args)
    options = bench.parse_solver_options(args.option)
    limit = bench.check_time_limit(args.time_limit, name="--time-limit") if args.time_limit is not None else None
    if args.retry_failed and args.out is None:
        raise ArgumentError("--retry-failed reruns the failed runs of an --out folder; give --out DIR.")
    executor = dict(time_limit=limit, workers=args.workers, out=args.out, retry_failed=args.retry_failed,
                    progress=True, scheduler=args.scheduler, dask_workers=args.dask_local)
    try:
        if args.preset is not None:
            bench.run_preset(args.preset, quick=args.quick, seeds=args.seeds, overrides=parse_assignments(args.set),
                             options=options, **executor)
        else:
            bench.run(args.scenario, _split_names(args.solvers), seeds=10 if args.seeds is None else args.seeds,
                      sweep=args.sweep, overrides=parse_assignments(args.set), options=options,
                      history=args.history, **executor)
    except KeyboardInterrupt as stop:  # Ctrl-C: say what is kept and how to go on, in one line, no traceback
        if isinstance(stop, bench.BenchInterrupted) and stop.path is not None:
            line = f"{stop.kept} of {stop.total} runs kept in {stop.path}; resume with: {_bench_command(args)}"
        elif isinstance(stop, bench.BenchInterrupted):
            line = f"{stop.kept} of {stop.total} runs finished, none kept (give --out DIR to keep them)"
        else:  # before the first run, or while the tables and plots were written: every finished run is kept
            line = f"run again with: {_bench_command(args)}" if args.out is not None else "no run in progress"
        print(f"interrupted: {line}", file=sys.stderr)
        return EXIT_INTERRUPTED
    return 0


def _cmd_scenarios(args: argparse.Namespace) -> int:
    for name in scenarios.names():
        spec = scenarios.spec(name)
        print(f"{name}  ({spec.problem.__name__})  {spec.summary}")
        for key, default in scenarios.describe(name).items():
            print(f"    {key} = {default:.6g}" if isinstance(default, float) else f"    {key} = {default}")
    return 0


def _solver_entry(spec: SolverSpec, options: bool) -> dict[str, Any]:
    """One solver as ``semopt solvers --json`` lists it."""
    entry: dict[str, Any] = {"name": spec.name, "exact": spec.exact, "summary": spec.summary}
    if options:
        entry["options"] = {key: {"default": opt.default, "kind": opt.kind, "allowed": opt.describe(),
                                  "description": opt.doc}
                            for key, opt in sorted(spec.options.items())}
    return entry


def _cmd_solvers(args: argparse.Namespace) -> int:
    problem = load_problem(args.scenario, parse_assignments(args.set))
    specs = [get_solver(name, problem) for name in semopt.available_solvers(problem)]
    if args.json:
        # default=repr: an option whose default is not JSON (an object) is still listed, by its repr.
        print(json.dumps(jsonable([_solver_entry(spec, args.options) for spec in specs]), indent=2,
                         allow_nan=False, default=repr))
        return 0
    if not specs:
        # On stderr: standard output holds solver lines only, so a pipe reading names gets none.
        print(f"(no solver accepts this {type(problem).__name__})", file=sys.stderr)
    # The name column is as wide as the longest name plus two spaces: a name never runs into its kind,
    # so `awk '{print $1}'` reads the names (the option lines of --options are indented).
    width = max((len(spec.name) for spec in specs), default=0) + 2
    kind_width = len("heuristic") + 2
    for spec in specs:
        kind = "exact" if spec.exact else "heuristic"
        print(f"{spec.name:<{width}}{kind:<{kind_width}}{spec.summary}")
        if args.options:
            for line in semopt.show_options(problem, spec.name).splitlines():
                print(f"{'':<{width}}{line}")
    return 0


def _cmd_plot(args: argparse.Namespace) -> int:
    files = bench.plot(args.folder, args.to)
    print(f"{len(files)} files written to {args.to or args.folder}: "
          + ", ".join(sorted({path.stem for path in files})))
    return 0


def _thread_counts(text: str) -> list[int]:
    """``--threads``: comma-separated counts, ``all`` for every core."""
    counts = []
    for item in _split_names(text):
        if item == "all":
            counts.append(os.cpu_count() or 1)
            continue
        try:
            counts.append(int(item))
        except ValueError:
            raise ArgumentError(f"--threads takes counts or `all`, e.g. 1,all; got {item!r}.") from None
    return counts


def _cmd_profile(args: argparse.Namespace) -> int:
    size = None if args.input_size is None else (3, args.input_size, args.input_size)
    result = profiling.profile(_split_names(args.networks), input_shape=size, threads=_thread_counts(args.threads),
                               warmup=args.warmup, repeats=args.repeats, seed=args.seed)
    for run in result["runs"].values():
        fitted = run["profile"]
        bandwidth = fitted["memory_bandwidth"]
        print(f"fitted roofline ({fitted['name']}): peak {fitted['peak_flops'] / 1e9:.4g} GFLOP/s, memory "
              f"{'inf' if bandwidth is None else f'{bandwidth / 1e9:.4g} GB/s'}, combine {fitted['combine']}")
        for key, label, scale, unit in (("efficiency", "share of the peak", 1.0, ""),
                                        ("memory_efficiency", "share of the bandwidth", 1.0, ""),
                                        ("class_overhead", "overhead", 1e6, " us")):
            values = ", ".join(f"{c} {v * scale:.3g}{unit}" for c, v in fitted[key].items())
            print(f"  {label}: {values or '-'}")
        print(f"{'network':<14}{'measured':>12}{'roofline':>12}{'error':>9}{'FLOP model':>13}{'error':>9}")
        for row in run["networks"]:
            measured = row["measured"]
            print(f"{row['network']:<14}{measured * 1e3:>10.3f}ms{row['roofline'] * 1e3:>10.3f}ms"
                  f"{(row['roofline'] - measured) / measured:>+9.1%}{row['flop_model'] * 1e3:>11.3f}ms"
                  f"{(row['flop_model'] - measured) / measured:>+9.1%}")
    if args.out is not None:
        Path(args.out).write_text(json.dumps(jsonable(result), indent=1) + "\n")
        print(f"written: {args.out}, profile on {result['threads']} thread(s) "
              f"(scenarios.load('split-...', device_profile={args.out!r}) reads it)")
    return 0


# --- parser and entry point


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error raises :class:`ArgumentError` (printed by :func:`main` on one line, exit 2)
    instead of printing the usage block: every error of the command reads the same."""

    def error(self, message: str) -> NoReturn:
        raise ArgumentError(f"{message} (see `{self.prog} --help`)")


def _add_common(parser: argparse.ArgumentParser, *, sets: bool = True) -> None:
    if sets:
        parser.add_argument("--set", action="append", metavar="KEY=VALUE",
                            help="scenario override, e.g. --set users=10 (repeatable; see `semopt scenarios`)")
    parser.add_argument("--import", dest="imports", action="append", metavar="MODULE",
                        help="import MODULE first: the solvers and scenarios it registers become available")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``semopt`` command (each subcommand sets ``func``)."""
    parser = _Parser(prog="semopt", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"semopt {semopt.__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    target_help = 'a scenario name (see `semopt scenarios`) or a TOML file: scenario = "name" plus overrides'

    solve = sub.add_parser("solve", help="solve one instance with one solver")
    solve.add_argument("scenario", metavar="SCENARIO|FILE.toml", help=target_help)
    solve.add_argument("--solver", required=True, help="solver name (see `semopt solvers SCENARIO`)")
    _add_common(solve)
    solve.add_argument("--seed", type=int, default=0,
                       help="seeds the solver, and the instance unless --set or the file gives `seed` "
                            "(default 0)")
    solve.add_argument("--option", action="append", metavar="KEY=VALUE",
                       help="solver option, e.g. --option max_iter=20 (repeatable)")
    solve.add_argument("--json", action="store_true",
                       help="print the whole Result as JSON (read it back with semopt.Result.from_json)")
    solve.set_defaults(func=_cmd_solve)

    bench = sub.add_parser("bench", help="run several solvers on the same instances and compare them")
    bench.add_argument("scenario", metavar="SCENARIO|FILE.toml", nargs="?", help=target_help)
    bench.add_argument("--solvers", metavar="A,B,C", help="comma-separated solver names")
    bench.add_argument("--preset", metavar="NAME",
                       help="run a paper figure (its scenario, solvers, sweeps and seeds) with the paper's numbers "
                            "beside ours; see --list-presets")
    bench.add_argument("--quick", action="store_true", help="with --preset: small instances, seconds not minutes")
    bench.add_argument("--list-presets", action="store_true", help="list the presets, one line each")
    bench.add_argument("--seeds", type=int, metavar="N",
                       help="instances per sweep value: seeds 0..N-1, each seeding the instance and the "
                            "solvers (default 10, or the preset's)")
    bench.add_argument("--sweep", action="append", metavar="PARAM=lo:hi:step",
                       help="vary one override: an inclusive range lo:hi:step or a list a,b,c; repeat it for a grid "
                            "(the first is the figures' x axis, the others one panel per value)")
    _add_common(bench)
    bench.add_argument("--option", action="append", metavar="[SOLVER.]KEY=VALUE",
                       help="solver option: SOLVER.KEY=VALUE for one solver, KEY=VALUE for every listed solver "
                            "that declares KEY, e.g. --option bcd.max_iter=20 (repeatable)")
    bench.add_argument("--time-limit", metavar="SECONDS",
                       help="time limit of each run, passed to the solver; a run over it is recorded "
                            "time_limit, and with --workers > 1 killed at 2 x SECONDS + 5 s")
    bench.add_argument("--workers", type=int, default=1, metavar="N",
                       help="local processes (default 1: run in this process)")
    bench.add_argument("--out", metavar="DIR",
                       help="benchmark folder: records.csv written as runs finish, then summary/comparison "
                            "CSV and PNG/SVG plots; the same command again resumes it")
    bench.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                       help="run on this Dask cluster (`dask scheduler` on one host, `dask worker ADDRESS` on the "
                            "others; the extra semopt[distributed])")
    bench.add_argument("--dask-local", type=int, metavar="N",
                       help="run on a Dask LocalCluster of N worker processes (a trial of the cluster path)")
    bench.add_argument("--history", action="store_true",
                       help="keep each run's objective after each iteration in records.csv and draw "
                            "convergence.png")
    bench.add_argument("--retry-failed", action="store_true",
                       help="when resuming --out DIR, run again the runs recorded refused, error or time_limit")
    bench.set_defaults(func=_cmd_bench)

    scen = sub.add_parser("scenarios", help="list the scenarios: problem class, summary, overrides with defaults")
    _add_common(scen, sets=False)
    scen.set_defaults(func=_cmd_scenarios)

    solvers = sub.add_parser("solvers", help="list the solvers available for a scenario")
    solvers.add_argument("scenario", metavar="SCENARIO|FILE.toml", help=target_help)
    _add_common(solvers)
    solvers.add_argument("--options", action="store_true", help="also list each solver's options")
    solvers.add_argument("--json", action="store_true",
                         help="print a JSON list of {name, exact, summary} (with --options, also each option's "
                              "default, kind, allowed values and description)")
    solvers.set_defaults(func=_cmd_solvers)

    plot = sub.add_parser("plot", help="redraw the figures of a benchmark folder (semopt bench --out DIR) "
                          "without solving anything")
    plot.add_argument("folder", metavar="DIR", help="a benchmark folder")
    plot.add_argument("--to", metavar="OUTDIR", help="write the figures there (default: DIR)")
    _add_common(plot, sets=False)
    plot.set_defaults(func=_cmd_plot)

    prof = sub.add_parser("profile", help="time catalogue networks layer by layer on this machine (torch, the "
                          "extra semopt[profile]) and fit its roofline latency model")
    prof.add_argument("networks", metavar="NETWORK[,NETWORK...]", help="catalogue networks, e.g. alexnet,resnet18")
    prof.add_argument("--input-size", type=int, metavar="PIXELS",
                      help="side of the square input (default: each network's own, 224 or 32)")
    prof.add_argument("--threads", default="1,all", metavar="N[,N...]",
                      help="torch thread counts, each measured and fitted; `all` is every core; the written "
                           "profile is the last (default 1,all)")
    prof.add_argument("--repeats", type=int, default=10, help="timed runs of each layer (default 10)")
    prof.add_argument("--warmup", type=int, default=3, help="untimed runs first (default 3)")
    prof.add_argument("--seed", type=int, default=0, help="seeds the random weights and input (default 0)")
    prof.add_argument("--out", metavar="FILE.json",
                      help="write the measurements and the fitted profile (the split scenarios' device_profile)")
    _add_common(prof, sets=False)
    prof.set_defaults(func=_cmd_profile)
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
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # argparse exits on --help and --version
            return exc.code if isinstance(exc.code, int) else EXIT_USAGE
        command: Callable[[argparse.Namespace], int] = args.func
        _imports(args.imports)
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
