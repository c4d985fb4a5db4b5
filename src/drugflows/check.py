"""``drugflows data check``: every processed table against its catalog entry (the schema).

Checked: the file is there and loads; columns and types are the catalog's; the row count matches;
key columns identify rows uniquely; amounts that cannot be negative are not; ISO3 codes are ones
the resolver knows (or listed aggregate codes such as WLD); years are plausible.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from drugflows import countries, paths, tables

YEAR_RANGE = (1900, 2100)


def check_table(meta: tables.TableMeta, processed_dir: Path) -> list[str]:
    """Problems found in one table (empty if none)."""
    path = processed_dir / meta.file
    if not path.exists():
        return [f"{path}: missing (run `drugflows data build`)"]
    try:
        frame = tables.load(meta.name, processed_dir)
    except Exception as exc:  # noqa: BLE001 - any failure to read is the finding
        return [f"{path}: cannot be read ({type(exc).__name__}: {exc})"]
    problems = []
    columns = [c for c in frame.columns if c != "geometry"]
    if columns != list(meta.columns):
        problems.append(f"columns {columns} differ from the catalog's {list(meta.columns)}")
    for column, kind in meta.columns.items():
        expected = tables.PANDAS_DTYPES[kind].split("[")[0]  # any datetime64 unit will do
        if column in frame and not str(frame[column].dtype).startswith(expected):
            problems.append(f"column {column!r} is {frame[column].dtype}, catalog says {kind}")
    if len(frame) != meta.rows:
        problems.append(f"{len(frame)} rows, catalog says {meta.rows}")
    if meta.key:
        duplicated = frame.duplicated(meta.key, keep=False)
        if duplicated.any():
            example = frame.loc[duplicated, meta.key].head(2).to_dict("records")
            problems.append(f"{int(duplicated.sum())} rows share a key {meta.key}, e.g. {example}")
    for column in meta.non_negative:
        negative = frame[column] < 0
        if negative.any():
            problems.append(f"{int(negative.sum())} negative values in {column!r}")
    if "iso3" in frame:
        unknown = sorted(
            code
            for code in set(frame["iso3"].dropna()) - countries.known_codes()
            if not countries.is_aggregate(code)
        )  # e.g. WLD for world totals
        if unknown:
            problems.append(f"unknown ISO3 codes: {unknown[:10]}")
    for column in ("year", "fiscal_year"):
        if column in frame:
            years = pd.to_numeric(frame[column], errors="coerce").dropna()
            outside = sorted(set(years[~years.between(*YEAR_RANGE)]))
            if outside:
                problems.append(f"{column} outside {YEAR_RANGE}: {outside[:5]}")
    return [f"{meta.name}: {p}" for p in problems]


def check_all(processed_dir: Path | None = None) -> dict[str, list[str]]:
    """Problems by table name, for every table of the catalog."""
    processed_dir = processed_dir or paths.PROCESSED_DIR
    return {
        name: check_table(meta, processed_dir) for name, meta in tables.read_catalog(processed_dir).items()
    }
