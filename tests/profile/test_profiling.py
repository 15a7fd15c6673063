"""Profiling on this machine (the extra ``semopt[profile]``): the torch rebuild of the catalogue, the fit of the
roofline, the JSON the split scenarios read, the command line, and the error without torch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import semopt
from semopt.errors import SemoptError
from semopt.models import networks
from semopt.models.roofline import DeviceProfile, layer_times

torch = pytest.importorskip("torch")

from semopt import profiling  # noqa: E402
from semopt.profiling import torch_layers  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TINY = (3, 32, 32)


@pytest.mark.parametrize("name", ["b-alexnet", "resnet18", "mobilenet-v2", "googlenet", "vgg16"])
def test_the_torch_rebuild_has_the_cost_model_s_shapes_and_parameters(name):
    net = networks.build(name, input_shape=TINY if name != "vgg16" else (3, 32, 32))
    modules = torch_layers.layer_modules(net)
    image = torch.zeros((1, *net.input_shape))
    outputs = []
    with torch.inference_mode():
        for layer, module in enumerate(modules):
            preds = sorted(net.graph.predecessors(layer))
            outputs.append(module(*([outputs[p] for p in preds] if preds else [image])))
    assert [int(o.numel()) for o in outputs] == [int(x) for x in net.out_elements]
    params = [sum(p.numel() for p in m.parameters()) for m in modules]
    assert params == [int(x) for x in net.params]


@pytest.mark.parametrize("combine", ["max", "sum"])
def test_fit_recovers_a_known_roofline_from_its_own_times(combine):
    truth = DeviceProfile(5e10, memory_bandwidth=2e10, efficiency={"fc": 0.5, "dwconv": 0.2},
                          memory_efficiency={"pool": 0.4, "conv": 0.8, "add": 0.5, "dwconv": 0.6},
                          class_overhead={"conv": 2e-5, "fc": 1e-5, "pool": 5e-6, "add": 3e-6, "dwconv": 1e-5},
                          combine=combine)
    runs = [(net, layer_times(net, truth)) for net in (networks.build("mobilenet-v2", input_shape=(3, 64, 64)),
                                                        networks.build("alexnet"), networks.build("resnet18"))]
    fitted = profiling.fit(runs, totals=[float(times.sum()) for _, times in runs])
    assert fitted.combine == combine
    for net, times in runs:
        np.testing.assert_allclose(layer_times(net, fitted), times, rtol=0.02)


def test_fit_refuses_what_it_cannot_fit():
    net = networks.build("alexnet")
    with pytest.raises(SemoptError, match="12 layers"):
        profiling.fit([(net, [1e-3] * 11)])
    with pytest.raises(SemoptError, match="finite and > 0"):
        profiling.fit([(net, [1e-3] * 11 + [0.0])])
    with pytest.raises(SemoptError, match="at least one measured layer"):
        profiling.fit([])


def test_the_whole_path_at_a_tiny_size(tmp_path):
    result = profiling.profile(["b-alexnet", "resnet18"], input_shape=TINY, warmup=1, repeats=3)
    assert [row["network"] for row in result["networks"]] == ["b-alexnet", "resnet18"]
    for row in result["networks"]:
        assert row["measured"] > 0 and row["roofline"] > 0 and row["flop_model"] > 0
        assert len(row["layers"]) == networks.build(row["network"], TINY).n_layers
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(result))
    profile = DeviceProfile.load(path)
    assert profile.peak_flops == result["profile"]["peak_flops"]
    problem = semopt.scenarios.load("split-resnet18", device_profile=str(path))
    assert problem.device_profile == profile and problem.device_flops[0] == profile.peak_flops
    answer = semopt.solve(problem, "mincut")
    assert answer.objective == pytest.approx(semopt.solve(problem, "exhaustive").objective)


def test_layer_times_are_measured_in_context_and_add_up():
    net = networks.build("resnet18", input_shape=TINY)
    measured = profiling.measure(net, threads=1, warmup=1, repeats=3)
    assert len(measured["layers"]) == net.n_layers and len(measured["network"]) == 3
    assert all(len(row["samples"]) == 3 and row["median"] > 0 and row["iqr"] >= 0 for row in measured["layers"])
    assert torch.get_num_threads() >= 1  # the thread count is given back


@pytest.mark.parametrize(("kwargs", "message"), [({"threads": 0}, "`threads` must be an integer >= 1"),
                                                 ({"repeats": 0}, "`repeats` must be an integer >= 1"),
                                                 ({"warmup": -1}, "`warmup` must be an integer >= 0")])
def test_bad_measurement_settings_are_refused(kwargs, message):
    with pytest.raises(SemoptError, match=message):
        profiling.measure(networks.build("alexnet"), **kwargs)


def test_the_command_line_writes_a_profile_the_scenarios_read(tmp_path):
    out = tmp_path / "cpu.json"
    done = subprocess.run([sys.executable, "-m", "semopt", "profile", "b-alexnet", "--repeats", "2", "--warmup", "1",
                           "--out", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "fitted roofline" in done.stdout and "b-alexnet" in done.stdout
    assert DeviceProfile.load(out).peak_flops > 0


def test_without_torch_profiling_names_the_extra():
    code = ("import sys; sys.modules['torch'] = None\n"
            "import semopt.profiling as p, semopt.models.networks as n\n"
            "assert not p.available()\n"
            "try:\n    p.measure(n.build('alexnet'))\n"
            "except Exception as e:\n    print(type(e).__name__, e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.startswith("SemoptError") and "pip install 'semopt[profile]'" in out


def test_several_thread_counts_each_get_a_fit_and_the_last_is_the_profile():
    result = profiling.profile(["b-alexnet"], threads=[1, 2], warmup=1, repeats=2)
    assert sorted(result["runs"]) == ["1", "2"] and result["threads"] == 2
    assert result["profile"] == result["runs"]["2"]["profile"]
    assert result["runs"]["1"]["profile"]["name"].endswith("1 thread")
    with pytest.raises(SemoptError, match="at least one thread count"):
        profiling.profile(["b-alexnet"], threads=[])


def test_the_command_line_refuses_a_bad_thread_count():
    done = subprocess.run([sys.executable, "-m", "semopt", "profile", "b-alexnet", "--threads", "1,many"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2 and "--threads takes counts or `all`" in done.stderr
