"""The errors the core raises. Each carries a message meant for the person using the app."""

from __future__ import annotations

from dataclasses import dataclass


class SupervisionAuditError(Exception):
    """Base of every error whose message is fit to show a user."""


class StoreError(SupervisionAuditError):
    """The database cannot be opened or written."""


class ForeignFileError(StoreError):
    """The file is not a Supervision Audit database."""


class NewerSchemaError(StoreError):
    """The file was written by a newer version of the app."""


class StoreLockedError(StoreError):
    """Another program holds the database."""


class DamagedStoreError(StoreError):
    """The database file fails its integrity check; nothing may write to it."""


class WrongKeyError(StoreError):
    """The password or key given does not unlock the store."""


class ChangedAfterSigningError(SupervisionAuditError):
    """Signed content no longer matches what was signed (the database was altered outside
    the app); it is never exported or sealed as genuine."""


class LockedOutError(WrongKeyError):
    """Too many wrong passwords for a user name: it must wait until ``until`` (UTC)."""

    def __init__(self, message: str, until: object = None):
        super().__init__(message)
        self.until = until


class StaleEditError(SupervisionAuditError):
    """Someone else saved the record after it was opened here; saving would overwrite them."""


class NotFoundError(SupervisionAuditError):
    """A record asked for does not exist."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what is wrong.

    ``row`` is the 1-based row of an imported file (None for a form); ``field`` names the
    column or form field.
    """

    field: str
    message: str
    row: int | None = None

    def __str__(self) -> str:
        where = f"row {self.row}, {self.field}" if self.row is not None else self.field
        return f"{where}: {self.message}"


class ValidationError(SupervisionAuditError):
    """One or more problems with what the user gave; nothing was saved."""

    def __init__(self, problems: list[Problem] | Problem, summary: str | None = None):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        self.summary = summary or "Nothing was saved: please correct the following."
        super().__init__(self.summary + "\n" + "\n".join(str(p) for p in self.problems))

    def for_field(self, field: str) -> list[str]:
        return [p.message for p in self.problems if p.field == field]
