"""Malformed solutions and problems changed after construction, for every family's ``evaluate``.

The rules (issue 9):

* a malformed Solution (wrong object, wrong shape, ragged, NaN/inf, non-integer choices, strings) is an
  :class:`~semopt.errors.InvalidProblemError` naming ``solution.<field>``; an in-range but infeasible value
  (an index out of range, a negative share) may instead be judged ``feasible=False`` with a named
  violation.  Never another exception, never judged feasible.
* integer-valued fields and choices reject non-integers (``exit`` of 0.7, ``assoc`` of 0.5, a bool field
  given 2); a whole-number float (2.0) may be accepted, and then means the integer.
* a problem changed after construction (a field set to a wrong type, a NaN, a negative deadline, a wrong
  shape, an array changed in place) makes ``evaluate`` raise InvalidProblemError naming that field.
* ``evaluate`` changes neither the problem nor the solution.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hostile._support import FAMILIES, assert_unchanged, describe_exc, instance, snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from semopt.errors import InvalidProblemError
from semopt.problems import (
    DynamicSplitSolution,
    GameSolution,
    GameTraceSolution,
    OffloadingSolution,
    QoESolution,
    SelectionSolution,
    SplitSolution,
)
from semopt.result import Evaluation

# --------------------------------------------------------------------------- fields of every family

# (family, field, kind): kind "int" (indices, choices), "bool", "float".
FIELDS = [
    ("offloading", "assoc", "int"), ("offloading", "carrier", "int"), ("offloading", "semantic", "bool"),
    ("offloading", "compute", "float"),
    ("split", "placement", "bool"), ("split", "exit", "int"), ("split", "bandwidth", "float"),
    ("split", "compute", "float"),
    ("dynamic", "placement", "bool"),
    ("game", "actions", "float"),
    ("trace", "actions", "float"),
    ("qoe", "offload", "bool"), ("qoe", "channel", "int"), ("qoe", "power", "float"), ("qoe", "freq", "float"),
    ("qoe", "mu", "float"),
    ("selection", "model", "int"), ("selection", "bandwidth", "float"), ("selection", "power", "float"),
]
SOLUTION_TYPES = [OffloadingSolution, SplitSolution, DynamicSplitSolution, GameSolution, GameTraceSolution,
                  QoESolution, SelectionSolution]


def judge(problem: Any, solution: Any, field: str | None, *, must_raise: bool) -> Evaluation | None:
    """Evaluate, enforcing the rules; return the Evaluation when it judged rather than raised.

    ``field`` None: the solution object itself is wrong (the message must name ``solution``).
    ``must_raise``: the value is malformed (not merely infeasible), so only InvalidProblemError will do.
    """
    name = "solution" if field is None else f"solution.{field}"
    before_problem, before_solution = snapshot(problem), snapshot(solution)
    try:
        verdict = problem.evaluate(solution)
    except InvalidProblemError as exc:
        assert name in str(exc), f"the message does not name {name!r}: {describe_exc(exc)}"
        verdict = None
    except Exception as exc:  # noqa: BLE001 - any other exception breaks the rule
        pytest.fail(f"evaluate raised {describe_exc(exc)}")
    assert_unchanged(before_problem, problem, "the problem")
    assert_unchanged(before_solution, solution, "the solution")
    if verdict is not None:
        assert not must_raise, f"{name}: a malformed value was judged (feasible={verdict.feasible}) instead of refused"
        assert not verdict.feasible, f"{name}: a hostile value was judged feasible"
        assert verdict.violations and all(isinstance(v, str) and v for v in verdict.violations)
    return verdict


# --------------------------------------------------------------------------- the hostile values


def hostile_for(kind: str, good: np.ndarray) -> list[tuple[str, Any, bool]]:
    """``(label, value, must_raise)`` replacements of a field whose valid value is ``good``."""
    shape = good.shape
    n = good.size
    ragged = [[0] * shape[-1], [0] * (shape[-1] + 1)] if good.ndim >= 1 else [[0], [0, 0]]
    out: list[tuple[str, Any, bool]] = [
        ("none", None, True),
        ("string", "abc", True),
        ("dict", {"a": 1}, True),
        ("object", object(), True),
        ("empty_list", [], True),
        ("scalar", 1, True),
        ("ragged", ragged, True),
        ("ragged_object_array", np.array([np.zeros(2), np.zeros(3)], dtype=object), True),
        ("one_more", np.concatenate([good.ravel(), good.ravel()[:1]]).reshape(-1), True),
        ("flattened" if good.ndim > 1 else "extra_axis", good.ravel() if good.ndim > 1 else good[None, :], True),
        ("strings", np.full(shape, "1"), True),
        ("complex", good.astype(complex) + 1j, True),
        ("list_of_strings", [["x"] * shape[-1]] * shape[0] if good.ndim == 2 else ["x"] * n, True),
    ]
    if good.ndim == 2 and shape[0] != shape[1]:
        out.append(("transposed", good.T.copy(), True))
    if good.ndim == 3:
        out.append(("swapped_axes", np.swapaxes(good, 0, 1).copy(), shape[0] != shape[1]))
    if kind == "int":
        out += [
            ("half", np.full(shape, 0.5), True),
            ("nan", np.full(shape, np.nan), True),
            ("inf", np.full(shape, np.inf), True),
            ("minus_inf", np.full(shape, -np.inf), True),
            ("beyond_int64", np.full(shape, 10**30, dtype=object), True),
            ("float_1e30", np.full(shape, 1e30), False),
            ("uint64_max", np.full(shape, np.iinfo(np.uint64).max, dtype=np.uint64), False),
            ("minus_two", np.full(shape, -2), False),
            ("huge_index", np.full(shape, 10**9), False),
        ]
    elif kind == "bool":
        out += [
            ("two", np.full(shape, 2), True),
            ("minus_one", np.full(shape, -1), True),
            ("half", np.full(shape, 0.5), True),
            ("nan", np.full(shape, np.nan), True),
            ("true_strings", np.full(shape, "True"), True),
        ]
    else:
        out += [
            ("nan", np.full(shape, np.nan), False),
            ("inf", np.full(shape, np.inf), False),
            ("minus_inf", np.full(shape, -np.inf), False),
            ("minus_one", np.full(shape, -1.0), False),
            ("huge", np.full(shape, 1e308), False),
            ("float_strings", np.full(shape, "1.0"), True),
        ]
    return out


CASES = [
    (family, field, kind, label, must_raise)
    for family, field, kind in FIELDS
    for label, _, must_raise in hostile_for(kind, np.asarray(getattr(instance(family)[1], field)))
]


@pytest.mark.parametrize(("family", "field", "kind", "label", "must_raise"), CASES,
                         ids=[f"{f}.{fld}={lab}" for f, fld, _, lab, _ in CASES])
def test_malformed_field(family: str, field: str, kind: str, label: str, must_raise: bool) -> None:
    problem, solution = instance(family)
    value = dict((lab, v) for lab, v, _ in hostile_for(kind, np.asarray(getattr(solution, field))))[label]
    setattr(solution, field, value)
    judge(problem, solution, field, must_raise=must_raise)


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("wrong", ["none", "dict", "string", "other_family", "namespace"])
def test_not_a_solution(family: str, wrong: str) -> None:
    problem, solution = instance(family)
    other = {"offloading": "split", "split": "game", "dynamic": "trace", "game": "offloading", "trace": "dynamic",
             "qoe": "offloading", "selection": "qoe"}
    value = {"none": None, "dict": dict(vars(solution)), "string": "solution",
             "other_family": instance(other[family])[1],
             "namespace": type("Fake", (), dict(vars(solution)))()}[wrong]
    judge(problem, value, None, must_raise=True)


# --------------------------------------------------------------------------- non-integer choices


@pytest.mark.parametrize("value", [0.7, -0.5, 2.9, float("nan"), float("inf"), "1", 1 + 0j],
                         ids=["0.7", "-0.5", "2.9", "nan", "inf", "str", "complex"])
def test_split_exit_rejects_non_integers(value: Any) -> None:
    problem, solution = instance("split")
    solution.exit = np.array([-1, value], dtype=object if isinstance(value, str) else None)
    judge(problem, solution, "exit", must_raise=True)


@pytest.mark.parametrize("field", ["assoc", "carrier"])
@pytest.mark.parametrize("value", [0.5, 1.5, -0.5, float("nan")], ids=["0.5", "1.5", "-0.5", "nan"])
def test_offloading_indices_reject_non_integers(field: str, value: float) -> None:
    problem, solution = instance("offloading")
    arr = np.asarray(getattr(solution, field)).astype(float)
    arr.flat[0] = value
    setattr(solution, field, arr)
    judge(problem, solution, field, must_raise=True)


@pytest.mark.parametrize(("family", "field"), [("offloading", "semantic"), ("split", "placement"),
                                               ("dynamic", "placement")])
@pytest.mark.parametrize("value", [2, -1, 0.5, 255], ids=["2", "-1", "0.5", "255"])
def test_bool_fields_reject_other_numbers(family: str, field: str, value: float) -> None:
    problem, solution = instance(family)
    arr = np.asarray(getattr(solution, field)).astype(np.asarray(value).dtype)
    arr.flat[0] = value
    setattr(solution, field, arr)
    judge(problem, solution, field, must_raise=True)


@pytest.mark.parametrize(("family", "field"), [("offloading", "assoc"), ("offloading", "carrier"),
                                               ("split", "exit")])
def test_whole_number_floats_may_stand_for_integers(family: str, field: str) -> None:
    """2.0 may be accepted; if it is, it means 2 (the same evaluation as the int array)."""
    problem, solution = instance(family)
    expected = problem.evaluate(solution)
    as_float = copy.deepcopy(solution)
    setattr(as_float, field, np.asarray(getattr(solution, field)).astype(float))
    try:
        verdict = problem.evaluate(as_float)
    except InvalidProblemError as exc:
        assert f"solution.{field}" in str(exc)
        return
    assert verdict.feasible == expected.feasible and verdict.objective == pytest.approx(expected.objective)


@pytest.mark.parametrize("exit_value", [-2, 3, 10**9], ids=["minus_two", "n_exits", "huge"])
def test_split_exit_out_of_range_is_a_violation_or_an_error(exit_value: int) -> None:
    problem, solution = instance("split")
    solution.exit = np.array([exit_value, -1])
    judge(problem, solution, "exit", must_raise=False)


# --------------------------------------------------------------------------- hypothesis: random arrays


def _any_array(shape: tuple[int, ...]) -> st.SearchStrategy[Any]:
    dtypes = st.sampled_from([np.float64, np.int64, np.bool_, np.uint8, np.complex128, np.dtype("U2"),
                              np.float32, np.int8])
    shapes = st.one_of(st.just(shape), hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))
    return st.one_of(
        hnp.arrays(dtypes, shapes),
        st.lists(st.one_of(st.integers(), st.floats(), st.text(max_size=2), st.none()), max_size=6),
        st.lists(st.lists(st.integers(-3, 10), max_size=4), max_size=4),
    )


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_random_arrays_never_crash(data: st.DataObject) -> None:
    """Any array in any field: an InvalidProblemError naming it, or an Evaluation -- never another exception."""
    family, field, _ = data.draw(st.sampled_from(FIELDS), label="field")
    problem, solution = instance(family)
    value = data.draw(_any_array(np.shape(getattr(solution, field))), label="value")
    setattr(solution, field, value)
    before_problem = snapshot(problem)
    try:
        verdict = problem.evaluate(solution)
    except InvalidProblemError as exc:
        assert f"solution.{field}" in str(exc), describe_exc(exc)
        return
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"{family}: solution.{field} = {value!r:.80}: evaluate raised {describe_exc(exc)}")
    assert_unchanged(before_problem, problem, "the problem")
    assert isinstance(verdict, Evaluation)
    assert verdict.feasible == (not verdict.violations)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_one_poisoned_entry_is_never_feasible(data: st.DataObject) -> None:
    """A single NaN, inf or non-integer in an otherwise feasible solution is refused or judged infeasible."""
    family, field, kind = data.draw(st.sampled_from(FIELDS), label="field")
    problem, solution = instance(family)
    arr = np.asarray(getattr(solution, field)).astype(float)
    index = data.draw(st.integers(0, arr.size - 1), label="index")
    poison = data.draw(st.sampled_from([np.nan, np.inf, -np.inf] + ([0.5, 0.25, -0.5] if kind != "float"
                                                                      else [-1.0, 1e308])), label="poison")
    arr.flat[index] = poison
    setattr(solution, field, arr)
    judge(problem, solution, field, must_raise=kind != "float")


# --------------------------------------------------------------------------- problems changed after construction


@dataclass(frozen=True)
class Mutation:
    id: str
    family: str
    field: str  # the word the message must contain
    apply: Callable[[Any], None]


def _set(attr: str, value: Any) -> Callable[[Any], None]:
    def apply(problem: Any) -> None:
        target = problem
        *path, last = attr.split(".")
        for part in path:
            target = getattr(target, part)
        setattr(target, last, value() if callable(value) else value)
    return apply


def _poke(attr: str, index: Any, value: Any) -> Callable[[Any], None]:
    def apply(problem: Any) -> None:
        target = problem
        for part in attr.split("."):
            target = getattr(target, part)
        target[index] = value
    return apply


def _reshape(attr: str, how: Callable[[np.ndarray], Any]) -> Callable[[Any], None]:
    def apply(problem: Any) -> None:
        target = problem
        *path, last = attr.split(".")
        for part in path:
            target = getattr(target, part)
        setattr(target, last, how(np.asarray(getattr(target, last))))
    return apply


MUTATIONS = [
    # offloading
    Mutation("offloading.deadline[0]=-1", "offloading", "deadline", _poke("deadline", 0, -1.0)),
    Mutation("offloading.deadline[0]=nan", "offloading", "deadline", _poke("deadline", 0, np.nan)),
    Mutation("offloading.deadline=str", "offloading", "deadline", _set("deadline", "soon")),
    Mutation("offloading.gain=none", "offloading", "gain", _set("gain", None)),
    Mutation("offloading.gain[0,0,0]=nan", "offloading", "gain", _poke("gain", (0, 0, 0), np.nan)),
    Mutation("offloading.gain[0,0,0]=-1", "offloading", "gain", _poke("gain", (0, 0, 0), -1.0)),
    Mutation("offloading.gain_2d", "offloading", "gain", _reshape("gain", lambda a: a[:, :, 0])),
    Mutation("offloading.edge_capacity_wrong_shape", "offloading", "edge_capacity",
             _set("edge_capacity", lambda: np.ones(5))),
    Mutation("offloading.edge_capacity[0]=0", "offloading", "edge_capacity", _poke("edge_capacity", 0, 0.0)),
    Mutation("offloading.local_capacity[0]=-1", "offloading", "local_capacity", _poke("local_capacity", 0, -1.0)),
    Mutation("offloading.task[0]=99", "offloading", "task", _poke("task", 0, 99)),
    Mutation("offloading.task_float", "offloading", "task", _reshape("task", lambda a: a + 0.5)),
    Mutation("offloading.compression[0]=0.5", "offloading", "compression", _poke("compression", 0, 0.5)),
    Mutation("offloading.priority[0]=nan", "offloading", "priority", _poke("priority", 0, np.nan)),
    Mutation("offloading.data_bits=empty", "offloading", "data_bits", _set("data_bits", lambda: np.array([]))),
    Mutation("offloading.noise_psd=nan", "offloading", "noise_psd", _set("noise_psd", float("nan"))),
    Mutation("offloading.power=-1", "offloading", "power", _set("power", -1.0)),
    Mutation("offloading.bandwidth=str", "offloading", "bandwidth", _set("bandwidth", "32 MHz")),
    Mutation("offloading.bandwidth=none", "offloading", "bandwidth", _set("bandwidth", None)),
    Mutation("offloading.reward=eq9", "offloading", "reward", _set("reward", "eq9")),
    Mutation("offloading.reward_scale=0", "offloading", "reward_scale", _set("reward_scale", 0.0)),
    Mutation("offloading.recognition_flops[0]=inf", "offloading", "recognition_flops",
             _poke("recognition_flops", 0, np.inf)),
    # split
    Mutation("split.device_flops[0]=nan", "split", "device_flops", _poke("device_flops", 0, np.nan)),
    Mutation("split.device_flops=none", "split", "device_flops", _set("device_flops", None)),
    Mutation("split.device_flops_ragged", "split", "device_flops", _set("device_flops", [[1e9, 2e9], [3e9]])),
    Mutation("split.snr[0]=-1", "split", "snr", _poke("snr", 0, -1.0)),
    Mutation("split.snr_wrong_shape", "split", "snr", _set("snr", lambda: np.ones(5))),
    Mutation("split.memory=str", "split", "memory", _set("memory", "4 GB")),
    Mutation("split.deadline=-1", "split", "deadline", _set("deadline", -1.0)),
    Mutation("split.deadline[0]=nan", "split", "deadline", _poke("deadline", 0, np.nan)),
    Mutation("split.energy_budget[0]=-1", "split", "energy_budget", _poke("energy_budget", 0, -1.0)),
    Mutation("split.bandwidth=nan", "split", "bandwidth", _set("bandwidth", float("nan"))),
    Mutation("split.edge_flops=-5", "split", "edge_flops", _set("edge_flops", -5.0)),
    Mutation("split.objective=speed", "split", "objective", _set("objective", "speed")),
    Mutation("split.weights=nan", "split", "weights", _set("weights", (float("nan"), 1.0))),
    Mutation("split.network=none", "split", "network", _set("network", None)),
    Mutation("split.network=str", "split", "network", _set("network", "alexnet")),
    Mutation("split.exit_accuracy[0]=2", "split", "exit_accuracy", _poke("exit_accuracy", 0, 2.0)),
    Mutation("split.tx_power[1]=-1", "split", "tx_power", _poke("tx_power", 1, -1.0)),
    # dynamic split
    Mutation("dynamic.trace[0]=-1", "dynamic", "trace", _poke("trace", 0, -1.0)),
    Mutation("dynamic.trace[0]=nan", "dynamic", "trace", _poke("trace", 0, np.nan)),
    Mutation("dynamic.trace=str", "dynamic", "trace", _set("trace", "fast")),
    Mutation("dynamic.trace_2d", "dynamic", "trace", _reshape("trace", lambda a: a[:, None])),
    Mutation("dynamic.reconfiguration=-1", "dynamic", "reconfiguration", _set("reconfiguration", -1.0)),
    Mutation("dynamic.base=none", "dynamic", "base", _set("base", None)),
    Mutation("dynamic.base.snr[0]=nan", "dynamic", "snr", _poke("base.snr", 0, np.nan)),
    Mutation("dynamic.base.device_flops=0", "dynamic", "device_flops", _set("base.device_flops", 0.0)),
    # game
    Mutation("game.low[0,0]=-1", "game", "low", _poke("low", (0, 0), -1.0)),
    Mutation("game.high[0,0]=2", "game", "high", _poke("high", (0, 0), 2.0)),
    Mutation("game.low_wrong_shape", "game", "low", _reshape("low", lambda a: a[:, :2])),
    Mutation("game.weights[0,0]=nan", "game", "weights", _poke("weights", (0, 0), np.nan)),
    Mutation("game.channel_gain_short", "game", "channel_gain", _reshape("channel_gain", lambda a: a[:2])),
    Mutation("game.channel_gain[0]=0", "game", "channel_gain", _poke("channel_gain", 0, 0.0)),
    Mutation("game.energy_max[0]=-1", "game", "energy_max", _poke("energy_max", 0, -1.0)),
    Mutation("game.interference=str", "game", "interference", _set("interference", "x")),
    Mutation("game.capacity=0", "game", "capacity", _set("capacity", 0.0)),
    Mutation("game.frame_period=nan", "game", "frame_period", _set("frame_period", float("nan"))),
    Mutation("game.fidelity_max=2", "game", "fidelity_max", _set("fidelity_max", 2.0)),
    Mutation("game.certify=str", "game", "certify", _set("certify", "yes")),
    Mutation("game.model=none", "game", "model", _set("model", None)),
    # game trace
    Mutation("trace.channel_gain[0,0]=nan", "trace", "channel_gain", _poke("channel_gain", (0, 0), np.nan)),
    Mutation("trace.channel_gain_short", "trace", "channel_gain", _reshape("channel_gain", lambda a: a[:, :2])),
    Mutation("trace.weights_wrong_shape", "trace", "weights", _reshape("weights", lambda a: a[:, :, :2])),
    Mutation("trace.weights[0,0,0]=-1", "trace", "weights", _poke("weights", (0, 0, 0), -1.0)),
    Mutation("trace.base=none", "trace", "base", _set("base", None)),
    Mutation("trace.base.low[0,0]=-1", "trace", "low", _poke("base.low", (0, 0), -1.0)),
    # qoe
    Mutation("qoe.gain[0,0]=nan", "qoe", "gain", _poke("gain", (0, 0), np.nan)),
    Mutation("qoe.energy_max[0]=-1", "qoe", "energy_max", _poke("energy_max", (0,), -1.0)),
    Mutation("qoe.mu_min[0]=0", "qoe", "mu_min", _poke("mu_min", (0,), 0.0)),
    Mutation("qoe.weights[0,0]=5", "qoe", "weights", _poke("weights", (0, 0), 5.0)),
    Mutation("qoe.server_energy=bogus", "qoe", "server_energy", _set("server_energy", "bogus")),
    Mutation("qoe.bandwidth=string", "qoe", "bandwidth", _set("bandwidth", "10 MHz")),
    # model selection
    Mutation("selection.gain[0]=0", "selection", "gain", _poke("gain", (0,), 0.0)),
    Mutation("selection.latency_max[0]=-1", "selection", "latency_max", _poke("latency_max", (0,), -1.0)),
    Mutation("selection.model_time[0]=nan", "selection", "model_time", _poke("model_time", (0,), np.nan)),
    Mutation("selection.data_bits_short", "selection", "model_power", _reshape("data_bits", lambda a: a[:2])),
    Mutation("selection.eps=0", "selection", "eps", _set("eps", 0.0)),
    Mutation("selection.power_budget=bogus", "selection", "power_budget", _set("power_budget", "bogus")),
    Mutation("selection.model_names=list", "selection", "model_names", _set("model_names", ["a", "b", "c", "d"])),
]


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.id for m in MUTATIONS])
def test_a_problem_changed_after_construction_is_caught_by_evaluate(mutation: Mutation) -> None:
    problem, solution = instance(mutation.family)
    mutation.apply(problem)
    try:
        verdict = problem.evaluate(solution)
    except InvalidProblemError as exc:
        assert mutation.field in str(exc), f"does not name {mutation.field!r}: {describe_exc(exc)}"
        assert "solution." not in str(exc), f"blames the solution, not the problem: {describe_exc(exc)}"
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"evaluate raised {describe_exc(exc)}")
    else:
        pytest.fail(f"a broken problem judged the solution: feasible={verdict.feasible}, "
                    f"objective={verdict.objective!r}")


def test_a_problem_reshaped_into_another_valid_one_says_the_solution_no_longer_fits() -> None:
    # Two subcarriers of gains make a valid, smaller problem: nothing in it is broken, so evaluate judges
    # against it and names the solution field whose shape no longer matches.
    problem, solution = instance("offloading")
    problem.gain = problem.gain[:, :, :2]
    with pytest.raises(InvalidProblemError, match=r"`solution.carrier` must have shape \(\d+, 2\)"):
        problem.evaluate(solution)
    assert problem.n_subcarriers == 2


def test_mutation_ids_are_unique() -> None:
    assert len({m.id for m in MUTATIONS}) == len(MUTATIONS)
    assert len({(f, fld, lab) for f, fld, _, lab, _ in CASES}) == len(CASES)
    assert {type(instance(f)[1]) for f in FAMILIES} == set(SOLUTION_TYPES)
