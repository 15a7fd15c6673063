"""Dynamic partitioning over a bandwidth trace: myopic per-step splits vs the offline optimum.

* ``greedy`` -- at every step, the best split for that step's bandwidth
  (a minimum cut), ignoring the reconfiguration cost: what a controller
  that re-plans on every bandwidth change does (Neurosurgeon run online).
* ``dp`` -- the offline optimum with the whole trace known: dynamic
  programming over steps and candidate device sets
  (:func:`~semopt.algorithms.dynamic_programming.viterbi`).  The candidates
  are every downset of the network when there are at most
  ``max_candidates`` of them (then the answer is the exact optimum, status
  ``"optimal"``); otherwise the distinct per-step minimum cuts plus
  all-device and all-edge (status ``"converged"``: optimal over that set).

References
----------
.. [1] M. Zhang, M. Abdi, V. R. Dasari, F. Restuccia, "Semantic Edge
   Computing and Semantic Communications in 6G Networks: A Unifying Survey
   and Research Challenges", Computer Networks 270, 111531, 2025, §3.2.2.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from semopt.algorithms.dynamic_programming import viterbi
from semopt.algorithms.enumeration import count_downsets, downsets
from semopt.algorithms.mincut import min_cut_placement
from semopt.limits import Footprint, format_bytes, max_bytes
from semopt.options import Option
from semopt.problems.split import DynamicSplit, DynamicSplitSolution
from semopt.registry import register_solver
from semopt.result import SolverOutput, Status
from semopt.solvers.split.per_user import UNCONSTRAINED_ADDITIVE

__all__ = ["per_step_cuts"]


def per_step_cuts(problem: DynamicSplit) -> np.ndarray:
    """bool[T, L]: the minimum cut of every step."""
    base = problem.base
    return np.array([min_cut_placement(base.graph_for(), base.costs(0, float(b), base.edge_flops))
                     for b in problem.trace])


@register_solver("greedy", problems=(DynamicSplit,), capabilities=UNCONSTRAINED_ADDITIVE)
def greedy_dynamic(problem: DynamicSplit, *, rng: np.random.Generator, time_limit: float | None) -> SolverOutput:
    """Per-step minimum cut: re-plan at every step, blind to the reconfiguration cost."""
    return SolverOutput(DynamicSplitSolution(per_step_cuts(problem)), Status.CONVERGED, [],
                        "best split of every step on its own")


def _working_set(problem: DynamicSplit, options: Mapping[str, Any]) -> str | None:
    """Refuse a trace whose steps x candidates tables (costs, back pointers) would exceed the memory guard."""
    limit = options["max_candidates"]
    count = count_downsets(problem.base.graph_for(), limit)
    # Beyond max_candidates the candidates are the distinct per-step cuts: at most one per step, plus two.
    candidates = count if count <= limit else min(problem.n_steps + 2, limit)
    need = Footprint([("step costs", 8 * problem.n_steps * candidates),
                      ("back pointers", 8 * problem.n_steps * candidates)])
    if need.total > max_bytes():
        return (f"its tables of {problem.n_steps} steps x {candidates} candidate device sets would need about "
                f"{format_bytes(need.total)}, more than the memory guard of {format_bytes(max_bytes())}; "
                f"shorten the trace (`steps`), lower `max_candidates`, or use 'greedy'")
    return None


@register_solver("dp", problems=(DynamicSplit,), exact=True, options={
    "max_candidates": Option(5000, "int", "Use every downset as a candidate when there are at most this many.",
                             low=1),
}, capabilities=replace(UNCONSTRAINED_ADDITIVE, check=_working_set))
def dp(problem: DynamicSplit, *, rng: np.random.Generator, time_limit: float | None,
       max_candidates: int) -> SolverOutput:
    """Offline optimum over the trace by dynamic programming (reconfiguration cost included)."""
    base = problem.base
    exact = count_downsets(base.graph_for(), max_candidates) <= max_candidates
    if exact:
        candidates = downsets(base.graph_for(), base.n_layers)
    else:
        cuts = per_step_cuts(problem)
        ends = np.array([base.needed(), np.zeros(base.n_layers, bool)])
        candidates = list(np.unique(np.vstack([cuts, ends]), axis=0))
    path = viterbi(problem.step_costs(candidates), problem.reconfiguration)
    placement = np.array([candidates[i] for i in path])
    status = Status.OPTIMAL if exact else Status.CONVERGED
    return SolverOutput(DynamicSplitSolution(placement), status, [],
                        f"dynamic programming over {len(candidates)} candidate device sets",
                        {"candidates": float(len(candidates))})
