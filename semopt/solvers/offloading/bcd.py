"""Algorithm 4 of Zheng et al.: block coordinate descent over association, subcarriers, semantic mode, compute.

Each outer iteration runs Algorithm 1 (association swap matching), Algorithm
2 (subcarrier swap matching) -- the swaps of :mod:`semopt.analysis.stability`,
scored incrementally by the compiled passes of :mod:`.swap_passes` or, as
their reference twin (``swap_evaluation="full"``), by a full re-evaluation
in :func:`~semopt.algorithms.swap_matching.run_swaps`; both accept the same
swaps -- and Algorithm 3 (eq 25 and eq 26 in turn
until the objective settles; eq 26 by
:mod:`semopt.algorithms.convex_allocation`).  From the nearest-BS start,
Algorithm 1 joins only once the other blocks have settled: judged on the
unoptimised starting subcarriers (every subcarrier in use, so heavy
inter-cell interference), association swaps herd users into few cells and
stall there -- on a 6-user instance, below the fixed nearest-BS association
of the FA baseline.  Every block only accepts changes that improve the merit
(deadline violation first, then reward), so the objective after each
iteration never decreases while deadlines are met.

The same driver, with blocks held fixed or the compute model replaced,
gives the paper's baselines (:mod:`.baselines`); ``exhaustive`` shares its
compute step: one loop, no copies.

References
----------
.. [1] Y. Zheng, T. Zhang, X. Mu, Y. Liu, R. Huang, "Joint Semantic
   Transmission and Resource Allocation for Intelligent Computation Task
   Offloading in MEC Systems", arXiv:2503.08001, 2025, Algorithms 1-4.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from semopt.algorithms.convex_allocation import allocate_cvxpy, allocate_kkt, allocate_uniform, deadline_floors
from semopt.algorithms.swap_matching import RULES, SwapMatching, run_swaps
from semopt.analysis.stability import association_swaps, subcarrier_swaps
from semopt.loop import Callback, Deadline, Loop
from semopt.models.offloading import Assessment, OffloadingModel
from semopt.options import CALLBACK, MAX_ITER, TOL, Option
from semopt.problems.offloading import OffloadingSolution, SemanticOffloading
from semopt.registry import register_solver
from semopt.result import SolverOutput, Status
from semopt.solvers.offloading.swap_passes import Candidates, candidates, run_passes

__all__ = ["BCDConfig", "run_bcd", "BCD_OPTIONS", "initial_solution", "semantic_step", "compute_step",
           "overfull_output", "nearest_association", "COMPUTE_METHODS"]


# ---------------------------------------------------------------- Algorithm 3
def semantic_step(model: OffloadingModel, sol: OffloadingSolution, rate: np.ndarray) -> np.ndarray:
    """eq 25: each user picks the semantic mode with the smaller delay given its rate and compute.

    Ties keep semantic extraction off (no reason to spend device energy).
    """
    u = model.n_users
    off = model.delays(rate, np.zeros(u, bool), sol.compute)
    on = model.delays(rate, np.ones(u, bool), sol.compute)
    return (on[0] + on[1]) < (off[0] + off[1])


COMPUTE_METHODS = ("kkt", "cvxpy", "uniform")


def compute_step(model: OffloadingModel, sol: OffloadingSolution, rate: np.ndarray, method: str) -> np.ndarray:
    """eq 26: edge compute given association, rates and semantic modes.

    ``method`` is ``"kkt"`` (closed form), ``"cvxpy"`` (geometric program) or
    ``"uniform"`` (the UC baseline); deadlines (9h) enter as lower bounds.
    """
    if method == "uniform":
        return allocate_uniform(sol.assoc, model.capacity)
    a, b = model.compute_coefficients(sol.semantic, rate)
    low, _ = deadline_floors(sol.assoc, a, b, model.terms.deadline, model.capacity)
    alloc = allocate_kkt if method == "kkt" else allocate_cvxpy
    return alloc(sol.assoc, a, b, model.terms.weight, low, model.capacity)


# ---------------------------------------------------------------- starts
def initial_solution(model: OffloadingModel, distance: np.ndarray, rng: np.random.Generator, init: str,
                     fixed_assoc: np.ndarray | None = None) -> OffloadingSolution:
    """A start satisfying (9b)-(9f) and (9i): every user on a BS with room, >= 1 subcarrier each.

    ``init="nearest"`` associates by distance (overflow goes to the next
    nearest BS with room), ``"random"`` uniformly among BSs with room.
    ``distance`` (float[U, K]) orders the BSs for ``"nearest"``.
    Subcarriers: with ``"nearest"``, a draft, users taking turns (weakest
    first) to pick their best free subcarrier, so counts are equal and gains
    good (deterministic, so solvers that share a start differ only by what
    they optimise); with ``"random"``, dealt round-robin in random order
    with about a third of the spare subcarriers left free;
    compute is split equally; semantic modes follow eq 25.  Requires
    ``U <= K N``.
    """
    u_count, k_count, n_sub = model.n_users, model.n_bs, model.n_sub
    if fixed_assoc is not None:
        assoc = np.asarray(fixed_assoc, dtype=np.int64).copy()
    else:
        assoc = np.full(u_count, -1, dtype=np.int64)
        room = np.full(k_count, n_sub)
        order = rng.permutation(u_count)
        for u in order:
            if init == "nearest":
                choices = np.argsort(distance[u], kind="stable")
                k = next(int(c) for c in choices if room[c] > 0)
            else:
                k = int(rng.choice(np.flatnonzero(room > 0)))
            assoc[u] = k
            room[k] -= 1
    carrier = np.full((k_count, n_sub), -1, dtype=np.int64)
    for k in range(k_count):
        members = np.flatnonzero(assoc == k)
        if not members.size:
            continue
        if init == "random":
            # Deal round-robin in random order, then leave about a third of the subcarriers free
            # (keeping one per user), so that restarts also explore frequency-reuse patterns.
            cells = rng.permutation(n_sub)
            carrier[k, cells] = rng.permutation(members)[np.arange(n_sub) % members.size]
            spare = cells[members.size:]
            carrier[k, spare[rng.random(spare.size) < 1 / 3]] = -1
            continue
        gain = model.gain[members, k, :]
        # A draft: users take turns (weakest first) picking their best free subcarrier.
        order = np.argsort(gain.max(axis=1), kind="stable")
        for turn in range(n_sub):
            j = order[turn % members.size]
            n = int(np.argmax(np.where(carrier[k] < 0, gain[j], -np.inf)))
            carrier[k, n] = members[j]
    compute = allocate_uniform(assoc, model.capacity)
    sol = OffloadingSolution(assoc, carrier, np.zeros(u_count, bool), compute)
    _, rate = model.rates(carrier)
    sol.semantic = semantic_step(model, sol, rate)
    return sol


def overfull_output(problem: SemanticOffloading) -> SolverOutput:
    """The answer when ``U > K N``: some user cannot get a subcarrier, whatever the allocation.

    The solution associates by distance and deals subcarriers while they
    last, so ``evaluate()`` names the users left without one (2).
    """
    u, k, n = problem.gain.shape
    assoc = problem.nearest_bs().astype(np.int64)
    carrier = np.full((k, n), -1, dtype=np.int64)
    for b in range(k):
        members = np.flatnonzero(assoc == b)[:n]
        carrier[b, : members.size] = members
    compute = allocate_uniform(assoc, problem.edge_capacity)
    sol = OffloadingSolution(assoc, carrier, np.zeros(u, bool), compute)
    return SolverOutput(sol, Status.INFEASIBLE, [],
                        f"(2) {u} users but only K x N = {k * n} subcarriers: some user gets none")


def nearest_association(problem: SemanticOffloading) -> np.ndarray:
    """Nearest BS of each user, overflow beyond N users per BS to the next nearest (FA baseline)."""
    u, k, n = problem.gain.shape
    if u > k * n:  # no association gives every user a subcarrier; solvers report it as infeasible
        return problem.nearest_bs().astype(np.int64)
    return initial_solution(problem.model(), problem.distance, np.random.default_rng(0), "nearest").assoc


# ---------------------------------------------------------------- Algorithm 4
BCD_OPTIONS: dict[str, Option] = {
    "max_iter": Option(30, "int", MAX_ITER.doc, low=1),
    "tol": Option(1e-6, "float", TOL.doc, low=0.0),
    "init": Option("nearest", "choice", "Start: nearest-BS or random association.", choices=("nearest", "random")),
    "compute_method": Option("kkt", "choice", "eq 26 by KKT closed form or CVXPY geometric program.",
                             choices=("kkt", "cvxpy")),
    "swap_rule": Option("welfare", "choice", "Swap-blocking rule of the matchings (see "
                        "semopt.algorithms.swap_matching).",
                        choices=RULES),
    "inner_max_iter": Option(20, "int", "Maximum iterations of Algorithm 3 per outer iteration.", low=1),
    "starts": Option(5, "int", "Runs of Algorithm 4 (the first from `init`, the others from random "
                     "associations); the best is kept.", low=1),
    "swap_evaluation": Option("incremental", "choice", "Score candidate swaps incrementally (compiled, O(K) per "
                              "subcarrier a swap touches) or by re-evaluating the whole allocation (the reference "
                              "twin; swap_rule='paper' always uses it). Both accept the same swaps.",
                              choices=("incremental", "full")),
    "threads": Option(None, "int", "Threads that run the starts side by side (None: one per CPU core); any "
                      "number gives the same answer.", low=1, high=1024, none_ok=True),
    "nearest": Option(6, "int", "Candidate pruning: a user may only join its `nearest` BSs, and only BSs that some "
                      "user has both among its nearest exchange subcarriers together (None: every move; at the "
                      "paper's K = 4 nothing is pruned).", low=1, none_ok=True),
    "callback": CALLBACK,
}


@dataclass(frozen=True)
class BCDConfig:
    """Which blocks BCD optimises and how (the baselines hold some fixed)."""

    max_iter: int = 30
    tol: float = 1e-6
    init: str = "nearest"
    compute_method: str = "kkt"  # "kkt" | "cvxpy" | "uniform"
    swap_rule: str = "welfare"
    inner_max_iter: int = 20
    starts: int = 1
    swap_evaluation: str = "incremental"
    nearest: int | None = 6
    threads: int | None = None
    callback: Callback | None = None
    fixed_assoc: np.ndarray | None = None
    fixed_semantic: np.ndarray | None = None
    planning_flops: np.ndarray | None = None  # c_i the planner believes (Linear baseline)


def _communication(model: OffloadingModel, sol: OffloadingSolution, cfg: BCDConfig, deadline: Deadline,
                   association: bool, only: Candidates) -> tuple[OffloadingSolution, int, int]:
    """Algorithms 1 (if ``association``) and 2: swap matchings until no swap is blocking.

    Returns the allocation, the swaps made and the candidate swaps scored.
    """
    if cfg.swap_evaluation == "incremental" and cfg.swap_rule == "welfare":
        counts = np.zeros(2, np.int64)
        sol, swaps = run_passes(model, sol, association=association, out_of_time=deadline.expired, only=only,
                                counts=counts)
        return sol, swaps, int(counts[0])
    swaps = 0
    scored = 0

    def assess(allocation: OffloadingSolution) -> Assessment:
        nonlocal scored
        scored += 1
        return model.assess(allocation)

    def until_stable(matching: SwapMatching, passes: int = 100) -> int:
        nonlocal sol, swaps, scored
        sol, _, made = run_swaps(matching, sol, assess, rule=cfg.swap_rule, better=OffloadingModel.better,
                                 out_of_time=deadline.expired, max_passes=passes)
        scored -= 1  # run_swaps also scores the allocation it starts from
        swaps += made
        return made

    if association:
        until_stable(association_swaps(model, only.neighbours))
    if not only.defer_cross:
        until_stable(subcarrier_swaps(model, only.pairs))
    else:
        within, cross = subcarrier_swaps(model, cross=False), subcarrier_swaps(model, only.pairs, within=False)
        for _ in range(100):  # as run_passes: within cells until stable, then one pass of coordinated exchanges
            until_stable(within)
            if deadline.expired() or not until_stable(cross, 1):
                break
    return sol, swaps, scored


def _computation(model: OffloadingModel, sol: OffloadingSolution, cfg: BCDConfig) -> OffloadingSolution:
    """Algorithm 3: eq 25 then eq 26 until the objective settles; keeps only improvements."""
    best, best_score = sol, model.assess(sol)
    _, rate = model.rates(sol.carrier)
    current = sol
    for _ in range(cfg.inner_max_iter):
        trial = current.copy()
        if cfg.fixed_semantic is None:
            trial.semantic = semantic_step(model, trial, rate)
        trial.compute = compute_step(model, trial, rate, cfg.compute_method)
        score = model.assess(trial)
        if not model.better(score, best_score):
            break
        gain = score.objective - best_score.objective
        best, best_score, current = trial, score, trial
        if best_score.violation == 0 and gain <= cfg.tol * max(1.0, abs(best_score.objective)):
            break
    return best


def run_bcd(problem: SemanticOffloading, rng: np.random.Generator, time_limit: float | None,
            cfg: BCDConfig) -> SolverOutput:
    """Run Algorithm 4 (or a baseline's restriction of it) ``cfg.starts`` times; keep the best.

    The starts are drawn first, in order, from ``rng`` (nothing else in a run
    draws), then run on ``cfg.threads`` threads -- the swap passes are
    compiled without the GIL -- and compared in start order, so any number of
    threads gives the answer of one.  With a callback they run one after the
    other, so that it hears one run at a time.
    """
    u, k, n = problem.gain.shape
    if u > k * n:
        return overfull_output(problem)
    planner = problem.model(cfg.planning_flops)
    judge = planner if cfg.planning_flops is None else problem.model()
    deadline = Deadline(time_limit)
    only = candidates(problem.distance, cfg.nearest)
    inits = [cfg.init if start == 0 else "random" for start in range(cfg.starts)]
    starts = [initial_solution(planner, problem.distance, rng, init, cfg.fixed_assoc) for init in inits]

    def run(start: int) -> tuple[SolverOutput, Assessment] | None:
        if start and deadline.expired():
            return None
        return _run_once(planner, judge, starts[start], deadline, cfg, inits[start], only)

    threads = min(cfg.threads or os.cpu_count() or 1, cfg.starts)
    if threads > 1 and cfg.callback is None:
        with ThreadPoolExecutor(threads) as pool:
            outcomes: Iterable[tuple[SolverOutput, Assessment] | None] = list(pool.map(run, range(cfg.starts)))
    else:
        outcomes = map(run, range(cfg.starts))  # lazily: a run that stops early ends the search
    best: tuple[SolverOutput, Assessment] | None = None
    runs = 0
    for outcome in outcomes:
        if outcome is None:
            assert best is not None  # the first start always runs
            note = f"time limit reached after {runs} of {cfg.starts} starts"
            best = (replace(best[0], status=Status.TIME_LIMIT, message=f"{note}; {best[0].message}".rstrip("; ")),
                    best[1])
            break
        out, score = outcome
        runs += 1
        if best is None or judge.better(score, best[1]):
            best = (out, score)
        if out.status in (Status.STOPPED, Status.TIME_LIMIT):
            # Report why the search stopped early, with the best solution found so far.
            best = (replace(best[0], status=out.status, message=out.message), best[1])
            break
    assert best is not None
    return replace(best[0], metrics={**best[0].metrics, "starts": float(runs)})


def _run_once(planner: OffloadingModel, judge: OffloadingModel, sol: OffloadingSolution, deadline: Deadline,
              cfg: BCDConfig, init: str, only: Candidates) -> tuple[SolverOutput, Assessment]:
    if cfg.fixed_semantic is not None:
        sol.semantic = np.asarray(cfg.fixed_semantic, dtype=bool).copy()
    _, rate = planner.rates(sol.carrier)
    sol.compute = compute_step(planner, sol, rate, cfg.compute_method)
    initial = judge.assess(sol).objective
    loop = Loop(max_iter=cfg.max_iter, tol=cfg.tol, callback=cfg.callback, deadline=deadline)
    swaps = scored = 0
    # From the nearest-BS start, Algorithm 1 joins once subcarriers, modes and compute have settled:
    # judged on an unoptimised subcarrier allocation, association swaps herd users into few cells.
    association = init != "nearest" and cfg.fixed_assoc is None
    stable = False
    while loop.running():
        matched, n_swaps, n_scored = _communication(planner, sol, cfg, deadline, association, only)
        swaps += n_swaps
        scored += n_scored
        sol = _computation(planner, matched, cfg)
        waiting = not association and cfg.fixed_assoc is None
        # Nothing moved and Algorithm 3 kept the allocation as it was: both matchings are stable already.
        stable = n_swaps == 0 and sol is matched and not waiting
        if loop.record(judge.assess(sol).objective, sol, may_stop=not waiting) and waiting:
            association = True
    association = cfg.fixed_assoc is None
    # Stabilise both matchings for the final semantic modes and compute (Propositions 1-2).
    for _ in range(0 if stable else cfg.max_iter):
        if deadline.expired():
            break
        sol, n_swaps, n_scored = _communication(planner, sol, cfg, deadline, association, only)
        swaps += n_swaps
        scored += n_scored
        if n_swaps == 0:
            break
    final = judge.assess(sol)
    if loop.iteration:  # the stabilisation belongs to the last outer iteration
        loop.revise(final.objective)
    out = loop.output(sol, {"iterations": float(loop.iteration), "swaps": float(swaps),
                            "swaps_scored": float(scored), "initial_objective": initial})
    return out, final


@register_solver("bcd", problems=(SemanticOffloading,), options=BCD_OPTIONS)
def bcd(problem: SemanticOffloading, *, rng: np.random.Generator, time_limit: float | None,
        **options: Any) -> SolverOutput:
    """Algorithm 4: BCD of swap matchings (Alg 1-2) and semantic/compute allocation (Alg 3).

    Options: ``max_iter``, ``tol``, ``init`` ("nearest" | "random"),
    ``compute_method`` ("kkt" | "cvxpy"), ``swap_rule`` ("paper" |
    "welfare"), ``inner_max_iter``, ``starts``, ``threads``,
    ``swap_evaluation`` ("incremental" | "full"), ``nearest``, ``callback``.

    Notes
    -----
    The swap matchings are local searches whose end point depends on the
    start (on the default scenario, single runs from different random
    starts spread by about 3 % in reward), so ``bcd`` keeps the best of
    ``starts = 5`` runs: the draft start of ``init`` and four random
    associations, run side by side on ``threads``.  ``starts=1`` is the
    paper's single run.  The baselines default to one run, as in §IV-C; give
    them ``starts=3`` for equal budgets.

    Candidate swaps are scored incrementally
    (:mod:`semopt.models.offloading_delta`,
    :mod:`~semopt.solvers.offloading.swap_passes`), accepting the very swaps
    the full re-evaluation (``swap_evaluation="full"``) accepts.  Beyond a
    user's ``nearest = 6`` BSs the neighbourhoods are pruned
    (:func:`~semopt.solvers.offloading.swap_passes.candidates`); with the
    paper's K = 4 nothing is.
    """
    return run_bcd(problem, rng, time_limit, BCDConfig(**options))
