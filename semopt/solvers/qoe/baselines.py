"""``local`` (the paper's baseline: every task local at the reference clock) and ``random`` (not in the paper)."""

from __future__ import annotations

import numpy as np

from semopt.options import Option
from semopt.problems.qoe import QoEOffloading, QoESolution
from semopt.registry import register_solver
from semopt.result import SolverOutput, Status

__all__: list[str] = []


@register_solver("local", problems=(QoEOffloading,))
def local(problem: QoEOffloading, *, rng: np.random.Generator, time_limit: float | None) -> SolverOutput:
    """Every task local at ``freq_ref`` (Chen et al. §V-A): each user's QoE is exactly 0.5."""
    return SolverOutput(problem.local_solution(), Status.CONVERGED, [], "every task local at the reference clock")


@register_solver("random", problems=(QoEOffloading,), options={
    "tries": Option(100, "int", "Random draws; the best feasible one is kept.", low=1, high=10**6),
})
def random_baseline(problem: QoEOffloading, *, rng: np.random.Generator, time_limit: float | None,
                    tries: int) -> SolverOutput:
    """Not in the paper: random offloaders, sub-channels, powers, clocks and extraction factors; the best
    feasible of ``tries`` draws (all local if none is)."""
    n, k = problem.n_users, problem.n_subchannels
    best, best_value = problem.local_solution(), -np.inf
    for _ in range(tries):
        channel = np.full(n, -1)
        offload = rng.random(n) < 0.5
        users = np.flatnonzero(offload)[: k]
        channel[users] = rng.permutation(k)[: len(users)]
        offload = channel >= 0
        mu = np.where(rng.random(n) < 0.5, 1.0, problem.mu_min + (1 - problem.mu_min) * rng.random(n))
        sol = QoESolution(offload, channel, rng.uniform(problem.power_min, problem.power_max, n),
                          rng.uniform(problem.freq_min, problem.freq_max, n), mu)
        verdict = problem.evaluate(sol)
        if verdict.feasible and verdict.objective > best_value:
            best, best_value = sol, verdict.objective
    return SolverOutput(best, Status.CONVERGED, [], f"best feasible of {tries} random draws (not in the paper)")
