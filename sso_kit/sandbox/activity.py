"""The sandbox's own record of each learner's calls, so an instructor can see who got how far.

Every SSO OIDC, portal and S3 call is attributed to a user when the sandbox can tell whose it
is: a portal call by its bearer token, an S3 call by the access key GetRoleCredentials handed
out, a CreateToken by the token it issued. RegisterClient and StartDeviceAuthorization carry
no user yet; they wait under their client id and move to the user when that client's login
completes. Memory is bounded: a fixed number of users, events per user, keys and clients.

Nothing secret is kept: no token, key or password, only operation names, error names, HTTP
statuses and times.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["ActivityLog", "Event", "UserActivity", "s3_operation"]

MAX_USERS = 5000
MAX_EVENTS = 200  # per user
MAX_KEYS = 20_000  # access key id -> user, client id -> user / waiting events
MAX_WAITING = 20  # events per client waiting for their user

#: Answers that are part of a normal login, not errors a learner is stuck on.
NOT_ERRORS = frozenset({"AuthorizationPendingException"})


@dataclass(frozen=True)
class Event:
    """One call: when, what, how it ended (``error`` is the wire error name, or None)."""

    at: float
    operation: str
    status: int
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class UserActivity:
    """What one user did: counts per operation, errors by name, the latest events."""

    user: str
    first_at: float = 0.0
    last_at: float = 0.0
    last_ok_at: float = 0.0
    ok: dict[str, int] = field(default_factory=dict)
    first_ok: dict[str, float] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    events: deque[Event] = field(default_factory=lambda: deque(maxlen=MAX_EVENTS))

    def add(self, event: Event) -> None:
        self.first_at = self.first_at or event.at
        self.last_at = max(self.last_at, event.at)
        self.events.append(event)
        if event.error and event.error not in NOT_ERRORS:
            self.errors[event.error] = self.errors.get(event.error, 0) + 1
        elif event.status < 400:
            self.ok[event.operation] = self.ok.get(event.operation, 0) + 1
            self.first_ok.setdefault(event.operation, event.at)
            self.last_ok_at = max(self.last_ok_at, event.at)

    def recent_errors(self, since: float) -> list[Event]:
        return [e for e in self.events if e.error and e.error not in NOT_ERRORS and e.at >= since]

    def as_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready: the deque of events becomes a list)."""
        return {**asdict(self), "events": [e.as_dict() for e in self.events]}


def _bounded_set(mapping: OrderedDict[str, Any], key: str, value: Any, limit: int) -> None:
    mapping[key] = value
    mapping.move_to_end(key)
    while len(mapping) > limit:
        mapping.popitem(last=False)


class ActivityLog:
    """Thread-safe, bounded record of calls per user (see the module docstring)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.lock = threading.Lock()
        self.users: OrderedDict[str, UserActivity] = OrderedDict()
        self.key_users: OrderedDict[str, str] = OrderedDict()  # access key id -> user
        self.client_users: OrderedDict[str, str] = OrderedDict()  # OIDC client id -> user
        self.waiting: OrderedDict[str, list[Event]] = OrderedDict()  # client id -> events
        self.listeners: list[Callable[[str, Event], None]] = []

    # -- recording ------------------------------------------------------------------------
    def record(self, user: str, operation: str, status: int, error: str | None = None) -> None:
        """Add one call of ``user``."""
        event = Event(self.clock(), operation, int(status), error)
        with self.lock:
            self._add(user, event)
        for listener in list(self.listeners):
            listener(user, event)

    def _add(self, user: str, event: Event) -> None:
        entry = self.users.get(user)
        if entry is None:
            entry = UserActivity(user)
            _bounded_set(self.users, user, entry, MAX_USERS)
        entry.add(event)

    def record_client(
        self, client_id: str, operation: str, status: int, error: str | None = None
    ) -> None:
        """A call by an OIDC client: the user's if known, else kept until its login ends."""
        if not client_id:
            return
        with self.lock:
            user = self.client_users.get(client_id)
            if user is None:
                event = Event(self.clock(), operation, int(status), error)
                events = self.waiting.get(client_id) or []
                events = [*events, event][-MAX_WAITING:]
                _bounded_set(self.waiting, client_id, events, MAX_KEYS)
                return
        self.record(user, operation, status, error)

    def bind_client(self, client_id: str, user: str) -> None:
        """A login of ``client_id`` finished for ``user``: their waiting calls are theirs."""
        with self.lock:
            _bounded_set(self.client_users, client_id, user, MAX_KEYS)
            for event in self.waiting.pop(client_id, []):
                self._add(user, event)

    def bind_key(self, access_key_id: str, user: str) -> None:
        """GetRoleCredentials gave ``user`` this key: their S3 calls are recognised by it."""
        with self.lock:
            _bounded_set(self.key_users, access_key_id, user, MAX_KEYS)

    def user_for_key(self, access_key_id: str) -> str | None:
        with self.lock:
            return self.key_users.get(access_key_id)

    def forget(self, user: str) -> None:
        """Start ``user`` afresh (a reset): their record and keys go."""
        with self.lock:
            self.users.pop(user, None)
            for mapping in (self.key_users, self.client_users):
                for key in [k for k, v in mapping.items() if v == user]:
                    del mapping[key]

    # -- reading --------------------------------------------------------------------------
    def get(self, user: str) -> UserActivity | None:
        with self.lock:
            entry = self.users.get(user)
            if entry is None:
                return None
            copy = UserActivity(
                entry.user,
                entry.first_at,
                entry.last_at,
                entry.last_ok_at,
                dict(entry.ok),
                dict(entry.first_ok),
                dict(entry.errors),
            )
            copy.events.extend(entry.events)
            return copy

    def snapshot(self) -> dict[str, UserActivity]:
        with self.lock:
            names = list(self.users)
        return {name: entry for name in names if (entry := self.get(name)) is not None}


#: The S3 operation a method names on a bucket (``/name``) or an object (``/name/key``).
_S3_OPERATIONS = {
    "bucket": {"GET": "ListObjects", "PUT": "CreateBucket", "DELETE": "DeleteBucket",
               "HEAD": "HeadBucket"},
    "object": {"GET": "GetObject", "PUT": "PutObject", "DELETE": "DeleteObject",
               "HEAD": "HeadObject"},
}  # fmt: skip


def s3_operation(method: str, path: str, query: str) -> str:
    """The S3 operation of a path-style request (what the kit and the CLI send)."""
    parts = [p for p in path.split("/") if p]
    args = {kv.split("=", 1)[0] for kv in query.split("&") if kv}
    if not parts:
        return "ListBuckets" if method == "GET" else f"S3 {method} /"
    sub = next((a for a in ("tagging", "location", "policy", "versioning", "acl") if a in args), "")
    if len(parts) == 1:
        if sub:
            verb = {"GET": "Get", "PUT": "Put", "DELETE": "Delete"}.get(method, method.title())
            return f"{verb}Bucket{sub.title()}"
        if "delete" in args and method == "POST":
            return "DeleteObjects"
        return _S3_OPERATIONS["bucket"].get(method, f"S3 {method} bucket")
    return _S3_OPERATIONS["object"].get(method, f"S3 {method} object")


# -- feeding the log from the server (one call per request; never raises into it) -------------
def observe_oidc(
    log: ActivityLog,
    oidc: Any,
    operation: str,
    body: dict[str, Any],
    result: dict[str, Any] | None,
    error: str | None,
    status: int,
) -> None:
    """Record an SSO OIDC call; a successful CreateToken names the user of its client."""
    client_id = str(body.get("clientId") or (result or {}).get("clientId") or "")
    user = None
    if result and operation == "CreateToken":
        token = oidc.tokens.get(result.get("accessToken", ""))
        user = getattr(token, "user", None)
    if user:
        if client_id:
            log.bind_client(client_id, user)
        log.record(user, operation, status, error)
    else:
        log.record_client(client_id, operation, status, error)


def observe_portal(
    log: ActivityLog,
    oidc: Any,
    operation: str,
    bearer: str | None,
    result: dict[str, Any] | None,
    error: str | None,
    status: int,
) -> None:
    """Record a portal call by its bearer token's user; remember the role key it handed out."""
    token = oidc.tokens.get(bearer or "")  # also an expired or revoked one: it names the user
    user = getattr(token, "user", None)
    if not user:
        return
    log.record(user, operation, status, error)
    key = ((result or {}).get("roleCredentials") or {}).get("accessKeyId")
    if key:
        log.bind_key(key, user)


def credential_scope(environ: dict[str, Any]) -> tuple[str, str]:
    """(access key id, service) of a SigV4 request, header or presigned; ('', '') if unsigned."""
    from urllib.parse import parse_qs

    auth = environ.get("HTTP_AUTHORIZATION", "")
    if "Credential=" in auth:
        credential = auth.split("Credential=", 1)[1].split(",", 1)[0].strip()
    else:
        credential = parse_qs(environ.get("QUERY_STRING", "")).get("X-Amz-Credential", [""])[0]
    parts = credential.split("/")
    return (parts[0], parts[3]) if len(parts) > 3 else ("", "")


def observe_moto(log: ActivityLog, environ: dict[str, Any], app: Any, start_response: Any) -> Any:
    """Call moto's app, recording the S3 call of a learner's role key with its error name."""
    key, service = credential_scope(environ)
    user = log.user_for_key(key) if service == "s3" else None
    if user is None:
        return app(environ, start_response)
    seen: dict[str, int] = {}

    def recording_start_response(status: str, headers: Any, *exc: Any) -> Any:
        seen["status"] = int(status.split(" ", 1)[0])
        return start_response(status, headers, *exc)

    chunks = list(app(environ, recording_start_response))
    code = seen.get("status", 500)
    error = None
    if code >= 400:
        text = b"".join(chunks)[:4096].decode("utf-8", "replace")
        error = text.split("<Code>", 1)[1].split("</Code>", 1)[0] if "<Code>" in text else str(code)
    operation = s3_operation(
        environ.get("REQUEST_METHOD", "GET"),
        environ.get("PATH_INFO", "/"),
        environ.get("QUERY_STRING", ""),
    )
    log.record(user, operation, code, error)
    return chunks
