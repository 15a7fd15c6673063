"""Solvers of :class:`~semopt.problems.ModelSelection` (Lin et al.), one module each.

* :mod:`.allocation` -- a selection's optimal bandwidths and powers (KKT or CVXPY), and its score;
* :mod:`.structure` -- dominated models and the rearrangement order;
* :mod:`.exact` -- ``exact``: the strongest user's model x the others' counts, best-first (spec B3.3);
* :mod:`.exhaustive` -- ``exhaustive``: every selection, small M;
* :mod:`.bcd` -- ``bcd``: flip-and-swap local search with restarts;
* :mod:`.dinkelbach` -- ``dinkelbach``: Dinkelbach's ratio iteration over selections;
* :mod:`.baselines` -- the paper's ``random``, ``average`` and ``heuristic-rde``.
"""

from semopt.solvers.model_selection import baselines, bcd, dinkelbach, exact, exhaustive

__all__ = ["baselines", "bcd", "dinkelbach", "exact", "exhaustive"]
