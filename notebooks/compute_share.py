"""What makes edge computation matter in SemanticOffloading: a study, not a test.

For edge capacities F_k / d and both rewards (eq 8 and the priority-weighted
variant), solve each instance with ``bcd`` and report computation's share of
the delay and the reward lost when ``bcd``'s compute is replaced by the equal
split of the UC baseline on the *same* association, subcarriers and modes.
That isolates the value of compute allocation from everything else.

Run: ``.venv/bin/python notebooks/compute_share.py --seeds 6``
"""

from __future__ import annotations

import argparse

import numpy as np

import semopt
from semopt.algorithms.convex_allocation import allocate_uniform
from semopt.scenarios.offloading import PAPER_EDGE_CAPACITY


def study(divisors: list[int], seeds: int, reward: str) -> None:
    print(f"reward = {reward!r}")
    print(f"{'F_k':>8} {'compute share of delay':>24} {'reward lost by equal split':>28} {'(max)':>8}")
    for d in divisors:
        share, loss = [], []
        for seed in range(seeds):
            prob = semopt.scenarios.load("semantic-mec", seed=seed, edge_capacity=PAPER_EDGE_CAPACITY / d,
                                         reward=reward)
            res = semopt.solve(prob, "bcd", seed=seed)
            equal = res.solution.copy()
            equal.compute = allocate_uniform(equal.assoc, prob.edge_capacity)
            loss.append(100 * (res.objective - prob.evaluate(equal).objective) / abs(res.objective))
            share.append(100 * res.metrics["mean_comp_delay"] / res.metrics["mean_delay"])
        print(f"{'F/' + str(d):>8} {np.mean(share):>23.0f}% {np.mean(loss):>27.2f}% {np.max(loss):>7.2f}%")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--divisors", default="1,4,8,16,64")
    args = parser.parse_args()
    divisors = [int(x) for x in args.divisors.split(",")]
    for reward in ("eq8", "priority"):
        study(divisors, args.seeds, reward)


if __name__ == "__main__":
    main()
