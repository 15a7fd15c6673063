"""What solving returns: a problem's verdict on a solution, a solver's raw output, the Result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Status", "Result", "Evaluation", "SolverOutput"]


class Status:
    """Status strings of :attr:`Result.status`, defined once."""

    OPTIMAL = "optimal"
    CONVERGED = "converged"
    MAX_ITER = "max_iter"
    TIME_LIMIT = "time_limit"
    STOPPED = "stopped"
    INFEASIBLE = "infeasible"

    ALL = (OPTIMAL, CONVERGED, MAX_ITER, TIME_LIMIT, STOPPED, INFEASIBLE)


@dataclass(frozen=True)
class Evaluation:
    """A problem's judgement of one solution.

    Attributes
    ----------
    objective : float
        Objective value in the problem's own sense (see ``problem.sense``).
    feasible : bool
        True when ``violations`` is empty.
    violations : list of str
        One line per violated constraint, each naming the constraint
        (e.g. ``"(9h) delay of user 3 is 1.2 s > tau = 0.8 s"``).
    metrics : dict of str to float
        Problem-specific figures (delays, rates, loads...).
    """

    objective: float
    feasible: bool
    violations: list[str] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)


@dataclass
class SolverOutput:
    """What a solver function hands back to :func:`semopt.solve`, which re-judges it.

    Attributes
    ----------
    solution : object
        The problem's Solution dataclass.
    status : str
        One of :class:`Status`; ``solve`` turns it into ``"infeasible"`` when
        ``problem.evaluate`` finds a violated constraint.
    history : list of float
        Objective after each outer iteration (empty for one-shot solvers).
    message : str
        Why the solver stopped.
    metrics : dict of str to float
        Solver figures (iterations, bounds, gaps...), merged over the
        problem's own metrics in the Result.
    """

    solution: Any
    status: str
    history: list[float] = field(default_factory=list)
    message: str = ""
    metrics: dict[str, float] = field(default_factory=dict)


@dataclass
class Result:
    """What :func:`semopt.solve` returns.

    ``feasible`` comes from ``problem.evaluate(solution)``, never from the
    solver's own belief; ``objective`` is the evaluated objective.
    """

    status: str
    objective: float
    solution: Any
    feasible: bool
    metrics: dict[str, float] = field(default_factory=dict)
    history: list[float] = field(default_factory=list)
    solve_time: float = 0.0
    solver: str = ""
    message: str = ""

    def __repr__(self) -> str:
        return (
            f"Result(status={self.status!r}, objective={self.objective:.6g}, "
            f"feasible={self.feasible}, solver={self.solver!r}, "
            f"iterations={len(self.history)}, solve_time={self.solve_time:.3g}s, "
            f"message={self.message!r})"
        )
