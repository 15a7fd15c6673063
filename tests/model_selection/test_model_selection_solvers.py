"""Solvers of ModelSelection: exact == exhaustive, bcd and dinkelbach near exact, the paper's baselines,
infeasible instances, refusals (spec B3.3, B2.10).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools

import numpy as np
import pytest

import semopt
from semopt.algorithms.rate_allocation import floor_fraction
from semopt.errors import SolverError
from semopt.models.model_selection import link_rate
from semopt.problems.model_selection import ModelSelection
from semopt.result import Status
from semopt.solvers.model_selection.allocation import Allocator
from semopt.solvers.model_selection.structure import by_counts, floor_order, undominated, uniform_latency

LENET, RESNET, MOBILENET, DPN26 = range(4)


@functools.cache
def instance(**overrides) -> ModelSelection:
    return semopt.scenarios.load("model-selection", **overrides)


def key(overrides: dict) -> tuple:
    return tuple(sorted(overrides.items()))


@functools.cache
def solved(case: tuple, solver: str, seed: int = 0, **options):
    """One solve per (instance, solver, seed, options) for the whole module (instances are never mutated)."""
    return semopt.solve(instance(**dict(case)), solver, seed=seed, **options)


def worst_fraction(prob: ModelSelection, sol) -> float:
    """``min_m r_m / rho_m``: the common fraction of the floors a solution carries."""
    rate = link_rate(sol.bandwidth, sol.power, prob.gain_over_noise)
    return float(np.min(rate / prob.floors(sol.model)))


# ---------------------------------------------------------------------------
# exact == exhaustive
# ---------------------------------------------------------------------------

SMALL = (
    [dict(users=m, seed=s) for m in range(2, 7) for s in (0, 1, 2, 3)]
    + [dict(users=m, seed=10 + m, power_budget="transmit") for m in range(2, 7)]
    + [dict(users=m, seed=20 + m, bits=2e7) for m in (3, 5, 6)]  # small payload: DPN-26's floor is cheap
    + [dict(users=m, seed=30 + m, bits=1e8) for m in (4, 6)]  # large payload: DPN-26's floor is dear
    + [dict(users=5, seed=41, bits=1e7, power_budget="transmit"), dict(users=6, seed=42, radius=500.0)]
)


@pytest.mark.parametrize("case", [key(c) for c in SMALL], ids=lambda c: ",".join(f"{k}={v}" for k, v in c))
def test_exact_equals_exhaustive(case):
    exact, brute = solved(case, "exact"), solved(case, "exhaustive")
    assert exact.status == brute.status
    assert exact.feasible == brute.feasible
    assert exact.objective == pytest.approx(brute.objective, rel=1e-9)
    if exact.feasible:
        assert exact.status == Status.OPTIMAL
        assert MOBILENET not in exact.solution.model


def test_a_small_payload_makes_dpn26_everyone_s_choice():
    result = solved(key(dict(users=5, seed=25, bits=2e7)), "exact")
    assert result.feasible and result.solution.model.tolist() == [DPN26] * 5


def test_a_large_payload_mixes_models():
    """At 1e8 bits DPN-26's floor is 40 Mbit/s: only some users can afford the best quality."""
    model = solved(key(dict(users=6, seed=36, bits=1e8)), "exact").solution.model.tolist()
    assert sorted(model) == [RESNET] * 4 + [DPN26] * 2


def test_the_papers_twelve_users_use_all_three_undominated_models():
    models = solved(key(dict(users=12, seed=0)), "exact").solution.model
    assert set(models.tolist()) == {LENET, RESNET, DPN26}


@pytest.mark.parametrize("case", [key(dict(users=m, seed=s)) for m in (4, 6, 12) for s in (0, 1)]
                         + [key(dict(users=8, seed=2, power_budget="transmit"))])
def test_exact_with_cvxpy_allocation_agrees_with_kkt(case):
    kkt, ref = solved(case, "exact"), solved(case, "exact", allocation="cvxpy")
    assert ref.status == kkt.status == Status.OPTIMAL
    assert ref.objective == pytest.approx(kkt.objective, rel=1e-6)
    assert np.array_equal(ref.solution.model, kkt.solution.model)


def test_exhaustive_with_cvxpy_allocation_agrees_with_kkt():
    case = key(dict(users=3, seed=4))
    kkt, ref = solved(case, "exhaustive"), solved(case, "exhaustive", allocation="cvxpy")
    assert ref.objective == pytest.approx(kkt.objective, rel=1e-6)


def test_exact_solution_uses_both_budgets_and_only_the_strongest_exceeds_its_floor():
    prob = instance(users=12, seed=3)
    result = solved(key(dict(users=12, seed=3)), "exact")
    sol = result.solution
    assert sol.bandwidth.sum() == pytest.approx(prob.bandwidth_max, rel=1e-9)
    assert sol.power.sum() + prob.compute_power(sol.model) == pytest.approx(prob.power_max, rel=1e-9)
    rate = link_rate(sol.bandwidth, sol.power, prob.gain_over_noise)
    others = np.arange(12) != np.argmax(prob.gain)
    assert rate[others] == pytest.approx(prob.floors(sol.model)[others], rel=1e-9)
    assert result.metrics["rate_jain"] < 0.5  # eq 6 is a rate hog


# ---------------------------------------------------------------------------
# The structure exact relies on
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("budget", ["joint", "transmit"])
def test_mobilenet_is_dominated_by_lenet(budget):
    prob = instance(users=2, seed=0, power_budget=budget)
    assert undominated(prob).tolist() == [LENET, RESNET, DPN26]
    assert floor_order(prob, undominated(prob)).tolist() == [DPN26, RESNET, LENET]
    assert uniform_latency(prob)


def test_by_counts_assigns_larger_floors_to_stronger_users():
    order = np.array([DPN26, RESNET, LENET])
    got = {counts: models.tolist() for counts, models in by_counts(order, np.arange(4))}
    assert len(got) == 15  # C(4 + 2, 2)
    assert got[(1, 2, 1)] == [DPN26, RESNET, RESNET, LENET]


@pytest.mark.parametrize("seed", range(8))
def test_mobilenet_is_never_selected_by_exact(seed):
    for case in (dict(users=12, seed=seed), dict(users=6, seed=seed, power_budget="transmit")):
        result = solved(key(case), "exact")
        assert MOBILENET not in result.solution.model


def test_rearrangement_beats_every_permutation_of_the_same_counts():
    """For fixed counts, giving the larger floors to the stronger users (the sorted assignment) is best."""
    prob = instance(users=5, seed=9)
    alloc = Allocator(prob)
    users = np.argsort(-prob.gain_over_noise, kind="stable")
    sorted_models = np.array([DPN26, DPN26, RESNET, LENET, LENET])
    best = np.empty(5, dtype=np.int64)
    best[users] = sorted_models
    reference = alloc.outcome(best)
    assert reference.fit
    checked = 0
    for perm in set(itertools.permutations(sorted_models.tolist())):
        if perm[users[0]] != best[users[0]]:
            continue  # the strongest user's model is the search's other dimension
        found = alloc.outcome(np.array(perm))
        assert not found.fit or found.rde <= reference.rde * (1 + 1e-12), perm
        checked += 1
    assert checked == 12  # 4! / 2! arrangements of DPN-26, ResNet, LeNet, LeNet over the other four users


# ---------------------------------------------------------------------------
# bcd and dinkelbach against exact at the paper's 12 users
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("solver", ["bcd", "dinkelbach"])
def test_heuristics_within_one_percent_of_exact_at_twelve_users(solver, seed):
    case = key(dict(users=12, seed=seed))
    exact, heuristic = solved(case, "exact"), solved(case, solver)
    assert exact.feasible and heuristic.feasible
    assert heuristic.objective >= 0.99 * exact.objective
    assert heuristic.objective <= exact.objective * (1 + 1e-9)


@pytest.mark.parametrize("solver", ["bcd", "dinkelbach"])
def test_heuristics_match_exhaustive_on_small_instances(solver):
    for case in (dict(users=4, seed=0), dict(users=5, seed=1, power_budget="transmit")):
        brute, heuristic = solved(key(case), "exhaustive"), solved(key(case), solver)
        assert heuristic.objective >= 0.99 * brute.objective


def test_bcd_callback_sees_every_pass():
    seen = []
    semopt.solve(instance(users=6, seed=0), "bcd", seed=0, callback=lambda *args, **kw: seen.append(1))
    assert seen


# ---------------------------------------------------------------------------
# Determinism
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("solver", ["exact", "exhaustive", "bcd", "dinkelbach", "random", "average",
                                    "heuristic-rde"])
def test_every_solver_is_deterministic_for_a_seed(solver):
    prob = instance(users=6, seed=5)
    first, second = (semopt.solve(prob, solver, seed=11) for _ in range(2))
    assert first.objective == second.objective and first.status == second.status
    for name in ("model", "bandwidth", "power"):
        assert np.array_equal(getattr(first.solution, name), getattr(second.solution, name)), name


def test_random_differs_across_seeds():
    prob = instance(users=6, seed=5)
    a, b = semopt.solve(prob, "random", seed=1), semopt.solve(prob, "random", seed=2)
    assert not np.array_equal(a.solution.bandwidth, b.solution.bandwidth)


# ---------------------------------------------------------------------------
# The paper's baselines
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("users, seed", [(3, 0), (6, 1), (12, 2)])
def test_heuristic_rde_puts_everyone_on_dpn26_with_equal_shares(users, seed):
    sol = solved(key(dict(users=users, seed=seed)), "heuristic-rde").solution
    assert sol.model.tolist() == [DPN26] * users
    assert sol.bandwidth == pytest.approx(np.full(users, 30e6 / users), rel=1e-15)
    remaining = max(3.0 - users * 0.305, 0.0)
    assert sol.power == pytest.approx(np.full(users, remaining / users), abs=1e-15)


def test_heuristic_rde_at_twelve_users_leaves_no_power_for_the_radios():
    """12 x 0.305 W = 3.66 W > 3 W: no transmit power, no rate, RDE 0 (spec B3.4)."""
    result = solved(key(dict(users=12, seed=2)), "heuristic-rde")
    assert not result.feasible and result.objective == 0.0
    assert not result.solution.power.any()


def test_average_with_a_fixed_model_gives_equal_shares():
    prob = instance(users=6, seed=1)
    result = solved(key(dict(users=6, seed=1)), "average", model=RESNET)
    sol = result.solution
    assert sol.model.tolist() == [RESNET] * 6
    assert sol.bandwidth == pytest.approx(np.full(6, 5e6), rel=1e-15)
    assert sol.power == pytest.approx(np.full(6, (3.0 - 6 * 0.27) / 6), rel=1e-12)
    assert result.metrics["power_used"] == pytest.approx(3.0, rel=1e-12)
    assert prob.evaluate(sol).objective == result.objective


@pytest.mark.parametrize("seed", range(6))
def test_average_draws_one_model_for_everyone(seed):
    sol = solved(key(dict(users=5, seed=0)), "average", seed=seed).solution
    assert len(set(sol.model.tolist())) == 1
    assert np.all(sol.bandwidth == sol.bandwidth[0]) and np.all(sol.power == sol.power[0])


def test_average_refuses_a_model_index_out_of_range():
    prob = instance(users=5, seed=0)
    with pytest.raises(SolverError, match="model=9"):
        semopt.solve(prob, "average", model=9)
    with pytest.raises(SolverError, match="model"):
        semopt.solve(prob, "average", model=-1)


def test_average_total_power_split_violates_the_joint_budget():
    prob = instance(users=6, seed=1)
    result = semopt.solve(prob, "average", seed=0, model=LENET, power_split="total")
    assert result.solution.power == pytest.approx(np.full(6, 0.5))
    assert not result.feasible and result.status == Status.INFEASIBLE
    assert any(v.startswith("(7b) power: compute 0.72 W + transmit 3 W") for v in prob.evaluate(result.solution)
               .violations)
    # under the transmit-only budget the same split is within (7b)
    transmit = instance(users=6, seed=1, power_budget="transmit")
    verdict = transmit.evaluate(semopt.solve(transmit, "average", model=LENET, power_split="total").solution)
    assert not any(v.startswith("(7b)") for v in verdict.violations)


@pytest.mark.parametrize("seed", range(5))
def test_random_with_one_try_shares_exactly_the_remaining_transmit_budget(seed):
    prob = instance(users=6, seed=2)
    sol = semopt.solve(prob, "random", seed=seed, tries=1).solution
    assert sol.bandwidth.sum() == pytest.approx(prob.bandwidth_max, rel=1e-12)
    assert sol.power.sum() == pytest.approx(max(prob.transmit_budget(sol.model), 0.0), rel=1e-12)
    assert np.all(sol.bandwidth > 0) and np.all(sol.power >= 0)
    assert set(sol.model.tolist()) <= {0, 1, 2, 3}


def test_random_with_more_tries_is_no_worse():
    prob = instance(users=3, seed=0, bits=2e7)
    one = semopt.solve(prob, "random", seed=3, tries=1)
    many = semopt.solve(prob, "random", seed=3, tries=50)
    assert (many.feasible, many.objective) >= (one.feasible, one.objective)


@pytest.mark.parametrize("seed", range(4))
def test_at_twelve_users_exact_and_the_heuristics_are_feasible_and_exact_beats_every_baseline(seed):
    case = key(dict(users=12, seed=seed))
    exact = solved(case, "exact")
    for solver in ("exact", "bcd", "dinkelbach"):
        assert solved(case, solver).feasible, solver
    for solver in ("random", "average", "heuristic-rde"):
        baseline = solved(case, solver, seed=seed)
        assert exact.objective >= baseline.objective, solver
        assert exact.metrics["reward_eq12"] >= baseline.metrics["reward_eq12"], solver


# ---------------------------------------------------------------------------
# Instances without a feasible selection
# ---------------------------------------------------------------------------

INFEASIBLE = [
    (dict(users=3, seed=0, bits=1e12), "(7d)"),
    (dict(users=3, seed=1, latency_max=5.0), "(7d)"),  # below every model's inference time
    (dict(users=4, seed=0, compute_power_scale=1e-2), "(7b)"),  # 4 x 1.2 W of compute > 3 W
]


@pytest.mark.parametrize("case, label", [(key(c), lab) for c, lab in INFEASIBLE],
                         ids=["huge-payload", "tau-below-compute", "compute-over-budget"])
@pytest.mark.parametrize("solver", ["exact", "exhaustive"])
def test_no_feasible_selection_is_reported_infeasible(case, label, solver):
    result = solved(case, solver)
    assert result.status == Status.INFEASIBLE
    assert not result.feasible
    assert result.message.startswith("infeasible")
    assert label in result.message


@pytest.mark.parametrize("case, label", [(key(c), lab) for c, lab in INFEASIBLE],
                         ids=["huge-payload", "tau-below-compute", "compute-over-budget"])
def test_exact_and_exhaustive_fallbacks_agree(case, label):
    exact, brute = solved(case, "exact"), solved(case, "exhaustive")
    prob = instance(**dict(case))
    assert worst_fraction(prob, exact.solution) == pytest.approx(worst_fraction(prob, brute.solution), rel=1e-9)
    assert exact.metrics["max_latency_ratio"] <= brute.metrics["max_latency_ratio"] * (1 + 1e-9)


def infeasible_by_half() -> ModelSelection:
    """An instance whose best selection carries half of every floor: payload twice what all-LeNet can carry."""
    base = instance(users=4, seed=6)
    t, _, _ = floor_fraction(base.gain_over_noise, base.floors(np.zeros(4, dtype=np.int64)), base.bandwidth_max,
                             base.transmit_budget(np.zeros(4, dtype=np.int64)))
    return instance(users=4, seed=6, bits=float(5.12e7 * t * 2.0))


@pytest.mark.parametrize("solver", ["exact", "exhaustive", "bcd", "dinkelbach"])
def test_the_fallback_maximises_the_common_floor_fraction(solver):
    prob = infeasible_by_half()
    result = semopt.solve(prob, solver, seed=0)
    assert result.status == Status.INFEASIBLE and not result.feasible
    assert "(7d)" in result.message and "(7b)" in result.message
    best = max(floor_fraction(prob.gain_over_noise, prob.floors(np.array(m)), prob.bandwidth_max,
                              max(prob.transmit_budget(np.array(m)), 0.0))[0]
               for m in itertools.product(range(4), repeat=4))
    assert best == pytest.approx(0.5, rel=1e-9)
    assert worst_fraction(prob, result.solution) == pytest.approx(best, rel=1e-9)
    assert result.solution.model.tolist() == [LENET] * 4  # the lowest floor and the least compute power
    # every user at half its floor: below the latency cap, so the ratio is finite and informative
    assert result.metrics["max_latency_ratio"] < 10.0
    brute = semopt.solve(prob, "exhaustive", seed=0)
    assert result.metrics["max_latency_ratio"] <= brute.metrics["max_latency_ratio"] * (1 + 1e-9)


@pytest.mark.parametrize("solver", ["bcd", "dinkelbach"])
def test_heuristics_say_infeasibility_is_not_proven(solver):
    result = solved(key(dict(users=3, seed=0, bits=1e12)), solver)
    assert result.status == Status.INFEASIBLE and "not proven" in result.message


# ---------------------------------------------------------------------------
# Refusals: heterogeneous latency bounds, too many selections
# ---------------------------------------------------------------------------


def test_exact_refuses_user_specific_latency_bounds_but_exhaustive_solves_them():
    prob = dataclasses.replace(instance(users=4, seed=0), latency_max=np.array([10.0, 12.0, 12.0, 12.0]))
    assert "exact" not in semopt.available_solvers(prob)
    assert "exhaustive" in semopt.available_solvers(prob)
    with pytest.raises(SolverError, match="latency bound"):
        semopt.solve(prob, "exact")
    result = semopt.solve(prob, "exhaustive")
    assert result.feasible and result.status == Status.OPTIMAL
    assert np.argmax(prob.gain) != 0
    assert result.metrics["latency[0]"] == pytest.approx(10.0, rel=1e-9)  # not the strongest: at its floor
    # bcd handles it too, no better than exhaustive
    assert semopt.solve(prob, "bcd", seed=0).objective <= result.objective * (1 + 1e-9)


def test_exact_refuses_a_problem_edited_in_place():
    prob = semopt.scenarios.load("model-selection", users=4, seed=0)
    assert "exact" in semopt.available_solvers(prob)
    prob.latency_max[0] = 10.0  # revalidated on the next judgement
    assert "exact" not in semopt.available_solvers(prob)
    with pytest.raises(SolverError, match="exhaustive"):
        semopt.solve(prob, "exact")
    assert semopt.solve(prob, "exhaustive").feasible
    assert prob.latency_max[0] == 10.0  # solve never modifies the caller's problem


def test_exhaustive_refuses_seven_users_by_default():
    prob = instance(users=7, seed=0)
    assert "exhaustive" not in semopt.available_solvers(prob)
    with pytest.raises(SolverError, match="max_space"):
        semopt.solve(prob, "exhaustive")
    assert "exact" in semopt.available_solvers(prob)


def test_exact_refuses_above_its_max_space():
    prob = instance(users=12, seed=0)
    with pytest.raises(SolverError, match="max_space"):
        semopt.solve(prob, "exact", max_space=10)


def test_bad_options_raise_solver_error():
    prob = instance(users=3, seed=0)
    with pytest.raises(SolverError, match="allocation"):
        semopt.solve(prob, "exact", allocation="lp")
    with pytest.raises(SolverError, match="power_split"):
        semopt.solve(prob, "random", power_split="half")
    with pytest.raises(SolverError, match="tries"):
        semopt.solve(prob, "random", tries=0)


def test_every_family_solver_is_available_on_a_small_instance():
    assert {"exact", "exhaustive", "bcd", "dinkelbach", "random", "average", "heuristic-rde"} <= set(
        semopt.available_solvers(instance(users=3, seed=0)))


# ---------------------------------------------------------------------------
# A model that cannot meet the bound on its own (tau_c >= tau_max) must not hide the feasible ones
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("latency_max", [9.0, 9.5])  # at or below DPN-26's 9.5 s of inference: its floor is inf
@pytest.mark.parametrize("users, seed", [(2, 0), (4, 1), (6, 2)])
def test_exact_is_optimal_when_one_model_alone_exceeds_the_latency_bound(users, seed, latency_max):
    """LeNet and ResNet still fit, so the instance is feasible: exact must say "optimal", like exhaustive."""
    case = key(dict(users=users, seed=seed, latency_max=latency_max))
    exact, brute = solved(case, "exact"), solved(case, "exhaustive")
    assert brute.status == Status.OPTIMAL and brute.feasible
    assert exact.objective == pytest.approx(brute.objective, rel=1e-9)
    assert exact.feasible
    assert exact.status == Status.OPTIMAL, exact.message


def test_exact_with_an_unreachable_model_at_twelve_users_is_optimal_and_no_worse_than_bcd():
    case = key(dict(users=12, seed=0, latency_max=9.0, bits=3e7))
    exact, bcd = solved(case, "exact"), solved(case, "bcd")
    assert exact.feasible and exact.objective >= bcd.objective * (1 - 1e-9)
    assert exact.status == Status.OPTIMAL, exact.message
