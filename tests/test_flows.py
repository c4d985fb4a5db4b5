"""Flow indicators on small constructed inputs with answers worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from drugflows import flows

MONTHS = pd.date_range("2020-10-01", periods=24, freq="MS")  # FY2021 and FY2022


def test_seizures_per_traffic_joins_field_office_and_month():
    seizures = pd.DataFrame({
        "component": ["OFO", "OFO", "USBP", "OFO"],
        "aor": ["SAN DIEGO FIELD OFFICE", "SAN DIEGO FIELD OFFICE", "SAN DIEGO SECTOR",
                "TUCSON FIELD OFFICE"],
        "month": pd.to_datetime(["2021-01-01", "2021-01-01", "2021-01-01", "2021-03-01"]),
        "lbs": [30.0, 10.0, 500.0, 7.0], "events": [2, 1, 9, 1]})
    crossings = pd.DataFrame({
        "field_office": ["SAN DIEGO FIELD OFFICE"] * 3 + [None, "TUCSON FIELD OFFICE"],
        "month": pd.to_datetime(["2021-01-01"] * 4 + ["2021-02-01"]),
        "measure": ["Personal Vehicles", "Trucks", "Personal Vehicle Passengers",
                    "Personal Vehicles", "Trucks"],
        "value": [1_500_000, 500_000, 9_000_000, 100, 200_000]})
    out = flows.seizures_per_traffic(seizures, crossings)
    # Jan 2021 is the only month in both; San Diego: 40 lb over 2.0 M vehicles (passengers not counted)
    assert out.to_dict("records") == [{
        "field_office": "SAN DIEGO FIELD OFFICE", "month": pd.Timestamp("2021-01-01"),
        "vehicles": 2_000_000, "lbs": 40.0, "events": 3, "lbs_per_million_vehicles": 20.0,
        "events_per_million_vehicles": 1.5}]


def test_seasonal_profile_on_a_known_pattern():
    # Every December is double an ordinary month: FY mean = 13/12, so December = 2 / (13/12)
    values = pd.Series([2.0 if m.month == 12 else 1.0 for m in MONTHS], index=MONTHS)
    values = pd.concat([values, pd.Series([5.0], index=[pd.Timestamp("2022-10-01")])])  # partial FY
    profile = flows.seasonal_profile(values).set_index("month")
    assert profile.loc[12, "index"] == pytest.approx(2 / (13 / 12))
    assert profile.loc[5, "index"] == pytest.approx(1 / (13 / 12))
    assert profile["years"].eq(2).all()  # the partial FY2023 is left out


def test_change_points_recover_a_planted_shift():
    rng = np.random.default_rng(7)
    index = pd.date_range("2018-10-01", periods=60, freq="MS")
    level = np.where(np.arange(60) < 24, 100.0, 300.0)
    level[45:] = 150.0
    series = pd.Series(level + rng.normal(0, 15, 60), index=index)
    found = flows.change_points(series)
    assert found == [index[24], index[45]]


def test_change_points_find_nothing_in_noise_and_short_series():
    rng = np.random.default_rng(11)
    index = pd.date_range("2018-10-01", periods=60, freq="MS")
    assert flows.change_points(pd.Series(100 + rng.normal(0, 15, 60), index=index)) == []
    assert flows.change_points(pd.Series([1.0, 9.0, 1.0], index=index[:3])) == []


def test_seasonal_profile_accepts_a_series_indexed_by_month():
    values = pd.Series(1.0, index=pd.DatetimeIndex(MONTHS, name="month"))
    assert flows.seasonal_profile(values)["index"].eq(1.0).all()


def test_level_shifts_on_the_real_fentanyl_series():
    from drugflows import seizures, tables

    table = tables.load("cbp_seizures_monthly")
    sel = seizures.select(table, "Fentanyl", "Southwest Border", None, None)
    monthly = seizures.monthly(seizures.subset(table, sel), seizures.covered_months(table, sel))
    shifts = flows.seizure_level_shifts(monthly["lbs"])
    # the 2020 take-off, the 2022 climb to the FY2023 peak, and the late-2024 fall
    assert [f"{m:%Y}" for m in shifts] == ["2020", "2022", "2024"]
