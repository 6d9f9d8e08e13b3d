"""Errors a user can fix: each carries a Finnish message naming the file and the fix."""

from __future__ import annotations

from pathlib import Path


class InputFileError(Exception):
    """A raw file that is wrong as a whole (unreadable, a column missing, an unknown header)."""

    def __init__(
        self,
        file: str | Path,
        problem: str,
        fix: str,
        *,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file = str(file)
        self.problem = problem
        self.fix = fix
        self.row = row
        self.column = column
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = [f"Tiedosto: {self.file}"]
        if self.row is not None:
            where.append(f"rivi {self.row}")
        if self.column is not None:
            where.append(f"sarake '{self.column}'")
        return f"{', '.join(where)}\nVirhe: {self.problem}\nKorjaus: {self.fix}"


class ConfigError(Exception):
    """The configuration itself is wrong; the message is Finnish and names the file."""
