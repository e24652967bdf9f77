"""Errors a user can act on: each names where the problem is and what was expected."""

from __future__ import annotations

import re

#: the longest line an error shows of what a file holds (a binary file's "header" can be
#: kilobytes of one line)
MAX_SHOWN_LINE = 500

# C0 and C1 control characters (ESC starts a terminal escape sequence), DEL, and the
# bidirectional overrides that reorder what a terminal shows
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNPRINTABLE_OR_NEWLINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object, *, keep_newlines: bool = False, limit: int = MAX_SHOWN_LINE) -> str:
    """``text`` safe to print on a terminal: control characters shown as ``\\x1b``
    (names and cells come from files; an escape sequence would drive the terminal), each
    line cut to ``limit`` characters. Newlines stay only with ``keep_newlines``."""
    pattern = _UNPRINTABLE if keep_newlines else _UNPRINTABLE_OR_NEWLINE
    lines = pattern.sub(_escaped, str(text)).split("\n")
    return "\n".join(
        line if len(line) <= limit else f"{line[:limit]}... ({len(line) - limit} more characters)"
        for line in lines
    )


class OverlapError(Exception):
    """Base class for errors shown to the user without a traceback."""

    exit_code = 1

    def __str__(self) -> str:
        return printable(super().__str__(), keep_newlines=True)


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
            where.append(printable(self.file))
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


def reject_unknown_keys(table: dict, allowed: tuple[str, ...], where: str, expected: str = "") -> None:
    """A TOML table with a key the reader does not know (a typo would be silently
    ignored): stop, naming ``where`` and what was ``expected`` (default: ``allowed``)."""
    unknown = set(table) - set(allowed)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} "
                          f"(expected {expected or ', '.join(allowed)})")
