"""The learned QoE solvers ``mappo`` and ``d3qn`` (Chen et al. §IV-V): contract, determinism, what training buys.

Budgets are a few seconds of training on a 3-user instance; the held-out
instances are the scenario's seeds 1000-1019, which training never draws
(its seeds are drawn from [0, 2^63)).
"""

from __future__ import annotations

import functools
import importlib

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("gymnasium")

import semopt  # noqa: E402  (after the skips)
from semopt.errors import SolverError  # noqa: E402
from semopt.result import Status  # noqa: E402
from semopt.solvers.learned.codec import QoECodec  # noqa: E402
from semopt.solvers.learned.policy import Policy, load_policy  # noqa: E402

KINDS = ("mappo", "d3qn")
STEPS = 1500  # about 5 s of training each
HELD_OUT = range(1000, 1020)


def module(kind: str):
    # The package binds the solver *functions* to the names mappo and d3qn; the modules are imported by path.
    return importlib.import_module(f"semopt.solvers.learned.{kind}")


@functools.cache
def problem(users: int = 3):
    return semopt.scenarios.load("qoe-offloading", users=users, seed=7)


@functools.cache
def held_out() -> tuple:
    return tuple(semopt.scenarios.load("qoe-offloading", users=3, seed=s) for s in HELD_OUT)


def held_out_reward(policy: Policy) -> float:
    """Mean eq-12 reward less collisions of the policy's decisions on the held-out instances, as evaluate judges."""
    return float(np.mean([QoECodec.of(p).reward(p, policy.decide(p))[0] for p in held_out()]))


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One solve per solver, its policy saved: ``{kind: (result, path)}``."""
    out = {}
    for kind in KINDS:
        path = tmp_path_factory.mktemp(kind) / "policy.pt"
        out[kind] = (semopt.solve(problem(), kind, seed=0, steps=STEPS, save_to=path), path)
    return out


def same_solution(a, b) -> None:
    for name in ("offload", "channel", "power", "freq", "mu"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


# ---------------------------------------------------------------------------
# the result


@pytest.mark.parametrize("kind", KINDS)
def test_result_carries_training_figures(trained, kind):
    res, _ = trained[kind]
    assert res.solver == kind
    for name in ("train_time", "decision_time", "train_steps"):
        assert name in res.metrics
    assert res.metrics["train_steps"] == STEPS
    assert res.metrics["train_time"] > 0 and res.metrics["decision_time"] >= 0
    assert res.history and all(isinstance(v, float) and np.isfinite(v) for v in res.history)
    if res.feasible:  # an infeasible result's message names the violations instead
        assert str(STEPS) in res.message


@pytest.mark.parametrize("kind", KINDS)
def test_feasibility_is_evaluates_verdict(trained, kind):
    res, _ = trained[kind]
    verdict = problem().evaluate(res.solution)
    assert res.feasible == verdict.feasible
    assert (res.status == Status.INFEASIBLE) == (not verdict.feasible)
    assert res.objective == verdict.objective


@pytest.mark.parametrize("kind", KINDS)
def test_same_seed_same_policy(trained, kind, tmp_path):
    res, path = trained[kind]
    again = semopt.solve(problem(), kind, seed=0, steps=STEPS, save_to=tmp_path / "again.pt")
    same_solution(res.solution, again.solution)
    assert again.history == res.history
    first, second = load_policy(path).weights, load_policy(tmp_path / "again.pt").weights
    assert first.keys() == second.keys()
    for name, tensor in first.items():
        assert torch.equal(tensor, second[name]), name


@pytest.mark.parametrize("kind", KINDS)
def test_training_improves_on_held_out_instances(trained, kind):
    _, path = trained[kind]
    policy = load_policy(path)
    untrained = module(kind).train(problem(), seed=policy.config["seed"], steps=0)
    assert untrained.train_steps == 0 and untrained.history == []
    assert held_out_reward(policy) > held_out_reward(untrained)


@pytest.mark.parametrize("kind", KINDS)
def test_training_leaves_torch_threads_alone(kind):
    before = torch.get_num_threads()
    module(kind).train(problem(), seed=0, steps=8)
    assert torch.get_num_threads() == before


@pytest.mark.parametrize("kind", KINDS)
def test_seconds_budget_stops_training(kind):
    policy = module(kind).train(problem(), seed=0, steps=10**9, seconds=0.5)
    assert 0 < policy.train_steps < 10**9
    assert policy.train_time < 5.0


# ---------------------------------------------------------------------------
# saving and loading


@pytest.mark.parametrize("kind", KINDS)
def test_saved_policy_decides_the_same(trained, kind):
    res, path = trained[kind]
    loaded = semopt.solve(problem(), kind, seed=123, load_from=path)
    same_solution(res.solution, loaded.solution)
    assert loaded.metrics["train_steps"] == STEPS
    assert "loaded" in loaded.message or not loaded.feasible


def test_policy_of_another_kind_is_refused(trained):
    _, path = trained["mappo"]
    with pytest.raises(SolverError, match="mappo policy"):
        semopt.solve(problem(), "d3qn", seed=0, load_from=path)


@pytest.mark.parametrize("kind", KINDS)
def test_policy_of_other_sizes_is_refused(trained, kind):
    _, path = trained[kind]
    with pytest.raises(SolverError, match="sizes"):
        semopt.solve(problem(users=4), kind, seed=0, load_from=path)
    with pytest.raises(SolverError, match="sizes"):  # and decide itself, for a policy held in memory
        load_policy(path).decide(problem(users=4))


def test_a_collision_is_reported_not_repaired(trained, tmp_path):
    """A MAPPO policy that sends every user to sub-channel 0: the decision keeps the collision, evaluate names it."""
    _, path = trained["mappo"]
    policy = load_policy(path)
    weights = dict(policy.weights)
    weights["actor.logits.weight"] = torch.zeros_like(weights["actor.logits.weight"])
    bias = torch.zeros_like(weights["actor.logits.bias"])
    bias[1] = 10.0  # choice 1: sub-channel 0
    weights["actor.logits.bias"] = bias
    crowded = tmp_path / "crowded.pt"
    Policy(policy.kind, policy.sizes, policy.config, weights, policy.history, policy.train_time,
           policy.train_steps).save(crowded)
    res = semopt.solve(problem(), "mappo", seed=0, load_from=crowded)
    assert (res.solution.channel == 0).all() and res.solution.offload.all()
    assert not res.feasible
    assert res.status == Status.INFEASIBLE
    assert "(11e)" in res.message


# ---------------------------------------------------------------------------
# the pieces


def test_gae_by_hand():
    mappo = module("mappo")
    # T = 3, an episode ends after step 1: delta = (1 + .9 * 1 - .5, 2 - 1, 3 + .9 * 2 - 1.5)
    adv, ret = mappo.gae(np.array([1.0, 2.0, 3.0]), np.array([0.5, 1.0, 1.5]), np.array([0.0, 1.0, 0.0]),
                         last_value=2.0, gamma=0.9, lam=0.5)
    np.testing.assert_allclose(adv, [1.4 + 0.45 * 1.0, 1.0, 3.3])
    np.testing.assert_allclose(ret, adv + [0.5, 1.0, 1.5])
    # one-step episodes: A = r - V(s), R = r
    adv, ret = mappo.gae(np.array([2.0, -1.0]), np.array([1.5, 0.5]), np.ones(2))
    np.testing.assert_allclose(adv, [0.5, -1.5])
    np.testing.assert_allclose(ret, [2.0, -1.0])


def test_double_dqn_target_by_hand():
    d3qn = module("d3qn")

    class Table(torch.nn.Module):
        def __init__(self, values):
            super().__init__()
            self.values = torch.tensor(values)

        def forward(self, obs):
            return self.values.expand(len(obs), -1)

    online, target = Table([1.0, 3.0, 2.0]), Table([10.0, 20.0, 30.0])
    # the online network picks action 1, the target network values it at 20; a terminal step bootstraps nothing
    y = d3qn.double_dqn_target(torch.tensor([1.0, 1.0]), torch.tensor([0.0, 1.0]), torch.zeros(2, 4), online,
                               target, gamma=0.5)
    np.testing.assert_allclose(y.numpy(), [1.0 + 0.5 * 20.0, 1.0])
    assert torch.equal(d3qn.double_dqn_target(torch.tensor([2.0]), torch.ones(1), torch.zeros(1, 4), online,
                                              target), torch.tensor([2.0]))


def test_action_table_lists_local_once_per_clock():
    d3qn = module("d3qn")
    table = d3qn.action_table(4)
    clocks, per_channel = len(d3qn.CLOCKS), len(d3qn.POWERS) * len(d3qn.CLOCKS) * len(d3qn.FACTORS)
    assert len(table) == clocks * 1 + 3 * per_channel
    assert (table[:clocks, 0] == 0).all() and (table[clocks:, 0] > 0).all()
    assert (table[:, 1:] >= 0).all() and (table[:, 1:] <= 1).all()
    assert len({tuple(row) for row in table}) == len(table)
