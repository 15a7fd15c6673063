"""DynamicSplit: per-step greedy vs the offline dynamic-programming optimum over a bandwidth trace."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import semopt
from semopt.algorithms.dynamic_programming import viterbi
from semopt.errors import InvalidProblemError
from semopt.problems import DynamicSplit, DynamicSplitSolution
from semopt.result import Status


@given(st.integers(1, 6), st.integers(1, 4), st.floats(0, 2), st.integers(0, 2**31 - 1))
def test_viterbi_equals_brute_force(steps, n, switch, seed):
    cost = np.random.default_rng(seed).uniform(0, 1, (steps, n))
    path = viterbi(cost, switch)

    def total(p):
        return cost[np.arange(steps), list(p)].sum() + switch * sum(a != b for a, b in zip(p[:-1], p[1:], strict=True))

    best = min(total(p) for p in itertools.product(range(n), repeat=steps))
    assert total(tuple(path)) == pytest.approx(best)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("reconfiguration", [0.0, 0.02, 0.2])
def test_dp_is_optimal_and_never_worse_than_greedy(seed, reconfiguration):
    prob = semopt.scenarios.load("split-dynamic", steps=40, seed=seed, reconfiguration=reconfiguration)
    dp = semopt.solve(prob, "dp")
    greedy = semopt.solve(prob, "greedy")
    assert dp.status == Status.OPTIMAL and dp.feasible and greedy.feasible
    assert dp.objective <= greedy.objective + 1e-12
    if reconfiguration == 0.0:
        assert dp.objective == pytest.approx(greedy.objective)
    # Holding any single split for the whole trace is a policy too: dp is at least as good.
    for k in np.unique(dp.solution.placement, axis=0):
        hold = DynamicSplitSolution(np.tile(k, (prob.n_steps, 1)))
        assert dp.objective <= prob.evaluate(hold).objective + 1e-12


def test_evaluate_counts_reconfigurations():
    prob = semopt.scenarios.load("split-dynamic", steps=5, reconfiguration=0.5)
    base = prob.base.needed()
    rows = np.array([base, base, np.zeros_like(base), base, base])
    verdict = prob.evaluate(DynamicSplitSolution(rows))
    assert verdict.metrics["reconfigurations"] == 2
    steps = [prob.step(t).evaluate(dataclasses.replace(prob.step(t).empty_solution(), placement=r[None]))
             for t, r in enumerate(rows)]
    assert verdict.objective == pytest.approx(sum(s.objective for s in steps) + 2 * 0.5)


def test_bad_input():
    prob = semopt.scenarios.load("split-dynamic", steps=5)
    with pytest.raises(InvalidProblemError, match="trace"):
        DynamicSplit(base=prob.base, trace=[1e6, -1.0])
    with pytest.raises(InvalidProblemError, match="trace"):
        DynamicSplit(base=prob.base, trace=[])
    two = semopt.scenarios.load("split-alexnet", users=2)
    with pytest.raises(InvalidProblemError, match="one user"):
        DynamicSplit(base=two, trace=[1e6])
    with pytest.raises(InvalidProblemError, match="placement"):
        prob.evaluate(DynamicSplitSolution(np.zeros((2, 2), bool)))
