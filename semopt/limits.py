"""The memory guard: refuse an instance (or a solver's working set) before allocating it.

Sizes come from users (``users=10**7``, a sweep with a typo in its step), so
every scenario estimates the bytes an instance would need from its sizes
alone and refuses, before drawing anything, when the estimate exceeds the
guard.  The guard is :data:`DEFAULT_MAX_BYTES` (2 GiB, a tenth of a laptop's
memory) unless the environment variable ``SEMOPT_MAX_BYTES`` sets another
number of bytes; it is read at each check, so a notebook or a test can
change it on the fly.

Examples
--------
>>> format_bytes(59.6 * 2**30)
'59.6 GiB'
>>> estimate = Footprint([("channel gains", 8 * 20 * 4 * 10**8)])
>>> estimate.total > max_bytes()
True
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from semopt.errors import SemoptError

__all__ = ["DEFAULT_MAX_BYTES", "ENV_VAR", "Footprint", "max_bytes", "format_bytes", "check_footprint"]

DEFAULT_MAX_BYTES = 2 * 2**30
"""The guard when ``SEMOPT_MAX_BYTES`` is not set: 2 GiB."""

ENV_VAR = "SEMOPT_MAX_BYTES"


def max_bytes() -> int:
    """The guard in bytes: ``SEMOPT_MAX_BYTES`` when set (a positive whole number), else 2 GiB.

    Raises
    ------
    SemoptError
        ``SEMOPT_MAX_BYTES`` is set to something other than a positive whole number.
    """
    text = os.environ.get(ENV_VAR)
    if text is None or not text.strip():
        return DEFAULT_MAX_BYTES
    try:
        value = int(float(text)) if text.strip().lower() not in ("nan", "inf", "-inf") else -1
    except (ValueError, OverflowError):
        value = -1
    if value <= 0:
        raise SemoptError(f"The environment variable {ENV_VAR} must be a positive number of bytes; got {text!r}.")
    return value


def format_bytes(n: float) -> str:
    """``n`` bytes in the largest binary unit that keeps it >= 1 (``'59.6 GiB'``)."""
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{int(n)} bytes"


@dataclass(frozen=True)
class Footprint:
    """An estimate of the memory something would take: named parts in bytes.

    Each part is an upper estimate of the arrays alive at the peak (with the
    temporary copies made while building them), so a refused instance would
    surely not fit and an accepted one surely does.
    """

    parts: Sequence[tuple[str, float]]

    @property
    def total(self) -> float:
        return float(sum(size for _, size in self.parts))

    def describe(self) -> str:
        """The parts, largest first: ``'channel gains 59.6 GiB, distances 640 bytes'``."""
        ranked = sorted(self.parts, key=lambda part: -part[1])
        return ", ".join(f"{name} {format_bytes(size)}" for name, size in ranked if size > 0)


def check_footprint(what: str, footprint: Footprint, sizes: Mapping[str, Any], *,
                    error: type[SemoptError] = SemoptError) -> None:
    """Raise ``error`` when ``footprint`` exceeds :func:`max_bytes`.

    Parameters
    ----------
    what : str
        What would be built, for the message (``"scenario 'semantic-mec'"``).
    footprint : Footprint
    sizes : mapping
        The user's words for the sizes behind the estimate (``{"users": 20,
        "subcarriers": 10**8}``), quoted in the message so that it names
        the fields and values to lower.
    error : SemoptError subclass
    """
    limit = max_bytes()
    if footprint.total > limit:
        given = ", ".join(f"{key}={value!r}" for key, value in sizes.items())
        raise error(
            f"{what} with {given} would need about {format_bytes(footprint.total)} "
            f"({footprint.describe()}), more than the memory guard of {format_bytes(limit)}; "
            f"lower {' or '.join(f'`{key}`' for key in sizes)}, or raise the guard with the environment "
            f"variable {ENV_VAR}."
        )
