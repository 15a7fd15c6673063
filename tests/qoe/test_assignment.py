"""``semopt.algorithms.assignment`` against brute force over every assignment of rows to columns."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from semopt.algorithms.assignment import assign_with_outside, capped_assignment


def assignments(rows: int, cols: int):
    """Every map row -> column or -1 (outside) that uses each column at most once."""
    for choice in itertools.product(range(-1, cols), repeat=rows):
        taken = [c for c in choice if c >= 0]
        if len(taken) == len(set(taken)):
            yield np.array(choice)


def value(gain: np.ndarray, plan: np.ndarray) -> float:
    rows = np.flatnonzero(plan >= 0)
    return float(gain[rows, plan[rows]].sum())


def brute_force(gain: np.ndarray, groups: np.ndarray | None = None, caps: np.ndarray | None = None) -> float:
    best = 0.0  # everyone outside
    for plan in assignments(*gain.shape):
        if groups is not None and np.any(np.bincount(groups[plan >= 0], minlength=len(caps)) > caps):
            continue
        best = max(best, value(gain, plan))
    return best


def check_plan(gain: np.ndarray, plan: np.ndarray) -> None:
    """A valid assignment: one column per row at most, each column once, never a forbidden (-inf) pair."""
    assert plan.shape == (gain.shape[0],)
    assert np.all((plan >= -1) & (plan < gain.shape[1]))
    taken = plan[plan >= 0]
    assert len(taken) == len(set(taken.tolist()))
    assert np.all(np.isfinite(gain[np.flatnonzero(plan >= 0), taken]))


def random_gain(seed: int) -> np.ndarray:
    """Small matrices with ties (integers), negative gains (worse than outside) and forbidden pairs."""
    rng = np.random.default_rng(seed)
    rows, cols = int(rng.integers(1, 6)), int(rng.integers(1, 5))
    if seed % 2:
        gain = rng.integers(-3, 6, size=(rows, cols)).astype(float)
    else:
        gain = rng.normal(0.5, 1.0, size=(rows, cols))
    gain[rng.random((rows, cols)) < 0.25] = -np.inf
    return gain


@pytest.mark.parametrize("seed", range(40))
def test_assign_with_outside_equals_brute_force(seed):
    gain = random_gain(seed)
    plan = assign_with_outside(gain)
    check_plan(gain, plan)
    assert value(gain, plan) == pytest.approx(brute_force(gain), abs=1e-9)


@pytest.mark.parametrize("seed", range(40))
def test_capped_assignment_equals_brute_force(seed):
    gain = random_gain(seed)
    rng = np.random.default_rng(1000 + seed)
    n_groups = int(rng.integers(1, 4))
    groups = rng.integers(0, n_groups, size=gain.shape[0])
    caps = np.array([int(rng.integers(0, np.sum(groups == g) + 1)) for g in range(n_groups)])
    plan = capped_assignment(gain, groups, caps)
    check_plan(gain, plan)
    assert np.all(np.bincount(groups[plan >= 0], minlength=n_groups) <= caps)
    assert value(gain, plan) == pytest.approx(brute_force(gain, groups, caps), abs=1e-9)


@pytest.mark.parametrize("seed", range(10))
def test_capped_assignment_with_loose_caps_is_the_uncapped_optimum(seed):
    gain = random_gain(seed)
    groups = np.arange(gain.shape[0]) % 2
    caps = np.array([gain.shape[0]] * 2)
    assert value(gain, capped_assignment(gain, groups, caps)) == pytest.approx(
        value(gain, assign_with_outside(gain)), abs=1e-9)


def test_nothing_worth_taking():
    gain = np.array([[-1.0, -np.inf], [0.0, -2.0]])
    np.testing.assert_array_equal(assign_with_outside(gain), [-1, -1])
    np.testing.assert_array_equal(capped_assignment(gain, np.array([0, 0]), np.array([2])), [-1, -1])
    forbidden = np.full((3, 2), -np.inf)
    np.testing.assert_array_equal(assign_with_outside(forbidden), [-1, -1, -1])
    np.testing.assert_array_equal(capped_assignment(forbidden, np.zeros(3, int), np.array([3])), [-1, -1, -1])


def test_zero_caps_take_nothing_from_that_group():
    gain = np.array([[5.0, 1.0], [4.0, 3.0], [1.0, 2.0]])
    plan = capped_assignment(gain, np.array([0, 1, 1]), np.array([1, 0]))
    np.testing.assert_array_equal(plan, [0, -1, -1])


def test_more_rows_than_columns_the_best_rows_win():
    gain = np.array([[1.0], [3.0], [2.0]])
    np.testing.assert_array_equal(assign_with_outside(gain), [-1, 0, -1])
    np.testing.assert_array_equal(capped_assignment(gain, np.array([0, 1, 0]), np.array([1, 0])), [-1, -1, 0])
