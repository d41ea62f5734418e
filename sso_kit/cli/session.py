"""CLI commands ``configure``, ``migrate``, ``login``, ``status``, ``ls``, ``logout``: thin adapters.

Only the standard library and :mod:`sso_kit.errors` are imported at module level so that
``sso-kit --help`` stays fast; each handler imports what it needs. Output follows the AWS CLI
where it has an equivalent (device-code prompt, ``Successfully logged into Start URL: …``,
``aws s3 ls`` bucket lines).
"""

from __future__ import annotations

import argparse
import gc
import sys
from typing import Any

from sso_kit.cli.options import add_command
from sso_kit.errors import NotLoggedInError, format_exit_codes

__all__ = ["register"]

EXIT_CODES = format_exit_codes([0, 2, 3, 4, 5, 6, 7, 130])


#: ``configure``'s options, passed to :func:`sso_kit.config.configure_profile` as they are
_CONFIGURE_OPTIONS = (
    "sso_session",
    "start_url",
    "sso_region",
    "account_id",
    "role_name",
    "region",
    "output",
    "scopes",
    "endpoint_url",
)


def register(subparsers: Any) -> None:
    """Add the core commands to ``sso-kit``'s sub-command parser."""
    p = add_command(subparsers, "configure", _configure, epilog=EXIT_CODES)
    p.add_argument("--profile", required=True, help="profile name, e.g. dev")
    p.add_argument("--sso-session", required=True, help="sso-session name, e.g. my-sso")
    p.add_argument("--start-url", required=True, help="AWS access portal URL")
    p.add_argument("--sso-region", required=True, help="IAM Identity Center region")
    p.add_argument("--account-id", required=True, help="12-digit AWS account id")
    p.add_argument("--role-name", required=True, help="permission set (role) name")
    p.add_argument("--region", help="default region for API calls, e.g. us-west-2")
    p.add_argument("--output", default="json", help="AWS CLI output format (default json)")
    p.add_argument(
        "--scopes", default="sso:account:access", help="comma-separated registration scopes"
    )
    p.add_argument("--endpoint-url", help="endpoint override, e.g. the offline sandbox URL")

    p = add_command(subparsers, "migrate", _migrate, epilog=EXIT_CODES)
    p.add_argument("--profile", help="the legacy profile (default: list the legacy profiles)")
    p.add_argument("--sso-session", help="the sso-session to create or reuse, e.g. my-sso")

    p = add_command(subparsers, "login", _login, epilog=EXIT_CODES)
    who = p.add_mutually_exclusive_group()
    who.add_argument("--profile", help="profile whose sso-session to log in to")
    who.add_argument("--sso-session", help="sso-session to log in to")
    how = p.add_mutually_exclusive_group()
    how.add_argument(
        "--use-device-code", action="store_true", help="device code flow (the default)"
    )
    how.add_argument(
        "--pkce", action="store_true", help="authorization code + PKCE (browser on this machine)"
    )
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.add_argument("--force", action="store_true", help="log in even if a token is cached")

    p = add_command(subparsers, "status", _status, epilog=EXIT_CODES)
    who = p.add_mutually_exclusive_group()
    who.add_argument("--profile")
    who.add_argument("--sso-session")

    p = add_command(subparsers, "ls", _ls, epilog=EXIT_CODES)
    p.add_argument("--profile", help="profile to use (default: AWS_PROFILE or default)")

    p = add_command(subparsers, "logout", _logout, epilog=EXIT_CODES)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--sso-session", help="the sso-session to log out of")
    which.add_argument("--all", action="store_true", help="every cached session (like aws)")
    for name in ("configure", "migrate", "login", "status", "ls", "logout"):
        subparsers.choices[name].set_defaults(short_lived=True)  # see sso_kit.cli.main


def _configure(args: argparse.Namespace) -> int:
    """write an sso-session profile into the AWS config

    Write [profile P] and [sso-session S] into the AWS config file (AWS_CONFIG_FILE or
    ~/.aws/config), keeping every other line as it was. Nothing is written if any value is
    invalid.
    """

    import warnings

    from sso_kit.config import configure_profile, find_legacy_profiles

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        change = configure_profile(
            args.profile, **{key: getattr(args, key) for key in _CONFIGURE_OPTIONS}
        )
    for warning in caught:
        print(f"sso-kit: note: {warning.message}", file=sys.stderr)
    print(change.section_text, end="")
    verb = "Created" if change.created else "Updated"
    backup = f" (previous version saved as {change.backup.name})" if change.backup else ""
    print(f"\n{verb} {change.path}{backup}.")
    print("To use this profile, specify the profile name using --profile, as shown:\n")
    print(f"sso-kit login --profile {change.profile}")
    print(f"aws s3 ls --profile {change.profile}")
    for legacy in find_legacy_profiles():
        kind = "mixes legacy keys with" if legacy.mixed else "does not use"
        print(
            f'\nNote: profile "{legacy.profile}" {kind} an [sso-session] section; move it with '
            f"sso-kit migrate --profile {legacy.profile} --sso-session SESSION",
            file=sys.stderr,
        )
    return 0


def _migrate(args: argparse.Namespace) -> int:
    """move a legacy SSO profile onto an [sso-session] section

    Move a legacy profile's sso_start_url and sso_region into [sso-session S] and point the
    profile at it (tokens can then refresh). Every other line stays as it was; the previous
    file is kept as a backup.
    """

    from sso_kit.config import find_legacy_profiles, migrate_legacy_profile
    from sso_kit.errors import ValidationError

    if not args.profile:
        found = find_legacy_profiles()
        for legacy in found:
            kind = "mixed legacy and sso-session keys" if legacy.mixed else "legacy SSO keys"
            print(f"{legacy.profile}: {kind}")
        if not found:
            print("No legacy SSO profiles: nothing to migrate.")
        return 0
    if not args.sso_session:
        raise ValidationError(
            "sso_session",
            "migrate needs the name of the sso-session to move the profile onto.",
            hint=f"Run sso-kit migrate --profile {args.profile} --sso-session my-sso",
        )
    change = migrate_legacy_profile(args.profile, args.sso_session)
    print(change.section_text, end="")
    backup = f" (previous version saved as {change.backup.name})" if change.backup else ""
    print(f"\nUpdated {change.path}{backup}.")
    print(f"Log in once more to get a refreshable token: sso-kit login --profile {change.profile}")
    return 0


def _print_pending(no_browser: bool) -> Any:
    def show(pending: Any) -> None:
        if not gc.isenabled():  # main() turned it off: from here the command may poll for
            gc.freeze()  # minutes, so collect again, but only what is new (the models
            gc.enable()  # loaded so far are never walked)
        if not pending.user_code:  # PKCE: only a URL
            if no_browser:
                print("Browser will not be automatically opened.")
                print("Please visit the following URL:\n")
            else:
                print(
                    "Attempting to open your default browser. If the browser does not open, "
                    "open the following URL.\nIf you are unable to open the URL on this "
                    "device, run this command again with the '--use-device-code' option.\n"
                )
            print(f"{pending.verification_uri}\n", flush=True)
            return
        if no_browser:
            print("Browser will not be automatically opened.")
            print("Please visit the following URL:")
        else:
            print("Attempting to open your default browser.")
            print(
                "If the browser does not open or you wish to use a different device to "
                "authorize this request, open the following URL:"
            )
        print(f"\n{pending.verification_uri}\n\nThen enter the code:\n\n{pending.user_code}\n")
        print(
            "Alternatively, you may visit the following URL which will autofill the code "
            f"upon loading:\n{pending.verification_uri_complete}",
            flush=True,
        )

    return show


def _login(args: argparse.Namespace) -> int:
    """log in with IAM Identity Center (device code by default)

    Log in and write the token to ~/.aws/sso/cache, where the AWS CLI and boto3 find it.
    Skips the login when the cached token is valid for more than 15 minutes and can refresh,
    unless --force is given.
    """

    from sso_kit.cache import format_timestamp
    from sso_kit.login import login

    result = login(
        args.profile,
        sso_session=args.sso_session,
        on_pending=_print_pending(args.no_browser),
        force=args.force,
        method="pkce" if args.pkce else "device",
        open_browser=not args.no_browser,
    )
    if result.skipped:
        print(
            f"Already logged into Start URL: {result.start_url} until "
            f"{format_timestamp(result.expires_at)} (use --force to log in again)."
        )
    else:
        print(f"Successfully logged into Start URL: {result.start_url}")
    return 0


def _status(args: argparse.Namespace) -> int:
    """show whether you are logged in (no network call)

    Read the token cache and report expiry, refreshability and registration expiry. Exit
    code 0 when logged in, 4 when not.
    """

    from sso_kit.cache import format_timestamp
    from sso_kit.status import status

    st = status(args.profile, sso_session=args.sso_session)

    def ts(value: Any) -> str:
        return format_timestamp(value) if value else "-"

    if st.profile:
        print(f"profile:                 {st.profile}")
    print(f"sso-session:             {st.sso_session or '- (legacy profile)'}")
    print(f"logged in:               {'yes' if st.logged_in else 'no'}")
    print(f"expires at:              {ts(st.expires_at)}")
    print(f"refreshable:             {'yes' if st.refreshable else 'no'}")
    print(f"registration expires at: {ts(st.registration_expires_at)}")
    print(f"token file:              {st.token_path}")
    print(st.message)
    if not st.logged_in and not st.refreshable:
        raise NotLoggedInError(st.message)
    return 0


def _ls(args: argparse.Namespace) -> int:
    """list S3 buckets (like aws s3 ls)

    List buckets with boto3 and the profile's SSO credentials; one line per bucket,
    'YYYY-MM-DD HH:MM:SS name', as aws s3 ls prints.
    """

    from sso_kit.buckets import format_bucket_line, list_buckets
    from sso_kit.config import default_profile

    for bucket in list_buckets(args.profile or default_profile()):
        print(format_bucket_line(bucket))
    return 0


def _logout(args: argparse.Namespace) -> int:
    """log out of one sso-session or all

    Revoke the token at the portal and delete its cache file and the matching cached role
    credentials. Role credentials already issued stay valid until they expire.
    """

    from sso_kit.logout import logout

    result = logout(args.sso_session, all=args.all)
    for path in result.removed_tokens:
        print(f"removed token: {path}")
    for path in result.removed_credentials:
        print(f"removed role credentials: {path}")
    if not result.removed_tokens and not result.removed_credentials:
        print("Nothing to remove: no cached login found.")
    print(result.note)
    sys.stdout.flush()
    return 0
