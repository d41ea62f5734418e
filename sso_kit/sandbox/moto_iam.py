"""moto's IAM backends, built once per account instead of six times, for a room of accounts.

moto gives every AWS account an IAM backend per partition, and each new backend parses and
builds all 1,582 AWS managed policies. Every signed S3 call looks its access key up in every
account's every partition (``moto.iam.models.get_account_id_from``), so the first S3 call after
200 workshop accounts exist builds 1,200 backends: minutes, with moto's backend lock held.

The sandbox serves the ``aws`` partition only (its regions are commercial ones), so the
managed policies are loaded there and nowhere else, from data parsed once. An ``aws-cn`` or
``aws-us-gov`` backend still exists and answers as before; it just lists no AWS managed
policies, which no call to the sandbox can reach.
"""

from __future__ import annotations

import json
import threading
from typing import Any

SERVED_PARTITION = "aws"
_lock = threading.Lock()
_parsed: dict[str, Any] | None = None


def _policy_data() -> dict[str, Any]:
    global _parsed
    with _lock:
        if _parsed is None:
            from moto.iam import models

            _parsed = json.loads(models.aws_managed_policies_data)
        return _parsed


def load_managed_policies_once() -> None:
    """Patch ``IAMBackend._init_aws_policies`` (idempotent): served partition, parsed once."""
    from moto import settings
    from moto.iam import models

    if getattr(models.IAMBackend, "_sso_kit_policies_once", False):
        return

    def init_aws_policies(self: Any) -> list[Any]:
        if not settings.load_iam_aws_managed_policies() or self.partition != SERVED_PARTITION:
            return []
        return [
            models.AWSManagedPolicy.from_data(name, self.account_id, self.region_name, data)
            for name, data in _policy_data().items()
        ]

    models.IAMBackend._init_aws_policies = init_aws_policies  # type: ignore[method-assign]
    models.IAMBackend._sso_kit_policies_once = True  # type: ignore[attr-defined]
