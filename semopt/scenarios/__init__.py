"""Seeded scenarios: each paper's parameter tables as one-line problem instances.

>>> import semopt
>>> "semantic-mec" in semopt.scenarios.names()
True
>>> prob = semopt.scenarios.load("semantic-mec", users=10, seed=3)
>>> prob.n_users
10

Same name and same ``seed`` give an identical instance on any machine: every
draw goes through ``numpy.random.Generator`` streams seeded from ``seed``.
"""

from semopt.scenarios import game as _game
from semopt.scenarios import semantic_mec as _semantic_mec  # noqa: F401  (importing registers)
from semopt.scenarios import split as _split
from semopt.scenarios._registry import ScenarioSpec, describe, load, names, register_scenario

_split.register_all()
_game.register_all()  # one scenario per built-in network: split-alexnet, split-resnet18, ...

__all__ = ["load", "names", "describe", "register_scenario", "ScenarioSpec"]
