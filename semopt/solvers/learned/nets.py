"""Pieces every torch-based learned solver shares: the network body of Table III (Chen et al.), the reward
they learn from, one-thread and seeded-initialisation contexts, and the check that a policy fits an instance."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import torch
from torch import nn

from semopt.errors import SolverError
from semopt.solvers.learned.codec import sizes_of
from semopt.solvers.learned.policy import Policy

__all__ = ["trunk", "learning_signal", "single_thread", "seeded_init", "check_sizes", "snapshot", "restore",
           "FLOOR_PER_USER"]

FLOOR_PER_USER = -1.0  # see learning_signal


def trunk(inputs: int, hidden: int) -> nn.Sequential:
    """Table III's body: FC(hidden) + ReLU + LayerNorm, twice."""
    return nn.Sequential(nn.Linear(inputs, hidden), nn.ReLU(), nn.LayerNorm(hidden),
                         nn.Linear(hidden, hidden), nn.ReLU(), nn.LayerNorm(hidden))


def learning_signal(reward: np.ndarray | float, n_users: int) -> np.ndarray:
    """The reward floored at ``FLOOR_PER_USER`` per user: what the networks learn from (module docstring)."""
    return np.maximum(np.asarray(reward, dtype=np.float64), FLOOR_PER_USER * n_users)


@contextlib.contextmanager
def single_thread() -> Iterator[None]:
    """Run torch on one thread, then restore the caller's setting.

    The networks are small: one thread is as fast as several, and the order
    of floating-point sums, hence the trained weights, no longer depends on
    how many cores the machine has.
    """
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@contextlib.contextmanager
def seeded_init(seed: int) -> Iterator[None]:
    """Draw initial weights from ``seed`` without touching the caller's global torch generator."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


def check_sizes(policy: Policy, problem: Any) -> None:
    if tuple(policy.sizes) != sizes_of(problem):
        raise SolverError(f"This {policy.kind} policy was trained for sizes {tuple(policy.sizes)} (users, "
                          f"sub-channels, task types); the instance has {sizes_of(problem)}.")


def snapshot(module: nn.Module) -> dict[str, torch.Tensor]:
    """A policy's weights: a detached copy of ``module``'s state, unaffected by further training."""
    return {key: value.detach().clone() for key, value in module.state_dict().items()}


def restore(policy: Policy, problem: Any, build: Callable[[dict[str, Any]], nn.Module]) -> Any:
    """The network of a saved ``policy``, for an instance of its sizes: ``build(policy.config)`` loaded with
    its weights."""
    check_sizes(policy, problem)
    with seeded_init(0):  # the initial weights are overwritten at once; leave the caller's generator alone
        net = build(policy.config)
    net.load_state_dict(policy.weights)
    return net
