"""The one outer loop shared by every iterative solver (BCD, best response, Dinkelbach...).

It owns termination (``max_iter``, ``tol``, ``time_limit``), the history of
objective values and the user's callback, so that each solver only writes
its step.  Modelled on pymoo's ``Algorithm`` template.

Examples
--------
>>> loop = Loop(max_iter=3, tol=0.0, time_limit=None, callback=None)
>>> while loop.running():
...     _ = loop.record(float(loop.iteration), solution=None)
>>> loop.status, loop.history
('max_iter', [0.0, 1.0, 2.0])
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from semopt.result import Status

__all__ = ["Loop"]


class Loop:
    """Termination, history and callback for an iterative solver.

    Call :meth:`running` before each iteration and :meth:`record` after it.
    Convergence: ``|v_t - v_{t-1}| <= tol * max(1, |v_{t-1}|)``.
    """

    def __init__(
        self,
        *,
        max_iter: int,
        tol: float,
        time_limit: float | None,
        callback: Callable[[int, float, Any], Any] | None,
    ) -> None:
        self.max_iter = max_iter
        self.tol = tol
        self.time_limit = time_limit
        self.callback = callback
        self.history: list[float] = []
        self.status: str | None = None
        self.message = ""
        self._start = time.perf_counter()

    @property
    def iteration(self) -> int:
        return len(self.history)

    def elapsed(self) -> float:
        return time.perf_counter() - self._start

    def out_of_time(self) -> bool:
        return self.time_limit is not None and self.elapsed() >= self.time_limit

    def running(self) -> bool:
        if self.status is not None:
            return False
        if self.iteration >= self.max_iter:
            self.status, self.message = Status.MAX_ITER, f"reached max_iter={self.max_iter}"
            return False
        if self.out_of_time():
            self.status, self.message = Status.TIME_LIMIT, f"reached time_limit={self.time_limit} s"
            return False
        return True

    def record(self, value: float, solution: Any, *, may_stop: bool = True) -> bool:
        """Record the objective after one iteration; decide whether to stop.

        Returns whether the objective settled (changed by at most ``tol``).
        With ``may_stop=False`` settling does not end the loop: a solver
        whose next phase has not started yet keeps iterating.
        """
        previous = self.history[-1] if self.history else None
        self.history.append(float(value))
        if self.callback is not None:
            try:
                self.callback(self.iteration, float(value), solution)
            except StopIteration:
                self.status, self.message = Status.STOPPED, "callback raised StopIteration"
                return False
        settled = previous is not None and abs(value - previous) <= self.tol * max(1.0, abs(previous))
        if settled and may_stop:
            self.status = Status.CONVERGED
            self.message = f"objective changed by <= tol={self.tol:g} after {self.iteration} iterations"
        return settled
