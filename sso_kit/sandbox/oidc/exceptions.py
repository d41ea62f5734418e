"""SSO OIDC errors, shaped like the real service so botocore raises the modeled classes.

botocore picks the exception class from the ``x-amzn-ErrorType`` header; the body
carries the OAuth ``error`` code and an ``error_description`` that public botocore shows as the
message. Descriptions never contain a secret.
"""

from __future__ import annotations

_CORAL = "http://internal.amazon.com/coral/com.amazonaws.sso.oidc/"


class OidcError(Exception):
    """Base: ``code`` is the botocore shape name, ``error`` the OAuth wire code."""

    code = "InvalidRequestException"
    error = "invalid_request"
    status = 400
    default_description = "Invalid request"

    def __init__(self, description: str | None = None) -> None:
        self.description = description or self.default_description
        super().__init__(f"{self.code}: {self.description}")

    def headers(self) -> dict[str, str]:
        return {"x-amzn-ErrorType": f"{self.code}:{_CORAL}"}

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


class InvalidRequest(OidcError):
    pass


class InvalidClient(OidcError):
    code, error, status = "InvalidClientException", "invalid_client", 401
    default_description = "Invalid client"


class InvalidGrant(OidcError):
    code, error = "InvalidGrantException", "invalid_grant"
    default_description = "Invalid grant provided"


class UnsupportedGrantType(OidcError):
    code, error = "UnsupportedGrantTypeException", "unsupported_grant_type"
    default_description = "Unsupported grant type"


class InvalidRedirectUri(OidcError):
    code, error = "InvalidRedirectUriException", "invalid_redirect_uri"
    default_description = "Invalid redirect URI"


class AuthorizationPending(OidcError):
    code, error = "AuthorizationPendingException", "authorization_pending"
    default_description = "Authorization is still pending"


class SlowDown(OidcError):
    code, error = "SlowDownException", "slow_down"
    default_description = "Client is polling too quickly"


class AccessDenied(OidcError):
    code, error = "AccessDeniedException", "access_denied"
    default_description = "Access denied: the request was not approved"


class ExpiredToken(OidcError):
    code, error = "ExpiredTokenException", "expired_token"
    default_description = "The device code has expired"


class InternalServer(OidcError):
    code, error, status = "InternalServerException", "server_error", 500
    default_description = "An internal error occurred (sandbox fault switch)"
