"""Solvers of ``SemanticGame`` and ``GameTrace``; importing this package registers them.

``best-response`` (Gauss-Seidel or Jacobi dynamics), ``social-optimum`` (the
centralised reference), the fixed strategies ``max-quality``, ``min-power``
and ``uniform``; over a trace, ``closed-loop`` and ``open-loop``.
"""

from semopt.solvers.game import best_response, closed_loop, fixed_strategy, social_optimum

__all__ = ["best_response", "closed_loop", "fixed_strategy", "social_optimum"]
