"""What can go wrong with a request, in the service's own terms (no HTTP here).

The API maps each class to a status code in one place (`service.api.errors`); the CLI prints
the same message on one line and exits non-zero.
"""

from __future__ import annotations


class ServiceError(Exception):
    """A request the service cannot answer; `str()` is the message shown to the user."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = str(self)


class InvalidInput(ServiceError):
    """A value that is malformed whatever the index holds: an empty question, a bad goal number."""


class UnknownValue(ServiceError):
    """A well-formed filter value that names nothing in the index (a district, unit, type, year)."""


class NotFound(ServiceError):
    """A document (or its file) that is not in the index or no longer in the corpus."""


class NotReady(ServiceError):
    """No index is loaded yet."""
