"""Solvers, one subpackage per problem family, and the public API for writing your own.

========================  ===================================================================
:mod:`.offloading`        ``SemanticOffloading``: bcd, linear, ftm, fa, uc, exhaustive
:mod:`.split`             ``SplitInference``, ``DynamicSplit``: mincut, greedy, exhaustive, milp,
                          lagrangian, bcd, best-response, early-exit; greedy and dp over a trace
:mod:`.game`              ``SemanticGame``, ``GameTrace``: best-response, social-optimum,
                          max-quality, min-power, uniform; closed-loop, open-loop
:mod:`.qoe`               ``QoEOffloading``: exact, exhaustive, bcd, semantic-unaware, discrete,
                          local, random
:mod:`.model_selection`   ``ModelSelection``: exact, exhaustive, bcd, dinkelbach, random,
                          average, heuristic-rde
:mod:`.learned`           the extra ``semopt[learned]``: ppo (ModelSelection), mappo and d3qn
                          (QoEOffloading); torch is imported only when one runs
========================  ===================================================================

Each module registers named solvers that compose the techniques of
:mod:`semopt.algorithms`; families never import each other.  Importing this
package registers them all.

Writing a solver
----------------
A solver is a function ``func(problem, *, rng, time_limit, **options) ->
SolverOutput`` (:class:`SolverFunction`) registered with
:func:`register_solver` for its problem types, its declared options
(:class:`Option`) and what it handles (:class:`Capabilities`).  An
iterative solver runs its steps inside a :class:`Loop`, which owns
``max_iter``, ``tol``, the time budget (:class:`Deadline`), the callback,
the history and the status, and hands back the output::

    from semopt.solvers import CALLBACK, MAX_ITER, Loop, Option, register_solver
    from semopt.problems import SemanticOffloading

    @register_solver("my-heuristic", problems=(SemanticOffloading,),
                     options={"max_iter": MAX_ITER, "callback": CALLBACK})
    def my_heuristic(problem, *, rng, time_limit, max_iter, callback):
        \"\"\"One line that `semopt solvers` shows.\"\"\"
        loop = Loop(max_iter=max_iter, time_limit=time_limit, callback=callback)
        solution = ...
        while loop.running():
            solution = ...                                # one step
            loop.record(problem.evaluate(solution).objective, solution)
        return loop.output(solution)

``semopt.solve``, ``semopt.available_solvers``, the contract checks and
``semopt.bench`` then treat it as any built-in solver (the README shows one
registered in a notebook cell and benchmarked).
"""

from semopt.capabilities import Capabilities, Traits
from semopt.loop import Callback, Deadline, Loop
from semopt.options import CALLBACK, MAX_ITER, TOL, Option
from semopt.registry import SolverFunction, SolverSpec, register_solver
from semopt.result import SolverOutput, Status

__all__ = [
    "register_solver",
    "SolverFunction",
    "SolverSpec",
    "SolverOutput",
    "Status",
    "Option",
    "MAX_ITER",
    "TOL",
    "CALLBACK",
    "Loop",
    "Deadline",
    "Callback",
    "Capabilities",
    "Traits",
]

# Importing the families runs their @register_solver decorators.
from semopt.solvers import game, learned, model_selection, offloading, qoe, split  # noqa: E402  (after the API they use)

__all__ += ["game", "learned", "model_selection", "offloading", "qoe", "split"]
