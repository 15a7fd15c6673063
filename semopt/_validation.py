"""Validation helpers shared by every problem and scenario: validate once, at the boundary.

Each helper returns a normalised copy (so later mutation of the caller's array
cannot corrupt a validated problem) or raises the given error class with a
message naming the field and the offending value.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from semopt.errors import InvalidProblemError, SemoptError

__all__ = ["quote", "as_float_array", "as_int_array", "as_bool_array", "check_positive_int", "check_scalar", "rng"]


def quote(value: Any) -> str:
    """``value`` for an error message: one line, at most 80 characters, arrays summarised."""
    try:
        text = np.array2string(np.asarray(value), threshold=6) if np.ndim(value) else repr(value)
    except (TypeError, ValueError):  # ragged input: numpy cannot even show it as an array
        text = repr(value)
    text = " ".join(text.split())  # messages are one line: the CLI prints them so
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
    """Return ``value`` as a finite float64 array, checking shape and bounds.

    Only numbers are accepted: strings (``"1.5"``), ``None``, complex numbers
    and ragged nests are refused rather than converted.
    """
    try:
        raw = np.asarray(value)
        if raw.dtype.kind not in "biuf":
            raise TypeError
        arr = np.array(raw, dtype=np.float64, copy=True)
    except (TypeError, ValueError, OverflowError):
        raise error(f"`{name}` must be an array of numbers; got {quote(value)}.") from None
    if shape is not None and arr.shape != tuple(shape):
        raise error(f"`{name}` must have shape {tuple(shape)}; got shape {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        bad = arr[~np.isfinite(arr)].flat[0].item()
        raise error(f"`{name}` must be finite; got {bad!r} in {quote(value)}.")
    if low is not None:
        bad_mask = arr < low if low_inclusive else arr <= low
        if np.any(bad_mask):
            rel = ">=" if low_inclusive else ">"
            raise error(f"`{name}` must be {rel} {low:g}; got {arr[bad_mask].flat[0].item()!r}.")
    if high is not None and np.any(arr > high):
        raise error(f"`{name}` must be <= {high:g}; got {arr[arr > high].flat[0].item()!r}.")
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
    except (TypeError, ValueError, OverflowError):
        raise error(f"`{name}` must be an array of integers; got {quote(value)}.") from None
    if raw.dtype.kind not in "biuf":
        raise error(f"`{name}` must be an array of integers; got {quote(value)}.")
    if raw.dtype.kind == "u" and raw.size and raw.max() > np.iinfo(np.int64).max:
        raise error(f"`{name}` must fit in 64-bit integers; got {quote(value)}.")
    if raw.dtype.kind == "f" and (not np.all(np.isfinite(raw)) or np.any(raw != np.round(raw))):
        raise error(f"`{name}` must hold whole numbers; got {quote(value)}.")
    if raw.dtype.kind == "f" and raw.size and np.abs(raw).max() > 2.0**62:
        raise error(f"`{name}` must fit in 64-bit integers; got {quote(value)}.")
    arr = raw.astype(np.int64)
    if shape is not None and arr.shape != tuple(shape):
        raise error(f"`{name}` must have shape {tuple(shape)}; got shape {arr.shape}.")
    if low is not None and np.any(arr < low):
        raise error(f"`{name}` must be >= {low}; got {arr[arr < low].flat[0]}.")
    if high is not None and np.any(arr > high):
        raise error(f"`{name}` must be <= {high}; got {arr[arr > high].flat[0]}.")
    return arr


def as_bool_array(
    name: str,
    value: Any,
    shape: tuple[int, ...],
    *,
    error: type[SemoptError] = InvalidProblemError,
) -> np.ndarray:
    """Return ``value`` as a bool array of ``shape``; only bools and the integers 0 and 1 are accepted.

    A float, or an integer such as 2, is refused rather than read as true:
    a choice that is neither on nor off is an error, not a guess.
    """
    expected = f"`{name}` must be a bool array of shape {tuple(shape)}"
    try:
        raw = np.array(value, copy=True)
    except (TypeError, ValueError, OverflowError):
        raise error(f"{expected}; got {quote(value)}.") from None
    if raw.shape != tuple(shape):
        raise error(f"{expected}; got shape {raw.shape}.")
    if raw.dtype.kind not in "biu" or not np.isin(raw, (0, 1)).all():
        raise error(f"{expected} (True/False or 0/1); got {quote(value)}.")
    return raw.astype(bool)


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
    # Not a bool (a flag is no quantity) nor a string ("1e3" is text: parse it where it is read).
    if isinstance(value, (bool, np.bool_, str, bytes)):
        raise error(f"`{name}` must be a number; got {quote(value)}.")
    try:
        x = float(value)
    except (TypeError, ValueError, OverflowError):
        raise error(f"`{name}` must be a number; got {quote(value)}.") from None
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
