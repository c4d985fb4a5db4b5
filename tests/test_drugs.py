"""The drug vocabulary: every raw drug name on file has a class, totals are never added to their
parts, and every report takes the same drug names (checked against the raw UNODC files)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from drugflows import tables
from drugflows.domain import drugs
from drugflows.domain.seizures import unodc_series
from drugflows.params import ParameterError
from drugflows.sources import unodc

#: (processed table, column, the vocabulary that must name each of its values)
RAW_NAME_COLUMNS = [
    ("unodc_seizures", "drug", drugs.UNODC_NAMES),
    ("drug_prices", "drug", drugs.UNODC_NAMES),
    ("cbp_seizures_monthly", "drug", drugs.CBP_NAMES),
    ("amo_seizures_monthly", "drug", drugs.CBP_NAMES),
    ("us_overdose_deaths", "drug", drugs.DEATHS_NAMES),
    ("nflis_reports", "category", drugs.NFLIS_NAMES),
    ("overdose_deaths_12m_by_drug", "drug", drugs.SPECIFIC_DRUG_NAMES),
    ("overdose_deaths_12m_by_state", "indicator", drugs.VSRR_INDICATOR_NAMES),
    ("overdose_deaths_monthly_by_state", "cause_code", drugs.WONDER_CAUSE_CODES),
]


@pytest.mark.parametrize(("table", "column", "vocabulary"), RAW_NAME_COLUMNS)
def test_every_raw_drug_name_on_file_has_a_class(table, column, vocabulary):
    names = set(tables.load(table)[column].dropna().unique())
    missing = sorted(names - set(vocabulary))
    assert not missing, f"{table}.{column}: names with no class in domain.drugs: {missing}"


@pytest.mark.parametrize("table", ["unodc_seizures", "drug_prices"])
def test_the_processed_drug_class_agrees_with_the_vocabulary(table):
    frame = tables.load(table)[["drug", "drug_class"]].drop_duplicates()
    expected = frame["drug"].map(lambda name: drugs.UNODC_NAMES[name].drug_class)
    wrong = frame[frame["drug_class"] != expected]
    assert wrong.empty, wrong.to_string()


def test_mdma_is_ecstasy_and_local_tablet_names_are_stimulants():
    names = drugs.UNODC_NAMES
    assert names["3,4-methylenedioxymethamphetamine (MDMA)"].drug_class == "ecstasy"
    assert names["MDMA"].drug_class == "ecstasy"
    assert names["Tenamfetamine (MDA)"].drug_class == "ecstasy"
    assert names["“Yaba”"] == drugs.RawName("methamphetamine", "tablets", False)
    assert names['"Captagon"'] == drugs.RawName("amphetamine", "tablets", False)
    # 4-FMA is a new psychoactive substance, not methamphetamine
    assert names["4-Fluoromethamphetamine\xa0(4-FMA)"].drug_class == "other"
    assert unodc.drug_class("3,4-methylenedioxymethamphetamine (MDMA)") == "ecstasy"
    assert unodc.drug_class("“Yaba”") == "methamphetamine"


def test_totals_are_marked():
    totals = {name for name, raw in drugs.UNODC_NAMES.items() if raw.total}
    assert all(name.lower().startswith(("total", "cocaine (total")) for name in totals)
    assert len(totals) == 5  # cocaine, ecstasy, ATS, hallucinogens, sedatives
    assert drugs.DEATHS_NAMES["all_drugs"].total and drugs.DEATHS_NAMES["any_opioid"].total


def _raw_portal(shared_data, country, year):
    raw = pd.read_excel(shared_data / "unodc" / unodc.PORTAL_FILE, header=1)
    return raw[(raw["Country"] == country) & (raw["Reference year"] == year)]


def test_a_total_is_never_added_to_its_parts(shared_data):
    series = unodc_series(tables.load("unodc_seizures"), "cocaine").set_index(["iso3", "year"])["kg"]
    # Argentina 2021 reports both the cocaine total and some of its parts (raw portal export)
    rows = _raw_portal(shared_data, "Argentina", 2021)
    cocaine = rows[(rows["DrugGroup"] == "Cocaine-type") & (rows["DrugSubGroup"] != "Coca-type")]
    is_total = cocaine["DrugName"].str.startswith("Cocaine (total of the above")
    total, parts = cocaine.loc[is_total, "Kilograms"].sum(), cocaine.loc[~is_total, "Kilograms"].sum()
    assert total == pytest.approx(6257.30649) and parts == pytest.approx(1.11465 + 7.035)
    assert series[("ARG", 2021)] == pytest.approx(total)  # not total + parts (6,265.5)
    # Portugal 2020: a total (0.0003 kg) far below its parts (10,066 kg) is incomplete: parts kept
    rows = _raw_portal(shared_data, "Portugal", 2020)
    cocaine = rows[(rows["DrugGroup"] == "Cocaine-type") & (rows["DrugSubGroup"] != "Coca-type")]
    is_total = cocaine["DrugName"].str.startswith("Cocaine (total of the above")
    assert series[("PRT", 2020)] == pytest.approx(cocaine.loc[~is_total, "Kilograms"].sum())
    assert series[("PRT", 2020)] == pytest.approx(10066.343)


def test_mdma_seizures_are_not_methamphetamine(shared_data):
    series = unodc_series(tables.load("unodc_seizures"), "methamphetamine").set_index(["iso3", "year"])
    rows = _raw_portal(shared_data, "Netherlands", 2021)
    meth = rows.loc[rows["DrugName"] == "Methamphetamine", "Kilograms"].sum()
    assert series.loc[("NLD", 2021), "kg"] == pytest.approx(meth)


def test_yaba_counts_as_methamphetamine(shared_data):
    table = tables.load("unodc_seizures")
    yaba = table[table["drug"] == "“Yaba”"]
    row = yaba[yaba["source"] == unodc.PORTAL_SERIES].sort_values("kg").iloc[-1]
    series = unodc_series(table, "methamphetamine").set_index(["iso3", "year"])["kg"]
    raw = _raw_portal(shared_data, _raw_country(shared_data, row["iso3"]), int(row["year"]))
    meth_names = raw["DrugName"].isin(["Methamphetamine", "“Yaba”"])
    assert series[(row["iso3"], row["year"])] == pytest.approx(raw.loc[meth_names, "Kilograms"].sum())


def _raw_country(shared_data, iso3):
    raw = pd.read_excel(shared_data / "unodc" / unodc.PORTAL_FILE, header=1, usecols=["Country", "msCode"])
    return raw.loc[raw["msCode"] == iso3, "Country"].iloc[0]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Marijuana", "cannabis"),
        ("cannabis", "cannabis"),
        ("Fentanyl", "fentanyl"),
        ("fentanyl", "fentanyl"),
        ("METHAMPHETAMINE", "methamphetamine"),
        ("Khat (Catha Edulis)", "khat"),
        ("Lsd", "lsd"),
        ("synthetic_opioids", "fentanyl"),
    ],
)
def test_report_drug_takes_report_names_and_publisher_spellings(given, expected):
    assert drugs.report_drug(given) == expected


def test_report_drug_refuses_an_unknown_name_listing_the_report_names():
    with pytest.raises(ParameterError, match="Valid values: cocaine, fentanyl"):
        drugs.report_drug("Unobtainium", ("cocaine", "fentanyl"))


def test_the_catalog_uses_report_names():
    import yaml

    from drugflows import paths

    catalog = yaml.safe_load((paths.PROJECT_ROOT / "reports.yml").read_text())
    for notebook in ("border_seizures", "trafficking_flows", "us_demand"):
        for run in catalog["notebooks"][notebook]["runs"]:
            assert run["parameters"]["drug"] in drugs.DRUGS, (notebook, run)


def test_price_units_of_bulk_are_wholesale(shared_data):
    raw = pd.DataFrame(json.loads((shared_data / "unodc" / unodc.PRICES_FILE).read_text()))
    published_retail_per_kg = raw[(raw["LevelOfSale"] == "Retail") & raw["Unit"].isin(["kg", "pound"])]
    assert len(published_retail_per_kg) == 141
    prices = tables.load("drug_prices")
    assert not ((prices["level"] == "retail") & prices["unit"].isin(["kg", "pound"])).any()
    assert (prices["level_published"] != prices["level"]).sum() == 141


def test_world_methamphetamine_2022_is_methamphetamine_and_yaba_without_mdma(shared_data):
    raw = pd.read_excel(shared_data / "unodc" / unodc.PORTAL_FILE, header=1)
    raw = raw[raw["Reference year"] == 2022]
    expected = raw.loc[raw["DrugName"].isin(["Methamphetamine", "“Yaba”"]), "Kilograms"].sum()
    mdma = raw.loc[raw["DrugName"] == "3,4-methylenedioxymethamphetamine (MDMA)", "Kilograms"].sum()
    series = unodc_series(tables.load("unodc_seizures"), "methamphetamine")
    assert series.loc[series["year"] == 2022, "kg"].sum() == pytest.approx(expected)
    assert round(expected / 1000) == 340 and mdma > 0  # the report's "340 tonnes in all"
