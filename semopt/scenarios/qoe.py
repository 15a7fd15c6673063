"""The scenario of the QoE family: ``qoe-offloading`` (Chen et al., Table IV and §V-A).

Table IV: N = 4 UEs, B = 10 MHz per sub-channel, queues of Q = 20 tasks,
noise power 2 mW, p in (10, 90) mW, mu in (0.1, 1), N_u = 1280 CUDA cores at
f in (1.5, 1.7) GHz, N_s = 65 536 cores at f_s = 2.2 GHz, kappa^U = 1e-26,
kappa^S = 1.2e-26, eps_min = 50 %, t_max = 5 ms, slopes (lambda, beta, eta) =
(1e3, 10, 2); §V-A: text, image and VQA tasks of 3.72, 8.43 and 8.31 GFLOPs.

Where the paper is silent, the calibrated readings of
``../shared/specs/qoe-and-model-selection.md`` (A2), each an override or a
keyword of :func:`build`:

* ``subchannels`` K defaults to the number of users;
* distances ``d_n ~ U[0.5, 1]`` (normalised to a reference distance),
  path-loss exponent 2, Rayleigh fading ``|h|^2 ~ Exp(1)`` per sub-channel,
  user and slot: mean SNR at full power 16.5-22.5 dB;
* raw data 8 kbit (text), 200 kbit (image, VQA); extraction FLOPs 1 % of the
  model's (``zeta = 0.01``), server FLOPs = the model's; exponents p = q = 1,
  k = 0.22 (Table V's delay row: 43.08 % / 71.99 % = 0.1^k); local accuracy
  0.72 for every type; SNR scale ``nu0`` = 1 (0 dB); ``f_ref`` = 1.6 GHz
  (Table V's local row: 1.665 ms and 0.068 J); battery 0.1 J per task;
* each user's queue holds ``queue_length`` task types, uniform over the
  three (Table V's local row needs a uniform mix); ``slot`` picks one; the
  channel is redrawn per slot.  Slots are independent problems: a study
  averages over ``slot = 0 .. queue_length - 1`` (:func:`queue`).

Independent streams spawned from ``seed``: layout (distances), tasks (the
queues), channel (one child per slot), so changing ``slot`` changes only the
tasks in service and the fading.

References
----------
.. [1] X. Chen, D. Feng, W. Jiang, Q. Luo, G. Chen, Y. Sun, "QoE-Driven
   Multi-Task Offloading for Semantic-Aware Edge Computing Systems", IEEE
   Transactions on Network Science and Engineering, 2026 (arXiv:2407.11018).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from semopt.errors import ScenarioError
from semopt.limits import Footprint
from semopt.options import Option
from semopt.problems.qoe import SERVER_ENERGY, QoEOffloading
from semopt.scenarios._registry import MAX_SEED, load, register_scenario

__all__ = ["build", "footprint", "queue", "register_all", "PREFERENCES", "TASKS"]

TASKS = ("text", "image", "vqa")
MODEL_FLOPS = np.array([3.72e9, 8.43e9, 8.31e9])
DATA_BITS = np.array([8e3, 2e5, 2e5])
PREFERENCES = {
    "none": (1 / 3, 1 / 3, 1 / 3),
    "delay": (1.0, 0.0, 0.0),
    "energy": (0.0, 1.0, 0.0),
    "accuracy": (0.0, 0.0, 1.0),
}
# Per-field ceilings far above the paper's 4 users; the memory guard (`footprint`) is the finer check.
MAX_USERS = 100_000
MAX_QUEUE = 10_000


def _overrides() -> dict[str, Option]:
    weight = "Weight of {} in eq 10 (setting any weight_* replaces `preference`; they are normalised to sum 1)."
    return {
        "users": Option(4, "int", "Number of users N.", low=1, high=MAX_USERS),
        "subchannels": Option(None, "int", "Number of sub-channels K (default: one per user).", low=1,
                              high=MAX_USERS, none_ok=True),
        "bandwidth": Option(10e6, "float", "Bandwidth of one sub-channel in Hz.", low=1.0, high=1e12),
        "noise": Option(2e-3, "float", "Noise power sigma_z^2 in W (a power: it does not scale with bandwidth).",
                        low=1e-20, high=1e3),
        "mu_min": Option(0.1, "float", "Lowest semantic extraction factor mu_min.", low=1e-3, high=1.0),
        "preference": Option("none", "choice", "Table V's preference rows: equal weights, or all on delay, energy "
                             "or accuracy.", choices=tuple(PREFERENCES)),
        "weight_delay": Option(None, "float", weight.format("latency (w_t)"), low=0.0, high=1e6, none_ok=True),
        "weight_energy": Option(None, "float", weight.format("energy (w_e)"), low=0.0, high=1e6, none_ok=True),
        "weight_accuracy": Option(None, "float", weight.format("accuracy (w_a)"), low=0.0, high=1e6, none_ok=True),
        "queue_length": Option(20, "int", "Tasks in each user's queue Q.", low=1, high=MAX_QUEUE),
        "slot": Option(0, "int", "Which slot of the queue (0 .. queue_length - 1).", low=0, high=MAX_QUEUE - 1),
        "latency_max": Option(5e-3, "float", "Latency limit t_max in s.", low=1e-9, high=1e3),
        "energy_max": Option(0.1, "float", "Battery budget per task E_max in J.", low=1e-9, high=1e6),
        "server_energy": Option("total", "choice", "Server energy charged to each offloader: the whole E^S "
                                "(eq 8 as written) or its share.", choices=SERVER_ENERGY),
        "seed": Option(0, "int", "Seed of every random draw of the instance.", low=0, high=MAX_SEED),
    }


def _weights(preference: str, explicit: tuple[float | None, float | None, float | None]) -> np.ndarray:
    if all(w is None for w in explicit):
        return np.array(PREFERENCES[preference])
    raw = np.array([0.0 if w is None else w for w in explicit])
    if raw.sum() <= 0:
        raise ScenarioError(f"The weights weight_delay, weight_energy, weight_accuracy must not all be 0; "
                            f"got {list(explicit)}.")
    return raw / raw.sum()


def build(*, users: int, subchannels: int | None, bandwidth: float, noise: float, mu_min: float,
          preference: str, weight_delay: float | None, weight_energy: float | None,
          weight_accuracy: float | None, queue_length: int, slot: int, latency_max: float, energy_max: float,
          server_energy: str, seed: int, path_loss_exponent: float = 2.0, distance_range: tuple[float, float] =
          (0.5, 1.0), extraction_share: float = 0.01, accuracy_exponent: float = 0.22,
          local_accuracy: float = 0.72) -> QoEOffloading:
    """Build the slot ``slot`` of one instance (see the module docstring for every choice)."""
    if slot >= queue_length:
        raise ScenarioError(f"`slot` must be < `queue_length` = {queue_length}; got {slot}.")
    k = users if subchannels is None else subchannels
    layout_seq, task_seq, channel_seq = np.random.SeedSequence(seed).spawn(3)
    distance = np.random.default_rng(layout_seq).uniform(*distance_range, size=users)
    tasks = np.random.default_rng(task_seq).integers(0, len(TASKS), size=(users, queue_length))
    # One child stream per slot: slot t's fading does not depend on how many slots are drawn.
    fading = np.random.default_rng(channel_seq.spawn(slot + 1)[slot]).exponential(1.0, size=(k, users))
    weights = np.tile(_weights(preference, (weight_delay, weight_energy, weight_accuracy)), (users, 1))
    m = len(TASKS)
    return QoEOffloading(
        gain=fading * distance[None, :] ** -path_loss_exponent,
        task=tasks[:, slot],
        data_bits=DATA_BITS.copy(),
        local_flops=MODEL_FLOPS.copy(),
        extraction_flops=extraction_share * MODEL_FLOPS,
        server_flops=MODEL_FLOPS.copy(),
        local_accuracy=np.full(m, local_accuracy),
        accuracy_min=np.full(m, 0.5),
        data_exponent=np.ones(m),
        extraction_exponent=np.ones(m),
        accuracy_exponent=np.full(m, accuracy_exponent),
        weights=weights,
        mu_min=np.full(users, mu_min),
        energy_max=np.full(users, energy_max),
        bandwidth=bandwidth,
        noise_power=noise,
        latency_max=latency_max,
        server_energy=server_energy,
        task_names=TASKS,
        info={"seed": seed, "slot": slot, "distance": distance, "queue": tasks},
    )


def queue(name: str = "qoe-offloading", **overrides: Any) -> list[QoEOffloading]:
    """Every slot of the queue of one instance: ``[load(name, **overrides, slot=q) for q in range(Q)]``.

    The paper's QoE (eq 10) averages over a user's queue; slots are
    independent problems, so the queue's QoE is the mean over these instances.

    >>> slots = queue(users=2, queue_length=3, seed=1)
    >>> [p.info["slot"] for p in slots]
    [0, 1, 2]
    """
    if "slot" in overrides:
        raise ScenarioError("`queue` builds every slot: do not give `slot`.")
    q = overrides.get("queue_length", 20)
    first = load(name, **overrides, slot=0)
    return [first] + [load(name, **overrides, slot=t) for t in range(1, int(q))]


def footprint(params: Mapping[str, Any]) -> Footprint:
    """Memory to build one slot: the K x N gains and the N x Q queue of task types, with temporaries."""
    users = params["users"]
    k = users if params["subchannels"] is None else params["subchannels"]
    return Footprint([("channel gains", 4 * 8 * k * users), ("task queues", 2 * 8 * users * params["queue_length"]),
                      ("per-user arrays", 16 * 8 * users)])


def register_all() -> None:
    register_scenario("qoe-offloading", problem=QoEOffloading, overrides=_overrides(),
                      summary="Chen et al. Table IV: 4 users, a sub-channel each, text/image/VQA tasks, one slot "
                      "of a 20-task queue.", footprint=footprint, sizes=("users", "subchannels", "queue_length"))(
        build)
