"""Semantic compression model selection (Lin, Li, Aijaz): Fig. 5's comparison and what drives it, a study not a test.

Over ``seeds`` instances of ``model-selection`` (seed s: instance s, solved with
solver seed s, so that ``average`` and ``random`` draw afresh on every
instance -- with one fixed solver seed ``average`` would draw the same model
every time), print

(a) Fig. 5's comparison at M = 12 users: per strategy (``exact`` -- the optimum,
    the upper bound on the paper's PPO --, the heuristics ``bcd`` and
    ``dinkelbach``, the paper's baselines ``average``, ``random`` and
    ``heuristic-rde``) the mean +- std of the eq-12 reward, the mean RDE
    (eq 6), the feasible share, the median over instances of the worst
    user's latency over tau_max (``max_latency_ratio``, capped at 10) and the
    mean solve time, with the paper's numbers beside (its reward scale is not
    comparable: spec B2.1), and whether the paper's baseline ordering
    average > random > heuristic-RDE holds; then the same at M = 6 and 9;
(b) why the ordering may differ: ``average`` broken down by the model it drew
    (share of draws, mean reward), and ``average`` with each model fixed on
    every instance, with the compute power M p_c of each model against
    P_max = 3 W;
(c) the optimal model mix (``exact``'s mean count of each model) for
    M = 2, 4, ..., 12, with the feasible share;
(d) rate concentration: ``exact``'s max rate share and Jain index of rates vs
    M, and one 12-user instance (seed 0) solved with the default payload and
    with ``bits = 1e5`` (rate floors nearly vanish): the strongest user's share
    of the sum rate in both (superadditivity, spec B3.1).

Every std is the sample std over instances (ddof = 1); the paper's is over test episodes.

Run: ``.venv/bin/python notebooks/model_selection_study.py [--seeds 20] [--small]``
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterable
from typing import Any

import numpy as np
from study_pool import run_jobs  # the notebooks/ folder is on sys.path when a study runs

import semopt
from semopt.models.model_selection import LATENCY_CAP

SCENARIO = "model-selection"
STRATEGIES = ("exact", "bcd", "dinkelbach", "average", "random", "heuristic-rde")
BASELINES = ("average", "random", "heuristic-rde")  # the paper's ordering on reward, best first
MODELS = ("LeNet", "ResNet", "MobileNet", "DPN-26")  # Table I's order (the scenario's model_names)
SIZES = (12, 6, 9)  # Fig. 5 is at 12 users; Fig. 4 trains at 6, 9, 12
SWEEP = (2, 4, 6, 8, 10, 12)
NO_FLOOR_BITS = 1e5  # rate floors of 14-40 kbit/s instead of 7.4-20.5 Mbit/s
# Fig. 5 of the paper (12 users, 400 test episodes): mean and std of the eq-12 reward.
PAPER_FIG5 = {
    "exact": ("PPO", -3.92, 0.17),
    "average": ("average", -13.64, 0.21),
    "random": ("random", -16.53, 0.73),
    "heuristic-rde": ("heuristic-RDE", -22.06, 0.78),
}
METRICS = ("reward_eq12", "rde", "sum_rate", "mean_latency", "max_latency_ratio", "rate_jain", "max_rate_share",
           "power_used", "compute_power")

Row = dict[str, Any]


def _row(problem: semopt.problems.ModelSelection, result: semopt.Result) -> Row:
    """One solve: the metrics above, feasibility, solve time, model counts, the first user's model (``average``
    gives every user the same) and the strongest user's share of the sum rate."""
    row: Row = {m: float(result.metrics[m]) for m in METRICS}
    row.update(feasible=float(result.feasible), time=result.solve_time, status=str(result.status))
    for name in problem.model_names:
        row[f"count[{name}]"] = float(result.metrics[f"count[{name}]"])
    row["drawn"] = problem.model_names[int(result.solution.model[0])]
    rates = np.array([result.metrics[f"rate[{u}]"] for u in range(problem.n_users)])
    strongest = int(np.argmax(problem.gain_over_noise))
    row["strongest_share"] = float(rates[strongest] / rates.sum()) if rates.sum() > 0 else 0.0
    return row


def solve_seed(job: tuple[int, int, tuple[str, ...], tuple[tuple[str, Any], ...]]) -> dict[str, Row]:
    """Every solver of ``job = (seed, users, solvers, overrides)`` on one instance: ``{solver: row}``.
    A solver name may carry options after a colon: ``"average:model=3"``."""
    seed, users, solvers, overrides = job
    prob = semopt.scenarios.load(SCENARIO, users=users, seed=seed, **dict(overrides))
    out: dict[str, Row] = {}
    for solver in solvers:
        name, _, option = solver.partition(":")
        options = {k: int(v) for k, v in (option.split("="),)} if option else {}
        out[solver] = _row(prob, semopt.solve(prob, name, seed=seed, **options))
        out[solver]["seed"] = seed
    return out


def collect(users: int, seeds: int, solvers: Iterable[str] = STRATEGIES, workers: int = 1,
            **overrides: Any) -> dict[str, list[Row]]:
    """``{solver: [row per seed]}`` over instances 0 .. seeds-1 with ``users`` users (and scenario overrides)."""
    jobs = [(seed, users, tuple(solvers), tuple(sorted(overrides.items()))) for seed in range(seeds)]
    rows: dict[str, list[Row]] = {}
    for part in run_jobs(solve_seed, jobs, workers):
        for key, value in part.items():
            rows.setdefault(key, []).append(value)
    return rows


def mean(rows: list[Row], metric: str) -> float:
    return float(np.mean([r[metric] for r in rows]))


def std(rows: list[Row], metric: str) -> float:
    values = [r[metric] for r in rows]
    return float(np.std(values, ddof=1)) if len(values) > 1 else 0.0


# ------------------------------------------------------------------------------------------------- (a) Fig. 5
def comparison(rows: dict[str, list[Row]]) -> list[Row]:
    """One row per strategy: mean and std of the eq-12 reward, mean RDE, feasible share, mean solve time, and
    the paper's counterpart with its Fig. 5 numbers (nan where the paper has none)."""
    table = []
    for solver in STRATEGIES:
        r = rows[solver]
        paper = PAPER_FIG5.get(solver, ("", np.nan, np.nan))
        table.append({"strategy": solver, "reward": mean(r, "reward_eq12"), "reward_std": std(r, "reward_eq12"),
                      "rde": mean(r, "rde"), "feasible": mean(r, "feasible"), "time": mean(r, "time"),
                      "max_latency_ratio": float(np.median([x["max_latency_ratio"] for x in r])),
                      "paper": paper[0], "paper_reward": paper[1], "paper_std": paper[2], "runs": len(r)})
    return table


def ordering(table: list[Row]) -> tuple[bool, list[str]]:
    """Whether the paper's baselines rank average > random > heuristic-rde on mean reward, and our ranking."""
    reward = {r["strategy"]: r["reward"] for r in table if r["strategy"] in BASELINES}
    ours = sorted(reward, key=reward.__getitem__, reverse=True)
    return ours == list(BASELINES), ours


def print_comparison(table: list[Row], users: int) -> None:
    print(f"{'strategy':<15}{'reward':>10}{'+-std':>9}{'RDE':>10}{'feasible':>10}{'median':>9}{'time s':>9}"
          f"   paper (Fig. 5)")
    print(f"{'':<15}{'eq 12':>10}{'':>9}{'eq 6':>10}{'share':>10}{'tau/max':>9}")
    for r in table:
        beside = (f"   {r['paper']:<14}{r['paper_reward']:>7.2f} +- {r['paper_std']:.2f}" if r["paper"] else "")
        print(f"{r['strategy']:<15}{r['reward']:>10.2f}{r['reward_std']:>9.2f}{r['rde']:>10.2f}{r['feasible']:>10.2f}"
              f"{r['max_latency_ratio']:>9.2f}{r['time']:>9.4f}{beside}")
    holds, ours = ordering(table)
    best = max(table, key=lambda r: r["reward"])["strategy"]
    print(f"M = {users}: paper's baseline ordering average > random > heuristic-rde: "
          f"{'holds' if holds else 'does NOT hold'} (ours: {' > '.join(ours)}); best strategy: {best}")


# -------------------------------------------------------------------------------- (b) average, model by model
def average_by_draw(rows: list[Row]) -> list[Row]:
    """``average``'s rows grouped by the model it drew: share of draws, mean reward, RDE and feasible share."""
    table = []
    for name in MODELS:
        part = [r for r in rows if r["drawn"] == name]
        table.append({"model": name, "draws": len(part), "share": len(part) / len(rows),
                      "reward": mean(part, "reward_eq12") if part else np.nan,
                      "rde": mean(part, "rde") if part else np.nan,
                      "feasible": mean(part, "feasible") if part else np.nan})
    return table


def average_fixed(problem_users: int, seeds: int, workers: int = 1) -> list[Row]:
    """``average`` with each model fixed (option ``model``) on every instance: compute power M p_c, what
    (7b) leaves for the radios, mean reward, RDE and feasible share; the last row is the uniform mixture
    (what a uniform draw earns in expectation)."""
    solvers = [f"average:model={k}" for k in range(len(MODELS))]
    rows = collect(problem_users, seeds, solvers, workers)
    prob = semopt.scenarios.load(SCENARIO, users=problem_users, seed=0)
    table = []
    for k, name in enumerate(MODELS):
        r = rows[solvers[k]]
        compute = problem_users * float(prob.model_power[k])
        table.append({"model": name, "compute_power": compute, "transmit_left": prob.power_max - compute,
                      "reward": mean(r, "reward_eq12"), "rde": mean(r, "rde"), "feasible": mean(r, "feasible")})
    table.append({"model": "uniform draw", "compute_power": np.nan, "transmit_left": np.nan,
                  **{m: float(np.mean([t[m] for t in table])) for m in ("reward", "rde", "feasible")}})
    return table


def print_average(users: int, by_draw: list[Row], fixed: list[Row], random_reward: float,
                  heuristic_reward: float) -> None:
    prob = semopt.scenarios.load(SCENARIO, users=users, seed=0)
    print(f"M = {users}: average, by the model it drew (one model for all users, drawn uniformly per instance)")
    print(f"{'drawn':<11}{'draws':>7}{'share':>8}{'reward':>10}{'RDE':>10}{'feasible':>10}")
    for r in by_draw:
        print(f"{r['model']:<11}{r['draws']:>7d}{r['share']:>8.2f}{r['reward']:>10.2f}{r['rde']:>10.2f}"
              f"{r['feasible']:>10.2f}")
    print(f"M = {users}: average with the model fixed on every instance "
          f"(P_max = {prob.power_max:g} W shared by compute and transmit power)")
    print(f"{'model':<14}{'M p_c W':>9}{'left W':>9}{'reward':>10}{'RDE':>10}{'feasible':>10}")
    for r in fixed:
        print(f"{r['model']:<14}{r['compute_power']:>9.2f}{r['transmit_left']:>9.2f}{r['reward']:>10.2f}"
              f"{r['rde']:>10.2f}{r['feasible']:>10.2f}")
    starved = [r for r in fixed[:-1] if r["transmit_left"] <= 0]
    tau = float(prob.latency_max[0])
    for r in starved:
        over = r["compute_power"] - prob.power_max
        penalty = prob.penalty_power * over + prob.penalty_latency * users * (LATENCY_CAP - 1) * tau
        print(f"-> {r['model']}: {users} x {r['compute_power'] / users:.3f} W = {r['compute_power']:.2f} W of compute "
              f"power > P_max = {prob.power_max:g} W, so no transmit power, zero rates, every latency infinite "
              f"(capped at {LATENCY_CAP:g} tau_max = {LATENCY_CAP * tau:g} s in eq 12): reward "
              f"-({prob.penalty_power:g} x {over:.2f} W + {prob.penalty_latency:g} x {users} x "
              f"{(LATENCY_CAP - 1) * tau:g} s) = {-penalty:.2f}")
    if starved:
        names = {r["model"] for r in starved}
        share = sum(r["share"] for r in by_draw if r["model"] in names)
        print(f"-> average drew {' or '.join(sorted(names))} on {share:.0%} of the instances; its expected reward "
              f"under a uniform draw is {fixed[-1]['reward']:.2f}, against random {random_reward:.2f} and "
              f"heuristic-rde {heuristic_reward:.2f} (heuristic-rde puts everyone on DPN-26)")


# ------------------------------------------------------------------------------------ (c), (d) exact vs M
def sweep(users_list: Iterable[int], seeds: int, workers: int = 1) -> list[Row]:
    """``exact`` for each M: mean count of each model, feasible share, mean RDE, max rate share and Jain
    index of rates, strongest user's share of the sum rate, solve time."""
    table = []
    for users in users_list:
        r = collect(users, seeds, ("exact",), workers)["exact"]
        row: Row = {"users": users, "feasible": mean(r, "feasible"), "rde": mean(r, "rde"),
                    "max_rate_share": mean(r, "max_rate_share"), "rate_jain": mean(r, "rate_jain"),
                    "strongest_share": mean(r, "strongest_share"), "compute_power": mean(r, "compute_power"),
                    "time": mean(r, "time")}
        row.update({name: mean(r, f"count[{name}]") for name in MODELS})
        table.append(row)
    return table


def print_mix(table: list[Row]) -> None:
    print(f"{'M':>3}" + "".join(f"{n:>11}" for n in MODELS) + f"{'M p_c W':>9}{'feasible':>10}{'RDE':>9}"
          f"{'time s':>9}")
    for r in table:
        print(f"{r['users']:>3}" + "".join(f"{r[n]:>11.2f}" for n in MODELS) + f"{r['compute_power']:>9.2f}"
              f"{r['feasible']:>10.2f}{r['rde']:>9.1f}{r['time']:>9.4f}")


def print_concentration(table: list[Row]) -> None:
    print(f"{'M':>3}{'max share':>11}{'strongest':>11}{'Jain':>8}{'1/M':>8}")
    for r in table:
        print(f"{r['users']:>3}{r['max_rate_share']:>11.3f}{r['strongest_share']:>11.3f}{r['rate_jain']:>8.3f}"
              f"{1 / r['users']:>8.3f}")


def floors_effect(users: int = 12, seed: int = 0, bits_values: Iterable[float] = (5.12e7, NO_FLOOR_BITS)
                  ) -> list[Row]:
    """One instance solved by ``exact`` at each payload: the models, each user's rate (users sorted by
    gain, strongest first), the floors, and the strongest user's share of the sum rate."""
    table = []
    for bits in bits_values:
        prob = semopt.scenarios.load(SCENARIO, users=users, seed=seed, bits=bits)
        res = semopt.solve(prob, "exact", seed=seed)
        order = np.argsort(-prob.gain_over_noise, kind="stable")
        rates = np.array([res.metrics[f"rate[{u}]"] for u in range(users)])
        floors = prob.floors(res.solution.model)
        table.append({"bits": bits, "feasible": bool(res.feasible), "rde": res.objective,
                      "sum_rate": float(rates.sum()), "strongest_share": float(rates[order[0]] / rates.sum()),
                      "rate_jain": float(res.metrics["rate_jain"]), "max_rate_share": res.metrics["max_rate_share"],
                      "at_floor": int(np.sum(np.isclose(rates, floors, rtol=1e-6))),
                      "floor_share": float(floors.sum() / rates.sum()),
                      "rates": rates[order], "floors": floors[order],
                      "models": [prob.model_names[s] for s in res.solution.model[order]],
                      "bandwidth_strongest": float(res.solution.bandwidth[order[0]]),
                      "power_strongest": float(res.solution.power[order[0]]),
                      **{name: res.metrics[f"count[{name}]"] for name in MODELS}})
    return table


def print_floors(table: list[Row], users: int, seed: int) -> None:
    print(f"One instance (M = {users}, seed {seed}) solved by exact, users strongest first:")
    print(f"{'bits':>10}{'sum Mb/s':>10}{'strongest':>11}{'Jain':>7}{'at floor':>10}{'floors/sum':>12}"
          f"{'B* MHz':>8}{'p* W':>7}{'RDE':>9}  mix L/R/M/D")
    for r in table:
        mix = "/".join(f"{r[n]:g}" for n in MODELS)
        print(f"{r['bits']:>10.3g}{r['sum_rate'] / 1e6:>10.2f}{r['strongest_share']:>11.4f}{r['rate_jain']:>7.3f}"
              f"{r['at_floor']:>6d}/{users:<3d}{r['floor_share']:>12.4f}{r['bandwidth_strongest'] / 1e6:>8.2f}"
              f"{r['power_strongest']:>7.3f}{r['rde']:>9.1f}  {mix}")
    for r in table:
        print(f"  bits = {r['bits']:.3g}")
        print("    rates  Mbit/s " + " ".join(f"{x / 1e6:7.3g}" for x in r["rates"]))
        print("    floors Mbit/s " + " ".join(f"{x / 1e6:7.3g}" for x in r["floors"]))
        print("    models        " + " ".join(f"{n[:7]:>7}" for n in r["models"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20, help="instances (seeds 0 .. seeds-1); default 20")
    parser.add_argument("--workers", type=int, default=1,
                        help="processes (one seed per task); default 1 (every solve takes milliseconds)")
    parser.add_argument("--small", action="store_true", help="a quick run: 3 seeds, M = 6 and 12, sweep up to 6")
    args = parser.parse_args()
    seeds = 3 if args.small else args.seeds
    sizes = (12, 6) if args.small else SIZES
    users_list = tuple(m for m in SWEEP if m <= 6) if args.small else SWEEP
    workers = max(1, args.workers)

    start = time.perf_counter()
    print(f"{SCENARIO}: {seeds} seeds (instance s solved with solver seed s); semopt {semopt.__version__}")
    print()
    print("(a) Fig. 5: eq-12 reward (clamped penalties, latency capped at 10 tau_max), RDE (eq 6), feasible share")
    print("    ours: mean +- std over instances; paper: 400 test episodes, its reward scale is not comparable")
    rows_by_users = {}
    for users in sizes:
        rows_by_users[users] = collect(users, seeds, STRATEGIES, workers)
        print()
        print_comparison(comparison(rows_by_users[users]), users)
    print()
    print("(b) Why the baseline ordering may differ")
    for users in sorted(sizes, reverse=True):
        rows = rows_by_users[users]
        print()
        print_average(users, average_by_draw(rows["average"]), average_fixed(users, seeds, workers),
                      mean(rows["random"], "reward_eq12"), mean(rows["heuristic-rde"], "reward_eq12"))
    print()
    mix = sweep(users_list, seeds, workers)
    print("(c) Optimal model mix (exact): mean count of each model, compute power, feasible share")
    print_mix(mix)
    print()
    print("(d) Rate concentration (exact): largest share of the sum rate, the strongest user's share, Jain index")
    print_concentration(mix)
    print()
    table = floors_effect(12, 0)
    print_floors(table, 12, 0)
    print()
    print(f"total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
