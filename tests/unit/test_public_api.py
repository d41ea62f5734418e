"""The small public API: every name resolves, and functions are never shadowed by modules."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import sso_kit


@pytest.mark.parametrize("name", sorted(sso_kit._LAZY))
def test_every_public_name_resolves(name):
    assert getattr(sso_kit, name) is not None


@pytest.mark.parametrize("name", ["login", "logout", "status"])
def test_importing_the_submodule_keeps_the_function(name):
    importlib.import_module(f"sso_kit.{name}")
    assert callable(getattr(sso_kit, name))
    assert not isinstance(getattr(sso_kit, name), type(sys))


def test_function_wins_when_the_submodule_is_imported_first_in_a_fresh_process():
    code = (
        "import sso_kit.status, sso_kit.diagnose, sso_kit.login, sso_kit.logout\n"
        "from sso_kit import doctor, login, logout, status\n"
        "assert all(callable(f) for f in (doctor, login, logout, status)), "
        "[type(f) for f in (doctor, login, logout, status)]\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_import_is_cheap_and_lazy():
    code = "import sys, sso_kit; print(sorted(m for m in ('boto3', 'moto', 'ipywidgets') if m in sys.modules))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr


def test_building_the_cli_loads_no_heavy_package():
    """Every `sso-kit` command builds the whole parser first: it must stay standard library and
    the kit's light modules, so a command pays only for what its own handler imports."""
    heavy = ("boto3", "botocore", "moto", "ipywidgets", "papermill", "sso_kit.course")
    code = (
        "import sys; from sso_kit.cli import build_parser; build_parser(); "
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr


def test_the_cli_offers_the_runners_kernel_modes():
    from sso_kit.cli.tutorial import KERNEL_MODES
    from sso_kit.course.runner import KERNEL_MODES as RUNNER_MODES

    assert KERNEL_MODES == RUNNER_MODES
