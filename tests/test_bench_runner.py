"""semopt.bench: sweep parsing, table arithmetic, CSV and plots, and the runner's executors."""

from __future__ import annotations

import csv
import dataclasses
import math
from pathlib import Path

import pytest

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
from semopt.bench.plots import PLOTS, plot_all
from semopt.bench.tables import (
    Comparison,
    confidence_half_width,
    delay_reduction_pct,
    geometric_mean,
    improvement_pct,
)
from semopt.errors import ScenarioError, SemoptError, SolverError

# t_{0.975, 2} = 4.302652729..., so the 95 % half-width of [1, 2, 3] (s = 1, n = 3) is t / sqrt(3).
HALF_WIDTH_123 = 4.302652729749464 / math.sqrt(3)


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
    return Record("toy", "users", value, seed, solver, "converged", feasible, objective, delay, delay / 2,
                  0.01)


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


def test_improvement_and_delay_reduction() -> None:
    assert improvement_pct(110.0, 100.0) == pytest.approx(10.0)
    assert improvement_pct(90.0, 100.0) == pytest.approx(-10.0)
    # |mean_b| in the denominator: a less negative objective is an improvement.
    assert improvement_pct(-90.0, -100.0) == pytest.approx(10.0)
    assert math.isnan(improvement_pct(1.0, 0.0))
    assert delay_reduction_pct(0.25, 0.5) == pytest.approx(50.0)
    assert delay_reduction_pct(0.75, 0.5) == pytest.approx(-50.0)
    assert math.isnan(delay_reduction_pct(0.1, 0.0))


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
    assert a5.mean_delay == pytest.approx(0.7 / 3)
    # Geometric mean of the per-instance geomean delays (0.05, 0.1, 0.2).
    assert a5.geomean_delay == pytest.approx(0.1)
    assert a5.solve_time == pytest.approx(0.01)
    assert a5.feasible_share == 1.0
    assert b5.feasible_share == pytest.approx(2 / 3)
    assert b5.objective_ci == 0.0

    comparisons = compare(summaries)
    assert [(c.value, c.solver, c.baseline) for c in comparisons] == [
        (5, "a", "b"), (5, "b", "a"), (10, "a", "b"), (10, "b", "a"),
    ]
    ab5, ba5, ab10, _ = comparisons
    assert ab5.objective_pct == pytest.approx(100.0)  # 100 (2 - 1) / |1|
    assert ba5.objective_pct == pytest.approx(-50.0)  # 100 (1 - 2) / |2|
    assert ab5.delay_reduction_pct == pytest.approx(100.0 * (1 - (0.7 / 3) / 0.4))
    assert ab10.objective_pct == pytest.approx(-20.0)
    assert ab10.delay_reduction_pct == pytest.approx(50.0)
    assert compare(summarize(records[:3])) == []


def test_write_csv_round_trip(tmp_path: Path) -> None:
    no_sweep = dataclasses.replace(_record("b", 5, 1, 2.0, 0.2), param=None, value=None)
    rows = [_record("a", 5, 0, 1.5, 0.1), no_sweep]
    path = write_csv(tmp_path / "records.csv", Record, rows)
    with path.open(newline="") as fh:
        read = list(csv.DictReader(fh))
    assert list(read[0]) == [f.name for f in dataclasses.fields(Record)]
    assert read[0]["objective"] == "1.5" and read[0]["value"] == "5" and read[0]["feasible"] == "True"
    assert read[1]["param"] == "" and read[1]["value"] == ""
    empty = write_csv(tmp_path / "comparison.csv", Comparison, [])
    assert empty.read_text().strip() == ",".join(f.name for f in dataclasses.fields(Comparison))


def test_plots_written(tmp_path: Path) -> None:
    records = [_record(s, v, seed, v + seed, 0.1) for v in (5, 10) for s in "ab" for seed in (0, 1)]
    summaries = summarize(records)
    paths = plot_all(summaries, tmp_path / "figs")
    assert sorted(p.name for p in paths) == sorted(f"{n}.{f}" for n in PLOTS for f in ("png", "svg"))
    assert all(p.stat().st_size > 0 for p in paths)
    one_seed = [dataclasses.replace(s, param=None, value=None, objective_ci=math.nan) for s in summaries[:2]]
    assert all(p.exists() for p in plot_all(one_seed, tmp_path / "no-sweep"))


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

    def without_time(records: list[Record]) -> list[Record]:
        return [dataclasses.replace(r, solve_time=0.0) for r in records]

    assert without_time(pooled) == without_time(sequential)
    assert all(r.scenario == "semantic-mec" and r.param == "users" for r in sequential)
    assert all(r.feasible and math.isfinite(r.objective) and r.mean_delay > 0 for r in sequential)
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
    assert record.mean_delay == direct.metrics["mean_delay"]
    assert record.geomean_delay == direct.metrics["geomean_delay"]
