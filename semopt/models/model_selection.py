"""Rates, latencies, rate-distortion efficiency and reward of the model-selection family (Lin et al., eq 3-7, 12).

Each of M users runs one semantic compression model (SCM) s, which costs
compute power ``p_c,s`` and compute time ``tau_c,s`` and leaves distortion
``D_s`` (Table I's training loss), then sends ``|x|_s`` bits over its own
bandwidth ``B_m`` at transmit power ``p_m``:

* rate (eq 3, corrected): ``r_m = B_m log2(1 + p_m g_m / (B_m N0))`` in bit/s
  -- the printed eq 3 has no ``B_m`` factor, which makes the rate *decrease*
  in bandwidth; ``r = 0`` at ``B = 0``, the closure of the perspective
  function, so the rate is jointly concave in ``(B, p)``;
* latency (eq 4 plus compute, (7d)): ``tau_c,s + |x|_s / r_m``, so the latency
  bound is the rate floor ``r_m >= rho_m = |x|_s / (tau_max,m - tau_c,s)``
  (infinite when the model alone takes ``tau_max``);
* RDE (eq 6): ``sum_m r_m / (lambda sum_m D_m + eps)``;
* reward (eq 12): RDE minus ``gamma_1`` times the power overshoot and
  ``gamma_2`` times the latency overshoots (see :func:`reward_eq12`).

Functions take plain arrays (``gain_over_noise = g_m / N0`` in Hz/W); the
problem class (:class:`semopt.problems.ModelSelection`) picks each user's
model constants.

References
----------
.. [1] X. Lin, P. Li, A. Aijaz, "RL-Driven Semantic Compression Model
   Selection and Resource Allocation in Semantic Communication Systems",
   arXiv:2506.18660, 2025 (IEEE ISCC 2025), eq 3-7, 12 and Table I.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from semopt.models.channel import shannon_rate

__all__ = ["SCM", "TABLE_I", "LATENCY_CAP", "link_rate", "rate_floor", "latency", "rde", "reward_eq12", "jain"]


class SCM(NamedTuple):
    """One row of Table I: a semantic compression model's name, power draw, inference time and loss."""

    name: str
    power: float
    time: float
    loss: float


TABLE_I = (
    SCM("LeNet", 120.0, 5.1, 24.65),
    SCM("ResNet", 270.0, 5.3, 14.00),
    SCM("MobileNet", 170.0, 5.3, 24.93),
    SCM("DPN-26", 305.0, 9.5, 10.76),
)
"""Table I as printed: power in the paper's unit (W per its source, read as mW by the scenario; spec B2.2),
inference time in s on 5 x 10^4 samples, loss of eq 11 (the distortion ``D_s``)."""

LATENCY_CAP = 10.0
"""A user with no rate has an infinite latency; inside :func:`reward_eq12` a latency counts at most
``LATENCY_CAP * tau_max`` so that the reward (and means over instances) stays finite.  The violation itself
is still reported by ``evaluate``."""


def link_rate(bandwidth, power, gain_over_noise):
    """``B log2(1 + p a / B)`` in bit/s with ``a = g / N0``, and 0 where ``B = 0`` (eq 3, corrected).

    Examples
    --------
    >>> float(link_rate(1e6, 3e-3, 1e9))  # SNR 3e-3 * 1e9 / 1e6 = 3
    2000000.0
    >>> float(link_rate(0.0, 1.0, 1e9))
    0.0
    """
    bandwidth = np.asarray(bandwidth, dtype=float)
    power = np.asarray(power, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # 1e308 W is judged by the caller
        snr = power * gain_over_noise / bandwidth
    return np.where(bandwidth > 0, shannon_rate(bandwidth, np.where(bandwidth > 0, snr, 0.0)), 0.0)


def rate_floor(bits, latency_max, compute_time):
    """The latency bound (7d) as a rate floor: ``|x| / (tau_max - tau_c)``, infinite where ``tau_c >= tau_max``.

    Examples
    --------
    >>> rate_floor(5.12e7, 12.0, np.array([5.1, 12.0])).round().tolist()
    [7420290.0, inf]
    """
    slack = np.asarray(latency_max, dtype=float) - np.asarray(compute_time, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(slack > 0, np.asarray(bits, dtype=float) / np.where(slack > 0, slack, 1.0), np.inf)


def latency(compute_time, bits, rate):
    """``tau_c + |x| / r`` (eq 4 plus the model's inference time), infinite at ``r = 0``."""
    rate = np.asarray(rate, dtype=float)
    with np.errstate(divide="ignore"):
        return np.asarray(compute_time, dtype=float) + np.where(rate > 0, np.asarray(bits, dtype=float)
                                                                / np.where(rate > 0, rate, 1.0), np.inf)


def rde(rates, distortion, lam: float, eps: float) -> float:
    """Eq 6: ``sum r / (lambda sum D + eps)``.

    Examples
    --------
    >>> rde([1e6, 2e6], [10.0, 20.0], 1e4, 1e-5) == 3e6 / (3e5 + 1e-5)
    True
    """
    return float(np.sum(rates) / (lam * np.sum(distortion) + eps))


def reward_eq12(rde_value: float, power_used: float, power_max: float, latencies, latency_max, *,
                gamma_power: float, gamma_latency: float, signed: bool = False) -> float:
    """Eq 12: ``RDE - gamma_1 (P - P_max) - gamma_2 sum_m (tau_m - tau_max,m)``, powers in W, times in s.

    The paper prints both penalties signed, so a slack earns a bonus, while
    its text penalises only "latency exceeding tau_max" and "deviation from
    the budget" ("clamped", the default here: each term is ``max(., 0)``,
    per user for latency).  ``signed=True`` gives the printed form.  Each
    latency counts at most :data:`LATENCY_CAP` x its bound.

    Examples
    --------
    >>> round(reward_eq12(100.0, 3.5, 3.0, [13.0, 11.0], [12.0, 12.0], gamma_power=0.3, gamma_latency=0.2), 6)
    99.65
    >>> round(reward_eq12(100.0, 3.5, 3.0, [13.0, 11.0], [12.0, 12.0], gamma_power=0.3, gamma_latency=0.2,
    ...                   signed=True), 6)
    99.85
    """
    bound = np.asarray(latency_max, dtype=float)
    over_time = np.minimum(np.asarray(latencies, dtype=float), LATENCY_CAP * bound) - bound
    over_power = power_used - power_max
    if not signed:
        over_time, over_power = np.maximum(over_time, 0.0), max(over_power, 0.0)
    return float(rde_value - gamma_power * over_power - gamma_latency * np.sum(over_time))


def jain(values) -> float:
    """Jain's fairness index ``(sum x)^2 / (n sum x^2)``: 1 when all are equal, ``1/n`` when one holds all.

    Examples
    --------
    >>> jain([1.0, 1.0]), jain([1.0, 0.0])
    (1.0, 0.5)
    """
    x = np.asarray(values, dtype=float)
    total = float(np.sum(x * x))
    return float(np.sum(x) ** 2 / (x.size * total)) if total > 0 else 1.0
