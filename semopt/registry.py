"""The solver registry: name -> how to run it, which problems it takes, what it handles, what it needs.

Solvers register themselves with :func:`register_solver`; ``solve()`` never
branches on solver names.  ``requires`` lists optional modules, checked with
``importlib.util.find_spec`` so that ``available_solvers`` is honest
without importing heavy packages (cvxpy's ``is_installed`` idiom);
``capabilities`` says which instances of those problems a solver accepts
(:mod:`semopt.capabilities`).

This module is the bottom of the house: the solvers import it to register,
and :mod:`semopt.api` imports the built-in solvers before asking it.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, cast

import numpy as np

from semopt.capabilities import ANY, Capabilities, Traits
from semopt.errors import SolverError, closest
from semopt.options import Option
from semopt.result import SolverOutput

__all__ = [
    "SolverFunction",
    "SolverSpec",
    "register_solver",
    "get_solver",
    "solvers_for",
    "all_solver_names",
    "check_accepts",
    "traits_of",
]


class SolverFunction(Protocol):
    """How ``solve`` calls a solver: ``func(problem, *, rng, time_limit, **options) -> SolverOutput``.

    ``problem`` is a validated private copy (the solver may change it);
    ``rng`` is the only source of randomness; ``time_limit`` is in seconds or
    None; ``options`` are the declared options, checked and completed with
    their defaults.  A solver spells its options out as keyword-only
    parameters (``def bcd(problem, *, rng, time_limit, max_iter, tol)``),
    which a Protocol cannot list: :func:`register_solver` takes any callable
    returning a :class:`~semopt.result.SolverOutput` and files it under this
    type.
    """

    def __call__(self, problem: Any, *, rng: np.random.Generator, time_limit: float | None,
                 **options: Any) -> SolverOutput: ...


F = TypeVar("F", bound=Callable[..., SolverOutput])


@dataclass(frozen=True)
class SolverSpec:
    """One registered solver for one or more problem types."""

    name: str
    func: SolverFunction
    problems: tuple[type, ...]
    exact: bool
    requires: tuple[str, ...]
    extra: str | None
    options: dict[str, Option]
    summary: str
    capabilities: Capabilities = field(default=ANY)
    trains: bool = False

    def applies_to(self, problem: Any) -> bool:
        """Whether ``problem`` is of a type this solver is registered for."""
        return isinstance(problem, self.problems)

    def is_installed(self) -> bool:
        return all(installed(mod) for mod in self.requires)

    def refusal(self, problem: Any, options: Mapping[str, Any] | None = None) -> str | None:
        """Why this solver refuses ``problem`` with ``options`` (default: the declared defaults), or None."""
        merged = {name: opt.default for name, opt in self.options.items()}
        merged.update(options or {})
        return self.capabilities.refusal(problem, traits_of(problem), merged)


def traits_of(problem: Any) -> Traits:
    """The instance's :class:`~semopt.capabilities.Traits` (the default for a problem that declares none)."""
    traits = getattr(problem, "traits", None)
    return traits() if callable(traits) else Traits()


_REGISTRY: dict[tuple[str, type], SolverSpec] = {}


def installed(module: str) -> bool:
    """Whether ``module`` can be imported, without importing it (``sys.modules[name] = None`` hides one)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def register_solver(
    name: str,
    *,
    problems: tuple[type, ...],
    exact: bool = False,
    requires: tuple[str, ...] = (),
    extra: str | None = None,
    options: dict[str, Option] | None = None,
    capabilities: Capabilities = ANY,
    trains: bool = False,
) -> Callable[[F], F]:
    """Register ``func(problem, *, rng, time_limit, **options) -> SolverOutput`` under ``name``.

    Parameters
    ----------
    name : str
        Lowercase, words joined by hyphens (``"best-response"``).  The same
        name may be registered for different problem types (``bcd`` for
        offloading and for split inference); a (name, type) pair only once.
    problems : tuple of type
        The problem classes it solves.
    exact : bool, default False
        Whether it proves optimality.
    requires : tuple of str
        Optional modules it imports; without them it is not available.
    extra : str, optional
        The ``semopt[extra]`` that installs ``requires``.
    options : dict of str to Option
        Its declared options (``semopt.solvers.Option``).
    capabilities : Capabilities
        Which instances it accepts (objectives, optional constraints,
        users, size).
    trains : bool, default False
        Whether it trains a policy before it decides; its results then carry
        ``train_time`` and ``decision_time`` metrics (seconds), and a
        benchmark that runs it shows both for every solver
        (:data:`semopt.bench.records.TRAINING`).

    Notes
    -----
    The README shows a solver registered in a notebook cell and benchmarked
    beside the built-in ones.
    """

    def deco(func: F) -> F:
        summary = (func.__doc__ or "").strip().splitlines()[0] if func.__doc__ else ""
        spec = SolverSpec(name, cast(SolverFunction, func), tuple(problems), exact, tuple(requires), extra,
                          dict(options or {}), summary, capabilities, trains)
        taken = [ptype.__name__ for ptype in problems if (name, ptype) in _REGISTRY]
        if taken:  # checked for every type first: a refused registration registers nothing
            raise SolverError(f"Solver {name!r} is already registered for {', '.join(taken)}.")
        for ptype in problems:
            _REGISTRY[(name, ptype)] = spec
        return func

    return deco


def all_solver_names() -> list[str]:
    """Every registered solver name, sorted."""
    return sorted({name for name, _ in _REGISTRY})


def solvers_for(problem: Any, *, installed_only: bool = True, accepting: bool = True) -> list[SolverSpec]:
    """The solvers registered for ``problem``'s type, sorted by name.

    ``installed_only`` drops those whose optional modules are missing;
    ``accepting`` drops those that refuse this instance with their default
    options (:meth:`SolverSpec.refusal`).
    """
    specs = {}
    for (name, _), spec in _REGISTRY.items():
        if not spec.applies_to(problem) or (installed_only and not spec.is_installed()):
            continue
        if accepting and spec.refusal(problem) is not None:
            continue
        specs[name] = spec
    return [specs[n] for n in sorted(specs)]


def _names(specs: list[SolverSpec]) -> str:
    return ", ".join(s.name for s in specs) or "(none)"


def get_solver(name: Any, problem: Any) -> SolverSpec:
    """Look ``name`` up for ``problem``'s type; raise :class:`SolverError` saying what exists.

    Whether the solver accepts this very instance is a separate question
    (:func:`check_accepts`), answered once the options are known.
    """
    registered = solvers_for(problem, installed_only=False, accepting=False)
    ptype = type(problem).__name__
    if not isinstance(name, str) or name not in all_solver_names():
        names = [s.name for s in registered]
        raise SolverError(
            f"Unknown solver {name!r}; solvers for {ptype}: {', '.join(names) or '(none)'}."
            + (closest(name, names) if isinstance(name, str) else "")
        )
    for spec in registered:
        if spec.name == name:
            if not spec.is_installed():
                missing = [m for m in spec.requires if not installed(m)]
                hint = f"pip install 'semopt[{spec.extra}]'" if spec.extra else "pip install " + " ".join(missing)
                raise SolverError(
                    f"Solver {name!r} needs {', '.join(missing)}, which {'is' if len(missing) == 1 else 'are'} not "
                    f"installed; run: {hint}."
                )
            return spec
    raise SolverError(f"Solver {name!r} does not apply to {ptype}; solvers for {ptype}: {_names(registered)}.")


def check_accepts(spec: SolverSpec, problem: Any, options: Mapping[str, Any] | None = None) -> None:
    """Raise :class:`SolverError` if ``spec`` refuses this instance, naming why and the solvers that accept it."""
    reason = spec.refusal(problem, options)
    if reason is not None:
        # The others are judged with their default options; this one may accept the instance only with others.
        others = [s for s in solvers_for(problem) if s.name != spec.name]
        raise SolverError(
            f"Solver {spec.name!r} does not accept this {type(problem).__name__}: {reason}. "
            f"Solvers that accept it: {_names(others)}."
        )
