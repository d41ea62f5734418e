"""Keep tokens, client secrets and keys out of botocore's and urllib3's log records.

At DEBUG, botocore logs every request's parameters and headers (``botocore.endpoint``) and
every response body (``botocore.parsers``): the SSO OIDC client secret, access and refresh
tokens, the portal's bearer header, role credentials, the session token of signed calls.
A learner who turns on ``logging.basicConfig(level=logging.DEBUG)`` and pastes the output into
an issue would publish them.

:func:`install` puts :class:`RedactingFilter` on every botocore, boto3, s3transfer and urllib3
logger (a filter on a parent logger does not see its children's records, so each one gets it).
It is idempotent and cheap, and :mod:`sso_kit.clients` calls it whenever it builds a session,
so whatever logging the learner configured, the records sso_kit's AWS calls produce are
already clean. :func:`enable_debug_logging` is ``sso-kit --debug``: DEBUG to stderr through a
handler that redacts every record, whatever logger it comes from.
"""

from __future__ import annotations

import logging
import re
import sys
import threading

from sso_kit.errors import redact

__all__ = ["LOGGER_PREFIXES", "RedactingFilter", "enable_debug_logging", "install", "scrub"]

#: Loggers whose records can carry request or response bodies and headers.
LOGGER_PREFIXES = ("botocore", "boto3", "s3transfer", "urllib3")

# Modules that log secrets. Importing them creates their loggers, so the filter is on them
# before their first record.
_NOISY_MODULES = (
    "botocore.auth",
    "botocore.credentials",
    "botocore.endpoint",
    "botocore.hooks",
    "botocore.httpsession",
    "botocore.parsers",
    "botocore.retryhandler",
    "botocore.tokens",
    "botocore.utils",
    "urllib3.connectionpool",
)

_EXTRA = (
    # STS and other XML responses.
    re.compile(
        r"(<(?:SecretAccessKey|SessionToken|SecurityToken|AccessToken|RefreshToken)>)"
        r"([^<]*)(</)"
    ),
    # OAuth bearer values in any header.
    re.compile(r"(?i)(\bBearer\s+)([A-Za-z0-9._~+/=-]+)()"),
    # The PKCE authorization code in a CreateToken body ("code" in lower case only: botocore's
    # error dicts use "Code" for error names, which are not secret).
    re.compile(r"""((?<![\w-])["']code["']\s*:\s*b?["'])([^"']+)()"""),
    # SigV4 signatures (not reusable on their own, but nothing a bug report needs).
    re.compile(r"(\bSignature=)([0-9a-f]{16,})()"),
)


def scrub(text: str) -> str:
    """``text`` with every secret value replaced by ``***``."""
    text = redact(text)
    for pattern in _EXTRA:
        text = pattern.sub(lambda m: f"{m.group(1)}***{m.group(3)}", text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites a record's message with its secrets masked; never drops a record."""

    def __init__(self, prefixes: tuple[str, ...] | None = LOGGER_PREFIXES) -> None:
        super().__init__()
        self.prefixes = prefixes

    def filter(self, record: logging.LogRecord) -> bool:
        if self.prefixes is not None and not record.name.startswith(self.prefixes):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: let logging report it as it always does
            return True
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


_FILTER = RedactingFilter()
_lock = threading.Lock()
_imported = False


def install() -> None:
    """Put the redacting filter on every existing botocore/boto3/s3transfer/urllib3 logger."""
    global _imported
    if not _imported:
        import importlib

        for name in _NOISY_MODULES:
            try:
                importlib.import_module(name)
            except ImportError:  # an older botocore without one of them
                continue
        _imported = True
    with _lock:
        names = [
            name
            for name in list(logging.root.manager.loggerDict)
            if name.split(".")[0] in LOGGER_PREFIXES
        ]
        for name in set(names) | set(LOGGER_PREFIXES):
            logger = logging.getLogger(name)
            if _FILTER not in logger.filters:
                logger.addFilter(_FILTER)


def enable_debug_logging(stream: object = None) -> logging.Handler:
    """``sso-kit --debug``: every logger at DEBUG to stderr, every record redacted.

    Safe to paste into an issue: the handler masks secrets in all records (sso_kit's, the
    sandbox's, botocore's), on top of the per-logger filters.
    """
    install()
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(prefixes=None))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    return handler
