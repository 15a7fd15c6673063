"""Profiling catalogue networks on this machine, and fitting its roofline (the optional extra ``semopt[profile]``).

:func:`measure` rebuilds a network of :mod:`semopt.models.networks` in torch
from semopt's own layer specs (:mod:`.torch_layers`: no torchvision, random
weights) and times each layer and the whole network on this CPU; :func:`fit`
finds the :class:`~semopt.models.roofline.DeviceProfile` -- peak FLOP/s,
memory bandwidth, and per layer class an overhead and shares of the peak
and of the bandwidth -- whose roofline times best match the measured ones, by least
squares on the logarithms (relative errors, so that a 20 us pooling counts
as much as a 20 ms convolution); :func:`profile` does both and returns what
``semopt profile`` writes as JSON, which ``DeviceProfile.load`` and the
``device_profile`` override of the ``split-*`` scenarios read.

``import semopt`` never imports torch: :mod:`.torch_layers` is loaded when a
measurement is asked for, and without the extra that request raises
:class:`~semopt.errors.SemoptError` naming ``pip install 'semopt[profile]'``.
"""

from __future__ import annotations

import importlib
import math
import os
import platform
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.optimize import least_squares

from semopt.errors import SemoptError
from semopt.models import networks
from semopt.models.networks import Network
from semopt.models.roofline import CLASSES, COMBINE, DeviceProfile, layer_bytes, layer_classes, layer_ops, layer_times
from semopt.registry import installed

__all__ = ["measure", "fit", "profile", "available"]


def available() -> bool:
    """Whether torch (the extra ``semopt[profile]``) can be imported, without importing it."""
    return installed("torch")


def _torch_layers() -> Any:
    if not available():
        raise SemoptError("Profiling needs torch, which is not installed; run: pip install 'semopt[profile]'.")
    return importlib.import_module("semopt.profiling.torch_layers")


def measure(network: Network, *, threads: int = 1, warmup: int = 3, repeats: int = 10,
            seed: int = 0) -> dict[str, Any]:
    """Time every layer of ``network`` and the whole network on this machine, on ``threads`` threads.

    Returns ``{"threads", "layers": [{"layer", "name", "kind", "median", "iqr",
    "samples"}], "network": [seconds per whole inference]}``.

    Raises
    ------
    SemoptError
        torch is not installed; ``threads``, ``warmup`` or ``repeats`` out of range.
    """
    for name, value, low in (("threads", threads, 1), ("warmup", warmup, 0), ("repeats", repeats, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise SemoptError(f"`{name}` must be an integer >= {low}; got {value!r}.")
    layers = _torch_layers()
    before = layers.torch.get_num_threads()
    layers.threads(threads)
    try:
        rows = layers.time_layers(network, warmup=warmup, repeats=repeats, seed=seed)
        whole = layers.time_network(network, warmup=warmup, repeats=repeats, seed=seed)
    finally:
        layers.threads(before)
    return {"threads": threads, "layers": rows, "network": whole}


def fit(runs: Sequence[tuple[Network, Sequence[float]]], *, name: str = "",
        totals: Sequence[float] | None = None, combines: Sequence[str] = COMBINE, **sizes: float) -> DeviceProfile:
    """The roofline that best predicts measured layer times, by least squares on their logarithms.

    Fitted: the peak ``P`` and bandwidth ``W``, and for every layer class that
    occurs the overhead ``o_c``, the share of the peak ``eta_c`` (depthwise
    convolutions and fully connected layers; a convolution defines the peak)
    and the share of the bandwidth ``mu_c`` (every class but the fully
    connected layers, whose weight streaming defines the bandwidth).  Each
    layer's log error is weighted by the fourth root of its time over the
    median time, so that the layers that make up most of a network's latency
    count for more, and the fit starts from three points for each form
    (``combine``), keeping the best.

    Parameters
    ----------
    runs : sequence of (Network, sequence of float)
        Networks and the measured median time (s) of each of their layers.
    name : str
        The profile's name.
    combines : sequence of {"max", "sum"}
        The forms tried (:class:`~semopt.models.roofline.DeviceProfile`'s
        ``combine``); the better fit is kept.
    totals : sequence of float, optional
        Each network's measured whole-inference latency (s): then each
        network's predicted total is fitted to it too, weighted as much as all
        its layers together, so that whole networks come out right.
    sizes
        ``bytes_per_element``, ``bytes_per_param``, ``input_bytes_per_element``
        of :func:`~semopt.models.roofline.layer_bytes` (default 4, 4, 4: the
        float32 tensors torch runs).

    Raises
    ------
    SemoptError
        No layer, a time that is not finite and positive, or a length mismatch.
    """
    flops: list[np.ndarray] = []
    moved: list[np.ndarray] = []
    classes: list[str] = []
    measured: list[np.ndarray] = []
    for network, times in runs:
        if len(times) != network.n_layers:
            raise SemoptError(f"{network.name}: {len(times)} measured times for {network.n_layers} layers.")
        flops.append(layer_ops(network))
        moved.append(layer_bytes(network, **sizes))
        classes.extend(layer_classes(network))
        measured.append(np.asarray(times, dtype=float))
    if not measured or not sum(len(t) for t in measured):
        raise SemoptError("`fit` needs at least one measured layer.")
    f, b, t = np.concatenate(flops), np.concatenate(moved), np.concatenate(measured)
    if totals is not None and (len(totals) != len(measured) or not all(x > 0 and math.isfinite(x) for x in totals)):
        raise SemoptError(f"`totals` must be one finite time > 0 per network; got {totals!r}.")
    bounds = np.cumsum([0] + [len(x) for x in measured])
    if not np.all(np.isfinite(t) & (t > 0)):
        raise SemoptError("Every measured time must be finite and > 0.")
    cls = np.array(classes)
    present = [c for c in CLASSES if np.any(cls == c)]
    compute_shares = [c for c in ("dwconv", "fc", "pool", "add") if c in present and np.any((cls == c) & (f > 0))]
    memory_shares = [c for c in present if c != "fc"] if "fc" in present else present[1:]
    weight = (t / np.median(t)) ** 0.25
    masks = {c: cls == c for c in present}

    def unpack(z: np.ndarray) -> tuple[float, float, dict[str, float], dict[str, float], dict[str, float]]:
        z = np.clip(z, -700.0, 700.0)  # a wild step of the solver must not overflow exp
        share = 1.0 / (1.0 + np.exp(-z))
        i = 2
        overhead = {c: float(np.exp(z[i + j])) for j, c in enumerate(present)}
        i += len(present)
        eta = {str(c): float(share[i + j]) for j, c in enumerate(compute_shares)}
        i += len(compute_shares)
        mu = {c: float(share[i + j]) for j, c in enumerate(memory_shares)}
        return float(np.exp(z[0])), float(np.exp(z[1])), overhead, eta, mu

    def predict(z: np.ndarray, sharpness: float) -> np.ndarray:
        peak, bandwidth, overhead, eta, mu = unpack(z)
        e, m, o = np.ones_like(f), np.ones_like(f), np.zeros_like(f)
        for c, mask in masks.items():
            e[mask] = eta.get(c, 1.0)
            m[mask] = mu.get(c, 1.0)
            o[mask] = overhead[c]
        compute, memory = f / (e * peak), b / (m * bandwidth)
        if sharpness == 1.0:
            return compute + memory + o
        if math.isinf(sharpness):
            return np.maximum(compute, memory) + o
        # A smooth maximum (a p-norm) first: the hard one leaves a parameter without gradient on one side.
        top = np.maximum(compute, memory)
        return top * ((compute / top) ** sharpness + (memory / top) ** sharpness) ** (1 / sharpness) + o

    def residuals(z: np.ndarray, sharpness: float) -> np.ndarray:
        # A trial step far off (huge or tiny parameters) gets a large error, not a NaN that stops the solver.
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            predicted = predict(z, sharpness)
            error = weight * (np.log(predicted) - np.log(t))
            if totals is not None:
                whole = [np.log(predicted[lo:hi].sum() / total) * math.sqrt(hi - lo)
                         for lo, hi, total in zip(bounds[:-1], bounds[1:], totals, strict=True)]
                error = np.concatenate([error, whole])
        return np.where(np.isfinite(error), error, 1e3)

    busy = f > 0
    best: tuple[float, np.ndarray, str] | None = None
    for combine in combines:
        for quantile, logit in ((0.9, 2.0), (0.5, 0.0), (0.99, 4.0)):
            peak0 = float(np.quantile(f[busy] / t[busy], quantile)) if busy.any() else 1e9
            bandwidth0 = float(np.quantile(b / t, quantile))
            overhead0 = [math.log(max(float(t[masks[c]].min()) / 4, 1e-9)) for c in present]
            start = np.array([math.log(peak0), math.log(bandwidth0), *overhead0]
                             + [logit] * (len(compute_shares) + len(memory_shares)))
            # The roofline's hard maximum is reached through smooth ones (p-norms); the sum is smooth already.
            for sharpness in (4.0, 16.0) if combine == "max" else ():
                start = least_squares(residuals, start, method="trf", x_scale="jac", args=(sharpness,)).x
            final = math.inf if combine == "max" else 1.0
            solution = least_squares(residuals, start, method="trf", x_scale="jac", args=(final,))
            if best is None or solution.cost < best[0]:
                best = (float(solution.cost), solution.x, combine)
    assert best is not None
    peak, bandwidth, overhead, eta, mu = unpack(best[1])
    return DeviceProfile(peak, bandwidth, 0.0, eta, mu, overhead, best[2], name=name)


def profile(names: Sequence[str], *, input_shape: Sequence[int] | None = None,
            threads: int | Sequence[int] = 1, warmup: int = 3, repeats: int = 10, seed: int = 0) -> dict[str, Any]:
    """Measure the named catalogue networks and fit one profile to all their layers: the JSON of ``semopt profile``.

    ``threads`` may list several thread counts (one and all cores, say): each
    gets its measurements and its fitted profile under ``runs``, and the top
    level holds the last one's -- the ``profile`` :meth:`DeviceProfile.load`
    reads and, per network, the measured whole-network latency beside the
    FLOP model's and the roofline's predictions (the FLOP model at the
    fitted peak).
    """
    counts = [threads] if isinstance(threads, int) else list(threads)
    if not counts:
        raise SemoptError("`threads` must name at least one thread count.")
    built = [networks.build(name, input_shape) for name in names]
    cpu = platform.processor() or platform.machine()
    runs = {str(count): _run(built, cpu, count, warmup, repeats, seed) for count in counts}
    last = runs[str(counts[-1])]
    return {"machine": {"cpu": cpu, "system": platform.system(), "cores": os.cpu_count()},
            "input_shape": list(built[0].input_shape), "warmup": warmup, "repeats": repeats,
            "threads": counts[-1], "profile": last["profile"], "networks": last["networks"], "runs": runs}


def _run(built: Sequence[Network], cpu: str, threads: int, warmup: int, repeats: int, seed: int) -> dict[str, Any]:
    """Measurements and fitted profile on ``threads`` threads (one entry of :func:`profile`'s ``runs``)."""
    measured = [measure(net, threads=threads, warmup=warmup, repeats=repeats, seed=seed) for net in built]
    fitted = fit([(net, [row["median"] for row in m["layers"]]) for net, m in zip(built, measured, strict=True)],
                 totals=[float(np.median(m["network"])) for m in measured],
                 name=f"{cpu}, {threads} thread{'s' if threads > 1 else ''}")
    flop_model = DeviceProfile.flop_model(fitted.peak_flops)
    report = []
    for net, m in zip(built, measured, strict=True):
        whole = float(np.median(m["network"]))
        roofline, flop = layer_times(net, fitted), layer_times(net, flop_model)
        report.append({"network": net.name, "measured": whole, "flop_model": float(flop.sum()),
                       "roofline": float(roofline.sum()),
                       "layers": [{key: row[key] for key in ("name", "kind", "median", "iqr")}
                                  | {"flops": float(net.flops[row["layer"]]), "flop_model": float(flop[row["layer"]]),
                                     "roofline": float(roofline[row["layer"]])}
                                  for row in m["layers"]]})
    return {"threads": threads, "profile": fitted.to_dict(), "networks": report}
