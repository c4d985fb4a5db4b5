"""US foreign assistance: counter-narcotics money by country and fiscal year, from four publications.

- USAID Greenbook (US Overseas Loans and Grants): obligations by funding account, FY1946-FY2020;
  the counter-narcotics accounts are kept (INCLE, Andean Counterdrug Initiative, DoD counter-drug,
  DEA). Constant 2020 dollars.
- ForeignAssistance.gov country summary: all sectors, four transaction types, FY1946-FY2025.
- ForeignAssistance.gov USG sector summary, Counter-Narcotics sector only, FY2001-FY2025.
- State Department Congressional Budget Justifications (as converted from PDF by CSIS): INCLE by
  operating unit, FY2008-FY2017, thousands of dollars; FY2016-FY2017 are requests.

Regions and world totals are kept (``is_aggregate``) but have no ISO3. Amounts can be negative
(de-obligations). Obligations are lumpy: they record when money is obligated, not spent.
"""

from __future__ import annotations

import re
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

#: Greenbook funding accounts that are counter-narcotics money, and the agency of each.
COUNTERNARCOTICS_ACCOUNTS = {
    "International Narcotics Control and Law Enforcement": "State",
    "Andean Counterdrug Initiative, Department of State": "State",
    "Drug Interdiction and Counter-Drug Activities, Defense": "Defense",
    "Interagency Drug Enforcement, Drug Enforcement Administration": "DEA",
    "Salaries and Expenses, Drug Enforcement Administration": "DEA",
}
#: The publishers the ``source`` column of ``us_assistance`` names.
GREENBOOK = "USAID Greenbook"
FA_SECTOR = "ForeignAssistance.gov USG sector summary"
FA_COUNTRY = "ForeignAssistance.gov country summary"
STATE_CBJ = "State Department CBJ"
#: The one sector of the ForeignAssistance.gov summary on file.
COUNTERNARCOTICS_SECTOR = "Counter-Narcotics"
#: The one account of the State CBJ tables on file.
CBJ_INCLE = "INCLE"
CBJ_SOURCE = "state_cbj"
#: CBJ operating units that are not countries: region subtotals, regional programs, bureaus,
#: multilateral funds. A unit whose name contains one of these words is kept apart (no ISO3), so
#: that e.g. "Inter-American Foundation" is not read as the United States.
CBJ_NON_COUNTRY_WORDS = (
    "regional",
    "region",
    "fund",
    "bank",
    "foundation",
    "initiative",
    "program",
    "office",
    "bureau",
    "affairs",
    "assistance",
    "corporation",
    "development",
    "union",
    "partnership",
    "multilateral",
    "mission",
    "facility",
    "commission",
    "agency",
    "institutions",
    "organizations",
    "usaid",
    "state ",
    "global",
    "total",
    "reserve",
    "earmarks",
    "funding",
    "expenses",
    "management",
    "coordinator",
    "representative",
    "security",
    "democracy",
    "counterterrorism",
    "nonproliferation",
    "evaluation",
    "health",
    "climate",
    "debt",
    "treasury",
    "rescissions",
    "peace corps",
    "millennium",
    "millenium",
    "trade",
    "force",
    "observers",
    "lab",
    "partners",
    "ambassador",
    "advisor",
    "migration",
    "stabilization",
    "learning",
    "science",
    "food",
    "growth",
    "arms",
    "cyber",
    "educational",
    "energy",
    "claims",
    "innovation",
    "trafficking",
    "programmed",
    "independent",
    "international",
    "special",
    "mena",
    "western hemisphere",
    "near east",
    "africa",
    "europe and eurasia",
    "east asia and pacific",
    "south and central asia",
    "eastern caribbean",
)
CBJ_NON_COUNTRY_WORDS = tuple(w.lower() for w in CBJ_NON_COUNTRY_WORDS)

TRANSACTION_TYPES = {
    "Obligations": "obligations",
    "Disbursements": "disbursements",
    "Appropriated and Planned": "appropriated_and_planned",
    "President's Budget Requests": "request",
}
PROCESSED = {
    "iso3": "str",
    "recipient": "str",
    "is_aggregate": "bool",
    "fiscal_year": "int",
    "source": "str",
    "agency": "str",
    "account_or_sector": "str",
    "transaction_type": "str",
    "usd_current": "float",
    "usd_constant": "float",
    "constant_base_year": "int_or_missing",
}


def _fiscal_year(values: pd.Series, path: Path) -> tuple[pd.Series, pd.Series]:
    """Integer fiscal years, and a mask of the 1976 transition quarter rows (dropped)."""
    text = values.astype(str).str.strip()
    transition = text.str.contains(r"tq|\.9$", case=False, regex=True)
    years = pd.to_numeric(text.str[:4], errors="coerce")
    if years[~transition].isna().any():
        raise RawLayoutError(
            f"{path}: Fiscal Year not a year: {text[years.isna() & ~transition].unique()[:5].tolist()}"
        )
    return years, transition


def _recipients(frame: pd.DataFrame, name: str, code: str | None, path: Path) -> pd.DataFrame:
    names = frame[name].astype(str).str.strip()
    iso3 = (
        countries.codes_to_iso3(frame[code], names, str(path))
        if code
        else countries.to_iso3(names, str(path))
    )
    keys = frame[code].fillna("") if code else names
    return frame.assign(
        recipient=names,
        iso3=iso3,
        is_aggregate=names.map(countries.is_aggregate) | keys.map(countries.is_aggregate),
    )


def greenbook(folder: Path) -> pd.DataFrame:
    path = folder / GREENBOOK_FILE
    frame = read_excel(
        path,
        [
            "Fiscal Year",
            "Country",
            "Funding Agency",
            "Funding Account Name",
            "Obligations (Historical Dollars)",
            "Obligations (Constant Dollars)",
        ],
        header=6,
        dtype={"Fiscal Year": str},
    )
    frame = frame[frame["Funding Account Name"].isin(COUNTERNARCOTICS_ACCOUNTS)].copy()
    frame["fiscal_year"], transition = _fiscal_year(frame["Fiscal Year"], path)
    frame = _recipients(frame[~transition], "Country", None, path)
    grouped = frame.groupby(
        ["iso3", "recipient", "is_aggregate", "fiscal_year", "Funding Agency", "Funding Account Name"],
        dropna=False,
        as_index=False,
    )[["Obligations (Historical Dollars)", "Obligations (Constant Dollars)"]].sum()
    return pd.DataFrame(
        {
            "iso3": grouped["iso3"],
            "recipient": grouped["recipient"],
            "is_aggregate": grouped["is_aggregate"],
            "fiscal_year": grouped["fiscal_year"],
            "source": GREENBOOK,
            "agency": grouped["Funding Agency"],
            "account_or_sector": grouped["Funding Account Name"],
            "transaction_type": "obligations",
            "usd_current": grouped["Obligations (Historical Dollars)"],
            "usd_constant": grouped["Obligations (Constant Dollars)"],
            "constant_base_year": 2020,
        }
    )


def fa_gov(folder: Path, file: str, sector: str | None) -> pd.DataFrame:
    """ForeignAssistance.gov country summary (sector None: all sectors) or sector summary."""
    path = folder / file
    expected = [
        "Country Code",
        "Country Name",
        "Transaction Type Name",
        "Fiscal Year",
        "current_amount",
        "constant_amount",
    ]
    frame = read_csv(
        path,
        expected + (["US Sector Name"] if sector else []),
        dtype={"Fiscal Year": str, "Country Code": str},
    )
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
    base = 2023 if not sector else kind.map(lambda k: 2023 if k in ("obligations", "disbursements") else 2022)
    return pd.DataFrame(
        {
            "iso3": frame["iso3"],
            "recipient": frame["recipient"],
            "is_aggregate": frame["is_aggregate"],
            "fiscal_year": frame["fiscal_year"],
            "source": FA_SECTOR if sector else FA_COUNTRY,
            "agency": "All agencies",
            "account_or_sector": sector or "All sectors",
            "transaction_type": kind,
            "usd_current": frame["current_amount"].astype("float64"),
            "usd_constant": frame["constant_amount"].astype("float64"),
            "constant_base_year": base,
        }
    )


def _cbj_rows(frame: pd.DataFrame, name_col: str, value_cols: list[str]) -> pd.DataFrame:
    """Rows with values, their names rejoined where the PDF conversion split them over two lines.

    A line with a name and every value cell empty starts a name; the next line with values (and
    possibly the rest of the name) completes it. Dashes are zeros, so they count as values.
    """
    rows, pending = [], ""
    for record in frame.itertuples(index=False):
        values = {c: str(getattr(record, c)).strip() for c in value_cols}
        name = str(getattr(record, name_col)).strip()
        if not any(values.values()):
            if name:
                pending = f"{pending} {name}".strip()
            continue
        rows.append({"name": " ".join(f"{pending} {name}".split()), **values})
        pending = ""
    return pd.DataFrame(rows)


def is_cbj_country(name: str) -> bool:
    """False for CBJ operating units that are regions, programs, bureaus or funds."""
    text = f" {name.lower()} "
    if name.startswith("(") or " - " in text:  # a bureau acronym, or a split name's tail
        return False
    return not any(word in text for word in CBJ_NON_COUNTRY_WORDS)


def state_cbj(raw) -> tuple[pd.DataFrame, list]:
    """INCLE by country from the CBJ tables, in dollars (the tables are in thousands)."""
    folder = paths.raw_source_dir(CBJ_SOURCE, raw)
    files = sorted(folder.glob("STATE budget by country.*.csv"))
    if not files:
        raise FileNotFoundError(f"{folder}: no 'STATE budget by country.YY.csv' files")
    parts, records = [], []
    for path in files:
        try:
            frame = read_csv(path, [], dtype=str, keep_default_na=False)
        except RawLayoutError:  # some CSIS conversions are Windows-1252 (curly apostrophes)
            frame = read_csv(path, [], dtype=str, keep_default_na=False, encoding="cp1252")
        frame.columns = [re.sub(r"[^A-Z0-9]", "", c.upper()) for c in frame.columns]
        missing = {"COUNTRY", "INCLE", "FISCALYEAR"} - set(frame.columns)
        if missing:
            raise RawLayoutError(
                f"{path}: no column(s) {sorted(missing)} (names compared without case, spaces or punctuation)"
            )
        years = pd.to_numeric(frame["FISCALYEAR"], errors="coerce").dropna().unique()
        if len(years) != 1:
            raise RawLayoutError(f"{path}: expected one Fiscal Year, found {list(years)}")
        values = [c for c in frame.columns if c not in ("COUNTRY", "FISCALYEAR")]
        rows = _cbj_rows(frame, "COUNTRY", values)
        rows = rows[rows["name"].map(is_cbj_country)]
        amount = pd.to_numeric(
            rows["INCLE"].str.replace(",", "").replace({"-": "0", "": "0"}), errors="coerce"
        )
        if amount.isna().any():
            bad = rows.loc[amount.isna(), "name"].tolist()
            raise RawLayoutError(f"{path}: INCLE not a number for {bad}")
        parts.append(
            pd.DataFrame(
                {
                    "Country": rows["name"].to_numpy(),
                    "amount": amount.to_numpy() * 1000,
                    "fiscal_year": int(years[0]),
                }
            )
        )
        records.append(raw_file(path, f"FY{int(years[0])}", len(rows)))
    frame = _recipients(pd.concat(parts, ignore_index=True), "Country", None, folder)
    return pd.DataFrame(
        {
            "iso3": frame["iso3"],
            "recipient": frame["recipient"],
            "is_aggregate": frame["is_aggregate"],
            "fiscal_year": frame["fiscal_year"],
            "source": STATE_CBJ,
            "agency": "Department of State",
            "account_or_sector": CBJ_INCLE,
            "transaction_type": ["request" if y >= 2016 else "allocation" for y in frame["fiscal_year"]],
            "usd_current": frame["amount"],
            "usd_constant": float("nan"),
            "constant_base_year": pd.NA,
        }
    ), records


def build(raw: str | Path | None = None) -> tuple[pd.DataFrame, TableMeta]:
    """``us_assistance``: one row per recipient, fiscal year, source, account/sector, type."""
    folder = paths.raw_source_dir(SOURCE, raw)
    parts = [
        greenbook(folder),
        fa_gov(folder, COUNTRY_FILE, None),
        fa_gov(folder, SECTOR_FILE, COUNTERNARCOTICS_SECTOR),
    ]
    cbj, cbj_files = state_cbj(raw)
    table = pd.concat([*parts, cbj], ignore_index=True)[list(PROCESSED)]
    table["constant_base_year"] = table["constant_base_year"].astype("Int64")
    table = table.sort_values(
        ["source", "recipient", "fiscal_year", "account_or_sector", "transaction_type"], ignore_index=True
    )
    counts = [len(p) for p in parts]
    meta = TableMeta(
        name=TABLE,
        title="US assistance by recipient and fiscal year: counter-narcotics accounts "
        "and sectors, and all assistance",
        raw_source=f"{SOURCE}, {CBJ_SOURCE}",
        source="USAID Greenbook; ForeignAssistance.gov; State Department CBJ (via CSIS)",
        source_url="https://foreignassistance.gov/data",
        vintage="Greenbook Aug 2022; ForeignAssistance.gov early 2025; CBJ FY2008-FY2017",
        coverage=f"FY{table['fiscal_year'].min()}-FY{table['fiscal_year'].max()}",
        columns=PROCESSED,
        raw_files=[
            raw_file(folder / GREENBOOK_FILE, "FY1946-FY2020", counts[0]),
            raw_file(folder / COUNTRY_FILE, "early 2025", counts[1]),
            raw_file(folder / SECTOR_FILE, "early 2025", counts[2]),
            *cbj_files,
        ],
        format="parquet",
        notes="Never add sources together: they overlap. Greenbook counter-narcotics accounts are "
        "obligations in constant 2020 $; Plan Colombia FY2002-FY2008 is under the Andean "
        "Counterdrug Initiative. The ForeignAssistance.gov Counter-Narcotics sector misses "
        "most of Mexico's Merida funding and nearly vanishes in FY2018-FY2020. CBJ: "
        "countries only (regional programs such as CARSI and CBSI sit in regional units), "
        "FY2016-FY2017 are requests. The 1976 transition quarter is left out.",
        key=["source", "recipient", "fiscal_year", "agency", "account_or_sector", "transaction_type"],
    )
    return table, meta
