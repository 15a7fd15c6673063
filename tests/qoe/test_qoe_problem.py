"""QoEOffloading: the model of eq 1-10 by hand, the judge of (11d)-(11k), validation, the scenario.

Hand formulas transcribe Chen et al., "QoE-Driven Multi-Task Offloading for
Semantic-Aware Edge Computing Systems" (IEEE TNSE 2026), eq 1-10, under the
readings of ``../shared/specs/qoe-and-model-selection.md`` A2.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

import semopt
from semopt.errors import InvalidProblemError, ScenarioError
from semopt.problems.qoe import QoEOffloading, QoESolution
from semopt.scenarios.qoe import PREFERENCES, queue


def load(**overrides) -> QoEOffloading:
    return semopt.scenarios.load("qoe-offloading", **overrides)


def tags(violations: list[str]) -> set[str]:
    """The constraint labels of a list of violations: {"(11i)", ...}."""
    return {v.split(" ", 1)[0] for v in violations}


# ---------------------------------------------------------------------------
# Local execution: QoE 0.5 and Table V's local row
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        dict(users=4, seed=0),
        dict(users=6, subchannels=2, seed=3, preference="delay"),
        dict(users=5, seed=7, preference="energy", server_energy="share"),
        dict(users=3, seed=11, weight_delay=0.2, weight_energy=0.5, weight_accuracy=0.3),
        dict(users=7, seed=2, preference="accuracy", noise=1e-2, bandwidth=2e6),
    ],
    ids=["default", "delay-K<N", "energy-share", "explicit-weights", "accuracy-noisy"],
)
def test_local_solution_has_qoe_one_half_per_user_and_is_feasible(overrides):
    prob = load(**overrides)
    verdict = prob.evaluate(prob.local_solution())
    assert verdict.feasible, verdict.violations
    qoe = [verdict.metrics[f"qoe[{u}]"] for u in range(prob.n_users)]
    assert qoe == pytest.approx([0.5] * prob.n_users, abs=1e-15)
    assert verdict.objective == pytest.approx(0.5 * prob.n_users, abs=1e-12)
    assert verdict.metrics["mean_qoe"] == pytest.approx(0.5, abs=1e-15)
    assert verdict.metrics["offload_share"] == 0.0


def test_table_v_local_row_all_local_at_f_ref_uniform_task_mix():
    """Table V: all-local at f_ref = 1.6 GHz over text/image/VQA gives 1.665 ms and 0.0682 J on average."""
    prob = dataclasses.replace(load(users=3, seed=0), task=np.array([0, 1, 2]))
    metrics = prob.evaluate(prob.local_solution()).metrics
    flops = np.array([3.72e9, 8.43e9, 8.31e9])
    c = 2 * 1280 * 1.6e9
    assert metrics["mean_delay"] == pytest.approx(np.mean(flops / c), rel=1e-12)
    assert metrics["mean_energy"] == pytest.approx(np.mean(1e-26 * flops / c * 1.6e9**3), rel=1e-12)
    assert metrics["mean_delay"] == pytest.approx(1.665e-3, rel=1e-3)
    assert metrics["mean_energy"] == pytest.approx(0.0682, rel=1e-3)
    assert metrics["mean_accuracy"] == pytest.approx(0.72, rel=1e-12)


# ---------------------------------------------------------------------------
# Eq 1-10 by hand for one user
# ---------------------------------------------------------------------------


def distinct_exponents_problem(server_energy: str = "total") -> QoEOffloading:
    """Three users with exponents, SNR scale and weights chosen so that any swapped symbol shows."""
    prob = load(users=3, seed=5, server_energy=server_energy)
    return dataclasses.replace(
        prob,
        task=np.array([1, 0, 2]),
        data_exponent=np.array([1.1, 1.3, 1.2]),
        extraction_exponent=np.array([0.9, 0.7, 0.8]),
        accuracy_exponent=np.array([0.25, 0.18, 0.3]),
        snr_ref=3.0,
        weights=np.array([[0.5, 0.3, 0.2], [0.1, 0.6, 0.3], [0.2, 0.2, 0.6]]),
    )


def mixed_solution() -> QoESolution:
    """User 0 extracts (mu = 0.4) on sub-channel 1, user 1 offloads raw on 0, user 2 runs locally."""
    return QoESolution(
        offload=np.array([True, True, False]),
        channel=np.array([1, 0, -1]),
        power=np.array([0.05, 0.07, 0.01]),
        freq=np.array([1.55e9, 1.6e9, 1.65e9]),
        mu=np.array([0.4, 1.0, 1.0]),
    )


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def hand_offloader(prob: QoEOffloading, sol: QoESolution, u: int) -> dict[str, float]:
    """Eq 1-10 for offloader u, written out term by term."""
    m = int(prob.task[u])
    g = float(prob.gain[sol.channel[u], u])
    p, f, mu = float(sol.power[u]), float(sol.freq[u]), float(sol.mu[u])
    snr = g * p / prob.noise_power
    rate = prob.bandwidth * math.log2(1 + snr)  # eq 1
    transmit = prob.data_bits[m] * mu ** prob.data_exponent[m] / rate  # eq 2
    c = prob.flops_per_cycle * prob.user_cores * f
    extract = 0.0 if mu == 1.0 else prob.extraction_flops[m] / (mu ** prob.extraction_exponent[m] * c)  # eq 3
    c_s = prob.flops_per_cycle * prob.server_cores * prob.server_freq
    load = sum(prob.server_flops[prob.task[v]] for v in np.flatnonzero(sol.offload))
    t_server = load / c_s  # eq 4
    delay = transmit + extract + t_server  # eq 5
    if prob.server_energy == "total":
        e_server = prob.kappa_server * t_server * prob.server_freq**3  # eq 7
    else:
        e_server = prob.kappa_server * prob.server_flops[m] / c_s * prob.server_freq**3
    energy = prob.kappa_user * extract * f**3 + p * transmit + e_server  # eq 6, 8
    accuracy = prob.local_accuracy[m] * mu ** prob.accuracy_exponent[m] * (1 - math.exp(-snr / prob.snr_ref))  # eq 9
    return dict(delay=delay, energy=energy, accuracy=accuracy, qoe=hand_qoe(prob, u, delay, energy, accuracy))


def hand_local(prob: QoEOffloading, sol: QoESolution, u: int) -> dict[str, float]:
    m = int(prob.task[u])
    f = float(sol.freq[u])
    delay = prob.local_flops[m] / (prob.flops_per_cycle * prob.user_cores * f)
    energy = prob.kappa_user * delay * f**3
    accuracy = float(prob.local_accuracy[m])
    return dict(delay=delay, energy=energy, accuracy=accuracy, qoe=hand_qoe(prob, u, delay, energy, accuracy))


def hand_qoe(prob: QoEOffloading, u: int, delay: float, energy: float, accuracy: float) -> float:
    """Eq 10 for one slot, references = local execution at f_ref."""
    m = int(prob.task[u])
    t_ref = prob.local_flops[m] / (prob.flops_per_cycle * prob.user_cores * prob.freq_ref)
    e_ref = prob.kappa_user * t_ref * prob.freq_ref**3
    lam, beta, eta = prob.slopes
    w_t, w_e, w_a = prob.weights[u]
    return (w_t * logistic(lam * (t_ref - delay)) + w_e * logistic(beta * (e_ref - energy))
            + w_a * logistic(eta * (accuracy - prob.local_accuracy[m])))


@pytest.mark.parametrize("server_energy", ["total", "share"])
@pytest.mark.parametrize("user", [0, 1, 2], ids=["extracting", "raw", "local"])
def test_evaluate_matches_eq_1_to_10_by_hand(server_energy, user):
    prob = distinct_exponents_problem(server_energy)
    sol = mixed_solution()
    metrics = prob.evaluate(sol).metrics
    want = (hand_offloader if sol.offload[user] else hand_local)(prob, sol, user)
    for name in ("delay", "energy", "accuracy", "qoe"):
        assert metrics[f"{name}[{user}]"] == pytest.approx(want[name], rel=1e-12), name


def test_model_rate_transmit_extraction_and_server_time():
    """QoEModel.offload term by term: B log2(1 + g p / sigma2), s mu^p / R, l^SE / (mu^q c), L / c_s."""
    prob = distinct_exponents_problem()
    model = prob.model()
    u, g, p, f, mu, load_flops = 0, 1.7, 0.04, 1.52e9, 0.3, 2.5e10
    m = prob.task[u]
    rate = prob.bandwidth * math.log2(1 + g * p / prob.noise_power)
    transmit = prob.data_bits[m] * mu ** prob.data_exponent[m] / rate
    extract = prob.extraction_flops[m] / (mu ** prob.extraction_exponent[m] * 2 * 1280 * f)
    t_server = load_flops / (2 * 65536 * 2.2e9)
    assert model.server_time(load_flops) == pytest.approx(t_server, rel=1e-14)
    fig = model.offload(np.array([u]), g, p, f, mu, load_flops)
    assert fig.delay[0] == pytest.approx(transmit + extract + t_server, rel=1e-12)
    e_server = 1.2e-26 * 2.2e9**3 * t_server
    assert fig.energy[0] == pytest.approx(1e-26 * extract * f**3 + p * transmit + e_server, rel=1e-12)
    # A grid of candidates in one call: broadcasting gives the same numbers as one at a time.
    grid = model.offload(np.array([u]), g, np.array([p, 0.08]), f, np.array([mu, 0.9]), load_flops)
    assert grid.delay[0] == pytest.approx(fig.delay[0], rel=1e-15)
    assert grid.delay[1] == pytest.approx(model.offload(np.array([u]), g, 0.08, f, 0.9, load_flops).delay[0],
                                          rel=1e-15)


def test_model_local_figures_and_references():
    prob = distinct_exponents_problem()
    model = prob.model()
    users = np.arange(3)
    f = np.array([1.5e9, 1.6e9, 1.7e9])
    fig = model.local(users, f)
    flops = prob.local_flops[prob.task]
    np.testing.assert_allclose(fig.delay, flops / (2 * 1280 * f), rtol=1e-14)
    np.testing.assert_allclose(fig.energy, 1e-26 * flops / (2 * 1280 * f) * f**3, rtol=1e-14)
    np.testing.assert_allclose(fig.accuracy, prob.local_accuracy[prob.task])
    ref = model.references(users)
    np.testing.assert_allclose(ref.delay, flops / (2 * 1280 * 1.6e9), rtol=1e-14)
    np.testing.assert_allclose(model.qoe(users, ref), 0.5, atol=1e-15)


def test_logistic_qoe_gains_move_the_right_way():
    """Faster, cheaper or more accurate than local raises QoE above 0.5 with the weight of that term."""
    prob = distinct_exponents_problem()
    model = prob.model()
    users = np.arange(3)
    ref = model.references(users)
    faster = dataclasses.replace(ref, delay=ref.delay - 1e-3)
    cheaper = dataclasses.replace(ref, energy=ref.energy - 0.05)
    sharper = dataclasses.replace(ref, accuracy=ref.accuracy + 0.1)
    w = prob.weights
    np.testing.assert_allclose(model.qoe(users, faster), 0.5 + w[:, 0] * (logistic(1.0) - 0.5), rtol=1e-13)
    np.testing.assert_allclose(model.qoe(users, cheaper), 0.5 + w[:, 1] * (logistic(0.5) - 0.5), rtol=1e-13)
    np.testing.assert_allclose(model.qoe(users, sharper), 0.5 + w[:, 2] * (logistic(0.2) - 0.5), rtol=1e-13)


def test_raw_offloading_has_no_extraction_cost_the_jump_at_mu_one():
    """Eq 3: at mu = 1 no extraction (and the clock is moot); just below 1 it costs l^SE / c."""
    prob = distinct_exponents_problem()
    model = prob.model()
    u, g, p, load_flops = np.array([1]), 1.3, 0.06, 1e10
    m = prob.task[1]
    f = 1.55e9
    raw = model.offload(u, g, p, f, 1.0, load_flops)
    below = model.offload(u, g, p, f, 1.0 - 1e-12, load_flops)
    rate = prob.bandwidth * math.log2(1 + g * p / prob.noise_power)
    t_server = load_flops / (2 * 65536 * 2.2e9)
    assert raw.delay[0] == pytest.approx(prob.data_bits[m] / rate + t_server, rel=1e-13)
    extract = prob.extraction_flops[m] / (2 * 1280 * f)
    assert below.delay[0] - raw.delay[0] == pytest.approx(extract, rel=1e-6)
    assert below.energy[0] - raw.energy[0] == pytest.approx(1e-26 * extract * f**3, rel=1e-6)
    other_clock = model.offload(u, g, p, 1.7e9, 1.0, load_flops)
    assert other_clock.delay[0] == raw.delay[0] and other_clock.energy[0] == raw.energy[0]


def test_server_energy_total_charges_every_offloader_the_whole_server_energy():
    sol = mixed_solution()
    total = distinct_exponents_problem("total").evaluate(sol).metrics
    share = distinct_exponents_problem("share").evaluate(sol).metrics
    prob = distinct_exponents_problem()
    c_s = 2 * 65536 * 2.2e9
    power = 1.2e-26 * 2.2e9**3
    load_flops = prob.server_flops[prob.task[0]] + prob.server_flops[prob.task[1]]
    for u in (0, 1):
        others = load_flops - prob.server_flops[prob.task[u]]
        assert total[f"energy[{u}]"] - share[f"energy[{u}]"] == pytest.approx(power * others / c_s, rel=1e-9)
        assert total[f"delay[{u}]"] == share[f"delay[{u}]"]  # eq 4: the time is the same either way
    # The local user pays no server energy under either reading (eq 8 with rho_n).
    assert total["energy[2]"] == share["energy[2]"] == pytest.approx(hand_local(prob, sol, 2)["energy"], rel=1e-14)
    assert total["server_time"] == pytest.approx(load_flops / c_s, rel=1e-14)


def test_one_offloader_total_and_share_agree():
    sol = mixed_solution()
    sol.offload[1], sol.channel[1] = False, -1
    total = distinct_exponents_problem("total").evaluate(sol)
    share = distinct_exponents_problem("share").evaluate(sol)
    assert total.objective == pytest.approx(share.objective, rel=1e-14)


def test_local_users_power_and_mu_are_not_judged():
    prob = load(users=3, seed=0)
    sol = prob.local_solution()
    sol.power[:] = 50.0
    sol.mu[:] = 7.0
    verdict = prob.evaluate(sol)
    assert verdict.feasible, verdict.violations
    assert verdict.objective == pytest.approx(1.5, abs=1e-12)


# ---------------------------------------------------------------------------
# Every constraint of (11d)-(11k), named
# ---------------------------------------------------------------------------


def two_offloaders(prob: QoEOffloading) -> QoESolution:
    """Feasible on `load(users=4, seed=0)`: user 0 extracts on sub-channel 0, user 1 raw on 1, 2-3 local."""
    sol = prob.local_solution()
    sol.offload[:2] = True
    sol.channel[:2] = [0, 1]
    sol.power[:2] = 0.09
    sol.mu[:2] = [0.5, 1.0]
    return sol


@pytest.fixture
def prob():
    return load(users=4, seed=0)


def test_two_offloaders_baseline_is_feasible(prob):
    verdict = prob.evaluate(two_offloaders(prob))
    assert verdict.feasible, verdict.violations
    assert verdict.metrics["offload_share"] == 0.5


def _no_channel(sol):
    sol.channel[0] = -1


def _channel_out_of_range(sol):
    sol.channel[0] = 4


def _local_with_channel(sol):
    sol.channel[2] = 3


def _shared_channel(sol):
    sol.channel[1] = 0


def _mu_low(sol):
    sol.mu[0] = 0.05


def _mu_high(sol):
    sol.mu[0] = 1.5


def _power_high(sol):
    sol.power[0] = 0.2


def _power_low(sol):
    sol.power[1] = 1e-3


def _freq_high(sol):
    sol.freq[3] = 2e9


def _freq_low(sol):
    sol.freq[0] = 1e9


def _accuracy(sol):
    sol.mu[0] = 0.1  # inside the box, but 0.72 * 0.1^0.22 < eps_min = 0.5


@pytest.mark.parametrize(
    ("edit", "label", "words"),
    [
        (_no_channel, "(11d)", "offloading user 0 holds no sub-channel"),
        (_channel_out_of_range, "(11d)", "offloading user 0 holds no sub-channel"),
        (_local_with_channel, "(11d)", "local user 2 holds sub-channel 3"),
        (_shared_channel, "(11e)", "sub-channel 0 is held by users [0, 1]"),
        (_mu_low, "(11f)", "mu[0]"),
        (_mu_high, "(11f)", "mu[0]"),
        (_power_high, "(11g)", "power[0]"),
        (_power_low, "(11g)", "power[1]"),
        (_freq_high, "(11h)", "freq[3]"),
        (_freq_low, "(11h)", "freq[0]"),
        (_accuracy, "(11k)", "accuracy of user 0"),
    ],
    ids=["11d-offloader-no-channel", "11d-channel-out-of-range", "11d-local-with-channel", "11e-shared",
         "11f-mu-low", "11f-mu-high", "11g-power-high", "11g-power-low", "11h-freq-high-local-user",
         "11h-freq-low", "11k-tiny-mu"],
)
def test_each_violation_is_named(prob, edit, label, words):
    sol = two_offloaders(prob)
    edit(sol)
    verdict = prob.evaluate(sol)
    assert not verdict.feasible
    assert label in tags(verdict.violations), verdict.violations
    assert any(v.startswith(label) and words in v for v in verdict.violations), verdict.violations


def test_11d_and_11e_are_the_only_labels_of_channel_errors(prob):
    sol = two_offloaders(prob)
    _local_with_channel(sol)
    assert tags(prob.evaluate(sol).violations) == {"(11d)"}
    sol = two_offloaders(prob)
    _shared_channel(sol)
    assert "(11e)" in tags(prob.evaluate(sol).violations)


def test_11i_delay_with_a_tiny_bandwidth(prob):
    narrow = dataclasses.replace(prob, bandwidth=1e6)
    verdict = narrow.evaluate(two_offloaders(narrow))
    assert tags(verdict.violations) == {"(11i)"}, verdict.violations
    assert any("delay of user 1" in v for v in verdict.violations)
    # The local users are unaffected by the bandwidth.
    assert not any("user 2" in v or "user 3" in v for v in verdict.violations)


def test_11j_energy_with_a_tiny_battery(prob):
    poor = dataclasses.replace(prob, energy_max=np.full(4, 1e-4))
    verdict = poor.evaluate(poor.local_solution())
    assert tags(verdict.violations) == {"(11j)"}
    assert sum("(11j) energy of user" in v for v in verdict.violations) == 4


def test_11j_energy_through_the_scenario_override():
    prob = load(users=3, seed=1, energy_max=1e-3)
    assert tags(prob.evaluate(prob.local_solution()).violations) == {"(11j)"}


def test_11k_accuracy_floor_per_task_type(prob):
    strict = dataclasses.replace(prob, accuracy_min=np.full(3, 0.8))  # above eps^t = 0.72: even local fails
    verdict = strict.evaluate(strict.local_solution())
    assert tags(verdict.violations) == {"(11k)"}
    assert len(verdict.violations) == 4


def test_a_feasible_solution_has_no_violations_and_the_reward_equals_the_qoe(prob):
    verdict = prob.evaluate(two_offloaders(prob))
    assert verdict.violations == []
    assert verdict.metrics["reward_eq12"] == pytest.approx(verdict.objective, rel=1e-14)


# ---------------------------------------------------------------------------
# Malformed solutions and invalid problems
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("offload", np.array([True, False])),
        ("offload", np.array([0, 1, 2, 0])),
        ("channel", np.array([0.5, -1, -1, -1])),
        ("channel", np.array([[0, -1, -1, -1]])),
        ("power", np.array([np.nan, 0.01, 0.01, 0.01])),
        ("power", np.array([np.inf, 0.01, 0.01, 0.01])),
        ("freq", np.array([0.0, 1.6e9, 1.6e9, 1.6e9])),
        ("freq", np.array(["fast"] * 4)),
        ("mu", np.array([0.0, 1.0, 1.0, 1.0])),
        ("mu", np.array([-0.5, 1.0, 1.0, 1.0])),
    ],
    ids=["offload-shape", "offload-not-bool", "channel-fraction", "channel-2d", "power-nan", "power-inf",
         "freq-zero", "freq-text", "mu-zero", "mu-negative"],
)
def test_malformed_solution_raises_naming_the_field(prob, field, value):
    sol = prob.local_solution()
    setattr(sol, field, value)
    with pytest.raises(InvalidProblemError, match=rf"`solution\.{field}`"):
        prob.evaluate(sol)


def test_not_a_solution_raises(prob):
    with pytest.raises(InvalidProblemError, match="QoESolution"):
        prob.evaluate({"offload": np.zeros(4, bool)})


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        (dict(weights=np.tile([0.5, 0.3, 0.3], (4, 1))), r"`weights` rows must sum to 1"),
        (dict(weights=np.tile([1.0, 0.5, -0.5], (4, 1))), r"`weights`"),
        (dict(mu_min=np.zeros(4)), r"`mu_min`"),
        (dict(mu_min=np.full(4, 1.5)), r"`mu_min`"),
        (dict(power_min=0.1, power_max=0.05), r"`power_max`"),
        (dict(freq_max=1e9), r"`freq_max`"),
        (dict(server_energy="half"), r"`server_energy`"),
        (dict(task=np.array([0, 1, 2, 3])), r"`task`"),
        (dict(gain=np.ones((2, 3))), r"`task`|`weights`|`mu_min`|`energy_max`"),
        (dict(energy_max=np.zeros(4)), r"`energy_max`"),
        (dict(slopes=(1e3, 0.0, 2.0)), r"`slopes`"),
    ],
    ids=["weights-sum", "weights-negative", "mu_min-zero", "mu_min-above-1", "power-box", "freq-box",
         "server-energy", "task-type", "gain-users-mismatch", "energy_max-zero", "slope-zero"],
)
def test_invalid_problem_raises_naming_the_field(prob, changes, match):
    with pytest.raises(InvalidProblemError, match=match):
        dataclasses.replace(prob, **changes)


# ---------------------------------------------------------------------------
# The scenario
# ---------------------------------------------------------------------------


def fields_equal(a: QoEOffloading, b: QoEOffloading, skip: tuple[str, ...] = ()) -> list[str]:
    """Names of the dataclass fields (not `info`) on which two instances differ."""
    out = []
    for f in dataclasses.fields(QoEOffloading):
        if f.name in skip or f.name == "info":
            continue
        x, y = getattr(a, f.name), getattr(b, f.name)
        same = np.array_equal(x, y) if isinstance(x, np.ndarray) else x == y
        if not same:
            out.append(f.name)
    return out


def test_same_seed_same_instance_other_seed_other_channel():
    a = load(users=5, seed=42, slot=3)
    b = load(users=5, seed=42, slot=3)
    assert fields_equal(a, b) == []
    np.testing.assert_array_equal(a.info["distance"], b.info["distance"])
    c = load(users=5, seed=43, slot=3)
    assert not np.array_equal(a.gain, c.gain)


def test_slot_changes_only_the_tasks_in_service_and_the_fading():
    slots = [load(users=6, seed=9, queue_length=8, slot=t) for t in range(8)]
    first = slots[0]
    for t, prob in enumerate(slots):
        assert fields_equal(first, prob, skip=("gain", "task")) == []
        np.testing.assert_array_equal(prob.info["distance"], first.info["distance"])
        np.testing.assert_array_equal(prob.info["queue"], first.info["queue"])
        np.testing.assert_array_equal(prob.task, first.info["queue"][:, t])
        assert prob.info["slot"] == t
    # Fading is redrawn per slot; the distances (hence the mean gain of a user) are not.
    assert all(not np.array_equal(first.gain, p.gain) for p in slots[1:])
    assert len({tuple(p.task) for p in slots}) > 1
    d = first.info["distance"]
    assert np.all((d >= 0.5) & (d <= 1.0))
    fading = np.stack([p.gain * d[None, :] ** 2 for p in slots])
    assert fading.mean() == pytest.approx(1.0, abs=0.25)  # |h|^2 ~ Exp(1)


def test_a_slot_does_not_depend_on_the_queue_length():
    short = load(users=4, seed=3, queue_length=5, slot=2)
    long = load(users=4, seed=3, queue_length=15, slot=2)
    np.testing.assert_array_equal(short.gain, long.gain)
    np.testing.assert_array_equal(short.info["distance"], long.info["distance"])


def test_queue_returns_every_slot():
    slots = queue(users=3, queue_length=6, seed=4)
    assert len(slots) == 6
    assert [p.info["slot"] for p in slots] == list(range(6))
    for t, prob in enumerate(slots):
        assert fields_equal(prob, load(users=3, queue_length=6, seed=4, slot=t)) == []
    assert len(queue(users=2, seed=0)) == 20  # Table IV: Q = 20


def test_queue_refuses_a_slot():
    with pytest.raises(ScenarioError, match="slot"):
        queue(users=2, queue_length=3, slot=1)


@pytest.mark.parametrize("slot", [5, 6, 100])
def test_slot_beyond_the_queue_is_a_scenario_error(slot):
    with pytest.raises(ScenarioError, match="queue_length"):
        load(users=2, queue_length=5, slot=slot)


def test_subchannels_default_to_users_and_fewer_are_supported():
    prob = load(users=5, seed=0)
    assert (prob.n_users, prob.n_subchannels) == (5, 5)
    assert prob.gain.shape == (5, 5)
    few = load(users=5, subchannels=2, seed=0)
    assert (few.n_users, few.n_subchannels) == (5, 2)
    assert few.gain.shape == (2, 5)
    np.testing.assert_array_equal(few.info["distance"], prob.info["distance"])
    more = load(users=2, subchannels=4, seed=0)
    assert more.gain.shape == (4, 2)


def test_table_iv_defaults():
    prob = load()
    assert (prob.n_users, prob.n_subchannels) == (4, 4)
    assert prob.bandwidth == 10e6 and prob.noise_power == 2e-3
    assert (prob.power_min, prob.power_max) == (10e-3, 90e-3)
    assert (prob.freq_min, prob.freq_max, prob.freq_ref) == (1.5e9, 1.7e9, 1.6e9)
    np.testing.assert_array_equal(prob.mu_min, 0.1)
    assert prob.latency_max == 5e-3 and prob.slopes == (1e3, 10.0, 2.0)
    np.testing.assert_allclose(prob.local_flops, [3.72e9, 8.43e9, 8.31e9])
    np.testing.assert_allclose(prob.accuracy_min, 0.5)
    assert prob.server_energy == "total"


@pytest.mark.parametrize("preference", list(PREFERENCES))
def test_preference_rows(preference):
    prob = load(users=3, seed=0, preference=preference)
    np.testing.assert_allclose(prob.weights, np.tile(PREFERENCES[preference], (3, 1)))
    assert prob.weights.sum(axis=1) == pytest.approx([1.0, 1.0, 1.0], abs=1e-12)


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        (dict(weight_delay=2.0, weight_energy=1.0), [2 / 3, 1 / 3, 0.0]),
        (dict(weight_accuracy=5.0), [0.0, 0.0, 1.0]),
        (dict(weight_delay=1.0, weight_energy=1.0, weight_accuracy=2.0), [0.25, 0.25, 0.5]),
    ],
    ids=["delay-energy", "accuracy-only", "all-three"],
)
def test_explicit_weights_are_normalised_and_replace_the_preference(weights, expected):
    prob = load(users=2, seed=0, preference="energy", **weights)
    np.testing.assert_allclose(prob.weights, np.tile(expected, (2, 1)), rtol=1e-12)


def test_all_zero_weights_are_a_scenario_error():
    with pytest.raises(ScenarioError, match="weight"):
        load(users=2, weight_delay=0.0, weight_energy=0.0, weight_accuracy=0.0)


@pytest.mark.parametrize(
    ("overrides", "attribute", "value"),
    [
        (dict(bandwidth=5e6), "bandwidth", 5e6),
        (dict(noise=1e-2), "noise_power", 1e-2),
        (dict(latency_max=1e-2), "latency_max", 1e-2),
        (dict(server_energy="share"), "server_energy", "share"),
    ],
    ids=["bandwidth", "noise", "latency_max", "server_energy"],
)
def test_scalar_overrides_reach_the_problem(overrides, attribute, value):
    base = load(users=3, seed=0)
    prob = load(users=3, seed=0, **overrides)
    assert getattr(prob, attribute) == value
    np.testing.assert_array_equal(prob.gain, base.gain)  # the draw does not depend on these


def test_mu_min_and_energy_max_overrides_are_per_user_arrays():
    prob = load(users=3, seed=0, mu_min=0.3, energy_max=0.2)
    np.testing.assert_array_equal(prob.mu_min, [0.3, 0.3, 0.3])
    np.testing.assert_array_equal(prob.energy_max, [0.2, 0.2, 0.2])
