"""A catalogue of named bad inputs, one per line, across every public entry point.

Each entry says what is bad (its id), how to call it, the :class:`~semopt.errors.SemoptError` subclass
expected, and the words its one-line message must contain: the field as the user typed it and the bad
value (and, where it matters, internal names it must *not* contain).  CLI entries must print exactly
one line on standard error starting ``semopt: error:`` and exit with status 2.  Entries that act on a
problem or a solution also check that the bad call changed neither.
"""

from __future__ import annotations

import dataclasses
import itertools
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hostile._support import (
    assert_unchanged,
    describe_exc,
    instance,
    memory_ceiling,
    memory_guard,
    small,
    snapshot,
)

import semopt
from semopt.bench.sweep import ArgumentError, SweepError
from semopt.cli import main
from semopt.errors import InvalidProblemError, ScenarioError, SemoptError, SolverError
from semopt.problems import (
    DynamicSplit,
    GameSolution,
    GameTrace,
    GameTraceSolution,
    OffloadingSolution,
    SemanticGame,
    SemanticOffloading,
    SplitInference,
    SplitSolution,
)

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Bad:
    """One named bad input: ``call(tmp_path)`` must raise ``error`` whose one-line message has ``contains``."""

    id: str
    call: Callable[[Path], Any]
    error: type[SemoptError]
    contains: tuple[str, ...]
    absent: tuple[str, ...] = ()


@dataclass(frozen=True)
class BadCli:
    """One named bad command line: exit status 2, one stderr line ``semopt: error: ...`` with ``contains``."""

    id: str
    argv: Callable[[Path], list[str]]
    contains: tuple[str, ...]
    absent: tuple[str, ...] = ()


CATALOGUE: list[Bad] = []
CLI: list[BadCli] = []


def add(id: str, call: Callable[[Path], Any], error: type[SemoptError], *contains: str,
        absent: tuple[str, ...] = ()) -> None:
    CATALOGUE.append(Bad(id, call, error, tuple(contains), absent))


def keeping(*subjects: Any) -> Callable[[Callable[[], Any]], Callable[[Path], Any]]:
    """Wrap a call so that it also checks ``subjects`` (problems, solutions) come out unchanged."""

    def wrap(fn: Callable[[], Any]) -> Callable[[Path], Any]:
        def call(_: Path) -> Any:
            before = [snapshot(s) for s in subjects]
            try:
                return fn()
            finally:
                for subject, picture in zip(subjects, before, strict=True):
                    assert_unchanged(picture, subject, type(subject).__name__)
        return call

    return wrap


# =========================================================================== scenarios.load

load = semopt.scenarios.load
NAN, INF = float("nan"), float("inf")


def _label(value: Any) -> str:
    """A short id for a value: ``10**8``, ``array``, ``1e+308``, ``'3'``."""
    if isinstance(value, np.ndarray):
        return "array"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**6:
        digits = len(str(abs(value))) - 1
        if abs(value) == 10**digits:
            return f"{'-' if value < 0 else ''}10**{digits}"
    return repr(value)


def add_load(id: str, name: Any, overrides: dict[str, Any], *contains: str, absent: tuple[str, ...] = (),
             base: bool = True, error: type[SemoptError] = ScenarioError) -> None:
    """``load(name, **small(name), **overrides)`` (the small base keeps accepted builds cheap)."""
    given = {**(small(name) if base and isinstance(name, str) else {}), **overrides}
    add(f"load:{id}", lambda _: load(name, **given), error, *contains, absent=absent)


add_load("unknown_scenario_name", "semantic-mecc", {}, "semantic-mecc")
add_load("scenario_name_int", 5, {}, "5")
add_load("scenario_name_none", None, {}, "None")
add_load("scenario_name_list", ["semantic-mec"], {}, "semantic-mec")
add_load("scenario_name_empty", "", {}, "''")
add_load("unknown_override_userz", "semantic-mec", {"userz": 3}, "userz")
add_load("unknown_override_empty_name", "semantic-mec", {"": 3}, "''")

MEC = "semantic-mec"
for key, value, words, absent in [
    ("users", 0, ("0",), ()),
    ("users", -1, ("-1",), ()),
    ("users", 2.5, ("2.5",), ()),
    ("users", "3", ("'3'",), ()),
    ("users", True, ("True",), ()),
    ("users", None, ("None",), ()),
    ("users", NAN, ("nan",), ()),
    ("users", INF, ("inf",), ()),
    ("users", 10**400, ("1000000000",), ()),
    ("users", [3], ("[3]",), ()),
    ("users", 10**7, ("10000000",), ()),
    ("subcarriers", 10**8, ("100000000",), ()),
    ("base_stations", 0, ("0",), ()),
    ("base_stations", 10**8, ("100000000",), ()),
    ("tasks", 0, ("0",), ()),
    ("exits", 4, ("4",), ()),
    ("exits", 1.5, ("1.5",), ()),
    ("edge_capacity", 0, ("0",), ()),
    ("edge_capacity", -1.0, ("-1",), ()),
    ("edge_capacity", NAN, ("nan",), ()),
    ("edge_capacity", "fast", ("fast",), ()),
    ("local_capacity", INF, ("inf",), ()),
    ("bandwidth", -1e6, ("-1000000",), ()),
    ("power", 0.0, ("0",), ()),
    ("noise_dbm_hz", 1e308, ("1e+308",), ("noise_psd",)),
    ("noise_dbm_hz", NAN, ("nan",), ("noise_psd",)),
    ("noise_dbm_hz", "-174 dBm", ("-174 dBm",), ()),
    ("carrier_hz", 0.0, ("0",), ()),
    ("carrier_hz", -2.4e9, ("-2400000000",), ()),
    ("area", 0.0, ("0",), ()),
    ("area", 1e308, ("1e+308",), ("`distance`",)),
    ("shadowing_db", -1.0, ("-1",), ()),
    ("shadowing_db", 1e308, ("1e+308",), ("`gain`",)),
    ("fading", 1, ("1",), ()),
    ("fading", "yes", ("yes",), ()),
    ("reward", "eq9", ("eq9",), ()),
    ("reward", None, ("None",), ()),
    ("reward", np.array(["eq8", "priority"]), ("eq8",), ()),
    ("compression_max", 1.0, ("1",), ()),
    ("reward_scale", 0.0, ("0",), ()),
    ("reward_offset", INF, ("inf",), ()),
    ("seed", -1, ("-1",), ()),
    ("seed", 2.5, ("2.5",), ()),
    ("seed", "0", ("'0'",), ()),
    ("seed", True, ("True",), ()),
    ("seed", 10**400, ("1000000000",), ()),
]:
    add_load(f"{MEC}:{key}={_label(value)}", MEC, {key: value}, key, *words, absent=absent)

add_load("semantic-mec-compute-bound:users=10**7", "semantic-mec-compute-bound", {"users": 10**7}, "users",
         "10000000")

ALEX = "split-alexnet"
for key, value, words, absent in [
    ("network", "lenet", ("lenet",), ()),
    ("network", None, ("None",), ()),
    ("network", np.array([1, 2]), ("network",), ()),
    ("users", 0, ("0",), ()),
    ("users", 10**8, ("100000000",), ()),
    ("bandwidth", 0.0, ("0",), ()),
    ("snr_db", 1e308, ("1e+308",), ("`snr`",)),
    ("snr_db", -1e308, ("-1e+308",), ("`snr`",)),
    ("snr_db", NAN, ("nan",), ("`snr`",)),
    ("device_flops", 0.0, ("0",), ()),
    ("device_power", -1.0, ("-1",), ()),
    ("memory", -1.0, ("-1",), ()),
    ("tx_power", NAN, ("nan",), ()),
    ("edge_flops", 0.0, ("0",), ()),
    ("objective", "speed", ("speed",), ()),
    ("objective", "accuracy", ("accuracy",), ("`exit_accuracy`",)),
    ("energy_budget", 0.0, ("0",), ()),
    ("energy_budget", "1 J", ("1 J",), ()),
    ("deadline", -1.0, ("-1",), ()),
    ("deadline", NAN, ("nan",), ()),
    ("seed", -1, ("-1",), ()),
]:
    add_load(f"{ALEX}:{key}={_label(value)}", ALEX, {key: value}, key, *words, absent=absent)

add_load("split-b-alexnet:snr_db=1e308", "split-b-alexnet", {"snr_db": 1e308}, "snr_db", "1e+308", absent=("`snr`",))
add_load("split-vgg16:users=10**9", "split-vgg16", {"users": 10**9}, "users", "1000000000")

DYN = "split-dynamic"
for key, value, words, absent in [
    ("steps", 0, ("0",), ()),
    ("steps", 10**9, ("1000000000",), ()),
    ("volatility", -1.0, ("-1",), ()),
    ("volatility", 1e308, ("1e+308",), ("`trace`",)),
    ("reconfiguration", -1.0, ("-1",), ()),
    ("bandwidth", 0.0, ("0",), ()),
    ("snr_db", 1e308, ("1e+308",), ("`snr`",)),
    ("users", 2, (), ()),  # not an override of split-dynamic
]:
    add_load(f"{DYN}:{key}={_label(value)}", DYN, {key: value}, key, *words, absent=absent)

GAME = "semantic-game"
for key, value, words, absent in [
    ("terminals", 0, ("0",), ()),
    ("terminals", 10**8, ("100000000",), ()),
    ("device", "nano", ("nano",), ()),
    ("device", np.array(["rpi4"]), ("device",), ()),
    ("battery", 0.0, ("0",), ()),
    ("battery", 1.5, ("1.5",), ()),
    ("priority_spread", 2.0, ("2",), ()),
    ("snr_db", 1e308, ("1e+308",), ("channel_gain",)),
    ("snr_db", -1e308, ("-1e+308",), ("channel_gain",)),
    ("fps", 1e-308, ("1e-308",), ("energy_max",)),
    ("bandwidth", 1e308, ("1e+308",), ("`capacity`",)),
    ("snr_spread_db", 1e308, ("1e+308",), ("channel_gain",)),
    ("certify", "yes", ("yes",), ()),
    ("certify", 1, ("1",), ()),
    ("interference", -1.0, ("-1",), ()),
    ("gamma", NAN, ("nan",), ()),
]:
    add_load(f"{GAME}:{key}={_label(value)}", GAME, {key: value}, key, *words, absent=absent)

for name in ("semantic-game-conflict", "semantic-game-heterogeneous"):
    add_load(f"{name}:terminals=10**8", name, {"terminals": 10**8}, "terminals", "100000000")

FLUCT = "semantic-game-fluctuation"
for key, value, words, absent in [
    ("steps", 1, ("1",), ()),
    ("steps", 10**9, ("1000000000",), ()),
    ("terminals", 10**8, ("100000000",), ()),
    ("change_at", 0, ("0",), ()),
    ("battery_after", 0.0, ("0",), ()),
    ("snr_drop_db", -1.0, ("-1",), ()),
    ("snr_drop_db", 1e308, ("1e+308",), ("channel_gain",)),
    ("battery", 0.5, (), ()),  # not an override of the trace
    ("certify", True, (), ()),  # nor this
]:
    add_load(f"{FLUCT}:{key}={_label(value)}", FLUCT, {key: value}, key, *words, absent=absent)
add_load(f"{FLUCT}:change_at=steps", FLUCT, {"steps": 10, "change_at": 10}, "change_at", "10", base=False)


# =========================================================================== TOML files


def add_toml(id: str, data: bytes, *contains: str, reader: str = "load_toml") -> None:
    def call(tmp: Path) -> Any:
        path = tmp / f"{id}.toml"
        path.write_bytes(data)
        return getattr(semopt.scenarios, reader)(path)
    add(f"toml:{id}", call, ScenarioError, *contains)


MEC_LINE = b'scenario = "semantic-mec"\n'
add_toml("latin1", 'scenario = "semantic-mec"\nreward = "priorit\u00e9"\n'.encode("latin-1"), "latin1.toml")
add_toml("utf16_bom", 'scenario = "semantic-mec"\n'.encode("utf-16"), "utf16_bom.toml")
add_toml("invalid_syntax", b"scenario = \n", "invalid_syntax.toml")
add_toml("scenario_int", b"scenario = 5\n", "scenario", "5")
add_toml("scenario_missing", b"users = 3\n", "scenario")
add_toml("scenario_unknown", b'scenario = "semantic-mecc"\n', "semantic-mecc")
add_toml("scenario_table", b'[scenario]\nname = "semantic-mec"\n', "scenario", reader="read_toml")
add_toml("unknown_key", MEC_LINE + b"userz = 3\n", "userz")
add_toml("users_table", MEC_LINE + b"[users]\nn = 3\n", "users")
add_toml("users_array", MEC_LINE + b"users = [3]\n", "users", "[3]")
add_toml("users_datetime", MEC_LINE + b"users = 1979-05-27T07:32:00Z\n", "users", "1979")
add_toml("users_string", MEC_LINE + b'users = "3"\n', "users", "'3'")
add_toml("users_bool", MEC_LINE + b"users = true\n", "users", "True")
add_toml("bandwidth_nan", MEC_LINE + b"bandwidth = nan\n", "bandwidth", "nan")
add_toml("deep_arrays", MEC_LINE + b"users = " + b"[" * 5000 + b"]" * 5000 + b"\n", "deep_arrays.toml")
add_toml("noise_huge", MEC_LINE + b"noise_dbm_hz = 1e308\n", "noise_dbm_hz", "1e+308")


def _path_call(path: Any) -> Callable[[Path], Any]:
    return lambda tmp: semopt.scenarios.load_toml(path(tmp) if callable(path) else path)


def _toml_then(tmp: Path, **overrides: Any) -> Any:
    path = tmp / "ok.toml"
    path.write_text('scenario = "semantic-mec"\nusers = 3\n', encoding="utf-8")
    return semopt.scenarios.load_toml(path, **overrides)


add("toml:keyword_override_negative", lambda tmp: _toml_then(tmp, users=-1), ScenarioError, "users", "-1")
add("toml:keyword_override_nan", lambda tmp: _toml_then(tmp, bandwidth=NAN), ScenarioError, "bandwidth", "nan")
add("toml:keyword_override_unknown", lambda tmp: _toml_then(tmp, userz=3), ScenarioError, "userz")
add("describe:unknown_scenario", lambda _: semopt.scenarios.describe("nope"), ScenarioError, "nope")
add("spec:scenario_name_int", lambda _: semopt.scenarios.spec(5), ScenarioError, "5")
add("toml:path_none", _path_call(None), ScenarioError, "None")
add("toml:path_float", _path_call(3.5), ScenarioError, "3.5")
add("toml:path_is_a_directory", _path_call(lambda tmp: tmp), ScenarioError, "Cannot read")
add("toml:missing_file", _path_call(lambda tmp: tmp / "missing.toml"), ScenarioError, "missing.toml")


# =========================================================================== problem constructors


def kwargs(family: str) -> dict[str, Any]:
    """The constructor arguments of a small valid instance (copies)."""
    problem, _ = instance(family)
    return {f.name: getattr(problem, f.name) for f in dataclasses.fields(problem) if f.init}


CLASSES = {"offloading": SemanticOffloading, "split": SplitInference, "dynamic": DynamicSplit,
           "game": SemanticGame, "trace": GameTrace}


def add_ctor(family: str, id: str, change: Callable[[dict[str, Any]], Any] | dict[str, Any], *contains: str) -> None:
    def call(_: Path) -> Any:
        args = kwargs(family)
        if callable(change):
            change(args)
        else:
            args.update(change)
        return CLASSES[family](**args)
    add(f"ctor:{family}:{id}", call, InvalidProblemError, *contains)


def _poke(field: str, index: Any, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(args: dict[str, Any]) -> None:
        arr = np.array(args[field], dtype=float)
        arr[index] = value
        args[field] = arr
    return change


def _map(field: str, how: Callable[[np.ndarray], Any]) -> Callable[[dict[str, Any]], None]:
    def change(args: dict[str, Any]) -> None:
        args[field] = how(np.asarray(args[field]))
    return change


# offloading: 3 users, 2 BSs, 4 subcarriers, 3 tasks
add_ctor("offloading", "gain_none", {"gain": None}, "gain", "None")
add_ctor("offloading", "gain_ragged", {"gain": [[[1.0, 2.0]], [[3.0]]]}, "gain", "[3.0]")
add_ctor("offloading", "gain_2d", _map("gain", lambda a: a[:, :, 0]), "gain", "(3, 2)")
add_ctor("offloading", "gain_empty", _map("gain", lambda a: a[:0]), "gain", "(0, 2, 4)")
add_ctor("offloading", "gain_nan", _poke("gain", (0, 0, 0), NAN), "gain", "nan")
add_ctor("offloading", "gain_negative", _poke("gain", (0, 0, 0), -1.0), "gain", "-1")
add_ctor("offloading", "gain_strings", {"gain": "abc"}, "gain", "abc")
add_ctor("offloading", "distance_transposed", _map("distance", lambda a: a.T), "distance", "(2, 3)")
add_ctor("offloading", "task_out_of_range", {"task": np.array([0, 1, 7])}, "task", "7")
add_ctor("offloading", "task_fraction", {"task": np.array([0.5, 1.0, 2.0])}, "task", "0.5")
add_ctor("offloading", "data_bits_empty", {"data_bits": np.array([])}, "data_bits")
add_ctor("offloading", "deadline_negative", _poke("deadline", 0, -1.0), "deadline", "-1")
add_ctor("offloading", "deadline_nan", _poke("deadline", 1, NAN), "deadline", "nan")
add_ctor("offloading", "edge_capacity_negative", _poke("edge_capacity", 0, -1.0), "edge_capacity", "-1")
add_ctor("offloading", "edge_capacity_wrong_shape", {"edge_capacity": np.ones(5)}, "edge_capacity", "(5,)")
add_ctor("offloading", "local_capacity_zero", _poke("local_capacity", 2, 0.0), "local_capacity", "0")
add_ctor("offloading", "bandwidth_string", {"bandwidth": "wide"}, "bandwidth", "wide")
add_ctor("offloading", "bandwidth_bool", {"bandwidth": True}, "bandwidth", "True")
add_ctor("offloading", "noise_psd_nan", {"noise_psd": NAN}, "noise_psd", "nan")
add_ctor("offloading", "reward_unknown", {"reward": "eq9"}, "reward", "eq9")
add_ctor("offloading", "exit_point_zero", {"exit_point": np.array([0, 1, 1])}, "exit_point", "0")
add_ctor("offloading", "priority_zero", _poke("priority", 0, 0.0), "priority", "0")
add_ctor("offloading", "compression_below_one", _poke("compression", 0, 0.5), "compression", "0.5")

# split: two users of b-alexnet
add_ctor("split", "device_flops_ragged", {"device_flops": [[1.0, 2.0], [3.0]]}, "device_flops", "[3.0]")
add_ctor("split", "device_flops_empty", {"device_flops": np.array([])}, "device_flops")
add_ctor("split", "device_flops_nan", _poke("device_flops", 0, NAN), "device_flops", "nan")
add_ctor("split", "device_flops_string", {"device_flops": "fast"}, "device_flops", "fast")
add_ctor("split", "snr_negative", _poke("snr", 1, -1.0), "snr", "-1")
add_ctor("split", "memory_negative", _poke("memory", 0, -1.0), "memory", "-1")
add_ctor("split", "bandwidth_zero", {"bandwidth": 0.0}, "bandwidth", "0")
add_ctor("split", "edge_flops_nan", {"edge_flops": NAN}, "edge_flops", "nan")
add_ctor("split", "objective_unknown", {"objective": "speed"}, "objective", "speed")
add_ctor("split", "weights_zero", {"weights": (0.0, 0.0)}, "weights", "0")
add_ctor("split", "weights_nan", {"weights": (NAN, 1.0)}, "weights", "nan")
add_ctor("split", "network_none", {"network": None}, "network", "None")
add_ctor("split", "network_string", {"network": "alexnet"}, "network", "alexnet")
add_ctor("split", "exit_accuracy_above_one", {"exit_accuracy": np.array([0.5, 0.7, 2.0])}, "exit_accuracy", "2")
add_ctor("split", "energy_budget_negative", {"energy_budget": -1.0}, "energy_budget", "-1")
add_ctor("split", "deadline_string", {"deadline": "soon"}, "deadline", "soon")
add_ctor("split", "tx_power_wrong_shape", {"tx_power": np.ones(3)}, "tx_power", "(3,)")

# dynamic split: 4 steps of alexnet
add_ctor("dynamic", "base_none", {"base": None}, "base", "None")
add_ctor("dynamic", "trace_empty", {"trace": np.array([])}, "trace")
add_ctor("dynamic", "trace_nan", _poke("trace", 0, NAN), "trace", "nan")
add_ctor("dynamic", "trace_negative", _poke("trace", 2, -1.0), "trace", "-1")
add_ctor("dynamic", "reconfiguration_negative", {"reconfiguration": -1.0}, "reconfiguration", "-1")
add_ctor("dynamic", "base_two_users", lambda a: a.update(base=instance("split")[0]), "base", "2")

# game: 3 terminals
add_ctor("game", "low_wrong_shape", _map("low", lambda a: a[:, :2]), "low", "(3, 2)")
add_ctor("game", "low_negative", _poke("low", (0, 2), -1.0), "low", "-1")
add_ctor("game", "high_below_low", _map("high", lambda a: a * 0.01), "high")
add_ctor("game", "high_resolution_above_one", _poke("high", (0, 0), 2.0), "high", "2")
add_ctor("game", "low_compression_below_one", _poke("low", (0, 1), 0.5), "low", "0.5")
add_ctor("game", "weights_nan", _poke("weights", (1, 1), NAN), "weights", "nan")
add_ctor("game", "channel_gain_zero", _poke("channel_gain", 0, 0.0), "channel_gain", "0")
add_ctor("game", "interference_string", {"interference": "x"}, "interference", "'x'")
add_ctor("game", "capacity_zero", {"capacity": 0.0}, "capacity", "0")
add_ctor("game", "certify_string", {"certify": "yes"}, "certify", "yes")
add_ctor("game", "model_none", {"model": None}, "model", "None")
add_ctor("game", "fidelity_max_two", {"fidelity_max": 2.0}, "fidelity_max", "2")

# game trace: 4 frames of 3 terminals
add_ctor("trace", "base_none", {"base": None}, "base", "None")
add_ctor("trace", "channel_gain_nan", _poke("channel_gain", (0, 0), NAN), "channel_gain", "nan")
add_ctor("trace", "channel_gain_wrong_shape", _map("channel_gain", lambda a: a[:, :2]), "channel_gain", "(4, 2)")
add_ctor("trace", "weights_negative", _poke("weights", (0, 0, 0), -1.0), "weights", "-1")
add_ctor("trace", "channel_gain_empty", _map("channel_gain", lambda a: a[:0]), "channel_gain")


# =========================================================================== evaluate


def add_eval(family: str, id: str, change: Callable[[Any], Any], *contains: str) -> None:
    def call(tmp: Path) -> Any:
        problem, solution = instance(family)
        changed = change(solution)
        bad = solution if changed is None else changed
        return keeping(problem, bad)(lambda: problem.evaluate(bad))(tmp)
    add(f"evaluate:{family}:{id}", call, InvalidProblemError, *contains)


def _field(field: str, value: Any) -> Callable[[Any], None]:
    def change(solution: Any) -> None:
        setattr(solution, field, value(np.asarray(getattr(solution, field))) if callable(value) else value)
    return change


add_eval("offloading", "other_family", lambda s: instance("split")[1], "solution", "SplitSolution")
add_eval("offloading", "assoc_fraction", _field("assoc", lambda a: a + 0.5), "solution.assoc", "0.5")
add_eval("offloading", "assoc_nan", _field("assoc", lambda a: np.full(a.shape, NAN)), "solution.assoc", "nan")
add_eval("offloading", "carrier_ragged", _field("carrier", [[0, 1], [2]]), "solution.carrier")
add_eval("offloading", "carrier_strings", _field("carrier", lambda a: a.astype(str)), "solution.carrier")
add_eval("offloading", "semantic_two", _field("semantic", np.array([2, 0, 1])), "solution.semantic", "2")
add_eval("offloading", "compute_strings", _field("compute", ["abc", "def", "ghi"]), "solution.compute", "abc")
add_eval("offloading", "compute_wrong_shape", _field("compute", np.ones(5)), "solution.compute", "(5,)")
add_eval("split", "placement_two", _field("placement", lambda a: a.astype(int) + 2), "solution.placement", "2")
add_eval("split", "placement_wrong_shape", _field("placement", lambda a: a[:, :3]), "solution.placement", "(2, 3)")
add_eval("split", "exit_0.7", _field("exit", np.array([0.7, -1.0])), "solution.exit", "0.7")
add_eval("split", "exit_-0.5", _field("exit", np.array([-0.5, -1.0])), "solution.exit", "-0.5")
add_eval("split", "exit_2.9", _field("exit", np.array([2.9, -1.0])), "solution.exit", "2.9")
add_eval("split", "exit_nan", _field("exit", np.array([NAN, -1.0])), "solution.exit", "nan")
add_eval("split", "bandwidth_nan", _field("bandwidth", np.array([NAN, 1e6])), "solution.bandwidth", "nan")
add_eval("split", "compute_ragged", _field("compute", [[1.0], [1.0, 2.0]]), "solution.compute")
add_eval("dynamic", "placement_wrong_shape", _field("placement", lambda a: a[:2]), "solution.placement", "(2, 12)")
add_eval("dynamic", "placement_two", _field("placement", lambda a: a.astype(int) + 2), "solution.placement", "2")
add_eval("game", "actions_nan", _field("actions", lambda a: np.where(a > 0, NAN, a)), "solution.actions", "nan")
add_eval("game", "actions_wrong_shape", _field("actions", lambda a: a[:, :2]), "solution.actions", "(3, 2)")
add_eval("game", "actions_strings", _field("actions", lambda a: np.full(a.shape, "abc")), "solution.actions", "abc")
add_eval("trace", "actions_wrong_shape", _field("actions", lambda a: a[0]), "solution.actions", "(3, 3)")
add_eval("trace", "actions_inf", _field("actions", lambda a: a * INF), "solution.actions", "inf")


def add_not_a_solution(family: str, id: str, value: Any, *contains: str) -> None:
    def call(tmp: Path) -> Any:
        problem, _ = instance(family)
        return keeping(problem)(lambda: problem.evaluate(value))(tmp)
    add(f"evaluate:{family}:{id}", call, InvalidProblemError, *contains)


add_not_a_solution("offloading", "none", None, "solution", "None")
add_not_a_solution("split", "dict", {"placement": None}, "solution", "dict")
add_not_a_solution("game", "plain_array", np.zeros((3, 3)), "solution", "ndarray")
add_not_a_solution("trace", "game_solution", GameSolution(np.zeros((3, 3))), "solution", "GameSolution")
add_not_a_solution("dynamic", "offloading_solution", OffloadingSolution(*(np.zeros(1),) * 4), "solution",
             "OffloadingSolution")
add_not_a_solution("split", "trace_solution", GameTraceSolution(np.zeros(1)), "solution", "GameTraceSolution")
add_not_a_solution("game", "split_solution", SplitSolution(*(np.zeros(1),) * 4), "solution", "SplitSolution")


# =========================================================================== semopt.solve


def add_solve(id: str, error: type[SemoptError], *contains: str, family: str = "offloading",
              solver: Any = "bcd", mutate: Callable[[Any], None] | None = None, **kw: Any) -> None:
    def call(tmp: Path) -> Any:
        problem, _ = instance(family)
        if mutate is not None:
            mutate(problem)
        return keeping(problem)(lambda: semopt.solve(problem, solver, **kw))(tmp)
    add(f"solve:{id}", call, error, *contains)


add_solve("unknown_solver", SolverError, "nope", solver="nope")
add_solve("solver_none", SolverError, "None", solver=None)
add_solve("solver_int", SolverError, "5", solver=5)
add_solve("solver_of_another_family", SolverError, "dp", solver="dp")
add_solve("unknown_option", SolverError, "nope_option", nope_option=1)
add_solve("max_iter_negative", SolverError, "max_iter", "-1", max_iter=-1)
add_solve("max_iter_string", SolverError, "max_iter", "'10'", max_iter="10")
add_solve("max_iter_nan", SolverError, "max_iter", "nan", max_iter=NAN)
add_solve("tol_negative", SolverError, "tol", "-1", tol=-1.0)
add_solve("tol_string", SolverError, "tol", "'x'", tol="x")
add_solve("callback_int", SolverError, "callback", "5", callback=5)
add_solve("seed_negative", SemoptError, "seed", "-1", seed=-1)
add_solve("seed_fraction", SemoptError, "seed", "2.5", seed=2.5)
add_solve("seed_string", SemoptError, "seed", "'1'", seed="1")
add_solve("seed_bool", SemoptError, "seed", "True", seed=True)
add_solve("time_limit_negative", SolverError, "time_limit", "-1", time_limit=-1)
add_solve("time_limit_nan", SolverError, "time_limit", "nan", time_limit=NAN)
add_solve("time_limit_string", SolverError, "time_limit", "'1'", time_limit="1")
add_solve("time_limit_zero", SolverError, "time_limit", "0", time_limit=0)
add_solve("time_limit_inf", SolverError, "time_limit", "inf", time_limit=INF)
add_solve("max_space_zero", SolverError, "max_space", "0", family="split", solver="exhaustive", max_space=0)
add_solve("problem_mutated_deadline_nan", InvalidProblemError, "deadline", "nan",
          mutate=lambda p: p.deadline.__setitem__(0, NAN))
add_solve("problem_mutated_split_snr", InvalidProblemError, "snr", "-1", family="split", solver="greedy",
          mutate=lambda p: p.snr.__setitem__(0, -1.0))
add("solve:problem_none", lambda _: semopt.solve(None, "bcd"), InvalidProblemError, "problem", "None")
add("solve:problem_is_a_scenario_name", lambda _: semopt.solve("semantic-mec", "bcd"), InvalidProblemError,
    "problem", "semantic-mec")
add("available_solvers:problem_none", lambda _: semopt.available_solvers(None), InvalidProblemError, "problem",
    "None")
add("show_options:unknown_solver", lambda _: semopt.show_options(instance("game")[0], "nope"), SolverError, "nope")


# =========================================================================== semopt.bench.run


def add_bench(id: str, error: type[SemoptError], *contains: str, scenario: str = "semantic-mec",
              solvers: Any = ("uc",), **kw: Any) -> None:
    kw.setdefault("overrides", small("semantic-mec"))
    kw.setdefault("seeds", 1)

    def call(tmp: Path) -> Any:
        args = {k: (v(tmp) if callable(v) else v) for k, v in kw.items()}
        return semopt.bench.run(scenario, list(solvers) if isinstance(solvers, tuple) else solvers, quiet=True,
                                **args)
    add(f"bench:{id}", call, error, *contains)


add_bench("seeds_zero", ArgumentError, "seed", seeds=0)
add_bench("seeds_negative", SemoptError, "seeds", "-1", seeds=-1)
add_bench("seeds_empty_list", ArgumentError, "seed", seeds=[])
add_bench("seeds_strings", SemoptError, "seeds", "'a'", seeds=["a"])
add_bench("seeds_fraction", SemoptError, "seeds", "1.5", seeds=[1.5])
add_bench("seeds_negative_item", SemoptError, "seed", "-1", seeds=[-1])
add_bench("seeds_none", SemoptError, "seeds", "None", seeds=None)
add_bench("seeds_huge", SemoptError, "seeds", "1000000000", seeds=10**9)
add_bench("seeds_nan", SemoptError, "seeds", "nan", seeds=NAN)
add_bench("workers_zero", ArgumentError, "workers", "0", workers=0)
add_bench("workers_fraction", ArgumentError, "workers", "1.5", workers=1.5)
add_bench("workers_string", ArgumentError, "workers", "'2'", workers="2")
add_bench("workers_bool", ArgumentError, "workers", "True", workers=True)
add_bench("sweep_zero_step", SweepError, "users=1:5:0", sweep="users=1:5:0")
add_bench("sweep_unknown_param", SweepError, "userz", sweep="userz=1:3:1")
add_bench("sweep_not_numbers", SweepError, "'a'", sweep="users=a:b:1")
add_bench("sweep_too_many", SweepError, "users=1:1000000:1", sweep="users=1:1000000:1")
add_bench("sweep_seed", SweepError, "seed", sweep="seed=1,2")
add_bench("sweep_no_equals", SweepError, "users", sweep="users")
add_bench("sweep_int", SemoptError, "sweep", "5", sweep=5)
add_bench("sweep_bad_value", SemoptError, "users", "0", sweep="users=0,1",
          overrides={"base_stations": 2, "subcarriers": 4})
add_bench("sweep_nan_bound", SweepError, "nan", sweep="users=nan:3:1")
add_bench("solvers_empty", SolverError, "solver", solvers=[])
add_bench("solvers_unknown", SolverError, "nope", solvers=["nope"])
add_bench("solvers_a_string", SemoptError, "'uc'", solvers="uc")
add_bench("solvers_twice", SolverError, "uc", solvers=["uc", "uc"])
add_bench("solvers_none", SemoptError, "solvers", "None", solvers=None)
add_bench("scenario_unknown", ScenarioError, "nope", scenario="nope")
add_bench("override_negative", ScenarioError, "users", "-1", overrides={"users": -1})
add_bench("override_seed", ScenarioError, "seed", overrides={"seed": 1})
add_bench("overrides_not_a_mapping", SemoptError, "overrides", "5", overrides=5)
add_bench("overrides_a_list", SemoptError, "overrides", "users", overrides=["users"])
add_bench("out_is_a_file", ArgumentError, "taken",
          out=lambda tmp: (tmp / "taken").write_text("x") and tmp / "taken")


def _bench_bad_toml(tmp: Path) -> Any:
    path = tmp / "bad.toml"
    path.write_bytes(b'scenario = "semantic-mec"\nusers = [3]\n')
    return semopt.bench.run(str(path), ["uc"], seeds=1, quiet=True)


add("bench:scenario_bad_toml_file", _bench_bad_toml, ScenarioError, "users", "[3]")
add("bench:seeds_a_huge_range", lambda tmp: semopt.bench.run("semantic-mec", ["uc"], seeds=range(10**9), quiet=True),
    ArgumentError, "seeds", "1000000000")
add("bench:seeds_an_endless_iterator",
    lambda tmp: semopt.bench.run("semantic-mec", ["uc"], seeds=itertools.count(), quiet=True), ArgumentError,
    "seeds", "100000")
add("bench:too_many_runs", lambda tmp: semopt.bench.run("semantic-mec", ["uc", "fa"], seeds=100_000,
                                                        sweep="users=1:1000:1", quiet=True),
    ArgumentError, "200000000 solver runs")
add("bench:load_not_a_path", lambda tmp: semopt.bench.load(5), SemoptError, "5")
add("bench:load_no_folder", lambda tmp: semopt.bench.load(tmp / "nowhere"), SemoptError, "nowhere")


# =========================================================================== the game's public judges

_GAME = semopt.scenarios.load("semantic-game", terminals=2, seed=0)
add("game:utilities_a_string", lambda tmp: _GAME.utilities("x"), InvalidProblemError, "actions", "'x'")
add("game:utilities_wrong_shape", lambda tmp: _GAME.utilities(np.ones((5, 3))), InvalidProblemError,
    "actions", "(2, 3)")
add("game:utilities_nan", lambda tmp: _GAME.utilities(np.full((2, 3), np.nan)), InvalidProblemError,
    "actions", "nan")
add("analysis:nash_gap_a_string", lambda tmp: semopt.analysis.nash_gap(_GAME, "x"), InvalidProblemError,
    "actions", "'x'")
add("analysis:deviation_gains_ragged", lambda tmp: semopt.analysis.deviation_gains(_GAME, [[1, 2, 3], [1]]),
    InvalidProblemError, "actions")


# =========================================================================== the CLI

SMALL_SET = ["--set", "users=3", "--set", "base_stations=2", "--set", "subcarriers=4"]


def solve_argv(*extra: str, solver: str = "uc") -> Callable[[Path], list[str]]:
    return lambda _: ["solve", "semantic-mec", "--solver", solver, *SMALL_SET, *extra]


def bench_argv(*extra: str) -> Callable[[Path], list[str]]:
    return lambda _: ["bench", "semantic-mec", "--solvers", "uc", "--seeds", "1", *SMALL_SET, *extra]


def add_cli(id: str, argv: Callable[[Path], list[str]] | list[str], *contains: str,
            absent: tuple[str, ...] = ()) -> None:
    CLI.append(BadCli(f"cli:{id}", argv if callable(argv) else (lambda _, a=argv: list(a)), tuple(contains),
                      absent))


add_cli("set_without_equals", solve_argv("--set", "tasks"), "--set", "tasks")
add_cli("set_empty_key", solve_argv("--set", "=3"), "=3")
add_cli("set_empty_value", solve_argv("--set", "tasks="), "tasks=")
add_cli("set_negative", solve_argv("--set", "tasks=-1"), "tasks", "-1")
add_cli("set_string", solve_argv("--set", "tasks=abc"), "tasks", "abc")
add_cli("set_overflow", solve_argv("--set", "tasks=1e400"), "tasks", "1e400")
add_cli("set_unknown", solve_argv("--set", "taskz=3"), "taskz")
add_cli("set_twice", solve_argv("--set", "tasks=3", "--set", "tasks=4"), "tasks")
add_cli("set_noise_huge", solve_argv("--set", "noise_dbm_hz=1e308"), "noise_dbm_hz", "1e+308", absent=("noise_psd",))
add_cli("set_fading_maybe", solve_argv("--set", "fading=maybe"), "fading", "maybe")
add_cli("set_bandwidth_nan", solve_argv("--set", "bandwidth=nan"), "bandwidth", "nan")
add_cli("set_users_huge", ["solve", "semantic-mec", "--solver", "uc", "--set", "users=10000000"], "users",
        "10000000")
add_cli("option_negative", solve_argv("--option", "max_iter=-1", solver="bcd"), "max_iter", "-1")
add_cli("option_string", solve_argv("--option", "max_iter=abc", solver="bcd"), "max_iter", "abc")
add_cli("option_unknown", solve_argv("--option", "nope=1", solver="bcd"), "nope")
add_cli("option_seed", solve_argv("--option", "seed=1", solver="bcd"), "--seed")
add_cli("option_without_equals", solve_argv("--option", "max_iter", solver="bcd"), "--option", "max_iter")
add_cli("seed_not_an_integer", solve_argv("--seed", "abc"), "--seed", "abc")
add_cli("seed_fraction", solve_argv("--seed", "1.5"), "--seed", "1.5")
add_cli("seed_negative", solve_argv("--seed", "-1"), "seed", "-1")
add_cli("seed_huge", solve_argv("--seed", str(10**30)), "seed", str(10**30))
add_cli("solver_unknown", solve_argv(solver="nope"), "nope")
add_cli("solver_missing", ["solve", "semantic-mec"], "--solver")
add_cli("subcommand_unknown", ["solv", "semantic-mec"], "solv")
add_cli("flag_unknown", solve_argv("--frobnicate"), "--frobnicate")
add_cli("no_subcommand", [], "COMMAND")
add_cli("scenario_unknown", ["solve", "semantic-mecc", "--solver", "uc"], "semantic-mecc")
add_cli("scenario_file_missing", lambda tmp: ["solve", str(tmp / "missing.toml"), "--solver", "uc"], "missing.toml")
add_cli("import_missing_module", solve_argv("--import", "no_such_module_xyz"), "no_such_module_xyz")
add_cli("import_empty_name", solve_argv("--import", ""), "--import")
add_cli("import_relative_name", solve_argv("--import", ".foo"), "--import", ".foo")
add_cli("bench_seeds_zero", bench_argv("--seeds", "0"), "seed")
add_cli("bench_seeds_negative", bench_argv("--seeds", "-3"), "seeds", "-3")
add_cli("bench_seeds_not_an_integer", bench_argv("--seeds", "abc"), "--seeds", "abc")
add_cli("bench_seeds_huge", bench_argv("--seeds", "1000000000"), "seeds", "1000000000")
add_cli("bench_workers_zero", bench_argv("--workers", "0"), "workers", "0")
add_cli("bench_workers_negative", bench_argv("--workers", "-1"), "workers", "-1")
add_cli("bench_workers_not_an_integer", bench_argv("--workers", "x"), "--workers", "x")
add_cli("bench_sweep_zero_step", bench_argv("--sweep", "tasks=1:5:0"), "tasks=1:5:0")
add_cli("bench_sweep_unknown_param", bench_argv("--sweep", "taskz=1:3:1"), "taskz")
add_cli("bench_sweep_not_numbers", bench_argv("--sweep", "tasks=a:b:1"), "'a'")
add_cli("bench_sweep_too_many", bench_argv("--sweep", "tasks=1:1000000:1"), "tasks=1:1000000:1")
add_cli("bench_sweep_seed", bench_argv("--sweep", "seed=1,2"), "seed")
add_cli("bench_sweep_repeated_value", bench_argv("--sweep", "tasks=3,3"), "tasks=3,3", "3")
add_cli("bench_sweep_nan_bound", bench_argv("--sweep", "tasks=nan:3:1"), "nan")
add_cli("bench_sweep_bad_value", bench_argv("--sweep", "tasks=0,1"), "tasks", "0")
add_cli("bench_sweep_set_too", bench_argv("--sweep", "users=2,3"), "users")
add_cli("bench_solvers_trailing_comma", ["bench", "semantic-mec", "--solvers", "uc,", *SMALL_SET], "uc,")
add_cli("bench_solvers_empty", ["bench", "semantic-mec", "--solvers", "", *SMALL_SET], "--solvers")
add_cli("bench_solvers_unknown", ["bench", "semantic-mec", "--solvers", "nope", *SMALL_SET], "nope")
add_cli("bench_set_seed", bench_argv("--set", "seed=1"), "seed")
add_cli("solvers_bad_set", ["solvers", "semantic-mec", "--set", "users=0"], "users", "0")
add_cli("solvers_unknown_scenario", ["solvers", "nope"], "nope")


# =========================================================================== the tests


def test_the_catalogue_has_at_least_150_named_entries() -> None:
    ids = [c.id for c in CATALOGUE] + [c.id for c in CLI]
    assert len(ids) >= 150, len(ids)
    assert len(set(ids)) == len(ids), sorted({i for i in ids if ids.count(i) > 1})


@pytest.mark.parametrize("case", CATALOGUE, ids=[c.id for c in CATALOGUE])
def test_bad_input(case: Bad, tmp_path: Path) -> None:
    with memory_guard(None), memory_ceiling():
        try:
            out = case.call(tmp_path)
        except SemoptError as exc:
            error: SemoptError = exc
        except Exception as exc:  # noqa: BLE001 - any other exception breaks the rule
            pytest.fail(f"raised {describe_exc(exc)}")
        else:
            pytest.fail(f"accepted: returned {type(out).__name__}")
    message = str(error)
    assert isinstance(error, case.error), f"expected {case.error.__name__}, got {describe_exc(error)}"
    assert "\n" not in message.strip(), f"not one line: {message!r}"
    for word in case.contains:
        assert word in message, f"{word!r} not in: {message}"
    for word in case.absent:
        assert word not in message, f"names the internal {word!r}: {message}"


def _one_error_line(status: int, out: str, err: str, case: BadCli) -> None:
    lines = err.strip().splitlines()
    assert status == 2, f"exit status {status}; stderr: {err!r}"
    assert "Traceback" not in err, err
    assert len(lines) == 1, f"{len(lines)} lines on stderr: {err!r}"
    assert lines[0].startswith("semopt: error: "), lines[0]
    for word in case.contains:
        assert word in lines[0], f"{word!r} not in: {lines[0]}"
    for word in case.absent:
        assert word not in lines[0], f"names the internal {word!r}: {lines[0]}"
    assert out == "", f"stdout: {out!r}"


@pytest.mark.parametrize("case", CLI, ids=[c.id for c in CLI])
def test_bad_command_line(case: BadCli, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = case.argv(tmp_path)
    with memory_guard(None), memory_ceiling():
        try:
            status = main(argv)
        except BaseException as exc:  # noqa: BLE001 - SystemExit, a traceback: both break the rule
            out, err = capsys.readouterr()
            pytest.fail(f"main({argv}) raised {describe_exc(exc)}; stderr: {err!r}")
    out, err = capsys.readouterr()
    _one_error_line(status, out, err, case)


SUBPROCESS = ["cli:set_overflow", "cli:seed_not_an_integer"]


@pytest.mark.parametrize("case", [c for c in CLI if c.id in SUBPROCESS], ids=SUBPROCESS)
def test_bad_command_line_in_a_subprocess(case: BadCli, tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "semopt", *case.argv(tmp_path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    _one_error_line(done.returncode, done.stdout, done.stderr, case)
