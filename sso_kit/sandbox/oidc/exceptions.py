"""SSO OIDC errors, shaped like the real service so botocore raises the modeled classes.

botocore picks the exception class from the ``x-amzn-ErrorType`` header; the body
carries the OAuth ``error`` code and an ``error_description`` that public botocore shows as the
message. Descriptions never contain a secret.

The service names its errors in one pattern: class ``InvalidGrant`` is the botocore shape
``InvalidGrantException`` and the OAuth code ``invalid_grant``. Each class below therefore
only states its message (its docstring) and, where the service differs, its status or code.
"""

from __future__ import annotations

import re

from ..service_error import ServiceError

_CORAL = "http://internal.amazon.com/coral/com.amazonaws.sso.oidc/"


class OidcError(ServiceError):
    """Invalid request"""

    error = "invalid_request"

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.code = cls.__dict__.get("code", f"{cls.__name__}Exception")
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()
        cls.error = cls.__dict__.get("error", snake)
        cls.default_message = (cls.__doc__ or "").strip() or cls.default_message

    @property
    def description(self) -> str:
        """The OAuth ``error_description`` (the message under its wire name)."""
        return self.message

    def error_type(self) -> str:
        return f"{self.code}:{_CORAL}"

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


class InvalidRequest(OidcError):
    """Invalid request"""


class InvalidClient(OidcError):
    """Invalid client"""

    status = 401


class InvalidGrant(OidcError):
    """Invalid grant provided"""


class UnsupportedGrantType(OidcError):
    """Unsupported grant type"""


class InvalidRedirectUri(OidcError):
    """Invalid redirect URI"""


class AuthorizationPending(OidcError):
    """Authorization is still pending"""


class SlowDown(OidcError):
    """Client is polling too quickly"""


class AccessDenied(OidcError):
    """Access denied: the request was not approved"""


class ExpiredToken(OidcError):
    """The device code has expired"""


class InternalServer(OidcError):
    """An internal error occurred (sandbox fault switch)"""

    error, status = "server_error", 500
