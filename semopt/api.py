"""``semopt.solve``: the one door joining problems and solvers.

Look up the solver, validate the options and the problem, check that the
solver accepts this instance, run on a private copy (the caller's problem is
never mutated), re-judge the solution with ``problem.evaluate`` -- and, for a
family with a certificate, certify it (:func:`semopt.analysis.certify`) --
and build the :class:`~semopt.result.Result`.
"""

from __future__ import annotations

import copy
import time
from typing import Any

import semopt.solvers  # noqa: F401  (registers the built-in solvers)
from semopt._validation import check_scalar, quote, rng
from semopt.analysis import certify
from semopt.errors import InvalidProblemError, SolverError
from semopt.options import options_table, parse_options
from semopt.registry import check_accepts, get_solver, solvers_for
from semopt.result import Result, Status

__all__ = ["solve", "available_solvers", "show_options"]


def _check_problem(problem: Any) -> None:
    for attr in ("evaluate", "validate", "sense"):
        if not hasattr(problem, attr):
            hint = (f"; to solve a scenario, load it first: semopt.scenarios.load({problem!r})"
                    if isinstance(problem, str) else "")
            raise InvalidProblemError(
                f"`problem` must be a semopt problem (with evaluate, validate and sense); "
                f"got {quote(problem)} ({type(problem).__name__}){hint}."
            )


def available_solvers(problem: Any) -> list[str]:
    """Sorted names of the solvers that apply to ``problem``, accept this instance and are installed.

    A solver accepts an instance when it handles its objective, its optional
    constraints, its number of users and its size, as the solver declares at
    registration (with its default options).

    Examples
    --------
    >>> import semopt
    >>> prob = semopt.scenarios.load("semantic-mec", users=4, seed=0)
    >>> "bcd" in semopt.available_solvers(prob)
    True

    Raises
    ------
    InvalidProblemError
        The problem's data are malformed (judged on a copy, as ``solve`` does).
    """
    _check_problem(problem)
    checked = copy.deepcopy(problem)
    checked.validate()
    return [spec.name for spec in solvers_for(checked)]


def show_options(problem: Any, solver: str) -> str:
    """The options of ``solver`` for ``problem``: name, default, allowed values, meaning.

    Examples
    --------
    >>> import semopt
    >>> prob = semopt.scenarios.load("semantic-mec", users=4, seed=0)
    >>> print(semopt.show_options(prob, "exhaustive"))
    max_space = 200000  (an integer in [1, inf)) Refuse instances with more combinations than this.
    """
    _check_problem(problem)
    return options_table(get_solver(solver, problem).options)


def solve(
    problem: Any,
    solver: str,
    *,
    seed: int | None = None,
    time_limit: float | None = None,
    **options: Any,
) -> Result:
    """Solve ``problem`` with the registered solver named ``solver``.

    Parameters
    ----------
    problem : semopt problem
        E.g. from :func:`semopt.scenarios.load`.  Never modified.
    solver : str
        A name from :func:`available_solvers`.
    seed : int, optional
        Seeds every random draw of the solver; same seed, same result.
    time_limit : float, optional
        Wall-clock budget in seconds; on expiry the best solution so far is
        returned with status ``"time_limit"``.
    **options
        Solver options (``max_iter``, ``tol``, ``callback``...); see
        :func:`show_options`.

    Returns
    -------
    Result
        ``feasible`` and ``objective`` come from ``problem.evaluate``.

    Raises
    ------
    SolverError
        Unknown solver, a solver that does not apply or does not accept this
        instance (the message says why and lists the solvers that do), an
        unknown or bad option, or a missing optional dependency.
    InvalidProblemError
        The problem's data are malformed.
    """
    _check_problem(problem)
    spec = get_solver(solver, problem)
    if time_limit is not None:
        time_limit = check_scalar("time_limit", time_limit, low=0.0, low_inclusive=False,
                                  error=SolverError)
    opts = parse_options(spec.name, spec.options, options)
    # Validation normalises fields in place, so it runs on a copy: a bad field changes nothing.
    checked = copy.deepcopy(problem)
    checked.validate()
    check_accepts(spec, checked, opts)
    generator = rng(seed)
    work = copy.deepcopy(checked)
    start = time.perf_counter()
    out = spec.func(work, rng=generator, time_limit=time_limit, **opts)
    elapsed = time.perf_counter() - start
    verdict = checked.evaluate(out.solution)
    status, message = out.status, out.message
    if not verdict.feasible and status in (Status.OPTIMAL, Status.CONVERGED, Status.MAX_ITER):
        status = Status.INFEASIBLE
        message = (f"{spec.name} found no feasible solution; violated: "
                   + "; ".join(verdict.violations[:3]))
    metrics = dict(verdict.metrics)
    metrics.update(out.metrics)
    if verdict.feasible:
        metrics.update(certify(checked, out.solution))
    return Result(
        status=status,
        objective=float(verdict.objective),
        solution=out.solution,
        feasible=bool(verdict.feasible),
        metrics=metrics,
        history=list(out.history),
        solve_time=elapsed,
        solver=spec.name,
        message=message,
    )
