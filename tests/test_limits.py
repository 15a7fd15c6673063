"""The memory guard: estimates checked against real allocations, refusals that allocate nothing."""

from __future__ import annotations

import tracemalloc

import pytest

import semopt
from semopt.errors import ScenarioError, SemoptError, SolverError
from semopt.limits import DEFAULT_MAX_BYTES, ENV_VAR, format_bytes, max_bytes

# (scenario, overrides large enough that the sized arrays dominate the peak)
SIZED = [
    ("semantic-mec", {"users": 300, "subcarriers": 512}),
    ("semantic-mec", {"users": 50, "base_stations": 16, "subcarriers": 256}),
    ("semantic-mec", {"users": 2, "subcarriers": 2, "tasks": 20_000}),
    ("split-alexnet", {"users": 20_000}),
    ("split-dynamic", {"steps": 200_000}),
    ("semantic-game", {"terminals": 20_000}),
    ("semantic-game-fluctuation", {"terminals": 60, "steps": 10_000}),
    ("model-selection", {"users": 100_000}),
]


def _peak(name: str, overrides: dict) -> int:
    semopt.scenarios.load(name, **overrides)  # warm up: imports and compiled kernels are not the instance
    tracemalloc.start()
    try:
        semopt.scenarios.load(name, **overrides)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(("name", "overrides"), SIZED, ids=[f"{n}-{'-'.join(map(str, o.values()))}" for n, o in SIZED])
def test_footprint_bounds_the_real_peak_and_is_not_wildly_loose(name: str, overrides: dict) -> None:
    spec = semopt.scenarios.spec(name)
    params = {key: opt.default for key, opt in spec.overrides.items()} | overrides
    estimate = spec.footprint(params).total
    peak = _peak(name, overrides)
    assert peak <= estimate, f"{name}: real peak {format_bytes(peak)} above the estimate {format_bytes(estimate)}"
    assert estimate <= 4 * peak + 2**21, f"{name}: estimate {format_bytes(estimate)} vs peak {format_bytes(peak)}"


@pytest.mark.parametrize(("name", "overrides", "fields"), [
    ("semantic-mec", {"users": 100_000, "subcarriers": 100_000}, ("users", "subcarriers")),
    ("semantic-mec", {"base_stations": 10_000, "subcarriers": 10_000}, ("base_stations", "subcarriers")),
    ("semantic-game-fluctuation", {"terminals": 1000, "steps": 1_000_000}, ("terminals", "steps")),
])
def test_beyond_the_guard_is_refused_before_allocating(name: str, overrides: dict, fields: tuple) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(ScenarioError) as err:
            semopt.scenarios.load(name, **overrides)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**20
    message = str(err.value)
    assert "GiB" in message and ENV_VAR in message
    for field in fields:
        assert f"{field}={overrides[field]!r}" in message


@pytest.mark.parametrize(("name", "field", "value"), [
    ("semantic-mec", "subcarriers", 10**8),
    ("semantic-mec", "users", 10**7),
    ("semantic-game", "terminals", 10**8),
    ("split-dynamic", "steps", 10**9),
    ("semantic-game-fluctuation", "steps", 10**9),
    ("split-alexnet", "users", 10**9),
])
def test_each_size_has_a_ceiling_named_in_the_message(name: str, field: str, value: int) -> None:
    with pytest.raises(ScenarioError, match=rf"'{field}' override .* got {value}\."):
        semopt.scenarios.load(name, **{field: value})


def test_the_guard_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert max_bytes() == DEFAULT_MAX_BYTES
    semopt.scenarios.load("semantic-mec", users=200, subcarriers=256)
    monkeypatch.setenv(ENV_VAR, str(2**20))
    with pytest.raises(ScenarioError, match="1 MiB"):
        semopt.scenarios.load("semantic-mec", users=200, subcarriers=256)
    for bad in ("lots", "-5", "0", "nan"):
        monkeypatch.setenv(ENV_VAR, bad)
        with pytest.raises(SemoptError, match=ENV_VAR):
            max_bytes()


def test_a_solvers_working_set_is_guarded_too(monkeypatch: pytest.MonkeyPatch) -> None:
    prob = semopt.scenarios.load("split-dynamic", steps=20_000)
    assert "dp" in semopt.available_solvers(prob)
    monkeypatch.setenv(ENV_VAR, str(2**20))  # dp's tables: 20 000 steps x 23 candidates x 16 bytes = 7 MiB
    assert "dp" not in semopt.available_solvers(prob)
    with pytest.raises(SolverError, match=r"20000 steps x \d+ candidate device sets .* memory guard of 1 MiB"):
        semopt.solve(prob, "dp")
