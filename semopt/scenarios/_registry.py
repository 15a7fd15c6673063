"""Scenario registry and the override checks shared by every builder."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from semopt._options import Option
from semopt.errors import ScenarioError, SolverError, closest

__all__ = ["ScenarioSpec", "register_scenario", "load", "names", "describe", "load_toml"]


@dataclass(frozen=True)
class ScenarioSpec:
    name: str
    build: Callable[..., Any]
    overrides: dict[str, Option]
    summary: str


_SCENARIOS: dict[str, ScenarioSpec] = {}


def register_scenario(name: str, overrides: dict[str, Option], summary: str):
    """Register ``build(**params) -> Problem`` under ``name`` with its declared overrides."""

    def deco(build: Callable[..., Any]) -> Callable[..., Any]:
        if name in _SCENARIOS:
            raise RuntimeError(f"scenario {name!r} registered twice")
        _SCENARIOS[name] = ScenarioSpec(name, build, dict(overrides), summary)
        return build

    return deco


def names() -> list[str]:
    """Sorted names of the built-in scenarios."""
    return sorted(_SCENARIOS)


def _spec(name: Any) -> ScenarioSpec:
    if not isinstance(name, str) or name not in _SCENARIOS:
        known = ", ".join(names())
        raise ScenarioError(
            f"Unknown scenario {name!r}; known scenarios: {known}."
            + (closest(name, _SCENARIOS) if isinstance(name, str) else "")
        )
    return _SCENARIOS[name]


def describe(name: str) -> dict[str, Any]:
    """The overrides of scenario ``name`` with their defaults."""
    return {key: opt.default for key, opt in sorted(_spec(name).overrides.items())}


def load(name: str, **overrides: Any) -> Any:
    """Build scenario ``name`` with ``overrides`` (words of the model, e.g. ``users=30``).

    Raises
    ------
    ScenarioError
        Unknown scenario, unknown override (the message lists the known
        ones) or an override value out of its range.
    """
    spec = _spec(name)
    unknown = sorted(set(overrides) - set(spec.overrides))
    if unknown:
        raise ScenarioError(
            f"Unknown override {unknown[0]!r} for scenario {name!r}; known overrides: "
            f"{', '.join(sorted(spec.overrides))}." + closest(unknown[0], spec.overrides)
        )
    params = {key: opt.default for key, opt in spec.overrides.items()}
    for key, value in overrides.items():
        try:
            params[key] = spec.overrides[key].check(key, name, value)
        except SolverError as exc:
            raise ScenarioError(
                str(exc).replace("option of solver", "override of scenario")
            ) from None
    return spec.build(**params)


def load_toml(path: str | Path) -> Any:
    """Load ``scenario = "name"`` plus overrides from a TOML file."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    if "scenario" not in data:
        raise ScenarioError(f"TOML file {str(path)!r} must name a `scenario`; got keys {sorted(data)}.")
    name = data.pop("scenario")
    return load(name, **data)
