"""S3 buckets through ``boto3.Session(profile_name=…)``.

botocore's own SSO credential provider reads the config and token cache sso_kit wrote and
fetches role credentials: listing buckets is the proof that the files are right. Tutorial
buckets carry the tag ``created-by=sso-kit`` so clean-up deletes only those.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sso_kit.errors import BucketError, NotLoggedInError, ValidationError, aws_error, redact

__all__ = [
    "TAG_KEY",
    "TAG_VALUE",
    "Bucket",
    "create_tutorial_bucket",
    "delete_tutorial_buckets",
    "format_bucket_line",
    "list_buckets",
    "s3_client",
]

TAG_KEY, TAG_VALUE = "created-by", "sso-kit"
TUTORIAL_PREFIX = "sso-kit-tutorial-"  # every bucket the kit creates starts with this
T = TypeVar("T")


@dataclass(frozen=True)
class Bucket:
    name: str
    created: datetime


def format_bucket_line(bucket: Bucket) -> str:
    """``aws s3 ls`` prints ``YYYY-MM-DD HH:MM:SS name`` in local time."""
    return f"{bucket.created.astimezone().strftime('%Y-%m-%d %H:%M:%S')} {bucket.name}"


def s3_client(profile: str) -> Any:
    """An S3 client whose credentials come from botocore's SSO provider for ``profile``."""
    from botocore.exceptions import ProfileNotFound

    from sso_kit.clients import cached_client
    from sso_kit.status import check_cached_login

    check_cached_login(profile)  # config/token botocore would crash on -> the kit's error
    try:
        return cached_client("s3", profile=profile)
    except ProfileNotFound:
        raise ValidationError(
            "profile",
            f'The profile "{profile}" is not in the AWS config file.',
            hint=f"Create it with sso-kit configure --profile {profile} ...",
        ) from None


def _call(profile: str, action: str, fn: Callable[[], T]) -> T:
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        NoCredentialsError,
        SSOError,
        TokenRetrievalError,
    )

    try:
        return fn()
    except (SSOError, TokenRetrievalError, NoCredentialsError) as exc:
        raise NotLoggedInError(
            f'No usable SSO login for profile "{profile}" ({redact(str(exc))}).',
            hint=f"Run sso-kit login --profile {profile}.",
        ) from None
    except ClientError as exc:
        code, message = aws_error(exc)
        if code in ("UnauthorizedException", "ForbiddenException"):
            hint = f"Run sso-kit login --profile {profile}, or check the account and role."
        elif code in ("AccessDenied", "AccessDeniedException"):
            hint = "Your role does not allow this; pick a role with more S3 permissions."
        else:
            hint = "Check the profile (sso-kit status) and try again."
        raise BucketError(
            f'{action} with profile "{profile}" failed: {code} {message}'.rstrip(), hint=hint
        ) from None
    except BotoCoreError as exc:
        raise BucketError(
            f'{action} with profile "{profile}" failed: {redact(str(exc))}.',
            hint="Check the network or that the sandbox is running, then try again.",
        ) from None


def list_buckets(profile: str) -> list[Bucket]:
    """All buckets the profile's role can see (like ``aws s3 ls``)."""
    client = s3_client(profile)
    response = _call(profile, "Listing buckets", client.list_buckets)
    return [Bucket(b["Name"], b["CreationDate"]) for b in response.get("Buckets", [])]


def create_tutorial_bucket(profile: str, name: str | None = None) -> str:
    """Create a bucket tagged ``created-by=sso-kit`` and return its name."""
    name = name or f"{TUTORIAL_PREFIX}{secrets.token_hex(4)}"
    client = s3_client(profile)
    region = client.meta.region_name
    kwargs: dict[str, Any] = {"Bucket": name}
    if region and region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    _call(profile, f"Creating bucket {name}", lambda: client.create_bucket(**kwargs))
    _call(
        profile,
        f"Tagging bucket {name}",
        lambda: client.put_bucket_tagging(
            Bucket=name, Tagging={"TagSet": [{"Key": TAG_KEY, "Value": TAG_VALUE}]}
        ),
    )
    return name


def _is_tutorial_bucket(client: Any, profile: str, name: str) -> bool:
    from botocore.exceptions import ClientError

    def tags() -> list[dict[str, str]]:
        try:
            return client.get_bucket_tagging(Bucket=name).get("TagSet", [])
        except ClientError as exc:
            if aws_error(exc)[0] in ("NoSuchTagSet", "NoSuchBucket"):
                return []
            raise

    return {"Key": TAG_KEY, "Value": TAG_VALUE} in _call(profile, f"Reading tags of {name}", tags)


def delete_tutorial_buckets(profile: str) -> list[str]:
    """Empty and delete only buckets tagged ``created-by=sso-kit``; returns their names."""
    client = s3_client(profile)
    deleted = []
    for bucket in list_buckets(profile):
        if not _is_tutorial_bucket(client, profile, bucket.name):
            continue

        def empty_and_delete(name: str = bucket.name) -> None:
            pages = client.get_paginator("list_object_versions").paginate(Bucket=name)
            for page in pages:
                objects = [
                    {"Key": o["Key"], "VersionId": o["VersionId"]}
                    for o in page.get("Versions", []) + page.get("DeleteMarkers", [])
                ]
                if objects:
                    client.delete_objects(Bucket=name, Delete={"Objects": objects, "Quiet": True})
            client.delete_bucket(Bucket=name)

        _call(profile, f"Deleting bucket {bucket.name}", empty_and_delete)
        deleted.append(bucket.name)
    return deleted
