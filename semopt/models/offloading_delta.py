"""Incremental evaluation of the offloading model: a change's effect in O(K) per subcarrier it touches.

:meth:`OffloadingModel.assess <semopt.models.offloading.OffloadingModel.assess>`
re-evaluates a whole allocation, O(K^2 N + U), for every candidate swap;
yet a swap at BS k on subcarrier n changes only the rates of the holders of
n (at k and, through interference eq 1, at every other BS), and a swap of
association changes the compute of the users of two BSs.  This module keeps
an allocation with what those changes need -- the interference every
(BS, subcarrier) receives from the other BSs, every subcarrier's rate, every
user's rate, cost and deadline excess, the totals -- and two kernels:

* :func:`evaluate` scores a change (cells that get a new holder, users that
  get a new compute, listed in a :class:`Change`) without applying it: the
  total deadline violation and objective it would give, from the
  interference updated by the changed holders only (O(K) per changed cell,
  nothing copied);
* :func:`commit` applies it and recomputes, *exactly as*
  :meth:`OffloadingModel.assess` *does*, every figure it touched (the
  interference of the changed subcarriers in the reference's summation
  order, the touched users' rates, delays and costs, the totals): the
  committed state is bitwise the full evaluation of the new allocation, so
  rounding never accumulates over thousands of swaps.

A candidate's totals are the committed ones plus a sum of per-user
differences, so they may differ from a full re-evaluation in the last bits
(about 1e-14 relative); swaps are accepted on a relative margin of 1e-12
(``OffloadingModel.better``), far above that.  A change that makes a delay
infinite, or mends one, is scored by a full sum over the users instead.

Layout.  The kernels run once per candidate swap, millions of times per
solve, and a Numba call costs two atomic reference-count updates per array
argument; so the state is a few packed arrays -- per-user figures as rows of
one float array (``R_*`` rows), per-cell figures as two planes of another
(``C_*``), the scalars and totals in ``params`` (``P_*``) -- and every kernel
takes the same sixteen arrays, ``*state, *change``.

References
----------
.. [1] Y. Zheng, T. Zhang, X. Mu, Y. Liu, R. Huang, "Joint Semantic
   Transmission and Resource Allocation for Intelligent Computation Task
   Offloading in MEC Systems", arXiv:2503.08001, 2025 (eq 1-3, 7, 8).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numba import njit

from semopt.models.offloading import OffloadingModel

__all__ = ["DeltaState", "Change", "new_state", "new_change", "evaluate", "commit", "clear", "add_cell",
           "add_compute", "add_assoc", "improves", "unchanged_since", "pairwise_sum", "state_solution"]

_EPS = 1e-12

# rows of DeltaState.user (floats per user)
R_RATE, R_COMPUTE, R_COST, R_EXCESS = 0, 1, 2, 3
R_DATA_RAW, R_DATA_SEM, R_EDGE_RAW, R_EDGE_SEM, R_LOCAL_SEM, R_DEADLINE, R_WEIGHT, R_SHIFT, R_SEMANTIC = range(4, 13)
# rows of DeltaState.user_int
I_ASSOC, I_HELD = 0, 1
# planes of DeltaState.cell
C_INTERFERENCE, C_RATE = 0, 1
# entries of DeltaState.params
P_POWER, P_NOISE, P_BANDWIDTH, P_NOISE_OVER_POWER, P_SCALE, P_OFFSET, P_VIOLATION, P_OBJECTIVE = range(8)
# entries of Change.meta
M_CELLS, M_COMPUTE, M_MOVED, M_COLUMNS, M_TOUCHED = range(5)
M_MOVES = 5  # (user, new BS) of at most two moved users from here
# rows of Change.scratch (floats per user) and Change.flags (ints per user)
F_RATE_DELTA, F_NEW_COMPUTE, F_NEW_COST, F_NEW_EXCESS = range(4)
G_HELD_DELTA, G_TOUCHED, G_MARKED = range(3)
# rows of Change.columns
L_HEAD, L_NEXT, L_LIST = range(3)


class DeltaState(NamedTuple):
    """An allocation and every figure its swaps need, as packed arrays (module docstring)."""

    gain: np.ndarray  # float[U, K, N]
    carrier: np.ndarray  # int[K, N]
    cell: np.ndarray  # float[2, K, N]: interference from the other BSs' holders, rate (0 where free)
    user: np.ndarray  # float[13, U]: R_* rows
    user_int: np.ndarray  # int[2, U]: BS, subcarriers held
    params: np.ndarray  # float[8]: P_* entries
    capacity: np.ndarray  # float[K]
    versions: np.ndarray  # int[1 + N + U]: commits so far, then the commit that last changed each subcarrier, user

    @property
    def violation(self) -> float:
        return float(self.params[P_VIOLATION])

    @property
    def objective(self) -> float:
        return float(self.params[P_OBJECTIVE])


class Change(NamedTuple):
    """A change to a :class:`DeltaState` and the scratch space to score it (allocated once per state)."""

    cells: np.ndarray  # int[C, 3]: (k, n, new holder or -1)
    meta: np.ndarray  # int[9]: M_* counts, then the moved users
    users: np.ndarray  # int[U]: users given a new compute
    values: np.ndarray  # float[U]: their new compute
    scratch: np.ndarray  # float[4, U]: F_* rows (new compute NaN where unchanged)
    flags: np.ndarray  # int[3, U]: G_* rows
    columns: np.ndarray  # int[3, L]: L_* rows (heads -1 between calls)
    holders: np.ndarray  # int[K]


def new_state(model: OffloadingModel, allocation: Any) -> DeltaState:
    """The state of ``allocation`` (``assoc``, ``carrier``, ``semantic``, ``compute``; copied) under ``model``."""
    t = model.terms
    power, noise, bandwidth = model.channel
    user = np.zeros((13, model.n_users))
    user[R_COMPUTE] = allocation.compute
    for row, values in ((R_DATA_RAW, t.data_raw), (R_DATA_SEM, t.data_sem), (R_EDGE_RAW, t.edge_raw),
                        (R_EDGE_SEM, t.edge_sem), (R_LOCAL_SEM, t.local_sem), (R_DEADLINE, t.deadline),
                        (R_WEIGHT, t.weight), (R_SHIFT, model.cost_shift), (R_SEMANTIC, allocation.semantic)):
        user[row] = values
    user_int = np.zeros((2, model.n_users), np.int64)
    user_int[I_ASSOC] = allocation.assoc
    params = np.array([power, noise, bandwidth, model.noise_over_power, model.scale, model.offset, 0.0, 0.0],
                      dtype=float)
    state = DeltaState(model.gain, np.asarray(allocation.carrier, dtype=np.int64).copy(),
                       np.zeros((2, model.n_bs, model.n_sub)), user, user_int, params,
                       np.asarray(model.capacity, dtype=float), np.zeros(1 + model.n_sub + model.n_users, np.int64))
    refresh(*state)
    return state


def new_change(state: DeltaState) -> Change:
    """An empty change with scratch sized for ``state`` (a change touches at most 2 N + 4 cells)."""
    u_count = state.user.shape[1]
    k_count, n_sub = state.carrier.shape
    cap = 2 * n_sub + 4
    columns = np.zeros((3, max(n_sub, cap)), np.int64)
    columns[L_HEAD] = -1
    scratch = np.zeros((4, u_count))
    scratch[F_NEW_COMPUTE] = np.nan
    return Change(np.zeros((cap, 3), np.int64), np.zeros(M_MOVES + 4, np.int64), np.zeros(u_count, np.int64),
                  np.zeros(u_count), scratch, np.zeros((3, u_count), np.int64), columns, np.zeros(k_count, np.int64))


def state_solution(state: DeltaState) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(assoc, carrier, semantic, compute)`` of the state, copied."""
    return (state.user_int[I_ASSOC].copy(), state.carrier.copy(), state.user[R_SEMANTIC] != 0.0,
            state.user[R_COMPUTE].copy())


# ---------------------------------------------------------------- exact figures (the reference's arithmetic)
@njit(cache=True)
def pairwise_sum(values):
    """numpy's float64 sum, bit for bit: a loop under 8 terms, 8 accumulators to 128, halves above.

    The association moves rescale compute by sums that ``analysis.stability``
    takes with numpy; the fast path must take the very same ones.
    """
    n = values.shape[0]
    if n < 8:
        total = 0.0
        for i in range(n):
            total += values[i]
        return total
    if n <= 128:
        r = values[:8].copy()
        i = 8
        while i < n - n % 8:
            for j in range(8):
                r[j] += values[i + j]
            i += 8
        total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        while i < n:
            total += values[i]
            i += 1
        return total
    half = n // 2
    half -= half % 8
    return pairwise_sum(values[:half]) + pairwise_sum(values[half:])


@njit(cache=True)
def _rate(params, gain, u, k, n, interference):
    """Eq 1-2 on one subcarrier: ``shannon_rate``'s arithmetic, bit for bit."""
    snr = params[P_POWER] * gain[u, k, n] / (interference + params[P_NOISE])
    return params[P_BANDWIDTH] * np.log2(1.0 + snr)


@njit(cache=True)
def _figures(user, u, rate, compute):
    """``(cost, excess)`` of user u at this rate and compute: eq 3, 7 and 11 as ``_assess_kernel`` computes them."""
    semantic = user[R_SEMANTIC, u] != 0.0
    data = user[R_DATA_SEM, u] if semantic else user[R_DATA_RAW, u]
    edge = user[R_EDGE_SEM, u] if semantic else user[R_EDGE_RAW, u]
    comm = data / rate if rate > 0.0 else np.inf
    if edge == 0.0:
        comp = 0.0
    else:
        comp = edge / compute if compute > 0.0 else np.inf
    if semantic:
        comp += user[R_LOCAL_SEM, u]
    delay = comm + comp
    return user[R_WEIGHT, u] * np.log(delay) + user[R_SHIFT, u], max(delay / user[R_DEADLINE, u] - 1.0, 0.0)


@njit(cache=True)
def _refresh_column(gain, carrier, cell, params, n):
    """Interference (in ``subcarrier_rates``' order) and rate of every BS's cell on subcarrier n."""
    k_count = carrier.shape[0]
    power = params[P_POWER]
    for k in range(k_count):
        total = 0.0
        for c in range(k_count):
            v = carrier[c, n]
            if c != k and v >= 0:
                total += power * gain[v, k, n]
        cell[C_INTERFERENCE, k, n] = total
        u = carrier[k, n]
        cell[C_RATE, k, n] = _rate(params, gain, u, k, n, total) if u >= 0 else 0.0


@njit(cache=True)
def _refresh_user(carrier, cell, user, user_int, u):
    """User u's rate (``user_rates``' order: its own BS's subcarriers, ascending), held count, cost, excess."""
    k = user_int[I_ASSOC, u]
    rate = 0.0
    held = 0
    for n in range(carrier.shape[1]):
        if carrier[k, n] == u:
            rate += cell[C_RATE, k, n]
            held += 1
    user[R_RATE, u] = rate
    user_int[I_HELD, u] = held
    user[R_COST, u], user[R_EXCESS, u] = _figures(user, u, rate, user[R_COMPUTE, u])


@njit(cache=True)
def _refresh_totals(user, params):
    violation = 0.0
    objective = 0.0
    for u in range(user.shape[1]):
        violation += user[R_EXCESS, u]
        objective += -params[P_SCALE] * user[R_COST, u] + params[P_OFFSET]
    params[P_VIOLATION] = violation
    params[P_OBJECTIVE] = objective


@njit(cache=True)
def refresh(gain, carrier, cell, user, user_int, params, capacity, versions):
    """Recompute every figure of the state from its allocation (a user holds subcarriers of its own BS only)."""
    for n in range(carrier.shape[1]):
        _refresh_column(gain, carrier, cell, params, n)
    for u in range(user.shape[1]):
        _refresh_user(carrier, cell, user, user_int, u)
    _refresh_totals(user, params)


# ---------------------------------------------------------------- building a change
@njit(cache=True)
def clear(meta):
    meta[M_CELLS] = 0
    meta[M_COMPUTE] = 0
    meta[M_MOVED] = 0


@njit(cache=True)
def add_cell(cells, meta, k, n, holder):
    i = meta[M_CELLS]
    cells[i, 0] = k
    cells[i, 1] = n
    cells[i, 2] = holder
    meta[M_CELLS] = i + 1


@njit(cache=True)
def add_compute(users, values, meta, u, value):
    i = meta[M_COMPUTE]
    users[i] = u
    values[i] = value
    meta[M_COMPUTE] = i + 1


@njit(cache=True)
def add_assoc(meta, u, k):
    i = meta[M_MOVED]
    meta[M_MOVES + 2 * i] = u
    meta[M_MOVES + 2 * i + 1] = k
    meta[M_MOVED] = i + 1


@njit(cache=True)
def _touch(flags, meta, u):
    if not flags[G_MARKED, u]:
        flags[G_MARKED, u] = 1
        flags[G_TOUCHED, meta[M_TOUCHED]] = u
        meta[M_TOUCHED] += 1


@njit(cache=True)
def _index_columns(cells, meta, columns):
    """Chain the changed cells by subcarrier (heads and links) and list the subcarriers."""
    meta[M_COLUMNS] = 0
    for i in range(meta[M_CELLS]):
        n = cells[i, 1]
        if columns[L_HEAD, n] < 0:
            columns[L_LIST, meta[M_COLUMNS]] = n
            meta[M_COLUMNS] += 1
        columns[L_NEXT, i] = columns[L_HEAD, n]
        columns[L_HEAD, n] = i


@njit(cache=True)
def _release(meta, scratch, flags, columns):
    """Zero the scratch rows of the touched users and the column heads, ready for the next change."""
    for j in range(meta[M_TOUCHED]):
        u = flags[G_TOUCHED, j]
        scratch[F_RATE_DELTA, u] = 0.0
        scratch[F_NEW_COMPUTE, u] = np.nan
        flags[G_HELD_DELTA, u] = 0
        flags[G_MARKED, u] = 0
    meta[M_TOUCHED] = 0
    for j in range(meta[M_COLUMNS]):
        columns[L_HEAD, columns[L_LIST, j]] = -1
    meta[M_COLUMNS] = 0


# ---------------------------------------------------------------- scoring and applying
@njit(cache=True)
def evaluate(gain, carrier, cell, user, user_int, params, capacity, versions, cells, meta, users, values, scratch,
             flags, columns, holders):
    """Score the change; the state is left as it is.

    Returns ``(violation, objective, d_violation, d_objective, local)``: the
    totals of the allocation the change would make and, when ``local``, the
    per-user differences they add to the state's totals (which depend only on
    the subcarriers and users the change touches: :func:`unchanged_since`).
    """
    k_count = carrier.shape[0]
    power = params[P_POWER]
    _index_columns(cells, meta, columns)
    meta[M_TOUCHED] = 0
    for j in range(meta[M_COLUMNS]):
        n = columns[L_LIST, j]
        for b in range(k_count):
            holders[b] = carrier[b, n]
        i = columns[L_HEAD, n]
        while i >= 0:
            holders[cells[i, 0]] = cells[i, 2]
            i = columns[L_NEXT, i]
        for b in range(k_count):
            # The interference at b moves only with the holders that change at the other BSs.
            shift = 0.0
            moved = False
            i = columns[L_HEAD, n]
            while i >= 0:
                k = cells[i, 0]
                if k != b:
                    old, new = carrier[k, n], cells[i, 2]
                    if old != new:
                        moved = True
                        if new >= 0:
                            shift += power * gain[new, b, n]
                        if old >= 0:
                            shift -= power * gain[old, b, n]
                i = columns[L_NEXT, i]
            old, new = carrier[b, n], holders[b]
            if old == new and not moved:
                continue
            if old >= 0:
                scratch[F_RATE_DELTA, old] -= cell[C_RATE, b, n]
                _touch(flags, meta, old)
            if new >= 0:
                scratch[F_RATE_DELTA, new] += _rate(params, gain, new, b, n, cell[C_INTERFERENCE, b, n] + shift)
                _touch(flags, meta, new)
            if old != new:
                if old >= 0:
                    flags[G_HELD_DELTA, old] -= 1
                if new >= 0:
                    flags[G_HELD_DELTA, new] += 1
    for i in range(meta[M_COMPUTE]):
        u = users[i]
        scratch[F_NEW_COMPUTE, u] = values[i]
        _touch(flags, meta, u)
    d_violation = 0.0
    d_objective = 0.0
    finite = True
    scale = params[P_SCALE]
    for j in range(meta[M_TOUCHED]):
        u = flags[G_TOUCHED, j]
        rate = user[R_RATE, u] + scratch[F_RATE_DELTA, u] if user_int[I_HELD, u] + flags[G_HELD_DELTA, u] > 0 else 0.0
        compute = scratch[F_NEW_COMPUTE, u]
        if np.isnan(compute):
            compute = user[R_COMPUTE, u]
        cost, excess = _figures(user, u, rate, compute)
        scratch[F_NEW_COST, u] = cost
        scratch[F_NEW_EXCESS, u] = excess
        if not (np.isfinite(cost) and np.isfinite(user[R_COST, u]) and np.isfinite(excess)
                and np.isfinite(user[R_EXCESS, u])):
            finite = False
        d_violation += excess - user[R_EXCESS, u]
        d_objective += -scale * (cost - user[R_COST, u])
    if finite:
        violation = params[P_VIOLATION] + d_violation
        objective = params[P_OBJECTIVE] + d_objective
    else:  # an infinite delay appears or goes: sum every user, as the full evaluation does
        violation = 0.0
        objective = 0.0
        for u in range(user.shape[1]):
            mine = flags[G_MARKED, u] != 0
            violation += scratch[F_NEW_EXCESS, u] if mine else user[R_EXCESS, u]
            objective += -scale * (scratch[F_NEW_COST, u] if mine else user[R_COST, u]) + params[P_OFFSET]
    _release(meta, scratch, flags, columns)
    return violation, objective, d_violation, d_objective, finite


@njit(cache=True)
def commit(gain, carrier, cell, user, user_int, params, capacity, versions, cells, meta, users, values, scratch,
           flags, columns, holders):
    """Apply the change; every figure it touched is recomputed exactly (module docstring); the change is cleared.

    ``versions`` records the commit on every subcarrier whose holders change
    and every user whose figures change.
    """
    k_count, n_sub = carrier.shape
    versions[0] += 1
    clock = versions[0]
    _index_columns(cells, meta, columns)
    meta[M_TOUCHED] = 0
    for i in range(meta[M_CELLS]):
        k, n = cells[i, 0], cells[i, 1]
        old = carrier[k, n]
        if old >= 0:
            _touch(flags, meta, old)
        carrier[k, n] = cells[i, 2]
    for i in range(meta[M_MOVED]):
        user_int[I_ASSOC, meta[M_MOVES + 2 * i]] = meta[M_MOVES + 2 * i + 1]
    for i in range(meta[M_COMPUTE]):
        user[R_COMPUTE, users[i]] = values[i]
        _touch(flags, meta, users[i])
    for j in range(meta[M_COLUMNS]):
        n = columns[L_LIST, j]
        versions[1 + n] = clock
        _refresh_column(gain, carrier, cell, params, n)
        for b in range(k_count):
            if carrier[b, n] >= 0:
                _touch(flags, meta, carrier[b, n])
    for j in range(meta[M_TOUCHED]):
        u = flags[G_TOUCHED, j]
        versions[1 + n_sub + u] = clock
        _refresh_user(carrier, cell, user, user_int, u)
    _refresh_totals(user, params)
    _release(meta, scratch, flags, columns)
    clear(meta)


@njit(cache=True)
def unchanged_since(stamp, carrier, versions, cells, meta):
    """Whether nothing the change reads has changed since commit ``stamp``: its subcarriers' holders, and the
    figures of those holders and of its new holders.

    A change of holders only (no compute, no association) is scored from
    exactly these, so its differences ``d_violation, d_objective`` from
    :func:`evaluate` at ``stamp`` are still its differences, bit for bit.
    """
    if stamp < 0 or meta[M_COMPUTE] or meta[M_MOVED]:
        return False
    k_count, n_sub = carrier.shape
    for i in range(meta[M_CELLS]):
        n = cells[i, 1]
        if versions[1 + n] > stamp:
            return False
        holder = cells[i, 2]
        if holder >= 0 and versions[1 + n_sub + holder] > stamp:
            return False
        for b in range(k_count):
            v = carrier[b, n]
            if v >= 0 and versions[1 + n_sub + v] > stamp:
                return False
    return True


@njit(cache=True)
def improves(params, violation, objective):
    """``OffloadingModel.better`` of a candidate's totals against the state's."""
    current = params[P_VIOLATION]
    margin = _EPS * max(1.0, current)
    if violation < current - margin:
        return True
    if violation > current + margin:
        return False
    return objective > params[P_OBJECTIVE] + _EPS * max(1.0, abs(params[P_OBJECTIVE]))
