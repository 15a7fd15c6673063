"""Fixed-strategy baselines of the SemanticGame: every terminal plays the same corner of its box.

The game's paper (References) compares against systems with "fixed transmission power and
compression ratio" (STF / Entroformer + Fixed Transmission, Table 1).  Their
codecs are not ours to model; these baselines keep what defines them, a
fixed strategy that ignores the game:

* ``max-quality`` -- full resolution, the lowest compression ratio, full power;
* ``min-power`` -- the lowest resolution, the highest compression ratio, the lowest power;
* ``uniform`` -- the centre of each box in unit coordinates: the middle
  resolution and the geometric middle of the compression ratio and of the
  power (``r`` and ``p`` span decades).

``metrics["nash_gap"]`` (the certificate ``semopt.solve`` adds, see
:mod:`semopt.analysis.equilibrium`) shows how far each is from an equilibrium.

References
----------
.. [1] "Semantic-Driven Conditional Encoding and Distributed Collaborative
   Optimization for Edge Image Processing", Traitement du Signal 42(6),
   2025, doi:10.18280/ts.420612, Tables 1-2.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from semopt.problems.game import GameSolution, SemanticGame
from semopt.registry import register_solver
from semopt.result import SolverOutput, Status

__all__ = ["FIXED_STRATEGIES"]

# Unit coordinates (resolution, compression, power) of each strategy.
FIXED_STRATEGIES = {
    "max-quality": (1.0, 0.0, 1.0),
    "min-power": (0.0, 1.0, 0.0),
    "uniform": (0.5, 0.5, 0.5),
}


def _fixed(name: str, corner: tuple[float, float, float]) -> Callable[..., SolverOutput]:
    def run(problem: SemanticGame, *, rng: np.random.Generator, time_limit: float | None) -> SolverOutput:
        z = np.tile(np.array(corner, dtype=float), (problem.n_terminals, 1))
        return SolverOutput(GameSolution(problem.from_unit(z)), Status.CONVERGED,
                            [problem.welfare(problem.from_unit(z))], f"every terminal plays {name}")

    run.__doc__ = f"Fixed strategy {name!r}: every terminal plays unit point {corner} of its box."
    run.__name__ = f"fixed_{name.replace('-', '_')}"
    return run


for _name, _corner in FIXED_STRATEGIES.items():
    register_solver(_name, problems=(SemanticGame,))(_fixed(_name, _corner))
