"""Best-response dynamics: split inference as a congestion game (seed 003), and the SemanticGame (seed 000).

Split inference
---------------
Gao et al. (the survey's ref [65]) model users sharing one edge as players
of an aggregative game.  Here each user m chooses its device set; the
users that offload (run any layer on the edge) share the uplink and the
edge *equally*: with ``n`` of them, each gets ``B / n`` and ``E / n``.  A
user's cost is its own term of the objective.  A user either offloads
(then it both sends and computes at the edge) or runs everything on its
device, so its best response compares two candidates: the all-device
placement, and the minimum cut with the shares it would get by joining
(``B / (n_others + 1)``).  Rounds visit the users in order (Gauss-Seidel)
until a round changes nothing: a pure Nash equilibrium of the game.

``metrics``: ``rounds``, ``nash_gap`` (the largest cost cut any user can
still get by deviating alone, 0 at an equilibrium), and, unless
``reference="none"``, ``optimum`` and ``price_of_anarchy`` = equilibrium
objective / the problem's optimum, where the shares are chosen optimally
(``exhaustive`` when the joint space is small, else ``bcd``, named in
``metrics["optimum_by_exhaustive"]``).  A heuristic reference is capped at
the equilibrium's own objective, so the ratio is never below 1; with
``bcd`` it is an estimate of the price of anarchy, not a bound.
"""

from __future__ import annotations

import numpy as np

from semopt._loop import Loop
from semopt._options import CALLBACK, MAX_ITER, Option
from semopt.errors import SolverError
from semopt.models.terminal import best_response_kernel, grid_peaks
from semopt.problems.game import GameSolution, SemanticGame
from semopt.problems.split_inference import SplitInference, SplitSolution
from semopt.registry import SolverOutput, register_solver
from semopt.result import Status
from semopt.solvers._split import reject_constraints
from semopt.solvers.mincut import min_cut_placement

__all__ = ["user_cost", "best_response", "nash_gap", "GamePlay", "play", "game_best_response", "initial_profile"]


def _shares(problem: SplitInference, offloading: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = max(int(offloading.sum()), 1)
    return (np.where(offloading, problem.bandwidth / n, 0.0), np.where(offloading, problem.edge_flops / n, 0.0))


def _apply_shares(problem: SplitInference, sol: SplitSolution) -> None:
    sol.bandwidth, sol.compute = _shares(problem, ~sol.placement.all(axis=1))


def user_cost(problem: SplitInference, m: int, row: np.ndarray, bandwidth: float, compute: float) -> float:
    """User m's own term of the objective for device set ``row`` and the given shares."""
    costs = problem.costs(m, bandwidth, compute)
    send, send_in = problem.sent(row)
    return problem.total(costs, row, send, send_in)


def best_response(problem: SplitInference, sol: SplitSolution, m: int) -> tuple[np.ndarray, float]:
    """User m's best device set given the others' choices, and its cost."""
    others = int(np.sum(~sol.placement.all(axis=1))) - int(not sol.placement[m].all())
    bw, cp = problem.bandwidth / (others + 1), problem.edge_flops / (others + 1)
    device = np.ones(problem.n_layers, dtype=bool)
    options = [(user_cost(problem, m, device, 0.0, 0.0), 0, device)]
    joined = min_cut_placement(problem.graph_for(), problem.costs(m, bw, cp))
    if not joined.all():
        options.append((user_cost(problem, m, joined, bw, cp), 1, joined))
    cost, _, row = min(options, key=lambda o: (o[0], o[1]))  # ties: stay on the device
    return row, cost


def nash_gap(problem: SplitInference, sol: SplitSolution) -> float:
    """Largest cost reduction any single user can reach by deviating (0 at a Nash equilibrium)."""
    gap = 0.0
    for m in range(problem.n_users):
        current = user_cost(problem, m, sol.placement[m], sol.bandwidth[m], sol.compute[m])
        _, best = best_response(problem, sol, m)
        gap = max(gap, current - best)
    return gap


@register_solver("best-response", problems=(SplitInference,), options={
    "max_iter": Option(100, "int", "Maximum rounds of best responses. " + MAX_ITER.doc, low=1),
    "reference": Option("auto", "choice", "Optimum for the price of anarchy: 'auto' (exhaustive if small, "
                        "else bcd), 'exhaustive', 'bcd' or 'none'.",
                        choices=("auto", "exhaustive", "bcd", "none")),
    "callback": CALLBACK,
})
def best_response_dynamics(problem: SplitInference, *, rng, time_limit, max_iter: int, reference: str,
                           callback) -> SolverOutput:
    """Users best-respond in turn until no one moves: a Nash equilibrium of the sharing game."""
    reject_constraints(problem, "best-response")
    sol = problem.empty_solution(device=True)
    _apply_shares(problem, sol)
    loop = Loop(max_iter=max_iter, tol=0.0, time_limit=time_limit, callback=callback)
    while loop.running():
        moved = False
        for m in range(problem.n_users):
            row, cost = best_response(problem, sol, m)
            current = user_cost(problem, m, sol.placement[m], sol.bandwidth[m], sol.compute[m])
            if cost < current - 1e-12 * max(1.0, abs(current)):
                sol.placement[m] = row
                _apply_shares(problem, sol)
                moved = True
        loop.record(problem.evaluate(sol).objective, sol, may_stop=False)
        if not moved and loop.status is None:
            loop.status, loop.message = Status.CONVERGED, f"no user moved in round {loop.iteration}"
    metrics = {"rounds": float(loop.iteration), "nash_gap": nash_gap(problem, sol)}
    if reference != "none":
        metrics.update(_price_of_anarchy(problem, loop.history[-1], reference))
    return SolverOutput(sol, loop.status or Status.MAX_ITER, loop.history, loop.message, metrics)


def _price_of_anarchy(problem: SplitInference, value: float, reference: str) -> dict[str, float]:
    from semopt.api import solve

    by_exhaustive = reference == "exhaustive"
    if reference == "auto":
        try:
            optimum = solve(problem, "exhaustive", max_space=20_000).objective
            by_exhaustive = True
        except SolverError:
            optimum = solve(problem, "bcd").objective
    else:
        optimum = solve(problem, reference).objective
    # The equilibrium itself is a solution of the problem: a heuristic reference above it is no optimum.
    optimum = min(optimum, value)
    return {"optimum": float(optimum), "price_of_anarchy": float(value / optimum),
            "optimum_by_exhaustive": float(by_exhaustive)}


# ---------------------------------------------------------------------------------------------- SemanticGame
GAME_INITS = ("random", "center", "max-quality", "min-power")
#: Points per axis of a best response's scan.  9 missed a narrow second basin on a few random instances
#: (the certificate flagged them); 13 found it on every one tried, for about twice the cost.
GRID = 13


def initial_profile(problem: SemanticGame, init: str, rng: np.random.Generator) -> np.ndarray:
    """Unit coordinates to start from: uniform random, the box centre, or a corner."""
    n = problem.n_terminals
    if init == "random":
        return rng.random((n, 3))
    corner = {"center": (0.5, 0.5, 0.5), "max-quality": (1.0, 0.0, 1.0), "min-power": (0.0, 1.0, 0.0)}[init]
    return np.tile(np.array(corner, dtype=float), (n, 1))


def _compass(value, start: np.ndarray, current: float, step: float, step_tol: float) -> tuple[np.ndarray, float]:
    """Numpy twin of the kernel's compass search: poll +-step per axis, halve the step when nothing improves."""
    best = start.copy()
    while step > step_tol:
        moved = False
        for axis in range(3):
            for sign in (-1.0, 1.0):
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

    def __init__(self, problem: SemanticGame, *, grid: int = GRID, engine: str = "auto", step_tol: float = 1e-10):
        if engine == "auto":
            engine = "numba" if problem.default_model else "numpy"
        if engine == "numba" and not problem.default_model:
            raise SolverError("engine='numba' hard-codes the default TerminalModel; this game replaces it "
                              f"with {type(problem.model).__name__}: use engine='numpy' or 'auto'.")
        self.problem, self.grid, self.engine, self.step_tol = problem, grid, engine, step_tol
        if engine == "numba":
            self.table, self.glob = problem.kernel_tables()
        else:
            axis = np.linspace(0.0, 1.0, grid)
            self.cube = np.stack(np.meshgrid(axis, axis, axis, indexing="ij"), axis=-1).reshape(-1, 3)

    def respond(self, i: int, start: np.ndarray, interference: float, s_minus: float,
                q_minus: float) -> tuple[np.ndarray, float]:
        """Terminal i's best response (unit coordinates) to the others' aggregates, and what it gains."""
        if self.engine == "numba":
            z, value, initial = best_response_kernel(self.table, self.glob, i, interference, s_minus, q_minus,
                                                     np.ascontiguousarray(start, dtype=float), self.grid,
                                                     self.step_tol)
            return z, value - initial
        p = self.problem
        player, agg = np.array([i]), (np.array([interference]), np.array([s_minus]), np.array([q_minus]))

        def value(z):
            return float(p.respond(player, p.from_unit(z[None, None, :], [[i]]), *agg)[0, 0])

        values = p.respond(player, p.from_unit(self.cube[None, :, :], [[i]]), *agg)[0]
        step = 0.5 / (self.grid - 1)
        initial = value(start)
        best, best_value = _compass(value, start, initial, step, self.step_tol)
        for flat in grid_peaks(values.reshape((self.grid,) * 3), 4):
            z, v = _compass(value, self.cube[flat], float(values[flat]), step, self.step_tol)
            if v > best_value:
                best, best_value = z, v
        return best, best_value - initial


def play(problem: SemanticGame, z: np.ndarray, loop: Loop, *, scheme: str = "gauss-seidel", damping: float = 1.0,
         tol: float = 1e-7, grid: int = GRID, engine: str = "auto") -> tuple[np.ndarray, list[np.ndarray]]:
    """Rounds of best responses from unit profile ``z`` until no terminal can gain more than ``tol``.

    Converged: in the last round no terminal's best response raised its
    utility by more than ``tol`` x the mean |U_i| (an epsilon-equilibrium
    as the best-response search sees it; ``evaluate`` certifies it
    independently).  Returns the final unit profile and the action profile
    before the first round and after each round.  ``loop`` records the
    welfare per round and owns max_iter, time_limit and the callback.
    """
    br = GamePlay(problem, grid=grid, engine=engine)
    z = np.array(z, dtype=float)
    actions = problem.from_unit(z)
    trajectory = [actions]
    utilities = problem.utilities(actions)
    while loop.running():
        scale = max(float(np.mean(np.abs(utilities))), 1e-12)
        if scheme == "jacobi":
            interference, s_minus, q_minus = problem.aggregates(actions)
            moves = [br.respond(i, z[i], interference[i], s_minus[i], q_minus[i]) for i in range(problem.n_terminals)]
            z = z + damping * (np.array([m[0] for m in moves]) - z)
            gain = max(m[1] for m in moves)
        else:
            gain = _gauss_seidel_round(problem, br, z, damping)
        actions = problem.from_unit(z)
        trajectory.append(actions)
        utilities = problem.utilities(actions)  # this round's welfare, and the next round's scale
        loop.record(float(utilities.sum()), GameSolution(actions), may_stop=False)
        if gain <= tol * scale and loop.status is None:
            loop.status = Status.CONVERGED
            loop.message = (f"no terminal could gain more than tol={tol:g} x mean |U| in round {loop.iteration}")
    if loop.status == Status.MAX_ITER and len(trajectory) >= 3:
        last, before, two_back = (problem.to_unit(a) for a in (trajectory[-1], trajectory[-2], trajectory[-3]))
        step, lag2 = np.abs(last - before).max(), np.abs(last - two_back).max()
        jumping = np.flatnonzero(np.abs(last - before).max(axis=1) > 1e-3)
        if jumping.size and lag2 < 1e-3 * step:
            loop.message += (f"; the dynamics cycle with period 2 (terminals {jumping.tolist()[:5]} jump between two "
                             "basins of their utility each round): no pure equilibrium was reached, see nash_gap")
    return z, trajectory


def _gauss_seidel_round(problem: SemanticGame, br: GamePlay, z: np.ndarray, damping: float) -> float:
    """One round in turn, each terminal seeing the moves made before it; updates ``z``, returns the largest gain."""
    actions = problem.from_unit(z)
    idx = np.arange(problem.n_terminals)
    received = problem.channel_gain * actions[:, 2]
    bits = problem.model.bits(problem, idx, actions[:, 0], actions[:, 1])
    total_received, total_bits, total_squares = received.sum(), bits.sum(), np.sum(bits ** 2)
    largest = 0.0
    for i in range(problem.n_terminals):
        target, gain = br.respond(i, z[i], problem.interference * (total_received - received[i]),
                                  total_bits - bits[i], total_squares - bits[i] ** 2)
        z[i] += damping * (target - z[i])
        largest = max(largest, gain)
        a = problem.from_unit(z[i][None, :], [i])[0]
        new_received = problem.channel_gain[i] * a[2]
        new_bits = float(problem.model.bits(problem, i, a[0], a[1]))
        total_received += new_received - received[i]
        total_bits += new_bits - bits[i]
        total_squares += new_bits ** 2 - bits[i] ** 2
        received[i], bits[i] = new_received, new_bits
    return largest


@register_solver("best-response", problems=(SemanticGame,), options={
    "scheme": Option("gauss-seidel", "choice", "Terminals respond in turn (gauss-seidel) or all at once (jacobi).",
                     choices=("gauss-seidel", "jacobi")),
    "damping": Option(1.0, "float", "Step towards the best response, in (0, 1] (1 = the best response itself).",
                      low=0.0, high=1.0, low_open=True),
    "max_iter": Option(200, "int", "Maximum rounds. " + MAX_ITER.doc, low=1),
    "tol": Option(1e-7, "float", "Converged when no terminal's best response gains more than tol x the mean "
                  "|utility| (an epsilon-equilibrium; the certified nash_gap_relative came out below 6e-8 on "
                  "semantic-game seeds 0-19).", low=0.0),
    "init": Option("random", "choice", "Starting profile (random: uniform in each box, from the seed).",
                   choices=GAME_INITS),
    "grid": Option(GRID, "int", "Points per axis of each best response's scan.", low=2),
    "engine": Option("auto", "choice", "numba (default model only), numpy, or auto.",
                     choices=("auto", "numba", "numpy")),
    "reference": Option("auto", "choice", "Social optimum for the price of anarchy: 'auto' (up to 20 terminals), "
                        "'social-optimum' or 'none'.", choices=("auto", "social-optimum", "none")),
    "callback": CALLBACK,
})
def game_best_response(problem: SemanticGame, *, rng, time_limit, scheme: str, damping: float, max_iter: int,
                       tol: float, init: str, grid: int, engine: str, reference: str, callback) -> SolverOutput:
    """Best-response dynamics to a Nash equilibrium of the SemanticGame (seed 000 §2.4)."""
    loop = Loop(max_iter=max_iter, tol=0.0, time_limit=time_limit, callback=callback)
    z, trajectory = play(problem, initial_profile(problem, init, rng), loop, scheme=scheme, damping=damping,
                         tol=tol, grid=grid, engine=engine)
    actions = problem.from_unit(z)
    metrics = {"rounds": float(loop.iteration)}
    if reference == "social-optimum" or (reference == "auto" and problem.n_terminals <= 20):
        from semopt.solvers.social_optimum import maximise_welfare

        optimum = max(maximise_welfare(problem, [z], rng, starts_random=2)[1], problem.welfare(actions))
        metrics.update(social_optimum=optimum, price_of_anarchy=_ratio(optimum, problem.welfare(actions)))
    return SolverOutput(GameSolution(actions, np.array(trajectory)), loop.status or Status.MAX_ITER, loop.history,
                        loop.message, metrics)


def _ratio(optimum: float, equilibrium: float) -> float:
    """Optimum / equilibrium welfare; NaN when the equilibrium's welfare is not positive (no meaningful ratio)."""
    return optimum / equilibrium if equilibrium > 0 else float("nan")
