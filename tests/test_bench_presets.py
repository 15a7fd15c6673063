"""Presets: every paper figure runs in its quick form, with the paper's numbers beside ours."""

from __future__ import annotations

import csv
import math
import re

import pytest

import semopt
from semopt.bench import PresetError, Record, presets, run_preset
from semopt.bench.presets import Paper, Preset, ours
from semopt.cli import _bench_command, build_parser, main


@pytest.fixture(autouse=True)
def no_plots(monkeypatch: pytest.MonkeyPatch) -> None:
    """Figures cost a second each: the quick runs below check the numbers; one test draws a preset's figures."""
    monkeypatch.setattr(semopt.bench, "_figures", lambda *args, **kwargs: [])


@pytest.mark.parametrize("name", presets.names())
def test_every_preset_runs_quick_and_reads_every_paper_number(name: str) -> None:
    preset = presets.get(name)
    report = run_preset(name, quick=True, quiet=True)
    assert report.preset == name
    assert report.records and not report.failures
    # Every paper number has ours beside it, finite: the quick form keeps the sweep points the paper reads.
    assert [row.what for row in report.paper] == [p.what for p in preset.paper]
    assert all(math.isfinite(row.semopt) for row in report.paper), [r for r in report.paper if math.isnan(r.semopt)]
    # The quick form is the preset shrunk, not another study: same scenario, solvers among the preset's.
    quick = preset.request(quick=True)
    assert set(quick["solvers"]) <= set(preset.solvers)
    assert [s.partition("=")[0] for s in quick["sweep"]] == [s.partition("=")[0] for s in preset.sweeps]


def test_presets_are_listed_one_line_each(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--list-presets"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == presets.names()
    assert all(presets.get(line.split()[0]).figure in line for line in lines)


@pytest.mark.parametrize(("argv", "match"), [
    (["bench", "--preset", "zheng-usrs"], "Unknown preset 'zheng-usrs'; presets: zheng-convergence.*Did you mean"),
    (["bench", "--preset", "zheng-users", "--sweep", "users=3"], "sets --sweep itself"),
    (["bench", "semantic-mec", "--preset", "zheng-users", "--solvers", "fa"], "sets SCENARIO, --solvers itself"),
    (["bench", "--preset", "zheng-users", "--history"], "sets --history itself"),
    (["bench", "semantic-mec", "--solvers", "fa", "--quick"], "--quick shrinks a preset"),
    (["bench", "semantic-mec"], "needs --solvers"),
])
def test_preset_misuse_is_one_line_naming_what_is_wrong(argv, match, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert re.search(match, err), err


def test_run_preset_refuses_what_the_preset_sets() -> None:
    with pytest.raises(PresetError, match="sets solvers, sweep itself"):
        run_preset("zheng-users", solvers=["fa"], sweep="users=3")
    with pytest.raises(PresetError, match="Unknown preset"):
        semopt.bench.run("semantic-mec", ["fa"], seeds=1, preset="nope", quiet=True)


def _rec(solver: str, value: object, objective: float, panel=(), seed: int = 0) -> Record:
    return Record("s", "x", value, seed, solver, "converged", True, objective, 0.1, {"m": objective / 10},
                  panel=panel)


def test_paper_numbers_are_read_from_the_runs_they_name() -> None:
    m3, m1 = (("exits", 3),), (("exits", 1),)
    records = [_rec("a", 1, 110.0, m3), _rec("b", 1, 100.0, m3), _rec("a", 2, 120.0, m3), _rec("b", 2, 100.0, m3),
               _rec("a", 1, 100.0, m1), _rec("a", 2, 100.0, m1)]
    # A gain is averaged over the sweep, as the papers average theirs; at a value, read there only.
    assert ours(Paper("", 0, "objective", "a", baseline="b", panel=m3), records) == pytest.approx(15.0)
    assert ours(Paper("", 0, "objective", "a", baseline="b", panel=m3, at=2), records) == pytest.approx(20.0)
    assert ours(Paper("", 0, "objective", "a", panel=m3, baseline_panel=m1), records) == pytest.approx(15.0)
    # Less is better for a "min" metric: a gain is then a reduction.
    assert ours(Paper("", 0, "m", "b", baseline="a", panel=m3, better="min"), records) == pytest.approx(
        (10 / 110 + 20 / 120) / 2 * 100)
    # A value, scaled into the paper's unit; at a missing point, or for a solver not run, NaN.
    assert ours(Paper("", 0, "m", "a", panel=m3, at=1, scale=1e3), records) == pytest.approx(11_000.0)
    assert math.isnan(ours(Paper("", 0, "m", "a", panel=m3, at=7), records))
    assert math.isnan(ours(Paper("", 0, "m", "zzz"), records))
    # Failed runs are left out, as in the summaries.
    failed = [*records, Record("s", "x", 1, 1, "b", "error", False, math.nan, 0.0, {}, panel=m3)]
    assert ours(Paper("", 0, "objective", "a", baseline="b", panel=m3), failed) == pytest.approx(15.0)


def test_a_preset_folder_keeps_its_paper_and_redraws_it(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # draw the figures here
    out = tmp_path / "fig"
    report = run_preset("qoe-preferences", quick=True, seeds=1, out=out, quiet=True)
    with (out / "paper.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [row["what"] for row in rows] == [row.what for row in report.paper]
    assert float(rows[0]["paper"]) == 0.523
    # Values the paper prints at sweep points are drawn dashed, named in the legend.
    assert "paper: MAPPO" in (out / "mean_accuracy.svg").read_text()
    loaded = semopt.bench.load(out)
    assert loaded.preset == "qoe-preferences" and loaded.paper == report.paper
    again = tmp_path / "again"
    assert main(["plot", str(out), "--to", str(again)]) == 0
    assert "paper: MAPPO" in (again / "mean_accuracy.svg").read_text()


def test_a_gain_is_written_under_its_figure(tmp_path) -> None:
    preset = presets.get("zheng-users")
    records = [_rec("bcd", 4, 11.0, (("exits", 3),)), _rec("fa", 4, 10.0, (("exits", 3),))]
    notes = presets.figure_notes(preset, presets.paper_rows(preset, records))
    assert "bcd over fa (M=3): paper 8.2%, semopt 10%" in notes["objective"]


def test_the_catalogue_is_well_formed() -> None:
    for preset in presets.PRESETS.values():
        assert isinstance(preset, Preset) and preset.figure and preset.summary and preset.notes
        semopt.bench.prepare(preset.scenario, list(preset.solvers), seeds=1,
                             sweep=[semopt.bench.parse_sweep(s) for s in preset.sweeps],
                             overrides=dict(preset.overrides), options=dict(preset.options))
        for p in preset.paper:
            assert p.solver in preset.solvers and p.source, (preset.name, p)


def test_an_interrupted_preset_is_resumed_by_the_same_preset_command() -> None:
    args = build_parser().parse_args(["bench", "--preset", "zheng-users", "--quick", "--seeds", "3", "--out", "R",
                                      "--workers", "2"])
    assert _bench_command(args) == "semopt bench --preset zheng-users --quick --seeds 3 --workers 2 --out R"
