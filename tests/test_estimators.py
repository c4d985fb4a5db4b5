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


def test_holm_gives_the_textbook_adjustment():
    # m = 4: 0.005 x 4 = 0.02, 0.01 x 3 = 0.03, 0.03 x 2 = 0.06, 0.04 x 1 = 0.04 -> 0.06 (monotone)
    assert statistics.holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert statistics.holm([0.5, 0.6]) == pytest.approx([1.0, 1.0])  # capped at 1
    assert statistics.holm([0.2]) == pytest.approx([0.2])


def test_rmspe_ratio_p_value_counts_the_placebos_at_least_as_large():
    ratios = pd.Series([1.0, 2.0, 3.0, 4.0, 0.5])
    assert statistics.rmspe_ratio_p_value(3.0, ratios) == pytest.approx(3 / 6)  # 3, 4 and itself
    assert statistics.rmspe_ratio_p_value(9.0, ratios) == pytest.approx(1 / 6)


def small_synthetic_panel() -> pd.DataFrame:
    """Five donors on their own random walks and T = 0.5 D1 + 0.5 D2, which drops by 3 from 2008."""
    rng = np.random.default_rng(4)
    years = list(range(2000, 2012))
    series = {f"D{i}": 10 + i + np.cumsum(rng.normal(0, 1, len(years))) for i in range(1, 6)}
    series["T"] = 0.5 * series["D1"] + 0.5 * series["D2"] - 3.0 * (np.array(years) >= 2008)
    return pd.DataFrame(
        [{"unit": u, "year": y, "v": v} for u, s in series.items() for y, v in zip(years, s, strict=True)]
    )


def test_synthetic_placebo_p_value_equals_a_hand_count():
    data = small_synthetic_panel()
    fit = statistics.synthetic_control(data, "v", "unit", "year", "T", 2008)
    placebos = statistics.synthetic_placebos(data, "v", "unit", "year", "T", 2008)
    assert sorted(placebos.index) == ["D1", "D2", "D3", "D4", "D5"]  # T never a donor of a placebo
    ratios = {}
    for unit in ["T", *placebos.index]:  # by hand: each unit's own fit, RMSPE from its gaps
        pool = data if unit == "T" else data[data["unit"] != "T"]
        gap = statistics.synthetic_control(pool, "v", "unit", "year", unit, 2008).path.set_index("period")[
            "gap"
        ]
        ratios[unit] = np.sqrt((gap[gap.index >= 2008] ** 2).mean()) / np.sqrt(
            (gap[gap.index < 2008] ** 2).mean()
        )
    assert placebos["rmspe_ratio"].to_dict() == pytest.approx({k: v for k, v in ratios.items() if k != "T"})
    at_least = sum(r >= ratios["T"] for r in ratios.values())  # the treated unit counted
    assert statistics.rmspe_ratio_p_value(fit.rmspe_ratio, placebos["rmspe_ratio"]) == at_least / 6
    assert fit.rmspe_ratio == pytest.approx(ratios["T"]) and at_least == 1  # the planted drop ranks first


def test_balanced_members_keep_only_units_with_every_year():
    data = pd.DataFrame(
        {"u": ["a", "a", "b", "c", "c"], "t": [1, 2, 1, 1, 2], "v": [1.0, 2.0, 3.0, 4.0, np.nan]}
    )
    assert statistics.balanced_members(data, "u", "t", "v", [1, 2]) == ["a"]
    assert statistics.balanced_members(data, "u", "t", "v", [1]) == ["a", "b", "c"]
