"""A trained policy: what it was trained for, its weights and its training curve; saved and loaded as one file.

The file is a ``torch.save`` of plain data (strings, numbers, lists and
tensors), read back with ``weights_only=True``: loading a policy never runs
code from the file.  Deciding is the kind's own module (:mod:`.ppo`,
:mod:`.mappo`, :mod:`.d3qn`): it rebuilds the network from ``config`` and
loads ``weights``.
"""

from __future__ import annotations

import importlib
import os
import pickle
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import torch

from semopt.errors import SolverError

__all__ = ["Policy", "load_policy", "policy_module", "KINDS"]

KINDS = ("ppo", "mappo", "d3qn")
FORMAT = 1


def policy_module(kind: str) -> ModuleType:
    """The module that trains and runs ``kind`` policies (``train(problem, ...)``, ``decide(policy, problem)``)."""
    if kind not in KINDS:
        raise SolverError(f"Unknown learned policy kind {kind!r}; known: {', '.join(KINDS)}.")
    return importlib.import_module(f"semopt.solvers.learned.{kind}")


@dataclass
class Policy:
    """A trained policy for instances of ``sizes`` (``codec.sizes_of``)."""

    kind: str
    sizes: tuple[int, ...]
    config: dict[str, Any]
    weights: dict[str, torch.Tensor]
    history: list[float] = field(default_factory=list)
    train_time: float = 0.0
    train_steps: int = 0

    def decide(self, problem: Any) -> Any:
        """The policy's (deterministic) decision for ``problem``, as the family's Solution."""
        return policy_module(self.kind).decide(self, problem)

    def save(self, path: str | os.PathLike[str]) -> None:
        data = {"format": FORMAT, "kind": self.kind, "sizes": list(self.sizes), "config": self.config,
                "weights": self.weights, "history": [float(v) for v in self.history],
                "train_time": float(self.train_time), "train_steps": int(self.train_steps)}
        try:
            torch.save(data, os.fspath(path))
        except OSError as exc:
            raise SolverError(f"Cannot save the policy to {os.fspath(path)!r}: {exc}") from None


def load_policy(path: str | os.PathLike[str]) -> Policy:
    """Read a policy written by :meth:`Policy.save`; a missing or foreign file is a :class:`SolverError`."""
    where = os.fspath(path)
    try:
        data = torch.load(where, weights_only=True)
    except (OSError, RuntimeError, EOFError, ValueError, pickle.UnpicklingError) as exc:
        raise SolverError(f"Cannot read a semopt policy from {where!r}: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("kind") not in KINDS:
        raise SolverError(f"{where!r} is not a semopt policy file (format {FORMAT}).")
    return Policy(data["kind"], tuple(int(v) for v in data["sizes"]), dict(data["config"]), dict(data["weights"]),
                  list(data["history"]), float(data["train_time"]), int(data["train_steps"]))
