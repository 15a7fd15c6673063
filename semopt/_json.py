"""JSON that reads back exactly: arrays keep their dtype and shape, non-finite floats survive.

:class:`~semopt.result.Result` (``to_json`` / ``from_json``) and the Solution
dataclasses (``to_dict`` / ``from_dict``, through :class:`SolutionIO`) share
these functions; nothing here knows a problem family.

Format
------
A solution is written as two JSON values, which are also the ``solution`` and
``solution_type`` keys of a Result's JSON::

    "solution": {"assoc": [0, 2, 1], "carrier": [[0, -1], [2, 1]],
                 "semantic": [true, false, true], "compute": [1.5e9, 0.0, "NaN"]},
    "solution_type": {"class": "semopt.problems.offloading.OffloadingSolution",
                      "arrays": {"assoc": {"dtype": "int64", "shape": [3]},
                                 "carrier": {"dtype": "int64", "shape": [2, 2]}, ...}}

* Field values are plain JSON, arrays as nested lists, so ``jq .solution.assoc``
  reads them as it always did.
* ``solution_type`` holds what plain JSON loses: the class (module and
  qualified name) and each array's dtype and shape (an empty ``(0, 3)`` array
  is ``[]`` among the values).  A field that is None is ``null`` and has no
  entry in ``arrays``; it reads back as None.
* A float JSON cannot hold is the string ``"NaN"``, ``"Infinity"`` or
  ``"-Infinity"`` (the spellings of JavaScript and of :mod:`json` with
  ``allow_nan=True``), so the text stays standard JSON (written with
  ``allow_nan=False``) and reads back exactly.  Every finite float does too:
  :func:`json.dumps` writes the shortest repr that round-trips.  Such a string
  is read as a float only where a float is expected (a float array, the
  objective, a metric, the history) and in a non-array solution field.
* Arrays must hold booleans, integers or floats of at most 8 bytes; any other
  dtype is refused when writing rather than written in a way that cannot
  come back.

Reading is lenient with JSON written before ``solution_type`` existed: array
fields are then plain lists whose dtype is inferred (exact for non-empty
arrays of one kind) and a ``null`` where a number is expected reads as NaN
(older versions wrote every non-finite number as ``null``).
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from typing import Any, Self

import numpy as np

from semopt.errors import InvalidResultError, closest

__all__ = ["NON_FINITE", "SolutionIO", "plain", "read_number", "loads", "solution_to_json", "solution_from_json"]

NON_FINITE: dict[str, float] = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
"""How a non-finite float is spelled in semopt's JSON, and what each spelling reads back as."""

_KINDS = {"b": "booleans", "i": "integers", "u": "non-negative integers", "f": "numbers"}
"""The array kinds JSON holds exactly (numpy's ``dtype.kind``), as a message names them."""

_SOLUTION_CLASSES: dict[str, type] = {}
"""Every :class:`SolutionIO` subclass by ``module.qualname``: the classes a Result's JSON may name."""

_NOTHING = object()


def _show(value: Any) -> str:
    """A short text of a value read from JSON, for messages."""
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _float(x: float) -> float | str:
    if math.isfinite(x):
        return x
    return "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")


def plain(value: Any) -> Any:
    """``value`` in plain JSON types: dataclasses as dicts, arrays as lists, non-finite floats as strings.

    This loses the dtype and shape of arrays and the class of dataclasses;
    :func:`solution_to_json` keeps them for a solution.

    Examples
    --------
    >>> plain({"a": np.arange(3), "b": np.float64("inf"), "c": [float("nan"), 1.5], "d": np.bool_(True)})
    {'a': [0, 1, 2], 'b': 'Infinity', 'c': ['NaN', 1.5], 'd': True}
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, float):
        return _float(value)
    return value


def read_number(where: str, value: Any, *, bool_ok: bool = False) -> Any:
    """A number read back from JSON: the number itself, a :data:`NON_FINITE` spelling as its float, null as NaN.

    Parameters
    ----------
    where : str
        The field, for the message (``"objective"``, ``"metrics.gap"``).
    value : object
        As :func:`json.loads` gave it.
    bool_ok : bool, default False
        Accept ``true``/``false`` (a metric may be a flag).

    Returns
    -------
    int or float or bool
        Ints stay ints, so a value comes back with the type it was written with.

    Raises
    ------
    InvalidResultError
        ``value`` is not a number, naming ``where`` and the value.
    """
    if isinstance(value, int | float) and (bool_ok or not isinstance(value, bool)):
        return value
    if isinstance(value, str) and value in NON_FINITE:
        return NON_FINITE[value]
    if value is None:  # older semopt wrote every non-finite number as null; NaN is the best reading of it
        return math.nan
    raise InvalidResultError(
        f'`{where}` must be a number, "NaN", "Infinity" or "-Infinity"; got {_show(value)}.'
    )


def loads(text: str | bytes | bytearray, what: str = "Result") -> Any:
    """Parse JSON text, reporting bad text as an :class:`InvalidResultError` that says where it breaks."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidResultError(
            f"The {what} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from None
    except (TypeError, UnicodeDecodeError) as exc:
        raise InvalidResultError(
            f"The {what} must be JSON text or a dict; got {type(text).__name__} ({exc})."
        ) from None


# --- arrays


def _array_to_json(where: str, arr: np.ndarray) -> tuple[Any, dict[str, Any]]:
    if arr.dtype.kind not in _KINDS or arr.dtype.itemsize > 8:
        raise InvalidResultError(
            f"`{where}` has dtype {arr.dtype}, which JSON cannot hold exactly; a solution array must hold "
            "booleans, integers or floats of at most 64 bits."
        )
    values = arr.tolist()
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():  # only then is the walk over every element needed
        values = plain(values)
    return values, {"dtype": arr.dtype.name, "shape": list(arr.shape)}


def _array_spec(where: str, spec: Any) -> tuple[np.dtype[Any], tuple[int, ...]]:
    """The dtype and shape an entry of ``solution_type.arrays`` declares."""
    def bad(why: str) -> InvalidResultError:
        return InvalidResultError(f"`{where}` {why}; got {_show(spec)}.")

    if not isinstance(spec, Mapping) or set(spec) != {"dtype", "shape"}:
        raise bad('must be an object {"dtype": ..., "shape": [...]}')
    if not isinstance(spec["dtype"], str):
        raise bad("must name a dtype (a string such as \"int64\")")
    try:
        dtype = np.dtype(spec["dtype"])
    except TypeError:
        raise bad("must name a numpy dtype") from None
    if dtype.kind not in _KINDS or dtype.itemsize > 8:
        raise bad("must name a boolean, integer or float dtype of at most 64 bits")
    shape = spec["shape"]
    if not isinstance(shape, list) or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0
                                              for n in shape):
        raise bad("must give the shape as a list of non-negative integers")
    return dtype, tuple(shape)


def _leaves(value: Any, shape: tuple[int, ...], out: list[Any]) -> bool:
    """Append the elements of nested lists ``value`` to ``out``; False unless the nesting is exactly ``shape``."""
    if not shape:
        if isinstance(value, list):
            return False
        out.append(value)
        return True
    if not isinstance(value, list) or len(value) != shape[0]:
        return False
    return all(_leaves(item, shape[1:], out) for item in value)


def _element_ok(kind: str, x: Any) -> bool:
    if kind == "b":
        return isinstance(x, bool)
    if kind in "iu":
        return isinstance(x, int) and not isinstance(x, bool)
    return (isinstance(x, int | float) and not isinstance(x, bool)) or (isinstance(x, str) and x in NON_FINITE)


def _array_from_json(where: str, value: Any, spec: Any, spec_where: str) -> np.ndarray:
    dtype, shape = _array_spec(spec_where, spec)
    what = f"an array of {dtype.name} ({_KINDS[dtype.kind]}) of shape {list(shape)}"
    leaves: list[Any] = []
    if not _leaves(value, shape, leaves):
        raise InvalidResultError(f"`{where}` must be {what}; got {_show(value)}.")
    wrong = next((x for x in leaves if not _element_ok(dtype.kind, x)), _NOTHING)
    if wrong is not _NOTHING:
        raise InvalidResultError(f"`{where}` must be {what}; got {_show(wrong)} in {_show(value)}.")
    if dtype.kind == "f":
        leaves = [NON_FINITE[x] if isinstance(x, str) else x for x in leaves]
    try:
        return np.array(leaves, dtype=dtype).reshape(shape)
    except OverflowError:
        raise InvalidResultError(f"`{where}` must be {what}; got a value out of its range in {_show(value)}.") from None


def _legacy_array(where: str, value: list[Any]) -> np.ndarray:
    """An array from plain nested lists, its dtype inferred (JSON written without ``solution_type``)."""
    def number(x: Any) -> Any:
        if isinstance(x, list):
            return [number(v) for v in x]
        return read_number(where, x, bool_ok=True) if x is None or isinstance(x, str) else x

    try:
        arr = np.array(number(value))
    except ValueError:  # ragged nesting
        raise InvalidResultError(f"`{where}` must be a rectangular array of numbers; got {_show(value)}.") from None
    if arr.dtype.kind not in _KINDS:
        raise InvalidResultError(f"`{where}` must be an array of booleans or numbers; got {_show(value)}.")
    return arr


# --- solutions


def _init_fields(cls: type) -> dict[str, dataclasses.Field[Any]]:
    """The fields a dataclass's constructor takes: the ones a solution is written with and rebuilt from."""
    return {f.name: f for f in dataclasses.fields(cls) if f.init}


def solution_to_json(solution: Any) -> tuple[Any, dict[str, Any] | None]:
    """The JSON values of a solution and its ``solution_type`` (see the module's Format).

    A solution that is not a dataclass is written as :func:`plain` gives it,
    with no ``solution_type`` (it reads back as plain JSON).

    Raises
    ------
    InvalidResultError
        An array whose dtype JSON cannot hold exactly (complex, strings, objects, more than 64 bits).
    """
    if solution is None:
        return None, None
    if not dataclasses.is_dataclass(solution) or isinstance(solution, type):
        return plain(solution), None
    values: dict[str, Any] = {}
    arrays: dict[str, Any] = {}
    for name in _init_fields(type(solution)):
        value = getattr(solution, name)
        if isinstance(value, np.ndarray):
            values[name], arrays[name] = _array_to_json(f"solution.{name}", value)
        else:
            values[name] = plain(value)
    cls = type(solution)
    return values, {"class": f"{cls.__module__}.{cls.__qualname__}", "arrays": arrays}


def _check_type(kind: Any) -> dict[str, Any] | None:
    if kind is None:
        return None
    if (not isinstance(kind, Mapping) or set(kind) != {"class", "arrays"} or not isinstance(kind["class"], str)
            or not isinstance(kind["arrays"], Mapping)):
        raise InvalidResultError(
            '`solution_type` must be an object {"class": "module.Name", "arrays": {field: {"dtype": ..., '
            f'"shape": [...]}}}}; got {_show(kind)}.'
        )
    return dict(kind)


def solution_from_json(values: Any, kind: Any = None, cls: type | None = None) -> Any:
    """Rebuild a solution from :func:`solution_to_json`'s two values.

    Parameters
    ----------
    values : object
        The ``solution`` value: an object of field values, or null.
    kind : dict or None
        The ``solution_type`` value; None for JSON written without one (arrays
        then get an inferred dtype).
    cls : type, optional
        The class to build (a problem's ``Solution``).  Without it, the class
        ``kind`` names if it is a registered :class:`SolutionIO` subclass (no
        module is ever imported on the word of a file); otherwise a dict of
        field values, arrays as numpy arrays.

    Returns
    -------
    object
        An instance of the class, a dict of field values, or None (``values`` null).

    Raises
    ------
    InvalidResultError
        A malformed ``solution_type``; a solution of another class than
        ``cls``; a field value of the wrong type, dtype or shape; an unknown
        or missing field.  The message names the field and the value.
    """
    checked = _check_type(kind)
    if values is None:
        if checked is not None and checked["arrays"]:
            raise InvalidResultError(f"`solution` is null but `solution_type` describes arrays: {_show(kind)}.")
        return None
    if checked is not None:
        written = checked["class"].rpartition(".")[2]
        if cls is None:
            cls = _SOLUTION_CLASSES.get(checked["class"])
        elif written != cls.__name__:
            # Compared by name, not by module: a class that moved between modules still reads back.
            raise InvalidResultError(
                f"The JSON's solution is a {written!r}, but this problem's Solution class is {cls.__name__!r}."
            )
    if cls is not None and not dataclasses.is_dataclass(cls):
        raise InvalidResultError(f"Cannot rebuild a {cls.__name__} from JSON: only dataclass solutions read back.")
    if not isinstance(values, Mapping):
        if cls is None and checked is None:
            return values  # a solution that was not a dataclass comes back as the plain JSON it was written as
        raise InvalidResultError(f"`solution` must be an object of field values; got {_show(values)}.")
    arrays = checked["arrays"] if checked is not None else None
    if arrays is not None and set(arrays) - set(values):
        stray = sorted(set(arrays) - set(values))
        raise InvalidResultError(f"`solution_type.arrays` describes {stray[0]!r}, which `solution` lacks.")
    decoded: dict[str, Any] = {}
    for name, value in values.items():
        where = f"solution.{name}"
        if arrays is not None and name in arrays:
            decoded[name] = _array_from_json(where, value, arrays[name], f"solution_type.arrays.{name}")
        elif arrays is None and isinstance(value, list):
            decoded[name] = _legacy_array(where, value)
        elif isinstance(value, str) and value in NON_FINITE:
            decoded[name] = NON_FINITE[value]
        else:
            decoded[name] = value
    if cls is None:
        return decoded
    fields = _init_fields(cls)
    unknown = sorted(set(decoded) - set(fields))
    if unknown:
        raise InvalidResultError(
            f"Unknown field {unknown[0]!r} in `solution` for {cls.__name__}; its fields: {', '.join(fields)}."
            + closest(unknown[0], fields)
        )
    missing = [name for name, f in fields.items() if name not in decoded
               and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    if missing:
        raise InvalidResultError(f"`solution` lacks the field {missing[0]!r} of {cls.__name__}.")
    return cls(**decoded)


class SolutionIO:
    """Mixin of the Solution dataclasses: ``to_dict`` and ``from_dict`` through JSON that reads back exactly.

    Subclasses are registered by module and qualified name, so that
    :meth:`semopt.result.Result.from_json` rebuilds the class a JSON file
    names without being given the problem.  A problem's own Solution class
    need not use it: ``Result.from_json(text, problem)`` rebuilds any dataclass.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @dataclass
    ... class Pick(SolutionIO):
    ...     chosen: np.ndarray
    >>> data = Pick(np.zeros((0, 3), dtype=np.int32)).to_dict()
    >>> data["solution"], data["solution_type"]["arrays"]
    ({'chosen': []}, {'chosen': {'dtype': 'int32', 'shape': [0, 3]}})
    >>> back = Pick.from_dict(data).chosen
    >>> back.shape, back.dtype
    ((0, 3), dtype('int32'))
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _SOLUTION_CLASSES[f"{cls.__module__}.{cls.__qualname__}"] = cls

    def to_dict(self) -> dict[str, Any]:
        """``{"solution": field values, "solution_type": class, dtypes and shapes}`` in plain JSON types.

        The same two keys as in a Result's JSON (see :mod:`semopt._json`), so
        ``json.dumps(solution.to_dict(), allow_nan=False)`` works and
        :meth:`from_dict` gives back equal arrays of the same dtype and shape.
        """
        values, kind = solution_to_json(self)
        return {"solution": values, "solution_type": kind}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Rebuild a solution from :meth:`to_dict`'s dict, or from a whole Result's JSON (other keys are ignored).

        Raises
        ------
        InvalidResultError
            ``data`` has no ``solution``, holds another class, or a field of
            the wrong type, dtype or shape (the message names it).
        """
        if not isinstance(data, Mapping) or data.get("solution") is None:
            raise InvalidResultError(
                f'{cls.__name__}.from_dict expects {{"solution": ..., "solution_type": ...}}; got {_show(data)}.'
            )
        solution: Self = solution_from_json(data["solution"], data.get("solution_type"), cls)
        return solution
