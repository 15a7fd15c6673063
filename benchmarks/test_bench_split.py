"""Time of the split-inference solvers: ``mincut`` on the largest DAG, the chain solver over 10,000 users.

* ``mincut`` (DADS minimum s-t cut) on the built-in network with the most
  graph edges (googlenet), ``split-<name>`` at 10 MHz (group ``mincut-dag``);
  objective, status and graph size go into ``extra_info``.
* Neurosurgeon's split costs (every split k = 0..L of the layer sequence)
  for 10,000 users of ``split-vgg16`` (group ``chain-10k``): the vectorised
  fast path ``prefix_costs_batch`` over all of them against the per-user
  reference path (``SplitInference.costs`` then ``prefix_costs``, user by
  user) over the first ``REFERENCE_USERS``; ``extra_info["users"]`` says how
  many users each timed call covers, so ``benchmarks/conftest.py`` compares the
  time *per user*.

Each timed call is preceded by an untimed one (warm-up round).  The only
assertions are on correctness (the batch agrees with the reference on the
users the reference timed; ``mincut`` is optimal and feasible); no assertion
is ever made on a time.
"""

from __future__ import annotations

import numpy as np
import pytest

import semopt
from semopt.models import networks
from semopt.problems.split import SplitInference
from semopt.result import Status
from semopt.solvers.split.greedy import prefix_costs, prefix_costs_batch

BANDWIDTH = 1e7
CHAIN = "vgg16"
USERS = 10_000
REFERENCE_USERS = 200


def largest_dag() -> str:
    """The built-in network with the most graph edges (ties: the first name)."""
    return max(networks.names(), key=lambda name: networks.build(name).graph.number_of_edges())


@pytest.fixture(scope="module")
def chain_problem() -> SplitInference:
    """``split-vgg16`` with 10,000 users (per-user SNR drawn from seed 0)."""
    problem = semopt.scenarios.load(f"split-{CHAIN}", users=USERS, bandwidth=BANDWIDTH)
    assert problem.network.is_chain() and problem.n_users == USERS
    return problem


def per_user_reference(problem: SplitInference, users: int) -> np.ndarray:
    """The reference path: row m is ``prefix_costs`` of user m's costs at the equal shares."""
    bandwidth, compute = problem.default_shares()
    return np.array([prefix_costs(problem, problem.costs(m, bandwidth[m], compute[m])) for m in range(users)])


@pytest.mark.benchmark(group="mincut-dag")
def test_mincut_largest_dag(benchmark) -> None:
    name = largest_dag()
    problem = semopt.scenarios.load(f"split-{name}", bandwidth=BANDWIDTH)
    result = benchmark.pedantic(semopt.solve, args=(problem, "mincut"), rounds=10, iterations=1, warmup_rounds=1)
    graph = problem.network.graph
    benchmark.extra_info.update({
        "network": name,
        "layers": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "objective": result.objective,
        "device_layers": int(result.solution.placement.sum()),
        "status": result.status,
    })
    assert result.status == Status.OPTIMAL and result.feasible, result.message
    assert result.objective <= semopt.solve(problem, "greedy").objective * (1 + 1e-12)


@pytest.mark.benchmark(group="chain-10k")
@pytest.mark.parametrize("path", ["batch", "reference"])
def test_chain_split_costs(benchmark, chain_problem: SplitInference, path: str) -> None:
    if path == "batch":
        users = USERS
        costs = benchmark.pedantic(prefix_costs_batch, args=(chain_problem,), rounds=20, iterations=1,
                                   warmup_rounds=1)
        checked = costs[:REFERENCE_USERS]
        expected = per_user_reference(chain_problem, REFERENCE_USERS)  # untimed
    else:
        users = REFERENCE_USERS
        checked = benchmark.pedantic(per_user_reference, args=(chain_problem, users), rounds=3, iterations=1,
                                     warmup_rounds=1)
        expected = prefix_costs_batch(chain_problem)[:users]  # untimed
        costs = checked
    benchmark.extra_info.update({
        "network": CHAIN,
        "users": users,
        "layers": chain_problem.n_layers,
        "mean_best_split": float(np.mean(np.argmin(costs, axis=1))),
    })
    assert costs.shape == (users, chain_problem.n_layers + 1)
    np.testing.assert_allclose(checked, expected, rtol=1e-12, atol=0.0)
