"""Conceptual questions per step: every choice carries the reason it is right or wrong."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

__all__ = ["QUESTIONS", "Choice", "Question", "questions", "quiz"]


@dataclass(frozen=True)
class Choice:
    text: str
    correct: bool
    why: str


@dataclass(frozen=True)
class Question:
    prompt: str
    choices: tuple[Choice, ...]


def _q(prompt: str, *choices: tuple[str, bool, str]) -> Question:
    """The choices are written right answer first; shown rotated (stably, by the prompt) so
    that the first choice is not always the right one."""
    shift = zlib.crc32(prompt.encode()) % len(choices)
    rotated = choices[shift:] + choices[:shift]
    return Question(prompt, tuple(Choice(*c) for c in rotated))


QUESTIONS: dict[str, tuple[Question, ...]] = {
    "01": (
        _q(
            "What turns a permission set into something a user can actually use?",
            (
                "An account assignment: user (or group) + permission set + AWS account",
                True,
                "The assignment is the link. Identity Center then creates an IAM role in that "
                "account from the permission set, and the user may take that role.",
            ),
            (
                "Attaching the permission set to the user directly",
                False,
                "Permission sets are never attached to users; without an account there is no "
                "place for the role to exist.",
            ),
            (
                "Creating an IAM user with the same name in the account",
                False,
                "Identity Center users are not IAM users. The tutorial never creates long-lived "
                "IAM users or access keys for the learner.",
            ),
        ),
        _q(
            "Why does the sandbox administrator use signed boto3 calls for this step?",
            (
                "Because the sandbox checks signatures and IAM policies like AWS does",
                True,
                "The admin's calls are real sso-admin and identitystore API calls, authorised "
                "by the AdministratorAccess policy of the sandbox-admin user.",
            ),
            (
                "Because the learner's SSO login is needed first",
                False,
                "The learner logs in only in step 06; the administrator's work comes before.",
            ),
        ),
    ),
    "02": (
        _q(
            "Which two values does the CLI need before it can even start a login?",
            (
                "The AWS access portal URL (start URL) and the SSO region",
                True,
                "The start URL names your Identity Center instance; the SSO region says where "
                "its sign-in (SSO OIDC) service lives.",
            ),
            (
                "The account ID and the role name",
                False,
                "Those pick a role after the login; the portal lists them for you.",
            ),
            (
                "An access key ID and a secret access key",
                False,
                "That is exactly what SSO avoids: no long-lived keys on your machine.",
            ),
        ),
        _q(
            "Your Identity Center lives in eu-west-1, but your buckets in us-east-1. Which is "
            "sso_region?",
            (
                "eu-west-1",
                True,
                "sso_region is where Identity Center is. The region for S3 calls is the "
                "profile's separate `region` key (Default client Region).",
            ),
            (
                "us-east-1",
                False,
                "That is the profile's `region` for ordinary calls; a wrong sso_region makes the "
                "login fail with an unknown start URL.",
            ),
        ),
    ),
    "03": (
        _q(
            "The learner's role only allows listing. Who can create the buckets?",
            (
                "An administrator, or a role whose permission set allows s3:CreateBucket",
                True,
                "Permissions come from the permission set behind the role, so a list-only role "
                "really gets AccessDenied for CreateBucket.",
            ),
            (
                "Anyone who is logged in",
                False,
                "Logging in proves who you are; what you may do is decided by the role's "
                "policies on every call.",
            ),
        ),
    ),
    "04": (
        _q(
            "`aws --version` prints `aws-cli/1.33.0 …`. Can you do this tutorial's terminal path "
            "with it?",
            (
                "No: version 1 has no `aws configure sso`, `aws sso login` or `aws sso logout`",
                True,
                "Version 1 can read an SSO profile and a token someone else cached, but it cannot "
                "sign you in or out. Install version 2 next to it (`sso-kit awscli install`).",
            ),
            (
                "Yes: every `aws` accepts the same commands",
                False,
                "The two versions share a name, not their commands: `aws sso login` is an "
                "'Invalid choice' for version 1.",
            ),
            (
                "Yes, after `pip install --upgrade awscli`",
                False,
                "PyPI's `awscli` is version 1, at any release. Version 2 comes from AWS's "
                "installers, Homebrew, conda-forge or `sso-kit awscli install`.",
            ),
        ),
        _q(
            "Debian 12's `aws` is 2.9.19. Why does its `aws sso login` call "
            "`oidc.us-east-1.amazonaws.com` instead of the sandbox?",
            (
                "Versions before 2.13.0 ignore `endpoint_url` in a profile and `AWS_ENDPOINT_URL`",
                True,
                "Reading the endpoint from the configuration came with 2.13.0; an older version 2 "
                "still works against real AWS, where the default endpoint is the right one.",
            ),
            (
                "The profile is written wrongly",
                False,
                "The same profile works with 2.13.0 and newer; the old CLI never reads the key.",
            ),
            (
                "The sandbox refuses CLIs older than 2.13",
                False,
                "The sandbox never sees the request: the CLI sends it to AWS's own address.",
            ),
        ),
        _q(
            "Which of these installs AWS CLI version 2?",
            (
                "`brew install awscli`, `conda install -c conda-forge awscli`, or AWS's "
                "installer (zip on Linux, .pkg on macOS, .msi on Windows)",
                True,
                "Homebrew's and conda-forge's `awscli` packages are version 2, built from the "
                "same source as AWS's installers.",
            ),
            (
                "`pip install awscli`",
                False,
                "That is version 1 (PyPI never published version 2); it would also shadow "
                "another `aws` in the environment you install it into.",
            ),
        ),
    ),
    "05": (
        _q(
            "Why does the config have two sections instead of one?",
            (
                "[sso-session] says where and how to sign in; [profile] picks account, role and "
                "Region, and several profiles can share one sign-in",
                True,
                "One login then serves every profile that names the session, and the token can "
                "refresh by itself.",
            ),
            (
                "The AWS CLI cannot read long sections",
                False,
                "Section length does not matter; the split is about sharing one login.",
            ),
            (
                "The profile holds the password and the session holds the token",
                False,
                "Neither section holds a secret: the token lives in ~/.aws/sso/cache, and your "
                "password never leaves the sign-in page.",
            ),
        ),
        _q(
            "What does `region` in the profile (Default client Region) control?",
            (
                "Where ordinary AWS calls such as sts get-caller-identity go",
                True,
                "Without it, commands that need a Region stop with 'You must specify a region'.",
            ),
            (
                "Where you sign in",
                False,
                "That is sso_region, in the sso-session section.",
            ),
        ),
    ),
    "06": (
        _q(
            "On Binder or JupyterHub, why use `aws sso login --use-device-code`?",
            (
                "The default PKCE login sends your browser back to 127.0.0.1 on the machine "
                "running the CLI, and your browser is on another machine",
                True,
                "With the device code the CLI only polls; you can approve from any browser, "
                "even a phone.",
            ),
            (
                "The device code is more secure than PKCE everywhere",
                False,
                "PKCE is the default because it avoids typing codes; the device code exists for "
                "machines whose loopback your browser cannot reach.",
            ),
            (
                "PKCE needs an access key",
                False,
                "Neither flow uses access keys; both end with the same token file.",
            ),
        ),
        _q(
            "While you have not approved yet, what does the CLI get back from CreateToken?",
            (
                "AuthorizationPendingException, so it waits `interval` seconds and asks again",
                True,
                "Polling faster earns SlowDownException; after the code expires it gets "
                "ExpiredTokenException.",
            ),
            (
                "A token that only works after approval",
                False,
                "No token exists until you approve; that is why a stolen code alone is useless.",
            ),
        ),
        _q(
            "What is the difference between `aws login` and `aws sso login`?",
            (
                "`aws login` (CLI 2.32+) signs in with AWS console credentials; `aws sso login` "
                "signs in through IAM Identity Center",
                True,
                "Both avoid long-lived keys on disk, but only `aws sso login` uses your "
                "Identity Center user, permission sets and the sso-session profile.",
            ),
            (
                "They are aliases",
                False,
                "They use different services and write different caches.",
            ),
        ),
    ),
    "07": (
        _q(
            "What does the CLI send to S3 when you run `aws s3 ls --profile sso-kit-tutorial`?",
            (
                "A request signed with short-lived role credentials it got from the portal's "
                "GetRoleCredentials using your token",
                True,
                "The SSO token never goes to S3; it only buys role credentials.",
            ),
            (
                "Your SSO access token",
                False,
                "S3 does not accept SSO tokens; only the portal does.",
            ),
        ),
        _q(
            "Where do the role credentials live after `aws s3 ls`?",
            (
                "CLI v2 caches them in ~/.aws/cli/cache/; boto3 keeps its own in memory only",
                True,
                "Either way they expire on their own, and `aws sso logout` deletes the CLI's "
                "cached copies.",
            ),
            (
                "In ~/.aws/credentials",
                False,
                "Nothing writes SSO role credentials there; that file is for long-lived keys.",
            ),
        ),
    ),
    "08": (
        _q(
            "After `aws sso logout`, what happens to role credentials a program already holds?",
            (
                "They keep working until they expire",
                True,
                "Logout ends the session and deletes caches, but credentials already issued "
                "are not revoked. Short session durations limit the damage.",
            ),
            (
                "They stop working at once",
                False,
                "STS credentials cannot be recalled by a logout; step 08 shows one still working.",
            ),
        ),
        _q(
            "Which file does logout keep in ~/.aws/sso/cache?",
            (
                "The client registration (clientId, clientSecret): it is not a login",
                True,
                "It is reused by the next login so the CLI need not register again.",
            ),
            (
                "The access token, for a quicker next login",
                False,
                "The token is exactly what logout deletes.",
            ),
        ),
    ),
    "09": (
        _q(
            "Why does clean-up delete only buckets tagged created-by=sso-kit?",
            (
                "So it can never delete a bucket the tutorial did not create",
                True,
                "A name prefix is easy to reuse by accident; the tag is the kit's own mark.",
            ),
            (
                "Because untagged buckets cannot be deleted",
                False,
                "Any bucket you may delete can be deleted; the tag is a safety rule.",
            ),
        ),
    ),
}


def questions(step: str) -> tuple[Question, ...]:
    """The questions of ``step`` ("01"…"09"); () for a step without any."""
    return QUESTIONS.get(step.zfill(2), ())


def quiz(step: str) -> object:
    """The step's questions as widgets (see :class:`sso_kit.ui.quiz.Quiz`)."""
    from sso_kit.ui.quiz import quiz_box

    return quiz_box(list(questions(step)))
