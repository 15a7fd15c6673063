"""Minimum s-t cut on a layer DAG with downset constraints: the optimal placement for an additive cost.

Hu et al.'s DADS construction (References): the source side of the cut is
the device, the sink side the edge.  For a placement cost that is additive
over layers and transferred tensors (:class:`~semopt.models.split.LayerCosts`),
the minimum cut of this graph is the optimal placement:

* ``s -> l`` with capacity ``edge[l]`` (cut when l runs on the edge);
* ``l -> t`` with capacity ``device[l]`` (cut when l runs on the device);
* for each layer l with successors, an auxiliary node ``l'``, ``l -> l'``
  with capacity ``send[l]`` and ``l' -> j`` of infinite capacity for every
  successor j: the output of l is paid once if *any* consumer is on the edge
  (the DADS construction for multiple consumers);
* ``j -> i`` of infinite capacity for every dependency ``i -> j``: a device
  layer cannot read an edge layer (the placement is a downset);
* the input: a node ``in`` tied to ``s``, ``in -> in'`` with capacity
  ``send_input`` and ``in' -> j`` infinite for every source layer j.

Notes
-----
Exact for any cost that is a sum over layers and transfers (latency, device
energy, their weighted sums, a Lagrangian).  One max-flow on ``2L + 4`` nodes
and ``O(E)`` arcs (networkx's default, preflow-push).

The max-flow runs on integers (:func:`_integer_capacities`): networkx's
algorithms are exact on integer capacities but not on floats, and split
costs span ten orders of magnitude (a 10 us layer next to a 20 s transfer at
0.5 Mbit/s), where float preflow-push returned a cut 44 times the optimum
(mobilenet-v2 on a roofline Jetson Nano, ``tests/split/test_split_defaults.py``).

References
----------
.. [1] C. Hu, W. Bao, D. Wang, F. Liu, "Dynamic Adaptive DNN Surgery for
   Inference Acceleration on the Edge", IEEE INFOCOM 2019.
"""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx
import numpy as np

from semopt.models.split import LayerCosts

__all__ = ["min_cut_placement"]

_S, _T, _IN, _IN_AUX = "s", "t", "in", "in'"


def min_cut_placement(graph: nx.DiGraph, costs: LayerCosts) -> np.ndarray:
    """Optimal device set (bool[L]) for additive ``costs`` on the layer DAG ``graph``.

    ``graph`` may be a subgraph (the layers one exit needs); layers outside
    it are reported off the device.

    Examples
    --------
    >>> import networkx as nx, numpy as np
    >>> from semopt.models.split import LayerCosts
    >>> chain = nx.DiGraph([(0, 1), (1, 2)])
    >>> costs = LayerCosts(device=np.array([1.0, 1.0, 9.0]), edge=np.array([5.0, 5.0, 1.0]),
    ...                    send=np.array([3.0, 0.5, 0.0]), send_input=10.0)
    >>> min_cut_placement(chain, costs)  # the first two layers on the device, then send 0.5
    array([ True,  True, False])
    """
    cap = _integer_capacities(graph, costs)
    flow = nx.DiGraph()
    # Infinite arcs carry no capacity attribute: networkx treats them as unbounded.
    for layer in graph.nodes:
        flow.add_edge(_S, layer, capacity=cap(costs.edge[layer]))
        flow.add_edge(layer, _T, capacity=cap(costs.device[layer]))
        successors = list(graph.successors(layer))
        if successors:
            aux = ("aux", layer)
            flow.add_edge(layer, aux, capacity=cap(costs.send[layer]))
            for j in successors:
                flow.add_edge(aux, j)
                flow.add_edge(j, layer)  # downset: j on the device forces its input on the device
    flow.add_edge(_S, _IN)
    flow.add_edge(_IN, _IN_AUX, capacity=cap(costs.send_input))
    for j in graph.nodes:
        if graph.in_degree(j) == 0:
            flow.add_edge(_IN_AUX, j)
    _, (device_side, _) = nx.minimum_cut(flow, _S, _T)
    placement = np.zeros(costs.device.shape[0], dtype=bool)
    for node in device_side:
        if isinstance(node, (int, np.integer)):
            placement[node] = True
    return placement


def _integer_capacities(graph: nx.DiGraph, costs: LayerCosts) -> Callable[[float], float]:
    """A map from a cost to an integer capacity that keeps the minimum cut.

    The optimum costs at most ``bound``, the cheaper of all-device and
    all-edge, so an arc dearer than ``bound`` is never cut: capping it at
    ``2 bound`` changes no candidate cut (and makes an infinite cost finite).
    The capped costs are then counted in quanta ``bound / 2**52``: each arc
    is off by at most one quantum, so the cut found is optimal to within
    ``(2L + 1) bound 2**-52`` -- float rounding of the costs themselves.  A
    zero or infinite ``bound`` (nothing to scale by) keeps the float costs.
    """
    nodes = list(graph.nodes)
    sources = [j for j in nodes if graph.in_degree(j) == 0]
    all_device = float(np.sum(costs.device[nodes]))
    all_edge = float(np.sum(costs.edge[nodes])) + (float(costs.send_input) if sources else 0.0)
    bound = min(all_device, all_edge)
    if not (0.0 < bound < np.inf):
        return float
    quantum, ceiling = bound / 2.0**52, 2.0 * bound

    def capacity(cost: float) -> int:
        return int(round(min(float(cost), ceiling) / quantum))

    return capacity
