"""US drug overdose deaths: CDC/NCHS provisional counts (VSRR), NCHS death rates (Health, United
States) and the CDC WONDER rate series published by Our World in Data (``us_overdose_deaths``, to
2018-2020); and the fentanyl era from ``cdc_overdose_recent`` (VSRR by state to 2026, deaths by
specific drug, CDC WONDER monthly deaths by state): see the section below ``build``.

Drug categories overlap (a death can involve several drugs): never add drugs together. Synthetic
opioids other than methadone (T40.4) are mostly illicit fentanyl; psychostimulants with abuse
potential (T43.6) are mostly methamphetamine.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from drugflows import paths, states
from drugflows.sources import RawLayoutError
from drugflows.sources._common import line_numbers, raw_file, read_csv
from drugflows.tables import TableMeta

TABLE = "us_overdose_deaths"
VSRR_FILE = "VSRR_Provisional_Drug_Overdose_Death_Counts.csv"
NCHS_FILE = "CDC_drug_overdose_deaths_raw_data.csv"
WONDER_FILE = "Drug overdose deaths in the US (CDC WONDER).csv"
#: The ``source`` of the CDC WONDER rows of ``us_overdose_deaths`` (age-adjusted rates by drug).
WONDER_SERIES = "CDC WONDER via Our World in Data"
PROCESSED = {
    "period": "str",
    "period_type": "str",
    "geography": "str",
    "drug": "str",
    "measure": "str",
    "value": "float",
    "source": "str",
}

#: Harmonised drug names, shared by the three sources.
VSRR_DRUGS = {
    "Number of Drug Overdose Deaths": "all_drugs",
    "Opioids (T40.0-T40.4,T40.6)": "any_opioid",
    "Heroin (T40.1)": "heroin",
    "Synthetic opioids, excl. methadone (T40.4)": "synthetic_opioids",
    "Natural & semi-synthetic opioids (T40.2)": "natural_semisynthetic_opioids",
    "Methadone (T40.3)": "methadone",
    "Cocaine (T40.5)": "cocaine",
    "Psychostimulants with abuse potential (T43.6)": "psychostimulants",
}
NCHS_DRUGS = {
    "All drug overdose deaths": "all_drugs",
    "Drug overdose deaths involving any opioid": "any_opioid",
    "Drug overdose deaths involving heroin": "heroin",
    "Drug overdose deaths involving other synthetic opioids (other than methadone)": "synthetic_opioids",
    "Drug overdose deaths involving natural and semisynthetic opioids": "natural_semisynthetic_opioids",
    "Drug overdose deaths involving methadone": "methadone",
}
NCHS_UNITS = {
    "Deaths per 100,000 resident population, age-adjusted": "rate_age_adjusted",
    "Deaths per 100,000 resident population, crude": "rate_crude",
}
WONDER_DRUGS = {
    "Total Overdose Deaths (CDC WONDER (2017))": "all_drugs",
    "Any Opioids (CDC WONDER (2017))": "any_opioid",
    "Heroin (CDC WONDER (2017))": "heroin",
    "Synthetic Opioids other than Methadone (CDC WONDER (2017))": "synthetic_opioids",
    "Opioid Pain Relievers (CDC WONDER (2017))": "opioid_pain_relievers",
    "Cocaine (CDC WONDER (2017))": "cocaine",
    "Psychostimulants death rates (US CDC WONDER)": "psychostimulants",
    "Benzodiazepines (CDC WONDER (2017))": "benzodiazepines",
    "Antidepressants death rates (US CDC WONDER)": "antidepressants",
}
MONTHS = {
    m: i
    for i, m in enumerate(
        (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
        1,
    )
}


def vsrr(folder: Path) -> pd.DataFrame:
    """12-month-ending death counts, reported and predicted, by state (US = national)."""
    path = folder / VSRR_FILE
    frame = read_csv(path, ["State", "Year", "Month", "Period", "Indicator", "Data Value", "Predicted Value"])
    frame = frame[frame["Indicator"].isin(list(VSRR_DRUGS))]
    month = frame["Month"].map(MONTHS)
    if month.isna().any():
        raise RawLayoutError(f"{path}: unknown Month {frame.loc[month.isna(), 'Month'].unique()}")
    period = frame["Year"].astype(str) + "-" + month.astype(int).astype(str).str.zfill(2)
    parts = []
    for column, measure in (("Data Value", "count"), ("Predicted Value", "count_predicted")):
        parts.append(
            pd.DataFrame(
                {
                    "period": period,
                    "period_type": "12 months ending",
                    "geography": frame["State"],
                    "drug": frame["Indicator"].map(VSRR_DRUGS),
                    "measure": measure,
                    "value": pd.to_numeric(frame[column], errors="coerce"),
                    "source": "CDC/NCHS VSRR provisional counts (July 2019 release)",
                }
            )
        )
    return pd.concat(parts, ignore_index=True).dropna(subset=["value"])


def nchs(folder: Path) -> pd.DataFrame:
    """National death rates per 100,000 by drug, all persons (age-adjusted and crude)."""
    path = folder / NCHS_FILE
    frame = read_csv(path, ["PANEL", "UNIT", "STUB_NAME", "YEAR", "ESTIMATE"], index_col=0)
    frame = frame[(frame["STUB_NAME"] == "Total") & frame["PANEL"].isin(list(NCHS_DRUGS))]
    return pd.DataFrame(
        {
            "period": frame["YEAR"].astype(str),
            "period_type": "year",
            "geography": "US",
            "drug": frame["PANEL"].map(NCHS_DRUGS),
            "measure": frame["UNIT"].map(NCHS_UNITS),
            "value": frame["ESTIMATE"],
            "source": "CDC/NCHS Health, United States: drug overdose death rates",
        }
    ).dropna(subset=["value", "measure"])


def wonder(folder: Path) -> pd.DataFrame:
    """CDC WONDER age-adjusted death rates by drug, 1999-2020 (via Our World in Data)."""
    path = folder / WONDER_FILE
    frame = read_csv(path, ["Entity", "Year", *WONDER_DRUGS])
    long = frame.melt(
        id_vars=["Year"], value_vars=list(WONDER_DRUGS), var_name="column", value_name="value"
    ).dropna(subset=["value"])
    return pd.DataFrame(
        {
            "period": long["Year"].astype(str),
            "period_type": "year",
            "geography": "US",
            "drug": long["column"].map(WONDER_DRUGS),
            "measure": "rate_age_adjusted",
            "value": long["value"],
            "source": WONDER_SERIES,
        }
    )


def build(raw: str | Path | None = None) -> tuple[pd.DataFrame, TableMeta]:
    """``us_overdose_deaths``: counts and rates by period, geography and drug, three sources."""
    cdc_folder = paths.raw_source_dir("cdc_overdose", raw)
    owid_folder = paths.raw_source_dir("owid_drugs", raw)
    parts = [vsrr(cdc_folder), nchs(cdc_folder), wonder(owid_folder)]
    table = pd.concat(parts, ignore_index=True)[list(PROCESSED)]
    table = table.sort_values(["source", "geography", "drug", "measure", "period"], ignore_index=True)
    meta = TableMeta(
        name=TABLE,
        title="US drug overdose deaths by drug: counts and rates",
        raw_source="cdc_overdose, owid_drugs",
        source="CDC/NCHS (VSRR provisional counts; Health, United States); CDC WONDER via OWID",
        source_url="https://www.cdc.gov/nchs/nvss/vsrr/drug-overdose-data.htm",
        vintage="VSRR July 2019; NCHS 1999-2018; WONDER 1999-2020",
        coverage="1999-2020 (rates), 2015-01 to 2018-11 (counts)",
        columns=PROCESSED,
        raw_files=[
            raw_file(cdc_folder / VSRR_FILE, "2019-07", len(parts[0])),
            raw_file(cdc_folder / NCHS_FILE, "1999-2018", len(parts[1])),
            raw_file(owid_folder / WONDER_FILE, "1999-2020", len(parts[2])),
        ],
        format="parquet",
        notes="Drugs overlap: never add them. Counts are 12-month sums ending in the month. Rates "
        "per 100,000. The newest counts here end in November 2018 (no later file on hand); "
        "the fentanyl era after 2020 is not covered.",
        key=["source", "period", "geography", "drug", "measure"],
        non_negative=["value"],
    )
    return table, meta


# --- the fentanyl era: ../shared/data/cdc_overdose_recent/ ---------------------------------------
#
# Three tables from one folder of CDC/NCHS files, each file recognised by its header (never by its
# name), so a later release of the same layout is taken without code changes:
#
# - ``overdose_deaths_12m_by_drug``: "Provisional drug overdose death counts for specific drugs"
#   (data.cdc.gov 8hzs-zshh), drugs found in the death certificates' literal text;
# - ``overdose_deaths_12m_by_state``: VSRR provisional counts (xkb8-kh2a) as the Socrata API serves
#   them or as the portal's CSV download names them, by ICD-10 multiple-cause code (T40.4 and
#   whatever other indicator a file holds);
# - ``overdose_deaths_monthly_by_state``: CDC WONDER deaths in the calendar month by state, final
#   (Multiple Cause of Death) and provisional (Provisional Mortality Statistics) kept apart.
#
# Releases are combined period by period: each period (and indicator or status) is taken from the
# newest file that has it, newest by the release written in the file (its as-of date, or its last
# month), never by the file name. Two files of one release that differ are refused. The build
# says which periods came from which file and how many of them the newer release revised.

RECENT_SOURCE = "cdc_overdose_recent"
BY_DRUG_TABLE = "overdose_deaths_12m_by_drug"
BY_STATE_TABLE = "overdose_deaths_12m_by_state"
MONTHLY_TABLE = "overdose_deaths_monthly_by_state"
PUBLISHER = "CDC / National Center for Health Statistics"
TWELVE_MONTHS = "12 month-ending"
#: The ``method`` of a row: how the drug was identified on the death certificate.
LITERAL_TEXT = "death-certificate literal text"
ICD10 = "ICD-10 multiple cause code"
PROVISIONAL, FINAL = "provisional", "final"

#: Raw header of each layout this module reads (the columns it needs; others are allowed).
SPECIFIC_DRUGS_COLUMNS = (
    "data_as_of",
    "death_year",
    "death_month",
    "jurisdiction_occurrence",
    "drug_involved",
    "time_period",
    "month_ending_date",
    "drug_overdose_deaths",
    "footnote",
)
VSRR_API_COLUMNS = (
    "state",
    "year",
    "month",
    "period",
    "indicator",
    "percent_complete",
    "percent_pending_investigation",
    "state_name",
    "footnote",
    "footnote_symbol",
    "data_value",
    "predicted_value",
)
#: The same dataset as the data.cdc.gov portal's CSV download names its columns (the 2019 release
#: in ../shared/data/cdc_overdose/ has this layout): portal name -> API name.
VSRR_PORTAL_NAMES = {
    "State": "state",
    "Year": "year",
    "Month": "month",
    "Period": "period",
    "Indicator": "indicator",
    "Data Value": "data_value",
    "Percent Complete": "percent_complete",
    "Percent Pending Investigation": "percent_pending_investigation",
    "State Name": "state_name",
    "Footnote": "footnote",
    "Footnote Symbol": "footnote_symbol",
    "Predicted Value": "predicted_value",
}
WONDER_FINAL_COLUMNS = (
    "Notes",
    "Year",
    "Year Code",
    "Month",
    "Month Code",
    "State",
    "State Code",
    "Multiple Cause of death",
    "Multiple Cause of death Code",
    "Deaths",
)
#: WONDER's Provisional Mortality Statistics name the state by residence.
WONDER_PROVISIONAL_COLUMNS = tuple(
    {"State": "Residence State", "State Code": "Residence State Code"}.get(c, c) for c in WONDER_FINAL_COLUMNS
)
LAYOUTS = {
    "specific drugs (8hzs-zshh)": SPECIFIC_DRUGS_COLUMNS,
    "VSRR provisional counts, API export (xkb8-kh2a)": VSRR_API_COLUMNS,
    "VSRR provisional counts, portal download (xkb8-kh2a)": tuple(VSRR_PORTAL_NAMES),
    "CDC WONDER Multiple Cause of Death (final)": WONDER_FINAL_COLUMNS,
    "CDC WONDER Provisional Mortality Statistics": WONDER_PROVISIONAL_COLUMNS,
}

BY_DRUG_COLUMNS = {
    "month": "month",
    "jurisdiction": "str",
    "drug": "str",
    "deaths_12m": "int_or_missing",
    "footnote": "str",
    "status": "str",
    "method": "str",
    "data_as_of": "str",
}
BY_STATE_COLUMNS = {
    "month": "month",
    "state": "str",
    "state_name": "str",
    "indicator": "str",
    "deaths_12m": "int_or_missing",
    "deaths_12m_predicted": "int_or_missing",
    "percent_complete": "float",
    "percent_pending_investigation": "float",
    "footnote": "str",
    "status": "str",
    "method": "str",
    "vintage": "str",
}
MONTHLY_COLUMNS = {
    "month": "month",
    "state": "str",
    "state_fips": "str",
    "state_name": "str",
    "cause_code": "str",
    "cause": "str",
    "deaths": "int",
    "status": "str",
    "partial_year": "bool",
    "method": "str",
    "vintage": "str",
}


def _header(path: Path) -> list[str]:
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return next(csv.reader(handle), [])
    except UnicodeDecodeError as exc:
        raise RawLayoutError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def _layout(path: Path) -> str:
    """The layout of a raw file, by its header; RawLayoutError naming the file and the columns
    missing from the nearest layout if it is none of them."""
    header = _header(path)
    if not header:
        raise RawLayoutError(f"{path}: the file is empty")
    missing = {name: [c for c in columns if c not in header] for name, columns in LAYOUTS.items()}
    name = min(missing, key=lambda n: (len(missing[n]), list(LAYOUTS).index(n)))
    if missing[name]:
        unexpected = [c for c in header if c not in LAYOUTS[name]]
        raise RawLayoutError(
            f"{path}: missing column(s) {missing[name]}; unexpected column(s) {unexpected}. "
            f"Expected the layout of {name}: {list(LAYOUTS[name])}"
        )
    return name


def _files_of(folder, layouts: tuple[str, ...]) -> list[tuple[Path, str]]:
    """The CSV files of the folder in one of ``layouts`` (every file's layout is checked)."""
    found = [(p, _layout(p)) for p in folder.glob("*.csv")]
    found = [(p, layout) for p, layout in found if layout in layouts]
    if not found:
        raise FileNotFoundError(f"{folder}: no CSV file in the layout of {' or '.join(layouts)}")
    return found


def _counts(path: Path, frame: pd.DataFrame, column: str) -> pd.Series:
    """Whole non-negative counts of a text column (empty: missing); RawLayoutError otherwise."""
    text = frame[column].str.strip()
    values = pd.to_numeric(text.where(text != ""), errors="coerce")
    bad = (values.isna() & (text != "")) | (values < 0) | (values.notna() & (values != values.round()))
    if bad.any():
        raise RawLayoutError(
            f"{path}: {column} is not a whole number of deaths >= 0 on line(s) {line_numbers(bad)}"
        )
    return values.astype("Int64")


def _refuse_duplicates(path: Path, frame: pd.DataFrame, key: list[str], what: str) -> None:
    dup = frame.duplicated(key, keep="first")
    if dup.any():
        raise RawLayoutError(f"{path}: duplicated rows (same {what}) on line(s) {line_numbers(dup)}")


@dataclass(frozen=True)
class Release:
    """One raw file parsed: its rows and its release (sortable text: a date or a last month)."""

    path: Path
    frame: pd.DataFrame
    release: str


def _signature(frame: pd.DataFrame, unit: list[str]) -> dict[tuple, list]:
    """Per unit, its rows as sorted text tuples (what two releases are compared on)."""
    return {
        key if isinstance(key, tuple) else (key,): sorted(map(tuple, group.astype(str).values.tolist()))
        for key, group in frame.groupby(unit, sort=False)
    }


def combine_releases(
    files: list[Release], unit: list[str], label: str
) -> tuple[pd.DataFrame, dict[Path, int], list[str], int]:
    """Union of the files, each ``unit`` (e.g. indicator and month) taken whole from the newest
    release that has it (newest by the release written in the file, not by the file name).

    Returns the rows (with a ``release`` column), the rows taken from each file, one line per file
    saying what it gave and how many of its units the newer releases revised, and the number of
    units revised in all. Two files of one release that differ on a unit are refused."""
    taken: dict[tuple, Release] = {}
    signatures: dict[Path, dict[tuple, list]] = {}
    parts, used, lines, revised_all = [], {}, [], 0
    for f in sorted(files, key=lambda f: (f.release, str(f.path)), reverse=True):
        signatures[f.path] = _signature(f.frame, unit)
        units = set(signatures[f.path])
        shared = units & set(taken)
        revised = 0
        for key in sorted(shared):
            other = taken[key]
            if signatures[f.path][key] != signatures[other.path][key]:
                if other.release == f.release:
                    raise RawLayoutError(
                        f"{f.path} and {other.path}: both are the release of {f.release} but differ "
                        f"for {dict(zip(unit, map(str, key), strict=True))}; which is newer cannot be "
                        "told from the files. Keep only the one CDC published last."
                    )
                revised += 1
        new = units - shared
        keys = pd.MultiIndex.from_frame(f.frame[unit])
        part = f.frame[keys.isin(list(new))].assign(release=f.release)
        taken.update(dict.fromkeys(new, f))
        parts.append(part)
        used[f.path] = len(part)
        what = "/".join(unit)
        text = f"{f.path.name} ({label} {f.release}): {len(new):,} periods ({what}) taken, {len(part):,} rows"
        if shared:
            text += f"; {len(shared):,} from newer releases, which revised {revised:,} of them"
        lines.append(text)
        revised_all += revised
        paths.note(RECENT_SOURCE, text)
    return pd.concat(parts, ignore_index=True), used, lines, revised_all


def _releases_text(files: list[Release], revised: int) -> str:
    """What ``data list`` shows of the releases: how many, and how many periods were revised."""
    if len(files) < 2:
        return "1 release on file"
    return f"{len(files)} releases on file; periods revised by a newer release: {revised:,}"


def _raw_files(files: list[Release], used: dict[Path, int], folder) -> list:
    return [
        raw_file(f.path, f.release, used[f.path], folder) for f in sorted(files, key=lambda f: str(f.path))
    ]


# --- specific drugs (literal text) ---------------------------------------------------------------


def read_specific_drugs(path: Path) -> Release:
    """One "specific drugs" file: 12-month-ending deaths by jurisdiction and drug."""
    frame = read_csv(path, SPECIFIC_DRUGS_COLUMNS, dtype=str, keep_default_na=False, encoding="utf-8")
    frame = frame.apply(lambda s: s.str.strip())
    as_of = pd.to_datetime(frame["data_as_of"], format="%m/%d/%Y", errors="coerce")
    if as_of.isna().any() or as_of.nunique() != 1:
        raise RawLayoutError(
            f"{path}: data_as_of must be one date (MM/DD/YYYY) on every row, found "
            f"{sorted(frame['data_as_of'].unique())[:3]}"
        )
    bad = frame["time_period"] != TWELVE_MONTHS
    if bad.any():
        raise RawLayoutError(f"{path}: time_period must be {TWELVE_MONTHS!r}; line(s) {line_numbers(bad)}")
    ending = pd.to_datetime(frame["month_ending_date"], format="%m/%d/%Y", errors="coerce")
    year = pd.to_numeric(frame["death_year"], errors="coerce")
    month_number = pd.to_numeric(frame["death_month"], errors="coerce")
    bad = (
        ending.isna() | (ending.dt.year != year) | (ending.dt.month != month_number) | ~ending.dt.is_month_end
    )
    if bad.any():
        raise RawLayoutError(
            f"{path}: month_ending_date must be the last day (MM/DD/YYYY) of death_year/death_month; "
            f"line(s) {line_numbers(bad)}"
        )
    table = pd.DataFrame(
        {
            "month": ending.dt.to_period("M").dt.to_timestamp(),
            "jurisdiction": frame["jurisdiction_occurrence"],
            "drug": frame["drug_involved"],
            "deaths_12m": _counts(path, frame, "drug_overdose_deaths"),
            "footnote": frame["footnote"],
            "status": PROVISIONAL,
            "method": LITERAL_TEXT,
        }
    )
    bad = (table["jurisdiction"] == "") | (table["drug"] == "")
    if bad.any():
        raise RawLayoutError(
            f"{path}: empty jurisdiction_occurrence or drug_involved on line(s) {line_numbers(bad)}"
        )
    _refuse_duplicates(path, table, ["month", "jurisdiction", "drug"], "month, jurisdiction and drug")
    return Release(path, table, f"{as_of.iloc[0]:%Y-%m-%d}")


def build_by_drug(raw: str | Path | None = None) -> tuple[pd.DataFrame, TableMeta]:
    """``overdose_deaths_12m_by_drug``: 12-month-ending deaths by drug, US and HHS regions."""
    folder = paths.raw_source_dir(RECENT_SOURCE, raw)
    files = [read_specific_drugs(p) for p, _ in _files_of(folder, ("specific drugs (8hzs-zshh)",))]
    table, used, lines, revised = combine_releases(files, ["month"], "data as of")
    table = table.rename(columns={"release": "data_as_of"})
    table = table.sort_values(["jurisdiction", "drug", "month"], ignore_index=True)[list(BY_DRUG_COLUMNS)]
    table["deaths_12m"] = table["deaths_12m"].astype("Int64")
    vintage = max(f.release for f in files)
    meta = TableMeta(
        name=BY_DRUG_TABLE,
        title="US drug overdose deaths by specific drug, 12 months ending each month (provisional)",
        raw_source=RECENT_SOURCE,
        source=f"{PUBLISHER}, Provisional drug overdose death counts for specific drugs",
        source_url="https://data.cdc.gov/d/8hzs-zshh",
        vintage=vintage,
        coverage=f"12 months ending {table['month'].min():%Y-%m} to {table['month'].max():%Y-%m}; "
        f"{table['jurisdiction'].nunique()} jurisdictions, {table['drug'].nunique()} drugs; "
        + _releases_text(files, revised),
        columns=BY_DRUG_COLUMNS,
        raw_files=_raw_files(files, used, folder),
        notes="Deaths in the 12 months ending in the month, provisional, with the drug found in the "
        "death certificate's literal text (not the ICD-10 T-codes of VSRR): Fentanyl here is close "
        "to, not the same as, T40.4. A death involving several drugs counts under each: never add "
        "drugs. Jurisdictions are the US and the 10 HHS regions (no states). deaths_12m is missing "
        "where CDC suppressed 1-9 deaths (footnote says so). No predicted values in this file. "
        + " ".join(lines),
        key=["jurisdiction", "drug", "month"],
        non_negative=["deaths_12m"],
    )
    return table, meta


# --- VSRR provisional counts by state (ICD-10 codes) ---------------------------------------------


def _numbers(path: Path, frame: pd.DataFrame, column: str) -> pd.Series:
    text = frame[column].str.strip()
    values = pd.to_numeric(text.where(text != ""), errors="coerce")
    bad = (values.isna() & (text != "")) | (values < 0)
    if bad.any():
        raise RawLayoutError(f"{path}: {column} is not a number >= 0 on line(s) {line_numbers(bad)}")
    return values.astype("float64")


#: VSRR indicators that are not drug overdose deaths (all-cause deaths; a percentage): the full
#: file has them, the table leaves them out and the build says so.
VSRR_NOT_DRUG_DEATHS = ("Number of Deaths", "Percent with drugs specified")


VSRR_LAYOUTS = (
    "VSRR provisional counts, API export (xkb8-kh2a)",
    "VSRR provisional counts, portal download (xkb8-kh2a)",
)


def read_vsrr(path: Path, layout: str = VSRR_LAYOUTS[0]) -> Release:
    """One VSRR file, as the data.cdc.gov API serves it (snake_case columns) or as the portal's
    CSV download names them; its release is its last 12-month-ending month (the file states no
    as-of date). The portal writes ``99.5+`` for a percent complete of 99.5 or more: read as 99.5."""
    portal = layout == VSRR_LAYOUTS[1]
    expected = tuple(VSRR_PORTAL_NAMES) if portal else VSRR_API_COLUMNS
    frame = read_csv(path, expected, dtype=str, keep_default_na=False, encoding="utf-8")
    frame = frame.rename(columns=VSRR_PORTAL_NAMES) if portal else frame
    frame = frame.apply(lambda s: s.str.strip())
    frame["percent_complete"] = frame["percent_complete"].str.removesuffix("+")
    other = frame["indicator"].isin(VSRR_NOT_DRUG_DEATHS)
    if other.any():
        paths.note(
            RECENT_SOURCE,
            f"{path.name}: {int(other.sum()):,} rows of {sorted(frame.loc[other, 'indicator'].unique())} "
            "left out (not drug overdose death counts)",
        )
        frame = frame[~other].reset_index(drop=True)
        if frame.empty:
            raise RawLayoutError(f"{path}: no drug overdose death indicator in the file")
    bad = frame["period"] != TWELVE_MONTHS
    if bad.any():
        raise RawLayoutError(f"{path}: period must be {TWELVE_MONTHS!r}; line(s) {line_numbers(bad)}")
    month_number = frame["month"].map(MONTHS)
    year = pd.to_numeric(frame["year"], errors="coerce")
    bad = month_number.isna() | year.isna()
    if bad.any():
        raise RawLayoutError(
            f"{path}: year must be a year and month an English month name; line(s) {line_numbers(bad)}"
        )
    unknown = ~frame["state"].isin(states.known_codes())
    if unknown.any():
        raise RawLayoutError(
            f"{path}: unknown state code(s) {sorted(frame.loc[unknown, 'state'].unique())[:5]} on "
            f"line(s) {line_numbers(unknown)}"
        )
    bad = frame["indicator"] == ""
    if bad.any():
        raise RawLayoutError(f"{path}: empty indicator on line(s) {line_numbers(bad)}")
    table = pd.DataFrame(
        {
            "month": pd.to_datetime({"year": year.astype(int), "month": month_number.astype(int), "day": 1}),
            "state": frame["state"],
            "state_name": frame["state_name"],
            "indicator": frame["indicator"],
            "deaths_12m": _counts(path, frame, "data_value"),
            "deaths_12m_predicted": _counts(path, frame, "predicted_value"),
            "percent_complete": _numbers(path, frame, "percent_complete"),
            "percent_pending_investigation": _numbers(path, frame, "percent_pending_investigation"),
            "footnote": frame["footnote"],
            "status": PROVISIONAL,
            "method": ICD10,
        }
    )
    _refuse_duplicates(path, table, ["indicator", "state", "month"], "indicator, state and month")
    return Release(path, table, f"{table['month'].max():%Y-%m}")


def build_by_state(raw: str | Path | None = None) -> tuple[pd.DataFrame, TableMeta]:
    """``overdose_deaths_12m_by_state``: VSRR 12-month-ending deaths by state and indicator."""
    folder = paths.raw_source_dir(RECENT_SOURCE, raw)
    files = [read_vsrr(p, layout) for p, layout in _files_of(folder, VSRR_LAYOUTS)]
    table, used, lines, revised = combine_releases(files, ["indicator", "month"], "ending")
    table = table.rename(columns={"release": "vintage"})
    table = table.sort_values(["indicator", "state", "month"], ignore_index=True)[list(BY_STATE_COLUMNS)]
    for column in ("deaths_12m", "deaths_12m_predicted"):
        table[column] = table[column].astype("Int64")
    meta = TableMeta(
        name=BY_STATE_TABLE,
        title="US drug overdose deaths by state and drug code, 12 months ending each month (VSRR)",
        raw_source=RECENT_SOURCE,
        source=f"{PUBLISHER}, VSRR Provisional Drug Overdose Death Counts",
        source_url="https://data.cdc.gov/NCHS/VSRR-Provisional-Drug-Overdose-Death-Counts/xkb8-kh2a",
        vintage=max(f.release for f in files),
        coverage=f"12 months ending {table['month'].min():%Y-%m} to {table['month'].max():%Y-%m}; "
        f"{table['state'].nunique()} jurisdictions; indicators: "
        f"{', '.join(sorted(table['indicator'].unique()))}; " + _releases_text(files, revised),
        columns=BY_STATE_COLUMNS,
        raw_files=_raw_files(files, used, folder),
        notes="Deaths in the 12 months ending in the month, provisional, by ICD-10 multiple-cause "
        "code (T40.4: synthetic opioids other than methadone, mostly fentanyl). deaths_12m is "
        "reported, deaths_12m_predicted adjusts for records still pending. US = national; YC = New "
        "York City, and NY is New York State without the city; Louisiana is not in the file on "
        "hand. Missing values: low data quality or 1-9 deaths suppressed (see footnote). The "
        "newest months are underreported and revised upward by later releases. " + " ".join(lines),
        key=["indicator", "state", "month"],
        non_negative=[
            "deaths_12m",
            "deaths_12m_predicted",
            "percent_complete",
            "percent_pending_investigation",
        ],
    )
    return table, meta


# --- CDC WONDER: deaths in the month by state ----------------------------------------------------

WONDER_MONTH = re.compile(r"^(\d{4})/(\d{2})$")


def read_wonder(path: Path, layout: str) -> Release:
    """One CDC WONDER export (CSV with a header, no footer): deaths by month and state for one
    multiple cause of death. Suppressed (1-9) and zero cells have no row in WONDER's exports."""
    provisional = layout == "CDC WONDER Provisional Mortality Statistics"
    columns = WONDER_PROVISIONAL_COLUMNS if provisional else WONDER_FINAL_COLUMNS
    frame = read_csv(path, columns, dtype=str, keep_default_na=False, encoding="utf-8")
    frame = frame.apply(lambda s: s.str.strip())
    state_name, state_code = columns[5], columns[6]
    bad = frame["Notes"] != ""
    if bad.any():
        raise RawLayoutError(
            f"{path}: rows with Notes (WONDER totals or footnotes) on line(s) {line_numbers(bad)}; "
            "export without totals"
        )
    parts = frame["Month Code"].str.extract(WONDER_MONTH)
    bad = (
        parts[0].isna()
        | (parts[0] != frame["Year Code"])
        | ~parts[1].isin([f"{m:02d}" for m in range(1, 13)])
    )
    if bad.any():
        raise RawLayoutError(
            f"{path}: Month Code must be YYYY/MM within Year Code; line(s) {line_numbers(bad)}"
        )
    state = frame[state_code].map(states.FIPS_TO_CODE)
    bad = state.isna()
    if bad.any():
        raise RawLayoutError(f"{path}: {state_code} is not a state FIPS code on line(s) {line_numbers(bad)}")
    deaths = _counts(path, frame, "Deaths")
    bad = deaths.isna()
    if bad.any():
        raise RawLayoutError(f"{path}: Deaths is empty on line(s) {line_numbers(bad)}")
    table = pd.DataFrame(
        {
            "month": pd.to_datetime(parts[0] + "-" + parts[1], format="%Y-%m"),
            "state": state,
            "state_fips": frame[state_code],
            "state_name": frame[state_name],
            "cause_code": frame["Multiple Cause of death Code"],
            "cause": frame["Multiple Cause of death"],
            "deaths": deaths.astype("int64"),
            "status": PROVISIONAL if provisional else FINAL,
            "partial_year": frame["Year"].str.contains("partial", case=False, regex=False),
            "method": ICD10,
        }
    )
    _refuse_duplicates(path, table, ["cause_code", "state", "month"], "cause, state and month")
    return Release(path, table, f"{table['month'].max():%Y-%m}")


def build_monthly(raw: str | Path | None = None) -> tuple[pd.DataFrame, TableMeta]:
    """``overdose_deaths_monthly_by_state``: CDC WONDER deaths in the month by state, final and
    provisional side by side (never spliced: ``status`` says which)."""
    folder = paths.raw_source_dir(RECENT_SOURCE, raw)
    layouts = ("CDC WONDER Multiple Cause of Death (final)", "CDC WONDER Provisional Mortality Statistics")
    files = [read_wonder(p, layout) for p, layout in _files_of(folder, layouts)]
    parts, used, lines, revised = [], {}, [], 0
    for status in (FINAL, PROVISIONAL):
        mine = [f for f in files if f.frame["status"].iat[0] == status]
        if mine:
            part, part_used, part_lines, part_revised = combine_releases(
                mine, ["status", "cause_code", "month"], f"{status}, to"
            )
            parts.append(part)
            used.update(part_used)
            lines += part_lines
            revised += part_revised
    table = pd.concat(parts, ignore_index=True).rename(columns={"release": "vintage"})
    table = table.sort_values(["status", "cause_code", "state", "month"], ignore_index=True)
    table = table[list(MONTHLY_COLUMNS)]
    coverage = "; ".join(
        f"{status} {group['month'].min():%Y-%m} to {group['month'].max():%Y-%m} "
        f"(states: {group['state'].nunique()})"
        for status, group in table.groupby("status")
    )
    meta = TableMeta(
        name=MONTHLY_TABLE,
        title="US drug overdose deaths in the month by state and cause code (CDC WONDER)",
        raw_source=RECENT_SOURCE,
        source=f"{PUBLISHER}, CDC WONDER (Multiple Cause of Death; Provisional Mortality Statistics)",
        source_url="https://wonder.cdc.gov/",
        vintage=max(f.release for f in files),
        coverage=f"{coverage}; cause codes {', '.join(sorted(table['cause_code'].unique()))}; "
        + _releases_text(files, revised),
        columns=MONTHLY_COLUMNS,
        raw_files=_raw_files(files, used, folder),
        notes="Deaths in the calendar month (not rolling sums) with the multiple cause of death "
        "code (T40.4: synthetic opioids other than methadone) and an underlying cause among "
        "WONDER's drug-induced causes. Final (Multiple Cause of Death) and provisional (Provisional "
        "Mortality Statistics, by residence state) rows overlap: filter on status, never add them. "
        "Cells of 1-9 deaths are suppressed and zero cells left out by WONDER: a missing row is "
        "0-9 deaths, so state sums fall short of the national total. " + " ".join(lines),
        key=["status", "cause_code", "state", "month"],
        non_negative=["deaths"],
    )
    return table, meta
