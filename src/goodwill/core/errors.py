"""Domain errors raised by services and mapped to HTTP answers by the web layer."""


class DomainError(Exception):
    """Base class: `message` says what is wrong and, where possible, how to fix it."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class Forbidden(DomainError):
    status_code = 403


class Invalid(DomainError):
    status_code = 422


class Unauthorized(DomainError):
    status_code = 401
