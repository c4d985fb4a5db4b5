"""Loaders on the real raw files: values checked against the publishers' own figures."""

from __future__ import annotations

import pandas as pd
import pytest

from drugflows import countries
from drugflows.sources import RawLayoutError, cbp, dea, indicators, majors


@pytest.fixture(scope="module")
def nflis(shared_data):
    return dea.build(shared_data)[0]


@pytest.fixture(scope="module")
def country_indicators(shared_data):
    return indicators.build(shared_data)[0].set_index(["indicator", "iso3", "year"])["value"]


def test_amo_monthly(shared_data):
    table, meta = cbp.build_amo(shared_data)
    assert len(table) == 1_772 + 1_292  # the two vintages do not overlap
    assert meta.vintage == "2025-12"
    assert table.loc[table["fiscal_year"] == 2026, "fytd"].all()
    assert set(table["drug"]) == {"Cocaine", "Fentanyl", "Heroin", "Marijuana", "Methamphetamine"}
    assert set(table["land_filter"]) == {"Land", "Other"}


def test_nflis_yearly_totals_match_the_source_notes(nflis):
    # Yearly totals of DRUG_REPORTS listed in ../shared/data/dea_nflis/SOURCE.md
    totals = nflis.groupby("year")["reports"].sum()
    assert totals[[2017, 2021, 2023, 2025]].tolist() == [82_238, 206_797, 223_635, 136_404]
    assert set(nflis["half"]) == {1, 2}
    assert "XX" in set(nflis["state"])


def test_majors_list_parsed_from_the_determinations(shared_data):
    table, _ = majors.build(shared_data)
    assert table.groupby("fiscal_year").size().to_dict() == {2022: 22, 2023: 22, 2024: 23, 2025: 23}
    failed = table[table["failed_demonstrably"]].groupby("fiscal_year")["iso3"].apply(sorted)
    assert failed.to_dict() == {2022: ["BOL", "VEN"], 2023: ["AFG", "BOL", "MMR", "VEN"],
                                2024: ["BOL", "MMR", "VEN"], 2025: ["BOL", "MMR", "VEN"]}
    assert "CHN" not in set(table.loc[table["fiscal_year"] == 2023, "iso3"])
    assert "CHN" in set(table.loc[table["fiscal_year"] == 2024, "iso3"])
    # The curated CSV beside the texts (built by another parser) agrees row for row.
    curated = pd.read_csv(shared_data / "majors_list" / "majors_list_fy2022_fy2025.csv")
    assert len(curated) == len(table)
    assert curated["failed_demonstrably"].sum() == table["failed_demonstrably"].sum()


@pytest.mark.parametrize(
    ("indicator", "iso3", "year", "value", "tol"),
    [
        ("wgi_rule_of_law_estimate", "COL", 2014, -0.25, 0.005),  # WGI SOURCE.md
        ("wgi_rule_of_law_estimate", "COL", 2020, -0.49, 0.005),
        ("wgi_rule_of_law_estimate", "COL", 2022, -0.43, 0.005),
        ("goc_criminality", "COL", 2023, 7.75, 1e-9),  # GI-TOC SOURCE.md
        ("goc_criminality", "COL", 2021, 7.66, 1e-9),
        ("goc_cocaine_trade", "COL", 2023, 9.5, 1e-9),
        ("goc_resilience", "COL", 2021, 5.83, 1e-9),
    ],
)
def test_country_indicator_values(country_indicators, indicator, iso3, year, value, tol):
    assert country_indicators[(indicator, iso3, year)] == pytest.approx(value, abs=tol)


def test_wgi_has_no_1997_1999_2001(country_indicators):
    years = set(country_indicators.loc["wgi_control_of_corruption_estimate"].index.get_level_values(1))
    assert {1996, 1998, 2000, 2002, 2022} <= years and not {1997, 1999, 2001} & years


def test_resolver_names_and_aggregates():
    resolved = countries.resolve(["Bolivia (Plurinational State of)", "Congo, Dem. Rep.", "Burma",
                                  "People’s Republic of China (PRC)", "Türkiye", "World",
                                  "Western Hemisphere Region", "Kosovo"], "test")
    assert resolved == {"Bolivia (Plurinational State of)": "BOL", "Congo, Dem. Rep.": "COD",
                        "Burma": "MMR", "People’s Republic of China (PRC)": "CHN",
                        "Türkiye": "TUR", "World": None, "Western Hemisphere Region": None,
                        "Kosovo": "XKX"}
    with pytest.raises(countries.UnresolvedCountryError, match=r"my file: 1 country name.*Atlantis"):
        countries.resolve(["Mexico", "Atlantis"], "my file")


def test_region_groups_cover_the_western_hemisphere():
    table = countries.country_table().set_index("iso3")
    assert table.loc[["COL", "PER", "BOL"], "region_group"].eq("Andean region").all()
    assert table.loc[["GTM", "HND", "SLV"], "region_group"].eq("Central America").all()
    assert table.loc[["JAM", "DOM", "GUY"], "region_group"].eq("Caribbean").all()
    assert table.loc["MEX", "region_group"] == "Mexico and North America"
    assert table.loc["AFG", "region_group"] == "South and Southwest Asia"
    americas = table[table["un_region"] == "Americas"]
    assert americas["region_group"].notna().all()


def test_majors_text_without_a_list_is_refused(tmp_path):
    path = tmp_path / "x-major-drug-transit-fy.md"
    path.write_text("Memorandum on Major Illicit Drug Producing Countries for Fiscal Year 2030\n")
    with pytest.raises(RawLayoutError, match="I hereby identify"):
        majors.parse_determination(path)


def test_nflis_bad_period_is_refused(tmp_path):
    folder = tmp_path / "dea_nflis"
    folder.mkdir()
    header = ",".join(dea.COLUMNS)
    (folder / "NFLIS_Drug_DQS_2030.csv").write_text(
        header + "\n2024,SA3,5,2026-03-03 13:26:55,FENTANYL,Fentanyl,Fentanyl,PA,Pennsylvania,42\n")
    with pytest.raises(RawLayoutError, match="NFLIS_Drug_DQS_2030.csv: PERIOD must be one of"):
        dea.build(tmp_path)
