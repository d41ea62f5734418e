"""ipywidgets for the tutorial notebooks: forms, login panel, tables, badges.

Every widget is a small ``VBox`` (or ``HTML``) subclass whose work lives in plain methods, so the
same code runs when a learner clicks in JupyterLab and when papermill or nbval run the notebook
headless (``SSO_KIT_HEADLESS=1``). The functions that touch AWS or the sandbox are injectable so
the widgets can be unit-tested with fakes. Widgets are imported lazily: ``import sso_kit.ui`` does
not load boto3.
"""

from __future__ import annotations

import os

from sso_kit.lazy import lazy_getattr

__all__ = [
    "AccountRolePicker",
    "ActionPanel",
    "BucketTable",
    "LoginPanel",
    "LogoutPanel",
    "ProfileForm",
    "StatusBadge",
    "StatusMessage",
    "is_interactive",
]

_LAZY = {
    "AccountRolePicker": "forms",
    "ActionPanel": "actions",
    "ProfileForm": "forms",
    "LoginPanel": "login_panel",
    "BucketTable": "tables",
    "LogoutPanel": "logout_panel",
    "StatusBadge": "badges",
    "StatusMessage": "messages",
}


def is_interactive(param: bool | None = None) -> bool:
    """Decide whether a notebook waits for clicks.

    An explicit ``True``/``False`` (a papermill parameter) wins; ``None`` means "interactive
    unless ``SSO_KIT_HEADLESS=1``", which nbval and ``sso-kit tutorial run`` set.
    """
    if param is not None:
        return bool(param)
    return os.environ.get("SSO_KIT_HEADLESS", "").strip().lower() not in {"1", "true", "yes"}


__getattr__ = lazy_getattr(__name__, _LAZY)
