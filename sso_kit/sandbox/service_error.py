"""One base for the sandbox's AWS-shaped service errors (SSO OIDC and the access portal).

botocore picks the modeled exception class from the ``x-amzn-ErrorType`` header, so every
error carries its botocore shape name (``code``), an HTTP status and a message that never
contains a secret; each service only says how its header and JSON body look.
"""

from __future__ import annotations


class ServiceError(Exception):
    """An error the sandbox answers with; subclasses set ``code``, ``status`` and the message."""

    code = "InvalidRequestException"
    status = 400
    default_message = "Invalid request"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(f"{self.code}: {self.message}")

    def error_type(self) -> str:
        """The ``x-amzn-ErrorType`` header value; services may add a namespace."""
        return self.code

    def headers(self) -> dict[str, str]:
        return {"x-amzn-ErrorType": self.error_type()}

    def body(self) -> dict[str, str]:
        return {"message": self.message}
