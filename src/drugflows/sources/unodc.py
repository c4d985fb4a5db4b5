"""UNODC drug seizures (two national series) and drug prices (retail and wholesale, USD).

``drug_seizures_2018_2022.xlsx`` is the data portal export (header on row 2, ISO3 in ``msCode``);
``seizures_unodc.xlsx`` is the older wide series 1990-2019 (hierarchy written once per block). A
blank cell means not reported, never zero. ``Before_Prices_of_drugs.json`` is the price table
converted to JSON by a third party (field names as UNODC's).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from drugflows import countries, paths
from drugflows.sources import RawLayoutError
from drugflows.sources._common import raw_file, read_excel, require_columns
from drugflows.tables import TableMeta

SOURCE = "unodc"
SEIZURES_TABLE = "unodc_seizures"
PRICES_TABLE = "drug_prices"
PORTAL_FILE = "drug_seizures_2018_2022.xlsx"
HISTORIC_FILE = "seizures_unodc.xlsx"
PRICES_FILE = "Before_Prices_of_drugs.json"
#: The two seizure series the ``source`` column of ``unodc_seizures`` names (they overlap in 2018-2019).
PORTAL_SERIES = "UNODC data portal, drug seizures 2018-2022"
HISTORIC_SERIES = "UNODC national seizure series 1990-2019"

SEIZURE_COLUMNS = {
    "iso3": "str",
    "year": "int",
    "drug_group": "str",
    "drug": "str",
    "drug_class": "str",
    "kg": "float",
    "source": "str",
}
PRICE_COLUMNS = {
    "iso3": "str",
    "year": "int",
    "drug_group": "str",
    "drug": "str",
    "drug_class": "str",
    "level": "str",
    "level_published": "str",
    "value_usd": "float",
    "min_usd": "float",
    "max_usd": "float",
    "unit": "str",
    "usd_per_gram": "float",
}

#: Harmonised drug classes, first match wins (case-insensitive, on the drug name). The full table of
#: names, with forms and totals, is ``domain.drugs.UNODC_NAMES``; ``tests/test_drugs.py`` holds the
#: two in agreement on every name on file. MDMA/MDA are ecstasy, not methamphetamine; "Yaba" is
#: methamphetamine tablets, "Captagon" amphetamine tablets; "Total ..." rows of a whole group of
#: drugs are reported_total.
DRUG_CLASSES = (
    ("cocaine", r"^cocaine \(total of the above"),
    ("ecstasy", r"^total .ecstasy.-type"),
    ("reported_total", r"^total |^reported total"),
    ("fentanyl", r"fentanyl"),
    ("heroin", r"heroin"),
    ("ecstasy", r"ecstasy|mdma|methylenedioxymethamphetamine|tenamfetamine"),
    ("methamphetamine", r"^methamphetamine|yaba"),
    ("coca_leaf", r"^coca (leaf|bush|seed)|^coca-type$"),
    ("cocaine", r"cocaine|crack|coca paste"),
    ("cannabis_herb", r"marijuana|cannabis herb"),
    ("cannabis_other", r"cannabis.*oil"),
    ("cannabis_resin", r"hashish|cannabis resin"),
    ("cannabis_other", r"cannabis"),
    ("opium", r"^opium"),
    ("amphetamine", r"^amphetamine( powder| tablets)?$|^dextroamphetamine|captagon"),
    ("ats_unspecified", r"amphetamine-type stimulants$|^non-specified ats$"),
)
#: Price units that convert to grams.
GRAMS_PER_UNIT = {
    "g": 1.0,
    "kg": 1000.0,
    "10 g": 10.0,
    "pound": 453.59237,
    "oz": 28.349523125,
    "ounce": 28.349523125,
}
#: Units of bulk sale: a price per kilogram or pound is a wholesale price whatever UNODC's level of
#: sale says (e.g. USA 2021 "Cocaine hydrochloride", Retail, per kg); retail comes only from
#: per-gram (or per-dose) prices.
WHOLESALE_UNITS = ("kg", "pound")


def market_level(published: pd.Series, unit: pd.Series) -> pd.Series:
    """The level of sale of each price: ``wholesale`` where the unit is one of
    :data:`WHOLESALE_UNITS`, else the published level (lower case)."""
    level = published.str.lower()
    return level.where(~unit.isin(WHOLESALE_UNITS), "wholesale")


def drug_class(name: str) -> str:
    """Harmonised class of a UNODC drug name, e.g. 'Cocaine hydrochloride' -> 'cocaine'."""
    text = str(name).lower()
    for label, pattern in DRUG_CLASSES:
        if re.search(pattern, text):
            return label
    return "other"


def portal_seizures(folder: Path) -> pd.DataFrame:
    path = folder / PORTAL_FILE
    frame = read_excel(
        path,
        ["Country", "DrugGroup", "DrugSubGroup", "DrugName", "Reference year", "Kilograms", "msCode"],
        header=1,
    )
    frame = frame.dropna(subset=["Kilograms"])
    if (frame["Kilograms"] < 0).any():
        raise RawLayoutError(f"{path}: negative Kilograms")
    frame["iso3"] = countries.codes_to_iso3(frame["msCode"], frame["Country"], str(path))
    return pd.DataFrame(
        {
            "iso3": frame["iso3"],
            "year": frame["Reference year"].astype("int64"),
            "drug_group": frame["DrugGroup"],
            "drug": frame["DrugName"],
            "kg": frame["Kilograms"].astype("float64"),
            "source": PORTAL_SERIES,
        }
    )


def historic_seizures(folder: Path) -> pd.DataFrame:
    path = folder / HISTORIC_FILE
    frame = read_excel(path, ["region", "subregion", "country", "drug_group", "drug"])
    frame[["region", "subregion", "country", "drug_group"]] = frame[
        ["region", "subregion", "country", "drug_group"]
    ].ffill()
    frame = frame.dropna(subset=["drug"])
    years = [c for c in frame.columns if re.fullmatch(r"\d{4}(\.0)?", str(c))]
    long = frame.melt(
        id_vars=["country", "drug_group", "drug"], value_vars=years, var_name="year", value_name="kg"
    ).dropna(subset=["kg"])
    long["iso3"] = countries.to_iso3(long["country"], str(path))
    long["year"] = long["year"].astype(str).str[:4].astype("int64")
    # float32 artefacts in the sheet (585.630005): 3 decimals keep the published precision
    long["kg"] = long["kg"].astype("float64").round(3)
    long["source"] = HISTORIC_SERIES
    return long[["iso3", "year", "drug_group", "drug", "kg", "source"]]


def build_seizures(raw: str | Path | None = None) -> tuple[pd.DataFrame, TableMeta]:
    """``unodc_seizures``: kg seized by country, year and drug, both UNODC files (not summed)."""
    folder = paths.raw_source_dir(SOURCE, raw)
    portal, historic = portal_seizures(folder), historic_seizures(folder)
    table = pd.concat([historic, portal], ignore_index=True).dropna(subset=["iso3"])
    table["drug_class"] = table["drug"].map(drug_class)
    table = table.sort_values(["iso3", "year", "source", "drug_group", "drug"], ignore_index=True)[
        list(SEIZURE_COLUMNS)
    ]
    meta = TableMeta(
        name=SEIZURES_TABLE,
        title="UNODC drug seizures by country, year and drug (kg)",
        raw_source=SOURCE,
        source="UNODC, drug seizures (data portal and national series)",
        source_url="https://dataunodc.un.org/dp-drug-seizures",
        vintage="WDR 2024 export; 1990-2019 series",
        coverage=f"{table['year'].min()}-{table['year'].max()}, {table['iso3'].nunique()} countries",
        columns=SEIZURE_COLUMNS,
        raw_files=[
            raw_file(folder / PORTAL_FILE, "2018-2022", len(portal)),
            raw_file(folder / HISTORIC_FILE, "1990-2019", len(historic)),
        ],
        format="parquet",
        notes="The two files overlap in 2018-2019 (identical values where names match): filter by "
        "source, never add them. A country-drug-year may have several rows at drug level: "
        "sum within one source. drug_class harmonises names; 'reported_total' rows repeat "
        "their parts. The portal's 'Cocaine (total of the above...)' rows are classed cocaine: "
        "mostly they are a country's only cocaine figure, but in 17 country-years they sit "
        "beside other cocaine rows and may overlap them. Blank cells (not reported) are left out.",
        non_negative=["kg"],
    )
    return table, meta


def build_prices(raw: str | Path | None = None) -> tuple[pd.DataFrame, TableMeta]:
    """``drug_prices``: typical, minimum and maximum price in USD per unit; USD per gram where the
    unit is a weight."""
    path = paths.raw_source_dir(SOURCE, raw) / PRICES_FILE
    try:
        frame = pd.DataFrame(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, UnicodeDecodeError) as exc:
        raise RawLayoutError(f"{path}: not a JSON array of records ({exc})") from exc
    require_columns(
        frame,
        [
            "Country/Territory",
            "DrugGroup",
            "Drug",
            "LevelOfSale",
            "Year",
            "Typical_USD",
            "Minimum_USD",
            "Maximum_USD",
            "Unit",
        ],
        path,
    )
    frame["iso3"] = countries.to_iso3(frame["Country/Territory"], str(path))
    unit = frame["Unit"].fillna("").str.strip()
    grams = unit.map(GRAMS_PER_UNIT)
    table = pd.DataFrame(
        {
            "iso3": frame["iso3"],
            "year": frame["Year"].astype("int64"),
            "drug_group": frame["DrugGroup"],
            "drug": frame["Drug"],
            "drug_class": frame["Drug"].map(drug_class),
            "level": market_level(frame["LevelOfSale"], unit),
            "level_published": frame["LevelOfSale"].str.lower(),
            "value_usd": frame["Typical_USD"],
            "min_usd": frame["Minimum_USD"],
            "max_usd": frame["Maximum_USD"],
            "unit": unit,
            "usd_per_gram": frame["Typical_USD"] / grams,
        }
    ).dropna(subset=["iso3"])
    table = table.sort_values(["iso3", "year", "drug", "level"], ignore_index=True)
    meta = TableMeta(
        name=PRICES_TABLE,
        title="UNODC drug prices, retail and wholesale (USD)",
        raw_source=SOURCE,
        source="UNODC, prices of drugs (World Drug Report 2024 annex), as converted to JSON",
        source_url="https://dataunodc.un.org/dp-drug-prices",
        vintage="WDR 2024",
        coverage=f"{table['year'].min()}-{table['year'].max()}, {table['iso3'].nunique()} countries",
        columns=PRICE_COLUMNS,
        raw_files=[raw_file(path, "WDR 2024", len(table))],
        notes="value_usd is the typical price; where UNODC gives only a range it is missing (no "
        "midpoint is made up). usd_per_gram only for weight units (g, kg, 10 g, pound). "
        "Prices are nominal USD and of unknown purity. level is the level of sale as used here: a "
        "price per kg or pound is wholesale whatever UNODC's level says (level_published keeps it); "
        "retail comes only from per-gram or per-dose prices.",
        non_negative=["value_usd", "min_usd", "max_usd", "usd_per_gram"],
    )
    return table, meta
