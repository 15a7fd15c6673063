"""semopt.bench: sweep parsing, table arithmetic, CSV and plots, and the runner's executors."""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import pickle
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

import semopt
from semopt.bench import (
    ArgumentError,
    Record,
    Sweep,
    SweepError,
    compare,
    parse_assignments,
    parse_sweep,
    parse_value,
    run_bench,
    summarize,
    write_csv,
)
from semopt.bench.plots import OBJECTIVE, plot_all, plot_specs
from semopt.bench.records import Metric, report_of
from semopt.bench.render import improvement_caption, print_comparison, print_summary, progress_lines
from semopt.bench.runner import scenario_report
from semopt.bench.stats import (
    Comparison,
    Summary,
    aggregate,
    confidence_half_width,
    geometric_mean,
    improvement_pct,
    increase_pct,
    metric_improvement_pct,
    reduction_pct,
)
from semopt.errors import ScenarioError, SemoptError, SolverError
from semopt.problems.offloading import SemanticOffloading

# t_{0.975, 2} = 4.302652729..., so the 95 % half-width of [1, 2, 3] (s = 1, n = 3) is t / sqrt(3).
HALF_WIDTH_123 = 4.302652729749464 / math.sqrt(3)

DELAY_REPORT = (Metric("mean_delay", "mean delay (s)", "min"), Metric("geomean_delay", "geomean delay (s)", "min"))
"""Semantic offloading's report, as the hand-made records below carry it."""


def _needs_solvers() -> list[str]:
    """Solvers to run (bcd plus the baselines present); skip while the solvers have not landed."""
    available = semopt.available_solvers(semopt.scenarios.load("semantic-mec", users=4, seed=0))
    if "bcd" not in available:
        pytest.skip("solver 'bcd' is not registered yet")
    return ["bcd"] + [name for name in ("fa", "uc") if name in available]


# --- values and sweeps ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("20", 20), ("-3", -3), ("2.5", 2.5), ("3.2e7", 3.2e7), ("true", True), ("False", False),
     ("eq8", "eq8"), (" 7 ", 7)],
)
def test_parse_value(text: str, expected: object) -> None:
    value = parse_value(text)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("spec", "values"),
    [
        ("users=5:40:5", (5, 10, 15, 20, 25, 30, 35, 40)),
        ("users=5:42:5", (5, 10, 15, 20, 25, 30, 35, 40)),
        ("users = 3:3:1", (3,)),
        ("bandwidth=1e6:2e6:0.5e6", (1_000_000, 1_500_000, 2_000_000)),
        ("power=0.1:0.3:0.1", (0.1, 0.2, 0.3)),
        ("power=1:2:0.5", (1.0, 1.5, 2.0)),
        ("users=10", (10,)),
        ("users=4,8,16", (4, 8, 16)),
        ("fading=true,false", (True, False)),
        ("reward=eq8,priority", ("eq8", "priority")),
    ],
)
def test_parse_sweep(spec: str, values: tuple[object, ...]) -> None:
    sweep = parse_sweep(spec)
    assert sweep == Sweep(spec.split("=")[0].strip(), values)
    assert [type(v) for v in sweep.values] == [type(v) for v in values]


@pytest.mark.parametrize(
    ("spec", "quoted"),
    [
        ("users", "'users'"),
        ("=1:2:1", "'=1:2:1'"),
        ("users=", "'users='"),
        ("users=a:3:1", "'a'"),
        ("users=1:nan:1", "'nan'"),
        ("users=1:3", "'1:3'"),
        ("users=1:3:0", "'0'"),
        ("users=1:3:-1", "'-1'"),
        ("users=5:1:1", "lo='5', hi='1'"),
        ("users=1:1e9:1", "'1'"),
        ("users=1,,2", "empty item"),
        ("users=1,2,1", "value 1 appears twice"),
    ],
)
def test_parse_sweep_errors(spec: str, quoted: str) -> None:
    with pytest.raises(SweepError) as info:
        parse_sweep(spec)
    assert isinstance(info.value, SemoptError) and isinstance(info.value, ValueError)
    assert quoted in str(info.value)


def test_parse_assignments() -> None:
    assert parse_assignments(["users=4", "fading=false", "reward=priority", "bandwidth=2e7"]) == {
        "users": 4, "fading": False, "reward": "priority", "bandwidth": 2e7,
    }
    assert parse_assignments(None) == {}


@pytest.mark.parametrize("texts", [["users"], ["=3"], ["users="], ["users=4", "users=5"]])
def test_parse_assignments_errors(texts: list[str]) -> None:
    with pytest.raises(ArgumentError, match="--option"):
        parse_assignments(texts, flag="--option")


# --- table arithmetic -----------------------------------------------------------------------------


def _record(
    solver: str, value: int, seed: int, objective: float, delay: float, feasible: bool = True
) -> Record:
    """A hand-made record whose geomean delay is half its mean delay."""
    return Record("toy", "users", value, seed, solver, "converged", feasible, objective, 0.01,
                  {"mean_delay": delay, "geomean_delay": delay / 2})


def _render(draw: Callable[..., None], *args: Any, **kwargs: Any) -> str:
    """What ``draw(*args, **kwargs, console=...)`` prints, on a wide console."""
    buffer = io.StringIO()
    draw(*args, **kwargs, console=Console(file=buffer, width=200))
    return buffer.getvalue()


def _same_records(a: list[Record], b: list[Record]) -> bool:
    """Equal but for solve_time, NaN equal to NaN (a pickled NaN is another object, so ``==`` fails on it)."""
    def key(r: Record) -> tuple:
        fixed = dataclasses.replace(r, solve_time=0.0, metrics={})
        return fixed, [(k, "nan" if math.isnan(v) else v) for k, v in r.metrics.items()]
    return [key(r) for r in a] == [key(r) for r in b]


def test_confidence_half_width() -> None:
    assert confidence_half_width([1.0, 2.0, 3.0]) == pytest.approx(HALF_WIDTH_123, rel=1e-9)
    assert confidence_half_width([5.0, 5.0, 5.0]) == 0.0
    assert math.isnan(confidence_half_width([1.0]))
    assert math.isnan(confidence_half_width([1.0, math.inf]))
    # 99 % is wider than 95 %.
    assert confidence_half_width([1.0, 2.0, 3.0], 0.99) > HALF_WIDTH_123
    with pytest.raises(ValueError, match="confidence"):
        confidence_half_width([1.0, 2.0], 1.5)


def test_geometric_mean() -> None:
    assert geometric_mean([1.0, 4.0]) == pytest.approx(2.0)
    assert geometric_mean([2.0, 8.0, 4.0]) == pytest.approx(4.0)
    assert geometric_mean([1.0, math.inf]) == math.inf
    assert math.isnan(geometric_mean([]))


def test_improvement_reduction_and_increase() -> None:
    assert improvement_pct(110.0, 100.0) == pytest.approx(10.0)
    assert improvement_pct(90.0, 100.0) == pytest.approx(-10.0)
    # |mean_b| in the denominator: a less negative objective is an improvement.
    assert improvement_pct(-90.0, -100.0) == pytest.approx(10.0)
    assert math.isnan(improvement_pct(1.0, 0.0))
    assert reduction_pct(0.25, 0.5) == pytest.approx(50.0)
    assert reduction_pct(0.75, 0.5) == pytest.approx(-50.0)
    assert math.isnan(reduction_pct(0.1, 0.0))
    assert increase_pct(0.75, 0.5) == pytest.approx(50.0)
    assert increase_pct(0.25, 0.5) == pytest.approx(-50.0)
    assert math.isnan(increase_pct(0.1, 0.0))


def test_metric_improvement_is_direction_aware() -> None:
    lower, higher = 0.4, 0.8
    # Lower is better for a delay: 100 (1 - a/b); higher is better for a fidelity: 100 (a/b - 1).
    assert metric_improvement_pct(lower, higher, ("mean_delay", "mean delay (s)", "min")) == pytest.approx(50.0)
    assert metric_improvement_pct(higher, lower, ("mean_delay", "mean delay (s)", "min")) == pytest.approx(-100.0)
    assert metric_improvement_pct(higher, lower, ("jain", "Jain index", "max")) == pytest.approx(100.0)
    assert metric_improvement_pct(lower, higher, ("jain", "Jain index", "max")) == pytest.approx(-50.0)
    with pytest.raises(ValueError, match="'min' or 'max'"):
        metric_improvement_pct(1.0, 2.0, ("jain", "Jain index", "up"))


def test_improvement_keeps_its_sign_against_a_negative_baseline() -> None:
    # A penalised reward can be negative: beating -100 with 10 is an improvement, not a -110 % one.
    reward = ("reward_eq12", "eq-12 reward", "max")
    cost = ("cost", "cost", "min")
    assert metric_improvement_pct(10.0, -100.0, reward) == pytest.approx(110.0)
    assert metric_improvement_pct(-100.0, 10.0, reward) == pytest.approx(-1100.0)
    assert metric_improvement_pct(-200.0, -100.0, reward) == pytest.approx(-100.0)
    assert metric_improvement_pct(-200.0, -100.0, cost) == pytest.approx(100.0)
    assert metric_improvement_pct(-50.0, -100.0, cost) == pytest.approx(-50.0)


def test_aggregate_keeps_geometric_means_geometric() -> None:
    assert aggregate("mean_delay", [0.1, 0.4]) == pytest.approx(0.25)
    assert aggregate("geomean_delay", [0.1, 0.4]) == pytest.approx(0.2)
    assert aggregate("jain", [0.5, 1.0]) == pytest.approx(0.75)
    assert math.isnan(aggregate("jain", [0.5, math.nan]))


def test_improvement_caption_names_the_metric() -> None:
    assert improvement_caption(DELAY_REPORT[0]) == "mean-delay reduction %"
    assert improvement_caption(("jain", "Jain index", "max")) == "Jain-index increase %"
    assert improvement_caption(("nash_gap_relative", "Nash gap (rel.)", "min")) == "Nash-gap reduction %"
    assert improvement_caption(("settling_time", "settling (frames)", "min")) == "settling reduction %"


def test_summarize_and_compare_on_hand_made_records() -> None:
    records = [
        *(_record("a", 5, s, obj, d) for s, (obj, d) in enumerate([(1.0, 0.1), (2.0, 0.2), (3.0, 0.4)])),
        *(_record("b", 5, s, obj, 0.4, feasible=s != 0) for s, obj in enumerate([1.0, 1.0, 1.0])),
        *(_record("a", 10, s, 4.0, 0.5) for s in range(2)),
        *(_record("b", 10, s, 5.0, 1.0) for s in range(2)),
    ]
    summaries = summarize(records)
    assert [(s.value, s.solver, s.n) for s in summaries] == [
        (5, "a", 3), (5, "b", 3), (10, "a", 2), (10, "b", 2),
    ]
    a5, b5, a10, b10 = summaries
    assert a5.objective == pytest.approx(2.0)
    assert a5.objective_ci == pytest.approx(HALF_WIDTH_123)
    assert list(a5.metrics) == ["mean_delay", "geomean_delay"]
    assert a5.metrics["mean_delay"] == pytest.approx(0.7 / 3)
    # Geometric mean of the per-instance geomean delays (0.05, 0.1, 0.2).
    assert a5.metrics["geomean_delay"] == pytest.approx(0.1)
    assert a5.solve_time == pytest.approx(0.01)
    assert a5.feasible_share == 1.0
    assert b5.feasible_share == pytest.approx(2 / 3)
    assert b5.objective_ci == 0.0

    comparisons = compare(summaries, DELAY_REPORT)
    assert [(c.value, c.solver, c.baseline) for c in comparisons] == [
        (5, "a", "b"), (5, "b", "a"), (10, "a", "b"), (10, "b", "a"),
    ]
    ab5, ba5, ab10, _ = comparisons
    assert {c.metric for c in comparisons} == {"mean_delay"}  # the report's first metric
    assert ab5.objective_pct == pytest.approx(100.0)  # 100 (2 - 1) / |1|
    assert ba5.objective_pct == pytest.approx(-50.0)  # 100 (1 - 2) / |2|
    assert ab5.improvement_pct == pytest.approx(100.0 * (1 - (0.7 / 3) / 0.4))
    assert ab10.objective_pct == pytest.approx(-20.0)
    assert ab10.improvement_pct == pytest.approx(50.0)
    assert compare(summarize(records[:3]), DELAY_REPORT) == []
    # No report metric: the objective alone is compared.
    (bare, _) = compare(summaries[:2], ())
    assert bare.metric == "" and math.isnan(bare.improvement_pct) and bare.objective_pct == pytest.approx(100.0)


def test_compare_follows_the_metric_direction() -> None:
    """The same numbers read as a loss for a "min" metric and as a gain for a "max" one."""
    rows = [Record("toy", None, None, 0, "a", "converged", True, 1.0, 0.0, {"m": 0.9}),
            Record("toy", None, None, 0, "b", "converged", True, 1.0, 0.0, {"m": 0.6})]
    summaries = summarize(rows)
    (as_min, _) = compare(summaries, [("m", "m", "min")])
    (as_max, _) = compare(summaries, [("m", "m", "max")])
    assert as_min.improvement_pct == pytest.approx(-50.0)  # 100 (1 - 0.9/0.6)
    assert as_max.improvement_pct == pytest.approx(50.0)  # 100 (0.9/0.6 - 1)


def test_summarize_marks_missing_metrics_nan() -> None:
    rows = [_record("a", 5, 0, 1.0, 0.2), dataclasses.replace(_record("a", 5, 1, 1.0, 0.2), metrics={})]
    (summary,) = summarize(rows)
    assert math.isnan(summary.metrics["mean_delay"]) and math.isnan(summary.metrics["geomean_delay"])


def test_summarize_leaves_failed_runs_out_of_the_means() -> None:
    """Refused, crashed and late runs count in n and failure_share, and in no mean, interval or share."""
    ok = [_record("a", 5, s, obj, d) for s, (obj, d) in enumerate([(1.0, 0.1), (2.0, 0.2), (3.0, 0.4)])]
    failed = [dataclasses.replace(_record("a", 5, 3 + i, 1e9, 9.0, feasible=i == 2), status=status, solve_time=60.0)
              for i, status in enumerate(("refused", "error", "time_limit"))]
    (summary,) = summarize(ok + failed)
    (clean,) = summarize(ok)
    assert summary.n == 6 and summary.failure_share == pytest.approx(0.5) and clean.failure_share == 0.0
    assert summary == dataclasses.replace(clean, n=6, failure_share=0.5)
    # A solver with nothing but failures: NaN everywhere but its shares.
    (none,) = summarize(failed)
    assert none.failure_share == 1.0 and math.isnan(none.objective) and math.isnan(none.solve_time)
    assert math.isnan(none.feasible_share) and math.isnan(none.metrics["mean_delay"])
    out = _render(print_summary, summarize(ok + failed) + summarize(
        [dataclasses.replace(r, solver="b") for r in failed]), report=DELAY_REPORT)
    header = next(line for line in out.splitlines() if "solver" in line)
    assert header.rstrip(" ┃│").endswith("feasible ┃ failed")
    assert "50%" in out and "100%" in out and "n/a" in out


def test_print_summary_has_one_column_per_report_metric() -> None:
    summaries = summarize([_record(s, 5, seed, 1.0 + seed, 0.2) for s in "ab" for seed in (0, 1)])
    out = _render(print_summary, summaries, report=DELAY_REPORT)
    header = next(line for line in out.splitlines() if "solver" in line)
    titles = ["users", "solver", "n", "objective ± 95% CI", "mean delay (s)", "geomean delay (s)", "time (s)",
              "feasible"]
    assert [header.index(t) for t in titles] == sorted(header.index(t) for t in titles)
    assert "0.2 " in out and "0.1 " in out  # the mean and geomean delays
    game = [("jain", "Jain index", "max"), ("mean_fidelity", "fidelity", "max")]
    rows = [dataclasses.replace(s, metrics={"jain": 0.98, "mean_fidelity": 0.7}) for s in summaries]
    out = _render(print_summary, rows, report=game)
    assert "Jain index" in out and "fidelity" in out and "delay" not in out
    # Without a report, the metrics are titled by their keys.
    assert "mean_fidelity" in _render(print_summary, rows)


def test_print_comparison_caption_names_the_first_metric() -> None:
    summaries = summarize([_record(s, 5, 0, 1.0, d) for s, d in (("a", 0.2), ("b", 0.4))])
    out = _render(print_comparison, compare(summaries, DELAY_REPORT), report=DELAY_REPORT)
    assert "objective change % / mean-delay reduction %" in out  # as before the reports, for semantic-mec
    assert "+0.0% / +50.0%" in out and "+0.0% / -100.0%" in out
    game = [("jain", "Jain index", "max")]
    rows = [dataclasses.replace(s, metrics={"jain": j}) for s, j in zip(summaries, (0.9, 0.6), strict=True)]
    out = _render(print_comparison, compare(rows, game), report=game)
    assert "objective change % / Jain-index increase %" in out
    assert "+0.0% / +50.0%" in out and "+0.0% / -33.3%" in out
    bare = _render(print_comparison, compare(rows, ()))
    assert bare.splitlines()[-1].strip() == "objective change %" and "+0.0% │" in bare  # no metric part


FIXED_RECORD_COLUMNS = ["scenario", "param", "value", "seed", "solver", "status", "feasible", "objective",
                        "solve_time"]


def test_write_csv_round_trip(tmp_path: Path) -> None:
    no_sweep = dataclasses.replace(_record("b", 5, 1, 2.0, 0.2), param=None, value=None)
    rows = [_record("a", 5, 0, 1.5, 0.1), no_sweep]
    path = write_csv(tmp_path / "records.csv", Record, rows)
    with path.open(newline="") as fh:
        read = list(csv.DictReader(fh))
    # One column per report metric, after the fixed ones, then the message.
    assert list(read[0]) == [*FIXED_RECORD_COLUMNS, "mean_delay", "geomean_delay", "message", "panel", "history"]
    assert read[0]["objective"] == "1.5" and read[0]["value"] == "5" and read[0]["feasible"] == "True"
    assert read[0]["mean_delay"] == "0.1" and read[0]["geomean_delay"] == "0.05"
    assert read[1]["param"] == "" and read[1]["value"] == ""
    # Given metric keys fix the columns: a missing one is NaN, an unlisted one is left out.
    path = write_csv(tmp_path / "chosen.csv", Record, rows, metrics=["geomean_delay", "jain"])
    header, first, _ = path.read_text().splitlines()
    assert header.split(",") == [*FIXED_RECORD_COLUMNS, "geomean_delay", "jain", "message", "panel", "history"]
    assert first.endswith(",0.05,nan,,,")
    summary = write_csv(tmp_path / "summary.csv", Summary, summarize(rows))
    assert summary.read_text().splitlines()[0].endswith(
        ",feasible_share,failure_share,mean_delay,geomean_delay,mean_delay_ci,geomean_delay_ci,panel")
    empty = write_csv(tmp_path / "comparison.csv", Comparison, [])
    assert empty.read_text().strip() == ",".join(f.name for f in dataclasses.fields(Comparison))
    with pytest.raises(ValueError, match="clash"):
        write_csv(tmp_path / "bad.csv", Record, rows, metrics=["objective"])


def test_plots_written(tmp_path: Path) -> None:
    records = [_record(s, v, seed, v + seed, 0.1) for v in (5, 10) for s in "ab" for seed in (0, 1)]
    summaries = summarize(records)
    paths = plot_all(summaries, tmp_path / "figs", DELAY_REPORT)
    stems = ["objective", "mean_delay", "geomean_delay"]
    assert sorted(p.name for p in paths) == sorted(f"{n}.{f}" for n in stems for f in ("png", "svg"))
    assert all(p.stat().st_size > 0 for p in paths)
    one_seed = [dataclasses.replace(s, param=None, value=None, objective_ci=math.nan) for s in summaries[:2]]
    assert all(p.exists() for p in plot_all(one_seed, tmp_path / "no-sweep"))


def test_plot_specs_follow_the_report() -> None:
    specs = plot_specs(scenario_report("semantic-game"))
    assert list(specs) == ["objective", "jain", "mean_fidelity", "mean_energy", "mean_latency", "nash_gap_relative"]
    assert specs["objective"] == OBJECTIVE
    assert specs["jain"].label == "Jain index" and specs["mean_energy"].label == "energy (J)"
    summary = summarize([Record("toy", None, None, 0, "a", "converged", True, 2.0, 0.0, {"jain": 0.9})])[0]
    assert specs["jain"].value(summary) == 0.9 and specs["objective"].value(summary) == 2.0
    assert math.isnan(specs["mean_energy"].value(summary))
    # Without a report, the summaries' own metrics, labelled by their keys.
    assert {name: s.label for name, s in plot_specs(None, [summary]).items() if s.metric} == {"jain": "jain"}


# --- the runner -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"scenario": "no-such-scenario"}, ScenarioError, "known scenarios"),
        ({"overrides": {"userz": 4}}, ScenarioError, "known overrides"),
        ({"overrides": {"seed": 3}}, ScenarioError, "seed"),
        ({"sweep": Sweep("userz", (4, 5))}, SweepError, "Did you mean 'users'"),
        ({"sweep": Sweep("seed", (1, 2))}, SweepError, "seed"),
        ({"sweep": Sweep("users", (4, 5)), "overrides": {"users": 4}}, SweepError, "both swept and set"),
        ({"solvers": ["no-such-solver"]}, SolverError, "Unknown solver 'no-such-solver'"),
        ({"solvers": []}, SolverError, "at least one solver"),
        ({"sweep": Sweep("users", ()), "overrides": {}}, SweepError, "no values"),
        ({"solvers": ["bcd", "bcd"]}, SolverError, "listed twice"),
        ({"seeds": 0}, ArgumentError, "at least one seed"),
        ({"workers": 0}, ArgumentError, "workers"),
    ],
)
def test_run_bench_refuses_bad_requests(kwargs: dict, error: type, match: str) -> None:
    args = {"scenario": "semantic-mec", "solvers": ["bcd"], "seeds": 1, "overrides": {"users": 4}} | kwargs
    scenario, solvers = args.pop("scenario"), args.pop("solvers")
    with pytest.raises(error, match=match):
        run_bench(scenario, solvers, **args)


def test_report_of_every_family() -> None:
    assert report_of(SemanticOffloading) == DELAY_REPORT
    assert report_of(semopt.scenarios.load("semantic-mec", users=4)) == DELAY_REPORT
    assert [m.key for m in scenario_report("semantic-game")][:2] == ["jain", "mean_fidelity"]
    assert all(m.better in ("min", "max") for name in semopt.scenarios.names() for m in scenario_report(name))


def test_report_of_refuses_malformed_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SemanticOffloading, "report", (("mean_delay", "mean delay (s)", "lower"),))
    with pytest.raises(ValueError, match="'min' | 'max'"):
        report_of(SemanticOffloading)
    monkeypatch.setattr(SemanticOffloading, "report", DELAY_REPORT * 2)
    with pytest.raises(ValueError, match="twice"):
        report_of(SemanticOffloading)


def test_records_pickle() -> None:
    record = _record("a", 5, 0, 1.0, 0.2)
    assert pickle.loads(pickle.dumps(record)) == record


def test_run_bench_same_records_sequential_and_processes() -> None:
    solvers = _needs_solvers()
    sweep = parse_sweep("users=4,5")
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))

    sequential = run_bench("semantic-mec", solvers, seeds=2, sweep=sweep, progress=progress)
    pooled = run_bench("semantic-mec", solvers, seeds=2, sweep=sweep, workers=2)

    expected_keys = [(v, seed, s) for v in (4, 5) for seed in (0, 1) for s in solvers]
    assert [(r.value, r.seed, r.solver) for r in sequential] == expected_keys

    assert _same_records(pooled, sequential)
    assert all(r.scenario == "semantic-mec" and r.param == "users" for r in sequential)
    assert all(list(r.metrics) == ["mean_delay", "geomean_delay"] for r in sequential + pooled)
    assert all(r.feasible and math.isfinite(r.objective) and r.metrics["mean_delay"] > 0 for r in sequential)
    total = len(expected_keys)
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_run_bench_records_match_direct_solves() -> None:
    solvers = _needs_solvers()
    records = run_bench("semantic-mec", solvers[:1], seeds=[3], overrides={"users": 4})
    (record,) = records
    direct = semopt.solve(semopt.scenarios.load("semantic-mec", users=4, seed=3), solvers[0], seed=3)
    assert record.param is None and record.value is None and record.seed == 3
    assert record.objective == direct.objective
    assert record.metrics == {"mean_delay": direct.metrics["mean_delay"],
                              "geomean_delay": direct.metrics["geomean_delay"]}


def test_run_bench_records_the_game_report() -> None:
    records = run_bench("semantic-game", ["uniform", "min-power"], seeds=[0], overrides={"terminals": 3})
    keys = [m.key for m in scenario_report("semantic-game")]
    assert [list(r.metrics) for r in records] == [keys, keys]
    direct = semopt.solve(semopt.scenarios.load("semantic-game", terminals=3, seed=0), "uniform", seed=0)
    assert records[0].metrics == {key: direct.metrics[key] for key in keys}


def test_missing_metric_is_nan(monkeypatch: pytest.MonkeyPatch) -> None:
    solvers = _needs_solvers()[:1]
    # Sequential only: a worker process would import the class unpatched.
    monkeypatch.setattr(SemanticOffloading, "report", (*DELAY_REPORT, ("no_such_metric", "nothing", "max")))
    (record,) = run_bench("semantic-mec", solvers, seeds=1, overrides={"users": 4})
    assert list(record.metrics) == ["mean_delay", "geomean_delay", "no_such_metric"]
    assert math.isnan(record.metrics["no_such_metric"])
    assert _same_records([pickle.loads(pickle.dumps(record))], [record])


def test_progress_lines_in_a_log_come_now_and_then_with_the_time_left() -> None:
    now = [0.0]
    lines: list[str] = []
    hook = progress_lines("semantic-mec: bcd", lines.append, every=30.0, clock=lambda: now[0])
    # A resumed benchmark: 20 of 120 runs were done before; the estimate uses only the runs made since.
    for done, at in ((20, 0.0), (21, 10.0), (40, 29.0), (60, 60.0), (61, 70.0), (100, 95.0), (120, 130.0)):
        now[0] = at
        hook(done, 120)
    assert lines == [
        "semantic-mec: bcd: 60/120 runs (50%), 1m00s elapsed, about 1m30s left",  # 40 runs in 60 s
        "semantic-mec: bcd: 100/120 runs (83%), 1m35s elapsed, about 24s left",
        "semantic-mec: bcd: 120/120 runs (100%), 2m10s elapsed",
    ]


def test_a_benchmark_in_a_pipe_reports_its_progress_on_stderr() -> None:
    done = subprocess.run([sys.executable, "-m", "semopt", "bench", "semantic-game", "--solvers", "uniform",
                           "--seeds", "2", "--set", "terminals=2"], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1], timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("semantic-game: uniform: 2/2 runs (100%), ")


def test_plot_redraws_a_folder_without_solving(tmp_path) -> None:
    folder = tmp_path / "run"
    report = semopt.bench.run("semantic-mec", ["fa", "uc"], seeds=2, sweep=parse_sweep("users=3,4"), out=folder,
                              quiet=True)
    written = sorted(p.name for p in folder.iterdir() if p.suffix == ".png")
    again = semopt.bench.plot(folder, tmp_path / "again")
    assert sorted(p.name for p in again if p.suffix == ".png") == written
    from_report = semopt.bench.plot(report, tmp_path / "report")
    from_records = semopt.bench.plot(report.records, tmp_path / "records", report.report)
    assert [p.name for p in from_report] == [p.name for p in from_records] == [p.name for p in again]
    with pytest.raises(SemoptError, match="`out_dir` is needed"):
        semopt.bench.plot(report)


def test_plots_show_infeasible_and_failed_runs(tmp_path) -> None:
    rows = [Summary("s", "users", 3, "a", 4, 1.0, 0.1, 0.2, 1.0),
            Summary("s", "users", 4, "a", 4, 2.0, 0.1, 0.2, 0.5, failure_share=0.25)]
    svg = next(p for p in plot_all(rows, tmp_path) if p.name == "objective.svg").read_text()
    assert "hollow: not every run feasible" in svg and "1 failed" in svg
    clean = tmp_path / "clean"
    svg = next(p for p in plot_all(rows[:1], clean) if p.name == "objective.svg").read_text()
    assert "hollow" not in svg
