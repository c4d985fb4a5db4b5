"""Precursor chemicals: every raw name classed, the drug each serves, amounts held against the raw
UNODC export read here with pandas."""

from __future__ import annotations

import pandas as pd
import pytest

from drugflows import tables
from drugflows.domain import drugs, precursors
from drugflows.sources.unodc import PORTAL_SERIES


@pytest.fixture(scope="module")
def raw(shared_data) -> pd.DataFrame:
    frame = pd.read_excel(shared_data / "unodc" / "drug_seizures_2018_2022.xlsx", header=1)
    return frame[frame["DrugGroup"] == "Precursors"]


@pytest.fixture(scope="module")
def unodc() -> pd.DataFrame:
    return tables.load("unodc_seizures")


def test_every_raw_precursor_name_has_a_chemical_and_a_class(raw, unodc):
    on_file = set(raw["DrugName"]) | set(unodc.loc[unodc["drug_group"] == "Precursors", "drug"])
    assert len(on_file) == 12
    assert on_file <= set(drugs.PRECURSOR_NAMES)
    assert set(drugs.PRECURSOR_NAMES.values()) <= set(precursors.CHEMICALS)
    for name in on_file:  # a chemical is not a drug: its drug class stays "other"
        assert drugs.UNODC_NAMES[name].drug_class == "other"
    served = {name: precursors.CHEMICALS[drugs.PRECURSOR_NAMES[name]].serves for name in on_file}
    assert served["Acetic anhydride"] == "heroin"
    assert served["Potassium permanganate"] == served["Sulphuric acid"] == "cocaine"
    assert (
        served["Ephedrine"] == served["Phenylacetone (P-2-P)"] == served["Methylamine"] == "methamphetamine"
    )
    assert served["3,4-Methylenedioxyphenyl-2-propanone (3,4-MDP-2-P, PMK)"] == "ecstasy"
    assert served["Other precursors"] is None
    assert precursors.also_serving("heroin") == [
        "sulphuric acid",
        "hydrochloric acid",
        "acetone",
        "toluene",
        "methyl ethyl ketone",
    ]


def test_amounts_match_the_raw_export(raw, unodc):
    seized = precursors.precursor_seizures(unodc)
    assert set(seized["unit"]) == {"kg"}
    at = seized.set_index(["iso3", "year", "chemical"])["amount"]
    # Colombia 2022 potassium permanganate and Czechia 2021 ephedrine (two rows, summed), from the raw file
    for iso3, year, name, chemical in [
        ("COL", 2022, "Potassium permanganate", "potassium_permanganate"),
        ("CZE", 2021, "Ephedrine", "ephedrine"),
    ]:
        kg = raw.loc[
            (raw["msCode"] == iso3) & (raw["Reference year"] == year) & (raw["DrugName"] == name), "Kilograms"
        ]
        assert at[(iso3, year, chemical)] == pytest.approx(kg.sum())
    assert at[("CZE", 2021, "ephedrine")] == pytest.approx(1.4 + 1.724145)
    # Pakistan 2020 repeats each row with the same amount: counted once, not doubled
    pak = raw[
        (raw["msCode"] == "PAK") & (raw["Reference year"] == 2020) & (raw["DrugName"] == "Acetic anhydride")
    ]
    assert pak["Kilograms"].tolist() == [14135, 14135]
    assert at[("PAK", 2020, "acetic_anhydride")] == 14135


def test_by_year_never_adds_two_units_or_two_chemicals():
    rows = pd.DataFrame(
        {
            "iso3": ["COL", "PER", "COL", "COL"],
            "year": [2022] * 4,
            "chemical": ["acetone", "acetone", "acetone", "sulphuric_acid"],
            "chemical_label": ["acetone", "acetone", "acetone", "sulphuric acid"],
            "amount": [10.0, 5.0, 7.0, 3.0],
            "unit": ["kg", "kg", "L", "kg"],
        }
    )
    out = precursors.by_year(rows)
    assert out[["chemical_label", "unit", "amount", "countries"]].values.tolist() == [
        ["acetone", "L", 7.0, 1],
        ["acetone", "kg", 15.0, 2],
        ["sulphuric acid", "kg", 3.0, 1],
    ]


def test_a_country_profile_gets_its_latest_precursor_seizures(raw, unodc):
    colombia = precursors.country_precursor_seizures(unodc, "COL")
    assert list(colombia.columns) == precursors.COUNTRY_COLUMNS
    raw_col = raw[raw["msCode"] == "COL"]
    assert len(colombia) == raw_col["DrugName"].nunique()
    first = colombia.iloc[0]
    latest = raw_col[raw_col["DrugName"] == "Acetone"]["Reference year"].max()
    acetone = raw_col[(raw_col["DrugName"] == "Acetone") & (raw_col["Reference year"] == latest)]
    assert (first["chemical"], first["drug_served"], first["latest_year"], first["unit"]) == (
        "acetone",
        "cocaine",
        2022,
        "kg",
    )
    assert first["amount"] == pytest.approx(acetone["Kilograms"].sum())
    assert round(first["amount"]) == 877996
    assert "heroin" in set(colombia["drug_served"])  # acetic anhydride, 4 kg in 2022
    # no precursor rows for the United States in the export: nothing returned
    assert raw[raw["msCode"] == "USA"].empty
    assert precursors.country_precursor_seizures(unodc, "USA").empty


def test_only_the_portal_export_holds_precursors(unodc):
    rows = unodc[unodc["drug_group"] == "Precursors"]
    assert set(rows["source"]) == {PORTAL_SERIES}
    assert precursors.for_drug(precursors.precursor_seizures(unodc), "fentanyl").empty
    assert "4-AP" in precursors.FENTANYL_GAP and "PICS" in precursors.FENTANYL_GAP


def test_the_flows_headline_on_heroin_precursors_from_the_raw_file(raw, unodc):
    """Acetic anhydride 2022, summed here from the raw export: 9,759 kg in five countries, Pakistan
    9,743 kg of it."""
    from drugflows.reports import trafficking_flows

    rows = raw[(raw["DrugName"] == "Acetic anhydride") & (raw["Reference year"] == 2022)]
    assert rows["msCode"].nunique() == 5 and round(rows["Kilograms"].sum()) == 9759
    assert rows.loc[rows["msCode"] == "PAK", "Kilograms"].sum() == 9743
    countries = tables.load("countries")
    seized = trafficking_flows.precursor_seizures(unodc)
    heroin = trafficking_flows.precursor_rows("heroin", seized)
    text = trafficking_flows.precursor_text("heroin", heroin, countries, seized)
    assert "acetic anhydride 9,760 kg in 2022 (5 countries; Pakistan nearly all of it)" in text
    assert "(sulphuric acid, hydrochloric acid, acetone)" in text  # toluene and MEK: not on file
    assert "never added" in text
    fentanyl = trafficking_flows.precursor_text(
        "fentanyl", trafficking_flows.precursor_rows("fentanyl", seized), countries
    )
    assert fentanyl == precursors.FENTANYL_GAP
    table = trafficking_flows.precursor_table(heroin, countries)
    assert table.iloc[0].tolist() == ["Acetic anhydride", "Türkiye", 2020, "12,136", "kg"]
    assert len(table) == 5 and table.iloc[-1]["Amount seized"] == "120"  # the five largest: Belgium 2021
    everyone = trafficking_flows.precursor_table(heroin, countries, top=20)
    assert everyone.iloc[-1]["Amount seized"] == "0.0016"  # Kazakhstan 2022, 0.00157 kg
