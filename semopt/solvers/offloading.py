"""The blocks of seed 002's BCD (Algorithms 1-3) and what its solvers share.

* :class:`OffloadingModel` scores allocations fast (Numba kernels of
  :mod:`semopt.models`) with the problem's numbers, or with a planner's own
  estimate of ``c_i`` (the Linear baseline);
* :func:`association_matching` (Algorithm 1, eq 11-15) and :func:`subcarrier_matching`
  (Algorithm 2, eq 16-22) are two uses of the swap-matching engine of
  :mod:`semopt.solvers.matching`;
* :func:`semantic_step` (eq 25) and :func:`compute_step` (eq 26) make
  Algorithm 3;
* :func:`check_stability` tells whether both matchings of a solution are
  two-sided exchange-stable.

Moves with holes
----------------
Algorithm 1 (users x BSs, quota N users per BS): *exchange* -- users u, u'
of different BSs swap BSs and inherit each other's subcarriers and compute
(eq 15); *move* -- u swaps with an empty slot of BS k' (a hole), in four variants:
its subcarriers at its old BS pass to the remaining user with the best gain
on each (*keep*) or become holes (*free*, lowering interference elsewhere);
at k' it takes every free subcarrier and then, from the users holding the
most, the ones it likes best until it holds a fair share N / (n_k' + 1)
(*share*), or only the subcarrier with its best signal-to-interference
ratio (*one*, leaving the rest to Algorithm 2);
compute is rescaled pro rata at both BSs so (9i) keeps holding.  The
rebalancing makes a move judged on a sensible allocation rather than on a
single borrowed subcarrier.
Involved agents: u, u' and both BSs (eq 11, 13).

Algorithm 2 (users of BS k x its subcarriers): *exchange* -- u and u' swap
subcarriers n, n' (eq 20); holes on the subcarrier side: *relocate* (u
moves from n to a free n'), *release* (u frees n); holes on the user side:
*grab* (u takes a free n), *transfer* (n passes from u to u'); and
*cross*, a coordinated exchange in which two BSs swap the holders of the
same pair of subcarriers at once -- the one move that changes the
frequency-reuse pattern of two cells together, without which the search
stalls where each cell's best pattern depends on the other's (seen on tiny
instances against the exhaustive optimum).  A user always keeps at least
one subcarrier.  Involved agents: the users whose
subcarriers change (eq 16) and the subcarriers that end up occupied (eq 18;
a subcarrier turned into a hole has no preference, as in Zhao et al.).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numba import njit

from semopt.models.channel import subcarrier_rates, user_rates
from semopt.models.latency import delays_given_rates
from semopt.problems.semantic_offloading import OffloadingSolution, SemanticOffloading
from semopt.registry import SolverOutput
from semopt.result import Status
from semopt.solvers import convex
from semopt.solvers.matching import SwapMatching, find_blocking

__all__ = [
    "OffloadingModel",
    "Assessment",
    "association_matching",
    "subcarrier_matching",
    "semantic_step",
    "compute_step",
    "initial_solution",
    "check_stability",
    "StabilityReport",
    "overfull_output",
    "nearest_association",
]

_EPS = 1e-12


@dataclass(frozen=True)
class Assessment:
    """A scored allocation: per-user figures and the merit used to compare allocations."""

    delay: np.ndarray
    comm: np.ndarray
    rate: np.ndarray
    rate_kn: np.ndarray
    cost: np.ndarray  # per-user weighted delay, eq 11: lower is better
    violation: float  # sum of relative deadline excesses (9h)
    objective: float  # sum of rewards (9a)


class OffloadingModel:
    """Fast scoring of allocations of ``problem``.

    ``recognition_flops`` replaces the problem's ``c_i`` for planning (the
    Linear baseline); everything else is the problem's own model.
    """

    def __init__(self, problem: SemanticOffloading, recognition_flops: np.ndarray | None = None) -> None:
        self.problem = problem
        self.terms = problem.user_terms(recognition_flops)
        self.gain = problem.gain
        self.capacity = problem.edge_capacity
        self.scale = problem.reward_scale
        self.n_users, self.n_bs, self.n_sub = problem.gain.shape
        self.channel = (problem.power, problem.noise, problem.subcarrier_bandwidth)
        self.noise_over_power = problem.noise / problem.power
        # eq 11: cost_u = (C2 - reward_u) / C1 = w_u ln t_u + ln M_i (eq 8) or M_i ln t_u (priority).
        self.cost_shift = (problem.reward_offset - self.terms.shift) / self.scale

    def rates(self, carrier: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rate_kn = subcarrier_rates(carrier, self.gain, *self.channel)
        return rate_kn, user_rates(carrier, rate_kn, self.n_users)

    def assess(self, sol: OffloadingSolution) -> Assessment:
        t = self.terms
        rate_kn, rate, comm, delay, cost, violation, objective = _assess_kernel(
            sol.carrier, sol.semantic, sol.compute, self.gain, *self.channel,
            t.data_raw, t.data_sem, t.edge_raw, t.edge_sem, t.local_sem, t.deadline, t.weight,
            self.cost_shift, self.scale, self.problem.reward_offset)
        return Assessment(delay, comm, rate, rate_kn, cost, violation, objective)

    @staticmethod
    def better(a: Assessment, b: Assessment) -> bool:
        """Lexicographic merit: less deadline violation first, then a larger objective."""
        if a.violation < b.violation - _EPS * max(1.0, b.violation):
            return True
        if a.violation > b.violation + _EPS * max(1.0, b.violation):
            return False
        return a.objective > b.objective + _EPS * max(1.0, abs(b.objective))


@njit(cache=True)
def _assess_kernel(carrier, semantic, compute, gain, power, noise, bandwidth, data_raw, data_sem,
                   edge_raw, edge_sem, local_sem, deadline, weight, cost_shift, scale, offset):
    """All of :meth:`OffloadingModel.assess` in one compiled call (it runs ~10^4 times per solve)."""
    rate_kn = subcarrier_rates(carrier, gain, power, noise, bandwidth)
    rate = user_rates(carrier, rate_kn, semantic.shape[0])
    comm, comp = delays_given_rates(rate, semantic, compute, data_raw, data_sem, edge_raw, edge_sem, local_sem)
    delay = comm + comp
    cost = weight * np.log(delay) + cost_shift
    violation = 0.0
    objective = 0.0
    for u in range(delay.shape[0]):
        violation += max(delay[u] / deadline[u] - 1.0, 0.0)
        objective += -scale * cost[u] + offset
    return rate_kn, rate, comm, delay, cost, violation, objective


# ---------------------------------------------------------------- Algorithm 1
# Moves into holes: the leaver's old subcarriers are handed over ("keep") or freed ("free"); the
# newcomer takes a fair share ("share") or only its best subcarrier ("one").
_MOVE_VARIANTS = ("move-keep-share", "move-free-share", "move-keep-one", "move-free-one")

def _bs_cost(cost: np.ndarray, assoc: np.ndarray, k: int) -> float:
    """eq 13: the weighted delay of BS k, summed over its users."""
    return float(np.sum(cost[assoc == k]))


def _rescale(compute: np.ndarray, members: np.ndarray, total: float) -> None:
    used = compute[members].sum()
    if members.size and used > 0:
        compute[members] *= total / used


def association_matching(model: OffloadingModel) -> SwapMatching:
    """Algorithm 1: users x BSs, many-to-one, with exchanges and moves into holes."""
    n_users, n_bs, n_sub = model.n_users, model.n_bs, model.n_sub

    def moves(sol: OffloadingSolution) -> Iterator[tuple]:
        for u in range(n_users):
            for v in range(u + 1, n_users):
                if sol.assoc[u] != sol.assoc[v]:
                    yield ("exchange", u, v)
            for k in range(n_bs):
                if k != sol.assoc[u]:
                    for variant in _MOVE_VARIANTS:
                        yield (variant, u, k)

    def apply(sol: OffloadingSolution, move: tuple) -> OffloadingSolution | None:
        kind, u, other = move
        ku = int(sol.assoc[u])
        new = sol.copy()
        if kind == "exchange":
            kv = int(sol.assoc[other])
            if ku == kv:
                return None
            new.assoc[u], new.assoc[other] = kv, ku
            new.carrier[ku][sol.carrier[ku] == u] = other
            new.carrier[kv][sol.carrier[kv] == other] = u
            new.compute[u], new.compute[other] = sol.compute[other], sol.compute[u]
            return new
        k2 = other
        members2 = np.flatnonzero(sol.assoc == k2)
        if k2 == ku or members2.size >= n_sub:
            return None
        row = new.carrier[k2]
        free = np.flatnonzero(row < 0)
        if kind.endswith("one"):
            # Only the one subcarrier with the best signal-to-interference ratio; Algorithm 2 may add more.
            cells = free if free.size else np.flatnonzero(np.bincount(row, minlength=n_users)[row] >= 2)
            if not cells.size:
                return None
            holders = sol.carrier[:, cells]
            rivals = np.where((np.arange(n_bs)[:, None] != k2) & (holders != u), holders, -1)
            interference = np.where(rivals >= 0, model.gain[np.maximum(rivals, 0), k2, cells], 0.0).sum(axis=0)
            row[cells[np.argmax(model.gain[u, k2, cells] / (interference + model.noise_over_power))]] = u
        else:
            row[free] = u
        # Take a fair share from the richest users, so the move is judged after a sensible rebalance.
        share = 1 if kind.endswith("one") else max(1, n_sub // (members2.size + 1))
        while np.count_nonzero(row == u) < share:
            counts = np.bincount(row[row >= 0], minlength=n_users)
            counts[u] = 0
            donor = int(np.argmax(counts))
            if counts[donor] < 2:
                break
            cells = np.flatnonzero(row == donor)
            row[cells[np.argmax(model.gain[u, k2, cells])]] = u
        if not np.any(row == u):
            return None
        # "move": the leaver's subcarriers go to whichever remaining user of its old BS gains most
        # on each; "move-free": they become holes, which lowers interference in other cells.
        stay = np.flatnonzero((sol.assoc == ku) & (np.arange(n_users) != u))
        for cell in np.flatnonzero(sol.carrier[ku] == u):
            handover = kind.startswith("move-keep") and stay.size
            new.carrier[ku, cell] = stay[np.argmax(model.gain[stay, ku, cell])] if handover else -1
        new.assoc[u] = k2
        # Keep each BS's compute total: the leaver's share goes back pro rata, the newcomer gets an equal share.
        _rescale(new.compute, np.flatnonzero(new.assoc == ku), float(sol.compute[sol.assoc == ku].sum()))
        if members2.size:
            total2 = float(sol.compute[members2].sum())
            new.compute[u] = total2 / (members2.size + 1)
            _rescale(new.compute, members2, total2 - new.compute[u])
        else:
            new.compute[u] = model.capacity[k2]
        return new

    def agents(move, before_sol, before: Assessment, after_sol, after: Assessment):
        kind, u, other = move
        if kind == "exchange":
            users, bss = [u, other], [int(before_sol.assoc[u]), int(before_sol.assoc[other])]
        else:
            users, bss = [u], [int(before_sol.assoc[u]), other]
        b = [before.cost[x] for x in users] + [_bs_cost(before.cost, before_sol.assoc, k) for k in bss]
        a = [after.cost[x] for x in users] + [_bs_cost(after.cost, after_sol.assoc, k) for k in bss]
        return np.array(b), np.array(a)

    return SwapMatching("association", moves, apply, agents)


# ---------------------------------------------------------------- Algorithm 2
def subcarrier_matching(model: OffloadingModel) -> SwapMatching:
    """Algorithm 2: at every BS, its users x its subcarriers, many-to-many, with holes."""
    n_users, n_bs, n_sub = model.n_users, model.n_bs, model.n_sub

    def moves(sol: OffloadingSolution) -> Iterator[tuple]:
        for k in range(n_bs):
            row = sol.carrier[k]
            members = np.flatnonzero(sol.assoc == k)
            counts = np.bincount(row[row >= 0], minlength=n_users)
            for n in range(n_sub):
                u = row[n]
                if u < 0:
                    for v in members:
                        yield ("grab", k, n, int(v))
                    continue
                for n2 in range(n + 1, n_sub):
                    if row[n2] < 0:
                        yield ("relocate", k, n, n2)
                    elif row[n2] != u:
                        yield ("exchange", k, n, n2)
                if counts[u] >= 2:
                    yield ("release", k, n, -1)
                    for v in members:
                        if v != u:
                            yield ("transfer", k, n, int(v))
        # Coordinated exchanges: two BSs swap the holders of subcarriers n and n' at once.
        for k in range(n_bs):
            for c in range(k + 1, n_bs):
                for n in range(n_sub):
                    for n2 in range(n + 1, n_sub):
                        if (sol.carrier[k, n] != sol.carrier[k, n2]
                                and sol.carrier[c, n] != sol.carrier[c, n2]):
                            yield ("cross", k, n, (c, n2))

    def apply(sol: OffloadingSolution, move: tuple) -> OffloadingSolution | None:
        kind, k, n, x = move
        row = sol.carrier[k]
        u = row[n]
        if kind == "cross":
            c, n2 = x
            if row[n] == row[n2] or sol.carrier[c, n] == sol.carrier[c, n2]:
                return None
            new = sol.copy()
            new.carrier[k, n], new.carrier[k, n2] = row[n2], row[n]
            new.carrier[c, n], new.carrier[c, n2] = sol.carrier[c, n2], sol.carrier[c, n]
            return new
        if kind == "grab":
            if u >= 0 or sol.assoc[x] != k:
                return None
            new = sol.copy()
            new.carrier[k, n] = x
            return new
        if u < 0:
            return None
        if kind == "exchange":
            if row[x] < 0 or row[x] == u:
                return None
            new = sol.copy()
            new.carrier[k, n], new.carrier[k, x] = row[x], u
            return new
        if kind == "relocate":
            if row[x] >= 0:
                return None
            new = sol.copy()
            new.carrier[k, x], new.carrier[k, n] = u, -1
            return new
        if np.count_nonzero(row == u) < 2:
            return None
        if kind == "transfer" and (x == u or sol.assoc[x] != k):
            return None
        new = sol.copy()
        new.carrier[k, n] = x if kind == "transfer" else -1
        return new

    def agents(move, before_sol, before: Assessment, after_sol, after: Assessment):
        kind, k, n, x = move
        row = before_sol.carrier[k]
        if kind == "cross":
            c, n2 = x
            held = [(b, m) for b in (k, c) for m in (n, n2) if after_sol.carrier[b, m] >= 0]
            users = sorted({int(v) for v in before_sol.carrier[[k, c]][:, [n, n2]].ravel() if v >= 0})
            b = [before.cost[v] for v in users] + [-before.rate_kn[q] for q in held]
            a = [after.cost[v] for v in users] + [-after.rate_kn[q] for q in held]
            return np.array(b), np.array(a)
        if kind == "grab":
            users, cells = [x], [n]
        elif kind == "exchange":
            users, cells = [row[n], row[x]], [n, x]
        elif kind == "relocate":
            users, cells = [row[n]], [x]
        elif kind == "transfer":
            users, cells = [row[n], x], [n]
        else:  # release: only the releasing user has a say
            users, cells = [row[n]], []
        b = [before.cost[v] for v in users] + [-before.rate_kn[k, c] for c in cells]
        a = [after.cost[v] for v in users] + [-after.rate_kn[k, c] for c in cells]
        return np.array(b), np.array(a)

    return SwapMatching("subcarrier", moves, apply, agents)


# ---------------------------------------------------------------- Algorithm 3
def semantic_step(model: OffloadingModel, sol: OffloadingSolution, rate: np.ndarray) -> np.ndarray:
    """eq 25: each user picks the semantic mode with the smaller delay given its rate and compute.

    Ties keep semantic extraction off (no reason to spend device energy).
    """
    t = model.terms
    u = model.n_users
    off = delays_given_rates(rate, np.zeros(u, bool), sol.compute, t.data_raw, t.data_sem,
                             t.edge_raw, t.edge_sem, t.local_sem)
    on = delays_given_rates(rate, np.ones(u, bool), sol.compute, t.data_raw, t.data_sem,
                            t.edge_raw, t.edge_sem, t.local_sem)
    return (on[0] + on[1]) < (off[0] + off[1])


COMPUTE_METHODS = ("kkt", "cvxpy", "uniform")


def compute_step(model: OffloadingModel, sol: OffloadingSolution, rate: np.ndarray, method: str) -> np.ndarray:
    """eq 26: edge compute given association, rates and semantic modes.

    ``method`` is ``"kkt"`` (closed form), ``"cvxpy"`` (geometric program) or
    ``"uniform"`` (the UC baseline).
    """
    if method == "uniform":
        return convex.allocate_uniform(sol.assoc, model.capacity)
    a, b = compute_coefficients(model, sol, rate)
    low, _ = convex.deadline_floors(sol.assoc, a, b, model.terms.deadline, model.capacity)
    alloc = convex.allocate_kkt if method == "kkt" else convex.allocate_cvxpy
    return alloc(sol.assoc, a, b, model.terms.weight, low, model.capacity)


def compute_coefficients(model: OffloadingModel, sol: OffloadingSolution,
                         rate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(a_u, b_u)`` of eq 26: delay = a_u + b_u / f_u."""
    t = model.terms
    e = sol.semantic
    with np.errstate(divide="ignore"):
        comm = np.where(e, t.data_sem, t.data_raw) / rate
    a = comm + np.where(e, t.local_sem, 0.0)
    b = np.where(e, t.edge_sem, t.edge_raw)
    return a, b


# ---------------------------------------------------------------- start and checks
def initial_solution(model: OffloadingModel, rng: np.random.Generator, init: str,
                     fixed_assoc: np.ndarray | None = None) -> OffloadingSolution:
    """A start satisfying (9b)-(9f) and (9i): every user on a BS with room, >= 1 subcarrier each.

    ``init="nearest"`` associates by distance (overflow goes to the next
    nearest BS with room), ``"random"`` uniformly among BSs with room.
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
                choices = np.argsort(model.problem.distance[u], kind="stable")
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
    compute = convex.allocate_uniform(assoc, model.capacity)
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
    compute = convex.allocate_uniform(assoc, problem.edge_capacity)
    sol = OffloadingSolution(assoc, carrier, np.zeros(u, bool), compute)
    return SolverOutput(sol, Status.INFEASIBLE, [],
                        f"(2) {u} users but only K x N = {k * n} subcarriers: some user gets none")


def nearest_association(problem: SemanticOffloading) -> np.ndarray:
    """Nearest BS of each user, overflow beyond N users per BS to the next nearest (FA baseline)."""
    u, k, n = problem.gain.shape
    if u > k * n:  # no association gives every user a subcarrier; solvers report it as infeasible
        return problem.nearest_bs().astype(np.int64)
    model = OffloadingModel(problem)
    return initial_solution(model, np.random.default_rng(0), "nearest").assoc


@dataclass(frozen=True)
class StabilityReport:
    """Result of :func:`check_stability`: a blocking move per matching, or None."""

    association: tuple | None
    subcarrier: tuple | None

    @property
    def stable(self) -> bool:
        return self.association is None and self.subcarrier is None


def check_stability(problem: SemanticOffloading, solution: OffloadingSolution, *,
                    rule: str = "paper") -> StabilityReport:
    """Check that both matchings of ``solution`` are two-sided exchange-stable.

    Looks for a swap-blocking move (eq 15 for association, eq 20-22 for
    subcarriers, plus the hole swaps of this module) under ``rule``
    (:mod:`semopt.solvers.matching`).  Compute and semantic modes are held
    as they are, as in Algorithms 1 and 2.

    Examples
    --------
    >>> import semopt
    >>> from semopt.solvers.offloading import check_stability
    >>> prob = semopt.scenarios.load("semantic-mec", users=5, seed=2)
    >>> res = semopt.solve(prob, "bcd", seed=0)
    >>> check_stability(prob, res.solution).subcarrier is None
    True
    """
    model = OffloadingModel(problem)
    sol = solution.copy()
    kw = {"rule": rule, "better": OffloadingModel.better}
    return StabilityReport(
        association=find_blocking(association_matching(model), sol, model.assess, **kw),
        subcarrier=find_blocking(subcarrier_matching(model), sol, model.assess, **kw),
    )
