"""Time of the SemanticGame's best-response dynamics, of a round on Numba and numpy, of its certificate.

* The equilibrium search itself, ``best_response.play`` from the random
  profile of seed 0 with the solver's defaults (Gauss-Seidel, grid 13, tol
  1e-7, at most ``MAX_ROUNDS`` rounds), on ``semantic-game`` with 5, 100 and
  1000 terminals (group ``game-play``); rounds played, status and welfare go
  into ``extra_info``.
* ``semopt.solve(problem, "best-response", reference="none")`` at 100
  terminals (group ``game-solve``): the same search plus ``evaluate`` and the
  certificate ``semopt.analysis.deviation_gains``, most of the difference.
* One Gauss-Seidel round of best responses (``play`` with ``max_iter=1``) on
  the Numba kernel against its numpy twin, at 5 and 100 terminals (groups
  ``game-round-5`` and ``game-round-100``, parameter ``path``).
* The certificate ``semopt.analysis.deviation_gains`` at the equilibrium that
  ``play`` reaches, at 5 and 100 terminals (group ``game-certificate``); the
  largest gain (``nash_gap``) goes into ``extra_info``.
* Judging a fixed-strategy baseline (``uniform``) at 5 and 1,000 terminals:
  ``evaluate`` alone against ``evaluate`` plus the certificate, what
  ``semopt.solve`` does with ``certify=True`` (groups ``game-judge-5`` and
  ``game-judge-1000``, parameter ``certificate``).

Every timed call is preceded by an untimed one (warm-up round), so Numba
compilation (or loading its cache) and scipy's import are excluded.  The
only assertions are on correctness (profiles stay in the box, the two
engines agree, gains are non-negative); no assertion is ever made on a time,
nor on convergence (status and rounds are recorded either way).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import semopt
from semopt.analysis import certify, deviation_gains
from semopt.loop import Loop
from semopt.problems.game import GameSolution, SemanticGame
from semopt.solvers.game.best_response import initial_profile, play

SCENARIO = "semantic-game"
SEED = 0
MAX_ROUNDS = 200  # the solver's default max_iter
ENGINES = ("numba", "numpy")

_problems: dict[int, SemanticGame] = {}


def game(terminals: int) -> SemanticGame:
    """``semantic-game`` with ``terminals`` terminals, seed 0 (built once per size)."""
    if terminals not in _problems:
        problem = semopt.scenarios.load(SCENARIO, terminals=terminals, seed=SEED)
        assert problem.n_terminals == terminals
        _problems[terminals] = problem
    return _problems[terminals]


def start(problem: SemanticGame) -> np.ndarray:
    """The solver's ``init="random"`` profile for seed 0 (unit coordinates)."""
    return initial_profile(problem, "random", np.random.default_rng(SEED))


def fresh_loop(max_iter: int = MAX_ROUNDS) -> Loop:
    return Loop(max_iter=max_iter, tol=0.0, time_limit=None, callback=None)


def _play_args(problem: SemanticGame, z0: np.ndarray, loops: list[Loop]):
    """pedantic setup: a new Loop per round (``play`` copies ``z0``); keeps the last one to read."""
    loops.append(fresh_loop())
    return (problem, z0, loops[-1]), {}


def assert_in_box(z: np.ndarray) -> None:
    assert np.all(np.isfinite(z)) and np.all(z >= 0.0) and np.all(z <= 1.0)


@pytest.fixture(scope="module")
def equilibria() -> dict[int, np.ndarray]:
    """The action profile ``play`` reaches from :func:`start` at 5 and 100 terminals (untimed)."""
    out = {}
    for terminals in (5, 100):
        problem = game(terminals)
        z, _ = play(problem, start(problem), fresh_loop())
        out[terminals] = problem.from_unit(z)
    return out


@pytest.mark.benchmark(group="game-play")
@pytest.mark.parametrize("terminals", [5, 100, 1000])
def test_play(benchmark, terminals: int) -> None:
    problem = game(terminals)
    z0 = start(problem)
    loops: list[Loop] = []
    rounds = {5: 20, 100: 10, 1000: 3}[terminals]
    z, trajectory = benchmark.pedantic(play, setup=lambda: _play_args(problem, z0, loops), rounds=rounds,
                                       iterations=1, warmup_rounds=1)
    loop = loops[-1]
    benchmark.extra_info.update({
        "terminals": terminals,
        "rounds": loop.iteration,
        "max_rounds": MAX_ROUNDS,
        "status": loop.status,
        "converged": loop.status == "converged",
        "welfare": loop.history[-1],
    })
    assert_in_box(z)
    assert len(trajectory) == loop.iteration + 1 and loop.status in ("converged", "max_iter")


@pytest.mark.benchmark(group="game-solve")
def test_solve_with_certificate(benchmark) -> None:
    problem = game(100)
    result = benchmark.pedantic(semopt.solve, args=(problem, "best-response"),
                                kwargs={"seed": SEED, "reference": "none"}, rounds=3, iterations=1, warmup_rounds=1)
    benchmark.extra_info.update({
        "terminals": 100,
        "rounds": result.metrics["rounds"],
        "status": result.status,
        "objective": result.objective,
        "nash_gap": result.metrics["nash_gap"],
        "nash_gap_relative": result.metrics["nash_gap_relative"],
    })
    assert result.feasible, result.message


def one_round(problem: SemanticGame, engine: str) -> np.ndarray:
    """The unit profile after one Gauss-Seidel round from :func:`start`."""
    z, _ = play(problem, start(problem), Loop(max_iter=1), engine=engine)
    return z


@pytest.mark.parametrize("path", list(ENGINES))
@pytest.mark.parametrize("terminals", [pytest.param(n, marks=pytest.mark.benchmark(group=f"game-round-{n}"))
                                       for n in (5, 100)])
def test_round(benchmark, terminals: int, path: str) -> None:
    problem = game(terminals)
    expected = one_round(problem, next(e for e in ENGINES if e != path))  # untimed
    rounds = 3 if (path, terminals) == ("numpy", 100) else 20
    z = benchmark.pedantic(one_round, args=(problem, path), rounds=rounds, iterations=1,
                           warmup_rounds=1)  # warm-up: Numba compilation (or cache load)
    benchmark.extra_info.update({"terminals": terminals, "engine": path})
    assert_in_box(z)
    # Twins up to the compass search's floating-point path (step_tol 1e-10 in unit coordinates).
    np.testing.assert_allclose(z, expected, rtol=0.0, atol=1e-6)
    assert problem.welfare(problem.from_unit(z)) == pytest.approx(problem.welfare(problem.from_unit(expected)),
                                                                  rel=1e-6)


@pytest.mark.benchmark(group="game-certificate")
@pytest.mark.parametrize("terminals", [5, 100])
def test_deviation_gains(benchmark, equilibria: dict[int, np.ndarray], terminals: int) -> None:
    problem = game(terminals)
    actions = equilibria[terminals]
    gains = benchmark.pedantic(deviation_gains, args=(problem, actions), rounds=5, iterations=1, warmup_rounds=1)
    scale = max(float(np.mean(np.abs(problem.utilities(actions)))), 1e-12)
    benchmark.extra_info.update({
        "terminals": terminals,
        "nash_gap": float(gains.max()),
        "nash_gap_relative": float(gains.max() / scale),
        "terminals_above_1e-6": int(np.sum(gains > 1e-6)),
    })
    assert gains.shape == (terminals,) and np.all(np.isfinite(gains)) and np.all(gains >= 0.0)


def _judge(problem: SemanticGame, solution: GameSolution, certificate: bool) -> dict[str, float]:
    metrics = dict(problem.evaluate(solution).metrics)
    if certificate:
        metrics.update(certify(problem, solution))
    return metrics


@pytest.mark.parametrize("certificate", [False, True])
@pytest.mark.parametrize("terminals", [pytest.param(n, marks=pytest.mark.benchmark(group=f"game-judge-{n}"))
                                       for n in (5, 1000)])
def test_judge_a_fixed_baseline(benchmark, terminals: int, certificate: bool) -> None:
    problem = game(terminals)
    solution = semopt.solve(dataclasses.replace(problem, certify=False), "uniform").solution
    rounds = 2 if (certificate and terminals == 1000) else 10
    metrics = benchmark.pedantic(_judge, args=(problem, solution, certificate), rounds=rounds, iterations=1,
                                 warmup_rounds=1)
    benchmark.extra_info.update({"terminals": terminals, "certificate": certificate,
                                 "nash_gap_relative": metrics.get("nash_gap_relative", float("nan"))})
    assert ("nash_gap" in metrics) == certificate
