"""ModelSelection: eq 3-7 and 12 by hand, the scenario (Table I, §IV), the judge of (7b)-(7f), validation.

Hand formulas transcribe Lin, Li, Aijaz, "RL-Driven Semantic Compression
Model Selection and Resource Allocation in Semantic Communication Systems"
(IEEE ISCC 2025), under the readings of ``../shared/specs/qoe-and-model-selection.md``
Part B (B2): the rate of eq 3 carries the factor ``B_m`` (bit/s), Table I's
powers are read as mW, the payload is 5.12e7 bits for every model.
"""

from __future__ import annotations

import copy
import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import semopt
from semopt.errors import InvalidProblemError, ScenarioError
from semopt.models.model_selection import (
    LATENCY_CAP,
    TABLE_I,
    jain,
    latency,
    link_rate,
    rate_floor,
    rde,
    reward_eq12,
)
from semopt.problems.model_selection import ModelSelection, SelectionSolution


def load(**overrides) -> ModelSelection:
    return semopt.scenarios.load("model-selection", **overrides)


def tags(violations: list[str]) -> list[str]:
    """The constraint labels of a list of violations, in order: ["(7b)", "(7d)", ...]."""
    return [v.split(" ", 1)[0] for v in violations]


def solution(model, bandwidth, power) -> SelectionSolution:
    return SelectionSolution(np.asarray(model, dtype=np.int64), np.asarray(bandwidth, dtype=float),
                             np.asarray(power, dtype=float))


def optimal(prob: ModelSelection) -> SelectionSolution:
    return semopt.solve(prob, "exact", seed=0).solution


# ---------------------------------------------------------------------------
# Eq 3 (corrected): r = B log2(1 + p a / B)
# ---------------------------------------------------------------------------


def test_link_rate_is_bandwidth_times_log2_one_plus_snr():
    rng = np.random.default_rng(0)
    band = rng.uniform(1e3, 3e7, size=50)
    power = rng.uniform(1e-4, 3.0, size=50)
    a = 10 ** rng.uniform(6, 12, size=50)
    expected = band * np.log2(1 + power * a / band)
    assert link_rate(band, power, a) == pytest.approx(expected, rel=1e-12)
    # the docstring's point: SNR 3 on 1 MHz is 2 Mbit/s
    assert float(link_rate(1e6, 3e-3, 1e9)) == pytest.approx(2e6, rel=1e-15)


def test_link_rate_is_zero_at_zero_bandwidth_whatever_the_power():
    rates = link_rate(np.zeros(3), np.array([0.0, 1.0, 1e6]), np.array([1e9, 1e9, 1e15]))
    assert rates.tolist() == [0.0, 0.0, 0.0]
    assert float(link_rate(1e6, 0.0, 1e9)) == 0.0  # no power, no rate


def test_link_rate_increases_in_bandwidth_unlike_the_printed_eq_3():
    """The printed eq 3 (no B factor) falls as B grows; the corrected rate rises (B2.1)."""
    band = np.linspace(1e5, 3e7, 40)
    rates = link_rate(band, np.full(40, 0.1), 1e12)
    assert np.all(np.diff(rates) > 0)
    printed = np.log2(1 + 0.1 * 1e12 / band)
    assert np.all(np.diff(printed) < 0)


@given(st.integers(0, 2**32 - 1))
def test_link_rate_is_jointly_concave_midpoint_check(seed):
    rng = np.random.default_rng(seed)
    a = 10 ** rng.uniform(6, 13)
    b1, b2 = rng.uniform(0, 3e7, size=2)
    p1, p2 = rng.uniform(0, 3.0, size=2)
    if rng.random() < 0.2:
        b1 = 0.0  # the closure of the perspective at B = 0
    mid = float(link_rate((b1 + b2) / 2, (p1 + p2) / 2, a))
    ends = (float(link_rate(b1, p1, a)) + float(link_rate(b2, p2, a))) / 2
    assert mid >= ends * (1 - 1e-12) - 1e-6


@given(st.integers(0, 2**32 - 1), st.floats(1e-3, 1e3))
def test_link_rate_is_homogeneous_of_degree_one(seed, k):
    rng = np.random.default_rng(seed)
    band, power, a = rng.uniform(1e3, 3e7), rng.uniform(1e-4, 3.0), 10 ** rng.uniform(6, 12)
    assert float(link_rate(k * band, k * power, a)) == pytest.approx(k * float(link_rate(band, power, a)), rel=1e-12)


# ---------------------------------------------------------------------------
# (7d) as a rate floor; latency; RDE (eq 6); eq 12; Jain
# ---------------------------------------------------------------------------


def test_rate_floors_of_table_i_at_the_scenario_defaults():
    """|x| = 5.12e7 bits, tau_max = 12 s: 7.42 (LeNet), 7.64 (ResNet, MobileNet), 20.48 Mbit/s (DPN-26)."""
    times = np.array([m.time for m in TABLE_I])
    floors = rate_floor(5.12e7, 12.0, times)
    assert floors == pytest.approx(5.12e7 / (12.0 - times), rel=1e-15)
    assert (floors / 1e6).round(2).tolist() == [7.42, 7.64, 7.64, 20.48]
    prob = load(users=4, seed=0)
    assert prob.floors(np.arange(4)) == pytest.approx(floors, rel=1e-15)


def test_rate_floor_is_infinite_when_the_model_alone_takes_tau_max():
    floors = rate_floor(5.12e7, 9.5, np.array([5.1, 9.5, 12.0]))
    assert math.isfinite(floors[0])
    assert floors[1] == np.inf and floors[2] == np.inf


def test_latency_is_compute_plus_transmission_time_and_infinite_at_zero_rate():
    assert latency(5.1, 5.12e7, 1e7) == pytest.approx(5.1 + 5.12)
    assert latency(np.array([5.1, 9.5]), 5.12e7, np.array([0.0, 2.048e7])).tolist() == [np.inf, 12.0]
    # the floor is exactly the rate at which the bound binds
    rho = rate_floor(5.12e7, 12.0, 9.5)
    assert float(latency(9.5, 5.12e7, rho)) == pytest.approx(12.0, rel=1e-15)


def test_rde_is_sum_rate_over_weighted_distortion_plus_eps():
    rates, loss = [3e7, 1e7, 2e7], [24.65, 14.0, 10.76]
    assert rde(rates, loss, 1e4, 1e-5) == pytest.approx(6e7 / (1e4 * 49.41 + 1e-5), rel=1e-15)
    assert rde([1.0], [0.0], 1e4, 1e-5) == pytest.approx(1e5)  # eps guards an all-zero distortion
    assert rde([0.0, 0.0], [1.0, 2.0], 1.0, 1e-5) == 0.0


def test_reward_eq12_clamped_and_signed_by_hand():
    """RDE 100, 2 W used of 3 W, latencies 15 s and 200 s (capped at 10 x 12 = 120 s) against 12 s each."""
    kw = dict(gamma_power=0.3, gamma_latency=0.2)
    clamped = reward_eq12(100.0, 2.0, 3.0, [15.0, 200.0], [12.0, 12.0], **kw)
    signed = reward_eq12(100.0, 2.0, 3.0, [15.0, 200.0], [12.0, 12.0], signed=True, **kw)
    assert clamped == pytest.approx(100.0 - 0.3 * 0.0 - 0.2 * (3.0 + 108.0), rel=1e-15)  # 77.8
    assert signed == pytest.approx(100.0 - 0.3 * (2.0 - 3.0) - 0.2 * (3.0 + 108.0), rel=1e-15)  # 78.1
    # slack earns a bonus only when signed
    slack = dict(rde_value=50.0, power_used=2.5, power_max=3.0, latencies=[10.0, 11.0], latency_max=[12.0, 12.0])
    assert reward_eq12(**slack, **kw) == 50.0
    assert reward_eq12(**slack, signed=True, **kw) == pytest.approx(50.0 + 0.3 * 0.5 + 0.2 * 3.0, rel=1e-15)
    # the docstring's example: overshoot of 0.5 W and one user 1 s late
    assert reward_eq12(100.0, 3.5, 3.0, [13.0, 11.0], [12.0, 12.0], **kw) == pytest.approx(99.65)


def test_reward_eq12_caps_an_infinite_latency_at_ten_tau_max():
    assert LATENCY_CAP == 10.0
    reward = reward_eq12(0.0, 1.0, 3.0, [np.inf, 12.0], [12.0, 6.0], gamma_power=0.3, gamma_latency=0.2)
    assert reward == pytest.approx(-0.2 * (120.0 - 12.0 + 6.0), rel=1e-15)
    assert math.isfinite(reward)


@given(st.lists(st.floats(0.0, 1e9), min_size=1, max_size=30))
def test_jain_index_lies_between_one_over_n_and_one(values):
    j = jain(values)
    n = len(values)
    assert 1.0 / n - 1e-12 <= j <= 1.0 + 1e-12


def test_jain_index_extremes():
    assert jain([5.0] * 7) == pytest.approx(1.0)
    assert jain([0.0, 0.0, 3.0, 0.0]) == pytest.approx(0.25)
    assert jain([0.0, 0.0]) == 1.0  # nothing to share: fair by convention


# ---------------------------------------------------------------------------
# The scenario: Table I and §IV
# ---------------------------------------------------------------------------


def test_scenario_defaults_match_table_i_and_section_iv():
    prob = load()
    assert prob.n_users == 12 and prob.n_models == 4
    assert prob.model_names == ("LeNet", "ResNet", "MobileNet", "DPN-26")
    assert prob.bandwidth_max == 30e6
    assert prob.power_max == pytest.approx(3.0, rel=1e-15)
    assert prob.lam == 1e4 and prob.eps == 1e-5
    assert prob.latency_max.tolist() == [12.0] * 12
    assert prob.model_power == pytest.approx(1e-3 * np.array([120.0, 270.0, 170.0, 305.0]), rel=1e-15)
    assert prob.model_time.tolist() == [5.1, 5.3, 5.3, 9.5]
    assert prob.model_loss.tolist() == [24.65, 14.00, 24.93, 10.76]
    assert prob.data_bits.tolist() == [5.12e7] * 4
    assert (prob.penalty_power, prob.penalty_latency) == (0.3, 0.2)
    assert (prob.power_budget, prob.penalty) == ("joint", "clamped")
    assert prob.noise_psd == pytest.approx(10 ** (-174 / 10) * 1e-3, rel=1e-12)
    assert np.all(prob.gain > 0)
    d = prob.info["distance"]
    assert np.all((d >= 50.0) & (d <= 300.0))


def test_table_i_as_printed():
    assert [tuple(m) for m in TABLE_I] == [("LeNet", 120.0, 5.1, 24.65), ("ResNet", 270.0, 5.3, 14.00),
                                           ("MobileNet", 170.0, 5.3, 24.93), ("DPN-26", 305.0, 9.5, 10.76)]


def test_scenario_overrides_reach_the_problem():
    prob = load(users=5, bandwidth=2e7, power_budget_mw=1500.0, latency_max=10.0, bits=1e7, lam=2.0, eps=1e-3,
                gamma_power=1.0, gamma_latency=2.0, penalty="signed", compute_power_scale=2e-3)
    assert prob.n_users == 5 and prob.bandwidth_max == 2e7 and prob.power_max == pytest.approx(1.5)
    assert prob.latency_max.tolist() == [10.0] * 5 and prob.data_bits.tolist() == [1e7] * 4
    assert (prob.lam, prob.eps, prob.penalty_power, prob.penalty_latency) == (2.0, 1e-3, 1.0, 2.0)
    assert prob.penalty == "signed"
    assert prob.model_power == pytest.approx(2e-3 * np.array([120.0, 270.0, 170.0, 305.0]))


def test_same_seed_same_instance_different_seed_different_gains():
    a, b = load(users=6, seed=3), load(users=6, seed=3)
    for name in ("gain", "data_bits", "model_power", "model_time", "model_loss", "latency_max"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert np.array_equal(a.info["distance"], b.info["distance"])
    c = load(users=6, seed=4)
    assert not np.array_equal(a.gain, c.gain)


def test_rayleigh_scale_does_not_move_the_users():
    a, b = load(users=6, seed=1), load(users=6, seed=1, rayleigh_scale=0.4)
    assert np.array_equal(a.info["distance"], b.info["distance"])
    assert b.gain == pytest.approx(4 * a.gain, rel=1e-12)  # |h| scales, |h|^2 by the square


def test_without_path_loss_the_gains_are_much_larger():
    """The paper-literal g = |h|^2 (B2.5): at 50-300 m and 2.4 GHz the path loss is far above 50 dB."""
    with_pl, literal = load(users=8, seed=2), load(users=8, seed=2, path_loss=False)
    ratio = literal.gain / with_pl.gain
    assert np.all(ratio > 1e5)
    # the same fading: the literal gain is |h|^2 with E|h|^2 = 2 x 0.2^2
    assert np.all(literal.gain < 1.0)


def test_power_budget_transmit_changes_the_transmit_budget():
    joint, transmit = load(users=4, seed=0), load(users=4, seed=0, power_budget="transmit")
    model = np.array([0, 1, 2, 3])
    compute = 1e-3 * (120 + 270 + 170 + 305)
    assert joint.compute_power(model) == pytest.approx(compute)
    assert transmit.compute_power(model) == pytest.approx(compute)
    assert joint.transmit_budget(model) == pytest.approx(3.0 - compute)
    assert transmit.transmit_budget(model) == 3.0


def test_scenario_rejects_bad_overrides():
    with pytest.raises(ScenarioError, match="power_budget"):
        load(power_budget="both")
    with pytest.raises(ScenarioError, match="radius"):
        load(radius=10.0)
    with pytest.raises(ScenarioError, match="users"):
        load(users=0)


def test_problem_helpers_by_hand():
    prob = load(users=3, seed=0)
    model = np.array([3, 0, 1])
    assert prob.floors(model) == pytest.approx(5.12e7 / (12.0 - np.array([9.5, 5.1, 5.3])), rel=1e-15)
    assert prob.distortion(model) == pytest.approx(10.76 + 24.65 + 14.0)
    assert prob.gain_over_noise == pytest.approx(prob.gain / prob.noise_psd, rel=1e-15)
    sol = solution(model, [1e7, 1e7, 1e7], [0.5, 0.5, 0.5])
    assert prob.rates(sol) == pytest.approx(1e7 * np.log2(1 + 0.5 * prob.gain_over_noise / 1e7), rel=1e-12)


# ---------------------------------------------------------------------------
# evaluate: the objective, every metric, every named violation
# ---------------------------------------------------------------------------


def test_feasible_solution_has_no_violation_and_objective_equals_rde_by_hand():
    prob = load(users=4, seed=1)
    sol = optimal(prob)
    verdict = prob.evaluate(sol)
    assert verdict.feasible and verdict.violations == []
    rates = sol.bandwidth * np.log2(1 + sol.power * prob.gain_over_noise / sol.bandwidth)
    expected = rates.sum() / (1e4 * prob.model_loss[sol.model].sum() + 1e-5)
    assert verdict.objective == pytest.approx(expected, rel=1e-12)
    assert verdict.objective == verdict.metrics["rde"]


def test_metrics_by_hand():
    prob = load(users=3, seed=0)
    sol = solution([0, 1, 3], [8e6, 1e7, 1.2e7], [0.4, 0.5, 0.6])
    m = prob.evaluate(sol).metrics
    rates = sol.bandwidth * np.log2(1 + sol.power * prob.gain_over_noise / sol.bandwidth)
    delay = np.array([5.1, 5.3, 9.5]) + 5.12e7 / rates
    capped = np.minimum(delay, 120.0)
    compute = 0.12 + 0.27 + 0.305
    assert m["sum_rate"] == pytest.approx(rates.sum(), rel=1e-12)
    assert m["mean_latency"] == pytest.approx(capped.mean(), rel=1e-12)
    assert m["max_latency"] == pytest.approx(capped.max(), rel=1e-12)
    assert m["max_latency_ratio"] == pytest.approx(capped.max() / 12.0, rel=1e-12)
    assert m["compute_power"] == pytest.approx(compute)
    assert m["transmit_power"] == pytest.approx(1.5)
    assert m["power_used"] == pytest.approx(compute + 1.5)
    assert m["bandwidth_used"] == pytest.approx(3e7)
    assert m["distortion"] == pytest.approx(24.65 + 14.0 + 10.76)
    assert m["rate_jain"] == pytest.approx(rates.sum() ** 2 / (3 * (rates**2).sum()), rel=1e-12)
    assert m["max_rate_share"] == pytest.approx(rates.max() / rates.sum(), rel=1e-12)
    assert [m[f"count[{n}]"] for n in prob.model_names] == [1.0, 1.0, 0.0, 1.0]
    for u in range(3):
        assert m[f"rate[{u}]"] == pytest.approx(rates[u], rel=1e-12)
        assert m[f"latency[{u}]"] == pytest.approx(delay[u], rel=1e-12)
    rde_value = rates.sum() / (1e4 * (24.65 + 14.0 + 10.76) + 1e-5)
    assert m["rde"] == pytest.approx(rde_value, rel=1e-12)
    late = np.maximum(capped - 12.0, 0.0).sum()
    assert m["reward_eq12"] == pytest.approx(rde_value - 0.3 * max(compute + 1.5 - 3.0, 0.0) - 0.2 * late, rel=1e-12)


def test_reward_metric_signed_gives_slack_a_bonus():
    clamped, signed = load(users=4, seed=1), load(users=4, seed=1, penalty="signed")
    sol = optimal(clamped)
    mc, ms = clamped.evaluate(sol).metrics, signed.evaluate(sol).metrics
    assert mc["reward_eq12"] == pytest.approx(mc["rde"], rel=1e-12)  # feasible: nothing to clamp
    latencies = np.array([ms[f"latency[{u}]"] for u in range(4)])
    expected = ms["rde"] - 0.3 * (ms["power_used"] - 3.0) - 0.2 * np.sum(latencies - 12.0)
    assert ms["reward_eq12"] == pytest.approx(expected, rel=1e-12)
    assert ms["reward_eq12"] > mc["reward_eq12"]


def test_7b_joint_names_compute_and_transmit_power():
    prob = load(users=3, seed=0)
    verdict = prob.evaluate(solution([3, 3, 3], [1e7] * 3, [1.0] * 3))
    assert tags(verdict.violations) == ["(7b)"]
    (v,) = verdict.violations
    assert "compute 0.915 W + transmit 3 W = 3.915 W > P_max = 3 W" in v
    assert verdict.metrics["power_used"] == pytest.approx(3.915)


def test_7b_transmit_names_transmit_power_only():
    prob = load(users=3, seed=0, power_budget="transmit")
    # 3 W of transmit power fits the transmit-only budget even though compute adds 0.915 W
    assert prob.evaluate(optimal(prob)).feasible
    verdict = prob.evaluate(solution([3, 3, 3], [1e7] * 3, [1.1] * 3))
    assert tags(verdict.violations) == ["(7b)"]
    (v,) = verdict.violations
    assert "transmit power 3.3 W > P_max = 3 W" in v and "compute" not in v


def test_7c_bandwidth_over_budget_is_named():
    prob = load(users=3, seed=0)
    verdict = prob.evaluate(solution([3, 3, 3], [2e7] * 3, [0.5] * 3))
    assert tags(verdict.violations) == ["(7c)"]
    assert "6e+07 Hz > B_max = 3e+07 Hz" in verdict.violations[0]


def test_7d_each_late_user_is_named():
    prob = load(users=4, seed=0)
    sol = optimal(prob)
    late = sol.copy()
    late.power[[1, 3]] = 0.0  # users 1 and 3 send nothing: infinite latency
    verdict = prob.evaluate(late)
    assert tags(verdict.violations) == ["(7d)", "(7d)"]
    assert verdict.violations[0].startswith("(7d) latency of user 1 is inf s > tau_max = 12 s")
    assert verdict.violations[1].startswith("(7d) latency of user 3 ")
    name = prob.model_names[sol.model[1]]
    assert f"({name}: " in verdict.violations[0]
    # a finite overshoot: half the floor rate
    slow = sol.copy()
    slow.bandwidth[2] *= 0.3
    slow.power[2] *= 0.3
    verdict = prob.evaluate(slow)
    assert verdict.violations and all(v.startswith("(7d) latency of user 2 is ") for v in verdict.violations)
    assert verdict.metrics["latency[2]"] > 12.0 and math.isfinite(verdict.metrics["latency[2]"])


@pytest.mark.parametrize("bad", [4, -1, 99])
def test_7f_bad_model_index_is_named(bad):
    prob = load(users=3, seed=0)
    sol = optimal(prob)
    sol.model[2] = bad
    verdict = prob.evaluate(sol)
    assert not verdict.feasible
    assert f"(7f) model[2] = {bad} is not a model index in [0, 4)" in verdict.violations


def test_negative_bandwidth_and_power_are_named():
    prob = load(users=3, seed=0)
    sol = optimal(prob)
    sol.bandwidth[0] = -1.0
    sol.power[1] = -0.1
    verdict = prob.evaluate(sol)
    assert "(7c) bandwidth[0] = -1 Hz is negative" in verdict.violations
    assert "(7b) power[1] = -0.1 W is negative" in verdict.violations
    # a negative share counts as nothing: users 0 and 1 get no rate
    assert verdict.metrics["rate[0]"] == 0.0 and verdict.metrics["rate[1]"] == 0.0
    assert {"(7d) latency of user 0", "(7d) latency of user 1"} <= {v[:22] for v in verdict.violations}


def test_budgets_met_with_equality_up_to_rounding_are_met():
    prob = load(users=3, seed=0)
    sol = optimal(prob)
    assert sol.bandwidth.sum() == pytest.approx(3e7, rel=1e-12)
    assert prob.compute_power(sol.model) + sol.power.sum() == pytest.approx(3.0, rel=1e-12)
    assert prob.evaluate(sol).feasible


@pytest.mark.parametrize(
    "field, make, pattern",
    [
        ("model", lambda s: dataclasses.replace(s, model=s.model[:2]), r"solution\.model.*shape"),
        ("bandwidth", lambda s: dataclasses.replace(s, bandwidth=np.ones(4)), r"solution\.bandwidth.*shape"),
        ("power", lambda s: dataclasses.replace(s, power=np.ones((3, 1))), r"solution\.power.*shape"),
        ("power", lambda s: dataclasses.replace(s, power=np.array([0.5, np.nan, 0.5])), r"solution\.power.*finite"),
        ("bandwidth", lambda s: dataclasses.replace(s, bandwidth=np.array([1e7, np.inf, 1e7])),
         r"solution\.bandwidth.*finite"),
        ("model", lambda s: dataclasses.replace(s, model=np.array([0.5, 3.0, 3.0])), r"solution\.model"),
        ("model", lambda s: dataclasses.replace(s, model=np.array(["a", "b", "c"])), r"solution\.model"),
        ("solution", lambda s: (s.model, s.bandwidth, s.power), r"SelectionSolution"),
    ],
    ids=["model-shape", "bandwidth-shape", "power-2d", "power-nan", "bandwidth-inf", "model-fraction",
         "model-str", "tuple"],
)
def test_malformed_solutions_raise_naming_the_field(field, make, pattern):
    prob = load(users=3, seed=0)
    sol = make(optimal(prob))
    before = copy.deepcopy(sol)
    with pytest.raises(InvalidProblemError, match=pattern):
        prob.evaluate(sol)
    if isinstance(sol, SelectionSolution):
        for name in ("model", "bandwidth", "power"):
            got, was = np.asarray(getattr(sol, name)), np.asarray(getattr(before, name))
            assert got.dtype == was.dtype and np.array_equal(got, was, equal_nan=got.dtype.kind == "f"), name


def test_evaluate_does_not_modify_the_solution():
    prob = load(users=4, seed=0)
    sol = optimal(prob)
    sol.model[0] = 7  # a (7f) violation: evaluate clips a copy, not this array
    sol.bandwidth[1] = -5.0
    sol.power[2] = -1.0
    before = sol.copy()
    prob.evaluate(sol)
    for name in ("model", "bandwidth", "power"):
        assert np.array_equal(getattr(sol, name), getattr(before, name)), name
    assert sol.model.dtype == before.model.dtype


def test_plain_lists_are_accepted_as_solution_arrays():
    prob = load(users=3, seed=0)
    sol = optimal(prob)
    as_lists = SelectionSolution(sol.model.tolist(), sol.bandwidth.tolist(), sol.power.tolist())
    assert prob.evaluate(as_lists).objective == prob.evaluate(sol).objective
    assert isinstance(as_lists.model, list)


@pytest.mark.parametrize(
    "changes, field",
    [
        (dict(gain=np.array([-1.0, 1e-10, 1e-10])), "gain"),
        (dict(gain=np.array([np.nan, 1e-10, 1e-10])), "gain"),
        (dict(gain=np.array([], dtype=float)), "gain"),
        (dict(eps=0.0), "eps"),
        (dict(noise_psd=-1.0), "noise_psd"),
        (dict(bandwidth_max=0.0), "bandwidth_max"),
        (dict(power_max=-3.0), "power_max"),
        (dict(lam=-1.0), "lam"),
        (dict(power_budget="both"), "power_budget"),
        (dict(penalty="squared"), "penalty"),
        (dict(model_power=np.ones(3)), "model_power"),
        (dict(model_time=np.array([5.1, 5.3, 5.3, -1.0])), "model_time"),
        (dict(model_loss=np.ones(5)), "model_loss"),
        (dict(data_bits=np.zeros(4)), "data_bits"),
        (dict(latency_max=np.ones(2)), "latency_max"),
        (dict(latency_max=np.array([12.0, 0.0, 12.0])), "latency_max"),
        (dict(model_names=("a", "b")), "model_names"),
        (dict(model_names=["a", "b", "c", "d"]), "model_names"),
        (dict(model_names=("a", "b", "c", 4)), "model_names"),
    ],
    ids=lambda x: x if isinstance(x, str) else None,
)
def test_invalid_problem_fields_raise_naming_the_field(changes, field):
    prob = load(users=3, seed=0)
    with pytest.raises(InvalidProblemError, match=f"`{field}`"):
        dataclasses.replace(prob, **changes)


def test_mismatched_model_arrays_raise():
    prob = load(users=3, seed=0)
    # data_bits sets S = 3, but there are 4 powers, times and losses: the first per-model array is named
    with pytest.raises(InvalidProblemError, match=r"`model_power` must have shape \(3,\)"):
        dataclasses.replace(prob, data_bits=np.full(3, 5.12e7))
    with pytest.raises(InvalidProblemError, match="`model_loss`"):
        dataclasses.replace(prob, model_loss=prob.model_loss[:3])


def test_default_model_names_when_none_given():
    prob = load(users=2, seed=0)
    other = dataclasses.replace(prob, model_names=())
    assert other.model_names == ("model 0", "model 1", "model 2", "model 3")


def test_a_field_edited_in_place_is_revalidated_by_evaluate():
    prob = load(users=3, seed=0)
    sol = optimal(prob)
    prob.gain[1] = -1.0
    with pytest.raises(InvalidProblemError, match="`gain`"):
        prob.evaluate(sol)
    assert prob.gain[1] == -1.0  # left as the user left it
    prob.gain[1] = 1e-10
    prob.evaluate(sol)  # valid again


def test_traits_and_sizes():
    prob = load(users=5, seed=0)
    assert prob.traits().users == 5
    assert prob.sense == "max" and prob.Solution is SelectionSolution
