"""Physical models of an imaging terminal for :class:`~semopt.problems.game.SemanticGame` (seed 000).

Seed 000 (*Semantic-driven conditional encoding and distributed
collaborative optimization for edge image processing*) names what a
terminal's energy, latency and semantic fidelity depend on (§1, §2.2, §3.1)
but gives no formula.  These are ours, explicit and replaceable: pass a
subclass of :class:`TerminalModel` to the game to change any of them (the
solvers then use the numpy path instead of the Numba kernel, which hard-codes
this default model).

Symbols (per terminal i; actions ``s`` resolution scale, ``r`` compression
ratio, ``p`` transmit power in W):

========================  =====================================================
``pixels = P s^2``         sampled pixels; ``P`` native pixels, ``s`` in (0, 1]
``bits = pixels b / r``    payload; ``b`` raw bits per pixel (24)
``sinr``                   ``g p / (1 + theta sum_{j != i} g_j p_j)``: ``g`` is
                           the SNR per watt (noise-normalised gain), ``theta``
                           the coupling of the shared channel
``rate = B log2(1+sinr)``  bit/s on the terminal's band ``B``
``work``                   ``pixels (1 + c_r ln r)``: encoding effort grows
                           with the compression ratio (entropy coding)
``energy``                 ``e_s pixels + e_c work + p bits / rate`` (J/frame):
                           sensing + encoding + radio (p x airtime)
``latency``                ``t_c work + bits / rate + t_d pixels`` (s/frame):
                           encode + airtime + edge decode
``fidelity``               ``F_max phi_s(s) phi_q(b / r) psi(sinr)``
========================  =====================================================

with diminishing returns in each factor:
``phi_s(s) = (1 - exp(-k_s s)) / (1 - exp(-k_s))`` (1 at native
resolution), ``phi_q(q) = 1 - exp(-k_q q)`` in the bits per pixel ``q``
that survive compression, and ``psi(sinr) = 1 - exp(-sinr / snr_0)``, the
share of semantic content that survives the channel (a JSCC-like graceful
degradation, which is how seed 000's fidelity falls when the SNR drops).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

if TYPE_CHECKING:  # pragma: no cover
    from semopt.problems.game import SemanticGame

__all__ = ["TerminalModel", "TABLE_COLUMNS", "GLOBAL_COLUMNS", "utility_kernel", "best_response_kernel"]


class TerminalModel:
    """The default physical models; subclass and override any method to replace one.

    Every method is vectorised: ``idx`` indexes the terminals and broadcasts
    against the action arrays ``s``, ``r``, ``p`` (e.g. ``idx`` of shape
    ``(P, 1)`` against candidates of shape ``(P, G)``).
    """

    def pixels(self, game: SemanticGame, idx, s):
        return game.native_pixels[idx] * s * s

    def bits(self, game: SemanticGame, idx, s, r):
        """Payload per frame in bits: sampled pixels x raw bits per pixel / compression ratio."""
        return self.pixels(game, idx, s) * game.bits_per_pixel / r

    def sinr(self, game: SemanticGame, idx, p, interference):
        """SINR; ``interference`` is ``theta sum_{j != i} g_j p_j`` (noise-normalised)."""
        return game.channel_gain[idx] * p / (1.0 + interference)

    def rate(self, game: SemanticGame, idx, sinr):
        return game.bandwidth[idx] * np.log2(1.0 + sinr)

    def work(self, game: SemanticGame, idx, s, r):
        """Encoding effort in pixel-equivalents."""
        return self.pixels(game, idx, s) * (1.0 + game.compress_effort * np.log(r))

    def energy(self, game: SemanticGame, idx, s, r, p, sinr):
        """Energy per frame (J): sensing + encoding + transmit power x airtime."""
        airtime = self.bits(game, idx, s, r) / self.rate(game, idx, sinr)
        return (game.sense_energy[idx] * self.pixels(game, idx, s)
                + game.encode_energy[idx] * self.work(game, idx, s, r) + p * airtime)

    def latency(self, game: SemanticGame, idx, s, r, sinr):
        """Latency per frame (s): encode + airtime + edge decode."""
        airtime = self.bits(game, idx, s, r) / self.rate(game, idx, sinr)
        return (game.encode_time[idx] * self.work(game, idx, s, r) + airtime
                + game.decode_time * self.pixels(game, idx, s))

    def fidelity(self, game: SemanticGame, idx, s, r, sinr):
        """Semantic fidelity in [0, F_max]: resolution x surviving bits per pixel x channel."""
        ks, kq = game.resolution_knee, game.bpp_knee
        phi_s = -np.expm1(-ks * s) / -np.expm1(-ks)
        phi_q = -np.expm1(-kq * game.bits_per_pixel / r)
        psi = -np.expm1(-sinr / game.snr_knee)
        return game.fidelity_max * phi_s * phi_q * psi

    def task_score(self, game: SemanticGame, idx, fidelity):
        """Task accuracy (mAP) as a share of fidelity (seed 000 Table 1: 76.8 % mAP at 88.6 % fidelity)."""
        return game.task_ceiling * fidelity


# Column layout of the per-terminal table and the global vector handed to the Numba kernels.
TABLE_COLUMNS = ("native_pixels", "channel_gain", "bandwidth", "sense_energy", "encode_energy", "encode_time",
                 "energy_max", "alpha", "beta", "gamma", "s_low", "s_high", "r_low", "r_high", "p_low", "p_high")
GLOBAL_COLUMNS = ("bits_per_pixel", "compress_effort", "decode_time", "fidelity_max", "resolution_knee",
                  "bpp_knee", "snr_knee", "task_ceiling", "k_power", "k_task", "eta", "zeta", "n_terminals",
                  "traffic_capacity")


@njit(cache=True)
def _to_physical(table, i, z0, z1, z2):
    s = table[i, 10] + z0 * (table[i, 11] - table[i, 10])
    r = table[i, 12] * (table[i, 13] / table[i, 12]) ** z1
    p = table[i, 14] * (table[i, 15] / table[i, 14]) ** z2
    return s, r, p


@njit(cache=True)
def utility_kernel(table, glob, i, s, r, p, interference, s_minus, q_minus):
    """Utility (eq 10-12) of terminal i playing (s, r, p) against the others' aggregates (default model).

    ``s_minus`` and ``q_minus`` are the sum and the sum of squares of the
    other terminals' payloads: the game is aggregative, so one evaluation is
    O(1) whatever the number of terminals.
    """
    pixels = table[i, 0] * s * s
    bits = pixels * glob[0] / r
    sinr = table[i, 1] * p / (1.0 + interference)
    rate = table[i, 2] * np.log2(1.0 + sinr)
    work = pixels * (1.0 + glob[1] * np.log(r))
    airtime = bits / rate
    energy = table[i, 3] * pixels + table[i, 4] * work + p * airtime
    phi_s = -np.expm1(-glob[4] * s) / -np.expm1(-glob[4])
    phi_q = -np.expm1(-glob[5] * glob[0] / r)
    psi = -np.expm1(-sinr / glob[6])
    task = glob[7] * glob[3] * phi_s * phi_q * psi
    total = s_minus + bits
    squares = q_minus + bits * bits
    jain = total * total / (glob[12] * squares)
    congestion = total / glob[13]
    return (table[i, 7] * glob[8] * np.log(table[i, 6] / energy) + table[i, 8] * glob[9] * task
            + table[i, 9] * (glob[10] * jain - glob[11] * congestion))


@njit(cache=True)
def _unit_value(table, glob, i, z0, z1, z2, interference, s_minus, q_minus):
    s, r, p = _to_physical(table, i, z0, z1, z2)
    return utility_kernel(table, glob, i, s, r, p, interference, s_minus, q_minus)


@njit(cache=True)
def grid_peaks(values, k):
    """Flat indices of the (at most) ``k`` best discrete local maxima of a cubic grid of values.

    A point is a local maximum when no axis neighbour is strictly higher.
    Utilities here are not concave (two basins are common, e.g. high
    compression at full power vs. low compression at lower power), so
    polishing only the best grid point can miss the better basin.
    """
    g = values.shape[0]
    peaks = np.empty(g * g * g, dtype=np.int64)
    heights = np.empty(g * g * g)
    count = 0
    for a in range(g):
        for b in range(g):
            for c in range(g):
                v = values[a, b, c]
                if ((a > 0 and values[a - 1, b, c] > v) or (a < g - 1 and values[a + 1, b, c] > v)
                        or (b > 0 and values[a, b - 1, c] > v) or (b < g - 1 and values[a, b + 1, c] > v)
                        or (c > 0 and values[a, b, c - 1] > v) or (c < g - 1 and values[a, b, c + 1] > v)):
                    continue
                peaks[count] = (a * g + b) * g + c
                heights[count] = v
                count += 1
    order = np.argsort(-heights[:count])
    return peaks[:count][order[:k]]


@njit(cache=True)
def _compass_kernel(table, glob, i, interference, s_minus, q_minus, start, value, step, step_tol):
    best = start.copy()
    while step > step_tol:
        moved = False
        for axis in range(3):
            for sign in (-1.0, 1.0):
                trial = best.copy()
                trial[axis] = min(1.0, max(0.0, trial[axis] + sign * step))
                v = _unit_value(table, glob, i, trial[0], trial[1], trial[2], interference, s_minus, q_minus)
                if v > value:
                    value = v
                    best[:] = trial
                    moved = True
        if not moved:
            step *= 0.5
    return best, value


@njit(cache=True)
def best_response_kernel(table, glob, i, interference, s_minus, q_minus, start, grid, step_tol, peaks=4):
    """Terminal i's best response in unit coordinates: a ``grid^3`` scan, then compass searches.

    A compass search (poll +-step along each axis, move on improvement,
    halve the step otherwise, down to ``step_tol``) runs from ``start`` and
    from each of the ``peaks`` best local maxima of the scan.  Returns
    ``(z, value, value at start)``.
    """
    values = np.empty((grid, grid, grid))
    for a in range(grid):
        for b in range(grid):
            for c in range(grid):
                values[a, b, c] = _unit_value(table, glob, i, a / (grid - 1), b / (grid - 1), c / (grid - 1),
                                              interference, s_minus, q_minus)
    initial = _unit_value(table, glob, i, start[0], start[1], start[2], interference, s_minus, q_minus)
    step = 0.5 / (grid - 1)
    best, value = _compass_kernel(table, glob, i, interference, s_minus, q_minus, start, initial, step, step_tol)
    for flat in grid_peaks(values, peaks):
        a, rest = divmod(flat, grid * grid)
        b, c = divmod(rest, grid)
        z = np.array([a / (grid - 1), b / (grid - 1), c / (grid - 1)])
        z, v = _compass_kernel(table, glob, i, interference, s_minus, q_minus, z, values[a, b, c], step, step_tol)
        if v > value:
            best, value = z, v
    return best, value, initial
