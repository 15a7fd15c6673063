"""Seeded scenarios: each paper's parameter tables as one-line problem instances.

>>> import semopt
>>> "semantic-mec" in semopt.scenarios.names()
True
>>> prob = semopt.scenarios.load("semantic-mec", users=10, seed=3)
>>> prob.n_users
10

Same name and same ``seed`` give an identical instance on any machine: every
draw goes through one ``numpy.random.Generator`` seeded from ``seed``.
"""

# Importing the builders registers them.
from semopt.scenarios import semantic_mec as _semantic_mec  # noqa: E402,F401
from semopt.scenarios._registry import ScenarioSpec, describe, load, names, register_scenario

__all__ = ["load", "names", "describe", "register_scenario", "ScenarioSpec"]
