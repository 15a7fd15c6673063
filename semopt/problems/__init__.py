"""Problem families: each holds validated data and judges solutions with ``evaluate()``."""

from semopt.problems.base import Problem
from semopt.problems.dynamic_split import DynamicSplit, DynamicSplitSolution
from semopt.problems.game import GameSolution, SemanticGame
from semopt.problems.game_trace import GameTrace, GameTraceSolution
from semopt.problems.semantic_offloading import OffloadingSolution, SemanticOffloading
from semopt.problems.split_inference import SplitInference, SplitSolution

__all__ = ["Problem", "SemanticOffloading", "OffloadingSolution", "SplitInference", "SplitSolution",
           "DynamicSplit", "DynamicSplitSolution",
           "SemanticGame", "GameSolution", "GameTrace", "GameTraceSolution"]
