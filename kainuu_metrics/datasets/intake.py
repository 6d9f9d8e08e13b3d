"""The raw folders' intake: which files the datasets read, and every other file named with the
reason it is not read and how to fix it (nothing in data/raw is passed over without a word)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kainuu_metrics.datasets.base import Dataset
from kainuu_metrics.paths import Layout

SAMPLE_MARKER = "ESIMERKKIAINEISTO.txt"

RAW_ROOT_FILES = {"README.md", "toimitukset.yaml", SAMPLE_MARKER}  # documentation and the data log beside the folders
FILE_FIXES = {
    ".xls": "Tallenna tiedosto Excelissä muodossa .xlsx (Excel-työkirja).",
    ".ods": "Tallenna tiedosto muodossa .xlsx tai .csv.",
    ".pdf": "PDF-tiedostoa ei voi lukea aineistoksi: pyydä vienti muodossa .xlsx tai .csv, tai siirrä tiedosto pois kansiosta.",
}


@dataclass(frozen=True)
class RefusedFile:
    """A file in the raw folders that the run does not read, and why (shown, never silent)."""

    path: str  # as users see it: raw/grants/x.xls
    reason: str
    fix: str


def is_documentation(path: Path) -> bool:
    """README files, hidden files and Office lock files (~$x.xlsx) are not data."""
    return path.stem.upper() == "README" or path.name.startswith((".", "~$"))


def refused_files(layout: Layout, read: dict[str, list[Path]], datasets: list[Dataset]) -> list[RefusedFile]:
    """Every file under data/raw that no dataset reads, with a Finnish reason and fix: a file of
    a format its folder does not take, an empty file, a file outside the datasets' folders."""
    folders = {d.raw_folder: d for d in datasets}
    taken = {p.resolve() for paths in read.values() for p in paths}
    refused = []
    for path in sorted(p for p in layout.raw.rglob("*") if p.is_file()) if layout.raw.is_dir() else []:
        relative = path.relative_to(layout.raw)
        if is_documentation(path) or (len(relative.parts) == 1 and path.name in RAW_ROOT_FILES):
            continue
        shown = layout.relative_to_data(path)
        dataset = folders.get(relative.parts[0]) if len(relative.parts) > 1 else None
        if dataset is None:
            refused.append(RefusedFile(shown, "tiedosto ei ole minkään aineiston kansiossa",
                                       f"Siirrä tiedosto oikeaan kansioon ({', '.join(f'raw/{f}/' for f in folders)}) tai pois kansiosta data/raw/."))
        elif path.resolve() in taken and path.stat().st_size == 0:
            refused.append(RefusedFile(shown, "tiedosto on tyhjä (0 tavua)", "Tallenna vienti uudelleen; tyhjä tiedosto jätetään lukematta."))
        elif path.resolve() not in taken:
            refused.append(RefusedFile(shown, f"tiedostomuotoa '{path.suffix or '(ei päätettä)'}' ei lueta kansiossa raw/{dataset.raw_folder}/",
                                       FILE_FIXES.get(path.suffix.lower(), f"Tallenna tiedosto muodossa {', '.join(sorted(dataset.suffixes))} tai siirrä se pois kansiosta.")))
    return refused
