"""sso_kit: learn IAM Identity Center -> AWS CLI -> Amazon S3 by doing it.

The public API is small and imported lazily, so ``import sso_kit`` stays cheap: boto3,
ipywidgets and the sandbox (moto) load only when first used.
"""

from __future__ import annotations

import sys
import types
from typing import Any

from sso_kit.errors import (
    AuthorizationDeniedError,
    AuthorizationExpiredError,
    BucketError,
    CacheError,
    ConfigError,
    ConfigWriteError,
    LoginCancelledError,
    LoginError,
    NotLoggedInError,
    PortalError,
    ProfileNotFoundError,
    SandboxError,
    SsoKitError,
    ValidationError,
)
from sso_kit.lazy import lazy_getattr

__version__ = "0.1.0"

# public name -> module that defines it (relative to sso_kit)
_LAZY: dict[str, str] = {
    # validate.py: pure checks of what a learner types
    "validate_start_url": "validate",
    "validate_sso_region": "validate",
    "validate_name": "validate",
    "validate_account_id": "validate",
    "validate_role_name": "validate",
    "validate_scopes": "validate",
    # config.py: read with botocore, write with a comment-preserving INI editor
    "config_path": "config",
    "configure_profile": "config",
    "read_profile": "config",
    "remove_profile": "config",
    "remove_sso_session": "config",
    # cache.py: AWS CLI token / registration / role-credential caches
    "token_cache_path": "cache",
    "load_token": "cache",
    # login.py: device code (default) and PKCE
    "login": "login",
    "DeviceLogin": "login",
    "PendingAuthorization": "login",
    # portal.py, buckets.py, logout.py, status.py
    "list_accounts": "portal",
    "list_account_roles": "portal",
    "get_role_credentials": "portal",
    "list_buckets": "buckets",
    "create_tutorial_bucket": "buckets",
    "delete_tutorial_buckets": "buckets",
    "logout": "logout",
    "status": "status",
    # diagnose/: diagnosis and the error explainer
    "doctor": "diagnose",
    "explain": "diagnose",
    # sandbox/: the offline IAM Identity Center
    "Sandbox": "sandbox",
    # course/runner.py: papermill batch runner
    "run_tutorial": "course.runner",
}

__all__ = [
    "AuthorizationDeniedError",
    "AuthorizationExpiredError",
    "BucketError",
    "CacheError",
    "ConfigError",
    "ConfigWriteError",
    "LoginCancelledError",
    "LoginError",
    "NotLoggedInError",
    "PortalError",
    "ProfileNotFoundError",
    "SandboxError",
    "SsoKitError",
    "ValidationError",
    "__version__",
    *_LAZY,
]


class _Package(types.ModuleType):
    """Keeps ``sso_kit.login`` (and logout, status) the function, not its module.

    Importing a submodule makes Python set it as an attribute of the package, which would
    replace the public function of the same name once anything imports ``sso_kit.login``.
    The module itself stays reachable as ``sys.modules["sso_kit.login"]`` and through
    ``from sso_kit.login import …``.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _LAZY.get(name) == name:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


__getattr__ = lazy_getattr(__name__, _LAZY)


def __dir__() -> list[str]:
    return sorted(__all__)
