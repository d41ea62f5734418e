"""AWS managed policies built once: each account keeps its own state, answers stay the same."""

from __future__ import annotations

import json

import pytest

from sso_kit.sandbox.moto_iam import load_managed_policies_once

POWER_USER = "arn:aws:iam::aws:policy/PowerUserAccess"
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "sso.amazonaws.com"},
                       "Action": "sts:AssumeRole"}],
    }
)  # fmt: skip


@pytest.fixture
def iam(monkeypatch):
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    load_managed_policies_once()
    from moto.iam.models import iam_backends

    return iam_backends


def test_every_account_has_the_managed_policies_with_state_of_its_own(iam):
    one, two = iam["210000000001"]["aws"], iam["210000000002"]["aws"]
    assert POWER_USER in one.managed_policies and POWER_USER in two.managed_policies
    assert one.managed_policies[POWER_USER] is not two.managed_policies[POWER_USER]

    one.create_role("r1", TRUST, "/", None, "", [], None)
    one.attach_role_policy(POWER_USER, "r1")
    assert one.get_policy(POWER_USER).attachment_count == 1
    assert two.get_policy(POWER_USER).attachment_count == 0  # not shared across accounts

    def attached(backend) -> list[str]:
        policies, _marker = backend.list_policies(None, 1000, True, "/", "AWS")
        return [p.arn for p in policies]

    assert attached(one) == [POWER_USER] and attached(two) == []
    # one document, one id in every account, as AWS managed policies have
    assert one.get_policy(POWER_USER).id == two.get_policy(POWER_USER).id
    version = one.get_policy(POWER_USER).default_version_id
    assert one.get_policy_version(POWER_USER, version).document == two.get_policy_version(
        POWER_USER, version
    ).document != ""


def test_partitions_the_sandbox_does_not_serve_load_none(iam):
    assert iam["210000000003"]["aws-cn"].managed_policies == {}
    assert POWER_USER in iam["210000000003"]["aws"].managed_policies
