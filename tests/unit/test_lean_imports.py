"""sso_kit.lean_imports: Jupyter's processes start without jsonschema's ``iri`` checker.

Real processes: each case starts a fresh Python, since what it tests is what a process imports.
"""

from __future__ import annotations

import subprocess
import sys

from sso_kit.lean_imports import IRI_PARSER, launcher


def _python(code: str, *args: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.split()


def test_the_launcher_runs_the_program_with_its_arguments_and_without_the_parser():
    # nbformat's own console entry point would do; jupyter_events' schema check is the real user
    code = launcher("jupyterhub.singleuser")
    assert _python(code, "--version")[-1].count(".") >= 2  # JupyterHub's version, from main()
    probe = code.split("from jupyterhub")[0] + (
        "import nbformat, jsonschema; "
        f"print(sys.modules[{IRI_PARSER!r}], jsonschema.FormatChecker().conforms('x y', 'iri'))"
    )
    assert _python(probe) == ["None", "True"]  # never imported; "iri" simply not checked


def test_without_it_jsonschema_loads_the_parser():
    # what the module saves: the parser is there, and jsonschema loads it
    assert _python(f"import jsonschema, sys; print({IRI_PARSER!r} in sys.modules)") == ["True"]


def test_a_process_that_loaded_jsonschema_keeps_its_checker():
    code = (
        "import jsonschema, sys; from sso_kit.lean_imports import leave_out_iri_checker; "
        f"print(leave_out_iri_checker(), sys.modules[{IRI_PARSER!r}] is not None, "
        "jsonschema.FormatChecker().conforms('x y', 'iri'))"
    )
    assert _python(code) == ["False", "True", "False"]


def test_the_context_manager_makes_the_parser_importable_again_afterwards():
    code = (
        "import sys; from sso_kit.lean_imports import without_iri_checker\n"
        "with without_iri_checker():\n    import nbformat\n"
        f"print({IRI_PARSER!r} in sys.modules); import {IRI_PARSER}; print('imported')"
    )
    assert _python(code) == ["False", "imported"]


def test_the_sso_kit_command_leaves_it_out():
    code = (
        "import sys; from sso_kit.cli import main; sys.argv = ['sso-kit']\n"
        "main()  # no command: prints its help\n"
        f"import nbformat; print(sys.modules[{IRI_PARSER!r}])"
    )
    assert _python(code)[-1] == "None"
