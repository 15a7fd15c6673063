"""The Dask executor of ``semopt bench`` (issue 15): a LocalCluster and a cluster reached by its scheduler's
address give the records of the in-process and local-process executors, times aside."""

from __future__ import annotations

import subprocess
import sys

import pytest

import semopt
from semopt.bench import ArgumentError

distributed = pytest.importorskip("distributed")

SWEEP = ["users=3", "exits=1,2"]  # a grid: the panel travels with each task too
OVERRIDES: dict = {}
SOLVERS = ["fa", "uc"]


def _key(record):
    # everything but the time a run took
    return (record.scenario, record.param, record.value, record.panel, record.seed, record.solver, record.status,
            record.feasible, record.objective, tuple(sorted(record.metrics.items())), record.history)


def _run(**executor):
    report = semopt.bench.run("semantic-mec", SOLVERS, seeds=2, sweep=SWEEP, overrides=OVERRIDES, quiet=True,
                              history=True, **executor)
    return [_key(record) for record in report.records]


@pytest.fixture(scope="module")
def in_process():
    return _run()


def test_a_local_cluster_gives_the_records_of_every_other_executor(in_process, tmp_path):
    assert _run(dask_workers=2) == in_process
    assert _run(workers=2) == in_process
    # and the journal keeps them as they come
    folder = tmp_path / "out"
    semopt.bench.run("semantic-mec", SOLVERS, seeds=2, sweep=SWEEP, quiet=True, dask_workers=2, out=folder,
                     history=True)
    assert [_key(record) for record in semopt.bench.load(folder).records] == in_process


def test_a_cluster_reached_by_its_address(in_process):
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        assert _run(scheduler=cluster.scheduler_address) == in_process


@pytest.mark.parametrize(("executor", "message"), [
    ({"scheduler": "tcp://127.0.0.1:8786", "dask_workers": 2}, "not both"),
    ({"scheduler": "localhost"}, "must be an address such as tcp://HOST:8786; got 'localhost'"),
    ({"dask_workers": 0}, "`dask_workers` must be an integer >= 1; got 0"),
    ({"dask_workers": 2, "workers": 2}, "leave `workers` at 1"),
])
def test_bad_executors_are_refused_before_any_run(executor, message):
    with pytest.raises(ArgumentError, match=message):
        semopt.bench.run("semantic-mec", SOLVERS, seeds=1, quiet=True, **executor)


def test_without_dask_the_message_names_the_extra():
    code = ("import sys; sys.modules['distributed'] = None\n"
            "import semopt\n"
            "try:\n    semopt.bench.run('semantic-mec', ['fa'], seeds=1, quiet=True, dask_workers=2)\n"
            "except semopt.errors.SemoptError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "pip install 'semopt[distributed]'" in out
