"""SplitInference: mincut == exhaustive == milp, greedy on chains, Lagrangian duality, error paths."""

from __future__ import annotations

import dataclasses

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import semopt
from semopt.algorithms.enumeration import downsets
from semopt.analysis import split_user_cost as user_cost
from semopt.errors import InvalidProblemError, ScenarioError, SolverError
from semopt.models import networks
from semopt.models.networks import Network
from semopt.problems.split import SplitInference
from semopt.result import Status


def random_network(seed: int, layers: int, extra_edges: int, chain: bool = False) -> Network:
    """A random layer DAG (indices in topological order) with random FLOPs, outputs and parameters."""
    rng = np.random.default_rng(seed)
    g = nx.DiGraph()
    g.add_nodes_from(range(layers))
    for j in range(1, layers):
        g.add_edge(int(rng.integers(0, j)) if not chain else j - 1, j)
    if not chain:
        for _ in range(extra_edges):
            i, j = sorted(rng.choice(layers, 2, replace=False))
            g.add_edge(int(i), int(j))
    macs = rng.uniform(1e6, 5e8, layers)
    return Network(
        name=f"random-{seed}", names=[f"layer{i}" for i in range(layers)], macs=macs, flops=2 * macs,
        out_elements=rng.integers(1_000, 400_000, layers), params=rng.integers(0, 2_000_000, layers),
        graph=g, input_elements=150_528,
    )


def make_problem(net: Network, rate_hz: float = 10e6, **kw) -> SplitInference:
    defaults = dict(device_flops=100e9, device_power=10.0, memory=4e9, tx_power=0.2, snr=1.0,
                    bandwidth=rate_hz, edge_flops=20e12)
    defaults.update(kw)
    return SplitInference(network=net, **defaults)


@settings(max_examples=25)
@given(st.integers(0, 10_000), st.integers(2, 9), st.integers(0, 6), st.sampled_from([1e5, 1e6, 1e7, 1e8, 1e9]),
       st.sampled_from(["latency", "energy", "weighted"]))
def test_mincut_equals_exhaustive_and_milp_on_random_dags(seed, layers, extra, rate, objective):
    prob = make_problem(random_network(seed, layers, extra), rate, objective=objective)
    exact = semopt.solve(prob, "exhaustive")
    cut = semopt.solve(prob, "mincut")
    mip = semopt.solve(prob, "milp")
    assert exact.status == cut.status == mip.status == Status.OPTIMAL
    assert cut.objective == pytest.approx(exact.objective, rel=1e-9, abs=1e-12)
    assert mip.objective == pytest.approx(exact.objective, rel=1e-7, abs=1e-12)
    assert cut.feasible and mip.feasible


@pytest.mark.parametrize("seed", range(5))
def test_greedy_is_exact_on_chains_and_never_better_than_mincut(seed):
    chain = make_problem(random_network(seed, 8, 0, chain=True))
    assert chain.network.is_chain()
    assert semopt.solve(chain, "greedy").objective == pytest.approx(semopt.solve(chain, "mincut").objective)
    dag = make_problem(random_network(seed, 9, 5))
    assert semopt.solve(dag, "greedy").objective >= semopt.solve(dag, "mincut").objective - 1e-12


@pytest.mark.parametrize("seed", range(6))
def test_lagrangian_gap_reported_and_never_negative(seed):
    net = random_network(seed, 8, 3)
    free = make_problem(net, 1e7)
    fastest = semopt.solve(free, "mincut")
    budget = 0.6 * fastest.metrics["mean_energy"]
    prob = make_problem(net, 1e7, energy_budget=budget)
    lag = semopt.solve(prob, "lagrangian")
    mip = semopt.solve(prob, "milp")
    if mip.status == Status.INFEASIBLE:
        assert lag.status == Status.INFEASIBLE
        return
    assert lag.feasible and mip.feasible
    assert lag.metrics["dual_bound"] <= mip.objective + 1e-9  # weak duality
    assert lag.metrics["gap"] >= 0
    assert lag.objective >= mip.objective - 1e-12
    assert lag.metrics["gap"] == pytest.approx(lag.objective - lag.metrics["dual_bound"], abs=1e-12)


def test_milp_meets_every_constraint():
    net = random_network(3, 9, 4)
    free = semopt.solve(make_problem(net, 1e6), "mincut")
    prob = make_problem(net, 1e6, energy_budget=0.8 * free.metrics["mean_energy"],
                        memory=0.5 * 4 * net.total_params)
    res = semopt.solve(prob, "milp")
    exact = semopt.solve(prob, "exhaustive")
    assert res.feasible and exact.feasible
    assert res.objective == pytest.approx(exact.objective, rel=1e-7)


@pytest.mark.parametrize("solver", ["mincut", "greedy", "lagrangian"])
def test_constraint_blind_solvers_refuse(solver):
    prob = make_problem(random_network(1, 6, 2), deadline=0.5)
    with pytest.raises(SolverError, match="milp"):
        semopt.solve(prob, solver)


@pytest.mark.parametrize("solver", ["milp", "exhaustive", "lagrangian"])
def test_budget_no_split_can_meet_is_infeasible(solver):
    prob = make_problem(random_network(2, 6, 1), energy_budget=1e-12)
    res = semopt.solve(prob, solver)
    assert res.status == Status.INFEASIBLE and not res.feasible
    assert any(v.startswith("(energy)") for v in prob.evaluate(res.solution).violations)


def test_downset_violation_is_named():
    prob = make_problem(random_network(0, 5, 0, chain=True))
    sol = prob.empty_solution(device=False)
    sol.placement[0, 3] = True  # layer 3 on the device reads layer 2 on the edge
    verdict = prob.evaluate(sol)
    assert not verdict.feasible and verdict.violations[0].startswith("(downset)")


def test_all_edge_sends_the_input_all_device_sends_nothing():
    prob = make_problem(random_network(0, 4, 0, chain=True), 1e6)
    edge = prob.evaluate(prob.empty_solution(device=False)).metrics["latency[0]"]
    device = prob.evaluate(prob.empty_solution(device=True)).metrics["latency[0]"]
    net = prob.network
    assert device == pytest.approx(net.flops.sum() / 100e9)
    assert edge == pytest.approx(net.flops.sum() / 20e12 + 8 * net.input_elements / 1e6)


def test_bad_input_errors():
    net = random_network(0, 4, 0)
    for field, bad in [("bandwidth", -1.0), ("bandwidth", float("nan")), ("device_flops", 0.0),
                       ("snr", [1.0, 2.0]), ("objective", "speed")]:
        with pytest.raises(InvalidProblemError, match=field):
            make_problem(net, **{field: bad}) if field != "bandwidth" else make_problem(net, bad)
    cyclic = random_network(0, 4, 0)
    cyclic.graph.add_edge(3, 0)
    with pytest.raises(InvalidProblemError, match="cycle"):
        make_problem(cyclic)


# --------------------------------------------------------------------------- built-in networks
@pytest.mark.parametrize("network", networks.names())
def test_mincut_matches_exact_solvers_on_every_builtin_network(network):
    """Issue 3: mincut == milp (== exhaustive where it enumerates) over a bandwidth sweep."""
    for device_flops in (10e9, 100e9):
        for rate in (1e5, 1e6, 1e7, 1e8, 1e9):
            prob = semopt.scenarios.load(f"split-{network}", bandwidth=rate, device_flops=device_flops)
            cut = semopt.solve(prob, "mincut")
            mip = semopt.solve(prob, "milp")
            assert cut.status == mip.status == Status.OPTIMAL
            assert mip.objective == pytest.approx(cut.objective, rel=1e-7), (network, device_flops, rate)
            try:
                exact = semopt.solve(prob, "exhaustive")
            except SolverError as err:
                assert "max_space" in str(err)
                continue
            assert exact.objective == pytest.approx(cut.objective, rel=1e-9), (network, device_flops, rate)


# --------------------------------------------------------------------------- several users
@pytest.mark.parametrize("seed", range(8))
def test_multi_user_bcd_against_joint_exhaustive(seed):
    net = random_network(seed, 5, 2)
    prob = make_problem(net, 4e6, device_flops=[5e9, 20e9, 50e9][: 2 + seed % 2],
                        device_power=10.0, memory=4e9, tx_power=0.2,
                        snr=[1.0, 3.0, 0.5][: 2 + seed % 2], edge_flops=2e11)
    exact = semopt.solve(prob, "exhaustive")
    bcd = semopt.solve(prob, "bcd")
    equal = semopt.solve(prob, "mincut")
    assert exact.status == Status.OPTIMAL and bcd.feasible
    assert equal.status == Status.CONVERGED  # per-user optimum with equal shares, not the joint optimum
    assert exact.objective <= bcd.objective + 1e-12
    assert bcd.objective <= equal.objective + 1e-12  # bcd starts from the equal shares and never gets worse
    assert np.all(np.diff(bcd.history) <= 1e-12)
    assert bcd.objective <= 1.01 * exact.objective
    assert bcd.solution.bandwidth.sum() == pytest.approx(prob.bandwidth)


def test_sqrt_shares_are_optimal():
    from semopt.algorithms.convex_allocation import sqrt_shares

    rng = np.random.default_rng(0)
    coeff = rng.uniform(0.1, 5.0, 6)
    x = sqrt_shares(coeff, 10.0)
    best = np.sum(coeff / x)
    assert x.sum() == pytest.approx(10.0)
    for _ in range(200):
        d = rng.normal(size=6)
        d -= d.mean()
        y = x + 1e-3 * d
        if np.all(y > 0):
            assert np.sum(coeff / y) >= best - 1e-12


# --------------------------------------------------------------------------- congestion game
@pytest.mark.parametrize("seed", range(6))
def test_best_response_reaches_a_certified_equilibrium(seed):
    net = random_network(seed, 5, 2)
    users = 2 + seed % 3
    prob = make_problem(net, 2e7, device_flops=np.linspace(5e9, 50e9, users), snr=np.linspace(0.5, 3, users),
                        edge_flops=5e11)
    res = semopt.solve(prob, "best-response", reference="exhaustive")
    assert res.status == Status.CONVERGED and res.feasible
    assert res.metrics["nash_gap"] == 0.0
    assert res.metrics["price_of_anarchy"] >= 1 - 1e-9  # the optimum chooses shares too
    # Independent certificate: no user gains by any other device set, at the shares it would get.
    sol = res.solution
    offloading = ~sol.placement.all(axis=1)
    for m in range(users):
        current = user_cost(prob, m, sol.placement[m], sol.bandwidth[m], sol.compute[m])
        n = int(offloading.sum()) - int(offloading[m]) + 1
        for row in downsets(net.graph):
            bw, cp = (0.0, 0.0) if row.all() else (prob.bandwidth / n, prob.edge_flops / n)
            assert user_cost(prob, m, row, bw, cp) >= current - 1e-12 * max(1.0, current)


def test_price_of_anarchy_grows_with_congestion():
    few = semopt.scenarios.load("split-alexnet", users=2, bandwidth=100e6, device_flops=20e9)
    many = semopt.scenarios.load("split-alexnet", users=8, bandwidth=100e6, device_flops=20e9)
    poa_few = semopt.solve(few, "best-response", reference="bcd").metrics["price_of_anarchy"]
    poa_many = semopt.solve(many, "best-response", reference="bcd").metrics["price_of_anarchy"]
    assert 1 - 1e-9 <= poa_few <= poa_many


# --------------------------------------------------------------------------- early exits
def _b_alexnet(**kw):
    return semopt.scenarios.load("split-b-alexnet", device_flops=5e9, objective="accuracy", **kw)


def test_main_exit_runs_only_the_main_branch():
    prob = semopt.scenarios.load("split-b-alexnet", device_flops=5e9, device="flop")  # latency = FLOPs / FLOP/s
    main = prob.needed(-1)
    assert 0 < main.sum() < prob.n_layers  # the side branches are idle at the final exit
    latency = prob.evaluate(prob.empty_solution(device=True)).metrics["latency[0]"]
    assert latency == pytest.approx(prob.network.flops[main].sum() / 5e9)


@pytest.mark.parametrize("rate", [1e5, 1e6, 1e7])
@pytest.mark.parametrize("deadline", [0.002, 0.004, 0.008, 0.02])
def test_early_exit_matches_brute_force(rate, deadline):
    from semopt.algorithms.enumeration import downsets

    prob = _b_alexnet(bandwidth=rate, deadline=deadline)
    res = semopt.solve(prob, "early-exit")
    bw, cp = prob.default_shares()
    best = None
    for e in range(prob.n_exits):
        costs = prob.costs(0, bw[0], cp[0], objective="latency")
        for row in downsets(prob.graph_for(e), prob.n_layers):
            send, send_in = prob.sent(row, e)
            if prob.total(costs, row, send, send_in, e) <= deadline:
                best = max(best or 0.0, prob.accuracy(e))
    if best is None:
        assert res.status == Status.INFEASIBLE
        assert any(v.startswith("(deadline)") for v in prob.evaluate(res.solution).violations)
    else:
        assert res.feasible and res.metrics["mean_accuracy"] == pytest.approx(best)


def test_accuracy_never_falls_as_the_deadline_loosens():
    accuracies = [semopt.solve(_b_alexnet(bandwidth=1e6, deadline=d), "early-exit").metrics["mean_accuracy"]
                  for d in (0.003, 0.005, 0.01, 0.05)]
    assert accuracies == sorted(accuracies) and accuracies[-1] > accuracies[0]


def test_accuracy_objective_errors():
    with pytest.raises(SolverError, match="early-exit"):
        semopt.solve(_b_alexnet(deadline=0.01), "mincut")
    with pytest.raises(ScenarioError, match="objective='accuracy'.*b-alexnet.*network='alexnet'"):
        semopt.scenarios.load("split-alexnet", objective="accuracy")
    with pytest.raises(InvalidProblemError, match="exit_accuracy"):
        dataclasses.replace(_b_alexnet(deadline=0.01), exit_accuracy=None)


@pytest.mark.parametrize("network", ["alexnet", "resnet18", "b-alexnet"])
def test_multi_user_bcd_beats_milp_with_equal_shares(network):
    """milp is exact for each user at the equal split; bcd also chooses the shares, so it can only gain."""
    prob = semopt.scenarios.load(f"split-{network}", users=4, bandwidth=50e6, device_flops=20e9, seed=2)
    bcd = semopt.solve(prob, "bcd")
    mip = semopt.solve(prob, "milp")
    assert bcd.feasible and mip.feasible
    assert bcd.objective <= mip.objective + 1e-12


def test_unknown_network_lists_the_known_ones():
    with pytest.raises(semopt.errors.ScenarioError, match="resnet18"):
        semopt.scenarios.load("split-alexnet", network="resnet19")
    with pytest.raises(semopt.errors.SemoptError, match="resnet18"):
        networks.build("resnet19")


@pytest.mark.parametrize("users", [3, 4])
def test_multi_user_bcd_near_joint_optimum_on_alexnet(users):
    """Regression: the alternation alone stalled 3-13 % above the joint optimum here."""
    for seed in range(3):
        prob = semopt.scenarios.load("split-alexnet", users=users, bandwidth=300e6, seed=seed)
        exact = semopt.solve(prob, "exhaustive", max_space=10**6).objective
        assert semopt.solve(prob, "bcd").objective <= 1.01 * exact


def test_price_of_anarchy_never_below_one_with_a_heuristic_reference():
    prob = semopt.scenarios.load("split-alexnet", users=7, bandwidth=300e6, seed=1)
    assert semopt.solve(prob, "best-response", reference="bcd").metrics["price_of_anarchy"] >= 1.0


def test_bcd_cut_by_its_time_limit_says_so():
    prob = semopt.scenarios.load("split-resnet18", users=5, bandwidth=300e6)
    full = semopt.solve(prob, "bcd")
    cut = semopt.solve(prob, "bcd", time_limit=0.05)
    assert full.status == Status.CONVERGED
    assert cut.status == Status.TIME_LIMIT and "time_limit" in cut.message
    assert cut.objective >= full.objective - 1e-12 * full.objective


def test_refusal_lists_the_solvers_that_accept_the_instance_not_the_refused_one():
    prob = semopt.scenarios.load("split-alexnet")
    with pytest.raises(SolverError) as err:
        semopt.solve(prob, "exhaustive", max_space=5)
    accepting = str(err.value).split("Solvers that accept it: ")[1]
    assert "mincut" in accepting and "exhaustive" not in accepting


def test_milp_shares_one_time_limit_between_its_users():
    prob = semopt.scenarios.load("split-alexnet", users=3)
    res = semopt.solve(prob, "milp", time_limit=1e-9)
    assert res.status == Status.TIME_LIMIT and "before user 0" in res.message
    assert semopt.solve(prob, "milp").status == Status.CONVERGED  # equal shares: optimal per user only
