"""Solvers of SemanticOffloading: optimality against the exhaustive optimum, stability, KKT vs CVXPY."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import offloading_problems

import semopt
from semopt.algorithms import convex_allocation as convex
from semopt.analysis import check_stability
from semopt.errors import SolverError
from semopt.problems import OffloadingSolution
from semopt.result import Status
from semopt.solvers.offloading.baselines import linear_flops_estimate
from semopt.solvers.offloading.bcd import nearest_association
from semopt.solvers.offloading.exhaustive import search_space

SOLVERS = ["bcd", "linear", "ftm", "fa", "uc"]


def tiny_instances():
    """Tiny instances (2-4 users, 1-3 BSs, 2-3 subcarriers) the exhaustive solver accepts."""
    out = []
    for seed in range(60):
        users, bss, subs = 2 + seed % 3, 1 + seed % 2 + (seed % 5 == 0), 2 + seed % 2
        prob = semopt.scenarios.load("semantic-mec", users=users, base_stations=bss, subcarriers=subs,
                                     tasks=3, seed=seed)
        if search_space(prob) <= 50_000:
            out.append(prob)
    return out


TINY = tiny_instances()


@pytest.fixture(scope="module")
def exact():
    return [semopt.solve(p, "exhaustive") for p in TINY]


def test_enough_tiny_instances(exact):
    assert sum(best.status == Status.OPTIMAL for best in exact) >= 30


def test_bcd_within_one_percent_of_exhaustive(exact):
    """Done-when of issue 2: on >= 30 tiny instances bcd is within 1 % per-user reward of the optimum."""
    gaps = []
    for prob, best in zip(TINY, exact, strict=True):
        res = semopt.solve(prob, "bcd", seed=0)
        if best.status == Status.INFEASIBLE:
            # exhaustive proves no allocation meets every deadline: bcd cannot find one either.
            assert not best.feasible and not res.feasible and res.status == Status.INFEASIBLE
            continue
        assert best.status == Status.OPTIMAL and best.feasible
        assert res.feasible
        per_user_gap = (best.objective - res.objective) / prob.n_users
        gaps.append(per_user_gap / abs(best.objective / prob.n_users))
    assert max(gaps) <= 0.01, f"worst relative per-user gap {max(gaps):.4f}"
    assert min(gaps) >= -1e-9, "bcd beat the exhaustive optimum: exhaustive is not exact"


@pytest.mark.parametrize("solver", SOLVERS)
def test_no_solver_beats_exhaustive(exact, solver):
    pairs = [(p, b) for p, b in zip(TINY, exact, strict=True) if b.status == Status.OPTIMAL][:12]
    for prob, best in pairs:
        res = semopt.solve(prob, solver, seed=1)
        assert res.objective <= best.objective + 1e-9 * abs(best.objective)


def test_exhaustive_refuses_large_instances():
    prob = semopt.scenarios.load("semantic-mec", users=6, base_stations=3, subcarriers=4, seed=0)
    with pytest.raises(SolverError, match=r"more than max_space=200000 combinations"):
        semopt.solve(prob, "exhaustive")
    small = TINY[0]
    with pytest.raises(SolverError, match="max_space=1"):
        semopt.solve(small, "exhaustive", max_space=1)


def test_search_space_counts_what_is_enumerated():
    # 3 users, 2 BSs, 2 subcarriers: associations (1,2) and (2,1) each 3 * 3 * 2 ways, times 2^3 modes.
    prob = semopt.scenarios.load("semantic-mec", users=3, base_stations=2, subcarriers=2, seed=0)
    assert search_space(prob) == 288
    res = semopt.solve(prob, "exhaustive")
    assert res.metrics["combinations"] == 288


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bcd_history_non_decreasing(seed):
    prob = semopt.scenarios.load("semantic-mec", users=12, seed=seed)
    res = semopt.solve(prob, "bcd", seed=seed, starts=1, tol=0.0, max_iter=6)
    assert res.feasible
    assert len(res.history) >= 1
    assert np.all(np.diff(res.history) >= -1e-9 * abs(res.history[0]))
    assert res.objective == pytest.approx(res.history[-1], rel=1e-12)


@pytest.mark.parametrize("rule", ["welfare", "paper"])
@pytest.mark.parametrize("seed", [0, 3])
def test_both_matchings_exchange_stable_at_the_end(rule, seed):
    prob = semopt.scenarios.load("semantic-mec", users=10, seed=seed)
    res = semopt.solve(prob, "bcd", seed=seed, swap_rule=rule, starts=2)
    report = check_stability(prob, res.solution, rule=rule)
    assert report.association is None, report
    assert report.subcarrier is None, report
    assert report.stable


def test_stability_checker_finds_a_blocking_swap():
    prob = semopt.scenarios.load("semantic-mec", users=8, seed=1)
    res = semopt.solve(prob, "bcd", seed=0)
    worse = res.solution.copy()
    # Free every subcarrier but one per user: some user now gains by grabbing a free one.
    for k in range(prob.n_bs):
        seen = set()
        for n in range(prob.n_subcarriers):
            u = worse.carrier[k, n]
            if u >= 0 and u in seen:
                worse.carrier[k, n] = -1
            seen.add(u)
    report = check_stability(prob, worse, rule="welfare")
    assert report.subcarrier is not None and not report.stable


def test_welfare_rule_beats_paper_rule_on_default_scenario():
    """The documented reason for bcd's default swap rule: the paper's individual vetoes stall."""
    prob = semopt.scenarios.load("semantic-mec", seed=1)
    paper = semopt.solve(prob, "bcd", seed=0, swap_rule="paper", starts=1)
    welfare = semopt.solve(prob, "bcd", seed=0, swap_rule="welfare", starts=1)
    assert welfare.metrics["mean_delay"] < paper.metrics["mean_delay"]


def test_more_starts_never_worse():
    prob = semopt.scenarios.load("semantic-mec", users=10, seed=4)
    one = semopt.solve(prob, "bcd", seed=0, starts=1)
    five = semopt.solve(prob, "bcd", seed=0, starts=5)
    assert five.objective >= one.objective - 1e-9
    assert five.metrics["starts"] == 5


# --------------------------------------------------------------------------- compute step eq 26
@st.composite
def compute_subproblems(draw):
    n = draw(st.integers(1, 7))
    k = draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    assoc = rng.integers(0, k, n)
    a = rng.uniform(0.0, 0.2, n) * (rng.random(n) > 0.1)
    b = rng.uniform(1e8, 5e10, n)
    w = rng.choice([1.0, 2.0, 3.0], n) if draw(st.booleans()) else np.ones(n)
    capacity = rng.uniform(1e10, 2e12, k)
    deadline = a + rng.uniform(0.005, 1.0, n)
    return assoc, a, b, w, capacity, deadline


@given(compute_subproblems())
def test_kkt_equals_cvxpy(case):
    assoc, a, b, w, capacity, deadline = case
    low, met = convex.deadline_floors(assoc, a, b, deadline, capacity)
    fast = convex.allocate_kkt(assoc, a, b, w, low, capacity)
    ref = convex.allocate_cvxpy(assoc, a, b, w, low, capacity)
    assert convex.log_cost(a, b, w, fast) == pytest.approx(convex.log_cost(a, b, w, ref), rel=1e-6, abs=1e-9)
    np.testing.assert_allclose(fast, ref, rtol=2e-3)
    for k in range(capacity.size):
        mine = assoc == k
        assert fast[mine].sum() <= capacity[k] * (1 + 1e-12)
        if mine.any():
            assert fast[mine].sum() == pytest.approx(capacity[k], rel=1e-9)  # capacity binds
    assert np.all(fast >= low * (1 - 1e-9))
    # Where the floors can be met, every deadline is met.
    delay = a + b / fast
    for k in np.flatnonzero(met):
        assert np.all(delay[assoc == k] <= deadline[assoc == k] * (1 + 1e-9))


def test_kkt_is_a_minimum():
    """No feasible perturbation along the capacity constraint improves the KKT allocation."""
    rng = np.random.default_rng(7)
    assoc = np.zeros(5, dtype=np.int64)
    a, b, w = rng.uniform(0.01, 0.1, 5), rng.uniform(1e9, 1e10, 5), np.ones(5)
    cap = np.array([1e11])
    f = convex.allocate_kkt(assoc, a, b, w, np.zeros(5), cap)
    best = convex.log_cost(a, b, w, f)
    for _ in range(200):
        d = rng.normal(size=5)
        d -= d.mean()
        g = f + 1e-3 * f.min() * d
        assert convex.log_cost(a, b, w, g) >= best - 1e-12


def test_bcd_compute_methods_agree():
    prob = semopt.scenarios.load("semantic-mec", users=6, seed=2)
    kkt = semopt.solve(prob, "bcd", seed=0, starts=1, compute_method="kkt")
    gp = semopt.solve(prob, "bcd", seed=0, starts=1, compute_method="cvxpy")
    assert gp.objective == pytest.approx(kkt.objective, rel=1e-6)


# --------------------------------------------------------------------------- baselines
def test_fa_keeps_nearest_association():
    prob = semopt.scenarios.load("semantic-mec", seed=3)
    res = semopt.solve(prob, "fa", seed=0)
    np.testing.assert_array_equal(res.solution.assoc, nearest_association(prob))
    assert np.all(np.bincount(res.solution.assoc, minlength=prob.n_bs) <= prob.n_subcarriers)


def test_uc_splits_compute_equally():
    prob = semopt.scenarios.load("semantic-mec", seed=3)
    sol = semopt.solve(prob, "uc", seed=0).solution
    for k in range(prob.n_bs):
        mine = sol.assoc == k
        if mine.any():
            np.testing.assert_allclose(sol.compute[mine], prob.edge_capacity[k] / mine.sum())


def test_ftm_keeps_its_coin_flips():
    prob = semopt.scenarios.load("semantic-mec", seed=3)
    sol = semopt.solve(prob, "ftm", seed=11).solution
    np.testing.assert_array_equal(sol.semantic, np.random.default_rng(11).random(prob.n_users) < 0.5)


def test_linear_estimate_is_mean_density_per_exit():
    prob = semopt.scenarios.load("semantic-mec", seed=0)
    est = linear_flops_estimate(prob)
    density = prob.recognition_flops / prob.data_bits
    for m in np.unique(prob.exit_point):
        group = prob.exit_point == m
        np.testing.assert_allclose(est[group] / prob.data_bits[group], density[group].mean())
    assert not np.allclose(est, prob.recognition_flops)  # it is an estimate, not the truth


def test_bcd_beats_fa_and_ftm_on_default_scenario():
    """A small version of the Done-when comparison (the full one is `semopt bench`, in the note)."""
    diffs = {"fa": [], "ftm": []}
    for seed in range(3):
        prob = semopt.scenarios.load("semantic-mec", seed=seed)
        best = semopt.solve(prob, "bcd", seed=seed).objective
        for base in diffs:
            diffs[base].append(best - semopt.solve(prob, base, seed=seed).objective)
    assert np.mean(diffs["fa"]) > 0
    assert np.mean(diffs["ftm"]) > 0


# --------------------------------------------------------------------------- infeasibility
@pytest.mark.parametrize("solver", [*SOLVERS, "exhaustive"])
def test_unmeetable_deadlines_give_infeasible_status(solver):
    prob = semopt.scenarios.load("semantic-mec", users=3, base_stations=2, subcarriers=2, seed=1)
    tight = dataclasses.replace(prob, deadline=np.full(prob.n_tasks, 1e-6))
    res = semopt.solve(tight, solver, seed=0)
    assert res.status == Status.INFEASIBLE
    assert not res.feasible
    verdict = tight.evaluate(res.solution)
    assert any(v.startswith("(9h)") for v in verdict.violations)
    if solver != "exhaustive":
        assert "(9h)" in res.message


@pytest.mark.parametrize("solver", [*SOLVERS, "exhaustive"])
def test_more_users_than_subcarriers_is_infeasible(solver):
    prob = semopt.scenarios.load("semantic-mec", users=5, base_stations=2, subcarriers=2, seed=1)
    res = semopt.solve(prob, solver, seed=0)
    assert res.status == Status.INFEASIBLE
    assert "(2)" in res.message
    assert any(v.startswith("(2)") for v in prob.evaluate(res.solution).violations)


def test_solution_is_a_copy_not_the_model_state():
    prob = semopt.scenarios.load("semantic-mec", users=4, seed=0)
    res = semopt.solve(prob, "bcd", seed=0)
    assert isinstance(res.solution, OffloadingSolution)
    before = prob.evaluate(res.solution).objective
    res.solution.compute[:] = 1.0
    assert semopt.solve(prob, "bcd", seed=0).objective == pytest.approx(before)


def test_planning_model_matches_problem_evaluation():
    prob = semopt.scenarios.load("semantic-mec", users=8, seed=6)
    res = semopt.solve(prob, "bcd", seed=0)
    score = prob.model().assess(res.solution)
    assert score.objective == pytest.approx(res.objective, rel=1e-12)
    np.testing.assert_allclose(score.delay, [res.metrics[f"delay[{u}]"] for u in range(prob.n_users)])


# --------------------------------------------------------------------------- properties
STRUCTURAL = ("(9c)", "(9e)", "(9f)", "(2)", "(9i)", "(7)")


@settings(max_examples=15)
@given(offloading_problems(max_users=6, max_bs=3, max_subcarriers=4), st.sampled_from(SOLVERS))
def test_every_solver_returns_a_structurally_valid_solution(problem, solver):
    """Whatever the sizes, parameters and reward variant: no violated structural constraint."""
    res = semopt.solve(problem, solver, seed=0, starts=1)
    violations = problem.evaluate(res.solution).violations
    assert not [v for v in violations if v.startswith(STRUCTURAL)], violations
    assert res.feasible == (not violations)
    if res.feasible:
        assert res.status in (Status.CONVERGED, Status.MAX_ITER)


@settings(max_examples=10)
@given(offloading_problems(max_users=3, max_bs=2, max_subcarriers=2))
def test_exhaustive_dominates_bcd(problem):
    best = semopt.solve(problem, "exhaustive")
    res = semopt.solve(problem, "bcd", seed=0)
    if best.status == Status.OPTIMAL:
        assert res.objective <= best.objective + 1e-9 * abs(best.objective)
    else:
        assert not res.feasible


# --------------------------------------------------------------------------- regressions (review of issue 2)
def test_fa_keeps_association_with_restarts():
    prob = semopt.scenarios.load("semantic-mec", users=12, seed=3)
    res = semopt.solve(prob, "fa", seed=0, starts=3, max_iter=5)
    np.testing.assert_array_equal(res.solution.assoc, nearest_association(prob))


def test_exhaustive_honours_time_limit():
    prob = semopt.scenarios.load("semantic-mec", users=4, base_stations=2, subcarriers=3, seed=0)
    res = semopt.solve(prob, "exhaustive", time_limit=1e-3)
    assert res.status == Status.TIME_LIMIT
    assert res.feasible == prob.evaluate(res.solution).feasible


def test_unreachable_deadline_keeps_other_floors():
    assoc = np.zeros(2, dtype=np.int64)
    a, b = np.array([0.6, 0.045]), np.array([1e10, 5e9])
    deadline, capacity = np.array([0.5, 0.1]), np.array([1e11])
    low, met = convex.deadline_floors(assoc, a, b, deadline, capacity)
    assert not met[0]
    assert low[0] == 0 and low[1] == pytest.approx(5e9 / 0.055)
    f = convex.allocate_kkt(assoc, a, b, np.ones(2), low, capacity)
    assert a[1] + b[1] / f[1] <= deadline[1] * (1 + 1e-12)


def test_tasks_without_edge_work_need_no_compute():
    prob = semopt.scenarios.load("semantic-mec", users=4, seed=0)
    light = dataclasses.replace(prob, recognition_flops=np.zeros(prob.n_tasks),
                                reconstruction_flops=np.zeros(prob.n_tasks))
    res = semopt.solve(light, "bcd", seed=0)
    assert res.feasible, res.message
    assert np.isfinite(res.objective)


def test_user_without_any_gain_is_infeasible_not_a_crash():
    prob = semopt.scenarios.load("semantic-mec", users=4, seed=0)
    gain = prob.gain.copy()
    gain[0] = 0.0
    res = semopt.solve(dataclasses.replace(prob, gain=gain), "bcd", seed=0, starts=1)
    assert res.status == Status.INFEASIBLE and not res.feasible


def test_failed_validation_changes_nothing():
    prob = semopt.scenarios.load("semantic-mec", users=4, seed=0)
    gain_list = prob.gain.tolist()
    prob.gain = gain_list
    prob.deadline = np.full(prob.n_tasks, -1.0)
    with pytest.raises(semopt.errors.InvalidProblemError, match="deadline"):
        semopt.solve(prob, "bcd")
    assert prob.gain is gain_list  # validation ran on a copy: the caller's fields are untouched


def test_ragged_input_is_an_invalid_problem_error():
    prob = semopt.scenarios.load("semantic-mec", users=2, base_stations=2, subcarriers=2, seed=0)
    with pytest.raises(semopt.errors.InvalidProblemError, match="gain"):
        dataclasses.replace(prob, gain=[[[1.0]], [[1.0, 2.0]]])
    with pytest.raises(semopt.errors.InvalidProblemError, match="data_bits"):
        dataclasses.replace(prob, data_bits=[[1.0, 2.0], [3.0]])
    sol = semopt.solve(prob, "bcd", seed=0).solution
    with pytest.raises(semopt.errors.InvalidProblemError, match="carrier"):
        prob.evaluate(dataclasses.replace(sol, carrier=[[0, 1], [1]]))
    with pytest.raises(semopt.errors.InvalidProblemError, match="compute"):
        prob.evaluate(dataclasses.replace(sol, compute=np.array([1 + 1j, 2.0])))


@pytest.mark.parametrize("users, bss, subcarriers", [(1, 1, 1), (2, 2, 2), (4, 3, 2), (5, 2, 3), (3, 4, 1), (7, 2, 3)])
def test_search_space_counts_what_exhaustive_enumerates(users, bss, subcarriers):
    from itertools import product
    from math import comb

    from semopt.algorithms.enumeration import compositions, count_assignments

    prob = semopt.scenarios.load("semantic-mec", users=users, base_stations=bss, subcarriers=subcarriers)
    cells = [count_assignments(m, subcarriers) for m in range(users + 1)]
    by_composition = 0
    for counts in compositions(users, bss):
        ways, left = 1, users
        for m in counts:
            ways, left = ways * comb(left, m) * cells[m], left - m
        by_composition += ways
    assert search_space(prob) == by_composition * 2**users
    if users * 3 <= 12:  # small enough to enumerate the associations themselves
        direct = sum(np.prod([cells[int(np.sum(np.array(a) == b))] for b in range(bss)])
                     for a in product(range(bss), repeat=users))
        assert search_space(prob) == direct * 2**users
    for cap in (1, 10, 1000):
        assert search_space(prob, cap=cap) == min(search_space(prob), cap + 1)


def test_exhaustive_is_not_listed_nor_slow_to_refuse_at_scale():
    prob = semopt.scenarios.load("semantic-mec", users=60, base_stations=8, seed=0)
    assert "exhaustive" not in semopt.available_solvers(prob)
    with pytest.raises(SolverError, match="more than max_space") as err:
        semopt.solve(prob, "exhaustive")
    assert "Solvers that accept it: bcd, fa, ftm, linear, uc." in str(err.value)
