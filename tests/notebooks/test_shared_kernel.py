"""The batch's shared kernel: each notebook sees only what it defines itself.

Real kernels through papermill (no sandbox: the notebooks say ``use_sandbox = False``). The
first notebook leaves behind everything a notebook can leave in a kernel; the next ones must
find none of it, as if each ran alone, while parameters still reach every notebook.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

from sso_kit.course.runner import run_tutorial

pytestmark = [pytest.mark.notebooks]

LEAVES_THINGS_BEHIND = """\
import os, sys, warnings
import ipywidgets
x = 1
os.environ["SSO_KIT_LEAK_TEST"] = "left over"
sys.path.insert(0, "/nowhere")
warnings.simplefilter("error")
slider = ipywidgets.IntSlider()
os.chdir("/")
"""

FINDS_NOTHING = """\
import os, sys, warnings
from ipywidgets.widgets.widget import _instances
assert "x" not in globals() and "slider" not in globals()
assert "SSO_KIT_LEAK_TEST" not in os.environ
assert "/nowhere" not in sys.path
assert os.getcwd() == {folder!r}, os.getcwd()
warnings.warn("only a warning again")
assert not _instances, "the earlier notebook's widget is still open"
assert "sso_kit.course.kernel_reset" in sys.modules  # imports are kept: the point of sharing
print("greeting:", greeting)
"""

USES_AN_EARLIER_NAME = "print(x)"


def _notebook(folder: Path, name: str, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('use_sandbox: bool = False\ngreeting: str = "default"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(c) for c in cells)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture
def notebooks(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "nbs"
    folder.mkdir()
    return [
        _notebook(folder, "01_leaves", LEAVES_THINGS_BEHIND),
        _notebook(folder, "02_clean", FINDS_NOTHING.format(folder=str(folder))),
        _notebook(folder, "03_uses_x", USES_AN_EARLIER_NAME),
    ]


def test_a_notebook_sees_only_what_it_defines(notebooks, tmp_path):
    out = tmp_path / "out"
    results = run_tutorial(
        out, {"greeting": "hello"}, [str(p) for p in notebooks], progress=False, kernel="shared"
    )
    assert [r.status for r in results] == ["ok", "ok", "failed"], results
    assert "NameError" in results[2].error and "'x'" in results[2].error

    clean = nbformat.read(out / "02_clean.ipynb", as_version=4)
    counts = [c.execution_count for c in clean.cells if c.cell_type == "code"]
    assert counts == [1, 2, 3], "execution counts start at 1 again, as in a new kernel"
    printed = "".join(o.get("text", "") for c in clean.cells for o in c.get("outputs", []))
    assert "greeting: hello" in printed, "the parameter reached the second notebook"
    assert "only a warning again" in printed  # the first notebook's "error" filter is gone


def test_the_same_name_fails_alone_too(notebooks, tmp_path):
    alone = run_tutorial(
        tmp_path / "out", {}, [str(notebooks[2])], progress=False, kernel="per-notebook"
    )
    assert [r.status for r in alone] == ["failed"]
    assert "NameError" in alone[0].error and "'x'" in alone[0].error


def test_the_caller_keeps_its_environment_and_folder(notebooks, tmp_path):
    import gc

    before, cwd = dict(os.environ), os.getcwd()
    run_tutorial(tmp_path / "out", {}, [str(p) for p in notebooks[:2]], progress=False)
    assert dict(os.environ) == before and os.getcwd() == cwd
    assert gc.get_freeze_count() == 0, "the run froze the caller's objects for good"


def test_an_unknown_kernel_mode_is_refused(tmp_path):
    from sso_kit.errors import SsoKitError

    with pytest.raises(SsoKitError, match="kernel mode"):
        run_tutorial(tmp_path, {}, ["00"], progress=False, kernel="forked")


SEES_THE_RUNS_SANDBOX = """\
import glob, os, tempfile
from sso_kit.sandbox import Sandbox
url = os.environ["SSO_KIT_SANDBOX_URL"]
handle = Sandbox.ensure_running(auto_approve=True)
assert handle.url == url, (handle.url, url)  # the run's sandbox, not one of the kernel's own
handle.reset_faults()  # an admin call: the key reached the kernel too
assert not glob.glob(os.path.join(tempfile.gettempdir(), "sso-kit-kernel-env-*"))
print("sandbox:", url)
"""


def test_every_notebook_gets_the_sandbox_started_after_the_kernel(tmp_path, monkeypatch):
    """The kernel boots while the run's sandbox starts; its URL and key reach each notebook."""
    import tempfile

    # a temp folder of this test's own, for the run and its kernel: the notebook checks that
    # the private variables file is gone, and other runs (other xdist workers) have theirs
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setenv("TMPDIR", str(private))
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    folder = tmp_path / "nbs"
    folder.mkdir()
    paths = [_notebook(folder, f"0{n}_sandbox", SEES_THE_RUNS_SANDBOX) for n in (1, 2)]
    out = tmp_path / "out"
    results = run_tutorial(out, {}, [str(p) for p in paths], progress=False)
    assert [r.status for r in results] == ["ok", "ok"], results
    urls = set()
    for path in paths:
        executed = nbformat.read(out / path.name, as_version=4)
        text = "".join(o.get("text", "") for c in executed.cells for o in c.get("outputs", []))
        urls.add(text.split("sandbox:", 1)[1].split()[0])
    assert len(urls) == 1 and urls.pop().startswith("http://127.0.0.1:")


PRINTS_ITS_NAME = """\
import sys
print("{name} says", {n})
print("{name} warns", file=sys.stderr)
"""


@pytest.mark.parametrize("kernel", ["shared", "per-notebook"])
def test_each_notebook_holds_exactly_its_own_outputs(tmp_path, kernel):
    """One kernel client serves the resets and every notebook: no output strays between them."""
    folder = tmp_path / "nbs"
    folder.mkdir()
    names = [f"0{n}_prints" for n in (1, 2, 3)]
    for name in names:
        cells = [PRINTS_ITS_NAME.format(name=name, n=n) for n in range(3)]
        _notebook(folder, name, *cells, f"{name!r}")
    out = tmp_path / "out"
    results = run_tutorial(
        out, {}, [str(folder / f"{n}.ipynb") for n in names], progress=False, kernel=kernel
    )
    assert [r.status for r in results] == ["ok", "ok", "ok"], results
    for name in names:
        executed = nbformat.read(out / f"{name}.ipynb", as_version=4)
        code = [c for c in executed.cells if c.cell_type == "code"]
        # the parameters cell, papermill's injected one, three printing cells, the result
        assert [c.execution_count for c in code] == [1, 2, 3, 4, 5, 6]
        assert all(o.output_type == "stream" for c in code[2:5] for o in c.outputs)
        seen = [
            {s: "".join(o.text for o in c.outputs if o.name == s) for s in ("stdout", "stderr")}
            for c in code[2:5]
        ]  # a stream may arrive in more than one piece
        assert seen == [
            {"stdout": f"{name} says {n}\n", "stderr": f"{name} warns\n"} for n in range(3)
        ]
        assert code[5].outputs[0]["data"]["text/plain"] == repr(name)
        assert not code[0].outputs and not code[1].outputs


LEAVES_A_CYCLE = """\
class Node:
    def __del__(self):
        open({marker!r}, "w").close()

node = Node()
node.me = node  # only the cycle collector can free it
"""

FINDS_IT_FINALIZED = """\
import os
assert os.path.exists({marker!r}), "the earlier notebook's garbage was never collected"
"""


def test_an_earlier_notebooks_garbage_is_collected(tmp_path):
    """The reset collects what the last notebook dropped before it freezes the survivors."""
    folder = tmp_path / "nbs"
    folder.mkdir()
    marker = str(tmp_path / "finalized")
    paths = [
        _notebook(folder, "01_cycle", LEAVES_A_CYCLE.format(marker=marker)),
        _notebook(folder, "02_check", FINDS_IT_FINALIZED.format(marker=marker)),
    ]
    results = run_tutorial(tmp_path / "out", {}, [str(p) for p in paths], progress=False)
    assert [r.status for r in results] == ["ok", "ok"], results
