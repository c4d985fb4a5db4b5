"""Estimators on constructed panels where the truth is known, and against statsmodels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from drugflows.domain import statistics


def panel(effect: float, seed: int = 1, units: int = 60, years: int = 12) -> pd.DataFrame:
    """y = unit effect + year effect + effect * treatment + noise; treatment varies within units
    and is correlated with the unit effects (so pooled OLS would be biased, TWFE is not)."""
    rng = np.random.default_rng(seed)
    unit_effect = rng.normal(0, 5, units)
    year_effect = rng.normal(0, 2, years)
    rows = []
    for i in range(units):
        for t in range(years):
            treatment = max(0.0, rng.normal(unit_effect[i] / 5 + t / years, 1))
            y = 10 + unit_effect[i] + year_effect[t] + effect * treatment + rng.normal(0, 1)
            rows.append(
                {
                    "unit": f"u{i:02d}",
                    "year": 2000 + t,
                    "treatment": treatment,
                    "y": y,
                    "placebo": rng.normal(0, 1),
                }
            )
    return pd.DataFrame(rows)


def test_planted_effect_is_recovered():
    fit = statistics.twfe(panel(-0.8), "y", ["treatment"], "unit", "year")
    assert fit["treatment"]["coef"] == pytest.approx(-0.8, abs=0.1)
    assert fit["treatment"]["ci_low"] < -0.8 < fit["treatment"]["ci_high"]
    assert fit.observations == 60 * 12 and fit.clusters == 60


def test_placebo_regressor_gives_about_zero():
    fit = statistics.twfe(panel(-0.8), "y", ["treatment", "placebo"], "unit", "year")
    placebo = fit["placebo"]
    assert abs(placebo["coef"]) < 2.5 * placebo["se"]
    assert placebo["ci_low"] < 0 < placebo["ci_high"]


def test_matches_statsmodels_with_dummies_and_clusters():
    import statsmodels.formula.api as smf

    data = panel(0.5, seed=4, units=25, years=8)
    data.loc[data.sample(frac=0.1, random_state=2).index, "y"] = np.nan  # unbalanced panel
    ours = statistics.twfe(data, "y", ["treatment"], "unit", "year")
    complete = data.dropna(subset=["y"])
    reference = smf.ols("y ~ treatment + C(unit) + C(year)", data=complete).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(complete["unit"])[0]}
    )
    assert ours["treatment"]["coef"] == pytest.approx(reference.params["treatment"], rel=1e-9)
    assert ours["treatment"]["se"] == pytest.approx(reference.bse["treatment"], rel=1e-6)


def test_refuses_a_regressor_without_within_variation():
    data = panel(0.5, units=5, years=4)
    data["constant_in_unit"] = data["unit"].str[-1].astype(int)
    with pytest.raises(ValueError, match="'constant_in_unit' has no variation within units"):
        statistics.twfe(data, "y", ["constant_in_unit"], "unit", "year")


def country_panel(effect: float, seed: int = 5, countries: int = 20) -> pd.DataFrame:
    """Yearly outcome for 20 countries, 1990-2015; country A gets ``effect`` from 2000 on."""
    rng = np.random.default_rng(seed)
    trend = np.linspace(0, 3, 26)
    rows = []
    for c in range(countries):
        name = "A" if c == 0 else f"C{c:02d}"
        level = rng.normal(10, 3)
        for t, year in enumerate(range(1990, 2016)):
            value = level + trend[t] + rng.normal(0, 0.3)
            if name == "A" and year >= 2000:
                value += effect
            rows.append({"country": name, "year": year, "homicide_rate": value})
    return pd.DataFrame(rows)


def test_event_study_recovers_a_planted_jump():
    study = statistics.event_study(country_panel(-4.0), "homicide_rate", "country", "year", ["A"], 2000)
    assert study["relative_year"].min() == -5 and study["relative_year"].max() == 10
    assert study.loc[study["relative_year"] < 0, "effect"].abs().max() < 0.6
    assert statistics.post_effect(study) == pytest.approx(-4.0, abs=0.3)


def test_permutation_test_separates_effect_from_no_effect():
    observed, p_value, placebo = statistics.permutation_test(
        country_panel(-4.0), "homicide_rate", "country", "year", ["A"], 2000
    )
    assert observed == pytest.approx(-4.0, abs=0.3)
    assert len(placebo) == 19 and p_value == pytest.approx(1 / 20)  # the most extreme of 20
    _, p_null, _ = statistics.permutation_test(
        country_panel(0.0), "homicide_rate", "country", "year", ["A"], 2000
    )
    assert p_null > 0.1


def test_event_study_needs_both_groups():
    data = country_panel(0.0)
    with pytest.raises(ValueError, match="both treated and comparison"):
        statistics.event_study(data[data["country"] == "A"], "homicide_rate", "country", "year", ["A"], 2000)


def test_synthetic_control_recovers_weights_and_effect():
    rng = np.random.default_rng(9)
    years = list(range(1995, 2015))
    donors = {f"D{i}": rng.normal(10, 2) + np.cumsum(rng.normal(0, 1, len(years))) for i in range(6)}
    treated = 0.3 * donors["D1"] + 0.7 * donors["D4"]
    treated = treated + np.where(np.array(years) >= 2008, -2.5, 0.0)
    rows = [
        {"country": name, "year": y, "v": v}
        for name, series in {**donors, "T": treated}.items()
        for y, v in zip(years, series, strict=True)
    ]
    fit = statistics.synthetic_control(pd.DataFrame(rows), "v", "country", "year", "T", 2008)
    assert fit.weights["D1"] == pytest.approx(0.3, abs=0.02)
    assert fit.weights["D4"] == pytest.approx(0.7, abs=0.02)
    assert fit.weights.sum() == pytest.approx(1.0) and (fit.weights >= 0).all()
    assert fit.pre_rmspe < 0.05
    assert fit.post_effect == pytest.approx(-2.5, abs=0.1)


def test_simplex_projection():
    w = statistics._project_to_simplex(np.array([0.5, 2.0, -1.0]))
    assert w.tolist() == pytest.approx([0.0, 1.0, 0.0])
    w = statistics._project_to_simplex(np.array([0.2, 0.2, 0.2]))
    assert w.tolist() == pytest.approx([1 / 3, 1 / 3, 1 / 3])
