"""Stages 4 and 5, credentials and S3: what the portal and S3 say to this login."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from typing import Any

from sso_kit.diagnose.base import Checks, Stop, _parse_time, _utcnow, _when
from sso_kit.diagnose.explainer import explain
from sso_kit.errors import SsoKitError, aws_error


class AccessStage(Checks):
    """Stages 4 and 5, credentials and S3: what the portal and S3 say to this login."""

    # -- credentials ----------------------------------------------------------------------
    def credentials(self) -> None:
        if not (self.account_id and self.role_name):
            raise Stop
        if self.token is None:
            self._cached_role_credentials("no usable SSO token")
            raise Stop
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError

        sso = self._client(boto3, "sso", region_name=self.sso_region)
        try:
            response = sso.get_role_credentials(
                roleName=self.role_name,
                accountId=str(self.account_id),
                accessToken=self.token["accessToken"],
            )
        except ClientError as exc:
            code = aws_error(exc)[0]
            if code == "UnauthorizedException":
                self.add(
                    "credentials.unauthorized",
                    "problem",
                    "the access portal rejected the cached token (UnauthorizedException)",
                )
                self._cached_role_credentials("the SSO token is no longer accepted")
            elif code == "ForbiddenException":
                self._no_access()
            else:
                self._unexpected("credentials", exc)
            raise Stop from None
        except BotoCoreError as exc:
            self._network("credentials", exc)
            raise Stop from None
        creds = response["roleCredentials"]
        expires = datetime.fromtimestamp(creds["expiration"] / 1000, timezone.utc)
        self.add(
            "credentials.ok",
            "ok",
            f"role credentials for {self.role_name} in {self.account_id}, valid until "
            f"{_when(expires)}",
        )
        self.role_credentials = creds

    def _client(self, boto3: Any, service: str, **kw: Any) -> Any:
        """A client for the profile's endpoint that fails fast and never signs (for sso)."""
        from botocore import UNSIGNED
        from botocore.config import Config

        config = Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=15)
        if service == "sso":
            config = config.merge(Config(signature_version=UNSIGNED))
        from sso_kit.clients import new_session  # botocore's models parsed once per process

        # explicit keys go to the client: it uses them and resolves no credentials itself
        keys = kw.pop("session_kw", {})
        return new_session(self.profile).client(service, config=config, **keys, **kw)

    def _no_access(self) -> None:
        """Name what the login may use instead, asking the portal through the library."""
        from sso_kit.portal import list_account_roles, list_accounts

        account, role = str(self.account_id), self.role_name
        try:
            accounts = [a.account_id for a in list_accounts(profile=self.profile)]
            roles = list_account_roles(account, profile=self.profile) if account in accounts else []
        except SsoKitError:
            accounts, roles = [], []
        if account not in accounts:
            seen = f"your accounts: {', '.join(accounts) or 'none'}"
        else:
            seen = f"your roles in {account}: {', '.join(roles) or 'none'}"
        self.add(
            "credentials.no_access",
            "problem",
            f"no access to role {role} in account {account} (ForbiddenException); {seen}",
        )

    def _cached_role_credentials(self, why: str) -> None:
        """Warn when the CLI's role-credential cache still holds live keys for this profile."""
        from sso_kit.cache import cli_cache_dir, role_credentials_cache_key

        key = role_credentials_cache_key(
            str(self.account_id),
            str(self.role_name),
            session_name=self.session_name,
            start_url=self.start_url,
        )
        path = cli_cache_dir() / f"{key}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        expires = _parse_time((data.get("Credentials") or {}).get("Expiration"))
        if data.get("ProviderType") != "sso" or not expires or expires <= _utcnow():
            return
        self.add(
            "credentials.cached_after_logout",
            "warning",
            f"{why}, yet cached role credentials in {path} stay valid until {_when(expires)}",
        )

    def _network(self, stage: str, exc: Exception) -> None:
        from botocore.exceptions import ProxyConnectionError, SSLError
        from botocore.httpsession import mask_proxy_url

        # a proxy URL may carry user:password; botocore's own mask hides both
        env = {
            k: mask_proxy_url(os.environ[k])
            for k in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "NO_PROXY", "AWS_CA_BUNDLE")
            if os.environ.get(k)
        }
        settings = ", ".join(f"{k}={v}" for k, v in env.items()) or "no proxy or CA settings"
        if isinstance(exc, SSLError):
            fid, cause = "net.tls", "TLS validation failed: an inspecting proxy or a bad CA bundle."
        elif isinstance(exc, ProxyConnectionError):
            fid, cause = "net.proxy", "The configured proxy does not answer."
        else:
            fid, cause = "net.unreachable", "The endpoint cannot be reached from here."
        self._record(
            fid,
            stage,
            "problem",
            f"{exc} ({settings})",
            cause,
            explain(exc).fix,
        )

    def _unexpected(self, stage: str, exc: Exception) -> None:
        explanation = explain(exc)
        self._record(
            explanation.id if explanation.id != "unknown" else f"{stage}.error",
            stage,
            "problem",
            str(exc),
            explanation.cause,
            explanation.fix,
        )

    # -- S3 -------------------------------------------------------------------------------
    def s3(self) -> None:
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError

        creds = self.role_credentials or {}
        s3 = self._client(
            boto3,
            "s3",
            region_name=self.region or "us-east-1",
            session_kw={
                "aws_access_key_id": creds["accessKeyId"],
                "aws_secret_access_key": creds["secretAccessKey"],
                "aws_session_token": creds["sessionToken"],
            },
        )
        try:
            buckets = s3.list_buckets().get("Buckets", [])
        except ClientError as exc:
            if aws_error(exc)[0] in ("AccessDenied", "403"):
                self.add(
                    "s3.access_denied",
                    "problem",
                    f"ListBuckets denied for permission set {self.role_name}",
                )
            else:
                self._unexpected("s3", exc)
            return
        except BotoCoreError as exc:
            self._network("s3", exc)
            return
        self.add("s3.ok", "ok", f"ListBuckets allowed: {len(buckets)} bucket(s)")
