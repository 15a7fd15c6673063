"""``exhaustive``: every subset of offloaders, each assigned its sub-channels by the Hungarian method.

The reference of ``exact`` (spec A3.3): for each offloader set S (at most K
users), the server load is known, users' values follow from the per-user
oracle, and the best channels of S are a plain assignment.  ``2^N`` sets:
refused above ``max_space``.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from semopt.capabilities import Capabilities
from semopt.loop import Deadline
from semopt.options import Option
from semopt.problems.qoe import QoEOffloading
from semopt.registry import register_solver
from semopt.result import SolverOutput, Status
from semopt.solvers.qoe.exact import POLISH
from semopt.solvers.qoe.oracle import Oracle

__all__ = ["MAX_SPACE"]

MAX_SPACE = 4096


def _refusal(problem: QoEOffloading, options: Mapping[str, Any]) -> str | None:
    space = 2 ** problem.n_users
    if space > options["max_space"]:
        return f"2^{problem.n_users} offloader sets > max_space={options['max_space']}; use 'exact' or 'bcd'"
    return None


@register_solver("exhaustive", problems=(QoEOffloading,), exact=True, options={
    "max_space": Option(MAX_SPACE, "int", "Refuse instances with more offloader sets (2^N) than this.", low=1),
    "polish": POLISH,
}, capabilities=Capabilities(check=_refusal))
def exhaustive(problem: QoEOffloading, *, rng: np.random.Generator, time_limit: float | None, max_space: int,
               polish: bool) -> SolverOutput:
    """Every offloader set, its sub-channels by the Hungarian method, each user at its per-user optimum."""
    oracle = Oracle(problem)
    deadline = Deadline(time_limit)
    n, k = problem.n_users, problem.n_subchannels
    best_value, best_plan = -np.inf, np.full(n, -1)
    sets = 0
    for size in range(0, min(n, k) + 1):
        for subset in itertools.combinations(range(n), size):
            if deadline.expired():
                return SolverOutput(oracle.solution(best_plan, polish=polish), Status.TIME_LIMIT, [float(best_value)],
                                    f"time_limit={time_limit} s reached after {sets} offloader sets")
            sets += 1
            members = np.array(subset, dtype=np.int64)
            offload = np.zeros(n, bool)
            offload[members] = True
            values = oracle.values(problem.server_load(offload))
            value = float(values.local[~offload].sum())
            plan = np.full(n, -1)
            if size:
                table = values.offload[members]
                rows, cols = linear_sum_assignment(np.where(np.isfinite(table), -table, 1e18))
                if not np.all(np.isfinite(table[rows, cols])):
                    continue  # some member cannot offload on any free sub-channel at this load
                value += float(table[rows, cols].sum())
                plan[members[rows]] = cols
            if value > best_value:
                best_value, best_plan = value, plan
    return SolverOutput(oracle.solution(best_plan, polish=polish), Status.OPTIMAL, [float(best_value)],
                        f"enumerated {sets} offloader sets")
