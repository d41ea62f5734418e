"""Form 05 asks for the Default client Region, as `aws configure sso` does, and writes it."""

from __future__ import annotations

from sso_kit.course.checks import Target, check
from sso_kit.ui import ProfileForm

START = "https://my-sso-portal.awsapps.com/start"


def test_the_form_writes_region_so_the_step_05_check_passes(isolated_aws_home):
    form = ProfileForm(start_url=START, sso_region="us-east-1")
    assert form.client_region.description == "Default client Region"
    assert form.client_region.value == "us-east-1"  # defaults to the SSO region
    form.client_region.value = "eu-west-1"
    form.save_button.click()
    text = (isolated_aws_home / ".aws" / "config").read_text()
    assert "region = eu-west-1" in text
    assert "Default client Region [None]: eu-west-1" in form.answers()
    assert check("05", Target(start_url=START, sso_region="us-east-1")).ok
