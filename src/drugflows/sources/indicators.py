"""Country indicators: governance (World Bank WGI), homicide, GDP per capita, corruption perceptions
and population (Our World in Data), and organized crime scores (GI-TOC Global Organized Crime Index).

All go into one long table ``country_indicators``: iso3, year, indicator, value, unit, source.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from drugflows import countries, paths
from drugflows.sources._common import raw_file, read_csv, read_excel
from drugflows.tables import RawFile, TableMeta

TABLE = "country_indicators"
PROCESSED = {
    "iso3": "str",
    "year": "int",
    "indicator": "str",
    "value": "float",
    "unit": "str",
    "source": "str",
}

WGI_DIMENSIONS = {
    "CC": "control_of_corruption",
    "GE": "government_effectiveness",
    "PV": "political_stability",
    "RQ": "regulatory_quality",
    "RL": "rule_of_law",
    "VA": "voice_and_accountability",
}
WGI_STATISTICS = {
    "EST": ("estimate", "index (about -2.5 to 2.5)"),
    "PER.RNK": ("percentile_rank", "percentile (0-100)"),
    "STD.ERR": ("std_error", "index units"),
}
WGI_SOURCE = "World Bank, Worldwide Governance Indicators"

#: OWID file -> (its value column, our indicator, unit, source)
OWID_FILES = {
    "homicide-rate-unodc.csv": (
        "Homicide rate per 100,000 population",
        "homicide_rate",
        "victims per 100,000 population",
        "UNODC via Our World in Data",
    ),
    "gdp-per-capita-worldbank.csv": (
        "GDP per capita",
        "gdp_per_capita_ppp",
        "constant 2021 international $ (PPP)",
        "World Bank WDI via Our World in Data",
    ),
    "ti-corruption-perception-index.csv": (
        "Corruption Perceptions Index",
        "corruption_perceptions_index",
        "score 0 (highly corrupt) to 100 (very clean)",
        "Transparency International via Our World in Data",
    ),
}
#: OWID exports of IHME GBD 2017 death rates (folder owid_drugs): file -> (column, indicator)
GBD_FILES = {
    "death-rates-from-drug-use-disorders.csv": (
        "Deaths - Drug use disorders - Sex: Both - Age: Age-standardized (Rate)",
        "death_rate_drug_use_disorders",
    ),
    "death-rates-cocaine.csv": (
        "Deaths - Cocaine use disorders - Sex: Both - Age: Age-standardized (Rate)",
        "death_rate_cocaine_use_disorders",
    ),
    "death-rate-from-opioid-use.csv": (
        "Deaths - Opioid use disorders - Sex: Both - Age: Age-standardized (Rate)",
        "death_rate_opioid_use_disorders",
    ),
}
POPULATION_FILE = "Population by country, 1800 to 2100 (Gapminder & UN).csv"
POPULATION_COLUMN = "Population by country, historic and projections (Gapminder & UN)"
POPULATION_YEARS = (1990, 2030)  # the span the reports use; after 2015 these are WPP2017 projections
GOC_SOURCE = "GI-TOC, Global Organized Crime Index"
GOC_SHEETS = {2021: "2021_dataset", 2023: "2023_dataset"}


def _snake(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower().replace(" avg", "")).strip("_")


def wgi(raw) -> tuple[pd.DataFrame, list[RawFile]]:
    """Estimate, percentile rank and standard error of the six WGI dimensions, long."""
    path = paths.raw_source_dir("worldbank", raw) / "WGIData.csv"
    frame = read_csv(path, ["Country Name", "Country Code", "Indicator Code"], encoding="utf-8-sig")
    years = [c for c in frame.columns if re.fullmatch(r"\d{4}", str(c))]
    code = frame["Indicator Code"].str.extract(r"^([A-Z]{2})\.(.+)$")
    keep = code[0].isin(list(WGI_DIMENSIONS)) & code[1].isin(list(WGI_STATISTICS))
    frame = frame[keep].assign(dimension=code[0][keep], statistic=code[1][keep])
    frame["iso3"] = countries.codes_to_iso3(frame["Country Code"], frame["Country Name"], f"{path}")
    long = frame.melt(
        id_vars=["iso3", "dimension", "statistic"], value_vars=years, var_name="year", value_name="value"
    ).dropna(subset=["value", "iso3"])
    long["indicator"] = (
        "wgi_"
        + long["dimension"].map(WGI_DIMENSIONS)
        + "_"
        + long["statistic"].map(lambda s: WGI_STATISTICS[s][0])
    )
    long["unit"] = long["statistic"].map(lambda s: WGI_STATISTICS[s][1])
    long["source"] = WGI_SOURCE
    long["year"] = long["year"].astype("int64")
    return long, [raw_file(path, f"{max(years)} update", len(frame))]


def owid(raw) -> tuple[pd.DataFrame, list[RawFile]]:
    """Homicide rate, GDP per capita (PPP), CPI and population from the OWID exports."""
    folder = paths.raw_source_dir("owid", raw)
    parts, files = [], []
    for name, (column, indicator, unit, source) in OWID_FILES.items():
        path = folder / name
        frame = read_csv(path, ["Entity", "Code", "Year", column]).dropna(subset=[column])
        frame["iso3"] = countries.codes_to_iso3(frame["Code"], frame["Entity"], str(path))
        parts.append(
            pd.DataFrame(
                {
                    "iso3": frame["iso3"],
                    "year": frame["Year"],
                    "indicator": indicator,
                    "value": frame[column],
                    "unit": unit,
                    "source": source,
                }
            )
        )
        files.append(raw_file(path, f"{frame['Year'].max()}", len(frame)))
    path = folder / POPULATION_FILE
    frame = read_csv(path, ["Entity", "Year", POPULATION_COLUMN]).dropna(subset=[POPULATION_COLUMN])
    frame = frame[frame["Year"].between(*POPULATION_YEARS)]
    frame["iso3"] = countries.to_iso3(frame["Entity"], str(path))
    parts.append(
        pd.DataFrame(
            {
                "iso3": frame["iso3"],
                "year": frame["Year"],
                "indicator": "population",
                "value": frame[POPULATION_COLUMN],
                "unit": "persons",
                "source": "Gapminder and UN WPP 2017 via Our World in Data",
            }
        )
    )
    files.append(raw_file(path, "WPP2017", len(frame)))
    return pd.concat(parts, ignore_index=True).dropna(subset=["iso3"]), files


def gbd(raw) -> tuple[pd.DataFrame, list[RawFile]]:
    """Age-standardised death rates from drug, cocaine and opioid use disorders (IHME GBD 2017)."""
    folder = paths.raw_source_dir("owid_drugs", raw)
    parts, files = [], []
    for name, (column, indicator) in GBD_FILES.items():
        path = folder / name
        frame = read_csv(path, ["Entity", "Code", "Year", column]).dropna(subset=[column])
        frame["iso3"] = countries.codes_to_iso3(frame["Code"], frame["Entity"], str(path))
        parts.append(
            pd.DataFrame(
                {
                    "iso3": frame["iso3"],
                    "year": frame["Year"],
                    "indicator": indicator,
                    "value": frame[column],
                    "unit": "deaths per 100,000, age-standardised",
                    "source": "IHME Global Burden of Disease 2017 via Our World in Data",
                }
            )
        )
        files.append(raw_file(path, "GBD 2017", len(frame)))
    return pd.concat(parts, ignore_index=True).dropna(subset=["iso3"]), files


def goc(raw) -> tuple[pd.DataFrame, list[RawFile]]:
    """Every score of the 2021 and 2023 editions, as ``goc_<name>`` (1-10 scale)."""
    path = paths.raw_source_dir("goc_index", raw) / "global_oc_index.xlsx"
    parts = []
    for year, sheet in GOC_SHEETS.items():
        frame = read_excel(path, ["Country", "Continent", "Region"], sheet_name=sheet)
        scores = [c for c in frame.columns if c not in ("Continent", "Region", "Country")]
        frame["iso3"] = countries.to_iso3(frame["Country"], f"{path} [{sheet}]")
        long = frame.melt(id_vars=["iso3"], value_vars=scores, var_name="score", value_name="value").dropna(
            subset=["value"]
        )
        long["indicator"] = "goc_" + long["score"].map(_snake)
        long["year"] = year
        parts.append(long)
    table = pd.concat(parts, ignore_index=True)
    table["unit"] = "score 1-10 (criminality: higher is worse; resilience: higher is better)"
    table["source"] = GOC_SOURCE
    return table, [raw_file(path, "2021 and 2023 editions", len(table))]


def build(raw: str | Path | None = None) -> tuple[pd.DataFrame, TableMeta]:
    """``country_indicators``: one row per country, year and indicator."""
    parts, files = zip(wgi(raw), owid(raw), gbd(raw), goc(raw), strict=True)
    table = pd.concat(parts, ignore_index=True)[list(PROCESSED)]
    table["value"] = table["value"].astype("float64").round(8)
    table = table.sort_values(["indicator", "iso3", "year"], ignore_index=True)
    meta = TableMeta(
        name=TABLE,
        title="Country indicators: governance, homicide, GDP, corruption, population, "
        "organized crime, drug deaths",
        raw_source="worldbank, owid, owid_drugs, goc_index",
        source="World Bank WGI; UNODC, World Bank, Transparency International and Gapminder/UN via "
        "Our World in Data; IHME GBD via OWID; GI-TOC Global Organized Crime Index",
        source_url="https://www.worldbank.org/en/publication/worldwide-governance-indicators",
        vintage="WGI 2023 update; OWID exports 2026; GI-TOC 2023",
        coverage=f"{table['year'].min()}-{table['year'].max()}, {table['indicator'].nunique()} indicators",
        columns=PROCESSED,
        raw_files=[f for group in files for f in group],
        format="parquet",
        notes="WGI has no 1997, 1999 or 2001. CPI starts in 2012. Population after 2015 is the "
        "UN WPP 2017 projection. GI-TOC scores are two cross-sections (2021, 2023).",
        key=["indicator", "iso3", "year"],
    )
    return table, meta
