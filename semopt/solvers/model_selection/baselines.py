"""The paper's baselines (Lin et al. §IV), made concrete as in spec B2.10: ``random``, ``average``,
``heuristic-rde``.

* ``random`` "selects the SCM model index and allocates resources randomly":
  models uniform, bandwidth ``B_max x Dirichlet(1)``, transmit power
  ``P x Dirichlet(1)``;
* ``average`` assigns "the same SCM model to all users" (drawn once per
  instance from the solver's seed unless ``model`` is given) "and equally
  divid[es] bandwidth and power among them";
* ``heuristic-rde`` "greedily selects the SCM model for each user based on
  the model's individual RDE ``r_m / (lambda D_s + eps)``", with bandwidth and
  power uniform.  Under the uniform split a user's rate does not depend on
  its model, so this is the least distorting model for everyone (DPN-26),
  whose compute power and latency floor break the budgets as users grow --
  the paper's "though optimal per user, often violates global resource
  constraints".

The power they share is the transmit budget (7b) leaves, ``P_max - sum p_c``
under the joint budget (``power_split="remaining"``, the default), or
``P_max`` itself (``"total"``, the literal "equally dividing power", which
overshoots (7b) by the compute power).  None of them looks at the latency
bounds: their answers are judged as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from semopt.capabilities import Capabilities
from semopt.models.model_selection import link_rate
from semopt.options import Option
from semopt.problems.model_selection import ModelSelection, SelectionSolution
from semopt.registry import register_solver
from semopt.result import SolverOutput, Status

__all__: list[str] = []

POWER_SPLIT = Option("remaining", "choice", "Transmit power shared: what (7b) leaves after compute power, or the "
                     "whole P_max.", choices=("remaining", "total"))


def _transmit(problem: ModelSelection, model: np.ndarray, power_split: str) -> float:
    return max(problem.transmit_budget(model), 0.0) if power_split == "remaining" else problem.power_max


def _uniform(problem: ModelSelection, model: np.ndarray, power_split: str) -> SelectionSolution:
    m = problem.n_users
    return SelectionSolution(model, np.full(m, problem.bandwidth_max / m),
                             np.full(m, _transmit(problem, model, power_split) / m))


@register_solver("random", problems=(ModelSelection,), options={
    "tries": Option(1, "int", "Random draws; the best is kept (feasible first, then RDE). 1: the paper's.",
                    low=1, high=10**6),
    "power_split": POWER_SPLIT,
})
def random_baseline(problem: ModelSelection, *, rng: np.random.Generator, time_limit: float | None, tries: int,
                    power_split: str) -> SolverOutput:
    """The paper's random baseline: random models, Dirichlet shares of bandwidth and power."""
    m = problem.n_users
    best, best_key = None, None
    for _ in range(tries):
        model = rng.integers(0, problem.n_models, size=m).astype(np.int64)
        sol = SelectionSolution(model, problem.bandwidth_max * rng.dirichlet(np.ones(m)),
                                _transmit(problem, model, power_split) * rng.dirichlet(np.ones(m)))
        verdict = problem.evaluate(sol)
        key = (verdict.feasible, verdict.objective)
        if best_key is None or key > best_key:
            best, best_key = sol, key
    return SolverOutput(best, Status.CONVERGED, [], f"best of {tries} random draw(s)")


def _check_model(problem: ModelSelection, options: Mapping[str, Any]) -> str | None:
    chosen = options.get("model")
    if chosen is not None and chosen >= problem.n_models:
        return f"option model={chosen} is not a model index in [0, {problem.n_models})"
    return None


@register_solver("average", problems=(ModelSelection,), options={
    "model": Option(None, "int", "The model every user runs (default: one drawn uniformly from the seed).", low=0,
                    none_ok=True),
    "power_split": POWER_SPLIT,
}, capabilities=Capabilities(check=_check_model))
def average(problem: ModelSelection, *, rng: np.random.Generator, time_limit: float | None, model: int | None,
            power_split: str) -> SolverOutput:
    """The paper's average baseline: one model for every user, bandwidth and power split equally."""
    chosen = int(rng.integers(0, problem.n_models)) if model is None else model
    sol = _uniform(problem, np.full(problem.n_users, chosen, dtype=np.int64), power_split)
    return SolverOutput(sol, Status.CONVERGED, [], f"every user on {problem.model_names[chosen]}, equal shares")


@register_solver("heuristic-rde", problems=(ModelSelection,), options={"power_split": POWER_SPLIT})
def heuristic_rde(problem: ModelSelection, *, rng: np.random.Generator, time_limit: float | None,
                  power_split: str) -> SolverOutput:
    """The paper's heuristic-RDE baseline: each user's model by its own RDE under equal shares."""
    m, s = problem.n_users, problem.n_models
    # A user's equal share of power depends on everyone's models under the joint budget; the paper's greedy
    # rule looks at one user at a time, so it prices its rate at the share of P_max.
    share = _uniform(problem, np.zeros(m, dtype=np.int64), "total")
    rate = link_rate(share.bandwidth, share.power, problem.gain_over_noise)
    own_rde = rate[:, None] / (problem.lam * problem.model_loss[None, :] + problem.eps)
    model = np.argmax(own_rde, axis=1).astype(np.int64)
    sol = _uniform(problem, model, power_split)
    names = sorted({problem.model_names[i] for i in model})
    return SolverOutput(sol, Status.CONVERGED, [], f"each user on its best own-RDE model ({', '.join(names)}), "
                        f"equal shares; {s} models compared")
