"""Best-response dynamics: players in turn (Gauss-Seidel) or all at once (Jacobi) answer the others.

One round asks every player for its best response to the current state;
``respond(i)`` returns the response and what it gains over the player's
current choice, and ``move(i, response, gain)`` applies it (or not: a
discrete game keeps a choice that gains nothing, a continuous one may damp
the step).  Gauss-Seidel lets each player see the moves made before it in
the round; Jacobi answers the state at the start of the round.  The loop
(:class:`~semopt.loop.Loop`) records the value after every round and owns
``max_iter``, the time budget and the callback; the dynamics converge when
no player could gain more than the round's tolerance: an epsilon-Nash
equilibrium as the responses see it (an independent certificate lives in
:mod:`semopt.analysis.equilibrium`).

Used by the split family's sharing game and the game family's terminals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from semopt.loop import Loop

__all__ = ["SCHEMES", "best_response_dynamics"]

SCHEMES = ("gauss-seidel", "jacobi")


def best_response_dynamics(
    n_players: int,
    respond: Callable[[int], tuple[Any, float]],
    move: Callable[[int, Any, float], None],
    loop: Loop,
    *,
    after_round: Callable[[], tuple[float, Any]],
    scheme: str = "gauss-seidel",
    start_round: Callable[[], float] = lambda: 0.0,
    converged: str = "no player could gain more than {tol:g} in round {round}",
) -> None:
    """Play rounds of best responses until no player gains more than the round's tolerance or ``loop`` ends.

    Parameters
    ----------
    n_players : int
        Players ``0 .. n_players - 1``, visited in that order.
    respond : callable
        ``respond(i) -> (response, gain)`` against the current state.
    move : callable
        ``move(i, response, gain)`` updates the state.
    loop : Loop
        Records ``after_round()``'s value each round; ends the dynamics on
        ``max_iter``, time or a callback's ``StopIteration``.
    after_round : callable
        ``after_round() -> (value, solution)`` for the loop's history and callback.
    scheme : {"gauss-seidel", "jacobi"}
    start_round : callable
        Called at the start of each round, before any response: it may
        refresh the state (aggregates summed afresh, so that rounding never
        accumulates) and returns the round's tolerance, the gain at or below
        which the round counts as converged (it may scale with the state).
    converged : str
        The loop's message on convergence; ``{tol}`` and ``{round}`` are filled in.

    Examples
    --------
    Two players each choose the other's choice plus one, capped at 3:

    >>> state = [0, 0]
    >>> def respond(i):
    ...     best = min(state[1 - i] + 1, 3)
    ...     return best, float(best - state[i])
    >>> def move(i, choice, gain):
    ...     state[i] = choice
    >>> loop = Loop(max_iter=10)
    >>> best_response_dynamics(2, respond, move, loop, after_round=lambda: (float(sum(state)), list(state)))
    >>> state, loop.status, loop.history
    ([3, 3], 'converged', [3.0, 6.0, 6.0])
    """
    while loop.running():
        tol = start_round()
        if scheme == "jacobi":
            replies = [respond(i) for i in range(n_players)]
            for i, (response, gain) in enumerate(replies):
                move(i, response, gain)
            largest = max(gain for _, gain in replies)
        else:
            largest = float("-inf")
            for i in range(n_players):
                response, gain = respond(i)
                move(i, response, gain)
                largest = max(largest, gain)
        value, solution = after_round()
        loop.record(value, solution, may_stop=False)
        if largest <= tol:
            loop.converge(converged.format(tol=tol, round=loop.iteration))
