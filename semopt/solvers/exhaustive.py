"""Exact solvers by enumeration: tiny SemanticOffloading instances, and SplitInference device sets.

For every association, every subcarrier assignment (each subcarrier of a BS
to one of its users or left free, every user holding at least one) and
every semantic mode vector, the compute allocation is the convex problem
eq 26, solved exactly by the KKT closed form with the deadline floors.
The best feasible combination is the global optimum of problem (9).

The search space is counted before anything runs; above ``max_space``
(default 200,000 combinations) the solver refuses with a
:class:`~semopt.errors.SolverError` that gives the count.
"""

from __future__ import annotations

import itertools
import time
from math import comb

import numpy as np

from semopt._options import Option
from semopt.errors import SolverError
from semopt.problems.semantic_offloading import OffloadingSolution, SemanticOffloading
from semopt.problems.split_inference import SplitInference
from semopt.registry import SolverOutput, register_solver
from semopt.result import Status
from semopt.solvers import convex
from semopt.solvers.offloading import OffloadingModel, compute_coefficients, overfull_output

__all__ = ["search_space", "MAX_SPACE", "downsets", "MAX_DOWNSETS"]

MAX_SPACE = 200_000


def _cell_assignments(n_members: int, n_sub: int) -> int:
    """Ways to give N subcarriers to m users or leave them free, each user holding >= 1."""
    # Inclusion-exclusion over the users left without a subcarrier.
    return sum((-1) ** j * comb(n_members, j) * (n_members - j + 1) ** n_sub for j in range(n_members + 1))


def _compositions(total: int, parts: int):
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in _compositions(total - first, parts - 1):
            yield (first, *rest)


def search_space(problem: SemanticOffloading) -> int:
    """Number of (association, subcarriers, semantic) combinations :func:`exhaustive` visits."""
    u, k, n = problem.gain.shape
    cells = [_cell_assignments(m, n) for m in range(u + 1)]
    total = 0
    for counts in _compositions(u, k):
        ways, left = 1, u
        for m in counts:  # multinomial coefficient times the subcarrier assignments of each BS
            ways *= comb(left, m) * cells[m]
            left -= m
        total += ways
    return total * 2**u


def _rows(members: np.ndarray, n_sub: int):
    for row in itertools.product([-1, *members.tolist()], repeat=n_sub):
        if all(m in row for m in members):
            yield row


@register_solver("exhaustive", problems=(SemanticOffloading,), exact=True, options={
    "max_space": Option(MAX_SPACE, "int", "Refuse instances with more combinations than this.", low=1),
})
def exhaustive(problem: SemanticOffloading, *, rng, time_limit, max_space: int) -> SolverOutput:
    """Global optimum of problem (9) by enumeration (tiny instances only)."""
    u, k, n = problem.gain.shape
    if u > k * n:
        return overfull_output(problem)
    space = search_space(problem)
    if space > max_space:
        raise SolverError(
            f"exhaustive refuses this instance: {space} combinations > max_space={max_space}; "
            f"use 'bcd' or raise max_space."
        )
    model = OffloadingModel(problem)
    start = time.perf_counter()
    timed_out = False
    best: tuple | None = None
    semantics = [np.array(e, dtype=bool) for e in itertools.product((False, True), repeat=u)]
    for assoc in itertools.product(range(k), repeat=u):
        if best is not None and time_limit is not None and time.perf_counter() - start > time_limit:
            timed_out = True
            break
        assoc = np.array(assoc, dtype=np.int64)
        per_bs = [list(_rows(np.flatnonzero(assoc == b), n)) for b in range(k)]
        for rows in itertools.product(*per_bs):
            carrier = np.array(rows, dtype=np.int64).reshape(k, n)
            _, rate = model.rates(carrier)
            for semantic in semantics:
                sol = OffloadingSolution(assoc, carrier, semantic, np.zeros(u))
                a, b = compute_coefficients(model, sol, rate)
                low, _ = convex.deadline_floors(assoc, a, b, model.terms.deadline, model.capacity)
                sol.compute = convex.allocate_kkt(assoc, a, b, model.terms.weight, low, model.capacity)
                score = model.assess(sol)
                if best is None or model.better(score, best[1]):
                    best = (sol, score)
    sol, score = best
    if timed_out:
        status, message = Status.TIME_LIMIT, f"reached time_limit={time_limit} s before enumerating all {space}"
    elif problem.evaluate(sol).feasible:
        status, message = Status.OPTIMAL, f"enumerated {space} combinations"
    else:
        # Every combination was tried with its best compute: no allocation meets every deadline.
        status = Status.INFEASIBLE
        message = ("no allocation meets every deadline (9h); returned the combination with the least "
                   "deadline excess, its compute maximising the reward")
    return SolverOutput(sol, status, [score.objective], message, {"combinations": float(space)})



# ------------------------------------------------------------------ SplitInference
MAX_DOWNSETS = 200_000


def downsets(graph, limit: int, size: int | None = None):
    """Every downset (predecessor-closed set) of the DAG ``graph`` as bool[size], in a fixed order.

    ``graph`` may be a subgraph; rows have ``size`` entries (default: the
    largest node index + 1), False outside it.

    Raises SolverError as soon as more than ``limit`` exist.
    """
    order = sorted(graph.nodes)
    preds = [list(graph.predecessors(v)) for v in order]
    found: list[np.ndarray] = []
    row = np.zeros(size if size is not None else max(order) + 1, dtype=bool)

    def extend(i: int) -> None:
        if i == len(order):
            if len(found) >= limit:
                raise SolverError(
                    f"exhaustive refuses this network: more than max_space={limit} device sets (downsets); "
                    f"use 'mincut' or 'milp'."
                )
            found.append(row.copy())
            return
        v = order[i]
        row[v] = False
        extend(i + 1)
        if all(row[p] for p in preds[i]):
            row[v] = True
            extend(i + 1)
            row[v] = False

    extend(0)
    return found


@register_solver("exhaustive", problems=(SplitInference,), exact=True, options={
    "max_space": Option(MAX_DOWNSETS, "int", "Refuse networks with more device sets than this.", low=1),
})
def exhaustive_split(problem: SplitInference, *, rng, time_limit, max_space: int) -> SolverOutput:
    """Every device set (every split of a chain, every downset of a DAG), with every constraint."""
    candidates = downsets(problem.graph_for(), max_space, problem.n_layers)
    if problem.n_users > 1:
        return _joint_split(problem, candidates, max_space)
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
            memory = problem.bytes_per_param * problem.network.params[row].sum()
            excess = (max(energy / problem.energy_budget[m] - 1, 0) + max(latency / problem.deadline[m] - 1, 0)
                      + max(memory - problem.memory[m], 0) / max(problem.memory[m], 1.0))
            key = (excess > 1e-9, excess, problem.total(costs, row, send, send_in))
            if best_key is None or key < best_key:
                best, best_key = row, key
        sol.placement[m] = best
        feasible_all &= not best_key[0]
    status = Status.OPTIMAL if feasible_all else Status.INFEASIBLE
    message = (f"enumerated {len(candidates)} device sets" if feasible_all else
               "no device set meets every constraint of some user; returned the least violating one")
    return SolverOutput(sol, status, [], message, {"combinations": float(len(candidates))})


def _joint_split(problem: SplitInference, candidates: list, max_space: int) -> SolverOutput:
    """Several users, unconstrained: every combination of device sets with its optimal shares.

    For fixed placements the shares have the square-root closed form, and
    ``min sum A_m / b_m`` over ``sum b_m = B`` is ``(sum sqrt A_m)^2 / B``, so
    each combination is scored without solving anything.
    """
    from semopt.solvers._split import reject_constraints
    from semopt.solvers.bcd import split_shares

    reject_constraints(problem, "exhaustive")
    users = problem.n_users
    if len(candidates) ** users > max_space:
        raise SolverError(f"exhaustive refuses this instance: {len(candidates)}^{users} placements > "
                          f"max_space={max_space}; use 'bcd'.")
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
    best, best_value = None, np.inf
    for combo in itertools.product(range(len(candidates)), repeat=users):
        value = sum(table[m][0][i] for m, i in enumerate(combo))
        value += sum(table[m][1][i] for m, i in enumerate(combo)) ** 2 / problem.bandwidth
        value += sum(table[m][2][i] for m, i in enumerate(combo)) ** 2 / problem.edge_flops
        if best is None or value < best_value - 1e-15 * abs(best_value):
            best, best_value = combo, value
    sol = problem.empty_solution()
    sol.placement = np.array([candidates[i] for i in best])
    sol.bandwidth, sol.compute = split_shares(problem, sol.placement)
    return SolverOutput(sol, Status.OPTIMAL, [], f"enumerated {len(candidates) ** users} joint placements",
                        {"combinations": float(len(candidates) ** users)})
