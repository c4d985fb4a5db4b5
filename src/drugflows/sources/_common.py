"""Helpers shared by the loaders: reading raw files with errors that name the file."""

from __future__ import annotations

import bz2
import csv
import gzip
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from drugflows._io import sha256_file
from drugflows.sources import RawLayoutError
from drugflows.tables import RawFile


def require_columns(frame: pd.DataFrame, expected: Iterable[str], path: Path) -> None:
    """RawLayoutError naming the file and the missing columns if any expected column is absent."""
    expected = list(expected)
    missing = [c for c in expected if c not in frame.columns]
    if missing:
        unexpected = [c for c in frame.columns if c not in expected]
        raise RawLayoutError(
            f"{path}: missing column(s) {missing}; unexpected column(s) "
            f"{unexpected}. Expected the publisher's layout: {expected}"
        )
    if frame.empty:
        raise RawLayoutError(f"{path}: no data rows")


def read_csv(path: Path, expected: Iterable[str], **kwargs) -> pd.DataFrame:
    """``pd.read_csv`` with clear errors for empty, undecodable or unparseable files."""
    try:
        frame = pd.read_csv(path, **kwargs)
    except UnicodeDecodeError as exc:
        raise RawLayoutError(
            f"{path}: not {kwargs.get('encoding', 'UTF-8')} text ({exc.reason} at byte {exc.start})"
        ) from exc
    except pd.errors.EmptyDataError as exc:
        raise RawLayoutError(f"{path}: the file is empty") from exc
    except (pd.errors.ParserError, EOFError, OSError) as exc:
        raise RawLayoutError(f"{path}: not a readable CSV ({exc})") from exc
    require_columns(frame, expected, path)
    short = short_lines(path, kwargs.get("encoding") or "utf-8")
    if short:
        raise RawLayoutError(
            f"{path}: line(s) {', '.join(map(str, short[:5]))} have fewer fields than the header "
            "(a truncated file?)"
        )
    return frame


def _open_text(path: Path, encoding: str):
    name = path.name.lower()
    if name.endswith(".gz"):
        return gzip.open(path, "rt", encoding=encoding, newline="")
    if name.endswith(".bz2"):
        return bz2.open(path, "rt", encoding=encoding, newline="")
    return open(path, encoding=encoding, newline="")


def short_lines(path: Path, encoding: str = "utf-8") -> list[int]:
    """1-based numbers of the records after the header with fewer fields than the header (a short
    last line is what a cut download leaves; pandas would fill it with blanks)."""
    with _open_text(path, encoding) as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            return []
        width = len(header)
        return [reader.line_num for row in reader if row and len(row) < width]


def raw_file(path: Path, vintage: str, rows: int, folder=None) -> RawFile:
    """Catalog record of a raw file; its name is relative to the raw root (``<source>/<file>``),
    where ``folder`` is the source's folder (a :class:`drugflows.paths.RawFolder` or a path;
    default: the file's own folder)."""
    if hasattr(folder, "layer_of"):
        folder = folder.layer_of(path)
    folder = folder or path.parent
    return RawFile(
        name=str(path.relative_to(folder.parent)), sha256=sha256_file(path), vintage=vintage, rows=rows
    )


def read_excel(path: Path, expected: Iterable[str], **kwargs) -> pd.DataFrame:
    """``pd.read_excel`` with clear errors for corrupt workbooks and missing sheets or columns."""
    try:
        frame = pd.read_excel(path, **kwargs)
    except (ValueError, KeyError, OSError, Exception) as exc:  # zipfile.BadZipFile, openpyxl errors
        raise RawLayoutError(f"{path}: not a readable Excel workbook ({type(exc).__name__}: {exc})") from exc
    require_columns(frame, expected, path)
    return frame


def one_file(folder, pattern: str) -> Path:
    """The newest-named file matching ``pattern`` in ``folder`` (any layer, names matched
    case-insensitively); FileNotFoundError if none."""
    matches = sorted(folder.glob(pattern), key=lambda p: p.name.lower())
    if not matches:
        raise FileNotFoundError(f"{folder}: no file matching {pattern!r}")
    return matches[-1]


def layout_error(path: Path, problem: str) -> RawLayoutError:
    """The error a loader raises for a raw file it cannot use: the file, then the problem."""
    return RawLayoutError(f"{path}: {problem}")


def line_numbers(mask: pd.Series, limit: int = 5) -> str:
    """File line numbers (the header is line 1) of the rows where ``mask`` holds, e.g. "3, 9 and 2 more"."""
    lines = [str(i + 2) for i in mask[mask].index[:limit]]
    more = int(mask.sum()) - len(lines)
    return ", ".join(lines) + (f" and {more} more" if more > 0 else "")
