"""Time and quality of the QoEOffloading solvers (Chen et al.), and of the per-user oracle they share.

* Every solver on ``qoe-offloading`` (seed 0, slot 0) at N = 4 users (the
  paper's Table IV), 12 and 50, one group per size (``qoe-N4``, ``qoe-N12``,
  ``qoe-N50``); ``exact`` only where it runs in seconds (N = 4, 12: its count
  vectors grow as (N/3 + 1)^3) and ``exhaustive`` only at N = 4 (2^N sets).
  ``mean_qoe``, the status and feasibility go into ``extra_info``.
* ``Oracle(problem, GRIDS["fine"]).values(load)`` at N = 12 (K = 12) at the
  load of ``bcd``'s plan (group ``qoe-oracle``): a fresh oracle per round,
  since values are cached per load.  If the oracle takes an ``engine``
  argument, its Numba and numpy engines are timed side by side and checked to
  agree.

Each solver is run once untimed on the N = 4 instance first, so Numba
compilation (or loading its cache) and lazy imports are excluded.  No
assertion is ever made on a time, only on correctness (feasible answers,
engines that agree).
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import semopt
from semopt.problems.qoe import QoEOffloading
from semopt.solvers.qoe.oracle import GRIDS, Oracle

SCENARIO = "qoe-offloading"
SEED = 0

# Solvers timed at each size: exact and exhaustive only where they take seconds.
SIZES = {
    4: ("exact", "exhaustive", "bcd", "semantic-unaware", "discrete", "local", "random"),
    12: ("exact", "bcd", "semantic-unaware", "discrete", "local", "random"),
    50: ("bcd", "semantic-unaware", "discrete", "local", "random"),
}
ROUNDS = {4: 5, 12: 3, 50: 1}  # bcd at N = 50 takes tens of seconds a call
ORACLE_USERS = 12
ENGINES = ("numba", "numpy") if "engine" in inspect.signature(Oracle).parameters else (None,)

CASES = [pytest.param(n, solver, marks=pytest.mark.benchmark(group=f"qoe-N{n}"), id=f"N{n}-{solver}")
         for n, solvers in SIZES.items() for solver in solvers]
_problems: dict[int, QoEOffloading] = {}
_warm: set[str] = set()


def _problem(users: int) -> QoEOffloading:
    if users not in _problems:
        _problems[users] = semopt.scenarios.load(SCENARIO, users=users, seed=SEED)
    return _problems[users]


def _warm_up(solver: str) -> None:
    if solver not in _warm:
        semopt.solve(_problem(4), solver, seed=SEED)  # untimed: compilation, imports
        _warm.add(solver)


@pytest.mark.parametrize(("users", "solver"), CASES)
def test_solver(benchmark, users: int, solver: str) -> None:
    _warm_up(solver)
    problem = _problem(users)
    result = benchmark.pedantic(semopt.solve, args=(problem, solver), kwargs={"seed": SEED},
                                rounds=ROUNDS[users], iterations=1)
    benchmark.extra_info.update({
        "users": users,
        "mean_qoe": result.metrics["mean_qoe"],
        "offload_share": result.metrics["offload_share"],
        "status": result.status,
        "feasible": result.feasible,
    })
    assert result.feasible, result.message


@pytest.fixture(scope="module")
def oracle_load() -> float:
    """The server load of ``bcd``'s plan on the N = 12 instance: a load the solvers meet."""
    problem = _problem(ORACLE_USERS)
    return problem.server_load(semopt.solve(problem, "bcd", seed=SEED).solution.offload)


def _oracle(engine: str | None) -> Oracle:
    problem = _problem(ORACLE_USERS)
    if engine is None:
        return Oracle(problem, GRIDS["fine"])
    return Oracle(problem, GRIDS["fine"], engine=engine)


@pytest.mark.benchmark(group="qoe-oracle")
@pytest.mark.parametrize("engine", ENGINES, ids=[e or "default" for e in ENGINES])
def test_oracle_values(benchmark, oracle_load: float, engine: str | None) -> None:
    for other in ENGINES:  # untimed: compile every engine, and keep the answers to compare
        _oracle(other).values(oracle_load)
    values = benchmark.pedantic(lambda oracle: oracle.values(oracle_load),
                                setup=lambda: ((_oracle(engine),), {}), rounds=5, iterations=1)
    finite = np.isfinite(values.offload)
    benchmark.extra_info.update({
        "users": ORACLE_USERS,
        "load_gflops": oracle_load / 1e9,
        "grid_points": len(getattr(_oracle(engine), "points", ())) or None,
        "feasible_pairs": int(finite.sum()),
        "best_value": float(values.offload[finite].max()) if finite.any() else None,
    })
    if len(ENGINES) > 1:
        reference = _oracle(next(e for e in ENGINES if e != engine)).values(oracle_load)
        np.testing.assert_array_equal(np.isfinite(reference.offload), finite)
        np.testing.assert_allclose(values.offload[finite], reference.offload[finite], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(values.local, reference.local, rtol=1e-9, atol=1e-12)
