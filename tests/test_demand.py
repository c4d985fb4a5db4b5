"""Demand-side helpers on constructed series with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from drugflows.domain import demand
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
    correlations = pd.DataFrame({"lag": [0], "years": [1], "r": [np.nan]})
    lines = us_demand.reading("heroin", series, correlations)
    assert lines[0] == (
        "Deaths involving heroin fell from 2.0 to 1.0 per 100,000 between 2019 and 2020 (age-adjusted)."
    )
    assert lines[1] == "US seizures reported to UNODC peaked in 2020 at 7 kg (years on file 2019-2020)."
    assert lines[2].startswith("The death and seizure series overlap for too few years")
