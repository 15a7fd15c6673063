"""Problem families: each holds validated data and judges solutions with ``evaluate()``; none searches.

* :mod:`.offloading` -- ``SemanticOffloading`` (Zheng et al.);
* :mod:`.split` -- ``SplitInference`` and ``DynamicSplit`` (Zhang et al.'s survey);
* :mod:`.game` -- ``SemanticGame`` and ``GameTrace``;
* :mod:`.qoe` -- ``QoEOffloading`` (Chen et al.);
* :mod:`.model_selection` -- ``ModelSelection`` (Lin et al.).
"""

from semopt.problems.base import FEASIBILITY_RTOL, Problem
from semopt.problems.game import GameSolution, GameTrace, GameTraceSolution, SemanticGame
from semopt.problems.model_selection import ModelSelection, SelectionSolution
from semopt.problems.offloading import OffloadingSolution, SemanticOffloading
from semopt.problems.qoe import QoEOffloading, QoESolution
from semopt.problems.split import DynamicSplit, DynamicSplitSolution, SplitInference, SplitSolution

__all__ = ["Problem", "FEASIBILITY_RTOL", "SemanticOffloading", "OffloadingSolution", "SplitInference",
           "SplitSolution", "DynamicSplit", "DynamicSplitSolution", "SemanticGame", "GameSolution", "GameTrace",
           "GameTraceSolution", "QoEOffloading", "QoESolution", "ModelSelection",
           "SelectionSolution"]
