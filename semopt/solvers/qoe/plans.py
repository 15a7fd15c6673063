"""Plans of QoEOffloading: a channel per user (-1 = local), judged by the problem at the plan's own load."""

from __future__ import annotations

import numpy as np

from semopt.problems.qoe import QoEOffloading, QoESolution
from semopt.solvers.qoe.oracle import Oracle

__all__ = ["judge"]


def judge(problem: QoEOffloading, oracle: Oracle, channel: np.ndarray) -> tuple[float, QoESolution]:
    """``(objective, solution)`` of a plan, each user at its grid optimum at the plan's own load; a plan
    that violates a constraint (an offloader infeasible at this load) scores -inf."""
    sol = oracle.solution(channel, polish=False)
    verdict = problem.evaluate(sol)
    return (verdict.objective if verdict.feasible else -np.inf), sol

