"""Learned baselines, the optional extra ``semopt[learned]``: ``mappo`` and ``d3qn`` (QoEOffloading, Chen et
al. §IV) and ``ppo`` (ModelSelection, Lin et al. §III-B).

Registering them imports neither torch nor gymnasium: each solver declares
the modules it ``requires``, so ``available_solvers`` lists it only when the
extra is installed and ``solve`` otherwise answers with
``pip install 'semopt[learned]'``; the training code (:mod:`.driver`,
:mod:`.ppo`, :mod:`.mappo`, :mod:`.d3qn`) is imported when a solver runs.

Every learned solver trains a policy on instances drawn like the given one
(its scenario, other seeds: :class:`~.envs.InstanceSource`), then decides
the given instance once; ``evaluate()`` judges the decision like any
solver's.  ``history`` is the training curve (the mean training reward of
each update: eq 12, less the collision charge for QoE), ``metrics`` carry ``train_time``, ``decision_time`` and
``train_steps``.  ``save_to`` keeps the trained policy, ``load_from`` decides
with a saved one without training (same sizes only).
"""

from __future__ import annotations

import importlib
from typing import Any, cast

import numpy as np

from semopt.options import Option
from semopt.problems.model_selection import ModelSelection
from semopt.problems.qoe import QoEOffloading
from semopt.registry import register_solver
from semopt.result import SolverOutput

__all__ = ["COMMON_OPTIONS"]

REQUIRES = ("torch", "gymnasium")

COMMON_OPTIONS = {
    "steps": Option(20_000, "int", "Training budget in environment steps (one step: one instance decided).",
                    low=1, high=10**9),
    "seconds": Option(None, "float", "Training budget in seconds (whichever budget ends first).", low=0.0,
                      low_open=True, none_ok=True),
    "save_to": Option(None, "path", "Save the trained policy to this file.", none_ok=True),
    "load_from": Option(None, "path", "Decide with the policy saved in this file; no training.", none_ok=True),
}


def _run(kind: str, problem: Any, rng: np.random.Generator, time_limit: float | None,
         options: dict[str, Any]) -> SolverOutput:
    # The driver imports torch: it is loaded when a learned solver runs, never by `import semopt`.
    driver = importlib.import_module("semopt.solvers.learned.driver")
    return cast(SolverOutput, driver.run(kind, problem, rng, time_limit, options))


@register_solver("ppo", problems=(ModelSelection,), requires=(*REQUIRES, "stable_baselines3"), extra="learned",
                 trains=True, options={
                     **COMMON_OPTIONS,
                     "lr": Option(3e-4, "float", "Adam learning rate (the paper's 3e-5 needs far more steps).",
                                  low=0.0, low_open=True, high=1.0),
                     "n_steps": Option(256, "int", "Steps per rollout (the paper: 2048).", low=2, high=10**6),
                     "batch_size": Option(64, "int", "Minibatch size (the paper's 64).", low=2, high=10**6),
                     "epochs": Option(10, "int", "Epochs per update (the paper: 15).", low=1, high=1000),
                 })
def ppo_solver(problem: ModelSelection, *, rng: np.random.Generator, time_limit: float | None,
        **options: Any) -> SolverOutput:
    """Lin et al.'s PPO (stable-baselines3) on the model-selection environment, then one decision."""
    return _run("ppo", problem, rng, time_limit, options)


@register_solver("mappo", problems=(QoEOffloading,), requires=REQUIRES, extra="learned", trains=True, options={
    **COMMON_OPTIONS,
    "lr": Option(3e-4, "float", "Adam learning rate (the paper's 1e-4 needs more steps).", low=0.0, low_open=True,
                 high=1.0),
    "hidden": Option(256, "int", "Width of the actor's and critic's hidden layers (Table III: 256).", low=4,
                     high=4096),
    "entropy": Option(0.01, "float", "Entropy bonus b2 of eq 26 (the paper: 0.1).", low=0.0, high=10.0),
    "collision_penalty": Option(1.0, "float", "Reward charged per user on a shared sub-channel.", low=0.0),
})
def mappo_solver(problem: QoEOffloading, *, rng: np.random.Generator, time_limit: float | None,
          **options: Any) -> SolverOutput:
    """Chen et al.'s MAPPO: one shared actor per user, a centralised critic, hybrid actions."""
    return _run("mappo", problem, rng, time_limit, options)


@register_solver("d3qn", problems=(QoEOffloading,), requires=REQUIRES, extra="learned", trains=True, options={
    **COMMON_OPTIONS,
    "lr": Option(1e-3, "float", "Adam learning rate.", low=0.0, low_open=True, high=1.0),
    "buffer": Option(30_000, "int", "Replay buffer size (the paper: 30 000).", low=10, high=10**7),
    "collision_penalty": Option(1.0, "float", "Reward charged per user on a shared sub-channel.", low=0.0),
})
def d3qn_solver(problem: QoEOffloading, *, rng: np.random.Generator, time_limit: float | None,
         **options: Any) -> SolverOutput:
    """Chen et al.'s D3QN: dueling double DQN per user on a discretised action grid."""
    return _run("d3qn", problem, rng, time_limit, options)
