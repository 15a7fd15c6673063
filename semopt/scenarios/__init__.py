"""Seeded scenarios: each paper's parameter tables as one-line problem instances.

>>> import semopt
>>> "semantic-mec" in semopt.scenarios.names()
True
>>> prob = semopt.scenarios.load("semantic-mec", users=10, seed=3)
>>> prob.n_users
10

Same name and same ``seed`` give an identical instance on any machine: every
draw goes through ``numpy.random.Generator`` streams seeded from ``seed``.
One module per problem family: :mod:`.offloading`, :mod:`.split`, :mod:`.game`, :mod:`.qoe`,
:mod:`.model_selection`.
"""

from semopt import origins as _origins
from semopt.scenarios import game as _game
from semopt.scenarios import model_selection as _model_selection
from semopt.scenarios import offloading as _offloading
from semopt.scenarios import qoe as _qoe
from semopt.scenarios import split as _split
from semopt.scenarios._registry import (
    ScenarioSpec,
    describe,
    load,
    load_toml,
    names,
    read_toml,
    register_scenario,
    resolve,
    spec,
)

for _family in (_offloading, _split, _game, _qoe, _model_selection):
    _family.register_all()
_origins.set_builder(load)

__all__ = ["load", "names", "describe", "spec", "resolve", "read_toml", "load_toml", "register_scenario",
           "ScenarioSpec"]
