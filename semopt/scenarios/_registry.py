"""Scenario registry, its lookups, and the TOML scenario files shared by the API and the CLI."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from semopt.errors import InvalidProblemError, ScenarioError, SolverError, closest
from semopt.limits import Footprint, check_footprint
from semopt.options import Option

__all__ = ["ScenarioSpec", "register_scenario", "load", "names", "describe", "spec", "read_toml", "load_toml",
           "resolve", "check_overrides", "MAX_TOML_BYTES", "MAX_SEED"]


@dataclass(frozen=True)
class ScenarioSpec:
    """One registered scenario: its builder, the problem class it builds, its overrides and a one-line summary.

    ``footprint(params)`` estimates, from the overrides alone, the memory an
    instance would take (:class:`~semopt.limits.Footprint`); ``sizes`` names
    the overrides it depends on.  :func:`load` refuses an instance beyond the
    memory guard before building it.
    """

    name: str
    build: Callable[..., Any]
    problem: type
    overrides: dict[str, Option]
    summary: str
    footprint: Callable[[Mapping[str, Any]], Footprint] | None = None
    sizes: tuple[str, ...] = ()


MAX_SEED = 2**63 - 1
"""The largest ``seed`` override: numpy seeds take any size, but records and CSV files hold int64."""

MAX_TOML_BYTES = 1_000_000
"""A scenario file larger than this is refused unread: it holds a few overrides, not data."""

_SCENARIOS: dict[str, ScenarioSpec] = {}
_ALIASES: dict[str, str] = {}


def register_scenario(name: str, *, problem: type, overrides: Mapping[str, Option], summary: str,
                      aliases: tuple[str, ...] = (),
                      footprint: Callable[[Mapping[str, Any]], Footprint] | None = None,
                      sizes: tuple[str, ...] = ()) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``build(**params) -> problem`` under ``name`` with its declared overrides.

    ``aliases`` are older names that keep working in :func:`load` and
    :func:`describe` but are not listed by :func:`names`.  ``footprint``
    and ``sizes``: see :class:`ScenarioSpec`.
    """
    unknown = sorted(set(sizes) - set(overrides))
    if unknown:
        raise ScenarioError(f"Scenario {name!r}: `sizes` names {unknown[0]!r}, which is not one of its overrides.")

    def deco(build: Callable[..., Any]) -> Callable[..., Any]:
        if name in _SCENARIOS or name in _ALIASES:
            raise ScenarioError(f"Scenario {name!r} is already registered.")
        _SCENARIOS[name] = ScenarioSpec(name, build, problem, dict(overrides), summary, footprint, tuple(sizes))
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
        ones), an override value out of its range, or sizes whose instance
        would exceed the memory guard (:mod:`semopt.limits`).
    """
    scenario = spec(name)
    params = check_overrides(scenario, overrides)
    if scenario.footprint is not None:
        check_footprint(f"Scenario {scenario.name!r}", scenario.footprint(params),
                        {key: params[key] for key in scenario.sizes}, error=ScenarioError)
    try:
        problem = scenario.build(**params)
    except (ScenarioError, MemoryError):
        raise
    except (InvalidProblemError, ArithmeticError, ValueError) as exc:
        # A safety net: the overrides' ranges are meant to make every instance valid.  Should a
        # combination still fail, say which overrides built it rather than leak an internal field.
        given = ", ".join(f"{key}={value!r}" for key, value in overrides.items()) or "its defaults"
        raise ScenarioError(f"Scenario {scenario.name!r} with {given} gives no valid instance: {exc}") from None
    info = getattr(problem, "info", None)
    if isinstance(info, dict):  # where the instance came from: a learned solver trains on its siblings
        info.setdefault("scenario", {"name": scenario.name, "params": dict(params)})
    return problem


def check_overrides(scenario: ScenarioSpec, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Every override of ``scenario``: its defaults with ``overrides`` checked over them.

    Raises
    ------
    ScenarioError
        An unknown override (listing the known ones) or a value out of its range.
    """
    unknown = sorted((key for key in overrides if key not in scenario.overrides), key=str)
    if unknown:
        raise ScenarioError(
            f"Unknown override {unknown[0]!r} for scenario {scenario.name!r}; known overrides: "
            f"{', '.join(sorted(scenario.overrides))}." + closest(str(unknown[0]), scenario.overrides)
        )
    params = {key: opt.default for key, opt in scenario.overrides.items()}
    for key, value in overrides.items():
        option = scenario.overrides[key]
        try:
            params[key] = option.check(key, scenario.name, value)
        except SolverError:
            # The option's doc carries the unit ("Carrier frequency in Hz."): the message names both.
            meaning = f" ({option.doc.rstrip('.')})" if option.doc else ""
            raise ScenarioError(
                f"The {key!r} override of scenario {scenario.name!r}{meaning} must be {option.describe()}"
                f"{' or None' if option.none_ok else ''}; got {_quote(value)}."
            ) from None
    return params


def _quote(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def read_toml(path: str | Path) -> tuple[str, dict[str, Any]]:
    """``(scenario name, overrides)`` from a TOML file holding ``scenario = "name"`` plus overrides.

    Raises
    ------
    ScenarioError
        The file cannot be read, is larger than :data:`MAX_TOML_BYTES`, is
        not UTF-8, is not valid TOML, or does not name its scenario with a
        string.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise ScenarioError(f"A scenario file must be given by its path (a str or a Path); got {path!r:.80}.")
    where = f"Scenario file {str(path)!r}"
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_TOML_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(f"Cannot read scenario file {str(path)!r}: {exc.strerror or exc}.") from None
    if len(raw) > MAX_TOML_BYTES:
        raise ScenarioError(f"{where} is larger than {MAX_TOML_BYTES} bytes; a scenario file holds a few overrides.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{where} is not UTF-8 text (byte {exc.start}: {raw[exc.start:exc.start + 1]!r}); "
                            "TOML files must be UTF-8.") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{where} is not valid TOML: {exc}.") from None
    except RecursionError:  # deeply nested arrays: tomllib recurses once per level
        raise ScenarioError(f"{where} nests its values too deeply to be a scenario file.") from None
    if "scenario" not in data:
        raise ScenarioError(f"{where} must name its scenario (scenario = \"name\"); got keys {sorted(data)}.")
    name = data.pop("scenario")
    if not isinstance(name, str):
        raise ScenarioError(f"{where}: `scenario` must be a string naming a scenario; got {name!r}.")
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
