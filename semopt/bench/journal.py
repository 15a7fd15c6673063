"""A benchmark folder that loses nothing: ``records.csv`` written as runs finish, ``bench.json`` beside it.

Layout of a folder (``semopt bench --out DIR``, ``semopt.bench.run(out=DIR)``)::

    DIR/bench.json      the manifest: the configuration (scenario, fixed overrides, sweep, seeds,
                        solvers, options, time limit, semopt version), the report, the wall time
    DIR/records.csv     the journal: one row per finished run, appended and synced to disk as it
                        finishes (completion order); rewritten in the records' order at the end
    DIR/summary.csv, DIR/comparison.csv, DIR/<metric>.png|svg
                        (re)written at the end from every row of the journal

:meth:`Journal.open` checks the folder before the first run: it is created,
written (the manifest), and, if it already holds a benchmark, that one must
have the same configuration -- solvers may be added, nothing else may
change -- and its rows are the runs a resumed benchmark skips.  A last line
cut short (the process was killed while writing it) is dropped, so its run
is done again.  :func:`read_folder` reads a folder back for
:func:`semopt.bench.load`.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import signal
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import semopt
from semopt import scenarios
from semopt.bench.export import PANEL_SEPARATOR, cell_text, cells, columns, csv_line, replace_atomically
from semopt.bench.records import Metric, Panel, Record, report_of
from semopt.bench.runner import Plan, RunKey, grid_points, run_key
from semopt.bench.stats import point_key
from semopt.bench.sweep import ArgumentError, Scalar, Sweep, parse_value
from semopt.errors import SemoptError

__all__ = ["Journal", "JournalError", "Folder", "read_folder", "read_records", "manifest_of", "MANIFEST",
           "RECORDS", "FORMAT"]

MANIFEST = "bench.json"
RECORDS = "records.csv"
FORMAT = 1
"""Version of the folder's layout, in the manifest."""

_FIXED = columns(Record)[: columns(Record).index("message")]  # scenario ... solve_time (no metrics)
_COMPARED = ("format", "semopt", "scenario", "overrides", "sweep", "panels", "history", "seeds", "time_limit")
_TRAILING = ("message", "panel", "history")
"""Columns after the metrics, each absent from older files (no ``panel``, ``history``: before grids)."""


class JournalError(SemoptError, ValueError):
    """A benchmark folder cannot be read or resumed: the message names the path and what is wrong."""


def _version() -> str:
    # Read at call time: semopt (which imports this module) has set its version by then.
    return str(semopt.__version__)


def _plain(value: Any) -> Any:
    """``value`` as JSON reads it back (tuples as lists; anything else JSON lacks as its name)."""
    return json.loads(json.dumps(value, default=lambda obj: getattr(obj, "__qualname__", repr(obj))))


def _canon(value: Any) -> str:
    # JSON text, not ==: 1, 1.0 and True are equal in Python but are three different sweep values.
    return json.dumps(value, sort_keys=True)


def manifest_of(plan: Plan) -> dict[str, Any]:
    """The manifest (``bench.json``) of ``plan``: its configuration, plain JSON."""
    return _plain({
        "format": FORMAT,
        "semopt": _version(),
        "scenario": plan.scenario,
        "overrides": plan.overrides,
        "sweep": None if plan.sweep is None else {"param": plan.sweep.param, "values": list(plan.sweep.values)},
        # None without a grid, so that the manifest of a one-sweep benchmark reads as it did before grids.
        "panels": [{"param": s.param, "values": list(s.values)} for s in plan.panels] or None,
        "history": plan.history or None,
        "preset": plan.preset,
        "seeds": list(plan.seeds),
        "solvers": list(plan.solvers),
        "options": plan.options,
        "time_limit": plan.time_limit,
        "report": [list(metric) for metric in plan.report],
        "wall_time": 0.0,
    })


def _differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What keeps the benchmark in a folder (``old``) from being resumed by ``new``, one phrase each."""
    out = [f"{key} {_canon(old.get(key))} there, {_canon(new[key])} now"
           for key in _COMPARED if _canon(old.get(key)) != _canon(new[key])]
    solvers = old.get("solvers") or []
    left_out = [name for name in solvers if name not in new["solvers"]]
    if left_out:
        out.append(f"solvers {', '.join(left_out)} there but not now (solvers may be added, not left out)")
    options = old.get("options") or {}
    for name in solvers:
        if name in new["solvers"] and _canon(options.get(name, {})) != _canon(new["options"].get(name, {})):
            out.append(f"options of {name} {_canon(options.get(name, {}))} there, "
                       f"{_canon(new['options'].get(name, {}))} now")
    return out


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    path = folder / MANIFEST
    if not path.exists():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise JournalError(f"Cannot read {str(path)!r}: {exc}.") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("solvers"), list):
        raise JournalError(f"{str(path)!r} is not a benchmark manifest (no list of solvers).")
    return manifest


def _sweep_values(manifest: dict[str, Any] | None) -> list[Scalar]:
    return [value for sweep in _sweeps(manifest, "sweep") for value in sweep.values]


def _sweeps(manifest: dict[str, Any] | None, key: str) -> list[Sweep]:
    """The manifest's sweep (``key="sweep"``) or grid panels (``"panels"``) as Sweeps; none if malformed."""
    entry = (manifest or {}).get(key)
    entries = [entry] if isinstance(entry, dict) else entry if isinstance(entry, list) else []
    return [Sweep(str(e["param"]), tuple(e["values"])) for e in entries
            if isinstance(e, dict) and "param" in e and isinstance(e.get("values"), list)]


def _panel(text: str, panels: Mapping[str, Mapping[str, Scalar]], where: str) -> Panel:
    """A ``panel`` cell read back: each value typed as the manifest's sweep gives it (``panels``: param ->
    cell text -> value), else parsed."""
    if not text:
        return ()
    pairs = []
    for item in text.split(PANEL_SEPARATOR):
        param, sep, value = item.partition("=")
        if not sep or not param:
            raise JournalError(f"{where}: panel {text!r} is not 'param=value; ...'.")
        known = panels.get(param, {})
        pairs.append((param, known[value] if value in known else parse_value(value)))
    return tuple(pairs)


def _panel_values(manifest: dict[str, Any] | None) -> dict[str, Sequence[Scalar]]:
    return {s.param: s.values for s in _sweeps(manifest, "panels")}


def read_records(path: Path, values: Sequence[Scalar] = (),
                 panels: Mapping[str, Sequence[Scalar]] | None = None) -> tuple[list[str], list[Record], int | None]:
    """Read a records CSV file: its metric columns, its rows, and where a cut-short last line starts.

    Parameters
    ----------
    path : Path
    values : sequence of scalar
        The sweep's values: a ``value`` cell reading as one of them is that
        value (its type kept: ``"1.0"`` is the float 1.0); others are read
        by :func:`~semopt.bench.sweep.parse_value`.
    panels : mapping of str to sequence of scalar, optional
        A grid's further swept parameters and their values: the ``panel``
        cells are typed the same way.

    Returns
    -------
    metrics : list of str
        The metric columns (empty without a header).
    records : list of Record
        In file order; a run recorded twice (``--retry-failed``) keeps its last row.
    cut : int or None
        Byte offset of a last line without its line end (dropped), or None.

    Raises
    ------
    JournalError
        Unreadable, not a records file (its header), or a malformed row (the message names the line).
    """
    where = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise JournalError(f"Cannot read {where!r}: {exc}.") from None
    cut = None
    if data and not data.endswith(b"\n"):
        # Each row is written whole and synced, so a row without its line end is one the process died writing.
        cut = data.rfind(b"\n") + 1
        data = data[:cut]
    try:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise JournalError(f"{where!r} is not a readable CSV file: {exc}.") from None
    if not rows:
        return [], [], cut
    header = rows[0]
    if header[: len(_FIXED)] != _FIXED:
        raise JournalError(f"{where!r} is not a benchmark records file: its header reads "
                           f"{','.join(header)[:200]!r}, not {','.join(_FIXED)},....")
    tail = [name for name in _TRAILING if name in header]  # no metric takes a field's name (export.columns)
    metrics = [name for name in header[len(_FIXED):] if name not in _TRAILING]
    by_text = {cell_text(value): value for value in values}
    panel_text = {param: {cell_text(v): v for v in given} for param, given in (panels or {}).items()}
    kept: dict[RunKey, Record] = {}
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise JournalError(f"{where!r}, line {line}: {len(row)} cells where the header has {len(header)}.")
        record = _record(row, header, metrics, tail, by_text, panel_text, f"{where!r}, line {line}")
        kept[run_key(record)] = record
    return metrics, list(kept.values()), cut


def _record(row: list[str], header: list[str], metrics: list[str], tail: list[str],
            by_text: dict[str, Scalar], panels: Mapping[str, Mapping[str, Scalar]], where: str) -> Record:
    cell = dict(zip(header, row, strict=True))

    def number(name: str, kind: type = float) -> Any:
        try:
            return kind(cell[name])
        except ValueError:
            noun = "an integer" if kind is int else "a number"
            raise JournalError(f"{where}: {name} {cell[name]!r} is not {noun}.") from None

    if cell["feasible"] not in ("True", "False"):
        raise JournalError(f"{where}: feasible {cell['feasible']!r} is not True or False.")
    text = cell["value"]
    value = None if text == "" else by_text.get(text, parse_value(text))
    return Record(
        scenario=cell["scenario"],
        param=cell["param"] or None,
        value=value,
        seed=number("seed", int),
        solver=cell["solver"],
        status=cell["status"],
        feasible=cell["feasible"] == "True",
        objective=number("objective"),
        solve_time=number("solve_time"),
        metrics={key: number(key) for key in metrics},
        message=cell["message"] if "message" in tail else "",
        panel=_panel(cell["panel"], panels, where) if "panel" in tail else (),
        history=_history(cell["history"], where) if "history" in tail else (),
    )


def _history(text: str, where: str) -> tuple[float, ...]:
    try:
        return tuple(float(item) for item in text.split())
    except ValueError:
        raise JournalError(f"{where}: history {text[:80]!r} is not a list of numbers.") from None


def order_records(records: Iterable[Record], manifest: dict[str, Any] | None) -> list[Record]:
    """``records`` in the benchmark's order (sweep value, seed, solver as configured); others after, as read."""
    if manifest is None:
        return list(records)
    sweeps = _sweeps(manifest, "sweep")
    points = grid_points(sweeps[0] if sweeps else None, _sweeps(manifest, "panels"))
    seeds, solvers = list(manifest.get("seeds") or []), list(manifest.get("solvers") or [])
    order = ((point_key(v, panel), seed, solver) for v, panel in points for seed in seeds for solver in solvers)
    rank = {key: i for i, key in enumerate(order)}
    listed = list(records)
    return sorted(listed, key=lambda r: rank.get(run_key(r), len(rank)))  # sorted is stable: others keep their order


@dataclass
class Folder:
    """A benchmark folder read back by :func:`read_folder`."""

    path: Path
    manifest: dict[str, Any] | None
    records: list[Record]
    report: tuple[Metric, ...]


def read_folder(folder: str | Path) -> Folder:
    """Read a benchmark folder: its manifest (if any), its records in order, its report.

    Raises
    ------
    JournalError
        No such folder, no ``records.csv`` in it, or a malformed file.
    """
    if not isinstance(folder, (str, os.PathLike)):
        raise JournalError(f"A benchmark folder is given by its path (a str or a Path); got {folder!r:.80}.")
    path = Path(folder)
    if not path.is_dir():
        raise JournalError(f"No benchmark folder at {str(path)!r}.")
    if not (path / RECORDS).is_file():
        raise JournalError(f"{str(path)!r} holds no {RECORDS}: it is not a benchmark folder.")
    manifest = _read_manifest(path)
    metrics, records, _ = read_records(path / RECORDS, _sweep_values(manifest), _panel_values(manifest))
    if not metrics and not records and (path / RECORDS).stat().st_size == 0:
        raise JournalError(f"{str(path / RECORDS)!r} is empty: not even a header.")
    report: tuple[Metric, ...] = ()
    try:
        report = tuple(Metric(*entry) for entry in (manifest or {}).get("report", []))
    except TypeError:
        raise JournalError(f"{str(path / MANIFEST)!r}: its report is not a list of (key, label, better).") from None
    if not report and records:  # a folder without manifest: the report its scenario's family declares, if known
        with contextlib.suppress(SemoptError, ValueError):
            family = report_of(scenarios.spec(records[0].scenario).problem)
            report = family if [m.key for m in family] == metrics else ()
    return Folder(path, manifest, order_records(records, manifest), report)


@contextlib.contextmanager
def _sigint_deferred() -> Iterator[None]:
    """Hold SIGINT back (it is delivered on leaving), where the platform allows it and in the main thread."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _lock(file: IO[str], folder: Path) -> None:
    """Hold an exclusive lock on the open journal until it is closed: two benchmarks must not write one folder."""
    try:
        import fcntl
    except ImportError:  # not on Windows: there the folder is not guarded
        return
    try:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise JournalError(f"Another `semopt bench` is writing into {str(folder)!r}; wait for it, or give "
                           "another folder.") from None


@dataclass
class Journal:
    """An open benchmark folder: the rows already there, and the file new rows are appended to.

    Use :meth:`open`; then :meth:`append` each record as it finishes, and
    :meth:`close` (or :meth:`finish`).
    """

    folder: Path
    manifest: dict[str, Any]
    metrics: list[str]
    records: list[Record]
    dropped: bool = False
    keys: set[RunKey] = field(default_factory=set)
    _file: IO[str] | None = None

    @property
    def path(self) -> Path:
        """The journal file, ``records.csv``."""
        return self.folder / RECORDS

    @classmethod
    def open(cls, folder: str | Path, plan: Plan) -> Journal:
        """Open ``folder`` for ``plan``: create it, check it, read what is done, write the manifest.

        Raises
        ------
        ArgumentError
            The folder cannot be created or written.
        JournalError
            It holds a benchmark of another configuration (the message says
            what differs), a ``records.csv`` without manifest, or a malformed one.
        """
        if not isinstance(folder, str | os.PathLike) or not str(folder):
            raise ArgumentError(f"`out` must be a folder path; got {folder!r}.")
        path = Path(folder)
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArgumentError(f"Cannot write the results into {str(folder)!r}: {exc}.") from None
        old = _read_manifest(path)
        new = manifest_of(plan)
        journal = path / RECORDS
        metrics: list[str] = []
        records: list[Record] = []
        cut = None
        if journal.exists():
            if old is None:
                raise JournalError(f"{str(journal)!r} has no {MANIFEST} beside it, so it cannot be resumed; "
                                   "give another folder, or move it away.")
            metrics, records, cut = read_records(journal, [v for v in plan.values if v is not None],
                                                 {s.param: s.values for s in plan.panels})
        metric_keys = [m.key for m in plan.report]
        if records:
            differences = _differences(old or {}, new)
            if differences:
                raise JournalError(f"{str(path)!r} holds a benchmark of another configuration: "
                                   f"{'; '.join(differences)}. Give another folder, or delete this one to start over.")
            if metrics != metric_keys:
                raise JournalError(f"{str(journal)!r} has the metric columns {metrics}, not {metric_keys}.")
            new["wall_time"] = float((old or {}).get("wall_time", 0.0) or 0.0)
        self = cls(path, new, metric_keys, records, dropped=cut is not None, keys={run_key(r) for r in records})
        try:
            self._file = journal.open("a", newline="", encoding="utf-8")  # also the check that it is writable
        except OSError as exc:
            raise ArgumentError(f"Cannot write the results into {str(folder)!r}: {exc}.") from None
        try:
            _lock(self._file, path)
            replace_atomically(path / MANIFEST, json.dumps(new, indent=2) + "\n")
            if not records:
                self._file.truncate(0)  # a header-only or cut-short start: begin afresh
            elif cut is not None:
                self._file.truncate(cut)
            if os.fstat(self._file.fileno()).st_size == 0:  # not tell(): truncating does not move the position
                self._write(columns(Record, metric_keys))
        except OSError as exc:
            self.close()
            raise ArgumentError(f"Cannot write the results into {str(folder)!r}: {exc}.") from None
        except BaseException:
            self.close()
            raise
        return self

    def _write(self, values: Sequence[Any]) -> None:
        assert self._file is not None
        # One write, flushed and synced: after a crash a row is whole or missing its line end (dropped on resume).
        self._file.write(csv_line(values))
        self._file.flush()
        os.fsync(self._file.fileno())

    def append(self, record: Record) -> None:
        """Write ``record`` as one row, on disk before this returns.

        Raises
        ------
        JournalError
            The row cannot be written (disk full, folder gone...).
        """
        with _sigint_deferred():  # a Ctrl-C now would leave half a row, or a row the count of kept runs misses
            try:
                self._write(cells(record, self.metrics))
            except OSError as exc:
                raise JournalError(f"Cannot append to {str(self.path)!r}: {exc}.") from None
            self.keys.add(run_key(record))

    def kept(self, plan: Plan) -> int:
        """How many of ``plan``'s runs have a row in the journal."""
        return len(self.keys & set(plan.keys()))

    def close(self, wall_time: float = 0.0) -> None:
        """Close the journal file and add ``wall_time`` seconds to the manifest's (best effort)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        if wall_time > 0 and not math.isnan(wall_time):
            self.manifest["wall_time"] = float(self.manifest.get("wall_time", 0.0)) + wall_time
            try:
                replace_atomically(self.folder / MANIFEST, json.dumps(self.manifest, indent=2) + "\n")
            except OSError:
                pass  # the wall time is a courtesy; the records are what matters, and they are on disk
