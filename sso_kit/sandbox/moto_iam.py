"""moto's IAM backends, built once per account instead of six times, for a room of accounts.

moto gives every AWS account an IAM backend per partition, and each new backend parses and
builds all 1,582 AWS managed policies. Every signed S3 call looks its access key up in every
account's every partition (``moto.iam.models.get_account_id_from``), so the first S3 call after
200 workshop accounts exist builds 1,200 backends: minutes, with moto's backend lock held.

The sandbox serves the ``aws`` partition only (its regions are commercial ones), so the
managed policies are loaded there and nowhere else. They are built once and each account gets
copies: its own attachment counts, tags and versions, the same documents, dates and policy
ids (AWS managed policies have one id in every account, so this is closer to AWS than moto's
random id per account). An ``aws-cn`` or ``aws-us-gov`` backend still exists and answers as
before; it just lists no AWS managed policies, which no call to the sandbox can reach.
"""

from __future__ import annotations

import copy
import json
import threading
from typing import Any

SERVED_PARTITION = "aws"
_lock = threading.Lock()
_prototypes: list[Any] | None = None


def _built_once(region_name: str) -> list[Any]:
    """The AWS managed policies, built once (moto's own ``from_data``) for every account."""
    global _prototypes
    with _lock:
        if _prototypes is None:
            from moto.iam import models

            data = json.loads(models.aws_managed_policies_data)
            _prototypes = [
                models.AWSManagedPolicy.from_data(name, "aws", region_name, policy)
                for name, policy in data.items()
            ]
        return _prototypes


def _copy_for(prototype: Any, account_id: str) -> Any:
    """The account's own policy object: shared immutable data, its own mutable state."""
    policy = copy.copy(prototype)
    policy.account_id = account_id
    policy.attachment_count = 0
    policy.tags = {}
    policy.versions = [copy.copy(version) for version in prototype.versions]
    return policy


def load_managed_policies_once() -> None:
    """Patch ``IAMBackend._init_aws_policies`` (idempotent): served partition, parsed once."""
    from moto import settings
    from moto.iam import models

    if getattr(models.IAMBackend, "_sso_kit_policies_once", False):
        return

    def init_aws_policies(self: Any) -> list[Any]:
        if not settings.load_iam_aws_managed_policies() or self.partition != SERVED_PARTITION:
            return []
        return [_copy_for(p, self.account_id) for p in _built_once(self.region_name)]

    models.IAMBackend._init_aws_policies = init_aws_policies  # type: ignore[method-assign]
    models.IAMBackend._sso_kit_policies_once = True  # type: ignore[attr-defined]
