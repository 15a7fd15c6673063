"""The notebooks of notebooks/ run headless from a clean kernel, and are committed without outputs.

Each notebook is executed with nbclient at ``SEMOPT_NOTEBOOK_SIZE=small`` (a
smoke run of every cell, seconds rather than minutes) and writes its figures
into a temporary ``SEMOPT_NOTEBOOK_OUT``.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
kernelspec = pytest.importorskip("jupyter_client.kernelspec")

pytestmark = pytest.mark.notebook

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "semantic_offloading.ipynb"
KERNEL = "python3"
CELL_TIMEOUT = 600
FIGURES = ("fig2_convergence.png", "fig3_reward_vs_users.png")
SPLIT_NOTEBOOK = ROOT / "notebooks" / "split_inference.ipynb"
SPLIT_FIGURES = (
    "split_fig1_latency_vs_rate.png",
    "split_fig2_split_points.png",
    "split_fig3_energy_tradeoff.png",
    "split_fig4_multiuser.png",
)
GAME_NOTEBOOK = ROOT / "notebooks" / "semantic_game.ipynb"
GAME_FIGURES = (
    "game_fig5_convergence.png",
    "game_fig6_fluctuation.png",
    "game_ablation_baselines.png",
    "game_pareto_front.png",
    "game_rounds_jain.png",
)
QOE_NOTEBOOK = ROOT / "notebooks" / "qoe_offloading.ipynb"
QOE_FIGURES = (
    "qoe_fig08_bandwidth.png",
    "qoe_fig09_noise.png",
    "qoe_fig10_users.png",
    "qoe_fig11_mu_min.png",
    "qoe_fig12_schemes.png",
    "qoe_fig13_tasks.png",
    "qoe_fig14_weight_delay.png",
    "qoe_fig15_weight_energy.png",
    "qoe_fig16_weight_accuracy.png",
)
MS_NOTEBOOK = ROOT / "notebooks" / "model_selection.ipynb"
MS_FIGURES = (
    "ms_fig5_rewards.png",
    "ms_users_rewards.png",
    "ms_model_mix.png",
    "ms_rate_concentration.png",
)
# The learned rows run where semopt[learned] is installed (as in CI) and are skipped, with a note, elsewhere.
LEARNED = all(importlib.util.find_spec(m) is not None for m in ("torch", "gymnasium", "stable_baselines3"))
if LEARNED:
    QOE_FIGURES += ("qoe_learned.png",)
    MS_FIGURES += ("ms_learned_ppo.png",)
LATENCY_NOTEBOOK = ROOT / "notebooks" / "latency_models.ipynb"
# Measuring needs torch (semopt[profile]); without it the notebook says so and draws nothing.
LATENCY_FIGURES = ("lat_networks.png", "lat_layer_errors.png", "lat_cuts.png") if LEARNED else ()


@pytest.fixture(scope="session")
def kernel_name() -> str:
    """The ``python3`` kernelspec, installed for this interpreter (``--user``) if none is found."""
    try:
        kernelspec.KernelSpecManager().get_kernel_spec(KERNEL)
    except kernelspec.NoSuchKernel:
        subprocess.run(
            [sys.executable, "-m", "ipykernel", "install", "--user", "--name", KERNEL],
            check=True,
            capture_output=True,
        )
    return KERNEL


def _execute(path: Path, kernel_name: str) -> None:
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        kernel_name=kernel_name,
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(ROOT)}},  # the kernel's cwd: the repo root
    )
    client.execute()  # raises CellExecutionError, naming the cell, if a cell fails


@pytest.mark.parametrize(("notebook", "figures"),
                         [(NOTEBOOK, FIGURES), (SPLIT_NOTEBOOK, SPLIT_FIGURES), (GAME_NOTEBOOK, GAME_FIGURES),
                          (QOE_NOTEBOOK, QOE_FIGURES), (MS_NOTEBOOK, MS_FIGURES),
                          (LATENCY_NOTEBOOK, LATENCY_FIGURES)],
                         ids=["semantic_offloading", "split_inference", "semantic_game", "qoe_offloading",
                              "model_selection", "latency_models"])
def test_notebook_runs(notebook: Path, figures: tuple[str, ...], kernel_name: str, tmp_path: Path,
                       monkeypatch) -> None:
    out = tmp_path / "out"
    # The kernel inherits this process's environment.
    monkeypatch.setenv("SEMOPT_NOTEBOOK_SIZE", "small")
    monkeypatch.setenv("SEMOPT_NOTEBOOK_OUT", str(out))
    _execute(notebook, kernel_name)
    for name in figures:
        png = out / name
        assert png.is_file(), f"{name} was not written to {out}"
        assert png.stat().st_size > 0, f"{name} is empty"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{name} is not a PNG"


def test_notebooks_are_committed_without_outputs() -> None:
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert NOTEBOOK in notebooks
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                assert cell.outputs == [], f"{path.name} cell {i} has stored outputs"
                assert cell.execution_count is None, f"{path.name} cell {i} has an execution count"


def test_learned_rows_are_skipped_with_a_note_naming_the_extra_without_it() -> None:
    # torch hidden (sys.modules[name] = None): what a machine without semopt[learned] sees.
    code = (
        "import sys; sys.modules['torch'] = None; sys.path.insert(0, 'notebooks')\n"
        "import learned_study\n"
        "for scenario in ('model-selection', 'qoe-offloading'):\n"
        "    print(learned_study.missing(scenario))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    notes = out.strip().splitlines()
    assert len(notes) == 2
    assert "Learned rows skipped" in notes[0] and "ppo" in notes[0]
    assert "mappo, d3qn" in notes[1]
    assert all("pip install 'semopt[learned]'" in note for note in notes)
