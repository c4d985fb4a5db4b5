"""DEA NFLIS-Drug: drug reports identified by forensic laboratories, by state and half-year (DQS export).

NFLIS counts drug *reports* (substances identified in seized items), not weights. Labs report late:
the last two years on file are incomplete.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from drugflows import paths
from drugflows.sources import RawLayoutError
from drugflows.sources._common import one_file, raw_file, read_csv
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


def build(raw: str | Path | None = None) -> tuple[pd.DataFrame, TableMeta]:
    """``nflis_reports``: reports by state, year, half (1 = Jan-Jun, 2 = Jul-Dec) and substance."""
    path = one_file(paths.raw_source_dir(SOURCE, raw), "NFLIS_Drug_DQS_*.csv")
    frame = read_csv(path, COLUMNS, dtype=str, keep_default_na=False)
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
