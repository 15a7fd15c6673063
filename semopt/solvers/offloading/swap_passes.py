"""Algorithms 1 and 2 of Zheng et al. on the incremental state: the fast twin of the reference swap passes.

:mod:`semopt.analysis.stability` defines the swaps of both matchings and
:func:`~semopt.algorithms.swap_matching.run_swaps` drives them, scoring every
candidate by a full re-evaluation -- the reference path.  The kernels here
walk the *same* moves in the *same* order with the same applicability checks
(each pass lists its moves from the state at the start of the pass, as
``list(matching.moves(state))`` does, and applies them to the current
state), but score each candidate with
:func:`~semopt.models.offloading_delta.evaluate`: O(K) per subcarrier
a move touches instead of O(K^2 N + U).  Both paths accept the same swaps in
the same order (``tests/offloading/test_swap_passes.py``); only the welfare
rule is compiled (``swap_rule="paper"`` runs the reference path).

A pass is cut into chunks -- one BS, one pair of BSs, one user -- so that
the Python driver (:func:`run_passes`) can watch the clock between them;
the chunks release the GIL, so starts run side by side on threads.
:func:`candidates` prunes the moves at scale, and the reference honours the
same pruning.  Moves within cells are cached between passes: a move whose
subcarriers and users have not changed since it was last scored keeps its
score (exactly what scoring it again would give).  Dense instances leave few
such moves -- a swap on subcarrier n changes every holder of n at every BS --
so the cache saves about a tenth of the time at 100 users.

References
----------
.. [1] Y. Zheng, T. Zhang, X. Mu, Y. Liu, R. Huang, "Joint Semantic
   Transmission and Resource Allocation for Intelligent Computation Task
   Offloading in MEC Systems", arXiv:2503.08001, 2025, Algorithms 1-2.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
from numba import njit

from semopt.models.offloading import OffloadingModel
from semopt.models.offloading_delta import (
    I_ASSOC,
    I_HELD,
    P_NOISE_OVER_POWER,
    P_OBJECTIVE,
    P_VIOLATION,
    R_COMPUTE,
    add_assoc,
    add_cell,
    add_compute,
    clear,
    commit,
    evaluate,
    improves,
    new_change,
    new_state,
    pairwise_sum,
    state_solution,
    unchanged_since,
)
from semopt.problems.offloading import OffloadingSolution

__all__ = ["run_passes", "Candidates", "candidates", "SUBCARRIER_KINDS", "ASSOCIATION_KINDS", "Log"]

SUBCARRIER_KINDS = ("grab", "relocate", "exchange", "release", "transfer", "cross")
"""Codes 0-5 of the subcarrier moves in a log, named as in :func:`semopt.analysis.stability.subcarrier_swaps`."""
ASSOCIATION_KINDS = ("exchange", "move-keep-share", "move-free-share", "move-keep-one", "move-free-one")
"""Codes 0-4 of the association moves in a log, named as in :func:`semopt.analysis.stability.association_swaps`."""

_GRAB, _RELOCATE, _EXCHANGE, _RELEASE, _TRANSFER, _CROSS = range(6)
_A_EXCHANGE = 0
CACHE_LIMIT = 20_000_000
"""Entries (24 bytes each) above which a move family goes uncached (every move is scored afresh)."""


@njit(cache=True)
def _slot(stamps, index):
    return index if stamps.shape[0] > 1 else -1


def _cache(size: int) -> tuple[np.ndarray, np.ndarray]:
    """Empty cache of ``size`` moves, or a dummy one (no caching) above :data:`CACHE_LIMIT`."""
    size = size if 1 < size <= CACHE_LIMIT else 1
    return np.full(size, -1, np.int64), np.zeros((size, 2))


class Log:
    """Accepted moves, in order: ``(kind code, a, b, c, d)`` rows (the twin test compares them)."""

    def __init__(self, capacity: int = 1024) -> None:
        self.rows = np.zeros((capacity, 5), np.int64)
        self.count = np.zeros(1, np.int64)

    def grow(self, room: int) -> None:
        """Make room for ``room`` more rows (a chunk accepts at most as many moves as it lists)."""
        need = int(self.count[0]) + room
        if need > self.rows.shape[0]:
            self.rows = np.concatenate([self.rows, np.zeros((need, 5), np.int64)])

    def moves(self) -> list[tuple[int, ...]]:
        return [tuple(int(x) for x in row) for row in self.rows[: self.count[0]]]


# Every kernel takes the state's and the change's arrays first, in offloading_delta's order.
@njit(cache=True)
def _try(gain, carrier, cell, user, user_int, params, capacity, versions, cells, meta, users, values, scratch, flags,
         columns, holders, stamps, deltas, slot, tally, log_count, log_rows, record, kind, a, b, c, d):
    """Score the change built in ``cells``/``meta``; commit it if it improves the merit. Returns 1 if accepted.

    ``tally`` counts the moves scored and, of those, the ones judged from the cache.

    ``slot`` (-1: none) is the move's entry in the cache ``stamps``/``deltas``:
    a move whose inputs are unchanged since it was last scored is judged on
    its cached differences (:func:`~semopt.models.offloading_delta.unchanged_since`),
    which are what scoring it again would give, bit for bit.
    """
    tally[0] += 1
    if slot >= 0 and unchanged_since(stamps[slot], carrier, versions, cells, meta):
        tally[1] += 1
        violation = params[P_VIOLATION] + deltas[slot, 0]
        objective = params[P_OBJECTIVE] + deltas[slot, 1]
    else:
        violation, objective, d_violation, d_objective, local = evaluate(
            gain, carrier, cell, user, user_int, params, capacity, versions, cells, meta, users, values, scratch,
            flags, columns, holders)
        if slot >= 0:
            stamps[slot] = versions[0] if local else -1
            deltas[slot, 0] = d_violation
            deltas[slot, 1] = d_objective
    if not improves(params, violation, objective):
        clear(meta)
        return 0
    commit(gain, carrier, cell, user, user_int, params, capacity, versions, cells, meta, users, values, scratch, flags,
           columns, holders)
    if record and log_rows.shape[0] > log_count[0]:
        i = log_count[0]
        log_rows[i, 0] = kind
        log_rows[i, 1] = a
        log_rows[i, 2] = b
        log_rows[i, 3] = c
        log_rows[i, 4] = d
        log_count[0] = i + 1
    return 1


# ---------------------------------------------------------------- Algorithm 2
@njit(cache=True, nogil=True)
def subcarrier_chunk(gain, carrier, cell, user, user_int, params, capacity, versions, cells, meta, users, values,
                     scratch, flags, columns, holders, k, row0, members, set_stamps, set_deltas, swap_stamps,
                     swap_deltas, tally, log_count, log_rows, record):
    """The moves of BS k (grab, relocate, exchange, release, transfer), listed from its row at the pass start.

    ``row0`` is BS k's row of ``carrier`` when the pass began; ``members``
    its users, ascending (Algorithm 2 does not change associations).
    Returns the number of accepted swaps.
    """
    n_sub = row0.shape[0]
    u_count = user.shape[1]
    accepted = 0
    counts0 = np.zeros(u_count, np.int64)
    for n in range(n_sub):
        if row0[n] >= 0:
            counts0[row0[n]] += 1
    for n in range(n_sub):
        u0 = row0[n]
        if u0 < 0:
            for v in members:
                if carrier[k, n] >= 0 or user_int[I_ASSOC, v] != k:
                    continue
                add_cell(cells, meta, k, n, v)
                accepted += _try(gain, carrier, cell, user, user_int, params, capacity, versions, cells, meta, users,
                                 values, scratch, flags, columns, holders, set_stamps, set_deltas,
                                 _slot(set_stamps, (k * n_sub + n) * (u_count + 1) + v + 1), tally, log_count, log_rows,
                                 record, _GRAB, k, n, v, 0)
            continue
        for n2 in range(n + 1, n_sub):
            u = carrier[k, n]
            if u < 0:
                continue
            if row0[n2] < 0:
                if carrier[k, n2] >= 0:
                    continue
                add_cell(cells, meta, k, n2, u)
                add_cell(cells, meta, k, n, -1)
                kind = _RELOCATE
            elif row0[n2] != u0:
                other = carrier[k, n2]
                if other < 0 or other == u:
                    continue
                add_cell(cells, meta, k, n, other)
                add_cell(cells, meta, k, n2, u)
                kind = _EXCHANGE
            else:
                continue
            accepted += _try(gain, carrier, cell, user, user_int, params, capacity, versions, cells, meta, users,
                             values, scratch, flags, columns, holders, swap_stamps, swap_deltas,
                             _slot(swap_stamps, (k * n_sub + n) * n_sub + n2), tally, log_count, log_rows, record,
                             kind, k, n, n2, 0)
        if counts0[u0] < 2:
            continue
        # A user always keeps one subcarrier: its held count is its count in this row.
        u = carrier[k, n]
        if u >= 0 and user_int[I_HELD, u] >= 2:
            add_cell(cells, meta, k, n, -1)
            accepted += _try(gain, carrier, cell, user, user_int, params, capacity, versions, cells, meta, users,
                             values, scratch, flags, columns, holders, set_stamps, set_deltas,
                             _slot(set_stamps, (k * n_sub + n) * (u_count + 1)), tally, log_count, log_rows, record,
                             _RELEASE, k, n, -1, 0)
        for v in members:
            u = carrier[k, n]
            if v == u0 or u < 0 or user_int[I_HELD, u] < 2 or v == u or user_int[I_ASSOC, v] != k:
                continue
            add_cell(cells, meta, k, n, v)
            accepted += _try(gain, carrier, cell, user, user_int, params, capacity, versions, cells, meta, users,
                             values, scratch, flags, columns, holders, set_stamps, set_deltas,
                             _slot(set_stamps, (k * n_sub + n) * (u_count + 1) + v + 1), tally, log_count, log_rows,
                             record, _TRANSFER, k, n, v, 0)
    return accepted


@njit(cache=True, nogil=True)
def cross_chunk(gain, carrier, cell, user, user_int, params, capacity, versions, cells, meta, users, values, scratch,
                flags, columns, holders, k, c, pair, row_k0, row_c0, stamps, deltas, tally, log_count, log_rows,
                record):
    """Coordinated exchanges of BSs k < c: both swap the holders of subcarriers n and n' at once."""
    n_sub = row_k0.shape[0]
    accepted = 0
    for n in range(n_sub):
        for n2 in range(n + 1, n_sub):
            if row_k0[n] == row_k0[n2] or row_c0[n] == row_c0[n2]:
                continue
            a, b = carrier[k, n], carrier[k, n2]
            e, f = carrier[c, n], carrier[c, n2]
            if a == b or e == f:
                continue
            add_cell(cells, meta, k, n, b)
            add_cell(cells, meta, k, n2, a)
            add_cell(cells, meta, c, n, f)
            add_cell(cells, meta, c, n2, e)
            accepted += _try(gain, carrier, cell, user, user_int, params, capacity, versions, cells, meta, users,
                             values, scratch, flags, columns, holders, stamps, deltas,
                             _slot(stamps, (pair * n_sub + n) * n_sub + n2), tally, log_count, log_rows, record,
                             _CROSS, k, n, c, n2)
    return accepted


# ---------------------------------------------------------------- Algorithm 1
@njit(cache=True)
def _members(assoc, k):
    count = 0
    for v in range(assoc.shape[0]):
        if assoc[v] == k:
            count += 1
    out = np.empty(count, np.int64)
    i = 0
    for v in range(assoc.shape[0]):
        if assoc[v] == k:
            out[i] = v
            i += 1
    return out


@njit(cache=True)
def _exchange_users(carrier, user, user_int, cells, meta, users, values, u, v):
    """Users of different BSs swap BSs, subcarriers and compute (eq 15)."""
    ku, kv = user_int[I_ASSOC, u], user_int[I_ASSOC, v]
    for n in range(carrier.shape[1]):
        if carrier[ku, n] == u:
            add_cell(cells, meta, ku, n, v)
        if carrier[kv, n] == v:
            add_cell(cells, meta, kv, n, u)
    add_assoc(meta, u, kv)
    add_assoc(meta, v, ku)
    add_compute(users, values, meta, u, user[R_COMPUTE, v])
    add_compute(users, values, meta, v, user[R_COMPUTE, u])


@njit(cache=True)
def _move_user(gain, carrier, user, user_int, params, capacity, cells, meta, users, values, u, k2, variant, row):
    """Move user u into a hole of BS k2 (``variant`` 1-4, as ``ASSOCIATION_KINDS``); False if it does not apply.

    Mirrors ``apply`` of :func:`semopt.analysis.stability.association_swaps`
    step for step: the newcomer's subcarriers at k2 (every free one and a fair
    share, or its best one by signal-to-interference), the leaver's at its old
    BS (handed over or freed), compute rescaled pro rata at both BSs.
    """
    u_count = user.shape[1]
    k_count, n_sub = carrier.shape
    assoc = user_int[I_ASSOC]
    ku = assoc[u]
    members2 = _members(assoc, k2)
    if k2 == ku or members2.shape[0] >= n_sub:
        return False
    keep = variant == 1 or variant == 3
    one = variant >= 3
    n_free = 0
    for n in range(n_sub):
        row[n] = carrier[k2, n]
        if row[n] < 0:
            n_free += 1
    if one:
        # Only the subcarrier with the best signal-to-interference ratio: a free one if any, else one
        # taken from a user holding two or more (in this row, a member's held count).
        best_n = -1
        best_score = -np.inf
        for n in range(n_sub):
            holder = row[n]
            if n_free:
                if holder >= 0:
                    continue
            elif user_int[I_HELD, holder] < 2:
                continue
            interference = 0.0
            for b in range(k_count):
                rival = carrier[b, n]
                if b != k2 and rival >= 0 and rival != u:
                    interference += gain[rival, k2, n]
            score = gain[u, k2, n] / (interference + params[P_NOISE_OVER_POWER])
            if best_n < 0 or score > best_score:
                best_n, best_score = n, score
        if best_n < 0:
            return False
        row[best_n] = u
        share = 1
    else:
        for n in range(n_sub):
            if row[n] < 0:
                row[n] = u
        share = max(1, n_sub // (members2.shape[0] + 1))
    # Take a fair share from the richest users (numpy's argmax: the first largest count, the best gain).
    counts = np.zeros(u_count, np.int64)
    for n in range(n_sub):
        if row[n] >= 0:
            counts[row[n]] += 1
    while counts[u] < share:
        donor = -1
        for v in range(u_count):
            if v != u and (donor < 0 or counts[v] > counts[donor]):
                donor = v
        if donor < 0 or counts[donor] < 2:
            break
        best_n = -1
        for n in range(n_sub):
            if row[n] == donor and (best_n < 0 or gain[u, k2, n] > gain[u, k2, best_n]):
                best_n = n
        row[best_n] = u
        counts[donor] -= 1
        counts[u] += 1
    if counts[u] == 0:
        return False
    for n in range(n_sub):
        if row[n] != carrier[k2, n]:
            add_cell(cells, meta, k2, n, row[n])
    old_members = _members(assoc, ku)
    stay = old_members[old_members != u]
    for n in range(n_sub):
        if carrier[ku, n] != u:
            continue
        heir = -1
        if keep and stay.shape[0]:
            heir = stay[0]
            for v in stay:
                if gain[v, ku, n] > gain[heir, ku, n]:
                    heir = v
        add_cell(cells, meta, ku, n, heir)
    add_assoc(meta, u, k2)
    # Each BS keeps its compute total: the leaver's share goes back pro rata, the newcomer gets an equal one.
    compute = user[R_COMPUTE]
    total = pairwise_sum(compute[old_members])
    used = pairwise_sum(compute[stay])
    if stay.shape[0] and used > 0:
        factor = total / used
        for v in stay:
            add_compute(users, values, meta, v, compute[v] * factor)
    if members2.shape[0]:
        total2 = pairwise_sum(compute[members2])
        mine = total2 / (members2.shape[0] + 1)
        add_compute(users, values, meta, u, mine)
        if total2 > 0:
            factor2 = (total2 - mine) / total2
            for v in members2:
                add_compute(users, values, meta, v, compute[v] * factor2)
    else:
        add_compute(users, values, meta, u, capacity[k2])
    return True


@njit(cache=True, nogil=True)
def association_chunk(gain, carrier, cell, user, user_int, params, capacity, versions, cells, meta, users, values,
                      scratch, flags, columns, holders, u, assoc0, neighbours, row, no_stamps, no_deltas, tally,
                      log_count, log_rows, record):
    """The moves of user u: exchanges with every later user of another BS, then moves into each other BS.

    ``assoc0`` is the association at the pass start (the listing);
    ``neighbours[u, k]`` says whether u may join BS k (candidate pruning).
    Association moves change compute, so they are never cached: ``no_stamps``
    and ``no_deltas`` are a dummy cache of one entry.
    """
    u_count = assoc0.shape[0]
    k_count = carrier.shape[0]
    accepted = 0
    for v in range(u + 1, u_count):
        if assoc0[u] == assoc0[v] or not (neighbours[u, assoc0[v]] and neighbours[v, assoc0[u]]):
            continue
        if user_int[I_ASSOC, u] == user_int[I_ASSOC, v]:
            continue
        _exchange_users(carrier, user, user_int, cells, meta, users, values, u, v)
        accepted += _try(gain, carrier, cell, user, user_int, params, capacity, versions, cells, meta, users, values,
                         scratch, flags, columns, holders, no_stamps, no_deltas, -1, tally, log_count, log_rows, record,
                         _A_EXCHANGE, u, v, 0, 0)
    for k in range(k_count):
        if k == assoc0[u] or not neighbours[u, k]:
            continue
        for variant in range(1, 5):
            if _move_user(gain, carrier, user, user_int, params, capacity, cells, meta, users, values, u, k,
                          variant, row):
                accepted += _try(gain, carrier, cell, user, user_int, params, capacity, versions, cells, meta, users,
                                 values, scratch, flags, columns, holders, no_stamps, no_deltas, -1, tally,
                                 log_count, log_rows, record, variant, u, k, 0, 0)
            else:
                clear(meta)
    return accepted


# ---------------------------------------------------------------- candidate pruning
class Candidates(NamedTuple):
    """Which moves the passes list, and in which order (:func:`candidates`)."""

    neighbours: np.ndarray | None = None  # bool[U, K]: the BSs each user may join; None: every BS
    pairs: np.ndarray | None = None  # int[P, 2], k < c: the BSs that exchange together; None: every pair
    defer_cross: bool = False  # coordinated exchanges only once the moves within cells are stable


PAIR_NEAREST = 2
"""Pruned, two BSs make coordinated exchanges if some user has both as its two nearest: neighbouring cells."""


def candidates(distance: np.ndarray, nearest: int | None) -> Candidates:
    """Moves among nearby cells only: each user's ``nearest`` BSs, and pairs of neighbouring cells.

    Interference and association both fall off with distance (eq 27): a
    user's far BSs receive it weakly, and a coordinated exchange (which
    trades interference between two cells) matters where users sit between
    the two -- where some user has both as its two nearest BSs
    (:data:`PAIR_NEAREST`), i.e. cells that share an edge.  Pruned, the coordinated exchanges
    are also deferred (``defer_cross``): Algorithm 2 first runs the moves
    within cells until none is blocking, then one pass of coordinated
    exchanges, and again until that pass accepts none -- the end point is
    stable under both, as before, but most passes skip the costliest
    neighbourhood (N^2 / 2 moves per pair of BSs).

    ``nearest=None``, or at least K, lists every move in the reference order
    (the unpruned neighbourhoods of :mod:`semopt.analysis.stability`).  On
    ``semantic-mec`` with K = 4 every BS is among any user's 4 nearest, so
    the default prunes nothing at the paper's scale.
    """
    u_count, k_count = distance.shape
    if nearest is None or nearest >= k_count:
        return Candidates()
    order = np.argsort(distance, axis=1, kind="stable")
    allowed = np.zeros((u_count, k_count), np.bool_)
    np.put_along_axis(allowed, order[:, :nearest], True, axis=1)
    edge = np.zeros((u_count, k_count), np.int64)
    np.put_along_axis(edge, order[:, :PAIR_NEAREST], 1, axis=1)
    together = edge.T @ edge > 0
    pairs = np.array([(k, c) for k in range(k_count) for c in range(k + 1, k_count) if together[k, c]],
                     np.int64).reshape(-1, 2)
    return Candidates(allowed, pairs, defer_cross=True)


# ---------------------------------------------------------------- the driver
def run_passes(model: OffloadingModel, sol: OffloadingSolution, *, association: bool,
               out_of_time: Callable[[], bool] = lambda: False, max_passes: int = 100,
               only: Candidates | None = None, log: tuple[Log, Log] | None = None,
               counts: np.ndarray | None = None) -> tuple[OffloadingSolution, int]:
    """Algorithm 1 (if ``association``) then Algorithm 2, each until a pass accepts no swap, on one state.

    Parameters
    ----------
    model, sol
        The instance's evaluator and the starting allocation (not modified).
    association : bool
        Whether to run Algorithm 1 first (``bcd``'s ``_communication``).
    out_of_time : callable
        Checked between chunks; True stops at once with the swaps made so far.
    max_passes : int
        Passes per matching, as ``run_swaps``' ``max_passes``.
    only : Candidates, optional
        Candidate pruning (:func:`candidates`): user u may join BS k only
        where ``neighbours[u, k]`` (an exchange needs both users to accept
        the other's BS), only the listed pairs of BSs make coordinated
        exchanges, and those come after the moves within cells if
        ``defer_cross``.  By default every move, in the reference order.
    log : (Log, Log), optional
        Records the accepted association and subcarrier moves.
    counts : int[2], optional
        Adds the number of moves scored, and of those judged from the cache.

    Returns
    -------
    (OffloadingSolution, int)
        The allocation reached and the number of accepted swaps.
    """
    only = only if only is not None else Candidates()
    state = new_state(model, sol)
    arrays = (*state, *new_change(state))
    k_count, n_sub = state.carrier.shape
    u_count = state.user.shape[1]
    everywhere = np.ones((u_count, k_count), np.bool_)
    allowed = everywhere if only.neighbours is None else np.asarray(only.neighbours, np.bool_)
    pairs = (np.array([(k, c) for k in range(k_count) for c in range(k + 1, k_count)], np.int64).reshape(-1, 2)
             if only.pairs is None else np.asarray(only.pairs, np.int64).reshape(-1, 2))
    row = np.zeros(n_sub, np.int64)
    set_cache = _cache(k_count * n_sub * (u_count + 1))
    swap_cache = _cache(k_count * n_sub * n_sub)
    cross_cache = _cache(pairs.shape[0] * n_sub * n_sub)
    no_cache = _cache(1)
    tally = np.zeros(2, np.int64) if counts is None else counts
    logs = log if log is not None else (Log(1), Log(1))
    record = log is not None
    room = (n_sub * n_sub + u_count * (u_count + 4 * k_count)) if record else 0
    swaps = 0
    stopped = False

    def pass_association() -> int:
        nonlocal stopped
        assoc0 = state.user_int[I_ASSOC].copy()
        accepted = 0
        for u in range(u_count):
            logs[0].grow(room)
            accepted += association_chunk(*arrays, u, assoc0, allowed, row, *no_cache, tally, logs[0].count,
                                          logs[0].rows, record)
            if out_of_time():
                stopped = True
                break
        return accepted

    def pass_subcarrier(within: bool = True, cross: bool = True) -> int:
        nonlocal stopped
        carrier0 = state.carrier.copy()
        accepted = 0
        for k in range(k_count if within else 0):
            logs[1].grow(room)
            members = np.flatnonzero(state.user_int[I_ASSOC] == k).astype(np.int64)
            accepted += subcarrier_chunk(*arrays, k, carrier0[k], members, *set_cache, *swap_cache, tally,
                                         logs[1].count, logs[1].rows, record)
            if out_of_time():
                stopped = True
                return accepted
        for pair, (k, c) in enumerate(pairs if cross else ()):
            logs[1].grow(room)
            accepted += cross_chunk(*arrays, int(k), int(c), pair, carrier0[k], carrier0[c], *cross_cache, tally,
                                    logs[1].count, logs[1].rows, record)
            if out_of_time():
                stopped = True
                return accepted
        return accepted

    def until_stable(one_pass: Callable[[], int], passes: int = max_passes) -> int:
        nonlocal swaps
        made = 0
        for _ in range(passes):
            accepted = one_pass()
            made += accepted
            if stopped or not accepted:
                break
        swaps += made
        return made

    if association:
        until_stable(pass_association)
    if stopped:
        return _solution(state), swaps
    if not only.defer_cross:
        until_stable(pass_subcarrier)
    else:  # variable neighbourhoods: within cells until stable, then one pass of coordinated exchanges, again
        for _ in range(max_passes):
            until_stable(lambda: pass_subcarrier(cross=False))
            if stopped or not until_stable(lambda: pass_subcarrier(within=False), 1) or stopped:
                break
    return _solution(state), swaps


def _solution(state: Any) -> OffloadingSolution:
    return OffloadingSolution(*state_solution(state))
