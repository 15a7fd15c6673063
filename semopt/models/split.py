"""Cost model of split inference: what each layer of a placement costs in latency and device energy.

User m runs the layers of its *device set* on its device and the rest on the
edge; a tensor crosses the uplink once when a device layer feeds an edge
layer, and the network input crosses when an edge layer reads it.  With
``F_l`` the FLOPs of layer l, ``S_l`` its output elements, ``f`` the device's
FLOP/s, ``c`` the edge FLOP/s the user gets and ``r`` its uplink rate:

* latency: ``F_l / f`` on the device, ``F_l / c`` on the edge,
  ``b S_l / r`` to send layer l's output (``b`` bits per element) and
  ``b_in S_in / r`` to send the input (the FLOP latency model: time =
  FLOPs / throughput);
* device energy: ``p F_l / f`` on the device (``p`` the compute power),
  nothing on the edge, ``q x`` the airtime to send (``q`` the transmit power).

Each is a :class:`LayerCosts`, additive over layers and transfers, so the
objective of a placement is a sum (:func:`placement_cost`) and the optimal
placement a minimum cut.  ``SplitInference`` delegates its costs here.

References
----------
.. [1] M. Zhang, M. Abdi, V. R. Dasari, F. Restuccia, "Semantic Edge
   Computing and Semantic Communications in 6G Networks: A Unifying Survey
   and Research Challenges", Computer Networks 270, 111531, 2025, §3.1.1
   eq 1.
.. [2] Y. Kang et al., "Neurosurgeon: Collaborative Intelligence Between the
   Cloud and Mobile Edge", ASPLOS 2017 (the download of the result is
   neglected, as there).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from semopt.models.channel import shannon_rate

__all__ = ["LayerCosts", "layer_costs", "weigh", "weighted_costs", "transfers", "placement_cost"]


@dataclass(frozen=True)
class LayerCosts:
    """Additive costs of one user's placement: what each choice costs in the objective.

    ``device[l]`` / ``edge[l]``: running layer l there; ``send[l]``: sending
    layer l's output once; ``send_input``: sending the network input.
    """

    device: np.ndarray
    edge: np.ndarray
    send: np.ndarray
    send_input: float


def layer_costs(flops: np.ndarray, out_elements: np.ndarray, input_elements: float, *, device_flops: float,
                device_power: float, tx_power: float, bandwidth: float, snr: float, compute: float,
                bits_per_element: float, input_bits_per_element: float,
                edge_work: np.ndarray | None = None) -> tuple[LayerCosts, LayerCosts]:
    """``(latency, energy)`` pieces of one user with ``bandwidth`` Hz at ``snr`` and ``compute`` edge FLOP/s.

    ``flops`` is each layer's work on the device and ``edge_work`` on the edge
    (default: the same): FLOPs under the FLOP model, FLOP-equivalent work
    under a roofline model (:func:`semopt.models.roofline.work`).  Zero
    bandwidth or zero compute make the pieces that need them infinite.
    """
    rate = float(shannon_rate(bandwidth, snr))
    n = flops.shape[0]
    edge = flops if edge_work is None else edge_work
    t_dev = flops / device_flops
    t_edge = edge / compute if compute > 0 else np.full(n, np.inf)
    with np.errstate(divide="ignore"):
        t_send = bits_per_element * out_elements / rate if rate > 0 else np.full(n, np.inf)
        t_in = input_bits_per_element * input_elements / rate if rate > 0 else np.inf
    latency = LayerCosts(t_dev, t_edge, t_send, float(t_in))
    energy = LayerCosts(device_power * t_dev, np.zeros(n), tx_power * t_send, float(tx_power * t_in))
    return latency, energy


def weigh(w_latency: float, latency: Any, w_energy: float, energy: Any) -> Any:
    """``w_latency latency + w_energy energy``, skipping a zero weight: ``0 x inf`` must not poison a cost with NaN.

    Examples
    --------
    >>> weigh(1.0, 2.0, 0.0, float("inf"))
    2.0
    """
    out: Any = 0.0
    if w_latency:
        out = out + w_latency * latency
    if w_energy:
        out = out + w_energy * energy
    return out


def weighted_costs(latency: LayerCosts, energy: LayerCosts, w_latency: float, w_energy: float) -> LayerCosts:
    """The objective's pieces: :func:`weigh` applied to every piece of ``latency`` and ``energy``."""
    return LayerCosts(
        np.asarray(weigh(w_latency, latency.device, w_energy, energy.device), dtype=float),
        np.asarray(weigh(w_latency, latency.edge, w_energy, energy.edge), dtype=float),
        np.asarray(weigh(w_latency, latency.send, w_energy, energy.send), dtype=float),
        float(weigh(w_latency, latency.send_input, w_energy, energy.send_input)),
    )


def transfers(graph: nx.DiGraph, on_device: np.ndarray, n_layers: int) -> tuple[np.ndarray, bool]:
    """Which layer outputs cross to the edge (bool[L]), and whether the network input does.

    ``graph`` holds the layers that run (a subgraph for an early exit); layer
    l's output is sent when l is on the device and some successor is not;
    the input is sent when some source layer is on the edge.
    """
    on_dev = np.asarray(on_device, dtype=bool)
    send = np.zeros(n_layers, dtype=bool)
    for i, j in graph.edges:
        if on_dev[i] and not on_dev[j]:
            send[i] = True
    sources = [n for n in graph.nodes if graph.in_degree(n) == 0]
    return send, bool(any(not on_dev[s] for s in sources))


def placement_cost(costs: LayerCosts, on_device: np.ndarray, active: np.ndarray, send: np.ndarray,
                   send_input: bool) -> float:
    """Sum of the additive costs of one placement; layers outside ``active`` (idle branches) cost nothing."""
    on_dev = np.asarray(on_device, dtype=bool)
    total = costs.device[on_dev & active].sum() + costs.edge[~on_dev & active].sum() + costs.send[send].sum()
    return float(total + (costs.send_input if send_input else 0.0))
