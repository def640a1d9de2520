"""What can be wrong with a form file (a designer's problem) and with submitted data (an applicant's problem)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Loc = tuple[str | int, ...]

ProblemKind = Literal["json", "schema", "ref", "format", "conflict", "ui"]


@dataclass(frozen=True, slots=True)
class FormProblem:
    """A deploy-time problem of one form file.

    ``path`` is the location inside ``file`` as JSON path segments (``("properties", "age", "type")``), so the
    bundles domain can report it like any other ``loc``. ``line``/``column`` are set for JSON syntax errors.
    ``other_files`` names the other files involved, e.g. the second definition of a conflicting property.
    """

    file: str
    kind: ProblemKind
    message: str
    message_en: str
    path: Loc = ()
    line: int | None = None
    column: int | None = None
    other_files: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class FieldError:
    """One reason why submitted data does not fit the form, at the JSON path of the field concerned.

    A missing required property points at the property itself (``("applicant", "id_number")``), not at the object
    that lacks it, so the browser can show the message next to the empty input.
    """

    loc: Loc
    message: str
    message_en: str = ""


class FormDefinitionError(ValueError):
    """A form that cannot be used at all (unparsable, unresolvable ``$ref``); deploy should have refused it."""

    def __init__(self, problems: list[FormProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.file}: {p.message_en}" for p in problems))
