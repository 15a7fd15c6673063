"""What a learned policy sees and how its actions become solutions: numpy only, shared by environments and solvers.

A policy must optimise exactly what ``evaluate()`` scores, so the reward of
every environment is the problem's own ``reward_eq12`` metric (each paper's
eq 12), and a decision is decoded into the family's Solution and judged by
``evaluate()``; nothing is repaired.  Observations are normalised so that
one network serves every instance of a scenario's sizes.

* :class:`SelectionCodec` -- ModelSelection (Lin et al. §III-B): the state
  is every user's channel and the budgets; the action is, per user, a model
  index and shares of the bandwidth and of the transmit power, all in
  ``[0, 1]`` (one Box, so that stable-baselines3's PPO takes it).
* :class:`QoECodec` -- QoEOffloading (Chen et al. §IV-A), one agent per user:
  an agent observes its channel gains, its task and its preferences, and
  chooses local execution or a sub-channel (discrete) and its power, GPU
  clock and extraction factor (continuous, in ``[0, 1]``).  Two offloaders
  on one sub-channel break (11e); the paper's reward (eq 12) does not see
  it (each rate is computed as if the sub-channel were the user's own), so
  the environment charges ``collision_penalty`` per user on a shared
  sub-channel -- the violation is still named by ``evaluate()``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from semopt.problems.model_selection import ModelSelection, SelectionSolution
from semopt.problems.qoe import QoEOffloading, QoESolution

__all__ = ["SelectionCodec", "QoECodec", "sizes_of", "selection_reward"]


def sizes_of(problem: ModelSelection | QoEOffloading) -> tuple[int, ...]:
    """The sizes a policy is built for: a policy decides for any instance with the same sizes."""
    if isinstance(problem, ModelSelection):
        return (problem.n_users, problem.n_models)
    return (problem.n_users, problem.n_subchannels, len(problem.data_bits))


def _log_gain(values: np.ndarray) -> np.ndarray:
    # Linear gains span decades; their logarithm, centred and scaled per instance, keeps inputs O(1)
    # whatever the path loss.
    logs = np.log10(np.maximum(values, 1e-300))
    return (logs - logs.mean()) / 2.0


@dataclass(frozen=True)
class SelectionCodec:
    """Observations and actions of ModelSelection for M users and S models (see the module docstring)."""

    n_users: int
    n_models: int

    @classmethod
    def of(cls, problem: ModelSelection) -> SelectionCodec:
        return cls(problem.n_users, problem.n_models)

    @property
    def obs_size(self) -> int:
        return 2 * self.n_users + 2

    @property
    def action_size(self) -> int:
        return 3 * self.n_users

    def observe(self, problem: ModelSelection) -> np.ndarray:
        """Each user's channel (log, centred) and its rank, and the budgets (log, scaled): float32[2M + 2]."""
        a = problem.gain_over_noise
        rank = np.argsort(np.argsort(-a)) / max(self.n_users - 1, 1)
        budgets = [np.log10(problem.bandwidth_max) / 10.0, np.log10(problem.power_max)]
        return np.concatenate([_log_gain(a), rank, budgets]).astype(np.float32)

    def decode(self, problem: ModelSelection, action: np.ndarray) -> SelectionSolution:
        """``action`` in ``[0, 1]^{3M}``: model index ``floor(u S)``, then weights of bandwidth and of the
        transmit power (what (7b) leaves), each split in proportion to its weights."""
        m, s = self.n_users, self.n_models
        u = np.clip(np.asarray(action, dtype=float).reshape(3, m), 0.0, 1.0)
        model = np.minimum((u[0] * s).astype(np.int64), s - 1)
        band = u[1] + 1e-6
        power = u[2] + 1e-6
        budget = max(problem.transmit_budget(model), 0.0)
        return SelectionSolution(model, problem.bandwidth_max * band / band.sum(), budget * power / power.sum())


@dataclass(frozen=True)
class QoECodec:
    """Per-agent observations and hybrid actions of QoEOffloading (see the module docstring)."""

    n_users: int
    n_subchannels: int
    n_tasks: int
    collision_penalty: float = 1.0

    @classmethod
    def of(cls, problem: QoEOffloading, collision_penalty: float = 1.0) -> QoECodec:
        return cls(problem.n_users, problem.n_subchannels, len(problem.data_bits), collision_penalty)

    @property
    def obs_size(self) -> int:
        """Per agent: K channel gains, the task (one-hot), three weights, mu_min, and the agent's index."""
        return self.n_subchannels + self.n_tasks + 3 + 1 + self.n_users

    @property
    def choices(self) -> int:
        """Discrete choices of an agent: local (0) or sub-channel k (k + 1)."""
        return self.n_subchannels + 1

    def observe(self, problem: QoEOffloading) -> np.ndarray:
        """float32[N, obs_size]: one row per agent."""
        n = self.n_users
        gains = _log_gain(problem.gain).T  # [N, K]
        task = np.eye(self.n_tasks)[problem.task]
        ident = np.eye(n)
        return np.concatenate([gains, task, problem.weights, problem.mu_min[:, None], ident], axis=1).astype(
            np.float32)

    def decode(self, problem: QoEOffloading, choice: np.ndarray, params: np.ndarray) -> QoESolution:
        """``choice[n]`` in ``0..K`` and ``params[n]`` in ``[0, 1]^3`` (power, clock, extraction factor, each
        mapped onto its box) to a solution; a local user keeps the lowest power and ``mu = 1``."""
        choice = np.clip(np.asarray(choice, dtype=np.int64), 0, self.n_subchannels)
        z = np.clip(np.asarray(params, dtype=float).reshape(self.n_users, 3), 0.0, 1.0)
        offload = choice > 0
        power = problem.power_min + z[:, 0] * (problem.power_max - problem.power_min)
        freq = problem.freq_min + z[:, 1] * (problem.freq_max - problem.freq_min)
        mu = problem.mu_min + z[:, 2] * (1.0 - problem.mu_min)
        return QoESolution(offload, np.where(offload, choice - 1, -1), np.where(offload, power, problem.power_min),
                           freq, np.where(offload, mu, 1.0))

    def collisions(self, solution: QoESolution) -> int:
        """Users on a sub-channel someone else holds too."""
        held = solution.channel[solution.offload & (solution.channel >= 0)]
        counts = np.bincount(held, minlength=self.n_subchannels)
        return int(counts[counts > 1].sum())

    def reward(self, problem: QoEOffloading, solution: QoESolution) -> tuple[float, bool]:
        """Eq 12 summed over users, less the collision penalty; and whether ``evaluate()`` finds it feasible."""
        verdict = problem.evaluate(solution)
        return (verdict.metrics["reward_eq12"] - self.collision_penalty * self.collisions(solution),
                verdict.feasible)


def selection_reward(problem: ModelSelection, solution: SelectionSolution) -> tuple[float, bool]:
    """Eq 12 of Lin et al. as ``evaluate()`` computes it, and feasibility."""
    verdict = problem.evaluate(solution)
    return verdict.metrics["reward_eq12"], verdict.feasible
