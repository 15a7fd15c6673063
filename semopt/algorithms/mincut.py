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

References
----------
.. [1] C. Hu, W. Bao, D. Wang, F. Liu, "Dynamic Adaptive DNN Surgery for
   Inference Acceleration on the Edge", IEEE INFOCOM 2019.
"""

from __future__ import annotations

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
    flow = nx.DiGraph()
    # Infinite arcs carry no capacity attribute: networkx treats them as unbounded.
    for layer in graph.nodes:
        flow.add_edge(_S, layer, capacity=float(costs.edge[layer]))
        flow.add_edge(layer, _T, capacity=float(costs.device[layer]))
        successors = list(graph.successors(layer))
        if successors:
            aux = ("aux", layer)
            flow.add_edge(layer, aux, capacity=float(costs.send[layer]))
            for j in successors:
                flow.add_edge(aux, j)
                flow.add_edge(j, layer)  # downset: j on the device forces its input on the device
    flow.add_edge(_S, _IN)
    flow.add_edge(_IN, _IN_AUX, capacity=float(costs.send_input))
    for j in graph.nodes:
        if graph.in_degree(j) == 0:
            flow.add_edge(_IN_AUX, j)
    _, (device_side, _) = nx.minimum_cut(flow, _S, _T)
    placement = np.zeros(costs.device.shape[0], dtype=bool)
    for node in device_side:
        if isinstance(node, (int, np.integer)):
            placement[node] = True
    return placement
