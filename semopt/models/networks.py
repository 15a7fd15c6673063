"""DNN cost models as layer graphs: per-layer MACs, FLOPs, output sizes and parameters.

:func:`build` returns a :class:`Network` for one of the catalogued networks
(:func:`names`): ``alexnet``, ``vgg16``, ``resnet18``, ``resnet50``,
``mobilenet-v2`` and ``googlenet`` as ``torchvision.models`` defines them,
and ``b-alexnet``, the BranchyNet B-AlexNet with two early exits of Zheng et al.
§IV-A.  Every count is computed from the layer specs below by the Numba
kernels of :mod:`semopt.models.layers`; none is typed in.

What is counted
---------------
* **MACs** (multiply-accumulates): those of convolutions
  (``c_out x H_out x W_out x c_in/groups x k_h x k_w``) and fully connected
  layers (``n_in x n_out``), batch 1.  Bias adds, batch normalisation,
  activations (ReLU, ReLU6), local response normalisation, pooling, residual
  additions and concatenations count **zero**.  This is the convention of the
  "GFLOPS" column of torchvision's model documentation, which despite its name
  reports multiply-accumulates: ResNet-50 gives 4.09 G there and 4.09 G here.
* **FLOPs**: ``2 x MACs`` exactly (one multiply and one add per MAC).
* **Parameters**: convolution and fully connected weights, their biases where
  the layer has one, and the affine ``weight`` and ``bias`` of every batch
  normalisation (``2 x channels``); running statistics are buffers, not
  parameters.  This is ``sum(p.numel() for p in model.parameters())``, the
  ``num_params`` of torchvision's documentation.
* **Output elements**: elements of the layer's output tensor, batch 1.

Granularity
-----------
One graph node per layer that matters for partitioning: convolution, fully
connected, pooling (max, average, adaptive average), residual addition and
concatenation.  Batch normalisation and the activation that follow a
convolution are folded into that convolution's node, the ReLU after a residual
addition into the addition, local response normalisation into the pooling next
to it, and flattening and dropout into the fully connected layer that follows
(their cost is negligible and their output has the size of their input).
Layer indices are a topological order of the data dependencies: a residual
addition has two predecessors, an inception concatenation four.

Published figures (torchvision's documentation, input 3 x 224 x 224) and ours:

============  =============  ============  ================  ===============
network       GMACs (docs)   GMACs (ours)  params (docs)     params (ours)
============  =============  ============  ================  ===============
alexnet       0.71           0.714         61,100,840        61,100,840
vgg16         15.47          15.47         138,357,544       138,357,544
resnet18      1.81           1.814         11,689,512        11,689,512
resnet50      4.09           4.089         25,557,032        25,557,032
mobilenet-v2  0.30           0.301         3,504,872         3,504,872
googlenet     1.50           1.498         6,624,904         6,624,904
============  =============  ============  ================  ===============

References
----------
.. [1] torchvision.models (``alexnet.py``, ``vgg.py``, ``resnet.py``,
   ``mobilenetv2.py``, ``googlenet.py``) and their documentation's "num_params"
   and "GFLOPS" entries.
.. [2] S. Teerapittayanon, B. McDanel and H. T. Kung, "BranchyNet: Fast
   inference via early exiting from deep neural networks", ICPR 2016
   (``networks/alex_cifar10.py`` of its code).
.. [3] Y. Zheng, T. Zhang, X. Mu, Y. Liu, R. Huang, "Joint Semantic Transmission
   and Resource Allocation for Intelligent Computation Task Offloading in MEC
   Systems", arXiv:2503.08001, 2025, §IV-A: the B-AlexNet early-exit network.

Examples
--------
>>> from semopt.models import networks
>>> net = networks.build("resnet18")
>>> net.n_layers, round(net.total_macs / 1e9, 3), net.total_params
(31, 1.814, 11689512)
>>> net.names[0], int(net.out_elements[0]) == 64 * 112 * 112
('conv1', True)
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from semopt.errors import InvalidProblemError, closest
from semopt.models.layers import (
    conv2d_flops,
    conv2d_macs,
    conv_output_size,
    linear_flops,
    linear_macs,
    pool_output_size,
)

__all__ = ["Network", "build", "names", "canonical", "ALIASES"]


@dataclass(frozen=True, eq=False)
class Network:
    """A DNN as a DAG of layers (indices ``0..L-1`` in a topological order).

    Attributes
    ----------
    name : str
    names : list of str
        Layer names.
    macs : float[L]
        Multiply-accumulates of each layer.
    flops : float[L]
        ``2 x macs``.
    out_elements : int[L]
        Elements of each layer's output tensor (batch 1).
    params : int[L]
        Learnable parameters of each layer.
    graph : networkx.DiGraph
        Data dependencies between layer indices; layers without predecessors
        read the network input.
    input_elements : int
        Elements of the network input.
    exits : tuple of int, default ()
        Index of the final layer of each exit, early exits first and the main
        output last; the layers exit ``e`` needs are ``exits[e]`` and its
        ancestors (:meth:`exit_layers`).  ``()`` means one exit, the last layer.
    kinds : tuple of str, default ()
        Kind of each layer: ``"conv"``, ``"fc"``, ``"pool"``, ``"add"`` or
        ``"concat"`` (empty when unknown).
    specs : tuple of dict, default ()
        Each layer's hyper-parameters, enough to rebuild it (``semopt
        profile`` builds the network in torch from them): ``conv``:
        ``in, out, k, stride, pad, groups, bias, bn``; ``pool``: ``op``
        (``"max"``: ``k, stride, pad, ceil``; ``"adaptive-avg"``: ``out``);
        ``fc``: ``in, out, bias``; ``add`` and ``concat``: none.  Empty when
        unknown.
    input_shape : tuple of int, default ()
        ``(channels, height, width)`` of the input (empty when unknown).
    """

    name: str
    names: list[str]
    macs: np.ndarray
    flops: np.ndarray
    out_elements: np.ndarray
    params: np.ndarray
    graph: nx.DiGraph
    input_elements: int
    exits: tuple[int, ...] = ()
    kinds: tuple[str, ...] = ()
    specs: tuple[dict[str, Any], ...] = ()
    input_shape: tuple[int, ...] = ()

    @property
    def n_layers(self) -> int:
        return int(self.macs.shape[0])

    @property
    def total_macs(self) -> float:
        return float(self.macs.sum())

    @property
    def total_params(self) -> int:
        return int(self.params.sum())

    def is_chain(self) -> bool:
        """True when every layer feeds only the next one (a sequential network)."""
        return all(self.graph.has_edge(i, i + 1) for i in range(self.n_layers - 1)) and \
            self.graph.number_of_edges() == self.n_layers - 1

    def exit_layers(self, index: int = -1) -> np.ndarray:
        """Sorted indices of the layers that an exit needs: its final layer and all its ancestors.

        ``index`` indexes :attr:`exits` (``-1``, the default, is the main output).
        """
        ends = self.exits or (self.n_layers - 1,)
        end = ends[index]
        return np.array(sorted(nx.ancestors(self.graph, end) | {end}), dtype=np.int64)


# ---------------------------------------------------------------------------
# Layer-spec builder
# ---------------------------------------------------------------------------

_INPUT = -1  # the network input, as a layer source


class _Builder:
    """Tracks tensor shapes while layers are added; each method returns the new layer's index.

    Shapes are ``(C, H, W)`` for feature maps and ``(N,)`` after a fully
    connected layer.  MACs and FLOPs come from the Numba kernels of
    :mod:`semopt.models.layers`.
    """

    def __init__(self, network: str, input_shape: tuple[int, int, int]) -> None:
        self.network = network
        self.input_shape = input_shape
        self.names: list[str] = []
        self.kinds: list[str] = []
        self.shapes: list[tuple[int, ...]] = []
        self.macs: list[float] = []
        self.flops: list[float] = []
        self.params: list[int] = []
        self.preds: list[tuple[int, ...]] = []
        self.specs: list[dict[str, Any]] = []

    def shape(self, src: int) -> tuple[int, ...]:
        return self.input_shape if src == _INPUT else self.shapes[src]

    def _spatial(self, src: int, name: str) -> tuple[int, int, int]:
        shape = self.shape(src)
        if len(shape) != 3:
            raise AssertionError(f"layer {name!r} of {self.network!r} needs a feature map; got shape {shape}")
        return shape[0], shape[1], shape[2]

    def _add(self, name: str, kind: str, preds: Sequence[int], shape: tuple[int, ...],
             macs: float = 0.0, flops: float = 0.0, params: int = 0, spec: dict[str, Any] | None = None) -> int:
        if min(shape) < 1:
            raise InvalidProblemError(
                f"`input_shape` {self.input_shape} is too small for network {self.network!r}: "
                f"layer {name!r} would have an empty output {shape}."
            )
        self.names.append(name)
        self.kinds.append(kind)
        self.shapes.append(tuple(int(s) for s in shape))
        self.macs.append(float(macs))
        self.flops.append(float(flops))
        self.params.append(int(params))
        self.preds.append(tuple(p for p in preds if p != _INPUT))
        self.specs.append(dict(spec or {}))
        return len(self.names) - 1

    def conv(self, name: str, src: int, out_ch: int, k: int, stride: int = 1, pad: int = 0,
             groups: int = 1, *, bias: bool = False, bn: bool = False) -> int:
        """Convolution (square kernel), with its batch normalisation and activation folded in when ``bn``."""
        c, h, w = self._spatial(src, name)
        macs = conv2d_macs(c, out_ch, h, w, k, k, stride, pad, groups)
        flops = conv2d_flops(c, out_ch, h, w, k, k, stride, pad, groups, False)
        shape = (out_ch, conv_output_size(h, k, stride, pad), conv_output_size(w, k, stride, pad))
        params = out_ch * (c // groups) * k * k + (out_ch if bias else 0) + (2 * out_ch if bn else 0)
        spec = {"in": c, "out": out_ch, "k": k, "stride": stride, "pad": pad, "groups": groups, "bias": bias,
                "bn": bn}
        return self._add(name, "conv", (src,), shape, macs, flops, params, spec)

    def maxpool(self, name: str, src: int, k: int, stride: int, pad: int = 0, *, ceil: bool = False) -> int:
        c, h, w = self._spatial(src, name)
        shape = (c, pool_output_size(h, k, stride, pad, ceil), pool_output_size(w, k, stride, pad, ceil))
        return self._add(name, "pool", (src,), shape, spec={"op": "max", "k": k, "stride": stride, "pad": pad,
                                                            "ceil": ceil})

    def avgpool(self, name: str, src: int, out: int) -> int:
        """Adaptive average pooling to ``out x out``."""
        c, _, _ = self._spatial(src, name)
        return self._add(name, "pool", (src,), (c, out, out), spec={"op": "adaptive-avg", "out": out})

    def linear(self, name: str, src: int, out: int, *, bias: bool = True) -> int:
        """Fully connected layer on the flattened source."""
        n_in = math.prod(self.shape(src))
        macs = linear_macs(n_in, out)
        flops = linear_flops(n_in, out, False)
        return self._add(name, "fc", (src,), (out,), macs, flops, n_in * out + (out if bias else 0),
                         {"in": n_in, "out": out, "bias": bias})

    def add(self, name: str, a: int, b: int) -> int:
        """Residual addition (the ReLU after it folded in)."""
        if self.shape(a) != self.shape(b):
            raise AssertionError(f"{name!r}: cannot add shapes {self.shape(a)} and {self.shape(b)}")
        return self._add(name, "add", (a, b), self.shape(a))

    def concat(self, name: str, srcs: Sequence[int]) -> int:
        """Channel concatenation."""
        shapes = [self._spatial(s, name) for s in srcs]
        if len({s[1:] for s in shapes}) != 1:
            raise AssertionError(f"{name!r}: cannot concatenate shapes {shapes}")
        return self._add(name, "concat", srcs, (sum(s[0] for s in shapes), *shapes[0][1:]))

    def finish(self, exits: Sequence[int] | None = None) -> Network:
        n = len(self.names)
        graph = nx.DiGraph()
        for i in range(n):
            graph.add_node(i, name=self.names[i], kind=self.kinds[i], shape=self.shapes[i])
            for p in self.preds[i]:
                graph.add_edge(p, i)
        nx.freeze(graph)

        def frozen(values: list[Any], dtype: type) -> np.ndarray:
            arr: np.ndarray = np.array(values, dtype=dtype)
            arr.flags.writeable = False
            return arr

        return Network(
            name=self.network,
            names=list(self.names),
            macs=frozen(self.macs, np.float64),
            flops=frozen(self.flops, np.float64),
            out_elements=frozen([math.prod(s) for s in self.shapes], np.int64),
            params=frozen(self.params, np.int64),
            graph=graph,
            input_elements=math.prod(self.input_shape),
            exits=tuple(exits) if exits is not None else (n - 1,),
            kinds=tuple(self.kinds),
            specs=tuple(self.specs),
            input_shape=tuple(self.input_shape),
        )


# ---------------------------------------------------------------------------
# The catalogue (torchvision.models definitions; B-AlexNet from BranchyNet)
# ---------------------------------------------------------------------------


def _alexnet(b: _Builder) -> None:
    """torchvision ``AlexNet`` ("one weird trick" variant): 5 conv (bias, ReLU) + 3 fc."""
    x = b.conv("conv1", _INPUT, 64, 11, 4, 2, bias=True)
    x = b.maxpool("pool1", x, 3, 2)
    x = b.conv("conv2", x, 192, 5, 1, 2, bias=True)
    x = b.maxpool("pool2", x, 3, 2)
    x = b.conv("conv3", x, 384, 3, 1, 1, bias=True)
    x = b.conv("conv4", x, 256, 3, 1, 1, bias=True)
    x = b.conv("conv5", x, 256, 3, 1, 1, bias=True)
    x = b.maxpool("pool5", x, 3, 2)
    x = b.avgpool("avgpool", x, 6)
    x = b.linear("fc6", x, 4096)
    x = b.linear("fc7", x, 4096)
    b.linear("fc8", x, 1000)


def _vgg16(b: _Builder) -> None:
    """torchvision ``vgg16`` (configuration "D", no batch normalisation)."""
    x = _INPUT
    for stage, (width, n) in enumerate(((64, 2), (128, 2), (256, 3), (512, 3), (512, 3)), start=1):
        for j in range(1, n + 1):
            x = b.conv(f"conv{stage}_{j}", x, width, 3, 1, 1, bias=True)
        x = b.maxpool(f"pool{stage}", x, 2, 2)
    x = b.avgpool("avgpool", x, 7)
    x = b.linear("fc6", x, 4096)
    x = b.linear("fc7", x, 4096)
    b.linear("fc8", x, 1000)


def _resnet(b: _Builder, bottleneck: bool, blocks: Sequence[int]) -> None:
    """torchvision ``ResNet``: BasicBlock or Bottleneck (stride on the 3x3 conv, "v1.5")."""
    x = b.conv("conv1", _INPUT, 64, 7, 2, 3, bn=True)
    x = b.maxpool("maxpool", x, 3, 2, 1)
    expansion = 4 if bottleneck else 1
    inplanes = 64
    for stage, (planes, n) in enumerate(zip((64, 128, 256, 512), blocks, strict=True), start=1):
        out = planes * expansion
        for i in range(n):
            stride = 2 if stage > 1 and i == 0 else 1
            p = f"layer{stage}.{i}"
            if bottleneck:
                y = b.conv(f"{p}.conv1", x, planes, 1, bn=True)
                y = b.conv(f"{p}.conv2", y, planes, 3, stride, 1, bn=True)
                y = b.conv(f"{p}.conv3", y, out, 1, bn=True)
            else:
                y = b.conv(f"{p}.conv1", x, planes, 3, stride, 1, bn=True)
                y = b.conv(f"{p}.conv2", y, planes, 3, 1, 1, bn=True)
            shortcut = b.conv(f"{p}.downsample", x, out, 1, stride, bn=True) \
                if stride != 1 or inplanes != out else x
            x = b.add(f"{p}.add", y, shortcut)
            inplanes = out
    x = b.avgpool("avgpool", x, 1)
    b.linear("fc", x, 1000)


def _mobilenet_v2(b: _Builder) -> None:
    """torchvision ``MobileNetV2`` (width 1.0): inverted residuals, BN + ReLU6 folded into the convs."""
    x = b.conv("features.0", _INPUT, 32, 3, 2, 1, bn=True)
    inp, idx = 32, 1
    for t, c, n, s in ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                       (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)):
        for i in range(n):
            stride = s if i == 0 else 1
            hidden = int(round(inp * t))
            p = f"features.{idx}"
            y = x
            if t != 1:
                y = b.conv(f"{p}.expand", y, hidden, 1, bn=True)
            y = b.conv(f"{p}.depthwise", y, hidden, 3, stride, 1, groups=hidden, bn=True)
            y = b.conv(f"{p}.project", y, c, 1, bn=True)
            if stride == 1 and inp == c:
                y = b.add(f"{p}.add", y, x)
            x, inp, idx = y, c, idx + 1
    x = b.conv(f"features.{idx}", x, 1280, 1, bn=True)
    x = b.avgpool("avgpool", x, 1)
    b.linear("classifier", x, 1000)


def _inception(b: _Builder, p: str, x: int, c1: int, c3r: int, c3: int, c5r: int, c5: int, pool: int) -> int:
    b1 = b.conv(f"{p}.branch1", x, c1, 1, bn=True)
    b2 = b.conv(f"{p}.branch2.0", x, c3r, 1, bn=True)
    b2 = b.conv(f"{p}.branch2.1", b2, c3, 3, 1, 1, bn=True)
    b3 = b.conv(f"{p}.branch3.0", x, c5r, 1, bn=True)
    # torchvision uses a 3x3 kernel here, not the paper's 5x5 (pytorch/vision#906).
    b3 = b.conv(f"{p}.branch3.1", b3, c5, 3, 1, 1, bn=True)
    b4 = b.maxpool(f"{p}.branch4.0", x, 3, 1, 1, ceil=True)
    b4 = b.conv(f"{p}.branch4.1", b4, pool, 1, bn=True)
    return b.concat(f"{p}.concat", (b1, b2, b3, b4))


def _googlenet(b: _Builder) -> None:
    """torchvision ``GoogLeNet`` at inference: BasicConv2d = conv (no bias) + BN; no auxiliary classifiers."""
    x = b.conv("conv1", _INPUT, 64, 7, 2, 3, bn=True)
    x = b.maxpool("maxpool1", x, 3, 2, ceil=True)
    x = b.conv("conv2", x, 64, 1, bn=True)
    x = b.conv("conv3", x, 192, 3, 1, 1, bn=True)
    x = b.maxpool("maxpool2", x, 3, 2, ceil=True)
    x = _inception(b, "inception3a", x, 64, 96, 128, 16, 32, 32)
    x = _inception(b, "inception3b", x, 128, 128, 192, 32, 96, 64)
    x = b.maxpool("maxpool3", x, 3, 2, ceil=True)
    x = _inception(b, "inception4a", x, 192, 96, 208, 16, 48, 64)
    x = _inception(b, "inception4b", x, 160, 112, 224, 24, 64, 64)
    x = _inception(b, "inception4c", x, 128, 128, 256, 24, 64, 64)
    x = _inception(b, "inception4d", x, 112, 144, 288, 32, 64, 64)
    x = _inception(b, "inception4e", x, 256, 160, 320, 32, 128, 128)
    x = b.maxpool("maxpool4", x, 2, 2, ceil=True)
    x = _inception(b, "inception5a", x, 256, 160, 320, 32, 128, 128)
    x = _inception(b, "inception5b", x, 384, 192, 384, 48, 128, 128)
    x = b.avgpool("avgpool", x, 1)
    b.linear("fc", x, 1000)


def _b_alexnet(b: _Builder) -> list[int]:
    """B-AlexNet for CIFAR-10: AlexNet (5 conv + 3 fc) with two early exits, as Zheng et al. §IV-A place them.

    Layer sizes are BranchyNet's ``alex_cifar10.py`` (bias everywhere, ReLU
    after every conv, 3x3/2 max pooling that covers the border, i.e. PyTorch's
    ``ceil_mode``, local response normalisation folded into the pooling).
    Zheng et al. attach exit 1 (2 conv + 1 fc) after the *first* convolution and
    exit 2 (1 conv + 2 fc) after the *second*; BranchyNet's code attaches its
    branches one convolution later and ends branch 2 with one fc.  We follow the
    seed: exit 2's hidden fc has 128 units like the main branch's last hidden fc.
    """
    x = b.conv("conv1", _INPUT, 32, 5, 1, 2, bias=True)
    # exit 1: pool, conv 3x3 -> 32, conv 3x3 -> 32, pool, fc -> 10
    e = b.maxpool("exit1.pool1", x, 3, 2, ceil=True)
    e = b.conv("exit1.conv1", e, 32, 3, 1, 1, bias=True)
    e = b.conv("exit1.conv2", e, 32, 3, 1, 1, bias=True)
    e = b.maxpool("exit1.pool2", e, 3, 2, ceil=True)
    exit1 = b.linear("exit1.fc", e, 10)
    x = b.maxpool("pool1", x, 3, 2, ceil=True)
    x = b.conv("conv2", x, 64, 5, 1, 2, bias=True)
    # exit 2: pool, conv 3x3 -> 32, pool, fc -> 128, fc -> 10
    e = b.maxpool("exit2.pool1", x, 3, 2, ceil=True)
    e = b.conv("exit2.conv1", e, 32, 3, 1, 1, bias=True)
    e = b.maxpool("exit2.pool2", e, 3, 2, ceil=True)
    e = b.linear("exit2.fc1", e, 128)
    exit2 = b.linear("exit2.fc2", e, 10)
    x = b.maxpool("pool2", x, 3, 2, ceil=True)
    x = b.conv("conv3", x, 96, 3, 1, 1, bias=True)
    x = b.conv("conv4", x, 96, 3, 1, 1, bias=True)
    x = b.conv("conv5", x, 64, 3, 1, 1, bias=True)
    x = b.maxpool("pool5", x, 3, 2, ceil=True)
    x = b.linear("fc6", x, 256)
    x = b.linear("fc7", x, 128)
    main = b.linear("fc8", x, 10)
    return [exit1, exit2, main]


_IMAGENET = (3, 224, 224)
_CIFAR = (3, 32, 32)

# name -> (spec, default input shape); a spec returning a list gives the exits.
_CATALOGUE: dict[str, tuple[Callable[[_Builder], list[int] | None], tuple[int, int, int]]] = {
    "alexnet": (_alexnet, _IMAGENET),
    "vgg16": (_vgg16, _IMAGENET),
    "resnet18": (functools.partial(_resnet, bottleneck=False, blocks=(2, 2, 2, 2)), _IMAGENET),
    "resnet50": (functools.partial(_resnet, bottleneck=True, blocks=(3, 4, 6, 3)), _IMAGENET),
    "mobilenet-v2": (_mobilenet_v2, _IMAGENET),
    "googlenet": (_googlenet, _IMAGENET),
    "b-alexnet": (_b_alexnet, _CIFAR),
}


# Names words are joined by hyphens everywhere (networks, scenarios, solvers); the old spellings still work.
ALIASES = {"mobilenet_v2": "mobilenet-v2"}


def names() -> list[str]:
    """Sorted names of the networks :func:`build` knows (the aliases in :data:`ALIASES` work too).

    Examples
    --------
    >>> names()
    ['alexnet', 'b-alexnet', 'googlenet', 'mobilenet-v2', 'resnet18', 'resnet50', 'vgg16']
    """
    return sorted(_CATALOGUE)


def canonical(name: str) -> str:
    """The catalogue's name for ``name``: lower case, an old alias replaced.

    Examples
    --------
    >>> canonical("MobileNet_V2")
    'mobilenet-v2'
    """
    key = name.lower()
    return ALIASES.get(key, key)


def _check_input_shape(value: Any) -> tuple[int, int, int]:
    message = f"`input_shape` must be three positive integers (channels, height, width); got {value!r}."
    try:
        items = tuple(value)
    except TypeError:
        raise InvalidProblemError(message) from None
    if len(items) != 3:
        raise InvalidProblemError(message)
    shape = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (int, np.integer)) or item < 1:
            raise InvalidProblemError(message)
        shape.append(int(item))
    return shape[0], shape[1], shape[2]


@functools.lru_cache(maxsize=64)
def _build_cached(name: str, input_shape: tuple[int, int, int]) -> Network:
    spec, _ = _CATALOGUE[name]
    builder = _Builder(name, input_shape)
    exits = spec(builder)
    return builder.finish(exits)


def build(name: str, input_shape: Sequence[int] | None = None) -> Network:
    """The cost model of a catalogued network as a :class:`Network`.

    Parameters
    ----------
    name : str
        One of :func:`names` (case-insensitive; an alias of :data:`ALIASES` works too).
    input_shape : sequence of 3 int, optional
        ``(channels, height, width)`` of the input (batch 1).  Default
        ``(3, 224, 224)`` for the torchvision networks and ``(3, 32, 32)``
        (CIFAR-10) for ``b-alexnet``.

    Returns
    -------
    Network
        Per-layer MACs, FLOPs (``2 x MACs``), output elements and parameters
        (what is counted: see the module docstring), the dependency graph and,
        for ``b-alexnet``, the final layer of each exit (``exits``).  Built
        networks are cached: the arrays are read-only and the graph is frozen.

    Raises
    ------
    InvalidProblemError
        Unknown ``name`` (the message lists the known ones), or ``input_shape``
        malformed or too small for the network.

    Notes
    -----
    Fully connected layers keep their sizes whatever the input: the torchvision
    networks pool adaptively before them, so only convolutions scale with
    ``height x width``.  ``b-alexnet`` has no adaptive pooling, so its first
    fully connected layers grow with the input.

    Examples
    --------
    >>> net = build("vgg16")
    >>> round(net.total_macs / 1e9, 2), net.is_chain()
    (15.47, True)
    >>> small = build("vgg16", input_shape=(3, 112, 112))
    >>> bool(small.total_macs < net.total_macs / 3)
    True
    >>> build("b-alexnet").exits
    (5, 12, 20)
    """
    key = canonical(name) if isinstance(name, str) else name
    if key not in _CATALOGUE:
        raise InvalidProblemError(
            f"Unknown network {name!r}. Known networks: {', '.join(names())}.{closest(str(name), names())}"
        )
    shape = _CATALOGUE[key][1] if input_shape is None else _check_input_shape(input_shape)
    net = _build_cached(key, shape)
    # The arrays are read-only and the graph frozen; the list of names is the
    # one mutable field, so every caller gets its own copy of it.
    return dataclasses.replace(net, names=list(net.names))
