"""Errors a user can act on: each names where the problem is and what was expected."""

from __future__ import annotations


class OverlapError(Exception):
    """Base class for errors shown to the user without a traceback."""

    exit_code = 1


class InputError(OverlapError):
    """Bad input: names the file, and where known the row and column.

    Rows are 1-based as a person sees them in a spreadsheet (the header is row 1).
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.expected = expected
        self.detail = message
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        text = (": ".join([", ".join(where), self.detail]) if where else self.detail)
        if self.expected:
            text += f" (expected {self.expected})"
        return text


class ConfigError(OverlapError):
    """The configuration file or an option has an invalid value."""

    exit_code = 2
