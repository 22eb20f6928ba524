"""Domain errors raised by services and turned into HTTP answers by the error handlers."""
from __future__ import annotations


class DomainError(Exception):
    """Something a person did cannot be done; `fields` says which input is wrong and why."""

    status_code = 422
    code = "invalid"

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}

    def __reduce__(self):
        """Pickled whole, fields included (an import's helper process sends its errors)."""
        return type(self), (self.message, self.fields)


class NotFound(DomainError):
    """The object does not exist."""

    status_code = 404
    code = "not_found"


class Forbidden(DomainError):
    """The acting user may not see or change this object."""

    status_code = 403
    code = "forbidden"


class Conflict(DomainError):
    """The request clashes with what is stored (e.g. the same key with another payload)."""

    status_code = 409
    code = "conflict"
