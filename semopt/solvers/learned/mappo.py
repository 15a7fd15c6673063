"""``mappo``: Chen et al.'s multi-agent PPO on QoEOffloading (§IV-B, eq 16-28, Algorithm 1, Tables III-IV).

One agent per user.  All agents share one actor (parameter sharing: the
observation row of :class:`~.codec.QoECodec` ends with a one-hot agent id,
so a shared network can still act differently per user); one centralised
critic ``V(s)`` sees the state ``s``, every agent's observation flattened.

Hybrid action (§IV-A: ``a_n = {rho_n, x_{k,n}, p_n, f_n, mu_n}``)
    a categorical over ``K + 1`` choices (local, or sub-channel k) and a
    diagonal Gaussian over three unbounded numbers ``u``, whose sigmoid is
    the (power, clock, extraction factor) triple in ``[0, 1]^3`` the codec
    maps onto the boxes.  The sigmoid is applied by the environment side, so
    the policy's log-probability is that of ``u`` itself: the Jacobian of
    the squash would cancel in every ratio of eq 17 anyway.  The log standard
    deviations are parameters of their own (state-independent, as usual for
    PPO), kept in ``[-5, 1]``.  The decision is the mode: the most likely
    choice and ``sigmoid(mean)``.

Networks (Table III)
    actor and critic are FC(hidden) + ReLU + LayerNorm, twice, then a linear
    head.  The table's multi-layer GRU is left out: an episode is one step
    (one slot, :mod:`.envs`), so a recurrent state would never carry
    anything from one step to the next.

Update (Algorithm 1)
    a rollout of ``ROLLOUT`` episodes under the current policy, advantages by
    GAE (eq 21-22, :func:`gae`; with one-step episodes it reduces to
    ``A = r - V(s)``), then ``EPOCHS`` passes over the rollout in minibatches
    of ``MINIBATCH`` episodes: the actor ascends the clipped surrogate (eq
    23-24) plus ``entropy`` times the policy entropy (eq 27), the critic
    descends ``(V(s) - R)^2`` (eq 25, 28), each with its own Adam.  Every
    agent's probability ratio is clipped on its own; all agents share the
    team reward ``r = sum_n r_n`` (eq 12) and hence its advantage.

Reward as learning signal
    the environment's reward is eq 12 summed over users, less the collision
    penalty.  Eq 12's penalties are unbounded (a user offloading over a poor
    channel can miss t_max a thousandfold), and one such draw would swamp the
    advantages of a whole rollout, so the learning signal is the reward
    floored at ``-1`` per user (:func:`~.nets.learning_signal`); any floored outcome
    is still worse than running everything locally (+0.5 per user).
    ``history`` records the reward itself, unfloored: the mean over the
    episodes of each rollout.

Defaults versus Table IV
    clip 0.2, GAE lambda 0.95 and gamma 0.99 are the paper's; the learning
    rate (3e-4 against 1e-4) and the entropy weight (0.01 against 0.1) are
    options whose defaults suit a budget of 20 000 steps; rollouts of 64
    episodes, 4 epochs and minibatches of 32 replace the paper's batch 2 and
    5 epochs, which would need an update per two episodes.

Determinism
    the initial weights come from ``seed`` (in a forked torch generator),
    actions, instances and minibatch orders from numpy generators seeded by
    it, and torch runs on one thread: the same seed gives the same weights.

References
----------
.. [1] X. Chen, D. Feng, W. Jiang, Q. Luo, G. Chen, Y. Sun, "QoE-Driven
   Multi-Task Offloading for Semantic-Aware Edge Computing Systems", IEEE
   Transactions on Network Science and Engineering, 2026 (arXiv:2407.11018),
   §IV-B, eq 12 and 16-28, Algorithm 1, Tables III-IV.
.. [2] J. Schulman, P. Moritz, S. Levine, M. Jordan, P. Abbeel,
   "High-Dimensional Continuous Control Using Generalized Advantage
   Estimation", ICLR 2016 (the paper's [100]).
"""

from __future__ import annotations

import math
import time
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

__all__ = ["train", "decide", "gae"]

GAMMA = 0.99  # Table IV
LAMBDA = 0.95  # Table IV, the GAE lambda
CLIP = 0.2  # Table IV, epsilon of eq 24
ROLLOUT = 64  # episodes per update
EPOCHS = 4  # passes over each rollout
MINIBATCH = 32  # episodes per gradient step
MAX_GRAD_NORM = 0.5  # the usual PPO safeguard against one exploding minibatch
LOG_STD_RANGE = (-5.0, 1.0)  # past 1, sigmoid(u) is nearly always 0 or 1; below -5 exploration has ended
HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


# ------------------------------------------------------------------ GAE (eq 21-22)
def gae(rewards: np.ndarray, values: np.ndarray, dones: np.ndarray, last_value: float = 0.0, *,
        gamma: float = GAMMA, lam: float = LAMBDA) -> tuple[np.ndarray, np.ndarray]:
    """Generalised advantage estimates of a T-step rollout, and the returns the critic regresses on.

    Parameters
    ----------
    rewards, values, dones : float[T]
        ``r_t``, ``V(s_t)`` and whether the episode ended after step t
        (then nothing after t is bootstrapped).
    last_value : float, default 0
        ``V(s_T)``, the state after the rollout (ignored when ``dones[-1]``).
    gamma, lam : float, default 0.99, 0.95
        Table IV's reward discount and GAE lambda.

    Returns
    -------
    advantages, returns : float[T]
        ``A_t = sum_l (gamma lam)^l delta_{t+l}`` (eq 22, stopped at episode
        ends) with ``delta_t = r_t + gamma V(s_{t+1}) - V(s_t)`` (eq 21), and
        ``R_t = A_t + V(s_t)``.

    Examples
    --------
    >>> adv, ret = gae(np.array([1.0, 2.0]), np.array([0.5, 0.5]), np.array([1.0, 1.0]))
    >>> adv.tolist(), ret.tolist()
    ([0.5, 1.5], [1.0, 2.0])
    """
    rewards = np.asarray(rewards, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    going = 1.0 - np.asarray(dones, dtype=np.float64)
    nxt = np.append(values[1:], last_value)
    delta = rewards + gamma * going * nxt - values
    advantages = np.zeros_like(delta)
    running = 0.0
    for t in range(len(delta) - 1, -1, -1):  # A_t = delta_t + gamma lam A_{t+1}, restarted at episode ends
        running = delta[t] + gamma * lam * going[t] * running
        advantages[t] = running
    return advantages, advantages + values


# ------------------------------------------------------------------ networks (Table III)
class Actor(nn.Module):
    """The shared actor: an agent's observation row to its hybrid action distribution."""

    def __init__(self, obs_size: int, choices: int, hidden: int) -> None:
        super().__init__()
        self.body = trunk(obs_size, hidden)
        self.logits = nn.Linear(hidden, choices)
        self.mean = nn.Linear(hidden, 3)
        self.log_std = nn.Parameter(torch.zeros(3))
        for head in (self.logits, self.mean):  # near-uniform choices and params near 0.5 at the start
            nn.init.orthogonal_(head.weight, gain=0.01)
            nn.init.zeros_(head.bias)

    def forward(self, obs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        h = self.body(obs)
        return self.logits(h), self.mean(h), self.log_std.clamp(*LOG_STD_RANGE).expand(*obs.shape[:-1], 3)


class Critic(nn.Module):
    """The centralised critic V(s), s = every agent's observation, flattened."""

    def __init__(self, state_size: int, hidden: int) -> None:
        super().__init__()
        self.body = trunk(state_size, hidden)
        self.head = nn.Linear(hidden, 1)

    def forward(self, state: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(state)).squeeze(-1)


class ActorCritic(nn.Module):
    """Both networks, so that one state_dict holds the policy."""

    def __init__(self, agents: int, obs_size: int, choices: int, hidden: int) -> None:
        super().__init__()
        self.actor = Actor(obs_size, choices, hidden)
        self.critic = Critic(agents * obs_size, hidden)


def _build(config: dict[str, Any]) -> ActorCritic:
    return ActorCritic(int(config["agents"]), int(config["obs_size"]), int(config["choices"]), int(config["hidden"]))


# ------------------------------------------------------------------ acting
def _log_prob(actor: Actor, obs: torch.Tensor, choice: torch.Tensor,
              u: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Log-probability of each agent's hybrid action under ``actor``, and each agent's policy entropy.

    Written out rather than through ``torch.distributions``, whose argument checks cost more than the
    arithmetic on networks this small.
    """
    logits, mean, log_std = actor(obs)
    logp_all = torch.log_softmax(logits, -1)
    logp_choice = logp_all.gather(-1, choice.unsqueeze(-1)).squeeze(-1)
    z = (u - mean) * torch.exp(-log_std)
    logp_u = (-0.5 * z.pow(2) - log_std - HALF_LOG_2PI).sum(-1)
    ent_choice = -(logp_all.exp() * logp_all).sum(-1)
    ent_u = (0.5 + HALF_LOG_2PI + log_std).sum(-1)
    return logp_choice + logp_u, ent_choice + ent_u


def _sample(actor: Actor, obs: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Every agent's choice and pre-squash ``u``, drawn with ``rng`` (inverse CDF and normal draws)."""
    with torch.no_grad():
        logits, mean, log_std = (t.numpy() for t in actor(torch.from_numpy(obs)))
    probs = np.exp(logits - logits.max(-1, keepdims=True))
    cdf = np.cumsum(probs / probs.sum(-1, keepdims=True), -1)
    choice = np.minimum((cdf < rng.random((len(obs), 1))).sum(-1), cdf.shape[-1] - 1)
    u = mean + np.exp(log_std) * rng.standard_normal(mean.shape)
    return choice, u.astype(np.float32)


def _sigmoid(u: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(u, dtype=np.float64)))  # no overflow for large |u|


def _rollout(env: QoEEnv, actor: Actor, episodes: int, rng: np.random.Generator,
             first_seed: int | None) -> dict[str, np.ndarray]:
    """``episodes`` one-step episodes under the current (stochastic) policy."""
    obs_l, choice_l, u_l, reward_l = [], [], [], []
    for i in range(episodes):
        obs, _ = env.reset(seed=first_seed if i == 0 else None)
        choice, u = _sample(actor, obs, rng)
        _, reward, _, _, _ = env.step((choice, _sigmoid(u)))
        obs_l.append(obs)
        choice_l.append(choice)
        u_l.append(u)
        reward_l.append(reward)
    return {"obs": np.stack(obs_l), "choice": np.stack(choice_l), "u": np.stack(u_l),
            "reward": np.array(reward_l)}


# ------------------------------------------------------------------ learning
def _update(net: ActorCritic, actor_opt: torch.optim.Optimizer, critic_opt: torch.optim.Optimizer,
            batch: dict[str, np.ndarray], entropy: float, n_users: int, rng: np.random.Generator) -> None:
    """Algorithm 1, lines 2-8: theta' <- theta, GAE over the rollout, then epochs of eq 27 and eq 28."""
    obs = torch.from_numpy(batch["obs"])
    state = obs.reshape(len(obs), -1)
    choice = torch.from_numpy(batch["choice"])
    u = torch.from_numpy(batch["u"])
    with torch.no_grad():  # the sampling policy theta' and V(s) are the networks before this update
        old, _ = _log_prob(net.actor, obs, choice, u)
        values = net.critic(state).numpy()
    signal = learning_signal(batch["reward"], n_users)
    adv, ret = gae(signal, values, np.ones_like(signal))  # every episode ends after its one step
    # Normalised per rollout, so that the step size does not depend on the scale of eq 12.
    adv = (adv - adv.mean()) / (adv.std() + 1e-8)
    adv_t = torch.as_tensor(adv, dtype=torch.float32)
    ret_t = torch.as_tensor(ret, dtype=torch.float32)
    for _ in range(EPOCHS):
        order = rng.permutation(len(obs))
        for start in range(0, len(order), MINIBATCH):
            idx = torch.from_numpy(order[start:start + MINIBATCH])
            logp, ent = _log_prob(net.actor, obs[idx], choice[idx], u[idx])
            ratio = torch.exp(logp - old[idx])  # eq 16-17, one ratio per agent
            a = adv_t[idx, None]  # the team's advantage, shared by its agents
            surrogate = torch.min(ratio * a, ratio.clamp(1 - CLIP, 1 + CLIP) * a)  # eq 23-24
            actor_loss = -(surrogate.mean() + entropy * ent.mean())  # eq 27
            actor_opt.zero_grad()
            actor_loss.backward()
            nn.utils.clip_grad_norm_(net.actor.parameters(), MAX_GRAD_NORM)
            actor_opt.step()
            critic_loss = (net.critic(state[idx]) - ret_t[idx]).pow(2).mean()  # eq 25, 28
            critic_opt.zero_grad()
            critic_loss.backward()
            nn.utils.clip_grad_norm_(net.critic.parameters(), MAX_GRAD_NORM)
            critic_opt.step()


def train(problem: QoEOffloading, *, seed: int, steps: int, seconds: float | None = None, lr: float = 3e-4,
          hidden: int = 256, entropy: float = 0.01, collision_penalty: float = 1.0) -> Policy:
    """Train a MAPPO policy on instances drawn like ``problem`` (:class:`~.envs.QoEEnv`).

    Parameters
    ----------
    problem : QoEOffloading
        Fixes the sizes and, through its scenario, the training instances.
    seed : int
        Seeds the initial weights, the action samples, the instances and the
        minibatch order: same seed, same weights.
    steps : int
        Environment steps (instances decided) at most; 0 returns the
        initialised, untrained policy.
    seconds : float, optional
        Wall-clock budget, checked between updates.
    lr, hidden, entropy, collision_penalty
        The solver's options (:mod:`semopt.solvers.learned`).

    Returns
    -------
    Policy
        ``history``: the mean reward (eq 12 less the collision penalty) of
        each rollout's episodes.
    """
    codec = QoECodec.of(problem, collision_penalty)
    config = {"agents": codec.n_users, "obs_size": codec.obs_size, "choices": codec.choices, "hidden": int(hidden),
              "lr": float(lr), "entropy": float(entropy), "collision_penalty": float(collision_penalty),
              "rollout": ROLLOUT, "epochs": EPOCHS, "minibatch": MINIBATCH, "clip": CLIP, "seed": int(seed)}
    start = time.perf_counter()
    with single_thread():
        with seeded_init(seed):
            net = _build(config)
        rng = np.random.default_rng(seed)
        env = QoEEnv(problem, collision_penalty=collision_penalty)
        actor_opt = torch.optim.Adam(net.actor.parameters(), lr=lr, fused=True)
        critic_opt = torch.optim.Adam(net.critic.parameters(), lr=lr, fused=True)
        history: list[float] = []
        used = 0
        while used < steps and (seconds is None or time.perf_counter() - start < seconds):
            episodes = min(ROLLOUT, steps - used)
            batch = _rollout(env, net.actor, episodes, rng, seed if used == 0 else None)
            used += episodes
            history.append(float(batch["reward"].mean()))
            _update(net, actor_opt, critic_opt, batch, entropy, codec.n_users, rng)
    weights = snapshot(net)
    return Policy("mappo", sizes_of(problem), config, weights, history, time.perf_counter() - start, used)


def decide(policy: Policy, problem: QoEOffloading) -> QoESolution:
    """The policy's mode on ``problem``: each agent's likeliest choice and ``sigmoid`` of its mean."""
    net = restore(policy, problem, _build)
    codec = QoECodec.of(problem)
    with torch.no_grad():
        logits, mean, _ = net.actor(torch.from_numpy(codec.observe(problem)))
    return codec.decode(problem, logits.argmax(-1).numpy(), torch.sigmoid(mean).double().numpy())
