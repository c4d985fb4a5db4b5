"""Seizures: CBP's monthly border seizures and the national series countries report to UNODC.

``cbp_seizures_monthly`` (pounds and events by month, area of responsibility, component and drug;
CBP OFO and USBP): a missing (month, AOR, drug) cell in CBP's files means no seizure was recorded, so
monthly series are filled with zeros over the months the table covers. ``unodc_seizures`` (kg by
country, year and drug class): one series per year (:func:`unodc_series`). Border traffic from
``border_crossings_monthly`` (BTS) puts port seizures over the vehicles that crossed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from drugflows.domain.drugs import DRUGS, UNODC_NAMES, unodc_rows
from drugflows.domain.statistics import change_points
from drugflows.fiscal import fiscal_year_of
from drugflows.sources.cbp import OFO, USBP
from drugflows.sources.unodc import HISTORIC_SERIES, PORTAL_SERIES

ALL_REGIONS = "All regions"
#: "At the border", in every report: CBP's Office of Field Operations at ports of entry and the
#: Border Patrol between them. Air and Marine Operations (AMO) is counted apart: its air and marine
#: units seize at sea, in the air and in the transit zone, not necessarily at the border.
BORDER_COMPONENTS = (OFO, USBP)
AT_THE_BORDER = "at the US border (CBP at ports of entry and the Border Patrol between them)"
AMO_WHERE = (
    "by CBP Air and Marine Operations, whose air and marine units seize at sea, in the air and in "
    "the transit zone, not necessarily at the border"
)

#: CBP's regions (``cbp_seizures_monthly.region``) on the land borders, and the third region, away
#: from them: the Coastal/Interior field offices (airports, seaports, mail and express facilities
#: inland and on the coasts) and the Border Patrol's coastal sectors. A seizure "at the border" in
#: the Coastal/Interior region is not on a land border.
LAND_BORDER_REGIONS = ("Southwest Border", "Northern Border")
COASTAL_INTERIOR = "Coastal/Interior"
COASTAL_INTERIOR_WHERE = (
    "in CBP's Coastal/Interior region (airports, seaports and mail facilities away from the land "
    "borders, and the Border Patrol's coastal sectors)"
)


def border_regions(rows: pd.DataFrame, value: str = "kg") -> pd.Series:
    """``value`` (kg or lbs) of CBP rows at the border (:data:`BORDER_COMPONENTS`) by region, land
    borders first (:data:`LAND_BORDER_REGIONS`, then :data:`COASTAL_INTERIOR`); zeros where none."""
    at = rows[rows["component"].isin(BORDER_COMPONENTS)]
    order = [*LAND_BORDER_REGIONS, COASTAL_INTERIOR]
    return at.groupby("region")[value].sum().reindex(order, fill_value=0.0)


@dataclass(frozen=True)
class Selection:
    """A validated choice of drug (CBP's drug type; ``name``: the report drug), region and fiscal
    years (inclusive)."""

    drug: str
    region: str
    first_fy: int
    last_fy: int
    name: str | None = None

    @property
    def drug_label(self) -> str:
        """The drug as sentences name it (the report drug's label, else CBP's type in lower case)."""
        return DRUGS[self.name].label if self.name in DRUGS else self.drug.lower()

    @property
    def drug_title(self) -> str:
        """:attr:`drug_label` with a capital, for titles ("LSD", "Ecstasy (MDMA)")."""
        return self.drug_label[:1].upper() + self.drug_label[1:]

    @property
    def where(self) -> str:
        """Where, as sentences say it ("at the Southwest Border", "in all regions")."""
        return "in all regions" if self.region == ALL_REGIONS else f"at the {self.region}"

    @property
    def label(self) -> str:
        return f"{self.drug_label} seized {self.where}, FY{self.first_fy}-FY{self.last_fy}"


def subset(table: pd.DataFrame, sel: Selection) -> pd.DataFrame:
    """Rows of the selected drug, region and fiscal years."""
    keep = (table["drug"] == sel.drug) & table["fiscal_year"].between(sel.first_fy, sel.last_fy)
    if sel.region != ALL_REGIONS:
        keep &= table["region"] == sel.region
    return table[keep]


def covered_months(table: pd.DataFrame, sel: Selection) -> pd.DatetimeIndex:
    """Every month the whole table covers within the selected fiscal years."""
    months = pd.Series(sorted(table["month"].unique()))
    return pd.DatetimeIndex(months[fiscal_year_of(months).between(sel.first_fy, sel.last_fy)])


def monthly(rows: pd.DataFrame, months: pd.DatetimeIndex) -> pd.DataFrame:
    """Pounds and events per month (zeros where nothing was seized), with 12-month rolling sums.

    ``lbs_12m`` is the sum of the 12 months ending in that month; missing for the first 11 months.
    """
    series = rows.groupby("month")[["lbs", "events"]].sum().reindex(months, fill_value=0)
    series.index.name = "month"
    series["lbs_12m"] = series["lbs"].rolling(12).sum()
    series["events_12m"] = series["events"].rolling(12).sum()
    return series


def fiscal_years(rows: pd.DataFrame, months: pd.DatetimeIndex) -> pd.DataFrame:
    """Totals by fiscal year with the partial year flagged and the change on the year before.

    For a partial year the change compares the same months of the year before (e.g. Oct-Apr with
    Oct-Apr), so ``change_pct`` is always like for like. ``lbs_per_event`` is average seizure size.
    """
    by_month = monthly(rows, months)[["lbs", "events"]]
    by_month["fiscal_year"] = fiscal_year_of(by_month.index.to_series())
    by_month["month_of_fy"] = (by_month.index.month - 10) % 12 + 1
    out = by_month.groupby("fiscal_year").agg(
        months=("lbs", "size"),
        last_month=("month_of_fy", "max"),
        lbs=("lbs", "sum"),
        events=("events", "sum"),
    )
    out["partial"] = out["months"] < 12
    out["lbs_per_event"] = out["lbs"] / out["events"].where(out["events"] > 0)
    comparable = []
    for fy, row in out.iterrows():
        prior = by_month[(by_month["fiscal_year"] == fy - 1) & (by_month["month_of_fy"] <= row["last_month"])]
        enough = len(prior) == row["months"]
        comparable.append(prior["lbs"].sum() if enough else float("nan"))
    out["prior_lbs_same_months"] = comparable
    base = out["prior_lbs_same_months"].where(out["prior_lbs_same_months"] > 0)
    out["change_pct"] = 100 * (out["lbs"] / base - 1)
    first_month = months.to_series().groupby(fiscal_year_of(months.to_series())).min()
    last_month = months.to_series().groupby(fiscal_year_of(months.to_series())).max()
    out["label"] = [
        f"FY{fy}" + (f" ({first_month[fy]:%b}-{last_month[fy]:%b}, partial)" if part else "")
        for fy, part in out["partial"].items()
    ]
    return out.drop(columns="last_month")


def by_component(rows: pd.DataFrame) -> pd.DataFrame:
    """Pounds by fiscal year (rows) and component (columns: OFO ports of entry, USBP between ports)."""
    return rows.pivot_table(
        index="fiscal_year", columns="component", values="lbs", aggfunc="sum", fill_value=0.0
    )


def top_places(rows: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The ``n`` areas of responsibility with the most pounds, with events and share of pounds (%)."""
    places = rows.groupby(["aor", "component"], as_index=False)[["lbs", "events"]].sum()
    total = places["lbs"].sum()
    places["share_pct"] = 100 * places["lbs"] / total if total > 0 else 0.0
    return places.sort_values("lbs", ascending=False).head(n).reset_index(drop=True)


#: BTS measures that count vehicles (not the people or containers they carry).
VEHICLE_MEASURES = ("Personal Vehicles", "Trucks", "Buses", "Trains")


def seizures_per_traffic(
    seizures: pd.DataFrame, crossings: pd.DataFrame, measures: tuple[str, ...] = VEHICLE_MEASURES
) -> pd.DataFrame:
    """Port-of-entry seizures over inbound traffic, by field office and month.

    ``seizures``: rows of ``cbp_seizures_monthly`` (OFO rows are used: USBP works between ports);
    ``crossings``: rows of ``border_crossings_monthly``. Only months present in both are kept.
    Returns field_office, month, lbs, events, vehicles, lbs_per_million_vehicles,
    events_per_million_vehicles.
    """
    ports = seizures[seizures["component"] == OFO]
    seized = (
        ports.groupby(["aor", "month"], as_index=False)[["lbs", "events"]]
        .sum()
        .rename(columns={"aor": "field_office"})
    )
    traffic = crossings[crossings["measure"].isin(measures)].dropna(subset=["field_office"])
    vehicles = (
        traffic.groupby(["field_office", "month"], as_index=False)["value"]
        .sum()
        .rename(columns={"value": "vehicles"})
    )
    months = set(seized["month"]) & set(vehicles["month"])
    out = (
        vehicles[vehicles["month"].isin(months)]
        .merge(seized, on=["field_office", "month"], how="left")
        .fillna({"lbs": 0.0, "events": 0})
    )
    per_million = out["vehicles"].where(out["vehicles"] > 0) / 1e6
    out["lbs_per_million_vehicles"] = out["lbs"] / per_million
    out["events_per_million_vehicles"] = out["events"] / per_million
    return out.sort_values(["field_office", "month"], ignore_index=True)


def traffic_by_fiscal_year(per_traffic: pd.DataFrame) -> pd.DataFrame:
    """:func:`seizures_per_traffic` summed to fiscal years that have all 12 months of both
    series. Returns field_office, fiscal_year, lbs, events, vehicles, lbs_per_million_vehicles,
    events_per_million_vehicles."""
    frame = per_traffic.assign(fiscal_year=fiscal_year_of(per_traffic["month"]))
    sums = frame.groupby(["field_office", "fiscal_year"], as_index=False, sort=False).agg(
        lbs=("lbs", "sum"),
        events=("events", "sum"),
        vehicles=("vehicles", "sum"),
        months=("month", "nunique"),
    )
    sums = sums[sums["months"] == 12].drop(columns="months")
    millions = sums["vehicles"].where(sums["vehicles"] > 0) / 1e6
    sums["lbs_per_million_vehicles"] = sums["lbs"] / millions
    sums["events_per_million_vehicles"] = sums["events"] / millions
    return sums.reset_index(drop=True)


#: CBP region -> BTS border whose land-port traffic it sees (Coastal/Interior has none).
REGION_BORDERS = {
    "Southwest Border": ("US-Mexico Border",),
    "Northern Border": ("US-Canada Border",),
    "All regions": ("US-Mexico Border", "US-Canada Border"),
    "Coastal/Interior": (),
}


def region_traffic(crossings: pd.DataFrame, region: str) -> pd.DataFrame:
    """The BTS rows of the land border(s) a CBP region covers (none for Coastal/Interior)."""
    return crossings[crossings["border"].isin(REGION_BORDERS.get(region, ()))]


def seasonal_profile(monthly: pd.Series) -> pd.DataFrame:
    """Average seasonal index by calendar month (1 = an average month of its fiscal year).

    ``monthly``: values indexed by month (first day). Only complete fiscal years are used; each
    month is divided by the mean month of its fiscal year, then averaged across years.
    Returns month (1-12), index, years (how many years the average rests on).
    """
    frame = monthly.rename("value").to_frame().rename_axis(None)
    frame["fiscal_year"] = fiscal_year_of(frame.index.to_series()).to_numpy()
    counts = frame.groupby("fiscal_year")["value"].transform("size")
    frame = frame[counts == 12]
    means = frame.groupby("fiscal_year")["value"].transform("mean")
    frame["ratio"] = frame["value"] / means.where(means > 0)
    frame["month"] = frame.index.month
    profile = (
        frame.groupby("month")["ratio"]
        .agg(["mean", "count"])
        .rename(columns={"mean": "index", "count": "years"})
    )
    return profile.reindex(range(1, 13)).rename_axis("month").reset_index()


#: A month is a spike when its pounds exceed this multiple of the median month of the 12 before it...
SPIKE_RATIO = 5.0
#: ... and one area-of-responsibility cell of at most this many seizure events ...
SPIKE_MAX_EVENTS = 2
#: ... holds at least this share of the month's pounds.
SPIKE_SHARE = 0.5
#: A spike is named in the headline when its events hold at least this share (%) of their fiscal
#: year's pounds.
SPIKE_HEADLINE_PCT = 10.0
SPIKE_COLUMNS = [
    "month",
    "fiscal_year",
    "lbs",
    "median_lbs",
    "aor",
    "component",
    "events",
    "event_lbs",
    "share_of_fy_pct",
]


def one_event_spikes(rows: pd.DataFrame, months: pd.DatetimeIndex) -> pd.DataFrame:
    """Months whose pounds rest on one or two seizure events: more than :data:`SPIKE_RATIO` times the
    median month of the 12 before (at least six of them on file), with one cell of CBP's file (area of
    responsibility, component, land filter) of at most :data:`SPIKE_MAX_EVENTS` events that holds
    :data:`SPIKE_SHARE` or more of the month's pounds or is by itself more than :data:`SPIKE_RATIO`
    times that median (the largest such cell is reported). Returns :data:`SPIKE_COLUMNS` (median_lbs: the
    median month before; events and event_lbs: that cell's; share_of_fy_pct: the cell's pounds over
    its fiscal year's, in the selection)."""
    series = monthly(rows, months)
    median = series["lbs"].rolling(12, min_periods=6).median().shift(1)
    high = series[(median > 0) & (series["lbs"] > SPIKE_RATIO * median)]
    out = []
    for month, row in high.iterrows():
        cells = rows[rows["month"] == month].groupby(["aor", "component", "land_filter"], as_index=False)
        cells = cells[["lbs", "events"]].sum()
        few = cells[cells["events"] <= SPIKE_MAX_EVENTS].sort_values("lbs")
        if few.empty:
            continue
        cell = few.iloc[-1]
        # the load holds most of the month, or is by itself a spike (April 2025, Northern Border
        # fentanyl: one Buffalo Sector event of 12 lb, 46% of a month whose largest cell has 3 events)
        if cell["lbs"] >= SPIKE_SHARE * row["lbs"] or cell["lbs"] > SPIKE_RATIO * median[month]:
            fy = int(fiscal_year_of(pd.Series([month])).iloc[0])
            fy_lbs = series.loc[fiscal_year_of(series.index.to_series()).to_numpy() == fy, "lbs"].sum()
            out.append(
                (month, fy, row["lbs"], median[month], cell["aor"], cell["component"])
                + (int(cell["events"]), cell["lbs"], 100 * cell["lbs"] / fy_lbs)
            )
    return pd.DataFrame(out, columns=SPIKE_COLUMNS)


def seizure_level_shifts(lbs: pd.Series, min_size: int = 6) -> list[pd.Timestamp]:
    """Months where the level of monthly seizures shifts, found by :func:`change_points` on
    log(1 + lbs): seizure weights vary multiplicatively, and on the log scale one huge load does not
    read as a new level."""
    return change_points(np.log1p(lbs.astype(float)), min_size=min_size)


#: The first year of the portal export: :func:`unodc_series` takes the national series before it
#: and the portal export from it. The two vintages overlap in 2018-2019 and disagree (US cocaine 2018:
#: 254,310 kg in the national series, 193,654 kg in the export), so no change is computed across it.
SERIES_BREAK_YEAR = 2018
#: The two UNODC vintages (the ``series`` column of :func:`unodc_series`) as readers name them.
SERIES_LABELS = {
    HISTORIC_SERIES: "UNODC national series (1990-2019)",
    PORTAL_SERIES: "UNODC data portal export (2018-2022)",
}
#: One sentence marking the break, for captions of charts drawn from the spliced series.
SERIES_BREAK_NOTE = (
    f"UNODC series change in {SERIES_BREAK_YEAR} (dashed line): the national series (1990-2019) "
    f"before, the data portal export (2018-2022) from {SERIES_BREAK_YEAR}; the two vintages differ "
    "where they overlap, so a change across the line is not a change in seizures."
)


def unodc_series(unodc: pd.DataFrame, drug: str, series: str | None = None) -> pd.DataFrame:
    """kg seized by country and year for a report drug, with the vintage of each row (``series``:
    :data:`HISTORIC_SERIES` or :data:`PORTAL_SERIES`), never two vintages added.

    ``series`` None: one vintage per year, the national series before :data:`SERIES_BREAK_YEAR` and
    the portal export from it (a splice: callers mark the break and compute no change across it);
    a vintage: that vintage alone, every year it covers.

    Drug names come from the vocabulary (:data:`drugflows.domain.drugs.UNODC_NAMES`). Where a
    country-year has a total row of the drug (e.g. "Cocaine (total of the above, ...)") beside its
    parts, the larger of the total and the sum of the parts is taken, never the two added; otherwise
    the rows are summed, class by class."""
    rows = unodc_rows(unodc, drug)
    if series is None:
        rows = rows[
            ((rows["source"] == PORTAL_SERIES) & (rows["year"] >= SERIES_BREAK_YEAR))
            | ((rows["source"] == HISTORIC_SERIES) & (rows["year"] < SERIES_BREAK_YEAR))
        ]
    else:
        if series not in SERIES_LABELS:
            raise ValueError(f"unknown UNODC series {series!r}; one of {list(SERIES_LABELS)}")
        rows = rows[rows["source"] == series]
    rows = rows.assign(drug_class=rows["drug"].map(lambda name: UNODC_NAMES[name].drug_class))
    keys = ["source", "iso3", "year", "drug_class"]
    # total and parts side by side: the larger is kept (a total below its own parts, e.g. Portugal
    # 2020 cocaine, 0.0003 kg against 10,066 kg of parts, is incomplete), never their sum
    sums = rows.groupby([*keys, "total"])["kg"].sum().unstack("total")
    by_class = sums.max(axis=1).rename("kg").reset_index()
    out = by_class.groupby(["iso3", "year", "source"], as_index=False)["kg"].sum()
    return out.rename(columns={"source": "series"})[["iso3", "year", "kg", "series"]]


#: What a UNODC seizure total of a report drug adds up, where it adds forms (sentences name the
#: drug this way wherever such totals are given).
SEIZED_LABELS = {"cocaine": "cocaine (hydrochloride, base and paste)"}


def seized_label(drug: str) -> str:
    """The report drug as a sentence naming a UNODC seizure total says it."""
    return SEIZED_LABELS.get(drug, DRUGS[drug].label)


#: Forms of a drug as sentences name them (``UNODC_NAMES`` forms).
FORM_LABELS = {
    "hydrochloride": "hydrochloride",
    "base_paste": "base or paste",
    "crack": "crack",
    "powder": "powder",
    "tablets": "tablets",
    "unspecified": "form not stated",
}


def unodc_forms(unodc: pd.DataFrame, drug: str, year: int, iso3s) -> pd.Series:
    """kg seized by form (hydrochloride, base/paste, crack, ...) in the given countries and year, from
    the rows that are not totals (the year's one series, as :func:`unodc_series`); empty if the drug
    has no forms. Index: form."""
    rows = unodc_rows(unodc, drug)
    series = PORTAL_SERIES if year >= SERIES_BREAK_YEAR else HISTORIC_SERIES
    rows = rows[(rows["source"] == series) & (rows["year"] == year) & rows["iso3"].isin(list(iso3s))]
    rows = rows[~rows["total"] & rows["form"].notna()]
    return rows.groupby("form")["kg"].sum()


def latest_year(series: pd.DataFrame, year: int | None) -> int:
    """``year`` if the series has it, else the latest year on file (ValueError if none)."""
    years = sorted(series["year"].unique())
    if not years:
        raise ValueError("no seizures on file for this drug")
    if year is None:
        return int(years[-1])
    if year not in years:
        raise ValueError(f"year {year} not on file; years with data: {years[0]}-{years[-1]}")
    return int(year)


def region_shares(by_country: pd.DataFrame, countries: pd.DataFrame) -> pd.DataFrame:
    """kg and share of the world total (%) by report region group, per year."""
    groups = by_country.merge(countries[["iso3", "region_group"]], on="iso3", how="left")
    groups["region_group"] = groups["region_group"].fillna("Other")
    out = groups.groupby(["year", "region_group"], as_index=False)["kg"].sum()
    out["share_pct"] = 100 * out["kg"] / out.groupby("year")["kg"].transform("sum")
    return out


def top_region_shares(shares: pd.DataFrame, n: int = 6) -> pd.DataFrame:
    """Shares (%) as a year x region table, the ``n`` regions with the largest mean share."""
    table = shares.pivot_table(index="year", columns="region_group", values="share_pct", fill_value=0)
    return table[table.mean().sort_values(ascending=False).index[:n]]


#: Drugs whose seizures a profile shows (flows.DRUGS keys), in this order.
PROFILE_DRUGS = ("cocaine", "heroin", "methamphetamine", "fentanyl")


def seizures_by_drug(unodc: pd.DataFrame, iso3s: list[str]) -> pd.DataFrame:
    """Years x drug: kilograms seized by the given countries (summed), as reported to UNODC: the
    national series before :data:`SERIES_BREAK_YEAR`, the portal export from it (charts mark the
    break: :func:`series_break_rows`, ``plotting.panels(break_year=...)``)."""
    out = {}
    for drug in PROFILE_DRUGS:
        series = unodc_series(unodc, drug)
        rows = series[series["iso3"].isin(iso3s)]
        if not rows.empty:
            out[drug] = rows.groupby("year")["kg"].sum()
    return pd.DataFrame(out).rename_axis("year").sort_index()


def series_break_rows(wide: pd.DataFrame, label: str = "UNODC series changes") -> pd.DataFrame:
    """Rows (drug, year, label) marking :data:`SERIES_BREAK_YEAR` for each column of a years x drug
    table (:func:`seizures_by_drug`, :func:`world_shares`) with data both before and from that year:
    the ``breaks`` of ``plotting.lines_by_group``."""
    rows = [
        {"drug": drug, "year": SERIES_BREAK_YEAR, "label": label}
        for drug in wide.columns
        if wide[drug].loc[: SERIES_BREAK_YEAR - 1].notna().any()
        and wide[drug].loc[SERIES_BREAK_YEAR:].notna().any()
    ]
    return pd.DataFrame(rows, columns=["drug", "year", "label"])


def spans_series_break(wide: pd.DataFrame) -> bool:
    """Whether any column of a years x drug table has data both before and from the break year."""
    return not series_break_rows(wide).empty


def world_shares(unodc: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Years x drug: the region's share (%) of all seizures reported to UNODC."""
    out = {}
    for drug in PROFILE_DRUGS:
        series = unodc_series(unodc, drug)
        if series.empty:
            continue
        world = series.groupby("year")["kg"].sum()
        region = series[series["iso3"].isin(codes)].groupby("year")["kg"].sum()
        share = region.reindex(world.index, fill_value=0) / world * 100
        if region.sum() > 0:
            out[drug] = share
    return pd.DataFrame(out).rename_axis("year").sort_index()


#: A seizure panel is drawn for a drug with figures in at least this many years (one point draws
#: no line and an axis of nothing); the others are said in a sentence (:func:`single_years`).
MIN_PANEL_YEARS = 2


def drawable(wide: pd.DataFrame) -> pd.DataFrame:
    """The columns of a years x drug table (:func:`seizures_by_drug`) with figures in at least
    :data:`MIN_PANEL_YEARS` years."""
    return wide[[d for d in wide.columns if wide[d].notna().sum() >= MIN_PANEL_YEARS]]


def single_years(wide: pd.DataFrame) -> list[str]:
    """ "fentanyl: 0.012 kg in 2022" for each column of a years x drug table with fewer figures than
    a panel needs (:func:`drawable`)."""
    from drugflows.wording import kg_text

    out = []
    for drug in wide.columns:
        values = wide[drug].dropna()
        if 0 < len(values) < MIN_PANEL_YEARS:
            out.append(f"{seized_label(drug)}: {kg_text(float(values.iloc[0]))} in {int(values.index[0])}")
    return out
