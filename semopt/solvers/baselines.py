"""The baselines of seed 002 §IV-C, each Algorithm 4 with one block held fixed or mis-modelled.

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
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from semopt.problems.semantic_offloading import SemanticOffloading
from semopt.registry import SolverOutput, register_solver
from semopt.solvers.bcd import BCD_OPTIONS, BCDConfig, run_bcd
from semopt.solvers.offloading import nearest_association

__all__ = ["linear_flops_estimate"]


def _options(*drop: str) -> dict:
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
def linear(problem: SemanticOffloading, *, rng, time_limit, **options) -> SolverOutput:
    """Linear computation model baseline: BCD planning with c_i = theta_m s_i (seed 002 §IV-C)."""
    return run_bcd(problem, rng, time_limit, BCDConfig(**options, planning_flops=linear_flops_estimate(problem)))


@register_solver("ftm", problems=(SemanticOffloading,), options=_options())
def ftm(problem: SemanticOffloading, *, rng, time_limit, **options) -> SolverOutput:
    """Fixed transmission mode baseline: semantic modes drawn uniformly and kept (seed 002 §IV-C)."""
    semantic = rng.random(problem.n_users) < 0.5
    return run_bcd(problem, rng, time_limit, BCDConfig(**options, fixed_semantic=semantic))


@register_solver("fa", problems=(SemanticOffloading,), options=_options("init"))
def fa(problem: SemanticOffloading, *, rng, time_limit, **options) -> SolverOutput:
    """Fixed association baseline: every user on its nearest BS (seed 002 §IV-C)."""
    return run_bcd(problem, rng, time_limit, BCDConfig(**options, fixed_assoc=nearest_association(problem)))


@register_solver("uc", problems=(SemanticOffloading,), options=_options("compute_method"))
def uc(problem: SemanticOffloading, *, rng, time_limit, **options) -> SolverOutput:
    """Uniform computation baseline: F_k split equally among a BS's users (seed 002 §IV-C)."""
    return run_bcd(problem, rng, time_limit, BCDConfig(**options, compute_method="uniform"))
