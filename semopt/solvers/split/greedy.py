"""``greedy``: Neurosurgeon's per-layer cost prediction and the best single split (survey §3.2.2).

Kang et al., *Neurosurgeon: Collaborative Intelligence Between the Cloud and
Mobile Edge* (ASPLOS 2017).  Neurosurgeon predicts each layer's cost on the
device and on the edge (regression models there, the FLOP model here),
then tries every split point of the layer sequence -- the first k layers
on the device, the rest on the edge, k = 0..L -- and keeps the best.

On a chain this is exact.  On a DAG the layer sequence is a topological
order, so every prefix is a valid downset but not every downset is a
prefix: the greedy split can be worse than the DAG optimum (``mincut``),
which is the point of DAG partitioning.

Two paths compute the cost of every split: :func:`prefix_costs` is the
plain reference, one user at a time through :meth:`SplitInference.sent`
and :meth:`SplitInference.total`; :func:`prefix_costs_batch` is the fast
path, every user at once with cumulative sums.  The tests check that they
agree.

References
----------
.. [1] Y. Kang, J. Hauswald, C. Gao, A. Rovinski, T. Mudge, J. Mars, L. Tang,
   "Neurosurgeon: Collaborative Intelligence Between the Cloud and Mobile
   Edge", ASPLOS 2017.
.. [2] M. Zhang, M. Abdi, V. R. Dasari, F. Restuccia, "Semantic Edge
   Computing and Semantic Communications in 6G Networks: A Unifying Survey
   and Research Challenges", Computer Networks 270, 111531, 2025, §3.2.2.
"""

from __future__ import annotations

import numpy as np

from semopt.models.channel import shannon_rate
from semopt.models.split import LayerCosts, weigh
from semopt.problems.split import SplitInference
from semopt.registry import register_solver
from semopt.result import SolverOutput
from semopt.solvers.split.per_user import UNCONSTRAINED_ADDITIVE, per_user_status

__all__ = ["prefix_costs", "prefix_costs_batch", "prefix_sent_bits", "best_prefix"]


def prefix_costs(problem: SplitInference, costs: LayerCosts, exit: int = -1) -> np.ndarray:
    """Cost of every split ``k = 0..L`` (first k layers in topological order on the device).

    The reference path: one user's additive ``costs`` (from
    :meth:`SplitInference.costs`), one placement at a time, leaving at
    ``exit`` (-1: the final exit).
    """
    n = problem.n_layers
    out = np.empty(n + 1)
    for k in range(n + 1):
        row = np.arange(n) < k
        send, send_in = problem.sent(row, exit)
        out[k] = problem.total(costs, row, send, send_in, exit)
    return out


def prefix_sent_bits(problem: SplitInference, exit: int = -1) -> np.ndarray:
    """Bits sent to the edge by each split ``k = 0..L``: float[L + 1], the same for every user.

    With the first k layers on the device, the output of layer ``l < k`` is
    sent (once) when some successor ``j >= k`` runs on the edge, and the
    network input is sent when some source layer ``s >= k`` does; only the
    layers that ``exit`` needs (:meth:`SplitInference.graph_for`) count.

    Notes
    -----
    Layer l is sent for ``k`` in ``l + 1 .. max successor of l``: a difference
    array over k and one cumulative sum, ``O(L + E)``.  Element counts are
    summed as integers, so the result is exact before the final scaling.
    """
    net = problem.network
    g = problem.graph_for(exit)
    n = net.n_layers
    elements = np.asarray(net.out_elements, dtype=np.int64)
    diff = np.zeros(n + 2, dtype=np.int64)
    for layer in g.nodes:
        last = max(g.successors(layer), default=-1)
        if last > layer:
            diff[layer + 1] += elements[layer]
            diff[last + 1] -= elements[layer]
    layer_bits = problem.bits_per_element * np.cumsum(diff)[: n + 1]
    last_source = max(node for node in g.nodes if g.in_degree(node) == 0)
    input_sent = np.arange(n + 1) <= last_source
    return layer_bits + np.where(input_sent, problem.input_bits_per_element * net.input_elements, 0.0)


def prefix_costs_batch(problem: SplitInference, bandwidth: np.ndarray | None = None,
                       compute: np.ndarray | None = None, *, exit: int = -1, objective: str | None = None,
                       energy_price: float = 0.0) -> np.ndarray:
    """Cost of every split ``k = 0..L`` for every user at once: float[M, L + 1].

    Row m equals ``prefix_costs(problem, problem.costs(m, bandwidth[m],
    compute[m], energy_price=energy_price, objective=objective), exit)``.

    Parameters
    ----------
    problem : SplitInference
    bandwidth, compute : float[M], optional
        Each user's uplink bandwidth (Hz) and edge FLOP/s; default the equal
        shares of :meth:`SplitInference.default_shares`, as the per-user
        solvers use.
    exit : int, default -1
        The exit every user leaves at (-1: the final one); layers it does
        not need cost nothing (:meth:`SplitInference.needed`).
    objective : {"latency", "energy", "weighted"}, optional
        Default the problem's.
    energy_price : float, default 0.0
        Added to the energy weight (a Lagrange multiplier).

    Returns
    -------
    numpy.ndarray
        ``out[m, k]``: user m's objective with the first k layers on the device.

    Notes
    -----
    ``device`` part: cumulative sum of the per-layer device costs; ``edge``
    part: reverse cumulative sum of the per-layer edge costs; transfer part:
    :func:`prefix_sent_bits` (per network) times each user's cost per bit,
    ``(w_T + w_E q_m) / r_m``.  Layers the exit does not need are zeroed
    before the sums.  ``O(M L + E)`` against ``O(M L (L + E))`` for
    the per-user loop.  As in :meth:`SplitInference.costs`, a zero weight
    drops its term, so ``0 x inf`` never turns a cost into NaN; a split that
    sends nothing pays no transfer even at a zero rate.  Costs agree with the
    reference to rounding (the sums are taken in another order).

    Examples
    --------
    >>> import numpy as np, semopt
    >>> from semopt.solvers.split.greedy import prefix_costs, prefix_costs_batch
    >>> prob = semopt.scenarios.load("split-alexnet", users=3)
    >>> batch = prefix_costs_batch(prob)
    >>> batch.shape
    (3, 13)
    >>> bw, cp = prob.default_shares()
    >>> bool(np.allclose(batch[1], prefix_costs(prob, prob.costs(1, bw[1], cp[1])), rtol=1e-12))
    True
    """
    net = problem.network
    m_count, n = problem.n_users, net.n_layers
    default_bw, default_cp = problem.default_shares()
    bw = default_bw if bandwidth is None else np.asarray(bandwidth, dtype=float).reshape(m_count)
    cp = default_cp if compute is None else np.asarray(compute, dtype=float).reshape(m_count)
    wt, we = problem.objective_weights(objective)
    we = we + energy_price
    device_work, edge_work = problem.layer_work("device"), problem.layer_work("edge")
    active = problem.needed(exit)

    with np.errstate(divide="ignore", invalid="ignore"):
        # The same elementwise expressions as SplitInference.parts, one row per user.
        t_dev = device_work[None, :] / problem.device_flops[:, None]
        t_edge = np.where(cp[:, None] > 0, edge_work[None, :] / cp[:, None], np.inf)
        rate = shannon_rate(bw, problem.snr)
        t_bit = np.where(rate > 0, 1.0 / rate, np.inf)
        device = np.broadcast_to(np.where(active, weigh(wt, t_dev, we, problem.device_power[:, None] * t_dev), 0.0),
                                 (m_count, n))
        edge = np.broadcast_to(np.where(active, weigh(wt, t_edge, we, np.zeros((1, n))), 0.0), (m_count, n))
        per_bit = np.broadcast_to(weigh(wt, t_bit, we, problem.tx_power * t_bit), (m_count,))

        out = np.zeros((m_count, n + 1))
        np.cumsum(device, axis=1, out=out[:, 1:])
        out[:, :n] += np.cumsum(edge[:, ::-1], axis=1)[:, ::-1]
        bits = prefix_sent_bits(problem, exit)
        out += np.where(bits[None, :] > 0, per_bit[:, None] * bits[None, :], 0.0)
    return out


def best_prefix(problem: SplitInference, m: int, costs: LayerCosts) -> np.ndarray:
    """The best prefix split's device set (ties: fewer layers on the device)."""
    k = int(np.argmin(prefix_costs(problem, costs)))
    return np.arange(problem.n_layers) < k


@register_solver("greedy", problems=(SplitInference,), capabilities=UNCONSTRAINED_ADDITIVE)
def greedy(problem: SplitInference, *, rng: np.random.Generator, time_limit: float | None) -> SolverOutput:
    """Neurosurgeon: best split of the layer sequence from per-layer predictions (survey §3.2.2).

    Every user at once with :func:`prefix_costs_batch` and the equal shares;
    ties go to fewer layers on the device (the first minimum, as
    :func:`best_prefix`).
    """
    sol = problem.empty_solution()
    split = np.argmin(prefix_costs_batch(problem, sol.bandwidth, sol.compute), axis=1)
    sol.placement = np.arange(problem.n_layers)[None, :] < split[:, None]
    status = per_user_status(problem, exact=problem.network.is_chain())
    return SolverOutput(sol, status, [], "best of the L + 1 split points of the layer sequence")
