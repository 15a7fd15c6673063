"""The one outer loop shared by every iterative solver, and the one wall-clock budget.

:class:`Loop` owns termination (``max_iter``, ``tol``, the time budget, the
user's callback raising ``StopIteration``), the history of objective values,
the status and the message, so that a solver only writes its step; it hands
back the :class:`~semopt.result.SolverOutput` with :meth:`Loop.output`.
:class:`Deadline` is the one time budget of a solve, shared by its parts
(restarts, per-frame re-solves, a backend's own time limit).  Modelled on
pymoo's ``Algorithm`` template, where the base owns termination and history.

Examples
--------
>>> loop = Loop(max_iter=3, tol=0.0)
>>> while loop.running():
...     _ = loop.record(float(loop.iteration), solution=None)
>>> loop.status, loop.history
('max_iter', [0.0, 1.0, 2.0])
>>> out = loop.output(solution=None)
>>> out.status, out.message
('max_iter', 'reached max_iter=3')
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from semopt.result import SolverOutput, Status

__all__ = ["Loop", "Deadline", "Callback"]

Callback = Callable[[int, float, Any], Any]
"""``callback(iteration, objective, solution)``, called after each outer iteration."""


class Deadline:
    """A wall-clock budget that starts when created; ``None`` means no limit.

    Parts of one solve share a deadline instead of each subtracting elapsed
    times by hand.

    Examples
    --------
    >>> Deadline(None).remaining() is None, Deadline(None).expired()
    (True, False)
    >>> d = Deadline(60.0)
    >>> 0.0 < d.remaining() <= 60.0, d.expired()
    (True, False)
    """

    def __init__(self, time_limit: float | None) -> None:
        self.time_limit = time_limit
        self._start = time.perf_counter()

    def elapsed(self) -> float:
        """Seconds since the deadline was created."""
        return time.perf_counter() - self._start

    def remaining(self) -> float | None:
        """Seconds left (0 once expired, never negative: it is handed to other solvers' time limits),
        or None without a limit."""
        return None if self.time_limit is None else max(self.time_limit - self.elapsed(), 0.0)

    def expired(self) -> bool:
        """Whether the budget is used up."""
        return self.time_limit is not None and self.elapsed() >= self.time_limit


class Loop:
    """Termination, history, status and callback of an iterative solver.

    Call :meth:`running` before each iteration and :meth:`record` after it;
    a solver with a convergence test of its own (no player moved, no gain
    above ``tol``) calls :meth:`converge`; :meth:`output` builds the
    :class:`~semopt.result.SolverOutput`.  Convergence by :meth:`record`:
    ``|v_t - v_{t-1}| <= tol * max(1, |v_{t-1}|)``.

    Parameters
    ----------
    max_iter : int
        Outer iterations at most.
    tol : float, default 0.0
        Relative change of the objective at which :meth:`record` converges
        (0: only an unchanged objective converges).
    time_limit : float, optional
        Seconds; ignored when ``deadline`` is given.
    callback : callable, optional
        ``callback(iteration, objective, solution)``; raising
        ``StopIteration`` stops the loop with status ``"stopped"``.
    deadline : Deadline, optional
        A budget shared with other parts of the solve.
    """

    def __init__(
        self,
        *,
        max_iter: int,
        tol: float = 0.0,
        time_limit: float | None = None,
        callback: Callback | None = None,
        deadline: Deadline | None = None,
    ) -> None:
        self.max_iter = max_iter
        self.tol = tol
        self.deadline = deadline if deadline is not None else Deadline(time_limit)
        self.callback = callback
        self._history: list[float] = []
        self._status: str | None = None
        self._message = ""

    @property
    def iteration(self) -> int:
        """Iterations recorded so far."""
        return len(self._history)

    @property
    def history(self) -> list[float]:
        """The objective after each iteration (a copy)."""
        return list(self._history)

    @property
    def status(self) -> str | None:
        """Why the loop ended (a :class:`~semopt.result.Status`), or None while it runs."""
        return self._status

    @property
    def message(self) -> str:
        return self._message

    def out_of_time(self) -> bool:
        return self.deadline.expired()

    def _stop(self, status: str, message: str) -> None:
        if self._status is None:
            self._status, self._message = status, message

    def running(self) -> bool:
        """Whether to run another iteration; sets the status when the answer is no."""
        if self._status is not None:
            return False
        if self.iteration >= self.max_iter:
            self._stop(Status.MAX_ITER, f"reached max_iter={self.max_iter}")
            return False
        if self.out_of_time():
            self._stop(Status.TIME_LIMIT, f"reached time_limit={self.deadline.time_limit} s")
            return False
        return True

    def record(self, value: float, solution: Any, *, may_stop: bool = True) -> bool:
        """Record the objective after one iteration; decide whether to stop.

        Returns whether the objective settled (changed by at most ``tol``).
        With ``may_stop=False`` settling does not end the loop: a solver
        whose next phase has not started yet, or that judges convergence by
        its own test (:meth:`converge`), keeps iterating.
        """
        previous = self._history[-1] if self._history else None
        self._history.append(float(value))
        if self.callback is not None:
            try:
                self.callback(self.iteration, float(value), solution)
            except StopIteration:
                self._stop(Status.STOPPED, "callback raised StopIteration")
                return False
        settled = previous is not None and abs(value - previous) <= self.tol * max(1.0, abs(previous))
        if settled and may_stop:
            self._stop(Status.CONVERGED,
                       f"objective changed by <= tol={self.tol:g} after {self.iteration} iterations")
        return settled

    def converge(self, message: str) -> None:
        """End the loop as converged by the solver's own test (no effect once it has ended)."""
        self._stop(Status.CONVERGED, message)

    def revise(self, value: float) -> None:
        """Replace the last recorded objective (a final polish belongs to the last iteration)."""
        if not self._history:
            raise ValueError("revise() needs a recorded iteration")
        self._history[-1] = float(value)

    def output(self, solution: Any, metrics: dict[str, float] | None = None, *,
               note: str = "") -> SolverOutput:
        """The solver's output: ``solution`` with this loop's status, history and message.

        A loop that ended without a verdict (the solver left it early) reports
        ``"max_iter"``.  ``note`` is appended to the message.
        """
        message = "; ".join(part for part in (self._message, note) if part)
        return SolverOutput(solution, self._status or Status.MAX_ITER, self.history, message, dict(metrics or {}))
