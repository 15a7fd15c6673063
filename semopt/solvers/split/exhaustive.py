"""``exhaustive`` for split inference: every device set, with every constraint; or every joint placement.

One user: every downset of the layer graph (every split of a chain, every
closed set of a DAG, :mod:`semopt.algorithms.enumeration`), each judged with
the energy budget, the deadline and the memory limit; the least violating
set is returned when none is feasible.  Several users without constraints:
every combination of device sets with its optimal shares, scored in closed
form.  A network with more than ``max_space`` device sets (or joint
placements) is refused at the door.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np

from semopt.algorithms.enumeration import count_downsets, downsets
from semopt.analysis.equilibrium import optimal_shares
from semopt.capabilities import Capabilities
from semopt.options import Option
from semopt.problems.base import FEASIBILITY_RTOL
from semopt.problems.split import ADDITIVE_OBJECTIVES, SplitInference
from semopt.registry import register_solver, traits_of
from semopt.result import SolverOutput, Status

__all__ = ["MAX_DOWNSETS", "joint_optimum"]

MAX_DOWNSETS = 200_000


def _refusal(problem: Any, options: Mapping[str, Any]) -> str | None:
    limit = options["max_space"]
    count = count_downsets(problem.graph_for(), limit)
    if count > limit:
        return f"more than max_space={limit} device sets (downsets); use 'mincut' or 'milp'"
    if problem.n_users > 1:
        constraints = sorted(traits_of(problem).constraints)
        if constraints:
            return (f"with several users it enumerates joint placements without constraints; this instance has "
                    f"{', '.join(constraints)}")
        if count ** problem.n_users > limit:
            return f"{count}^{problem.n_users} joint placements > max_space={limit}; use 'bcd'"
    return None


@register_solver("exhaustive", problems=(SplitInference,), exact=True, options={
    "max_space": Option(MAX_DOWNSETS, "int", "Refuse networks with more device sets (or joint placements) than "
                        "this.", low=1),
}, capabilities=Capabilities(objectives=ADDITIVE_OBJECTIVES, check=_refusal))
def exhaustive_split(problem: SplitInference, *, rng: np.random.Generator, time_limit: float | None,
                     max_space: int) -> SolverOutput:
    """Every device set (every split of a chain, every downset of a DAG), with every constraint."""
    candidates = downsets(problem.graph_for(), problem.n_layers)
    if problem.n_users > 1:
        return joint_optimum(problem, candidates)
    sol = problem.empty_solution()
    feasible_all = True
    for m in range(problem.n_users):
        costs = problem.costs(m, sol.bandwidth[m], sol.compute[m])
        parts = problem.parts(m, sol.bandwidth[m], sol.compute[m])
        best, best_key = None, None
        for row in candidates:
            send, send_in = problem.sent(row)
            latency = problem.total(parts["latency"], row, send, send_in)
            energy = problem.total(parts["energy"], row, send, send_in)
            memory = problem.device_memory(row)
            excess = (max(energy / problem.energy_budget[m] - 1, 0) + max(latency / problem.deadline[m] - 1, 0)
                      + max(memory - problem.memory[m], 0) / max(problem.memory[m], 1.0))
            key = (excess > FEASIBILITY_RTOL, excess, problem.total(costs, row, send, send_in))
            if best_key is None or key < best_key:
                best, best_key = row, key
        assert best is not None and best_key is not None  # the empty set is always a candidate
        sol.placement[m] = best
        feasible_all &= not best_key[0]
    status = Status.OPTIMAL if feasible_all else Status.INFEASIBLE
    message = (f"enumerated {len(candidates)} device sets" if feasible_all else
               "no device set meets every constraint of some user; returned the least violating one")
    return SolverOutput(sol, status, [], message, {"combinations": float(len(candidates))})


def joint_optimum(problem: SplitInference, candidates: list[np.ndarray]) -> SolverOutput:
    """Several users, unconstrained: every combination of device sets with its optimal shares.

    For fixed placements the shares have the square-root closed form, and
    ``min sum A_m / b_m`` over ``sum b_m = B`` is ``(sum sqrt A_m)^2 / B``, so
    each combination is scored without solving anything.
    """
    users = problem.n_users
    wt, we = problem.objective_weights()
    table = []  # per user: (constant part, sqrt A, sqrt C) of each candidate
    for m in range(users):
        parts = problem.parts(m, 1.0, 1.0)  # the device side does not depend on the shares
        rows = np.array(candidates)
        const = np.zeros(len(candidates))
        if wt:
            const += wt * (rows @ parts["latency"].device)
        if we:
            const += we * (rows @ parts["energy"].device)
        coeffs = np.array([problem.share_coefficients(np.tile(r, (users, 1))) for r in candidates])[:, :, m]
        table.append((const, np.sqrt(coeffs[:, 0]), np.sqrt(coeffs[:, 1])))
    best: tuple[int, ...] | None = None
    best_value = np.inf
    for combo in itertools.product(range(len(candidates)), repeat=users):
        value = sum(table[m][0][i] for m, i in enumerate(combo))
        value += sum(table[m][1][i] for m, i in enumerate(combo)) ** 2 / problem.bandwidth
        value += sum(table[m][2][i] for m, i in enumerate(combo)) ** 2 / problem.edge_flops
        if best is None or value < best_value - 1e-15 * abs(best_value):
            best, best_value = combo, value
    assert best is not None
    sol = problem.empty_solution()
    sol.placement = np.array([candidates[i] for i in best])
    sol.bandwidth, sol.compute = optimal_shares(problem, sol.placement)
    return SolverOutput(sol, Status.OPTIMAL, [], f"enumerated {len(candidates) ** users} joint placements",
                        {"combinations": float(len(candidates) ** users)})
