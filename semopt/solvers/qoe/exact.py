"""``exact``: the global optimum over offloading plans by offloader counts per task type (spec A3.2).

The server's load depends only on how many users of each task type offload
(``l^S`` is the task's), and every user's best value falls as the load
grows.  So for each count vector ``c <= (N_text, N_image, N_vqa)`` with
``sum c <= K``, the best plan with at most ``c_m`` offloaders of type m is a
max-weight assignment with per-type caps, valued at ``L(c)``
(:func:`~semopt.algorithms.assignment.capped_assignment`, a totally
unimodular LP); its own load is at most ``L(c)``, so its true value is at
least that.  The optimum's counts are among those tried: the best plan
found is optimal, up to the per-user grid of :mod:`.oracle` (the chosen
plan's continuous choices are then zoomed).  ``prod_m (N_m + 1)`` count
vectors: 12 at the paper's 4 users, at most 125 at 12.
"""

from __future__ import annotations

import itertools

import numpy as np

from semopt.algorithms.assignment import capped_assignment
from semopt.loop import Deadline
from semopt.options import Option
from semopt.problems.qoe import QoEOffloading
from semopt.registry import register_solver
from semopt.result import SolverOutput, Status
from semopt.solvers.qoe.oracle import Oracle
from semopt.solvers.qoe.plans import judge

__all__ = ["count_vectors"]

POLISH = Option(True, "bool", "Zoom each offloader's grid optimum (p, f, mu) of the chosen plan.")


def count_vectors(problem: QoEOffloading) -> list[tuple[int, ...]]:
    """Every count of offloaders per task type, at most the users of that type, at most K in all."""
    present = np.bincount(problem.task, minlength=len(problem.data_bits))
    return [c for c in itertools.product(*(range(m + 1) for m in present)) if sum(c) <= problem.n_subchannels]


@register_solver("exact", problems=(QoEOffloading,), exact=True, options={"polish": POLISH})
def exact(problem: QoEOffloading, *, rng: np.random.Generator, time_limit: float | None,
          polish: bool) -> SolverOutput:
    """Offloader counts per task type x a capped max-weight assignment at each count's load (spec A3.2)."""
    oracle = Oracle(problem)
    deadline = Deadline(time_limit)
    local = np.full(problem.n_users, -1)
    best_value, best_plan = judge(problem, oracle, local)[0], local
    vectors = count_vectors(problem)
    tried = 0
    for counts in vectors:
        if deadline.expired():
            break
        tried += 1
        if not any(counts):
            continue
        load = float(np.dot(counts, problem.server_flops))
        values = oracle.values(load)
        plan = capped_assignment(values.offload - values.local[:, None], problem.task, np.array(counts))
        value, _ = judge(problem, oracle, plan)
        if value > best_value:
            best_value, best_plan = value, plan
    done = tried == len(vectors)
    status = Status.OPTIMAL if done else Status.TIME_LIMIT
    message = (f"best of {len(vectors)} offloader count vectors" if done
               else f"time_limit={time_limit} s reached after {tried} of {len(vectors)} count vectors")
    return SolverOutput(oracle.solution(best_plan, polish=polish), status, [float(best_value)], message,
                        {"count_vectors": float(tried)})
