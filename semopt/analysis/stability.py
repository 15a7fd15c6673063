"""Two-sided exchange stability of an offloading solution: the swaps that define it, and its check.

A solution of ``SemanticOffloading`` holds two matchings -- users to BSs
(Algorithm 1 of Zheng et al., References) and, at every BS, users to
subcarriers (Algorithm 2).  With externalities (interference, shared
compute) the solution concept is two-sided exchange stability: no *swap*
is blocking.  This module defines the swaps of each matching -- which
exist, how one is applied, which agents have a say (eq 11-15 and 16-22) --
as :class:`~semopt.algorithms.swap_matching.SwapMatching` neighbourhoods, and
:func:`check_stability` searches them for a blocking swap.  The ``bcd``
solver drives the same neighbourhoods with
:func:`~semopt.algorithms.swap_matching.run_swaps` until none is blocking,
so what it stops at is what this module certifies.

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

References
----------
.. [1] Y. Zheng, T. Zhang, X. Mu, Y. Liu, R. Huang, "Joint Semantic
   Transmission and Resource Allocation for Intelligent Computation Task
   Offloading in MEC Systems", arXiv:2503.08001, 2025, Algorithms 1-2,
   eq 11-22.
.. [2] J. Zhao, Y. Liu, K. K. Chai, Y. Chen, M. Elkashlan, "Many-to-many
   matching with externalities for device-to-device communications", IEEE
   Wireless Communications Letters 6(1), 2017.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from semopt.algorithms.swap_matching import RULES, SwapMatching, find_blocking
from semopt.errors import SolverError
from semopt.models.offloading import Assessment, OffloadingModel
from semopt.problems.offloading import OffloadingSolution, SemanticOffloading

__all__ = ["association_swaps", "subcarrier_swaps", "check_stability", "StabilityReport"]


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


def association_swaps(model: OffloadingModel, neighbours: np.ndarray | None = None) -> SwapMatching:
    """The swaps of Algorithm 1: users x BSs, many-to-one, exchanges and moves into holes (eq 15).

    ``neighbours`` (bool[U, K]) prunes them: user u only moves to BS k where
    ``neighbours[u, k]``, and two users only exchange if each may join the
    other's BS (``semopt.solvers.offloading.swap_passes.candidates``).
    """
    n_users, n_bs, n_sub = model.n_users, model.n_bs, model.n_sub
    allowed = np.ones((n_users, n_bs), bool) if neighbours is None else np.asarray(neighbours, bool)

    def moves(sol: Any) -> Iterator[tuple]:
        for u in range(n_users):
            for v in range(u + 1, n_users):
                if sol.assoc[u] != sol.assoc[v] and allowed[u, sol.assoc[v]] and allowed[v, sol.assoc[u]]:
                    yield ("exchange", u, v)
            for k in range(n_bs):
                if k != sol.assoc[u] and allowed[u, k]:
                    for variant in _MOVE_VARIANTS:
                        yield (variant, u, k)

    def apply(sol: Any, move: tuple) -> Any:
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

    def agents(move: tuple, before_sol: Any, before: Assessment, after_sol: Any,
               after: Assessment) -> tuple[np.ndarray, np.ndarray]:
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
def subcarrier_swaps(model: OffloadingModel, pairs: np.ndarray | None = None, *, within: bool = True,
                     cross: bool = True) -> SwapMatching:
    """The swaps of Algorithm 2: at every BS, its users x its subcarriers, many-to-many, with holes (eq 20-22).

    ``pairs`` (int[P, 2], k < c) prunes the coordinated exchanges to those
    pairs of BSs, in that order (``semopt.solvers.offloading.swap_passes.candidates``);
    ``within`` and ``cross`` keep the moves within cells and the coordinated
    exchanges (both by default).
    """
    n_users, n_bs, n_sub = model.n_users, model.n_bs, model.n_sub
    bs_pairs = ([(k, c) for k in range(n_bs) for c in range(k + 1, n_bs)] if pairs is None
                else [(int(k), int(c)) for k, c in np.asarray(pairs).reshape(-1, 2)])

    def moves(sol: Any) -> Iterator[tuple]:
        for k in range(n_bs if within else 0):
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
        for k, c in bs_pairs if cross else ():
            for n in range(n_sub):
                for n2 in range(n + 1, n_sub):
                    if sol.carrier[k, n] != sol.carrier[k, n2] and sol.carrier[c, n] != sol.carrier[c, n2]:
                        yield ("cross", k, n, (c, n2))

    def apply(sol: Any, move: tuple) -> Any:
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

    def agents(move: tuple, before_sol: Any, before: Assessment, after_sol: Any,
               after: Assessment) -> tuple[np.ndarray, np.ndarray]:
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


@dataclass(frozen=True)
class StabilityReport:
    """Result of :func:`check_stability`: a blocking move per matching, or None, and the solution's feasibility."""

    association: tuple | None
    subcarrier: tuple | None
    feasible: bool = True

    @property
    def stable(self) -> bool:
        return self.association is None and self.subcarrier is None


def check_stability(problem: SemanticOffloading, solution: OffloadingSolution, *,
                    rule: str = "paper") -> StabilityReport:
    """Check that both matchings of ``solution`` are two-sided exchange-stable.

    Looks for a swap-blocking move (eq 15 for association, eq 20-22 for
    subcarriers, plus the hole swaps of this module) under ``rule``
    (:mod:`semopt.algorithms.swap_matching`).  Compute and semantic modes
    are held as they are, as in Algorithms 1 and 2.

    Examples
    --------
    >>> import semopt
    >>> from semopt.analysis import check_stability
    >>> prob = semopt.scenarios.load("semantic-mec", users=5, seed=2)
    >>> res = semopt.solve(prob, "bcd", seed=0)
    >>> check_stability(prob, res.solution).subcarrier is None
    True
    """
    if rule not in RULES:
        raise SolverError(f"`rule` must be one of {RULES}; got {rule!r}.")
    verdict = problem.evaluate(solution)  # raises on a malformed solution, before any swap is tried
    model = problem.model()
    sol = solution.copy()
    better = OffloadingModel.better
    return StabilityReport(
        association=find_blocking(association_swaps(model), sol, model.assess, rule=rule, better=better),
        subcarrier=find_blocking(subcarrier_swaps(model), sol, model.assess, rule=rule, better=better),
        feasible=verdict.feasible,
    )
