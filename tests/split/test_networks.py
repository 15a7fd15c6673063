"""The network catalogue of ``semopt.models.networks``: published totals, graph structure, exits, errors.

Totals are compared with torchvision's documentation ("GFLOPS", which are
multiply-accumulates, and "num_params"); per-layer figures with hand-computed
values; the two kernels added for the catalogue with plain-Python twins.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import semopt
from semopt.errors import InvalidProblemError
from semopt.models import networks
from semopt.models.layers import linear_macs, pool_output_size
from semopt.models.networks import Network, build

# torchvision documentation, input 3 x 224 x 224: (GMACs, parameters).
PUBLISHED = {
    "alexnet": (0.71, 61_100_840),
    "vgg16": (15.47, 138_357_544),
    "resnet18": (1.81, 11_689_512),
    "resnet50": (4.09, 25_557_032),
    "mobilenet-v2": (0.30, 3_504_872),
    "googlenet": (1.50, 6_624_904),
}
TORCHVISION = sorted(PUBLISHED)
ALL = networks.names()


def test_names_sorted_and_complete():
    assert ALL == sorted(ALL)
    assert set(PUBLISHED) | {"b-alexnet"} <= set(ALL)


# ---------------------------------------------------------------------------
# Totals against the published figures
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", TORCHVISION)
def test_total_macs_match_published_within_1_percent(name):
    gmacs, _ = PUBLISHED[name]
    assert build(name).total_macs / 1e9 == pytest.approx(gmacs, rel=0.01)


@pytest.mark.parametrize("name", TORCHVISION)
def test_total_params_match_published_within_1_percent(name):
    _, params = PUBLISHED[name]
    total = build(name).total_params
    assert total == pytest.approx(params, rel=0.01)
    assert total == params  # in fact exact: weights + biases + BN affine


@pytest.mark.parametrize("name", ALL)
def test_flops_are_twice_macs_and_arrays_are_consistent(name):
    net = build(name)
    n = net.n_layers
    assert len(net.names) == len(set(net.names)) == n
    for arr in (net.macs, net.flops, net.out_elements, net.params):
        assert arr.shape == (n,)
    assert net.macs.dtype == np.float64 and net.out_elements.dtype == np.int64 and net.params.dtype == np.int64
    np.testing.assert_array_equal(net.flops, 2.0 * net.macs)
    assert np.all(net.macs >= 0) and np.all(net.out_elements >= 1) and np.all(net.params >= 0)
    assert len(net.kinds) == n and set(net.kinds) <= {"conv", "fc", "pool", "add", "concat"}
    # only convolutions and fully connected layers cost MACs or hold parameters
    weighted = np.isin(np.array(net.kinds), ["conv", "fc"])
    assert np.all(net.macs[weighted] > 0) and np.all(net.macs[~weighted] == 0)
    assert np.all(net.params[~weighted] == 0)
    assert net.input_elements == math.prod((3, 32, 32) if name == "b-alexnet" else (3, 224, 224))


# ---------------------------------------------------------------------------
# Graph structure
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_graph_is_a_dag_in_topological_order_from_one_source(name):
    net = build(name)
    g = net.graph
    assert sorted(g.nodes) == list(range(net.n_layers))
    assert nx.is_directed_acyclic_graph(g)
    assert all(u < v for u, v in g.edges)  # indices are a topological order
    sources = [v for v in g if g.in_degree(v) == 0]
    assert sources == [0]  # only the first layer reads the input
    assert nx.descendants(g, 0) == set(range(1, net.n_layers))
    sinks = {v for v in g if g.out_degree(v) == 0}
    assert sinks == set(net.exits)
    assert net.exits[-1] == net.n_layers - 1
    for v in g:
        assert g.nodes[v]["name"] == net.names[v] and g.nodes[v]["kind"] == net.kinds[v]
        assert math.prod(g.nodes[v]["shape"]) == net.out_elements[v]


@pytest.mark.parametrize("name", TORCHVISION)
def test_torchvision_networks_have_a_single_exit(name):
    net = build(name)
    assert net.exits == (net.n_layers - 1,)
    assert net.out_elements[-1] == 1000 and net.kinds[-1] == "fc"


@pytest.mark.parametrize("name, chain", [
    ("alexnet", True), ("vgg16", True), ("resnet18", False), ("resnet50", False),
    ("mobilenet_v2", False), ("googlenet", False), ("b-alexnet", False),
])
def test_is_chain(name, chain):
    assert build(name).is_chain() is chain


@pytest.mark.parametrize("name, n_layers, n_add, n_concat", [
    ("alexnet", 12, 0, 0),       # 5 conv, 3 pool, avgpool, 3 fc
    ("vgg16", 22, 0, 0),         # 13 conv, 5 pool, avgpool, 3 fc
    ("resnet18", 31, 8, 0),      # conv1, maxpool, 8 x (2 conv + add), 3 downsamples, avgpool, fc
    ("resnet50", 72, 16, 0),     # conv1, maxpool, 16 x (3 conv + add), 4 downsamples, avgpool, fc
    ("mobilenet_v2", 64, 10, 0),
    ("googlenet", 81, 0, 9),     # 3 conv, 4 maxpool, 9 x (6 conv + pool + concat), avgpool, fc
    ("b-alexnet", 21, 0, 0),
])
def test_layer_counts(name, n_layers, n_add, n_concat):
    net = build(name)
    assert net.n_layers == n_layers
    assert net.kinds.count("add") == n_add and net.kinds.count("concat") == n_concat
    for v, kind in enumerate(net.kinds):
        if kind == "add":
            assert net.graph.in_degree(v) == 2
        elif kind == "concat":
            assert net.graph.in_degree(v) == 4
        else:
            assert net.graph.in_degree(v) == (0 if v == 0 else 1)


def _layer(net: Network, name: str) -> int:
    return net.names.index(name)


@pytest.mark.parametrize("name, layer, elements", [
    ("resnet18", "conv1", 64 * 112 * 112),
    ("resnet18", "maxpool", 64 * 56 * 56),
    ("resnet18", "layer4.1.add", 512 * 7 * 7),
    ("resnet18", "fc", 1000),
    ("resnet50", "layer1.0.downsample", 256 * 56 * 56),
    ("resnet50", "layer4.2.add", 2048 * 7 * 7),
    ("alexnet", "conv1", 64 * 55 * 55),
    ("alexnet", "pool5", 256 * 6 * 6),
    ("vgg16", "pool5", 512 * 7 * 7),
    ("googlenet", "maxpool1", 64 * 56 * 56),  # ceil_mode: 112 -> 56
    ("googlenet", "inception3a.concat", 256 * 28 * 28),
    ("googlenet", "maxpool4", 832 * 7 * 7),
    ("googlenet", "inception5b.concat", 1024 * 7 * 7),
    ("mobilenet_v2", "features.0", 32 * 112 * 112),
    ("mobilenet_v2", "features.18", 1280 * 7 * 7),
])
def test_known_output_sizes(name, layer, elements):
    net = build(name)
    assert net.out_elements[_layer(net, layer)] == elements


def test_hand_computed_layers():
    r18 = build("resnet18")
    assert r18.macs[0] == 64 * 112 * 112 * 3 * 7 * 7  # 118,013,952
    assert r18.params[0] == 64 * 3 * 7 * 7 + 2 * 64  # conv without bias + BN affine
    alex = build("alexnet")
    assert alex.params[_layer(alex, "conv1")] == 64 * 3 * 11 * 11 + 64
    assert alex.macs[_layer(alex, "fc6")] == 256 * 6 * 6 * 4096
    mb = build("mobilenet_v2")
    dw = _layer(mb, "features.2.depthwise")  # 16 -> 96 hidden, stride 2: 112 -> 56
    assert mb.macs[dw] == 96 * 56 * 56 * 3 * 3 and mb.params[dw] == 96 * 9 + 2 * 96
    g = build("googlenet")  # the "5x5" branch is 3x3 in torchvision
    b3 = _layer(g, "inception3a.branch3.1")
    assert g.params[b3] == 32 * 16 * 3 * 3 + 2 * 32


def test_residual_and_inception_edges():
    r18 = build("resnet18")
    add = _layer(r18, "layer2.0.add")
    assert set(r18.graph.predecessors(add)) == {_layer(r18, "layer2.0.conv2"), _layer(r18, "layer2.0.downsample")}
    add = _layer(r18, "layer1.1.add")  # identity shortcut from the previous block
    assert set(r18.graph.predecessors(add)) == {_layer(r18, "layer1.1.conv2"), _layer(r18, "layer1.0.add")}
    g = build("googlenet")
    concat = _layer(g, "inception4a.concat")
    preds = {g.names[p] for p in g.graph.predecessors(concat)}
    assert preds == {f"inception4a.{b}" for b in ("branch1", "branch2.1", "branch3.1", "branch4.1")}


# ---------------------------------------------------------------------------
# Input shape
# ---------------------------------------------------------------------------


def test_input_shape_scales_convolutions_not_fc():
    full, half = build("vgg16"), build("vgg16", input_shape=(3, 112, 112))
    conv = np.array(full.kinds) == "conv"
    assert half.macs[conv].sum() == pytest.approx(full.macs[conv].sum() / 4, rel=1e-12)
    np.testing.assert_array_equal(half.macs[~conv], full.macs[~conv])  # adaptive pooling before fc
    assert half.input_elements == 3 * 112 * 112
    assert build("resnet18", [3, 112, 112]).total_macs < build("resnet18").total_macs


def test_default_input_shape_is_explicit_shape():
    a, b = build("resnet50"), build("resnet50", input_shape=(3, 224, 224))
    np.testing.assert_array_equal(a.macs, b.macs)
    assert build("b-alexnet").input_elements == 3 * 32 * 32


@pytest.mark.parametrize("bad", [(224, 224), (3, 224, 0), (3, -1, 224), (3, 224.5, 224), "abc", 7, (3, True, 2)])
def test_bad_input_shape_names_the_field(bad):
    with pytest.raises(InvalidProblemError, match="input_shape"):
        build("resnet18", input_shape=bad)


def test_too_small_input_names_the_field_and_layer():
    with pytest.raises(InvalidProblemError, match=r"input_shape.*too small.*alexnet"):
        build("alexnet", input_shape=(3, 16, 16))


# ---------------------------------------------------------------------------
# Names, errors, caching
# ---------------------------------------------------------------------------


def test_unknown_name_lists_known_names():
    with pytest.raises(InvalidProblemError) as info:
        build("resnet19")
    message = str(info.value)
    assert all(n in message for n in ALL)
    assert "Did you mean 'resnet18'?" in message
    assert isinstance(info.value, ValueError)


def test_name_is_case_insensitive():
    assert build("ResNet18").name == "resnet18"


def test_cached_networks_cannot_be_corrupted():
    net = build("resnet18")
    for arr in (net.macs, net.flops, net.out_elements, net.params):
        assert not arr.flags.writeable
        with pytest.raises(ValueError):
            arr[0] = 0
    assert nx.is_frozen(net.graph)
    with pytest.raises(nx.NetworkXError):
        net.graph.add_edge(0, 5)
    net.names[0] = "corrupted"
    again = build("resnet18")
    assert again.names[0] == "conv1"
    assert again.macs is net.macs  # cached: arrays shared, read-only


# ---------------------------------------------------------------------------
# B-AlexNet: two early exits (Zheng et al. §IV-A)
# ---------------------------------------------------------------------------


def test_b_alexnet_exits_are_ancestor_closed_and_ordered_by_cost():
    net = build("b-alexnet")
    assert len(net.exits) == 3
    costs = []
    for e, end in enumerate(net.exits):
        layers = net.exit_layers(e)
        assert layers[-1] == end and net.kinds[end] == "fc" and net.out_elements[end] == 10
        closed = set(layers.tolist())
        assert all(set(net.graph.predecessors(v)) <= closed for v in closed)
        assert closed == nx.ancestors(net.graph, end) | {end}
        costs.append(net.macs[layers].sum())
    assert costs[0] < costs[1] < costs[2]
    assert costs[2] < net.total_macs  # the main output does not run the branches
    np.testing.assert_array_equal(net.exit_layers(), net.exit_layers(2))


def test_b_alexnet_branch_layout():
    net = build("b-alexnet")
    kinds = np.array(net.kinds)
    main = set(net.exit_layers(-1).tolist())
    convs_main = [net.names[v] for v in sorted(main) if kinds[v] == "conv"]
    assert convs_main == ["conv1", "conv2", "conv3", "conv4", "conv5"]
    assert [net.names[v] for v in sorted(main) if kinds[v] == "fc"] == ["fc6", "fc7", "fc8"]
    # exit 1: 2 conv + 1 fc after the first conv; exit 2: 1 conv + 2 fc after the second conv
    for e, attach, n_conv, n_fc in ((0, "conv1", 2, 1), (1, "conv2", 1, 2)):
        own = sorted(set(net.exit_layers(e).tolist()) - main)
        assert sum(kinds[v] == "conv" for v in own) == n_conv
        assert sum(kinds[v] == "fc" for v in own) == n_fc
        assert list(net.graph.predecessors(own[0])) == [_layer(net, attach)]


def test_exit_layers_of_a_hand_made_network_default_to_the_last_layer():
    g = nx.DiGraph([(0, 1), (1, 2)])
    ones = np.ones(3)
    net = Network("toy", ["a", "b", "c"], ones, 2 * ones, np.ones(3, dtype=np.int64),
                  np.zeros(3, dtype=np.int64), g, 4)
    assert net.exits == () and net.kinds == ()
    np.testing.assert_array_equal(net.exit_layers(), [0, 1, 2])


# ---------------------------------------------------------------------------
# Kernels added for the catalogue, against plain-Python twins
# ---------------------------------------------------------------------------


def pool_output_size_reference(size, kernel, stride, padding, ceil_mode):
    """torch.nn.MaxPool2d's output size, written out."""
    span = size + 2 * padding - kernel
    if span < 0:
        return 0
    if not ceil_mode:
        return span // stride + 1
    out = math.ceil(span / stride) + 1
    if (out - 1) * stride >= size + padding:  # the last window must start inside the input
        out -= 1
    return out


@given(
    size=st.integers(1, 300), kernel=st.integers(1, 7), stride=st.integers(1, 4),
    padding=st.integers(0, 3), ceil_mode=st.booleans(),
)
def test_pool_output_size_matches_reference(size, kernel, stride, padding, ceil_mode):
    padding = min(padding, kernel // 2)  # PyTorch requires padding <= kernel / 2
    assert pool_output_size(size, kernel, stride, padding, ceil_mode) == \
        pool_output_size_reference(size, kernel, stride, padding, ceil_mode)


def test_pool_output_size_known_values():
    assert pool_output_size(112, 3, 2, 0, True) == 56  # googlenet maxpool1
    assert pool_output_size(112, 3, 2, 0, False) == 55
    assert pool_output_size(112, 3, 2, 1, False) == 56  # resnet maxpool
    assert pool_output_size(14, 2, 2, 0, True) == 7
    assert pool_output_size(3, 2, 2, 1, True) == 2  # a last window starting in the padding is dropped


@given(n_in=st.integers(1, 10**5), n_out=st.integers(1, 10**4))
def test_linear_macs_matches_reference(n_in, n_out):
    assert linear_macs(n_in, n_out) == float(n_in * n_out)


def test_old_names_are_aliases_of_the_hyphenated_ones():
    assert "mobilenet_v2" not in ALL
    assert build("mobilenet_v2").total_macs == build("mobilenet-v2").total_macs
    assert build("mobilenet_v2").name == "mobilenet-v2"
    old = semopt.scenarios.load("split-mobilenet_v2")
    assert old.network.name == "mobilenet-v2" and "split-mobilenet_v2" not in semopt.scenarios.names()
    assert semopt.scenarios.load("split-alexnet", network="mobilenet_v2").network.name == "mobilenet-v2"
