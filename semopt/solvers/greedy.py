"""Neurosurgeon: per-layer cost prediction and the best single split (seed 003 §3.2.2).

Kang et al., *Neurosurgeon: Collaborative Intelligence Between the Cloud and
Mobile Edge* (ASPLOS 2017).  Neurosurgeon predicts each layer's cost on the
device and on the edge (regression models there, the FLOP model here),
then tries every split point of the layer sequence -- the first k layers
on the device, the rest on the edge, k = 0..L -- and keeps the best.

On a chain this is exact.  On a DAG the layer sequence is a topological
order, so every prefix is a valid downset but not every downset is a
prefix: the greedy split can be worse than the DAG optimum (``mincut``),
which is the point of DAG partitioning.
"""

from __future__ import annotations

import numpy as np

from semopt.problems.split_inference import LayerCosts, SplitInference
from semopt.registry import SolverOutput, register_solver
from semopt.solvers._split import per_user_status, reject_constraints, solve_per_user

__all__ = ["prefix_costs", "best_prefix"]


def prefix_costs(problem: SplitInference, costs: LayerCosts) -> np.ndarray:
    """Cost of every split ``k = 0..L`` (first k layers in topological order on the device)."""
    n = problem.n_layers
    out = np.empty(n + 1)
    for k in range(n + 1):
        row = np.arange(n) < k
        send, send_in = problem.sent(row)
        out[k] = problem.total(costs, row, send, send_in)
    return out


def best_prefix(problem: SplitInference, m: int, costs: LayerCosts) -> np.ndarray:
    """The best prefix split's device set (ties: fewer layers on the device)."""
    k = int(np.argmin(prefix_costs(problem, costs)))
    return np.arange(problem.n_layers) < k


@register_solver("greedy", problems=(SplitInference,))
def greedy(problem: SplitInference, *, rng, time_limit) -> SolverOutput:
    """Neurosurgeon: best split of the layer sequence from per-layer predictions (seed 003 §3.2.2)."""
    reject_constraints(problem, "greedy")
    sol = solve_per_user(problem, best_prefix)
    status = per_user_status(problem, exact=problem.network.is_chain())
    return SolverOutput(sol, status, [], "best of the L + 1 split points of the layer sequence")
