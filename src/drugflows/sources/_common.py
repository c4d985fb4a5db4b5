"""Helpers shared by the loaders: reading raw files with errors that name the file."""

from __future__ import annotations

import bz2
import csv
import gzip
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from drugflows import paths
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


#: What one raw CSV may hold once decompressed (bytes; the largest real one, SESNSP's, is 133 MB),
#: and the longest field (characters; the csv module's own limit). README: what a build refuses.
MAX_DECOMPRESSED_BYTES = 2**30
MAX_FIELD_CHARS = 131_072


class _Capped(io.RawIOBase):
    """A binary stream that stops with RawLayoutError past ``limit`` bytes (a gzip or bzip2 bomb)."""

    def __init__(self, stream, path: Path, limit: int) -> None:
        self.stream, self.path, self.limit, self.count = stream, path, limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.stream.read(len(buffer))
        self.count += len(data)
        if self.count > self.limit:
            raise layout_error(
                self.path,
                f"more than {self.limit:,} bytes once decompressed (the cap on a raw file); not read",
            )
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.stream.close()
        super().close()


@dataclass
class FieldCounts:
    """Records after the header with fewer or more fields than the header (1-based line numbers)."""

    short: list[int]
    long: list[int]
    width: int


def field_counts(path: Path, encoding: str = "utf-8", *, header: bool = True) -> FieldCounts:
    """One streaming pass over a raw CSV before pandas reads it: RawLayoutError naming the file and
    line for a field longer than :data:`MAX_FIELD_CHARS`, a NUL byte, or more than
    :data:`MAX_DECOMPRESSED_BYTES` once decompressed; else the records whose field count differs
    from the first line's (undecodable bytes are left to the reader that follows, which names them)."""
    size = path.stat().st_size
    if size > paths.MAX_RAW_BYTES:
        raise layout_error(path, f"{size:,} bytes, more than the {paths.MAX_RAW_BYTES:,} a raw file may have")
    name = path.name.lower()
    opener = gzip.open if name.endswith(".gz") else bz2.open if name.endswith(".bz2") else None
    binary = _Capped(opener(path, "rb"), path, MAX_DECOMPRESSED_BYTES) if opener else open(path, "rb")
    previous = csv.field_size_limit(MAX_FIELD_CHARS)
    short, long, width = [], [], 0
    try:
        with io.TextIOWrapper(
            io.BufferedReader(binary) if opener else binary, encoding=encoding, errors="replace", newline=""
        ) as handle:
            reader = csv.reader(handle)
            try:
                first = next(reader, None)
                if first is None:
                    return FieldCounts([], [], 0)
                width = len(first)
                for row in reader:
                    if row and len(row) < width:
                        short.append(reader.line_num)
                    elif len(row) > width:
                        long.append(reader.line_num)
            except csv.Error as exc:
                problem = (
                    f"a field longer than {MAX_FIELD_CHARS:,} characters (the cap on one field)"
                    if "field limit" in str(exc)
                    else str(exc)
                )
                raise layout_error(path, f"line {max(reader.line_num, 1)}: {problem}; not read") from None
            except (EOFError, OSError, ValueError) as exc:
                if isinstance(exc, RawLayoutError):
                    raise
                raise layout_error(path, f"not a readable CSV ({exc})") from None
    finally:
        csv.field_size_limit(previous)
    return FieldCounts(short, long, width)


def check_field_counts(path: Path, counts: FieldCounts) -> None:
    """RawLayoutError for records with fewer fields than the header (a truncated file) or more."""
    if counts.short:
        raise layout_error(
            path,
            f"line(s) {', '.join(map(str, counts.short[:5]))} have fewer fields than the header "
            "(a truncated file?)",
        )
    if counts.long:
        raise layout_error(
            path,
            f"line(s) {', '.join(map(str, counts.long[:5]))} have more fields than the header's "
            f"{counts.width} (a comma in an unquoted value?)",
        )


def read_csv(path: Path, expected: Iterable[str], **kwargs) -> pd.DataFrame:
    """``pd.read_csv`` with clear errors for empty, undecodable, unparseable, truncated or
    oversized files (see :func:`field_counts`)."""
    counts = field_counts(path, kwargs.get("encoding") or "utf-8")
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
    if kwargs.get("header", "infer") is None:
        counts.long = []  # no header: the first line is data, and pandas reads every width
    check_field_counts(path, counts)
    return frame


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
