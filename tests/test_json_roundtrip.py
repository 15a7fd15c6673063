"""Results and solutions go to JSON and come back exactly: values, dtypes, shapes, NaN and infinities, None.

For every scenario (in process) and every problem family (through ``semopt
solve ... --json`` in a subprocess), ``Result.from_json(text, problem)``
rebuilds the problem's own Solution class and ``problem.evaluate`` gives back
the objective the solver reported.  Malformed JSON is refused with an
:class:`~semopt.errors.InvalidResultError` naming the field and the value.
"""

from __future__ import annotations

import dataclasses
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import semopt
from semopt.errors import InvalidResultError, SemoptError
from semopt.problems import GameSolution, GameTraceSolution, OffloadingSolution, SemanticGame
from semopt.registry import solvers_for
from semopt.result import Result, SolutionIO

ROOT = Path(__file__).resolve().parents[1]

SMALL = {"users": 3, "terminals": 3, "steps": 12, "change_at": 6}
"""Caps on the scenarios' size overrides: every instance here solves in well under a second."""

CHEAP = ("greedy", "uniform", "fa", "open-loop", "dp")
"""Solvers tried first on each scenario, fast ones; otherwise its first available solver."""


def _overrides(scenario: str) -> dict[str, Any]:
    defaults = semopt.scenarios.describe(scenario)
    return {key: min(cap, defaults[key]) for key, cap in SMALL.items() if isinstance(defaults.get(key), int)}


def _problem(scenario: str) -> Any:
    return semopt.scenarios.load(scenario, **_overrides(scenario))


def _cheap_solver(problem: Any) -> str:
    names = semopt.available_solvers(problem)
    return next((name for name in CHEAP if name in names), names[0])


def _one_scenario_per_family() -> dict[str, str]:
    """The first scenario of each problem class, by class name."""
    found: dict[str, str] = {}
    for name in semopt.scenarios.names():
        found.setdefault(semopt.scenarios.spec(name).problem.__name__, name)
    return found


FAMILIES = _one_scenario_per_family()
EVERY_SOLVER = [pytest.param(scenario, solver, id=f"{scenario}-{solver}")
                for scenario in FAMILIES.values() for solver in semopt.available_solvers(_problem(scenario))]


def _same_value(a: Any, b: Any) -> bool:
    """Equal, with NaN equal to NaN and the sign of zero and the type of numbers compared."""
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    return type(a) is type(b) and a == b


def assert_same_solution(back: Any, original: Any) -> None:
    """Same class; every field equal, arrays with the same dtype and shape, None still None."""
    assert type(back) is type(original)
    for f in dataclasses.fields(original):
        x, y = getattr(back, f.name), getattr(original, f.name)
        if isinstance(y, np.ndarray):
            assert isinstance(x, np.ndarray), f.name
            assert (x.dtype, x.shape) == (y.dtype, y.shape), f.name
            np.testing.assert_array_equal(x, y, err_msg=f.name)
        else:
            assert x is None if y is None else _same_value(x, y), f.name


def assert_same_result(back: Result, original: Result) -> None:
    for name in ("status", "feasible", "solver", "message", "solve_time", "objective"):
        assert _same_value(getattr(back, name), getattr(original, name)), name
    assert back.metrics.keys() == original.metrics.keys()
    assert all(_same_value(back.metrics[k], v) for k, v in original.metrics.items())
    assert len(back.history) == len(original.history)
    assert all(_same_value(x, y) for x, y in zip(back.history, original.history, strict=True))
    assert_same_solution(back.solution, original.solution)


def _check_round_trip(problem: Any, result: Result, text: str) -> None:
    """What every round trip must give: the same result, re-judged to the same objective."""
    json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"))
    back = Result.from_json(text, problem)
    assert isinstance(back.solution, problem.Solution)
    assert_same_result(back, result)
    assert problem.evaluate(back.solution).objective == result.objective
    # Without the problem, the class the JSON names is found among the registered Solution classes.
    assert_same_result(Result.from_json(text), result)


# --- every scenario, every family -----------------------------------------------------------------


@pytest.mark.parametrize("scenario", semopt.scenarios.names())
def test_every_scenario_round_trips_in_process(scenario: str) -> None:
    problem = _problem(scenario)
    result = semopt.solve(problem, _cheap_solver(problem), seed=0)
    _check_round_trip(problem, result, result.to_json())
    assert_same_result(Result.from_dict(result.to_dict(), problem), result)
    assert_same_solution(type(result.solution).from_dict(result.solution.to_dict()), result.solution)


@pytest.mark.parametrize(("scenario", "solver"), EVERY_SOLVER)
def test_every_solver_of_every_family_round_trips(scenario: str, solver: str) -> None:
    problem = _problem(scenario)
    learned = next(s for s in solvers_for(problem) if s.name == solver).extra == "learned"
    result = semopt.solve(problem, solver, seed=0, **({"steps": 32} if learned else {}))  # training: a token budget
    _check_round_trip(problem, result, result.to_json(indent=None))


@pytest.mark.parametrize("scenario", sorted(FAMILIES.values()))
def test_every_family_round_trips_through_the_cli(scenario: str) -> None:
    problem = _problem(scenario)
    solver = _cheap_solver(problem)
    sets = [arg for key, value in _overrides(scenario).items() for arg in ("--set", f"{key}={value}")]
    done = subprocess.run([sys.executable, "-m", "semopt", "solve", scenario, "--solver", solver, *sets,
                           "--seed", "0", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr
    back = Result.from_json(done.stdout, problem)
    assert isinstance(back.solution, problem.Solution)
    assert problem.evaluate(back.solution).objective == back.objective
    direct = semopt.solve(problem, solver, seed=0)
    assert back.objective == direct.objective
    direct.solve_time = back.solve_time  # the one field two runs do not share
    assert_same_result(back, direct)


def test_every_family_solution_class_is_covered() -> None:
    """Each Solution class of the package is a SolutionIO, so a JSON file names one that reads back."""
    classes = {semopt.scenarios.spec(name).problem.Solution for name in semopt.scenarios.names()}
    assert classes and all(issubclass(cls, SolutionIO) for cls in classes)


# --- what JSON would lose -------------------------------------------------------------------------


def test_non_finite_numbers_and_empty_arrays_come_back_exactly() -> None:
    result = Result("max_iter", -math.inf, GameSolution(np.zeros((0, 3)), np.full((2, 0, 3), np.nan)), False,
                    {"gap": math.nan, "bound": math.inf, "low": -math.inf, "zero": -0.0, "count": 3},
                    [math.nan, 1.0, math.inf], 0.25, "mine", "stopped early")
    text = result.to_json()
    data = json.loads(text)
    assert data["objective"] == "-Infinity"
    assert data["metrics"]["gap"] == "NaN" and data["metrics"]["bound"] == "Infinity"
    assert data["solution"]["actions"] == [] and data["solution_type"]["arrays"]["actions"]["shape"] == [0, 3]
    back = Result.from_json(text)
    assert_same_result(back, result)
    assert type(back.metrics["count"]) is int


def test_none_stays_none() -> None:
    result = Result("converged", 1.0, GameSolution(np.ones((2, 3))), True)
    data = json.loads(result.to_json())
    assert data["solution"]["trajectory"] is None and "trajectory" not in data["solution_type"]["arrays"]
    assert Result.from_json(result.to_json()).solution.trajectory is None
    assert Result.from_json(Result("converged", 1.0, None, True).to_json()).solution is None


@given(hnp.arrays(
    dtype=st.sampled_from([np.bool_, np.int8, np.int32, np.int64, np.uint8, np.uint64, np.float16, np.float32,
                           np.float64]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3),
))
def test_any_array_comes_back_with_its_dtype_and_shape(arr: np.ndarray) -> None:
    back = GameSolution.from_dict(json.loads(json.dumps(GameSolution(arr).to_dict(), allow_nan=False))).actions
    assert (back.dtype, back.shape) == (arr.dtype, arr.shape)
    np.testing.assert_array_equal(back, arr)
    if arr.dtype.kind == "f":
        assert (np.signbit(back) == np.signbit(arr)).all()  # -0.0 too


def test_a_solution_class_outside_the_package_reads_back() -> None:
    @dataclasses.dataclass
    class Plain:  # a user's family: a dataclass that does not use the mixin
        picks: np.ndarray
        score: float = 0.0

    class Problem:
        Solution = Plain

    result = Result("optimal", 2.0, Plain(np.array([[1, 2]], dtype=np.int16), math.nan), True)
    back = Result.from_json(result.to_json(), Problem())
    assert_same_solution(back.solution, result.solution)
    # Without the problem the class cannot be named, so the fields come back as a dict, arrays exact.
    fields = Result.from_json(result.to_json()).solution
    assert fields["picks"].dtype == np.int16 and math.isnan(fields["score"])


def test_json_of_older_versions_still_reads() -> None:
    """No ``solution_type`` and null for non-finite numbers: dtypes are inferred, null reads as NaN."""
    problem = _problem("semantic-mec")
    result = semopt.solve(problem, "fa", seed=0)
    old = result.to_dict()
    del old["solution_type"]
    old["metrics"]["gap"] = None
    back = Result.from_json(json.dumps(old), problem)
    assert isinstance(back.solution, OffloadingSolution)
    assert back.solution.semantic.dtype == bool and back.solution.carrier.dtype.kind == "i"
    assert problem.evaluate(back.solution).objective == result.objective
    assert math.isnan(back.metrics["gap"])


def test_reading_back_does_not_share_memory_and_writing_changes_nothing() -> None:
    actions = np.full((2, 3), 0.5)
    result = Result("converged", 1.0, GameSolution(actions), True)
    back = Result.from_json(result.to_json())
    back.solution.actions[0, 0] = 9.0
    assert actions[0, 0] == 0.5 and result.solution.actions is actions


# --- malformed input ------------------------------------------------------------------------------


def _good() -> dict[str, Any]:
    result = Result("converged", 1.5, OffloadingSolution(np.array([0, 1]), np.array([[0, 1, -1]]),
                                                         np.array([True, False]), np.array([1e9, 2e9])),
                    True, {"gap": 0.0}, [1.0, 1.5], 0.1, "fa", "done")
    return json.loads(result.to_json())


def _edit(path: str, value: Any) -> dict[str, Any]:
    data = _good()
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node[key]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return data


_DELETE = object()


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ("{not json", "not valid JSON: .* line 1, column 2"),
        ("[1, 2]", "must be an object; got list"),
        (_edit("solved", True), "Unknown field 'solved'.*Did you mean 'solver'"),
        (_edit("objective", _DELETE), "lacks the field 'objective'"),
        (_edit("status", "done"), "`status` must be one of .*; got 'done'"),
        (_edit("objective", "high"), '`objective` must be a number.*; got "high"'),
        (_edit("objective", True), "`objective` must be a number.*; got true"),
        (_edit("feasible", "yes"), "`feasible` must be true or false; got 'yes'"),
        (_edit("metrics", [1.0]), "`metrics` must be an object"),
        (_edit("metrics.gap", "small"), '`metrics.gap` must be a number.*"small"'),
        (_edit("history", [1.0, "x"]), r'`history\[1\]` must be a number.*"x"'),
        (_edit("solver", 3), "`solver` must be a string; got 3"),
        (_edit("solution.assoc", [0, 1.5]), r"`solution.assoc` must be an array of int64 .* got 1.5 in \[0, 1.5\]"),
        (_edit("solution.assoc", [0, 1, 2]), r"`solution.assoc` must be .* shape \[2\]; got \[0, 1, 2\]"),
        (_edit("solution.assoc", [[0], [1]]), r"`solution.assoc` must be .*; got \[\[0\], \[1\]\]"),
        (_edit("solution.assoc", [0, True]), "`solution.assoc` must be .*; got true"),
        (_edit("solution.semantic", [1, 0]), r"`solution.semantic` must be an array of bool .* got 1 in \[1, 0\]"),
        (_edit("solution.carrier", [[0, 1]]), r"`solution.carrier` must be .* shape \[1, 3\]; got \[\[0, 1\]\]"),
        (_edit("solution.carrier", [[0, 1, 2**70]]), "`solution.carrier` .* out of its range"),
        (_edit("solution.compute", [1e9, "lots"]), '`solution.compute` must be .*; got "lots"'),
        (_edit("solution.compute", [1e9, None]), "`solution.compute` must be .*; got null"),
        (_edit("solution.compute", _DELETE), "describes 'compute', which `solution` lacks"),
        (_edit("solution.speed", 1.0), "Unknown field 'speed' in `solution` for OffloadingSolution"),
        (_edit("solution", [1, 2]), "`solution` must be an object of field values"),
        (_edit("solution_type", "OffloadingSolution"), "`solution_type` must be an object"),
        (_edit("solution_type.arrays.assoc", {"dtype": "int64"}), "`solution_type.arrays.assoc` must be an object"),
        (_edit("solution_type.arrays.assoc.dtype", "complex128"), "`solution_type.arrays.assoc` must name a bool"),
        (_edit("solution_type.arrays.assoc.dtype", "no-such"), "`solution_type.arrays.assoc` must name a numpy"),
        (_edit("solution_type.arrays.assoc.shape", [-2]), "`solution_type.arrays.assoc` must give the shape"),
    ],
)
def test_malformed_json_is_refused_naming_the_field(data: Any, match: str) -> None:
    text = data if isinstance(data, str) else json.dumps(data)
    with pytest.raises(InvalidResultError, match=match) as info:
        Result.from_json(text)
    assert isinstance(info.value, SemoptError) and isinstance(info.value, ValueError)


def test_a_solution_of_another_family_is_refused() -> None:
    problem = _problem("semantic-game")
    assert isinstance(problem, SemanticGame)
    with pytest.raises(InvalidResultError, match="solution is a 'OffloadingSolution', but .* class is 'GameSolution'"):
        Result.from_json(json.dumps(_good()), problem)
    with pytest.raises(InvalidResultError, match="lacks the field 'actions' of GameTraceSolution"):
        GameTraceSolution.from_dict({"solution": {"target": None}})
    with pytest.raises(InvalidResultError, match="from_dict expects"):
        GameSolution.from_dict({"actions": [[1.0, 2.0, 3.0]]})
    with pytest.raises(InvalidResultError, match="must be a semopt problem with a Solution class"):
        Result.from_json(json.dumps(_good()), object())


def test_an_array_json_cannot_hold_is_refused_when_writing() -> None:
    with pytest.raises(InvalidResultError, match="`solution.actions` has dtype complex128"):
        Result("converged", 1.0, GameSolution(np.zeros((1, 3), dtype=complex)), True).to_json()
