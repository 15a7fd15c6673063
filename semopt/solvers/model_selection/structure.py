"""The structure behind the exact search (spec B3.3): dominated models, and the rearrangement order.

* **Dominance.**  Model s' dominates s when it draws no more compute power
  (under the joint budget), takes no longer, sends no more bits and
  distorts no more, one of them strictly: moving a user from s to s'
  loosens (7b), lowers the user's floor and does not raise RDE's
  denominator, so s is never needed (Table I: LeNet dominates MobileNet).
  Of identical models one is kept.
* **Rearrangement.**  At any price ratio ``theta`` a user at its floor needs
  ``rho / log2(1 + x)`` Hz and ``rho x / (a log2(1 + x))`` W, both falling as
  its ``a = g / N0`` grows.  So for fixed counts of each model, giving the
  models with the larger floors to the better channels needs componentwise
  less of both budgets at every ``theta``: the best selection with those
  counts is that sorted one.  This needs the same order of floors for every
  user, i.e. one latency bound for all (``uniform_latency``).
"""

from __future__ import annotations

from collections.abc import Iterator
from math import comb

import numpy as np

from semopt.algorithms.enumeration import compositions
from semopt.models.model_selection import rate_floor
from semopt.problems.model_selection import ModelSelection

__all__ = ["undominated", "uniform_latency", "floor_order", "by_counts", "count_space"]


def undominated(problem: ModelSelection) -> np.ndarray:
    """Indices of the models no other model dominates (the first of identical ones), ascending.

    >>> import semopt
    >>> prob = semopt.scenarios.load("model-selection", users=2)
    >>> [prob.model_names[s] for s in undominated(prob)]
    ['LeNet', 'ResNet', 'DPN-26']
    """
    power = problem.model_power if problem.power_budget == "joint" else np.zeros(problem.n_models)
    traits = np.stack([power, problem.model_time, problem.data_bits, problem.model_loss], axis=1)
    kept = []
    for s in range(problem.n_models):
        better = np.all(traits <= traits[s], axis=1)
        strictly = better & np.any(traits < traits[s], axis=1)
        twin_before = np.flatnonzero(np.all(traits == traits[s], axis=1))[0] < s
        if not strictly.any() and not twin_before:
            kept.append(s)
    return np.array(kept, dtype=np.int64)


def uniform_latency(problem: ModelSelection) -> bool:
    """Whether every user has the same latency bound (the rearrangement needs one order of floors)."""
    return bool(np.all(problem.latency_max == problem.latency_max[0]))


def floor_order(problem: ModelSelection, models: np.ndarray) -> np.ndarray:
    """``models`` sorted by their floor under the common latency bound, largest first (ties by index)."""
    models = np.asarray(models, dtype=np.int64)
    rho = rate_floor(problem.data_bits[models], problem.latency_max[0], problem.model_time[models])
    return models[np.lexsort((models, -rho))]


def count_space(users: int, models: int) -> int:
    """Number of count vectors of ``users`` users over ``models`` models: ``C(users + models - 1, models - 1)``."""
    return comb(users + models - 1, models - 1)


def by_counts(order: np.ndarray, users: np.ndarray) -> Iterator[tuple[tuple[int, ...], np.ndarray]]:
    """For each count vector over the models of ``order``, the models of ``users`` (strongest first) in the
    rearrangement order: the first ``counts[0]`` users get ``order[0]``, and so on."""
    for counts in compositions(users.size, order.size):
        yield counts, np.repeat(order, counts)
