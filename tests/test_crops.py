"""Crop headlines and series held against the raw files: Peru's latest year (DEVIDA), one edition
per year with its breaks marked, lower bounds worded "at least", figures that are not a year's
value left out, and correlations without a chance band said to have too few years."""

from __future__ import annotations

import re
from statistics import NormalDist

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
            "adjusted_band": [np.nan, 0.59],
            "detectable": [np.nan, 0.72],
        }
    )
    table = source_countries.correlations_table(correlations, {"A": "Aland", "B": "Bland", "C": "Cland"})
    assert table["Chance band (+/-), one pair"].tolist() == ["too few years", "0.59"]
    assert table["Smallest size the adjusted test detects 4 times in 5"].tolist() == ["too few years", "0.72"]
    cultivated = pd.DataFrame({"A": [1.0, 2.0]}, index=[2000, 2001])
    lines = source_countries.reading("coca", cultivated, pd.DataFrame(), correlations, {})
    assert "None of the 1 country pairs with enough years (1 other pair: too few years)" in lines[-1]
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
    colombia = next(line for line in coca if line.startswith("Colombia: on average"))
    assert "(2004-2020, 2022;" in colombia  # 2021 rests on a lower bound: out of the average
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
    assert not any(line.startswith("Mexico: on average") for line in poppy)
    assert any(line.startswith("Mexico: no eradication intensity") for line in poppy)
    first = published("opium_poppy_cultivation", 2000)
    assert first == 108_700
    assert any(
        "108,700 ha in 2000, the highest on file (UNODC; the series starts in 2000)" in line for line in poppy
    )


def _latest_unodc_cultivation(figures, countries):
    """Years x countries: UNODC coca cultivation from the published figures, read directly, the
    latest publication of each year."""
    rows = figures[
        (figures["series"] == "coca_cultivation")
        & figures["country_iso3"].isin(countries)
        & (figures["estimate_by"] == "UNODC")
    ]
    wide = rows.sort_values("published_year").groupby(["country_iso3", "year"])["value"].last().unstack(0)
    return wide.reindex(range(wide.index.min(), wide.index.max() + 1))


def test_intensity_above_one_is_not_a_share_and_a_floor_is_left_out(estimates, figures):
    """Colombia: 2008's ratio (the highest) from the published eradication and cultivation figures,
    read directly; the headline says a ratio above 1 counts repeat spraying passes against a
    year-end census and never calls it a share; 2021's eradication was published as "more than
    103,000" ha, so its ratio is a lower bound, named as such and left out of the average."""
    coca = coca_reading(estimates)
    colombia = next(line for line in coca if line.startswith("Colombia: on average"))
    cultivation = _latest_unodc_cultivation(figures, ["COL"])["COL"]
    manual = figures[(figures["series"] == "coca_eradication_manual") & (figures["country_iso3"] == "COL")]
    stated_2021 = manual[manual["year"] == 2021]
    assert "more than 103,000" in stated_2021["quote"].iloc[0] and cultivation[2021] == 204_000
    floor_ratio = stated_2021["value"].iloc[0] / cultivation[2021]
    assert (
        '2021 is left out of the average: its eradication figure was published as "more than 103,000 ha", '
        "so its " in colombia
    )
    assert f"ratio (at least {floor_ratio:.2f}) is a lower bound, not a complete figure." in colombia
    assert "hectares eradicated per hectare of coca bush standing at year end" in colombia
    assert "so not a share" in colombia and "several times a year" in colombia and "31 December" in colombia
    assert "share of" not in colombia
    total = figures[(figures["series"] == "coca_eradication_total") & (figures["country_iso3"] == "COL")]
    erad_2008 = total[total["year"] == 2008].sort_values("published_year")["value"].iloc[-1]
    assert f"highest {erad_2008 / cultivation[2008]:.2g} in 2008" in colombia
    # Peru and Bolivia (manual eradication only) never reach 1: no repeat-pass sentence
    assert not any("so not a share" in line for line in coca if line.startswith(("Peru", "Bolivia")))


def test_intensity_marks_each_kind_of_bound():
    eradicated = pd.DataFrame({"A": [50.0, 60.0, 70.0]}, index=[2000, 2001, 2002])
    cultivated = pd.DataFrame({"A": [100.0, 100.0, 100.0]}, index=[2000, 2001, 2002])
    eradicated.index.name = cultivated.index.name = "year"
    eradicated.attrs["floor"], cultivated.attrs["floor"] = {"A": {2000, 2002}}, {"A": {2001, 2002}}
    ratio = domain_crops.intensity(eradicated, cultivated)
    assert ratio.attrs["bound"] == {"A": {2000: "lower", 2001: "upper", 2002: "unknown"}}
    line = source_countries.intensity_sentences(ratio, "coca", {"A": "Aland"})[0]
    assert "Aland: no complete year" in line
    assert "(at least 0.50) is a lower bound" in line and "(at most 0.60) is an upper bound" in line
    rows = source_countries.intensity_rows(ratio, {"A": "Aland"})
    assert rows["year"].tolist() == [2000] and rows["floor"].tolist() == [True]  # upper left out


def test_balloon_headline_reports_bolivia_peru_and_what_the_test_could_detect(estimates, figures):
    """Bolivia and Peru's yearly changes of UNODC cultivation, recomputed here from the published
    figures: r = +0.67 over 14 years, beyond the band Bonferroni-adjusted for the three pairs; the
    headline names it, and says how strong a negative correlation the test could have seen."""
    wide = _latest_unodc_cultivation(figures, ["BOL", "PER"])
    changes = wide.diff().dropna()
    r = changes["BOL"].corr(changes["PER"])
    assert len(changes) == 14 and r == pytest.approx(0.67, abs=0.005)
    z_adjusted = NormalDist().inv_cdf(1 - 0.05 / 6)  # two-sided 5%, three pairs
    band = z_adjusted / np.sqrt(len(changes) - 1)
    assert abs(r) > band > 1.96 / np.sqrt(len(changes) - 1)
    lines = coca_reading(estimates)
    together = next(line for line in lines if line.startswith("Yearly changes move together"))
    assert f"Bolivia and Peru (r = {r:+.2f}, 14 years, band +/-{band:.2f})" in together
    null = next(line for line in lines if line.startswith("None of the 3 country pairs"))
    assert "Bonferroni-adjusted for the 3 pairs tested" in null
    assert "no evidence that there is none" in null and "no balloon effect is visible" not in null
    detectable = np.tanh((z_adjusted + NormalDist().inv_cdf(0.8)) / np.sqrt(len(changes) - 3))
    assert f"{detectable:.2f}" in null


def test_detectable_correlation_is_detected_four_times_in_five():
    """The size :func:`detectable_correlation` gives, checked by simulation: series correlated at
    that size cross the (adjusted) chance band about 80% of the time."""
    from drugflows.domain.statistics import chance_band, detectable_correlation

    rng = np.random.default_rng(7)
    for pairs, tests in ((14, 3), (20, 1)):
        rho, band = detectable_correlation(pairs, tests), chance_band(pairs, tests)
        draws = rng.multivariate_normal([0, 0], [[1, rho], [rho, 1]], size=(20_000, pairs))
        x, y = (
            draws[..., 0] - draws[..., 0].mean(1, keepdims=True),
            draws[..., 1] - draws[..., 1].mean(1, keepdims=True),
        )
        r = (x * y).sum(1) / np.sqrt((x**2).sum(1) * (y**2).sum(1))
        assert (np.abs(r) > band).mean() == pytest.approx(0.8, abs=0.04)
