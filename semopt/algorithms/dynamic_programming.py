"""Dynamic programming over a sequence of choices with a switching cost (Viterbi).

``V_t(c) = cost_t(c) + min_{c'} (V_{t-1}(c') + switch [c != c'])``: the
cheapest path through ``T`` steps of ``C`` candidates when changing candidate
costs ``switch``.  The inner minimum is the smaller of staying and the best
previous value plus ``switch``, so a step costs ``O(C)`` and the path
``O(T C)``, not ``O(T C^2)``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["viterbi"]


def viterbi(step_cost: np.ndarray, switch: float) -> np.ndarray:
    """Index of the chosen candidate at each step, minimising step costs plus ``switch`` per change.

    Parameters
    ----------
    step_cost : float[T, C]
        Cost of candidate c at step t.
    switch : float
        Cost of changing candidate between consecutive steps (>= 0).

    Returns
    -------
    int[T]
        Ties keep the current candidate, then the lowest index.

    Examples
    --------
    >>> viterbi(np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]]), switch=5.0)
    array([0, 0, 0])
    >>> viterbi(np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]]), switch=0.4)
    array([0, 1, 0])
    """
    steps, n = step_cost.shape
    value = step_cost[0].copy()
    back = np.zeros((steps, n), dtype=np.int64)
    for t in range(1, steps):
        best_prev = int(np.argmin(value))
        stay = value
        move = value[best_prev] + switch
        back[t] = np.where(stay <= move, np.arange(n), best_prev)
        value = np.minimum(stay, move) + step_cost[t]
    path = np.empty(steps, dtype=np.int64)
    path[-1] = int(np.argmin(value))
    for t in range(steps - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path
