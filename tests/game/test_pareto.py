"""The fidelity-energy-latency Pareto front of the SemanticGame: hypervolume, dominance, both sweeps."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import semopt
from semopt.analysis.pareto import (
    ParetoFront,
    epsilon_constraint_front,
    hypervolume,
    hypervolume_reference,
    non_dominated,
    objectives,
    simplex_lattice,
    weighted_sum_front,
)
from semopt.errors import SolverError


# ---------------------------------------------------------------------- strategies
@st.composite
def point_sets(draw: st.DrawFn, max_points: int = 8, dims: tuple[int, ...] = (2, 3)) -> tuple[np.ndarray, np.ndarray]:
    """``(points float[K, m], reference float[m])``: coordinates on a coarse grid (ties) or continuous.

    The reference is drawn from the same range, so some points may fail to
    dominate it strictly.
    """
    m = draw(st.sampled_from(dims))
    k = draw(st.integers(0, max_points))
    if draw(st.booleans()):
        coord = st.integers(0, 4).map(float)
    else:
        coord = st.floats(0.0, 4.0, allow_nan=False, allow_infinity=False)
    points = np.array(draw(st.lists(st.lists(coord, min_size=m, max_size=m), min_size=k, max_size=k)),
                      dtype=float).reshape(k, m)
    reference = np.array(draw(st.lists(st.floats(2.0, 5.0), min_size=m, max_size=m)))
    return points, reference


def _dominates(q: np.ndarray, p: np.ndarray) -> bool:
    return bool(np.all(q <= p) and np.any(q < p))


# ---------------------------------------------------------------------- hypervolume
@given(point_sets())
def test_hypervolume_matches_inclusion_exclusion(case):
    points, reference = case
    assert hypervolume(points, reference) == pytest.approx(hypervolume_reference(points, reference), abs=1e-9)


@given(point_sets(max_points=7, dims=(3,)))
def test_hypervolume_ignores_dominated_points_and_order(case):
    points, reference = case
    full = hypervolume(points, reference)
    kept = points[non_dominated(points)] if len(points) else points
    assert hypervolume(kept, reference) == pytest.approx(full, abs=1e-9)
    assert hypervolume(points[::-1], reference) == pytest.approx(full, abs=1e-9)
    assert hypervolume(np.vstack([points, reference - 1.0]), reference) >= full - 1e-12  # monotone


@pytest.mark.parametrize(("points", "reference", "expected"), [
    ([[0.0, 0.0, 0.0]], [1.0, 2.0, 3.0], 6.0),
    ([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], [2.0, 2.0, 1.0], 3.0),  # 2-D staircase of area 3, one unit deep
    ([[0.0, 1.0], [1.0, 0.0]], [2.0, 2.0], 3.0),
    ([[1.0, 2.0, 3.0], [2.0, 1.0, 3.0], [3.0, 3.0, 1.0]], [4.0, 4.0, 4.0], 10.0),  # 6 + 6 - 4 + 3 - 1 - 1 + 1
    ([[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]], [3.0, 3.0, 3.0], 8.0),  # the second point is dominated
    ([[2.0, 0.0, 0.0]], [2.0, 1.0, 1.0], 0.0),  # on the reference's face: contributes nothing
    ([[3.0, 0.0, 0.0], [0.0, 0.0, 0.0]], [2.0, 1.0, 1.0], 2.0),  # the first lies outside the box
    (np.empty((0, 3)), [1.0, 1.0, 1.0], 0.0),
])
def test_hypervolume_known_values(points, reference, expected):
    assert hypervolume(points, reference) == pytest.approx(expected)
    assert hypervolume_reference(points, reference) == pytest.approx(expected)


# ---------------------------------------------------------------------- dominance
def test_non_dominated_known_cases():
    assert non_dominated([[1, 2], [2, 1], [2, 2], [1, 2]]).tolist() == [True, True, False, True]
    assert non_dominated([[0.0, 0.0, 0.0]]).tolist() == [True]
    assert non_dominated(np.empty((0, 3))).tolist() == []
    assert non_dominated([[1, 1, 1], [1, 1, 2], [0, 5, 5]]).tolist() == [True, False, True]


@given(point_sets(max_points=10))
def test_non_dominated_matches_definition(case):
    points, _ = case
    expected = [not any(_dominates(q, p) for q in points) for p in points]
    assert non_dominated(points).tolist() == expected


def test_simplex_lattice_rows_and_order():
    for points in (2, 3, 5):
        w = simplex_lattice(points)
        assert w.shape == (points * (points + 1) // 2, 3)
        np.testing.assert_allclose(w.sum(axis=1), 1.0)
        assert len({tuple(np.round(row * (points - 1)).astype(int)) for row in w}) == len(w)
        step = 2.0 / (points - 1)
        for i in range(1, len(w)):  # each weight is one lattice step from an earlier one (warm starts)
            assert np.any(np.isclose(np.abs(w[:i] - w[i]).sum(axis=1), step))


# ---------------------------------------------------------------------- the fronts
@pytest.fixture(scope="module")
def game():
    return semopt.scenarios.load("semantic-game", terminals=3, seed=0)


@pytest.fixture(scope="module")
def weighted(game):
    return weighted_sum_front(game, points=3, random_starts=0)


@pytest.fixture(scope="module")
def epsilon(game):
    return epsilon_constraint_front(game, energy_levels=3, latency_levels=3, random_starts=0)


@pytest.fixture(scope="module")
def equilibrium(game):
    return semopt.solve(game, "best-response", seed=0).solution.actions


@pytest.fixture(params=["weighted", "epsilon"])
def front(request) -> ParetoFront:
    return request.getfixturevalue(request.param)


def test_front_is_non_dominated_within_bounds_and_consistent(game, front):
    k = len(front.points)
    assert front.points.shape == (k, 3) and front.actions.shape == (k, game.n_terminals, 3)
    assert non_dominated(front.points).all()
    low, high = game.bounds
    assert np.all(front.actions >= low * (1 - 1e-12)) and np.all(front.actions <= high * (1 + 1e-12))
    for point, actions in zip(front.points, front.actions, strict=True):
        np.testing.assert_allclose(point, objectives(game, actions), rtol=1e-12)
    assert np.all(np.diff(front.points[:, 0]) >= 0)  # highest fidelity first


def test_front_hypervolume_and_reference(front):
    np.testing.assert_allclose(front.reference, front.nadir + 0.1 * (front.nadir - front.ideal))
    assert np.all(front.normalise(front.points) >= -1e-6)  # the anchors' ideal is (locally) the best
    assert front.hypervolume > 0
    assert front.hypervolume == pytest.approx(hypervolume(front.points, front.reference))
    if len(front.points) <= 12:
        assert front.hypervolume == pytest.approx(hypervolume_reference(front.points, front.reference))


def test_weighted_sum_front_has_distinct_points(weighted):
    assert weighted.method == "weighted-sum"
    assert len(np.unique(np.round(weighted.normalise(weighted.points), 6), axis=0)) >= 2
    assert weighted.parameters.shape == (len(weighted.points), 3)
    np.testing.assert_allclose(weighted.parameters.sum(axis=1), 1.0)
    assert weighted.skipped.shape == (0, 2)


def test_epsilon_points_respect_their_caps(epsilon):
    assert epsilon.method == "epsilon-constraint"
    span = epsilon.nadir - epsilon.ideal
    excess = (epsilon.points[:, 1:] - epsilon.parameters) / span[1:]
    assert np.all(excess <= 1e-6)
    assert len(epsilon.points) >= 2
    assert epsilon.skipped.ndim == 2 and epsilon.skipped.shape[1] == 2


def test_epsilon_infeasible_levels_are_skipped(game, epsilon):
    caps = epsilon.ideal[1:] * 0.5  # below the ideal energy and latency: nothing meets them
    front = epsilon_constraint_front(game, energy_levels=[caps[0]], latency_levels=[caps[1]], random_starts=0)
    np.testing.assert_allclose(front.skipped, [caps])
    assert len(front.points) >= 1  # only anchors remain, each carrying its own energy and latency
    np.testing.assert_allclose(front.parameters, front.points[:, 1:])


def test_both_methods_share_the_reference(weighted, epsilon):
    np.testing.assert_allclose(weighted.reference, epsilon.reference)
    np.testing.assert_allclose(weighted.ideal, epsilon.ideal)


def test_equilibrium_does_not_dominate_the_front(game, front, equilibrium):
    point = objectives(game, equilibrium)
    assert not any(_dominates(point, q) for q in front.points)
    assert not np.any(np.all(point < front.points, axis=1))
    where = front.position(point, tol=0.0)
    assert set(where) == {"dominated", "dominated_by", "distance", "nearest"}
    assert where["dominated"] == (where["dominated_by"] > 0)
    assert where["dominated_by"] == sum(_dominates(q, point) for q in front.points)
    if where["distance"] < 0:
        assert where["dominated"]


def test_position_of_reference_points(front):
    on = front.position(front.points[0])
    assert not on["dominated"] and on["distance"] == pytest.approx(0.0, abs=1e-12)
    ideal = front.position(front.ideal)
    assert not ideal["dominated"] and ideal["distance"] >= 0
    worse = front.position(front.nadir + (front.nadir - front.ideal))
    assert worse["dominated"] and worse["dominated_by"] == len(front.points)
    assert worse["distance"] == pytest.approx(np.min(np.max(front.normalise(front.points), axis=1)) - 2.0)


def test_position_tolerance_absorbs_solver_slack():
    front = ParetoFront("demo", np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]]), np.zeros((2, 1, 3)), np.zeros((2, 3)),
                        np.zeros(3), np.ones(3), np.full(3, 1.1), 0.0)
    point = [0.5, 1.0 - 1e-9, 1.0]  # the first front point has far more fidelity, a hair more energy
    assert not front.position(point, tol=0.0)["dominated"]
    assert front.position(point)["dominated_by"] == 1
    assert front.position(point)["distance"] == pytest.approx(1e-9)
    with pytest.raises(SolverError, match="`tol`"):
        front.position(point, tol=-1.0)


def test_same_seed_same_front_and_problem_untouched():
    game = semopt.scenarios.load("semantic-game", terminals=2, seed=1)
    before = {name: np.copy(getattr(game, name)) for name in ("low", "high", "weights", "channel_gain")}
    first = weighted_sum_front(game, points=2, seed=3, random_starts=1)
    second = weighted_sum_front(game, points=2, seed=3, random_starts=1)
    np.testing.assert_array_equal(first.points, second.points)
    np.testing.assert_array_equal(first.actions, second.actions)
    for name, value in before.items():
        np.testing.assert_array_equal(getattr(game, name), value)


def test_explicit_reference_is_used(game):
    reference = np.array([0.0, 1.0, 1.0])
    front = weighted_sum_front(game, points=2, random_starts=0, reference=reference)
    np.testing.assert_array_equal(front.reference, reference)
    assert front.hypervolume == pytest.approx(hypervolume(front.points, reference))


# ---------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize(("call", "name"), [
    (lambda g: weighted_sum_front(g, points=1), "points"),
    (lambda g: weighted_sum_front(g, points=2.5), "points"),
    (lambda g: weighted_sum_front(g, random_starts=-1), "random_starts"),
    (lambda g: weighted_sum_front(g, seed="x"), "seed"),
    (lambda g: weighted_sum_front(g, reference=[1.0, 2.0]), "reference"),
    (lambda g: weighted_sum_front(object()), "problem"),
    (lambda g: epsilon_constraint_front(g, energy_levels=1), "energy_levels"),
    (lambda g: epsilon_constraint_front(g, latency_levels=[[0.1, 0.2]]), "latency_levels"),
    (lambda g: epsilon_constraint_front(g, latency_levels=[np.nan]), "latency_levels"),
    (lambda g: epsilon_constraint_front(g, reference=np.zeros((3, 1))), "reference"),
    (lambda g: objectives(g, np.ones((2, 3))), "actions"),
    (lambda g: hypervolume([[0.0, 0.0, 0.0]], [1.0, 1.0]), "reference"),
    (lambda g: hypervolume([0.0, 0.0, 0.0], [1.0, 1.0, 1.0]), "points"),
    (lambda g: hypervolume_reference(np.zeros((13, 3)), np.ones(3)), "points"),
    (lambda g: non_dominated([[0.0, np.inf]]), "points"),
])
def test_bad_inputs_raise_solver_error_naming_the_argument(game, call, name):
    with pytest.raises(SolverError, match=f"`{name}`"):
        call(game)


def test_position_rejects_wrong_shape(weighted):
    with pytest.raises(SolverError, match="`point`"):
        weighted.position([0.0, 1.0])

