"""What every semopt problem is: validated data that *judges* solutions (pymoo's Problem role)."""

from __future__ import annotations

import copy
import dataclasses
import zlib
from abc import ABC, abstractmethod
from typing import Any, ClassVar

import numpy as np

from semopt.capabilities import Traits
from semopt.result import Evaluation

__all__ = ["Problem", "FEASIBILITY_RTOL", "state_digest"]

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
        self._seal()

    @abstractmethod
    def validate(self) -> None:
        """Raise :class:`~semopt.errors.InvalidProblemError` naming the first bad field."""

    def check_state(self) -> None:
        """Validate again if any field changed since the last validation; :meth:`evaluate` calls it first.

        A problem's fields are plain attributes and its arrays can be changed
        in place (``prob.deadline[0] = -1``), so a judgement would otherwise
        trust data nobody checked.  A digest of the fields (a CRC of every
        array's bytes, the repr of every scalar) tells whether anything
        changed; only then does validation run -- first on a copy, so that a
        bad field raises :class:`~semopt.errors.InvalidProblemError` naming it
        and leaves the problem as the user left it.
        """
        if self.__dict__.get("_validated_digest") == state_digest(self):
            return
        copy.deepcopy(self).validate()
        self.validate()
        self._seal()

    def _seal(self) -> None:
        object.__setattr__(self, "_validated_digest", state_digest(self))

    @abstractmethod
    def evaluate(self, solution: Any) -> Evaluation:
        """Score ``solution`` and name every violated constraint."""

    def traits(self) -> Traits:
        """What this instance asks of a solver: objective, optional constraints, users (see ``Capabilities``)."""
        return Traits()

    def better(self, a: float, b: float) -> bool:
        """True when objective ``a`` is strictly better than ``b`` in this problem's sense."""
        return a > b if self.sense == "max" else a < b


def _digest(value: Any, depth: int = 0) -> Any:
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            return ("objects", value.shape, tuple(_digest(v, depth + 1) for v in value.flat))
        data = np.ascontiguousarray(value).reshape(-1).view(np.uint8)
        return ("array", value.shape, value.dtype.str, zlib.crc32(data.data))
    if depth > 8:  # deeper structures are not problem data: compare them by identity
        return ("object", id(value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, tuple(_digest(getattr(value, f.name), depth + 1)
                                            for f in dataclasses.fields(value) if f.init and f.name != "info"))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_digest(v, depth + 1) for v in value))
    if isinstance(value, (int, float, str, bool, complex, np.generic)) or value is None:
        return (type(value).__name__, repr(value))
    if hasattr(value, "number_of_edges") and hasattr(value, "edges"):  # a networkx graph
        return ("graph", id(value), tuple(value.edges))
    return ("object", id(value))


def state_digest(problem: Any) -> Any:
    """A cheap fingerprint of a problem's data fields (not ``info``, not caches): equal when nothing changed.

    Used by :meth:`Problem.check_state`; arrays by a CRC of their bytes,
    scalars by their repr, nested dataclasses (a network, a base instance)
    field by field.
    """
    return _digest(problem)
