"""QoE-driven semantic offloading (Chen et al.): the headline gain, Table V and solve times, a study not a test.

Over ``seeds`` instances of ``qoe-offloading`` x the first ``slots`` slots of
each instance's task queue (the paper's QoE, eq 10, averages over a queue of
Q = 20 tasks; slots are independent problems), print

(a) the headline table: mean QoE of every scheme and the gain of ``exact``
    over ``semantic-unaware`` (the paper: +12.68 % for MAPPO over
    semantic-unaware MAPPO at 10 MHz) and over ``local`` (QoE 0.5 exactly);
(b) Table V: the exact optimum under each preference (equal weights, or all
    weight on delay, energy or accuracy) with the paper's numbers beside, and
    whether each preference wins its own column;
(c) solve times of ``exact`` at N = 4 and 12 and of ``bcd`` at 4, 12 and 50
    (seed 0, slot 0, one run each).

Every mean is over users, slots and seeds (every instance has the same N).

Run: ``.venv/bin/python notebooks/qoe_study.py [--seeds 20] [--slots 20] [--small]``
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from study_pool import run_jobs  # the notebooks/ folder is on sys.path when a study runs

import semopt
from semopt.scenarios.qoe import queue

SCENARIO = "qoe-offloading"
SCHEMES = ("exact", "bcd", "semantic-unaware", "discrete", "local", "random")
PREFERENCES = ("none", "delay", "energy", "accuracy")
METRICS = ("mean_qoe", "mean_delay", "mean_energy", "mean_accuracy", "offload_share", "mean_mu", "reward_eq12")
PAPER_GAIN = {"semantic-unaware": 12.68}  # Fig. 8 / §V-B: MAPPO over semantic-unaware MAPPO, 10 MHz
# Table V of the paper (MAPPO): delay (ms), energy (J), accuracy (%).
PAPER_TABLE_V = {
    "none": (0.523, 0.0186, 51.37),
    "delay": (0.369, 0.0192, 43.08),
    "energy": (3.50, 0.0163, 56.85),
    "accuracy": (1.67, 0.0682, 71.99),
}
# Which preference should win which column, and in which direction.
OWN_COLUMN = {"delay": ("mean_delay", min), "energy": ("mean_energy", min), "accuracy": ("mean_accuracy", max)}

Row = dict[str, float]


def _row(result: semopt.Result) -> Row:
    row = {m: float(result.metrics[m]) for m in METRICS}
    row.update(feasible=float(result.feasible), time=result.solve_time)
    return row


def solve_seed(job: tuple[int, int, int]) -> dict[tuple[str, str], list[Row]]:
    """Every scheme (equal weights) and ``exact`` under each other preference on the first ``slots`` slots of one
    seed: ``{(preference, solver): [row per slot]}``."""
    seed, slots, users = job
    out: dict[tuple[str, str], list[Row]] = {}
    length = max(slots, 20)
    for preference in PREFERENCES:
        schemes = SCHEMES if preference == "none" else ("exact",)
        for prob in queue(SCENARIO, users=users, preference=preference, queue_length=length, seed=seed)[:slots]:
            for solver in schemes:
                out.setdefault((preference, solver), []).append(_row(semopt.solve(prob, solver, seed=seed)))
    return out


def collect(seeds: int, slots: int, users: int, workers: int) -> dict[tuple[str, str], list[Row]]:
    jobs = [(seed, slots, users) for seed in range(seeds)]
    rows: dict[tuple[str, str], list[Row]] = {}
    for part in run_jobs(solve_seed, jobs, workers):
        for key, value in part.items():
            rows.setdefault(key, []).extend(value)
    return rows


def mean(rows: list[Row], metric: str) -> float:
    return float(np.mean([r[metric] for r in rows]))


def ci95(rows: list[Row], metric: str) -> float:
    """Half-width of a normal 95 % interval of the mean (slots of a seed counted as independent draws)."""
    values = np.array([r[metric] for r in rows])
    return float(1.96 * values.std(ddof=1) / np.sqrt(values.size)) if values.size > 1 else float("nan")


def headline(rows: dict[tuple[str, str], list[Row]]) -> None:
    print("(a) Headline: mean QoE per user (eq 10), preference none (w = 1/3 each)")
    print(f"{'scheme':<18}{'mean QoE':>10}{'+-95%':>8}{'delay ms':>10}{'energy J':>10}{'acc %':>8}"
          f"{'offload':>9}{'mean mu':>9}{'feasible':>10}{'time s':>9}")
    for solver in SCHEMES:
        r = rows[("none", solver)]
        print(f"{solver:<18}{mean(r, 'mean_qoe'):>10.4f}{ci95(r, 'mean_qoe'):>8.4f}"
              f"{1e3 * mean(r, 'mean_delay'):>10.3f}{mean(r, 'mean_energy'):>10.4f}"
              f"{100 * mean(r, 'mean_accuracy'):>8.2f}{mean(r, 'offload_share'):>9.2f}{mean(r, 'mean_mu'):>9.3f}"
              f"{mean(r, 'feasible'):>10.2f}{mean(r, 'time'):>9.3f}")
    best = mean(rows[("none", "exact")], "mean_qoe")
    print()
    for base in ("semantic-unaware", "local", "bcd", "discrete", "random"):
        other = mean(rows[("none", base)], "mean_qoe")
        paper = PAPER_GAIN.get(base)
        beside = f"   (paper, MAPPO over {base} MAPPO: +{paper:.2f} %)" if paper is not None else ""
        print(f"exact over {base:<17}{100 * (best - other) / other:+8.2f} %{beside}")
    exact_rows, bcd_rows = rows[("none", "exact")], rows[("none", "bcd")]
    gaps = np.array([e["mean_qoe"] - b["mean_qoe"] for e, b in zip(exact_rows, bcd_rows, strict=True)])
    below, above = int(np.sum(gaps > 1e-9)), int(np.sum(gaps < -1e-9))
    print(f"bcd below exact on {below} of {gaps.size} slots"
          + (f" (largest gap {gaps.max():.2e} in mean QoE)" if below else "")
          + (f"; above it on {above} (largest {-gaps.min():.2e}: the per-user grid and polish)" if above else ""))


def table_v(rows: dict[tuple[str, str], list[Row]]) -> None:
    print("(b) Table V: exact optimum under each preference (ours | paper's MAPPO)")
    print(f"{'preference':<11}{'delay ms':>9}{'paper':>8}{'energy J':>10}{'paper':>8}{'acc %':>8}{'paper':>8}"
          f"{'QoE':>8}{'offload':>9}{'mean mu':>9}{'feasible':>10}")
    for pref in PREFERENCES:
        r = rows[(pref, "exact")]
        d, e, a = PAPER_TABLE_V[pref]
        print(f"{pref:<11}{1e3 * mean(r, 'mean_delay'):>9.3f}{d:>8.3f}{mean(r, 'mean_energy'):>10.4f}{e:>8.4f}"
              f"{100 * mean(r, 'mean_accuracy'):>8.2f}{a:>8.2f}{mean(r, 'mean_qoe'):>8.4f}"
              f"{mean(r, 'offload_share'):>9.2f}{mean(r, 'mean_mu'):>9.3f}{mean(r, 'feasible'):>10.2f}")
    print()
    for pref, (metric, pick) in OWN_COLUMN.items():
        ours = {p: mean(rows[(p, "exact")], metric) for p in PREFERENCES}
        column = {"mean_delay": 0, "mean_energy": 1, "mean_accuracy": 2}[metric]
        paper = {p: PAPER_TABLE_V[p][column] for p in PREFERENCES}
        winner, paper_winner = pick(ours, key=ours.__getitem__), pick(paper, key=paper.__getitem__)
        word = "lowest" if pick is min else "highest"
        print(f"{pref} preference has the {word} {metric.removeprefix('mean_')}: "
              f"{'yes' if winner == pref else f'NO (winner: {winner})'}; "
              f"paper: {'yes' if paper_winner == pref else f'no (winner: {paper_winner})'}")


def timings(sizes: dict[str, tuple[int, ...]]) -> None:
    print("(c) Solve time, seed 0, slot 0, one run each (s)")
    print(f"{'solver':<10}{'N':>5}{'time s':>10}{'mean QoE':>10}  status")
    for solver, users in sizes.items():
        for n in users:
            prob = semopt.scenarios.load(SCENARIO, users=n, seed=0)
            start = time.perf_counter()
            result = semopt.solve(prob, solver, seed=0)
            elapsed = time.perf_counter() - start
            print(f"{solver:<10}{n:>5}{elapsed:>10.3f}{result.metrics['mean_qoe']:>10.4f}  {result.status}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20, help="instances (seeds 0 .. seeds-1); default 20")
    parser.add_argument("--slots", type=int, default=20, help="slots of each queue; default 20 (Table IV's Q)")
    parser.add_argument("--users", type=int, default=4, help="users N (Table IV: 4)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes (one seed per task)")
    parser.add_argument("--small", action="store_true", help="a quick run: 2 seeds x 3 slots, small timings")
    args = parser.parse_args()
    seeds, slots = (2, 3) if args.small else (args.seeds, args.slots)
    sizes = {"exact": (4,), "bcd": (4, 12)} if args.small else {"exact": (4, 12), "bcd": (4, 12, 50)}

    start = time.perf_counter()
    print(f"{SCENARIO}: N = {args.users} users, {seeds} seeds x {slots} slots = {seeds * slots} slot problems "
          f"per scheme; semopt {semopt.__version__}")
    print()
    rows = collect(seeds, slots, args.users, max(1, args.workers))
    headline(rows)
    print()
    table_v(rows)
    print()
    timings(sizes)
    print()
    print(f"total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
