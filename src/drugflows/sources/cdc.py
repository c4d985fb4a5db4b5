"""US drug overdose deaths: CDC/NCHS provisional counts (VSRR), NCHS death rates (Health, United
States) and the CDC WONDER rate series published by Our World in Data.

Drug categories overlap (a death can involve several drugs): never add drugs together. Synthetic
opioids other than methadone (T40.4) are mostly illicit fentanyl; psychostimulants with abuse
potential (T43.6) are mostly methamphetamine.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from drugflows import paths
from drugflows.sources import RawLayoutError
from drugflows.sources._common import raw_file, read_csv
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
