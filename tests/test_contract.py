"""The public contract (DESIGN.md §2), checked for every registered solver of every problem.

Generated from the registry like scikit-learn's ``parametrize_with_checks``:
a solver registered tomorrow is checked by these tests without editing them.
"""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pytest

import semopt
from semopt.errors import InvalidProblemError, SemoptError, SolverError
from semopt.registry import solvers_for
from semopt.result import Evaluation, Result, Status

# One small reference instance per problem family; every applicable solver runs on it.
REFERENCE = {
    "semantic-mec": dict(users=3, base_stations=2, subcarriers=2, tasks=3, seed=5),
    "split-b-alexnet": dict(users=2, bandwidth=5e6, seed=1),
    "split-dynamic": dict(steps=10, seed=1),
    "semantic-game": dict(terminals=3, seed=1),
    "semantic-game-fluctuation": dict(terminals=3, steps=20, change_at=10, seed=1),
}


def _cases():
    for scenario, overrides in REFERENCE.items():
        problem = semopt.scenarios.load(scenario, **overrides)
        for spec in solvers_for(problem):
            yield pytest.param(scenario, spec.name, id=f"{scenario}-{spec.name}")


CASES = list(_cases())


def _problem(scenario):
    return semopt.scenarios.load(scenario, **REFERENCE[scenario])


def _arrays(obj):
    return {f.name: np.asarray(getattr(obj, f.name)) for f in dataclasses.fields(obj)
            if isinstance(getattr(obj, f.name), np.ndarray)}


def test_every_problem_family_has_solvers():
    assert CASES, "no solver is registered for the reference problems"
    names = semopt.available_solvers(_problem("semantic-mec"))
    assert names == sorted(names)
    assert {"bcd", "exhaustive", "linear", "ftm", "fa", "uc"} <= set(names)
    split = semopt.available_solvers(_problem("split-b-alexnet"))
    assert {"exhaustive", "greedy", "lagrangian", "milp", "mincut"} <= set(split)


@pytest.mark.parametrize("scenario, solver", CASES)
class TestSolverContract:
    def test_result_fields_and_reevaluation(self, scenario, solver):
        problem = _problem(scenario)
        res = semopt.solve(problem, solver, seed=0)
        assert isinstance(res, Result)
        assert res.status in Status.ALL
        assert res.solver == solver
        assert isinstance(res.feasible, bool)
        assert res.solve_time >= 0
        assert all(isinstance(v, float) for v in res.history)
        assert all(isinstance(k, str) and isinstance(v, float) for k, v in res.metrics.items())
        verdict = problem.evaluate(res.solution)
        assert isinstance(verdict, Evaluation)
        assert res.feasible == verdict.feasible
        assert res.objective == pytest.approx(verdict.objective, rel=1e-12)
        assert isinstance(res.solution, problem.Solution)
        assert repr(res).startswith("Result(status=")

    def test_feasible_on_reference_instance(self, scenario, solver):
        res = semopt.solve(_problem(scenario), solver, seed=0)
        assert res.feasible, res.message
        assert res.status != Status.INFEASIBLE

    def test_same_seed_same_result(self, scenario, solver):
        problem = _problem(scenario)
        a = semopt.solve(problem, solver, seed=3)
        b = semopt.solve(problem, solver, seed=3)
        assert a.objective == b.objective
        for name, arr in _arrays(a.solution).items():
            np.testing.assert_array_equal(arr, _arrays(b.solution)[name], err_msg=name)
        assert a.history == b.history

    def test_problem_not_modified(self, scenario, solver):
        problem = _problem(scenario)
        before = copy.deepcopy(problem)
        semopt.solve(problem, solver, seed=0)
        for name, arr in _arrays(before).items():
            np.testing.assert_array_equal(arr, getattr(problem, name), err_msg=name)

    def test_unknown_option_lists_known(self, scenario, solver):
        with pytest.raises(SolverError, match="known options") as err:
            semopt.solve(_problem(scenario), solver, no_such_option=1)
        assert "no_such_option" in str(err.value)

    def test_bad_option_values(self, scenario, solver):
        spec = next(s for s in solvers_for(_problem(scenario)) if s.name == solver)
        for name, opt in spec.options.items():
            bad = {"int": -7, "float": float("nan"), "choice": "no-such-choice",
                   "bool": "yes", "callable": 42}[opt.kind]
            if opt.kind == "int" and opt.low is not None and opt.low < -7:
                continue
            with pytest.raises(SolverError, match=f"'{name}' option of solver '{solver}'"):
                semopt.solve(_problem(scenario), solver, **{name: bad})

    def test_max_iter_respected(self, scenario, solver):
        spec = next(s for s in solvers_for(_problem(scenario)) if s.name == solver)
        if "max_iter" not in spec.options:
            pytest.skip("not iterative")
        res = semopt.solve(_problem(scenario), solver, seed=0, max_iter=1)
        assert len(res.history) <= 1
        assert res.status in (Status.MAX_ITER, Status.CONVERGED)

    def test_callback_stop_iteration(self, scenario, solver):
        spec = next(s for s in solvers_for(_problem(scenario)) if s.name == solver)
        if "callback" not in spec.options:
            pytest.skip("no callback")
        calls = []

        def stop(iteration, objective, solution):
            calls.append((iteration, objective))
            raise StopIteration

        res = semopt.solve(_problem(scenario), solver, seed=0, callback=stop)
        assert res.status == Status.STOPPED
        assert calls and calls[0][0] == 1
        assert res.feasible == _problem(scenario).evaluate(res.solution).feasible

    def test_time_limit_validated(self, scenario, solver):
        for bad in (0, -1.0, float("nan"), "soon"):
            with pytest.raises(SolverError, match="time_limit"):
                semopt.solve(_problem(scenario), solver, time_limit=bad)


def test_time_limit_stops_iterative_solver():
    problem = semopt.scenarios.load("semantic-mec", seed=0)
    res = semopt.solve(problem, "bcd", seed=0, time_limit=0.05)
    assert res.status == Status.TIME_LIMIT
    assert res.feasible == problem.evaluate(res.solution).feasible


def test_unknown_solver_lists_available_and_closest():
    with pytest.raises(SolverError) as err:
        semopt.solve(_problem("semantic-mec"), "bdc")
    msg = str(err.value)
    assert "bcd" in msg and "exhaustive" in msg and "Did you mean 'bcd'" in msg
    assert isinstance(err.value, SemoptError) and isinstance(err.value, ValueError)


def test_solver_that_does_not_apply():
    @dataclasses.dataclass
    class OtherProblem:
        sense = "min"

        def validate(self):
            pass

        def evaluate(self, solution):
            return Evaluation(0.0, True)

    with pytest.raises(SolverError, match="does not apply to OtherProblem"):
        semopt.solve(OtherProblem(), "bcd")
    assert semopt.available_solvers(OtherProblem()) == []


def test_not_a_problem():
    with pytest.raises(InvalidProblemError, match="semopt problem"):
        semopt.solve(object(), "bcd")
    with pytest.raises(SolverError):
        semopt.solve(_problem("semantic-mec"), 42)


def test_missing_extra_is_reported(monkeypatch):
    from semopt import registry

    spec = registry.get_solver("bcd", _problem("semantic-mec"))
    fake = dataclasses.replace(spec, name="needs-extra", requires=("no_such_module_xyz",), extra="learned")
    monkeypatch.setitem(registry._REGISTRY, ("needs-extra", type(_problem("semantic-mec"))), fake)
    assert "needs-extra" not in semopt.available_solvers(_problem("semantic-mec"))
    with pytest.raises(SolverError, match=r"pip install 'semopt\[learned\]'"):
        semopt.solve(_problem("semantic-mec"), "needs-extra")
