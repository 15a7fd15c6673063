"""What ``evaluate``'s re-check of the problem's state costs (``Problem.check_state``).

Every ``evaluate`` first compares a digest of the problem's fields (a CRC of
each array's bytes, the repr of each scalar) with the one taken at the last
validation, so that a problem changed after construction is validated again
before it judges.  Per family, at the default size and at a large one
(group ``state-<family>``, parameter ``part``): ``evaluate`` whole, and the
digest alone -- the share of the first that the check costs.  ``extra_info``
holds the instance's size.  No assertion on a time; the only assertion is
that the digest is stable while nothing changes.
"""

from __future__ import annotations

import pytest

import semopt
from semopt.problems.base import state_digest

CASES = {
    "offloading-20": ("semantic-mec", {}, "fa"),
    "offloading-500": ("semantic-mec", {"users": 500, "base_stations": 16}, "fa"),
    "split-4": ("split-mobilenet-v2", {"users": 4}, "mincut"),
    "game-5": ("semantic-game", {"certify": False}, "uniform"),
}


@pytest.mark.parametrize("part", ["evaluate", "digest"])
@pytest.mark.parametrize("case", list(CASES))
def test_state_check_share_of_evaluate(benchmark, case: str, part: str) -> None:
    name, overrides, solver = CASES[case]
    problem = semopt.scenarios.load(name, **overrides)
    solution = semopt.solve(problem, solver, seed=0).solution
    benchmark.group = f"state-{case}"
    benchmark.extra_info["size"] = str(overrides or "default")
    before = state_digest(problem)
    if part == "evaluate":
        benchmark(problem.evaluate, solution)
    else:
        benchmark(state_digest, problem)
    assert state_digest(problem) == before
