"""Gymnasium environments of QoEOffloading and ModelSelection (the ``learned`` extra: imports gymnasium).

Both problems are static: one instance is one decision (a slot of the
QoE queue; one allocation round of model selection; spec A2 and B2.9), so
an episode is one step on an instance drawn afresh at every reset.
Instances come from the scenario the given problem was loaded from
(``problem.info["scenario"]``) with seeds the environment draws from its
own generator -- train on some seeds, test on others, as both papers do --
or, for a problem built by hand, are that problem itself.  Rewards are each
paper's eq 12 as ``evaluate()`` computes it (:mod:`.codec`).

* :class:`SelectionEnv` -- one agent: Box observation, Box action in
  ``[0, 1]^{3M}`` (:class:`~.codec.SelectionCodec`);
* :class:`QoEEnv` -- N agents as one environment: observation ``[N, d]``
  (row n is agent n's view, the flattened array is the centralised critic's
  state), action ``(choices[N], params[N, 3])`` (:class:`~.codec.QoECodec`).
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from semopt.origins import origin, sibling
from semopt.problems.model_selection import ModelSelection
from semopt.problems.qoe import QoEOffloading
from semopt.solvers.learned.codec import QoECodec, SelectionCodec, selection_reward

__all__ = ["InstanceSource", "SelectionEnv", "QoEEnv"]

_SEEDS = 2**63 - 1  # training seeds: any scenario seed
OBS_BOUND = 1e3  # observations are O(1) by construction (codec); the bound only keeps the space finite


def _bounded(obs: np.ndarray) -> np.ndarray:
    return np.clip(obs, -OBS_BOUND, OBS_BOUND)


class InstanceSource:
    """Training instances like ``problem``: its scenario with other seeds (and, for a queue, any slot)."""

    def __init__(self, problem: Any) -> None:
        self.problem = problem
        self.origin = origin(problem)

    @property
    def varied(self) -> bool:
        """Whether instances vary (a scenario) or the problem itself is the only one (built by hand)."""
        return self.origin is not None

    def draw(self, rng: np.random.Generator) -> Any:
        if self.origin is None:
            return self.problem
        params = self.origin["params"]
        seed = int(rng.integers(0, _SEEDS))
        while seed == params.get("seed"):  # never train on the instance to be decided
            seed = int(rng.integers(0, _SEEDS))
        changes: dict[str, Any] = {"seed": seed}
        if "slot" in params and "queue_length" in params:
            changes["slot"] = int(rng.integers(0, params["queue_length"]))
        return sibling(self.problem, **changes)


class SelectionEnv(gym.Env):
    """ModelSelection as a one-step episode (module docstring); ``reward_scale`` divides eq 12 for training."""

    metadata: dict[str, Any] = {"render_modes": []}

    def __init__(self, problem: ModelSelection, *, reward_scale: float = 100.0) -> None:
        self.codec = SelectionCodec.of(problem)
        self.source = InstanceSource(problem)
        self.reward_scale = reward_scale
        self.observation_space = spaces.Box(-OBS_BOUND, OBS_BOUND, (self.codec.obs_size,), np.float32)
        self.action_space = spaces.Box(0.0, 1.0, (self.codec.action_size,), np.float32)
        self.instance: ModelSelection = problem

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[np.ndarray, dict]:
        super().reset(seed=seed)
        self.instance = self.source.draw(self.np_random)
        return _bounded(self.codec.observe(self.instance)), {}

    def step(self, action: np.ndarray) -> tuple[np.ndarray, float, bool, bool, dict]:
        solution = self.codec.decode(self.instance, action)
        reward, feasible = selection_reward(self.instance, solution)
        info = {"reward_eq12": reward, "feasible": feasible}
        return _bounded(self.codec.observe(self.instance)), reward / self.reward_scale, True, False, info


class QoEEnv(gym.Env):
    """QoEOffloading's N agents as one one-step environment (module docstring)."""

    metadata: dict[str, Any] = {"render_modes": []}

    def __init__(self, problem: QoEOffloading, *, collision_penalty: float = 1.0) -> None:
        self.codec = QoECodec.of(problem, collision_penalty)
        self.source = InstanceSource(problem)
        n = problem.n_users
        self.observation_space = spaces.Box(-OBS_BOUND, OBS_BOUND, (n, self.codec.obs_size), np.float32)
        self.action_space = spaces.Tuple((spaces.MultiDiscrete([self.codec.choices] * n),
                                          spaces.Box(0.0, 1.0, (n, 3), np.float32)))
        self.instance: QoEOffloading = problem

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[np.ndarray, dict]:
        super().reset(seed=seed)
        self.instance = self.source.draw(self.np_random)
        return _bounded(self.codec.observe(self.instance)), {}

    def step(self, action: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, float, bool, bool, dict]:
        choices, params = action
        solution = self.codec.decode(self.instance, choices, params)
        reward, feasible = self.codec.reward(self.instance, solution)
        info = {"feasible": feasible, "collisions": self.codec.collisions(solution)}
        return _bounded(self.codec.observe(self.instance)), float(reward), True, False, info
