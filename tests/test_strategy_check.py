"""The strategy check: its verdict rules on constructed inputs (each verdict of the scale reachable,
boundaries included), its evidence against reads of the raw files that do not go through the
loaders, and its links against the catalog."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from drugflows import params, paths
from drugflows.reports import strategy_check as sc

CBP_RAW = ("nationwide-drugs-fy19-fy22.csv", "nationwide-drugs-fy23-fy26-apr.csv")


@pytest.fixture(scope="module")
def data():
    return sc.load()


@pytest.fixture(scope="module")
def found(data):
    return {c.claim.key: c for c in sc.checks(data, sc.select(None, sc.SPAN_YEARS, data))}


# --- the rules -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "verdict"),
    [
        ({"a": True, "b": True}, sc.SUPPORTED),
        ({"a": True, "b": False}, sc.PARTLY),
        ({"a": False, "b": False}, sc.CONTRADICTED),
        ({}, sc.NOT_CHECKABLE),
    ],
)
def test_all_or_some(flags, verdict):
    assert sc.all_or_some(flags) == verdict


@pytest.mark.parametrize(
    ("changes", "verdict"),
    [
        ({"a": -0.5, "b": -0.3, "c": 0.4}, sc.SUPPORTED),  # two of three fell: 2/3 is enough
        ({"a": -0.5, "b": 0.3, "c": 0.4}, sc.CONTRADICTED),
        ({"a": -0.5, "b": -0.3, "c": 0.4, "d": 0.3}, sc.CONTRADICTED),  # as many rose as fell
        ({"a": -0.5, "b": -0.3, "c": 0.4, "d": 0.05}, sc.PARTLY),  # +5% is within the tolerance
        ({"a": 0.05, "b": -0.05, "c": 0.0}, sc.CONTRADICTED),  # nothing moved: no fall to see
        ({"a": float("nan")}, sc.NOT_CHECKABLE),
        ({}, sc.NOT_CHECKABLE),
    ],
)
def test_direction_wanting_a_fall(changes, verdict):
    assert sc.direction(changes, wanted=-1, tolerance=0.1) == verdict


def test_direction_takes_a_tolerance_per_unit():
    changes = {"a": 0.3, "b": 0.3, "c": -0.3}
    assert sc.direction(changes, wanted=+1, tolerance={"a": 0.1, "b": 0.1, "c": 0.5}) == sc.SUPPORTED
    assert sc.direction(changes, wanted=+1, tolerance={"a": 0.5, "b": 0.1, "c": 0.1}) == sc.CONTRADICTED


def test_direction_wanting_a_rise_is_the_mirror():
    assert sc.direction({"a": 0.5, "b": 0.3, "c": -0.4}, wanted=+1, tolerance=0.1) == sc.SUPPORTED
    assert sc.direction({"a": 0.5, "b": 0.3, "c": -0.4}, wanted=-1, tolerance=0.1) == sc.CONTRADICTED


@pytest.mark.parametrize(
    ("value", "verdict"),
    [
        (0.5, sc.SUPPORTED),
        (0.4999, sc.PARTLY),
        (0.25, sc.PARTLY),
        (0.2499, sc.CONTRADICTED),
        (float("nan"), sc.NOT_CHECKABLE),
    ],
)
def test_share_boundaries(value, verdict):
    assert sc.share(value, 0.5, 0.25) == verdict


def _cbp(rows):
    """A constructed CBP table: (fiscal_year, region, drug, kg) for all 12 months of a fiscal year."""
    months = pd.date_range("2022-10-01", periods=12, freq="MS")
    frame = [
        {"month": m, "fiscal_year": fy, "region": region, "drug": drug, "kg": kg / 12}
        for fy, region, drug, kg in rows
        for m in months
    ]
    return pd.DataFrame(frame)


def test_southwest_verdicts_on_constructed_seizures():
    drugs = ("Heroin", "Methamphetamine", "Fentanyl")
    mostly_south = _cbp(
        [(2023, "Southwest Border", d, 9000.0) for d in drugs]
        + [(2023, "Northern Border", d, 1000.0) for d in drugs]
    )
    assert sc.check_southwest(mostly_south, 2023).verdict == sc.SUPPORTED
    # the same shares, under the rule's 1,000 kg at the Southwest Border: not a significant flow
    small = _cbp(
        [(2023, "Southwest Border", d, 900.0) for d in drugs]
        + [(2023, "Northern Border", d, 100.0) for d in drugs]
    )
    assert sc.check_southwest(small, 2023).verdict == sc.PARTLY
    mostly_north = _cbp(
        [(2023, "Southwest Border", d, 10.0) for d in drugs]
        + [(2023, "Northern Border", d, 90.0) for d in drugs]
    )
    assert sc.check_southwest(mostly_north, 2023).verdict == sc.CONTRADICTED
    mixed = _cbp(
        [(2023, "Southwest Border", d, kg) for d, kg in zip(drugs, (90.0, 40.0, 10.0), strict=True)]
        + [(2023, "Northern Border", d, kg) for d, kg in zip(drugs, (10.0, 60.0, 90.0), strict=True)]
    )
    assert sc.check_southwest(mixed, 2023).verdict == sc.PARTLY


def _deaths(values):
    months = pd.date_range("2019-01-01", periods=len(values), freq="MS")
    return pd.DataFrame({"state": "US", "month": months, "deaths_12m": values})


def test_harm_verdicts_on_constructed_deaths():
    rising = list(range(100, 100 + 90))
    assert sc.check_harm(_deaths(rising)).verdict == sc.CONTRADICTED
    # up to a peak of 200, then down to 150: 25% below the peak, and above 5 years earlier (100)
    peaked = [100] * 30 + [200] * 30 + [150] * 30
    assert sc.check_harm(_deaths(peaked)).verdict == sc.PARTLY
    # down to 80: below the peak and below the level 5 years earlier
    assert sc.check_harm(_deaths([100] * 30 + [200] * 30 + [80] * 30)).verdict == sc.SUPPORTED


def test_parameters_are_checked(data):
    with pytest.raises(params.ParameterError, match="complete fiscal year"):
        sc.select(2026, 10, data)  # CBP's file stops in April 2026
    with pytest.raises(params.ParameterError, match="span_years"):
        sc.select(None, 50, data)
    with pytest.raises(params.ParameterError, match="span_years"):
        sc.select(None, True, data)
    assert sc.select(2023, 5, data) == sc.Setup(2023, 5)


# --- the evidence, against the raw files -----------------------------------------------------------


def _raw_cbp():
    frames = [pd.read_csv(paths.SHARED_DATA_DIR / "cbp_drug_seizures" / name) for name in CBP_RAW]
    raw = pd.concat(frames)
    raw["fy"] = raw["FY"].astype(str).str[:4].astype(int)
    return raw[raw["Component"].isin(["Office of Field Operations", "U.S. Border Patrol"])]


def test_southwest_shares_match_the_raw_cbp_files(found):
    raw = _raw_cbp()
    fy2025 = raw[raw["fy"] == 2025]
    for drug in ("Heroin", "Methamphetamine", "Fentanyl"):
        rows = fy2025[fy2025["Drug Type"] == drug]
        share = (
            rows.loc[rows["Region"] == "Southwest Border", "Sum Qty (lbs)"].sum()
            / rows["Sum Qty (lbs)"].sum()
        )
        assert f"{100 * share:.0f}% for {drug.lower()}" in found["southwest_border"].evidence
    # heroin: 89% at the Southwest Border, but under 1,000 kg there
    heroin_kg = fy2025.loc[
        (fy2025["Drug Type"] == "Heroin") & (fy2025["Region"] == "Southwest Border"), "Sum Qty (lbs)"
    ]
    assert heroin_kg.sum() * 0.45359237 < sc.LARGE_SCALE_KG
    assert found["southwest_border"].verdict == sc.PARTLY


def test_trafficking_amounts_match_the_raw_cbp_files(found):
    raw = _raw_cbp()
    lbs = raw[raw["fy"] == 2025].groupby("Drug Type")["Sum Qty (lbs)"].sum()
    kg = lbs * 0.45359237
    for drug in ("Fentanyl", "Methamphetamine"):
        three_digits = float(f"{kg[drug]:.3g}")
        assert f"{drug.lower()} {three_digits:,.0f} kg" in found["trafficking"].evidence
    # heroin is under the rule's 1,000 kg, so the claim is only partly supported
    assert kg["Heroin"] < sc.LARGE_SCALE_KG and found["trafficking"].verdict == sc.PARTLY


def test_harm_matches_the_raw_vsrr_file(found):
    raw = pd.read_csv(
        paths.SHARED_DATA_DIR / "cdc_overdose_recent" / "cdc_api_provisional_overdose_counts.csv"
    )
    us = raw[raw["state"] == "US"].dropna(subset=["data_value"])
    peak = us.loc[us["data_value"].idxmax()]
    assert (peak["year"], peak["month"], peak["data_value"]) == (2023, "June", 77_695)
    evidence = found["harm_at_home"].evidence
    assert "36,825" in evidence and "77,695 in the 12 months to June 2023" in evidence
    assert f"{100 * (1 - 36_825 / 77_695):.0f}% below the peak" in evidence
    assert found["harm_at_home"].verdict == sc.SUPPORTED


def test_threat_finance_counts_are_the_may_2024_list(found):
    evidence = found["threat_finance"].evidence
    # ../shared/data/ofac_sdn/SOURCE.md: entries by narcotics programme in the May 2024 file
    for count in ("(SDNTK) 1,439", "(SDNT) 216", "(ILLICIT-DRUGS) 293"):
        assert count in evidence
    assert found["threat_finance"].verdict == sc.PARTLY  # designations only: no proceeds on file


def test_coca_cultivation_matches_the_published_figures(found):
    figures = pd.read_csv(paths.SHARED_DATA_DIR / "published_figures" / "figures.csv")
    unodc = figures[(figures["series"] == "coca_cultivation") & (figures["estimate_by"] == "UNODC")]
    colombia = unodc[unodc["country_iso3"] == "COL"].groupby("year")["value"].unique()
    table = found["eradication_coca"].table.set_index("Country")
    latest, first = table.loc["Colombia", "Latest year"], table.loc["Colombia", "From year"]
    assert (latest, first) == (2023, 2013)
    assert list(colombia[latest]) == [table.loc["Colombia", "Hectares latest"]] == [253_000]
    assert table.loc["Colombia", "Change (%)"] == pytest.approx(100 * (253_000 / colombia[first][0] - 1))
    # The verdict rests on the municipal panel (manual eradication: -0.30, interval -0.50 to -0.10,
    # held against a raw OLS in test_partnership_outcomes), not on the national endpoints.
    assert (
        "manual eradication in the municipality: -0.30 in 2004-2016 (-0.50 to -0.10)"
        in found["eradication_coca"].evidence
    )
    assert found["eradication_coca"].verdict == sc.PARTLY
    assert found["eradication_opium_poppy"].verdict == sc.NOT_CHECKABLE


# --- the page ------------------------------------------------------------------------------------


def test_every_claim_is_checked_once_and_not_checkable_ones_say_what_would(found):
    assert len(found) == 14
    for check in found.values():
        assert check.verdict in sc.SCALE
        assert check.claim.rule and check.evidence
        if check.verdict == sc.NOT_CHECKABLE:
            assert check.needs and "It would need" in check.evidence


def test_cited_reports_are_in_the_catalog(found):
    catalog = yaml.safe_load((paths.PROJECT_ROOT / "reports.yml").read_text())["notebooks"]
    runs = {f"{nb}/{run['name']}" for nb, spec in catalog.items() for run in spec.get("runs", [])}
    for check in found.values():
        assert set(check.claim.reports) <= runs, check.claim.key


def test_headline_counts_the_verdicts(found):
    checks = list(found.values())
    first = sc.reading(checks)[0]
    counts = pd.Series([c.verdict for c in checks]).value_counts()
    assert first.startswith(f"Of {len(checks)} claims")
    for verdict in sc.SCALE:
        assert f"{counts.get(verdict, 0)} {verdict}" in first


def test_mexico_line_holds_the_sesnsp_known_values(found):
    # ../shared/data/mexico_sesnsp/SOURCE.md: 34,723 victims of intentional homicide in 2019, the peak
    evidence = found["violence"].evidence
    assert "the peak complete year on file was 2019 (about 34,700)" in evidence
    assert "registrations (SESNSP), not death certificates" in evidence
