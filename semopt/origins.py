"""Where an instance came from, so that code below the scenarios can build its siblings.

``semopt.scenarios.load`` records ``problem.info["scenario"] = {"name": ...,
"params": ...}`` and registers itself here at import; a learned solver, which
sits below the scenarios in the layers and may not import them, asks
:func:`sibling` for instances of the same scenario with other seeds (the
papers train on some seeds and test on others).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["set_builder", "origin", "sibling"]

_BUILDER: list[Callable[..., Any]] = []


def set_builder(build: Callable[..., Any]) -> None:
    """Register ``build(name, **params) -> problem`` (``semopt.scenarios.load``)."""
    _BUILDER[:] = [build]


def origin(problem: Any) -> dict[str, Any] | None:
    """``{"name", "params"}`` of the scenario ``problem`` was loaded from, or None (built by hand)."""
    info = getattr(problem, "info", None)
    found = info.get("scenario") if isinstance(info, dict) else None
    if isinstance(found, dict) and isinstance(found.get("name"), str) and isinstance(found.get("params"), dict):
        return found
    return None


def sibling(problem: Any, **changes: Any) -> Any:
    """The instance of ``problem``'s scenario with ``changes`` to its parameters (a new ``seed``, say)."""
    found = origin(problem)
    if found is None or not _BUILDER:
        raise LookupError("the problem was not loaded from a scenario")
    return _BUILDER[0](found["name"], **{**found["params"], **changes})
