"""Each technique of ``semopt.algorithms`` alone, against an independent brute force or closed form.

No problem object and no scenario: every test builds a small hand-made or
random input (arrays, graphs, callables) and checks the technique against a
reference computed here -- exhaustive search over assignments, downsets,
paths and deviations, a closed form, or CVXPY for the convex allocations.

* swap matching: a toy assignment of agents to slots with interference;
* convex allocation: KKT closed form against CVXPY, floors, square roots;
* minimum cut: optimal placements on random DAGs against all downsets;
* enumeration: downsets, slot assignments and compositions by brute force;
* multi-start: concave maxima, SLSQP constraints, grid peaks and their order;
* Viterbi: every path of a small trellis;
* best-response dynamics: congestion games and the loop's statuses;
* Lagrangian bisection: weak duality on small finite problems.
"""

from __future__ import annotations

import itertools
from math import comb, factorial

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from semopt.algorithms.best_response import SCHEMES, best_response_dynamics
from semopt.algorithms.convex_allocation import (
    allocate_cvxpy,
    allocate_kkt,
    allocate_uniform,
    deadline_floors,
    log_cost,
    sqrt_shares,
)
from semopt.algorithms.dinkelbach import dinkelbach_steps
from semopt.algorithms.dynamic_programming import viterbi
from semopt.algorithms.enumeration import assignments, compositions, count_assignments, count_downsets, downsets
from semopt.algorithms.lagrangian import bisect_price
from semopt.algorithms.local_search import improve
from semopt.algorithms.mincut import min_cut_placement
from semopt.algorithms.multistart import grid_peaks, maximise, unit_cube
from semopt.algorithms.swap_matching import RULES, SwapMatching, find_blocking, run_swaps
from semopt.loop import Loop
from semopt.models.split import LayerCosts

seeds = st.integers(0, 2**31 - 1)


# --------------------------------------------------------------------------------------------------
# Swap matching: n agents hold distinct slots among m >= n; a move exchanges two agents' slots or moves
# one agent to an empty slot (a hole).  Agent i pays base[i, s_i] plus the interference between its slot
# and every other occupied slot, so a hole move changes everybody's cost (an externality).
# --------------------------------------------------------------------------------------------------


class _SlotGame:
    def __init__(self, base: np.ndarray, interference: np.ndarray) -> None:
        self.base, self.interference = base, interference
        self.n, self.m = base.shape

    def agent_costs(self, state: tuple[int, ...]) -> np.ndarray:
        slots = np.array(state)
        inter = self.interference[np.ix_(slots, slots)]
        return self.base[np.arange(self.n), slots] + inter.sum(axis=1) - np.diag(inter)

    def total(self, state: tuple[int, ...]) -> float:
        return float(self.agent_costs(state).sum())

    def moves(self, state: tuple[int, ...]) -> list[tuple]:
        exchanges = [("x", i, j) for i, j in itertools.combinations(range(self.n), 2)]
        # Every (agent, slot) pair, occupied or not: apply() rejects those that do not apply.
        holes = [("h", i, s) for i in range(self.n) for s in range(self.m)]
        return exchanges + holes

    def apply(self, state: tuple[int, ...], move: tuple) -> tuple[int, ...] | None:
        new = list(state)
        if move[0] == "x":
            _, i, j = move
            new[i], new[j] = state[j], state[i]
        else:
            _, i, s = move
            if s in state:
                return None
            new[i] = s
        return tuple(new)

    @staticmethod
    def involved(move: tuple) -> list[int]:
        return [move[1], move[2]] if move[0] == "x" else [move[1]]

    def agents(self, move, before, _before_assessment, after, _after_assessment):
        who = self.involved(move)
        return self.agent_costs(before)[who], self.agent_costs(after)[who]

    def matching(self) -> SwapMatching:
        return SwapMatching("slots", self.moves, self.apply, self.agents)


def _slot_game(seed: int, n: int, extra: int) -> tuple[_SlotGame, tuple[int, ...]]:
    rng = np.random.default_rng(seed)
    m = n + extra
    base = rng.uniform(0.0, 10.0, (n, m))
    inter = rng.uniform(0.0, 1.0, (m, m))
    inter = (inter + inter.T) / 2
    start = tuple(int(s) for s in rng.permutation(m)[:n])
    return _SlotGame(base, inter), start


def _lower(a: tuple[float, tuple], b: tuple[float, tuple]) -> bool:
    """``better`` on assessments ``(total cost, state)``: strictly lower total cost."""
    return a[0] < b[0] - 1e-12


def _run_recording(game: _SlotGame, start: tuple[int, ...], rule: str):
    """Run the engine, recording the current assessment each time ``better`` is asked (the accepted path)."""
    path: list[tuple[float, tuple]] = []

    def better(candidate, current):
        if not path or path[-1] != current:
            path.append(current)
        return _lower(candidate, current)

    state, assessment, swaps = run_swaps(game.matching(), start, lambda s: (game.total(s), s), rule=rule,
                                         better=better, max_passes=1000)
    return state, assessment, swaps, path


@given(seeds, st.integers(2, 4), st.integers(0, 2))
def test_welfare_swaps_end_in_a_two_exchange_local_optimum(seed, n, extra):
    game, start = _slot_game(seed, n, extra)
    state, assessment, swaps, path = _run_recording(game, start, "welfare")
    assert sorted(set(state)) == sorted(state) and all(0 <= s < game.m for s in state)
    assert assessment == (game.total(state), state)
    # The total cost strictly falls with every accepted swap: the system objective never gets worse.
    costs = [cost for cost, _ in path]
    assert path[0][1] == start and path[-1][1] == state
    assert all(later < earlier for earlier, later in itertools.pairwise(costs))
    assert swaps == len(path) - 1
    # The engine's certificate, and an independent one: no exchange and no hole move lowers the total.
    assert find_blocking(game.matching(), state, lambda s: (game.total(s), s), rule="welfare", better=_lower) is None
    for move in game.moves(state):
        neighbour = game.apply(state, move)
        if neighbour is not None:
            assert game.total(neighbour) >= game.total(state) - 1e-9


@given(seeds, st.integers(2, 4), st.integers(0, 2))
def test_paper_swaps_never_overrule_an_involved_agent(seed, n, extra):
    game, start = _slot_game(seed, n, extra)
    state, _, swaps, path = _run_recording(game, start, "paper")
    assert swaps == len(path) - 1
    for (before_cost, before), (after_cost, after) in itertools.pairwise(path):
        assert after_cost < before_cost
        moved = [i for i in range(game.n) if before[i] != after[i]]
        assert 1 <= len(moved) <= 2
        old, new = game.agent_costs(before)[moved], game.agent_costs(after)[moved]
        assert np.all(new <= old + 1e-9) and np.any(new < old - 1e-9)
    # Exchange-stable under the paper's rule, checked by the engine and by hand.
    assess = lambda s: (game.total(s), s)  # noqa: E731
    assert find_blocking(game.matching(), state, assess, rule="paper", better=_lower) is None
    for move in game.moves(state):
        neighbour = game.apply(state, move)
        if neighbour is None or game.total(neighbour) >= game.total(state) - 1e-12:
            continue
        who = game.involved(move)
        old, new = game.agent_costs(state)[who], game.agent_costs(neighbour)[who]
        assert not (np.all(new <= old + 1e-9) and np.any(new < old - 1e-9))  # some involved agent vetoes it


def test_paper_rule_respects_a_veto_that_welfare_ignores():
    # Exchanging the two agents' slots lowers the total from 10 to 1, but agent 0 pays 1 instead of 0.
    game = _SlotGame(np.array([[0.0, 1.0], [0.0, 10.0]]), np.zeros((2, 2)))
    assess = lambda s: (game.total(s), s)  # noqa: E731
    assert RULES == ("paper", "welfare")
    state, _, swaps = run_swaps(game.matching(), (0, 1), assess, rule="paper", better=_lower)
    assert (state, swaps) == ((0, 1), 0)
    assert find_blocking(game.matching(), (0, 1), assess, rule="welfare", better=_lower) == ("x", 0, 1)
    state, (cost, _), swaps = run_swaps(game.matching(), (0, 1), assess, rule="welfare", better=_lower)
    assert (state, cost, swaps) == ((1, 0), 1.0, 1)


def test_swaps_stop_when_out_of_time_or_out_of_passes():
    game, start = _slot_game(3, 4, 2)
    assess = lambda s: (game.total(s), s)  # noqa: E731
    full = run_swaps(game.matching(), start, assess, rule="welfare", better=_lower)
    assert full[2] >= 2  # this instance needs several swaps
    _, _, swaps = run_swaps(game.matching(), start, assess, rule="welfare", better=_lower, out_of_time=lambda: True)
    assert swaps <= 1
    state, _, swaps = run_swaps(game.matching(), start, assess, rule="welfare", better=_lower, max_passes=0)
    assert (state, swaps) == (start, 0)


# --------------------------------------------------------------------------------------------------
# Convex allocation
# --------------------------------------------------------------------------------------------------


def _allocation_instance(seed: int, users: int, stations: int):
    rng = np.random.default_rng(seed)
    assoc = np.concatenate([np.arange(stations), rng.integers(0, stations, users - stations)])
    rng.shuffle(assoc)
    a = rng.uniform(0.01, 1.0, users) * (rng.random(users) > 0.15)  # some users with a = 0
    b = rng.uniform(0.1, 5.0, users) * (rng.random(users) > 0.1)  # some users needing no compute
    w = rng.uniform(0.5, 2.0, users)
    capacity = rng.uniform(1.0, 10.0, stations)
    return assoc, a, b, w, capacity


@given(seeds, st.integers(1, 6), st.integers(1, 2), st.booleans())
def test_kkt_allocation_matches_cvxpy_and_meets_capacity_and_floors(seed, users, stations, with_deadlines):
    stations = min(stations, users)
    assoc, a, b, w, capacity = _allocation_instance(seed, users, stations)
    if with_deadlines:
        # Floors around the equal share (so that some bind), their sum above capacity now and then.
        share = capacity[assoc] / np.bincount(assoc)[assoc] * np.random.default_rng(seed + 1).uniform(0.3, 1.2, users)
        deadline = a + b / share
        low, _ = deadline_floors(assoc, a, b, deadline, capacity)
    else:
        low = np.zeros(users)
    f = allocate_kkt(assoc, a, b, w, low, capacity)
    ref = allocate_cvxpy(assoc, a, b, w, low, capacity)
    assert np.all(f[b == 0] == 0.0)
    for k in range(stations):
        mine = (assoc == k) & (b > 0)
        if not mine.any():
            continue
        assert f[mine].sum() == pytest.approx(capacity[k], rel=1e-9)
        assert np.all(f[mine] >= low[mine] * (1 - 1e-9))
        ours, theirs = log_cost(a[mine], b[mine], w[mine], f[mine]), log_cost(a[mine], b[mine], w[mine], ref[mine])
        assert ours <= theirs + 1e-6 * max(1.0, abs(theirs))
        assert ours == pytest.approx(theirs, rel=1e-6, abs=1e-6)
        # Stationarity: the marginal gain w b / (f (a f + b)) is equal among the users above their floor.
        free = mine & (f > low * (1 + 1e-6))
        marginal = w[free] * b[free] / (f[free] * (a[free] * f[free] + b[free]))
        if marginal.size:
            assert marginal == pytest.approx(np.full(marginal.size, marginal.mean()), rel=1e-6)
            pinned = mine & ~free
            pinned_marginal = w[pinned] * b[pinned] / (f[pinned] * (a[pinned] * f[pinned] + b[pinned]))
            assert np.all(pinned_marginal <= marginal.mean() * (1 + 1e-6))


@given(seeds, st.integers(2, 5))
def test_kkt_allocation_beats_every_random_feasible_split(seed, users):
    rng = np.random.default_rng(seed)
    assoc = np.zeros(users, dtype=int)
    a, b, w = rng.uniform(0.0, 1.0, users), rng.uniform(0.1, 5.0, users), rng.uniform(0.5, 2.0, users)
    capacity = np.array([rng.uniform(1.0, 10.0)])
    best = log_cost(a, b, w, allocate_kkt(assoc, a, b, w, np.zeros(users), capacity))
    others = rng.dirichlet(np.ones(users), 2000) * capacity[0]
    assert all(best <= log_cost(a, b, w, x) + 1e-12 for x in others)


@given(seeds, st.integers(1, 6), st.integers(1, 3))
def test_deadline_floors_meet_deadlines_exactly_or_are_dropped(seed, users, stations):
    stations = min(stations, users)
    rng = np.random.default_rng(seed)
    assoc = np.concatenate([np.arange(stations), rng.integers(0, stations, users - stations)])
    a, b = rng.uniform(0.0, 1.0, users), rng.uniform(0.0, 3.0, users) * (rng.random(users) > 0.2)
    deadline = rng.uniform(0.0, 2.0, users)
    capacity = rng.uniform(0.5, 5.0, stations)
    low, met = deadline_floors(assoc, a, b, deadline, capacity.copy())
    for k in range(stations):
        mine = assoc == k
        reachable = deadline[mine] > a[mine]
        wanted = np.where(reachable & (b[mine] > 0), b[mine] / np.where(reachable, deadline[mine] - a[mine], 1), 0)
        fits = wanted.sum() <= capacity[k]
        assert met[k] == (bool(reachable.all()) and fits)
        if fits:
            assert low[mine] == pytest.approx(wanted)
            # a floor is the least compute that meets the deadline: a + b / low = tau
            on = low[mine] > 0
            assert (a[mine] + b[mine] / np.where(on, low[mine], 1))[on] == pytest.approx(deadline[mine][on])
        else:
            assert np.all(low[mine] == 0)


@given(seeds, st.integers(1, 8), st.integers(1, 3))
def test_uniform_allocation_splits_each_capacity_equally(seed, users, stations):
    stations = min(stations, users)
    rng = np.random.default_rng(seed)
    assoc = np.concatenate([np.arange(stations), rng.integers(0, stations, users - stations)])
    capacity = rng.uniform(0.5, 5.0, stations)
    f = allocate_uniform(assoc, capacity)
    for k in range(stations):
        mine = assoc == k
        assert f[mine] == pytest.approx(np.full(mine.sum(), capacity[k] / mine.sum()))
        assert f[mine].sum() == pytest.approx(capacity[k])


@given(seeds, st.integers(1, 6), st.floats(0.1, 10.0))
def test_sqrt_shares_satisfy_kkt(seed, size, total):
    rng = np.random.default_rng(seed)
    coeff = rng.uniform(0.0, 5.0, size) * (rng.random(size) > 0.25)
    x = sqrt_shares(coeff, total)
    assert x.sum() == pytest.approx(total)
    if not coeff.any():
        assert x == pytest.approx(np.full(size, total / size))
        return
    assert np.all(x[coeff == 0] == 0) and np.all(x[coeff > 0] > 0)
    ratio = coeff[coeff > 0] / x[coeff > 0] ** 2
    assert ratio == pytest.approx(np.full(ratio.size, ratio[0]))
    assert np.sum(coeff[coeff > 0] / x[coeff > 0]) == pytest.approx(np.sqrt(coeff).sum() ** 2 / total)


@given(seeds)
def test_sqrt_shares_match_a_simplex_grid_search(seed):
    coeff = np.random.default_rng(seed).uniform(0.1, 5.0, 3)
    x = sqrt_shares(coeff, 2.0)
    steps = 300
    i, j = np.meshgrid(np.arange(1, steps), np.arange(1, steps), indexing="ij")
    keep = i + j < steps
    grid = np.stack([i[keep], j[keep], steps - i[keep] - j[keep]], axis=1) * 2.0 / steps
    values = (coeff / grid).sum(axis=1)
    ours = float((coeff / x).sum())
    assert ours <= values.min() + 1e-12
    assert ours == pytest.approx(values.min(), rel=1e-3)
    assert x == pytest.approx(grid[np.argmin(values)], abs=2.0 * 2.0 / steps)


# --------------------------------------------------------------------------------------------------
# Minimum cut and enumeration of downsets: random DAGs whose edges go from lower to higher indices
# --------------------------------------------------------------------------------------------------


def _random_dag(seed: int, n: int, density: float, subset: bool = False) -> tuple[nx.DiGraph, int]:
    """A DAG on (a random subset of) ``range(n)`` with edges ``i -> j``, ``i < j``; returns it and ``n``."""
    rng = np.random.default_rng(seed)
    nodes = [v for v in range(n) if not subset or rng.random() < 0.7] or [0]
    graph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from((i, j) for i, j in itertools.combinations(nodes, 2) if rng.random() < density)
    return graph, n


def _brute_downsets(graph: nx.DiGraph, size: int) -> set[tuple[bool, ...]]:
    nodes = sorted(graph.nodes)
    found = set()
    for chosen in itertools.product([False, True], repeat=len(nodes)):
        row = [False] * size
        for v, c in zip(nodes, chosen, strict=True):
            row[v] = c
        if all(row[i] or not row[j] for i, j in graph.edges):
            found.add(tuple(row))
    return found


def _placement_cost(graph: nx.DiGraph, costs: LayerCosts, device: np.ndarray) -> float:
    total = 0.0
    for v in graph.nodes:
        total += costs.device[v] if device[v] else costs.edge[v]
        if device[v] and any(not device[j] for j in graph.successors(v)):
            total += costs.send[v]
    if any(not device[v] for v in graph.nodes if graph.in_degree(v) == 0):
        total += costs.send_input
    return float(total)


@given(seeds, st.integers(1, 7), st.floats(0.0, 0.8), st.booleans())
def test_min_cut_placement_is_the_cheapest_downset(seed, n, density, subset):
    graph, size = _random_dag(seed, n, density, subset)
    rng = np.random.default_rng(seed + 7)

    def draw(k):  # non-negative costs, a few of them zero
        return rng.uniform(0.0, 5.0, k) * (rng.random(k) > 0.1)

    costs = LayerCosts(draw(size), draw(size), draw(size), float(rng.uniform(0.0, 8.0)))
    device = min_cut_placement(graph, costs)
    assert device.dtype == bool and device.shape == (size,)
    assert not device[[v for v in range(size) if v not in graph]].any()
    assert all(device[i] or not device[j] for i, j in graph.edges)  # a downset
    best = min(_placement_cost(graph, costs, np.array(row)) for row in _brute_downsets(graph, size))
    assert _placement_cost(graph, costs, device) == pytest.approx(best, abs=1e-9)


def test_min_cut_pays_a_shared_output_once():
    # Layer 0 feeds 1 and 2.  Sending its output once, to both consumers on the edge, costs 0 + 1 + 1 + 3 = 5,
    # less than everything on the device (6.5); paying send[0] per consumer (8) would keep everything there.
    graph = nx.DiGraph([(0, 1), (0, 2)])
    costs = LayerCosts(device=np.array([0.0, 3.25, 3.25]), edge=np.array([10.0, 1.0, 1.0]),
                       send=np.array([3.0, 0.0, 0.0]), send_input=100.0)
    device = min_cut_placement(graph, costs)
    assert device.tolist() == [True, False, False]
    assert _placement_cost(graph, costs, device) == 5.0


@given(seeds, st.integers(1, 8), st.floats(0.0, 0.7), st.booleans())
def test_downsets_are_exactly_the_predecessor_closed_sets(seed, n, density, subset):
    graph, size = _random_dag(seed, n, density, subset)
    rows = downsets(graph, size + 2)
    assert all(r.dtype == bool and r.shape == (size + 2,) and not r[size:].any() for r in rows)
    listed = [tuple(r[:size].tolist()) for r in rows]
    expected = _brute_downsets(graph, size)
    assert len(listed) == len(set(listed)) and set(listed) == expected
    top = max(graph.nodes) + 1
    assert {tuple(r.tolist()) for r in downsets(graph)} == _brute_downsets(graph, top)
    assert count_downsets(graph, 10**6) == len(expected)
    assert count_downsets(graph, len(expected)) == len(expected)
    for limit in {0, 1, len(expected) // 2, len(expected) - 1} - {len(expected)}:
        assert count_downsets(graph, limit) == limit + 1


def test_downsets_of_known_shapes():
    chain = nx.DiGraph([(i, i + 1) for i in range(5)])
    assert count_downsets(chain, 100) == 7  # the 7 prefixes
    antichain = nx.DiGraph()
    antichain.add_nodes_from(range(4))
    assert count_downsets(antichain, 100) == 16  # every subset
    assert count_downsets(antichain, 9) == 10


def _surjections(n: int, k: int) -> int:
    """Onto maps from n items to k labels: k! S(n, k), with Stirling numbers of the second kind."""
    stirling = [[0] * (k + 1) for _ in range(n + 1)]
    stirling[0][0] = 1
    for i in range(1, n + 1):
        for j in range(1, k + 1):
            stirling[i][j] = j * stirling[i - 1][j] + stirling[i - 1][j - 1]
    return factorial(k) * stirling[n][k]


@given(st.integers(0, 4), st.integers(0, 5), st.integers(0, 50))
def test_assignments_cover_every_holder_and_are_counted(holders, slots, offset):
    names = np.arange(holders) * 3 + offset  # arbitrary, non-negative holder labels
    rows = list(assignments(names, slots))
    # Choose which slots are filled, then map them onto the holders.
    expected = sum(comb(slots, filled) * _surjections(filled, holders) for filled in range(slots + 1))
    assert count_assignments(holders, slots) == expected == len(rows) == len(set(rows))
    allowed = {-1, *names.tolist()}
    for row in rows:
        assert len(row) == slots and set(row) <= allowed and set(names.tolist()) <= set(row)
    brute = {row for row in itertools.product(sorted(allowed), repeat=slots) if set(names.tolist()) <= set(row)}
    assert set(rows) == brute


@given(st.integers(0, 7), st.integers(1, 4))
def test_compositions_are_every_ordered_split(total, parts):
    rows = list(compositions(total, parts))
    assert len(rows) == len(set(rows)) == comb(total + parts - 1, parts - 1)
    assert all(len(r) == parts and sum(r) == total and min(r) >= 0 for r in rows)
    assert set(rows) == {r for r in itertools.product(range(total + 1), repeat=parts) if sum(r) == total}


# --------------------------------------------------------------------------------------------------
# Multi-start local search and grid peaks
# --------------------------------------------------------------------------------------------------


@given(seeds, st.integers(1, 4))
def test_maximise_finds_the_box_projection_of_a_concave_peak(seed, dim):
    rng = np.random.default_rng(seed)
    centre = rng.uniform(-0.5, 1.5, dim)
    weight = rng.uniform(0.5, 3.0, dim)
    objective = lambda z: -float(np.sum(weight * (z - centre) ** 2))  # noqa: E731
    starts = [rng.uniform(0, 1, dim) for _ in range(3)]
    z, value = maximise(objective, starts)
    assert z.shape == (dim,) and np.all((z >= 0) & (z <= 1))
    assert z == pytest.approx(np.clip(centre, 0, 1), abs=1e-5)
    assert value == objective(z)


@given(seeds, st.integers(2, 4), st.floats(0.2, 1.5))
def test_maximise_respects_slsqp_constraints(seed, dim, budget):
    rng = np.random.default_rng(seed)
    centre = rng.uniform(0.2, 1.2, dim)
    objective = lambda z: -float(np.sum((z - centre) ** 2))  # noqa: E731
    constraint = {"type": "ineq", "fun": lambda flat: budget - flat.sum()}
    z, value = maximise(objective, [np.zeros(dim), np.ones(dim)], constraints=[constraint])
    # Reference: the Euclidean projection of the centre on {0 <= z <= 1, sum z <= budget} is clip(centre - mu)
    # with the smallest mu >= 0 that meets the budget (bisection on mu).
    lo, hi = 0.0, 2.0
    for _ in range(100):
        mu = (lo + hi) / 2
        lo, hi = (mu, hi) if np.clip(centre - mu, 0, 1).sum() > budget else (lo, mu)
    reference = np.clip(centre - hi, 0, 1)
    assert z.sum() <= budget + 1e-6 and np.all((z >= 0) & (z <= 1))
    assert value == pytest.approx(objective(reference), abs=1e-6)
    assert z == pytest.approx(reference, abs=1e-3)


def test_maximise_keeps_the_best_start_and_its_shape():
    def objective(z):  # two basins in [0, 1]^(2, 2): a low one near 0.1, a high one near 0.9
        return float(np.exp(-np.sum((z - 0.1) ** 2) / 0.02) + 2.0 * np.exp(-np.sum((z - 0.9) ** 2) / 0.02))

    near_low, near_high = np.full((2, 2), 0.12), np.full((2, 2), 0.85)
    _, low_value = maximise(objective, [near_low])
    z, value = maximise(objective, [near_low, near_high])
    assert low_value == pytest.approx(1.0, abs=1e-6)
    assert z.shape == (2, 2) and z == pytest.approx(np.full((2, 2), 0.9), abs=1e-4)
    assert value == pytest.approx(2.0, abs=1e-6) and value == objective(z)


def test_maximise_without_a_feasible_point_returns_minus_infinity():
    start = np.array([0.25, 0.5])
    z, value = maximise(lambda z: float(z.sum()), [start, np.ones(2)],
                        constraints=[{"type": "ineq", "fun": lambda flat: -1.0}])
    assert value == -np.inf and np.array_equal(z, start)


@given(st.integers(2, 6))
def test_unit_cube_uses_the_documented_flat_index(grid):
    points = unit_cube(grid)
    assert points.shape == (grid**3, 3)
    for a, b, c in itertools.product(range(grid), repeat=3):
        assert points[(a * grid + b) * grid + c] == pytest.approx(np.array([a, b, c]) / (grid - 1))


def _axis_neighbours(g: int, a: int, b: int, c: int):
    for axis in range(3):
        for step in (-1, 1):
            p = [a, b, c]
            p[axis] += step
            if 0 <= p[axis] < g:
                yield tuple(p)


@given(seeds, st.integers(1, 5), st.integers(1, 6), st.booleans())
def test_grid_peaks_are_the_highest_local_maxima(seed, g, k, plateaus):
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 3, (g, g, g)).astype(float) if plateaus else rng.normal(size=(g, g, g))
    peaks = grid_peaks(values, k)
    local = [(a * g + b) * g + c for a, b, c in itertools.product(range(g), repeat=3)
             if all(values[n] <= values[a, b, c] for n in _axis_neighbours(g, a, b, c))]
    flat = values.ravel()
    assert len(peaks) == len(set(peaks.tolist())) == min(k, len(local))
    assert set(peaks.tolist()) <= set(local)
    heights = flat[peaks]
    assert np.all(np.diff(heights) <= 0)
    left_out = [flat[p] for p in local if p not in set(peaks.tolist())]
    assert all(h <= heights[-1] for h in left_out)
    assert heights[0] == flat.max()  # the global maximum is a local one


@given(seeds, st.integers(3, 9))
def test_grid_peaks_index_unit_cube_points(seed, grid):
    target = np.random.default_rng(seed).uniform(0, 1, 3)
    points = unit_cube(grid)
    values = -np.sum((points - target) ** 2, axis=1).reshape(grid, grid, grid)
    (peak,) = grid_peaks(values, 1)
    nearest = np.argmin(np.sum((points - target) ** 2, axis=1))
    assert peak == nearest
    assert points[peak] == pytest.approx(np.round(target * (grid - 1)) / (grid - 1))


# --------------------------------------------------------------------------------------------------
# Viterbi
# --------------------------------------------------------------------------------------------------


def _path_cost(cost: np.ndarray, switch: float, path) -> float:
    changes = sum(a != b for a, b in itertools.pairwise(path))
    return float(cost[np.arange(cost.shape[0]), list(path)].sum() + switch * changes)


@given(seeds, st.integers(1, 6), st.integers(1, 4), st.floats(0.0, 3.0), st.booleans())
def test_viterbi_equals_brute_force_over_all_paths(seed, steps, n, switch, integer_costs):
    rng = np.random.default_rng(seed)
    cost = rng.integers(0, 3, (steps, n)).astype(float) if integer_costs else rng.uniform(0, 2, (steps, n))
    path = viterbi(cost, switch)
    assert path.shape == (steps,) and np.all((path >= 0) & (path < n))
    best = min(_path_cost(cost, switch, p) for p in itertools.product(range(n), repeat=steps))
    assert _path_cost(cost, switch, path) == pytest.approx(best, abs=1e-9)


@given(seeds, st.integers(1, 8), st.integers(1, 5))
def test_viterbi_extremes_of_the_switching_cost(seed, steps, n):
    cost = np.random.default_rng(seed).uniform(0, 1, (steps, n))
    free = viterbi(cost, 0.0)
    assert cost[np.arange(steps), free].sum() == pytest.approx(cost.min(axis=1).sum())
    stuck = viterbi(cost, 1e6)
    assert np.all(stuck == stuck[0]) and stuck[0] == np.argmin(cost.sum(axis=0))


# --------------------------------------------------------------------------------------------------
# Best-response dynamics on congestion games (Rosenthal: an exact potential, so Gauss-Seidel converges)
# --------------------------------------------------------------------------------------------------


class _Congestion:
    """Each player picks one resource; resource r used by k players costs ``delay[r, k - 1]`` to each of them."""

    def __init__(self, delay: np.ndarray, start: list[int]) -> None:
        self.delay, self.state = delay, list(start)
        self.rounds = 0

    def cost(self, i: int, choice: int, state: list[int] | None = None) -> float:
        state = self.state if state is None else state
        load = 1 + sum(1 for j, r in enumerate(state) if j != i and r == choice)
        return float(self.delay[choice, load - 1])

    def respond(self, i: int) -> tuple[int, float]:
        options = [self.cost(i, r) for r in range(self.delay.shape[0])]
        best = min(range(len(options)), key=lambda r: (options[r], r != self.state[i], r))
        return best, options[self.state[i]] - options[best]

    def move(self, i: int, choice: int, gain: float) -> None:
        if gain > 0:
            self.state[i] = choice

    def potential(self) -> float:
        loads = np.bincount(self.state, minlength=self.delay.shape[0])
        return float(sum(self.delay[r, :loads[r]].sum() for r in range(self.delay.shape[0])))

    def after_round(self) -> tuple[float, list[int]]:
        self.rounds += 1
        return self.potential(), list(self.state)

    def is_nash(self) -> bool:
        return all(self.cost(i, r) >= self.cost(i, self.state[i]) - 1e-12
                   for i in range(len(self.state)) for r in range(self.delay.shape[0]))


def _congestion(seed: int, players: int, resources: int) -> _Congestion:
    rng = np.random.default_rng(seed)
    delay = np.cumsum(rng.uniform(0.0, 2.0, (resources, players)), axis=1)  # non-decreasing in the load
    return _Congestion(delay, rng.integers(0, resources, players).tolist())


@given(seeds, st.integers(1, 5), st.integers(1, 4))
def test_gauss_seidel_reaches_a_pure_nash_equilibrium(seed, players, resources):
    game = _congestion(seed, players, resources)
    loop = Loop(max_iter=100)
    best_response_dynamics(players, game.respond, game.move, loop, after_round=game.after_round,
                           scheme="gauss-seidel")
    assert loop.status == "converged" and game.is_nash()
    assert len(loop.history) == game.rounds == loop.iteration
    assert loop.history[-1] == game.potential()
    # Every improving move lowers Rosenthal's potential; the last round moved nobody.
    assert all(b <= a for a, b in itertools.pairwise(loop.history))
    assert len(loop.history) == 1 or loop.history[-1] == loop.history[-2]


@given(seeds, st.integers(1, 5), st.integers(1, 4), st.sampled_from(SCHEMES))
def test_dominant_strategies_converge_under_both_schemes(seed, players, resources, scheme):
    rng = np.random.default_rng(seed)
    # Costs independent of the load: every player has a dominant resource, so Jacobi converges too.
    delay = np.repeat(rng.uniform(0, 1, (resources, 1)), players, axis=1)
    game = _Congestion(delay, rng.integers(0, resources, players).tolist())
    loop = Loop(max_iter=10)
    best_response_dynamics(players, game.respond, game.move, loop, after_round=game.after_round, scheme=scheme)
    assert loop.status == "converged" and game.is_nash()
    assert game.state == [int(np.argmin(delay[:, 0]))] * players
    assert len(loop.history) == game.rounds <= 2


def test_jacobi_can_cycle_where_gauss_seidel_converges():
    # Two players on two resources, sharing costs 10, alone 1: both leave together, then come back together.
    delay = np.array([[1.0, 10.0], [1.0, 10.0]])
    jacobi = _Congestion(delay, [0, 0])
    loop = Loop(max_iter=7)
    best_response_dynamics(2, jacobi.respond, jacobi.move, loop, after_round=jacobi.after_round, scheme="jacobi")
    assert loop.status == "max_iter" and len(loop.history) == 7 and not jacobi.is_nash()
    seidel = _Congestion(delay, [0, 0])
    loop = Loop(max_iter=7)
    best_response_dynamics(2, seidel.respond, seidel.move, loop, after_round=seidel.after_round)
    assert loop.status == "converged" and seidel.is_nash() and sorted(seidel.state) == [0, 1]


def test_loop_budget_callback_and_tolerance_end_the_dynamics():
    delay = np.array([[1.0, 10.0], [1.0, 10.0]])
    game = _Congestion(delay, [0, 0])
    loop = Loop(max_iter=1)
    best_response_dynamics(2, game.respond, game.move, loop, after_round=game.after_round, scheme="jacobi")
    assert (loop.status, len(loop.history)) == ("max_iter", 1)

    seen = []

    def callback(iteration, value, solution):
        seen.append((iteration, value, list(solution)))
        if iteration == 2:
            raise StopIteration

    game = _Congestion(delay, [0, 0])
    loop = Loop(max_iter=50, callback=callback)
    best_response_dynamics(2, game.respond, game.move, loop, after_round=game.after_round, scheme="jacobi")
    assert (loop.status, len(loop.history), game.rounds) == ("stopped", 2, 2)
    assert [s[0] for s in seen] == [1, 2] and seen[0][2] == [1, 1]

    game = _Congestion(delay, [0, 0])
    loop = Loop(max_iter=50)
    best_response_dynamics(2, game.respond, game.move, loop, after_round=game.after_round, scheme="jacobi",
                           start_round=lambda: 100.0, converged="done at {round} with {tol:g}")
    assert (loop.status, len(loop.history), loop.message) == ("converged", 1, "done at 1 with 100")


# --------------------------------------------------------------------------------------------------
# Lagrangian relaxation: choose one of a few options x with cost f[x] and use g[x]
# --------------------------------------------------------------------------------------------------


def _finite_problem(seed: int, options: int):
    rng = np.random.default_rng(seed)
    f, g = rng.uniform(0, 10, options), rng.uniform(0, 10, options)
    calls = []

    def inner(price):
        calls.append(price)
        x = int(np.argmin(f + price * g))
        return x, float(f[x]), float(g[x])

    return f, g, inner, calls


@given(seeds, st.integers(1, 7), st.floats(-1.0, 11.0))
def test_bisect_price_obeys_weak_duality(seed, options, budget):
    f, g, inner, calls = _finite_problem(seed, options)
    out = bisect_price(inner, budget)
    allowed = g <= budget
    optimum = f[allowed].min() if allowed.any() else np.inf
    assert out.dual <= optimum + 1e-9  # weak duality, whatever the search did
    assert all(p >= 0 for p in calls)
    if out.feasible:
        assert g[out.solution] <= budget and out.primal == f[out.solution]
        assert optimum <= out.primal and out.dual <= out.primal + 1e-9
    else:
        assert out.primal == np.inf and 0 <= out.solution < options
    if not allowed.any():
        assert not out.feasible


@given(seeds, st.integers(1, 7))
def test_bisect_price_without_a_binding_budget(seed, options):
    f, g, inner, calls = _finite_problem(seed, options)
    x = int(np.argmin(f))
    for budget in (np.inf, g[x] + 1.0):
        calls.clear()
        out = bisect_price(inner, budget)
        assert calls == [0.0]  # the unconstrained minimiser meets the budget: one call at price 0
        assert (out.solution, out.primal, out.dual, out.feasible) == (x, f[x], f[x], True)


def test_bisect_price_closes_the_gap_on_the_convex_hull():
    # Points (g, f) = (0, 9), (2, 4), (4, 1), (6, 0), all on the lower convex hull; budget 4: the optimum f = 1
    # is a minimiser at the price 1.5 (slope between (2, 4) and (4, 1)), so the dual reaches it.
    f, g = np.array([9.0, 4.0, 1.0, 0.0]), np.array([0.0, 2.0, 4.0, 6.0])

    def inner(price):
        x = int(np.argmin(f + price * g))
        return x, float(f[x]), float(g[x])

    out = bisect_price(inner, 4.0)
    assert out.feasible and out.solution == 2 and out.primal == 1.0
    assert out.dual == pytest.approx(1.0, abs=1e-9)


def test_bisect_price_keeps_raising_a_price_that_has_not_yet_changed_the_minimiser():
    # At the prices 1 and 4 the cheap, heavy option 0 still wins (0 + 10 p < 100): the search must go on to a
    # price above 10 instead of concluding that the use cannot fall (it used to report this instance infeasible).
    f, g = np.array([0.0, 100.0]), np.array([10.0, 0.0])

    def inner(price):
        x = int(np.argmin(f + price * g))
        return x, float(f[x]), float(g[x])

    out = bisect_price(inner, 5.0)
    assert (out.solution, out.primal, out.feasible) == (1, 100.0, True)
    assert out.dual == pytest.approx(50.0, rel=1e-9)  # the best bound, at the price 10


@given(seeds, st.integers(1, 7), st.floats(0.0, 10.0))
def test_bisect_price_finds_a_feasible_option_whenever_one_exists(seed, options, budget):
    f, g, inner, _ = _finite_problem(seed, options)
    out = bisect_price(inner, budget)
    assert out.feasible == bool(np.any(g <= budget))
    if out.feasible:
        assert g[out.solution] <= budget


def test_downsets_of_a_chain_longer_than_the_recursion_limit():
    chain = nx.DiGraph([(i, i + 1) for i in range(1199)])  # 1200 layers: deeper than Python's default 1000 frames
    assert count_downsets(chain, 10_000) == 1201
    assert count_downsets(chain, 100) == 101


# --------------------------------------------------------------------------- local search and Dinkelbach


@given(st.integers(1, 6), st.integers(2, 4), st.integers(0, 10_000))
def test_local_search_ends_at_a_vector_no_flip_or_swap_improves(n, k, seed):
    rng = np.random.default_rng(seed)
    weights = rng.normal(size=(n, k))
    pair = rng.normal(size=(k, k))

    def score(x):  # separable terms plus a pairwise coupling, so swaps matter
        return float(weights[np.arange(n), x].sum() + sum(pair[x[i], x[i + 1]] for i in range(n - 1)))

    start = rng.integers(0, k, size=n)
    before = start.copy()
    x, value, moves = improve(start, k, score, rng)
    while moves:
        x, value, moves = improve(x, k, score, rng)
    np.testing.assert_array_equal(start, before)  # the start is not modified
    assert value == score(x) >= score(start)
    for i in range(n):
        for label in range(k):
            flipped = x.copy()
            flipped[i] = label
            assert score(flipped) <= value
    for i, j in itertools.combinations(range(n), 2):
        swapped = x.copy()
        swapped[i], swapped[j] = x[j], x[i]
        assert score(swapped) <= value


def test_local_search_without_swaps_keeps_to_flips():
    calls = []

    def score(x):
        calls.append(x.copy())
        return 0.0

    improve(np.array([0, 1, 2]), 3, score, np.random.default_rng(0), swaps=False)
    assert len(calls) == 1 + 3 * 2  # the start, then every flip; no swap


@given(st.lists(st.tuples(st.floats(0.0, 100.0), st.floats(0.1, 10.0)), min_size=1, max_size=12))
def test_dinkelbach_reaches_the_best_ratio_of_a_finite_set(points):
    def inner(q, _):
        n, d = max(points, key=lambda p: p[0] - q * p[1])
        return (n, d), n, d

    steps = list(dinkelbach_steps(inner, None))
    ratios = [s.ratio for s in steps]
    assert all(b >= a - 1e-12 for a, b in itertools.pairwise(ratios))  # the ratio never falls
    assert ratios[-1] == pytest.approx(max(n / d for n, d in points), rel=1e-9)
    assert len(steps) <= len(points) + 1
