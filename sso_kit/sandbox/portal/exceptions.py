"""AWS access portal errors: ``x-amzn-ErrorType`` header plus a ``{"message": ...}`` body."""

from __future__ import annotations

from ..service_error import ServiceError


class PortalError(ServiceError):
    """Base of the portal's errors: the body is ``{"message": ...}``."""


class InvalidRequest(PortalError):
    pass


class Unauthorized(PortalError):
    code, status = "UnauthorizedException", 401
    default_message = "Session token not found or invalid"


class Forbidden(PortalError):
    """Not modeled by botocore (a generic ClientError), as in the real service."""

    code, status = "ForbiddenException", 403
    default_message = "No access"


class InternalServer(PortalError):
    code, status = "InternalServerException", 500
    default_message = "An internal error occurred (sandbox fault switch)"
