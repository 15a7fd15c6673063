"""Solvers of :class:`~semopt.problems.QoEOffloading` (Chen et al.), one module each.

* :mod:`.oracle` -- the per-user problem (grid + zoom), shared by all;
* :mod:`.exact` -- ``exact``: offloader counts per task type x a capped assignment (spec A3.2);
* :mod:`.exhaustive` -- ``exhaustive``: every offloader subset x the Hungarian method, small N;
* :mod:`.bcd` -- ``bcd`` and its restrictions ``semantic-unaware`` (mu = 1) and ``discrete`` (a coarse
  action grid), the paper's baselines;
* :mod:`.baselines` -- ``local`` (the paper's) and ``random`` (not in the paper).
"""

from semopt.solvers.qoe import baselines, bcd, exact, exhaustive

__all__ = ["baselines", "bcd", "exact", "exhaustive"]
