"""Per-layer latency on a real processor: the roofline model, with the FLOP model as its special case.

The FLOP model of :mod:`semopt.models.split` times a layer as ``F / f``:
FLOPs over throughput.  Real processors do not work that way: a fully
connected layer moves every weight once and does two FLOPs per weight, a
depthwise convolution or a pooling layer moves its activations and does next
to no arithmetic -- they are bound by memory traffic, which is why
Neurosurgeon profiled each layer type and fitted per-type regressions.  The
roofline model (Williams, Waterman, Patterson) times layer l on a processor
as

.. math::

    t_l = \\max\\Big(\\frac{F_l}{\\eta_{c(l)} P}, \\frac{B_l}{\\mu_{c(l)} W}\\Big) + o_{c(l)}

with ``P`` the peak FLOP/s, ``F_l`` the layer's arithmetic (its FLOPs, or
for a pooling or an addition its element operations, :func:`layer_ops`),
``B_l`` the bytes the layer moves (its weights,
its inputs and its output, :func:`layer_bytes`), ``W`` the memory bandwidth
(bytes/s), and per layer class ``c`` (:func:`layer_classes`: a convolution,
a depthwise or grouped one, a fully connected layer, a pooling, an addition,
a concatenation) the share ``eta_c`` of the peak its arithmetic reaches, the
share ``mu_c`` of the bandwidth its traffic reaches and its overhead
``o_c`` (dispatch, allocation) -- the roofline in the form of Neurosurgeon's
per-type regressions.  A :class:`DeviceProfile` holds them; ``W = inf``,
``o = 0``, ``eta = 1`` is the FLOP model.  ``combine="sum"`` adds the two
terms instead of taking the larger, for a processor that does not overlap
arithmetic with memory traffic; on this machine's CPU (``semopt profile``)
it fits better.

A split solver needs each layer's time at a *share* of a processor (the edge
is shared among users): :func:`work` turns the times into FLOP-equivalent
work ``w_l = t_l P``, so that ``w_l / f`` is the layer's time on the share
``f / P`` of the processor (its compute and its memory bandwidth alike), and
``w_l = F_l`` under the FLOP model.

Two named profiles, :data:`JETSON_NANO` and :data:`RTX_4090`, are the
``split-*`` scenarios' device and edge: peaks and memory bandwidths from the
vendors' spec sheets [3]_ [4]_, shares of them that a float32 model run layer
by layer sustains (our assumption, documented with each).

References
----------
.. [1] S. Williams, A. Waterman, D. Patterson, "Roofline: an insightful
   visual performance model for multicore architectures", Communications of
   the ACM 52(4), 2009.
.. [2] Y. Kang et al., "Neurosurgeon: Collaborative Intelligence Between the
   Cloud and Mobile Edge", ASPLOS 2017 (per-layer-type latency models).
.. [3] NVIDIA, "Jetson Nano Developer Kit" technical specifications and
   "Jetson Nano System-on-Module Data Sheet" (DA-09366-001), 2019:
   128-core Maxwell GPU at up to 921.6 MHz, 472 GFLOPS (FP16), 4 GB 64-bit
   LPDDR4 at 25.6 GB/s.
.. [4] NVIDIA, "NVIDIA Ada GPU Architecture" whitepaper, 2022 (GeForce RTX
   4090: 16,384 CUDA cores at a 2.52 GHz boost clock, 82.6 TFLOPS FP32
   non-tensor, 24 GB GDDR6X at 1,008 GB/s).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numba import njit

from semopt.errors import InvalidProblemError
from semopt.models.networks import Network

__all__ = ["DeviceProfile", "CLASSES", "layer_classes", "layer_bytes", "layer_ops", "layer_times", "work",
           "JETSON_NANO", "RTX_4090"]

COMBINE = ("max", "sum")
"""How a profile combines a layer's arithmetic and memory times (:class:`DeviceProfile`)."""

CLASSES = ("conv", "dwconv", "fc", "pool", "add", "concat")
"""Layer classes a profile may tune: the kinds of :class:`~semopt.models.networks.Network`, with grouped
(depthwise) convolutions apart -- they move as much data as a convolution and do a sliver of its arithmetic."""


def layer_classes(network: Network) -> tuple[str, ...]:
    """Each layer's class (:data:`CLASSES`); a layer of unknown kind counts as a convolution."""
    classes = []
    for layer in range(network.n_layers):
        kind = network.kinds[layer] if network.kinds else "conv"
        spec = network.specs[layer] if network.specs else {}
        classes.append("dwconv" if kind == "conv" and spec.get("groups", 1) > 1 else kind)
    return tuple(classes)


def _per_class(name: str, values: Any, zero: bool) -> dict[str, float]:
    """A checked ``{class: value}``: shares in (0, 1], or overheads >= 0 when ``zero``."""
    if not isinstance(values, Mapping):
        raise InvalidProblemError(f"`{name}` must map layer classes to numbers; got {values!r}.")
    checked = {}
    for cls, value in values.items():
        if cls not in CLASSES:
            raise InvalidProblemError(f"`{name}` names an unknown layer class {cls!r}; the classes are "
                                      f"{', '.join(CLASSES)}.")
        number = _positive(f"{name}[{cls!r}]", value, zero=zero)
        if not zero and number > 1:
            raise InvalidProblemError(f"`{name}[{cls!r}]` must be in (0, 1]; got {value!r}.")
        checked[cls] = number
    return checked


def _positive(name: str, value: Any, *, infinite: bool = False, zero: bool = False) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidProblemError(f"`{name}` must be a number; got {value!r}.") from None
    ok = (number > 0 or (zero and number == 0)) and (math.isfinite(number) or (infinite and number == math.inf))
    if not ok:
        what = ">= 0" if zero else "> 0"
        raise InvalidProblemError(f"`{name}` must be {what} and {'finite or inf' if infinite else 'finite'}; "
                                  f"got {value!r}.")
    return number


@dataclass(frozen=True)
class DeviceProfile:
    """One processor's roofline: what :func:`layer_times` needs (module docstring).

    Parameters
    ----------
    peak_flops : float
        Peak arithmetic throughput ``P`` in FLOP/s.
    memory_bandwidth : float, default inf
        ``W`` in bytes/s; ``inf`` makes every layer compute-bound.
    overhead : float, default 0
        ``o``, seconds added to every layer (of a class without its own).
    efficiency : mapping of str to float, default {}
        ``eta_c`` in (0, 1] per layer class (:data:`CLASSES`); a class left
        out reaches the full peak.
    memory_efficiency : mapping of str to float, default {}
        ``mu_c`` in (0, 1] per class; a class left out reaches the full bandwidth.
    class_overhead : mapping of str to float, default {}
        ``o_c`` >= 0 per class, instead of ``overhead``.
    combine : {"max", "sum"}, default "max"
        How a layer's arithmetic and memory times combine: the roofline's
        larger of the two, or their sum (no overlap).
    name : str, default ""
        Where the profile comes from (a device, a fit).

    Raises
    ------
    InvalidProblemError
        A field out of range, an unknown layer kind; the message names both.

    Examples
    --------
    >>> DeviceProfile.flop_model(1e9).memory_bandwidth
    inf
    """

    peak_flops: float
    memory_bandwidth: float = math.inf
    overhead: float = 0.0
    efficiency: Mapping[str, float] = field(default_factory=dict)
    memory_efficiency: Mapping[str, float] = field(default_factory=dict)
    class_overhead: Mapping[str, float] = field(default_factory=dict)
    combine: str = "max"
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "peak_flops", _positive("peak_flops", self.peak_flops))
        object.__setattr__(self, "memory_bandwidth", _positive("memory_bandwidth", self.memory_bandwidth,
                                                               infinite=True))
        object.__setattr__(self, "overhead", _positive("overhead", self.overhead, zero=True))
        if self.combine not in COMBINE:
            raise InvalidProblemError(f"`combine` must be one of {', '.join(COMBINE)}; got {self.combine!r}.")
        for field_name, zero in (("efficiency", False), ("memory_efficiency", False), ("class_overhead", True)):
            object.__setattr__(self, field_name, _per_class(field_name, getattr(self, field_name), zero))

    @classmethod
    def flop_model(cls, flops_per_second: float) -> DeviceProfile:
        """The FLOP model: time = FLOPs / throughput (no memory bound, no overhead)."""
        return cls(flops_per_second, name="FLOP model")

    @property
    def is_flop_model(self) -> bool:
        flat = all(v == 1 for v in self.efficiency.values())
        no_overhead = self.overhead == 0 and all(v == 0 for v in self.class_overhead.values())
        return self.memory_bandwidth == math.inf and no_overhead and flat

    def per_layer(self, classes: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(eta, mu, overhead)`` of each layer of these classes."""
        eta = np.array([self.efficiency.get(c, 1.0) for c in classes], dtype=float)
        mu = np.array([self.memory_efficiency.get(c, 1.0) for c in classes], dtype=float)
        overhead = np.array([self.class_overhead.get(c, self.overhead) for c in classes], dtype=float)
        return eta, mu, overhead

    # ------------------------------------------------------------ JSON
    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "peak_flops": self.peak_flops,
                "memory_bandwidth": None if self.memory_bandwidth == math.inf else self.memory_bandwidth,
                "overhead": self.overhead, "efficiency": dict(self.efficiency),
                "memory_efficiency": dict(self.memory_efficiency), "class_overhead": dict(self.class_overhead),
                "combine": self.combine}

    @classmethod
    def from_dict(cls, data: Any) -> DeviceProfile:
        """The profile :meth:`to_dict` wrote (``memory_bandwidth: null`` is inf).

        Raises
        ------
        InvalidProblemError
            Not a mapping, a missing ``peak_flops``, an unknown key or a bad value.
        """
        if not isinstance(data, Mapping):
            raise InvalidProblemError(f"A device profile must be a JSON object; got {type(data).__name__}.")
        known = {"name", "peak_flops", "memory_bandwidth", "overhead", "efficiency", "memory_efficiency",
                 "class_overhead", "combine"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidProblemError(f"Unknown device profile field(s) {', '.join(map(repr, unknown))}; the fields "
                                      f"are {', '.join(sorted(known))}.")
        if "peak_flops" not in data:
            raise InvalidProblemError("A device profile needs `peak_flops`.")
        bandwidth = data.get("memory_bandwidth")
        return cls(data["peak_flops"], math.inf if bandwidth is None else bandwidth, data.get("overhead", 0.0),
                   data.get("efficiency") or {}, data.get("memory_efficiency") or {}, data.get("class_overhead") or {},
                   data.get("combine", "max"), str(data.get("name", "")))

    def save(self, path: str | Path) -> Path:
        out = Path(path)
        out.write_text(json.dumps(self.to_dict(), indent=2) + "\n")
        return out

    @classmethod
    def load(cls, path: str | Path) -> DeviceProfile:
        """Read a profile written by :meth:`save` (or the ``profile`` entry of ``semopt profile``'s output).

        Raises
        ------
        InvalidProblemError
            The file cannot be read or is not a valid profile; the message names the file.
        """
        try:
            data = json.loads(Path(path).read_text())
        except (OSError, ValueError) as exc:
            raise InvalidProblemError(f"Cannot read the device profile {str(path)!r}: {exc}") from None
        if isinstance(data, Mapping) and "profile" in data:
            data = data["profile"]
        try:
            return cls.from_dict(data)
        except InvalidProblemError as exc:
            raise InvalidProblemError(f"{str(path)!r}: {exc}") from None


# Named profiles (module docstring, References [3] and [4]).  Both run a float32 model layer by layer, as a split
# runtime does (each partition is its own call, so no fusion across the cut): the spec-sheet peak and bandwidth,
# and shares of them that we assume, chosen to be read and changed, not fitted.
_ALL_CLASSES_MEMORY = 0.7  # share of the DRAM bandwidth a streaming kernel sustains, typical of STREAM-like copies

JETSON_NANO = DeviceProfile(
    235.9e9,  # FP32 peak: 128 cores x 2 FLOP (FMA) x 921.6 MHz; the 472 GFLOPS of the spec sheet is FP16
    memory_bandwidth=25.6e9,  # 64-bit LPDDR4-3200, shared by CPU and GPU
    efficiency={"conv": 0.42, "fc": 0.42, "dwconv": 0.1},  # 0.42 x 235.9 = 99 GFLOP/s, the 100 GFLOP/s the
    # FLOP model of the split scenarios always assumed for layer-by-layer inference; depthwise convolutions
    # have a small share (little arithmetic per loaded byte, poorly served by GEMM kernels)
    memory_efficiency=dict.fromkeys(CLASSES, _ALL_CLASSES_MEMORY),
    overhead=1e-4,  # per layer: a framework call and a kernel launch from the 1.43 GHz Cortex-A57 host
    name="Jetson Nano (float32, layer by layer)",
)
"""NVIDIA Jetson Nano: the ``split-*`` scenarios' device (``device="jetson-nano"``).

Fully connected layers are bound by moving their weights (AlexNet's fc6 moves 151 MB: 8.4 ms at 70 % of
25.6 GB/s), convolutions by arithmetic.  Spec sheet: References [3].
"""

RTX_4090 = DeviceProfile(
    82.6e12,  # FP32 non-tensor peak
    memory_bandwidth=1008e9,  # 384-bit GDDR6X at 21 Gbit/s per pin
    efficiency={"conv": 0.25, "fc": 0.25, "dwconv": 0.05},  # a quarter of the peak at batch 1 (20 TFLOP/s, the
    # split scenarios' former FLOP-model edge); depthwise convolutions a small share, as on the device
    memory_efficiency=dict.fromkeys(CLASSES, _ALL_CLASSES_MEMORY),
    overhead=2e-5,  # per layer: a kernel launch and a framework call on a server CPU
    name="RTX 4090 (float32, layer by layer)",
)
"""NVIDIA GeForce RTX 4090: the ``split-*`` scenarios' edge server (``edge="rtx-4090"``), shared by the users.
Spec sheet: References [4]."""


def layer_bytes(network: Network, *, bytes_per_element: float = 4.0, bytes_per_param: float = 4.0,
                input_bytes_per_element: float | None = None) -> np.ndarray:
    """Bytes each layer moves: its parameters, its inputs (its predecessors' outputs, or the network input for a
    layer without one) and its output, read or written once (batch 1, no cache reuse across layers).

    ``input_bytes_per_element`` sizes the network input (default: ``bytes_per_element``).

    Examples
    --------
    >>> from semopt.models import networks
    >>> net = networks.build("alexnet")
    >>> int(layer_bytes(net)[-1]) == 4 * (int(net.params[-1]) + int(net.out_elements[-2]) + 1000)
    True
    """
    first = bytes_per_element if input_bytes_per_element is None else input_bytes_per_element
    out = np.asarray(network.out_elements, dtype=float)
    moved = bytes_per_param * np.asarray(network.params, dtype=float) + bytes_per_element * out
    for layer in range(network.n_layers):
        preds = list(network.graph.predecessors(layer))
        moved[layer] += bytes_per_element * out[preds].sum() if preds else first * network.input_elements
    return moved


def layer_ops(network: Network) -> np.ndarray:
    """The arithmetic of each layer in the roofline's compute term: its FLOPs, and for the layers that have none
    in the MAC convention their element operations -- a max pooling compares ``k^2`` inputs per output, an
    adaptive average pooling and a residual addition add each input once.

    Examples
    --------
    >>> from semopt.models import networks
    >>> net = networks.build("alexnet")
    >>> int(layer_ops(net)[1]) == 64 * 27 * 27 * 9  # pool1: 3 x 3 windows over 64 x 27 x 27 outputs
    True
    """
    ops = np.asarray(network.flops, dtype=float).copy()
    out = np.asarray(network.out_elements, dtype=float)
    for layer in range(network.n_layers):
        if ops[layer] > 0 or not network.kinds:
            continue
        kind = network.kinds[layer]
        spec = network.specs[layer] if network.specs else {}
        preds = list(network.graph.predecessors(layer))
        inputs = out[preds].sum() if preds else float(network.input_elements)
        if kind == "pool" and spec.get("op") == "max":
            ops[layer] = out[layer] * spec["k"] ** 2
        elif kind in ("pool", "add"):
            ops[layer] = inputs
    return ops


@njit(cache=True)
def _roofline(ops, moved, eta, mu, overhead, peak, bandwidth, add):
    times = np.empty(ops.shape[0])
    for layer in range(ops.shape[0]):
        compute = ops[layer] / (eta[layer] * peak)
        memory = moved[layer] / (mu[layer] * bandwidth)
        if add:
            times[layer] = compute + memory + overhead[layer]
        else:
            times[layer] = (compute if compute > memory else memory) + overhead[layer]
    return times


def layer_times(network: Network, profile: DeviceProfile, **sizes: float) -> np.ndarray:
    """Each layer's time (s) on the whole processor ``profile`` describes; ``sizes`` go to :func:`layer_bytes`.

    Examples
    --------
    >>> from semopt.models import networks
    >>> net = networks.build("alexnet")
    >>> bool(np.allclose(layer_times(net, DeviceProfile.flop_model(1e9)), net.flops / 1e9))
    True
    """
    if profile.is_flop_model:
        return np.asarray(network.flops, dtype=float) / profile.peak_flops
    ops = layer_ops(network)
    moved = layer_bytes(network, **sizes) if profile.memory_bandwidth < math.inf else np.zeros_like(ops)
    eta, mu, overhead = profile.per_layer(layer_classes(network))
    return _roofline(ops, moved, eta, mu, overhead, profile.peak_flops, profile.memory_bandwidth,
                     profile.combine == "sum")


def work(network: Network, profile: DeviceProfile | None, **sizes: float) -> np.ndarray:
    """FLOP-equivalent work of each layer, ``t_l P``: ``w_l / f`` is its time on a share ``f / P`` of the processor.

    ``profile=None`` (or the FLOP model) gives the layers' FLOPs.
    """
    if profile is None or profile.is_flop_model:
        return np.asarray(network.flops, dtype=float)
    return layer_times(network, profile, **sizes) * profile.peak_flops
