"""What to type or click for each step: the AWS CLI v2 recipes and the notebook's clicks.

A check's hint names the first missing piece; the solution here is the whole step, worded for
where the learner is (``"terminal"``: the commands and prompt answers; ``"notebook"``: clicks).
"""

from __future__ import annotations

from sso_kit.buckets import TUTORIAL_PREFIX
from sso_kit.course.checks.evidence import hosted_jupyter
from sso_kit.course.checks.model import Target

__all__ = ["login_command", "solution", "terminal_steps"]


def login_command(target: Target, hosted: bool) -> str:
    """``aws sso login`` for the target's profile (device code where the browser is remote)."""
    flag = " --use-device-code" if hosted else ""
    return f"aws sso login --profile {target.profile}{flag}"


def terminal_steps(step: str, target: Target, *, hosted: bool | None = None) -> str:
    """The exact AWS CLI v2 commands (and prompt answers) that do ``step`` in a terminal."""
    hosted = hosted_jupyter() if hosted is None else hosted
    p = target.profile
    sandbox_note = (
        "# Sandbox: JupyterLab terminals already have AWS_ENDPOINT_URL set to "
        f"{target.endpoint_url},\n# so every aws command reaches the sandbox.\n"
        if target.use_sandbox
        else ""
    )
    if step == "05":
        device = " --use-device-code" if hosted else ""
        region = target.region or target.sso_region or "us-east-1"
        lines = [
            sandbox_note + f"aws configure sso --profile {p}{device}",
            f"  SSO session name (Recommended): {target.sso_session}",
            f"  SSO start URL [None]: {target.start_url or '<your AWS access portal URL>'}",
            f"  SSO region [None]: {target.sso_region or '<the Region of IAM Identity Center>'}",
            "  SSO registration scopes [sso:account:access]: <Enter>",
            "  -> the CLI logs you in now: open the link it prints, sign in, check the code, Allow",
            "  -> pick the account, then the role (PowerUserAccess) with the arrow keys and Enter",
            f"  Default client Region [None]: {region}",
            "  CLI default output format (json if not specified) [None]: json",
        ]
        if target.use_sandbox:
            lines += [
                "# Let the notebooks (and terminals outside JupyterLab) find the sandbox too:",
                f"aws configure set endpoint_url {target.endpoint_url} --profile {p}",
            ]
        return "\n".join(lines)
    if step == "06":
        why = (
            "# --use-device-code: your browser is not on this server, so the PKCE redirect to\n"
            "# 127.0.0.1 could not reach the CLI; the device code works from any browser."
            if hosted
            else "# Browser on this machine: PKCE (the default) sends the browser back to the CLI\n"
            "# at http://127.0.0.1:<port>/oauth/callback. On Binder or JupyterHub add "
            "--use-device-code."
        )
        return (
            f"{sandbox_note}{why}\n{login_command(target, hosted)}\n"
            "# If the profile has no account and role yet (step 05 in the notebook):\n"
            f"aws configure set sso_account_id 111122223333 --profile {p}\n"
            f"aws configure set sso_role_name PowerUserAccess --profile {p}"
        )
    if step == "07":
        return (
            f"{sandbox_note}aws s3 ls --profile {p}\n"
            f"aws sts get-caller-identity --profile {p}   # which role and account you are"
        )
    if step == "08":
        return (
            f"{sandbox_note}aws sso logout --profile {p}\n"
            "# It signs out of every session and deletes every cached token and role credential;\n"
            "# --profile only tells the CLI where the service is (the profile's endpoint_url)."
        )
    if step == "09":
        return (
            f"{sandbox_note}{login_command(target, hosted)}   # deleting needs credentials\n"
            f"aws s3 ls --profile {p}\n"
            f"aws s3 rb s3://{TUTORIAL_PREFIX}<id> --force --profile {p}   "
            "# once per tutorial bucket\n"
            f"aws sso logout --profile {p}\n"
            "# then put your config back as the solution below says"
        )
    raise ValueError(f"no terminal recipe for step {step!r}")


def solution(step: str, target: Target, context: str, extra: str = "") -> str:
    """The full solution: every command (terminal) or every click (notebook), plus ``extra``."""
    if context == "terminal":
        return terminal_steps(step, target) + (f"\n{extra}" if extra else "")
    clicks = {
        "05": "Fill in the form (start URL, SSO region, Default client Region, names) and click "
        "Save profile. The cell under it shows the same answers for aws configure sso.",
        "06": "Click Log in, open the link (or scan the QR code), sign in, check that the page "
        "shows the same code and click Allow. Then pick the account and role and click Use.",
        "07": "Run the cells of this step: the table lists the buckets with the profile's role.",
        "08": "Click Log out.",
        "09": "If the badge says you are signed out, click Log in first; then click Clean up now.",
    }
    return clicks[step] + (f"\n{extra}" if extra else "")
