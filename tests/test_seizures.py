"""Border seizure indicators on small hand-made tables whose answers are worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from drugflows import tables
from drugflows.domain import seizures
from drugflows.params import ParameterError
from drugflows.reports import border_seizures


def row(
    month,
    lbs,
    events=1,
    component="OFO",
    region="Southwest Border",
    drug="Fentanyl",
    aor="SAN DIEGO FIELD OFFICE",
):
    month = pd.Timestamp(month)
    return {
        "month": month,
        "fiscal_year": month.year + (month.month >= 10),
        "component": component,
        "region": region,
        "drug": drug,
        "aor": aor,
        "events": events,
        "lbs": float(lbs),
    }


@pytest.fixture
def table():
    """FY2024 complete (Oct 2023-Sep 2024) and FY2025 to date (Oct-Dec 2024).

    Fentanyl, Southwest Border: 10 lb a month in FY2024 except February 2024 (nothing seized),
    so FY2024 = 110 lb in 11 events; Oct-Dec 2023 = 30 lb. FY2025 to date: 20 lb a month = 60 lb,
    plus one USBP seizure of 40 lb in 2 events in November 2024 -> 100 lb, 5 events.
    A Northern Border row and a cocaine row must be left out.
    """
    rows = [row(m, 10) for m in pd.date_range("2023-10-01", "2024-09-01", freq="MS") if m.month != 2]
    rows += [row(m, 20) for m in pd.date_range("2024-10-01", "2024-12-01", freq="MS")]
    rows += [row("2024-11-01", 40, events=2, component="USBP", aor="YUMA SECTOR")]
    rows += [row("2024-02-01", 999, region="Northern Border", aor="DETROIT FIELD OFFICE")]
    rows += [row("2024-02-01", 555, drug="Cocaine")]
    frame = pd.DataFrame(rows)
    frame["fytd"] = frame["fiscal_year"] == 2025
    return frame


@pytest.fixture
def selected(table):
    sel = border_seizures.select(table, "fentanyl", "southwest border", None, None)
    rows = seizures.subset(table, sel)
    months = seizures.covered_months(table, sel)
    return sel, rows, months


def test_select_normalises_case_and_defaults_to_all_years(table):
    sel = border_seizures.select(table, "FENTANYL", "Southwest Border", None, None)
    assert (sel.drug, sel.region, sel.first_fy, sel.last_fy) == ("Fentanyl", "Southwest Border", 2024, 2025)
    assert (sel.name, sel.drug_title) == ("fentanyl", "Fentanyl")


def test_select_takes_the_report_name_and_cbp_spelling_of_a_drug():
    table = tables.load("cbp_seizures_monthly")
    for given in ("cannabis", "Marijuana", "MARIJUANA"):
        sel = border_seizures.select(table, given, "Southwest Border", None, None)
        assert (sel.drug, sel.name) == ("Marijuana", "cannabis")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"drug": "Unobtainium"}, "Unknown drug 'Unobtainium'. Valid values: cocaine, fentanyl"),
        (
            {"region": "Moon"},
            "Unknown region 'Moon'. Valid values: Northern Border, Southwest Border, All regions",
        ),
        ({"drug": 7}, "Parameter 'drug' must be a string, got int 7"),
        ({"first_fy": 2010}, "Parameter 'first_fy' = 2010 is outside the years on file: 2024-2025"),
        ({"last_fy": "2025"}, "Parameter 'last_fy' must be a whole year or None, got str '2025'"),
        ({"first_fy": 2025, "last_fy": 2024}, "first_fy = 2025 is after last_fy = 2024"),
    ],
)
def test_bad_parameters_name_the_valid_values(table, kwargs, message):
    args = {"drug": "Fentanyl", "region": "Southwest Border", "first_fy": None, "last_fy": None}
    with pytest.raises(ParameterError) as err:
        border_seizures.select(table, **{**args, **kwargs})
    assert message in str(err.value)


def test_monthly_fills_gaps_with_zero_and_rolls_12_months(selected):
    _, rows, months = selected
    monthly = seizures.monthly(rows, months)
    assert len(monthly) == 15  # Oct 2023 - Dec 2024
    assert monthly.loc["2024-02-01", "lbs"] == 0
    assert math.isnan(monthly.loc["2024-08-01", "lbs_12m"])  # only 11 months so far
    assert monthly.loc["2024-09-01", "lbs_12m"] == 110
    # Oct 2024 window: Nov 2023-Sep 2024 = 10 months x 10 (Feb empty), + 20 in Oct = 120
    assert monthly.loc["2024-10-01", "lbs_12m"] == 120
    # Dec 2024 window: Jan-Sep 2024 (8 x 10) + 20 + 60 + 20 = 180
    assert monthly.loc["2024-12-01", "lbs_12m"] == 180


def test_fiscal_years_compare_partial_year_with_same_months(selected):
    _, rows, months = selected
    years = seizures.fiscal_years(rows, months)
    assert years.loc[2024, ["months", "lbs", "events"]].tolist() == [12, 110, 11]
    assert not years.loc[2024, "partial"]
    assert years.loc[2025, ["months", "lbs", "events"]].tolist() == [3, 100, 5]
    assert years.loc[2025, "partial"]
    assert years.loc[2025, "label"] == "FY2025 (Oct-Dec, partial)"
    # FY2025 Oct-Dec (100 lb) against FY2024 Oct-Dec (30 lb): +233.3%
    assert years.loc[2025, "change_pct"] == pytest.approx(100 * (100 / 30 - 1))
    assert math.isnan(years.loc[2024, "change_pct"])  # no FY2023 on file
    assert years.loc[2025, "lbs_per_event"] == pytest.approx(20.0)


def test_components_places_and_reading(selected):
    sel, rows, months = selected
    components = seizures.by_component(rows)
    assert components.loc[2025].to_dict() == {"OFO": 60.0, "USBP": 40.0}
    assert components.loc[2024, "USBP"] == 0
    places = seizures.top_places(rows)
    assert places["aor"].tolist() == ["SAN DIEGO FIELD OFFICE", "YUMA SECTOR"]
    assert places["share_pct"].round(6).tolist() == [round(100 * 170 / 210, 6), round(100 * 40 / 210, 6)]
    years = seizures.fiscal_years(rows, months)
    text = " ".join(border_seizures.reading(sel, years, components, places))
    assert "In FY2024, CBP seized 110 lb of fentanyl (Southwest Border)." in text
    assert "So far in FY2025 (Oct-Dec, partial), 100 lb, 233% more than" in text
    assert "Of FY2024's 110 lb, 100% was seized at ports of entry (OFO)" in text
    share = 100 * 170 / 210  # San Diego's pounds over all pounds of the selection, by hand
    span = f"FY{sel.first_fy}-FY{sel.last_fy}"
    assert (
        f"Of all the pounds seized in {span}, the San Diego Field Office (OFO) accounts for {share:.0f}%."
        in text
    )


def test_reading_when_nothing_was_seized(table):
    sel = border_seizures.select(table, "Cocaine", "Northern Border", None, None)
    rows = seizures.subset(table, sel)
    months = seizures.covered_months(table, sel)
    years = seizures.fiscal_years(rows, months)
    lines = border_seizures.reading(sel, years, seizures.by_component(rows), seizures.top_places(rows))
    assert lines == ["CBP recorded no seizures of cocaine (Northern Border) in FY2024-FY2025."]


def _raw_cbp(shared_data):
    raw = pd.read_csv(shared_data / "cbp_drug_seizures" / "nationwide-drugs-fy23-fy26-apr.csv")
    return raw[raw["FY"].astype(str).str[:4] == "2023"]


def test_a_one_event_spike_is_found_and_flagged_in_the_headline(shared_data):
    """February 2023, Northern Border cocaine: one seizure event of 26,630 lb at the Seattle field
    office (CBP's FY2023 file), against months of a few pounds."""
    raw = _raw_cbp(shared_data)
    cell = raw[
        (raw["Month (abbv)"] == "FEB")
        & (raw["Region"] == "Northern Border")
        & (raw["Drug Type"] == "Cocaine")
        & (raw["Area of Responsibility"] == "SEATTLE FIELD OFFICE")
        & (raw["Land Filter"] == "Other")
    ]
    assert cell["Count of Event"].tolist() == [1]
    event_lbs = cell["Sum Qty (lbs)"].iloc[0]
    nb = raw[(raw["Region"] == "Northern Border") & (raw["Drug Type"] == "Cocaine")]
    fy_share = 100 * event_lbs / nb["Sum Qty (lbs)"].sum()
    assert round(event_lbs) == 26_630 and round(fy_share) == 99

    table = tables.load("cbp_seizures_monthly")
    sel = border_seizures.select(table, "cocaine", "Northern Border", 2022, 2024)
    rows, months = seizures.subset(table, sel), seizures.covered_months(table, sel)
    spikes = seizures.one_event_spikes(rows, months).set_index("month")
    feb = spikes.loc[pd.Timestamp("2023-02-01")]
    assert feb["events"] == 1 and feb["aor"] == "SEATTLE FIELD OFFICE"
    assert feb["event_lbs"] == pytest.approx(event_lbs, rel=1e-6)
    assert feb["share_of_fy_pct"] == pytest.approx(fy_share, rel=1e-6)
    years = seizures.fiscal_years(rows, months)
    lines = border_seizures.reading(
        sel, years, seizures.by_component(rows), seizures.top_places(rows), spikes.reset_index()
    )
    assert (
        "February 2023 rests on one seizure event at the Seattle Field Office (OFO): 26,630 lb, "
        "against a median month of 0.8 lb in the year before, and 99% of FY2023's pounds"
    ) in " ".join(lines)


def test_no_spike_in_a_steady_series():
    months = pd.date_range("2022-10-01", periods=24, freq="MS")
    rows = pd.DataFrame(
        {
            "month": months,
            "aor": "SAN DIEGO FIELD OFFICE",
            "component": "OFO",
            "land_filter": "Land Only",
            "lbs": 100.0,
            "events": 1,
        }
    )
    assert seizures.one_event_spikes(rows, pd.DatetimeIndex(months)).empty
    rows.loc[20, ["lbs", "events"]] = (5_000.0, 1)  # one load of 50 median months
    spikes = seizures.one_event_spikes(rows, pd.DatetimeIndex(months))
    assert spikes["month"].tolist() == [months[20]] and spikes["median_lbs"].iloc[0] == 100.0


def test_a_change_carried_by_one_event_loads_says_so_in_the_same_sentence(shared_data):
    """Northern Border fentanyl, FY2025 against FY2024: +79%, but two one-event loads carry FY2025:
    the Buffalo Sector seizure of April 2025 (12.4 lb, by itself over five median months, though under
    half of its month) and the Detroit Sector one of May 2025 (30.8 lb, 40% of the year); a June 2024
    one is 13% of FY2024's. Without them the change is a fall. Expected values from CBP's raw file."""
    raw = pd.read_csv(shared_data / "cbp_drug_seizures" / "nationwide-drugs-fy23-fy26-apr.csv")
    raw = raw[(raw["Region"] == "Northern Border") & (raw["Drug Type"] == "Fentanyl")]
    fy = raw["FY"].astype(str).str[:4].astype(int)
    total = raw.groupby(fy)["Sum Qty (lbs)"].sum()

    def biggest(year: int, month: str) -> pd.Series:
        rows = raw[(fy == year) & (raw["Month (abbv)"] == month)]
        return rows.loc[rows["Sum Qty (lbs)"].idxmax()]

    april = raw[(fy == 2025) & (raw["Month (abbv)"] == "APR")]
    buffalo = april[april["Area of Responsibility"] == "BUFFALO SECTOR"].iloc[0]
    may_event, june_event = biggest(2025, "MAY"), biggest(2024, "JUN")
    assert buffalo["Count of Event"] == may_event["Count of Event"] == june_event["Count of Event"] == 1
    assert round(buffalo["Sum Qty (lbs)"], 2) == 12.37
    assert buffalo["Sum Qty (lbs)"] < 0.5 * april["Sum Qty (lbs)"].sum()  # under half its month
    loads_2025 = buffalo["Sum Qty (lbs)"] + may_event["Sum Qty (lbs)"]
    change = 100 * (total[2025] / total[2024] - 1)
    without = 100 * ((total[2025] - loads_2025) / (total[2024] - june_event["Sum Qty (lbs)"]) - 1)
    share = 100 * loads_2025 / total[2025]
    assert round(change) == 79 and round(share) == 56 and without < 0

    table = tables.load("cbp_seizures_monthly")
    sel = border_seizures.select(table, "fentanyl", "Northern Border", None, None)
    rows, months = seizures.subset(table, sel), seizures.covered_months(table, sel)
    spikes = seizures.one_event_spikes(rows, months)
    april_spike = spikes.set_index("month").loc[pd.Timestamp("2025-04-01")]
    assert april_spike["aor"] == "BUFFALO SECTOR" and april_spike["events"] == 1
    assert april_spike["event_lbs"] == pytest.approx(buffalo["Sum Qty (lbs)"])
    lines = border_seizures.reading(
        sel,
        seizures.fiscal_years(rows, months),
        seizures.by_component(rows),
        seizures.top_places(rows),
        spikes,
    )
    assert lines[0].startswith(
        f"In FY2025, CBP seized {total[2025]:,.0f} lb of fentanyl (Northern Border), {change:.0f}% more "
        f"than in FY2024, but {share:.0f}% of FY2025's pounds rests on two seizure events (April 2025, "
        "May 2025)"
    )
    assert lines[0].endswith(f": without them, {abs(without):.0f}% less.")
    assert lines[1] == "FY2025 is the highest complete fiscal year on file, with those loads counted."
    # the partial FY2026 is compared with October-April FY2025, which holds the April load
    first_months = raw[
        (fy == 2025) & raw["Month (abbv)"].isin(["OCT", "NOV", "DEC", "JAN", "FEB", "MAR", "APR"])
    ]
    assert round(100 * buffalo["Sum Qty (lbs)"] / first_months["Sum Qty (lbs)"].sum()) == 32
    assert "32% of the same months of FY2025 rests on one seizure event (April 2025)" in lines[2]
    assert any(
        line.startswith("April 2025 holds one seizure event at the Buffalo Sector (USBP) of 12 lb")
        for line in lines
    )
