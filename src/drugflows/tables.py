"""The processed tables in ``data/processed/`` and their catalog.

Every table is a CSV file plus an entry in ``data/processed/catalog.json`` recording its title,
publisher, source URL, vintage, coverage, column types and the raw files (with sha256) it was built
from. Notebooks read tables only through :func:`load` (from $DRUGFLOWS_PROCESSED_DIR where set).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from drugflows import paths
from drugflows._io import atomic_path, atomic_write_text

CATALOG_NAME = "catalog.json"
#: Where set, a file to which :func:`info` (and so :func:`load`) appends the name of every table it
#: looks up, one a line. The runner sets it per report: its input key covers the tables a report read.
TABLE_LOG_ENV = "DRUGFLOWS_TABLE_LOG"


class CatalogError(ValueError):
    """A ``catalog.json`` that cannot be read or is not a catalog; the message names the file."""


#: Column types understood by :func:`load` and :func:`write`, and the pandas dtype of each.
PANDAS_DTYPES = {
    "str": "string",
    "int": "int64",
    "int_or_missing": "Int64",
    "float": "float64",
    "bool": "bool",
    "month": "datetime64[us]",
}
COLUMN_TYPES = set(PANDAS_DTYPES)


@dataclass(frozen=True)
class RawFile:
    """One raw file a table was built from."""

    name: str
    sha256: str
    vintage: str
    rows: int


@dataclass
class TableMeta:
    """What the catalog records for one processed table."""

    name: str
    title: str
    raw_source: str  # folder of the raw files: data/raw/<raw_source>/ or ../shared/data/<raw_source>/
    source: str
    source_url: str
    vintage: str
    coverage: str
    columns: dict[str, str]
    raw_files: list[RawFile] = field(default_factory=list)
    rows: int = 0
    notes: str = ""
    format: str = "csv"  # "csv" (small tables, readable diffs), "parquet" (large), "geojson" (maps)
    key: list[str] = field(default_factory=list)  # columns that identify a row (checked unique)
    non_negative: list[str] = field(default_factory=list)  # columns whose values must be >= 0

    @property
    def file(self) -> str:
        return f"{self.name}.{self.format}"

    def citation(self) -> str:
        """One line naming the publisher and the vintage, for figure source lines."""
        return f"{self.source}, vintage {self.vintage}"


def _catalog_path(processed_dir: Path) -> Path:
    return processed_dir / CATALOG_NAME


def read_catalog(processed_dir: Path | None = None) -> dict[str, TableMeta]:
    """All table entries of the catalog, by table name."""
    path = _catalog_path(processed_dir or paths.processed_dir())
    if not path.exists() and not path.is_symlink():
        return {}
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise CatalogError(
            f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
            "restore it with `git checkout data/processed/` or rebuild"
        ) from exc
    except RecursionError:
        raise CatalogError(
            f"{path}: nested too deeply to be a catalog (lists or objects inside each other past Python's "
            "limit); restore it with `git checkout data/processed/` or rebuild"
        ) from None
    if not isinstance(entries, dict):
        raise CatalogError(f"{path}: expected an object of table entries, got {type(entries).__name__}")
    catalog = {}
    for name, entry in entries.items():
        try:
            catalog[name] = TableMeta(**{**entry, "raw_files": [RawFile(**r) for r in entry["raw_files"]]})
        except (TypeError, KeyError) as exc:
            raise CatalogError(f"{path}: entry {name!r} is not a table entry ({exc})") from exc
    return catalog


def info(name: str, processed_dir: Path | None = None) -> TableMeta:
    """The catalog entry of table ``name``; KeyError lists the tables on file."""
    if log := os.environ.get(TABLE_LOG_ENV):
        with open(log, "a", encoding="utf-8") as file:
            file.write(name + "\n")
    catalog = read_catalog(processed_dir)
    if name not in catalog:
        known = ", ".join(sorted(catalog)) or "none"
        raise KeyError(f"No processed table {name!r}; tables on file: {known}")
    return catalog[name]


def load(name: str, processed_dir: Path | None = None) -> pd.DataFrame:
    """Read processed table ``name`` with the column types its catalog entry records."""
    processed_dir = processed_dir or paths.processed_dir()
    meta = info(name, processed_dir)
    if meta.format == "parquet":
        return pd.read_parquet(processed_dir / meta.file)
    if meta.format == "geojson":
        return read_geojson(processed_dir / meta.file, meta.columns)
    frame = pd.read_csv(
        processed_dir / meta.file,
        dtype={c: PANDAS_DTYPES[t] for c, t in meta.columns.items() if t != "month"},
        keep_default_na=False,
        na_values={c: [""] for c, t in meta.columns.items() if t != "str"},
    )
    for column, kind in meta.columns.items():
        if kind == "month":
            frame[column] = pd.to_datetime(frame[column], format="%Y-%m")
    return frame


def to_csv_text(frame: pd.DataFrame, columns: dict[str, str]) -> str:
    """The CSV text :func:`write` stores: columns in catalog order, months as YYYY-MM."""
    out = frame[list(columns)].copy()
    for column, kind in columns.items():
        if kind not in COLUMN_TYPES:
            raise ValueError(f"Unknown column type {kind!r} for column {column!r}")
        if kind == "month":
            out[column] = out[column].dt.strftime("%Y-%m")
    return out.to_csv(index=False, lineterminator="\n")


def write(frame: pd.DataFrame, meta: TableMeta, processed_dir: Path | None = None) -> Path:
    """Write one table's CSV atomically and set ``meta.rows``; the catalog is written separately."""
    meta.rows = len(frame)
    target = (processed_dir or paths.PROCESSED_DIR) / meta.file
    if meta.format == "parquet":
        with atomic_path(target) as tmp:
            typed(frame, meta.columns).to_parquet(tmp, index=False, compression="zstd")
    elif meta.format == "geojson":
        atomic_write_text(target, to_geojson_text(frame))
    else:
        atomic_write_text(target, to_csv_text(frame, meta.columns))
    return target


def typed(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """The columns in catalog order with the catalog's types (as :func:`load` returns them)."""
    return (
        frame[list(columns)].astype({c: PANDAS_DTYPES[k] for c, k in columns.items()}).reset_index(drop=True)
    )


def write_catalog(entries: dict[str, TableMeta], processed_dir: Path | None = None) -> Path:
    """Write the catalog atomically, tables in name order."""
    target = _catalog_path(processed_dir or paths.PROCESSED_DIR)
    text = json.dumps({k: asdict(v) for k, v in sorted(entries.items())}, indent=2) + "\n"
    atomic_write_text(target, text)
    return target


def to_geojson_text(table) -> str:
    """Deterministic GeoJSON text of a GeoDataFrame (sorted keys, the precision of its coordinates)."""
    data = json.loads(table.to_json(drop_id=True, to_wgs84=False))
    return json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n"


def read_geojson(path: Path, columns: dict[str, str]):
    """A GeoDataFrame of the GeoJSON file: ``columns`` (all text) in catalog order, then geometry."""
    import geopandas as gpd

    frame = gpd.read_file(path)
    frame = frame.astype({column: PANDAS_DTYPES[kind] for column, kind in columns.items()})
    return frame[[*columns, "geometry"]]
