"""Border seizure indicators from ``cbp_seizures_monthly`` (pounds and events; CBP OFO and USBP).

A missing (month, AOR, drug) cell in CBP's files means no seizure was recorded, so monthly series are
filled with zeros over the months the table covers.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from drugflows import params
from drugflows.fiscal import fiscal_year_of

ALL_REGIONS = "All regions"


@dataclass(frozen=True)
class Selection:
    """A validated choice of drug, region and fiscal years (inclusive)."""

    drug: str
    region: str
    first_fy: int
    last_fy: int

    @property
    def label(self) -> str:
        where = "all regions" if self.region == ALL_REGIONS else f"the {self.region}"
        return f"{self.drug.lower()} seized at {where}, FY{self.first_fy}-FY{self.last_fy}"


def select(
    table: pd.DataFrame, drug: str, region: str, first_fy: int | None, last_fy: int | None
) -> Selection:
    """Check the report parameters against the table; ParameterError lists the valid values."""
    drug = params.choose("drug", drug, sorted(table["drug"].unique()))
    region = params.choose("region", region, [*sorted(table["region"].unique()), ALL_REGIONS])
    first, last = params.year_range("first_fy", first_fy, "last_fy", last_fy, table["fiscal_year"].unique())
    return Selection(drug, region, first, last)


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


def _pct(value: float) -> str:
    return f"{abs(value):.0f}% {'more' if value >= 0 else 'less'}"


def reading(sel: Selection, years: pd.DataFrame, components: pd.DataFrame, places: pd.DataFrame) -> list[str]:
    """Plain sentences computed from the tables above (peak year, latest change, where, how big)."""
    what = f"{sel.drug.lower()} ({sel.region if sel.region != ALL_REGIONS else 'all regions'})"
    if years["lbs"].sum() == 0:
        return [f"CBP recorded no seizures of {what} in FY{sel.first_fy}-FY{sel.last_fy}."]
    out = []
    complete = years[~years["partial"]]
    if not complete.empty:
        peak_fy = int(complete["lbs"].idxmax())
        latest_fy = int(complete.index.max())
        latest = complete.loc[latest_fy]
        sentence = f"In FY{latest_fy}, CBP seized {latest['lbs']:,.0f} lb of {what}"
        if pd.notna(latest["change_pct"]):
            sentence += f", {_pct(latest['change_pct'])} than in FY{latest_fy - 1}"
        out.append(sentence + ".")
        if peak_fy == latest_fy:
            out.append(f"FY{peak_fy} is the highest complete fiscal year on file.")
        else:
            share = 100 * latest["lbs"] / complete.loc[peak_fy, "lbs"]
            out.append(
                f"The peak complete fiscal year on file is FY{peak_fy} "
                f"({complete.loc[peak_fy, 'lbs']:,.0f} lb); FY{latest_fy} was "
                f"{share:.0f}% of that peak."
            )
    partial = years[years["partial"]]
    if not partial.empty:
        row = partial.iloc[-1]
        sentence = f"So far in {row['label']}, {row['lbs']:,.0f} lb"
        if pd.notna(row["change_pct"]):
            sentence += f", {_pct(row['change_pct'])} than in the same months a year earlier"
        out.append(sentence + ".")
    last_fy = int(years.index.max()) if complete.empty else int(complete.index.max())
    if last_fy in components.index and components.loc[last_fy].sum() > 0:
        shares = 100 * components.loc[last_fy] / components.loc[last_fy].sum()
        if "OFO" in shares:
            out.append(
                f"In FY{last_fy}, {shares['OFO']:.0f}% of the pounds were seized at ports of "
                f"entry (OFO) and {100 - shares['OFO']:.0f}% between the ports (USBP)."
            )
    sized = complete["lbs_per_event"].dropna()
    if len(sized) >= 2:
        out.append(
            f"The average seizure weighed {sized.iloc[0]:,.1f} lb in FY{sized.index[0]} and "
            f"{sized.iloc[-1]:,.1f} lb in FY{sized.index[-1]}."
        )
    if not places.empty:
        top = places.iloc[0]
        out.append(
            f"The {top['aor'].title()} ({top['component']}) accounts for "
            f"{top['share_pct']:.0f}% of the pounds over the period."
        )
    return out


def fiscal_year_table(years: pd.DataFrame) -> pd.DataFrame:
    """The fiscal-year totals with reader-facing column names and units."""
    return pd.DataFrame(
        {
            "Fiscal year": years["label"],
            "Months": years["months"],
            "Pounds": years["lbs"],
            "Events": years["events"],
            "Pounds per event": years["lbs_per_event"],
            "Change on year before (%)": years["change_pct"],
        }
    )


def places_table(places: pd.DataFrame) -> pd.DataFrame:
    """The top areas of responsibility with reader-facing column names and units."""
    return pd.DataFrame(
        {
            "Area of responsibility": places["aor"].str.title(),
            "Component": places["component"],
            "Pounds": places["lbs"],
            "Events": places["events"],
            "Share of pounds (%)": places["share_pct"],
        }
    )


def shifts_text(shifts: list[pd.Timestamp], lbs: pd.Series) -> str:
    """One sentence on the level shifts: when, and the average monthly pounds before and after."""
    if not shifts:
        return "No lasting shift in the level of monthly seizures is found over the period."
    bounds = [lbs.index[0], *shifts, lbs.index[-1] + pd.offsets.MonthBegin(1)]
    parts = []
    for start, end in zip(bounds[:-1], bounds[1:], strict=True):
        mean = lbs[(lbs.index >= start) & (lbs.index < end)].mean()
        parts.append(f"{start:%b %Y}: {mean:,.0f} lb a month")
    return (
        "The monthly level shifts in "
        + ", ".join(f"{s:%B %Y}" for s in shifts)
        + ". Average from "
        + "; from ".join(parts)
        + "."
    )


def traffic_table(per_vehicle: pd.DataFrame) -> pd.DataFrame:
    """Seizures over traffic by field office, with reader-facing names and units."""
    return pd.DataFrame(
        {
            "Field office": per_vehicle["field_office"].str.title(),
            "Fiscal year": per_vehicle["fiscal_year"],
            "Pounds": per_vehicle["lbs"],
            "Events": per_vehicle["events"],
            "Vehicles (millions)": per_vehicle["vehicles"] / 1e6,
            "Pounds per million vehicles": per_vehicle["lbs_per_million_vehicles"],
            "Events per million vehicles": per_vehicle["events_per_million_vehicles"],
        }
    )
