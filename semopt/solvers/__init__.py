"""Solvers, one module per algorithm family; importing this package registers them all."""

from semopt.solvers import (  # noqa: F401  (importing registers the solvers)
    baselines,
    bcd,
    best_response,
    closed_loop,
    dynamic,
    early_exit,
    exhaustive,
    fixed_strategy,
    greedy,
    lagrangian,
    milp,
    mincut,
    social_optimum,
)
