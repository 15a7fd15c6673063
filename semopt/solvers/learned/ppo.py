"""``ppo``: Lin et al.'s PPO (§III-B, Algorithm 1) by stable-baselines3, on :class:`~.envs.SelectionEnv`.

The paper's agent observes the channels and the remaining budgets and
chooses, per user, a model and its power and bandwidth; its reward is eq 12.
Here an episode is one instance (problem (7) is static, spec B2.9), the
action is one Box in ``[0, 1]^{3M}`` (:class:`~.codec.SelectionCodec`: model
index ``floor(u S)``, then shares of the bandwidth and of the transmit
power), and the reward is eq 12 as ``evaluate()`` computes it, divided by
``reward_scale`` (100) for the value network's sake.  The paper trains with
lr 3e-5, 2048-step rollouts, batch 64, 15 epochs, gamma 0.995 for 150 x 2000
steps; the defaults here (lr 3e-4, 256-step rollouts, 10 epochs, 20 000
steps) fit a minute on two cores, and gamma does not matter for one-step
episodes.  Networks: two hidden layers of 64 (stable-baselines3's default MLP).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import torch
from stable_baselines3 import PPO
from stable_baselines3.common.callbacks import BaseCallback

from semopt.problems.model_selection import ModelSelection, SelectionSolution
from semopt.solvers.learned.codec import SelectionCodec, sizes_of
from semopt.solvers.learned.envs import SelectionEnv
from semopt.solvers.learned.nets import snapshot
from semopt.solvers.learned.policy import Policy

__all__ = ["train", "decide"]

NET_ARCH = [64, 64]
REWARD_SCALE = 100.0


class _Curve(BaseCallback):
    """Mean eq-12 reward of each rollout (the training curve), and the time budget."""

    def __init__(self, seconds: float | None) -> None:
        super().__init__()
        self.deadline = None if seconds is None else time.perf_counter() + seconds
        self.rewards: list[float] = []
        self.history: list[float] = []

    def _on_step(self) -> bool:
        self.rewards += [float(info["reward_eq12"]) for info in self.locals["infos"] if "reward_eq12" in info]
        return self.deadline is None or time.perf_counter() < self.deadline

    def _on_rollout_end(self) -> None:
        if self.rewards:
            self.history.append(float(np.mean(self.rewards)))
            self.rewards = []


def _model(problem: ModelSelection, seed: int, **hyper: Any) -> PPO:
    env = SelectionEnv(problem, reward_scale=REWARD_SCALE)
    return PPO("MlpPolicy", env, seed=seed, device="cpu", verbose=0, gamma=0.995,
               policy_kwargs={"net_arch": list(NET_ARCH)}, **hyper)


def train(problem: ModelSelection, *, seed: int, steps: int, seconds: float | None, lr: float, n_steps: int,
          batch_size: int, epochs: int) -> Policy:
    """Train a PPO policy on instances like ``problem`` for ``steps`` steps (or ``seconds``)."""
    start = time.perf_counter()
    rollout = max(min(n_steps, steps), 2)  # a budget below one rollout still gets exactly its steps
    model = _model(problem, seed, learning_rate=lr, n_steps=rollout, batch_size=min(batch_size, rollout),
                   n_epochs=epochs)
    curve = _Curve(seconds)
    model.learn(total_timesteps=steps, callback=curve)
    weights = snapshot(model.policy)
    return Policy("ppo", sizes_of(problem), {"net_arch": list(NET_ARCH), "seed": seed}, weights, curve.history,
                  time.perf_counter() - start, int(model.num_timesteps))


def decide(policy: Policy, problem: ModelSelection) -> SelectionSolution:
    """The policy's mean action on ``problem``, decoded (nothing repaired: ``evaluate()`` judges it)."""
    model = _model(problem, int(policy.config.get("seed", 0)))
    model.policy.load_state_dict(policy.weights)
    codec = SelectionCodec.of(problem)
    with torch.no_grad():
        action, _ = model.policy.predict(codec.observe(problem), deterministic=True)
    return codec.decode(problem, np.asarray(action))
