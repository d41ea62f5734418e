"""What the tutorial notebooks need beyond the library and the widgets.

Notebooks import their helpers from here (``from sso_kit.course import setup``); the modules
below hold them by topic:

- :mod:`~sso_kit.course.setup`: parameters, the sandbox, tool versions;
- :mod:`~sso_kit.course.state`: the tutorial state in ``~/.sso-kit`` (load/save, step results);
- :mod:`~sso_kit.course.backup`: exact backup and restore of ``~/.aws/config``;
- :mod:`~sso_kit.course.admin`: the administrator's boto3 steps 01 and 03 (sandbox);
- :mod:`~sso_kit.course.checks`: "Check my work" for steps 05-09 (either path; recorded in
  ``~/.sso-kit/checks.json``); :mod:`~sso_kit.course.selfcheck`: the end-of-notebook
  self-checks; :mod:`~sso_kit.course.cleanup` and :mod:`~sso_kit.course.leftovers`: step 09;
- :mod:`~sso_kit.course.quiz` and :mod:`~sso_kit.course.trace`: questions, masked transcripts;
- :mod:`~sso_kit.course.exercises`, :mod:`~sso_kit.course.runner`, :mod:`~sso_kit.course.lab`:
  practice for doctor, the papermill batch runner, ``sso-kit lab``.

``course`` may import ``ui``, ``diagnose``, ``sandbox`` and the library; nothing below imports it.
"""

from __future__ import annotations

from sso_kit.course.admin import (
    LIST_ONLY,
    LIST_ONLY_ACTIONS,
    NEW_USER,
    AdminSetup,
    admin_client,
    admin_credentials,
    administer_identity_center,
    create_admin_buckets,
    identity_center_overview,
    identity_center_ready,
    set_up_identity_center,
    tutorial_buckets_exist,
    user_has_assignment,
)
from sso_kit.course.backup import config_restored, remember_original_config, restore_original_config
from sso_kit.course.cleanup import clean_up, clean_up_needs_login
from sso_kit.course.selfcheck import (
    check_portal_values,
    ensure_buckets,
    logged_in_with_role,
    logged_out,
    needs_login,
    portal_values_ok,
    profile_ready,
    run_aws_s3_ls,
    self_check,
    sign_in_hint,
    try_start_url,
    tutorial_buckets_visible,
)
from sso_kit.course.setup import (
    DEFAULT_PROFILE,
    DEFAULT_SESSION,
    Setup,
    aws_cli,
    endpoint_answers,
    environment_report,
    sdk_supports_sso_session,
    setup,
    tool_versions,
)
from sso_kit.course.state import kit_dir, load_state, record_step_result, save_state, state_path

__all__ = [
    "DEFAULT_PROFILE",
    "DEFAULT_SESSION",
    "LIST_ONLY",
    "LIST_ONLY_ACTIONS",
    "NEW_USER",
    "AdminSetup",
    "Setup",
    "admin_client",
    "admin_credentials",
    "administer_identity_center",
    "aws_cli",
    "check_portal_values",
    "clean_up",
    "clean_up_needs_login",
    "config_restored",
    "create_admin_buckets",
    "endpoint_answers",
    "ensure_buckets",
    "environment_report",
    "identity_center_overview",
    "identity_center_ready",
    "kit_dir",
    "load_state",
    "logged_in_with_role",
    "logged_out",
    "needs_login",
    "portal_values_ok",
    "profile_ready",
    "record_step_result",
    "remember_original_config",
    "restore_original_config",
    "run_aws_s3_ls",
    "save_state",
    "sdk_supports_sso_session",
    "self_check",
    "set_up_identity_center",
    "setup",
    "sign_in_hint",
    "state_path",
    "tool_versions",
    "try_start_url",
    "tutorial_buckets_exist",
    "tutorial_buckets_visible",
    "user_has_assignment",
]
