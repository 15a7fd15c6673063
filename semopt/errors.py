"""Exceptions raised by semopt.

Misuse (bad data, unknown names) raises; infeasibility and non-convergence are
*statuses* of a :class:`~semopt.result.Result`, never exceptions.  Every class
also subclasses the built-in a caller would naturally catch (``ValueError``,
``KeyError``), in the manner of ``sklearn.exceptions``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "SemoptError",
    "InvalidProblemError",
    "SolverError",
    "ScenarioError",
    "InvalidResultError",
    "closest",
]


class SemoptError(Exception):
    """Root of every error semopt raises on purpose."""


class InvalidProblemError(SemoptError, ValueError):
    """A problem's data are malformed: the message names the field and the value."""


class SolverError(SemoptError, ValueError):
    """Unknown solver, a solver that does not apply, a bad option or a missing extra."""


class ScenarioError(SemoptError, ValueError):
    """Unknown scenario, unknown override or a bad override value."""


class InvalidResultError(SemoptError, ValueError):
    """A Result or Solution read back from JSON is malformed: the message names the field and the value."""


def closest(name: str, choices: Iterable[str]) -> str:
    """Return ``" Did you mean 'x'?"`` for the closest known name, or ``""``."""
    match = difflib.get_close_matches(str(name), list(choices), n=1)
    return f" Did you mean {match[0]!r}?" if match else ""
