"""Solvers of ``SemanticOffloading`` (Zheng et al.): ``bcd`` (Algorithm 4), the baselines ``linear``, ``ftm``,
``fa`` and ``uc``, and ``exhaustive``; importing this package registers them."""

from semopt.solvers.offloading import baselines, bcd, exhaustive

__all__ = ["bcd", "baselines", "exhaustive"]
