"""One driver for every learned solver: train (or load), save, decide once, report (imports torch)."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import torch

from semopt.errors import SolverError
from semopt.result import SolverOutput, Status
from semopt.solvers.learned.codec import sizes_of
from semopt.solvers.learned.nets import single_thread
from semopt.solvers.learned.policy import load_policy, policy_module

__all__ = ["run"]


def run(kind: str, problem: Any, rng: np.random.Generator, time_limit: float | None,
        options: dict[str, Any]) -> SolverOutput:
    """Train a ``kind`` policy on instances like ``problem`` (or load one), then decide ``problem``."""
    options = dict(options)
    load_from, save_to = options.pop("load_from"), options.pop("save_to")
    steps, seconds = options.pop("steps"), options.pop("seconds")
    if time_limit is not None:  # the training shares the solve's time budget; deciding takes milliseconds
        seconds = time_limit if seconds is None else min(seconds, time_limit)
    if load_from is not None:
        policy = load_policy(load_from)
        if policy.kind != kind or policy.sizes != sizes_of(problem):
            raise SolverError(f"The policy in {load_from!r} is a {policy.kind} policy for sizes {policy.sizes}; "
                              f"solver {kind!r} on this instance needs sizes {sizes_of(problem)}.")
        note = f"policy loaded from {load_from}"
    else:
        seed = int(rng.integers(0, 2**31 - 1))
        torch.manual_seed(seed)
        with single_thread():  # small networks: one thread is faster, and sums add up alike on any machine
            policy = policy_module(kind).train(problem, seed=seed, steps=steps, seconds=seconds, **options)
        note = f"trained for {policy.train_steps} steps in {policy.train_time:.1f} s"
    if save_to is not None:
        policy.save(save_to)
    start = time.perf_counter()
    solution = policy.decide(problem)
    decided = time.perf_counter() - start
    metrics = {"train_time": float(policy.train_time), "train_steps": float(policy.train_steps),
               "decision_time": decided}
    return SolverOutput(solution, Status.CONVERGED, list(policy.history), note, metrics)
