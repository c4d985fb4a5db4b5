"""``drugflows data check``: every processed table against its catalog entry (the schema).

Checked: the file is there and loads; columns and types are the catalog's; the row count matches;
key columns identify rows uniquely; numbers are finite; whole-number columns hold whole numbers
that fit in 64 bits; amounts that cannot be negative are not; no month, year or fiscal year lies
after the vintage of the files the table was built from; ISO3 codes are ones the resolver knows
(or listed aggregate codes such as WLD); INEGI state codes are Mexico's 32; a ``state`` key column
holds USPS codes of ``drugflows.states`` (or its listed extra codes: US, YC, XX); years are plausible.

A build runs the same checks (:func:`check_frame`) on every table before it writes anything.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from drugflows import countries, inegi, paths, states, tables
from drugflows.fiscal import fiscal_year_of

YEAR_RANGE = (1900, 2100)
INT64 = (-(2**63), 2**63 - 1)
_DATE_VINTAGE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_FY_VINTAGE = re.compile(r"^FY(\d{4})$")


def vintage_limit(vintage: str) -> pd.Timestamp | int | None:
    """The last month a vintage label allows (``2026-04``, ``2026-03-03``), or the last fiscal
    year (``FY2025``, an int); None for labels that are not a date (``WDR 2024``)."""
    if match := _DATE_VINTAGE.match(vintage or ""):
        return pd.Timestamp(year=int(match[1]), month=int(match[2]), day=1)
    if match := _FY_VINTAGE.match(vintage or ""):
        return int(match[1])
    return None


def _after_vintage(frame: pd.DataFrame, meta: tables.TableMeta) -> list[str]:
    """Rows dated after the vintage: per row where the table has a ``vintage`` column, else
    against the newest dated vintage of its raw files."""
    problems = []
    if "vintage" in frame and "month" in frame:
        limits = pd.to_datetime(frame["vintage"], format="%Y-%m", errors="coerce")
        month = pd.to_datetime(frame["month"])
        late = month > limits
        if late.any():
            row = frame[late].iloc[0]
            problems.append(
                f"{int(late.sum())} rows dated after their file's vintage, e.g. month "
                f"{pd.Timestamp(row['month']):%Y-%m} in vintage {row['vintage']}"
            )
        if "fiscal_year" in frame:
            late = pd.to_numeric(frame["fiscal_year"], errors="coerce") > fiscal_year_of(limits)
            if late.any():
                problems.append(f"{int(late.sum())} rows with a fiscal year after their file's vintage")
        return problems
    # The table's own vintage; the raw files' only when every one of them is a date (a table
    # built from files of several kinds, some undated, is bounded by nothing it cannot prove).
    limits = [vintage_limit(r.vintage) for r in meta.raw_files]
    limits = [vintage_limit(meta.vintage)] + (limits if None not in limits else [])
    months = [v for v in limits if isinstance(v, pd.Timestamp)]
    fiscal = [v for v in limits if isinstance(v, int)]
    if months:
        last = max(months)
        if "month" in frame:
            late = pd.to_datetime(frame["month"]) > last
            if late.any():
                problems.append(f"{int(late.sum())} rows with a month after the vintage {last:%Y-%m}")
        for column, limit in (
            ("year", last.year),
            ("fiscal_year", int(fiscal_year_of(pd.Series([last]))[0])),
        ):
            if column in frame:
                late = pd.to_numeric(frame[column], errors="coerce") > limit
                if late.any():
                    problems.append(f"{int(late.sum())} rows with {column} after the vintage {last:%Y-%m}")
    if fiscal and "fiscal_year" in frame:
        late = pd.to_numeric(frame["fiscal_year"], errors="coerce") > max(fiscal)
        if late.any():
            problems.append(f"{int(late.sum())} rows with fiscal_year after the vintage FY{max(fiscal)}")
    return problems


def _numbers(frame: pd.DataFrame, meta: tables.TableMeta) -> list[str]:
    problems = []
    for column, kind in meta.columns.items():
        if column not in frame or kind not in ("int", "int_or_missing", "float"):
            continue
        values = pd.to_numeric(frame[column], errors="coerce").astype("float64")
        not_numbers = values.isna() & frame[column].notna()
        if not_numbers.any():
            problems.append(f"{int(not_numbers.sum())} values in {column!r} are not numbers")
        infinite = np.isinf(values)
        if infinite.any():
            problems.append(f"{int(infinite.sum())} infinite values in {column!r}")
        if kind == "float":
            continue
        if kind == "int" and frame[column].isna().any():
            problems.append(
                f"{int(frame[column].isna().sum())} missing values in whole-number column {column!r}"
            )
        finite = values[np.isfinite(values)]
        fraction = finite != finite.round()
        if fraction.any():
            problems.append(f"{int(fraction.sum())} values in {column!r} are not whole numbers")
        too_big = (finite < INT64[0]) | (finite > INT64[1])
        if too_big.any():
            problems.append(f"{int(too_big.sum())} values in {column!r} do not fit a 64-bit integer")
    return problems


def check_frame(frame: pd.DataFrame, meta: tables.TableMeta) -> list[str]:
    """Problems of one table's rows against its catalog entry (empty if none); no file needed."""
    problems = []
    missing = [c for c in meta.columns if c not in frame.columns]
    if missing:
        return [f"{meta.name}: columns {missing} of the catalog are missing"]
    problems += _numbers(frame, meta)
    if meta.key:
        duplicated = frame.duplicated(meta.key, keep=False)
        if duplicated.any():
            example = frame.loc[duplicated, meta.key].head(2).to_dict("records")
            problems.append(f"{int(duplicated.sum())} rows share a key {meta.key}, e.g. {example}")
    for column in meta.non_negative:
        negative = pd.to_numeric(frame[column], errors="coerce") < 0
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
    if "inegi_state_code" in frame:
        unknown = sorted(set(frame["inegi_state_code"].dropna()) - inegi.known_codes())
        if unknown:
            problems.append(f"unknown INEGI state codes: {unknown[:10]}")
    if "state" in frame and "state" in meta.key:  # a key column named state holds state codes
        unknown = sorted(set(frame["state"].dropna()) - states.known_codes())
        if unknown:
            problems.append(f"unknown state codes: {unknown[:10]}")
    for column in ("year", "fiscal_year"):
        if column in frame:
            years = pd.to_numeric(frame[column], errors="coerce").dropna()
            outside = sorted(set(years[~years.between(*YEAR_RANGE)]))
            if outside:
                problems.append(f"{column} outside {YEAR_RANGE}: {outside[:5]}")
    problems += _after_vintage(frame, meta)
    problems += _after_today(frame)
    return [f"{meta.name}: {p}" for p in problems]


def _after_today(frame: pd.DataFrame, today: pd.Timestamp | None = None) -> list[str]:
    """Months after this month or fiscal years after the current one: no file can have counted
    them (a typo such as "2099 (FYTD)" would otherwise become the file's vintage)."""
    today = today or pd.Timestamp.today()
    problems = []
    if "month" in frame and pd.api.types.is_datetime64_any_dtype(frame["month"]):
        late = frame["month"] > today.to_period("M").to_timestamp()
        if late.any():
            latest = frame.loc[late, "month"].max()
            problems.append(f"{int(late.sum())} rows with a month after today, e.g. {latest:%Y-%m}")
    if "fiscal_year" in frame:
        current_fy = today.year + (1 if today.month >= 10 else 0)
        years = pd.to_numeric(frame["fiscal_year"], errors="coerce")
        late = years > current_fy
        if late.any():
            problems.append(f"{int(late.sum())} rows with a fiscal year after the current FY{current_fy}")
    return problems


def check_table(meta: tables.TableMeta, processed_dir: Path) -> list[str]:
    """Problems found in one table file (empty if none)."""
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
    return [f"{meta.name}: {p}" for p in problems] + check_frame(frame, meta)


def check_all(processed_dir: Path | None = None) -> dict[str, list[str]]:
    """Problems by table name, for every table of the catalog."""
    processed_dir = processed_dir or paths.PROCESSED_DIR
    return {
        name: check_table(meta, processed_dir) for name, meta in tables.read_catalog(processed_dir).items()
    }
