"""Scenarios ``semantic-mec`` and ``semantic-mec-compute-bound`` (Zheng et al., Tables III-IV), registry, TOML."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

import semopt
from semopt.errors import ScenarioError, SemoptError
from semopt.problems import SemanticOffloading
from semopt.scenarios import load_toml

REQUIRED_OVERRIDES = ("users", "base_stations", "subcarriers", "tasks", "exits", "edge_capacity",
                      "bandwidth", "seed")
PAPER_F_K = 2048 * 0.96e9
PAPER_F_L = 256 * 0.96e9
SCENARIOS = ("semantic-mec", "semantic-mec-compute-bound")


def assert_same_instance(p: SemanticOffloading, q: SemanticOffloading, skip=()) -> None:
    for f in dataclasses.fields(SemanticOffloading):
        if f.name in skip:
            continue
        a, b = getattr(p, f.name), getattr(q, f.name)
        if f.name == "info":
            assert a.keys() == b.keys()
            for key in a.keys() - {"scenario"}:  # where each came from differs; the draws must not
                np.testing.assert_array_equal(a[key], b[key], err_msg=f"info[{key!r}]")
        else:
            np.testing.assert_array_equal(a, b, err_msg=f.name)


# --------------------------------------------------------------------------- registry


def test_names_lists_both_scenarios_sorted():
    names = semopt.scenarios.names()
    assert "semantic-mec" in names and "semantic-mec-compute-bound" in names
    assert names == sorted(names)


def test_describe_lists_required_overrides_with_defaults():
    defaults = semopt.scenarios.describe("semantic-mec")
    assert set(REQUIRED_OVERRIDES) <= set(defaults)
    assert (defaults["users"], defaults["base_stations"], defaults["subcarriers"], defaults["tasks"]) == (
        20, 4, 32, 15)
    assert defaults["bandwidth"] == 32e6
    assert defaults["edge_capacity"] == pytest.approx(PAPER_F_K)
    compute_bound = semopt.scenarios.describe("semantic-mec-compute-bound")
    assert compute_bound["edge_capacity"] < defaults["edge_capacity"]


def test_unknown_scenario_lists_known_names():
    with pytest.raises(ScenarioError) as info:
        semopt.scenarios.load("semantic-mek")
    msg = str(info.value)
    assert "semantic-mek" in msg
    for name in semopt.scenarios.names():
        assert name in msg
    assert isinstance(info.value, ValueError) and isinstance(info.value, SemoptError)


@pytest.mark.parametrize("name", [None, 3, ""])
def test_non_string_or_empty_scenario_name(name):
    with pytest.raises(ScenarioError, match="semantic-mec"):
        semopt.scenarios.load(name)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_unknown_override_lists_known_overrides(scenario):
    with pytest.raises(ScenarioError) as info:
        semopt.scenarios.load(scenario, user=5)
    msg = str(info.value)
    assert "'user'" in msg
    for name in REQUIRED_OVERRIDES:
        assert name in msg
    assert "Did you mean 'users'?" in msg


@pytest.mark.parametrize(
    ("override", "value", "shown"),
    [
        ("users", 0, "0"),
        ("users", -3, "-3"),
        ("users", 2.5, "2.5"),
        ("users", "5", "'5'"),
        ("users", True, "True"),
        ("base_stations", 0, "0"),
        ("subcarriers", 0, "0"),
        ("tasks", 0, "0"),
        ("bandwidth", -1, "-1"),
        ("bandwidth", 0.0, "0"),
        ("edge_capacity", float("nan"), "nan"),
        ("edge_capacity", float("inf"), "inf"),
        ("edge_capacity", -5.0, "-5"),
        ("exits", 4, "4"),
        ("exits", 0, "0"),
        ("seed", -1, "-1"),
        ("seed", 1.5, "1.5"),
        ("fading", "yes", "'yes'"),
        ("reward", "eq9", "'eq9'"),
    ],
)
def test_bad_override_value_names_override_and_value(override, value, shown):
    with pytest.raises(ScenarioError) as info:
        semopt.scenarios.load("semantic-mec", **{override: value})
    msg = str(info.value)
    assert f"'{override}'" in msg
    assert shown in msg
    assert "semantic-mec" in msg


def test_numpy_integer_overrides_are_accepted():
    prob = semopt.scenarios.load("semantic-mec", users=np.int64(5), seed=np.int64(3))
    assert_same_instance(prob, semopt.scenarios.load("semantic-mec", users=5, seed=3))


# --------------------------------------------------------------------------- determinism


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_same_seed_identical_instance(scenario):
    p = semopt.scenarios.load(scenario, users=8, seed=11)
    q = semopt.scenarios.load(scenario, users=8, seed=11)
    assert p is not q and p.gain is not q.gain
    assert_same_instance(p, q)


def test_default_seed_is_fixed():
    assert_same_instance(semopt.scenarios.load("semantic-mec"), semopt.scenarios.load("semantic-mec", seed=0))


def test_different_seeds_differ():
    p = semopt.scenarios.load("semantic-mec", seed=1)
    q = semopt.scenarios.load("semantic-mec", seed=2)
    for name in ("gain", "distance", "data_bits", "compression", "deadline", "recognition_flops",
                 "extraction_flops", "reconstruction_flops"):
        assert not np.array_equal(getattr(p, name), getattr(q, name)), name


def test_loading_does_not_share_state_between_instances():
    p = semopt.scenarios.load("semantic-mec", seed=4)
    gain = p.gain.copy()
    p.edge_capacity[:] = 1.0
    q = semopt.scenarios.load("semantic-mec", seed=4)
    np.testing.assert_array_equal(q.gain, gain)
    np.testing.assert_allclose(q.edge_capacity, PAPER_F_K)


# --------------------------------------------------------------------------- Tables III-IV


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_table_iii_iv_defaults(seed):
    p = semopt.scenarios.load("semantic-mec", seed=seed)
    assert isinstance(p, SemanticOffloading)
    assert (p.n_users, p.n_bs, p.n_subcarriers, p.n_tasks) == (20, 4, 32, 15)
    assert p.bandwidth == 32e6
    assert p.subcarrier_bandwidth == 1e6
    np.testing.assert_allclose(p.edge_capacity, np.full(4, PAPER_F_K))
    np.testing.assert_allclose(p.local_capacity, np.full(20, PAPER_F_L))
    assert p.power == 0.1
    assert p.noise_psd == pytest.approx(10 ** (-17.4) * 1e-3, rel=1e-12)
    assert p.flops_per_cycle == 8.0
    assert p.reward == "eq8"
    # Table IV: s_i = A W H C x 8 bits with A = 1, C = 3, W = H in [224, 448]
    assert np.all(p.data_bits >= 224**2 * 3 * 8) and np.all(p.data_bits <= 448**2 * 3 * 8)
    side = np.sqrt(p.data_bits / 24.0)
    np.testing.assert_allclose(side, np.round(side), atol=1e-9)  # square inputs of whole pixels
    assert np.all(p.compression > 1.0) and np.all(p.compression <= 5.0)
    assert np.all(p.deadline >= 0.5) and np.all(p.deadline <= 1.0)
    assert set(np.unique(p.priority)) <= {1.0, 2.0, 3.0}
    assert set(np.unique(p.exit_point)) <= {1, 2, 3}
    assert np.all((p.task >= 0) & (p.task < 15))
    assert np.all(p.gain > 0)
    # 500 m x 500 m area, distances floored at 10 m
    assert np.all(p.distance >= 10.0) and np.all(p.distance <= 500.0 * math.sqrt(2))


def _chain_bounds(side, depth, fc_units=None):
    """Bounds of eq 4/5 for A = 1, C = 3, L = 96, ``depth`` layers of 3x3 or 5x5 kernels from ``side``."""
    lo = hi = 0.0
    for d in range(depth):
        smallest_in, largest_in = side - 4 * d, side - 2 * d
        lo += 2 * 96 * 3 * 9 * (smallest_in - 2) ** 2  # k = 3 at the smallest possible input
        hi += 2 * 96 * 3 * 25 * (largest_in - 4) ** 2  # k = 5 at the largest possible input
    if fc_units is not None:  # + A C W_out H_out k^R
        lo += 3 * (side - 4 * depth) ** 2 * fc_units
        hi += 3 * (side - 2 * depth) ** 2 * fc_units
    return lo, hi


def test_flop_counts_follow_table_iv_structure():
    p = semopt.scenarios.load("semantic-mec", tasks=40, seed=5)
    side = np.sqrt(p.data_bits / 24.0)
    np.testing.assert_allclose(side, p.info["side"])
    for i in range(p.n_tasks):
        # recognition: |D_m| = 3, 4, 5 conv layers for exits 1, 2, 3, then FC with 10 outputs
        lo, hi = _chain_bounds(side[i], int(p.exit_point[i]) + 2, fc_units=10)
        assert lo <= p.recognition_flops[i] <= hi
        # extraction: |D_E| = 4 conv layers
        lo, hi = _chain_bounds(side[i], 4)
        assert lo <= p.extraction_flops[i] <= hi
        # reconstruction: |D_C| = 1 conv layer on the extraction output (side - 8 .. side - 16)
        lo = _chain_bounds(side[i] - 16, 1, fc_units=10)[0]
        hi = _chain_bounds(side[i] - 8, 1, fc_units=10)[1]
        assert lo <= p.reconstruction_flops[i] <= hi


# --------------------------------------------------------------------------- overrides


def test_size_overrides_set_every_shape():
    p = semopt.scenarios.load("semantic-mec", users=7, base_stations=3, subcarriers=5, tasks=4, seed=3)
    assert (p.n_users, p.n_bs, p.n_subcarriers, p.n_tasks) == (7, 3, 5, 4)
    assert p.gain.shape == (7, 3, 5)
    assert p.distance.shape == (7, 3)
    assert p.task.shape == (7,) and np.all(p.task < 4)
    assert p.local_capacity.shape == (7,)
    assert p.edge_capacity.shape == (3,)
    for name in ("data_bits", "compression", "deadline", "priority", "recognition_flops",
                 "extraction_flops", "reconstruction_flops", "exit_point"):
        assert getattr(p, name).shape == (4,), name
    assert p.info["bs_xy"].shape == (3, 2) and p.info["user_xy"].shape == (7, 2)


def test_bandwidth_is_total_per_bs():
    p = semopt.scenarios.load("semantic-mec", subcarriers=8, seed=1)
    assert p.bandwidth == 32e6  # changing N keeps the spectrum
    assert p.subcarrier_bandwidth == 4e6
    assert p.noise == pytest.approx(4e6 * p.noise_psd, rel=1e-12)
    q = semopt.scenarios.load("semantic-mec", bandwidth=10e6, subcarriers=4, seed=1)
    assert q.bandwidth == 10e6
    assert q.subcarrier_bandwidth == 2.5e6
    # bandwidth does not change the random draws
    np.testing.assert_array_equal(q.gain, semopt.scenarios.load("semantic-mec", subcarriers=4, seed=1).gain)


def test_edge_capacity_override_fills_every_bs():
    p = semopt.scenarios.load("semantic-mec", base_stations=3, edge_capacity=5e9)
    np.testing.assert_array_equal(p.edge_capacity, [5e9, 5e9, 5e9])
    q = semopt.scenarios.load("semantic-mec", edge_capacity=7)  # ints are fine
    np.testing.assert_array_equal(q.edge_capacity, np.full(4, 7.0))


def test_exits_override():
    one = semopt.scenarios.load("semantic-mec", exits=1, tasks=30, seed=2)
    assert np.all(one.exit_point == 3)  # no early exit: every task runs the full network
    two = semopt.scenarios.load("semantic-mec", exits=2, tasks=30, seed=2)
    assert set(np.unique(two.exit_point)) <= {2, 3}
    three = semopt.scenarios.load("semantic-mec", exits=3, tasks=60, seed=2)
    assert set(np.unique(three.exit_point)) == {1, 2, 3}
    # more early exits cannot make the average recognition heavier
    assert three.recognition_flops.mean() < one.recognition_flops.mean()


def test_seed_override_and_fading_switch():
    p = semopt.scenarios.load("semantic-mec", seed=9, fading=False, subcarriers=4)
    np.testing.assert_array_equal(p.gain, np.repeat(p.gain[:, :, :1], 4, axis=2))
    q = semopt.scenarios.load("semantic-mec", seed=9, subcarriers=4)
    assert not np.all(q.gain == q.gain[:, :, :1])


def test_reward_overrides_reach_the_problem():
    p = semopt.scenarios.load("semantic-mec", reward="priority", reward_scale=2.0, reward_offset=1.5)
    assert (p.reward, p.reward_scale, p.reward_offset) == ("priority", 2.0, 1.5)


# --------------------------------------------------------------------------- compute-bound


def test_compute_bound_has_smaller_edge_capacity_and_same_draws():
    p = semopt.scenarios.load("semantic-mec", seed=6)
    q = semopt.scenarios.load("semantic-mec-compute-bound", seed=6)
    assert np.all(q.edge_capacity < p.edge_capacity)
    assert_same_instance(p, q, skip=("edge_capacity",))


def test_compute_bound_accepts_the_same_overrides():
    q = semopt.scenarios.load("semantic-mec-compute-bound", users=5, base_stations=2, edge_capacity=1e9)
    assert (q.n_users, q.n_bs) == (5, 2)
    np.testing.assert_array_equal(q.edge_capacity, [1e9, 1e9])


# --------------------------------------------------------------------------- TOML


def test_toml_file_equals_load(tmp_path):
    path = tmp_path / "instance.toml"
    path.write_text(
        'scenario = "semantic-mec"\n'
        "users = 6\nbase_stations = 2\nsubcarriers = 8\ntasks = 5\nexits = 2\n"
        "bandwidth = 16e6\nedge_capacity = 1.5e12\nfading = false\nseed = 17\n"
    )
    got = load_toml(path)
    expected = semopt.scenarios.load("semantic-mec", users=6, base_stations=2, subcarriers=8, tasks=5,
                                     exits=2, bandwidth=16e6, edge_capacity=1.5e12, fading=False, seed=17)
    assert_same_instance(got, expected)
    assert load_toml(str(path)).n_users == 6  # str paths too


def test_toml_compute_bound(tmp_path):
    path = tmp_path / "cb.toml"
    path.write_text('scenario = "semantic-mec-compute-bound"\nseed = 3\n')
    assert_same_instance(load_toml(path), semopt.scenarios.load("semantic-mec-compute-bound", seed=3))


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("users = 6\n", "scenario"),  # no scenario named
        ('scenario = "nope"\n', "semantic-mec"),
        ('scenario = "semantic-mec"\nusrs = 6\n', "users"),
        ('scenario = "semantic-mec"\nusers = 0\n', "'users'"),
    ],
)
def test_toml_errors(tmp_path, text, match):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError, match=match):
        load_toml(path)


def test_sweeping_users_keeps_the_task_table():
    small = semopt.scenarios.load("semantic-mec", users=5, seed=4)
    large = semopt.scenarios.load("semantic-mec", users=30, subcarriers=16, fading=False, seed=4)
    for name in ("data_bits", "compression", "deadline", "priority", "recognition_flops"):
        np.testing.assert_array_equal(getattr(small, name), getattr(large, name), err_msg=name)
