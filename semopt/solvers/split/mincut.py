"""``mincut``: the DADS minimum s-t cut, the optimal placement for an additive objective.

Per user, at its equal share of the uplink and the edge, the placement that
minimises latency, device energy or their weighted sum is a minimum cut of
the layer graph (:func:`semopt.algorithms.mincut.min_cut_placement`).  Exact
for one user; with several, exact given the equal shares (``bcd`` optimises
the shares too).  Constraints are not additive and are refused at the door:
``milp`` takes every one, ``lagrangian`` the energy budget.

References
----------
.. [1] C. Hu, W. Bao, D. Wang, F. Liu, "Dynamic Adaptive DNN Surgery for
   Inference Acceleration on the Edge", IEEE INFOCOM 2019.
.. [2] M. Zhang, M. Abdi, V. R. Dasari, F. Restuccia, "Semantic Edge
   Computing and Semantic Communications in 6G Networks: A Unifying Survey
   and Research Challenges", Computer Networks 270, 111531, 2025, §3.2.1.
"""

from __future__ import annotations

import numpy as np

from semopt.algorithms.mincut import min_cut_placement
from semopt.problems.split import SplitInference
from semopt.registry import register_solver
from semopt.result import SolverOutput
from semopt.solvers.split.per_user import UNCONSTRAINED_ADDITIVE, per_user_status, solve_per_user

__all__ = ["mincut"]


@register_solver("mincut", problems=(SplitInference,), exact=True, capabilities=UNCONSTRAINED_ADDITIVE)
def mincut(problem: SplitInference, *, rng: np.random.Generator, time_limit: float | None) -> SolverOutput:
    """DADS minimum s-t cut: the optimal placement for the additive objective (survey §3.2.1)."""
    sol = solve_per_user(problem, lambda p, m, costs: min_cut_placement(p.graph_for(), costs))
    return SolverOutput(sol, per_user_status(problem, exact=True), [], "minimum s-t cut of the layer graph, "
                        "per user with equal resource shares")
