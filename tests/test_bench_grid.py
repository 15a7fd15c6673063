"""Grid sweeps: several swept parameters, every combination run, read back, resumed, tabled and drawn in panels."""

from __future__ import annotations

import csv
import io
import math

import pytest
from rich.console import Console

import semopt
from semopt.bench import Sweep, SweepError, load, parse_sweep, run, run_bench, summarize
from semopt.bench.plots import Reference, plot_metric
from semopt.bench.stats import confidence_half_width, metric_half_width
from semopt.cli import main

SMALL = {"base_stations": 2, "subcarriers": 4}
GRID = [parse_sweep("users=3,4"), parse_sweep("exits=1,2"), parse_sweep("edge_capacity=1e9,2e9")]


@pytest.fixture
def no_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Figures cost a second each; the tests that read a folder's CSV files skip them."""
    monkeypatch.setattr(semopt.bench, "_figures", lambda *args, **kwargs: [])


def test_every_combination_runs_on_the_instance_it_names() -> None:
    records = run_bench("semantic-mec", ["fa", "uc"], seeds=2, sweep=GRID, overrides=SMALL)
    assert len(records) == 2 * 2 * 2 * 2 * 2
    points = list(dict.fromkeys((r.value, r.panel) for r in records))
    assert points == [(users, (("exits", exits), ("edge_capacity", capacity)))
                      for users in (3, 4) for exits in (1, 2) for capacity in (1e9, 2e9)]
    assert all(r.param == "users" for r in records)
    # Each record is the run of its own instance: the panel's values reach the scenario.
    record = next(r for r in records if r.value == 4 and r.panel == (("exits", 2), ("edge_capacity", 1e9))
                  and r.seed == 1 and r.solver == "uc")
    problem = semopt.scenarios.load("semantic-mec", users=4, exits=2, edge_capacity=1e9, seed=1, **SMALL)
    assert record.objective == pytest.approx(semopt.solve(problem, "uc", seed=1).objective, rel=1e-12)


def test_a_grid_is_the_same_on_every_executor() -> None:
    args = dict(seeds=2, sweep=GRID[:2], overrides=SMALL)
    one = run_bench("semantic-mec", ["fa"], **args)
    two = run_bench("semantic-mec", ["fa"], workers=2, **args)
    strip = [(r.value, r.panel, r.seed, r.solver, r.objective, r.metrics) for r in one]
    assert strip == [(r.value, r.panel, r.seed, r.solver, r.objective, r.metrics) for r in two]


def test_a_grid_folder_reads_back_typed_and_resumes(tmp_path, no_figures) -> None:
    grid = [parse_sweep("users=3"), Sweep("edge_capacity", (1.0e9, 2e9)), Sweep("fading", (True, False))]
    first = run("semantic-mec", ["fa"], seeds=2, sweep=grid, overrides=SMALL, out=tmp_path, quiet=True)
    again = load(tmp_path)
    assert [(r.value, r.panel) for r in again.records] == [(r.value, r.panel) for r in first.records]
    assert {type(v) for r in again.records for _, v in r.panel} == {float, bool}
    # The panel column is one cell: "param=value; param=value".
    rows = list(csv.DictReader(io.StringIO((tmp_path / "records.csv").read_text())))
    assert rows[0]["panel"] == "edge_capacity=1000000000.0; fading=True"
    # Run again: every run is in the journal, none is redone; a solver added runs alone.
    out = io.StringIO()
    resumed = run("semantic-mec", ["fa", "uc"], seeds=2, sweep=grid, overrides=SMALL, out=tmp_path,
                  console=Console(file=out, width=200))
    assert "skipped 8 of 16 runs" in out.getvalue()
    assert [r.objective for r in resumed.records if r.solver == "fa"] == [r.objective for r in first.records]
    # Another grid is another benchmark: the folder says what differs.
    with pytest.raises(semopt.bench.JournalError, match="panels"):
        run("semantic-mec", ["fa"], seeds=2, sweep=grid[:2], overrides=SMALL, out=tmp_path, quiet=True)


@pytest.mark.parametrize(("sweep", "overrides", "match"), [
    ([parse_sweep("users=3,4"), parse_sweep("users=5")], {}, "'users' is swept twice"),
    ([parse_sweep("users=3"), parse_sweep("exits=1,2")], {"exits": 2}, "'exits' is both swept and set"),
    ([parse_sweep("users=3"), parse_sweep("exit=1,2")], {}, "Cannot sweep 'exit'.*Did you mean 'exits'"),
    ([parse_sweep("users=3"), parse_sweep("exits=0,1")], {}, r"Cannot sweep exits=0"),
    ([parse_sweep("users=3"), "exits=1"], {}, "a list of them for a grid"),
])
def test_bad_grids_are_refused_before_any_run(sweep, overrides, match) -> None:
    with pytest.raises(SweepError, match=match):
        run_bench("semantic-mec", ["fa"], seeds=1, sweep=sweep, overrides=overrides)


def test_summaries_carry_each_metrics_confidence_half_width() -> None:
    records = run_bench("semantic-mec", ["fa"], seeds=3, sweep=GRID[:2], overrides=SMALL)
    for summary in summarize(records):
        mine = [r for r in records if (r.value, r.panel) == (summary.value, summary.panel)]
        delays = [r.metrics["mean_delay"] for r in mine]
        assert summary.metric_ci["mean_delay"] == pytest.approx(confidence_half_width(delays))
        logs = [math.log(r.metrics["geomean_delay"]) for r in mine]
        assert summary.metric_ci["geomean_delay"] == pytest.approx(
            summary.metrics["geomean_delay"] * confidence_half_width(logs))
    assert math.isnan(metric_half_width("geomean_delay", [1.0, -1.0]))


def test_the_command_line_sweeps_a_grid(capsys, tmp_path) -> None:
    argv = ["bench", "semantic-mec", "--solvers", "fa", "--seeds", "2", "--sweep", "users=3,4",
            "--sweep", "exits=1,2", "--set", "base_stations=2", "--set", "subcarriers=4", "--out", str(tmp_path)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    header = next(line for line in out.splitlines() if "users" in line and "solver" in line)
    assert header.index("users") < header.index("exits") < header.index("solver")
    # One panel per value of the second parameter, each titled by it.
    svg = (tmp_path / "mean_delay.svg").read_text()
    assert "exits=1" in svg and "exits=2" in svg


def test_panels_draw_their_own_curves_and_the_papers_numbers(tmp_path) -> None:
    records = run_bench("semantic-mec", ["fa"], seeds=2, sweep=GRID[:2], overrides=SMALL)
    paper = Reference("mean_delay", "paper: FA", ((3, 0.01), (4, 0.02)), solver="fa", panel=(("exits", 2),))
    (svg,) = plot_metric(summarize(records), tmp_path, "mean_delay", formats=("svg",), references=[paper])
    text = svg.read_text()
    assert text.count("paper: FA") == 1  # drawn on its panel, named once in the one legend


def test_a_folder_from_before_grids_still_loads_and_resumes(tmp_path, no_figures) -> None:
    first = run("semantic-mec", ["fa"], seeds=2, sweep="users=3,4", overrides=SMALL, out=tmp_path, quiet=True)
    # Written before grids and histories: no panel or history column, no such keys in the manifest.
    rows = list(csv.reader(io.StringIO((tmp_path / "records.csv").read_text(), newline="")))
    cut = rows[0].index("panel")
    with (tmp_path / "records.csv").open("w", newline="") as fh:
        csv.writer(fh).writerows(row[:cut] for row in rows)
    manifest = (tmp_path / "bench.json").read_text()
    for key in ("panels", "history", "preset"):
        manifest = manifest.replace(f'"{key}": null,\n', "").replace(f'  "{key}": null,\n', "")
    (tmp_path / "bench.json").write_text(manifest)
    assert '"panels"' not in manifest
    assert [(r.value, r.panel, r.history, r.objective) for r in load(tmp_path).records] == [
        (r.value, (), (), r.objective) for r in first.records]
    out = io.StringIO()
    run("semantic-mec", ["fa"], seeds=2, sweep="users=3,4", overrides=SMALL, out=tmp_path,
        console=Console(file=out, width=200))
    assert "skipped 4 of 4 runs" in out.getvalue()
