"""The scenario of the model-selection family: ``model-selection`` (Lin et al., Table I and §IV).

Table I: LeNet, ResNet, MobileNet and DPN-26 with their power, inference
time and loss; §IV: B_max = 30 MHz, P_max = 3000 mW, lambda = 1e4,
eps = 1e-5, tau_max = 12 s, gamma_1 = 0.3, gamma_2 = 0.2, 6, 9 or 12 users
(12 for the comparison), "Rayleigh fading ... with a standard deviation of 0.2".

Where the paper is silent, the readings of
``../shared/specs/qoe-and-model-selection.md`` (B2), each an override:

* Table I's powers share one unit with P_max: read as mW
  (``compute_power_scale = 1e-3``, so 0.120-0.305 W), with P_max = 3 W shared
  by compute and transmit power (``power_budget="joint"``).  In SI (the
  source measured GPU boards in W) every selection would overshoot (7b) by
  at least 700 W.
* Channel ``g_m = |h_m|^2 PL(d_m)``: ``|h_m| ~ Rayleigh(0.2)``, one base
  station, ``d_m ~ U[50 m, radius]`` (300 m), path loss eq 27 of the
  offloading family at 2.4 GHz, no shadowing, N0 = -174 dBm/Hz: SNRs of
  10-30 dB.  ``path_loss=False`` keeps the paper-literal ``g = |h|^2``
  (about 120 dB of SNR: power allocation stops mattering).
* Payload ``|x| = 5 x 10^4 images x 128 bytes = 5.12e7`` bits, the same for
  every model (Table I's times are for 5 x 10^4 samples): rate floors of
  7.4 (LeNet), 7.6 (ResNet, MobileNet) and 20.5 Mbit/s (DPN-26).

Independent streams spawned from ``seed``: layout (distances) and fading,
so ``rayleigh_scale`` does not move the users.

References
----------
.. [1] X. Lin, P. Li, A. Aijaz, "RL-Driven Semantic Compression Model
   Selection and Resource Allocation in Semantic Communication Systems",
   arXiv:2506.18660, 2025 (IEEE ISCC 2025).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from semopt.errors import ScenarioError
from semopt.limits import Footprint
from semopt.models.channel import db_to_linear, dbm_to_watt, path_loss_db
from semopt.models.model_selection import TABLE_I
from semopt.options import Option
from semopt.problems.model_selection import PENALTIES, POWER_BUDGETS, ModelSelection
from semopt.scenarios._registry import MAX_SEED, register_scenario

__all__ = ["build", "footprint", "register_all"]

MAX_USERS = 100_000  # far above the paper's 12; the memory guard (`footprint`) is the finer check


def _overrides() -> dict[str, Option]:
    return {
        "users": Option(12, "int", "Number of users M (the paper: 6, 9, 12).", low=1, high=MAX_USERS),
        "bandwidth": Option(30e6, "float", "Total bandwidth B_max in Hz.", low=1.0, high=1e12),
        "power_budget_mw": Option(3000.0, "float", "Power budget P_max in mW.", low=1e-6, high=1e9),
        "power_budget": Option("joint", "choice", "What (7b) covers: compute and transmit power, or transmit only.",
                               choices=POWER_BUDGETS),
        "compute_power_scale": Option(1e-3, "float", "W per unit of Table I's power column (1e-3: read as mW).",
                                      low=0.0, high=1e3),
        "latency_max": Option(12.0, "float", "Latency bound tau_max of every user in s.", low=1e-6, high=1e6),
        "bits": Option(5.12e7, "float", "Payload |x| of every model in bits.", low=1.0, high=1e15),
        "rayleigh_scale": Option(0.2, "float", "Scale of the Rayleigh amplitude |h| (the paper's 0.2).",
                                 low=1e-6, high=1e3),
        "noise_dbm_hz": Option(-174.0, "float", "Noise density N0 in dBm/Hz.", low=-300.0, high=0.0),
        "path_loss": Option(True, "bool", "Multiply |h|^2 by the path loss of eq 27 (off: the paper-literal g)."),
        "radius": Option(300.0, "float", "Users sit at distances uniform in [min_distance, radius] m.",
                         low=1.0, high=1e6),
        "min_distance": Option(50.0, "float", "Nearest user distance in m.", low=1.0, high=1e6),
        "carrier_hz": Option(2.4e9, "float", "Carrier frequency of the path loss in Hz (eq 27 is a sub-6 GHz "
                             "model).", low=1e8, high=1e11),
        "lam": Option(1e4, "float", "Distortion weight lambda of RDE (eq 6).", low=0.0, high=1e12),
        "eps": Option(1e-5, "float", "eps of RDE (eq 6): keeps its denominator positive.", low=1e-300, high=1e12),
        "gamma_power": Option(0.3, "float", "gamma_1 of eq 12 (per W).", low=0.0, high=1e6),
        "gamma_latency": Option(0.2, "float", "gamma_2 of eq 12 (per s).", low=0.0, high=1e6),
        "penalty": Option("clamped", "choice", "Eq 12's penalties: clamped at 0, or signed as printed.",
                          choices=PENALTIES),
        "seed": Option(0, "int", "Seed of every random draw of the instance.", low=0, high=MAX_SEED),
    }


def build(*, users: int, bandwidth: float, power_budget_mw: float, power_budget: str, compute_power_scale: float,
          latency_max: float, bits: float, rayleigh_scale: float, noise_dbm_hz: float, path_loss: bool,
          radius: float, min_distance: float, carrier_hz: float, lam: float, eps: float, gamma_power: float,
          gamma_latency: float, penalty: str, seed: int) -> ModelSelection:
    """Build one instance (see the module docstring for every choice)."""
    if min_distance > radius:
        raise ScenarioError(f"`min_distance` = {min_distance:g} m must not exceed `radius` = {radius:g} m.")
    layout_seq, fading_seq = np.random.SeedSequence(seed).spawn(2)
    distance = np.random.default_rng(layout_seq).uniform(min_distance, radius, size=users)
    amplitude = np.random.default_rng(fading_seq).rayleigh(rayleigh_scale, size=users)
    gain = amplitude ** 2
    if path_loss:
        gain = gain / db_to_linear(path_loss_db(distance, carrier_hz))
    s = len(TABLE_I)
    return ModelSelection(
        gain=gain,
        noise_psd=float(dbm_to_watt(noise_dbm_hz)),
        data_bits=np.full(s, bits),
        model_power=compute_power_scale * np.array([m.power for m in TABLE_I]),
        model_time=np.array([m.time for m in TABLE_I]),
        model_loss=np.array([m.loss for m in TABLE_I]),
        latency_max=np.full(users, latency_max),
        model_names=tuple(m.name for m in TABLE_I),
        bandwidth_max=bandwidth,
        power_max=power_budget_mw * 1e-3,
        lam=lam,
        eps=eps,
        penalty_power=gamma_power,
        penalty_latency=gamma_latency,
        power_budget=power_budget,
        penalty=penalty,
        info={"seed": seed, "distance": distance},
    )


def footprint(params: Mapping[str, Any]) -> Footprint:
    """Memory to build one instance: a handful of float arrays per user."""
    return Footprint([("per-user arrays", 12 * 8 * params["users"])])


def register_all() -> None:
    register_scenario("model-selection", problem=ModelSelection, overrides=_overrides(),
                      summary="Lin et al. Table I and §IV: 12 users choose among 4 semantic compression models and "
                      "share 30 MHz and 3 W.", footprint=footprint, sizes=("users",))(build)
