"""Estimators on constructed panels where the truth is known, and against statsmodels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from drugflows import estimators


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
            rows.append({"unit": f"u{i:02d}", "year": 2000 + t, "treatment": treatment, "y": y,
                         "placebo": rng.normal(0, 1)})
    return pd.DataFrame(rows)


def test_planted_effect_is_recovered():
    fit = estimators.twfe(panel(-0.8), "y", ["treatment"], "unit", "year")
    assert fit["treatment"]["coef"] == pytest.approx(-0.8, abs=0.1)
    assert fit["treatment"]["ci_low"] < -0.8 < fit["treatment"]["ci_high"]
    assert fit.observations == 60 * 12 and fit.clusters == 60


def test_placebo_regressor_gives_about_zero():
    fit = estimators.twfe(panel(-0.8), "y", ["treatment", "placebo"], "unit", "year")
    placebo = fit["placebo"]
    assert abs(placebo["coef"]) < 2.5 * placebo["se"]
    assert placebo["ci_low"] < 0 < placebo["ci_high"]


def test_matches_statsmodels_with_dummies_and_clusters():
    import statsmodels.formula.api as smf

    data = panel(0.5, seed=4, units=25, years=8)
    data.loc[data.sample(frac=0.1, random_state=2).index, "y"] = np.nan  # unbalanced panel
    ours = estimators.twfe(data, "y", ["treatment"], "unit", "year")
    complete = data.dropna(subset=["y"])
    reference = smf.ols("y ~ treatment + C(unit) + C(year)", data=complete).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(complete["unit"])[0]})
    assert ours["treatment"]["coef"] == pytest.approx(reference.params["treatment"], rel=1e-9)
    assert ours["treatment"]["se"] == pytest.approx(reference.bse["treatment"], rel=1e-6)


def test_refuses_a_regressor_without_within_variation():
    data = panel(0.5, units=5, years=4)
    data["constant_in_unit"] = data["unit"].str[-1].astype(int)
    with pytest.raises(ValueError, match="'constant_in_unit' has no variation within units"):
        estimators.twfe(data, "y", ["constant_in_unit"], "unit", "year")
