"""Self-checks at the end of each notebook and the small helpers of steps 02 and 06-09.

Each check inspects the real state, whichever path made it (the widget or the AWS CLI in a
terminal), and returns ``(ok, detail)``; :func:`self_check` turns that into a printed result or,
in headless runs, an AssertionError.
"""

from __future__ import annotations

from sso_kit.buckets import TUTORIAL_PREFIX
from sso_kit.course.setup import Setup, aws_cli, run_command
from sso_kit.errors import SsoKitError


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
    names = [b.name for b in listed if b.name.startswith(TUTORIAL_PREFIX)]
    if names:
        return f"{len(names)} tutorial bucket(s) from step 03 are there."
    made = [create_tutorial_bucket(kit.profile) for _ in range(count)]
    return f"Created {len(made)} tagged tutorial bucket(s) with your role: {', '.join(made)}"


def run_aws_s3_ls(profile: str) -> str:
    """``aws s3 ls --profile P`` with the installed CLI (v1 or v2), if there is one."""
    aws = aws_cli()
    if aws is None:
        return "(no aws command installed; the table above made the same call with boto3)"
    return (
        f"$ aws s3 ls --profile {profile}\n{run_command([aws, 's3', 'ls', '--profile', profile])}"
    )


def tutorial_buckets_visible(kit: Setup) -> tuple[bool, str]:
    """The profile can list buckets; in the sandbox the tutorial's buckets are among them."""
    from sso_kit.buckets import list_buckets

    try:
        names = [b.name for b in list_buckets(kit.profile)]
    except SsoKitError as exc:
        return False, str(exc)
    if kit.use_sandbox and not any(n.startswith(TUTORIAL_PREFIX) for n in names):
        return False, f"The listing ({len(names)} buckets) lacks the buckets of step 03."
    return True, f"The profile lists {len(names)} bucket(s)."


def logged_out(profile: str) -> tuple[bool, str]:
    """No usable token is left for the profile's session."""
    gone = needs_login(profile)
    return gone, ("Signed out: no token is cached." if gone else "Still signed in.")
