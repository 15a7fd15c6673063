"""What an instance asks of a solver (:class:`Traits`) and what a solver handles (:class:`Capabilities`).

A problem describes each instance by its :meth:`~semopt.problems.Problem.traits`:
the objective it optimises, the optional constraints it sets and how many
users share it.  A solver declares at registration which of those it
handles, plus any further condition (the size of an enumeration, say).
The registry compares the two, so that ``available_solvers`` lists only
solvers that accept the instance, and ``solve`` refuses the others with the
reason and the solvers that do (cvxpy's ``MIP_CAPABLE`` / ``accepts`` idiom).

Examples
--------
>>> caps = Capabilities(objectives=("latency", "energy"), constraints=())
>>> caps.refusal(None, Traits(objective="latency", constraints=frozenset({"deadline"})), {})
'it handles no deadline constraint'
>>> caps.refusal(None, Traits(objective="latency"), {}) is None
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Traits", "Capabilities", "InstanceCheck", "ANY"]

InstanceCheck = Callable[[Any, Mapping[str, Any]], "str | None"]
"""``check(problem, options) -> reason or None``: a further condition, e.g. a search space within ``max_space``."""


@dataclass(frozen=True)
class Traits:
    """What one problem instance asks of a solver.

    Attributes
    ----------
    objective : str
        The objective the instance optimises (e.g. ``"latency"``); ``""`` for
        a family with a single objective.
    constraints : frozenset of str
        The optional constraints the instance sets (e.g. ``"energy_budget"``);
        a family's mandatory constraints are not listed: every solver of the
        family honours them.
    users : int
        How many users share the instance's resources.
    """

    objective: str = ""
    constraints: frozenset[str] = field(default_factory=frozenset)
    users: int = 1


def _frozen(values: Iterable[str] | None) -> frozenset[str] | None:
    return None if values is None else frozenset(values)


@dataclass(frozen=True)
class Capabilities:
    """What a solver handles, declared at registration.

    Parameters
    ----------
    objectives : iterable of str, optional
        The objectives it optimises; None (default) for any.
    constraints : iterable of str, optional
        The optional constraints it honours; None (default) for any.  An
        instance setting another one is refused.
    single_user : bool, default False
        It solves one user's problem only.
    check : callable, optional
        ``check(problem, options) -> reason or None``: any further condition
        (the size of an enumeration under the ``max_space`` option, say).
    """

    objectives: Iterable[str] | None = None
    constraints: Iterable[str] | None = None
    single_user: bool = False
    check: InstanceCheck | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "objectives", _frozen(self.objectives))
        object.__setattr__(self, "constraints", _frozen(self.constraints))

    def refusal(self, problem: Any, traits: Traits, options: Mapping[str, Any]) -> str | None:
        """Why a solver with these capabilities refuses the instance, or None if it accepts it."""
        if self.objectives is not None and traits.objective not in self.objectives:
            handled = ", ".join(sorted(self.objectives))
            return f"it optimises {handled}; this instance's objective is {traits.objective!r}"
        if self.constraints is not None:
            extra = sorted(traits.constraints - frozenset(self.constraints))
            if extra:
                return f"it handles no {', '.join(extra)} constraint"
        if self.single_user and traits.users > 1:
            return f"it solves one user's problem; this instance has {traits.users} users"
        if self.check is not None:
            return self.check(problem, options)
        return None


ANY = Capabilities()
"""Capabilities of a solver that takes every instance of its problem types."""
