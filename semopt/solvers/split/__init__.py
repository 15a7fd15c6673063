"""Solvers of ``SplitInference`` and ``DynamicSplit`` (Zhang et al.'s survey §3.2); importing registers them.

``mincut`` (DADS), ``greedy`` (Neurosurgeon), ``exhaustive``, ``milp``,
``lagrangian`` (JointDNN), ``bcd`` (several users, shares too),
``best-response`` (the sharing game), ``early-exit`` (BranchyNet/Edgent);
``greedy`` and ``dp`` over a bandwidth trace (:mod:`.dynamic`).
"""

from semopt.solvers.split import bcd, best_response, dynamic, early_exit, exhaustive, greedy, lagrangian, milp, mincut

__all__ = ["bcd", "best_response", "dynamic", "early_exit", "exhaustive", "greedy", "lagrangian", "milp", "mincut"]
