"""Scenarios of the split family: ``split-<network>`` and ``split-dynamic``.

A Jetson-Nano-like device and an RTX-4090-like edge.

The survey of Zhang et al. (References) gives no numbers; ours are
documented below.

Documented defaults (each an override):

* device: ``device_flops = 100 GFLOP/s`` (about a fifth of the Jetson
  Nano's 472 GFLOPS fp16 peak: what layer-by-layer inference sustains),
  ``device_power = 10 W`` (its 10 W mode), ``memory = 4 GB``,
  ``tx_power = 0.2 W`` (23 dBm);
* edge: ``edge_flops = 20 TFLOP/s`` (a quarter of the RTX 4090's 82.6
  TFLOPS fp32 peak), shared by the users;
* uplink: ``bandwidth = 10 MHz`` at ``snr_db = 0`` dB, i.e. 1 bit/s/Hz, so
  ``bandwidth`` in Hz reads as the single-user rate in bit/s; with several
  users each user's SNR is ``snr_db + N(0, 3 dB)`` from ``seed``;
* objective ``latency``; no energy budget or deadline unless given;
* ``split-dynamic``: alexnet on a 10 GFLOP/s device, bandwidth following a
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
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from semopt.errors import InvalidProblemError, ScenarioError
from semopt.limits import Footprint
from semopt.models import networks
from semopt.models.roofline import DeviceProfile
from semopt.options import Option
from semopt.problems.split import OBJECTIVES, DynamicSplit, SplitInference
from semopt.scenarios._registry import MAX_SEED, register_scenario

__all__ = ["build", "build_dynamic", "footprint", "dynamic_footprint", "register_all", "EXIT_ACCURACY"]

EXIT_ACCURACY = {"b-alexnet": (0.66, 0.73, 0.815)}
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
        "device_flops": Option(100e9, "float", "Device FLOP/s.", low=1.0, high=1e18),
        "device_power": Option(10.0, "float", "Device compute power in W.", low=0.0, high=1e4),
        "memory": Option(4e9, "float", "Device memory for parameters in bytes.", low=0.0, high=1e15),
        "tx_power": Option(0.2, "float", "Transmit power in W.", low=0.0, high=1e3),
        "edge_flops": Option(20e12, "float", "Edge FLOP/s.", low=1.0, high=1e20),
        "objective": Option("latency", "choice", "What to minimise.", choices=OBJECTIVES),
        "energy_budget": Option(None, "float", "Device energy budget per user in J.", low=0.0, low_open=True,
                                high=1e9, none_ok=True),
        "deadline": Option(None, "float", "Latency limit per user in s.", low=0.0, low_open=True, high=1e9,
                           none_ok=True),
        "seed": Option(0, "int", "Seed of the per-user SNR draws.", low=0, high=MAX_SEED),
        "device_profile": Option(None, "path", "A device profile (JSON of `semopt profile` or "
                                 "DeviceProfile.save): the devices are that machine -- its roofline latency "
                                 "model, and device_flops its fitted peak.", none_ok=True),
    }


def build(*, network: str, users: int, bandwidth: float, snr_db: float, device_flops: float,
          device_power: float, memory: float, tx_power: float, edge_flops: float, objective: str,
          energy_budget: float | None, deadline: float | None, seed: int,
          device_profile: str | None = None) -> SplitInference:
    """Build one split-inference instance (see the module docstring for every default)."""
    if objective == "accuracy" and network not in EXIT_ACCURACY:
        raise ScenarioError(f"objective='accuracy' needs a network with early exits and their accuracies "
                            f"({', '.join(EXIT_ACCURACY)}); got network={network!r}.")
    rng = np.random.default_rng(seed)
    snr = np.full(users, snr_db) + (rng.normal(0.0, 3.0, users) if users > 1 else 0.0)
    profile = None
    if device_profile is not None:
        try:
            profile = DeviceProfile.load(device_profile)
        except InvalidProblemError as exc:
            raise ScenarioError(f"`device_profile`: {exc}") from None
        device_flops = profile.peak_flops
    return SplitInference(
        network=networks.build(network),
        device_flops=np.full(users, device_flops),
        device_profile=profile,
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
                          summary=f"Split inference of {name}: Jetson-Nano-like device, RTX-4090-like edge.",
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
                 objective=objective, energy_budget=None, deadline=None, seed=seed)
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    steps_log = np.concatenate([[0.0], rng.normal(0.0, volatility, steps - 1)])
    trace = 10.0 ** np.clip(np.log10(bandwidth) + np.cumsum(steps_log), 5.0, 8.0)
    return DynamicSplit(base=base, trace=trace, reconfiguration=reconfiguration,
                        info={"seed": seed, "network": network})
