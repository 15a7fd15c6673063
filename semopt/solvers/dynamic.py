"""Dynamic partitioning over a bandwidth trace: myopic per-step splits vs the offline optimum (seed 003).

* ``greedy`` -- at every step, the best split for that step's bandwidth
  (a minimum cut), ignoring the reconfiguration cost: what a controller
  that re-plans on every bandwidth change does (Neurosurgeon run online).
* ``dp`` -- the offline optimum with the whole trace known: dynamic
  programming over steps and candidate device sets,
  ``V_t(c) = cost_t(c) + min_{c'} (V_{t-1}(c') + r [c != c'])``, in
  ``O(T C)`` with the running minimum.  The candidates are every downset of
  the network when there are at most ``max_candidates`` of them (then the
  answer is the exact optimum, status ``"optimal"``); otherwise the distinct
  per-step minimum cuts plus all-device and all-edge (status
  ``"converged"``: optimal over that set).
"""

from __future__ import annotations

import numpy as np

from semopt._options import Option
from semopt.errors import SolverError
from semopt.problems.dynamic_split import DynamicSplit, DynamicSplitSolution
from semopt.registry import SolverOutput, register_solver
from semopt.result import Status
from semopt.solvers.exhaustive import downsets
from semopt.solvers.mincut import min_cut_placement

__all__ = ["per_step_cuts", "viterbi"]


def per_step_cuts(problem: DynamicSplit) -> np.ndarray:
    """bool[T, L]: the minimum cut of every step."""
    base = problem.base
    return np.array([min_cut_placement(base.graph_for(), base.costs(0, float(b), base.edge_flops))
                     for b in problem.trace])


def viterbi(step_cost: np.ndarray, switch: float) -> np.ndarray:
    """Index of the chosen candidate at each step minimising step costs plus ``switch`` per change."""
    steps, n = step_cost.shape
    value = step_cost[0].copy()
    back = np.zeros((steps, n), dtype=np.int64)
    for t in range(1, steps):
        best_prev = int(np.argmin(value))
        stay = value
        move = value[best_prev] + switch
        back[t] = np.where(stay <= move, np.arange(n), best_prev)
        value = np.minimum(stay, move) + step_cost[t]
    path = np.empty(steps, dtype=np.int64)
    path[-1] = int(np.argmin(value))
    for t in range(steps - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


def _check(problem: DynamicSplit, solver: str) -> None:
    from semopt.solvers._split import reject_constraints

    reject_constraints(problem.base, solver)


@register_solver("greedy", problems=(DynamicSplit,))
def greedy_dynamic(problem: DynamicSplit, *, rng, time_limit) -> SolverOutput:
    """Per-step minimum cut: re-plan at every step, blind to the reconfiguration cost."""
    _check(problem, "greedy")
    return SolverOutput(DynamicSplitSolution(per_step_cuts(problem)), Status.CONVERGED, [],
                        "best split of every step on its own")


@register_solver("dp", problems=(DynamicSplit,), exact=True, options={
    "max_candidates": Option(5000, "int", "Use every downset as a candidate when there are at most this many.",
                             low=1),
})
def dp(problem: DynamicSplit, *, rng, time_limit, max_candidates: int) -> SolverOutput:
    """Offline optimum over the trace by dynamic programming (reconfiguration cost included)."""
    _check(problem, "dp")
    base = problem.base
    try:
        candidates = downsets(base.graph_for(), max_candidates, base.n_layers)
        exact = True
    except SolverError:
        cuts = per_step_cuts(problem)
        ends = np.array([base.needed(), np.zeros(base.n_layers, bool)])
        candidates = list(np.unique(np.vstack([cuts, ends]), axis=0))
        exact = False
    path = viterbi(problem.step_costs(candidates), problem.reconfiguration)
    placement = np.array([candidates[i] for i in path])
    status = Status.OPTIMAL if exact else Status.CONVERGED
    return SolverOutput(DynamicSplitSolution(placement), status, [],
                        f"dynamic programming over {len(candidates)} candidate device sets",
                        {"candidates": float(len(candidates))})
