"""Problem-agnostic techniques, each testable alone and each used by more than one solver or analysis.

=========================  ==================================================================
module                     technique
=========================  ==================================================================
:mod:`.swap_matching`      swap matching with externalities and its stability check
:mod:`.convex_allocation`  KKT closed forms with bisection on the multiplier, CVXPY twins,
                           square-root shares
:mod:`.mincut`             minimum s-t cut on a DAG under downset constraints (DADS)
:mod:`.enumeration`        downsets of a DAG, slot assignments with holes, compositions
:mod:`.multistart`         multi-start L-BFGS-B/SLSQP, dense scans and their local maxima
:mod:`.dynamic_programming`  Viterbi with a switching cost
:mod:`.best_response`      best-response dynamics (Gauss-Seidel, Jacobi)
:mod:`.lagrangian`         Lagrangian relaxation of one budget by bisection on its price
=========================  ==================================================================

They take arrays, graphs and callables, never a problem object: the named
solvers of :mod:`semopt.solvers` compose them for one problem family.
"""
