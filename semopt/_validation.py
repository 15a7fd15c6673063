"""Validation helpers shared by every problem and scenario: validate once, at the boundary.

Each helper returns a normalised copy (so later mutation of the caller's array
cannot corrupt a validated problem) or raises the given error class with a
message naming the field and the offending value.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from semopt.errors import InvalidProblemError, SemoptError

__all__ = ["as_float_array", "as_int_array", "check_positive_int", "check_scalar", "rng"]


def _short(value: Any) -> str:
    try:
        text = np.array2string(np.asarray(value), threshold=6) if np.ndim(value) else repr(value)
    except (TypeError, ValueError):  # ragged input: numpy cannot even show it as an array
        text = repr(value)
    return text if len(text) < 80 else text[:77] + "..."


def as_float_array(
    name: str,
    value: Any,
    shape: tuple[int, ...] | None = None,
    *,
    low: float | None = None,
    low_inclusive: bool = True,
    high: float | None = None,
    error: type[SemoptError] = InvalidProblemError,
) -> np.ndarray:
    """Return ``value`` as a finite float64 array, checking shape and bounds."""
    try:
        arr = np.array(value, dtype=np.float64, copy=True)
    except (TypeError, ValueError):
        raise error(f"`{name}` must be an array of numbers; got {_short(value)}.") from None
    if shape is not None and arr.shape != tuple(shape):
        raise error(f"`{name}` must have shape {tuple(shape)}; got shape {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        bad = arr[~np.isfinite(arr)].flat[0]
        raise error(f"`{name}` must be finite; got {bad!r} in {_short(value)}.")
    if low is not None:
        bad_mask = arr < low if low_inclusive else arr <= low
        if np.any(bad_mask):
            rel = ">=" if low_inclusive else ">"
            raise error(f"`{name}` must be {rel} {low:g}; got {arr[bad_mask].flat[0]!r}.")
    if high is not None and np.any(arr > high):
        raise error(f"`{name}` must be <= {high:g}; got {arr[arr > high].flat[0]!r}.")
    return arr


def as_int_array(
    name: str,
    value: Any,
    shape: tuple[int, ...] | None = None,
    *,
    low: int | None = None,
    high: int | None = None,
    error: type[SemoptError] = InvalidProblemError,
) -> np.ndarray:
    """Return ``value`` as an int64 array of whole numbers within ``[low, high]``."""
    try:
        raw = np.array(value, copy=True)
    except (TypeError, ValueError):
        raise error(f"`{name}` must be an array of integers; got {_short(value)}.") from None
    if raw.dtype.kind not in "biuf":
        raise error(f"`{name}` must be an array of integers; got dtype {raw.dtype}.")
    if raw.dtype.kind == "f" and (not np.all(np.isfinite(raw)) or np.any(raw != np.round(raw))):
        raise error(f"`{name}` must hold whole numbers; got {_short(value)}.")
    arr = raw.astype(np.int64)
    if shape is not None and arr.shape != tuple(shape):
        raise error(f"`{name}` must have shape {tuple(shape)}; got shape {arr.shape}.")
    if low is not None and np.any(arr < low):
        raise error(f"`{name}` must be >= {low}; got {arr[arr < low].flat[0]}.")
    if high is not None and np.any(arr > high):
        raise error(f"`{name}` must be <= {high}; got {arr[arr > high].flat[0]}.")
    return arr


def check_positive_int(
    name: str, value: Any, *, low: int = 1, error: type[SemoptError] = InvalidProblemError
) -> int:
    """Return ``value`` as an int >= ``low``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            value = int(value)
        else:
            raise error(f"`{name}` must be an integer >= {low}; got {value!r}.")
    if value < low:
        raise error(f"`{name}` must be an integer >= {low}; got {value!r}.")
    return int(value)


def check_scalar(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    low_inclusive: bool = True,
    high: float | None = None,
    error: type[SemoptError] = InvalidProblemError,
) -> float:
    """Return ``value`` as a finite float within the bounds."""
    if isinstance(value, bool):
        raise error(f"`{name}` must be a number; got {value!r}.")
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise error(f"`{name}` must be a number; got {value!r}.") from None
    if not np.isfinite(x):
        raise error(f"`{name}` must be finite; got {value!r}.")
    if low is not None and (x < low or (not low_inclusive and x == low)):
        rel = ">=" if low_inclusive else ">"
        raise error(f"`{name}` must be {rel} {low:g}; got {value!r}.")
    if high is not None and x > high:
        raise error(f"`{name}` must be <= {high:g}; got {value!r}.")
    return x


def rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    """The one door for randomness: turn a caller's ``seed`` into a Generator."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
        raise InvalidProblemError(f"`seed` must be an integer or None; got {seed!r}.")
    if seed is not None and seed < 0:
        raise InvalidProblemError(f"`seed` must be >= 0; got {seed!r}.")
    return np.random.default_rng(seed)
