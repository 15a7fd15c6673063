"""``early-exit``: choose the exit and the split together for the best accuracy under a deadline.

BranchyNet / Edgent (References): a network with
early exits can stop at a side branch, trading accuracy for latency.  For
each user, with its equal resource shares, the exits are tried from the
most accurate down; for each, the fastest split of the layers it needs is a
minimum cut (``mincut`` on that exit's subgraph, latency costs), and the
first exit whose fastest split meets the deadline is chosen.  This is exact
for "maximise accuracy subject to latency <= deadline" per user, since the
fastest split of an exit decides whether that exit is reachable at all.
Among exits of equal accuracy the faster one wins.  If no exit meets the
deadline, the fastest exit is returned and the status is ``"infeasible"``.

References
----------
.. [1] E. Li, L. Zeng, Z. Zhou, X. Chen, "Edge AI: On-Demand Accelerating
   Deep Neural Network Inference via Edge Computing", IEEE Transactions on
   Wireless Communications 19(1), 2020 (Edgent).
.. [2] S. Teerapittayanon, B. McDanel, H. T. Kung, "BranchyNet: Fast
   inference via early exiting from deep neural networks", ICPR 2016.
.. [3] M. Zhang, M. Abdi, V. R. Dasari, F. Restuccia, "Semantic Edge
   Computing and Semantic Communications in 6G Networks: A Unifying Survey
   and Research Challenges", Computer Networks 270, 111531, 2025, §3.2.
"""

from __future__ import annotations

import numpy as np

from semopt.algorithms.mincut import min_cut_placement
from semopt.capabilities import Capabilities
from semopt.problems.split import SplitInference
from semopt.registry import register_solver
from semopt.result import SolverOutput, Status
from semopt.solvers.split.per_user import per_user_status

__all__ = ["fastest_split"]


def fastest_split(problem: SplitInference, m: int, exit: int, bandwidth: float,
                  compute: float) -> tuple[np.ndarray, float]:
    """The minimum-latency device set of user m for ``exit``, and its latency."""
    costs = problem.costs(m, bandwidth, compute, objective="latency")
    row = min_cut_placement(problem.graph_for(exit), costs)
    send, send_in = problem.sent(row, exit)
    return row, problem.total(costs, row, send, send_in, exit)


@register_solver("early-exit", problems=(SplitInference,), exact=True,
                 capabilities=Capabilities(constraints=("deadline",)))
def early_exit(problem: SplitInference, *, rng: np.random.Generator, time_limit: float | None) -> SolverOutput:
    """Most accurate exit whose fastest split meets the deadline, per user (BranchyNet/Edgent)."""
    sol = problem.empty_solution()
    met_all = True
    exits = list(range(problem.n_exits))
    for m in range(problem.n_users):
        tried = []
        for e in exits:
            row, latency = fastest_split(problem, m, e, sol.bandwidth[m], sol.compute[m])
            tried.append((-problem.accuracy(e), latency, e, row))
        meets = [t for t in tried if t[1] <= problem.deadline[m] * (1 + 1e-12)]
        met_all &= bool(meets)
        _, _, e, row = min(meets) if meets else min(tried, key=lambda t: t[1])
        sol.exit[m] = e if e != problem.n_exits - 1 else -1
        sol.placement[m] = row
    status = per_user_status(problem, exact=True) if met_all else Status.INFEASIBLE
    message = "most accurate reachable exit per user" if met_all else \
        "(deadline) no exit meets some user's deadline; returned its fastest exit"
    return SolverOutput(sol, status, [], message,
                        {"exits_used": float(np.mean([e if e >= 0 else problem.n_exits - 1 for e in sol.exit]))})
