"""The extra's boundary (no torch in the core, a clear error without it) and the environments of the learned
solvers: gymnasium's checker, rewards equal to what evaluate() scores, training instances drawn from other seeds."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

import semopt
from semopt.origins import origin

gymnasium = pytest.importorskip("gymnasium")

from gymnasium.utils.env_checker import check_env  # noqa: E402

from semopt.solvers.learned.codec import QoECodec, SelectionCodec  # noqa: E402
from semopt.solvers.learned.envs import InstanceSource, QoEEnv, SelectionEnv  # noqa: E402

LEARNED = ("ppo", "mappo", "d3qn")


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)


def test_import_semopt_never_imports_torch():
    done = _run("""
        import sys
        import semopt
        p = semopt.scenarios.load("model-selection", users=3)
        q = semopt.scenarios.load("qoe-offloading", users=3)
        print(sorted(set(semopt.available_solvers(p)) | set(semopt.available_solvers(q))))
        print([m for m in ("torch", "gymnasium", "stable_baselines3") if m in sys.modules])
    """)
    assert done.returncode == 0, done.stderr
    listed, imported = done.stdout.strip().splitlines()
    assert all(name in listed for name in LEARNED)  # the extra is installed here: listed, yet not imported
    assert imported == "[]"


def test_without_the_extra_the_solvers_are_not_listed_and_asking_names_the_extra():
    done = _run("""
        import sys
        for name in ("torch", "gymnasium", "stable_baselines3"):
            sys.modules[name] = None  # hidden: `import torch` fails, find_spec says not installed
        import semopt
        p = semopt.scenarios.load("model-selection", users=3)
        q = semopt.scenarios.load("qoe-offloading", users=3)
        print(sorted(set(semopt.available_solvers(p)) | set(semopt.available_solvers(q))))
        for problem, name in ((p, "ppo"), (q, "mappo"), (q, "d3qn")):
            try:
                semopt.solve(problem, name)
            except semopt.errors.SolverError as exc:
                print(exc)
    """)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert not any(name in lines[0] for name in LEARNED)
    assert len(lines) == 4
    assert all("pip install 'semopt[learned]'" in line for line in lines[1:])


@pytest.mark.parametrize("env", [lambda: SelectionEnv(semopt.scenarios.load("model-selection", users=4, seed=1)),
                                 lambda: QoEEnv(semopt.scenarios.load("qoe-offloading", users=3, seed=1))],
                         ids=["selection", "qoe"])
def test_environments_pass_gymnasiums_checker(env):
    check_env(env(), skip_render_check=True)


def test_selection_reward_is_what_evaluate_scores():
    env = SelectionEnv(semopt.scenarios.load("model-selection", users=6, seed=1))
    rng = np.random.default_rng(0)
    for episode in range(5):
        obs, _ = env.reset(seed=episode)
        action = rng.random(env.action_space.shape).astype(np.float32)
        _, reward, terminated, truncated, info = env.step(action)
        verdict = env.instance.evaluate(SelectionCodec.of(env.instance).decode(env.instance, action))
        assert terminated and not truncated
        assert reward * env.reward_scale == pytest.approx(verdict.metrics["reward_eq12"], rel=1e-12)
        assert info["feasible"] == verdict.feasible


def test_qoe_reward_is_eq12_less_the_collision_charge():
    problem = semopt.scenarios.load("qoe-offloading", users=3, subchannels=2, seed=1)
    env = QoEEnv(problem, collision_penalty=2.5)
    env.reset(seed=0)
    choices, params = np.array([1, 1, 2]), np.full((3, 3), 0.5, dtype=np.float32)  # users 0 and 1 share channel 0
    _, reward, _, _, info = env.step((choices, params))
    solution = QoECodec.of(env.instance).decode(env.instance, choices, params)
    verdict = env.instance.evaluate(solution)
    assert info["collisions"] == 2 and not info["feasible"] and not verdict.feasible
    assert any(v.startswith("(11e)") for v in verdict.violations)  # never repaired: evaluate names it
    assert reward == pytest.approx(verdict.metrics["reward_eq12"] - 2.5 * 2, rel=1e-12)


def test_training_instances_are_siblings_with_other_seeds():
    problem = semopt.scenarios.load("model-selection", users=4, seed=5, bits=2e7)
    source = InstanceSource(problem)
    rng = np.random.default_rng(0)
    drawn = [source.draw(rng) for _ in range(20)]
    assert source.varied
    seeds = {p.info["seed"] for p in drawn}
    assert 5 not in seeds and len(seeds) == 20
    assert all(p.n_users == 4 and float(p.data_bits[0]) == 2e7 for p in drawn)  # the other overrides are kept
    assert origin(problem) == {"name": "model-selection", "params": problem.info["scenario"]["params"]}


def test_a_problem_built_by_hand_is_its_own_training_instance():
    import dataclasses

    problem = semopt.scenarios.load("model-selection", users=3, seed=1)
    by_hand = dataclasses.replace(problem, info={})
    source = InstanceSource(by_hand)
    assert not source.varied and source.draw(np.random.default_rng(0)) is by_hand
