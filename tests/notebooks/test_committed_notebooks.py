"""The committed notebooks: no outputs, papermill-ready, and every step has its anatomy."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
STEPS = [p for p in NOTEBOOKS if not p.name.startswith("10_")]


def test_the_eleven_notebooks_exist():
    stems = [p.stem[:2] for p in NOTEBOOKS]
    assert stems == [f"{i:02d}" for i in range(11)], stems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    dirty = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not dirty, (
        f"{path.name}: cells {dirty} have outputs or execution counts. "
        "Clear them (nbstripout notebooks/*.ipynb) before committing."
    )
    assert "widgets" not in nb.metadata, f"{path.name} carries saved widget state; strip it."
    assert "papermill" not in nb.metadata, f"{path.name} is an executed papermill copy."


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_kernel_is_python3(path):
    assert nbformat.read(path, as_version=4).metadata.kernelspec["name"] == "python3"


@pytest.mark.parametrize("path", STEPS, ids=lambda p: p.stem)
def test_papermill_ready(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name} needs exactly one cell tagged 'parameters'"
    assert "interactive" in tagged[0].source and "use_sandbox" in tagged[0].source


@pytest.mark.parametrize("path", STEPS, ids=lambda p: p.stem)
def test_step_anatomy(path):
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert nb.cells[0].source.startswith("# "), "first cell is the title"
    assert "What you will learn" in text and "Time:" in text
    assert "## Self-check" in text and "self_check(" in text
    assert "## Summary" in text
    if not path.name.startswith("09_"):
        assert "**Next:**" in text
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "ipywidgets" not in code, "widgets come from sso_kit.ui, not per-notebook code"


def test_login_notebook_has_device_flow_diagram():
    nb = nbformat.read(ROOT / "notebooks" / "06_login.ipynb", as_version=4)
    assert any("```mermaid\nsequenceDiagram" in c.source for c in nb.cells)


def test_generator_is_in_sync_with_committed_notebooks():
    """scripts/build_notebooks.py is the source; editing only the .ipynb would drift."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build", ROOT / "scripts" / "build_notebooks.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    assert sorted(build.NOTEBOOKS) == [p.stem for p in STEPS]
    for stem, cells in build.NOTEBOOKS.items():
        fresh = build.build(stem, cells)
        committed = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
        assert [c.source for c in fresh.cells] == [c.source for c in committed.cells], stem
