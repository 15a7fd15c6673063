"""The public extension API, used as a notebook would: register a solver, list it, solve, benchmark it.

Every test that registers works on a private copy of the registry
(``monkeypatch.setattr(semopt.registry, "_REGISTRY", ...)``, the ``registry``
fixture): the registry's functions read the module global at call time, so
the throwaway solvers vanish with the test and never reach the others.
"""

from __future__ import annotations

import time
import typing

import numpy as np
import pytest

import semopt
from semopt.errors import SolverError
from semopt.problems import GameSolution, SemanticGame, SplitInference
from semopt.result import Result, Status
from semopt.solvers import (
    CALLBACK,
    MAX_ITER,
    TOL,
    Capabilities,
    Deadline,
    Loop,
    Option,
    SolverFunction,
    SolverOutput,
    register_solver,
)


@pytest.fixture
def registry(monkeypatch):
    """A private copy of the solver registry; returns the original, which must stay untouched."""
    original = semopt.registry._REGISTRY
    monkeypatch.setattr(semopt.registry, "_REGISTRY", dict(original))
    return original


def _game(**overrides):
    return semopt.scenarios.load("semantic-game", **{"terminals": 2, "seed": 0, "certify": False, **overrides})


def _split(network="alexnet", **overrides):
    return semopt.scenarios.load(f"split-{network}", **overrides)


def _register_lowest(name="lowest-corner", **kwargs):
    """A one-shot game solver: every terminal at the low corner of its box."""

    def lowest(problem, *, rng, time_limit):
        """Every terminal at the low corner of its box."""
        low = problem.bounds[0]
        return SolverOutput(GameSolution(low), Status.CONVERGED, [problem.welfare(low)], "lowest corner")

    return register_solver(name, problems=(SemanticGame,), **kwargs)(lowest)


def _register_all_device(name="all-device", **kwargs):
    """A one-shot split solver: every layer on the device."""

    def all_device(problem, *, rng, time_limit, **options):
        """Every layer on the device."""
        return SolverOutput(problem.empty_solution(device=True), Status.OPTIMAL)

    return register_solver(name, problems=(SplitInference,), **kwargs)(all_device)


# ------------------------------------------------------------------------------------------------ one-shot solver
def test_one_shot_solver_is_listed_and_solved(registry):
    game = _game()
    assert "lowest-corner" not in semopt.available_solvers(game)
    _register_lowest()
    assert "lowest-corner" in semopt.available_solvers(game)
    assert ("lowest-corner", SemanticGame) not in registry  # the real registry never saw it
    res = semopt.solve(game, "lowest-corner", seed=0)
    assert isinstance(res, Result)
    assert (res.solver, res.status, res.message, res.feasible) == ("lowest-corner", "converged", "lowest corner", True)
    np.testing.assert_array_equal(res.solution.actions, game.bounds[0])
    assert res.objective == game.evaluate(res.solution).objective == res.history[0]
    assert semopt.registry.get_solver("lowest-corner", game).summary == "Every terminal at the low corner of its box."
    assert "lowest-corner" not in semopt.available_solvers(_split())  # registered for games only


def test_a_plain_function_is_stored_as_is(registry):
    assert typing.Protocol in SolverFunction.__bases__  # a typing Protocol, for type checkers only

    def plain(problem, *, rng, time_limit):
        return SolverOutput(GameSolution(problem.bounds[1]), Status.CONVERGED)

    assert register_solver("plain", problems=(SemanticGame,))(plain) is plain
    spec = semopt.registry.get_solver("plain", _game())
    assert spec.func is plain
    assert (spec.name, spec.problems, spec.exact, spec.summary) == ("plain", (SemanticGame,), False, "")
    assert semopt.solve(_game(), "plain").feasible


def test_declared_options_are_validated_and_completed(registry):
    received = []

    @register_solver("scaled", problems=(SemanticGame,), options={
        "level": Option(0.5, "float", "Unit coordinate of every action.", low=0.0, high=1.0),
        "mode": Option("all", "choice", "Who plays it.", choices=("all", "first")),
    })
    def scaled(problem, *, rng, time_limit, level, mode):
        received.append((level, mode))
        z = np.full((problem.n_terminals, 3), level)
        return SolverOutput(GameSolution(problem.from_unit(z)), Status.CONVERGED)

    game = _game()
    semopt.solve(game, "scaled")
    semopt.solve(game, "scaled", level=1, mode="first")
    assert received == [(0.5, "all"), (1.0, "first")]
    assert isinstance(received[1][0], float)
    with pytest.raises(SolverError) as err:
        semopt.solve(game, "scaled", level=2.5)
    assert str(err.value) == "The 'level' option of solver 'scaled' must be a float in [0, 1]; got 2.5."
    with pytest.raises(SolverError, match=r"^The 'mode' option of solver 'scaled' must be one of 'all', 'first'; "
                                          r"got 'some'\.$"):
        semopt.solve(game, "scaled", mode="some")
    with pytest.raises(SolverError) as err:
        semopt.solve(game, "scaled", levl=0.3)
    assert str(err.value) == ("Unknown option 'levl' for solver 'scaled'; known options: level, mode. "
                              "Did you mean 'level'?")
    assert len(received) == 2  # a rejected option never reaches the solver
    assert "level = 0.5  (a float in [0, 1]) Unit coordinate" in semopt.show_options(game, "scaled")


# ------------------------------------------------------------------------------------------- an iterative solver
def _register_walk():
    """A game solver written with Loop; its options steer each way a loop can end.

    Iteration t plays the unit point ``min(t, settle_after) / 10`` (``overshoot``:
    ``1.5``, outside the box); the objective recorded is that profile's welfare.
    """

    @register_solver("walk", problems=(SemanticGame,), options={
        "max_iter": MAX_ITER, "tol": TOL, "callback": CALLBACK,
        "settle_after": Option(10, "int", "Stop moving after this many iterations.", low=1),
        "converge_at": Option(None, "int", "Call loop.converge() after this iteration.", low=1, none_ok=True),
        "pause": Option(0.0, "float", "Seconds slept per iteration.", low=0.0),
        "polish": Option(False, "bool", "End at the box's centre, revising the last value."),
        "overshoot": Option(False, "bool", "Play outside the box."),
    })
    def walk(problem, *, rng, time_limit, max_iter, tol, callback, settle_after, converge_at, pause, polish,
             overshoot):
        """Walk the diagonal of the unit box."""
        loop = Loop(max_iter=max_iter, tol=tol, time_limit=time_limit, callback=callback)
        solution = GameSolution(problem.bounds[0])
        while loop.running():
            z = 1.5 if overshoot else min(loop.iteration + 1, settle_after) / 10
            solution = GameSolution(problem.from_unit(np.full((problem.n_terminals, 3), z)))
            time.sleep(pause)
            loop.record(problem.welfare(solution.actions), solution)
            if converge_at is not None and loop.iteration >= converge_at:
                loop.converge("no terminal moved")
        if polish:
            solution = GameSolution(problem.from_unit(np.full((problem.n_terminals, 3), 0.5)))
            loop.revise(problem.welfare(solution.actions))
            return loop.output(solution, {"polished": 1.0}, note="polished at the centre")
        return loop.output(solution)


def _welfare_at(game, z):
    return game.welfare(game.from_unit(np.full((game.n_terminals, 3), z)))


def test_loop_respects_max_iter_and_reports_each_iteration(registry):
    _register_walk()
    game = _game()
    seen = []
    res = semopt.solve(game, "walk", max_iter=3, tol=0.0, callback=lambda i, v, s: seen.append((i, v)))
    assert res.status == Status.MAX_ITER
    assert res.message == "reached max_iter=3"
    assert res.history == [_welfare_at(game, z) for z in (0.1, 0.2, 0.3)]
    assert seen == list(enumerate(res.history, start=1))
    assert res.objective == res.history[-1] and res.feasible


def test_loop_converges_by_record_tol(registry):
    _register_walk()
    res = semopt.solve(_game(), "walk", settle_after=3, max_iter=50)
    assert res.status == Status.CONVERGED
    assert len(res.history) == 4 and res.history[-1] == res.history[-2]
    assert res.message == "objective changed by <= tol=1e-06 after 4 iterations"


def test_loop_converges_by_the_solvers_own_test(registry):
    _register_walk()
    res = semopt.solve(_game(), "walk", converge_at=2, tol=0.0)
    assert res.status == Status.CONVERGED
    assert res.message == "no terminal moved"
    assert len(res.history) == 2


def test_callback_stop_iteration_stops_and_evaluate_still_judges(registry):
    _register_walk()
    game = _game()

    def stop_at_two(iteration, objective, solution):
        if iteration == 2:
            raise StopIteration

    res = semopt.solve(game, "walk", callback=stop_at_two)
    assert res.status == Status.STOPPED
    assert res.message == "callback raised StopIteration"
    assert len(res.history) == 2
    assert res.feasible and res.objective == game.evaluate(res.solution).objective
    # Outside the box: the loop stops as asked, but evaluate() -- not the solver -- says it is infeasible.
    out = semopt.solve(game, "walk", callback=stop_at_two, overshoot=True)
    verdict = game.evaluate(out.solution)
    assert out.status == Status.STOPPED
    assert (out.feasible, verdict.feasible) == (False, False)
    assert out.objective == verdict.objective == -np.inf
    # Ended by max_iter instead, the same infeasible answer is reported as such.
    ended = semopt.solve(game, "walk", max_iter=2, overshoot=True)
    assert ended.status == Status.INFEASIBLE
    assert ended.message.startswith("walk found no feasible solution; violated: (bounds)")


def test_revise_replaces_the_last_value_and_note_extends_the_message(registry):
    _register_walk()
    game = _game()
    plain = semopt.solve(game, "walk", max_iter=3, tol=0.0)
    res = semopt.solve(game, "walk", max_iter=3, tol=0.0, polish=True)
    assert len(res.history) == 3
    assert res.history[:2] == plain.history[:2]
    assert res.history[-1] == _welfare_at(game, 0.5) != plain.history[-1]
    assert res.objective == res.history[-1]
    assert res.message == "reached max_iter=3; polished at the centre"
    assert res.metrics["polished"] == 1.0


def test_revise_needs_a_recorded_iteration():
    loop = Loop(max_iter=3)
    with pytest.raises(ValueError, match="recorded iteration"):
        loop.revise(1.0)
    loop.record(2.0, None)
    loop.revise(5.0)
    assert loop.history == [5.0]


def test_loops_sharing_a_deadline():
    deadline = Deadline(0.05)
    first = Loop(max_iter=10**6, deadline=deadline)
    while first.running():
        time.sleep(0.005)
        first.record(float(first.iteration), None)
    assert first.status == Status.TIME_LIMIT
    assert 1 <= first.iteration < 10**6
    # The second phase inherits the spent budget (its own time_limit is ignored beside a deadline).
    second = Loop(max_iter=5, time_limit=1000.0, deadline=deadline)
    assert second.deadline is deadline
    assert not second.running()
    assert second.status == Status.TIME_LIMIT and second.history == []
    assert second.message == "reached time_limit=0.05 s"
    fresh = Loop(max_iter=5, time_limit=1000.0)
    assert fresh.running() and fresh.status is None


def test_time_limit_ends_the_loop(registry):
    _register_walk()
    game = _game()
    res = semopt.solve(game, "walk", time_limit=0.05, max_iter=10**6, tol=0.0, settle_after=10**6, pause=0.005)
    assert res.status == Status.TIME_LIMIT
    assert res.message == "reached time_limit=0.05 s"
    assert 1 <= len(res.history) < 10**6
    assert 0.05 <= res.solve_time < 5.0
    assert res.feasible == game.evaluate(res.solution).feasible


# ---------------------------------------------------------------------------------------------------- capabilities
def test_unconstrained_solver_is_hidden_and_refused_on_a_constrained_instance(registry):
    _register_all_device(capabilities=Capabilities(objectives=("latency", "energy"), constraints=()))
    plain, budget = _split(), _split(energy_budget=0.5)
    assert "all-device" in semopt.available_solvers(plain)
    assert semopt.solve(plain, "all-device").status == Status.OPTIMAL
    assert "all-device" not in semopt.available_solvers(budget)
    with pytest.raises(SolverError) as err:
        semopt.solve(budget, "all-device")
    assert str(err.value) == ("Solver 'all-device' does not accept this SplitInference: it handles no energy_budget "
                              "constraint. Solvers that accept it: exhaustive, lagrangian, milp.")
    with pytest.raises(SolverError, match="it optimises energy, latency; this instance's objective is 'weighted'"):
        semopt.solve(_split(objective="weighted"), "all-device")


def test_single_user_solver_refuses_two_users(registry):
    _register_all_device(capabilities=Capabilities(single_user=True))
    assert "all-device" in semopt.available_solvers(_split(users=1))
    two = _split(users=2)
    assert "all-device" not in semopt.available_solvers(two)
    with pytest.raises(SolverError, match="it solves one user's problem; this instance has 2 users"):
        semopt.solve(two, "all-device")


def test_check_callable_sees_the_options_passed_to_solve(registry):
    calls = []

    def small_enough(problem, options):
        calls.append(dict(options))
        if problem.n_layers > options["max_layers"]:
            return f"{problem.n_layers} layers > max_layers={options['max_layers']}"
        return None

    _register_all_device(options={"max_layers": Option(30, "int", "Refuse deeper networks.", low=1)},
                         capabilities=Capabilities(check=small_enough))
    alexnet, googlenet = _split("alexnet"), _split("googlenet")
    assert "all-device" in semopt.available_solvers(alexnet)  # 12 layers, default max_layers=30
    assert calls[-1] == {"max_layers": 30}
    assert "all-device" not in semopt.available_solvers(googlenet)  # 81 layers
    with pytest.raises(SolverError, match=r"does not accept this SplitInference: 81 layers > max_layers=30\. "):
        semopt.solve(googlenet, "all-device")
    assert semopt.solve(googlenet, "all-device", max_layers=100).status == Status.OPTIMAL
    assert calls[-1] == {"max_layers": 100}
    with pytest.raises(SolverError, match="12 layers > max_layers=5"):
        semopt.solve(alexnet, "all-device", max_layers=5)


# ------------------------------------------------------------------------------------------ registration errors
def test_same_name_and_problem_type_twice_is_an_error(registry):
    _register_lowest("twice")
    with pytest.raises(SolverError, match="Solver 'twice' is already registered for SemanticGame"):
        _register_lowest("twice")
    with pytest.raises(SolverError, match="Solver 'uniform' is already registered for SemanticGame"):
        _register_lowest("uniform")
    _register_all_device("twice")  # the same name for another problem type is fine
    assert "twice" in semopt.available_solvers(_game()) and "twice" in semopt.available_solvers(_split())


def test_a_refused_registration_registers_nothing(registry):
    def solver(problem, *, rng, time_limit):
        """Never registered."""
        raise AssertionError("not to be called")

    with pytest.raises(SolverError, match="already registered for SemanticGame"):
        register_solver("uniform", problems=(SplitInference, SemanticGame))(solver)
    assert "uniform" not in semopt.available_solvers(_split())  # re-running the notebook cell stays possible


def test_option_messages_quote_the_value_as_passed():
    with pytest.raises(SolverError, match=r"must be a float in \[0, inf\); got -1\.$"):
        semopt.solve(_game(), "best-response", tol=-1)


def test_missing_requirement_hides_the_solver_and_names_the_extra(registry):
    _register_lowest("learned-policy", requires=("no_such_module_xyz",), extra="learned")
    _register_lowest("bare-requirement", requires=("no_such_module_xyz",))
    game = _game()
    assert not {"learned-policy", "bare-requirement"} & set(semopt.available_solvers(game))
    with pytest.raises(SolverError) as err:
        semopt.solve(game, "learned-policy")
    assert str(err.value) == ("Solver 'learned-policy' needs no_such_module_xyz, which is not installed; "
                              "run: pip install 'semopt[learned]'.")
    with pytest.raises(SolverError, match=r"run: pip install no_such_module_xyz\.$"):
        semopt.solve(game, "bare-requirement")


# ------------------------------------------------------------------------------------------------------ benchmark
def test_bench_runs_a_user_solver_beside_a_built_in_one(registry):
    _register_lowest()
    overrides = {"terminals": 2, "certify": False}
    report = semopt.bench.run("semantic-game", ["lowest-corner", "uniform"], seeds=2, overrides=overrides,
                              quiet=True)
    assert [(s.solver, s.n, s.feasible_share) for s in report.summaries] == [("lowest-corner", 2, 1.0),
                                                                            ("uniform", 2, 1.0)]
    assert [(r.seed, r.solver) for r in report.records] == [(0, "lowest-corner"), (0, "uniform"),
                                                             (1, "lowest-corner"), (1, "uniform")]
    for record in report.records:
        direct = semopt.solve(semopt.scenarios.load("semantic-game", **overrides, seed=record.seed), record.solver,
                              seed=record.seed)
        assert record.objective == direct.objective
    assert {(c.solver, c.baseline) for c in report.comparisons} >= {("lowest-corner", "uniform")}


def test_bench_records_a_user_solver_that_does_not_accept_the_scenario_and_goes_on(registry):
    _register_all_device(capabilities=Capabilities(single_user=True))
    report = semopt.bench.run("split-alexnet", ["all-device", "mincut"], seeds=1, overrides={"users": 2},
                              quiet=True)
    refused, other = report.records
    assert refused.status == "refused"
    assert "'all-device' does not accept this SplitInference" in refused.message
    assert other.solver == "mincut" and other.status not in ("refused", "error") and other.feasible


def test_bench_shows_train_and_decision_time_for_every_solver_when_one_trains(registry):
    def memorised(problem, *, rng, time_limit):
        """A 'trained' policy: reports its training and decision time as learned solvers do."""
        low = problem.bounds[0]
        return SolverOutput(GameSolution(low), Status.CONVERGED, [problem.welfare(low)],
                            metrics={"train_time": 12.5, "decision_time": 0.25})

    register_solver("memorised", problems=(SemanticGame,), trains=True)(memorised)
    overrides = {"terminals": 2, "certify": False}
    report = semopt.bench.run("semantic-game", ["memorised", "uniform"], seeds=2, overrides=overrides, quiet=True)
    family = [m.key for m in semopt.bench.scenario_report("semantic-game", overrides)]
    assert [m.key for m in report.report] == [*family, "train_time", "decision_time"]
    for record in report.records:
        if record.solver == "memorised":
            assert (record.metrics["train_time"], record.metrics["decision_time"]) == (12.5, 0.25)
        else:  # a classical solver trains for 0 s and decides in its whole solve time
            assert (record.metrics["train_time"], record.metrics["decision_time"]) == (0.0, record.solve_time)
    table = report.table()
    assert list(table["train_time"]) == [12.5, 0.0, 12.5, 0.0]
    # Without a solver that trains, the columns are not shown.
    plain = semopt.bench.run("semantic-game", ["uniform"], seeds=1, overrides=overrides, quiet=True)
    assert "train_time" not in [m.key for m in plain.report]


# ------------------------------------------------------------------------------------------------ the certificate
def test_certify_switch_adds_the_nash_gap_in_solve_only(registry):
    certified, plain = _game(certify=True), _game(certify=False)
    assert semopt.scenarios.load("semantic-game", terminals=2, seed=0).certify is True  # the default
    res = semopt.solve(certified, "uniform")
    assert {"nash_gap", "nash_gap_relative"} <= set(res.metrics)
    assert res.metrics["nash_gap"] >= 0.0
    assert res.metrics["nash_gap"] == pytest.approx(semopt.analysis.nash_gap(certified, res.solution.actions))
    assert not {"nash_gap", "nash_gap_relative"} & set(certified.evaluate(res.solution).metrics)
    unchecked = semopt.solve(plain, "uniform")
    assert not {"nash_gap", "nash_gap_relative"} & set(unchecked.metrics)
    assert unchecked.objective == res.objective
    # A user's game solver is certified like a built-in one; an infeasible answer is not.
    _register_lowest()
    assert "nash_gap" in semopt.solve(certified, "lowest-corner").metrics
    _register_walk()
    assert "nash_gap" not in semopt.solve(certified, "walk", max_iter=1, overshoot=True).metrics
