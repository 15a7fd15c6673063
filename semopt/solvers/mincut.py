"""DADS-style minimum s-t cut for DNN partitioning (seed 003 §3.2.1, DAG partitioning).

Hu et al., *Dynamic Adaptive DNN Surgery for Inference Acceleration on the
Edge* (INFOCOM 2019): the source side of the cut is the device, the sink
side the edge.  For a placement cost that is additive over layers and
transferred tensors, the minimum cut of this graph is the optimal placement:

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
Exact for latency, device energy and their weighted sums, which are all
additive; constraints (energy budget, memory, deadline) are not additive
and are refused (use ``lagrangian`` or ``milp``).  Complexity: one max-flow
on ``2L + 4`` nodes and ``O(E)`` arcs (networkx ``preflow_push``).
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from semopt.problems.split_inference import LayerCosts, SplitInference
from semopt.registry import SolverOutput, register_solver
from semopt.solvers._split import per_user_status, reject_constraints, solve_per_user

__all__ = ["min_cut_placement"]

_S, _T, _IN, _IN_AUX = "s", "t", "in", "in'"


def min_cut_placement(graph: nx.DiGraph, costs: LayerCosts) -> np.ndarray:
    """Optimal device set (bool[L]) for additive ``costs`` on the layer DAG ``graph``.

    ``graph`` may be a subgraph (the layers one exit needs); layers outside
    it are reported off the device.
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


@register_solver("mincut", problems=(SplitInference,), exact=True)
def mincut(problem: SplitInference, *, rng, time_limit) -> SolverOutput:
    """DADS minimum s-t cut: the optimal placement for the additive objective (seed 003 §3.2.1)."""
    reject_constraints(problem, "mincut")
    sol = solve_per_user(problem, lambda p, m, costs: min_cut_placement(p.graph_for(), costs))
    return SolverOutput(sol, per_user_status(problem, exact=True), [], "minimum s-t cut of the layer graph, "
                        "per user with equal resource shares")
