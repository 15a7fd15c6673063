"""Hostile scenario overrides: every scenario, every override, values no one should pass.

The rule (issue 9): ``scenarios.load(name, **overrides)`` given a bad value raises a
:class:`~semopt.errors.SemoptError` whose message names the override *as the user typed it*, or builds
a valid instance -- within the memory guard -- that validates and that a cheap solver can answer.
Sizes beyond a field's bound or the guard (``SEMOPT_MAX_BYTES``, 2 GiB by default) are refused before
anything is allocated.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pytest
from hostile._support import (
    GUARD,
    REFUSED_PEAK,
    cheap_check,
    describe_exc,
    memory_ceiling,
    memory_guard,
    small,
    traced,
    warm,
)
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

import semopt
from semopt.errors import ScenarioError, SemoptError

NAMES = semopt.scenarios.names()
PAIRS = [(name, key) for name in NAMES for key in sorted(semopt.scenarios.spec(name).overrides)]

NAN, INF = float("nan"), float("inf")
HOSTILE: list[tuple[str, Any]] = [
    ("nan", NAN), ("inf", INF), ("-inf", -INF), ("zero", 0), ("zero_float", 0.0), ("neg_zero", -0.0),
    ("minus_one", -1), ("minus_one_float", -1.0), ("huge_float", 1e308), ("minus_huge_float", -1e308),
    ("tiny_float", 5e-324), ("tiny_normal", 1e-308), ("np_nan", np.float64("nan")), ("np_f32_inf", np.float32("inf")),
    ("int_1e6", 10**6), ("int_1e7", 10**7), ("int_1e9", 10**9), ("int_1e12", 10**12), ("int_2_63", 2**63),
    ("int_2_64", 2**64), ("int_1e30", 10**30), ("int_1e400", 10**400), ("minus_int_1e400", -(10**400)),
    ("np_int_minus_one", np.int64(-1)), ("np_int_huge", np.int64(2**62)), ("half", 0.5), ("two_and_half", 2.5),
    ("empty_str", ""), ("str_abc", "abc"), ("str_number", "1"), ("str_nan", "nan"), ("true", True),
    ("false", False), ("np_true", np.bool_(True)), ("none", None), ("empty_list", []), ("list", [1]),
    ("nested_list", [[1, 2], [3]]), ("tuple", (1,)), ("empty_dict", {}), ("dict", {"a": 1}), ("bytes", b"\xff"),
    ("complex", 1 + 2j), ("array", np.array([1.0, 2.0])), ("set", {1}),
]

# Values that fit no option of this kind: the override must be refused, whatever else is given.
_NEVER = {
    "int": ("nan", "inf", "-inf", "half", "two_and_half", "int_1e400", "minus_int_1e400", "str_abc", "str_number",
            "true", "false", "np_true", "empty_list", "list", "nested_list", "dict", "bytes", "complex", "array",
            "set"),
    "float": ("nan", "inf", "-inf", "np_nan", "np_f32_inf", "int_1e400", "minus_int_1e400", "str_abc",
              "str_number", "str_nan", "true", "false", "np_true", "empty_list", "list", "nested_list", "dict",
              "bytes", "complex", "array", "set"),
    "bool": ("nan", "zero", "minus_one", "str_abc", "str_number", "empty_list", "dict", "bytes", "int_1e400"),
    "choice": ("nan", "zero", "true", "empty_list", "list", "nested_list", "dict", "bytes", "int_1e400", "set"),
}
HOSTILE_BY_ID = dict(HOSTILE)


def _load(name: str, overrides: dict[str, Any]) -> tuple[Any, BaseException | None, int]:
    """``(problem or None, exception or None, tracemalloc peak)`` of one guarded, ceilinged, traced load."""
    warm(name)
    problem, error = None, None
    with memory_guard(GUARD), memory_ceiling(), traced() as box:
        try:
            problem = semopt.scenarios.load(name, **overrides)
        except Exception as exc:  # noqa: BLE001 - sorted out by the caller
            error = exc
    return problem, error, box["peak"]


def _verdict(name: str, key: str, value: Any, overrides: dict[str, Any], *, solve: bool,
             in_hypothesis: bool = False) -> str | None:
    """None when ``load(name, **overrides)`` obeys the rule for the hostile ``key=value``; else what went wrong."""
    problem, error, peak = _load(name, overrides)
    if in_hypothesis:
        event("refused" if error is not None else "accepted")
    if error is not None:
        if not isinstance(error, SemoptError):
            return f"raised {describe_exc(error)}"
        if key not in str(error):
            extras = [k for k in overrides if k != key and k not in small(name)]
            if extras and any(k in str(error) for k in extras):
                return None  # the combination was refused, naming one of the overrides given
            return f"{type(error).__name__} does not name {key!r}: {describe_exc(error)}"
        if peak >= REFUSED_PEAK:
            return f"refused, but only after allocating {peak / 2**20:.1f} MiB"
        return None
    if peak >= GUARD:
        return f"accepted with a peak of {peak / 2**20:.1f} MiB, above the guard of {GUARD / 2**20:.0f} MiB"
    try:
        if solve:
            cheap_check(problem)
        else:
            problem.validate()
    except AssertionError as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001
        return f"accepted, but validate() raised {describe_exc(exc)}"
    return None


# --------------------------------------------------------------------------- the whole grid


@pytest.mark.parametrize(("name", "key"), PAIRS, ids=[f"{n}:{k}" for n, k in PAIRS])
def test_every_hostile_value_of_every_override(name: str, key: str) -> None:
    """Every value of :data:`HOSTILE` for one override: refused naming it, or a valid instance."""
    failures = []
    for label, value in HOSTILE:
        overrides = {**small(name), key: value}
        problem_text = _verdict(name, key, value, overrides, solve=False)
        if problem_text is not None:
            failures.append(f"{key}={label} ({value!r:.40}): {problem_text}")
    assert not failures, f"{name}: {len(failures)} bad outcome(s):\n" + "\n".join(failures)


@pytest.mark.parametrize(("name", "key"), PAIRS, ids=[f"{n}:{k}" for n, k in PAIRS])
def test_values_of_the_wrong_kind_are_refused(name: str, key: str) -> None:
    """A value no option of this kind can take is a ScenarioError naming the override and quoting the value."""
    option = semopt.scenarios.spec(name).overrides[key]
    failures = []
    for label in _NEVER.get(option.kind, ()):
        value = HOSTILE_BY_ID[label]
        try:
            with memory_guard(GUARD), memory_ceiling():
                semopt.scenarios.load(name, **{**small(name), key: value})
        except ScenarioError as exc:
            if key not in str(exc):
                failures.append(f"{label}: message does not name {key!r}: {describe_exc(exc)}")
        except Exception as exc:  # noqa: BLE001
            failures.append(f"{label}: {describe_exc(exc)}")
        else:
            failures.append(f"{label}: {value!r:.40} accepted for a {option.kind} override")
    assert not failures, "\n".join(failures)


# --------------------------------------------------------------------------- hypothesis


def _hostile_strategy() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from([v for _, v in HOSTILE]),
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(min_value=10**6, max_value=10**400),
        st.integers(max_value=-1),
        st.text(max_size=6),
        st.binary(max_size=4),
        st.none(),
        st.booleans(),
        st.lists(st.integers(-3, 3), max_size=3),
        st.lists(st.lists(st.floats(), max_size=2), max_size=2),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    )


@functools.cache
def _safe_extras(name: str) -> tuple[tuple[str, Any], ...]:
    """``(override, value)`` pairs that each load fine on the small instance: the valid company of a hostile value."""
    out = []
    for key, option in sorted(semopt.scenarios.spec(name).overrides.items()):
        if option.kind == "bool":
            candidates: list[Any] = [True, False]
        elif option.kind == "choice":
            candidates = list(option.choices)
        elif key == "seed":
            candidates = [1, 7, 2**31]
        elif option.kind == "float" and isinstance(option.default, float) and option.default:
            candidates = [option.default * 0.5, option.default * 2.0]
        elif option.kind == "float":
            candidates = [0.5, 1.0]
        else:
            candidates = []
        if option.none_ok:
            candidates.append(None)
        for value in candidates:
            try:
                problem = semopt.scenarios.load(name, **{**small(name), key: value})
                problem.validate()
            except Exception:  # noqa: BLE001,S112 - not a safe companion, skip it
                continue
            out.append((key, value))
    return tuple(out)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
@given(data=st.data())
def test_hostile_override_property(name: str, data: st.DataObject) -> None:
    """One hostile override, with up to two valid ones: a SemoptError naming it, or a valid, solvable instance."""
    keys = sorted(semopt.scenarios.spec(name).overrides)
    key = data.draw(st.sampled_from(keys), label="override")
    value = data.draw(_hostile_strategy(), label="value")
    safe = [pair for pair in _safe_extras(name) if pair[0] != key]
    extras = data.draw(st.lists(st.sampled_from(safe), max_size=2, unique_by=lambda p: p[0]) if safe
                       else st.just([]), label="extras")
    overrides = {**small(name), **dict(extras), key: value}
    outcome = _verdict(name, key, value, overrides, solve=True, in_hypothesis=True)
    assert outcome is None, f"load({name!r}, {key}={value!r:.60}, extras={dict(extras)}): {outcome}"


# --------------------------------------------------------------------------- size guards

HUGE_SIZES = [
    ("semantic-mec", "subcarriers", 10**8),
    ("semantic-mec", "users", 10**7),
    ("semantic-mec", "base_stations", 10**8),
    ("semantic-mec", "tasks", 10**9),
    ("semantic-mec-compute-bound", "users", 10**7),
    ("semantic-game", "terminals", 10**8),
    ("semantic-game-conflict", "terminals", 10**8),
    ("semantic-game-heterogeneous", "terminals", 10**8),
    ("semantic-game-fluctuation", "terminals", 10**8),
    ("semantic-game-fluctuation", "steps", 10**9),
    ("split-dynamic", "steps", 10**9),
    ("split-alexnet", "users", 10**8),
    ("split-vgg16", "users", 10**9),
]


@pytest.mark.parametrize(("name", "key", "value"), HUGE_SIZES, ids=[f"{n}:{k}={v:.0e}" for n, k, v in HUGE_SIZES])
def test_huge_sizes_are_refused_before_allocating(name: str, key: str, value: int) -> None:
    """Under the default guard (2 GiB): ScenarioError naming the field and the value, peaking under 50 MiB."""
    warm(name)
    with memory_guard(None), memory_ceiling(), traced() as box:
        try:
            semopt.scenarios.load(name, **{key: value})
        except ScenarioError as exc:
            message = str(exc)
        except Exception as exc:  # noqa: BLE001
            pytest.fail(f"raised {describe_exc(exc)}")
        else:
            pytest.fail(f"{key}={value} accepted")
    assert key in message and str(value) in message, message
    assert box["peak"] < 50 * 2**20, f"refused after allocating {box['peak'] / 2**20:.1f} MiB"


# Sizes under every per-field bound whose instance needs more than 64 MiB (channel gains of
# 50000 x 4 x 64 float64 alone take 98 MiB; a 10**7-step trace 76 MiB).
OVER_A_LOW_GUARD = [
    ("semantic-mec", {"users": 50_000, "base_stations": 4, "subcarriers": 64}, ("users", "subcarriers")),
    ("split-dynamic", {"steps": 10**7}, ("steps",)),
    ("semantic-game-fluctuation", {"terminals": 1000, "steps": 10_000, "change_at": 10}, ("terminals", "steps")),
]


@pytest.mark.parametrize(("name", "overrides", "fields"), OVER_A_LOW_GUARD, ids=[c[0] for c in OVER_A_LOW_GUARD])
def test_a_lowered_guard_refuses_with_an_estimate(name: str, overrides: dict[str, Any],
                                                  fields: tuple[str, ...]) -> None:
    """``SEMOPT_MAX_BYTES`` = 64 MiB: refused, naming the sizes and an estimate, before allocating."""
    warm(name)
    with memory_guard(64 * 2**20), memory_ceiling(), traced() as box:
        try:
            semopt.scenarios.load(name, **overrides)
        except ScenarioError as exc:
            message = str(exc)
        except Exception as exc:  # noqa: BLE001
            pytest.fail(f"raised {describe_exc(exc)}")
        else:
            pytest.fail(f"accepted {overrides} under a 64 MiB guard")
    for field in fields:
        assert field in message and str(overrides[field]) in message, message
    assert any(unit in message for unit in ("GiB", "MiB", "KiB", "bytes")), message
    assert box["peak"] < REFUSED_PEAK, f"refused after allocating {box['peak'] / 2**20:.1f} MiB"


ACCEPTED = [
    ("semantic-mec", {"users": 2000, "subcarriers": 16}),
    ("split-dynamic", {"steps": 100_000}),
    ("semantic-game", {"terminals": 2000, "certify": False}),
    ("semantic-game-fluctuation", {"terminals": 20, "steps": 2000, "change_at": 100}),
    ("split-resnet50", {"users": 1000}),
]


@pytest.mark.parametrize(("name", "overrides"), ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_an_accepted_load_stays_below_the_guard(name: str, overrides: dict[str, Any]) -> None:
    """Under a 64 MiB guard, a mid-sized instance either loads peaking below 64 MiB or is refused cleanly."""
    warm(name)
    problem, refused = None, None
    with memory_guard(64 * 2**20), memory_ceiling(), traced() as box:
        try:
            problem = semopt.scenarios.load(name, **overrides)
        except ScenarioError as exc:
            refused = exc
        except Exception as exc:  # noqa: BLE001
            pytest.fail(f"raised {describe_exc(exc)}")
    if refused is not None:
        assert box["peak"] < REFUSED_PEAK, f"refused ({refused}) after allocating {box['peak'] / 2**20:.1f} MiB"
        return
    assert box["peak"] < 64 * 2**20, f"accepted with a peak of {box['peak'] / 2**20:.1f} MiB"
    problem.validate()


def test_the_guard_is_read_at_call_time() -> None:
    """The same load is refused under SEMOPT_MAX_BYTES = 8 MiB and accepted once it is unset."""
    overrides = {"users": 20_000, "base_stations": 4, "subcarriers": 32}
    warm("semantic-mec")
    with memory_ceiling():
        with memory_guard(8 * 2**20), pytest.raises(ScenarioError, match="users"):
            semopt.scenarios.load("semantic-mec", **overrides)
        with memory_guard(None):
            problem = semopt.scenarios.load("semantic-mec", **overrides)
    assert problem.n_users == 20_000
    with memory_guard(8 * 2**20), pytest.raises(ScenarioError, match="steps"):
        semopt.scenarios.load("split-dynamic", steps=2 * 10**6)


# --------------------------------------------------------------------------- internal names


INTERNAL = [
    # (scenario, override, value, words the message must not contain)
    ("semantic-mec", "noise_dbm_hz", 1e308, ("noise_psd",)),
    ("semantic-mec", "noise_dbm_hz", -1e308, ("noise_psd",)),
    ("semantic-mec", "area", 1e308, ("`distance`",)),
    ("semantic-mec", "shadowing_db", 1e308, ("`gain`",)),
    ("semantic-mec", "carrier_hz", 1e-308, ("`gain`",)),
    ("split-alexnet", "snr_db", 1e308, ("`snr`",)),
    ("split-alexnet", "snr_db", -1e308, ("`snr`",)),
    ("split-b-alexnet", "snr_db", 1e308, ("`snr`",)),
    ("split-dynamic", "snr_db", 1e308, ("`snr`",)),
    ("split-dynamic", "volatility", 1e308, ("`trace`",)),
    ("semantic-game", "snr_db", 1e308, ("channel_gain",)),
    ("semantic-game", "snr_db", -1e308, ("channel_gain",)),
    ("semantic-game", "snr_spread_db", 1e308, ("channel_gain",)),
    ("semantic-game", "fps", 1e-308, ("energy_max",)),
    ("semantic-game", "bandwidth", 1e308, ("`capacity`",)),
    ("semantic-game-fluctuation", "snr_drop_db", 1e308, ("channel_gain",)),
    ("semantic-game-fluctuation", "fps", 1e-308, ("energy_max",)),
]


@pytest.mark.parametrize(("name", "key", "value", "absent"), INTERNAL,
                         ids=[f"{n}:{k}={v:g}" for n, k, v, _ in INTERNAL])
def test_extreme_values_are_named_in_the_users_words(name: str, key: str, value: float,
                                                     absent: tuple[str, ...]) -> None:
    """An extreme value in range is either a valid instance or an error naming the override, not an internal field."""
    with memory_guard(GUARD), memory_ceiling():
        try:
            problem = semopt.scenarios.load(name, **{**small(name), key: value})
        except SemoptError as exc:
            message = str(exc)
        except Exception as exc:  # noqa: BLE001
            pytest.fail(f"raised {describe_exc(exc)}")
        else:
            cheap_check(problem)
            return
    assert key in message, message
    for word in absent:
        assert word not in message, f"names the internal {word}: {message}"
    assert f"{value!r}" in message or f"{value:g}" in message, f"does not quote {value!r}: {message}"


def test_grid_ids_cover_every_override() -> None:
    assert len(PAIRS) == sum(len(semopt.scenarios.spec(n).overrides) for n in NAMES)


def _in_range(option: Any) -> st.SearchStrategy[Any]:
    """Values an option declares valid, biased to the extremes of its range."""
    if option.kind == "bool":
        return st.booleans()
    if option.kind == "choice":
        return st.sampled_from(list(option.choices))
    low = -1e308 if option.low is None else float(option.low)
    high = 1e308 if option.high is None else float(option.high)
    if option.kind == "int":
        lo = int(max(low, -(10**6)))
        hi = int(min(high, 10**6))
        return st.one_of(st.sampled_from(sorted({lo, lo + 1, min(lo + 2, hi), hi})), st.integers(lo, hi))
    edges = [v for v in (low, high, 1e-300, 1e-12, 1.0, 1e12, 1e300, -1e-300, -1e300, 5e-324)
             if low <= v <= high and not (option.low_open and v == low)]
    return st.one_of(st.sampled_from(edges) if edges else st.nothing(),
                     st.floats(low, high, exclude_min=option.low_open, allow_nan=False, allow_infinity=False))


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=25, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
@given(data=st.data())
def test_extreme_in_range_override_property(name: str, data: st.DataObject) -> None:
    """Values the override declares valid, at the extremes of its range: refused naming it, or valid and solvable."""
    options = semopt.scenarios.spec(name).overrides
    key = data.draw(st.sampled_from(sorted(options)), label="override")
    value = data.draw(_in_range(options[key]), label="value")
    overrides = {**small(name), key: value}
    outcome = _verdict(name, key, value, overrides, solve=True, in_hypothesis=True)
    assert outcome is None, f"load({name!r}, {key}={value!r:.60}): {outcome}"
