"""Declared solver options: one table per solver, one message format for every bad value.

Modelled on scikit-learn's ``_parameter_constraints``: a solver lists its
options with defaults and constraints, ``solve()`` rejects unknown keys (listing
the known ones) and checks each value.  Messages read::

    The 'tol' option of solver 'bcd' must be a float in [0, inf); got -1.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from semopt.errors import SolverError, closest

__all__ = ["Option", "parse_options", "options_table", "MAX_ITER", "TOL", "CALLBACK"]


@dataclass(frozen=True)
class Option:
    """One declared option.

    ``kind`` is ``"int"``, ``"float"``, ``"bool"``, ``"choice"``, ``"callable"`` or ``"path"`` (a
    ``str`` or ``os.PathLike``, handed over as a ``str``).
    ``low``/``high`` bound numbers (``low_open`` makes the lower bound strict);
    ``choices`` lists the allowed strings of a ``"choice"`` and ``aliases`` maps
    other accepted spellings to one of them (old names kept working);
    ``none_ok`` admits None.

    Examples
    --------
    >>> Option("uniform", "choice", choices=("random", "uniform"), aliases=(("center", "uniform"),)).check(
    ...     "init", "best-response", "center")
    'uniform'
    """

    default: Any
    kind: str
    doc: str = ""
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    choices: Sequence[str] = ()
    none_ok: bool = False
    aliases: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        if self.kind == "choice":
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.kind in ("int", "float"):
            def show(bound: float) -> str:
                return str(int(bound)) if self.kind == "int" else f"{bound:g}"

            lo = "-inf" if self.low is None else show(self.low)
            hi = "inf" if self.high is None else show(self.high)
            left = "(" if self.low is None or self.low_open else "["
            right = ")" if self.high is None else "]"
            return f"{'an integer' if self.kind == 'int' else 'a float'} in {left}{lo}, {hi}{right}"
        if self.kind == "bool":
            return "a bool"
        if self.kind == "path":
            return "a file path (str or os.PathLike)"
        return "a callable"

    def check(self, name: str, solver: str, value: Any) -> Any:
        if value is None and self.none_ok:
            return None
        given = value  # the message quotes the value as passed, not as converted

        def fail() -> SolverError:
            return SolverError(
                f"The {name!r} option of solver {solver!r} must be {self.describe()}; got {given!r}."
            )

        if self.kind == "bool":
            if not isinstance(value, bool):
                raise fail()
            return value
        if self.kind == "choice":
            # Only strings: `in` on an array or a dict would compare element-wise or by key.
            if not isinstance(value, str):
                raise fail()
            value = dict(self.aliases).get(value, value)
            if value not in self.choices:
                raise fail()
            return value
        if self.kind == "callable":
            if not callable(value):
                raise fail()
            return value
        if self.kind == "path":
            if not isinstance(value, (str, os.PathLike)) or not os.fspath(value):
                raise fail()
            return os.fspath(value)
        if isinstance(value, (bool, np.bool_)):
            raise fail()
        if self.kind == "int":
            if isinstance(value, (float, np.floating)) and float(value).is_integer():
                value = int(value)
            if not isinstance(value, (int, np.integer)):
                raise fail()
            value = int(value)
        else:
            if not isinstance(value, (int, float, np.integer, np.floating)):
                raise fail()
            try:
                value = float(value)
            except OverflowError:  # an int beyond the float range, e.g. 10**400
                raise fail() from None
            if not math.isfinite(value):
                raise fail()
        if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
            raise fail()
        if self.high is not None and value > self.high:
            raise fail()
        return value


MAX_ITER = Option(50, "int", "Maximum number of outer iterations.", low=1)
TOL = Option(1e-6, "float", "Stop when the objective changes by at most tol (relative).", low=0.0)
CALLBACK = Option(
    None,
    "callable",
    "Called as callback(iteration, objective, solution) after each outer iteration; "
    "raising StopIteration stops the solver cleanly with status 'stopped'.",
    none_ok=True,
)


def parse_options(solver: str, declared: dict[str, Option], given: dict[str, Any]) -> dict[str, Any]:
    """Merge ``given`` over the declared defaults, rejecting unknown keys and bad values."""
    unknown = sorted(set(given) - set(declared))
    if unknown:
        known = ", ".join(sorted(declared)) or "(none)"
        raise SolverError(
            f"Unknown option {unknown[0]!r} for solver {solver!r}; known options: {known}."
            + closest(unknown[0], declared)
        )
    out = {name: opt.default for name, opt in declared.items()}
    for name, value in given.items():
        out[name] = declared[name].check(name, solver, value)
    return out


def options_table(declared: dict[str, Option]) -> str:
    """A human-readable list of options, for docs and ``semopt solvers --options``."""
    lines = []
    for name, opt in sorted(declared.items()):
        lines.append(f"{name} = {opt.default!r}  ({opt.describe()}) {opt.doc}")
    return "\n".join(lines)

