"""The per-user problem of QoEOffloading: the best (p, f, mu) of one user on one sub-channel at one server load.

Given the server's load L (FLOPs of the offloaders' tasks), users decouple
except for the sub-channels (spec A3.1): an offloader's QoE depends on its own
gain, power, clock and extraction factor plus the server's time and energy.
Three continuous variables in a box with three constraints (t_max, E_max,
eps_min), a non-convex but tiny problem: a vectorised grid over all of them
(``mu`` log-spaced in ``[mu_min, 1)`` plus the raw-offloading slice ``mu = 1``,
a candidate of its own since eq 3 jumps there) finds the basin, and
:meth:`Oracle.polish` zooms a finer grid around the best point.  The grid
*is* the action set of the ``discrete`` baseline at its coarse setting, and
``semantic-unaware`` is the ``mu = 1`` slice alone.

A local user's only choice is its clock (1-D, a fine grid).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from semopt.models.qoe import Figures, QoEModel
from semopt.problems.qoe import QoEOffloading, QoESolution

__all__ = ["Grid", "Oracle", "Values", "GRIDS", "CACHE_BYTES"]

CACHE_BYTES = 256 * 2**20
"""Load-free grid figures kept per oracle at most (N K G points x 3 arrays: 12 users fit, 50 do not)."""


@dataclass(frozen=True)
class Grid:
    """Points per axis of the search: powers, clocks, extraction factors below 1 (plus ``mu = 1`` if ``raw``)."""

    power: int
    freq: int
    mu: int
    raw: bool = True
    semantic: bool = True


GRIDS = {
    "fine": Grid(25, 5, 41),
    "coarse": Grid(5, 3, 6),  # the "discrete" baselines' action grid
    "unaware": Grid(25, 1, 0, raw=True, semantic=False),  # mu = 1 only: no extraction, the clock is moot
}


@dataclass(frozen=True)
class Values:
    """The best offload value of every (user, sub-channel) at one load, and the best local value of every user.

    ``offload[n, k]`` is -inf where no point of the grid meets every
    constraint; ``point[n, k]`` the ``(p, f, mu)`` reaching it.
    """

    load: float
    offload: np.ndarray
    point: np.ndarray
    local: np.ndarray
    local_freq: np.ndarray


class Oracle:
    """Per-user optima of one instance on one grid (see the module docstring)."""

    def __init__(self, problem: QoEOffloading, grid: Grid = GRIDS["fine"], chunk: int = 2_000_000) -> None:
        self.problem, self.grid, self.chunk = problem, grid, chunk
        self.model: QoEModel = problem.model()
        self.users = np.arange(problem.n_users)
        self.floor = problem.accuracy_min[problem.task]
        p = np.linspace(problem.power_min, problem.power_max, grid.power)
        f = np.linspace(problem.freq_min, problem.freq_max, grid.freq) if grid.freq > 1 else np.array(
            [problem.freq_ref])
        points = []
        if grid.semantic and grid.mu > 0:
            # mu log-spaced per user between its mu_min and 1 (exclusive): a unit coordinate here.
            unit = np.linspace(0.0, 1.0, grid.mu, endpoint=False)
            points.append(np.stack(np.meshgrid(p, f, unit, indexing="ij"), -1).reshape(-1, 3))
        if grid.raw:
            points.append(np.stack(np.meshgrid(p, [problem.freq_ref], [np.inf], indexing="ij"), -1).reshape(-1, 3))
        self.points = np.vstack(points)  # columns p, f, mu-unit (inf marks raw offloading)
        # f_ref first: where the clock does not matter (all weight on accuracy) the tie goes to the reference
        # clock, the paper's local execution, rather than to the slowest one.
        grid_f = np.linspace(problem.freq_min, problem.freq_max, 201)
        local_f = np.concatenate([[problem.freq_ref], grid_f[grid_f != problem.freq_ref]])
        self._local = self._best_local(local_f)
        self._cache: dict[float, Values] = {}
        self._base: dict[int, Figures] = {}  # load-free figures per chunk of users (see _at_load)
        self._base_bytes = 0

    # ------------------------------------------------------------------ helpers
    def _mu(self, users: np.ndarray, unit: np.ndarray) -> np.ndarray:
        lo = self.problem.mu_min[users]
        # log-spaced in [mu_min, 1): mu = mu_min^(1 - unit); unit = inf means mu = 1 (raw)
        return np.where(np.isinf(unit), 1.0, lo ** (1.0 - np.where(np.isinf(unit), 0.0, unit)))

    def _score(self, figures: Figures, users: np.ndarray) -> np.ndarray:
        prob = self.problem
        ok = ((figures.delay <= prob.latency_max) & (figures.energy <= prob.energy_max[users])
              & (figures.accuracy >= self.floor[users]))
        return np.where(ok, self.model.qoe(users, figures), -np.inf)

    def _best_local(self, freqs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        users = self.users[:, None]
        score = self._score(self.model.local(users, freqs[None, :]), users)
        best = np.argmax(score, axis=1)
        return score[self.users, best], freqs[best]

    # ------------------------------------------------------------------ the values
    def values(self, load: float) -> Values:
        """The per-(user, sub-channel) optima on the grid at server load ``load`` (cached per load)."""
        key = float(load)
        if key in self._cache:
            return self._cache[key]
        prob = self.problem
        n, k, g = prob.n_users, prob.n_subchannels, len(self.points)
        best = np.full((n, k), -np.inf)
        where = np.zeros((n, k), dtype=np.int64)
        per_user = max(1, self.chunk // max(k * g, 1))
        for lo in range(0, n, per_user):
            users = self.users[lo:lo + per_user]
            score = self._score(self._at_load(lo, users, key), users[:, None, None])
            where[users] = np.argmax(score, axis=2)
            best[users] = np.take_along_axis(score, where[users][:, :, None], axis=2)[:, :, 0]
        point = self.points[where]
        point = np.concatenate([point[..., :2], self._mu(self.users[:, None], point[..., 2])[..., None]], axis=-1)
        out = Values(key, best, point, *self._local)
        self._cache[key] = out
        return out

    def _at_load(self, chunk: int, users: np.ndarray, load: float) -> Figures:
        """The grid's figures for ``users`` (one chunk) on every sub-channel at ``load``.

        Only the server's time and energy depend on the load, and they add to
        every point's delay and energy; so when the chunks' load-free figures
        fit in :data:`CACHE_BYTES` they are computed once (the powers, logs
        and exponentials of eq 1-9) and each new load only adds its terms.
        """
        base = self._base.get(chunk)
        if base is None:
            u = users[:, None, None]
            p, f, unit = (self.points[None, None, :, i] for i in range(3))
            gain = self.problem.gain[:, users].T[:, :, None]
            base = self.model.offload(u, gain, p, f, self._mu(u, unit), 0.0)
            size = 3 * base.delay.nbytes
            if self._base_bytes + size <= CACHE_BYTES:
                self._base[chunk] = base
                self._base_bytes += size
        extra = self.model.server_energy_of(users, load) - self.model.server_energy_of(users, 0.0)
        return Figures(base.delay + self.model.server_time(load), base.energy + extra[:, None, None],
                       base.accuracy)

    def polish(self, user: int, channel: int, load: float, start: np.ndarray, rounds: int = 3) -> np.ndarray:
        """Zoom a 9 x 5 x 9 grid around ``start = (p, f, mu)`` ``rounds`` times; the best feasible point.

        Raw offloading (``mu = 1``) stays raw (eq 3 jumps there); the box
        and every constraint are kept.
        """
        prob = self.problem
        box = np.array([[prob.power_min, prob.power_max], [prob.freq_min, prob.freq_max],
                        [prob.mu_min[user], 1.0]])
        best = np.asarray(start, dtype=float).copy()
        raw = best[2] >= 1.0
        width = (box[:, 1] - box[:, 0]) / np.array([self.grid.power, max(self.grid.freq, 2), max(self.grid.mu, 2)])
        u = np.array([user])
        gain = prob.gain[channel, user]
        current = self._score(self.model.offload(u, gain, best[0], best[1], best[2], load), u)[0]
        for _ in range(rounds):
            axes = [np.clip(best[i] + width[i] * np.linspace(-1, 1, m), *box[i]) for i, m in enumerate((9, 5, 9))]
            if raw:
                axes[1], axes[2] = np.array([best[1]]), np.array([1.0])
            else:
                axes[2] = np.minimum(axes[2], np.nextafter(1.0, 0.0))  # below 1: still the semantic branch
            grid = np.stack(np.meshgrid(*axes, indexing="ij"), -1).reshape(-1, 3)
            score = self._score(self.model.offload(u, gain, grid[:, 0], grid[:, 1], grid[:, 2], load), u)
            i = int(np.argmax(score))
            if score[i] > current:
                best, current = grid[i], score[i]
            width = width / 4.0
        return best

    # ------------------------------------------------------------------ plans to solutions
    def solution(self, channel: np.ndarray, *, polish: bool = True) -> QoESolution:
        """The solution of an assignment (``channel[n]``, -1 = local): each user's best choice at the plan's
        own load, polished when asked."""
        prob = self.problem
        channel = np.asarray(channel, dtype=np.int64)
        offload = channel >= 0
        load = prob.server_load(offload)
        values = self.values(load)
        sol = prob.local_solution()
        sol.offload, sol.channel = offload, np.where(offload, channel, -1)
        sol.freq = values.local_freq.copy()
        for user in np.flatnonzero(offload):
            point = values.point[user, channel[user]]
            if polish:
                point = self.polish(int(user), int(channel[user]), load, point)
            sol.power[user], sol.freq[user], sol.mu[user] = point
        return sol
