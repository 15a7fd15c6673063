"""Solvers, one module per algorithm family; importing this package registers them all."""

from semopt.solvers import baselines, bcd, best_response, exhaustive, greedy, lagrangian, milp, mincut  # noqa: F401
