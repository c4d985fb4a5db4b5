"""Project paths, anchored on the package (never on the current directory)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"
REPORT_CATALOG = PROJECT_ROOT / "reports.yml"
#: The read-only folder of raw public files that sits beside the repository.
SHARED_DATA_DIR = PROJECT_ROOT.parent / "shared" / "data"

RAW_DIR_ENV = "DRUGFLOWS_RAW_DIR"
#: Points the reading of tables (``tables.load``, so the reports) and the runner's input keys at another
#: processed folder, e.g. a copy a test or the benchmark changes; ``drugflows data build`` and
#: ``check`` keep to ``data/processed/`` or their ``--processed``.
PROCESSED_DIR_ENV = "DRUGFLOWS_PROCESSED_DIR"


def processed_dir() -> Path:
    """The processed tables' folder: $DRUGFLOWS_PROCESSED_DIR if set, else ``data/processed/``."""
    return Path(os.environ.get(PROCESSED_DIR_ENV) or PROCESSED_DIR)


def raw_roots(raw: str | os.PathLike | None = None) -> list[Path]:
    """Folders searched for raw files, in order: ``raw`` argument, $DRUGFLOWS_RAW_DIR,
    ``data/raw/``, then ``../shared/data/``."""
    roots = []
    if raw is not None:
        roots.append(Path(raw))
    if os.environ.get(RAW_DIR_ENV):
        roots.append(Path(os.environ[RAW_DIR_ENV]))
    roots += [RAW_DIR, SHARED_DATA_DIR]
    return roots


def raw_source_dir(source: str, raw: str | os.PathLike | None = None) -> Path:
    """The first folder ``<root>/<source>/`` holding files (at any depth), searched as in
    :func:`raw_roots`.

    Raises FileNotFoundError naming every folder tried.
    """
    tried = []
    for root in raw_roots(raw):
        folder = root / source
        tried.append(folder)
        if folder.is_dir() and any(p.is_file() for p in folder.rglob("*")):
            return folder
    listing = "\n  ".join(str(p) for p in tried)
    raise FileNotFoundError(
        f"No raw files for source {source!r}. Looked in:\n  {listing}\n"
        f"Put the publisher's files in data/raw/{source}/ or point ${RAW_DIR_ENV} at a folder "
        f"that has a {source}/ subfolder."
    )
