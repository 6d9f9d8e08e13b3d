"""Where things live. Computed from arguments, never at import with side effects."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
PROJECT_ROOT = PACKAGE_DIR.parent
CONFIG_DIR = PROJECT_ROOT / "config"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"


@dataclass(frozen=True)
class Layout:
    """The folders of one run: raw inputs, processed tables and reports."""

    data: Path
    reports: Path

    @property
    def raw(self) -> Path:
        return self.data / "raw"

    @property
    def processed(self) -> Path:
        return self.data / "processed"

    @property
    def rejected(self) -> Path:
        return self.processed / "rejected"

    @property
    def quality_runs(self) -> Path:
        return self.processed / "quality"

    def raw_dir(self, dataset: str) -> Path:
        return self.raw / dataset

    def year_reports(self, year: int) -> Path:
        return self.reports / str(year)

    def relative_to_data(self, path: Path) -> str:
        """A path as users see it in messages and provenance columns (relative to the data folder)."""
        try:
            return path.resolve().relative_to(self.data.resolve()).as_posix()
        except ValueError:
            return path.as_posix()
