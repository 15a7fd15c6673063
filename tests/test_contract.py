"""The public contract, checked for every registered solver of every problem.

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
    "qoe-offloading": dict(users=3, subchannels=2, seed=1),
    # Small payloads, so that the paper's random baseline (one draw) meets the latency bounds too.
    "model-selection": dict(users=3, bits=1e5, seed=1),
}


def _cases():
    for scenario, overrides in REFERENCE.items():
        problem = semopt.scenarios.load(scenario, **overrides)
        for spec in solvers_for(problem):
            yield pytest.param(scenario, spec.name, id=f"{scenario}-{spec.name}")


CASES = list(_cases())

# Learned solvers (the extra semopt[learned]) train before they decide: the contract checks them on a budget of a
# few dozen steps.  Such a policy need not be feasible; tests/learned judge what training buys.
QUICK = {"steps": 32}


def _quick(solver):
    spec = next((s for s in solvers_for(_problem("qoe-offloading")) + solvers_for(_problem("model-selection"))
                 if s.name == solver and s.extra == "learned"), None)
    return dict(QUICK) if spec is not None else {}


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
    qoe = semopt.available_solvers(_problem("qoe-offloading"))
    assert {"exact", "exhaustive", "bcd", "local", "semantic-unaware", "discrete", "random"} <= set(qoe)
    selection = semopt.available_solvers(_problem("model-selection"))
    assert {"exact", "exhaustive", "bcd", "dinkelbach", "random", "average", "heuristic-rde"} <= set(selection)


@pytest.mark.parametrize("scenario, solver", CASES)
class TestSolverContract:
    def test_result_fields_and_reevaluation(self, scenario, solver):
        problem = _problem(scenario)
        res = semopt.solve(problem, solver, seed=0, **_quick(solver))
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
        if _quick(solver):
            pytest.skip("a policy trained for a few steps need not be feasible: tests/learned judge training")
        res = semopt.solve(_problem(scenario), solver, seed=0)
        assert res.feasible, res.message
        assert res.status != Status.INFEASIBLE

    def test_same_seed_same_result(self, scenario, solver):
        problem = _problem(scenario)
        a = semopt.solve(problem, solver, seed=3, **_quick(solver))
        b = semopt.solve(problem, solver, seed=3, **_quick(solver))
        assert a.objective == b.objective
        for name, arr in _arrays(a.solution).items():
            np.testing.assert_array_equal(arr, _arrays(b.solution)[name], err_msg=name)
        assert a.history == b.history

    def test_problem_not_modified(self, scenario, solver):
        problem = _problem(scenario)
        before = copy.deepcopy(problem)
        semopt.solve(problem, solver, seed=0, **_quick(solver))
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
                   "bool": "yes", "callable": 42, "path": 42}[opt.kind]
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


# ---------------------------------------------------------------------------------------------------------------
# Instance variants: what each must list, and every listed solver runs; every other one is refused at the door.
@dataclasses.dataclass(frozen=True)
class Variant:
    """One instance beyond REFERENCE and what ``available_solvers`` must say about it.

    ``listed``/``unlisted`` must (not) be in the list; ``exactly`` is the whole
    list when given; ``run=False`` keeps the instance out of the run-every-solver
    check (its iterative solvers take seconds), not out of the listing checks.
    """

    scenario: str
    overrides: dict
    listed: tuple[str, ...] = ()
    unlisted: tuple[str, ...] = ()
    exactly: tuple[str, ...] | None = None
    run: bool = True

    def load(self):
        return semopt.scenarios.load(self.scenario, **self.overrides)


VARIANTS = {
    "mec-tiny": Variant("semantic-mec", dict(users=3, base_stations=2, subcarriers=2, tasks=3, seed=2),
                        listed=("bcd", "exhaustive", "fa", "ftm", "linear", "uc")),
    # Default cells, subcarriers and tasks: far beyond exhaustive's max_space even with 4 users.
    "mec-4-users": Variant("semantic-mec", dict(users=4, seed=0), listed=("bcd", "fa"), unlisted=("exhaustive",)),
    "alexnet-1-user": Variant("split-alexnet", dict(users=1),
                              listed=("early-exit", "exhaustive", "greedy", "lagrangian", "milp", "mincut")),
    "alexnet-3-users": Variant("split-alexnet", dict(users=3, seed=2),
                               listed=("bcd", "best-response", "exhaustive", "milp", "mincut")),
    "vgg16-memory": Variant("split-vgg16", dict(memory=1e8), exactly=("exhaustive", "milp")),
    "b-alexnet-accuracy-deadline": Variant("split-b-alexnet", dict(objective="accuracy", deadline=0.01),
                                           listed=("early-exit",), unlisted=("mincut", "milp", "lagrangian")),
    "alexnet-energy-budget": Variant("split-alexnet", dict(energy_budget=0.5),
                                     listed=("exhaustive", "lagrangian", "milp"),
                                     unlisted=("mincut", "greedy", "bcd", "early-exit")),
    "alexnet-energy-objective": Variant("split-alexnet", dict(objective="energy"),
                                        listed=("mincut", "milp", "exhaustive"), unlisted=("lagrangian",)),
    # 496 downsets: within exhaustive's max_space for one user...
    "googlenet-1-user": Variant("split-googlenet", {}, listed=("exhaustive", "mincut", "milp")),
    # ...but 496^2 joint placements for two exceed it.
    "googlenet-2-users": Variant("split-googlenet", dict(users=2), listed=("mincut", "milp"),
                                 unlisted=("exhaustive",), run=False),
    "dynamic-5-steps": Variant("split-dynamic", dict(steps=5), exactly=("dp", "greedy")),
    "game-2-terminals": Variant("semantic-game", dict(terminals=2, seed=3),
                                listed=("best-response", "social-optimum", "uniform")),
    "fluctuation-2-terminals": Variant("semantic-game-fluctuation", dict(terminals=2, steps=12, change_at=6),
                                       exactly=("closed-loop", "open-loop")),
    # 4^7 selections: beyond exhaustive's max_space; exact's count search is not.
    "selection-7-users": Variant("model-selection", dict(users=7, seed=2), listed=("bcd", "dinkelbach", "exact"),
                                 unlisted=("exhaustive",)),
    # 50 users draw 6 W of compute power at least: no selection fits 3 W, and every solver must say so.
    "selection-overloaded": Variant("model-selection", dict(users=50, seed=0),
                                    listed=("average", "bcd", "dinkelbach", "exact", "heuristic-rde", "random")),
}


def _variant_cases(*, accepted: bool):
    for vid, variant in VARIANTS.items():
        if accepted and not variant.run:
            continue
        problem = variant.load()
        listed = semopt.available_solvers(problem)
        specs = solvers_for(problem, accepting=False)
        for spec in specs:
            if (spec.name in listed) == accepted:
                yield pytest.param(vid, spec.name, id=f"{vid}-{spec.name}")


LISTED_CASES = list(_variant_cases(accepted=True))
REFUSED_CASES = list(_variant_cases(accepted=False))


@pytest.mark.parametrize("vid", list(VARIANTS))
def test_variant_lists_what_it_should(vid):
    variant = VARIANTS[vid]
    names = semopt.available_solvers(variant.load())
    assert names, f"{vid}: no solver accepts it"
    assert names == sorted(names)
    assert set(variant.listed) <= set(names), names
    assert not set(variant.unlisted) & set(names), names
    if variant.exactly is not None:
        assert names == list(variant.exactly)


def test_variant_cases_cover_both_sides():
    assert {vid for vid, _ in (c.values for c in LISTED_CASES)} == {v for v, var in VARIANTS.items() if var.run}
    refused = {(vid, name) for vid, name in (c.values for c in REFUSED_CASES)}
    for vid, variant in VARIANTS.items():
        assert {(vid, name) for name in variant.unlisted} <= refused


@pytest.mark.parametrize("vid, solver", LISTED_CASES)
def test_every_listed_solver_runs_on_the_variant(vid, solver):
    problem = VARIANTS[vid].load()
    res = semopt.solve(problem, solver, seed=0, **_quick(solver))
    assert isinstance(res, Result)
    assert res.solver == solver
    assert res.status in Status.ALL
    verdict = problem.evaluate(res.solution)
    assert res.feasible == verdict.feasible
    if verdict.feasible:
        assert res.objective == pytest.approx(verdict.objective, rel=1e-12)
    else:  # a solver that ended on its own terms with a violated constraint is reported infeasible
        assert res.status in (Status.INFEASIBLE, Status.TIME_LIMIT, Status.STOPPED), res.message


@pytest.mark.parametrize("vid, solver", REFUSED_CASES)
def test_every_unlisted_solver_is_refused_with_the_reason(vid, solver):
    problem = VARIANTS[vid].load()
    accepted = semopt.available_solvers(problem)
    spec = next(s for s in solvers_for(problem, accepting=False) if s.name == solver)
    reason = spec.refusal(problem)
    assert reason
    with pytest.raises(SolverError, match="does not accept") as err:
        semopt.solve(problem, solver, seed=0)
    msg = str(err.value)
    assert reason in msg
    assert f"Solvers that accept it: {', '.join(accepted)}." in msg


@pytest.mark.parametrize("vid", list(VARIANTS) + [f"reference-{name}" for name in REFERENCE])
def test_refusal_is_none_exactly_for_the_listed_solvers(vid):
    from semopt import registry

    if vid.startswith("reference-"):
        problem = _problem(vid.removeprefix("reference-"))
    else:
        problem = VARIANTS[vid].load()
    listed = semopt.available_solvers(problem)
    applicable = [spec for spec in registry._REGISTRY.values() if spec.applies_to(problem)]
    assert applicable
    names = [spec.name for spec in applicable]
    assert len(names) == len(set(names)), "two specs of one name apply to the same instance"
    for spec in applicable:
        if not spec.is_installed():
            assert spec.name not in listed
            continue
        assert (spec.refusal(problem) is None) == (spec.name in listed), (spec.name, spec.refusal(problem))
    assert set(listed) <= set(names)


def test_refusal_follows_the_options_passed_to_solve():
    problem = semopt.scenarios.load("split-googlenet")
    assert "exhaustive" in semopt.available_solvers(problem)  # 496 downsets <= the default max_space
    with pytest.raises(SolverError, match="more than max_space=400 device sets"):
        semopt.solve(problem, "exhaustive", max_space=400)
    assert semopt.solve(problem, "exhaustive", max_space=496).status == Status.OPTIMAL


def test_available_solvers_judges_a_malformed_problem_like_solve():
    problem = semopt.scenarios.load("split-alexnet")
    problem.energy_budget = "abc"
    with pytest.raises(InvalidProblemError, match="energy_budget"):
        semopt.available_solvers(problem)
    with pytest.raises(InvalidProblemError, match="energy_budget"):
        semopt.solve(problem, "mincut")
