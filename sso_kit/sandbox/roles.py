"""The IAM role behind each (account, permission set), as IAM Identity Center provisions it.

A mixin of :class:`sso_kit.sandbox.directory.Directory`: each role carries the permission
set's policies and is assumed with moto's STS, so moto's IAM enforcement applies to every S3
call made with its credentials.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from typing import Any

ROLE_PREFIX = "AWSReservedSSO_"
#: the role policy that stands for a permission set's inline policy
INLINE_POLICY = "AwsSSOInlinePolicy"


def _role_name(permission_set: str, arn: str) -> str:
    suffix = hashlib.sha1(arn.encode()).hexdigest()[:16]  # stable per permission set
    return f"{ROLE_PREFIX}{permission_set}_{suffix}"[:64]


class Roles:
    """Create and sync permission-set roles; read their session duration."""

    # provided by Directory
    lock: threading.RLock
    permission_set_by_name: Callable[[str], Any | None]

    def role_arn(self, account_id: str, permission_set: str) -> str:
        """Create (once) and sync the IAM role that stands for a permission set in an account."""
        from moto.iam.models import iam_backends

        ps = self.permission_set_by_name(permission_set)
        if ps is None:
            raise KeyError(permission_set)
        name = _role_name(permission_set, ps.permission_set_arn)
        iam = iam_backends[account_id]["global"]
        with self.lock:
            try:
                role = iam.get_role(name)
            except Exception:
                trust = {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {
                                "Federated": f"arn:aws:iam::{account_id}:saml-provider/"
                                "AWSSSO_sandbox"
                            },
                            "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                        }
                    ],
                }
                role = iam.create_role(
                    name,
                    json.dumps(trust),
                    "/aws-reserved/sso.amazonaws.com/",
                    None,
                    f"Permission set {permission_set} (sso-kit sandbox)",
                    [],
                    "43200",
                )
            attached = {p.arn for p in role.managed_policies.values()}
            for policy in ps.managed_policies:
                if policy.arn not in attached:
                    iam.attach_role_policy(policy.arn, name)
            # moto stores the document as given: the same one again would change nothing (it
            # was validated when put), and each put parses and validates it (every sign-in)
            if ps.inline_policy and role.policies.get(INLINE_POLICY) != ps.inline_policy:
                iam.put_role_policy(name, INLINE_POLICY, ps.inline_policy)
            return str(role.arn)

    def session_seconds(self, permission_set: str, default: int) -> int:
        """The permission set's session duration (ISO 8601 PTnH / PTnM), capped by default."""
        import re

        ps = self.permission_set_by_name(permission_set)
        match = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?", (ps.session_duration if ps else "") or "")
        if not match:
            return default
        seconds = int(match.group(1) or 0) * 3600 + int(match.group(2) or 0) * 60
        return min(seconds, default) if seconds else default
