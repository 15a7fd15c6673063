"""Scenarios of the game family ``semantic-game*``: terminals, channel and stress tests (Table 2, §3.1).

The paper (References) runs Jetson Nano and Raspberry Pi 4B terminals against an RTX-4090
edge, on COCO2017 images, and names its stress tests (Table 2) but no
physical constants.  Ours, each an override (documented assumptions):

* images: 640 x 480 native pixels (COCO's typical size), 24 raw bits per
  pixel, 30 frames/s;
* actions: resolution scale ``s`` in [0.25, 1], compression ratio ``r`` in
  [8, 256] (3 to 0.09 bits per pixel), power ``p`` in [10, 25] dBm (Fig 5's
  range);
* task priorities uniform in ``priority x [1 - 0.5, 1 + 0.5]`` (terminals
  watching scenes of different importance; ``priority_spread``), equal in
  ``semantic-game-conflict``;
* channel: 1 MHz per terminal; SNR at full power ``snr_db = 20`` dB, plus
  N(0, 6 dB) per terminal (placement, shadowing); total coupling
  ``interference = 0.04``, i.e. ``theta = 0.04 / (N - 1)`` per pair (0.01 for
  5 terminals), so a terminal's interference does not grow with N; capacity = the terminals' total bandwidth x
  log2(1 + the nominal SNR), about 33 Mbit/s for 5 terminals;
* devices (``device``): ``jetson-nano``: sensing 2 nJ, encoding 10 nJ and 50 ns
  per pixel of work (a GPU/NPU encoder), rated 10 W; ``rpi4``: encoding 25 nJ
  and 150 ns per pixel (CPU), rated 6.4 W; ``mixed`` alternates them;
  E_max = rated power x frame period;
* edge decoding: 2 ns per pixel;
* utility: ``k_power = 1``, ``k_task = 10``, ``eta = 10``, ``zeta = 2``;
  base weights ``alpha = 0.4``, ``beta = 0.4``, ``gamma = 0.2``;
* weights per terminal from battery level b and priority q (the paper's §2.4:
  "when the low power consumption constraint is strict, alpha is increased,
  and when the task priority is high, beta is increased"): ``alpha_i ~
  alpha (2 - b_i)``, ``beta_i ~ beta q_i``, ``gamma_i ~ gamma``, normalised
  to sum 1.  Default battery 0.8, priority 1; ``gamma=0`` is the ablation
  R_coop = 0 (Table 3).

The joules and milliseconds are not the paper's: its 6.2 J/frame at 102 ms
would need a 60 W terminal.  Its *trends* are what the scenarios reproduce.

``certify`` (default true) has ``semopt.solve`` certify every answer with
the Nash gap; ``certify=false`` skips that (a baseline then judges in
milliseconds instead of seconds).

References
----------
.. [1] "Semantic-Driven Conditional Encoding and Distributed Collaborative
   Optimization for Edge Image Processing", Traitement du Signal 42(6),
   2025, doi:10.18280/ts.420612.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from semopt.errors import ScenarioError
from semopt.limits import Footprint
from semopt.models.channel import db_to_linear, dbm_to_watt
from semopt.options import Option
from semopt.problems.game import GameTrace, SemanticGame
from semopt.scenarios._registry import MAX_SEED, register_scenario

__all__ = ["build", "build_fluctuation", "footprint", "fluctuation_footprint", "register_all", "weights", "DEVICES"]

# Per-field ceilings, far above any study (the paper has 5 terminals and 200 frames); the memory guard
# (`footprint`) is the finer check.
MAX_TERMINALS = 100_000
MAX_STEPS = 10_000_000

DEVICES = {
    # sense J/pixel, encode J/pixel, encode s/pixel, rated W
    "jetson-nano": (2e-9, 10e-9, 50e-9, 10.0),
    "rpi4": (2e-9, 25e-9, 150e-9, 6.4),
}


def weights(battery: np.ndarray, priority: np.ndarray, alpha: float, beta: float, gamma: float) -> np.ndarray:
    """Per-terminal (alpha, beta, gamma): alpha grows as the battery drains, beta with priority; rows sum to 1.

    >>> weights(np.array([1.0, 0.2]), np.array([1.0, 1.0]), 0.4, 0.4, 0.2).round(3)
    array([[0.4  , 0.4  , 0.2  ],
           [0.545, 0.303, 0.152]])
    """
    raw = np.column_stack([alpha * (2.0 - battery), beta * priority, np.full(battery.shape, gamma)])
    total = raw.sum(axis=1, keepdims=True)
    return raw / np.where(total > 0, total, 1.0)


def _overrides(terminals: int = 5, priority: float = 1.0, priority_spread: float = 0.5,
               device: str = "jetson-nano") -> dict[str, Option]:
    return {
        "terminals": Option(terminals, "int", "Number of terminals N.", low=1, high=MAX_TERMINALS),
        "device": Option(device, "choice", "Terminal hardware ('mixed' alternates jetson-nano and rpi4).",
                         choices=(*DEVICES, "mixed")),
        "snr_db": Option(20.0, "float", "Mean SNR at full power, dB.", low=-100.0, high=100.0),
        "snr_spread_db": Option(6.0, "float", "Std of the per-terminal SNR around snr_db, dB.", low=0.0, high=30.0),
        "battery": Option(0.8, "float", "Battery level in (0, 1].", low=0.0, low_open=True, high=1.0),
        "priority": Option(priority, "float", "Mean task priority (1 = normal).", low=0.0, high=1e3),
        "priority_spread": Option(priority_spread, "float", "Priorities are uniform in priority x [1 - spread, "
                                  "1 + spread] (terminals watch scenes of different importance).", low=0.0, high=1.0),
        "alpha": Option(0.4, "float", "Base weight of R_power.", low=0.0, high=1e3),
        "beta": Option(0.4, "float", "Base weight of R_task.", low=0.0, high=1e3),
        "gamma": Option(0.2, "float", "Base weight of R_coop (0: the ablation R_coop = 0).", low=0.0, high=1e3),
        "bandwidth": Option(1e6, "float", "Uplink band per terminal, Hz.", low=1.0, high=1e12),
        "interference": Option(0.04, "float", "Total coupling of the shared channel: each of the N - 1 others "
                               "couples with interference / (N - 1), so the load per terminal does not grow with N.",
                               low=0.0, high=1e3),
        "fps": Option(30.0, "float", "Frames per second.", low=1e-3, high=1e4),
        "eta": Option(10.0, "float", "Weight of the Jain index in R_coop.", low=0.0, high=1e6),
        "zeta": Option(2.0, "float", "Weight of the congestion in R_coop.", low=0.0, high=1e6),
        "k_task": Option(10.0, "float", "k2 of R_task.", low=0.0, high=1e6),
        "certify": Option(True, "bool", "semopt.solve certifies every answer with the Nash gap (nash_gap in its "
                          "metrics); false skips the certificate."),
        "seed": Option(0, "int", "Seed of the per-terminal SNR draws.", low=0, high=MAX_SEED),
    }


def build(*, terminals: int, device: str, snr_db: float, snr_spread_db: float, battery: float, priority: float,
          priority_spread: float, alpha: float, beta: float, gamma: float, bandwidth: float, interference: float,
          fps: float, eta: float, zeta: float, k_task: float, certify: bool, seed: int) -> SemanticGame:
    """Build one game instance (see the module docstring for every default)."""
    snr_stream, priority_stream = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    snr = snr_db + snr_stream.normal(0.0, snr_spread_db, terminals)
    priorities = priority * (1.0 + priority_spread * priority_stream.uniform(-1.0, 1.0, terminals))
    kinds = [device] * terminals if device != "mixed" else [("jetson-nano", "rpi4")[i % 2] for i in range(terminals)]
    sense, encode, encode_time, rated = (np.array(col) for col in zip(*(DEVICES[k] for k in kinds), strict=True))
    p_low, p_high = dbm_to_watt(10.0), dbm_to_watt(25.0)
    low = np.tile([0.25, 8.0, p_low], (terminals, 1))
    high = np.tile([1.0, 256.0, p_high], (terminals, 1))
    period = 1.0 / fps
    return SemanticGame(
        low=low, high=high,
        native_pixels=np.full(terminals, 640.0 * 480.0),
        channel_gain=db_to_linear(snr) / p_high,
        bandwidth=np.full(terminals, bandwidth),
        sense_energy=sense, encode_energy=encode, encode_time=encode_time,
        energy_max=rated * period,
        weights=weights(np.full(terminals, battery), priorities, alpha, beta, gamma),
        interference=interference / max(terminals - 1, 1),
        capacity=terminals * bandwidth * np.log2(1.0 + db_to_linear(snr_db)),
        frame_period=period, k_power=1.0, k_task=k_task, eta=eta, zeta=zeta, decode_time=2e-9, certify=certify,
        info={"seed": seed, "snr_db": snr, "priority": priorities, "device": kinds,
              "battery": np.full(terminals, battery)},
    )


def _fluctuation_overrides() -> dict[str, Option]:
    out = _overrides()
    out.pop("battery")
    out.pop("certify")  # a trace is judged frame by frame, with no equilibrium certificate
    out.update({
        "steps": Option(200, "int", "Frames of the run.", low=2, high=MAX_STEPS),
        "change_at": Option(100, "int", "Frame of the resource drop.", low=1, high=MAX_STEPS),
        "battery_before": Option(0.8, "float", "Battery before the drop.", low=0.0, low_open=True, high=1.0),
        "battery_after": Option(0.2, "float", "Battery after the drop.", low=0.0, low_open=True, high=1.0),
        "snr_drop_db": Option(15.0, "float", "SNR drop at change_at, dB (20 -> 5 dB).", low=0.0, high=200.0),
    })
    return out


def build_fluctuation(*, steps: int, change_at: int, battery_before: float, battery_after: float,
                      snr_drop_db: float, **common) -> GameTrace:
    """``semantic-game-fluctuation``: battery 80 % -> 20 % and SNR 20 -> 5 dB at frame 100 (Table 2, Fig 6)."""
    if change_at >= steps:
        raise ScenarioError(f"`change_at` must be < `steps` = {steps} (the drop must happen in the run); "
                            f"got {change_at}.")
    base = build(battery=battery_before, certify=False, **common)
    after = build(battery=battery_after, certify=False, **{**common, "snr_db": common["snr_db"] - snr_drop_db})
    # The capacity of eq 11 is the channel's nominal one: it does not fall with this fade.
    n = base.n_terminals
    battery = np.where(np.arange(steps)[:, None] < change_at, battery_before, battery_after) * np.ones(n)
    gain = np.where(np.arange(steps)[:, None] < change_at, base.channel_gain, after.channel_gain)
    alpha, beta, gamma = common["alpha"], common["beta"], common["gamma"]
    weight = np.stack([weights(battery[t], base.info["priority"], alpha, beta, gamma)
                       for t in range(steps)])
    return GameTrace(base=base, channel_gain=gain, weights=weight,
                     info={"change_at": change_at, "seed": common["seed"]})


def footprint(params: Mapping[str, Any]) -> Footprint:
    """Memory to build a game: about 37 x 8 bytes per terminal measured (``tests/test_limits.py``)."""
    return Footprint([("per-terminal arrays", 48 * 8 * params["terminals"])])


def fluctuation_footprint(params: Mapping[str, Any]) -> Footprint:
    """Memory to build a trace: about 9.4 x 8 bytes per terminal and frame measured (gains, weights)."""
    n, steps = params["terminals"], params["steps"]
    return Footprint([("per-frame gains and weights", 12 * 8 * n * steps), ("per-terminal arrays", 96 * 8 * n)])


def register_all() -> None:
    sizes = ("terminals",)
    register_scenario("semantic-game", problem=SemanticGame, overrides=_overrides(),
                      summary="5 Jetson-Nano-like terminals choosing resolution, compression and power.",
                      footprint=footprint, sizes=sizes)(build)
    register_scenario("semantic-game-conflict", problem=SemanticGame,
                      overrides=_overrides(priority=2.0, priority_spread=0.0),
                      summary="Table 2 task conflict: 5 terminals, all high priority (beta doubled).",
                      footprint=footprint, sizes=sizes)(build)
    register_scenario("semantic-game-heterogeneous", problem=SemanticGame, overrides=_overrides(device="mixed"),
                      summary="Table 2 heterogeneous terminals: Jetson-Nano-like and RPi4-like, alternating.",
                      footprint=footprint, sizes=sizes)(build)
    register_scenario("semantic-game-fluctuation", problem=GameTrace, overrides=_fluctuation_overrides(),
                      summary="Table 2 / Fig 6: battery 80 % -> 20 % and SNR 20 -> 5 dB at frame 100 of 200.",
                      footprint=fluctuation_footprint, sizes=("terminals", "steps"))(build_fluctuation)
