"""Latency models against real inference (issue 14): the FLOP model and the fitted roofline, per layer and per
network, on the seven catalogue networks, and the split point each model picks against the one measured latencies
pick -- a study, not a test.

``measure_all`` times every layer of every network in context on this CPU
(``semopt.profiling.measure``: torch, the extra ``semopt[profile]``);
``fit_profile`` fits one roofline to all of them (``semopt.profiling.fit``);
``network_table`` and ``layer_errors`` compare predictions with the
measurements (the FLOP model at the fitted peak, so that both models are
judged at the same throughput); ``cut_agreement`` sweeps the uplink
bandwidth and, for each chain network, finds the best cut -- the device runs
layers ``0..c-1`` and the edge (the FLOP model at ``edge_flops``) the rest --
under the device's measured layer times, the roofline's and the FLOP model's.

Run: ``.venv/bin/python notebooks/latency_study.py [--size 224] [--repeats 5]``
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

import numpy as np

from semopt import profiling
from semopt.models import networks
from semopt.models.channel import shannon_rate
from semopt.models.roofline import DeviceProfile, layer_times

NETWORKS = ("alexnet", "vgg16", "resnet18", "resnet50", "mobilenet-v2", "googlenet", "b-alexnet")
CHAINS = ("alexnet", "vgg16")  # one cut point each: the split is a prefix
EDGE_FLOPS = 20e12  # the split scenarios' FLOP-model edge, edge="flop" (a quarter of an RTX 4090)
SNR_DB = 0.0
Row = dict[str, Any]


def measure_all(names: Sequence[str] = NETWORKS, *, size: int | None = None, repeats: int = 5, warmup: int = 2,
                threads: int = 1) -> dict[str, tuple[networks.Network, Row]]:
    """``{name: (network, measurements)}``: every layer and the whole network, timed on this machine."""
    shape = None if size is None else (3, size, size)
    out = {}
    for name in names:
        net = networks.build(name, shape)
        out[name] = (net, profiling.measure(net, threads=threads, warmup=warmup, repeats=repeats))
    return out


def fit_profile(measured: dict[str, tuple[networks.Network, Row]]) -> DeviceProfile:
    runs = [(net, [row["median"] for row in m["layers"]]) for net, m in measured.values()]
    totals = [float(np.median(m["network"])) for _, m in measured.values()]
    return profiling.fit(runs, totals=totals, name="this CPU")


def network_table(measured: dict[str, tuple[networks.Network, Row]], profile: DeviceProfile) -> list[Row]:
    """Per network: measured whole-inference latency, each model's prediction and its error."""
    flop = DeviceProfile.flop_model(profile.peak_flops)
    table = []
    for name, (net, m) in measured.items():
        whole = float(np.median(m["network"]))
        roof, flops = float(layer_times(net, profile).sum()), float(layer_times(net, flop).sum())
        table.append({"network": name, "GFLOPs": float(net.flops.sum()) / 1e9, "measured (ms)": 1e3 * whole,
                      "roofline (ms)": 1e3 * roof, "roofline error": (roof - whole) / whole,
                      "FLOP model (ms)": 1e3 * flops, "FLOP model error": (flops - whole) / whole})
    return table


def layer_errors(measured: dict[str, tuple[networks.Network, Row]], profile: DeviceProfile) -> dict[str, np.ndarray]:
    """Per model, every layer's relative error (predicted / measured - 1) over all networks."""
    flop = DeviceProfile.flop_model(profile.peak_flops)
    out: dict[str, list[np.ndarray]] = {"roofline": [], "FLOP model": []}
    for net, m in measured.values():
        times = np.array([row["median"] for row in m["layers"]])
        out["roofline"].append(layer_times(net, profile) / times - 1)
        out["FLOP model"].append(layer_times(net, flop) / times - 1)
    return {model: np.concatenate(parts) for model, parts in out.items()}


def best_cut(device: np.ndarray, net: networks.Network, bandwidth: float) -> int:
    """The cut c (device runs layers ``0..c-1``) with the least latency at ``bandwidth`` Hz, for a chain network."""
    rate = float(shannon_rate(bandwidth, 10 ** (SNR_DB / 10)))
    edge = np.asarray(net.flops, dtype=float) / EDGE_FLOPS
    sent = np.concatenate([[8.0 * net.input_elements], 32.0 * np.asarray(net.out_elements, dtype=float)])
    sent[-1] = 0.0  # everything on the device: nothing to send (the result's download is neglected)
    costs = [device[:c].sum() + sent[c] / rate + edge[c:].sum() for c in range(net.n_layers + 1)]
    return int(np.argmin(costs))


def cut_agreement(measured: dict[str, tuple[networks.Network, Row]], profile: DeviceProfile,
                  bandwidths: Sequence[float]) -> list[Row]:
    """Per chain network and bandwidth: the best cut under measured device times, the roofline, the FLOP model."""
    flop = DeviceProfile.flop_model(profile.peak_flops)
    rows = []
    for name in (n for n in CHAINS if n in measured):
        net, m = measured[name]
        times = np.array([row["median"] for row in m["layers"]])
        for bandwidth in bandwidths:
            cuts = {"measured": best_cut(times, net, bandwidth),
                    "roofline": best_cut(layer_times(net, profile), net, bandwidth),
                    "FLOP model": best_cut(layer_times(net, flop), net, bandwidth)}
            rows.append({"network": name, "bandwidth (MHz)": bandwidth / 1e6, **cuts})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=None, help="square input side (default: each network's own)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    measured = measure_all(size=args.size, repeats=args.repeats)
    profile = fit_profile(measured)
    print(profile)
    for row in network_table(measured, profile):
        print(f"{row['network']:<14}{row['measured (ms)']:>10.2f} ms  roofline {row['roofline error']:+7.1%}  "
              f"FLOP model {row['FLOP model error']:+7.1%}")
    for model, errors in layer_errors(measured, profile).items():
        print(f"{model}: median |layer error| {np.median(np.abs(errors)):.1%}, 90th percentile "
              f"{np.quantile(np.abs(errors), 0.9):.1%}")
    rows = cut_agreement(measured, profile, np.geomspace(1e5, 1e9, 25))
    for model in ("roofline", "FLOP model"):
        same = np.mean([row[model] == row["measured"] for row in rows])
        print(f"{model}: same cut as the measured latencies on {same:.0%} of {len(rows)} points")


if __name__ == "__main__":
    main()
