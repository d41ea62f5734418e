"""Write notebooks/00_start_here.ipynb … 09_clean_up.ipynb (10_troubleshooting is hand-made).

The notebooks are generated so their shared anatomy (parameters cell, set-up call, self-check)
stays identical across steps; the committed .ipynb files are what learners open. Outputs are
never written. Run: .venv/bin/python scripts/build_notebooks.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "notebooks"

PARAMETERS = """\
# Parameters: papermill and `sso-kit tutorial run -p NAME VALUE` can override each of them.
from typing import Optional

use_sandbox: bool = True  # True: the offline sandbox. False: your own IAM Identity Center
start_url: str = ""  # your AWS access portal URL (empty: the sandbox portal)
sso_region: str = ""  # the Region your IAM Identity Center lives in (empty: the sandbox Region)
sso_session: str = "sso-kit"  # name of the sso-session section the tutorial writes
profile: str = "sso-kit-tutorial"  # name of the profile section the tutorial writes
account_id: str = ""  # empty: choose after login (headless: the first account offered)
role_name: str = ""  # empty: PowerUserAccess when offered, else the first role
interactive: Optional[bool] = None  # None: click the widgets, unless SSO_KIT_HEADLESS is 1"""

SETUP = """\
from sso_kit.course import setup

kit = setup(use_sandbox=use_sandbox, start_url=start_url, sso_region=sso_region,
            sso_session=sso_session, profile=profile, account_id=account_id,
            role_name=role_name, interactive=interactive)
print(kit.describe())"""


def header(title: str, learn: list[str], prereq: str, minutes: int) -> list:
    bullets = "\n".join(f"- {item}" for item in learn)
    return [
        new_markdown_cell(f"# {title}\n\n**What you will learn**\n\n{bullets}"),
        new_markdown_cell(
            f"**Before you start:** {prereq}\n\n**Time:** about {minutes} minutes.\n\n"
            "The next cell holds this step's settings. Leave them alone to use the offline "
            "sandbox, or change them to use your own AWS account."
        ),
    ]


def params(extra: str = "") -> list:
    cell = new_code_cell(PARAMETERS + (("\n" + extra) if extra else ""))
    cell.metadata["tags"] = ["parameters"]
    return [cell, new_code_cell(SETUP)]


def md(text: str):
    return new_markdown_cell(text)


def code(text: str):
    return new_code_cell(text)


def footer(summary: str, nxt: str | None) -> list:
    text = f"## Summary\n\n{summary}"
    if nxt:
        text += f"\n\n**Next:** [{nxt}]({nxt}.ipynb)"
    return [md(text)]


NOTEBOOKS: dict[str, list] = {}

NOTEBOOKS["00_start_here"] = [
    *header(
        "00 · Start here: IAM Identity Center → AWS CLI → Amazon S3",
        [
            "what the ten steps build: a CLI profile that borrows short-lived credentials from "
            "IAM Identity Center instead of storing access keys",
            "how to choose between the offline sandbox and your own AWS account",
            "how to check that your environment is ready",
        ],
        "nothing. This notebook checks everything else.",
        5,
    ),
    *params(),
    md(
        "## The idea in one paragraph\n\n"
        "Long-lived access keys in `~/.aws/credentials` are easy to leak. With IAM Identity "
        "Center you instead sign in once in a browser; the CLI receives a token, and every "
        "command trades that token for credentials that last an hour or so. In this tutorial "
        "you will (1) set up a user and a permission set, (2) find your portal's start URL and "
        "Region, (3) make a few buckets, (4) check the CLI, (5) write an `sso-session` profile, "
        "(6) sign in with a device code, (7) list your buckets, (8) sign out and (9) tidy up.\n\n"
        "**Sandbox or real AWS?** By default every step talks to an offline IAM Identity Center "
        "running on this machine (`use_sandbox = True`). Nothing leaves your computer and "
        "nothing costs money. To use your own organisation, set `use_sandbox = False` and fill "
        "in `start_url` and `sso_region` in the parameters cell of every step (or pass them "
        "once with `sso-kit tutorial run -p start_url … -p sso_region …`)."
    ),
    md(
        "## Check the environment\n\nThe set-up cell above already found (or started) the "
        "sandbox. The cell below lists the tools this tutorial uses. The terminal equivalent "
        "is `python --version; aws --version`."
    ),
    code("from sso_kit.course import environment_report\n\nprint(environment_report(kit))"),
    md(
        "## What just happened\n\nThe kit looked for a running sandbox (the `SSO_KIT_SANDBOX_URL` "
        "variable, then `~/.sso-kit/sandbox.json`) and started one in the background if there "
        "was none. Every later step finds the same sandbox through that file, so you can close "
        "and reopen notebooks freely."
    ),
    md("## Self-check"),
    code(
        "from sso_kit.course import endpoint_answers, self_check\n\n"
        "self_check(not kit.use_sandbox or endpoint_answers(kit.endpoint_url),\n"
        "           'The sandbox answers at ' + str(kit.endpoint_url) + '.',\n"
        "           'The sandbox does not answer. Run `make lab` (or `sso-kit sandbox`) and re-run.',\n"
        "           interactive=kit.interactive)"
    ),
    *footer("You know the plan and your environment is ready.", "01_identity_center"),
]

NOTEBOOKS["01_identity_center"] = [
    *header(
        "01 · Step 1: a user, a permission set and an assignment in IAM Identity Center",
        [
            "the three things an administrator sets up before anyone can sign in",
            "how to write a least-privilege permission set: only the actions a job needs",
            "how an administrator does it with boto3 (the `identitystore` and `sso-admin` APIs)",
        ],
        "[00 · Start here](00_start_here.ipynb).",
        10,
    ),
    *params(
        'new_user: str = "dev-user"  # the user the administrator adds\n'
        'permission_set: str = "S3ListOnly"  # the least-privilege permission set it gets'
    ),
    md(
        "## Users, permission sets, assignments\n\n"
        "IAM Identity Center keeps a directory of **users**. A **permission set** is a named "
        "bundle of IAM policies, a template for what someone may do. An **assignment** ties "
        "a user to a permission set in one AWS account; Identity Center then creates a role "
        "in that account which the user may borrow after signing in.\n\n"
        "**Least privilege** means giving a permission set only the actions its job needs. "
        "The permission set made below can list buckets (`s3:ListAllMyBuckets`, "
        "`s3:ListBucket`, `s3:GetBucketLocation`) and nothing else: no reading objects, no "
        "creating or deleting anything.\n\n"
        "On real AWS an administrator does this in the IAM Identity Center console, or from "
        "a terminal with administrator credentials:\n\n"
        "```sh\naws identitystore create-user --identity-store-id d-… --user-name dev-user …\n"
        "aws sso-admin create-permission-set --instance-arn … --name S3ListOnly\n"
        "aws sso-admin put-inline-policy-to-permission-set --instance-arn … "
        "--permission-set-arn … --inline-policy file://list-only.json\n"
        "aws sso-admin create-account-assignment --instance-arn … --target-id 111122223333 "
        "--target-type AWS_ACCOUNT --principal-type USER --principal-id …\n```"
    ),
    md(
        "## Do it as the administrator\n\n"
        "In the sandbox, the cell below is the administrator. It signs its boto3 calls with "
        "the access key of the sandbox's IAM user `sandbox-admin` "
        "(`Sandbox.admin_credentials()`), and the sandbox checks each call against that "
        "user's policies, as AWS would. It adds `new_user`, creates `permission_set` with the "
        "three list actions, assigns it in the management account, and then sends the "
        "invitation: real Identity Center e-mails one, the sandbox sets a password and shows "
        "it once (only when you run the notebook yourself). Running the cell again creates "
        "nothing twice. With real AWS it tells you what to do in the console instead."
    ),
    code(
        "from sso_kit.course import administer_identity_center\n\n"
        "print(administer_identity_center(kit, new_user, permission_set))"
    ),
    md(
        "## Look at the directory\n\n"
        "The same admin credentials can read everything back: every user, every permission "
        "set, and who holds what where (`identitystore list-users`, `sso-admin "
        "list-permission-sets`, `sso-admin list-account-assignments-for-principal`)."
    ),
    code(
        "from sso_kit.course import identity_center_overview\n\nprint(identity_center_overview(kit))"
    ),
    md(
        "## What just happened, and who signs in next\n\n"
        "There is now a user who may sign in and an account where that user can borrow a "
        "list-only role. The rest of the tutorial signs in as `learner`, a user the sandbox "
        "already holds, assigned `PowerUserAccess` (broad developer access without IAM "
        "administration, the usual pick for a tutorial like this one) because step 07 "
        "creates a bucket and step 09 deletes some.\n\n"
        "Want to see least privilege at work? In step 06, sign in as your new user with the "
        "password shown above: the portal offers only the new permission set; listing "
        "buckets works, and creating one is refused with `AccessDenied`."
    ),
    md("## Self-check"),
    code(
        "from sso_kit.course import identity_center_ready, self_check\n\n"
        "ok, detail = identity_center_ready(kit, new_user, permission_set)\n"
        "self_check(ok, detail, detail, interactive=kit.interactive)"
    ),
    *footer(
        "Identity Center has a user, a least-privilege permission set and an assignment.",
        "02_gather_info",
    ),
]

NOTEBOOKS["02_gather_info"] = [
    *header(
        "02 · Step 2: find your start URL and SSO region",
        [
            "what the start URL and the SSO region are, and where the portal shows them",
            "how the kit checks both before anything is written",
        ],
        "step 01.",
        5,
    ),
    *params(),
    md(
        "## Two values\n\nThe **start URL** is the address of your AWS access portal, "
        "for example `https://my-sso-portal.awsapps.com/start`. The **SSO region** is the "
        "Region where your organisation turned IAM Identity Center on; it can differ from the "
        "Region where your resources live. In the real portal, open a permission set's "
        "*Access keys* dialog and pick the *IAM Identity Center credentials* option: both "
        "values are listed there. `aws configure sso` asks for exactly these two."
    ),
    code("from sso_kit.course import check_portal_values\n\nprint(check_portal_values(kit))"),
    md(
        "## Break it on purpose\n\nA start URL copied from the browser often ends in `#/`, "
        "and some people paste `http://`. Try a few values:"
    ),
    code(
        "from sso_kit.course import try_start_url\n\n"
        "for candidate in ['https://my-sso-portal.awsapps.com/start/#/', "
        "'http://my-sso-portal.awsapps.com/start', 'my-sso-portal']:\n"
        "    print(try_start_url(candidate))"
    ),
    md(
        "## What just happened\n\nBoth values passed the same checks the profile form in "
        "step 05 runs as you type. Nothing was written yet."
    ),
    md("## Self-check"),
    code(
        "from sso_kit.course import portal_values_ok, self_check\n\n"
        "ok, detail = portal_values_ok(kit)\n"
        "self_check(ok, detail, detail, interactive=kit.interactive)"
    ),
    *footer("You have a valid start URL and SSO region.", "03_create_buckets"),
]

NOTEBOOKS["03_create_buckets"] = [
    *header(
        "03 · Step 3: create a few S3 buckets to list later",
        [
            "why the tutorial needs buckets to exist before you sign in",
            "how the kit tags what it creates so clean-up removes only that",
        ],
        "step 01.",
        5,
    ),
    *params("bucket_count: int = 2  # how many tutorial buckets to create"),
    md(
        "## Something to look at\n\nStep 7 lists your buckets; an empty list proves little. "
        "On real AWS you would create two or three buckets in the S3 console (or with "
        "`aws s3 mb s3://a-globally-unique-name`) as an administrator. In the sandbox the "
        "cell below is that administrator again: boto3 calls signed with the "
        "`sandbox-admin` key from step 01 (`create_bucket`, then `put_bucket_tagging`). "
        "Each bucket gets the tag `created-by=sso-kit`, so step 09 can delete exactly these "
        "and nothing else. Running it again only tops up to `bucket_count`."
    ),
    code(
        "from sso_kit.ui import ActionPanel\n"
        "from sso_kit.course import create_admin_buckets\n\n"
        "panel = ActionPanel(f'Create {bucket_count} tutorial buckets',\n"
        "                    lambda: create_admin_buckets(kit, bucket_count),\n"
        "                    render=lambda names: '\\n'.join(names) or 'nothing to do',\n"
        "                    css_class='sso-create-buckets')\n"
        "if not kit.interactive:\n"
        "    panel.run()\n"
        "panel"
    ),
    md(
        "## What just happened\n\nThe buckets exist in account 111122223333 (in the sandbox). "
        "The self-check below lists them with the administrator's key. You cannot see them "
        "from the CLI yet: that needs the profile (05) and a login (06)."
    ),
    md("## Self-check"),
    code(
        "from sso_kit.course import self_check, tutorial_buckets_exist\n\n"
        "ok, detail = tutorial_buckets_exist(kit)\n"
        "self_check(ok, detail, 'Click the button above to create the buckets.',\n"
        "           interactive=kit.interactive)"
    ),
    *footer("There are tagged buckets to list in step 7.", "04_install_cli"),
]

NOTEBOOKS["04_install_cli"] = [
    *header(
        "04 · Step 4: the AWS CLI and the Python SDK",
        [
            "which `aws` you have (if any) and which major version",
            "why only AWS CLI version 2 has `aws sso login`, and why this kit still works "
            "with version 1 and boto3",
        ],
        "nothing.",
        5,
    ),
    *params(),
    md(
        "## Which tools\n\nThe tutorial expects AWS CLI **version 2**, installed from AWS's "
        "own installer; `aws --version` prints `aws-cli/2.…`. The `awscli` package on PyPI is "
        "version 1: it reads SSO profiles and cached tokens (through botocore) but has no "
        "`aws sso login` command. This kit does the login itself and writes the token where "
        "version 2 would, so both versions, boto3 and botocore all use it."
    ),
    code("from sso_kit.course import tool_versions\n\nprint(tool_versions())"),
    md(
        "## What just happened\n\nThe cell ran `aws --version` if an `aws` command was found, "
        "and read the installed boto3 and botocore versions."
    ),
    md("## Self-check"),
    code(
        "from sso_kit.course import sdk_supports_sso_session, self_check\n\n"
        "ok, detail = sdk_supports_sso_session()\n"
        "self_check(ok, detail, detail, interactive=kit.interactive)"
    ),
    *footer("Your SDK understands `sso-session` profiles.", "05_configure_profile"),
]

NOTEBOOKS["05_configure_profile"] = [
    *header(
        "05 · Step 5: write the sso-session and the profile",
        [
            "the two sections `aws configure sso` writes to `~/.aws/config`",
            "what each key means, and which section it belongs in",
        ],
        "steps 02 and 04.",
        10,
    ),
    *params(),
    md(
        "## Two sections\n\nAn `[sso-session NAME]` section says *where to sign in*: "
        "`sso_start_url`, `sso_region` and the scopes to ask for. A `[profile NAME]` section "
        "says *what to do with the sign-in*: `sso_session = NAME` points at the session, and "
        "`sso_account_id` plus `sso_role_name` choose the role to borrow (you pick those after "
        "logging in, in step 06). Several profiles can share one session, and therefore one "
        "login. In the sandbox the profile also gets `endpoint_url`, which sends every AWS "
        "call to the sandbox. The command-line way is `aws configure sso`; its questions and "
        "answers are shown below the form.\n\n"
        "Before the first write the kit copies your current `~/.aws/config` aside, so step 09 "
        "can put it back exactly."
    ),
    code(
        "from sso_kit.ui import ProfileForm\n"
        "from sso_kit.course import remember_original_config\n\n"
        "remember_original_config()\n"
        "form = ProfileForm(start_url=kit.start_url, sso_region=kit.sso_region,\n"
        "                   sso_session=kit.sso_session, profile=kit.profile,\n"
        "                   account_id=kit.account_id, role_name=kit.role_name,\n"
        "                   endpoint_url=kit.endpoint_url)\n"
        "if not kit.interactive:\n"
        "    form.save()\n"
        "form"
    ),
    md("The same answers, typed into `aws configure sso`:"),
    code("print(form.answers())"),
    md(
        "## What just happened\n\nClicking **Save profile** wrote both sections with a "
        "comment-preserving editor (other profiles and comments stay as they were), through a "
        "temporary file and an atomic rename, after keeping a backup."
    ),
    md("## Self-check: can botocore read it?"),
    code(
        "from sso_kit.course import profile_ready, self_check\n\n"
        "ok, detail = profile_ready(kit.profile)\n"
        "self_check(ok, detail, detail + ' Fill in the form and click Save profile.',\n"
        "           interactive=kit.interactive)"
    ),
    *footer("Your config has an sso-session and a profile that uses it.", "06_login"),
]

MERMAID = """\
```mermaid
sequenceDiagram
    participant N as Notebook (sso_kit)
    participant O as SSO OIDC service
    participant B as Your browser
    N->>O: RegisterClient (reused for months from ~/.aws/sso/cache)
    N->>O: StartDeviceAuthorization(start URL)
    O-->>N: user code, verification link, expiry
    N->>B: show link, code and QR code
    B->>O: sign in, compare the code, Allow
    loop every few seconds until approved or expired
        N->>O: CreateToken
        O-->>N: "authorization pending" ... then an access token
    end
    N->>N: save the token in ~/.aws/sso/cache/sha1(session).json
```"""

NOTEBOOKS["06_login"] = [
    *header(
        "06 · Step 6: sign in with the device code",
        [
            "how the OAuth device flow lets a terminal (or notebook) sign in through a browser",
            "where the token is cached, and how to pick the account and role to use",
        ],
        "step 05.",
        10,
    ),
    *params(),
    md(
        "## The device flow\n\n`aws sso login --profile sso-kit-tutorial` asks IAM Identity "
        "Center for a one-time **user code**, opens a browser at a verification page, and "
        "waits. You sign in there, check that the page shows the same code, and allow access. "
        'Meanwhile the CLI keeps asking *"approved yet?"* until the answer is a token.\n\n'
        + MERMAID
    ),
    md(
        "## Do it\n\nClick **Log in**, then open the link (or scan the QR code with a phone) "
        "and approve. The panel updates by itself; the notebook stays usable while it waits. "
        "In the sandbox, sign in with the user and password printed above the panel."
    ),
    code(
        "from sso_kit.ui import LoginPanel\n"
        "from sso_kit.course import sign_in_hint\n\n"
        "print(sign_in_hint(kit))\n"
        "login_panel = LoginPanel(profile=kit.profile)\n"
        "if not kit.interactive:\n"
        "    login_panel.run_headless()\n"
        "login_panel"
    ),
    md(
        "## Pick the account and role\n\nAfter the login, the portal can tell you which "
        "accounts and roles you may use, just like the second half of `aws configure sso`. "
        "Choosing one writes `sso_account_id` and `sso_role_name` into the profile."
    ),
    code(
        "from sso_kit.ui import AccountRolePicker\n\n"
        "picker = AccountRolePicker(kit.profile)\n"
        "picker.follow(login_panel)  # fills the lists as soon as the login is approved\n"
        "if not kit.interactive:\n"
        "    picker.choose(kit.account_id, kit.role_name)\n"
        "picker"
    ),
    code("from sso_kit.ui import StatusBadge\n\nStatusBadge(kit.profile)"),
    md(
        "## What just happened\n\nThe token went to `~/.aws/sso/cache/`, named after the "
        "SHA-1 of the session name, in the same JSON format the AWS CLI v2 writes. botocore "
        "reads it from there for every call that uses the profile, and refreshes it while the "
        "session lasts. The token itself is never shown."
    ),
    md("## Self-check"),
    code(
        "from sso_kit.course import logged_in_with_role, self_check\n\n"
        "ok, detail = logged_in_with_role(kit.profile)\n"
        "self_check(ok, detail, detail, interactive=kit.interactive)"
    ),
    *footer("You are signed in, and the profile names an account and a role.", "07_s3_commands"),
]

NOTEBOOKS["07_s3_commands"] = [
    *header(
        "07 · Step 7: run Amazon S3 commands with the profile",
        [
            "how a normal AWS call turns the cached token into role credentials",
            "that the `aws` command and boto3 both use what the kit wrote",
        ],
        "step 06.",
        5,
    ),
    *params(),
    md(
        "## List your buckets\n\nThe terminal way is `aws s3 ls --profile sso-kit-tutorial`. "
        "Behind it, botocore reads the profile, finds the cached token, asks the portal for "
        "credentials of the chosen role (`GetRoleCredentials`) and signs the S3 request with "
        "them. The table below does exactly that through boto3."
    ),
    code("from sso_kit.course import ensure_buckets\n\nprint(ensure_buckets(kit))"),
    code(
        "from sso_kit.ui import BucketTable\n\n"
        "table = BucketTable(kit.profile)\n"
        "if not kit.interactive:\n"
        "    table.refresh()\n"
        "table"
    ),
    md("The same from the `aws` command, if one is installed:"),
    code("from sso_kit.course import run_aws_s3_ls\n\nprint(run_aws_s3_ls(kit.profile))"),
    md(
        "## What just happened\n\nNo access key was stored anywhere. The role credentials "
        "lived only in memory and expire on their own within hours."
    ),
    md("## Self-check"),
    code(
        "from sso_kit.course import self_check, tutorial_buckets_visible\n\n"
        "ok, detail = tutorial_buckets_visible(kit)\n"
        "self_check(ok, detail, detail + ' Click List my buckets.', interactive=kit.interactive)"
    ),
    *footer("You listed S3 buckets with IAM Identity Center credentials.", "08_logout"),
]

NOTEBOOKS["08_logout"] = [
    *header(
        "08 · Step 8: sign out",
        [
            "what `aws sso logout` removes, and what it cannot take back",
        ],
        "step 06.",
        5,
    ),
    *params(),
    md(
        "## Sign out\n\n`aws sso logout` tells IAM Identity Center to end the session and "
        "deletes the cached token (and cached role credentials). Role credentials that were "
        "already handed out stay valid until they expire, which is one reason to keep their "
        "lifetime short."
    ),
    code(
        "from sso_kit.ui import LogoutPanel\n\n"
        "logout_panel = LogoutPanel(kit.sso_session)\n"
        "if not kit.interactive:\n"
        "    logout_panel.logout()\n"
        "logout_panel"
    ),
    code("from sso_kit.ui import StatusBadge\n\nStatusBadge(kit.profile)"),
    md(
        "## What just happened\n\nThe token file for this session is gone, so the next "
        "command with the profile will ask you to log in again."
    ),
    md("## Self-check"),
    code(
        "from sso_kit.course import logged_out, self_check\n\n"
        "ok, detail = logged_out(kit.profile)\n"
        "self_check(ok, detail, detail + ' Click Log out.', interactive=kit.interactive)"
    ),
    *footer("You are signed out.", "09_clean_up"),
]

NOTEBOOKS["09_clean_up"] = [
    *header(
        "09 · Step 9: clean up",
        [
            "how to remove only what the tutorial created",
            "how your `~/.aws/config` goes back to exactly what it was",
        ],
        "steps 03–08.",
        5,
    ),
    *params(
        "keep_profile: bool = False  # True: keep the tutorial's profile in ~/.aws/config\n"
        "delete_buckets: bool = True  # False: keep the tutorial's buckets"
    ),
    md(
        "## Tidy up\n\nDeleting buckets needs credentials again, so sign in once more if the "
        "badge says you are signed out. The clean-up deletes only buckets tagged "
        "`created-by=sso-kit` (emptying them first), signs out, and then restores your "
        "original `~/.aws/config` byte for byte, unless `keep_profile = True`. The current "
        "file is copied to `~/.sso-kit/backups/` first, so nothing is lost."
    ),
    code(
        "from sso_kit.ui import LoginPanel\n"
        "from sso_kit.course import clean_up_needs_login\n\n"
        "login_panel = LoginPanel(profile=kit.profile)\n"
        "if not kit.interactive and clean_up_needs_login(kit, delete_buckets=delete_buckets):\n"
        "    login_panel.run_headless()\n"
        "login_panel"
    ),
    code(
        "from sso_kit.ui import ActionPanel\n"
        "from sso_kit.course import clean_up\n\n"
        "cleanup = ActionPanel('Clean up now', lambda: clean_up(kit, delete_buckets=delete_buckets,\n"
        "                                                         keep_profile=keep_profile),\n"
        "                      css_class='sso-clean-up', button_style='danger')\n"
        "if not kit.interactive:\n"
        "    cleanup.run()\n"
        "cleanup"
    ),
    md(
        "## What just happened\n\nThe tutorial's buckets are gone, the session is signed out, "
        "and your config is as it was before step 05 (or still has the profile, if you chose "
        "to keep it)."
    ),
    md("## Self-check"),
    code(
        "from sso_kit.course import config_restored, self_check\n\n"
        "ok, detail = config_restored(keep_profile=keep_profile)\n"
        "self_check(ok, detail, detail + ' Click Clean up now.', interactive=kit.interactive)"
    ),
    *footer(
        "You built, used and removed an IAM Identity Center profile. When something goes "
        "wrong on a real account, the troubleshooting notebook helps.",
        "10_troubleshooting",
    ),
]


def build(stem: str, cells: list) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{stem[:2]}-{i:02d}"
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def main(argv: list[str]) -> int:
    """Write every notebook, or only the stems named on the command line."""
    unknown = sorted(set(argv) - set(NOTEBOOKS))
    if unknown:
        print(f"unknown notebook(s): {', '.join(unknown)}; choose from {', '.join(NOTEBOOKS)}")
        return 2
    OUT.mkdir(exist_ok=True)
    for stem, cells in NOTEBOOKS.items():
        if argv and stem not in argv:
            continue
        path = OUT / f"{stem}.ipynb"
        nbformat.validate(build(stem, cells))
        nbformat.write(build(stem, cells), path)
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
