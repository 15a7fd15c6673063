"""Solvers of QoEOffloading: exact == exhaustive, bcd near exact, the baselines, the per-user oracle.

The structural facts the exact solver relies on (Chen et al. P0, spec A3):
the per-user optimum falls as the server's load grows, and the best plan at
given offloader counts per task type is a capped max-weight assignment.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np
import pytest
from scipy.optimize import minimize

import semopt
from semopt.errors import SolverError
from semopt.problems.qoe import QoEOffloading
from semopt.registry import solvers_for
from semopt.result import Status
from semopt.solvers.qoe.exact import count_vectors
from semopt.solvers.qoe.oracle import GRIDS, Oracle


@functools.cache
def instance(**overrides) -> QoEOffloading:
    return semopt.scenarios.load("qoe-offloading", **overrides)


def key(overrides: dict) -> tuple:
    return tuple(sorted(overrides.items()))


@functools.cache
def solved(case: tuple, solver: str, **options):
    """One solve per (instance, solver, options) for the whole module (the instances are not mutated)."""
    return semopt.solve(instance(**dict(case)), solver, seed=0, **options)


# ---------------------------------------------------------------------------
# exact == exhaustive on small random instances
# ---------------------------------------------------------------------------

MIXED = dict(weight_delay=0.5, weight_energy=0.3, weight_accuracy=0.2)
SMALL = [
    dict(users=2, subchannels=1, seed=100),
    dict(users=2, subchannels=2, seed=101, preference="delay", server_energy="share"),
    dict(users=3, subchannels=1, seed=102, preference="energy"),
    dict(users=3, subchannels=2, seed=103, server_energy="share", **MIXED),
    dict(users=3, subchannels=3, seed=104, preference="delay"),
    dict(users=4, subchannels=1, seed=105, server_energy="share"),
    dict(users=4, subchannels=2, seed=106, preference="energy", server_energy="share"),
    dict(users=4, subchannels=3, seed=107, **MIXED),
    dict(users=4, subchannels=4, seed=108, preference="delay", bandwidth=3e6),
    dict(users=5, subchannels=2, seed=109, preference="delay", server_energy="share"),
    dict(users=5, subchannels=3, seed=110, noise=8e-3),
    dict(users=5, subchannels=5, seed=111, preference="energy", server_energy="share", mu_min=0.3),
    dict(users=6, subchannels=2, seed=112, **MIXED),
    dict(users=6, subchannels=4, seed=113, preference="delay", server_energy="share"),
    dict(users=6, subchannels=6, seed=114, preference="energy"),
    dict(users=6, subchannels=5, seed=115, server_energy="share", weight_delay=0.2, weight_energy=0.6,
         weight_accuracy=0.2),
    dict(users=4, subchannels=4, seed=116, preference="accuracy"),
]
SMALL_IDS = ["-".join(f"{k}={v}" for k, v in case.items() if k not in MIXED) for case in SMALL]


@pytest.mark.parametrize("case", SMALL, ids=SMALL_IDS)
def test_exact_equals_exhaustive_on_the_same_grid(case):
    exact = solved(key(case), "exact", polish=False)
    exhaustive = solved(key(case), "exhaustive", polish=False)
    assert exact.status == Status.OPTIMAL and exhaustive.status == Status.OPTIMAL
    assert exact.feasible and exhaustive.feasible
    assert exact.objective == pytest.approx(exhaustive.objective, rel=1e-9)
    prob = instance(**case)
    assert exact.objective >= 0.5 * prob.n_users - 1e-12  # never worse than all-local
    assert np.count_nonzero(exact.solution.offload) <= prob.n_subchannels


@pytest.mark.parametrize("case", SMALL, ids=SMALL_IDS)
def test_polished_exact_is_at_least_the_grid_optimum(case):
    polished = solved(key(case), "exact")
    grid = solved(key(case), "exhaustive", polish=False)
    assert polished.feasible
    assert polished.objective >= grid.objective - 1e-12 * abs(grid.objective)


def test_the_small_instances_are_not_trivial():
    """Most of them offload, some with fewer sub-channels than willing offloaders (K < N binds)."""
    shares = [solved(key(case), "exact", polish=False).metrics["offload_share"] for case in SMALL]
    assert sum(s > 0 for s in shares) >= 12
    binding = [case for case, s in zip(SMALL, shares, strict=True)
               if case["subchannels"] < case["users"] and s * case["users"] == case["subchannels"]]
    assert len(binding) >= 3


def test_exact_metrics_count_the_vectors():
    case = SMALL[8]
    prob = instance(**case)
    res = solved(key(case), "exact", polish=False)
    vectors = count_vectors(prob)
    assert res.metrics["count_vectors"] == len(vectors)
    present = np.bincount(prob.task, minlength=3)
    assert len(vectors) == len([c for c in itertools.product(*(range(m + 1) for m in present))
                                if sum(c) <= prob.n_subchannels])


# ---------------------------------------------------------------------------
# bcd close to exact
# ---------------------------------------------------------------------------

BCD_CASES = [dict(users=4, seed=s, preference=p) for s in range(4) for p in ("none", "delay", "energy")]
BCD_CASES += [dict(users=4, subchannels=2, seed=7, server_energy="share"), dict(users=8, seed=0, preference="energy"),
              dict(users=8, seed=3)]
BCD_IDS = ["-".join(f"{k}={v}" for k, v in case.items()) for case in BCD_CASES]


@pytest.mark.parametrize("case", BCD_CASES, ids=BCD_IDS)
def test_bcd_within_one_percent_of_exact(case):
    exact = solved(key(case), "exact")
    bcd = solved(key(case), "bcd")
    assert bcd.feasible
    gap = (exact.objective - bcd.objective) / exact.objective
    assert gap <= 0.01, f"bcd is {gap:.2%} below exact"
    # Both polish their grid plans; bcd's plan is one exact has weighed, so it may only tie after polishing.
    assert gap >= -1e-6, f"bcd beat exact by {-gap:.2e}: exact is not optimal on its grid"


@pytest.mark.parametrize("case", BCD_CASES[:6], ids=BCD_IDS[:6])
def test_bcd_never_beats_exact_on_the_grid(case):
    exact = solved(key(case), "exact", polish=False)
    bcd = solved(key(case), "bcd", polish=False)
    assert bcd.objective <= exact.objective + 1e-12 * abs(exact.objective)


# ---------------------------------------------------------------------------
# The paper's baselines
# ---------------------------------------------------------------------------

BASELINE_CASES = BCD_CASES[:9] + [dict(users=5, subchannels=3, seed=11, server_energy="share")]
BASELINE_IDS = BCD_IDS[:9] + ["users=5-subchannels=3-seed=11-share"]


@pytest.mark.parametrize("case", BASELINE_CASES, ids=BASELINE_IDS)
def test_semantic_unaware_never_extracts_and_never_beats_exact(case):
    unaware = solved(key(case), "semantic-unaware")
    exact = solved(key(case), "exact")
    assert unaware.feasible
    offloaders = unaware.solution.offload
    np.testing.assert_array_equal(unaware.solution.mu[offloaders], 1.0)
    assert unaware.objective <= exact.objective + 1e-9 * abs(exact.objective)
    # Unpolished, its grid (raw offloading, 25 powers) is a subset of exact's: no tolerance needed.
    unaware_grid = solved(key(case), "semantic-unaware", polish=False)
    exact_grid = solved(key(case), "exact", polish=False)
    assert unaware_grid.objective <= exact_grid.objective + 1e-12 * abs(exact_grid.objective)


def test_semantic_unaware_does_offload_somewhere():
    """Otherwise the mu == 1 check above would be vacuous."""
    assert any(solved(key(c), "semantic-unaware").metrics["offload_share"] > 0 for c in BASELINE_CASES)


def coarse_grid_optimum(prob: QoEOffloading) -> float:
    """Brute force over every plan (who offloads on which sub-channel) on the discrete baseline's grid."""
    oracle = Oracle(prob, GRIDS["coarse"])
    best = -np.inf
    for plan in itertools.product(range(-1, prob.n_subchannels), repeat=prob.n_users):
        plan = np.array(plan)
        taken = plan[plan >= 0]
        if len(taken) != len(set(taken.tolist())):
            continue
        values = oracle.values(prob.server_load(plan >= 0))
        off = np.flatnonzero(plan >= 0)
        total = values.local[plan < 0].sum() + values.offload[off, plan[off]].sum()
        best = max(best, float(total))
    return best


@pytest.mark.parametrize("case", BASELINE_CASES, ids=BASELINE_IDS)
def test_discrete_never_beats_its_grid_optimum_nor_exact(case):
    prob = instance(**case)
    discrete = solved(key(case), "discrete")
    assert discrete.feasible
    assert discrete.objective <= coarse_grid_optimum(prob) * (1 + 1e-12)
    exact = solved(key(case), "exact")
    assert discrete.objective <= exact.objective + 1e-9 * abs(exact.objective)


def test_discrete_offloaders_act_on_the_coarse_grid():
    case = BASELINE_CASES[0]
    prob = instance(**case)
    sol = solved(key(case), "discrete").solution
    grid = GRIDS["coarse"]
    powers = np.linspace(prob.power_min, prob.power_max, grid.power)
    freqs = np.linspace(prob.freq_min, prob.freq_max, grid.freq)
    assert sol.offload.any()
    for u in np.flatnonzero(sol.offload):
        mus = prob.mu_min[u] ** (1 - np.linspace(0, 1, grid.mu, endpoint=False))
        assert np.isclose(powers, sol.power[u], rtol=1e-12).any()
        assert np.isclose(freqs, sol.freq[u], rtol=1e-12).any()
        assert sol.mu[u] == 1.0 or np.isclose(mus, sol.mu[u], rtol=1e-12).any()


@pytest.mark.parametrize("case", BASELINE_CASES[:4], ids=BASELINE_IDS[:4])
def test_local_gives_qoe_one_half_each(case):
    res = solved(key(case), "local")
    prob = instance(**case)
    assert res.feasible
    assert not res.solution.offload.any()
    assert [res.metrics[f"qoe[{u}]"] for u in range(prob.n_users)] == pytest.approx([0.5] * prob.n_users,
                                                                                      abs=1e-15)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_is_feasible_and_reproducible(seed):
    prob = instance(users=5, subchannels=3, seed=seed)
    a = semopt.solve(prob, "random", seed=seed, tries=30)
    b = semopt.solve(prob, "random", seed=seed, tries=30)
    assert a.feasible
    assert a.objective == b.objective
    np.testing.assert_array_equal(a.solution.channel, b.solution.channel)
    np.testing.assert_array_equal(a.solution.mu, b.solution.mu)


def test_the_qoe_solvers_are_available():
    names = set(semopt.available_solvers(instance()))
    assert {"exact", "exhaustive", "bcd", "semantic-unaware", "discrete", "local", "random"} <= names


# The classical solvers: the learned ones (the extra) train first, and tests/learned judge what training buys.
CLASSICAL = [s.name for s in solvers_for(semopt.scenarios.load("qoe-offloading")) if s.extra is None]


@pytest.mark.parametrize("solver", CLASSICAL)
def test_every_solver_is_feasible_on_the_default_scenario(solver):
    res = semopt.solve(instance(), solver, seed=0)
    assert res.feasible, res.message
    assert res.objective >= 0.5 * 4 - 1e-12 or solver == "random"


# ---------------------------------------------------------------------------
# The per-user oracle
# ---------------------------------------------------------------------------


def reference_optimum(prob: QoEOffloading, user: int, channel: int, load: float) -> float:
    """The per-user optimum by brute force: a fine grid (201 p x 11 f x 400 mu, 4001 raw powers),
    then SLSQP from the best grid points so that optima on a constraint's boundary are reached."""
    model = prob.model()
    u, g = np.array([user]), prob.gain[channel, user]
    floor = prob.accuracy_min[prob.task[user]]
    lo = np.array([prob.power_min, prob.freq_min, prob.mu_min[user]])
    hi = np.array([prob.power_max, prob.freq_max, 1.0])

    def score(p, f, mu, rtol=0.0):
        fig = model.offload(u, g, p, f, mu, load)
        ok = ((fig.delay <= prob.latency_max * (1 + rtol)) & (fig.energy <= prob.energy_max[user] * (1 + rtol))
              & (fig.accuracy >= floor * (1 - rtol)))
        return np.where(ok, model.qoe(u, fig), -np.inf)

    p, f, mu = (a.ravel() for a in np.meshgrid(np.linspace(lo[0], hi[0], 201), np.linspace(lo[1], hi[1], 11),
                                               np.geomspace(lo[2], 1.0, 401)[:-1], indexing="ij"))
    semantic = score(p, f, mu)
    raw_p = np.linspace(lo[0], hi[0], 4001)
    raw = score(raw_p, prob.freq_ref, 1.0)
    best = max(semantic.max(), raw.max())

    def refine(x0: np.ndarray, dim: int) -> float:
        def unpack(z):
            x = lo[:dim] + np.clip(z, 0, 1) * (hi[:dim] - lo[:dim])
            return (x[0], prob.freq_ref, 1.0) if dim == 1 else (x[0], x[1], min(x[2], np.nextafter(1.0, 0.0)))

        def fig(z):
            return model.offload(u, g, *unpack(z), load)

        cons = [{"type": "ineq", "fun": lambda z: 1 - float(fig(z).delay[0]) / prob.latency_max},
                {"type": "ineq", "fun": lambda z: 1 - float(fig(z).energy[0]) / prob.energy_max[user]},
                {"type": "ineq", "fun": lambda z: float(fig(z).accuracy[0]) / floor - 1}]
        res = minimize(lambda z: -float(model.qoe(u, fig(z))[0]), (x0 - lo[:dim]) / (hi[:dim] - lo[:dim]),
                       method="SLSQP", bounds=[(0, 1)] * dim, constraints=cons,
                       options={"ftol": 1e-14, "maxiter": 500})
        return float(score(*unpack(res.x), rtol=1e-12)[0])

    for i in np.argsort(semantic)[::-1][:8]:
        if np.isfinite(semantic[i]):
            best = max(best, refine(np.array([p[i], f[i], mu[i]]), 3))
    for i in np.argsort(raw)[::-1][:3]:
        if np.isfinite(raw[i]):
            best = max(best, refine(np.array([raw_p[i]]), 1))
    return best


IMAGE = 8.43e9
TRIPLES = [
    (dict(users=4, seed=0), 0, 0, 0.0),
    (dict(users=4, seed=0), 1, 3, 2 * IMAGE),
    (dict(users=4, seed=0), 2, 2, 0.0),  # raw offloading wins
    (dict(users=4, seed=1, preference="delay"), 2, 1, 3 * IMAGE),
    (dict(users=4, seed=2, preference="energy"), 3, 3, IMAGE),
    (dict(users=4, seed=2, preference="energy"), 1, 1, 0.0),  # no feasible offloading
    (dict(users=4, seed=3, server_energy="share", **MIXED), 0, 2, 2 * IMAGE),
    (dict(users=4, seed=4, noise=1e-2), 3, 3, 0.0),
    (dict(users=4, seed=5, mu_min=0.4, bandwidth=5e6), 0, 0, IMAGE),
]
TRIPLE_IDS = [f"seed{c['seed']}-{c.get('preference', 'mix' if 'weight_delay' in c else 'none')}-u{u}-k{k}-L{L:.3g}"
              for c, u, k, L in TRIPLES]


@pytest.mark.parametrize(("case", "user", "channel", "load"), TRIPLES, ids=TRIPLE_IDS)
def test_oracle_reaches_the_brute_force_optimum(case, user, channel, load):
    prob = instance(**case)
    oracle = Oracle(prob)
    values = oracle.values(load)
    reference = reference_optimum(prob, user, channel, load)
    grid_value = values.offload[user, channel]
    if not np.isfinite(reference):
        assert grid_value == -np.inf
        return
    assert np.isfinite(grid_value)
    point = oracle.polish(user, channel, load, values.point[user, channel])
    model, u = prob.model(), np.array([user])
    # The reported value is the QoE of the reported point (the point is what a solution carries).
    at_grid = model.qoe(u, model.offload(u, prob.gain[channel, user], *values.point[user, channel], load))[0]
    assert grid_value == pytest.approx(at_grid, rel=1e-12)
    polished = float(model.qoe(u, model.offload(u, prob.gain[channel, user], *point, load))[0])
    assert polished >= grid_value
    assert polished >= reference - 1e-3
    assert polished <= reference + 1e-9, "the oracle claims more than the optimum"


def test_oracle_points_meet_every_constraint():
    prob = instance(users=4, seed=1, preference="delay")
    oracle = Oracle(prob)
    values = oracle.values(2 * IMAGE)
    model = prob.model()
    for user, channel in itertools.product(range(4), range(4)):
        if not np.isfinite(values.offload[user, channel]):
            continue
        u = np.array([user])
        for point in (values.point[user, channel], oracle.polish(user, channel, 2 * IMAGE,
                                                                  values.point[user, channel])):
            fig = model.offload(u, prob.gain[channel, user], *point, 2 * IMAGE)
            assert fig.delay[0] <= prob.latency_max
            assert fig.energy[0] <= prob.energy_max[user]
            assert fig.accuracy[0] >= prob.accuracy_min[prob.task[user]]
            assert prob.power_min <= point[0] <= prob.power_max
            assert prob.freq_min <= point[1] <= prob.freq_max
            assert prob.mu_min[user] <= point[2] <= 1.0


def test_oracle_local_value_is_the_best_clock():
    prob = instance(users=4, seed=3, server_energy="share", **MIXED)
    values = Oracle(prob).values(0.0)
    model = prob.model()
    freqs = np.linspace(prob.freq_min, prob.freq_max, 20001)
    for user in range(4):
        u = np.array([user])
        fine = model.qoe(u, model.local(u, freqs)).max()
        assert values.local[user] >= 0.5  # f_ref is a candidate
        assert values.local[user] <= fine + 1e-12
        assert values.local[user] >= fine - 1e-4
        assert values.local[user] == pytest.approx(model.qoe(u, model.local(u, values.local_freq[user]))[0],
                                                   rel=1e-12)


@pytest.mark.parametrize(
    "case",
    [dict(users=4, seed=0), dict(users=5, subchannels=2, seed=6, server_energy="share"),
     dict(users=4, seed=1, preference="delay"), dict(users=4, seed=2, preference="energy")],
    ids=["default", "K<N-share", "delay", "energy"],
)
def test_values_are_non_increasing_in_the_load(case):
    """The fact exact relies on: a heavier server never helps an offloader; local values do not move."""
    prob = instance(**case)
    oracle = Oracle(prob)
    full = prob.server_load(np.ones(prob.n_users, bool))
    loads = np.linspace(0.0, 1.5 * full, 7)
    tables = [oracle.values(load) for load in loads]
    for before, after in itertools.pairwise(tables):
        # 1e-12: room for a fast path's reordered sums; -inf (infeasible) stays -inf under any tolerance.
        assert np.all(after.offload <= before.offload + 1e-12), np.argwhere(after.offload > before.offload)
        np.testing.assert_array_equal(after.local, before.local)
    assert np.any(tables[-1].offload < tables[0].offload)  # the load does matter


# ---------------------------------------------------------------------------
# Status, refusals, time limit
# ---------------------------------------------------------------------------


def test_exact_status_is_optimal():
    res = solved(key(SMALL[7]), "exact")
    assert res.status == Status.OPTIMAL
    assert res.solver == "exact"


def test_exhaustive_refuses_above_max_space_and_lists_alternatives():
    big = instance(users=13, seed=0)
    with pytest.raises(SolverError, match=r"max_space=4096") as info:
        semopt.solve(big, "exhaustive")
    for name in ("exact", "bcd"):
        assert name in str(info.value)
    assert "exhaustive" not in semopt.available_solvers(big)
    with pytest.raises(SolverError, match=r"max_space=8"):
        semopt.solve(instance(users=4, seed=0), "exhaustive", max_space=8)
    assert semopt.solve(instance(users=3, seed=0), "exhaustive", max_space=8).status == Status.OPTIMAL


@pytest.mark.parametrize("polish", [True, False])
def test_exact_respects_a_tiny_time_limit(polish):
    prob = instance(users=6, seed=1)
    res = semopt.solve(prob, "exact", time_limit=1e-9, polish=polish)
    assert res.status == Status.TIME_LIMIT
    assert res.feasible
    assert res.objective >= 0.5 * prob.n_users - 1e-12
    assert "time_limit" in res.message


def test_solving_does_not_mutate_the_problem():
    prob = semopt.scenarios.load("qoe-offloading", users=4, seed=8)
    gain, task, weights = prob.gain.copy(), prob.task.copy(), prob.weights.copy()
    for solver in ("exact", "bcd", "discrete"):
        semopt.solve(prob, solver, seed=0)
    np.testing.assert_array_equal(prob.gain, gain)
    np.testing.assert_array_equal(prob.task, task)
    np.testing.assert_array_equal(prob.weights, weights)
