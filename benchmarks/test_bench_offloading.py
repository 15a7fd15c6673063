"""Time and quality of the offloading family's BCD at paper scale, and of its fast paths against their reference twins.

* ``bcd`` on ``semantic-mec`` (U=20, K=4, N=32): default options (best of 5
  starts) and ``starts=1`` (one run of Algorithm 4); objective and mean delay
  go into ``extra_info``.
* The compute step eq 26 on the input BCD meets at its end point: the KKT
  closed form against the CVXPY geometric program (group ``compute-step``).
* Subcarrier rates eq 1-2: the Numba kernel against the numpy reference
  (group ``rates``).

Every timed call is preceded by an untimed one, so Numba compilation (or
loading its cache) and CVXPY's import are excluded.  The only assertions are
on correctness (the two paths agree); no assertion is ever made on a time.
The fast/reference ratios are printed at the end of the session by
``benchmarks/conftest.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

import semopt
from semopt.algorithms import convex_allocation as convex
from semopt.models.channel import subcarrier_rates, subcarrier_rates_reference

SEED = 0

COMPUTE_PATHS = {"kkt": convex.allocate_kkt, "cvxpy": convex.allocate_cvxpy}
RATE_PATHS = {"numba": subcarrier_rates, "numpy": subcarrier_rates_reference}


def _other(paths: dict, name: str) -> str:
    return next(p for p in paths if p != name)


@pytest.mark.benchmark(group="bcd")
@pytest.mark.parametrize("options", [{}, {"starts": 1}], ids=["default", "starts=1"])
def test_bcd_paper_scale(benchmark, paper_problem, options: dict) -> None:
    result = benchmark.pedantic(semopt.solve, args=(paper_problem, "bcd"), kwargs={"seed": SEED, **options},
                                rounds=3, iterations=1, warmup_rounds=1)
    benchmark.extra_info.update({
        "objective": result.objective,
        "mean_delay": result.metrics["mean_delay"],
        "feasible": result.feasible,
        "status": result.status,
        "iterations": len(result.history),
    })
    assert result.feasible, result.message


@pytest.mark.benchmark(group="compute-step")
@pytest.mark.parametrize("path", list(COMPUTE_PATHS))
def test_compute_step(benchmark, compute_input, path: str) -> None:
    args = compute_input.args
    reference = COMPUTE_PATHS[_other(COMPUTE_PATHS, path)](*args)  # untimed
    COMPUTE_PATHS[path](*args)  # untimed: Numba compilation / CVXPY import
    compute = benchmark(COMPUTE_PATHS[path], *args)

    a, b, weight = compute_input.a, compute_input.b, compute_input.weight
    cost = convex.log_cost(a, b, weight, compute)
    expected = convex.log_cost(a, b, weight, reference)
    benchmark.extra_info["log_cost"] = cost
    assert cost == pytest.approx(expected, rel=1e-6)
    # Both allocations are feasible for eq 26: floors (9h) and each BS's capacity (9i).
    assert np.all(compute >= compute_input.low * (1 - 1e-9))
    used = np.bincount(compute_input.assoc, weights=compute, minlength=compute_input.capacity.size)
    assert np.all(used <= compute_input.capacity * (1 + 1e-9))


@pytest.mark.benchmark(group="rates")
@pytest.mark.parametrize("path", list(RATE_PATHS))
def test_subcarrier_rates(benchmark, rates_input, path: str) -> None:
    args = rates_input.args
    reference = RATE_PATHS[_other(RATE_PATHS, path)](*args)  # untimed
    RATE_PATHS[path](*args)  # untimed: Numba compilation (or cache load)
    rates = benchmark(RATE_PATHS[path], *args)
    np.testing.assert_allclose(rates, reference, rtol=1e-12, atol=0.0)
