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
    cbp = pd.DataFrame(
        {
            "drug": "Cocaine",
            "component": "OFO",
            "fiscal_year": [2019] * 12 + [2020],
            "month": months,
            "kg": 1.0,
        }
    )
    nflis = pd.DataFrame({"category": [], "year": [], "reports": []})
    out = demand.annual_series("cocaine", deaths, unodc, cbp, nflis)
    assert out.loc[2019, "death_rate"] == 4.0 and out.loc[2019, "us_seizures_portal_kg"] == 10.0
    assert out.loc[2019, "cbp_seizures_kg"] == 12.0
    assert out["us_seizures_kg"].isna().all()  # a portal row never fills the national series
    assert np.isnan(out.loc[2020, "cbp_seizures_kg"])  # FY2020 incomplete: left out
    assert out["nflis_reports"].isna().all()


def test_reading_sentences():
    series = pd.DataFrame(
        {"death_rate": [2.0, 1.0], "us_seizures_kg": [5.0, 7.0], "us_seizures_portal_kg": [np.nan, np.nan]},
        index=pd.Index([2019, 2020], name="year"),
    )
    correlations = pd.DataFrame(
        {"lag": [0], "years": [1], "r": [np.nan], "chance_band": [np.nan], "chance_band_best": [np.nan]}
    )
    lines = us_demand.reading("heroin", series, correlations)
    assert lines[0] == (
        "Deaths involving heroin fell from 2.0 to 1.0 per 100,000 between 2019 and 2020 (age-adjusted)."
    )
    assert lines[1] == (
        "In UNODC's national series (2019-2020), US seizures were highest in 2020, its latest year: "
        "about 7 kg."
    )
    assert lines[2].startswith("The death rates and the national seizure series give at most 1 paired")


def _raw_national_us(shared_data, group: str, drugs: list[str]) -> pd.Series:
    """US kg by year in UNODC's national series (seizures_unodc.xlsx), summed over ``drugs``."""
    raw = pd.read_excel(shared_data / "unodc" / "seizures_unodc.xlsx")
    raw[["region", "subregion", "country", "drug_group"]] = raw[
        ["region", "subregion", "country", "drug_group"]
    ].ffill()
    rows = raw[(raw["country"] == "United States of America") & (raw["drug_group"] == group)]
    rows = rows[rows["drug"].isin(drugs)]
    years = [c for c in raw.columns if str(c).replace(".0", "").isdigit()]
    return rows[years].sum().rename(lambda c: int(float(c)))


def _raw_portal_us(shared_data, subgroups: list[str]) -> pd.Series:
    raw = pd.read_excel(shared_data / "unodc" / "drug_seizures_2018_2022.xlsx", header=1)
    rows = raw[(raw["msCode"] == "USA") & raw["DrugSubGroup"].isin(subgroups)]
    return rows.groupby("Reference year")["Kilograms"].sum()


def test_us_seizures_keep_the_two_unodc_vintages_apart(shared_data):
    """The national series (to 2019) and the portal export (2018-2022) are two columns; in the
    overlap years they differ by about a quarter for US cocaine, so neither is spliced on the other.
    Expected values are summed here from the two raw UNODC files (coca leaf left out)."""
    national = _raw_national_us(
        shared_data,
        "Cocaine-type",
        ["Coca paste/cocaine base", "Crack", "Non-specified cocaine", "Cocaine salts"],
    )
    portal = _raw_portal_us(shared_data, ["Cocaine", "Other coca/cocaine-type drugs"])
    _, series, *_ = us_demand.validate("cocaine", None, None, us_demand.load())
    assert series.loc[2018, "us_seizures_kg"] == pytest.approx(national[2018])  # 254,310
    assert series.loc[2019, "us_seizures_kg"] == pytest.approx(national[2019])  # 259,994
    assert series.loc[2018, "us_seizures_portal_kg"] == pytest.approx(portal[2018])  # 193,654
    assert round(national[2018]) == 254310 and round(portal[2018]) == 193654
    assert series["us_seizures_kg"].last_valid_index() == 2019
    assert series["us_seizures_portal_kg"].first_valid_index() == 2018
    lines = us_demand.seizure_sentences(series)
    assert lines[0] == (
        "In UNODC's national series (1990-2019), US seizures were highest in 2019, its latest year: "
        "about 260,000 kg."
    )
    gap = 100 * (1 - (portal[2018] + portal[2019]) / (national[2018] + national[2019]))
    assert round(gap) == 26
    assert f"it gives {round(gap)}% less (2018: 194,000 kg against 254,000 kg" in lines[1]


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


def test_cocaine_correlation_uses_the_national_series_alone(shared_data):
    """Cocaine, 1999-2020 deaths against the national series (to 2019) alone: the best lag (1 year)
    has r = 0.56 on 21 paired years, beyond the band for the best of three lags (0.54). The spliced
    series (national to 2017, export from 2018) gave r = 0.47, within it: the verdict rested on the
    change across the two vintages. r is computed here with numpy from the CDC table and the raw
    UNODC national series."""
    from drugflows import tables

    deaths = tables.load("us_overdose_deaths")
    rate = deaths[
        (deaths["source"] == WONDER_SERIES)
        & (deaths["drug"] == "cocaine")
        & (deaths["measure"] == "rate_age_adjusted")
    ]
    rate = pd.Series(rate["value"].to_numpy(), index=rate["period"].astype(int)).sort_index()
    national = _raw_national_us(
        shared_data,
        "Cocaine-type",
        [
            "Coca paste/cocaine base",
            "Crack",
            "Non-specified cocaine",
            "Cocaine salts",
            "Cocaine (base, paste and salts)",
        ],
    )
    national = national.reindex(range(1990, 2021))  # by year: 2020 pairs with the 2018-2019 change
    both = pd.concat([national.diff().shift(1), rate.diff()], axis=1).dropna()
    r = np.corrcoef(both.iloc[:, 0], both.iloc[:, 1])[0, 1]
    assert len(both) == 21 and round(r, 2) == 0.56
    _, series, *_ = us_demand.validate("cocaine", None, None, us_demand.load())
    correlations = us_demand.lagged_correlations(series["us_seizures_kg"], series["death_rate"])
    best = correlations.set_index("lag").loc[1]
    assert best["r"] == pytest.approx(r, abs=0.005) and best["chance_band_best"] == pytest.approx(
        2.394 / np.sqrt(20), rel=1e-3
    )
    text = us_demand.reading("cocaine", series, correlations)[-1]
    assert "lag of 1 year (r = 0.56, 21 paired years)" in text
    assert "+/-0.54" in text and "beyond it: an association, not a cause" in text


def test_caveat_says_where_the_death_rates_end():
    import json

    from drugflows import paths

    notebook = json.loads((paths.NOTEBOOKS_DIR / "us_demand.ipynb").read_text())
    text = " ".join("".join(cell["source"]) for cell in notebook["cells"])
    assert "is not in these files" not in text
    assert "The death rates this report reads end in 2020" in " ".join(text.split())


def test_demand_takes_the_cbp_spelling():
    drug, *_ = us_demand.validate("Fentanyl", None, None, us_demand.load())
    assert drug == "fentanyl"


def test_fentanyl_seizures_are_only_in_the_portal_export(shared_data):
    """UNODC's national series holds cannabis, cocaine and opioids but no fentanyl: the report says
    the export is the only vintage on file and computes no correlation (US fentanyl 2018 in the raw
    export: 2,525 kg)."""
    raw = pd.read_excel(shared_data / "unodc" / "drug_seizures_2018_2022.xlsx", header=1)
    us = raw[(raw["msCode"] == "USA") & (raw["DrugName"] == "Fentanyl")]
    assert round(us.loc[us["Reference year"] == 2018, "Kilograms"].sum()) == 2525
    _, series, *_ = us_demand.validate("fentanyl", None, None, us_demand.load())
    assert series["us_seizures_kg"].isna().all()
    assert round(series.loc[2018, "us_seizures_portal_kg"]) == 2525
    lines = us_demand.seizure_sentences(series)
    assert lines == [
        "US seizures reported to UNODC are on file only in its portal export (2018-2022), the "
        "national series having none of this drug."
    ]
