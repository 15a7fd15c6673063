"""What every semopt problem is: validated data that *judges* solutions (pymoo's Problem role)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from semopt.capabilities import Traits
from semopt.result import Evaluation

__all__ = ["Problem", "FEASIBILITY_RTOL"]

FEASIBILITY_RTOL = 1e-9
"""Relative slack of every capacity, budget, deadline and bound check: a constraint met with equality up to
float rounding is met.  One value for every problem family."""


class Problem(ABC):
    """Base of every problem family.

    A problem holds validated data, exposes sizes as plain attributes and
    judges any solution with :meth:`evaluate`; it never searches.

    Class attributes
    ----------------
    sense : {"max", "min"}
        Direction of the objective.
    Solution : type
        The family's Solution dataclass.
    report : tuple of (key, label, "min" | "max")
        The metrics benchmark tables and plots report for this family (a key
        of ``Evaluation.metrics`` or of ``Result.metrics``, the column label,
        which way is better).
    """

    sense: ClassVar[str]
    Solution: ClassVar[type]
    report: ClassVar[tuple[tuple[str, str, str], ...]] = ()

    def __post_init__(self) -> None:
        # Problems are dataclasses: their generated __init__ calls this, so every instance is validated.
        self.validate()

    @abstractmethod
    def validate(self) -> None:
        """Raise :class:`~semopt.errors.InvalidProblemError` naming the first bad field."""

    @abstractmethod
    def evaluate(self, solution: Any) -> Evaluation:
        """Score ``solution`` and name every violated constraint."""

    def traits(self) -> Traits:
        """What this instance asks of a solver: objective, optional constraints, users (see ``Capabilities``)."""
        return Traits()

    def better(self, a: float, b: float) -> bool:
        """True when objective ``a`` is strictly better than ``b`` in this problem's sense."""
        return a > b if self.sense == "max" else a < b
