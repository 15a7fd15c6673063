"""The baselines of Zheng et al. §IV-C, each Algorithm 4 with one block held fixed or mis-modelled.

* ``linear`` -- the computation amount is modelled linearly in the data
  size: ``c_i ~ theta_{m_i} s_i`` with ``theta_m`` the mean of ``c_i / s_i``
  over the tasks with exit point m (Fan et al., the paper's ref [25]).  BCD
  plans with that estimate; the result is judged with the true model.
* ``ftm`` -- fixed transmission mode: each user's semantic mode ``e`` is
  drawn uniformly (a fair coin, from the solver's seed) and kept.
* ``fa`` -- fixed association: each user joins its nearest BS (overflow
  beyond N users goes to the next nearest).
* ``uc`` -- uniform computation: each BS splits ``F_k`` equally.

All other blocks are optimised exactly as in ``bcd``, so differences
isolate what each block is worth.

References
----------
.. [1] Y. Zheng, T. Zhang, X. Mu, Y. Liu, R. Huang, "Joint Semantic
   Transmission and Resource Allocation for Intelligent Computation Task
   Offloading in MEC Systems", arXiv:2503.08001, 2025, §IV-C.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from semopt.options import Option
from semopt.problems.offloading import SemanticOffloading
from semopt.registry import register_solver
from semopt.result import SolverOutput
from semopt.solvers.offloading.bcd import BCD_OPTIONS, BCDConfig, nearest_association, run_bcd

__all__ = ["linear_flops_estimate"]


def _options(*drop: str) -> dict[str, Option]:
    """BCD's options less the fixed block's; one start by default, as the paper runs its baselines."""
    out = {k: v for k, v in BCD_OPTIONS.items() if k not in drop}
    out["starts"] = replace(out["starts"], default=1)
    return out


def linear_flops_estimate(problem: SemanticOffloading) -> np.ndarray:
    """``theta_{m_i} s_i``: the Linear baseline's estimate of ``c_i`` (one group if exits are unknown)."""
    exit_point = problem.exit_point if problem.exit_point is not None else np.ones(problem.n_tasks, int)
    density = problem.recognition_flops / problem.data_bits
    theta = {m: density[exit_point == m].mean() for m in np.unique(exit_point)}
    return np.array([theta[m] for m in exit_point]) * problem.data_bits


@register_solver("linear", problems=(SemanticOffloading,), options=_options())
def linear(problem: SemanticOffloading, *, rng: np.random.Generator, time_limit: float | None,
           **options: Any) -> SolverOutput:
    """Linear computation model baseline: BCD planning with c_i = theta_m s_i (§IV-C)."""
    return run_bcd(problem, rng, time_limit, BCDConfig(**options, planning_flops=linear_flops_estimate(problem)))


@register_solver("ftm", problems=(SemanticOffloading,), options=_options())
def ftm(problem: SemanticOffloading, *, rng: np.random.Generator, time_limit: float | None,
        **options: Any) -> SolverOutput:
    """Fixed transmission mode baseline: semantic modes drawn uniformly and kept (§IV-C)."""
    semantic = rng.random(problem.n_users) < 0.5
    return run_bcd(problem, rng, time_limit, BCDConfig(**options, fixed_semantic=semantic))


@register_solver("fa", problems=(SemanticOffloading,), options=_options("init"))
def fa(problem: SemanticOffloading, *, rng: np.random.Generator, time_limit: float | None,
       **options: Any) -> SolverOutput:
    """Fixed association baseline: every user on its nearest BS (§IV-C)."""
    return run_bcd(problem, rng, time_limit, BCDConfig(**options, fixed_assoc=nearest_association(problem)))


@register_solver("uc", problems=(SemanticOffloading,), options=_options("compute_method"))
def uc(problem: SemanticOffloading, *, rng: np.random.Generator, time_limit: float | None,
       **options: Any) -> SolverOutput:
    """Uniform computation baseline: F_k split equally among a BS's users (§IV-C)."""
    return run_bcd(problem, rng, time_limit, BCDConfig(**options, compute_method="uniform"))
