"""U.S. Customs and Border Protection drug seizure statistics (monthly, by area of responsibility).

Raw layout (``../shared/data/cbp_drug_seizures/SOURCE.md``): one row per fiscal year, month,
component, region, land filter, area of responsibility and drug type, with ``Count of Event`` and
``Sum Qty (lbs)``. Every file covers a rolling window of fiscal years; the year in progress is
written ``2026 (FYTD)``. Empty cells are left out, so a missing row means no seizure recorded.

Vintages are combined month by month: for every calendar month, the rows come from the newest file
that covers it (a file's vintage is the last month it holds). Closed years are identical across
vintages; fiscal-year-to-date months are revised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from drugflows import paths
from drugflows.fiscal import FISCAL_MONTHS, calendar_month
from drugflows.periods import month_runs
from drugflows.sources import RawLayoutError
from drugflows.sources._common import check_field_counts, field_counts, layout_error, line_numbers, raw_file
from drugflows.tables import TableMeta

NATIONWIDE_SOURCE = "cbp_drug_seizures"
NATIONWIDE_TABLE = "cbp_seizures_monthly"
AMO_SOURCE = "cbp_amo_drug_seizures"
AMO_TABLE = "amo_seizures_monthly"
AMO_URL = "https://www.cbp.gov/document/stats/amo-drug-seizures"
PUBLISHER = "U.S. Customs and Border Protection, Drug Seizure Statistics"
NATIONWIDE_URL = "https://www.cbp.gov/document/stats/nationwide-drug-seizures"

LBS_TO_KG = 0.45359237

#: Raw column -> processed column, for the nationwide (OFO and USBP) files.
NATIONWIDE_COLUMNS = {
    "FY": "fy_raw",
    "Month (abbv)": "month_abbr",
    "Component": "component",
    "Region": "region",
    "Land Filter": "land_filter",
    "Area of Responsibility": "aor",
    "Drug Type": "drug",
    "Count of Event": "events",
    "Sum Qty (lbs)": "lbs",
}

#: Raw column -> processed column, for the Air and Marine Operations files.
AMO_COLUMNS = {
    "FY": "fy_raw",
    "Month (abbv)": "month_abbr",
    "Component": "component",
    "Region": "region",
    "Land Filter": "land_filter",
    "Branch": "branch",
    "Drug Type": "drug",
    "Count of Event": "events",
    "Sum Qty (lbs)": "lbs",
}

#: Short codes for CBP's components; a value not listed here is kept as published.
#: The ``component`` codes: CBP's Office of Field Operations (ports of entry), the U.S. Border
#: Patrol (between the ports) and Air and Marine Operations.
OFO, USBP, AMO = "OFO", "USBP", "AMO"
COMPONENT_CODES = {
    "Office of Field Operations": OFO,
    "U.S. Border Patrol": USBP,
    "Air and Marine Operations": AMO,
}
COMPONENT_LABELS = {
    OFO: "Ports of entry (OFO)",
    USBP: "Between ports (USBP)",
    AMO: "Air and Marine Operations (AMO)",
}

AMO_PROCESSED_COLUMNS = {
    "month": "month",
    "fiscal_year": "int",
    "fytd": "bool",
    "branch": "str",
    "region": "str",
    "land_filter": "str",
    "drug": "str",
    "events": "int",
    "lbs": "float",
    "kg": "float",
    "vintage": "str",
}

PROCESSED_COLUMNS = {
    "month": "month",
    "fiscal_year": "int",
    "fytd": "bool",
    "component": "str",
    "region": "str",
    "land_filter": "str",
    "aor": "str",
    "drug": "str",
    "events": "int",
    "lbs": "float",
    "kg": "float",
    "vintage": "str",
}

_FY_PATTERN = re.compile(r"^(\d{4})( \(FYTD\))?$")


@dataclass(frozen=True)
class SeizureFile:
    """One raw CBP file, parsed and checked."""

    path: Path
    frame: pd.DataFrame
    vintage: pd.Timestamp  # last month the file covers

    @property
    def vintage_label(self) -> str:
        return f"{self.vintage:%Y-%m}"


def read_seizure_file(path: str | Path, columns: dict[str, str] = NATIONWIDE_COLUMNS) -> SeizureFile:
    """Parse one CBP seizure CSV into tidy rows; raise RawLayoutError naming the file and problem."""
    path = Path(path)
    counts = field_counts(path)  # the caps on size and field length, before pandas reads it
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise layout_error(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except pd.errors.EmptyDataError as exc:
        raise layout_error(path, "the file is empty") from exc
    except pd.errors.ParserError as exc:
        raise layout_error(path, f"not a readable CSV ({exc})") from exc

    missing = [c for c in columns if c not in raw.columns]
    unexpected = [c for c in raw.columns if c not in columns]
    if missing:
        raise layout_error(
            path,
            f"missing column(s) {missing}; unexpected column(s) {unexpected}. "
            f"Expected the CBP layout: {list(columns)}",
        )
    if raw.empty:
        raise layout_error(path, "no data rows under the header")
    check_field_counts(path, counts)
    frame = raw[list(columns)].rename(columns=columns)
    frame = frame.apply(lambda s: s.str.strip())

    fy = frame["fy_raw"].str.extract(_FY_PATTERN)
    bad = fy[0].isna()
    if bad.any():
        raise layout_error(
            path, f"FY must look like 2023 or '2026 (FYTD)'; bad value on line(s) {line_numbers(bad)}"
        )
    frame["fiscal_year"] = fy[0].astype("int64")
    frame["fytd"] = fy[1].notna()

    frame["month_abbr"] = frame["month_abbr"].str.upper()
    bad = ~frame["month_abbr"].isin(FISCAL_MONTHS)
    if bad.any():
        raise layout_error(
            path, f"Month (abbv) must be one of {list(FISCAL_MONTHS)}; line(s) {line_numbers(bad)}"
        )

    for column, label in (("events", "Count of Event"), ("lbs", "Sum Qty (lbs)")):
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna()
        if bad.any():
            raise layout_error(path, f"{label} is not a number on line(s) {line_numbers(bad)}")
        bad = values < 0
        if bad.any():
            raise layout_error(path, f"{label} is negative on line(s) {line_numbers(bad)}")
        frame[column] = values
    bad = frame["events"] != frame["events"].round()
    if bad.any():
        raise layout_error(path, f"Count of Event is not a whole number on line(s) {line_numbers(bad)}")
    bad = frame["events"] > 2**63 - 1  # astype would wrap it round to a negative count
    if bad.any():
        raise layout_error(
            path, f"Count of Event is too large for a 64-bit whole number on line(s) {line_numbers(bad)}"
        )
    frame["events"] = frame["events"].astype("int64")

    key = [c for c in frame.columns if c not in ("fy_raw", "fytd", "events", "lbs")]
    dup = frame.duplicated(subset=key, keep="first")
    if dup.any():
        raise layout_error(
            path,
            "duplicated rows (same FY, month, component, region, place and drug) on line(s) "
            f"{line_numbers(dup)}",
        )

    frame["month"] = [
        calendar_month(y, m) for y, m in zip(frame["fiscal_year"], frame["month_abbr"], strict=True)
    ]
    frame["component"] = frame["component"].replace(COMPONENT_CODES)
    frame["drug"] = frame["drug"].str.rstrip("*")  # "Other Drugs**": footnote mark of CBP's web page
    frame = frame.drop(columns=["fy_raw", "month_abbr"])
    return SeizureFile(path=path, frame=frame, vintage=frame["month"].max())


def _same_rows(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    columns = sorted(a.columns)
    a = a[columns].sort_values(columns, ignore_index=True)
    b = b[columns].sort_values(columns, ignore_index=True)
    return a.equals(b)


def combine_vintages(files: list[SeizureFile], source: str = NATIONWIDE_SOURCE) -> pd.DataFrame:
    """Union of the files, each calendar month taken whole from the newest file that covers it.

    Newest means the latest vintage written in the file (its last month covered), never the file
    name. Two files of the same vintage must agree on the months they share: which one is right
    cannot be told, so the build is refused. Which months came from which file is recorded for
    the build's account (:func:`drugflows.paths.note`).
    """
    taken: dict[pd.Timestamp, SeizureFile] = {}
    parts = []
    for f in sorted(files, key=lambda f: (f.vintage, str(f.path)), reverse=True):
        months = set(f.frame["month"].unique())
        for month in sorted(months & set(taken)):
            other = taken[month]
            if other.vintage == f.vintage and not _same_rows(
                f.frame[f.frame["month"] == month], other.frame[other.frame["month"] == month]
            ):
                raise RawLayoutError(
                    f"{f.path} and {other.path}: both have vintage {f.vintage_label} but different "
                    f"numbers for {month:%Y-%m}; which is newer cannot be told from the files. "
                    "Keep only the one CBP published last."
                )
        new = months - set(taken)
        part = f.frame[f.frame["month"].isin(new)].assign(vintage=f.vintage_label)
        taken.update(dict.fromkeys(new, f))
        parts.append(part)
        replaced = months - new
        text = f"{f.path.name} (vintage {f.vintage_label}): "
        text += f"months {month_runs(new)} taken" if new else "no month taken"
        if replaced:
            text += f"; {month_runs(replaced)} from newer files"
        paths.note(source, text)
    return pd.concat(parts, ignore_index=True)


def seizure_files(folder) -> list[Path]:
    """The CSV files (``.csv`` in any case) of a raw folder, every layer; FileNotFoundError if none."""
    files = folder.glob("*.csv")
    if not files:
        raise FileNotFoundError(f"{folder}: no .csv files (expected CBP seizure files)")
    return files


def _build(
    source: str, raw: str | Path | None, columns: dict[str, str], processed: dict[str, str], place: str
) -> tuple[pd.DataFrame, list[SeizureFile]]:
    folder = paths.raw_source_dir(source, raw)
    files = [read_seizure_file(p, columns) for p in seizure_files(folder)]
    table = combine_vintages(files, source)
    # CBP converts from other units and writes up to 16 decimals; 6 decimals keep it to a milligram.
    table["lbs"] = table["lbs"].round(6)
    table["kg"] = (table["lbs"] * LBS_TO_KG).round(6)
    keys = ["month", "component", "region", "land_filter", place, "drug"]
    table = table.sort_values([k for k in keys if k in table], ignore_index=True)[list(processed)]
    return table, files


def _meta(
    name: str,
    title: str,
    source: str,
    url: str,
    table: pd.DataFrame,
    files: list[SeizureFile],
    columns: dict[str, str],
    notes: str,
) -> TableMeta:
    used = table["vintage"].value_counts()
    return TableMeta(
        name=name,
        title=title,
        raw_source=source,
        source=PUBLISHER,
        source_url=url,
        vintage=max(f.vintage_label for f in files),
        coverage=f"{table['month'].min():%Y-%m} to {table['month'].max():%Y-%m}",
        columns=columns,
        raw_files=[raw_file(f.path, f.vintage_label, int(used.get(f.vintage_label, 0))) for f in files],
        notes=notes,
        key=[
            c
            for c in ("month", "component", "region", "land_filter", "aor", "branch", "drug")
            if c in columns
        ],
        non_negative=["events", "lbs", "kg"],
    )


_NOTES = (
    "Pounds as published (Sum Qty (lbs), rounded to 6 decimals); kg = lbs x 0.45359237. "
    "Months of the fiscal year in progress are flagged fytd and may be revised by the next "
    "vintage."
)


def build_nationwide(raw: str | Path | None = None) -> tuple[pd.DataFrame, TableMeta]:
    """Build ``cbp_seizures_monthly`` from every nationwide file in the raw folder.

    Returns the table (one row per month, component, region, land filter, AOR and drug; pounds and
    kilograms seized, seizure events) and its catalog entry.
    """
    table, files = _build(NATIONWIDE_SOURCE, raw, NATIONWIDE_COLUMNS, PROCESSED_COLUMNS, "aor")
    return table, _meta(
        NATIONWIDE_TABLE,
        "CBP drug seizures by month, component, area of responsibility and drug (OFO and USBP)",
        NATIONWIDE_SOURCE,
        NATIONWIDE_URL,
        table,
        files,
        PROCESSED_COLUMNS,
        _NOTES,
    )


def build_amo(raw: str | Path | None = None) -> tuple[pd.DataFrame, TableMeta]:
    """Build ``amo_seizures_monthly``: CBP Air and Marine Operations seizures by month, branch, drug."""
    table, files = _build(AMO_SOURCE, raw, AMO_COLUMNS, AMO_PROCESSED_COLUMNS, "branch")
    return table, _meta(
        AMO_TABLE,
        "CBP Air and Marine Operations drug seizures by month, branch and drug",
        AMO_SOURCE,
        AMO_URL,
        table,
        files,
        AMO_PROCESSED_COLUMNS,
        _NOTES + " AMO's Land Filter values are Land/Other (OFO/USBP: Land Only/Other).",
    )
