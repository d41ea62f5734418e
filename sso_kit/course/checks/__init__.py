"""Check my work: one check per step, over the real files, whichever path made them.

A learner can do steps 05–09 with the notebook's widgets or with the AWS CLI v2 in a terminal.
Both leave the same files (the ``[sso-session]`` and ``[profile]`` sections as
``aws configure sso`` writes them, the token in ``~/.aws/sso/cache``, the CLI's role-credential
cache), so each check reads those files, never the widgets. A check returns a
:class:`CheckResult`: ok, what is already right, what is missing, a hint for the first missing
piece and a full solution. Hints and solutions are worded for where the learner is
(``context="notebook"``: what to click; ``"terminal"``: the command to type).

The parts, by concept:

- :mod:`~sso_kit.course.checks.model`: the target, the result, the findings a check collects;
- :mod:`~sso_kit.course.checks.evidence`: reading the config and caches (secrets masked);
- :mod:`~sso_kit.course.checks.steps`: the five checks and :func:`check`;
- :mod:`~sso_kit.course.checks.recipes`: the CLI commands and the clicks of each step;
- :mod:`~sso_kit.course.checks.results`: ``~/.sso-kit/checks.json`` for the workshop views;
- :mod:`~sso_kit.course.checks.notebook`: the notebook's "Check my work" widget.
"""

from __future__ import annotations

from sso_kit.course.checks.evidence import (
    hosted_jupyter,
    mask,
    role_credential_files,
    token_summary,
)
from sso_kit.course.checks.model import STEPS, CheckResult, Context, Target, as_dict
from sso_kit.course.checks.notebook import bucket_lister, check_my_work
from sso_kit.course.checks.recipes import terminal_steps
from sso_kit.course.checks.results import checks_path, load_results, record
from sso_kit.course.checks.steps import check

__all__ = [
    "STEPS",
    "CheckResult",
    "Context",
    "Target",
    "as_dict",
    "bucket_lister",
    "check",
    "check_my_work",
    "checks_path",
    "hosted_jupyter",
    "load_results",
    "mask",
    "record",
    "role_credential_files",
    "terminal_steps",
    "token_summary",
]
