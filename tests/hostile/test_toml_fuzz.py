"""Fuzzing the TOML scenario files: random bytes, random documents, wrong encodings.

The rule (issue 9): ``read_toml`` / ``load_toml`` given any file raise only
:class:`~semopt.errors.ScenarioError` or build a valid instance; the CLI given such a file prints exactly
one line to standard error, starting ``semopt: error:``, and exits with status 2.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hostile._support import GUARD, cheap_check, describe_exc, memory_ceiling, memory_guard
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import semopt
from semopt.cli import main
from semopt.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[2]
NAMES = semopt.scenarios.names()
ALL_KEYS = sorted({key for name in NAMES for key in semopt.scenarios.spec(name).overrides})
FUZZ = settings(max_examples=50, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# --------------------------------------------------------------------------- a small TOML writer

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def toml_key(key: str) -> str:
    return key if _BARE.match(key) else json.dumps(key, ensure_ascii=False)


def toml_value(value: Any) -> str:
    """``value`` as a TOML value (strings via JSON escapes, which TOML's basic strings share)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


_scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([0, -1, 1, 2, 3, 10**6, 10**9, 2**63 - 1, -(2**63)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 5e-324, 0.5, 2.0, 1e6]),
    st.text(max_size=8),
    st.sampled_from(["", "alexnet", "eq8", "priority", "latency", "mixed", "rpi4", "1", "nan", "true"]),
    st.datetimes(timezones=st.sampled_from([dt.UTC, None])),
    st.dates(),
    st.times(),
)
toml_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(min_size=1, max_size=4), inner, max_size=2),
    max_leaves=6,
)

_scenario_line = st.one_of(
    st.sampled_from(NAMES).map(lambda n: f"scenario = {json.dumps(n)}\n"),
    st.sampled_from(NAMES).map(lambda n: f"scenario = {json.dumps(n)}\n"),  # twice: most documents name one
    st.just(""),
    toml_values.map(lambda v: f"scenario = {toml_value(v)}\n"),
    st.just('scenario = "split-mobilenet_v2"\n'),  # an alias
)
_keys = st.one_of(st.sampled_from(ALL_KEYS), st.sampled_from(ALL_KEYS), st.text(min_size=1, max_size=6),
                  st.sampled_from(["scenario", "users.count", "Users", "seed "]))


@st.composite
def toml_documents(draw: st.DrawFn) -> str:
    head = draw(_scenario_line)
    pairs = draw(st.dictionaries(_keys, toml_values, max_size=4))
    body = "".join(f"{toml_key(k)} = {toml_value(v)}\n" for k, v in pairs.items())
    tail = draw(st.sampled_from(["", "", "[extra]\nx = 1\n", "[[users]]\n", "users = 3\n"]))
    return head + body + tail


# --------------------------------------------------------------------------- the oracle


def _write(data: bytes) -> Path:
    handle = tempfile.NamedTemporaryFile("wb", suffix=".toml", delete=False)
    with handle:
        handle.write(data)
    return Path(handle.name)


def check_file(path: Path) -> None:
    """``read_toml`` and ``load_toml`` on ``path``: ScenarioError, or a valid instance."""
    with memory_guard(GUARD), memory_ceiling():
        try:
            name, data = semopt.scenarios.read_toml(path)
        except ScenarioError:
            pass
        except Exception as exc:  # noqa: BLE001
            pytest.fail(f"read_toml raised {describe_exc(exc)}")
        else:
            assert isinstance(name, str) and isinstance(data, dict)
        try:
            problem = semopt.scenarios.load_toml(path)
        except ScenarioError:
            event("refused")
            return
        except Exception as exc:  # noqa: BLE001
            pytest.fail(f"load_toml raised {describe_exc(exc)}")
    event("loaded")
    cheap_check(problem)


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    path = _write(data)
    try:
        check_file(path)
    finally:
        path.unlink()


@FUZZ
@given(st.sampled_from(NAMES), st.binary(min_size=1, max_size=120))
def test_a_scenario_line_then_random_bytes(name: str, data: bytes) -> None:
    path = _write(f'scenario = "{name}"\n'.encode() + data)
    try:
        check_file(path)
    finally:
        path.unlink()


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(toml_documents())
def test_random_documents(text: str) -> None:
    path = _write(text.encode("utf-8", errors="surrogatepass"))
    try:
        check_file(path)
    finally:
        path.unlink()


# --------------------------------------------------------------------------- known-bad files

DOC = 'scenario = "semantic-mec"\nusers = 3\nreward = "priorité"\n'
KNOWN_BAD: dict[str, bytes] = {
    "latin1": DOC.encode("latin-1"),
    "utf16_bom": DOC.encode("utf-16"),
    "utf16_le_no_bom": DOC.encode("utf-16-le"),
    "utf32": DOC.encode("utf-32"),
    "utf8_bom": b"\xef\xbb\xbf" + DOC.encode(),
    "lone_continuation_byte": b'scenario = "semantic-mec"\n\x80 = 1\n',
    "nul_bytes": b'scenario = "semantic-mec"\x00\n',
    "overlong_utf8": b'scenario = "semantic-\xc0\xafmec"\n',
    "surrogate_utf8": b'scenario = "\xed\xa0\x80"\n',
    "cp1252_quotes": 'scenario = \u201csemantic-mec\u201d\n'.encode("cp1252"),
    "invalid_toml": b"scenario = \n",
    "unterminated_string": b'scenario = "semantic-mec\n',
    "duplicate_key": b'scenario = "semantic-mec"\nusers = 3\nusers = 4\n',
    "scenario_int": b"scenario = 5\n",
    "scenario_bool": b"scenario = true\n",
    "scenario_array": b'scenario = ["semantic-mec"]\n',
    "scenario_table": b'[scenario]\nname = "semantic-mec"\n',
    "scenario_dotted": b'scenario.name = "semantic-mec"\n',
    "scenario_missing": b"users = 3\n",
    "scenario_unknown": b'scenario = "semantic-mecc"\n',
    "scenario_empty": b'scenario = ""\n',
    "empty_file": b"",
    "unknown_key": b'scenario = "semantic-mec"\nuserz = 3\n',
    "users_table": b'scenario = "semantic-mec"\n[users]\nn = 3\n',
    "users_inline_table": b'scenario = "semantic-mec"\nusers = {n = 3}\n',
    "users_array": b'scenario = "semantic-mec"\nusers = [3]\n',
    "users_array_of_tables": b'scenario = "semantic-mec"\n[[users]]\nn = 3\n',
    "users_datetime": b'scenario = "semantic-mec"\nusers = 1979-05-27T07:32:00Z\n',
    "users_local_date": b'scenario = "semantic-mec"\nusers = 1979-05-27\n',
    "users_local_time": b'scenario = "semantic-mec"\nusers = 07:32:00\n',
    "users_string": b'scenario = "semantic-mec"\nusers = "3"\n',
    "users_bool": b'scenario = "semantic-mec"\nusers = true\n',
    "users_float": b'scenario = "semantic-mec"\nusers = 2.5\n',
    "users_huge": b'scenario = "semantic-mec"\nusers = 9223372036854775807\n',
    "users_beyond_int64": b'scenario = "semantic-mec"\nusers = 99999999999999999999999999\n',
    "bandwidth_nan": b'scenario = "semantic-mec"\nbandwidth = nan\n',
    "bandwidth_inf": b'scenario = "semantic-mec"\nbandwidth = inf\n',
    "bandwidth_string": b'scenario = "semantic-mec"\nbandwidth = "32 MHz"\n',
    "bandwidth_bool": b'scenario = "semantic-mec"\nbandwidth = false\n',
    "noise_huge": b'scenario = "semantic-mec"\nnoise_dbm_hz = 1e308\n',
    "fading_int": b'scenario = "semantic-mec"\nfading = 1\n',
    "reward_array": b'scenario = "semantic-mec"\nreward = ["eq8"]\n',
    "seed_negative": b'scenario = "semantic-mec"\nseed = -1\n',
    "deep_arrays": b'scenario = "semantic-mec"\nusers = ' + b"[" * 5000 + b"]" * 5000 + b"\n",
    "deep_inline_tables": b'scenario = "semantic-mec"\nusers = ' + b"{a = " * 3000 + b"1" + b"}" * 3000 + b"\n",
    "network_unknown": b'scenario = "split-alexnet"\nnetwork = "lenet"\n',
    "terminals_huge": b'scenario = "semantic-game"\nterminals = 100000000\n',
    "steps_huge": b'scenario = "split-dynamic"\nsteps = 1000000000\n',
}

# The word each message must contain: the key at fault, or the file for file-level faults.
NAMED = {
    "unknown_key": "userz", "users_table": "users", "users_inline_table": "users", "users_array": "users",
    "users_array_of_tables": "users", "users_datetime": "users", "users_local_date": "users",
    "users_local_time": "users", "users_string": "users", "users_bool": "users", "users_float": "users",
    "users_huge": "users", "users_beyond_int64": "users", "bandwidth_nan": "bandwidth", "bandwidth_inf": "bandwidth",
    "bandwidth_string": "bandwidth", "bandwidth_bool": "bandwidth", "noise_huge": "noise_dbm_hz",
    "fading_int": "fading", "reward_array": "reward", "seed_negative": "seed", "network_unknown": "lenet",
    "terminals_huge": "terminals", "steps_huge": "steps", "scenario_int": "scenario", "scenario_bool": "scenario",
    "scenario_array": "scenario", "scenario_table": "scenario", "scenario_dotted": "scenario",
    "scenario_missing": "scenario", "scenario_unknown": "semantic-mecc", "scenario_empty": "scenario",
    "empty_file": "scenario",
}
MAY_LOAD = {"utf8_bom"}
"""Files a reader may also accept (a UTF-8 byte-order mark is harmless); if so the instance must be valid."""


@pytest.mark.parametrize("label", sorted(KNOWN_BAD))
def test_known_bad_files(label: str, tmp_path: Path) -> None:
    """Each is a ScenarioError (one line, naming the key at fault or the file) from both readers."""
    path = tmp_path / f"{label}.toml"
    path.write_bytes(KNOWN_BAD[label])
    with memory_guard(None), memory_ceiling():
        for reader in (semopt.scenarios.load_toml, semopt.scenarios.resolve):
            try:
                out = reader(path)
            except ScenarioError as exc:
                message = str(exc)
            except Exception as exc:  # noqa: BLE001
                pytest.fail(f"{reader.__name__} raised {describe_exc(exc)}")
            else:
                if reader is semopt.scenarios.resolve:
                    continue  # resolve checks the name only; the values are checked on load
                if label in MAY_LOAD:
                    cheap_check(out)
                    continue
                pytest.fail(f"{reader.__name__} accepted {label}")
            assert "\n" not in message, f"not one line: {message!r}"
            word = NAMED.get(label, path.name)
            assert word in message, f"{reader.__name__}: {word!r} not in {message!r}"


def test_a_file_too_large_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_bytes(b'scenario = "semantic-mec"\n' + b"# padding\n" * 300_000)
    with pytest.raises(ScenarioError, match="big.toml"):
        semopt.scenarios.load_toml(path)


@pytest.mark.parametrize("target", ["directory", "missing", "fifo_like_dev_null"])
def test_unreadable_paths(target: str, tmp_path: Path) -> None:
    path = {"directory": tmp_path, "missing": tmp_path / "nope.toml", "fifo_like_dev_null": Path("/dev/null")}[target]
    try:
        semopt.scenarios.load_toml(path)
    except ScenarioError as exc:
        assert "\n" not in str(exc)
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"raised {describe_exc(exc)}")
    else:
        pytest.fail("accepted")


@pytest.mark.parametrize("path", [None, 3.5, b"\xff.toml", ["a.toml"]], ids=["none", "float", "bytes", "list"])
def test_paths_of_the_wrong_type(path: Any) -> None:
    try:
        semopt.scenarios.load_toml(path)
    except ScenarioError:
        pass
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"raised {describe_exc(exc)}")
    else:
        pytest.fail("accepted")


# --------------------------------------------------------------------------- the CLI on bad files

CLI_FILES = ["latin1", "utf16_bom", "scenario_int", "users_table", "users_datetime", "deep_arrays", "unknown_key"]


@pytest.mark.parametrize("label", CLI_FILES)
@pytest.mark.parametrize("command", ["solve", "solvers", "bench"])
def test_cli_on_a_bad_file(label: str, command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / f"{label}.toml"
    path.write_bytes(KNOWN_BAD[label])
    argv = {"solve": ["solve", str(path), "--solver", "uc"], "solvers": ["solvers", str(path)],
            "bench": ["bench", str(path), "--solvers", "uc", "--seeds", "1"]}[command]
    with memory_ceiling():
        try:
            status = main(argv)
        except BaseException as exc:  # noqa: BLE001 - SystemExit or a traceback are both findings
            pytest.fail(f"main({argv}) raised {describe_exc(exc)}")
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert status == 2, (status, err)
    assert out == ""
    assert len(lines) == 1 and lines[0].startswith("semopt: error: "), err


@pytest.mark.parametrize("label", ["utf16_bom", "users_datetime"])
def test_cli_subprocess_on_a_bad_file(label: str, tmp_path: Path) -> None:
    path = tmp_path / f"{label}.toml"
    path.write_bytes(KNOWN_BAD[label])
    done = subprocess.run([sys.executable, "-m", "semopt", "solve", str(path), "--solver", "uc"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert len(lines) == 1 and lines[0].startswith("semopt: error: "), done.stderr
