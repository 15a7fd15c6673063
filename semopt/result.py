"""What solving returns: a problem's verdict on a solution, a solver's raw output, the Result."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from semopt._json import SolutionIO, loads, plain, read_number, solution_from_json, solution_to_json
from semopt.errors import InvalidResultError, closest

__all__ = ["Status", "Result", "Evaluation", "SolverOutput", "SolutionIO"]


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

    A Result goes to JSON and back exactly with :meth:`to_json` and
    :meth:`from_json` (``semopt solve ... --json`` prints :meth:`to_json`).
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

    def to_dict(self) -> dict[str, Any]:
        """The result in plain JSON types, which :meth:`from_dict` reads back exactly (see :meth:`to_json`)."""
        values, kind = solution_to_json(self.solution)
        return {
            "status": self.status,
            "objective": plain(self.objective),
            "solution": values,
            "feasible": plain(self.feasible),
            "metrics": plain(self.metrics),
            "history": plain(self.history),
            "solve_time": plain(self.solve_time),
            "solver": self.solver,
            "message": self.message,
            # Last, so that the human-readable head of the text reads as before.
            "solution_type": kind,
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """The result as standard JSON text that :meth:`from_json` reads back exactly.

        Keys: the Result's fields, then ``solution_type``.  ``solution`` holds
        the Solution's fields as plain JSON (arrays as nested lists);
        ``solution_type`` holds its class and each array's dtype and shape,
        which plain lists lose (an empty ``(0, 3)`` array is ``[]``).  A
        non-finite float (in the objective, a metric, the history or a float
        array) is the string ``"NaN"``, ``"Infinity"`` or ``"-Infinity"``, so
        the text is standard JSON; a field that is None is ``null``.  See
        :mod:`semopt._json` for the whole format.

        Parameters
        ----------
        indent : int or None, default 2
            As for :func:`json.dumps`; None writes one line.

        Raises
        ------
        InvalidResultError
            A solution array whose dtype JSON cannot hold (complex, strings, objects).

        Examples
        --------
        >>> import numpy as np
        >>> from semopt.problems import GameSolution
        >>> res = Result("converged", float("nan"), GameSolution(np.zeros((0, 3))), True, {"gap": float("inf")})
        >>> text = res.to_json(indent=None)
        >>> text[:60]
        '{"status": "converged", "objective": "NaN", "solution": {"ac'
        >>> back = Result.from_json(text)
        >>> back.solution.actions.shape, back.solution.actions.dtype, back.metrics, back.solution.trajectory
        ((0, 3), dtype('float64'), {'gap': inf}, None)
        """
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], problem: Any = None) -> Result:
        """Read back :meth:`to_dict`'s dict (or ``json.loads`` of :meth:`to_json`); see :meth:`from_json`."""
        if not isinstance(data, Mapping):
            raise InvalidResultError(f"A Result's JSON must be an object; got {type(data).__name__}.")
        known = ("status", "objective", "solution", "feasible", "metrics", "history", "solve_time", "solver",
                 "message", "solution_type")
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise InvalidResultError(f"Unknown field {unknown[0]!r} in the Result's JSON; known fields: "
                                     f"{', '.join(known)}." + closest(unknown[0], known))
        missing = [key for key in known[:4] if key not in data]
        if missing:
            raise InvalidResultError(f"The Result's JSON lacks the field {missing[0]!r}.")

        def text(key: str, default: str = "") -> str:
            value = data.get(key, default)
            if not isinstance(value, str):
                raise InvalidResultError(f"`{key}` must be a string; got {value!r:.80}.")
            return value

        status = text("status")
        if status not in Status.ALL:
            raise InvalidResultError(f"`status` must be one of {', '.join(Status.ALL)}; got {status!r}.")
        if not isinstance(data["feasible"], bool):
            raise InvalidResultError(f"`feasible` must be true or false; got {data['feasible']!r:.80}.")
        metrics = data.get("metrics", {})
        if not isinstance(metrics, Mapping):
            raise InvalidResultError(f"`metrics` must be an object of numbers; got {metrics!r:.80}.")
        history = data.get("history", [])
        if not isinstance(history, list):
            raise InvalidResultError(f"`history` must be a list of numbers; got {history!r:.80}.")
        solution_cls = None
        if problem is not None:
            solution_cls = getattr(problem, "Solution", None)
            if not isinstance(solution_cls, type):
                raise InvalidResultError(
                    f"`problem` must be a semopt problem with a Solution class; got {type(problem).__name__}.")
        return cls(
            status=status,
            objective=float(read_number("objective", data["objective"])),
            solution=solution_from_json(data["solution"], data.get("solution_type"), solution_cls),
            feasible=data["feasible"],
            # A metric may be written as an int or a flag; it reads back as it was written.
            metrics={key: read_number(f"metrics.{key}", value, bool_ok=True) for key, value in metrics.items()},
            history=[read_number(f"history[{i}]", value) for i, value in enumerate(history)],
            solve_time=float(read_number("solve_time", data.get("solve_time", 0.0))),
            solver=text("solver"),
            message=text("message"),
        )

    @classmethod
    def from_json(cls, text: str | bytes | Mapping[str, Any], problem: Any = None) -> Result:
        """Read back a Result written by :meth:`to_json` (or by ``semopt solve ... --json``).

        Parameters
        ----------
        text : str, bytes or dict
            The JSON text, or the dict :func:`json.loads` made of it.
        problem : semopt problem, optional
            The problem the result solves: the solution is rebuilt as its
            ``Solution`` class (any dataclass), so that
            ``problem.evaluate(result.solution)`` judges it again.  Without
            it, the class the JSON names is used when it is a registered
            :class:`SolutionIO` subclass (every semopt family's is; no module
            is imported on the word of a file), otherwise the solution is a
            dict of field values with arrays as numpy arrays.

        Returns
        -------
        Result
            Equal to the one written: the same objective, metrics and history
            (NaN and infinities included) and solution arrays of the same
            values, dtype and shape.  JSON written by older versions (no
            ``solution_type``, ``null`` for non-finite numbers) also reads,
            with the arrays' dtype inferred and ``null`` numbers as NaN.

        Raises
        ------
        InvalidResultError
            Text that is not JSON; an unknown, missing or mistyped field; a
            solution of another class than ``problem.Solution``, or whose
            arrays do not match their dtype and shape.  The message names the
            field and the value.

        Examples
        --------
        >>> import semopt
        >>> prob = semopt.scenarios.load("split-alexnet", seed=0)
        >>> res = semopt.solve(prob, "greedy", seed=0)
        >>> back = Result.from_json(res.to_json(), prob)
        >>> prob.evaluate(back.solution).objective == res.objective
        True
        """
        data = text if isinstance(text, Mapping) else loads(text)
        return cls.from_dict(data, problem)

    def __repr__(self) -> str:
        return (
            f"Result(status={self.status!r}, objective={self.objective:.6g}, "
            f"feasible={self.feasible}, solver={self.solver!r}, "
            f"iterations={len(self.history)}, solve_time={self.solve_time:.3g}s, "
            f"message={self.message!r})"
        )
