"""Neurosurgeon's split costs: the batch fast path == the per-user reference path.

``prefix_costs_batch`` (every user at once, cumulative sums) against
``prefix_costs`` (one user, one placement at a time through
``SplitInference.sent`` / ``total``), on random layer DAGs and on every
built-in network, for every objective; and the ``greedy`` solver, which now
uses the batch, against the per-user path it replaced.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import semopt
from semopt.models import networks
from semopt.models.networks import Network
from semopt.problems.split import SplitInference
from semopt.solvers.split.greedy import best_prefix, prefix_costs, prefix_costs_batch, prefix_sent_bits
from semopt.solvers.split.per_user import solve_per_user

USERS = 5
OBJECTIVES = ("latency", "energy", "weighted")  # the additive objectives Neurosurgeon optimises
RTOL = 1e-12


def random_network(seed: int, layers: int, extra_edges: int, chain: bool = False) -> Network:
    """A random layer DAG (indices in topological order) with random FLOPs, outputs and parameters.

    Some layers have zero FLOPs (like pooling or concatenation), so splits tie on compute.
    """
    rng = np.random.default_rng(seed)
    g = nx.DiGraph()
    g.add_nodes_from(range(layers))
    for j in range(1, layers):
        g.add_edge(int(rng.integers(0, j)) if not chain else j - 1, j)
    if not chain and layers > 1:
        for _ in range(extra_edges):
            i, j = sorted(rng.choice(layers, 2, replace=False))
            g.add_edge(int(i), int(j))
    macs = rng.uniform(1e6, 5e8, layers) * (rng.random(layers) > 0.2)
    return Network(
        name=f"random-{seed}", names=[f"layer{i}" for i in range(layers)], macs=macs, flops=2 * macs,
        out_elements=rng.integers(1_000, 400_000, layers), params=rng.integers(0, 2_000_000, layers),
        graph=g, input_elements=150_528,
    )


def users_problem(net: Network, objective: str = "latency", seed: int = 0, users: int = USERS,
                  **kw) -> SplitInference:
    """``users`` users with different devices and channels sharing one edge server."""
    rng = np.random.default_rng(seed)
    fields = dict(
        device_flops=rng.uniform(20e9, 500e9, users), device_power=rng.uniform(2.0, 15.0, users),
        memory=4e9, tx_power=rng.uniform(0.05, 1.0, users), snr=10.0 ** rng.uniform(-1.0, 2.0, users),
        bandwidth=float(rng.choice([1e6, 1e7, 1e8])) * users, edge_flops=20e12, objective=objective,
        weights=(1.0, 0.3),
    )
    fields.update(kw)
    return SplitInference(network=net, **fields)


def reference(problem: SplitInference, bandwidth=None, compute=None, **kw) -> np.ndarray:
    """Row m: ``prefix_costs`` of user m's ``costs`` (the per-user path)."""
    default_bw, default_cp = problem.default_shares()
    bw = default_bw if bandwidth is None else bandwidth
    cp = default_cp if compute is None else compute
    exit_ = kw.pop("exit", -1)
    return np.array([prefix_costs(problem, problem.costs(m, bw[m], cp[m], **kw), exit_)
                     for m in range(problem.n_users)])


def assert_same_costs(batch: np.ndarray, ref: np.ndarray) -> None:
    assert batch.shape == ref.shape
    assert not np.isnan(batch).any()
    np.testing.assert_allclose(batch, ref, rtol=RTOL, atol=0.0)


@given(st.integers(0, 10_000), st.integers(1, 12), st.integers(0, 8), st.sampled_from(OBJECTIVES),
       st.booleans())
def test_batch_equals_reference_on_random_dags(seed, layers, extra, objective, chain):
    prob = users_problem(random_network(seed, layers, extra, chain), objective, seed)
    assert_same_costs(prefix_costs_batch(prob), reference(prob))


@pytest.mark.parametrize("objective", OBJECTIVES)
@pytest.mark.parametrize("name", networks.names())
def test_batch_equals_reference_on_builtin_networks(name, objective):
    prob = users_problem(networks.build(name), objective, seed=len(name))
    batch = prefix_costs_batch(prob)
    assert batch.shape == (USERS, prob.n_layers + 1)
    assert_same_costs(batch, reference(prob))


def test_batch_equals_reference_at_every_exit():
    prob = users_problem(networks.build("b-alexnet"), "weighted")
    assert prob.n_exits > 1
    for exit_ in range(-1, prob.n_exits):
        assert_same_costs(prefix_costs_batch(prob, exit=exit_), reference(prob, exit=exit_))


@pytest.mark.parametrize("seed", range(4))
def test_sent_bits_match_sent(seed):
    prob = users_problem(random_network(seed, 10, 6))
    net = prob.network
    for k, bits in enumerate(prefix_sent_bits(prob)):
        send, send_in = prob.sent(np.arange(prob.n_layers) < k)
        expected = prob.bits_per_element * net.out_elements[send].sum()
        expected += prob.input_bits_per_element * net.input_elements if send_in else 0.0
        assert bits == expected


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_shares_objective_and_energy_price_as_in_costs(objective):
    prob = users_problem(random_network(7, 9, 4), "latency", seed=7)
    rng = np.random.default_rng(1)
    bw, cp = rng.uniform(1e5, 1e8, USERS), rng.uniform(1e11, 1e13, USERS)
    batch = prefix_costs_batch(prob, bw, cp, objective=objective, energy_price=0.5)
    assert_same_costs(batch, reference(prob, bw, cp, objective=objective, energy_price=0.5))


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_zero_shares_give_inf_never_nan(objective):
    """A zero share makes its term infinite; a zero weight (or nothing to send) drops it, as costs() does."""
    prob = users_problem(random_network(3, 8, 3), objective, seed=3, weights=(0.0, 1.0))
    bw, cp = prob.default_shares()
    bw[0], cp[1] = 0.0, 0.0
    batch = prefix_costs_batch(prob, bw, cp)
    ref = reference(prob, bw, cp)
    assert not np.isnan(ref).any()
    assert_same_costs(batch, ref)
    wt, _ = prob.objective_weights()
    assert np.isinf(batch[0, :-1]).all() and np.isfinite(batch[0, -1])  # everything sent vs nothing
    assert np.isinf(batch[1, :-1]).all() == bool(wt)  # the edge's time only counts with w_T > 0


def test_weighted_with_a_zero_weight_is_the_other_objective():
    net = random_network(5, 9, 3)
    for weights, single in (((1.0, 0.0), "latency"), ((0.0, 1.0), "energy")):
        weighted = prefix_costs_batch(users_problem(net, "weighted", weights=weights))
        np.testing.assert_array_equal(weighted, prefix_costs_batch(users_problem(net, single)))


@pytest.mark.parametrize("objective", OBJECTIVES)
@pytest.mark.parametrize("name", networks.names())
def test_greedy_unchanged_from_the_per_user_path(name, objective):
    prob = users_problem(networks.build(name), objective, seed=len(name) + 1)
    per_user = solve_per_user(prob, best_prefix)
    res = semopt.solve(prob, "greedy")
    np.testing.assert_array_equal(res.solution.placement, per_user.placement)
    np.testing.assert_array_equal(res.solution.bandwidth, per_user.bandwidth)
    np.testing.assert_array_equal(res.solution.compute, per_user.compute)
    assert res.objective == pytest.approx(prob.evaluate(per_user).objective, rel=1e-12)


@given(st.integers(0, 10_000), st.integers(1, 10), st.integers(0, 6), st.sampled_from(OBJECTIVES))
def test_greedy_unchanged_on_random_dags(seed, layers, extra, objective):
    prob = users_problem(random_network(seed, layers, extra), objective, seed)
    res = semopt.solve(prob, "greedy")
    np.testing.assert_array_equal(res.solution.placement, solve_per_user(prob, best_prefix).placement)


def test_ties_go_to_fewer_device_layers():
    """Free compute and nothing worth sending: every split ties, and the first (all on the edge) wins."""
    prob = users_problem(random_network(2, 6, 2), "energy", device_power=0.0, tx_power=0.0)
    assert (prefix_costs_batch(prob) == 0.0).all()
    assert not semopt.solve(prob, "greedy").solution.placement.any()
