"""Scenario registry, its lookups, and the TOML scenario files shared by the API and the CLI."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from semopt.errors import ScenarioError, SolverError, closest
from semopt.options import Option

__all__ = ["ScenarioSpec", "register_scenario", "load", "names", "describe", "spec", "read_toml", "load_toml",
           "resolve"]


@dataclass(frozen=True)
class ScenarioSpec:
    """One registered scenario: its builder, the problem class it builds, its overrides and a one-line summary."""

    name: str
    build: Callable[..., Any]
    problem: type
    overrides: dict[str, Option]
    summary: str


_SCENARIOS: dict[str, ScenarioSpec] = {}
_ALIASES: dict[str, str] = {}


def register_scenario(name: str, *, problem: type, overrides: Mapping[str, Option], summary: str,
                      aliases: tuple[str, ...] = ()) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``build(**params) -> problem`` under ``name`` with its declared overrides.

    ``aliases`` are older names that keep working in :func:`load` and
    :func:`describe` but are not listed by :func:`names`.
    """

    def deco(build: Callable[..., Any]) -> Callable[..., Any]:
        if name in _SCENARIOS or name in _ALIASES:
            raise ScenarioError(f"Scenario {name!r} is already registered.")
        _SCENARIOS[name] = ScenarioSpec(name, build, problem, dict(overrides), summary)
        for alias in aliases:
            _ALIASES[alias] = name
        return build

    return deco


def names() -> list[str]:
    """Sorted names of the built-in scenarios."""
    return sorted(_SCENARIOS)


def spec(name: Any) -> ScenarioSpec:
    """The :class:`ScenarioSpec` of ``name`` (or of an alias); :class:`ScenarioError` listing the known ones."""
    key = _ALIASES.get(name, name) if isinstance(name, str) else name
    if not isinstance(key, str) or key not in _SCENARIOS:
        known = ", ".join(names())
        raise ScenarioError(
            f"Unknown scenario {name!r}; known scenarios: {known}."
            + (closest(name, _SCENARIOS) if isinstance(name, str) else "")
        )
    return _SCENARIOS[key]


def describe(name: str) -> dict[str, Any]:
    """The overrides of scenario ``name`` with their defaults."""
    return {key: opt.default for key, opt in sorted(spec(name).overrides.items())}


def load(name: str, **overrides: Any) -> Any:
    """Build scenario ``name`` with ``overrides`` (words of the model, e.g. ``users=30``).

    Raises
    ------
    ScenarioError
        Unknown scenario, unknown override (the message lists the known
        ones) or an override value out of its range.
    """
    scenario = spec(name)
    unknown = sorted(set(overrides) - set(scenario.overrides))
    if unknown:
        raise ScenarioError(
            f"Unknown override {unknown[0]!r} for scenario {scenario.name!r}; known overrides: "
            f"{', '.join(sorted(scenario.overrides))}." + closest(unknown[0], scenario.overrides)
        )
    params = {key: opt.default for key, opt in scenario.overrides.items()}
    for key, value in overrides.items():
        try:
            params[key] = scenario.overrides[key].check(key, scenario.name, value)
        except SolverError as exc:
            raise ScenarioError(
                str(exc).replace("option of solver", "override of scenario")
            ) from None
    return scenario.build(**params)


def read_toml(path: str | Path) -> tuple[str, dict[str, Any]]:
    """``(scenario name, overrides)`` from a TOML file holding ``scenario = "name"`` plus overrides.

    Raises
    ------
    ScenarioError
        The file cannot be read, is not valid TOML, or names no scenario.
    """
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise ScenarioError(f"Cannot read scenario file {str(path)!r}: {exc.strerror}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"Scenario file {str(path)!r} is not valid TOML: {exc}.") from None
    name = data.pop("scenario", None)
    if not isinstance(name, str):
        raise ScenarioError(f"Scenario file {str(path)!r} must name a `scenario`; got keys {sorted(data)}.")
    return name, data


def load_toml(path: str | Path, **overrides: Any) -> Any:
    """Build the scenario a TOML file names, with its overrides; ``overrides`` here take precedence."""
    name, data = read_toml(path)
    return load(name, **{**data, **overrides})


def resolve(target: str, overrides: Mapping[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
    """A scenario name or a TOML file (``*.toml``), plus overrides, as ``(scenario name, overrides)``.

    The given ``overrides`` take precedence over the file's.  An unknown
    scenario fails here, listing the known ones; the overrides are checked
    when the scenario is loaded.
    """
    name, data = read_toml(target) if str(target).endswith(".toml") else (target, {})
    return spec(name).name, {**data, **dict(overrides or {})}
