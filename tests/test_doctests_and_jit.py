"""Docstring examples run as doctests, and the Numba kernels behave the same with the JIT off."""

from __future__ import annotations

import doctest
import importlib
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import semopt

ROOT = Path(__file__).resolve().parents[1]


def _modules():
    for info in pkgutil.walk_packages(semopt.__path__, "semopt."):
        if info.name != "semopt.__main__":  # importing it runs the command line
            yield info.name


@pytest.mark.parametrize("name", sorted(_modules()))
def test_docstring_examples(name):
    module = importlib.import_module(name)
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert failures == 0


def test_models_with_numba_jit_disabled():
    """The kernels' pure-Python path (NUMBA_DISABLE_JIT=1) passes the same model tests as the compiled one."""
    env = dict(os.environ, NUMBA_DISABLE_JIT="1")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/offloading/test_offloading_models.py",
         "tests/game/test_game.py::test_utility_kernel_equals_aggregate_form_equals_whole_profile",
         "tests/game/test_game.py::test_numba_and_numpy_best_responses_agree"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
