"""Crop headlines and series held against the raw files: Peru's latest year (DEVIDA), one edition
per year with its breaks marked, lower bounds worded "at least", figures that are not a year's
value left out, and correlations without a chance band said to have too few years."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from drugflows import paths, tables
from drugflows.domain import crops as domain_crops
from drugflows.reports import source_countries

SHARED = paths.SHARED_DATA_DIR


@pytest.fixture(scope="module")
def estimates() -> pd.DataFrame:
    return tables.load("crop_estimates")


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    return pd.read_csv(f"{SHARED}/published_figures/figures.csv")


def coca_reading(estimates, crop="coca"):
    data = source_countries.load()
    crop, countries, names = source_countries.validate(crop, None, data)
    cultivated = source_countries.one_series(estimates, crop, countries)
    eradicated = source_countries.complete_eradication(estimates, crop, countries)
    ratio = source_countries.comparable_intensity(eradicated, cultivated)
    correlations = source_countries.change_correlations(cultivated)
    latest = source_countries.latest_figures(estimates, crop, countries)
    return source_countries.reading(crop, cultivated, ratio, correlations, names, latest)


def test_peru_headline_names_devida_2024_from_the_raw_table(estimates):
    raw = pd.read_csv(f"{SHARED}/peru/coca_department_2020_2024.csv")
    total_2024 = float(raw.loc[raw["Departamento"].str.strip().str.upper() == "TOTAL", "2024"].iloc[0])
    assert total_2024 == 89_755
    line = next(s for s in coca_reading(estimates) if s.startswith("Peru"))
    assert f"{round(total_2024, -2):,.0f} ha in 2024, the latest year on file" in line
    assert "DEVIDA" in line and "National government" in line
    # UNODC's Peru series (WDR 2022 annex) ends in 2020 at 61,800 ha: both are named
    assert "UNODC's series, the longest, ends in 2020 at 61,800 ha" in line


def test_one_edition_per_year_prefers_the_publishers_table(estimates, figures):
    rows = domain_crops.side_by_side(estimates, "coca", ["COL"]).query("estimate_by == 'UNODC'")
    value = rows.set_index("year")["value"]
    annex = figures[
        (figures["series"] == "coca_cultivation")
        & (figures["country_iso3"] == "COL")
        & figures["source_title"].str.contains("6.1.1")
    ].set_index("year")["value"]
    # 2020: the WDR 2022 annex (142,800), not a press copy of the same year (143,000)
    assert value[2020] == annex[2020] == 142_800
    # 2009: the 2022 edition revised the 2010 edition's 68,000 to 73,000; a break is marked
    assert value[2009] == annex[2009] == 73_000
    marks = domain_crops.breaks(rows)
    assert (
        (marks["year"] == 2009) & (marks["before"] == "published 2010") & (marks["after"] == "published 2022")
    ).any()


def test_lower_bounds_are_floors_and_worded_at_least(estimates, figures):
    stated = figures[
        (figures["series"] == "coca_eradication_manual")
        & (figures["country_iso3"] == "COL")
        & (figures["year"] == 2021)
    ]
    assert "more than 103,000" in stated["quote"].iloc[0]
    eradicated = domain_crops.eradication(estimates, "coca", ["COL", "PER", "BOL"])
    assert 2021 in eradicated.attrs["floor"]["COL"] and 2020 not in eradicated.attrs["floor"]["COL"]
    table = source_countries.eradication_table(
        eradicated, {"COL": "Colombia", "PER": "Peru", "BOL": "Bolivia"}
    )
    assert table.set_index("Year").loc[2021, "Colombia"] == "at least 103,000"
    poppy = domain_crops.side_by_side(estimates, "opium_poppy", ["AFG"]).set_index("year")
    assert poppy.loc[2021, "value"] == 177_000 and poppy.loc[2021, "floor"]  # "more than 177 thousand"


def test_cumulative_eradication_is_not_a_year(estimates):
    # Afghanistan "2009": 9,236 ha, the 2005-2009 total of one force (SOURCE.md): never a year
    eradicated = domain_crops.eradication(estimates, "opium_poppy", ["AFG"])
    assert 2009 not in eradicated.index
    assert eradicated.loc[2013, "AFG"] == 7_348


def test_no_chance_band_reads_too_few_years():
    correlations = pd.DataFrame(
        {
            "country_a": ["A", "A"],
            "country_b": ["B", "C"],
            "years": [7, 12],
            "r": [-0.9, 0.1],
            "chance_band": [np.nan, 0.59],
        }
    )
    table = source_countries.correlations_table(correlations, {"A": "Aland", "B": "Bland", "C": "Cland"})
    assert table["Chance band (+/-)"].tolist() == ["too few years", "0.59"]
    cultivated = pd.DataFrame({"A": [1.0, 2.0]}, index=[2000, 2001])
    lines = source_countries.reading("coca", cultivated, pd.DataFrame(), correlations, {})
    assert "None of the 1 country pairs with enough years (1 other pairs: too few years)" in lines[-1]
    none = source_countries.reading("coca", cultivated, pd.DataFrame(), correlations.iloc[:1], {})
    assert none[-1].startswith("Too few years")


def test_hectares_are_rounded():
    assert domain_crops.round_ha(89_755) == 89_800 and domain_crops.round_ha(355) == 360


def test_a_figure_known_only_from_scrambled_text_is_left_out(estimates, figures):
    # SOURCE.md: Afghanistan 1999, 90,983 ha, comes only from a news agency's scrambled text
    scrambled = figures[(figures["series"] == "opium_poppy_cultivation") & (figures["country_iso3"] == "AFG")]
    assert scrambled.loc[scrambled["year"] == 1999, "value"].tolist() == [90_983]
    wdr_2000 = scrambled[(scrambled["year"] == 2000) & (scrambled["published_year"] == 2016)]["value"].iloc[0]
    series = domain_crops.one_series(estimates, "opium_poppy", ["AFG"])["AFG"].dropna()
    assert series.index[0] == 2000 and series.iloc[0] == wdr_2000 == 82_171


def test_every_report_title_reads_without_a_raw_key():
    """Titles (and the profile links that reuse them) name the crop in words: "opium poppy", not
    the parameter value "opium_poppy"."""
    from drugflows.render import catalog

    titles = {spec.key: spec.title for spec in catalog.load_catalog()}
    assert titles["source_countries/opium-poppy"] == (
        "Source countries: opium poppy cultivation, eradication and production"
    )
    raw = {key: title for key, title in titles.items() if re.search(r"[_{}]", title)}
    assert raw == {}


def test_intensity_averages_only_complete_same_estimator_years_over_the_gate(estimates, figures):
    """Colombia's average starts in 2004 (manual eradication is not recorded before: 2001-2003 are
    aerial spraying only); Myanmar's two years are listed, not averaged, and match the UNODC fact
    sheet's eradication over cultivation; Mexico's ONDCP cultivation is not divided into its
    government's eradication."""
    coca = coca_reading(estimates)
    colombia = next(line for line in coca if line.startswith("Colombia eradicated on average"))
    assert "(2004-2022;" in colombia
    poppy = coca_reading(estimates, "opium_poppy")

    def published(series, year):
        row = figures[(figures["series"] == series) & (figures["country_iso3"] == "MMR")]
        return row[row["year"] == year]["value"].iloc[0]

    ratios = [
        published("opium_poppy_eradication", y) / published("opium_poppy_cultivation", y)
        for y in (2011, 2012)
    ]
    assert ratios == pytest.approx([7058 / 43600, 23718 / 51000])
    myanmar = next(line for line in poppy if line.startswith("Myanmar: hectares eradicated"))
    assert f"{ratios[0]:.2g} in 2011 and {ratios[1]:.2g} in 2012; no average" in myanmar
    assert "fewer than the 5 an average needs" in myanmar
    assert not any(line.startswith("Mexico eradicated") for line in poppy)
    assert any(line.startswith("Mexico: no eradication intensity") for line in poppy)
    first = published("opium_poppy_cultivation", 2000)
    assert first == 108_700
    assert any(
        "108,700 ha in 2000, the highest on file (UNODC; the series starts in 2000)" in line for line in poppy
    )
