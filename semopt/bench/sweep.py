"""Parsing of command-line values: ``KEY=VALUE`` assignments, ``PARAM=lo:hi:step`` sweeps, solver options.

One scalar grammar serves ``--set``, ``--option`` and list sweeps: a value is an
``int`` if it reads as one, else a ``float``, else a ``bool`` (``true`` /
``false``, any case), else the string itself.

Examples
--------
>>> parse_value("20"), parse_value("2.5e6"), parse_value("True"), parse_value("alexnet")
(20, 2500000.0, True, 'alexnet')
>>> parse_sweep("users=5:20:5")
Sweep(param='users', values=(5, 10, 15, 20))
>>> parse_sweep("bandwidth=1e6:2e6:0.5e6").values
(1000000, 1500000, 2000000)
>>> parse_sweep("power=0.1:0.3:0.1").values
(0.1, 0.2, 0.3)
>>> parse_sweep("fading=true,false")
Sweep(param='fading', values=(True, False))
>>> parse_solver_options(["bcd.max_iter=5", "tol=1e-3"])
{'bcd': {'max_iter': 5}, 'tol': 0.001}
>>> check_time_limit("2.5")
2.5
"""

from __future__ import annotations

import contextlib
import math
import numbers
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from semopt.errors import SemoptError

__all__ = [
    "ArgumentError",
    "SweepError",
    "Scalar",
    "Sweep",
    "MAX_SWEEP_VALUES",
    "parse_value",
    "parse_assignment",
    "parse_assignments",
    "parse_sweep",
    "parse_solver_options",
    "check_time_limit",
]

Scalar = int | float | bool | str
"""A value parsed from the command line."""

MAX_SWEEP_VALUES = 1000
"""A range sweep longer than this is refused (it is almost surely a typo in the step)."""


class ArgumentError(SemoptError, ValueError):
    """A command-line ``KEY=VALUE`` could not be parsed; the message quotes it."""


class SweepError(ArgumentError):
    """A ``--sweep`` specification could not be parsed; the message quotes the bad part."""


@dataclass(frozen=True)
class Sweep:
    """One scenario override and the values it takes, in order.

    Attributes
    ----------
    param : str
        An override of the scenario (e.g. ``"users"``).
    values : tuple of int, float, bool or str
        The values, in the order they were given.
    """

    param: str
    values: tuple[Scalar, ...]


def parse_value(text: str) -> Scalar:
    """Parse one command-line value as ``int``, ``float``, ``bool`` or ``str``, in that order.

    Parameters
    ----------
    text : str
        The raw text, e.g. ``"20"``, ``"3.2e7"``, ``"false"`` or ``"eq8"``.

    Returns
    -------
    int, float, bool or str
        Surrounding whitespace is stripped; a string is returned unchanged otherwise.  A number
        beyond the float range (``"1e400"``) stays a string rather than becoming ``inf``.
    """
    text = text.strip()
    with contextlib.suppress(ValueError):  # not a number of this kind: try the next reading
        return int(text)
    with contextlib.suppress(ValueError):
        number = float(text)
        # 1e400 overflows to inf: keep the text, so that the message refusing it quotes what was typed.
        return text if math.isinf(number) and "inf" not in text.lower() else number
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    return text


def parse_assignment(text: str, *, flag: str = "--set") -> tuple[str, Scalar]:
    """Split ``"KEY=VALUE"`` into the key and the parsed value.

    Parameters
    ----------
    text : str
        The raw argument.
    flag : str, default "--set"
        The flag it came with, quoted in the error message.

    Returns
    -------
    tuple of (str, int | float | bool | str)

    Raises
    ------
    ArgumentError
        No ``=``, or an empty key or value.
    """
    key, sep, value = text.partition("=")
    key, value = key.strip(), value.strip()
    if not sep or not key or not value:
        raise ArgumentError(f"{flag} expects KEY=VALUE (e.g. {flag} users=10); got {text!r}.")
    return key, parse_value(value)


def parse_assignments(texts: list[str] | None, *, flag: str = "--set") -> dict[str, Scalar]:
    """Parse repeated ``KEY=VALUE`` arguments into a dict; a key given twice is an error.

    Raises
    ------
    ArgumentError
        A malformed assignment, or the same key twice.
    """
    out: dict[str, Scalar] = {}
    for text in texts or []:
        key, value = parse_assignment(text, flag=flag)
        if key in out:
            raise ArgumentError(f"{flag} gives {key!r} twice: {out[key]!r} and {value!r}.")
        out[key] = value
    return out


def _decimal(part: str, spec: str) -> Decimal:
    try:
        number = Decimal(part.strip())
    except InvalidOperation:
        raise SweepError(f"Sweep {spec!r}: {part!r} is not a number.") from None
    if not number.is_finite():
        raise SweepError(f"Sweep {spec!r}: {part!r} must be finite.")
    return number


def _range(spec: str, body: str) -> tuple[Scalar, ...]:
    parts = [p.strip() for p in body.split(":")]
    if len(parts) != 3:
        raise SweepError(f"Sweep {spec!r}: a range must read lo:hi:step; got {body!r}.")
    lo, hi, step = (_decimal(p, spec) for p in parts)
    if step <= 0:
        raise SweepError(f"Sweep {spec!r}: the step must be > 0; got {parts[2]!r}.")
    if hi < lo:
        raise SweepError(f"Sweep {spec!r}: hi must be >= lo; got lo={parts[0]!r}, hi={parts[1]!r}.")
    count = int((hi - lo) // step) + 1
    if count > MAX_SWEEP_VALUES:
        raise SweepError(
            f"Sweep {spec!r} has {count} values, more than {MAX_SWEEP_VALUES}; check the step {parts[2]!r}."
        )
    # Decimal arithmetic keeps 0.1:0.3:0.1 at exactly 0.1, 0.2, 0.3 (no 0.30000000000000004).
    numbers = [lo + i * step for i in range(count)]
    if all(n == n.to_integral_value() for n in (lo, step)):
        return tuple(int(n) for n in numbers)
    return tuple(float(n) for n in numbers)


def parse_sweep(spec: str) -> Sweep:
    """Parse ``PARAM=lo:hi:step`` (inclusive range) or ``PARAM=a,b,c`` (a list).

    Parameters
    ----------
    spec : str
        E.g. ``"users=5:40:5"``, ``"edge_capacity=1e9:4e9:1e9"`` or
        ``"network=alexnet,vgg16"``.  A single value (``"users=10"``) is a
        one-value list.

    Returns
    -------
    Sweep
        Range values are ``int`` when ``lo`` and ``step`` are whole numbers, else
        ``float``; list values follow :func:`parse_value`.

    Raises
    ------
    SweepError
        No ``=`` or empty parameter, a bound that is not a finite number, a
        non-positive step, ``hi < lo``, an empty list item, a value repeated,
        or more than :data:`MAX_SWEEP_VALUES` values.

    Notes
    -----
    Whether ``PARAM`` is an override of the scenario is checked by the
    runner, which knows the scenario.
    """
    param, sep, body = spec.partition("=")
    param, body = param.strip(), body.strip()
    if not sep or not param or not body:
        raise SweepError(
            f"--sweep expects PARAM=lo:hi:step or PARAM=a,b,c (e.g. users=5:40:5); got {spec!r}."
        )
    if ":" in body:
        values = _range(spec, body)
    else:
        items = body.split(",")
        if any(not item.strip() for item in items):
            raise SweepError(f"Sweep {spec!r}: the list has an empty item.")
        values = tuple(parse_value(item) for item in items)
    seen: set[tuple[type, Scalar]] = set()
    for value in values:
        if (type(value), value) in seen:
            raise SweepError(f"Sweep {spec!r}: the value {value!r} appears twice.")
        seen.add((type(value), value))
    return Sweep(param, values)


def parse_solver_options(texts: list[str] | None, *, flag: str = "--option") -> dict[str, Scalar | dict[str, Scalar]]:
    """Parse repeated ``SOLVER.KEY=VALUE`` (one solver's option) and ``KEY=VALUE`` (every solver's that declares it).

    Parameters
    ----------
    texts : list of str, optional
        The raw arguments.
    flag : str, default "--option"
        The flag they came with, quoted in the error messages.

    Returns
    -------
    dict
        ``{solver: {key: value}}`` entries for ``SOLVER.KEY=VALUE`` and
        ``{key: value}`` entries for ``KEY=VALUE``: the mixed mapping that
        ``semopt.bench.run(options=...)`` takes.  Whether a solver declares
        the key is checked there, where the solvers are known.

    Raises
    ------
    ArgumentError
        A malformed assignment, an empty solver or key around the dot, or
        the same (solver) key twice.
    """
    out: dict[str, Scalar | dict[str, Scalar]] = {}
    for text in texts or []:
        name, value = parse_assignment(text, flag=flag)
        solver, dot, key = name.rpartition(".")
        if dot and (not solver.strip() or not key.strip()):
            raise ArgumentError(f"{flag} expects SOLVER.KEY=VALUE or KEY=VALUE (e.g. {flag} bcd.max_iter=20); "
                                f"got {text!r}.")
        solver, key = solver.strip(), key.strip()
        target = out.setdefault(solver, {}) if dot else out
        if not isinstance(target, dict) or (not dot and isinstance(target.get(key), dict)):
            raise ArgumentError(f"{flag}: {solver or key!r} is given both as a solver (SOLVER.KEY=VALUE) and as an "
                                f"option (KEY=VALUE).")
        if key in target:
            raise ArgumentError(f"{flag} gives {name!r} twice: {target[key]!r} and {value!r}.")
        target[key] = value
    return out


def check_time_limit(value: object, *, name: str = "`time_limit`") -> float:
    """A time limit in seconds: a finite number > 0, as a float (a string is parsed first).

    Raises
    ------
    ArgumentError
        Not a number, not finite, or not > 0; the message quotes the value as given.
    """
    number = parse_value(value) if isinstance(value, str) else value
    if isinstance(number, numbers.Real) and not isinstance(number, bool):
        with contextlib.suppress(OverflowError):  # an int beyond the float range is not a time limit either
            seconds = float(number)
            if math.isfinite(seconds) and seconds > 0:
                return seconds
    raise ArgumentError(f"{name} must be a finite number of seconds > 0; got {value!r}.")
