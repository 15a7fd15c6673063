"""Shared fixtures of the pytest-benchmark suites, and a summary of fast/reference ratios.

Run with ``make bench`` (``python -m pytest benchmarks/ --benchmark-only``); ``make test``
never collects this directory (pytest ``testpaths = ["tests"]``).

Fixtures are session-scoped: the paper-scale instance (Zheng et al. §IV: U=20
users, K=4 BSs, N=32 subcarriers) is built once, and so is the reference BCD
solution whose association, rates, semantic modes and deadlines define a
realistic input of the compute step (eq 26).

At the end of the session, :func:`pytest_terminal_summary` prints the time
ratio of each fast path to its reference twin,
computed from this run's benchmark statistics -- per user where the two
paths time different numbers of users (``extra_info["users"]``, as in
benchmarks/test_bench_split.py) -- and the mean time of single benchmarks worth
quoting (:data:`TIMES`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

import semopt
from semopt.algorithms import convex_allocation as convex
from semopt.problems.offloading import SemanticOffloading
from semopt.result import Result

SCENARIO = "semantic-mec"
SEED = 0

# (group, parameter name, fast id, reference id, label) of each fast/reference pair
# benchmarked in benchmarks/test_bench_offloading.py.
RATIOS = (
    ("compute-step", "path", "kkt", "cvxpy", "compute step eq 26: KKT / CVXPY"),
    ("rates", "path", "numba", "numpy", "subcarrier rates eq 1-2: Numba / numpy"),
    ("game-round-5", "path", "numba", "numpy", "best-response round, 5 terminals: Numba / numpy"),
    ("game-round-100", "path", "numba", "numpy", "best-response round, 100 terminals: Numba / numpy"),
    ("ms-allocation-M12", "path", "kkt", "cvxpy", "model-selection allocation, 12 users: KKT / CVXPY"),
    ("ms-allocation-M100", "path", "kkt", "cvxpy", "model-selection allocation, 100 users: KKT / CVXPY"),
    ("ms-exact-allocation-M12", "path", "kkt", "cvxpy", "model-selection exact, 12 users: KKT / CVXPY inside"),
)

# The same, for pairs whose calls cover different numbers of users: each mean time is
# divided by its benchmark's extra_info["users"] (benchmarks/test_bench_split.py).
PER_USER_RATIOS = (
    ("chain-10k", "path", "batch", "reference", "chain batch / per-user reference (per user)"),
)

# (group, label) of single benchmarks whose mean time is printed as is.
TIMES = (
    ("mincut-dag", "mincut on the largest built-in DAG"),
    ("game-solve", "best-response solve with certificate, 100 terminals"),
)


@dataclass(frozen=True)
class ComputeInput:
    """Arguments of ``convex.allocate_*``: ``f`` minimising ``sum w ln(a + b / f)`` per BS."""

    assoc: np.ndarray
    a: np.ndarray  # rate-dependent part of each user's delay (transmission + local extraction), s
    b: np.ndarray  # edge cycles of each user's task
    weight: np.ndarray
    low: np.ndarray  # deadline floors (9h)
    capacity: np.ndarray  # F_k

    @property
    def args(self) -> tuple[np.ndarray, ...]:
        return (self.assoc, self.a, self.b, self.weight, self.low, self.capacity)


@dataclass(frozen=True)
class RatesInput:
    """Arguments of ``subcarrier_rates`` / ``subcarrier_rates_reference``."""

    carrier: np.ndarray
    gain: np.ndarray
    power: float
    noise: float
    bandwidth: float

    @property
    def args(self) -> tuple:
        return (self.carrier, self.gain, self.power, self.noise, self.bandwidth)


@pytest.fixture(scope="session")
def paper_problem() -> SemanticOffloading:
    """``semantic-mec`` at paper scale (U=20, K=4, N=32), seed 0."""
    problem = semopt.scenarios.load(SCENARIO, seed=SEED)
    assert problem.gain.shape == (20, 4, 32)
    return problem


@pytest.fixture(scope="session")
def paper_solution(paper_problem: SemanticOffloading) -> Result:
    """``bcd`` with default options on :func:`paper_problem` (also compiles the Numba kernels)."""
    return semopt.solve(paper_problem, "bcd", seed=SEED)


@pytest.fixture(scope="session")
def compute_input(paper_problem: SemanticOffloading, paper_solution: Result) -> ComputeInput:
    """eq 26 as BCD meets it at its end point: that association, those rates and semantic modes."""
    model = paper_problem.model()
    sol = paper_solution.solution
    _, rate = model.rates(sol.carrier)
    a, b = model.compute_coefficients(sol.semantic, rate)
    low, _ = convex.deadline_floors(sol.assoc, a, b, model.terms.deadline, model.capacity)
    return ComputeInput(sol.assoc.copy(), a, b, model.terms.weight.copy(), low, model.capacity.copy())


@pytest.fixture(scope="session")
def rates_input(paper_problem: SemanticOffloading, paper_solution: Result) -> RatesInput:
    """The subcarrier assignment of :func:`paper_solution` on the paper-scale channel."""
    model = paper_problem.model()
    power, noise, bandwidth = model.channel
    return RatesInput(paper_solution.solution.carrier.copy(), model.gain, float(power), float(noise),
                      float(bandwidth))


def _find(benchmarks: list, group: str, param: str | None = None, value: str | None = None):
    for bench in benchmarks:
        if bench and bench.group == group and (param is None or (bench.params or {}).get(param) == value):
            return bench
    return None


def _mean_time(benchmarks: list, group: str, param: str, value: str) -> float | None:
    bench = _find(benchmarks, group, param, value)
    return None if bench is None else float(bench.stats.mean)


def _mean_time_per_user(benchmarks: list, group: str, param: str, value: str) -> float | None:
    bench = _find(benchmarks, group, param, value)
    users = None if bench is None else (bench.extra_info or {}).get("users")
    return None if not users else float(bench.stats.mean) / users


def _ratio_line(label: str, t_fast: float | None, t_ref: float | None) -> str | None:
    if t_fast is None or t_ref is None or t_fast <= 0 or t_ref <= 0:
        return None
    return (f"{label} = {_format_seconds(t_fast)} / {_format_seconds(t_ref)} "
            f"= {t_fast / t_ref:.3g} (fast path {t_ref / t_fast:.3g}x faster)")


def _users_line(bench) -> str | None:
    users = None if bench is None else (bench.extra_info or {}).get("users")
    if not users:
        return None
    mean = float(bench.stats.mean)
    return (f"{bench.group} {bench.name}: {_format_seconds(mean)} for {users} users "
            f"({_format_seconds(mean / users)} per user)")


def _format_seconds(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.4g} {unit}"
    return f"{seconds / 1e-9:.4g} ns"


SCALE_GROUP = "bcd-scale"
SCALE_PLOT = "out/bcd_scale.png"  # under benchmarks/


def scale_rows(benchmarks: list) -> dict[str, dict[int, dict]]:
    """``{path: {users: extra_info + mean time}}`` of the ``bcd-scale`` benchmarks that ran."""
    rows: dict[str, dict[int, dict]] = {}
    for bench in benchmarks:
        if bench and bench.group == SCALE_GROUP and bench.extra_info:
            info = dict(bench.extra_info)
            rows.setdefault(info["path"], {})[int(info["users"])] = {**info, "time": float(bench.stats.mean)}
    return rows


def scale_exponent(rows: dict[int, dict]) -> float | None:
    """Slope of log(time) against log(U), least squares; None with fewer than two sizes."""
    if len(rows) < 2:
        return None
    users = np.array(sorted(rows), dtype=float)
    times = np.array([rows[u]["time"] for u in sorted(rows)])
    return float(np.polyfit(np.log(users), np.log(times), 1)[0])


def scale_lines(rows: dict[str, dict[int, dict]]) -> list[str]:
    lines = ["U     K   N    path         time      per iteration  iterations  swaps scored  accepted  objective"]
    for path in sorted(rows):
        for users in sorted(rows[path]):
            r = rows[path][users]
            lines.append(f"{users:<5} {r['base_stations']:<3} {r['subcarriers']:<4} {path:<12} "
                         f"{_format_seconds(r['time']):>9}  {_format_seconds(r['seconds_per_iteration']):>13}  "
                         f"{r['iterations']:>10}  {r['swaps_scored']:>12}  {r['swaps']:>8}  {r['objective']:.6g}")
    for path in sorted(rows):
        exponent = scale_exponent(rows[path])
        if exponent is not None:
            lines.append(f"{path}: time ~ U^{exponent:.2f} (least squares over U = "
                         f"{', '.join(map(str, sorted(rows[path])))})")
    both = sorted(set(rows.get("incremental", {})) & set(rows.get("full", {})))
    for users in both:
        fast, full = rows["incremental"][users], rows["full"][users]
        lines.append(f"U = {users}: incremental {full['time'] / fast['time']:.3g}x faster than full, same objective: "
                     f"{'yes' if fast['objective'] == full['objective'] else 'NO'}")
    return lines


def plot_scale(rows: dict[str, dict[int, dict]], path: str) -> str:
    """Log-log plot of time against U with each path's fitted exponent; returns the file written."""
    import os

    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 4.2), layout="constrained")
    ax = fig.subplots()
    for name, marker in (("incremental", "o"), ("full", "s")):
        if name not in rows:
            continue
        users = np.array(sorted(rows[name]), dtype=float)
        times = np.array([rows[name][u]["time"] for u in sorted(rows[name])])
        exponent = scale_exponent(rows[name])
        label = f"{name}" + (f" (slope {exponent:.2f})" if exponent is not None else "")
        ax.loglog(users, times, marker=marker, label=label)
    every = sorted({u for name in rows for u in rows[name]})
    ax.set_xticks(every, [str(u) for u in every])
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xlabel("users U (K and N grow with U)")
    ax.set_ylabel("bcd, one start (s)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    ax.set_title("semantic-mec at Table III's user density, seed 0")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fig.savefig(path, dpi=150)
    return path


@pytest.hookimpl(trylast=True)  # after pytest-benchmark's own tables
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print ``fast / reference`` mean-time ratios and :data:`TIMES`; print nothing if the stats are not there."""
    try:
        benchmarks = list(terminalreporter.config._benchmarksession.benchmarks)
        lines = []
        for group, param, fast, reference, label in RATIOS:
            lines.append(_ratio_line(label, _mean_time(benchmarks, group, param, fast),
                                     _mean_time(benchmarks, group, param, reference)))
        for group, param, fast, reference, label in PER_USER_RATIOS:
            for value in (fast, reference):
                lines.append(_users_line(_find(benchmarks, group, param, value)))
            lines.append(_ratio_line(label, _mean_time_per_user(benchmarks, group, param, fast),
                                     _mean_time_per_user(benchmarks, group, param, reference)))
        for group, label in TIMES:
            bench = _find(benchmarks, group)
            if bench is not None:
                network = (bench.extra_info or {}).get("network")
                lines.append(f"{label}{f' ({network})' if network else ''}: {_format_seconds(bench.stats.mean)}")
        lines = [line for line in lines if line]
    except Exception:  # a summary must never fail the run
        return
    if lines:
        terminalreporter.write_sep("-", "fast path / reference path, and single timings (mean times, this run)")
        for line in lines:
            terminalreporter.write_line(line)
    try:
        rows = scale_rows(benchmarks)
        if rows:
            import os

            plot = plot_scale(rows, os.path.join(os.path.dirname(__file__), SCALE_PLOT))
            terminalreporter.write_sep("-", "bcd scaling on semantic-mec (one start, seed 0)")
            for line in [*scale_lines(rows), f"plot: {plot}"]:
                terminalreporter.write_line(line)
    except Exception as exc:  # a summary must never fail the run
        terminalreporter.write_line(f"(no scaling summary: {exc})")
