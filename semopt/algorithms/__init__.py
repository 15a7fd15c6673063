"""Problem-agnostic techniques, each testable alone (``tests/test_algorithms.py``), most shared by several solvers.

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
:mod:`.assignment`         max-weight assignment with an outside option, and with per-group caps
:mod:`.rate_allocation`    sum-rate bandwidth and power with rate floors: KKT/Lambert-W closed
                           form, CVXPY twin, the largest floor fraction, a dual bound
:mod:`.local_search`       first-improvement flip-and-swap search over label vectors
:mod:`.dinkelbach`         Dinkelbach's method for ratio objectives
=========================  ==================================================================

They take arrays, graphs and callables, never a problem object: the named
solvers of :mod:`semopt.solvers` (and the judges of :mod:`semopt.analysis`)
compose them for one problem family.  Where a technique comes from one paper
(the per-BS allocation of eq 26, say), it is written for its mathematical
form -- a sum of weighted log-delays under a capacity -- not for the paper's
data structures.
"""
