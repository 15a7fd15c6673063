"""Problem families: each holds validated data and judges solutions with ``evaluate()``."""

from semopt.problems.base import Problem
from semopt.problems.semantic_offloading import OffloadingSolution, SemanticOffloading

__all__ = ["Problem", "SemanticOffloading", "OffloadingSolution"]
