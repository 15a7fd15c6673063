"""``best-response`` for the SemanticGame: terminals answer each other until no one gains, an epsilon-Nash equilibrium.

Each round every terminal computes its best response to the others'
aggregates (interference, sum and sum of squares of their payloads: the
game is aggregative, so one utility evaluation is O(1)) and moves towards
it by ``damping`` (:func:`~semopt.algorithms.best_response.best_response_dynamics`,
Gauss-Seidel or Jacobi).  A best response scans a ``grid^3`` lattice of the
terminal's box in unit coordinates, then runs a compass search (poll
+-step along each axis, move on improvement, halve the step otherwise)
from the current action and from the 4 best local maxima of the scan
(:func:`~semopt.algorithms.multistart.grid_peaks`): utilities here have
several basins.  The search runs in a Numba kernel for the default
terminal model and in its numpy twin for a replaced one.

Converged: in the last round no terminal's best response raised its
utility by more than ``tol`` x the mean ``|U_i|``.  ``semopt.solve`` then
certifies the profile independently (``nash_gap``, see
:mod:`semopt.analysis.equilibrium`).  With at most 20 terminals the price of
anarchy against the centralised optimum is reported too.

References
----------
.. [1] "Semantic-Driven Conditional Encoding and Distributed Collaborative
   Optimization for Edge Image Processing", Traitement du Signal 42(6),
   2025, doi:10.18280/ts.420612, §2.4 (distributed game, Fig 5).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numba import njit

from semopt.algorithms.best_response import SCHEMES, best_response_dynamics
from semopt.algorithms.multistart import grid_peaks, maximise, unit_cube
from semopt.analysis.equilibrium import price_of_anarchy
from semopt.errors import SolverError
from semopt.loop import Callback, Loop
from semopt.models.terminal import unit_utility_kernel
from semopt.options import CALLBACK, MAX_ITER, Option
from semopt.problems.game import GameSolution, SemanticGame
from semopt.registry import register_solver
from semopt.result import SolverOutput, Status
from semopt.solvers.game.fixed_strategy import FIXED_STRATEGIES

__all__ = ["GamePlay", "play", "initial_profile", "cycle_note", "maximise_welfare", "INITS", "GRID", "MAX_GRID",
           "best_response_kernel"]

INITS = ("random", *FIXED_STRATEGIES)
#: Points per axis of a best response's scan.  9 missed a narrow second basin on a few random instances
#: (the certificate flagged them); 13 found it on every one tried, for about twice the cost.
GRID = 13
MAX_GRID = 200
"""The finest scan: a 200^3 table of utilities is 64 MB, and each scan of each terminal fills one."""
_PEAKS = 4
MAX_POLLS = 20_000
"""Polls of one compass search at most.  A polish takes a few thousand; with utilities of huge magnitude
(``eta`` = 5e5) float noise can make a ridge look ever-rising at the finest steps, and without a cap one best
response took seconds, past any time limit."""


def initial_profile(problem: SemanticGame, init: str, rng: np.random.Generator) -> np.ndarray:
    """Unit coordinates to start from: uniform random, the box centre (``uniform``), or a corner."""
    n = problem.n_terminals
    if init == "random":
        return rng.random((n, 3))
    return np.tile(np.array(FIXED_STRATEGIES[init], dtype=float), (n, 1))


# ---------------------------------------------------------------------------------------------- the search
@njit(cache=True)
def _compass_kernel(table, glob, i, interference, s_minus, q_minus, start, value, step, step_tol):
    best = start.copy()
    polls = 0
    while step > step_tol and polls < MAX_POLLS:
        moved = False
        for axis in range(3):
            for sign in (-1.0, 1.0):
                polls += 1
                trial = best.copy()
                trial[axis] = min(1.0, max(0.0, trial[axis] + sign * step))
                v = unit_utility_kernel(table, glob, i, trial[0], trial[1], trial[2], interference, s_minus, q_minus)
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

    A compass search runs from ``start`` and from each of the ``peaks`` best
    local maxima of the scan.  Returns ``(z, value, value at start)``.
    """
    values = np.empty((grid, grid, grid))
    for a in range(grid):
        for b in range(grid):
            for c in range(grid):
                values[a, b, c] = unit_utility_kernel(table, glob, i, a / (grid - 1), b / (grid - 1),
                                                      c / (grid - 1), interference, s_minus, q_minus)
    initial = unit_utility_kernel(table, glob, i, start[0], start[1], start[2], interference, s_minus, q_minus)
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


def _compass(value: Callable[[np.ndarray], float], start: np.ndarray, current: float, step: float,
             step_tol: float) -> tuple[np.ndarray, float]:
    """Numpy twin of the kernel's compass search: poll +-step per axis, halve the step when nothing improves."""
    best = start.copy()
    polls = 0
    while step > step_tol and polls < MAX_POLLS:
        moved = False
        for axis in range(3):
            for sign in (-1.0, 1.0):
                polls += 1
                trial = best.copy()
                trial[axis] = min(1.0, max(0.0, trial[axis] + sign * step))
                v = value(trial)
                if v > current:
                    best, current, moved = trial, v, True
        if not moved:
            step *= 0.5
    return best, current


class GamePlay:
    """Best responses of one game, on the Numba kernel or its numpy twin."""

    def __init__(self, problem: SemanticGame, *, grid: int = GRID, engine: str = "auto",
                 step_tol: float = 1e-10) -> None:
        if engine == "auto":
            engine = "numba" if problem.default_model else "numpy"
        if engine == "numba" and not problem.default_model:
            raise SolverError("engine='numba' hard-codes the default TerminalModel; this game replaces it "
                              f"with {type(problem.model).__name__}: use engine='numpy' or 'auto'.")
        self.problem, self.grid, self.engine, self.step_tol = problem, grid, engine, step_tol
        if engine == "numba":
            self.table, self.glob = problem.kernel_tables()
        else:
            self.cube = unit_cube(grid)

    def respond(self, i: int, start: np.ndarray, interference: float, s_minus: float,
                q_minus: float) -> tuple[np.ndarray, float]:
        """Terminal i's best response (unit coordinates) to the others' aggregates, and what it gains."""
        if self.engine == "numba":
            z, value, initial = best_response_kernel(self.table, self.glob, i, interference, s_minus, q_minus,
                                                     np.ascontiguousarray(start, dtype=float), self.grid,
                                                     self.step_tol, _PEAKS)
            return z, value - initial
        p = self.problem
        player, agg = np.array([i]), (np.array([interference]), np.array([s_minus]), np.array([q_minus]))

        def utility(z: np.ndarray) -> float:
            return float(p.respond(player, p.from_unit(z[None, None, :], [[i]]), *agg)[0, 0])

        values = p.respond(player, p.from_unit(self.cube[None, :, :], [[i]]), *agg)[0]
        step = 0.5 / (self.grid - 1)
        initial = utility(start)
        best, best_value = _compass(utility, start, initial, step, self.step_tol)
        for flat in grid_peaks(values.reshape((self.grid,) * 3), _PEAKS):
            z, v = _compass(utility, self.cube[flat], float(values[flat]), step, self.step_tol)
            if v > best_value:
                best, best_value = z, v
        return best, best_value - initial


# ---------------------------------------------------------------------------------------------- the dynamics
class _Profile:
    """The unit profile and the aggregates each terminal sees of the others, kept up to date move by move."""

    def __init__(self, problem: SemanticGame, z: np.ndarray) -> None:
        self.problem = problem
        self.z = np.array(z, dtype=float)
        self.refresh()

    def refresh(self) -> None:
        """Recompute the aggregates from the profile (once a round, so that rounding never accumulates)."""
        self.received, self.bits = self.problem.loads(self.problem.from_unit(self.z))
        self.total_received = float(self.received.sum())
        self.total_bits = float(self.bits.sum())
        self.total_squares = float(np.sum(self.bits ** 2))

    def others(self, i: int) -> tuple[float, float, float]:
        """Interference on terminal i, and the sum and sum of squares of the others' payloads."""
        return (self.problem.interference * (self.total_received - self.received[i]),
                self.total_bits - self.bits[i], self.total_squares - self.bits[i] ** 2)

    def step(self, i: int, target: np.ndarray, damping: float) -> None:
        """Move terminal i by ``damping`` towards ``target`` and update the aggregates."""
        p = self.problem
        self.z[i] += damping * (target - self.z[i])
        a = p.from_unit(self.z[i][None, :], [i])[0]
        received = p.channel_gain[i] * a[2]
        bits = float(p.model.bits(p.parameters(), i, a[0], a[1]))
        self.total_received += received - self.received[i]
        self.total_bits += bits - self.bits[i]
        self.total_squares += bits ** 2 - self.bits[i] ** 2
        self.received[i], self.bits[i] = received, bits


def play(problem: SemanticGame, z: np.ndarray, loop: Loop, *, scheme: str = "gauss-seidel", damping: float = 1.0,
         tol: float = 1e-7, grid: int = GRID, engine: str = "auto") -> tuple[np.ndarray, list[np.ndarray]]:
    """Rounds of best responses from unit profile ``z`` until no terminal can gain more than ``tol``.

    Converged: in the last round no terminal's best response raised its
    utility by more than ``tol`` x the mean |U_i| (an epsilon-equilibrium
    as the best-response search sees it).  Returns the final unit profile
    and the action profile before the first round and after each round.
    ``loop`` records the welfare per round and owns max_iter, time_limit
    and the callback.
    """
    br = GamePlay(problem, grid=grid, engine=engine)
    profile = _Profile(problem, z)
    trajectory = [problem.from_unit(profile.z)]
    utilities = [problem.utilities(trajectory[0])]

    def start_round() -> float:
        profile.refresh()
        return tol * max(float(np.mean(np.abs(utilities[-1]))), 1e-12)

    def respond(i: int) -> tuple[np.ndarray, float]:
        return br.respond(i, profile.z[i], *profile.others(i))

    def after_round() -> tuple[float, GameSolution]:
        actions = problem.from_unit(profile.z)
        trajectory.append(actions)
        utilities.append(problem.utilities(actions))  # this round's welfare, and the next round's scale
        return float(utilities[-1].sum()), GameSolution(actions)

    best_response_dynamics(problem.n_terminals, respond, lambda i, target, gain: profile.step(i, target, damping),
                           loop, after_round=after_round, scheme=scheme, start_round=start_round,
                           converged=f"no terminal could gain more than tol={tol:g} x mean |U| in round {{round}}")
    return profile.z, trajectory


def cycle_note(problem: SemanticGame, trajectory: list[np.ndarray]) -> str:
    """Name a period-2 cycle between utility basins in the last three profiles, or ``""``."""
    if len(trajectory) < 3:
        return ""
    last, before, two_back = (problem.to_unit(a) for a in (trajectory[-1], trajectory[-2], trajectory[-3]))
    step, lag2 = np.abs(last - before).max(), np.abs(last - two_back).max()
    jumping = np.flatnonzero(np.abs(last - before).max(axis=1) > 1e-3)
    if jumping.size and lag2 < 1e-3 * step:
        return (f"the dynamics cycle with period 2 (terminals {jumping.tolist()[:5]} jump between two basins of "
                "their utility each round): no pure equilibrium was reached, see nash_gap")
    return ""


def maximise_welfare(problem: SemanticGame, starts: list[np.ndarray]) -> tuple[np.ndarray, float]:
    """The best welfare (and its unit profile) that L-BFGS-B reaches from ``starts``."""
    return maximise(lambda z: problem.welfare(problem.from_unit(z)), starts)


@register_solver("best-response", problems=(SemanticGame,), options={
    "scheme": Option("gauss-seidel", "choice", "Terminals respond in turn (gauss-seidel) or all at once (jacobi).",
                     choices=SCHEMES),
    "damping": Option(1.0, "float", "Step towards the best response, in (0, 1] (1 = the best response itself).",
                      low=0.0, high=1.0, low_open=True),
    "max_iter": Option(200, "int", "Maximum rounds. " + MAX_ITER.doc, low=1),
    "tol": Option(1e-7, "float", "Converged when no terminal's best response gains more than tol x the mean "
                  "|utility| (an epsilon-equilibrium; the certified nash_gap_relative came out below 6e-8 on "
                  "semantic-game seeds 0-19).", low=0.0),
    "init": Option("random", "choice", "Starting profile (random: uniform in each box, from the seed; uniform: "
                   "the box centre, as the 'uniform' solver plays).", choices=INITS,
                   aliases=(("center", "uniform"),)),
    "grid": Option(GRID, "int", "Points per axis of each best response's scan (a grid^3 "
                   "table per scan).", low=2, high=MAX_GRID),
    "engine": Option("auto", "choice", "numba (default model only), numpy, or auto.",
                     choices=("auto", "numba", "numpy")),
    "reference": Option("auto", "choice", "Social optimum for the price of anarchy: 'auto' (up to 20 terminals), "
                        "'social-optimum' or 'none'.", choices=("auto", "social-optimum", "none")),
    "callback": CALLBACK,
})
def game_best_response(problem: SemanticGame, *, rng: np.random.Generator, time_limit: float | None, scheme: str,
                       damping: float, max_iter: int, tol: float, init: str, grid: int, engine: str, reference: str,
                       callback: Callback | None) -> SolverOutput:
    """Best-response dynamics to a Nash equilibrium of the SemanticGame (the paper's §2.4)."""
    loop = Loop(max_iter=max_iter, time_limit=time_limit, callback=callback)
    z, trajectory = play(problem, initial_profile(problem, init, rng), loop, scheme=scheme, damping=damping,
                         tol=tol, grid=grid, engine=engine)
    actions = problem.from_unit(z)
    metrics = {"rounds": float(loop.iteration)}
    if reference == "social-optimum" or (reference == "auto" and problem.n_terminals <= 20):
        welfare = problem.welfare(actions)
        # The planner starts from the equilibrium (so it is never below it) and from two random profiles.
        optimum = max(maximise_welfare(problem, [z, rng.random(z.shape), rng.random(z.shape)])[1], welfare)
        metrics.update(social_optimum=optimum, price_of_anarchy=price_of_anarchy(welfare, optimum, "max"))
    note = cycle_note(problem, trajectory) if loop.status == Status.MAX_ITER else ""
    return loop.output(GameSolution(actions, np.array(trajectory)), metrics, note=note)
