"""The incremental swap passes against their reference twin (issue 13).

The fast path (``semopt.models.offloading_delta`` and
``semopt.solvers.offloading.swap_passes``) must make the *same* sequence of
accepted swaps as ``run_swaps`` over ``analysis.stability``'s neighbourhoods,
its committed state must be the full evaluation bit for bit, and ``bcd`` and
its baselines must return the same answers with either ``swap_evaluation``.
"""

from __future__ import annotations

import numpy as np
import pytest

import semopt
from semopt.algorithms.swap_matching import find_blocking, run_swaps
from semopt.analysis.stability import association_swaps, subcarrier_swaps
from semopt.models import offloading_delta as delta
from semopt.models.offloading import OffloadingModel
from semopt.solvers.offloading.bcd import initial_solution
from semopt.solvers.offloading.swap_passes import ASSOCIATION_KINDS, SUBCARRIER_KINDS, Log, candidates, run_passes

# (users, base stations, subcarriers, seed, start): tiny to paper scale, both starts, a full BS (U = K N).
CASES = [(8, 2, 6, 0, "random"), (12, 3, 8, 1, "random"), (20, 4, 32, 2, "nearest"), (20, 4, 32, 3, "random"),
         (30, 5, 16, 4, "random"), (6, 2, 3, 5, "random"), (9, 3, 4, 6, "nearest")]


def _start(users, bss, subcarriers, seed, start):
    problem = semopt.scenarios.load("semantic-mec", users=users, base_stations=bss, subcarriers=subcarriers,
                                    seed=seed)
    model = problem.model()
    return model, initial_solution(model, problem.distance, np.random.default_rng(seed), start)


def _reference(model, sol, association):
    """Accepted moves of the reference, as (matching, kind, ...) tuples, and the final allocation."""
    accepted = []
    matchings = ([association_swaps(model)] if association else []) + [subcarrier_swaps(model)]
    for matching in matchings:
        def hear(move, name=matching.name):
            kind, *rest = move
            if kind == "cross":
                rest = [rest[0], rest[1], *rest[2]]
            accepted.append((name, kind, *(int(x) for x in rest)))

        sol, _, _ = run_swaps(matching, sol, model.assess, rule="welfare", better=OffloadingModel.better, on_swap=hear)
    return accepted, sol


def _fast(model, sol, association):
    logs = (Log(), Log())
    out, swaps = run_passes(model, sol, association=association, log=logs)
    accepted = [("association", ASSOCIATION_KINDS[row[0]], row[1], row[2]) for row in logs[0].moves()]
    for code, a, b, c, d in logs[1].moves():
        kind = SUBCARRIER_KINDS[code]
        accepted.append(("subcarrier", kind, a, b, c, d) if kind == "cross" else ("subcarrier", kind, a, b, c))
    assert swaps == len(accepted)
    return accepted, out


@pytest.mark.parametrize("association", [True, False], ids=["algorithms-1-2", "algorithm-2"])
@pytest.mark.parametrize("case", CASES, ids=[f"U{c[0]}-K{c[1]}-N{c[2]}-{c[4]}" for c in CASES])
def test_both_paths_accept_the_same_swaps_in_the_same_order(case, association):
    model, sol = _start(*case)
    expected, reference = _reference(model, sol, association)
    accepted, fast = _fast(model, sol, association)
    assert expected, "the start was already stable: the case tests nothing"
    assert accepted == expected
    for field in ("assoc", "carrier", "semantic", "compute"):
        np.testing.assert_array_equal(getattr(fast, field), getattr(reference, field))


def test_committed_state_is_the_full_evaluation_bit_for_bit():
    model, sol = _start(30, 5, 16, 1, "random")
    rng = np.random.default_rng(0)
    state = delta.new_state(model, sol)
    change = delta.new_change(state)
    arrays = (*state, *change)
    worst = 0.0
    for _ in range(1500):
        candidate = sol.copy()
        cells = {(int(rng.integers(model.n_bs)), int(rng.integers(model.n_sub))) for _ in range(rng.integers(1, 6))}
        for k, n in sorted(cells):
            members = np.flatnonzero(sol.assoc == k)
            holder = int(rng.choice(members)) if members.size and rng.random() < 0.8 else -1
            candidate.carrier[k, n] = holder
            delta.add_cell(change.cells, change.meta, k, n, holder)
        if rng.random() < 0.3:
            for u in rng.choice(model.n_users, 3, replace=False):
                candidate.compute[u] *= rng.uniform(0.5, 1.5)
                delta.add_compute(change.users, change.values, change.meta, int(u), candidate.compute[u])
        violation, objective, *_ = delta.evaluate(*arrays)
        full = model.assess(candidate)
        if np.isfinite(full.objective):
            worst = max(worst, abs(objective - full.objective) / max(1.0, abs(full.objective)))
            assert violation == pytest.approx(full.violation, rel=1e-9, abs=1e-12)
        else:  # a user lost its last subcarrier: the exact sum, -inf
            assert objective == full.objective
        if rng.random() < 0.3 and np.isfinite(full.objective):
            delta.commit(*arrays)
            sol = candidate
            full = model.assess(sol)
            assert (state.objective, state.violation) == (full.objective, full.violation)
            np.testing.assert_array_equal(state.cell[delta.C_RATE], full.rate_kn)
            np.testing.assert_array_equal(state.user[delta.R_RATE], full.rate)
            np.testing.assert_array_equal(state.user[delta.R_COST], full.cost)
        else:
            delta.clear(change.meta)
    # far inside the 1e-12 margin on which swaps are accepted
    assert worst < 1e-13


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 15, 16, 17, 127, 128, 129, 300, 1000])
def test_pairwise_sum_is_numpys_sum_bit_for_bit(n):
    values = np.random.default_rng(n).random(n) * 10.0 ** np.random.default_rng(n + 1).uniform(-3, 3, n)
    assert delta.pairwise_sum(values) == values.sum()


@pytest.mark.parametrize("solver", ["bcd", "fa", "uc", "linear", "ftm"])
@pytest.mark.parametrize("seed", [0, 1])
def test_solvers_answer_the_same_with_either_evaluation(solver, seed):
    problem = semopt.scenarios.load("semantic-mec", users=12, base_stations=3, subcarriers=12, seed=seed)
    options = {"starts": 2} if solver == "bcd" else {}
    fast = semopt.solve(problem, solver, seed=seed, **options)
    full = semopt.solve(problem, solver, seed=seed, swap_evaluation="full", **options)
    assert fast.history == full.history
    assert fast.metrics["swaps"] == full.metrics["swaps"]
    for field in ("assoc", "carrier", "semantic", "compute"):
        np.testing.assert_array_equal(getattr(fast.solution, field), getattr(full.solution, field))
    assert fast.feasible == problem.evaluate(fast.solution).feasible


def test_a_stop_between_chunks_keeps_a_valid_allocation():
    model, sol = _start(20, 4, 32, 3, "random")
    calls = []

    def out_of_time():
        calls.append(1)
        return len(calls) >= 2

    out, swaps = run_passes(model, sol, association=True, out_of_time=out_of_time)
    _, complete = run_passes(model, sol, association=True)
    assert len(calls) == 2 and 0 < swaps < complete
    assert np.all(np.bincount(out.carrier[out.carrier >= 0], minlength=model.n_users) >= 1)
    assert not OffloadingModel.better(model.assess(sol), model.assess(out))  # never worse than the start


def test_pruned_moves_are_the_same_on_both_paths():
    problem = semopt.scenarios.load("semantic-mec", users=24, base_stations=6, subcarriers=10, seed=7)
    model = problem.model()
    pruned = candidates(problem.distance, 3)
    assert pruned.neighbours.sum(axis=1).tolist() == [3] * 24 and 0 < len(pruned.pairs) < 15 and pruned.defer_cross
    only = pruned._replace(defer_cross=False)  # move for move against run_swaps; deferral: the next test
    sol = initial_solution(model, problem.distance, np.random.default_rng(7), "random")
    expected = []
    reference = sol
    for matching in (association_swaps(model, only.neighbours), subcarrier_swaps(model, only.pairs)):
        reference, _, _ = run_swaps(matching, reference, model.assess, rule="welfare", better=OffloadingModel.better,
                                    on_swap=lambda move, name=matching.name: expected.append((name, move)))
    fast, swaps = run_passes(model, sol, association=True, only=only)
    assert swaps == len(expected) > 0
    np.testing.assert_array_equal(fast.carrier, reference.carrier)
    np.testing.assert_array_equal(fast.assoc, reference.assoc)
    for kind, move in expected:  # every accepted move respects the pruning
        if kind == "association" and move[0] != "exchange":
            assert only.neighbours[move[1], move[2]]
        if kind == "subcarrier" and move[0] == "cross":
            assert [move[1], move[3][0]] in only.pairs.tolist()


@pytest.mark.parametrize("seed", [0, 1])
def test_pruned_and_deferred_bcd_is_the_same_on_both_paths(seed):
    problem = semopt.scenarios.load("semantic-mec", users=24, base_stations=6, subcarriers=10, seed=seed)
    fast = semopt.solve(problem, "bcd", seed=seed, starts=2, nearest=3)
    full = semopt.solve(problem, "bcd", seed=seed, starts=2, nearest=3, swap_evaluation="full")
    assert fast.history == full.history and fast.metrics["swaps"] == full.metrics["swaps"]
    np.testing.assert_array_equal(fast.solution.carrier, full.solution.carrier)
    # the end point is stable under the pruned neighbourhoods, coordinated exchanges included
    model = problem.model()
    only = candidates(problem.distance, 3)
    for matching in (association_swaps(model, only.neighbours), subcarrier_swaps(model, only.pairs)):
        assert find_blocking(matching, fast.solution, model.assess, rule="welfare", better=OffloadingModel.better) \
            is None


def test_nearest_covering_every_bs_prunes_nothing():
    problem = semopt.scenarios.load("semantic-mec", users=10, seed=0)  # K = 4
    assert candidates(problem.distance, 4) == (None, None, False)
    assert candidates(problem.distance, None) == (None, None, False)


@pytest.mark.parametrize("solver", ["bcd", "uc"])
def test_threads_do_not_change_the_answer(solver):
    problem = semopt.scenarios.load("semantic-mec", users=16, base_stations=4, subcarriers=16, seed=3)
    one = semopt.solve(problem, solver, seed=5, starts=4, threads=1)
    two = semopt.solve(problem, solver, seed=5, starts=4, threads=2)
    assert one.objective == two.objective and one.history == two.history
    np.testing.assert_array_equal(one.solution.carrier, two.solution.carrier)
    assert one.metrics["starts"] == two.metrics["starts"] == 4


def test_both_paths_count_the_same_candidates():
    problem = semopt.scenarios.load("semantic-mec", users=10, base_stations=3, subcarriers=6, seed=2)
    fast = semopt.solve(problem, "bcd", seed=0, starts=1)
    full = semopt.solve(problem, "bcd", seed=0, starts=1, swap_evaluation="full")
    assert fast.metrics["swaps_scored"] == full.metrics["swaps_scored"] > fast.metrics["swaps"] > 0


@pytest.mark.parametrize("seed", range(4))
def test_pruned_bcd_is_never_worse_than_fixed_association(seed):
    # K = 8 > nearest = 6: the pruning is on; fa is the paper's weakest structured baseline
    problem = semopt.scenarios.load("semantic-mec", users=40, base_stations=8, subcarriers=16, seed=seed)
    assert candidates(problem.distance, 6).neighbours is not None
    pruned = semopt.solve(problem, "bcd", seed=seed, starts=1)
    fixed = semopt.solve(problem, "fa", seed=seed)
    assert pruned.feasible and fixed.feasible
    assert pruned.objective >= fixed.objective


def test_city_preset_keeps_table_iii_user_density():
    city = semopt.scenarios.load("semantic-mec-city", seed=0)
    paper = semopt.scenarios.load("semantic-mec", seed=0)
    assert city.gain.shape == (500, 20, 128)
    side = semopt.scenarios.spec("semantic-mec-city").overrides["area"].default
    paper_side = semopt.scenarios.spec("semantic-mec").overrides["area"].default
    assert city.n_users / side**2 == pytest.approx(paper.n_users / paper_side**2)
    assert city.bandwidth == paper.bandwidth  # 32 MHz per BS, as Table III
