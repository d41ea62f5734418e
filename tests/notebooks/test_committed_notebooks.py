"""The notebook sources: MyST text notebooks that hold no outputs, papermill-ready, with the
anatomy every step shares; and saving one from JupyterLab never writes outputs into it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.md"))
STEPS = [p for p in SOURCES if not p.name.startswith("10_")]


def test_the_eleven_notebooks_exist_as_text():
    stems = [p.stem[:2] for p in SOURCES]
    assert stems == [f"{i:02d}" for i in range(11)], stems


def test_no_ipynb_is_tracked_in_notebooks():
    tracked = subprocess.run(
        ["git", "ls-files", "notebooks"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert tracked, "git ls-files found nothing: not a checkout?"
    assert not [t for t in tracked if t.endswith(".ipynb")], tracked
    assert "notebooks/conftest.py" not in tracked, "test plumbing does not belong in the tutorial"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_source_is_myst_with_the_python3_kernel(path):
    nb = jupytext.read(path)
    assert nb.metadata["jupytext"]["text_representation"]["format_name"] == "myst"
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert "jupytext_version" not in path.read_text(), "jupytext.toml filters the version out"


@pytest.mark.parametrize("path", STEPS, ids=lambda p: p.stem)
def test_papermill_ready(path):
    nb = jupytext.read(path)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name} needs exactly one cell tagged 'parameters'"
    assert "interactive" in tagged[0].source and "use_sandbox" in tagged[0].source


@pytest.mark.parametrize("path", STEPS, ids=lambda p: p.stem)
def test_step_anatomy(path):
    nb = jupytext.read(path)
    text = "\n".join(c.source for c in nb.cells)
    assert nb.cells[0].source.startswith("# "), "first cell is the title"
    assert "What you will learn" in text and "Time:" in text
    assert ("## Self-check" in text and "self_check(" in text) or (
        "## Check my work" in text and "check_my_work(" in text
    )
    assert "## Summary" in text
    if not path.name.startswith("09_"):
        assert "**Next:**" in text
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "ipywidgets" not in code, "widgets come from sso_kit.ui, not per-notebook code"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_links_to_other_steps_point_at_their_sources(path):
    text = path.read_text()
    assert ".ipynb)" not in text, "link to NN_name.md, the file a learner opens"


def test_login_notebook_has_device_flow_diagram():
    nb = jupytext.read(ROOT / "notebooks" / "06_login.md")
    assert any("```mermaid\nsequenceDiagram" in c.source for c in nb.cells)


def test_built_copies_match_their_sources_and_carry_no_outputs(tmp_path):
    """``sso-kit tutorial build`` (what ``make notebooks`` runs) writes one .ipynb per source."""
    import nbformat

    proc = subprocess.run(
        [sys.executable, "-m", "sso_kit", "tutorial", "build", "--output-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    built = sorted(tmp_path.glob("*.ipynb"))
    assert [p.stem for p in built] == [p.stem for p in SOURCES]
    for source, copy in zip(SOURCES, built, strict=True):
        nb = nbformat.read(copy, as_version=4)
        assert [c.source for c in nb.cells] == [c.source for c in jupytext.read(source).cells]
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


def test_saving_from_jupyterlab_writes_no_outputs_into_the_source(tmp_path):
    """Lab saves through jupytext's contents manager: a run notebook's outputs stay in memory.

    This is why no tracked file ever receives a learner's outputs (sandbox password included).
    """
    from jupytext.sync_contentsmanager import TextFileContentsManager

    # Lab's root is notebooks/ (a copy of it here), whose jupytext.toml keeps the
    # header free of the jupytext version, so a save by another version changes nothing
    shutil.copytree(ROOT / "notebooks", tmp_path, dirs_exist_ok=True)
    before = (tmp_path / "05_configure_profile.md").read_bytes()
    cm = TextFileContentsManager(root_dir=str(tmp_path))
    model = cm.get("05_configure_profile.md", content=True, type="notebook")
    code = next(c for c in model["content"].cells if c.cell_type == "code")
    code.outputs = [{"output_type": "stream", "name": "stdout", "text": "password hunter2-x\n"}]
    code.execution_count = 7
    cm.save(model, "05_configure_profile.md")
    after = (tmp_path / "05_configure_profile.md").read_bytes()
    assert b"hunter2-x" not in after
    assert after == before, "an unchanged notebook saves byte for byte"
    assert not list(tmp_path.glob("*.ipynb")), "no paired .ipynb appears next to the source"
