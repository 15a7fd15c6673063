"""semopt: classical optimisation algorithms for semantic-aware edge computing.

>>> import semopt
>>> prob = semopt.scenarios.load("semantic-mec", users=8, seed=0)
>>> res = semopt.solve(prob, solver="bcd", seed=0)
>>> res.status in ("converged", "max_iter"), res.feasible
(True, True)
"""

from semopt import analysis, bench, errors, problems, scenarios, solvers
from semopt.api import available_solvers, show_options, solve
from semopt.result import Evaluation, Result, Status

__version__ = "0.1.0"

__all__ = [
    "solve",
    "available_solvers",
    "show_options",
    "scenarios",
    "problems",
    "solvers",
    "analysis",
    "bench",
    "errors",
    "Result",
    "Evaluation",
    "Status",
    "__version__",
]
