"""``d3qn``: Chen et al.'s dueling double DQN baseline on QoEOffloading (§V-A, Figs 6-7; Table IV).

The paper gives D3QN one sentence: it "can only handle discrete action
spaces, so we also discretized the action space and used the same
environment as semantic-aware MAPPO", with a replay buffer of 30 000.  The
readings here, each a choice of ours:

Agents
    one per user, all sharing one Q-network (the observation row of
    :class:`~.codec.QoECodec` ends with a one-hot agent id).  They are
    independent learners: each regresses ``Q(o_n, a_n)`` on the team reward
    ``r = sum_n r_n`` (eq 12), so the other agents' actions are part of its
    environment.  A joint-action Q over ``A^N`` actions (75^4 for 4 users)
    is out of reach, and the shared team reward is what MAPPO's agents
    receive too.
Discrete actions (:func:`action_table`)
    local execution at each of ``CLOCKS``, or sub-channel k with every
    combination of ``POWERS`` x ``CLOCKS`` x ``FACTORS``: levels in the unit
    boxes the codec maps onto ``[p_min, p_max]``, ``[f_min, f_max]`` and
    ``[mu_min, 1]``.  A local user's power and extraction factor are not
    used (the codec sets them), so local is listed once per clock only:
    ``|CLOCKS| (1 + K |POWERS| |FACTORS|)`` actions (75 for K = 4).  The grid
    is coarse on purpose: each action's value is learned from that action's
    own samples, so every level added thins them out.  The lowest power is
    left out because ``exact`` offloads at full power on every instance we
    looked at (``qoe-offloading`` seeds 0-9).
Network
    Table III's body (FC + ReLU + LayerNorm, twice; no GRU, since an episode
    is one step), then the dueling heads ``Q = V + A - mean(A)``.
Learning
    epsilon-greedy per agent, epsilon falling linearly from 1 to
    ``EPS_END`` over the first half of the step budget (at most
    ``EPS_STEPS`` steps); a replay buffer of ``buffer`` agent transitions
    (one per agent and step); a squared-error gradient step on ``BATCH``
    transitions every ``TRAIN_EVERY`` environment steps; a target network
    copied every ``TARGET_EVERY`` gradient steps; the double-DQN target
    ``y = r + gamma (1 - done) Q_target(o', argmax_a Q(o', a))``
    (:func:`double_dqn_target`), which is ``y = r`` here since every
    episode ends after one step.  The reward is floored as for
    :mod:`.mappo` (:func:`~.mappo.learning_signal`).

``history`` is the mean reward (eq 12 less the collision penalty) of the
episodes of each block of ``BLOCK`` steps, exploration included; the
decision is every agent's greedy action.

References
----------
.. [1] X. Chen, D. Feng, W. Jiang, Q. Luo, G. Chen, Y. Sun, "QoE-Driven
   Multi-Task Offloading for Semantic-Aware Edge Computing Systems", IEEE
   Transactions on Network Science and Engineering, 2026 (arXiv:2407.11018),
   §V-A and Table IV.
.. [2] Z. Wang, T. Schaul, M. Hessel, H. van Hasselt, M. Lanctot, N. de
   Freitas, "Dueling Network Architectures for Deep Reinforcement
   Learning", ICML 2016; H. van Hasselt, A. Guez, D. Silver, "Deep
   Reinforcement Learning with Double Q-learning", AAAI 2016.
"""

from __future__ import annotations

import copy
import itertools
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from semopt.problems.qoe import QoEOffloading, QoESolution
from semopt.solvers.learned.codec import QoECodec, sizes_of
from semopt.solvers.learned.envs import QoEEnv
from semopt.solvers.learned.nets import (
    learning_signal,
    restore,
    seeded_init,
    single_thread,
    snapshot,
    trunk,
)
from semopt.solvers.learned.policy import Policy

__all__ = ["train", "decide", "action_table", "double_dqn_target", "DuelingQ", "Replay"]

POWERS = (0.5, 1.0)
CLOCKS = (0.0, 0.5, 1.0)  # 0.5 is the reference clock of eq 10 in the paper's box (1.6 GHz in (1.5, 1.7))
FACTORS = (0.0, 0.5, 1.0)
HIDDEN = 256  # Table III
GAMMA = 0.99  # Table IV
BATCH = 64  # agent transitions per gradient step
TRAIN_EVERY = 2  # environment steps per gradient step (each step adds one transition per user)
TARGET_EVERY = 250  # gradient steps between target-network copies
EPS_END = 0.05
EPS_STEPS = 10_000
BLOCK = 250  # environment steps per history entry


def action_table(choices: int, powers: Sequence[float] = POWERS, clocks: Sequence[float] = CLOCKS,
                 factors: Sequence[float] = FACTORS) -> np.ndarray:
    """float[A, 4]: rows ``(choice, power, clock, factor)`` of the discrete actions (module docstring)."""
    local = [(0, 0.0, clock, 1.0) for clock in clocks]
    remote = [(k, p, clock, mu) for k in range(1, choices)
              for p, clock, mu in itertools.product(powers, clocks, factors)]
    return np.array(local + remote, dtype=np.float64)


class DuelingQ(nn.Module):
    """``Q(o, a) = V(o) + A(o, a) - mean_a A(o, a)`` over Table III's body."""

    def __init__(self, obs_size: int, actions: int, hidden: int) -> None:
        super().__init__()
        self.body = trunk(obs_size, hidden)
        self.value = nn.Linear(hidden, 1)
        self.advantage = nn.Linear(hidden, actions)

    def forward(self, obs: torch.Tensor) -> torch.Tensor:
        h = self.body(obs)
        adv = self.advantage(h)
        return self.value(h) + adv - adv.mean(-1, keepdim=True)


def _build(config: dict[str, Any]) -> DuelingQ:
    return DuelingQ(int(config["obs_size"]), int(config["actions"]), int(config["hidden"]))


class Replay:
    """A ring buffer of agent transitions ``(o, a, r, o', done)``."""

    def __init__(self, capacity: int, obs_size: int) -> None:
        self.obs = np.zeros((capacity, obs_size), np.float32)
        self.next_obs = np.zeros((capacity, obs_size), np.float32)
        self.action = np.zeros(capacity, np.int64)
        self.reward = np.zeros(capacity, np.float32)
        self.done = np.zeros(capacity, np.float32)
        self.size = 0
        self.head = 0

    def add(self, obs: np.ndarray, action: np.ndarray, reward: float, next_obs: np.ndarray, done: bool) -> None:
        """One environment step: a row per agent, all with the team's reward."""
        for row in range(len(obs)):
            i = self.head
            self.obs[i], self.action[i], self.reward[i] = obs[row], action[row], reward
            self.next_obs[i], self.done[i] = next_obs[row], float(done)
            self.head = (i + 1) % len(self.obs)
            self.size = min(self.size + 1, len(self.obs))

    def sample(self, rng: np.random.Generator, count: int) -> tuple[torch.Tensor, ...]:
        idx = rng.integers(0, self.size, count)
        return tuple(torch.from_numpy(a[idx]) for a in (self.obs, self.action, self.reward, self.next_obs,
                                                         self.done))


def double_dqn_target(reward: torch.Tensor, done: torch.Tensor, next_obs: torch.Tensor, online: nn.Module,
                      target: nn.Module, gamma: float = GAMMA) -> torch.Tensor:
    """``y = r + gamma (1 - done) Q_target(o', argmax_a Q_online(o', a))``: the online network picks the
    action, the target network values it (van Hasselt et al.).  When every transition is terminal (always, for
    one-step episodes) nothing is bootstrapped and the two forward passes are skipped."""
    if bool(done.all()):
        return reward
    with torch.no_grad():
        best = online(next_obs).argmax(-1, keepdim=True)
        bootstrap = target(next_obs).gather(-1, best).squeeze(-1)
    return reward + gamma * (1.0 - done) * bootstrap


def _act(net: DuelingQ, obs: np.ndarray, epsilon: float, rng: np.random.Generator) -> np.ndarray:
    """Each agent's epsilon-greedy action index."""
    with torch.no_grad():
        greedy = net(torch.from_numpy(obs)).argmax(-1).numpy()
    explore = rng.random(len(obs)) < epsilon
    return np.where(explore, rng.integers(0, net.advantage.out_features, len(obs)), greedy)


def _to_env(table: np.ndarray, action: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rows = table[action]
    return rows[:, 0].astype(np.int64), rows[:, 1:]


def train(problem: QoEOffloading, *, seed: int, steps: int, seconds: float | None = None, lr: float = 1e-3,
          buffer: int = 30_000, collision_penalty: float = 1.0) -> Policy:
    """Train a D3QN policy on instances drawn like ``problem`` (:class:`~.envs.QoEEnv`).

    Parameters
    ----------
    problem : QoEOffloading
        Fixes the sizes and, through its scenario, the training instances.
    seed : int
        Seeds the initial weights, exploration, the instances and the replay
        samples: same seed, same weights.
    steps : int
        Environment steps (instances decided) at most; 0 returns the
        initialised, untrained network.
    seconds : float, optional
        Wall-clock budget, checked every ``BLOCK`` steps.
    lr, buffer, collision_penalty
        The solver's options (:mod:`semopt.solvers.learned`).

    Returns
    -------
    Policy
        ``history``: the mean reward (eq 12 less the collision penalty) of
        each block of ``BLOCK`` episodes.
    """
    codec = QoECodec.of(problem, collision_penalty)
    table = action_table(codec.choices, POWERS, CLOCKS, FACTORS)
    config = {"obs_size": codec.obs_size, "actions": len(table), "choices": codec.choices, "hidden": HIDDEN,
              "lr": float(lr), "buffer": int(buffer), "collision_penalty": float(collision_penalty),
              "powers": list(POWERS), "clocks": list(CLOCKS), "factors": list(FACTORS), "seed": int(seed)}
    start = time.perf_counter()
    decay = max(min(steps // 2, EPS_STEPS), 1)
    with single_thread():
        with seeded_init(seed):
            online = _build(config)
        target = copy.deepcopy(online)
        optimizer = torch.optim.Adam(online.parameters(), lr=lr, fused=True)
        rng = np.random.default_rng(seed)
        env = QoEEnv(problem, collision_penalty=collision_penalty)
        # Rows past steps x users would never be filled.
        replay = Replay(max(min(buffer, steps * codec.n_users), 1), codec.obs_size)
        history: list[float] = []
        block: list[float] = []
        updates = 0
        used = 0
        while used < steps:
            obs, _ = env.reset(seed=seed if used == 0 else None)
            epsilon = max(EPS_END, 1.0 - (1.0 - EPS_END) * used / decay)
            action = _act(online, obs, epsilon, rng)
            next_obs, reward, done, _, _ = env.step(_to_env(table, action))
            used += 1
            block.append(reward)
            replay.add(obs, action, float(learning_signal(reward, codec.n_users)), next_obs, done)
            if replay.size >= BATCH and used % TRAIN_EVERY == 0:
                o, a, r, o2, d = replay.sample(rng, BATCH)
                y = double_dqn_target(r, d, o2, online, target)
                q = online(o).gather(-1, a[:, None]).squeeze(-1)
                # Squared error, not Huber: Q must be the *mean* team reward, collisions included; Huber's
                # linear tails pull it towards the median, which ignores a collision risk under one half.
                loss = nn.functional.mse_loss(q, y)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                updates += 1
                if updates % TARGET_EVERY == 0:
                    target.load_state_dict(online.state_dict())
            if len(block) == BLOCK or used == steps:
                history.append(float(np.mean(block)))
                block = []
                if seconds is not None and time.perf_counter() - start >= seconds:
                    break
    weights = snapshot(online)
    return Policy("d3qn", sizes_of(problem), config, weights, history, time.perf_counter() - start, used)


def decide(policy: Policy, problem: QoEOffloading) -> QoESolution:
    """Every agent's greedy action on ``problem``."""
    net = restore(policy, problem, _build)
    codec = QoECodec.of(problem)
    with torch.no_grad():
        action = net(torch.from_numpy(codec.observe(problem))).argmax(-1).numpy()
    cfg = policy.config
    table = action_table(int(cfg["choices"]), cfg["powers"], cfg["clocks"], cfg["factors"])
    choice, params = _to_env(table, action)
    return codec.decode(problem, choice, params)
