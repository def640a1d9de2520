"""Domain errors, rendered into the API contract's JSON by one handler in ``app.py``.

Services raise these instead of HTTP exceptions so that the rules stay independent of the transport
and every error body has the same shape: ``{"detail": ..., "errors": [{"loc": [...], "message": ...}]}``.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorItem:
    loc: tuple[str | int, ...]
    message: str

    def as_dict(self) -> dict:
        return {"loc": list(self.loc), "message": self.message}


class DomainError(Exception):
    status_code = 400

    def __init__(self, detail: str, errors: Iterable[ErrorItem] = ()) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors: list[ErrorItem] = list(errors)


class Unauthenticated(DomainError):
    status_code = 401


class Forbidden(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class TooLarge(DomainError):
    status_code = 413


class Invalid(DomainError):
    """Bad input: one ``ErrorItem`` per problem, each naming the field, file or element at fault."""

    status_code = 422


def invalid(detail: str, problems: Sequence[tuple[Sequence[str | int], str]]) -> Invalid:
    return Invalid(detail, [ErrorItem(tuple(loc), message) for loc, message in problems])
