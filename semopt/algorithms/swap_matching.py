"""Swap matching with externalities: one engine, driven by preference functions.

A *matching* here is any assignment that is changed by *swaps*: two agents
exchange their partners, or an agent swaps with a *hole* (an empty slot), so
that the number of partners of an agent can change.  With externalities
(each agent's utility depends on the whole matching, through interference
and shared compute), preferences are over matchings, not partners, and the
standard notion is two-sided exchange stability [1]_ [2]_.

A use of the engine supplies a :class:`SwapMatching`:

* ``moves(state)`` lists candidate swaps of the current state;
* ``apply(state, move)`` returns the swapped state, or None if the move no
  longer applies;
* ``agents(move, before, after)`` returns two arrays, the preference values
  (lower is better) of every agent the swap involves, before and after.

Swap-blocking rule (``rule``):

``"paper"``
    eq 15 / 21-22: no involved agent is worse off, at least one is strictly
    better off **and** the system merit strictly improves.  The last clause
    is ours: with externalities, a swap the involved agents like can hurt
    users of other cells, and the paper's convergence argument (Prop. 2)
    needs each swap to be an ascent step of (9a); with it, swap matching
    terminates and BCD's objective never decreases.
``"welfare"``
    any swap that strictly improves the system merit (a stronger local
    search that ignores individual vetoes).  It is ``bcd``'s default: with
    eq 13's sums of log-delays (negative below 1 s), a BS vetoes every swap
    that takes a user from it, and releasing a subcarrier -- which only
    helps other cells -- is never blocking, so the paper's rule stalls
    (``semantic-mec`` seeds 0-4: mean delay 68.8 ms against 37.9 ms).

The engine runs passes over all moves until a pass accepts none; the final
state is exchange-stable under the same rule, which :func:`find_blocking`
checks independently.  The offloading family's Algorithms 1 and 2 are two
uses (:mod:`semopt.analysis.stability` defines their swaps).

References
----------
.. [1] J. Zhao, Y. Liu, K. K. Chai, Y. Chen, M. Elkashlan, "Many-to-many
   matching with externalities for device-to-device communications", IEEE
   Wireless Communications Letters 6(1), 2017.
.. [2] Y. Zheng, T. Zhang, X. Mu, Y. Liu, R. Huang, "Joint Semantic
   Transmission and Resource Allocation for Intelligent Computation Task
   Offloading in MEC Systems", arXiv:2503.08001, 2025, eq 15 and eq 20-22.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np

__all__ = ["SwapMatching", "RULES", "is_blocking", "run_swaps", "find_blocking"]

RULES = ("paper", "welfare")
S = TypeVar("S")  # matching state
A = TypeVar("A")  # assessment of a state
M = TypeVar("M")  # move descriptor

_EPS = 1e-12


@dataclass(frozen=True)
class SwapMatching(Generic[S, A, M]):
    """One use of the engine: its moves, how to apply one, and who has a say."""

    name: str
    moves: Callable[[S], Iterable[M]]
    apply: Callable[[S, M], S | None]
    agents: Callable[[M, S, A, S, A], tuple[np.ndarray, np.ndarray]]


def _agents_agree(before: np.ndarray, after: np.ndarray) -> bool:
    tol = _EPS * np.maximum(1.0, np.abs(before))
    return bool(np.all(after <= before + tol) and np.any(after < before - tol))


def is_blocking(
    matching: SwapMatching,
    move: Any,
    state: Any,
    assessment: Any,
    candidate: Any,
    cand_assessment: Any,
    *,
    rule: str,
    better: Callable[[Any, Any], bool],
) -> bool:
    """Whether ``move`` (already applied as ``candidate``) is swap-blocking under ``rule``."""
    if not better(cand_assessment, assessment):
        return False
    if rule == "welfare":
        return True
    before, after = matching.agents(move, state, assessment, candidate, cand_assessment)
    return _agents_agree(np.asarray(before, float), np.asarray(after, float))


def run_swaps(
    matching: SwapMatching,
    state: Any,
    assess: Callable[[Any], Any],
    *,
    rule: str,
    better: Callable[[Any, Any], bool],
    max_passes: int = 100,
    out_of_time: Callable[[], bool] = lambda: False,
    on_swap: Callable[[Any], None] | None = None,
) -> tuple[Any, Any, int]:
    """Apply swap-blocking swaps until none is left (or the budget runs out).

    Each pass lists the moves of the state it starts from and applies them
    in turn to the current state; ``on_swap(move)`` hears of every accepted
    one.  Returns ``(state, assessment, swaps)``.
    """
    current = assess(state)
    swaps = 0
    for _ in range(max_passes):
        changed = False
        for move in list(matching.moves(state)):
            candidate = matching.apply(state, move)
            if candidate is None:
                continue
            cand = assess(candidate)
            if is_blocking(matching, move, state, current, candidate, cand, rule=rule, better=better):
                state, current = candidate, cand
                swaps += 1
                changed = True
                if on_swap is not None:
                    on_swap(move)
            if out_of_time():
                return state, current, swaps
        if not changed:
            break
    return state, current, swaps


def find_blocking(
    matching: SwapMatching,
    state: Any,
    assess: Callable[[Any], Any],
    *,
    rule: str,
    better: Callable[[Any, Any], bool],
) -> Any | None:
    """The first swap-blocking move of ``state``, or None if it is exchange-stable."""
    current = assess(state)
    for move in matching.moves(state):
        candidate = matching.apply(state, move)
        if candidate is None:
            continue
        if is_blocking(matching, move, state, current, candidate, assess(candidate), rule=rule, better=better):
            return move
    return None
