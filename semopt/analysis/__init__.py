"""What judges or explores solutions beyond ``evaluate()``: certificates, stability, fronts, control.

==============================  =====================================================================
:mod:`.equilibrium`             Nash certificates (:func:`deviation_gains`, :func:`nash_gap` for the
                                game; :func:`split_nash_gap` for split inference's sharing game),
                                :func:`certify` (what ``semopt.solve`` adds to a game's metrics),
                                :func:`price_of_anarchy`, :func:`optimal_shares`
:mod:`.stability`               two-sided exchange stability of an offloading solution
                                (:func:`check_stability`) and the swaps that define it
:mod:`.pareto`                  the fidelity-energy-latency front of the game (weighted sums,
                                epsilon constraints), :func:`non_dominated`, exact :func:`hypervolume`
:mod:`.closed_loop`             the semantic feedback control of a :class:`~semopt.problems.GameTrace`
                                (:func:`simulate`, :class:`ControlRun`)
==============================  =====================================================================

Notebooks and scripts import from here, never from solver modules.
"""

from semopt.analysis.closed_loop import POLICIES, ControlRun, changes, simulate
from semopt.analysis.equilibrium import (
    certify,
    deviation_gains,
    equal_shares,
    nash_gap,
    optimal_shares,
    price_of_anarchy,
    split_best_response,
    split_nash_gap,
    split_user_cost,
)
from semopt.analysis.pareto import (
    ParetoFront,
    epsilon_constraint_front,
    hypervolume,
    hypervolume_reference,
    non_dominated,
    objectives,
    simplex_lattice,
    weighted_sum_front,
)
from semopt.analysis.stability import StabilityReport, association_swaps, check_stability, subcarrier_swaps

__all__ = [
    "certify",
    "deviation_gains",
    "nash_gap",
    "split_nash_gap",
    "split_best_response",
    "split_user_cost",
    "equal_shares",
    "optimal_shares",
    "price_of_anarchy",
    "check_stability",
    "StabilityReport",
    "association_swaps",
    "subcarrier_swaps",
    "ParetoFront",
    "objectives",
    "weighted_sum_front",
    "epsilon_constraint_front",
    "non_dominated",
    "simplex_lattice",
    "hypervolume",
    "hypervolume_reference",
    "simulate",
    "ControlRun",
    "changes",
    "POLICIES",
]
