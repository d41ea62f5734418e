"""Helpers the step notebooks share, so each notebook stays prose + parameters + a few calls.

State moves between notebooks only through files a learner would have: the AWS config, the SSO
caches, the sandbox's state file and ``~/.sso-kit/tutorial-state.json`` (which remembers where
the pre-tutorial copy of ``~/.aws/config`` is, so step 09 can put it back byte for byte).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sso_kit.errors import ConfigError, ProfileNotFoundError, SsoKitError, ValidationError
from sso_kit.ui import is_interactive

DEFAULT_PROFILE = "sso-kit-tutorial"
DEFAULT_SESSION = "sso-kit"


def kit_dir() -> Path:
    """``~/.sso-kit``: the kit's own state (never inside ~/.aws)."""
    return Path(os.path.expanduser("~")) / ".sso-kit"


def state_path() -> Path:
    """Where the tutorial remembers the pre-tutorial config backup."""
    return kit_dir() / "tutorial-state.json"


def load_state() -> dict[str, Any]:
    """The tutorial state (empty before step 05 wrote anything)."""
    try:
        return json.loads(state_path().read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"The tutorial state file {state_path()} is unreadable ({type(exc).__name__}).",
            hint="Delete it only if you do not need step 09 to restore your original config.",
        ) from None


def _save_state(state: dict[str, Any]) -> None:
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=2), "utf-8")
    os.replace(tmp, path)


@dataclass
class Setup:
    """Everything a step needs, resolved from the notebook's parameters (and the sandbox)."""

    use_sandbox: bool
    interactive: bool
    start_url: str
    sso_region: str
    sso_session: str
    profile: str
    account_id: str | None
    role_name: str | None
    endpoint_url: str | None
    sandbox: Any = None

    def describe(self) -> str:
        """A short, secret-free summary for the top of a notebook."""
        where = f"the offline sandbox at {self.endpoint_url}" if self.use_sandbox else "real AWS"
        return (
            f"Target: {where}\nStart URL: {self.start_url or '(not set)'}\n"
            f"SSO region: {self.sso_region or '(not set)'}\n"
            f"sso-session: {self.sso_session}   profile: {self.profile}\n"
            f"Mode: {'interactive (click the widgets)' if self.interactive else 'headless'}"
        )


def setup(
    *,
    use_sandbox: bool = True,
    start_url: str = "",
    sso_region: str = "",
    sso_session: str = DEFAULT_SESSION,
    profile: str = DEFAULT_PROFILE,
    account_id: str | int | None = "",
    role_name: str | None = "",
    interactive: bool | None = None,
) -> Setup:
    """Resolve the parameters; with the sandbox, find or start it (``Sandbox.ensure_running``)."""
    live = is_interactive(interactive)
    sandbox = None
    endpoint = None
    if use_sandbox:
        from sso_kit.sandbox import Sandbox

        # Headless runs cannot click "Allow", so a sandbox started here approves by itself.
        sandbox = Sandbox.ensure_running(auto_approve=not live)
        endpoint = sandbox.url
        start_url = start_url or sandbox.start_url
        sso_region = sso_region or sandbox.sso_region
    elif not start_url or not sso_region:
        raise ConfigError(
            "use_sandbox is False but start_url or sso_region is empty.",
            hint="Set both parameters to the values from your AWS access portal (step 02).",
        )
    return Setup(
        use_sandbox=bool(use_sandbox),
        interactive=live,
        start_url=start_url,
        sso_region=sso_region,
        sso_session=sso_session,
        profile=profile,
        account_id=str(account_id) if account_id else None,
        role_name=role_name or None,
        endpoint_url=endpoint,
        sandbox=sandbox,
    )


def remember_original_config() -> dict[str, Any]:
    """Before the tutorial's first write: keep a byte-exact copy of ``~/.aws/config``.

    Only the first call records anything, so re-running step 05 never replaces the copy of
    the learner's original file with one that already contains the tutorial's profile.
    """
    from sso_kit.config import config_path

    state = load_state()
    if "original_config" in state:
        return state["original_config"]
    state.pop("restored", None)
    path = config_path()
    record: dict[str, Any] = {"path": str(path), "existed": path.exists(), "backup": None}
    if path.exists():
        backups = kit_dir() / "backups"
        backups.mkdir(parents=True, exist_ok=True)
        backup = backups / f"config.before-tutorial.{time.strftime('%Y%m%d-%H%M%S')}"
        shutil.copy2(path, backup)
        record["backup"] = str(backup)
    state["original_config"] = record
    _save_state(state)
    return record


def restore_original_config() -> str:
    """Put ``~/.aws/config`` back exactly as it was before step 05; returns what happened.

    The current file is copied aside first, so nothing the learner wrote since is lost.
    """
    state = load_state()
    record = state.get("original_config")
    if not record and "restored" in state:
        return f"Already restored {state['restored']['path']} earlier; nothing more to do."
    if not record:
        return "Nothing to restore: the tutorial never wrote your config from this machine."
    path = Path(record["path"])
    if path.exists():
        aside = kit_dir() / "backups" / f"config.after-tutorial.{time.strftime('%Y%m%d-%H%M%S')}"
        aside.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, aside)
    if record["existed"]:
        backup = Path(record["backup"])
        if not backup.exists():
            raise ConfigError(
                f"The pre-tutorial copy {backup} is missing, so {path} was left as it is.",
                hint="Remove the tutorial's profile by hand, or run with keep_profile=True.",
            )
        tmp = path.with_name(path.name + ".sso-kit-restore")
        shutil.copy2(backup, tmp)
        os.replace(tmp, path)
        message = f"Restored {path} byte for byte from {backup}."
    else:
        path.unlink(missing_ok=True)
        message = f"Removed {path}: it did not exist before the tutorial."
    del state["original_config"]
    state["restored"] = {"path": str(path), "sha256": _sha256(path)}
    _save_state(state)
    return message


def _sha256(path: Path) -> str | None:
    """Hex digest of a file, None when it does not exist."""
    import hashlib

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def self_check(ok: bool, passed: str, todo: str, *, interactive: bool) -> None:
    """End-of-notebook check: headless raises AssertionError; interactive prints guidance."""
    if ok:
        print(f"✓ {passed}")
    elif not interactive:
        raise AssertionError(todo)
    else:
        print(f"… Not done yet: {todo}\nRun this cell again when you have done it.")


def profile_ready(profile: str) -> tuple[bool, str]:
    """Whether botocore can parse the profile as an SSO profile (and why not)."""
    from sso_kit.config import read_profile

    try:
        values = read_profile(profile)
    except SsoKitError as exc:
        return False, str(exc)
    missing = [k for k in ("sso_session", "sso_start_url", "sso_region") if not values.get(k)]
    if missing:
        return False, f"Profile {profile} lacks {', '.join(missing)}; save it in step 05."
    return True, f"Profile {profile} uses sso-session {values['sso_session']}."


# -- 00: environment ---------------------------------------------------------------------------
def endpoint_answers(url: str | None, timeout: float = 3.0) -> bool:
    """Whether something accepts TCP connections at ``url`` (the sandbox)."""
    import socket
    from urllib.parse import urlsplit

    if not url:
        return False
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 80), timeout=timeout):
            return True
    except OSError:
        return False


def tool_versions() -> str:
    """Python, boto3, botocore and the ``aws`` command (with its major version, if any)."""
    import platform

    import boto3
    import botocore

    lines = [
        f"Python   {platform.python_version()}",
        f"boto3    {boto3.__version__}",
        f"botocore {botocore.__version__}",
    ]
    aws = aws_cli()
    if aws is None:
        lines.append("aws      not installed (optional: the kit logs in by itself)")
    else:
        version = _run([aws, "--version"]).strip()
        major = version.split("/", 1)[1][:1] if version.startswith("aws-cli/") else "?"
        note = (
            "version 1: reads SSO profiles and tokens but has no `aws sso login`"
            if major == "1"
            else "version 2: has `aws sso login`"
            if major == "2"
            else "unknown version"
        )
        lines.append(f"aws      {version}  ({note})")
    return "\n".join(lines)


def environment_report(kit: Setup) -> str:
    """Tool versions plus where the tutorial will write."""
    from sso_kit.config import config_path

    where = kit.endpoint_url if kit.use_sandbox else "real AWS"
    return f"{tool_versions()}\nAWS config file: {config_path()}\nTarget: {where}"


def sdk_supports_sso_session() -> tuple[bool, str]:
    """botocore reads ``sso_session`` profiles since 1.28; the kit requires 1.34."""
    import botocore

    major, minor = (int(x) for x in botocore.__version__.split(".")[:2])
    ok = (major, minor) >= (1, 34)
    return ok, (
        f"botocore {botocore.__version__} understands sso-session profiles."
        if ok
        else f"botocore {botocore.__version__} is too old: run pip install -U boto3 botocore."
    )


def aws_cli() -> str | None:
    """The ``aws`` command next to this Python (the venv), else on PATH."""
    import sys

    beside = Path(sys.executable).parent / "aws"
    return str(beside) if beside.exists() else shutil.which("aws")


def _run(argv: list[str], timeout: float = 120.0) -> str:
    import subprocess

    from sso_kit.errors import redact

    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    return redact((proc.stdout + proc.stderr).strip())


# -- 01 and 03: the administrator's side (sandbox only) ----------------------------------------
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
    return kit.sandbox.admin_credentials()  # type: ignore[no-any-return]


def admin_client(kit: Setup, service: str) -> Any:
    """A boto3 client for the sandbox with the administrator's credentials."""
    import boto3

    creds = admin_credentials(kit)
    if creds is None:
        from sso_kit.errors import SandboxError

        raise SandboxError(
            "Administrator calls run only against the sandbox.",
            hint="On real AWS, do steps 01 and 03 in the console (the cells say what to do).",
        )
    # The sandbox's directory lives in its own Region, whatever sso_region the learner typed.
    return boto3.session.Session(
        aws_access_key_id=creds[0],
        aws_secret_access_key=creds[1],
        region_name=kit.sandbox.sso_region,
    ).client(service, endpoint_url=kit.endpoint_url)


@contextmanager
def _admin_call(what: str) -> Iterator[None]:
    """Turn an AWS error of an admin call into one clear SandboxError (secrets redacted)."""
    from botocore.exceptions import BotoCoreError, ClientError

    from sso_kit.errors import SandboxError

    try:
        yield
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise SandboxError(
            f"The administrator could not {what}: {error.get('Code')}: {error.get('Message')}.",
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
        name = f"sso-kit-tutorial-{uuid.uuid4().hex[:12]}"
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


# -- 02: portal values ---------------------------------------------------------------------------
def try_start_url(candidate: str) -> str:
    """What the validator says about one pasted start URL (fixed, or why not)."""
    import warnings

    from sso_kit.validate import validate_start_url

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            cleaned = validate_start_url(candidate)
        except SsoKitError as exc:
            return f"{candidate!r:45} -> rejected: {exc}"
    fixed = f" (fixed: {caught[0].message})" if caught else ""
    return f"{candidate!r:45} -> {cleaned}{fixed}"


def portal_values_ok(kit: Setup) -> tuple[bool, str]:
    """Both values pass validation."""
    from sso_kit.validate import validate_sso_region, validate_start_url

    try:
        url = validate_start_url(kit.start_url)
        region = validate_sso_region(kit.sso_region)
    except SsoKitError as exc:
        return False, str(exc)
    return True, f"Start URL {url} and SSO region {region} are valid."


def check_portal_values(kit: Setup) -> str:
    """The two values, checked."""
    from sso_kit.validate import sso_regions

    ok, detail = portal_values_ok(kit)
    return (
        f"Start URL:  {kit.start_url}\nSSO region: {kit.sso_region}\n"
        f"{'OK' if ok else 'Problem'}: {detail}\n"
        f"(botocore knows {len(sso_regions())} Regions where IAM Identity Center can live.)"
    )


# -- 06-09: login state, buckets, clean-up -------------------------------------------------------
def sign_in_hint(kit: Setup) -> str:
    """Who to sign in as: the sandbox's default user (a throw-away sandbox password)."""
    if not kit.use_sandbox:
        return "Sign in with your own IAM Identity Center user."
    user = getattr(kit.sandbox, "default_user", None)
    if user is None:
        return "Sign in with a sandbox user (see the output of `sso-kit sandbox`)."
    if not kit.interactive:
        return f"Headless run: the sandbox approves the code for user {user.name} by itself."
    return f"Sandbox sign-in: user {user.name}, password {user.password}"


def needs_login(profile: str) -> bool:
    """True when there is no unexpired token for the profile's session (no network)."""
    from sso_kit.status import status

    return not status(profile).logged_in


def logged_in_with_role(profile: str) -> tuple[bool, str]:
    """Logged in, and the profile names an account and a role."""
    from sso_kit.config import read_profile
    from sso_kit.status import status

    st = status(profile)
    if not st.logged_in:
        return False, f"Not logged in with {profile}: click Log in and approve the code."
    values = read_profile(profile)
    if not values.get("sso_account_id") or not values.get("sso_role_name"):
        return False, "Logged in, but no account and role chosen: click Load my accounts."
    return True, (
        f"Logged in; {profile} uses role {values['sso_role_name']} in account "
        f"{values['sso_account_id']}."
    )


def ensure_buckets(kit: Setup, count: int = 2) -> str:
    """Sandbox: if no tutorial bucket is visible yet, create ``count`` with the profile's role."""
    from sso_kit.buckets import create_tutorial_bucket, list_buckets

    if not kit.use_sandbox:
        return "Real AWS: listing the buckets you created in step 03."
    try:
        listed = list_buckets(kit.profile)
    except SsoKitError as exc:
        if not kit.interactive:
            raise
        return f"{exc.message}\nLog in (step 06): click Log in there, then run this cell again."
    names = [b.name for b in listed if b.name.startswith("sso-kit-tutorial-")]
    if names:
        return f"{len(names)} tutorial bucket(s) from step 03 are there."
    made = [create_tutorial_bucket(kit.profile) for _ in range(count)]
    return f"Created {len(made)} tagged tutorial bucket(s) with your role: {', '.join(made)}"


def run_aws_s3_ls(profile: str) -> str:
    """``aws s3 ls --profile P`` with the installed CLI (v1 or v2), if there is one."""
    aws = aws_cli()
    if aws is None:
        return "(no aws command installed; the table above made the same call with boto3)"
    return f"$ aws s3 ls --profile {profile}\n{_run([aws, 's3', 'ls', '--profile', profile])}"


def tutorial_buckets_visible(kit: Setup) -> tuple[bool, str]:
    """The profile can list buckets; in the sandbox the tutorial's buckets are among them."""
    from sso_kit.buckets import list_buckets

    try:
        names = [b.name for b in list_buckets(kit.profile)]
    except SsoKitError as exc:
        return False, str(exc)
    if kit.use_sandbox and not any(n.startswith("sso-kit-tutorial-") for n in names):
        return False, f"The listing ({len(names)} buckets) lacks the buckets of step 03."
    return True, f"The profile lists {len(names)} bucket(s)."


def logged_out(profile: str) -> tuple[bool, str]:
    """No usable token is left for the profile's session."""
    gone = needs_login(profile)
    return gone, ("Signed out: no token is cached." if gone else "Still signed in.")


def clean_up_needs_login(kit: Setup, *, delete_buckets: bool = True) -> bool:
    """Whether step 09 must log in first: only to delete buckets, with a profile to use."""
    return delete_buckets and profile_ready(kit.profile)[0] and needs_login(kit.profile)


def clean_up(kit: Setup, *, delete_buckets: bool = True, keep_profile: bool = False) -> str:
    """Delete the kit-tagged buckets, sign out, and restore the original config."""
    from sso_kit.buckets import delete_tutorial_buckets
    from sso_kit.logout import logout

    lines = []
    if delete_buckets and not profile_ready(kit.profile)[0]:
        # a second run after the config was restored: the profile is gone, so no credentials
        lines.append(
            f"Skipped the buckets: profile {kit.profile} is not in your config (already cleaned "
            "up?). To delete tutorial buckets left behind, run steps 05 and 06 again, then this."
        )
    elif delete_buckets:
        deleted = delete_tutorial_buckets(kit.profile)
        lines.append(f"Deleted {len(deleted)} tutorial bucket(s): {', '.join(deleted) or '-'}")
    try:
        result = logout(kit.sso_session)
    except ProfileNotFoundError:  # the restored config no longer names the session
        lines.append(f"No sso-session {kit.sso_session} in your config: nothing to sign out of.")
    else:
        lines.append(f"Signed out ({len(result.removed_tokens)} token file(s) removed).")
    if keep_profile:
        lines.append(f"Kept profile {kit.profile} in your config, as asked.")
    else:
        lines.append(restore_original_config())
    return "\n".join(lines)


def config_restored(*, keep_profile: bool = False) -> tuple[bool, str]:
    """After clean-up: the tutorial's record is gone (restored), or the profile was kept."""
    if keep_profile:
        return True, "You kept the profile; nothing to check."
    state = load_state()
    if "original_config" in state or "restored" not in state:
        return False, "Your config has not been restored yet."
    restored = state["restored"]
    if _sha256(Path(restored["path"])) != restored["sha256"]:
        return False, f"{restored['path']} changed after it was restored."
    return True, "Your AWS config is byte for byte what it was before the tutorial."
