"""Write the sample raw data (fixed seed, byte-for-byte reproducible).

Usage: python scripts/generate_sample_data.py [--out DATA_DIR] [--dataset NAME ...]

Each dataset is a module scripts/sample_data/<dataset>.py with
`generate(raw_dir: Path, rng: random.Random) -> list[Path]`; it writes into
DATA_DIR/raw/<dataset>/. A new module is picked up without changes here. The marker file
DATA_DIR/raw/ESIMERKKIAINEISTO.txt tells the pipeline that the data is sample data.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

SCRIPTS_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = SCRIPTS_DIR.parent
if str(SCRIPTS_DIR) not in sys.path:
    sys.path.insert(0, str(SCRIPTS_DIR))

import sample_data  # noqa: E402  (needs SCRIPTS_DIR on sys.path)


def generate_dataset(name: str, data_dir: Path) -> list[Path]:
    """Run one dataset's generator with its own fresh, seeded random generator."""
    module = importlib.import_module(f"sample_data.{name}")
    raw_dir = data_dir / "raw" / name
    raw_dir.mkdir(parents=True, exist_ok=True)
    return list(module.generate(raw_dir, sample_data.new_rng()))


def generate_all(data_dir: Path, datasets: list[str] | None = None) -> list[Path]:
    """Every dataset's sample files plus the marker file; returns the paths written."""
    written: list[Path] = []
    for name in datasets or sample_data.dataset_names():
        written += generate_dataset(name, data_dir)
    written.append(sample_data.write_marker(data_dir / "raw"))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Kirjoittaa esimerkkiaineiston kansioon DATA_DIR/raw.")
    parser.add_argument(
        "--out", type=Path, default=PROJECT_ROOT / "data", metavar="DATA_DIR",
        help="datakansio (oletus: projektin data/)",
    )
    parser.add_argument(
        "--dataset", action="append", choices=sample_data.dataset_names(),
        help="vain tämä aineisto (voi toistaa); oletus: kaikki",
    )
    args = parser.parse_args(argv)
    for path in generate_all(args.out, args.dataset):
        try:
            shown = path.resolve().relative_to(Path.cwd().resolve())
        except ValueError:
            shown = path
        print(f"kirjoitettu: {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
