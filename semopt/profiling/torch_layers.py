"""A catalogue network rebuilt in torch from semopt's own layer specs, and the clock that times its layers.

Each node of a :class:`~semopt.models.networks.Network` becomes one torch
module that computes that node's output from its inputs: a convolution with
the batch normalisation and ReLU folded into it, a pooling, a fully connected
layer (the flattening folded in), a residual addition (its ReLU folded in) or
a concatenation -- the granularity of the cost model, so that each measured
time is the time of one node.  Weights are random: a layer takes as long with
any weights.  Imported only when a profile is asked for (``semopt[profile]``).
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import numpy as np
import torch
from torch import nn

from semopt.errors import InvalidProblemError
from semopt.models.networks import Network

__all__ = ["layer_modules", "time_layers", "time_network", "threads"]


class _Conv(nn.Module):
    def __init__(self, spec: dict[str, Any]) -> None:
        super().__init__()
        self.conv = nn.Conv2d(spec["in"], spec["out"], spec["k"], spec["stride"], spec["pad"],
                              groups=spec["groups"], bias=spec["bias"])
        self.bn = nn.BatchNorm2d(spec["out"]) if spec["bn"] else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(self.bn(self.conv(x)))


class _Linear(nn.Module):
    def __init__(self, spec: dict[str, Any]) -> None:
        super().__init__()
        self.fc = nn.Linear(spec["in"], spec["out"], bias=spec["bias"])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(torch.flatten(x, 1))


class _Add(nn.Module):
    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return torch.relu(a + b)


class _Concat(nn.Module):
    def forward(self, *parts: torch.Tensor) -> torch.Tensor:
        return torch.cat(parts, dim=1)


def _module(kind: str, spec: dict[str, Any]) -> nn.Module:
    if kind == "conv":
        return _Conv(spec)
    if kind == "fc":
        return _Linear(spec)
    if kind == "pool" and spec.get("op") == "max":
        return nn.MaxPool2d(spec["k"], spec["stride"], spec["pad"], ceil_mode=spec["ceil"])
    if kind == "pool" and spec.get("op") == "adaptive-avg":
        return nn.AdaptiveAvgPool2d(spec["out"])
    if kind == "add":
        return _Add()
    if kind == "concat":
        return _Concat()
    raise InvalidProblemError(f"Cannot build a layer of kind {kind!r} with spec {spec!r} in torch.")


def layer_modules(network: Network, seed: int = 0) -> list[nn.Module]:
    """One torch module per layer of ``network``, in eval mode, weights drawn from ``seed``."""
    if len(network.specs) != network.n_layers or len(network.kinds) != network.n_layers:
        raise InvalidProblemError(f"Network {network.name!r} carries no layer specs; build it with "
                                  "semopt.models.networks.build.")
    torch.manual_seed(seed)
    return [_module(kind, spec).eval() for kind, spec in zip(network.kinds, network.specs, strict=True)]


def _inputs(network: Network, layer: int, outputs: list[torch.Tensor], image: torch.Tensor) -> list[torch.Tensor]:
    preds = sorted(network.graph.predecessors(layer))
    return [outputs[p] for p in preds] if preds else [image]


def threads(count: int) -> None:
    """Run torch on ``count`` threads (intra-op)."""
    torch.set_num_threads(count)


def _clock(call: Any, warmup: int, repeats: int) -> list[float]:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def time_layers(network: Network, *, warmup: int = 3, repeats: int = 10, seed: int = 0) -> list[dict[str, Any]]:
    """Each layer's latency on this machine, in context: median, spread and the samples.

    The network runs ``warmup`` untimed then ``repeats`` timed times, batch 1,
    under ``torch.inference_mode``; each layer is timed where it runs, between
    its neighbours, so that its inputs are as warm (or as cold) in the caches
    as in a real inference and the layer times add up to the network's.
    Returns one row per layer: ``layer``, ``name``, ``kind``, ``median``,
    ``iqr`` (interquartile range) and ``samples`` (seconds).
    """
    modules = layer_modules(network, seed)
    image = torch.randn((1, *_input_shape(network)), generator=torch.Generator().manual_seed(seed))
    samples: list[list[float]] = [[] for _ in modules]
    with torch.inference_mode():
        for run in range(warmup + repeats):
            outputs: list[torch.Tensor] = []
            for layer, module in enumerate(modules):
                args = _inputs(network, layer, outputs, image)
                start = time.perf_counter()
                outputs.append(module(*args))
                if run >= warmup:
                    samples[layer].append(time.perf_counter() - start)
    rows = []
    for layer, times in enumerate(samples):
        q1, _, q3 = statistics.quantiles(times, n=4) if len(times) > 1 else (times[0],) * 3
        rows.append({"layer": layer, "name": network.names[layer], "kind": network.kinds[layer],
                     "median": float(np.median(times)), "iqr": float(q3 - q1), "samples": times})
    return rows


def time_network(network: Network, *, warmup: int = 3, repeats: int = 10, seed: int = 0) -> list[float]:
    """Whole-network inference latency samples (every layer in order, batch 1), seconds."""
    modules = layer_modules(network, seed)
    image = torch.randn((1, *_input_shape(network)), generator=torch.Generator().manual_seed(seed))

    def run() -> None:
        outputs: list[torch.Tensor] = []
        for layer, module in enumerate(modules):
            outputs.append(module(*_inputs(network, layer, outputs, image)))

    with torch.inference_mode():
        return _clock(run, warmup, repeats)


def _input_shape(network: Network) -> tuple[int, ...]:
    if not network.input_shape:
        raise InvalidProblemError(f"Network {network.name!r} does not record its input shape; build it with "
                                  "semopt.models.networks.build.")
    return tuple(network.input_shape)
