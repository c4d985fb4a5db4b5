"""DEA NFLIS-Drug: drug reports identified by forensic laboratories, by state and half-year (DQS export).

NFLIS counts drug *reports* (substances identified in seized items), not weights. Labs report late:
the last two years on file are incomplete.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from drugflows import paths
from drugflows.sources import RawLayoutError
from drugflows.sources._common import raw_file, read_csv
from drugflows.tables import TableMeta

SOURCE = "dea_nflis"
TABLE = "nflis_reports"
COLUMNS = (
    "YYYY",
    "PERIOD",
    "DRUG_REPORTS",
    "QUERY_RUN_DATE",
    "SUBSTANCE_DESCRIPTION",
    "BASE_DESCRIPTION",
    "DRUG_CATEGORY_DESCRIPTION",
    "STATE",
    "STATE_LONG_NAME",
    "STATE_FIPS",
)
PROCESSED = {
    "state": "str",
    "state_name": "str",
    "year": "int",
    "half": "int",
    "substance": "str",
    "base": "str",
    "category": "str",
    "reports": "int",
}
HALVES = {"SA1 (JAN - JUN)": 1, "SA2 (JUL - DEC)": 2}


def _query_date(path: Path, frame: pd.DataFrame) -> str:
    dates = frame["QUERY_RUN_DATE"].str[:10].unique()
    if len(dates) != 1 or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(dates[0])):
        raise RawLayoutError(
            f"{path}: QUERY_RUN_DATE must be one date (YYYY-MM-DD...), found {list(dates[:3])}"
        )
    return str(dates[0])


def newest_extract(folder) -> tuple[Path, pd.DataFrame]:
    """The DQS extract with the latest QUERY_RUN_DATE written in it (never the newest file name);
    two extracts of the same date that differ are refused."""
    candidates = folder.glob("NFLIS_Drug_DQS_*.csv")
    if not candidates:
        raise FileNotFoundError(f"{folder}: no file matching 'NFLIS_Drug_DQS_*.csv'")
    read = [(p, read_csv(p, COLUMNS, dtype=str, keep_default_na=False)) for p in candidates]
    dated = sorted(((_query_date(p, f), p, f) for p, f in read), key=lambda t: t[0])
    date, path, frame = dated[-1]
    for other_date, other, other_frame in dated[:-1]:
        if other_date == date and not other_frame.equals(frame):
            raise RawLayoutError(
                f"{path} and {other}: both were queried on {date} but differ; keep only the later extract"
            )
    if len(dated) > 1:
        paths.note(SOURCE, f"{path.name} taken: query date {date}, the latest of {len(dated)} extracts")
    return path, frame


def build(raw: str | Path | None = None) -> tuple[pd.DataFrame, TableMeta]:
    """``nflis_reports``: reports by state, year, half (1 = Jan-Jun, 2 = Jul-Dec) and substance."""
    path, frame = newest_extract(paths.raw_source_dir(SOURCE, raw))
    half = frame["PERIOD"].map(HALVES)
    reports = pd.to_numeric(frame["DRUG_REPORTS"], errors="coerce")
    bad = half.isna() | reports.isna() | (reports < 0)
    if bad.any():
        rows = [int(i) + 2 for i in bad[bad].index[:5]]
        raise RawLayoutError(
            f"{path}: PERIOD must be one of {list(HALVES)} and DRUG_REPORTS a count >= 0; bad line(s) {rows}"
        )
    table = pd.DataFrame(
        {
            "state": frame["STATE"].str.strip(),
            "state_name": frame["STATE_LONG_NAME"].str.strip(),
            "year": frame["YYYY"].astype("int64"),
            "half": half.astype("int64"),
            "substance": frame["SUBSTANCE_DESCRIPTION"].str.strip(),
            "base": frame["BASE_DESCRIPTION"].str.strip(),
            "category": frame["DRUG_CATEGORY_DESCRIPTION"].str.strip(),
            "reports": reports.astype("int64"),
        }
    )
    key = ["state", "year", "half", "substance"]
    if table.duplicated(key).any():
        raise RawLayoutError(f"{path}: duplicated (state, year, half, substance) rows")
    table = table.sort_values(key, ignore_index=True)
    query_date = frame["QUERY_RUN_DATE"].iloc[0][:10]
    meta = TableMeta(
        name=TABLE,
        title="DEA NFLIS-Drug reports by state, half-year and substance",
        raw_source=SOURCE,
        source="U.S. Drug Enforcement Administration, NFLIS-Drug Data Query System",
        source_url="https://www.nflis.deadiversion.usdoj.gov/",
        vintage=query_date,
        coverage=f"{table['year'].min()}-{table['year'].max()}, categories: "
        f"{', '.join(sorted(table['category'].unique()))}",
        columns=PROCESSED,
        raw_files=[raw_file(path, query_date, len(table))],
        notes="Counts of drug reports (substances identified by forensic labs), not weights. "
        "The query covers only the fentanyl and fentanyl-related category. Labs report late: "
        "the last two years on file will rise in later extracts. State XX = unknown.",
        key=key,
        non_negative=["reports"],
    )
    return table, meta
