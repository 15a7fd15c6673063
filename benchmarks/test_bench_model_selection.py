"""Time and quality of the ModelSelection solvers (Lin et al.), and of the fixed-selection allocation they share.

* The fixed-selection allocation (max sum rate under both budgets and the
  rate floors, :mod:`semopt.algorithms.rate_allocation`): the Numba KKT
  closed form ``allocate_sum_rate`` against the CVXPY reference
  ``allocate_sum_rate_cvxpy`` on the selection ``exact`` returns, at M = 12
  (groups ``ms-allocation-M12``) and M = 100 (``ms-allocation-M100``).  The
  two must agree on the sum rate to 1e-6 relative.  (Everyone on ResNet does
  not fit: its compute power alone, 0.27 W a user, exceeds the power budget
  at both sizes, so the exact selection is the feasible input.)
* Every solver through ``semopt.solve(problem, name, seed=0)``: exact, bcd,
  dinkelbach, average, random and heuristic-rde at M = 12 (the paper's
  scenario, group ``ms-M12``); exact, bcd and dinkelbach at M = 100
  (``ms-M100``); exhaustive (S^M = 4096 selections) and exact at M = 6
  (``ms-M6``).  RDE, sum rate, status and feasibility go into
  ``extra_info``; exact, exhaustive, bcd and dinkelbach must be feasible,
  and no feasible answer may beat exact's RDE.
* ``exact`` with ``allocation="kkt"`` (default) against ``allocation="cvxpy"``
  (the reference path of the whole solver) at M = 12 (group
  ``ms-exact-allocation-M12``); both must reach the same RDE.

At M = 100 the default budgets (30 MHz, 3 W) cannot even carry the models'
compute power, so both budgets are scaled with the users (x 100 / 12).

Each solver is run once untimed on the M = 6 instance first and each
allocation path once on its own input, so Numba compilation (or loading its
cache) and CVXPY's import are excluded.  Fast/reference pairs are
parametrised by ``path`` ("kkt" / "cvxpy"), the convention of
``conftest.RATIOS``.  No assertion is ever made on a time, only on
correctness.
"""

from __future__ import annotations

import numpy as np
import pytest

import semopt
from semopt.algorithms.rate_allocation import FIT, allocate_sum_rate, allocate_sum_rate_cvxpy
from semopt.models.model_selection import link_rate
from semopt.problems.model_selection import ModelSelection

SCENARIO = "model-selection"
SEED = 0
BASE_USERS = 12  # the paper's comparison size; budgets are scaled from it

# Solvers timed at each size, and their rounds (bcd and dinkelbach at M = 100 take seconds a call).
SIZES = {
    6: ("exact", "exhaustive"),
    12: ("exact", "bcd", "dinkelbach", "average", "random", "heuristic-rde"),
    100: ("exact", "bcd", "dinkelbach"),
}
ROUNDS = {(6, "exact"): 10, (6, "exhaustive"): 3, (12, None): 10, (100, "exact"): 5, (100, None): 1}
SLOW = {(100, "bcd"), (100, "dinkelbach")}  # several seconds a call
MUST_BE_FEASIBLE = ("exact", "exhaustive", "bcd", "dinkelbach")  # the paper's baselines may miss (7b)-(7d)


def _kkt(a, rho, bandwidth, power):
    """``allocate_sum_rate`` with the CVXPY twin's return shape ``(band, pw, fit)``."""
    band, pw, outcome = allocate_sum_rate(a, rho, bandwidth, power)
    return band, pw, outcome == FIT


ALLOCATION_PATHS = {"kkt": _kkt, "cvxpy": allocate_sum_rate_cvxpy}  # fast path first, then its reference

SOLVER_CASES = [
    pytest.param(users, solver, id=f"M{users}-{solver}",
                 marks=[pytest.mark.benchmark(group=f"ms-M{users}")]
                 + ([pytest.mark.slow] if (users, solver) in SLOW else []))
    for users, solvers in SIZES.items() for solver in solvers
]
ALLOCATION_CASES = [
    pytest.param(users, path, id=f"M{users}-{path}", marks=pytest.mark.benchmark(group=f"ms-allocation-M{users}"))
    for users in (12, 100) for path in ALLOCATION_PATHS
]

_problems: dict[int, ModelSelection] = {}
_exact: dict[int, semopt.Result] = {}
_warm: set[str] = set()


def _problem(users: int) -> ModelSelection:
    """``model-selection`` at seed 0; above the paper's 12 users both budgets grow with M."""
    if users not in _problems:
        scale = max(users / BASE_USERS, 1.0)
        options = {} if scale == 1.0 else {"bandwidth": 30e6 * scale, "power_budget_mw": 3000.0 * scale}
        _problems[users] = semopt.scenarios.load(SCENARIO, users=users, seed=SEED, **options)
    return _problems[users]


def _exact_result(users: int) -> semopt.Result:
    """``exact`` (KKT allocation) on :func:`_problem`: the reference RDE and the feasible selection timed."""
    if users not in _exact:
        result = semopt.solve(_problem(users), "exact", seed=SEED)
        assert result.feasible, result.message
        _exact[users] = result
    return _exact[users]


def _warm_up(solver: str, **options) -> None:
    key = f"{solver}{sorted(options.items())}"
    if key not in _warm:
        semopt.solve(_problem(6), solver, seed=SEED, **options)  # untimed: compilation, imports
        _warm.add(key)


def _rounds(users: int, solver: str) -> int:
    return ROUNDS.get((users, solver), ROUNDS.get((users, None), 1))


@pytest.mark.parametrize(("users", "path"), ALLOCATION_CASES)
def test_allocation(benchmark, users: int, path: str) -> None:
    problem = _problem(users)
    model = _exact_result(users).solution.model
    a, rho = problem.gain_over_noise, problem.floors(model)
    bandwidth, power = problem.bandwidth_max, problem.transmit_budget(model)
    args = (a, rho, bandwidth, power)
    results = {name: fn(*args) for name, fn in ALLOCATION_PATHS.items()}  # untimed: JIT / CVXPY import, answers

    band, pw, fit = benchmark(ALLOCATION_PATHS[path], *args)

    sum_rate = float(link_rate(band, pw, a).sum())
    benchmark.extra_info.update({
        "users": users,
        "selection_counts": np.bincount(model, minlength=problem.n_models).tolist(),
        "sum_rate": sum_rate,
        "fit": bool(fit),
    })
    assert fit and all(found[2] for found in results.values())
    for other_band, other_pw, _ in results.values():
        assert sum_rate == pytest.approx(float(link_rate(other_band, other_pw, a).sum()), rel=1e-6)
    # Within both budgets, every floor met (CVXPY to its solver tolerance).
    assert band.sum() <= bandwidth * (1 + 1e-6) and pw.sum() <= power * (1 + 1e-6)
    assert np.all(link_rate(band, pw, a) >= rho * (1 - 1e-6))


@pytest.mark.parametrize(("users", "solver"), SOLVER_CASES)
def test_solver(benchmark, users: int, solver: str) -> None:
    _warm_up(solver)
    problem = _problem(users)
    result = benchmark.pedantic(semopt.solve, args=(problem, solver), kwargs={"seed": SEED},
                                rounds=_rounds(users, solver), iterations=1)
    benchmark.extra_info.update({
        "users": users,
        "rde": result.objective,
        "reward_eq12": result.metrics["reward_eq12"],
        "sum_rate": result.metrics["sum_rate"],
        "status": result.status,
        "feasible": result.feasible,
    })
    if solver in MUST_BE_FEASIBLE:
        assert result.feasible, result.message
    if result.feasible:
        best = _exact_result(users).objective
        assert result.objective <= best * (1 + 1e-9), f"{solver} beats exact: {result.objective} > {best}"
        if solver == "exhaustive":
            assert result.objective == pytest.approx(best, rel=1e-9)


@pytest.mark.benchmark(group="ms-exact-allocation-M12")
@pytest.mark.parametrize("path", ["kkt", "cvxpy"])
def test_exact_allocation(benchmark, path: str) -> None:
    users = 12
    _warm_up("exact", allocation=path)
    problem = _problem(users)
    result = benchmark.pedantic(semopt.solve, args=(problem, "exact"), kwargs={"seed": SEED, "allocation": path},
                                rounds=20, iterations=1)
    benchmark.extra_info.update({
        "users": users,
        "rde": result.objective,
        "status": result.status,
        "visited": result.metrics.get("visited"),
        "allocations": result.metrics.get("allocations"),
    })
    assert result.feasible, result.message
    assert result.objective == pytest.approx(_exact_result(users).objective, rel=1e-6)
