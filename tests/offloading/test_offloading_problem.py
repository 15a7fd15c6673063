"""``SemanticOffloading``: the objective and every constraint of Zheng et al.'s problem (9), by hand.

The hand-built instance has 2 users, 2 BSs and 2 subcarriers with round
numbers, so every delay (eq 1-3, 7) and reward (eq 8) below is computed in
the test itself, independently of ``semopt.models``.
"""

from __future__ import annotations

import copy
import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import feasible_solutions, offloading_problems

from semopt.errors import InvalidProblemError, SemoptError
from semopt.problems import OffloadingSolution, SemanticOffloading

# --------------------------------------------------------------------------- the instance

GAIN = np.array([
    # user 0: to BS 0 on subcarriers 0, 1; to BS 1
    [[1e-4, 2e-4], [1e-6, 3e-6]],
    # user 1
    [[2e-6, 4e-6], [5e-5, 1e-4]],
])
POWER = 0.1  # W per subcarrier
NOISE_PSD = 1e-12  # W/Hz
BANDWIDTH = 2e6  # total per BS -> B = 1 MHz per subcarrier, noise B N_0 = 1e-6 W


def make_problem(**changes) -> SemanticOffloading:
    fields = dict(
        gain=GAIN.copy(),
        distance=np.array([[50.0, 300.0], [250.0, 80.0]]),
        task=np.array([0, 1]),
        data_bits=np.array([8e6, 4e6]),
        compression=np.array([4.0, 2.0]),
        deadline=np.array([10.0, 10.0]),
        priority=np.array([2.0, 3.0]),
        recognition_flops=np.array([8e9, 16e9]),
        extraction_flops=np.array([4e9, 2e9]),
        reconstruction_flops=np.array([1.6e9, 0.8e9]),
        edge_capacity=np.array([2e9, 4e9]),
        local_capacity=np.array([1e9, 1e9]),
        bandwidth=BANDWIDTH,
        power=POWER,
        noise_psd=NOISE_PSD,
        flops_per_cycle=8.0,
        reward_scale=2.0,
        reward_offset=0.5,
    )
    fields.update(changes)
    return SemanticOffloading(**fields)


def base_solution(**changes) -> OffloadingSolution:
    fields = dict(
        assoc=np.array([0, 1]),
        # BS 0: both subcarriers to user 0; BS 1: subcarrier 0 to user 1, subcarrier 1 free
        carrier=np.array([[0, 0], [1, -1]]),
        semantic=np.array([True, False]),
        compute=np.array([1e9, 2e9]),
    )
    fields.update(changes)
    return OffloadingSolution(**fields)


def hand_delays():
    """Eq 1-3 and 7 for ``base_solution()`` on ``make_problem()``."""
    noise = 1e6 * 1e-12
    # subcarrier 0 is used at BS 0 (user 0) and BS 1 (user 1): they interfere (eq 1),
    # each through its gain to the *victim* BS; subcarrier 1 is used at BS 0 only.
    sinr_0_0 = 0.1 * 1e-4 / (0.1 * 2e-6 + noise)  # 8.333...
    sinr_0_1 = 0.1 * 2e-4 / noise  # 20
    sinr_1_0 = 0.1 * 5e-5 / (0.1 * 1e-6 + noise)  # 4.545...
    r0 = 1e6 * (math.log2(1 + sinr_0_0) + math.log2(1 + sinr_0_1))  # eq 2
    r1 = 1e6 * math.log2(1 + sinr_1_0)
    # user 0 compresses (e = 1): sends s / eps, edge does c + F_C, device does F_E
    comm0 = (8e6 / 4.0) / r0
    comp0 = (8e9 + 1.6e9) / (8.0 * 1e9) + 4e9 / (8.0 * 1e9)  # 1.2 + 0.5
    # user 1 sends raw data, edge does c only
    comm1 = 4e6 / r1
    comp1 = 16e9 / (8.0 * 2e9)  # 1.0
    return np.array([comm0, comm1]), np.array([comp0, comp1]), np.array([r0, r1])


def prefixes(violations):
    return sorted(v.split(" ", 1)[0] for v in violations)


# --------------------------------------------------------------------------- objective


def test_sizes_and_derived_quantities():
    prob = make_problem()
    assert (prob.n_users, prob.n_bs, prob.n_subcarriers, prob.n_tasks) == (2, 2, 2, 2)
    assert prob.sense == "max"
    assert prob.subcarrier_bandwidth == 1e6
    assert prob.noise == pytest.approx(1e-6)
    np.testing.assert_array_equal(prob.nearest_bs(), [0, 1])


def test_evaluate_eq1_to_8_by_hand():
    prob = make_problem()
    comm, comp, rate = hand_delays()
    delay = comm + comp
    ev = prob.evaluate(base_solution())
    assert ev.violations == []
    assert ev.feasible is True
    # eq 8: C1 ln(1 / (M_i t_u)) + C2 with C1 = 2, C2 = 0.5, M = (2, 3)
    expected = sum(2.0 * math.log(1.0 / (m * t)) + 0.5 for m, t in zip((2.0, 3.0), delay, strict=True))
    assert ev.objective == pytest.approx(expected, rel=1e-12)
    for u in range(2):
        assert ev.metrics[f"delay[{u}]"] == pytest.approx(delay[u], rel=1e-12)
        assert ev.metrics[f"rate[{u}]"] == pytest.approx(rate[u], rel=1e-12)
    assert ev.metrics["mean_delay"] == pytest.approx(delay.mean(), rel=1e-12)
    assert ev.metrics["semantic_share"] == 0.5
    assert ev.metrics["edge_load[0]"] == pytest.approx(0.5)
    assert ev.metrics["edge_load[1]"] == pytest.approx(0.5)
    got_comm, got_comp, got_rate = prob.delays(base_solution())
    np.testing.assert_allclose(got_comm, comm, rtol=1e-12)
    np.testing.assert_allclose(got_comp, comp, rtol=1e-12)
    np.testing.assert_allclose(got_rate, rate, rtol=1e-12)


def test_semantic_mode_changes_data_and_compute():
    # Turning compression off for user 0: raw data over the same rate, only c_i at the edge.
    prob = make_problem()
    comm, _, rate = hand_delays()
    got_comm, got_comp, _ = prob.delays(base_solution(semantic=np.array([False, False])))
    assert got_comm[0] == pytest.approx(8e6 / rate[0], rel=1e-12)
    assert got_comm[0] == pytest.approx(4.0 * comm[0], rel=1e-12)  # eps = 4
    assert got_comp[0] == pytest.approx(8e9 / (8.0 * 1e9), rel=1e-12)


def test_reward_variants():
    delay = hand_delays()[0] + hand_delays()[1]
    sol = base_solution()
    eq8 = make_problem(reward="eq8").evaluate(sol).objective
    prio = make_problem(reward="priority").evaluate(sol).objective
    m = np.array([2.0, 3.0])
    c1, c2 = 2.0, 0.5
    assert eq8 == pytest.approx(np.sum(c1 * np.log(1.0 / (m * delay)) + c2), rel=1e-12)
    assert prio == pytest.approx(np.sum(c1 * m * np.log(1.0 / delay) + c2), rel=1e-12)
    np.testing.assert_allclose(make_problem(reward="priority").rewards(delay),
                               c1 * m * np.log(1.0 / delay) + c2, rtol=1e-12)
    # eq 8's priority only shifts the reward: with M = 1 both variants agree
    ones = np.ones(2)
    assert (make_problem(reward="eq8", priority=ones).evaluate(sol).objective
            == pytest.approx(make_problem(reward="priority", priority=ones).evaluate(sol).objective))


def test_eq8_priority_is_a_constant_shift():
    # Changing M_i changes every solution's eq 8 objective by the same constant.
    sol_a = base_solution()
    sol_b = base_solution(compute=np.array([2e9, 1e9]), semantic=np.array([False, True]))
    p1, p2 = make_problem(priority=np.array([1.0, 1.0])), make_problem(priority=np.array([5.0, 0.5]))
    diff_a = p1.evaluate(sol_a).objective - p2.evaluate(sol_a).objective
    diff_b = p1.evaluate(sol_b).objective - p2.evaluate(sol_b).objective
    assert diff_a == pytest.approx(diff_b, rel=1e-12)
    assert diff_a == pytest.approx(2.0 * (math.log(5.0) + math.log(0.5)), rel=1e-12)


# --------------------------------------------------------------------------- violations

CASES = {
    # name: (solution changes, problem changes, expected violation prefixes, user/BS named)
    "feasible": ({}, {}, [], None),
    # user 1 points at BS 2 (K = 2): it is not associated, so its subcarrier at BS 1 is held
    # by a user of another BS, it holds no subcarrier of its BS and its delay is infinite.
    "bad assoc": ({"assoc": np.array([0, 2])}, {}, ["(2)", "(9c)", "(9e)", "(9h)"], "assoc[1] = 2"),
    "negative assoc": ({"assoc": np.array([-1, 1])}, {},
                       ["(2)", "(9c)", "(9c)", "(9e)", "(9h)"], "assoc[0] = -1"),
    # a free subcarrier marked with an index that is no user: only (9f), nothing else changes
    "bad carrier high": ({"carrier": np.array([[0, 0], [1, 7]])}, {}, ["(9f)"], "carrier[1, 1] = 7"),
    "bad carrier low": ({"carrier": np.array([[0, -2], [1, -1]])}, {}, ["(9f)"], "carrier[0, 1] = -2"),
    # BS 1's free subcarrier given to user 0, who is associated with BS 0
    "foreign holder": ({"carrier": np.array([[0, 0], [1, 0]])}, {}, ["(9c)"], "carrier[1, 1] = 0"),
    # user 1 loses its only subcarrier: rate 0, infinite delay
    "no subcarrier": ({"carrier": np.array([[0, 0], [-1, -1]])}, {}, ["(2)", "(9h)"], "user 1"),
    "negative compute": ({"compute": np.array([-1.0, 2e9])}, {}, ["(7)", "(9h)", "(9i)"], "compute[0]"),
    "nan compute": ({"compute": np.array([1e9, np.nan])}, {}, ["(7)", "(9h)", "(9i)"], "compute[1]"),
    "inf compute": ({"compute": np.array([np.inf, 2e9])}, {}, ["(7)", "(9h)", "(9i)"], "compute[0]"),
    "over capacity": ({"compute": np.array([2.5e9, 2e9])}, {}, ["(9i)"], "BS 0"),
    "zero compute": ({"compute": np.array([1e9, 0.0])}, {}, ["(7)", "(9h)"], "compute[1] = 0"),
    # hand delays: user 0 ~1.963 s, user 1 ~2.619 s; tau = (1.9, 2.7) s misses user 0 only
    "deadline missed": ({}, {"deadline": np.array([1.9, 2.7])}, ["(9h)"], "user 0 (task 0)"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_violation_is_named_only_when_it_should(case):
    sol_changes, prob_changes, expected, named = CASES[case]
    prob = make_problem(**prob_changes)
    ev = prob.evaluate(base_solution(**sol_changes))
    assert prefixes(ev.violations) == expected, ev.violations
    assert ev.feasible is (not expected)
    if named is not None:
        assert any(named in v for v in ev.violations), ev.violations


def test_hand_delays_bracket_the_deadline_case():
    # The "deadline missed" case above relies on these values.
    delay = hand_delays()[0] + hand_delays()[1]
    assert delay[0] > 1.9 and delay[1] < 2.7 < 10.0


def test_violations_do_not_change_the_objective_of_valid_parts():
    # An out-of-range index on a free subcarrier and a foreign holder do not change any rate.
    prob = make_problem()
    base = prob.evaluate(base_solution()).objective
    for carrier in (np.array([[0, 0], [1, 7]]), np.array([[0, 0], [1, 0]])):
        assert prob.evaluate(base_solution(carrier=carrier)).objective == pytest.approx(base, rel=1e-12)


def test_missing_rate_or_compute_gives_minus_infinite_reward():
    prob = make_problem()
    ev = prob.evaluate(base_solution(carrier=np.array([[0, 0], [-1, -1]])))
    assert ev.objective == -np.inf
    assert ev.metrics["delay[1]"] == np.inf


def test_capacity_is_checked_with_equality_allowed():
    prob = make_problem()
    at_capacity = base_solution(compute=np.array([2e9, 4e9]))
    assert prob.evaluate(at_capacity).violations == []
    over = base_solution(compute=np.array([2e9 * (1 + 1e-6), 4e9]))
    assert prefixes(prob.evaluate(over).violations) == ["(9i)"]
    # the load is per BS: both users at BS 1 share F_1 = 4e9
    shared = base_solution(assoc=np.array([1, 1]), carrier=np.array([[-1, -1], [1, 0]]),
                           compute=np.array([2.5e9, 2e9]))
    ev = prob.evaluate(shared)
    assert prefixes(ev.violations) == ["(9i)"]
    assert "BS 1" in ev.violations[0]


def test_evaluate_never_mutates_the_solution():
    prob = make_problem()
    gain_before = prob.gain.copy()
    for case in CASES.values():
        sol = base_solution(**case[0])
        before = copy.deepcopy(sol)
        prob.evaluate(sol)
        prob.delays(sol)
        for f in dataclasses.fields(OffloadingSolution):
            np.testing.assert_array_equal(getattr(sol, f.name), getattr(before, f.name))
            assert getattr(sol, f.name).dtype == getattr(before, f.name).dtype
    np.testing.assert_array_equal(prob.gain, gain_before)


def test_evaluate_is_deterministic():
    prob = make_problem()
    a, b = prob.evaluate(base_solution()), prob.evaluate(base_solution())
    assert a.objective == b.objective and a.violations == b.violations and a.metrics == b.metrics


def test_evaluate_accepts_lists_and_int_semantic():
    prob = make_problem()
    sol = OffloadingSolution(assoc=[0, 1], carrier=[[0, 0], [1, -1]], semantic=[1, 0], compute=[1e9, 2e9])
    assert prob.evaluate(sol).objective == pytest.approx(prob.evaluate(base_solution()).objective)


BAD_SOLUTIONS = {
    "assoc shape": {"assoc": np.array([0, 1, 1])},
    "assoc fractional": {"assoc": np.array([0.5, 1.0])},
    "assoc None": {"assoc": None},
    "carrier shape": {"carrier": np.array([[0, 0, -1], [1, -1, -1]])},
    "carrier 1-D": {"carrier": np.array([0, 0, 1, -1])},
    "carrier fractional": {"carrier": np.array([[0.0, 0.5], [1.0, -1.0]])},
    "semantic shape": {"semantic": np.array([True])},
    "semantic not 0/1": {"semantic": np.array([2, 0])},
    "semantic float": {"semantic": np.array([0.3, 1.0])},
    "compute shape": {"compute": np.array([1e9, 1e9, 1e9])},
    "compute scalar": {"compute": 1e9},
}


@pytest.mark.parametrize("case", list(BAD_SOLUTIONS))
def test_wrong_solution_shapes_and_types_raise(case):
    prob = make_problem()
    with pytest.raises(InvalidProblemError) as info:
        prob.evaluate(base_solution(**BAD_SOLUTIONS[case]))
    field = next(iter(BAD_SOLUTIONS[case]))
    assert f"solution.{field}" in str(info.value)
    assert isinstance(info.value, ValueError) and isinstance(info.value, SemoptError)


@pytest.mark.parametrize("not_a_solution", [None, {"assoc": [0, 1]}, (0, 1), "solution"])
def test_evaluate_rejects_non_solutions(not_a_solution):
    with pytest.raises(InvalidProblemError, match="OffloadingSolution"):
        make_problem().evaluate(not_a_solution)


@pytest.mark.parametrize("compute", [["a", "b"], [object(), 1.0], [1 + 1j, 2.0]])
def test_non_numeric_compute_raises_invalid_problem_error(compute):
    with pytest.raises(InvalidProblemError, match="solution.compute"):
        make_problem().evaluate(base_solution(compute=compute))


# --------------------------------------------------------------------------- construction

# Every array field of the problem; none of them admits a negative value.
ARRAY_FIELDS = (
    "gain", "distance", "task", "data_bits", "compression", "deadline", "priority", "recognition_flops",
    "extraction_flops", "reconstruction_flops", "edge_capacity", "local_capacity", "exit_point",
)


def _bad_value(field, kind):
    valid = np.asarray(getattr(make_problem(exit_point=np.array([1, 2])), field), dtype=float)
    if kind == "negative":
        bad = valid.copy()
        bad.flat[0] = -1.0
    elif kind == "nan":
        bad = valid.copy()
        bad.flat[-1] = np.nan
    elif kind == "inf":
        bad = valid.copy()
        bad.flat[0] = np.inf
    elif kind == "extra":  # one element too many along the last axis
        bad = np.concatenate([valid, valid[..., :1]], axis=-1)
    elif kind == "flat":
        bad = valid.reshape(-1)[None, :] if valid.ndim == 1 else valid.reshape(-1)
    elif kind == "empty":
        bad = np.empty((0,) + valid.shape[1:])
    return bad


# gain and data_bits define U, K, N and I, so one element more is a different (valid) size for them.
BAD_ARRAY_CASES = [
    (field, kind)
    for field in ARRAY_FIELDS
    for kind in ("negative", "nan", "inf", "extra", "flat", "empty")
    if not (kind == "extra" and field in ("gain", "data_bits"))
]


@pytest.mark.parametrize(("field", "kind"), BAD_ARRAY_CASES)
def test_bad_array_field_raises_naming_the_field(field, kind):
    changes = {"exit_point": np.array([1, 2]), field: _bad_value(field, kind)}
    with pytest.raises(InvalidProblemError) as info:
        make_problem(**changes)
    assert f"`{field}`" in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("compression", np.array([0.99, 2.0])),  # eps >= 1
        ("compression", np.array([4.0, 0.0])),
        ("data_bits", np.array([0.0, 1.0])),  # s_i > 0
        ("deadline", np.array([0.0, 1.0])),  # tau_i > 0
        ("priority", np.array([1.0, 0.0])),  # M_i > 0
        ("edge_capacity", np.array([0.0, 1e9])),
        ("local_capacity", np.array([1e9, 0.0])),
        ("task", np.array([0, 2])),  # only tasks 0 and 1 exist
        ("task", np.array([0.5, 1.0])),
        ("exit_point", np.array([0, 1])),  # 1-based
    ],
)
def test_out_of_range_values_raise_naming_the_field(field, value):
    with pytest.raises(InvalidProblemError, match=f"`{field}`"):
        make_problem(**{field: value})


@pytest.mark.parametrize("field", ["bandwidth", "power", "noise_psd", "flops_per_cycle", "reward_scale",
                                   "reward_offset"])
@pytest.mark.parametrize("value", [-1.0, 0.0, np.nan, np.inf, -np.inf, "abc", None])
def test_bad_scalar_raises_naming_the_field(field, value):
    if field == "reward_offset" and isinstance(value, float) and np.isfinite(value):
        make_problem(**{field: value})  # C_2 may be any finite number
        return
    with pytest.raises(InvalidProblemError, match=f"`{field}`"):
        make_problem(**{field: value})


@pytest.mark.parametrize("reward", ["eq9", "EQ8", "", None, 8])
def test_bad_reward_string_raises(reward):
    with pytest.raises(InvalidProblemError, match="`reward`") as info:
        make_problem(reward=reward)
    assert "eq8" in str(info.value) and "priority" in str(info.value)


def test_empty_sets_raise():
    with pytest.raises(InvalidProblemError, match="`gain`"):
        make_problem(gain=np.empty((0, 2, 2)))
    with pytest.raises(InvalidProblemError, match="`gain`"):
        make_problem(gain=np.empty((2, 0, 2)))
    with pytest.raises(InvalidProblemError, match="`gain`"):
        make_problem(gain=np.empty((2, 2, 0)))
    with pytest.raises(InvalidProblemError, match="`data_bits`"):
        make_problem(data_bits=np.array([]))


def test_problem_keeps_its_own_copy_of_the_data():
    gain = GAIN.copy()
    capacity = np.array([2e9, 4e9])
    prob = make_problem(gain=gain, edge_capacity=capacity)
    gain[:] = 0.0
    capacity[:] = -1.0
    np.testing.assert_array_equal(prob.gain, GAIN)
    np.testing.assert_array_equal(prob.edge_capacity, [2e9, 4e9])
    prob.validate()


def test_valid_construction_normalises_dtypes():
    prob = make_problem(task=[0.0, 1.0], data_bits=[8e6, 4e6], edge_capacity=[2e9, 4e9])
    assert prob.task.dtype == np.int64
    assert prob.data_bits.dtype == np.float64
    assert prob.exit_point is None


# --------------------------------------------------------------------------- properties


@given(st.data())
def test_random_valid_solution_is_structurally_feasible(data):
    prob = data.draw(offloading_problems(max_users=4, max_bs=2, max_subcarriers=3))
    sol = data.draw(feasible_solutions(prob))
    ev = prob.evaluate(sol)
    structural = [v for v in ev.violations if not v.startswith("(9h)")]
    assert structural == [], structural
    assert ev.feasible is (not ev.violations)
    delay = np.array([ev.metrics[f"delay[{u}]"] for u in range(prob.n_users)])
    assert np.all(np.isfinite(delay)) and np.all(delay > 0)
    assert np.isfinite(ev.objective)
    # the objective is the summed reward of the reported delays
    assert ev.objective == pytest.approx(float(np.sum(prob.rewards(delay))), rel=1e-9)
    for k in range(prob.n_bs):
        assert ev.metrics[f"edge_load[{k}]"] <= 1.0 + 1e-9


@given(st.data())
def test_evaluate_does_not_mutate_random_solutions(data):
    prob = data.draw(offloading_problems())
    sol = data.draw(feasible_solutions(prob))
    before = sol.copy()
    gain = prob.gain.copy()
    prob.evaluate(sol)
    for f in dataclasses.fields(OffloadingSolution):
        np.testing.assert_array_equal(getattr(sol, f.name), getattr(before, f.name))
    np.testing.assert_array_equal(prob.gain, gain)


@given(st.data())
def test_more_compute_never_increases_delay(data):
    # eq 7 is decreasing in f_u: scaling every share down can only lengthen delays.
    prob = data.draw(offloading_problems())
    sol = data.draw(feasible_solutions(prob))
    slower = sol.copy()
    slower.compute = sol.compute * 0.5
    fast = prob.delays(sol)
    slow = prob.delays(slower)
    np.testing.assert_array_equal(fast[0], slow[0])  # same radio, same t_comm
    assert np.all(slow[1] >= fast[1])
    assert prob.evaluate(slower).objective <= prob.evaluate(sol).objective
