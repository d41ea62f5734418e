"""Diagnose a learner's IAM Identity Center setup from its real state, stage by stage.

``doctor(profile)`` looks at the environment, the config file, the token cache, the role
credentials and S3, in that order, and returns a :class:`Report` of :class:`Finding` objects.
Every finding has a stable id from the failure catalogue (shared with :func:`sso_kit.explain`),
a status, what was found, the cause in plain words and the fix. Doctor never logs in, never
refreshes or rewrites a cache file, and never puts a token, key or secret in a finding.
"""

from __future__ import annotations

from sso_kit.diagnose.access import AccessStage
from sso_kit.diagnose.base import Stop
from sso_kit.diagnose.environment import EnvironmentStage
from sso_kit.diagnose.profile import ConfigStage
from sso_kit.diagnose.report import Report
from sso_kit.diagnose.token import TokenStage

__all__ = ["doctor"]


class _Doctor(EnvironmentStage, ConfigStage, TokenStage, AccessStage):
    """One diagnosis run: the stages in order, stopping where later ones would only repeat."""

    def run(self) -> Report:
        stages = (self.environment, self.config, self.token_cache, self.credentials, self.s3)
        for stage in stages:
            try:
                stage()
            except Stop:
                break
        return self.report


def doctor(profile: str | None = None) -> Report:
    """Check the setup behind ``profile`` (default: AWS_PROFILE, AWS_DEFAULT_PROFILE, default)."""
    return _Doctor(profile).run()
