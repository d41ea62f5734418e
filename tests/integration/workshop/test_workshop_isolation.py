"""Each learner has an account of their own: no listing, reading or deleting another's buckets."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from sso_kit.buckets import list_buckets


def s3(profile: str):
    return boto3.Session(profile_name=profile).client("s3")


def test_learners_see_only_their_own_buckets(learner):
    one, two = learner("learner01"), learner("learner02")
    s3(one).create_bucket(Bucket="ws-iso-one")
    s3(one).put_object(Bucket="ws-iso-one", Key="notes.txt", Body=b"mine")
    s3(two).create_bucket(Bucket="ws-iso-two")

    assert [b.name for b in list_buckets(one)] == ["ws-iso-one"]
    assert [b.name for b in list_buckets(two)] == ["ws-iso-two"]


@pytest.mark.parametrize(
    "attempt",
    [
        pytest.param(lambda c: c.get_object(Bucket="ws-iso-one", Key="notes.txt"), id="read"),
        pytest.param(lambda c: c.list_objects_v2(Bucket="ws-iso-one"), id="list objects"),
        pytest.param(lambda c: c.delete_object(Bucket="ws-iso-one", Key="notes.txt"), id="delete"),
        pytest.param(lambda c: c.delete_bucket(Bucket="ws-iso-one"), id="delete bucket"),
        pytest.param(
            lambda c: c.put_object(Bucket="ws-iso-one", Key="x", Body=b"x"), id="write into"
        ),
    ],
)
def test_another_learner_is_refused(learner, attempt):
    one, two = learner("learner01"), learner("learner02")
    if "ws-iso-one" not in [b.name for b in list_buckets(one)]:
        s3(one).create_bucket(Bucket="ws-iso-one")
        s3(one).put_object(Bucket="ws-iso-one", Key="notes.txt", Body=b"mine")
    with pytest.raises(ClientError) as err:
        attempt(s3(two))
    assert err.value.response["Error"]["Code"] == "AccessDenied"
    body = s3(one).get_object(Bucket="ws-iso-one", Key="notes.txt")["Body"].read()
    assert body == b"mine"


def test_a_learner_cannot_use_another_accounts_role(workshop, learner):
    from sso_kit.cache import load_token

    learner("learner02")
    token = load_token("ws-learner02")
    sso = boto3.client("sso", endpoint_url=workshop.sandbox.url, region_name="us-east-1")
    accounts = sso.list_accounts(accessToken=token.access_token)["accountList"]
    assert [a["accountId"] for a in accounts] == [workshop.roster.accounts["learner02"]]
    with pytest.raises(ClientError) as err:
        sso.get_role_credentials(
            accessToken=token.access_token,
            accountId=workshop.roster.accounts["learner01"],
            roleName="PowerUserAccess",
        )
    assert err.value.response["Error"]["Code"] == "ForbiddenException"


def test_learner_keys_cannot_mint_other_keys(workshop, learner):
    profile = learner("learner02")
    sts = boto3.Session(profile_name=profile).client("sts")
    assert sts.get_caller_identity()["Account"] == workshop.roster.accounts["learner02"]
    role = f"arn:aws:iam::{workshop.roster.accounts['learner01']}:role/any"
    with pytest.raises(ClientError) as err:
        sts.assume_role(RoleArn=role, RoleSessionName="learner01")
    assert err.value.response["Error"]["Code"] == "AccessDenied"


def test_keys_the_portal_never_issued_are_refused(workshop):
    client = boto3.client(
        "s3",
        endpoint_url=workshop.sandbox.url,
        region_name="us-east-1",
        aws_access_key_id="ASIAFORGEDFORGED0000",
        aws_secret_access_key="x" * 40,
    )
    with pytest.raises(ClientError) as err:
        client.list_buckets()
    assert err.value.response["Error"]["Code"] == "InvalidAccessKeyId"
