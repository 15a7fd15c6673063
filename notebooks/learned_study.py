"""The learned rows of the QoE and model-selection studies: train a policy once, test it on held-out instances
beside the classical solvers, a study not a test.

Each learned solver of ``semopt[learned]`` (``ppo`` for model selection,
``mappo`` and ``d3qn`` for QoE offloading) is trained once, on instances its
environment draws from the scenario with random 63-bit seeds, and saved; the
saved policy then decides instances ``0 .. seeds-1`` -- held out: the chance
that training drew one of them is about ``steps * seeds / 2**63`` -- through
``semopt.bench.run`` with ``load_from``, on the very instances the classical
solvers solve.  The table is the one ``semopt bench`` prints: objective,
feasible share, the paper's reward, train time and decision time (a classical
solver trains 0 s and decides in its solve time).

Without the extra the learned rows are skipped, and :func:`missing` says so
(the notebooks display its note).

Run: ``.venv/bin/python notebooks/learned_study.py model-selection [--steps 20000] [--seeds 20]``
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import semopt

CLASSICAL = {
    "model-selection": ("exact", "bcd", "random", "average", "heuristic-rde"),
    "qoe-offloading": ("exact", "bcd", "semantic-unaware", "local"),
}
LEARNED = {"model-selection": ("ppo",), "qoe-offloading": ("mappo", "d3qn")}
OVERRIDES: dict[str, dict[str, Any]] = {"model-selection": {"users": 12}, "qoe-offloading": {}}  # Fig. 5; Table IV
REWARD = {"model-selection": "reward_eq12", "qoe-offloading": "reward_eq12"}


def missing(scenario: str, **overrides: Any) -> str | None:
    """Why the learned rows of ``scenario`` cannot run here (a note naming the extra to install), or None."""
    problem = semopt.scenarios.load(scenario, **{**OVERRIDES[scenario], **overrides})
    absent = [name for name in LEARNED[scenario] if name not in semopt.available_solvers(problem)]
    if not absent:
        return None
    return (f"**Learned rows skipped**: {', '.join(absent)} need the optional extra, which is not installed here. "
            "Run `pip install 'semopt[learned]'` (torch 2.13.0 CPU, gymnasium, stable-baselines3) and re-run "
            "this section to see the learned baselines beside the classical solvers.")


def train(scenario: str, folder: Path, *, steps: int, seed: int = 0, **overrides: Any) -> dict[str, semopt.Result]:
    """Train each learned solver of ``scenario`` once (on instance ``seed``'s siblings) and save its policy in
    ``folder/<solver>.pt``; ``{solver: result}`` (``history`` is its training curve)."""
    problem = semopt.scenarios.load(scenario, **{**OVERRIDES[scenario], **overrides}, seed=seed)
    return {name: semopt.solve(problem, name, seed=seed, steps=steps, save_to=str(policy_path(folder, name)))
            for name in LEARNED[scenario]}


def policy_path(folder: Path, solver: str) -> Path:
    return Path(folder) / f"{solver}.pt"


def compare(scenario: str, folder: Path, seeds: int | Sequence[int], *, workers: int = 1,
            classical: Sequence[str] | None = None, **overrides: Any) -> semopt.bench.BenchReport:
    """The classical solvers and the saved policies of ``folder`` on the same held-out instances."""
    learned = LEARNED[scenario]
    solvers = [*(classical if classical is not None else CLASSICAL[scenario]), *learned]
    options: Mapping[str, Any] = {name: {"load_from": str(policy_path(folder, name))} for name in learned}
    return semopt.bench.run(scenario, solvers, seeds=seeds, overrides={**OVERRIDES[scenario], **overrides},
                            options=options, workers=workers, quiet=True)


def table(report: semopt.bench.BenchReport, scenario: str) -> list[dict[str, Any]]:
    """One row per solver: mean objective and reward, feasible share, mean train, decision and solve time."""
    reward = REWARD[scenario]
    return [{"solver": s.solver, "objective": s.objective, "reward": s.metrics[reward],
             "feasible": s.feasible_share, "train (s)": s.metrics["train_time"],
             "decide (s)": s.metrics["decision_time"], "solve (s)": s.solve_time,
             "learned": s.solver in LEARNED[scenario]} for s in report.summaries]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=sorted(LEARNED))
    parser.add_argument("--steps", type=int, default=20_000, help="training budget of each learned solver")
    parser.add_argument("--seeds", type=int, default=20, help="held-out test instances 0 .. seeds-1")
    parser.add_argument("--folder", type=Path, default=Path("notebooks/out/policies"))
    args = parser.parse_args()
    note = missing(args.scenario)
    if note is not None:
        raise SystemExit(note.replace("**", ""))
    args.folder.mkdir(parents=True, exist_ok=True)
    for name, result in train(args.scenario, args.folder, steps=args.steps).items():
        print(f"{name}: {result.message}")
    report = compare(args.scenario, args.folder, args.seeds)
    report.print(semopt.bench.console_for_output())


if __name__ == "__main__":
    main()
