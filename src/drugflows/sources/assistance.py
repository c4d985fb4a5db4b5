"""US foreign assistance: counter-narcotics money by country and fiscal year, from four publications.

- USAID Greenbook (US Overseas Loans and Grants): obligations by funding account, FY1946-FY2020;
  the counter-narcotics accounts are kept (INCLE, Andean Counterdrug Initiative, DoD counter-drug,
  DEA). Constant 2020 dollars.
- ForeignAssistance.gov country summary: all sectors, four transaction types, FY1946-FY2025.
- ForeignAssistance.gov USG sector summary, Counter-Narcotics sector only, FY2001-FY2025.

Not yet loaded: the State Department budget justification tables (``../shared/data/state_cbj``),
whose 270 non-country operating units need their own classification.

Regions and world totals are kept (``is_aggregate``) but have no ISO3. Amounts can be negative
(de-obligations). Obligations are lumpy: they record when money is obligated, not spent.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from drugflows import countries, paths
from drugflows.sources import RawLayoutError
from drugflows.sources._common import raw_file, read_csv, read_excel
from drugflows.tables import TableMeta

SOURCE = "foreign_assistance"
TABLE = "us_assistance"
GREENBOOK_FILE = "us_foreignaid_greenbook.xlsx"
COUNTRY_FILE = "us_foreign_aid_country.csv"
SECTOR_FILE = "us_foreign_aid_usg_sector_counternarcotics.csv"

#: Greenbook funding accounts that are counter-narcotics money.
COUNTERNARCOTICS_ACCOUNTS = (
    "International Narcotics Control and Law Enforcement",
    "Andean Counterdrug Initiative, Department of State",
    "Drug Interdiction and Counter-Drug Activities, Defense",
    "Interagency Drug Enforcement, Drug Enforcement Administration",
    "Salaries and Expenses, Drug Enforcement Administration",
)
TRANSACTION_TYPES = {"Obligations": "obligations", "Disbursements": "disbursements",
                     "Appropriated and Planned": "appropriated_and_planned",
                     "President's Budget Requests": "request"}
PROCESSED = {"iso3": "str", "recipient": "str", "is_aggregate": "bool", "fiscal_year": "int",
             "source": "str", "agency": "str", "account_or_sector": "str",
             "transaction_type": "str", "usd_current": "float", "usd_constant": "float",
             "constant_base_year": "int_or_missing"}


def _fiscal_year(values: pd.Series, path: Path) -> tuple[pd.Series, pd.Series]:
    """Integer fiscal years, and a mask of the 1976 transition quarter rows (dropped)."""
    text = values.astype(str).str.strip()
    transition = text.str.contains(r"tq|\.9$", case=False, regex=True)
    years = pd.to_numeric(text.str[:4], errors="coerce")
    if years[~transition].isna().any():
        raise RawLayoutError(f"{path}: Fiscal Year not a year: "
                             f"{text[years.isna() & ~transition].unique()[:5].tolist()}")
    return years, transition


def _recipients(frame: pd.DataFrame, name: str, code: str | None, path: Path) -> pd.DataFrame:
    names = frame[name].astype(str).str.strip()
    iso3 = (countries.codes_to_iso3(frame[code], names, str(path)) if code
            else countries.to_iso3(names, str(path)))
    keys = frame[code].fillna("") if code else names
    return frame.assign(recipient=names, iso3=iso3,
                        is_aggregate=names.map(countries.is_aggregate) | keys.map(
                            countries.is_aggregate))


def greenbook(folder: Path) -> pd.DataFrame:
    path = folder / GREENBOOK_FILE
    frame = read_excel(path, ["Fiscal Year", "Country", "Funding Agency", "Funding Account Name",
                              "Obligations (Historical Dollars)", "Obligations (Constant Dollars)"],
                       header=6, dtype={"Fiscal Year": str})
    frame = frame[frame["Funding Account Name"].isin(COUNTERNARCOTICS_ACCOUNTS)].copy()
    frame["fiscal_year"], transition = _fiscal_year(frame["Fiscal Year"], path)
    frame = _recipients(frame[~transition], "Country", None, path)
    grouped = frame.groupby(["iso3", "recipient", "is_aggregate", "fiscal_year", "Funding Agency",
                             "Funding Account Name"], dropna=False, as_index=False)[
        ["Obligations (Historical Dollars)", "Obligations (Constant Dollars)"]].sum()
    return pd.DataFrame({
        "iso3": grouped["iso3"], "recipient": grouped["recipient"],
        "is_aggregate": grouped["is_aggregate"], "fiscal_year": grouped["fiscal_year"],
        "source": "USAID Greenbook", "agency": grouped["Funding Agency"],
        "account_or_sector": grouped["Funding Account Name"], "transaction_type": "obligations",
        "usd_current": grouped["Obligations (Historical Dollars)"],
        "usd_constant": grouped["Obligations (Constant Dollars)"], "constant_base_year": 2020})


def fa_gov(folder: Path, file: str, sector: str | None) -> pd.DataFrame:
    """ForeignAssistance.gov country summary (sector None: all sectors) or sector summary."""
    path = folder / file
    expected = ["Country Code", "Country Name", "Transaction Type Name", "Fiscal Year",
                "current_amount", "constant_amount"]
    frame = read_csv(path, expected + (["US Sector Name"] if sector else []),
                     dtype={"Fiscal Year": str, "Country Code": str})
    if sector:
        frame = frame[frame["US Sector Name"] == sector]
    unknown = sorted(set(frame["Transaction Type Name"]) - set(TRANSACTION_TYPES))
    if unknown:
        raise RawLayoutError(f"{path}: unknown Transaction Type Name {unknown}")
    frame["fiscal_year"], transition = _fiscal_year(frame["Fiscal Year"], path)
    frame = _recipients(frame[~transition].copy(), "Country Name", "Country Code", path)
    kind = frame["Transaction Type Name"].map(TRANSACTION_TYPES)
    # Constant dollars: FY2023 base for obligations and disbursements; for planned and requested
    # amounts the sector file uses FY2022 (see foreign_assistance/SOURCE.md).
    base = 2023 if not sector else kind.map(lambda k: 2023 if k in ("obligations",
                                                                      "disbursements") else 2022)
    return pd.DataFrame({
        "iso3": frame["iso3"], "recipient": frame["recipient"],
        "is_aggregate": frame["is_aggregate"], "fiscal_year": frame["fiscal_year"],
        "source": f"ForeignAssistance.gov {'USG sector' if sector else 'country'} summary",
        "agency": "All agencies", "account_or_sector": sector or "All sectors",
        "transaction_type": kind, "usd_current": frame["current_amount"].astype("float64"),
        "usd_constant": frame["constant_amount"].astype("float64"), "constant_base_year": base})


def build(raw: str | Path | None = None) -> tuple[pd.DataFrame, TableMeta]:
    """``us_assistance``: one row per recipient, fiscal year, source, account/sector, type."""
    folder = paths.raw_source_dir(SOURCE, raw)
    parts = [greenbook(folder), fa_gov(folder, COUNTRY_FILE, None),
             fa_gov(folder, SECTOR_FILE, "Counter-Narcotics")]
    table = pd.concat(parts, ignore_index=True)[list(PROCESSED)]
    table["constant_base_year"] = table["constant_base_year"].astype("Int64")
    table = table.sort_values(["source", "recipient", "fiscal_year", "account_or_sector",
                               "transaction_type"], ignore_index=True)
    counts = [len(p) for p in parts]
    meta = TableMeta(
        name=TABLE, title="US assistance by recipient and fiscal year: counter-narcotics accounts "
                          "and sectors, and all assistance",
        raw_source=SOURCE,
        source="USAID Greenbook; ForeignAssistance.gov",
        source_url="https://foreignassistance.gov/data",
        vintage="Greenbook Aug 2022; ForeignAssistance.gov early 2025",
        coverage=f"FY{table['fiscal_year'].min()}-FY{table['fiscal_year'].max()}",
        columns=PROCESSED,
        raw_files=[raw_file(folder / GREENBOOK_FILE, "FY1946-FY2020", counts[0]),
                   raw_file(folder / COUNTRY_FILE, "early 2025", counts[1]),
                   raw_file(folder / SECTOR_FILE, "early 2025", counts[2])],
        format="parquet",
        notes="Never add sources together: they overlap. Greenbook counter-narcotics accounts are "
              "obligations in constant 2020 $; Plan Colombia FY2002-FY2008 is under the Andean "
              "Counterdrug Initiative. The ForeignAssistance.gov Counter-Narcotics sector misses "
              "most of Mexico's Merida funding and nearly vanishes in FY2018-FY2020. The 1976 "
              "transition quarter is left out.",
        key=["source", "recipient", "fiscal_year", "agency", "account_or_sector",
             "transaction_type"])
    return table, meta
