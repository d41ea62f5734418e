"""``sso-kit workshop check``: the papermill batch as the spare learner, green or red per step."""

from __future__ import annotations

import argparse

import pytest

from sso_kit.workshop.preflight import PreflightFailed, main_check, run_check

pytestmark = pytest.mark.slow


def test_preflight_runs_the_notebooks_green_as_the_spare_and_the_dashboard_sees_it(
    workshop, tmp_path
):
    spare = workshop.roster.spares[0]
    password = workshop.sandbox.users[spare].password
    results = run_check(
        workshop.sandbox.url, spare, password, tmp_path / "out", ("00", "05", "06", "07"),
        progress=False,
    )
    assert [(r.step, r.status) for r in results] == [
        ("00_start_here", "ok"),
        ("05_configure_profile", "ok"),
        ("06_login", "ok"),
        ("07_s3_commands", "ok"),
    ]
    row = next(r for r in workshop.service.rows() if r.learner == spare)
    assert row.steps["logged_in"] and row.steps["listed_buckets"]


def test_preflight_is_red_and_non_zero_when_a_step_fails(workshop, tmp_path, capsys):
    spare = workshop.roster.spares[0]
    workshop.service.faults[spare] = "no_access"  # what an instructor's fault switch does
    args = argparse.Namespace(
        url=workshop.sandbox.url,
        data_dir=str(tmp_path / "none"),
        learner=spare,
        password=workshop.sandbox.users[spare].password,
        notebooks=["05", "06", "07"],
        output_dir=str(tmp_path / "out"),
    )
    try:
        with pytest.raises(PreflightFailed) as err:
            main_check(args)
    finally:
        workshop.service.faults.pop(spare, None)
    assert err.value.exit_code == 1 and "07_s3_commands" in str(err.value)
    out = capsys.readouterr().out
    assert "05_configure_profile     ✓ green" in out and "07_s3_commands           ✗ red" in out
