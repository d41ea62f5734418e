"""What a learner's signed calls may reach in a shared workshop sandbox, and their faults.

The workshop asks this before the sandbox answers any call that is not its own: keys stay
inside their account (:meth:`LearnerGuard.isolate`), and a fault the instructor switched on
for one learner answers that learner's portal or S3 calls (:meth:`LearnerGuard.fault_answer`).
"""

from __future__ import annotations

import secrets

from werkzeug.wrappers import Request, Response

from sso_kit.net import LOOPBACK
from sso_kit.sandbox.server import SandboxApp, json_response
from sso_kit.workshop.roster import Roster

__all__ = ["LearnerGuard", "delete_account_buckets"]


class LearnerGuard:
    """Per-learner rules on a shared sandbox; ``faults`` is the workshop's live table."""

    def __init__(self, app: SandboxApp, roster: Roster, faults: dict[str, str]) -> None:
        self.app = app
        self.roster = roster
        self.faults = faults

    def isolate(self, request: Request, path: str) -> Response | None:
        """Keep each learner's role credentials inside their own account, as AWS does.

        moto finds a bucket by name whichever account asks, so its IAM check alone would let
        learner02 read learner01's objects. Real S3 refuses another account's bucket without
        a bucket policy, and so does this: S3 calls with a learner's key reach only buckets of
        their account. Signed calls must use a key the portal issued (or the sandbox admin's),
        and learner keys cannot mint new ones (STS other than GetCallerIdentity).
        """
        from sso_kit.sandbox import activity

        key, service = activity.credential_scope(request.environ)
        if not key:
            return None
        admin = self.app.directory.admin_keys
        if admin and secrets.compare_digest(key, admin[0]):
            return None
        user = self.app.activity.user_for_key(key)
        if user is None:
            return _s3_style_error(
                "InvalidAccessKeyId", "This key was not issued to a workshop user.", 403
            )
        account = self.roster.accounts.get(user, "")
        if service == "sts" and _sts_action(request) != "GetCallerIdentity":
            self.app.activity.record(user, "STS", 403, "AccessDenied")
            body = (
                '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error>'
                "<Type>Sender</Type><Code>AccessDenied</Code><Message>Workshop keys cannot "
                "mint other keys.</Message></Error></ErrorResponse>"
            )
            return Response(body, 403, mimetype="text/xml")
        if service != "s3":
            return None
        bucket = _bucket_of(request, path)
        owner = _bucket_owner(bucket) if bucket else None
        if owner is None or owner == account:
            return None
        operation = activity.s3_operation(
            request.method, path, request.environ.get("QUERY_STRING", "")
        )
        self.app.activity.record(user, operation, 403, "AccessDenied")
        return _s3_style_error("AccessDenied", "Access Denied", 403)

    def fault_answer(self, request: Request, path: str) -> Response | None:
        """Answer a faulted learner's portal or S3 call with the fault's error."""
        if not self.faults:
            return None
        from sso_kit.sandbox import activity
        from sso_kit.sandbox.portal import exceptions as portal_exc
        from sso_kit.sandbox.portal import urls as portal_urls
        from sso_kit.sandbox.server import BEARER_ENVIRON

        portal = portal_urls.url_paths.get((request.method, path))
        if portal is not None:
            bearer = request.environ.get(BEARER_ENVIRON) or request.headers.get(
                "x-amz-sso_bearer_token"
            )
            token = self.app.oidc.tokens.get(bearer or "")
            fault = self.faults.get(getattr(token, "user", ""))
            error: portal_exc.PortalError | None = None
            if fault == "server_error":
                error = portal_exc.InternalServer()
            elif fault == "no_access" and portal[0] == "GetRoleCredentials":
                error = portal_exc.Forbidden()
            if error is None:
                return None
            self.app.activity.record(token.user, portal[0], error.status, error.code)
            return json_response(error.body(), error.status, error.headers())
        key, service = activity.credential_scope(request.environ)
        user = self.app.activity.user_for_key(key) if service == "s3" else None
        fault = self.faults.get(user or "")
        if fault not in ("s3_denied", "server_error"):
            return None
        code, status = ("AccessDenied", 403) if fault == "s3_denied" else ("InternalError", 500)
        operation = activity.s3_operation(
            request.method, path, request.environ.get("QUERY_STRING", "")
        )
        self.app.activity.record(str(user), operation, status, code)
        return _s3_style_error(code, "Workshop fault switched on by your instructor.", status)


def _s3_style_error(code: str, message: str, status: int) -> Response:
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
        f"<Message>{message}</Message></Error>"
    )
    return Response(body, status, mimetype="application/xml")


def _bucket_of(request: Request, path: str) -> str:
    """The bucket an S3 request names: ``bucket.localhost`` style, else the first segment."""
    host = (request.host or "").split(":", 1)[0].lower()
    label, _, rest = host.partition(".")
    if rest in LOOPBACK or rest.endswith(".localhost"):
        return label
    return path.lstrip("/").split("/", 1)[0]


def _bucket_owner(bucket: str) -> str | None:
    from moto.s3.models import s3_backends

    found = s3_backends.bucket_accounts.get(bucket)
    return found[1] if found else None


def _sts_action(request: Request) -> str:
    """The Action of an STS query call; the body is read and put back for moto."""
    import io
    from urllib.parse import parse_qs

    environ = request.environ
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if 0 < length <= 64 * 1024 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    query = parse_qs(environ.get("QUERY_STRING", "")) | parse_qs(body.decode("utf-8", "replace"))
    return str(query.get("Action", [""])[0])


def delete_account_buckets(account_id: str) -> list[str]:
    """Empty and delete every bucket of one learner's account (moto's backend, in-process)."""
    from moto.s3.models import s3_backends

    backend = s3_backends[account_id]["aws"]
    names = sorted(backend.buckets)
    for name in names:
        bucket = backend.buckets[name]
        for key in list(bucket.keys):
            backend.delete_object(name, key)
        backend.delete_bucket(name)
    return names
