"""How ``bcd`` scales on ``semantic-mec``: the incremental swap passes against the full re-evaluation (issue 13).

Sizes (U, K, N) grow as (20, 4, 32), (50, 4, 32), (100, 8, 64), (200, 12, 96)
and (500, 20, 128), over a square that keeps Table III's user density
(``semopt.scenarios.offloading.city_area``; 500 users is
``semantic-mec-city``).  One run of Algorithm 4 (``starts=1``), seed 0, each
path: ``swap_evaluation="incremental"`` everywhere, ``"full"`` (the reference
twin, which makes the same swaps) up to ``SEMOPT_SCALE_FULL_MAX`` users
(default 50: at 100 users it takes minutes).

``extra_info`` records the outer iterations, the time per outer iteration, the
candidate swaps scored and accepted, and the objective; at the end of the
session ``benchmarks/conftest.py`` prints the table, the fitted exponent of
time against U for each path and the speed-up at each size, and draws the
log-log plot into ``benchmarks/out/bcd_scale.png``.  The only assertions are
on answers: feasible, and the same objective on both paths.

Run: ``.venv/bin/python -m pytest benchmarks/test_bench_offloading_scale.py --benchmark-only``
"""

from __future__ import annotations

import os

import pytest

import semopt
from semopt.result import Result
from semopt.scenarios.offloading import city_area

SIZES = ((20, 4, 32), (50, 4, 32), (100, 8, 64), (200, 12, 96), (500, 20, 128))
FULL_MAX_USERS = int(os.environ.get("SEMOPT_SCALE_FULL_MAX", "50"))
SEED = 0
_answers: dict[tuple[int, int, int], float] = {}


def problem_of(users: int, base_stations: int, subcarriers: int) -> semopt.problems.SemanticOffloading:
    return semopt.scenarios.load("semantic-mec", users=users, base_stations=base_stations, subcarriers=subcarriers,
                                 area=city_area(users), seed=SEED)


@pytest.mark.benchmark(group="bcd-scale")
@pytest.mark.parametrize("path", ["incremental", "full"])
@pytest.mark.parametrize("size", SIZES, ids=[f"U{u}-K{k}-N{n}" for u, k, n in SIZES])
def test_bcd_scale(benchmark, paper_solution: Result, size: tuple[int, int, int], path: str) -> None:
    # paper_solution compiled the kernels: nothing timed here compiles
    users, bss, subcarriers = size
    if path == "full" and users > FULL_MAX_USERS:
        pytest.skip(f"the full re-evaluation at {users} users takes minutes (SEMOPT_SCALE_FULL_MAX={FULL_MAX_USERS})")
    problem = problem_of(*size)
    result = benchmark.pedantic(semopt.solve, args=(problem, "bcd"),
                                kwargs={"seed": SEED, "starts": 1, "swap_evaluation": path},
                                rounds=1, iterations=1)
    iterations = int(result.metrics["iterations"])
    benchmark.extra_info.update({
        "users": users, "base_stations": bss, "subcarriers": subcarriers, "path": path,
        "iterations": iterations, "seconds_per_iteration": result.solve_time / max(iterations, 1),
        "swaps_scored": int(result.metrics["swaps_scored"]), "swaps": int(result.metrics["swaps"]),
        "objective": result.objective, "feasible": result.feasible,
    })
    assert result.feasible, result.message
    # Both paths make the same swaps: whichever runs second must land on the first one's answer.
    assert _answers.setdefault(size, result.objective) == result.objective
