"""``ppo`` on ModelSelection: it trains (the greedy policy beats its untrained self on held-out seeds), is
deterministic for a seed, saves and loads, and its decisions are judged by evaluate() like any solver's."""

from __future__ import annotations

import numpy as np
import pytest

import semopt
from semopt.errors import SolverError
from semopt.result import Status

pytest.importorskip("torch")
pytest.importorskip("stable_baselines3")

from semopt.solvers.learned.policy import load_policy  # noqa: E402

HELD_OUT = range(1000, 1012)  # test instances; training draws its own seeds (never these, with certainty 1 - 1e-17)


def load(**overrides):
    return semopt.scenarios.load("model-selection", **{"users": 6, **overrides})


def held_out_reward(path) -> float:
    """Mean eq-12 reward of a saved policy's decisions on the held-out instances."""
    rewards = [semopt.solve(load(seed=s), "ppo", load_from=path).metrics["reward_eq12"] for s in HELD_OUT]
    return float(np.mean(rewards))


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """Policies after one short rollout and after 3000 steps, from one seed, and the 3000-step result."""
    where = tmp_path_factory.mktemp("policies")
    short, long = where / "short.pt", where / "long.pt"
    semopt.solve(load(seed=3), "ppo", seed=0, steps=64, save_to=short)
    result = semopt.solve(load(seed=3), "ppo", seed=0, steps=3000, save_to=long)
    return short, long, result


def test_training_improves_the_policy_on_held_out_instances(trained):
    short, long, _ = trained
    assert held_out_reward(long) > held_out_reward(short) + 20.0


def test_result_reports_training_and_decision(trained):
    _, _, result = trained
    assert result.solver == "ppo"
    assert 3000 <= result.metrics["train_steps"] < 3000 + 256  # whole rollouts
    assert result.metrics["train_time"] > 0 and result.metrics["decision_time"] > 0
    assert len(result.history) >= 10 and all(isinstance(v, float) for v in result.history)
    assert np.mean(result.history[-3:]) > np.mean(result.history[:3])  # the training curve rises
    verdict = load(seed=3).evaluate(result.solution)
    assert result.feasible == verdict.feasible and result.objective == pytest.approx(verdict.objective)


def test_same_seed_same_policy_and_decision():
    a = semopt.solve(load(seed=2), "ppo", seed=5, steps=300)
    b = semopt.solve(load(seed=2), "ppo", seed=5, steps=300)
    assert a.history == b.history
    np.testing.assert_array_equal(a.solution.model, b.solution.model)
    np.testing.assert_array_equal(a.solution.bandwidth, b.solution.bandwidth)


def test_save_and_load_round_trip(tmp_path, trained):
    _, long, result = trained
    again = semopt.solve(load(seed=3), "ppo", load_from=long)
    np.testing.assert_array_equal(again.solution.model, result.solution.model)
    np.testing.assert_allclose(again.solution.power, result.solution.power, rtol=1e-12)
    assert again.metrics["train_time"] == pytest.approx(result.metrics["train_time"])
    policy = load_policy(long)
    assert policy.kind == "ppo" and policy.sizes == (6, 4)


def test_a_policy_for_other_sizes_or_a_foreign_file_is_refused(tmp_path, trained):
    _, long, _ = trained
    with pytest.raises(SolverError, match=r"sizes \(6, 4\).*needs sizes \(7, 4\)"):
        semopt.solve(load(users=7), "ppo", load_from=long)
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a policy")
    with pytest.raises(SolverError, match="Cannot read a semopt policy"):
        semopt.solve(load(), "ppo", load_from=junk)
    with pytest.raises(SolverError, match="Cannot read a semopt policy"):
        semopt.solve(load(), "ppo", load_from=tmp_path / "missing.pt")


def test_an_untrained_decision_is_judged_not_repaired():
    problem = load(users=12, seed=4)
    result = semopt.solve(problem, "ppo", seed=1, steps=16)
    verdict = problem.evaluate(result.solution)
    assert result.feasible == verdict.feasible
    if not verdict.feasible:
        assert result.status == Status.INFEASIBLE and "violated" in result.message


def test_time_limit_bounds_training():
    result = semopt.solve(load(), "ppo", seed=0, steps=10**6, seconds=1.0)
    assert result.metrics["train_steps"] < 10**6
    assert result.metrics["train_time"] < 30


def test_bench_compares_a_saved_policy_with_classical_solvers_on_held_out_seeds(trained):
    _, long, result = trained
    report = semopt.bench.run("model-selection", ["exact", "ppo"], seeds=[1000, 1001], overrides={"users": 6},
                              options={"ppo": {"load_from": str(long)}}, quiet=True)
    assert [m.key for m in report.report][-2:] == ["train_time", "decision_time"]
    by_solver = {s.solver: s for s in report.summaries}
    assert by_solver["ppo"].metrics["train_time"] == pytest.approx(result.metrics["train_time"])
    assert by_solver["exact"].metrics["train_time"] == 0.0
    assert 0 < by_solver["ppo"].metrics["decision_time"] < by_solver["ppo"].metrics["train_time"]
    # exact is optimal: no feasible decision of the policy beats it
    exact, ppo = ([r for r in report.records if r.solver == name] for name in ("exact", "ppo"))
    assert all(p.objective <= e.objective + 1e-9 for p, e in zip(ppo, exact, strict=True) if p.feasible)
