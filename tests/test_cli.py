"""The ``semopt`` command, driven through ``main([...])`` with captured output."""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

import semopt
from semopt.bench.render import jsonable as _jsonable
from semopt.cli import main

ROOT = Path(__file__).resolve().parents[1]
SMALL = ["--set", "users=4"]


def _needs_bcd() -> None:
    if "bcd" not in semopt.available_solvers(semopt.scenarios.load("semantic-mec", users=4, seed=0)):
        pytest.skip("solver 'bcd' is not registered yet")


def _fails(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """Run ``argv``, check it is refused with status 2 and one clean line on stderr; return that line."""
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("semopt: error: ")
    return lines[0]


# --- entry points ---------------------------------------------------------------------------------


def test_version_matches_pyproject(capsys: pytest.CaptureFixture[str]) -> None:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        version = tomllib.load(fh)["project"]["version"]
    assert version == semopt.__version__
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"semopt {version}"


def test_python_dash_m() -> None:
    done = subprocess.run([sys.executable, "-m", "semopt", "--version"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"semopt {semopt.__version__}"


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["solve", "semantic-mec"]) == 2  # --solver is required
    assert "--solver" in capsys.readouterr().err


# --- listings -------------------------------------------------------------------------------------


def test_scenarios_lists_overrides_with_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    for name in semopt.scenarios.names():
        spec = semopt.scenarios.spec(name)
        assert f"\n{name}  ({spec.problem.__name__})  {spec.summary}\n" in f"\n{out}"
    assert "semantic-mec  (SemanticOffloading)" in out and "split-dynamic  (DynamicSplit)" in out
    assert "    users = 20\n" in out
    assert "    seed = 0\n" in out


def test_solvers_lists_available(capsys: pytest.CaptureFixture[str]) -> None:
    _needs_bcd()
    assert main(["solvers", "semantic-mec", *SMALL]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert listed == semopt.available_solvers(semopt.scenarios.load("semantic-mec", users=4))


# --- errors: one line on stderr, status 2 ---------------------------------------------------------


def test_unknown_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    line = _fails(capsys, ["solve", "semantic-mecc", "--solver", "bcd"])
    assert "Unknown scenario 'semantic-mecc'" in line
    assert "semantic-mec-compute-bound" in line and "Did you mean 'semantic-mec'?" in line


def test_unknown_override(capsys: pytest.CaptureFixture[str]) -> None:
    line = _fails(capsys, ["solve", "semantic-mec", "--solver", "bcd", "--set", "user=4"])
    assert "Unknown override 'user'" in line
    for known in ("users", "base_stations", "subcarriers", "bandwidth", "seed"):
        assert known in line


def test_unknown_solver_lists_the_available_ones(capsys: pytest.CaptureFixture[str]) -> None:
    line = _fails(capsys, ["solve", "semantic-mec", "--solver", "no-such-solver", *SMALL])
    assert "Unknown solver 'no-such-solver'" in line
    assert "solvers for SemanticOffloading:" in line
    for name in semopt.available_solvers(semopt.scenarios.load("semantic-mec", users=4)):
        assert name in line


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["solve", "semantic-mec", "--solver", "bcd", "--set", "users"], "--set expects KEY=VALUE"),
        (["solve", "semantic-mec", "--solver", "bcd", "--set", "users=-1"], "'users' override"),
        (["solve", "semantic-mec", "--solver", "bcd", "--option", "seed=1"], "--seed"),
        (["solve", "missing.toml", "--solver", "bcd"], "Cannot read scenario file 'missing.toml'"),
        (["bench", "semantic-mec", "--solvers", "bcd,", *SMALL], "comma-separated"),
        (["bench", "semantic-mec", "--solvers", "no-such-solver", *SMALL], "Unknown solver"),
        (["bench", "semantic-mec", "--solvers", "bcd", "--sweep", "users=1:5:0"], "step must be > 0"),
        (["bench", "semantic-mec", "--solvers", "bcd", "--sweep", "userz=1:5:1"], "Did you mean 'users'"),
        (["bench", "semantic-mec", "--solvers", "bcd", "--seeds", "0", *SMALL], "at least one seed"),
        (["bench", "nope", "--solvers", "bcd"], "Unknown scenario 'nope'"),
        (["solvers", "semantic-mec", "--set", "userz=4"], "Unknown override 'userz'"),
    ],
)
def test_bad_arguments(capsys: pytest.CaptureFixture[str], argv: list[str], match: str) -> None:
    assert match in _fails(capsys, argv)


def test_bad_toml(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("users = = 4\n")
    assert "not valid TOML" in _fails(capsys, ["solve", str(broken), "--solver", "bcd"])
    nameless = tmp_path / "nameless.toml"
    nameless.write_text("users = 4\n")
    assert "must name its scenario" in _fails(capsys, ["solve", str(nameless), "--solver", "bcd"])


def test_unknown_option(capsys: pytest.CaptureFixture[str]) -> None:
    _needs_bcd()
    line = _fails(capsys, ["solve", "semantic-mec", "--solver", "bcd", *SMALL, "--option", "max_iters=3"])
    assert "Unknown option 'max_iters'" in line and "max_iter" in line


# --- solve ----------------------------------------------------------------------------------------


def _solve_json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict:
    assert main(["solve", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_solve_prints_the_summary(capsys: pytest.CaptureFixture[str]) -> None:
    _needs_bcd()
    assert main(["solve", "semantic-mec", "--solver", "bcd", *SMALL]) == 0
    rows = dict(line.split(None, 1) for line in capsys.readouterr().out.splitlines())
    for key in ("status", "objective", "feasible", "mean_delay", "max_delay", "semantic_share", "solve_time"):
        assert key in rows
    assert rows["status"] in semopt.Status.ALL
    assert rows["feasible"] in ("True", "False")
    assert math.isfinite(float(rows["objective"]))


def test_solve_json_matches_the_api(capsys: pytest.CaptureFixture[str]) -> None:
    _needs_bcd()
    data = _solve_json(capsys, ["semantic-mec", "--solver", "bcd", *SMALL, "--seed", "1"])
    direct = semopt.solve(semopt.scenarios.load("semantic-mec", users=4, seed=1), "bcd", seed=1)
    assert set(data) == {"status", "objective", "solution", "feasible", "metrics", "history", "solve_time",
                         "solver", "message", "solution_type"}
    assert data["objective"] == direct.objective and data["status"] == direct.status
    assert data["solution"]["assoc"] == direct.solution.assoc.tolist()
    assert data["solution"]["carrier"] == direct.solution.carrier.tolist()
    assert data["metrics"]["mean_delay"] == direct.metrics["mean_delay"]


def test_solve_toml_file_and_set_precedence(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _needs_bcd()
    path = tmp_path / "small.toml"
    path.write_text('scenario = "semantic-mec"\nusers = 5\nseed = 2\n')
    from_file = _solve_json(capsys, [str(path), "--solver", "bcd"])
    assert len(from_file["solution"]["assoc"]) == 5
    expected = semopt.solve(semopt.scenarios.load("semantic-mec", users=5, seed=2), "bcd", seed=0)
    assert from_file["objective"] == expected.objective  # the file's seed wins over --seed's default
    overridden = _solve_json(capsys, [str(path), "--solver", "bcd", *SMALL])
    assert len(overridden["solution"]["assoc"]) == 4


def test_solve_passes_parsed_options(capsys: pytest.CaptureFixture[str]) -> None:
    _needs_bcd()
    line = _fails(capsys, ["solve", "semantic-mec", "--solver", "bcd", *SMALL, "--option", "max_iter=0"])
    assert "The 'max_iter' option of solver 'bcd'" in line and "got 0." in line
    data = _solve_json(capsys, ["semantic-mec", "--solver", "bcd", *SMALL, "--option", "max_iter=1",
                                "--option", "tol=0.5"])
    assert data["solver"] == "bcd"


def test_jsonable_turns_arrays_and_non_finite_numbers_into_json() -> None:
    value = {"a": np.arange(3), "b": np.float64(math.inf), "c": [math.nan, 1.5], "d": np.bool_(True),
             "e": -math.inf}
    assert _jsonable(value) == {"a": [0, 1, 2], "b": "Infinity", "c": ["NaN", 1.5], "d": True, "e": "-Infinity"}


def test_solve_json_reads_back(capsys: pytest.CaptureFixture[str]) -> None:
    problem = semopt.scenarios.load("split-alexnet", seed=0)
    assert main(["solve", "split-alexnet", "--solver", "greedy", "--json"]) == 0
    back = semopt.Result.from_json(capsys.readouterr().out, problem)
    assert back.solution.placement.dtype == bool and back.solution.exit.dtype == np.int64
    assert problem.evaluate(back.solution).objective == back.objective


# --- bench ----------------------------------------------------------------------------------------


def test_bench_prints_tables_and_writes_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _needs_bcd()
    names = [n for n in ("bcd", "fa") if n in semopt.available_solvers(semopt.scenarios.load("semantic-mec"))]
    out_dir = tmp_path / "out"
    argv = ["bench", "semantic-mec", "--solvers", ",".join(names), "--seeds", "2", *SMALL,
            "--sweep", "subcarriers=8,16", "--out", str(out_dir)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "semantic-mec: mean over instances" in out and "subcarriers" in out
    # Semantic offloading's report: its delay columns, and the comparison as it always read.
    assert "mean delay (s)" in out and "geomean delay (s)" in out
    if len(names) > 1:
        assert "Against each other solver" in out
        assert "objective change % / mean-delay reduction %" in out
    written = {p.name for p in out_dir.iterdir()}
    figures = {f"{stem}.{fmt}" for stem in ("objective", "mean_delay", "geomean_delay") for fmt in ("png", "svg")}
    assert {"records.csv", "summary.csv", "comparison.csv", *figures} <= written
    rows = (out_dir / "records.csv").read_text().strip().splitlines()
    assert len(rows) == 1 + 2 * 2 * len(names)
    assert rows[0] == ("scenario,param,value,seed,solver,status,feasible,objective,solve_time,"
                       "mean_delay,geomean_delay,message,panel,history")
    summary_header = (out_dir / "summary.csv").read_text().splitlines()[0]
    assert summary_header.endswith(",solve_time,feasible_share,failure_share,mean_delay,geomean_delay,"
                                   "mean_delay_ci,geomean_delay_ci,panel")
    comparison_header = (out_dir / "comparison.csv").read_text().splitlines()[0]
    assert comparison_header.endswith(",objective_pct,metric,improvement_pct,panel")
    # `semopt plot` redraws the same figures from the folder, without solving
    again = tmp_path / "again"
    assert main(["plot", str(out_dir), "--to", str(again)]) == 0
    assert "6 files written" in capsys.readouterr().out
    assert {p.name for p in again.iterdir()} == figures


def test_plot_of_a_missing_folder_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    line = _fails(capsys, ["plot", str(tmp_path / "nothing")])
    assert "No benchmark folder at" in line


def test_bench_semantic_game_reports_its_own_metrics(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_dir = tmp_path / "game"
    argv = ["bench", "semantic-game", "--solvers", "best-response,uniform", "--seeds", "2",
            "--set", "terminals=3", "--out", str(out_dir)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    for title in ("Jain index", "fidelity", "energy (J)", "latency (s)", "Nash gap (rel.)"):
        assert title in out
    assert "delay" not in out
    assert "objective change % / Jain-index increase %" in out
    with (out_dir / "records.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 2 * 2
    assert list(rows[0])[-8:] == ["jain", "mean_fidelity", "mean_energy", "mean_latency", "nash_gap_relative",
                                  "message", "panel", "history"]
    assert all(0.0 < float(row["jain"]) <= 1.0 + 1e-12 for row in rows)
    with (out_dir / "comparison.csv").open(newline="") as fh:
        comparisons = list(csv.DictReader(fh))
    assert {row["metric"] for row in comparisons} == {"jain"}
    # Jain index is "max": the solver with the higher index shows the positive improvement.
    lines = (out_dir / "summary.csv").read_text().splitlines()
    summary = {row["solver"]: float(row["jain"]) for row in csv.DictReader(lines)}
    for row in comparisons:
        better = summary[row["solver"]] > summary[row["baseline"]]
        assert (float(row["improvement_pct"]) > 0) == better
    assert {"jain.png", "jain.svg", "nash_gap_relative.png"} <= {p.name for p in out_dir.iterdir()}


@pytest.mark.parametrize("scenario", semopt.scenarios.names())
def test_solvers_columns_never_run_together(capsys: pytest.CaptureFixture[str], scenario: str) -> None:
    assert main(["solvers", scenario]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = semopt.available_solvers(semopt.scenarios.load(scenario))
    assert [line.split()[0] for line in lines] == names
    assert all(line.split()[1] in ("exact", "heuristic") for line in lines)
    # One column start for the kind, two spaces past the longest name, whatever the names' lengths.
    assert {line.index(line.split()[1], len(line.split()[0])) for line in lines} == {max(map(len, names)) + 2}


def test_solvers_columns_with_a_long_name(capsys, tmp_path, monkeypatch):
    (tmp_path / "my_long_solvers.py").write_text(MY_SOLVERS.replace("cli-lowest", "a-very-long-solver-name-x"))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(semopt.registry, "_REGISTRY", dict(semopt.registry._REGISTRY))
    assert main(["solvers", "semantic-game", "--set", "terminals=2", "--import", "my_long_solvers"]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert ["a-very-long-solver-name-x", "heuristic"] == rows[0][:2]
    assert "social-optimum" in [row[0] for row in rows] and all(row[1] in ("exact", "heuristic") for row in rows)


@pytest.mark.parametrize("scenario", ["semantic-mec", "split-dynamic", "semantic-game-fluctuation"])
def test_solvers_json_matches_the_registry(capsys: pytest.CaptureFixture[str], scenario: str) -> None:
    problem = semopt.scenarios.load(scenario)
    assert main(["solvers", scenario, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [entry["name"] for entry in listed] == semopt.available_solvers(problem)
    for entry in listed:
        spec = semopt.registry.get_solver(entry["name"], problem)
        assert entry == {"name": spec.name, "exact": spec.exact, "summary": spec.summary}
    assert main(["solvers", scenario, "--json", "--options"]) == 0
    for entry in json.loads(capsys.readouterr().out):
        spec = semopt.registry.get_solver(entry["name"], problem)
        assert sorted(entry["options"]) == sorted(spec.options)
        for key, option in entry["options"].items():
            assert option["default"] == _jsonable(spec.options[key].default)
            assert option["description"] == spec.options[key].doc and option["kind"] == spec.options[key].kind


def test_solvers_lists_options(capsys):
    tiny = ["--set", "users=2", "--set", "base_stations=2", "--set", "subcarriers=2"]
    assert main(["solvers", "semantic-mec", *tiny, "--options"]) == 0
    out = capsys.readouterr().out
    assert "max_space = 200000" in out and "swap_rule = 'welfare'" in out


def test_solvers_lists_only_solvers_that_accept_the_instance(capsys):
    assert main(["solvers", "semantic-mec"]) == 0  # 20 users: far beyond exhaustive's max_space
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert "bcd" in listed and "exhaustive" not in listed
    assert main(["solvers", "split-vgg16", "--set", "memory=1e8"]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == ["exhaustive", "milp"]


MY_SOLVERS = '''
from semopt.problems import GameSolution, SemanticGame
from semopt.solvers import SolverOutput, register_solver


@register_solver("cli-lowest", problems=(SemanticGame,))
def lowest(problem, *, rng, time_limit):
    """Every terminal at the low corner of its box."""
    return SolverOutput(GameSolution(problem.bounds[0]), "converged")
'''


def test_import_registers_a_solver_for_every_subcommand(tmp_path, monkeypatch, capsys):
    (tmp_path / "my_cli_solvers.py").write_text(MY_SOLVERS)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(semopt.registry, "_REGISTRY", dict(semopt.registry._REGISTRY))
    game = ["semantic-game", "--set", "terminals=2", "--set", "certify=false"]
    assert main(["solvers", *game, "--import", "my_cli_solvers"]) == 0
    assert "cli-lowest" in capsys.readouterr().out
    assert main(["bench", *game, "--solvers", "cli-lowest,uniform", "--seeds", "2", "--import", "my_cli_solvers"]) == 0
    assert "cli-lowest" in capsys.readouterr().out
    assert main(["solve", *game, "--solver", "uniform", "--import", "no_such_module_xyz"]) == 2
    assert "--import no_such_module_xyz" in capsys.readouterr().err
