"""The ``split-<network>`` defaults: a Jetson Nano and an RTX 4090 as rooflines, 8-bit activations on a Wi-Fi/LTE-class
uplink -- under which the optimal cut moves through intermediate layers as the rate changes, as Neurosurgeon and DADS
report -- and the overrides that choose them (``device``, ``edge``, ``activation_bits``).

The cut table these tests pin (mincut, checked against exhaustive at every point; device layers of those the final
exit runs, and the last of them):

=============  =======  ===========  ===========  ============  ===========  ==========
network        1-5      7-10         15-20        30            50           70-100 Mbit/s
=============  =======  ===========  ===========  ============  ===========  ==========
alexnet        device   8 (pool5)    8 (pool5)    2 (pool1)     2 (pool1)    2 (pool1)
mobilenet-v2   device   device       24 (f.7)     24 (f.7)      24 (f.7)     13 (f.4)
resnet18       device   device       device       19 (layer3)   edge         edge
googlenet      device   device       device       80 (avgpool)  edge         edge
b-alexnet      device   device       9 (fc6) @15  edge          edge         edge
=============  =======  ===========  ===========  ============  ===========  ==========

ResNet-50 and VGG-16 go from all-device to all-edge (their data shrinks below the input only where little
computation is left, and on VGG-16 the 31 GFLOP of convolutions dominate).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import semopt
from semopt.errors import ScenarioError, SemoptError
from semopt.models.roofline import JETSON_NANO, RTX_4090, DeviceProfile, layer_times
from semopt.scenarios import split as split_scenarios

RATES = (1e6, 2e6, 3e6, 5e6, 7e6, 10e6, 15e6, 20e6, 30e6, 50e6, 70e6, 100e6)  # bit/s = Hz at 0 dB
MOVING = ("alexnet", "mobilenet-v2", "resnet18", "googlenet", "b-alexnet")


def _device_layers(network: str, rate: float, **overrides) -> tuple[int, int, str]:
    """(device layers, layers the final exit runs, last device layer) of the mincut optimum, checked exact."""
    problem = semopt.scenarios.load(f"split-{network}", bandwidth=rate, **overrides)
    cut = semopt.solve(problem, "mincut")
    assert cut.objective == pytest.approx(semopt.solve(problem, "exhaustive").objective, rel=1e-9)
    row = cut.solution.placement[0] & problem.needed(-1)
    last = problem.network.names[np.flatnonzero(row)[-1]] if row.any() else ""
    return int(row.sum()), int(problem.needed(-1).sum()), last


def test_the_defaults_are_the_named_rooflines_and_an_8_bit_uplink():
    problem = semopt.scenarios.load("split-alexnet")
    assert problem.device_profile is JETSON_NANO and problem.edge_profile is RTX_4090
    assert problem.device_flops[0] == JETSON_NANO.peak_flops and problem.edge_flops == RTX_4090.peak_flops
    assert problem.bits_per_element == 8 and problem.memory_bits_per_element == 32 and problem.bytes_per_param == 4
    assert problem.bandwidth == 10e6  # 10 Mbit/s at 0 dB
    # Spec-sheet numbers (semopt.models.roofline, References): the Nano's FP32 peak and LPDDR4, the 4090's FP32
    # peak and GDDR6X.
    assert (JETSON_NANO.peak_flops, JETSON_NANO.memory_bandwidth) == (235.9e9, 25.6e9)
    assert (RTX_4090.peak_flops, RTX_4090.memory_bandwidth) == (82.6e12, 1008e9)
    # The work is the profiles' roofline with float32 activations in memory, whatever crosses the uplink.
    sizes = dict(bytes_per_element=4.0, bytes_per_param=4.0, input_bytes_per_element=1.0)
    np.testing.assert_allclose(problem.layer_work("device"),
                               layer_times(problem.network, JETSON_NANO, **sizes) * JETSON_NANO.peak_flops, rtol=1e-15)
    np.testing.assert_allclose(problem.layer_work("edge"),
                               layer_times(problem.network, RTX_4090, **sizes) * RTX_4090.peak_flops, rtol=1e-15)
    everything = problem.evaluate(problem.empty_solution(device=True)).objective
    assert everything == pytest.approx(layer_times(problem.network, JETSON_NANO, **sizes).sum())


@pytest.mark.parametrize("network", MOVING)
def test_the_cut_moves_through_intermediate_layers_as_the_rate_changes(network):
    cuts = [_device_layers(network, rate) for rate in RATES]
    layers = [k for k, _, _ in cuts]
    total = cuts[0][1]
    assert layers[0] == total  # at 1 Mbit/s everything stays on the device
    assert any(0 < k < total for k in layers), cuts  # some rate cuts inside the network
    assert all(a >= b for a, b in zip(layers, layers[1:], strict=False)), cuts  # more edge as the rate rises


def test_alexnet_cuts_after_pool5_then_after_pool1():
    # Neurosurgeon's AlexNet: the fully connected layers leave the device first, then all but the first block.
    assert _device_layers("alexnet", 3e6)[0] == 12
    assert _device_layers("alexnet", 10e6)[2] == "pool5"
    assert _device_layers("alexnet", 50e6)[2] == "pool1"


def test_the_flop_model_reproduces_the_former_defaults():
    problem = semopt.scenarios.load("split-alexnet", device="flop", edge="flop", activation_bits=32)
    assert problem.device_profile is None and problem.edge_profile is None
    assert problem.device_flops[0] == split_scenarios.FLOP_DEVICE_FLOPS == 100e9
    assert problem.edge_flops == split_scenarios.FLOP_EDGE_FLOPS == 20e12
    assert problem.bits_per_element == 32
    np.testing.assert_array_equal(problem.layer_work("device"), problem.network.flops)
    assert semopt.solve(problem, "mincut").solution.placement.all()  # at 10 Mbit/s it kept everything on the device


def test_device_and_edge_flops_scale_a_roofline():
    base = semopt.scenarios.load("split-vgg16")
    half = semopt.scenarios.load("split-vgg16", device_flops=JETSON_NANO.peak_flops / 2)
    device = [p.evaluate(p.empty_solution(device=True)).objective for p in (base, half)]
    assert device[1] == pytest.approx(2 * device[0])
    slow_edge = semopt.scenarios.load("split-vgg16", edge_flops=RTX_4090.peak_flops / 4)
    placement = np.zeros((1, base.n_layers), bool)
    assert slow_edge.share_coefficients(placement)[1][0] / slow_edge.edge_flops == pytest.approx(
        4 * base.share_coefficients(placement)[1][0] / base.edge_flops)


def test_a_device_profile_file_replaces_the_named_device(tmp_path):
    mine = DeviceProfile(50e9, memory_bandwidth=10e9, overhead=1e-5, name="mine")
    path = mine.save(tmp_path / "mine.json")
    for device in ("jetson-nano", "flop"):
        problem = semopt.scenarios.load("split-resnet18", device_profile=str(path), device=device)
        assert problem.device_profile == mine and problem.device_flops[0] == 50e9
        assert problem.edge_profile is RTX_4090


def test_split_dynamic_keeps_its_flop_model():
    base = semopt.scenarios.load("split-dynamic").base
    assert base.device_profile is None and base.edge_profile is None and base.bits_per_element == 32
    assert base.device_flops[0] == 10e9 and base.edge_flops == 20e12


@pytest.mark.parametrize(("override", "value", "choices"), [
    ("device", "tpu", ("'jetson-nano'", "'flop'")),
    ("edge", "a100", ("'rtx-4090'", "'flop'")),
    ("device", 3, ("'jetson-nano'",)),
    ("activation_bits", 0, ("[1, 64]",)),
    ("activation_bits", 8.5, ("[1, 64]",)),
    ("activation_bits", "8", ("[1, 64]",)),
    ("device_flops", 0.0, ("or None",)),
    ("edge_flops", float("nan"), ("or None",)),
])
def test_bad_overrides_name_the_field_and_the_value(override, value, choices):
    with pytest.raises(ScenarioError) as info:
        semopt.scenarios.load("split-alexnet", **{override: value})
    message = str(info.value)
    assert isinstance(info.value, SemoptError)
    assert f"'{override}'" in message and f"got {value!r}" in message
    assert all(choice in message for choice in choices), message


def test_mincut_is_exact_where_costs_span_ten_orders_of_magnitude():
    # Regression: float max-flow (networkx preflow-push) returned a cut 44x the optimum on this instance, a
    # roofline Nano at 0.5 Mbit/s: 10 us layers next to 20 s transfers.  The max-flow now runs on integers.
    nano = DeviceProfile(472e9, memory_bandwidth=25.6e9, efficiency={"conv": 0.5, "dwconv": 0.5, "fc": 0.5},
                         overhead=1e-4)
    edge = DeviceProfile(82.6e12, memory_bandwidth=1008e9, efficiency={"conv": 0.3, "fc": 0.3}, overhead=2e-5)
    problem = dataclasses.replace(semopt.scenarios.load("split-mobilenet-v2", bandwidth=0.5e6), device_profile=nano,
                                  edge_profile=edge, device_flops=np.full(1, 472e9), edge_flops=82.6e12,
                                  memory_bits_per_element=None)
    cut, exact = semopt.solve(problem, "mincut"), semopt.solve(problem, "exhaustive")
    assert cut.objective == pytest.approx(exact.objective, rel=1e-12)
    assert cut.solution.placement.all()
