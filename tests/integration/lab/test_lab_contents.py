"""The kit's contents manager, as the Jupyter server uses it, on a copy of every notebook.

Reading fills in the kernel metadata JupyterLab writes on connect (so Lab has nothing to change:
the notebook opens unmodified); saving what Lab sends back, outputs and all, rewrites the MyST
source byte for byte.
"""

from __future__ import annotations

import asyncio
import platform
import shutil
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from traitlets.config import LoggingConfigurable

from sso_kit.course.lab_contents import KitContentsManager

ROOT = Path(__file__).resolve().parents[3]
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.md"))

pytestmark = pytest.mark.integration


class _Server(LoggingConfigurable):
    """What the manager reads from its parent: the server's kernel specs."""

    kernel_spec_manager = KernelSpecManager()


@pytest.fixture
def manager(tmp_path: Path) -> KitContentsManager:
    shutil.copytree(ROOT / "notebooks", tmp_path / "nb")
    return KitContentsManager(root_dir=str(tmp_path / "nb"), parent=_Server())


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_read_has_lab_metadata_and_save_keeps_the_source(manager, name):
    path = Path(manager.root_dir) / name
    before = path.read_bytes()
    model = asyncio.run(manager.get(name, content=True, type="notebook"))
    meta = model["content"]["metadata"]
    spec = _Server.kernel_spec_manager.get_kernel_spec("python3")
    assert meta["kernelspec"] == {
        "name": "python3",
        "display_name": spec.display_name,
        "language": "python",
    }
    assert meta["language_info"]["version"] == platform.python_version()
    assert meta["language_info"]["pygments_lexer"] == "ipython3"

    # what Lab sends back after a run: outputs, counts, widget state
    nb = nbformat.from_dict(model["content"])
    for n, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.execution_count = n + 1
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="ran\n")]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    asyncio.run(manager.save({"type": "notebook", "format": "json", "content": nb}, name))
    assert path.read_bytes() == before


def test_make_lab_and_binder_both_use_it(tmp_path):
    from sso_kit.course.lab_setup import jupyter_command

    name = f"{KitContentsManager.__module__}.{KitContentsManager.__qualname__}"
    argv = jupyter_command(
        port=1, token=None, notebook_dir=tmp_path, settings_dir=tmp_path, workspaces_dir=tmp_path
    )
    assert f"--ServerApp.contents_manager_class={name}" in argv
    assert f'"contents_manager_class": "{name}"' in (ROOT / "binder" / "postBuild").read_text()
