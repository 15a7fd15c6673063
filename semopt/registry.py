"""The solver registry: name -> how to run it, which problems it takes, what it needs.

Solvers register themselves with :func:`register_solver`; ``solve()`` never
branches on solver names.  ``requires`` lists optional modules, checked with
``importlib.util.find_spec`` so that :func:`available_solvers` is honest
without importing heavy packages (cvxpy's ``is_installed`` idiom).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from semopt._options import Option
from semopt.errors import SolverError, closest

__all__ = ["SolverSpec", "SolverOutput", "register_solver", "get_solver", "solvers_for"]


@dataclass
class SolverOutput:
    """What a solver function hands back to ``solve()`` (before re-evaluation)."""

    solution: Any
    status: str
    history: list[float] = field(default_factory=list)
    message: str = ""
    metrics: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class SolverSpec:
    name: str
    func: Callable[..., SolverOutput]
    problems: tuple[type, ...]
    exact: bool
    requires: tuple[str, ...]
    extra: str | None
    options: dict[str, Option]
    summary: str

    def accepts(self, problem: Any) -> bool:
        return isinstance(problem, self.problems)

    def is_installed(self) -> bool:
        return all(importlib.util.find_spec(mod) is not None for mod in self.requires)


_REGISTRY: dict[tuple[str, type], SolverSpec] = {}


def register_solver(
    name: str,
    *,
    problems: tuple[type, ...],
    exact: bool = False,
    requires: tuple[str, ...] = (),
    extra: str | None = None,
    options: dict[str, Option] | None = None,
) -> Callable[[Callable[..., SolverOutput]], Callable[..., SolverOutput]]:
    """Register ``func(problem, *, rng, time_limit, **options) -> SolverOutput``.

    The same name may be registered for different problem types (``bcd`` for
    offloading and for split inference); a (name, type) pair only once.
    """

    def deco(func: Callable[..., SolverOutput]) -> Callable[..., SolverOutput]:
        summary = (func.__doc__ or "").strip().splitlines()[0] if func.__doc__ else ""
        spec = SolverSpec(name, func, tuple(problems), exact, tuple(requires), extra,
                          dict(options or {}), summary)
        for ptype in problems:
            key = (name, ptype)
            if key in _REGISTRY:
                raise RuntimeError(f"solver {name!r} registered twice for {ptype.__name__}")
            _REGISTRY[key] = spec
        return func

    return deco


def _load_builtin() -> None:
    # Importing the solver modules runs their @register_solver decorators.
    import semopt.solvers  # noqa: F401


def all_solver_names() -> list[str]:
    _load_builtin()
    return sorted({name for name, _ in _REGISTRY})


def solvers_for(problem: Any, *, installed_only: bool = True) -> list[SolverSpec]:
    _load_builtin()
    specs = {}
    for (name, _), spec in _REGISTRY.items():
        if spec.accepts(problem) and (spec.is_installed() or not installed_only):
            specs[name] = spec
    return [specs[n] for n in sorted(specs)]


def get_solver(name: Any, problem: Any) -> SolverSpec:
    """Look ``name`` up for ``problem``; raise :class:`SolverError` saying what exists."""
    _load_builtin()
    applicable = solvers_for(problem, installed_only=False)
    names = [s.name for s in applicable]
    ptype = type(problem).__name__
    if not isinstance(name, str) or name not in all_solver_names():
        raise SolverError(
            f"Unknown solver {name!r}; solvers for {ptype}: {', '.join(names) or '(none)'}."
            + (closest(name, names) if isinstance(name, str) else "")
        )
    for spec in applicable:
        if spec.name == name:
            if not spec.is_installed():
                missing = [m for m in spec.requires if importlib.util.find_spec(m) is None]
                hint = f"pip install 'semopt[{spec.extra}]'" if spec.extra else "pip install " + " ".join(missing)
                raise SolverError(
                    f"Solver {name!r} needs {', '.join(missing)}, which is not installed; run: {hint}."
                )
            return spec
    raise SolverError(
        f"Solver {name!r} does not apply to {ptype}; solvers for {ptype}: {', '.join(names) or '(none)'}."
    )
