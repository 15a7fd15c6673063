"""What every semopt problem is: validated data that *judges* solutions (pymoo's Problem role)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from semopt.result import Evaluation

__all__ = ["Problem"]


class Problem(ABC):
    """Base of every problem family.

    A problem holds validated data, exposes sizes as plain attributes and
    judges any solution with :meth:`evaluate`; it never searches.
    """

    sense: ClassVar[str]
    #: Metrics the benchmark tables report for this family: (key in ``Evaluation.metrics`` or
    #: ``Result.metrics``, column label, ``"min"`` or ``"max"`` = which way is better).
    report: ClassVar[tuple[tuple[str, str, str], ...]] = (
    )

    def __post_init__(self) -> None:
        # Problems are dataclasses: their generated __init__ calls this, so every instance is validated.
        self.validate()

    @abstractmethod
    def validate(self) -> None:
        """Raise :class:`~semopt.errors.InvalidProblemError` naming the first bad field."""

    @abstractmethod
    def evaluate(self, solution: Any) -> Evaluation:
        """Score ``solution`` and name every violated constraint."""

    def better(self, a: float, b: float) -> bool:
        """True when objective ``a`` is strictly better than ``b`` in this problem's sense."""
        return a > b if self.sense == "max" else a < b
