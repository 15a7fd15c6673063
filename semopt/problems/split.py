"""The split family: where to cut a DNN between devices and an edge server, once or along a trace.

:class:`SplitInference` is §3.1.1 eq 1 and §3.2 of Zhang et al. (References):
minimise ``T_c^m + T_c^e + T_n`` (device compute, edge compute, network)
subject to device resources, for chains (sequential partitioning) and DAGs.
:class:`DynamicSplit` follows a bandwidth trace and pays to reconfigure
(dynamic partitioning, §3.2.2).  The per-layer costs come from
:mod:`semopt.models.split`.

Model
-----
User m runs the layers in its *device set* ``D_m`` (``placement[m, l]``
True) and the edge runs the rest.  ``D_m`` must be a *downset* of the layer
graph: a device layer never reads the output of an edge layer (no
edge-to-device transfer).  The network input starts on the device.  Costs
of user m, with ``r_m = bandwidth_m log2(1 + snr_m)`` and ``c_m`` the edge
FLOP/s it gets:

* latency ``T_m = sum_{l in D} F_l / f_m + sum_{l notin D} F_l / c_m
  + sum_{l in D, some successor notin D} b S_l / r_m + [some source notin D] b_in S_in / r_m``,
  each transferred tensor sent once whatever its number of consumers;
* device energy ``E_m = p_m sum_{l in D} F_l / f_m + q_m (bits sent) / r_m``;
* ``objective="latency"`` minimises ``sum_m T_m``, ``"energy"`` ``sum_m E_m``,
  ``"weighted"`` ``sum_m (w_T T_m + w_E E_m)``.

``F_l`` FLOPs, ``S_l`` output elements, ``b`` bits per element (32; the
raw input has ``input_bits_per_element``, 8),
``f_m`` device FLOP/s, ``p_m`` device compute power, ``q_m`` transmit
power.  The result returned by the last layer is small and its download is
neglected, as in Neurosurgeon.  Constraints: device energy
``E_m <= energy_budget[m]``, device memory ``bytes_per_param * sum_{l in D}
params_l <= memory[m]``, deadline ``T_m <= deadline[m]``, and with several
users ``sum_m bandwidth_m <= bandwidth``, ``sum_m compute_m <= edge_flops``.
Device memory counts the parameters of the device layers that *run*: with an
early exit, the layers of the branches it skips need not be resident.

References
----------
.. [1] M. Zhang, M. Abdi, V. R. Dasari, F. Restuccia, "Semantic Edge
   Computing and Semantic Communications in 6G Networks: A Unifying Survey
   and Research Challenges", Computer Networks 270, 111531, 2025
   (arXiv:2411.18199).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import networkx as nx
import numpy as np

from semopt._validation import as_bool_array, as_float_array, as_int_array, check_scalar, quote
from semopt.capabilities import Traits
from semopt.errors import InvalidProblemError
from semopt.models.channel import shannon_rate
from semopt.models.networks import Network
from semopt.models.roofline import DeviceProfile, work
from semopt.models.split import LayerCosts, layer_costs, placement_cost, transfers, weighted_costs
from semopt.problems.base import FEASIBILITY_RTOL, Problem
from semopt.result import Evaluation, SolutionIO

__all__ = ["SplitInference", "SplitSolution", "DynamicSplit", "DynamicSplitSolution", "OBJECTIVES",
           "ADDITIVE_OBJECTIVES", "CONSTRAINTS", "LayerCosts"]

OBJECTIVES = ("latency", "energy", "weighted", "accuracy")
# Fields the per-layer work of `SplitInference.layer_work` depends on.
_WORK_INPUTS = ("network", "device_profile", "edge_profile", "bits_per_element", "input_bits_per_element",
                "bytes_per_param", "memory_bits_per_element")
ADDITIVE_OBJECTIVES = ("latency", "energy", "weighted")
"""The objectives that are sums over layers and transfers (a minimum cut solves them); ``accuracy`` is not."""
CONSTRAINTS = ("energy_budget", "deadline", "memory")
"""The optional per-user constraints an instance may set (its :meth:`SplitInference.traits`)."""


@dataclass
class SplitSolution(SolutionIO):
    """A solution of :class:`SplitInference` (field names are part of the contract).

    Attributes
    ----------
    placement : bool[M, L]
        True where layer l of user m runs on the device.
    exit : int[M]
        Chosen exit (-1 = the final one).
    bandwidth : float[M]
        Uplink bandwidth of each user in Hz.
    compute : float[M]
        Edge FLOP/s given to each user.
    """

    placement: np.ndarray
    exit: np.ndarray
    bandwidth: np.ndarray
    compute: np.ndarray

    def copy(self) -> SplitSolution:
        return SplitSolution(self.placement.copy(), self.exit.copy(), self.bandwidth.copy(),
                             self.compute.copy())


@dataclass(eq=False)
class SplitInference(Problem):
    """Split-point selection for M users sharing an edge server (Zhang et al. §3.1.1 eq 1).

    Parameters
    ----------
    network : Network
        The DNN (see :mod:`semopt.models.networks`).
    device_flops, device_power, memory : float[M]
        Device FLOP/s, compute power (W) and memory for parameters (bytes).
        ``device_flops`` sets the number of users M; a scalar in the other
        per-user fields applies to every user.
    tx_power, snr : float[M]
        Transmit power (W) and linear SNR of each user's uplink.
    bandwidth : float
        Total uplink bandwidth in Hz (shared by the users).
    edge_flops : float
        Edge FLOP/s (shared by the users).
    objective : {"latency", "energy", "weighted"}
    weights : (float, float)
        ``(w_T, w_E)`` of the weighted objective.
    energy_budget, deadline : float[M]
        Per-user device energy (J) and latency (s) limits; ``inf`` = none.
    memory : float[M]
        Device memory for the parameters of the device layers that run (bytes).
    exit_accuracy : float[n_exits], optional
        Accuracy of each exit of the network (early exits first).  With
        ``objective="accuracy"`` the objective is the summed error
        ``sum_m (1 - exit_accuracy[exit_m])``, usually under a deadline.
    bits_per_element, input_bits_per_element, bytes_per_param : float
        Activation, raw-input and parameter sizes (float32 activations: 32 bits,
        8-bit image input, float32 weights: 4 bytes).  ``bits_per_element``
        sizes what crosses the uplink.
    memory_bits_per_element : float, optional
        Bits of an activation in the processors' memory traffic (the roofline
        profiles' :func:`~semopt.models.roofline.layer_bytes`); ``None``: the
        same as ``bits_per_element``.  Apart when the cut tensor is quantised
        for the uplink only (8-bit on the air, a float16 model on the device).
    device_profile, edge_profile : DeviceProfile, optional
        Roofline latency models of the devices and of the edge
        (:mod:`semopt.models.roofline`): a layer takes ``w_l / f`` where
        ``w_l`` is its roofline time on the profiled processor times that
        processor's peak FLOP/s -- its time there when ``f`` is the profile's
        peak, proportionally faster or slower otherwise (``device_flops`` and
        the edge share set the speed, the profile which layers are bound by
        memory traffic).  ``None``: the FLOP model, ``w_l = F_l``.

    Examples
    --------
    >>> import semopt
    >>> prob = semopt.scenarios.load("split-alexnet", bandwidth=10e6)
    >>> res = semopt.solve(prob, "mincut")
    >>> res.status, res.feasible
    ('optimal', True)
    """

    network: Network
    device_flops: np.ndarray
    device_power: np.ndarray
    memory: np.ndarray
    tx_power: np.ndarray
    snr: np.ndarray
    bandwidth: float
    edge_flops: float
    objective: str = "latency"
    weights: tuple[float, float] = (1.0, 1.0)
    energy_budget: Any = None  # validate() makes it float[M] (inf: no limit)
    deadline: Any = None  # likewise
    exit_accuracy: np.ndarray | None = None
    bits_per_element: float = 32.0
    input_bits_per_element: float = 8.0
    bytes_per_param: float = 4.0
    memory_bits_per_element: float | None = None
    device_profile: DeviceProfile | None = None
    edge_profile: DeviceProfile | None = None
    info: dict[str, Any] = field(default_factory=dict)
    # Per-exit caches of `needed` and `graph_for`; emptied whenever `network` is set (see __setattr__).
    _needed_cache: dict[int, np.ndarray] = field(default_factory=dict, init=False, repr=False, compare=False)
    _graph_cache: dict[int, nx.DiGraph] = field(default_factory=dict, init=False, repr=False, compare=False)
    # Each side's per-layer work (`layer_work`); emptied whenever what it depends on is set.
    _work_cache: dict[str, np.ndarray] = field(default_factory=dict, init=False, repr=False, compare=False)

    sense: ClassVar[str] = "min"
    Solution: ClassVar[type] = SplitSolution
    report: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("mean_latency", "mean latency (s)", "min"),
        ("mean_energy", "mean energy (J)", "min"),
    )

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "network":  # the exit caches describe the network
            object.__setattr__(self, "_needed_cache", {})
            object.__setattr__(self, "_graph_cache", {})
        if name in _WORK_INPUTS:
            object.__setattr__(self, "_work_cache", {})
        object.__setattr__(self, name, value)

    def validate(self) -> None:
        """Check every field; normalise arrays. Raises :class:`InvalidProblemError`."""
        if not isinstance(self.network, Network):
            hint = (f" (build one with semopt.models.networks.build({self.network!r}))"
                    if isinstance(self.network, str) else "")
            raise InvalidProblemError(f"`network` must be a Network; got {quote(self.network)} "
                                      f"({type(self.network).__name__}){hint}.")
        self._check_graph()
        try:
            m = np.asarray(self.device_flops, dtype=float).size
        except (TypeError, ValueError, OverflowError):
            raise InvalidProblemError(f"`device_flops` must be a number or one number per user; "
                                      f"got {self.device_flops!r:.80}.") from None
        if m == 0:
            raise InvalidProblemError("`device_flops` must name at least one user; got an empty array.")
        def per_user(name: str, value: Any, **bounds: Any) -> np.ndarray:
            arr = np.atleast_1d(np.asarray(value, dtype=object))
            value = np.full(m, arr[0]) if arr.size == 1 else value  # a scalar applies to every user
            return as_float_array(name, value, (m,), **bounds)

        self.device_flops = per_user("device_flops", self.device_flops, low=0.0, low_inclusive=False)
        self.device_power = per_user("device_power", self.device_power, low=0.0)
        self.memory = per_user("memory", self.memory, low=0.0)
        self.tx_power = per_user("tx_power", self.tx_power, low=0.0)
        self.snr = per_user("snr", self.snr, low=0.0, low_inclusive=False)
        self.bandwidth = check_scalar("bandwidth", self.bandwidth, low=0.0, low_inclusive=False)
        self.edge_flops = check_scalar("edge_flops", self.edge_flops, low=0.0, low_inclusive=False)
        if self.objective not in OBJECTIVES:
            raise InvalidProblemError(f"`objective` must be one of {OBJECTIVES}; got {self.objective!r}.")
        w = as_float_array("weights", self.weights, (2,), low=0.0)
        if w.sum() <= 0:
            raise InvalidProblemError(f"`weights` must not both be 0; got {tuple(w)}.")
        self.weights = (float(w[0]), float(w[1]))
        if self.exit_accuracy is not None:
            self.exit_accuracy = as_float_array("exit_accuracy", self.exit_accuracy, (self.n_exits,), low=0.0,
                                                high=1.0)
        elif self.objective == "accuracy":
            raise InvalidProblemError("`objective` 'accuracy' needs `exit_accuracy` (one accuracy per exit); "
                                      "got exit_accuracy=None.")
        self.energy_budget = self._limit("energy_budget", self.energy_budget, m)
        self.deadline = self._limit("deadline", self.deadline, m)
        self.bits_per_element = check_scalar("bits_per_element", self.bits_per_element, low=0.0,
                                             low_inclusive=False)
        self.input_bits_per_element = check_scalar("input_bits_per_element", self.input_bits_per_element, low=0.0,
                                                   low_inclusive=False)
        self.bytes_per_param = check_scalar("bytes_per_param", self.bytes_per_param, low=0.0)
        if self.memory_bits_per_element is not None:
            self.memory_bits_per_element = check_scalar("memory_bits_per_element", self.memory_bits_per_element,
                                                        low=0.0, low_inclusive=False)
        for name in ("device_profile", "edge_profile"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, DeviceProfile):
                raise InvalidProblemError(f"`{name}` must be a semopt.models.roofline.DeviceProfile or None; got "
                                          f"{quote(value)} ({type(value).__name__}).")

    def _check_graph(self) -> None:
        net = self.network
        g = net.graph
        n = net.n_layers
        for name in ("flops", "out_elements", "params"):
            arr = np.asarray(getattr(net, name))
            if arr.shape != (n,) or not np.all(np.isfinite(arr)) or np.any(arr < 0):
                raise InvalidProblemError(f"`network.{name}` must be {n} finite numbers >= 0; got {arr!r:.80}.")
        if set(g.nodes) != set(range(n)):
            raise InvalidProblemError(f"`network.graph` must have the nodes 0..{n - 1}; got {sorted(g.nodes)!r:.80}.")
        if not nx.is_directed_acyclic_graph(g):
            cycle = nx.find_cycle(g)
            raise InvalidProblemError(f"`network.graph` must be acyclic; it has the cycle {cycle}.")
        backward = [(i, j) for i, j in g.edges if i >= j]
        if backward:
            raise InvalidProblemError(
                f"`network.graph` must number layers in a topological order; edge {backward[0]} goes backwards."
            )

    @staticmethod
    def _limit(name: str, value: Any, m: int) -> np.ndarray:
        if value is None:
            return np.full(m, np.inf)
        message = f"`{name}` must be {m} positive numbers (inf = no limit); got {value!r}."
        try:
            arr = np.array(np.broadcast_to(np.asarray(value, dtype=float), (m,))) if np.ndim(value) == 0 else value
            arr = np.asarray(arr, dtype=float)
        except (TypeError, ValueError):
            raise InvalidProblemError(message) from None
        if arr.shape != (m,) or np.any(np.isnan(arr)) or np.any(arr <= 0):
            raise InvalidProblemError(message)
        return arr.copy()

    # ------------------------------------------------------------- sizes
    @property
    def n_users(self) -> int:
        return int(self.device_flops.shape[0])

    @property
    def n_layers(self) -> int:
        return self.network.n_layers

    def default_shares(self) -> tuple[np.ndarray, np.ndarray]:
        """Equal split of bandwidth and edge compute: the shares the single-user solvers assume."""
        m = self.n_users
        return np.full(m, self.bandwidth / m), np.full(m, self.edge_flops / m)

    def empty_solution(self, device: bool = True) -> SplitSolution:
        """Everything on the device (or on the edge), with equal shares."""
        bw, cp = self.default_shares()
        placement = np.full((self.n_users, self.n_layers), device, dtype=bool)
        return SplitSolution(placement, np.full(self.n_users, -1, dtype=np.int64), bw, cp)

    # ------------------------------------------------------------- costs
    def rate(self, bandwidth: np.ndarray) -> np.ndarray:
        """Shannon rate ``B_m log2(1 + snr_m)`` in bit/s."""
        return np.asarray(shannon_rate(np.asarray(bandwidth, dtype=float), self.snr))

    def layer_work(self, side: str) -> np.ndarray:
        """FLOP-equivalent work of each layer on the ``"device"`` or the ``"edge"`` (``device_profile`` /
        ``edge_profile``; the layers' FLOPs under the FLOP model)."""
        if side not in self._work_cache:
            profile = self.device_profile if side == "device" else self.edge_profile
            in_memory = self.bits_per_element if self.memory_bits_per_element is None else self.memory_bits_per_element
            values = work(self.network, profile, bytes_per_element=in_memory / 8,
                          bytes_per_param=self.bytes_per_param,
                          input_bytes_per_element=self.input_bits_per_element / 8)
            values.flags.writeable = False
            self._work_cache[side] = values
        return self._work_cache[side]

    def parts(self, m: int, bandwidth: float, compute: float) -> dict[str, LayerCosts]:
        """Per-layer latency and energy of user m as additive pieces (:func:`semopt.models.split.layer_costs`)."""
        net = self.network
        latency, energy = layer_costs(
            self.layer_work("device"), np.asarray(net.out_elements, dtype=float), float(net.input_elements),
            device_flops=float(self.device_flops[m]), device_power=float(self.device_power[m]),
            tx_power=float(self.tx_power[m]), bandwidth=float(bandwidth), snr=float(self.snr[m]),
            compute=float(compute), bits_per_element=self.bits_per_element,
            input_bits_per_element=self.input_bits_per_element, edge_work=self.layer_work("edge"))
        return {"latency": latency, "energy": energy}

    def costs(self, m: int, bandwidth: float, compute: float, *, energy_price: float = 0.0,
              objective: str | None = None) -> LayerCosts:
        """The objective's additive costs for user m, plus ``energy_price`` x energy (Lagrangian)."""
        p = self.parts(m, bandwidth, compute)
        wt, we = self.objective_weights(objective)
        return weighted_costs(p["latency"], p["energy"], wt, we + energy_price)

    def objective_weights(self, objective: str | None = None) -> tuple[float, float]:
        """``(w_T, w_E)`` of latency and energy in the objective (latency ranks exits of equal accuracy)."""
        return {"latency": (1.0, 0.0), "energy": (0.0, 1.0), "weighted": self.weights,
                "accuracy": (1.0, 0.0)}[objective or self.objective]

    def accuracy(self, exit: int) -> float:
        """Accuracy of ``exit`` (-1 = the final one); 1 when the scenario gives none."""
        return 1.0 if self.exit_accuracy is None else float(self.exit_accuracy[int(exit)])

    # ------------------------------------------------------------- exits
    @property
    def n_exits(self) -> int:
        """Number of exits (1 for a network without early exits)."""
        return max(len(self.network.exits), 1)

    def needed(self, exit: int = -1) -> np.ndarray:
        """bool[L]: the layers that run when the inference leaves at ``exit`` (-1 = the final exit).

        A network without declared exits runs every layer; with exits, only
        the exit's layer and its ancestors run (the other branches are idle).
        """
        key = int(exit)
        if key not in self._needed_cache:
            mask = np.ones(self.n_layers, dtype=bool)
            if self.network.exits:
                mask[:] = False
                mask[self.network.exit_layers(key)] = True
            self._needed_cache[key] = mask
        return self._needed_cache[key]

    def graph_for(self, exit: int = -1):
        """The layer graph restricted to the layers that ``exit`` needs (original layer indices)."""
        key = int(exit)
        if key not in self._graph_cache:
            self._graph_cache[key] = self.network.graph.subgraph(np.flatnonzero(self.needed(key)).tolist())
        return self._graph_cache[key]

    def sent(self, placement_row: np.ndarray, exit: int = -1) -> tuple[np.ndarray, bool]:
        """Which layer outputs cross to the edge, and whether the input does."""
        return transfers(self.graph_for(exit), placement_row, self.n_layers)

    def total(self, costs: LayerCosts, placement_row: np.ndarray, send: np.ndarray, send_input: bool,
              exit: int = -1) -> float:
        """Sum of the additive costs of one placement (layers the exit does not need cost nothing)."""
        return placement_cost(costs, placement_row, self.needed(exit), send, send_input)

    def device_memory(self, placement_row: np.ndarray, exit: int = -1) -> float:
        """Bytes of parameters of the device layers that run when leaving at ``exit``."""
        on_dev = np.asarray(placement_row, dtype=bool) & self.needed(exit)
        return float(self.bytes_per_param * self.network.params[on_dev].sum())

    def traits(self) -> Traits:
        """The objective, the optional constraints set (``CONSTRAINTS``) and the number of users."""
        present = {
            "energy_budget": bool(np.isfinite(self.energy_budget).any()),
            "deadline": bool(np.isfinite(self.deadline).any()),
            "memory": bool(np.any(self.memory < self.bytes_per_param * self.network.total_params)),
        }
        return Traits(objective=self.objective, constraints=frozenset(k for k, on in present.items() if on),
                      users=self.n_users)

    # ------------------------------------------------------------- judging
    def _coerce(self, solution: Any) -> SplitSolution:
        if not isinstance(solution, SplitSolution):
            raise InvalidProblemError(f"`solution` must be a SplitSolution; got {type(solution).__name__}.")
        m, n = self.n_users, self.n_layers
        placement = as_bool_array("solution.placement", solution.placement, (m, n))
        bw = as_float_array("solution.bandwidth", solution.bandwidth, (m,))
        cp = as_float_array("solution.compute", solution.compute, (m,))
        # A non-integer exit is no exit at all: refused, never truncated to a feasible one.
        ex = as_int_array("solution.exit", solution.exit, (m,))
        return SplitSolution(placement, ex, bw, cp)

    def evaluate(self, solution: SplitSolution) -> Evaluation:
        """Objective and every violated constraint (downset, shares, energy, memory, deadline)."""
        self.check_state()
        sol = self._coerce(solution)
        violations: list[str] = []
        for bad in np.flatnonzero((sol.exit < -1) | (sol.exit >= self.n_exits)):
            violations.append(f"(exit) user {bad}: exit {sol.exit[bad]} is not -1 or in [0, {self.n_exits})")
        exits = np.where((sol.exit >= -1) & (sol.exit < self.n_exits), sol.exit, -1)
        for m in range(self.n_users):
            for i, j in self.graph_for(exits[m]).edges:
                if not sol.placement[m, i] and sol.placement[m, j]:
                    violations.append(
                        f"(downset) user {m}: layer {j} ({self.network.names[j]}) runs on the device but reads "
                        f"layer {i} ({self.network.names[i]}) on the edge"
                    )
                    break
        for name, arr in (("bandwidth", sol.bandwidth), ("compute", sol.compute)):
            for bad in np.flatnonzero(arr < 0):
                violations.append(f"({name}) user {bad}: {name} {arr[bad]:.6g} < 0")
        with np.errstate(over="ignore"):  # shares near the float limit sum to inf: still a named violation
            bandwidth_sum, compute_sum = sol.bandwidth.sum(), sol.compute.sum()
        if bandwidth_sum > self.bandwidth * (1 + FEASIBILITY_RTOL):
            violations.append(f"(bandwidth) sum of shares {bandwidth_sum:.6g} Hz > {self.bandwidth:.6g} Hz")
        if compute_sum > self.edge_flops * (1 + FEASIBILITY_RTOL):
            violations.append(f"(compute) sum of shares {compute_sum:.6g} > edge {self.edge_flops:.6g} FLOP/s")
        sol.exit = exits
        latency, energy, memory = self.user_figures(sol)
        for m in range(self.n_users):
            if energy[m] > self.energy_budget[m] * (1 + FEASIBILITY_RTOL):
                violations.append(f"(energy) user {m}: device energy {energy[m]:.6g} J > budget "
                                  f"{self.energy_budget[m]:.6g} J")
            if memory[m] > self.memory[m] * (1 + FEASIBILITY_RTOL):
                violations.append(f"(memory) user {m}: {memory[m]:.6g} bytes of parameters on the device > "
                                  f"{self.memory[m]:.6g}")
            if latency[m] > self.deadline[m] * (1 + FEASIBILITY_RTOL):
                violations.append(f"(deadline) user {m}: latency {latency[m]:.6g} s > {self.deadline[m]:.6g} s")
            if not np.isfinite(latency[m]):
                violations.append(f"(rate) user {m}: infinite latency (zero bandwidth or compute where needed)")
        wt, we = self.objective_weights()
        if self.objective == "accuracy":
            objective = float(sum(1.0 - self.accuracy(e) for e in sol.exit))
        else:
            objective = float(np.sum((wt * latency if wt else 0.0) + (we * energy if we else 0.0)))
        metrics = {
            "mean_latency": float(np.mean(latency)),
            "max_latency": float(np.max(latency)),
            "mean_energy": float(np.mean(energy)),
            "device_share": float(np.mean(sol.placement)),
            "mean_accuracy": float(np.mean([self.accuracy(e) for e in sol.exit])),
        }
        for m in range(self.n_users):
            metrics[f"latency[{m}]"] = float(latency[m])
            metrics[f"energy[{m}]"] = float(energy[m])
            metrics[f"device_layers[{m}]"] = float(sol.placement[m].sum())
        return Evaluation(objective, not violations, violations, metrics)

    def share_coefficients(self, placement: np.ndarray,
                           exits: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(A_m, C_m)``: the objective's part of user m is ``const + A_m / b_m + C_m / c_m``.

        With bandwidth ``b_m`` and edge compute ``c_m``: sending takes
        ``bits_m / (b_m log2(1 + snr_m))`` (weighted by ``w_T + w_E q_m``) and
        the edge layers ``F_edge / c_m`` (weighted by ``w_T``).
        """
        wt, we = self.objective_weights()
        a, c = np.zeros(self.n_users), np.zeros(self.n_users)
        net = self.network
        exits = np.full(self.n_users, -1) if exits is None else exits
        for m in range(self.n_users):
            row = np.asarray(placement[m], dtype=bool)
            send, send_in = self.sent(row, exits[m])
            bits = (self.bits_per_element * net.out_elements[send].sum()
                    + (self.input_bits_per_element * net.input_elements if send_in else 0.0))
            a[m] = (wt + we * self.tx_power[m]) * bits / shannon_rate(1.0, self.snr[m])
            c[m] = wt * self.layer_work("edge")[~row & self.needed(exits[m])].sum()
        return a, c

    def user_figures(self, sol: SplitSolution) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per-user latency (s), device energy (J) and device parameter memory (bytes)."""
        m_count = self.n_users
        latency, energy, memory = np.empty(m_count), np.empty(m_count), np.empty(m_count)
        for m in range(m_count):
            exit = int(sol.exit[m])
            p = self.parts(m, max(sol.bandwidth[m], 0.0), max(sol.compute[m], 0.0))
            send, send_in = self.sent(sol.placement[m], exit)
            with np.errstate(invalid="ignore"):
                latency[m] = self.total(p["latency"], sol.placement[m], send, send_in, exit)
                energy[m] = self.total(p["energy"], sol.placement[m], send, send_in, exit)
            memory[m] = self.device_memory(sol.placement[m], exit)
        return latency, energy, memory


@dataclass
class DynamicSplitSolution(SolutionIO):
    """``placement: bool[T, L]``: the device set of each step."""

    placement: np.ndarray


@dataclass(eq=False)
class DynamicSplit(Problem):
    """Split inference over a bandwidth trace with a reconfiguration cost (Zhang et al. §3.2.2).

    Dynamic model partitioning: the uplink changes over time, so the best
    split changes too, but moving layers between device and edge is not free
    (state migration, model reloading).  Over a trace of T steps with
    bandwidth ``B_t``, one inference per step, the objective is
    ``sum_t T(D_t; B_t) + c |{t > 0 : D_t != D_{t-1}}|``, with ``T`` the
    single-user objective of :class:`SplitInference` and ``c`` the
    reconfiguration cost.

    Parameters
    ----------
    base : SplitInference
        A single-user instance (network, device, edge, objective); its
        ``bandwidth`` is replaced by the trace at each step.
    trace : float[T]
        Uplink bandwidth (Hz) at each step.
    reconfiguration : float
        Cost, in the objective's unit, of changing the device set between
        consecutive steps.
    """

    base: SplitInference
    trace: np.ndarray
    reconfiguration: float = 0.005
    info: dict[str, Any] = field(default_factory=dict)

    sense: ClassVar[str] = "min"
    Solution: ClassVar[type] = DynamicSplitSolution
    report: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("mean_step_objective", "mean step objective", "min"),
        ("reconfigurations", "reconfigurations", "min"),
    )

    def validate(self) -> None:
        if not isinstance(self.base, SplitInference):
            raise InvalidProblemError(f"`base` must be a SplitInference; got {type(self.base).__name__}.")
        self.base.validate()  # first: its sizes are read from its validated arrays
        if self.base.n_users != 1:
            raise InvalidProblemError(f"`base` must have one user; got {self.base.n_users}.")
        trace = np.atleast_1d(self.trace)
        if trace.ndim != 1 or trace.size == 0:
            raise InvalidProblemError(f"`trace` must be a non-empty 1-D array; got shape {trace.shape}.")
        self.trace = as_float_array("trace", trace, low=0.0, low_inclusive=False)
        self.reconfiguration = check_scalar("reconfiguration", self.reconfiguration, low=0.0)

    @property
    def n_steps(self) -> int:
        return int(self.trace.shape[0])

    @property
    def n_layers(self) -> int:
        return self.base.n_layers

    def step(self, t: int) -> SplitInference:
        """The single-step instance at time t (bandwidth from the trace)."""
        return replace(self.base, bandwidth=float(self.trace[t]))

    def step_costs(self, candidates: list[np.ndarray]) -> np.ndarray:
        """``cost[t, c]``: the objective of candidate device set c at step t (no reconfiguration)."""
        out = np.empty((self.n_steps, len(candidates)))
        sends = [self.base.sent(row) for row in candidates]
        for t in range(self.n_steps):
            costs = self.base.costs(0, float(self.trace[t]), self.base.edge_flops)
            for c, row in enumerate(candidates):
                out[t, c] = self.base.total(costs, row, *sends[c])
        return out

    def traits(self) -> Traits:
        """The base instance's traits: its objective and constraints hold at every step."""
        return self.base.traits()

    def evaluate(self, solution: DynamicSplitSolution) -> Evaluation:
        """Objective (latency over the trace plus reconfigurations) and every violated constraint."""
        self.check_state()
        if not isinstance(solution, DynamicSplitSolution):
            raise InvalidProblemError(
                f"`solution` must be a DynamicSplitSolution; got {type(solution).__name__}.")
        placement = as_bool_array("solution.placement", solution.placement, (self.n_steps, self.n_layers))
        violations: list[str] = []
        per_step = np.empty(self.n_steps)
        for t in range(self.n_steps):
            step = self.step(t)
            single = step.empty_solution()
            single.placement[0] = placement[t]
            verdict = step.evaluate(single)
            violations += [f"step {t}: {v}" for v in verdict.violations]
            per_step[t] = verdict.objective
        changes = int(np.sum(np.any(placement[1:] != placement[:-1], axis=1)))
        objective = float(per_step.sum() + self.reconfiguration * changes)
        metrics = {"reconfigurations": float(changes), "mean_step_objective": float(per_step.mean()),
                   "max_step_objective": float(per_step.max()),
                   "mean_device_layers": float(placement.sum(axis=1).mean())}
        return Evaluation(objective, not violations, violations, metrics)
