"""The administrator's side of steps 01 and 03, as real boto3 calls (sandbox only).

moto checks SigV4 signatures and IAM policies on every call, so these calls are signed with the
key of the sandbox's IAM user ``sandbox-admin``. On real AWS the functions say what to do in the
console instead.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sso_kit.buckets import TUTORIAL_PREFIX
from sso_kit.course.setup import Setup
from sso_kit.errors import ValidationError, aws_error

NEW_USER = "dev-user"


LIST_ONLY = "S3ListOnly"


LIST_ONLY_ACTIONS = ["s3:ListAllMyBuckets", "s3:ListBucket", "s3:GetBucketLocation"]


LIST_ONLY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "ListBucketsOnly", "Effect": "Allow", "Action": LIST_ONLY_ACTIONS, "Resource": "*"}
    ],
}


_PERMISSION_SET_NAME = re.compile(r"[\w+=,.@-]{1,32}")


_USER_NAME = re.compile(r"[\w+=,.@-]{1,128}")


@dataclass
class AdminSetup:
    """What step 01's administrator set up (the password is a sandbox credential)."""

    user: str
    user_id: str
    permission_set: str
    permission_set_arn: str
    account_id: str
    created: list[str]
    password: str | None = field(default=None, repr=False)


def admin_credentials(kit: Setup) -> tuple[str, str] | None:
    """The sandbox administrator's IAM access key (``Sandbox.admin_credentials()``).

    moto checks SigV4 signatures and IAM policies on every call, so admin calls are signed
    with the key of the sandbox's IAM user ``sandbox-admin``. None on real AWS.
    """
    if not kit.use_sandbox or kit.sandbox is None:
        return None
    if not getattr(kit.sandbox, "admin_key", None):
        from sso_kit.errors import SandboxError

        raise SandboxError(
            "This kit joined a shared workshop sandbox, whose administrator is your instructor.",
            hint="Read steps 01 and 03 without running them: your user, permission set and "
            "account are already set up for you (see your card).",
        )
    return kit.sandbox.admin_credentials()  # type: ignore[no-any-return]


def admin_client(kit: Setup, service: str) -> Any:
    """A boto3 client for the sandbox with the administrator's credentials."""
    from sso_kit.clients import environment_key, new_session

    creds = admin_credentials(kit)
    if creds is None:
        from sso_kit.errors import SandboxError

        raise SandboxError(
            "Administrator calls run only against the sandbox.",
            hint="On real AWS, do steps 01 and 03 in the console (the cells say what to do).",
        )
    # The sandbox's directory lives in its own Region, whatever sso_region the learner typed.
    region = kit.sandbox.sso_region
    key = (service, kit.endpoint_url, region, creds, *environment_key())
    with _admin_lock:
        client = _admin_clients.get(key)
    if client is None:
        # On the process's shared botocore loader (the service models are parsed once); the
        # keys go to the client, which then never looks for credentials of its own.
        client = new_session(region_name=region).client(
            service,
            endpoint_url=kit.endpoint_url,
            aws_access_key_id=creds[0],
            aws_secret_access_key=creds[1],
        )
        with _admin_lock:
            client = _admin_clients.setdefault(key, client)
            while len(_admin_clients) > _MAX_ADMIN_CLIENTS:
                del _admin_clients[next(iter(_admin_clients))]
    return client


#: Admin clients already built, by everything that goes into building one: the service, the
#: endpoint, the Region, the key, and what botocore reads besides
#: (:func:`sso_kit.clients.environment_key`), so a reused client is the one a build would make.
#: Building one (a botocore session and a client) took 30-60 ms, several times per step.
_admin_clients: dict[tuple[Any, ...], Any] = {}
_admin_lock = threading.Lock()
_MAX_ADMIN_CLIENTS = 16


@contextmanager
def _admin_call(what: str) -> Iterator[None]:
    """Turn an AWS error of an admin call into one clear SandboxError (secrets redacted)."""
    from botocore.exceptions import BotoCoreError, ClientError

    from sso_kit.errors import SandboxError

    try:
        yield
    except ClientError as exc:
        code, message = aws_error(exc)
        raise SandboxError(
            f"The administrator could not {what}: {code}: {message}.",
            hint="Check the parameters cell; re-running the step is safe (nothing is doubled).",
        ) from None
    except BotoCoreError as exc:
        raise SandboxError(
            f"The administrator could not {what}: {exc}.",
            hint="Is the sandbox running? Re-run step 00.",
        ) from None


def _instance(kit: Setup) -> tuple[Any, str, str]:
    """(sso-admin client, instance ARN, identity store id)."""
    admin = admin_client(kit, "sso-admin")
    with _admin_call("find the IAM Identity Center instance"):
        instance = admin.list_instances()["Instances"][0]
    return admin, instance["InstanceArn"], instance["IdentityStoreId"]


def _users(kit: Setup, store_id: str) -> list[dict[str, Any]]:
    store = admin_client(kit, "identitystore")
    with _admin_call("list the users"):
        pages = store.get_paginator("list_users").paginate(IdentityStoreId=store_id)
        return [user for page in pages for user in page["Users"]]


def _permission_sets(admin: Any, arn: str) -> dict[str, str]:
    """Permission set name -> ARN."""
    with _admin_call("list the permission sets"):
        pages = admin.get_paginator("list_permission_sets").paginate(InstanceArn=arn)
        return {
            admin.describe_permission_set(InstanceArn=arn, PermissionSetArn=ps)["PermissionSet"][
                "Name"
            ]: ps
            for page in pages
            for ps in page["PermissionSets"]
        }


def _assignments(admin: Any, arn: str, user_id: str) -> list[dict[str, Any]]:
    with _admin_call("list account assignments"):
        return admin.list_account_assignments_for_principal(
            InstanceArn=arn, PrincipalId=user_id, PrincipalType="USER"
        )["AccountAssignments"]


def set_up_identity_center(
    kit: Setup, user: str = NEW_USER, permission_set: str = LIST_ONLY
) -> AdminSetup:
    """Sandbox: the administrator's step 1 with boto3 — user, permission set, assignment, invite.

    Every part is looked up first, so running the step again creates nothing twice.
    """
    if not _USER_NAME.fullmatch(user or ""):
        raise ValidationError(
            "new_user", f"{user!r} is not a valid user name.", hint="Use e.g. dev-user."
        )
    if not _PERMISSION_SET_NAME.fullmatch(permission_set or ""):
        raise ValidationError(
            "permission_set",
            f"{permission_set!r} is not a valid permission set name (1-32 of A-Z a-z 0-9 +=,.@_-).",
            hint="Use e.g. S3ListOnly.",
        )
    admin, arn, store_id = _instance(kit)
    account = kit.account_id or _management_account(admin)
    created = []
    ids = [u["UserId"] for u in _users(kit, store_id) if u["UserName"] == user]
    if ids:
        user_id = ids[0]
    else:
        with _admin_call(f"create the user {user}"):
            user_id = admin_client(kit, "identitystore").create_user(
                IdentityStoreId=store_id,
                UserName=user,
                DisplayName=user,
                Name={"GivenName": user, "FamilyName": "(sso-kit tutorial)"},
                Emails=[{"Value": f"{user}@example.com", "Type": "work", "Primary": True}],
            )["UserId"]
        created.append(f"user {user}")
    ps_arn = _permission_sets(admin, arn).get(permission_set)
    with _admin_call(f"create the permission set {permission_set}"):
        if ps_arn is None:
            ps_arn = admin.create_permission_set(
                InstanceArn=arn,
                Name=permission_set,
                Description="List S3 buckets, nothing else (sso-kit tutorial)",
                SessionDuration="PT1H",
            )["PermissionSet"]["PermissionSetArn"]
            created.append(f"permission set {permission_set}")
        admin.put_inline_policy_to_permission_set(
            InstanceArn=arn, PermissionSetArn=ps_arn, InlinePolicy=json.dumps(LIST_ONLY_POLICY)
        )
    rows = _assignments(admin, arn, user_id)
    if not any(r["AccountId"] == account and r["PermissionSetArn"] == ps_arn for r in rows):
        with _admin_call(f"assign {permission_set} to {user} in {account}"):
            admin.create_account_assignment(
                InstanceArn=arn,
                TargetId=account,
                TargetType="AWS_ACCOUNT",
                PermissionSetArn=ps_arn,
                PrincipalType="USER",
                PrincipalId=user_id,
            )
        created.append(f"assignment {user} → {permission_set} in {account}")
    known = kit.sandbox.users.get(user)
    password = kit.sandbox.invite(user, known.password if known else None)
    return AdminSetup(user, user_id, permission_set, ps_arn, account, created, password)


def _management_account(admin: Any) -> str:
    with _admin_call("find the management account"):
        return str(admin.list_instances()["Instances"][0]["OwnerAccountId"])


def administer_identity_center(
    kit: Setup, user: str = NEW_USER, permission_set: str = LIST_ONLY
) -> str:
    """Step 01's main cell: do the admin's work (sandbox) or say what to do in the console."""
    if not kit.use_sandbox:
        return (
            "Real AWS: in the IAM Identity Center console (1) add a user, (2) create a permission "
            f"set (for example a custom one with {', '.join(LIST_ONLY_ACTIONS)}, or "
            "PowerUserAccess), and (3) under AWS accounts assign both to your account. Accept "
            "the e-mail invitation to set the user's password."
        )
    done = set_up_identity_center(kit, user, permission_set)
    lines = [
        "Created: " + ("; ".join(done.created) if done.created else "nothing (all there already)"),
        f"User {done.user} (id {done.user_id}) may use {done.permission_set} in account "
        f"{done.account_id}: {', '.join(LIST_ONLY_ACTIONS)} and nothing else.",
    ]
    if kit.interactive:
        lines.append(
            f"Invitation: {done.user} signs in with the sandbox password {done.password} "
            "(a throw-away sandbox credential, shown only here)."
        )
    else:
        lines.append(
            f"Invitation: {done.user} has a sandbox password (not shown in headless runs)."
        )
    return "\n".join(lines)


def identity_center_overview(kit: Setup) -> str:
    """Sandbox: list users, permission sets and assignments with real boto3 admin calls."""
    if not kit.use_sandbox:
        return (
            "Real AWS: in the IAM Identity Center console check that (1) your user exists, "
            "(2) a permission set such as PowerUserAccess exists, and (3) AWS accounts → "
            "your account → shows your user with that permission set."
        )
    admin, arn, store_id = _instance(kit)
    names = {ps_arn: name for name, ps_arn in _permission_sets(admin, arn).items()}
    lines = [f"Permission sets: {', '.join(sorted(names.values()))}", "Users and assignments:"]
    for user in sorted(_users(kit, store_id), key=lambda u: u["UserName"]):
        rows = _assignments(admin, arn, user["UserId"])
        given = ", ".join(
            sorted(f"{names.get(r['PermissionSetArn'], '?')} in {r['AccountId']}" for r in rows)
        )
        lines.append(f"  - {user['UserName']}: {given or '(no assignment)'}")
    return "\n".join(lines)


def user_has_assignment(kit: Setup, user: str = "learner") -> tuple[bool, str]:
    """Sandbox: the user exists and has at least one assignment. Real AWS: trust the learner."""
    if not kit.use_sandbox:
        return True, "Real AWS: step 06 will show whether your user has an assignment."
    admin, arn, store_id = _instance(kit)
    ids = [u["UserId"] for u in _users(kit, store_id) if u["UserName"] == user]
    if not ids:
        return False, f"The sandbox has no user {user!r}; run the cell above (step 01)."
    rows = _assignments(admin, arn, ids[0])
    if not rows:
        return False, f"User {user} has no account assignment; run the cell above (step 01)."
    return (
        True,
        f"User {user} has {len(rows)} assignment(s), e.g. in account {rows[0]['AccountId']}.",
    )


def identity_center_ready(
    kit: Setup, user: str = NEW_USER, permission_set: str = LIST_ONLY
) -> tuple[bool, str]:
    """Step 01's self-check, read back with boto3: the new user holds exactly the list-only
    permission set in an account, and ``learner`` (who signs in later) has an assignment."""
    if not kit.use_sandbox:
        return True, "Real AWS: step 06 will show whether your user has an assignment."
    admin, arn, store_id = _instance(kit)
    ps_arn = _permission_sets(admin, arn).get(permission_set)
    if ps_arn is None:
        return False, f"There is no permission set {permission_set}; run the cell above."
    with _admin_call(f"read the policy of {permission_set}"):
        policy = admin.get_inline_policy_for_permission_set(
            InstanceArn=arn, PermissionSetArn=ps_arn
        )["InlinePolicy"]
    actions = sorted(
        a
        for statement in json.loads(policy or "{}").get("Statement", [])
        for a in (
            [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
        )
    )
    if actions != sorted(LIST_ONLY_ACTIONS):
        return False, f"{permission_set} allows {actions}, not just listing; run the cell above."
    ids = [u["UserId"] for u in _users(kit, store_id) if u["UserName"] == user]
    if not ids:
        return False, f"The sandbox has no user {user!r}; run the cell above."
    if not any(r["PermissionSetArn"] == ps_arn for r in _assignments(admin, arn, ids[0])):
        return False, f"{user} is not assigned {permission_set}; run the cell above."
    ok, detail = user_has_assignment(kit, "learner")
    if not ok:
        return False, detail
    return True, (
        f"{user} is assigned {permission_set} ({', '.join(LIST_ONLY_ACTIONS)}), and learner "
        "has the assignments the next steps use."
    )


def create_admin_buckets(kit: Setup, count: int = 2) -> list[str]:
    """Sandbox: the administrator creates ``count`` tagged buckets (idempotent)."""
    if not kit.use_sandbox:
        return [
            "Real AWS: create two or three buckets in the S3 console, or after step 06 with "
            "sso_kit.create_tutorial_bucket(profile)."
        ]
    import uuid

    from sso_kit.buckets import TAG_KEY, TAG_VALUE

    s3 = admin_client(kit, "s3")
    names = _kit_buckets(s3)
    while len(names) < count:
        name = f"{TUTORIAL_PREFIX}{uuid.uuid4().hex[:12]}"
        with _admin_call(f"create the bucket {name}"):
            s3.create_bucket(Bucket=name)
            s3.put_bucket_tagging(
                Bucket=name, Tagging={"TagSet": [{"Key": TAG_KEY, "Value": TAG_VALUE}]}
            )
        names.append(name)
    return names


def _kit_buckets(s3: Any) -> list[str]:
    """Names of the buckets tagged created-by=sso-kit, read with the admin's client."""
    from botocore.exceptions import ClientError

    from sso_kit.buckets import TAG_KEY, TAG_VALUE

    found = []
    with _admin_call("list the buckets"):
        buckets = s3.list_buckets().get("Buckets", [])
    for bucket in buckets:
        try:
            tags = s3.get_bucket_tagging(Bucket=bucket["Name"])["TagSet"]
        except ClientError:  # untagged buckets answer NoSuchTagSet
            continue
        if {"Key": TAG_KEY, "Value": TAG_VALUE} in tags:
            found.append(bucket["Name"])
    return found


def tutorial_buckets_exist(kit: Setup) -> tuple[bool, str]:
    """Sandbox: at least one tagged bucket exists (listed with the admin's credentials)."""
    if not kit.use_sandbox:
        return True, "Real AWS: you created buckets in the console (step 7 will list them)."
    names = _kit_buckets(admin_client(kit, "s3"))
    return bool(names), f"{len(names)} tutorial bucket(s) exist: {', '.join(names) or '-'}."
