"""AWS access portal errors: ``x-amzn-ErrorType`` header plus a ``{"message": ...}`` body."""

from __future__ import annotations


class PortalError(Exception):
    code = "InvalidRequestException"
    status = 400
    default_message = "Invalid request"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(f"{self.code}: {self.message}")

    def headers(self) -> dict[str, str]:
        return {"x-amzn-ErrorType": self.code}

    def body(self) -> dict[str, str]:
        return {"message": self.message}


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
