"""The ``semopt`` command: argument parsing only; the work is done by the library.

::

    semopt solve SCENARIO|FILE.toml --solver NAME [--set KEY=VALUE ...] [--seed N]
                 [--option KEY=VALUE ...] [--json]
    semopt bench SCENARIO|FILE.toml --solvers A,B,C [--seeds N] [--sweep PARAM=lo:hi:step]
                 [--set KEY=VALUE ...] [--workers N] [--out DIR]
    semopt scenarios
    semopt solvers SCENARIO|FILE.toml [--set KEY=VALUE ...] [--options]

Every subcommand takes ``--import MODULE`` (repeatable): import it first, so
that the solvers or scenarios it registers are available.  A
:class:`~semopt.errors.SemoptError` (unknown scenario, override, solver or
option; a bad value) prints one line to standard error and exits with status
2, as a usage error does; no traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

import semopt
from semopt import bench, scenarios
from semopt.bench.render import result_json, result_lines
from semopt.bench.sweep import ArgumentError, parse_assignments
from semopt.errors import SemoptError
from semopt.registry import get_solver

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


# --- commands


def _cmd_solve(args: argparse.Namespace) -> int:
    options: dict[str, Any] = parse_assignments(args.option, flag="--option")
    if "seed" in options:
        raise ArgumentError("Give the seed with --seed, not --option seed=...")
    problem = load_problem(args.scenario, parse_assignments(args.set), seed=args.seed)
    result = semopt.solve(problem, args.solver, seed=args.seed, **options)
    print(result_json(result) if args.json else "\n".join(result_lines(result)))
    return 0


def _cmd_bench(args: argparse.Namespace) -> int:
    bench.run(args.scenario, _split_names(args.solvers), seeds=args.seeds, sweep=args.sweep,
              overrides=parse_assignments(args.set), workers=args.workers, out=args.out, progress=True)
    return 0


def _cmd_scenarios(args: argparse.Namespace) -> int:
    for name in scenarios.names():
        spec = scenarios.spec(name)
        print(f"{name}  ({spec.problem.__name__})  {spec.summary}")
        for key, default in scenarios.describe(name).items():
            print(f"    {key} = {default:.6g}" if isinstance(default, float) else f"    {key} = {default}")
    return 0


def _cmd_solvers(args: argparse.Namespace) -> int:
    problem = load_problem(args.scenario, parse_assignments(args.set))
    names = semopt.available_solvers(problem)
    if not names:
        print(f"(no solver accepts this {type(problem).__name__})")
    for name in names:
        spec = get_solver(name, problem)
        kind = "exact" if spec.exact else "heuristic"
        print(f"{name:<14}{kind:<11}{spec.summary}")
        if args.options:
            for line in semopt.show_options(problem, name).splitlines():
                print(f"{'':<14}  {line}")
    return 0


# --- parser and entry point


def _add_common(parser: argparse.ArgumentParser, *, sets: bool = True) -> None:
    if sets:
        parser.add_argument("--set", action="append", metavar="KEY=VALUE",
                            help="scenario override, e.g. --set users=10 (repeatable; see `semopt scenarios`)")
    parser.add_argument("--import", dest="imports", action="append", metavar="MODULE",
                        help="import MODULE first: the solvers and scenarios it registers become available")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``semopt`` command (each subcommand sets ``func``)."""
    parser = argparse.ArgumentParser(prog="semopt", description=__doc__.split("\n\n")[0])
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
    _add_common(bench)
    bench.add_argument("--workers", type=int, default=1, metavar="N",
                       help="local processes (default 1: run in this process)")
    bench.add_argument("--out", metavar="DIR",
                       help="write records/summary/comparison CSV and PNG/SVG plots into this folder")
    bench.set_defaults(func=_cmd_bench)

    scen = sub.add_parser("scenarios", help="list the scenarios: problem class, summary, overrides with defaults")
    _add_common(scen, sets=False)
    scen.set_defaults(func=_cmd_scenarios)

    solvers = sub.add_parser("solvers", help="list the solvers available for a scenario")
    solvers.add_argument("scenario", metavar="SCENARIO|FILE.toml", help=target_help)
    _add_common(solvers)
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
