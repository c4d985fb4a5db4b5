"""Demand-side helpers on constructed series with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from drugflows.domain import demand, statistics
from drugflows.reports import us_demand
from drugflows.sources.cdc import WONDER_SERIES


def test_lagged_correlation_finds_a_one_year_lag():
    years = range(2000, 2016)
    rng = np.random.default_rng(3)
    cause = pd.Series(np.cumsum(rng.normal(0, 1, len(years))), index=years)
    effect = 2 * cause.shift(1) + 5  # effect follows cause one year later, exactly
    out = demand.lagged_correlations(cause, effect).set_index("lag")
    assert out.loc[1, "r"] == pytest.approx(1.0)
    assert abs(out.loc[0, "r"]) < 0.9
    assert out.loc[1, "years"] == len(years) - 2  # one lost to differencing, one to the lag
    assert out.loc[1, "chance_band"] == pytest.approx(1.96 / np.sqrt(len(years) - 3))


def test_lagged_correlation_needs_enough_years():
    short = pd.Series([1.0, 2.0, 4.0, 3.0], index=range(2019, 2023))
    out = demand.lagged_correlations(short, short)
    assert out["r"].isna().all() and out["years"].tolist() == [3, 2, 1]


def test_annual_series_joins_the_sources():
    deaths = pd.DataFrame(
        {
            "source": WONDER_SERIES,
            "drug": "cocaine",
            "measure": "rate_age_adjusted",
            "period": ["2019", "2020"],
            "value": [4.0, 5.0],
        }
    )
    unodc = pd.DataFrame(
        {
            "iso3": ["USA", "USA", "MEX"],
            "year": [2019, 2020, 2020],
            "drug_class": "cocaine",
            "drug": "Cocaine hydrochloride",
            "kg": [10.0, 20.0, 99.0],
            "source": "UNODC data portal, drug seizures 2018-2022",
        }
    )
    months = pd.date_range("2018-10-01", periods=13, freq="MS")  # FY2019 whole, FY2020 one month
    cbp = pd.DataFrame({"drug": "Cocaine", "fiscal_year": [2019] * 12 + [2020], "month": months, "kg": 1.0})
    nflis = pd.DataFrame({"category": [], "year": [], "reports": []})
    out = demand.annual_series("cocaine", deaths, unodc, cbp, nflis)
    assert out.loc[2019].tolist()[:3] == [4.0, 10.0, 12.0]
    assert np.isnan(out.loc[2020, "cbp_seizures_kg"])  # FY2020 incomplete: left out
    assert out["nflis_reports"].isna().all()


def test_reading_sentences():
    series = pd.DataFrame(
        {"death_rate": [2.0, 1.0], "us_seizures_kg": [5.0, 7.0]}, index=pd.Index([2019, 2020], name="year")
    )
    correlations = pd.DataFrame(
        {"lag": [0], "years": [1], "r": [np.nan], "chance_band": [np.nan], "chance_band_best": [np.nan]}
    )
    lines = us_demand.reading("heroin", series, correlations)
    assert lines[0] == (
        "Deaths involving heroin fell from 2.0 to 1.0 per 100,000 between 2019 and 2020 (age-adjusted)."
    )
    assert lines[1] == "US seizures reported to UNODC peaked in 2020 at 7 kg (years on file 2019-2020)."
    assert lines[2] == (
        "The death and seizure series give at most 1 paired year(s) of changes, fewer than the 8 a "
        "correlation needs here: no correlation is estimated."
    )


def test_no_chance_band_and_no_r_below_eight_pairs():
    assert np.isnan(statistics.chance_band(7)) and statistics.chance_band(8) == pytest.approx(
        1.96 / np.sqrt(7)
    )
    # Bonferroni for the best of three lags: z = 2.394 (two-sided 0.05 / 3)
    assert statistics.chance_band(21, tests=3) == pytest.approx(2.3940 / np.sqrt(20), rel=1e-4)
    years = range(2010, 2019)  # 9 years: 8 changes at lag 0, 7 at lag 1
    values = pd.Series(np.arange(9.0) ** 2, index=years)
    out = demand.lagged_correlations(values, values).set_index("lag")
    assert out.loc[0, "years"] == 8 and not np.isnan(out.loc[0, "r"])
    assert out.loc[1, "years"] == 7 and np.isnan(out.loc[1, "r"]) and np.isnan(out.loc[1, "chance_band"])


def test_cocaine_headline_uses_the_bonferroni_band_on_the_real_series():
    """Cocaine, 1999-2020: the best lag (1 year) has r = 0.47 on 21 paired years, beyond the
    one-test band (0.44) but within the band for the best of three lags (0.54): no association
    beyond chance is claimed. r is computed here with numpy from the deaths and UNODC tables."""
    from drugflows import tables

    deaths = tables.load("us_overdose_deaths")
    rate = deaths[
        (deaths["source"] == WONDER_SERIES)
        & (deaths["drug"] == "cocaine")
        & (deaths["measure"] == "rate_age_adjusted")
    ]
    rate = pd.Series(rate["value"].to_numpy(), index=rate["period"].astype(int)).sort_index()
    data = us_demand.load()
    _, series, first, last = us_demand.validate("cocaine", None, None, data)
    seized = series["us_seizures_kg"]
    both = pd.concat([seized.diff().shift(1), rate.diff()], axis=1).dropna()
    r = np.corrcoef(both.iloc[:, 0], both.iloc[:, 1])[0, 1]
    assert len(both) == 21 and round(r, 2) == 0.47
    correlations = us_demand.lagged_correlations(series["us_seizures_kg"], series["death_rate"])
    best = correlations.set_index("lag").loc[1]
    assert best["r"] == pytest.approx(r) and best["chance_band_best"] == pytest.approx(
        2.394 / np.sqrt(20), rel=1e-3
    )
    text = us_demand.reading("cocaine", series, correlations)[-1]
    assert "lag of 1 year (r = 0.47, 21 paired years)" in text
    assert "+/-0.54" in text and "within it: no association beyond chance is shown" in text


def test_demand_takes_the_cbp_spelling():
    drug, *_ = us_demand.validate("Fentanyl", None, None, us_demand.load())
    assert drug == "fentanyl"
