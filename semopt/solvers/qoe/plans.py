"""Plans of QoEOffloading: a channel per user (-1 = local), judged by the problem, polished at the end."""

from __future__ import annotations

import numpy as np

from semopt.problems.qoe import QoEOffloading, QoESolution
from semopt.solvers.qoe.oracle import Oracle

__all__ = ["judge", "finish"]


def judge(problem: QoEOffloading, oracle: Oracle, channel: np.ndarray) -> tuple[float, QoESolution]:
    """``(objective, solution)`` of a plan, each user at its grid optimum at the plan's own load; a plan
    that violates a constraint (an offloader infeasible at this load) scores -inf."""
    sol = oracle.solution(channel, polish=False)
    verdict = problem.evaluate(sol)
    return (verdict.objective if verdict.feasible else -np.inf), sol


def finish(oracle: Oracle, channel: np.ndarray, polish: bool) -> QoESolution:
    """The solution of the chosen plan, each offloader's grid optimum zoomed when ``polish``."""
    return oracle.solution(channel, polish=polish)
