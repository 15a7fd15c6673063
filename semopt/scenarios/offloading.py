"""Scenarios of the offloading family: ``semantic-mec``, ``semantic-mec-city`` and ``semantic-mec-compute-bound``.

From Tables III and IV of Zheng et al. (References).

Table III: 500 m x 500 m, K = 4 BSs, U = 20 users, I = 15 tasks, N = 32
subcarriers, 0.1 W, -174 dBm/Hz, 32 MHz per BS, 2.4 GHz, F_k = 2048 x 0.96
Gcycle/s, f^L = 256 x 0.96 Gcycle/s, Psi = 8 FLOP/cycle.  Table IV:
W = H in [224, 448], kernels 3 or 5, eps in (1, 5], A, C, D = 1, 3, 96,
tau in [0.5, 1] s, |D_m| in {3, 4, 5}, |D_E| = 4, |D_C| = 1.

Choices where the tables are silent (each is a keyword of :func:`build`):

* BSs sit at the centres of a near-square grid of cells over the area
  (for K = 4: (125, 125), (375, 125), (125, 375), (375, 375) m); users are
  uniform over the area; distances are floored at 10 m so eq 27 stays
  in its range.
* Each task has a square input W = H drawn uniformly from the integers in
  [224, 448]; ``s_i = A W H C`` elements x 8 bits.
* Every convolution layer of every task draws its kernel from {3, 5}.
* With ``exits = M``, tasks exit after 3, 4 or 5 convolution layers (the
  last M of them); the exit is drawn with the exit rates of Table II's first
  row (18.68 %, 27.36 %, 53.96 %), renormalised over the M exits.
  ``exits = 1`` is the network without early exit (5 layers).
* The first fully connected layer of recognition (eq 4, ``k^R``) and of
  reconstruction (eq 6, ``k^C``) has ``fc_units = 10`` outputs (CIFAR-10,
  Table II); further fully connected layers are neglected, as the paper
  neglects the classifier output.  Its input is the *output* of the last
  convolution, as the text says ("the output size of last convolutional
  filter"), although eq 4's subscript ``|D_m|`` could be read as that
  layer's input; the difference is a few per cent of a term that is itself
  under 1 % of the total.
* Draws come from four independent streams spawned from ``seed`` (layout,
  channel, task table, users' tasks), so sweeping ``users``,
  ``subcarriers`` or ``fading`` keeps the task table.
* ``tau_i`` is a whole number of milliseconds in [500, 1000];
  priorities ``M_i`` are integers in {1, 2, 3}; ``eps_i = 5 - 4 U[0, 1)``.
* ``C_1 = 1``, ``C_2 = 0`` in eq 8.

``semantic-mec-city`` is the same model at city scale: 500 users, K = 20 BSs
(a 5 x 4 grid) and N = 128 subcarriers of 250 kHz (Table III's 32 MHz per BS)
over 2.5 km x 2.5 km, the side :func:`city_area` gives for Table III's user
density (20 users per 500 m x 500 m).  Each BS now serves about 25 users
where the paper's serves 5, and the uplink is the bottleneck.  On seed 0,
``bcd`` with one start (pruned to each user's ``nearest = 6`` BSs):

* **deadlines (9h) bind**: the nearest-BS start misses 181 of the 500
  deadlines; ``bcd``'s answer meets all, with 56 users within 1 % of theirs
  and 155 within 10 %;
* transmission is 96 % of the delay, every user extracts semantics (e = 1:
  compression buys airtime), and 865 of the 2,560 subcarriers stay free --
  leaving one idle lowers the interference of the other cells' holders;
* edge compute (9i) is fully used at every BS, as always (eq 26 hands it all
  out), but it is not what limits: with F_k / 16 it would be.

Area barely matters: the uplink is interference-limited, and path loss
scales the signal and the interference alike.  Some draws leave a user that
no solver brings within its deadline (seed 2: user 89, 0.775 s, misses it
under ``bcd``, ``fa`` and ``uc``); they report ``infeasible`` and name it.

``semantic-mec-compute-bound`` divides F_k by 16 (122.88 Gcycle/s per BS):
edge computation is then about half of the delay.  Under Tables III-IV
transmission takes tens of milliseconds and edge computation a few (about
12 % of the delay with ``bcd``), so how compute is allocated or estimated
barely matters.  Lowering F_k raises computation's share, but eq 8's
logarithm sets a limit: when computation dominates, a user's reward is
about ``-ln(b_u / f_u)``, and ``sum_u ln f_u`` under ``sum_u f_u = F_k`` is
maximised by the *equal* split, so UC becomes optimal again.  What makes
allocation matter is users that differ: in delay structure (transmission
and computation comparable) and, above all, in weight -- with
``reward="priority"`` the optimal split follows the priorities.  Replacing
``bcd``'s compute by the equal split on the same matching loses, over 6
seeds (``notebooks/compute_share.py``):

==========  ==================  =====================  =====================
F_k         computation share   loss, eq 8             loss, priority reward
==========  ==================  =====================  =====================
F           12 %                0.10 %                 0.27 %
F / 4       24 %                0.24 %                 0.70 %
F / 8       35 %                0.26 %                 1.02 %
F / 16      50 %                0.30 %                 1.31 %
F / 64      77 %                0.21 %                 2.66 %
==========  ==================  =====================  =====================

F / 16 is where eq 8's loss peaks and computation is half the delay.

References
----------
.. [1] Y. Zheng, T. Zhang, X. Mu, Y. Liu, R. Huang, "Joint Semantic
   Transmission and Resource Allocation for Intelligent Computation Task
   Offloading in MEC Systems", arXiv:2503.08001, 2025, Tables II-IV.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from semopt.limits import Footprint
from semopt.models.channel import channel_gains, dbm_to_watt
from semopt.models.layers import extraction_flops, recognition_flops, reconstruction_flops
from semopt.options import Option
from semopt.problems.offloading import SemanticOffloading
from semopt.scenarios._registry import MAX_SEED, register_scenario

__all__ = ["build", "footprint", "register_all", "PAPER_EDGE_CAPACITY", "COMPUTE_BOUND_FACTOR", "CITY",
           "city_area"]

PAPER_EDGE_CAPACITY = 2048 * 0.96e9
PAPER_LOCAL_CAPACITY = 256 * 0.96e9
COMPUTE_BOUND_FACTOR = 16
# Table II, first threshold pair: share of tasks leaving at exits 1, 2 and 3.
EXIT_RATES = np.array([0.1868, 0.2736, 0.5396])
EXIT_DEPTHS = np.array([3, 4, 5])
MIN_DISTANCE_M = 10.0
# Per-field ceilings, far above any study (the paper has U = 20, K = 4, N = 32, I = 15); the memory guard
# (`footprint`) catches combinations of sizes that stay under them.
MAX_USERS = 100_000
MAX_BASE_STATIONS = 10_000
MAX_SUBCARRIERS = 100_000
MAX_TASKS = 100_000


def _overrides(edge_capacity: float, users: int = 20, base_stations: int = 4, subcarriers: int = 32,
               area: float = 500.0) -> dict[str, Option]:
    return {
        "users": Option(users, "int", "Number of users U.", low=1, high=MAX_USERS),
        "base_stations": Option(base_stations, "int", "Number of BSs K.", low=1, high=MAX_BASE_STATIONS),
        "subcarriers": Option(subcarriers, "int", "Subcarriers per BS N.", low=1, high=MAX_SUBCARRIERS),
        "tasks": Option(15, "int", "Number of task types I.", low=1, high=MAX_TASKS),
        "exits": Option(3, "int", "Early-exit points M (1 = no early exit).", low=1, high=3),
        "edge_capacity": Option(edge_capacity, "float", "F_k in cycles/s.", low=1.0, high=1e18),
        "local_capacity": Option(PAPER_LOCAL_CAPACITY, "float", "f^L in cycles/s.", low=1.0, high=1e18),
        "bandwidth": Option(32e6, "float", "Total uplink bandwidth per BS in Hz.", low=1.0, high=1e12),
        "power": Option(0.1, "float", "Transmit power per subcarrier in W.", low=1e-9, high=1e3),
        "noise_dbm_hz": Option(-174.0, "float", "N_0 in dBm/Hz.", low=-300.0, high=0.0),
        "carrier_hz": Option(2.4e9, "float", "Carrier frequency in Hz (eq 27 is a sub-6 GHz model).",
                             low=1e8, high=1e11),
        "area": Option(area, "float", "Side of the square area in m.", low=1.0, high=1e5),
        "shadowing_db": Option(8.0, "float", "Std of log-normal shadowing in dB.", low=0.0, high=30.0),
        "fading": Option(True, "bool", "Per-subcarrier Rayleigh fading."),
        "compression_max": Option(5.0, "float", "Upper end of eps in (1, max].", low=1.0, low_open=True, high=1e6),
        "reward": Option("eq8", "choice", "Reward: eq 8 or priority-weighted.", choices=("eq8", "priority")),
        "reward_scale": Option(1.0, "float", "C_1.", low=0.0, low_open=True, high=1e6),
        "reward_offset": Option(0.0, "float", "C_2.", low=-1e6, high=1e6),
        "seed": Option(0, "int", "Seed of every random draw of the instance.", low=0, high=MAX_SEED),
    }


def city_area(users: int) -> float:
    """Side (m) of the square that holds ``users`` at Table III's density, 20 users per 500 m x 500 m."""
    return 500.0 * math.sqrt(users / 20)


CITY: dict[str, Any] = {"users": 500, "base_stations": 20, "subcarriers": 128, "area": city_area(500)}
"""Defaults of ``semantic-mec-city`` (module docstring)."""


def _bs_positions(n_bs: int, area: float) -> np.ndarray:
    cols = math.ceil(math.sqrt(n_bs))
    rows = math.ceil(n_bs / cols)
    cells = [((c + 0.5) * area / cols, (r + 0.5) * area / rows) for r in range(rows) for c in range(cols)]
    return np.array(cells[:n_bs])


def _kernels(rng: np.random.Generator, n_tasks: int, depth: np.ndarray, max_depth: int) -> np.ndarray:
    kernels = rng.choice(np.array([3.0, 5.0]), size=(n_tasks, max_depth))
    kernels[np.arange(max_depth)[None, :] >= depth[:, None]] = 0.0
    return kernels


def build(
    *,
    users: int,
    base_stations: int,
    subcarriers: int,
    tasks: int,
    exits: int,
    edge_capacity: float,
    local_capacity: float,
    bandwidth: float,
    power: float,
    noise_dbm_hz: float,
    carrier_hz: float,
    area: float,
    shadowing_db: float,
    fading: bool,
    compression_max: float,
    reward: str,
    reward_scale: float,
    reward_offset: float,
    seed: int,
    fc_units: float = 10.0,
    filters: float = 96.0,
    feature_maps: float = 1.0,
    channels: float = 3.0,
) -> SemanticOffloading:
    """Build one instance (see the module docstring for every choice)."""
    # One independent stream per component, so that changing the number of users, subcarriers or
    # the fading switch redraws only what it must: the task table stays the same in such sweeps.
    layout_rng, channel_rng, task_rng, demand_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4))
    bs_xy = _bs_positions(base_stations, area)
    user_xy = layout_rng.uniform(0.0, area, size=(users, 2))
    distance = np.maximum(np.linalg.norm(user_xy[:, None, :] - bs_xy[None, :, :], axis=2), MIN_DISTANCE_M)
    gain = channel_gains(channel_rng, distance, carrier_hz, subcarriers, shadowing_db=shadowing_db,
                         fading=fading)
    rng = task_rng

    side = rng.integers(224, 449, size=tasks).astype(float)
    a = np.full(tasks, feature_maps)
    c = np.full(tasks, channels)
    data_bits = a * side * side * c * 8.0
    compression = compression_max - (compression_max - 1.0) * rng.random(tasks)
    deadline = rng.integers(500, 1001, size=tasks) / 1e3
    priority = rng.integers(1, 4, size=tasks).astype(float)
    rates = EXIT_RATES[3 - exits:] / EXIT_RATES[3 - exits:].sum()
    exit_point = rng.choice(np.arange(4 - exits, 4), size=tasks, p=rates)
    depth = EXIT_DEPTHS[exit_point - 1]
    no_tail = np.zeros((0, 2))
    rec = recognition_flops(a, c, filters, side, side, _kernels(rng, tasks, depth, 5), fc_units, no_tail)
    ext, w_out, h_out = extraction_flops(a, c, filters, side, side, _kernels(rng, tasks, np.full(tasks, 4), 4))
    recon = reconstruction_flops(a, c, filters, w_out, h_out, _kernels(rng, tasks, np.full(tasks, 1), 1),
                                 fc_units, no_tail)
    task = demand_rng.integers(0, tasks, size=users)

    return SemanticOffloading(
        gain=gain,
        distance=distance,
        task=task,
        data_bits=data_bits,
        compression=compression,
        deadline=deadline,
        priority=priority,
        recognition_flops=rec,
        extraction_flops=ext,
        reconstruction_flops=recon,
        edge_capacity=np.full(base_stations, edge_capacity),
        local_capacity=np.full(users, local_capacity),
        bandwidth=bandwidth,
        power=power,
        noise_psd=float(dbm_to_watt(noise_dbm_hz)),
        flops_per_cycle=8.0,
        exit_point=exit_point,
        reward=reward,
        reward_scale=reward_scale,
        reward_offset=reward_offset,
        info={"bs_xy": bs_xy, "user_xy": user_xy, "side": side, "seed": seed},
    )


def footprint(params: Mapping[str, Any]) -> Footprint:
    """Memory to build an instance, from its sizes (:mod:`semopt.limits`).

    Measured with ``tracemalloc`` (``tests/test_limits.py``): the peak of
    building and validating is 2.1 x 8 bytes per channel gain (the gains,
    the shadowing and fading draws, the validated copy) and about 23 x 8
    bytes per task; the factors here round those up.
    """
    users, bss, subcarriers, tasks = (params[k] for k in ("users", "base_stations", "subcarriers", "tasks"))
    return Footprint([
        ("channel gains", 3 * 8 * users * bss * subcarriers),
        ("distances", 4 * 8 * users * bss),
        ("users", 16 * 8 * users),
        ("task table", 32 * 8 * tasks),
    ])


def register_all() -> None:
    sizes = ("users", "base_stations", "subcarriers", "tasks")
    register_scenario("semantic-mec", problem=SemanticOffloading, overrides=_overrides(PAPER_EDGE_CAPACITY),
                      summary="Zheng et al. Tables III-IV: 4 BSs, 20 users, 32 subcarriers, 15 tasks.",
                      footprint=footprint, sizes=sizes)(build)
    register_scenario("semantic-mec-city", problem=SemanticOffloading,
                      overrides=_overrides(PAPER_EDGE_CAPACITY, **CITY),
                      summary="semantic-mec at city scale: 500 users, 20 BSs, 128 subcarriers, 2.5 km x 2.5 km "
                      "(Table III's user density); deadlines bind.", footprint=footprint, sizes=sizes)(build)
    register_scenario("semantic-mec-compute-bound", problem=SemanticOffloading,
                      overrides=_overrides(PAPER_EDGE_CAPACITY / COMPUTE_BOUND_FACTOR),
                      summary="semantic-mec with F_k / 16: computation about half of the delay, where its "
                      "allocation matters most under eq 8.", footprint=footprint, sizes=sizes)(build)
