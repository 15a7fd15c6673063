"""A benchmark that loses nothing: failures recorded, the journal resumed, Ctrl-C and dead workers survived.

The misbehaving solvers live in ``tests/_bench_faulty.py``: the CLI imports
them with ``--import _bench_faulty`` in a subprocess; in this process they
are registered into a private copy of the registry (the ``faulty`` fixture),
so the contract suite never sees them.
"""

from __future__ import annotations

import csv
import dataclasses
import importlib
import io
import json
import math
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

import semopt
from semopt import bench
from semopt.bench import BenchInterrupted, JournalError, Record, load, run, run_bench
from semopt.bench.journal import Journal
from semopt.bench.runner import resolve_options
from semopt.bench.sweep import ArgumentError, Sweep
from semopt.cli import main
from semopt.errors import SemoptError, SolverError

TESTS = Path(__file__).resolve().parent
SMALL = {"base_stations": 2, "subcarriers": 4}
SMALL_ARGS = ["--set", "base_stations=2", "--set", "subcarriers=4"]


# --- helpers ----------------------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def no_plots(monkeypatch: pytest.MonkeyPatch) -> None:
    """In this process, skip the figures (a second each; tests/test_bench.py checks them): the CSV files are tested."""
    monkeypatch.setattr(semopt.bench, "plot_all", lambda *args, **kwargs: [])


@pytest.fixture
def faulty(monkeypatch: pytest.MonkeyPatch) -> None:
    """The solvers of tests/_bench_faulty.py, in a private copy of the registry (gone after the test)."""
    monkeypatch.setattr(semopt.registry, "_REGISTRY", dict(semopt.registry._REGISTRY))
    importlib.reload(importlib.import_module("_bench_faulty"))  # registers into the copy


@pytest.fixture
def no_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if any solver run starts: the refusals under test must come first."""
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("a run started before the request was refused")

    monkeypatch.setattr(semopt.bench.runner, "run_instance", forbidden)
    monkeypatch.setattr(semopt.bench.runner, "run_processes", forbidden)


def _cli(*argv: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m semopt.cli ARGV`` with tests/ importable (for ``--import _bench_faulty``)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "semopt.cli", *argv], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _key(record: Record) -> tuple:
    """A record but for its solve_time, NaN equal to NaN."""
    metrics = [(k, "nan" if math.isnan(v) else v) for k, v in record.metrics.items()]
    objective = "nan" if math.isnan(record.objective) else record.objective
    return dataclasses.replace(record, solve_time=0.0, objective=0.0, metrics={}), objective, metrics


def _same(a: list[Record], b: list[Record]) -> bool:
    return [_key(r) for r in a] == [_key(r) for r in b]


def _fails(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """Run ``argv`` in this process; it must exit 2 with one line on stderr, which is returned."""
    assert main(argv) == 2
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert out == "" and len(lines) == 1 and lines[0].startswith("semopt: error: "), err
    return lines[0]


# --- failures are records ---------------------------------------------------------------------------------------------


def test_refusing_solver_is_recorded_and_the_sweep_completes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = _cli("bench", "semantic-mec", "--solvers", "fa,exhaustive", "--seeds", "2", *SMALL_ARGS,
                "--sweep", "users=1,4,2", "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = _rows(out / "records.csv")
    assert [(r["value"], r["seed"], r["solver"]) for r in rows] == [
        (v, s, solver) for v in ("1", "4", "2") for s in ("0", "1") for solver in ("fa", "exhaustive")]
    refused = [r for r in rows if r["status"] == "refused"]
    assert {(r["value"], r["solver"]) for r in refused} == {("4", "exhaustive")}  # the runs after it went on
    assert all("max_space" in r["message"] and r["objective"] == "nan" for r in refused)
    assert all(r["status"] == "optimal" for r in rows if r["value"] != "4" and r["solver"] == "exhaustive")
    summary = {(r["value"], r["solver"]): r for r in _rows(out / "summary.csv")}
    assert float(summary["4", "exhaustive"]["failure_share"]) == 1.0
    assert summary["4", "exhaustive"]["objective"] == "nan"
    assert float(summary["4", "fa"]["failure_share"]) == 0.0 and float(summary["2", "exhaustive"]["objective"]) > 0
    assert "failed" in done.stdout and "failed runs: 2 (refused 2)" in done.stdout
    manifest = json.loads((out / "bench.json").read_text())
    assert manifest["solvers"] == ["fa", "exhaustive"] and manifest["sweep"] == {"param": "users", "values": [1, 4, 2]}
    assert manifest["seeds"] == [0, 1] and manifest["overrides"] == SMALL and manifest["time_limit"] is None
    assert manifest["semopt"] == semopt.__version__


def test_crashing_and_dying_solvers_cost_one_run_each(tmp_path: Path) -> None:
    out = tmp_path / "out"
    solvers = ["fa", "faulty-raise", "faulty-exit", "faulty-kill"]
    done = _cli("bench", "semantic-mec", "--import", "_bench_faulty", "--solvers", ",".join(solvers),
                "--seeds", "2", *SMALL_ARGS, "--sweep", "users=2,3,4", "--workers", "2", "--out", str(out),
                cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = {(r["value"], r["seed"], r["solver"]): r for r in _rows(out / "records.csv")}
    assert len(rows) == 3 * 2 * len(solvers)  # nothing lost, nothing twice
    for (value, _, solver), row in rows.items():
        if value == "3" and solver != "fa":
            assert row["status"] == "error" and row["feasible"] == "False", row
        else:
            assert row["status"] == "converged", row
    messages = {solver: rows["3", "0", solver]["message"] for solver in solvers[1:]}
    assert messages["faulty-raise"].startswith("RuntimeError: faulty-raise was told to fail (at _bench_faulty.py")
    assert messages["faulty-exit"] == "worker died: exit code 3"
    assert messages["faulty-kill"] == "worker died: killed by signal SIGKILL"
    summary = {(r["value"], r["solver"]): float(r["failure_share"]) for r in _rows(out / "summary.csv")}
    assert summary["3", "faulty-kill"] == 1.0 and summary["4", "faulty-kill"] == 0.0


def test_same_records_sequential_and_workers_with_failures(faulty: None) -> None:
    args = dict(seeds=2, sweep=Sweep("users", (2, 3)), overrides=SMALL)
    solvers = ["fa", "faulty-raise", "faulty-kill", "faulty-exit"]
    pooled = run_bench("semantic-mec", solvers, workers=2, **args)
    # In this process a dying solver would take the test down: compare those runs by their status only.
    sequential = run_bench("semantic-mec", solvers[:2], **args)
    assert _same([r for r in pooled if r.solver in solvers[:2]], sequential)
    assert [(r.value, r.seed, r.solver) for r in pooled] == [(v, s, x) for v in (2, 3) for s in (0, 1) for x in solvers]
    assert [r.status for r in pooled if r.value == 3 and r.solver != "fa"] == ["error"] * 6
    assert all(math.isnan(r.metrics["mean_delay"]) for r in pooled if r.status == "error")


def test_time_limit_recorded_and_hard_limit_kills(faulty: None, monkeypatch: pytest.MonkeyPatch) -> None:
    args = dict(seeds=[0], sweep=Sweep("users", (2, 3)), overrides=SMALL)
    # In this process: the solver sleeps 0.6 s past a 0.2 s limit and is recorded as too late.
    late = run_bench("semantic-mec", ["fa", "faulty-hang"], options={"hang": 0.6}, time_limit=0.2, **args)
    assert [r.status for r in late] == ["converged", "converged", "converged", "time_limit"]
    assert late[-1].message.startswith("took 0.6") and "past the time limit of 0.2 s" in late[-1].message
    assert late[-1].feasible  # its answer is kept; the summaries leave it out
    # In workers: a solver asleep for a minute is killed at the hard limit (shortened here).
    monkeypatch.setattr(semopt.bench.pool, "HARD_LIMIT_FACTOR", 1.0)
    monkeypatch.setattr(semopt.bench.pool, "HARD_LIMIT_GRACE", 0.5)
    start = time.monotonic()
    killed = run_bench("semantic-mec", ["faulty-hang", "fa"], time_limit=0.2, workers=2, **args)
    assert time.monotonic() - start < 30
    assert [r.status for r in killed] == ["converged", "converged", "time_limit", "converged"]
    assert killed[2].message.startswith("killed after") and "time limit of 0.2 s" in killed[2].message
    summaries = {(s.value, s.solver): s for s in bench.summarize(killed)}
    assert summaries[3, "faulty-hang"].failure_share == 1.0 and math.isnan(summaries[3, "faulty-hang"].objective)


def test_run_bench_no_longer_raises_for_a_refusal() -> None:
    records = run_bench("semantic-mec", ["exhaustive"], seeds=1, overrides={"users": 4, **SMALL})
    assert [r.status for r in records] == ["refused"]
    assert records[0].message.startswith("Solver 'exhaustive' does not accept this SemanticOffloading")


# --- the journal: resume, interruption, truncation, mismatch ------------------------------------------------------


def test_ctrl_c_keeps_what_finished_and_the_printed_command_resumes(tmp_path: Path, faulty: None) -> None:
    out = tmp_path / "out"
    argv = ["bench", "semantic-mec", "--import", "_bench_faulty", "--solvers", "fa,slow", "--seeds", "4", *SMALL_ARGS,
            "--sweep", "users=2,3", "--option", "slow.pause=0.5", "--workers", "2", "--out", str(out)]
    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    proc = subprocess.Popen([sys.executable, "-m", "semopt.cli", *argv], cwd=tmp_path, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    journal = out / "records.csv"
    deadline = time.monotonic() + 90
    while not (journal.exists() and journal.read_text().count("\n") >= 2):  # the header and one run
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    (line,) = [x for x in err.splitlines() if x.startswith("interrupted: ")]
    kept = int(line.split()[1])
    assert f"interrupted: {kept} of 16 runs kept in {journal}; resume with: semopt bench " in line
    assert "Traceback" not in err
    rows = _rows(journal)
    assert 1 <= kept == len(rows) < 16 and journal.read_text().endswith("\n")

    command = shlex.split(line.split("resume with: ", 1)[1])
    assert command[:2] == ["semopt", "bench"]
    again = _cli(*command[1:], cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert f"resuming: skipped {kept} of 16 runs already in {journal}" in again.stdout
    finished = load(out)
    assert len(finished.records) == 16 and not finished.failures
    # What an uninterrupted run records (the pause does not change an answer).
    reference = run_bench("semantic-mec", ["fa", "slow"], seeds=4, sweep=Sweep("users", (2, 3)), overrides=SMALL,
                          options={"slow": {"pause": 0.0}})
    assert _same(finished.records, reference)


def test_resume_skips_done_runs_and_adds_solvers(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = dict(seeds=2, sweep="users=2,3", overrides=SMALL, out=out)
    first = run("semantic-mec", ["fa"], quiet=True, **args)
    buffer = io.StringIO()
    second = run("semantic-mec", ["fa", "uc"], console=Console(file=buffer, width=200), **args)
    assert "resuming: skipped 4 of 8 runs already in" in buffer.getvalue()
    # The fa runs were not redone: their solve times are those of the first benchmark.
    assert [r.solve_time for r in second.records if r.solver == "fa"] == [r.solve_time for r in first.records]
    assert [r.solver for r in second.records] == ["fa", "uc"] * 4
    assert json.loads((out / "bench.json").read_text())["solvers"] == ["fa", "uc"]
    assert len(_rows(out / "records.csv")) == 8
    assert {s.solver for s in load(out).summaries} == {"fa", "uc"}


def test_truncated_last_line_is_dropped_and_rerun(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = dict(seeds=2, sweep="users=2,3", overrides=SMALL, out=out)
    whole = run("semantic-mec", ["fa"], quiet=True, **args)
    journal = out / "records.csv"
    text = journal.read_text()
    journal.write_text(text[: text.rstrip("\r\n").rindex("\n") + 1] + "semantic-mec,users,3,1,f")  # killed mid-row
    buffer = io.StringIO()
    again = run("semantic-mec", ["fa"], console=Console(file=buffer, width=200), **args)
    printed = buffer.getvalue()
    assert "dropped the cut-short last line" in printed and "resuming: skipped 3 of 4 runs" in printed
    assert _same(again.records, whole.records)
    assert journal.read_text().count("\n") == 5 and "3,1,f\n" not in journal.read_text()


def test_other_configuration_is_refused_before_any_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    run("semantic-mec", ["fa", "uc"], seeds=2, overrides=SMALL, out=out, quiet=True)
    before = (out / "records.csv").read_bytes()
    monkeypatch.setattr(semopt.bench.runner, "run_instance", lambda *a, **k: pytest.fail("a run started"))
    cases = [
        (dict(seeds=3), "seeds [0, 1] there, [0, 1, 2] now"),
        (dict(overrides={**SMALL, "users": 3}), "overrides"),
        (dict(solvers=["fa"]), "solvers uc there but not now"),
        (dict(options={"fa": {"max_iter": 3}}), 'options of fa {} there, {"max_iter": 3} now'),
        (dict(time_limit=5.0), "time_limit null there, 5.0 now"),
        (dict(sweep="users=2,3"), "sweep null there"),
    ]
    for change, phrase in cases:
        kwargs = dict(dict(seeds=2, overrides=SMALL, solvers=["fa", "uc"]), **change)
        with pytest.raises(JournalError, match="another configuration") as info:
            run("semantic-mec", kwargs.pop("solvers"), out=out, quiet=True, **kwargs)
        assert phrase in str(info.value) and str(out) in str(info.value)
    assert (out / "records.csv").read_bytes() == before


def test_retry_failed_reruns_only_the_failures(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = dict(seeds=2, sweep="users=1,4", overrides=SMALL, out=out)
    first = run("semantic-mec", ["fa", "exhaustive"], quiet=True, **args)
    assert [r.status for r in first.failures] == ["refused", "refused"]
    buffer = io.StringIO()
    again = run("semantic-mec", ["fa", "exhaustive"], retry_failed=True, console=Console(file=buffer, width=200),
                **args)
    assert "resuming: skipped 6 of 8 runs" in buffer.getvalue()
    assert _same(again.records, first.records)
    assert len(_rows(out / "records.csv")) == 8  # rewritten in order, each run once


# --- checks before the first run ------------------------------------------------------------------------------------


def test_unwritable_out_exits_2_before_any_run(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               no_runs: None) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    line = _fails(capsys, ["bench", "semantic-mec", "--solvers", "fa", "--seeds", "1", *SMALL_ARGS,
                           "--out", str(blocker / "out")])
    assert "Cannot write the results into" in line and str(blocker / "out") in line


def test_a_folder_with_foreign_records_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  no_runs: None) -> None:
    (tmp_path / "records.csv").write_text("a,b\n1,2\n")
    line = _fails(capsys, ["bench", "semantic-mec", "--solvers", "fa", "--seeds", "1", *SMALL_ARGS,
                           "--out", str(tmp_path)])
    assert "has no bench.json beside it" in line


@pytest.mark.parametrize(
    ("extra", "phrase"),
    [
        (["--option", "bogus=1"], "No benchmarked solver declares the option 'bogus'; known options: fa:"),
        (["--option", "fa.bogus=1"], "Unknown option 'bogus' for solver 'fa'"),
        (["--option", "bcd.max_iter=3"], "Options are given for solver 'bcd', which is not benchmarked"),
        (["--option", "max_iter=0"], "The 'max_iter' option of solver 'fa' must be an integer"),
        (["--option", "fa.max_iter"], "--option expects KEY=VALUE"),
        (["--option", "seed=3"], "Do not give `seed` as a solver option"),
        (["--option", "max_iter=3", "--option", "max_iter=4"], "gives 'max_iter' twice"),
        (["--time-limit", "0"], "--time-limit must be a finite number of seconds > 0; got '0'."),
        (["--time-limit", "-2"], "got '-2'"),
        (["--time-limit", "inf"], "got 'inf'"),
        (["--time-limit", "soon"], "got 'soon'"),
        (["--retry-failed"], "give --out DIR"),
        (["--sweep", "users=2,0"], "Cannot sweep users=0"),
    ],
)
def test_option_and_time_limit_errors_exit_2_with_one_line(capsys: pytest.CaptureFixture[str], no_runs: None,
                                                           extra: list[str], phrase: str) -> None:
    line = _fails(capsys, ["bench", "semantic-mec", "--solvers", "fa,uc", "--seeds", "1", *SMALL_ARGS, *extra])
    assert phrase in line


def test_options_reach_the_solvers_and_the_manifest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = run("semantic-mec", ["fa", "bcd", "exhaustive"], seeds=1, overrides={"users": 2, **SMALL}, out=out,
                 quiet=True, options={"max_iter": 1, "bcd": {"max_iter": 2}}, time_limit=30)
    manifest = json.loads((out / "bench.json").read_text())
    # exhaustive declares no max_iter; bcd's own entry wins over the shared one.
    assert manifest["options"] == {"fa": {"max_iter": 1}, "bcd": {"max_iter": 2}}
    assert manifest["time_limit"] == 30.0
    direct = semopt.solve(semopt.scenarios.load("semantic-mec", users=2, seed=0, **SMALL), "fa", seed=0, max_iter=1)
    assert report.records[0].objective == direct.objective and report.records[0].message == direct.message


def test_resolve_options() -> None:
    problem = semopt.scenarios.load("semantic-mec", users=3)
    specs = {name: semopt.registry.get_solver(name, problem) for name in ("fa", "bcd", "exhaustive")}
    assert resolve_options(specs, None) == {}
    assert resolve_options(specs, {"tol": 0.5, "fa": {"tol": 0.1}}) == {"fa": {"tol": 0.1}, "bcd": {"tol": 0.5}}
    with pytest.raises(SolverError, match="Did you mean 'tol'"):
        resolve_options(specs, {"tool": 1})
    with pytest.raises(ArgumentError, match="--time-limit"):
        resolve_options(specs, {"time_limit": 1})
    with pytest.raises(ArgumentError, match="time_limit"):
        run_bench("semantic-mec", ["fa"], seeds=1, overrides={"users": 3}, time_limit=float("nan"))


# --- load -----------------------------------------------------------------------------------------------------------


def test_load_round_trip_and_table(tmp_path: Path) -> None:
    out = tmp_path / "out"
    ran = run("semantic-mec", ["fa", "exhaustive"], seeds=2, sweep="users=1,4", overrides=SMALL, out=out, quiet=True)
    loaded = load(out)
    assert loaded.scenario == "semantic-mec" and loaded.report == ran.report
    assert _same(loaded.records, ran.records)
    assert [r.solve_time for r in loaded.records] == [r.solve_time for r in ran.records]  # exact: repr round-trips
    assert [type(r.value) for r in loaded.records] == [int] * 8
    assert [repr(s) for s in loaded.summaries] == [repr(s) for s in ran.summaries]  # repr: NaN reads as NaN
    assert [repr(c) for c in loaded.comparisons] == [repr(c) for c in ran.comparisons]
    assert loaded.wall_time == pytest.approx(ran.wall_time)
    table = loaded.table()
    assert list(table) == ["scenario", "param", "value", "seed", "solver", "status", "feasible", "objective",
                           "solve_time", "mean_delay", "geomean_delay", "message", "panel", "history"]
    assert all(len(column) == 8 for column in table.values())
    assert table["objective"].dtype == float and table["feasible"].dtype == bool and table["seed"].dtype.kind == "i"
    assert list(table["value"]) == [1] * 4 + [4] * 4 and table["solver"][1] == "exhaustive"
    assert np.isnan(table["mean_delay"][-1]) and table["status"][-1] == "refused"
    frame = loaded.to_pandas()
    assert list(frame.columns) == list(table) and len(frame) == 8
    # Without its manifest, a folder still loads: the report is its scenario's family's, the order the file's.
    (out / "bench.json").unlink()
    bare = load(out)
    assert bare.report == ran.report and _same(bare.records, ran.records) and math.isnan(bare.wall_time)


def test_to_pandas_without_pandas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = run("semantic-mec", ["fa"], seeds=1, overrides={"users": 2, **SMALL}, quiet=True)
    monkeypatch.setitem(sys.modules, "pandas", None)  # `import pandas` now raises ImportError
    with pytest.raises(SemoptError, match="pip install pandas"):
        report.to_pandas()


def test_load_refuses_bad_folders(tmp_path: Path) -> None:
    with pytest.raises(JournalError, match="No benchmark folder at") as info:
        load(tmp_path / "missing")
    assert str(tmp_path / "missing") in str(info.value)
    with pytest.raises(JournalError, match="holds no records.csv"):
        load(tmp_path)
    journal = tmp_path / "records.csv"
    journal.write_text("x,y\n1,2\n")
    with pytest.raises(JournalError, match="is not a benchmark records file"):
        load(tmp_path)
    out = tmp_path / "bench"
    run("semantic-mec", ["fa"], seeds=2, overrides={"users": 2, **SMALL}, out=out, quiet=True)
    lines = (out / "records.csv").read_text().splitlines(keepends=True)
    (out / "records.csv").write_text(lines[0] + lines[1].replace(",0,fa,", ",zero,fa,") + lines[2])
    with pytest.raises(JournalError, match=r"line 2: seed 'zero' is not an integer"):
        load(out)
    (out / "records.csv").write_text(lines[0] + "semantic-mec,,,0,fa\n")
    with pytest.raises(JournalError, match="line 2: 5 cells where the header has 14"):
        load(out)
    assert issubclass(JournalError, SemoptError)


def test_interrupt_from_python_closes_the_journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    real = semopt.bench.runner.run_instance
    calls = 0

    def interrupted(instance: object, **kwargs: object) -> list[Record]:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise KeyboardInterrupt
        return real(instance, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(semopt.bench.runner, "run_instance", interrupted)
    with pytest.raises(KeyboardInterrupt) as info:
        run("semantic-mec", ["fa", "uc"], seeds=3, overrides={"users": 2, **SMALL}, out=out, quiet=True)
    assert isinstance(info.value, BenchInterrupted)
    assert (info.value.kept, info.value.total, info.value.path) == (2, 6, out / "records.csv")
    assert len(_rows(out / "records.csv")) == 2
    assert json.loads((out / "bench.json").read_text())["wall_time"] > 0


def test_two_benchmarks_cannot_write_one_folder(tmp_path: Path, no_runs: None) -> None:
    out = tmp_path / "out"
    plan = bench.prepare("semantic-mec", ["fa"], seeds=1, overrides={"users": 2, **SMALL})
    holder = Journal.open(out, plan)  # another benchmark, still running
    try:
        with pytest.raises(JournalError, match="Another `semopt bench` is writing into"):
            run("semantic-mec", ["fa"], seeds=1, overrides={"users": 2, **SMALL}, out=out, quiet=True)
    finally:
        holder.close()
