"""The roofline latency model (issue 14, item 1): the FLOP model as its special case, bytes moved by hand, memory-
and compute-bound layers, and split inference under a roofline profile."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

import semopt
from semopt.errors import InvalidProblemError, SemoptError
from semopt.models import networks
from semopt.models.roofline import DeviceProfile, layer_bytes, layer_classes, layer_ops, layer_times, work
from semopt.problems import SplitInference

ALEXNET = networks.build("alexnet")


def _split(**changes) -> SplitInference:
    # The FLOP model these tests compare the roofline with (the scenario's defaults before its roofline profiles).
    problem = semopt.scenarios.load("split-alexnet", bandwidth=10e6, device="flop", edge="flop", activation_bits=32)
    return dataclasses.replace(problem, **changes)


def test_the_flop_model_is_the_special_case():
    flop = DeviceProfile.flop_model(2e9)
    assert flop.is_flop_model
    np.testing.assert_array_equal(work(ALEXNET, flop), ALEXNET.flops)
    np.testing.assert_array_equal(work(ALEXNET, None), ALEXNET.flops)
    np.testing.assert_allclose(layer_times(ALEXNET, flop), ALEXNET.flops / 2e9, rtol=1e-15)
    plain, profiled = _split(), _split(device_profile=DeviceProfile.flop_model(100e9),
                                       edge_profile=DeviceProfile.flop_model(20e12))
    for solver in ("mincut", "greedy", "exhaustive"):
        a, b = semopt.solve(plain, solver), semopt.solve(profiled, solver)
        assert a.objective == b.objective
        np.testing.assert_array_equal(a.solution.placement, b.solution.placement)


def test_bytes_moved_by_hand():
    moved = layer_bytes(ALEXNET, bytes_per_element=4.0, bytes_per_param=4.0, input_bytes_per_element=1.0)
    # conv1 reads the 8-bit image, writes 64 x 55 x 55 floats and holds 64 x 3 x 11 x 11 + 64 parameters
    assert moved[0] == 3 * 224 * 224 + 4 * 64 * 55 * 55 + 4 * (64 * 3 * 11 * 11 + 64)
    # fc6 (flatten folded in) reads pool5's 256 x 6 x 6 and writes 4096
    fc6 = ALEXNET.names.index("fc6")
    assert moved[fc6] == 4 * (256 * 6 * 6 + 4096) + 4 * (256 * 6 * 6 * 4096 + 4096)
    # a residual addition reads both of its inputs
    resnet = networks.build("resnet18")
    add = resnet.kinds.index("add")
    preds = list(resnet.graph.predecessors(add))
    assert len(preds) == 2
    assert layer_bytes(resnet)[add] == 4 * (resnet.out_elements[preds].sum() + resnet.out_elements[add])


def test_each_layer_takes_the_slower_of_its_arithmetic_and_its_memory_traffic():
    profile = DeviceProfile(1e11, memory_bandwidth=1e9, overhead=2e-5, efficiency={"fc": 0.5},
                            memory_efficiency={"pool": 0.25}, class_overhead={"pool": 1e-4})
    times = layer_times(ALEXNET, profile)
    moved = layer_bytes(ALEXNET)
    kinds = np.array(ALEXNET.kinds)
    eta = np.where(kinds == "fc", 0.5, 1.0)
    mu = np.where(kinds == "pool", 0.25, 1.0)
    overhead = np.where(kinds == "pool", 1e-4, 2e-5)
    ops = layer_ops(ALEXNET)  # FLOPs, and a pooling's comparisons
    assert np.all(ops[ALEXNET.flops > 0] == ALEXNET.flops[ALEXNET.flops > 0]) and np.all(ops[kinds == "pool"] > 0)
    expected = np.maximum(ops / (eta * 1e11), moved / (mu * 1e9)) + overhead
    np.testing.assert_allclose(times, expected, rtol=1e-15)
    fc8 = ALEXNET.names.index("fc8")
    assert times[fc8] == pytest.approx(moved[fc8] / 1e9 + 2e-5)  # a fully connected layer is memory-bound
    mobilenet = networks.build("mobilenet-v2")
    classes = layer_classes(mobilenet)
    depthwise = [i for i, spec in enumerate(mobilenet.specs) if spec.get("groups", 1) > 1]
    assert depthwise and all(classes[i] == "dwconv" for i in depthwise)
    assert {classes[i] for i in range(mobilenet.n_layers) if i not in depthwise} == {"conv", "add", "pool", "fc"}
    assert np.all(times >= ALEXNET.flops / 1e11)  # never faster than the FLOP model
    np.testing.assert_allclose(work(ALEXNET, profile), times * 1e11, rtol=1e-15)


def test_without_overlap_the_two_terms_add_up():
    profile = DeviceProfile(1e11, memory_bandwidth=1e9, overhead=2e-5, combine="sum")
    expected = layer_ops(ALEXNET) / 1e11 + layer_bytes(ALEXNET) / 1e9 + 2e-5
    np.testing.assert_allclose(layer_times(ALEXNET, profile), expected, rtol=1e-15)
    assert np.all(layer_times(ALEXNET, profile) >= layer_times(ALEXNET, dataclasses.replace(profile, combine="max")))


def test_a_memory_bound_device_cuts_before_the_fully_connected_layers():
    # Neurosurgeon's observation: where moving the fc weights dominates, the best cut moves off the device
    # before them, which the FLOP model never does here (it keeps everything on the device).
    flop = semopt.solve(_split(), "mincut")
    slow_memory = DeviceProfile(100e9, memory_bandwidth=5e9, overhead=1e-4, efficiency={"fc": 0.5})
    problem = _split(device_profile=slow_memory)
    roof = semopt.solve(problem, "mincut")
    assert flop.solution.placement[0].all()
    on_device = roof.solution.placement[0]
    kinds = np.array(ALEXNET.kinds)
    assert on_device[kinds == "conv"].all() and not on_device[kinds == "fc"].any()
    assert roof.objective == pytest.approx(semopt.solve(problem, "exhaustive").objective)
    assert semopt.solve(problem, "greedy").objective == pytest.approx(roof.objective)
    assert roof.feasible == problem.evaluate(roof.solution).feasible


def test_the_edge_profile_shapes_the_edge_layers_and_their_share():
    heavy_edge = DeviceProfile(20e12, memory_bandwidth=1e11)
    problem = _split(edge_profile=heavy_edge)
    np.testing.assert_allclose(problem.layer_work("edge"), layer_times(ALEXNET, heavy_edge, bytes_per_element=4,
                               bytes_per_param=4, input_bytes_per_element=1) * 20e12, rtol=1e-15)
    np.testing.assert_array_equal(problem.layer_work("device"), ALEXNET.flops)
    placement = np.zeros((problem.n_users, problem.n_layers), bool)
    _, c = problem.share_coefficients(placement)
    assert c[0] == pytest.approx(problem.layer_work("edge").sum())


def test_setting_a_profile_refreshes_the_work():
    problem = _split()
    before = problem.layer_work("device").copy()
    problem.device_profile = DeviceProfile(100e9, memory_bandwidth=1e9)
    assert np.all(problem.layer_work("device") >= before) and np.any(problem.layer_work("device") > before)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"peak_flops": 0}, "`peak_flops` must be > 0"),
    ({"peak_flops": float("nan")}, "`peak_flops` must be > 0"),
    ({"peak_flops": "fast"}, "`peak_flops` must be a number; got 'fast'"),
    ({"peak_flops": 1e9, "memory_bandwidth": -1}, "`memory_bandwidth` must be > 0"),
    ({"peak_flops": 1e9, "overhead": -1e-3}, "`overhead` must be >= 0"),
    ({"peak_flops": 1e9, "efficiency": {"lstm": 0.5}}, "unknown layer class 'lstm'; the classes are conv, dwconv"),
    ({"peak_flops": 1e9, "memory_efficiency": {"fc": 0}}, r"`memory_efficiency\['fc'\]` must be > 0"),
    ({"peak_flops": 1e9, "class_overhead": {"add": -1}}, r"`class_overhead\['add'\]` must be >= 0"),
    ({"peak_flops": 1e9, "efficiency": {"fc": 1.5}}, r"`efficiency\['fc'\]` must be in \(0, 1\]"),
    ({"peak_flops": 1e9, "efficiency": [0.5]}, "`efficiency` must map layer classes"),
    ({"peak_flops": 1e9, "combine": "min"}, "`combine` must be one of max, sum; got 'min'"),
])
def test_bad_profiles_are_refused_naming_the_field(kwargs, message):
    with pytest.raises(InvalidProblemError, match=message):
        DeviceProfile(**kwargs)


def test_profiles_round_trip_through_json(tmp_path):
    profile = DeviceProfile(3.2e10, memory_bandwidth=1.2e10, overhead=4e-5, efficiency={"fc": 0.4, "conv": 0.8},
                            memory_efficiency={"pool": 0.3}, class_overhead={"dwconv": 9e-5}, combine="sum",
                            name="this CPU")
    path = profile.save(tmp_path / "cpu.json")
    assert DeviceProfile.load(path) == profile
    flop = DeviceProfile.flop_model(1e9)
    assert DeviceProfile.load(flop.save(tmp_path / "flop.json")).memory_bandwidth == math.inf
    (tmp_path / "wrapped.json").write_text('{"profile": {"peak_flops": 5e9}, "measurements": []}')
    assert DeviceProfile.load(tmp_path / "wrapped.json").peak_flops == 5e9


@pytest.mark.parametrize(("text", "message"), [
    ("not json", "Cannot read the device profile"),
    ("[1, 2]", "must be a JSON object"),
    ('{"memory_bandwidth": 1e9}', "needs `peak_flops`"),
    ('{"peak_flops": 1e9, "bandwith": 1e9}', "Unknown device profile field\\(s\\) 'bandwith'"),
])
def test_bad_profile_files_are_refused_naming_the_file(tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(InvalidProblemError, match=message):
        DeviceProfile.load(path)


def test_a_split_problem_refuses_something_else_as_a_profile():
    with pytest.raises(SemoptError, match="`device_profile` must be a semopt.models.roofline.DeviceProfile"):
        _split(device_profile={"peak_flops": 1e9})
