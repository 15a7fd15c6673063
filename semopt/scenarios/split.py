"""Scenarios of the split family: ``split-<network>`` and ``split-dynamic``.

A Jetson Nano device and an RTX 4090 edge, each a roofline latency model
(:mod:`semopt.models.roofline`), over a Wi-Fi/LTE-class uplink carrying
8-bit activations.

The survey of Zhang et al. (References) gives no numbers; ours are
documented below.  Chosen so that a reader recognises deployed split
computing, and so that, as Neurosurgeon [3]_ and DADS [4]_ report, the
optimal cut moves through intermediate layers as the uplink rate changes.
At the defaults everything stays on the device below about 5 Mbit/s;
AlexNet then cuts after pool5 (from about 6 Mbit/s) and after pool1 (from
about 25), MobileNet-V2 inside its feature blocks (from about 14 and 59),
ResNet-18 after its average pooling and then inside layer3 (22-31), and
GoogLeNet and B-AlexNet at one intermediate cut each over a narrower band;
ResNet-50 and VGG-16 go straight from all-device to all-edge
(``tests/split/test_split_defaults.py``).

Documented defaults (each an override):

* device: ``device = "jetson-nano"``, the roofline
  :data:`~semopt.models.roofline.JETSON_NANO` (spec-sheet FP32 peak
  235.9 GFLOP/s and LPDDR4 25.6 GB/s; 42 % of the peak on convolutions, i.e.
  the 100 GFLOP/s the former FLOP model assumed, 70 % of the bandwidth,
  0.1 ms per layer), running a float32 model; ``device_flops`` defaults to
  its peak (given, it scales the profile's layer times by peak /
  device_flops).  ``device = "flop"`` is the former FLOP model at
  ``device_flops = 100 GFLOP/s`` (to reproduce older studies);
  ``device_profile = PATH`` (a fitted profile) replaces ``device``.
  ``device_power = 10 W`` (the Nano's 10 W mode), ``memory = 4 GB``,
  ``tx_power = 0.2 W`` (23 dBm);
* edge: ``edge = "rtx-4090"``, the roofline
  :data:`~semopt.models.roofline.RTX_4090` (82.6 TFLOP/s FP32 peak,
  1,008 GB/s, a quarter of the peak at batch 1), shared by the users;
  ``edge_flops`` defaults to its peak.  ``edge = "flop"`` is the former
  20 TFLOP/s FLOP model;
* activations: ``activation_bits = 8``: the cut tensor is quantised to
  8 bits for the uplink, as split-computing systems do (JALAD [5]_,
  Auto-Split [6]_; Matsubara et al.'s survey [7]_), while both processors
  compute in float32 (their memory traffic counts 4-byte activations and
  weights).  ``activation_bits = 32`` sends float32 tensors, as Neurosurgeon
  did; the raw input is 8-bit either way;
* uplink: ``bandwidth = 10 MHz`` at ``snr_db = 0`` dB, i.e. 1 bit/s/Hz, so
  ``bandwidth`` in Hz reads as the single-user rate in bit/s: 10 Mbit/s, an
  LTE or a modest Wi-Fi uplink (Neurosurgeon and DADS evaluate 3G, LTE/4G and
  Wi-Fi uplinks, roughly 1 to 20 Mbit/s); with several users each user's SNR
  is ``snr_db + N(0, 3 dB)`` from ``seed``;
* objective ``latency``; no energy budget or deadline unless given;
* ``split-dynamic``: alexnet on a 10 GFLOP/s FLOP-model device and the
  20 TFLOP/s FLOP-model edge with float32 activations (its study predates the
  roofline defaults), bandwidth following a
  random walk of log10(B) with steps N(0, 0.15) from 8 MHz (near where
  all-device and all-edge break even), clipped to
  [100 kHz, 100 MHz], T = 100 steps, reconfiguration cost 5 ms;
* ``b-alexnet``'s exits have accuracies 0.66, 0.73 and 0.815 (early exits
  first).  Zheng et al.'s Table II gives only the mixture: exit rates 18.68 %,
  27.36 %, 53.96 % and 76.26 % accuracy overall; these per-exit values are
  our assumption, increasing with depth and reproducing that mixture
  (0.1868 x 0.66 + 0.2736 x 0.73 + 0.5396 x 0.815 = 0.7628).
* Network names join words with hyphens (``mobilenet-v2``); the old
  ``split-mobilenet_v2`` still loads.

References
----------
.. [1] M. Zhang, M. Abdi, V. R. Dasari, F. Restuccia, "Semantic Edge
   Computing and Semantic Communications in 6G Networks: A Unifying Survey
   and Research Challenges", Computer Networks 270, 111531, 2025.
.. [2] Y. Zheng, T. Zhang, X. Mu, Y. Liu, R. Huang, "Joint Semantic
   Transmission and Resource Allocation for Intelligent Computation Task
   Offloading in MEC Systems", arXiv:2503.08001, 2025, Table II.
.. [3] Y. Kang, J. Hauswald, C. Gao, A. Rovinski, T. Mudge, J. Mars, L. Tang,
   "Neurosurgeon: Collaborative Intelligence Between the Cloud and Mobile
   Edge", ASPLOS 2017.
.. [4] C. Hu, W. Bao, D. Wang, F. Liu, "Dynamic Adaptive DNN Surgery for
   Inference Acceleration on the Edge", IEEE INFOCOM 2019.
.. [5] H. Li, C. Hu, J. Jiang, Z. Wang, Y. Wen, W. Zhu, "JALAD: Joint
   Accuracy- and Latency-Aware Deep Structure Decoupling for Edge-Cloud
   Execution", IEEE ICPADS 2018 (8-bit quantised features at the cut).
.. [6] A. Banitalebi-Dehkordi, N. Vedula, J. Pei, F. Xia, L. Wang, Y. Zhang,
   "Auto-Split: A General Framework of Collaborative Edge-Cloud AI", KDD 2021.
.. [7] Y. Matsubara, M. Levorato, F. Restuccia, "Split Computing and Early
   Exiting for Deep Learning Applications: Survey and Research Challenges",
   ACM Computing Surveys 55(5), 2022.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from semopt.errors import InvalidProblemError, ScenarioError
from semopt.limits import Footprint
from semopt.models import networks
from semopt.models.roofline import JETSON_NANO, RTX_4090, DeviceProfile
from semopt.options import Option
from semopt.problems.split import OBJECTIVES, DynamicSplit, SplitInference
from semopt.scenarios._registry import MAX_SEED, register_scenario

__all__ = ["build", "build_dynamic", "footprint", "dynamic_footprint", "register_all", "EXIT_ACCURACY", "DEVICES",
           "EDGES", "FLOP_DEVICE_FLOPS", "FLOP_EDGE_FLOPS", "MEMORY_BITS"]

EXIT_ACCURACY = {"b-alexnet": (0.66, 0.73, 0.815)}
# The choices of `device` and `edge`: a named roofline, or None for the FLOP model at device_flops / edge_flops.
DEVICES: dict[str, DeviceProfile | None] = {"jetson-nano": JETSON_NANO, "flop": None}
EDGES: dict[str, DeviceProfile | None] = {"rtx-4090": RTX_4090, "flop": None}
FLOP_DEVICE_FLOPS = 100e9  # the FLOP model's device and edge: the scenarios' defaults before the rooflines
FLOP_EDGE_FLOPS = 20e12
MEMORY_BITS = 32.0  # both processors run the float32 model: 4-byte activations in their memory traffic
# Per-field ceilings, far above any study; the memory guard (`footprint`) is the finer check.
MAX_USERS = 100_000
MAX_STEPS = 10_000_000


def _overrides(network: str) -> dict[str, Option]:
    return {
        "network": Option(network, "choice", "The DNN.", choices=tuple(networks.names()),
                          aliases=tuple(networks.ALIASES.items())),
        "users": Option(1, "int", "Number of users M sharing the edge.", low=1, high=MAX_USERS),
        "bandwidth": Option(10e6, "float", "Total uplink bandwidth in Hz.", low=1.0, high=1e12),
        "snr_db": Option(0.0, "float", "Uplink SNR in dB (0 dB: 1 bit/s/Hz).", low=-100.0, high=100.0),
        "device": Option("jetson-nano", "choice", "The device's latency model: a named roofline, or 'flop' (FLOPs / "
                         "device_flops).", choices=tuple(DEVICES)),
        "device_flops": Option(None, "float", "Device FLOP/s; None: the device's peak (100e9 under device='flop'). "
                               "Given with a roofline, its layer times scale by peak / device_flops.",
                               low=1.0, high=1e18, none_ok=True),
        "device_power": Option(10.0, "float", "Device compute power in W.", low=0.0, high=1e4),
        "memory": Option(4e9, "float", "Device memory for parameters in bytes.", low=0.0, high=1e15),
        "tx_power": Option(0.2, "float", "Transmit power in W.", low=0.0, high=1e3),
        "edge": Option("rtx-4090", "choice", "The edge's latency model: a named roofline, or 'flop' (FLOPs / "
                       "edge_flops).", choices=tuple(EDGES)),
        "edge_flops": Option(None, "float", "Edge FLOP/s, shared by the users; None: the edge's peak (20e12 under "
                             "edge='flop'). Given with a roofline, its layer times scale by peak / edge_flops.",
                             low=1.0, high=1e20, none_ok=True),
        "activation_bits": Option(8, "int", "Bits per activation element sent over the uplink (8: quantised at "
                                  "the cut; 32: float32).", low=1, high=64),
        "objective": Option("latency", "choice", "What to minimise.", choices=OBJECTIVES),
        "energy_budget": Option(None, "float", "Device energy budget per user in J.", low=0.0, low_open=True,
                                high=1e9, none_ok=True),
        "deadline": Option(None, "float", "Latency limit per user in s.", low=0.0, low_open=True, high=1e9,
                           none_ok=True),
        "seed": Option(0, "int", "Seed of the per-user SNR draws.", low=0, high=MAX_SEED),
        "device_profile": Option(None, "path", "A device profile (JSON of `semopt profile` or "
                                 "DeviceProfile.save): the devices are that machine -- its roofline latency "
                                 "model (replacing `device`), and device_flops (unless given) its fitted peak.",
                                 none_ok=True),
    }


def build(*, network: str, users: int, bandwidth: float, snr_db: float, device_flops: float | None,
          device_power: float, memory: float, tx_power: float, edge_flops: float | None, objective: str,
          energy_budget: float | None, deadline: float | None, seed: int,
          device_profile: str | None = None, device: str = "jetson-nano", edge: str = "rtx-4090",
          activation_bits: int = 8) -> SplitInference:
    """Build one split-inference instance (see the module docstring for every default)."""
    if objective == "accuracy" and network not in EXIT_ACCURACY:
        raise ScenarioError(f"objective='accuracy' needs a network with early exits and their accuracies "
                            f"({', '.join(EXIT_ACCURACY)}); got network={network!r}.")
    rng = np.random.default_rng(seed)
    snr = np.full(users, snr_db) + (rng.normal(0.0, 3.0, users) if users > 1 else 0.0)
    profile = DEVICES[device]
    if device_profile is not None:
        try:
            profile = DeviceProfile.load(device_profile)
        except InvalidProblemError as exc:
            raise ScenarioError(f"`device_profile`: {exc}") from None
    edge_profile = EDGES[edge]
    # No speed given: a roofline runs at its own peak (its layer times as profiled), the FLOP model at its default.
    if device_flops is None:
        device_flops = FLOP_DEVICE_FLOPS if profile is None else profile.peak_flops
    if edge_flops is None:
        edge_flops = FLOP_EDGE_FLOPS if edge_profile is None else edge_profile.peak_flops
    return SplitInference(
        network=networks.build(network),
        device_flops=np.full(users, device_flops),
        device_profile=profile,
        edge_profile=edge_profile,
        bits_per_element=float(activation_bits),
        memory_bits_per_element=MEMORY_BITS,
        device_power=np.full(users, device_power),
        memory=np.full(users, memory),
        tx_power=np.full(users, tx_power),
        snr=10.0 ** (snr / 10.0),
        bandwidth=bandwidth,
        edge_flops=edge_flops,
        objective=objective,
        energy_budget=None if energy_budget is None else np.full(users, energy_budget),
        deadline=None if deadline is None else np.full(users, deadline),
        exit_accuracy=np.array(EXIT_ACCURACY[network]) if network in EXIT_ACCURACY else None,
        info={"seed": seed, "snr_db": snr},
    )


def register_all() -> None:
    old = {new: old for old, new in networks.ALIASES.items()}
    for name in networks.names():
        register_scenario(f"split-{name}", problem=SplitInference, overrides=_overrides(name),
                          summary=f"Split inference of {name}: Jetson Nano device, RTX 4090 edge (rooflines), "
                                  f"8-bit uplink.",
                          aliases=(f"split-{old[name]}",) if name in old else (),
                          footprint=footprint, sizes=("users",))(build)
    register_scenario("split-dynamic", problem=DynamicSplit, overrides=_dynamic_overrides(),
                      summary="A bandwidth trace and a reconfiguration cost: per-step vs offline splits.",
                      footprint=dynamic_footprint, sizes=("steps",))(build_dynamic)


def footprint(params: Mapping[str, Any]) -> Footprint:
    """Memory to build an instance: about 15 x 8 bytes per user measured (``tests/test_limits.py``), plus
    the network's tables."""
    return Footprint([("per-user arrays", 20 * 8 * params["users"]), ("network", 2**20)])


def dynamic_footprint(params: Mapping[str, Any]) -> Footprint:
    """Memory to build a trace: about 3.1 x 8 bytes per step measured, plus the network's tables."""
    return Footprint([("bandwidth trace", 4 * 8 * params["steps"]), ("network", 2**20)])


def _dynamic_overrides() -> dict[str, Option]:
    base = _overrides("alexnet")
    keep = ("network", "snr_db", "device_power", "memory", "tx_power", "edge_flops", "objective", "seed")
    out = {k: v for k, v in base.items() if k in keep}
    out.update({
        "bandwidth": Option(8e6, "float", "Bandwidth (Hz) at the first step (near the all-device / all-edge "
                            "break-even of alexnet on the slow device).", low=1.0, high=1e12),
        "device_flops": Option(10e9, "float", "Device FLOP/s (slow enough that the best split moves).",
                               low=1.0, high=1e18),
        "edge_flops": Option(FLOP_EDGE_FLOPS, "float", "Edge FLOP/s.", low=1.0, high=1e20),
        "steps": Option(100, "int", "Length T of the trace.", low=1, high=MAX_STEPS),
        "volatility": Option(0.15, "float", "Std of the per-step change of log10(bandwidth).", low=0.0, high=10.0),
        "reconfiguration": Option(0.005, "float", "Cost of changing the split, in objective units (s).",
                                  low=0.0, high=1e9),
    })
    return out


def build_dynamic(*, network: str, snr_db: float, device_power: float, memory: float, tx_power: float,
                  edge_flops: float, objective: str, seed: int, bandwidth: float, device_flops: float,
                  steps: int, volatility: float, reconfiguration: float) -> DynamicSplit:
    """``split-dynamic``: a log-space random walk of the bandwidth, clipped to [100 kHz, 100 MHz]."""
    base = build(network=network, users=1, bandwidth=bandwidth, snr_db=snr_db, device_flops=device_flops,
                 device_power=device_power, memory=memory, tx_power=tx_power, edge_flops=edge_flops,
                 objective=objective, energy_budget=None, deadline=None, seed=seed,
                 device="flop", edge="flop", activation_bits=32)  # the FLOP model this study was written for
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    steps_log = np.concatenate([[0.0], rng.normal(0.0, volatility, steps - 1)])
    trace = 10.0 ** np.clip(np.log10(bandwidth) + np.cumsum(steps_log), 5.0, 8.0)
    return DynamicSplit(base=base, trace=trace, reconfiguration=reconfiguration,
                        info={"seed": seed, "network": network})
