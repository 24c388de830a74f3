"""What an import reports when something is wrong."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImportIssue:
    """One error: where (sheet, row as Excel numbers it, column) and what.

    ``sheet`` and ``column`` are empty and ``row`` is None for an error about
    the whole file (unreadable, empty).
    """

    sheet: str
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": str(self.message)}

    def __str__(self) -> str:
        if not self.sheet:
            return str(self.message)
        where = ", ".join(str(part) for part in (self.sheet, self.row, self.column) if part not in (None, ""))
        return f"{where}: {self.message}"


class UnreadableFile(Exception):
    """The file is not a workbook or CSV this importer can read, or is empty."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
