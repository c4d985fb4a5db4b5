"""The border_seizures report: CBP drug seizures by month and fiscal year for one drug and region."""

from __future__ import annotations

import pandas as pd

from drugflows import params, tables
from drugflows.domain.drugs import CBP_DRUGS, DRUGS, report_drug
from drugflows.domain.seizures import (
    ALL_REGIONS,
    SPIKE_COLUMNS,
    SPIKE_HEADLINE_PCT,
    SPIKE_RATIO,
    SPIKE_SHARE,
    Selection,
    by_component,
    covered_months,
    fiscal_years,
    monthly,
    one_event_spikes,
    region_traffic,
    seasonal_profile,
    seizure_level_shifts,
    seizures_per_traffic,
    subset,
    top_places,
    traffic_by_fiscal_year,
)
from drugflows.sources.cbp import COMPONENT_LABELS, OFO

#: The processed tables the report reads, in the order its vintage table lists them.
TABLES = ("cbp_seizures_monthly", "border_crossings_monthly")

__all__ = [
    "COMPONENT_LABELS",
    "by_component",
    "covered_months",
    "fiscal_years",
    "monthly",
    "one_event_spikes",
    "seasonal_profile",
    "seizure_level_shifts",
    "subset",
    "top_places",
]


def load() -> dict[str, pd.DataFrame]:
    """The report's tables, by name."""
    return {name: tables.load(name) for name in TABLES}


def select(
    table: pd.DataFrame, drug: str, region: str, first_fy: int | None, last_fy: int | None
) -> Selection:
    """Check the report parameters against the table; ParameterError lists the valid values.

    ``drug``: a report drug name (``fentanyl``, ``cannabis``, ...) or CBP's spelling (``Marijuana``)."""
    on_file = set(table["drug"].unique())
    name = report_drug(drug, tuple(d for d in CBP_DRUGS if DRUGS[d].cbp in on_file))
    region = params.choose("region", region, [*sorted(table["region"].unique()), ALL_REGIONS])
    first, last = params.year_range("first_fy", first_fy, "last_fy", last_fy, table["fiscal_year"].unique())
    return Selection(DRUGS[name].cbp, region, first, last, name=name)


def _pct(value: float) -> str:
    return f"{abs(value):.0f}% {'more' if value >= 0 else 'less'}"


def _lb(value: float) -> str:
    return f"{value:,.0f} lb" if value >= 10 else f"{value:,.1f} lb"


def headline_spikes(spikes: pd.DataFrame) -> pd.DataFrame:
    """The months of :func:`one_event_spikes` that hold at least SPIKE_HEADLINE_PCT of their fiscal
    year's pounds (the ones that can move a yearly total)."""
    return spikes[spikes["share_of_fy_pct"] >= SPIKE_HEADLINE_PCT].reset_index(drop=True)


#: Counts of seizure events as sentences say them.
EVENT_COUNTS = {1: "one seizure event", 2: "two seizure events"}


def _events(count: int) -> str:
    return EVENT_COUNTS.get(count, f"{count} seizure events")


def spike_text(spike) -> str:
    """One sentence on a month that rests on one or two seizure events (they hold most of it) or
    holds one or two that are by themselves a spike, with their pounds against the month's."""
    where = f"{_events(spike.events)} at the {spike.aor.title()} ({spike.component})"
    median = f"a median month of {_lb(spike.median_lbs)} in the year before"
    if spike.event_lbs >= 0.995 * spike.lbs:
        what = f"rests on {where}: {_lb(spike.event_lbs)}, against {median}"
    elif spike.event_lbs >= SPIKE_SHARE * spike.lbs:
        what = f"rests on {where}: {_lb(spike.event_lbs)} of the month's {_lb(spike.lbs)}, against {median}"
    else:
        what = (
            f"holds {where} of {_lb(spike.event_lbs)} (of the month's {_lb(spike.lbs)}), by itself "
            f"more than {SPIKE_RATIO:.0f} times {median}"
        )
    return (
        f"{spike.month:%B %Y} {what}, and {spike.share_of_fy_pct:.0f}% of FY{spike.fiscal_year}'s "
        "pounds; read that year's total as one or two loads, not a trend."
    )


def _window_spikes(spikes: pd.DataFrame | None, fy: int, months_of_fy: int = 12) -> pd.DataFrame:
    """The headline spikes (:func:`headline_spikes`) of fiscal year ``fy`` in its first
    ``months_of_fy`` months (October = 1): those inside the months a change compares."""
    if spikes is None or spikes.empty:
        return pd.DataFrame(columns=SPIKE_COLUMNS)
    big = headline_spikes(spikes)
    month_of_fy = (big["month"].dt.month - 10) % 12 + 1
    return big[(big["fiscal_year"] == fy) & (month_of_fy <= months_of_fy)]


def _loads_text(rows: pd.DataFrame, window_lbs: float, window: str) -> str:
    """'40% of FY2025's pounds rests on one seizure event (May 2025)'."""
    months = ", ".join(f"{month:%B %Y}" for month in rows["month"])
    count = _events(int(rows["events"].sum()))
    return f"{100 * rows['event_lbs'].sum() / window_lbs:.0f}% of {window} rests on {count} ({months})"


def _carry_clause(
    fy: int, lbs: float, prior_lbs: float, spikes: pd.DataFrame | None, months: int = 12
) -> str:
    """', but 40% of FY2025's pounds rests on one seizure event (May 2025): without it, 7% more' when
    a one-event spike carries a large share of either side of a change: fiscal year ``fy``'s first
    ``months`` months against the same months of the year before (empty otherwise)."""
    now, before = _window_spikes(spikes, fy, months), _window_spikes(spikes, fy - 1, months)
    if now.empty and before.empty:
        return ""
    whole = months == 12
    texts = []
    if not now.empty:
        texts.append(_loads_text(now, lbs, f"FY{fy}'s pounds" + ("" if whole else " so far")))
    if not before.empty:
        window = f"FY{fy - 1}'s pounds" if whole else f"the same months of FY{fy - 1}"
        texts.append(_loads_text(before, prior_lbs, window))
    rest_now = lbs - now["event_lbs"].sum()
    rest_before = prior_lbs - before["event_lbs"].sum()
    them = "it" if len(now) + len(before) == 1 else "them"
    without = f": without {them}, {_pct(100 * (rest_now / rest_before - 1))}" if rest_before > 0 else ""
    return ", but " + " and ".join(texts) + without


def reading(
    sel: Selection,
    years: pd.DataFrame,
    components: pd.DataFrame,
    places: pd.DataFrame,
    spikes: pd.DataFrame | None = None,
) -> list[str]:
    """Plain sentences computed from the tables above (peak year, latest change, where, how big),
    with every month of :func:`one_event_spikes` that holds at least SPIKE_HEADLINE_PCT of the
    pounds of a fiscal year the sentences name flagged."""
    what = f"{sel.drug_label} ({sel.region if sel.region != ALL_REGIONS else 'all regions'})"
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
            sentence += _carry_clause(latest_fy, latest["lbs"], latest["prior_lbs_same_months"], spikes)
        out.append(sentence + ".")
        if peak_fy == latest_fy:
            loads = len(_window_spikes(spikes, peak_fy))
            counted = {0: ".", 1: ", with that one load counted."}.get(loads, ", with those loads counted.")
            out.append(f"FY{peak_fy} is the highest complete fiscal year on file{counted}")
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
            fy, months = int(partial.index[-1]), int(row["months"])
            sentence += _carry_clause(fy, row["lbs"], row["prior_lbs_same_months"], spikes, months)
        out.append(sentence + ".")
    named = set(years[years["partial"]].index[-1:])
    if not complete.empty:
        named |= {peak_fy, latest_fy}
    if spikes is not None and not spikes.empty:
        big = headline_spikes(spikes)
        big = big[big["fiscal_year"].isin(named)]
        out += [spike_text(spike) for spike in big.itertuples()]
    last_fy = int(years.index.max()) if complete.empty else int(complete.index.max())
    if last_fy in components.index and components.loc[last_fy].sum() > 0:
        shares = 100 * components.loc[last_fy] / components.loc[last_fy].sum()
        if OFO in shares:
            out.append(
                f"Of FY{last_fy}'s {components.loc[last_fy].sum():,.0f} lb, {shares[OFO]:.0f}% was seized "
                f"at ports of entry (OFO) and {100 - shares[OFO]:.0f}% between the ports (USBP)."
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
            f"Of all the pounds seized in FY{sel.first_fy}-FY{sel.last_fy}, the "
            f"{top['aor'].title()} ({top['component']}) accounts for {top['share_pct']:.0f}%."
        )
    return out


def spikes_table(spikes: pd.DataFrame) -> pd.DataFrame:
    """The months of :func:`one_event_spikes` with reader-facing column names and units."""
    return pd.DataFrame(
        {
            "Month": spikes["month"].dt.strftime("%b %Y"),
            "Pounds that month": spikes["lbs"],
            "Median month before (lb)": spikes["median_lbs"],
            "Area of responsibility": spikes["aor"].str.title(),
            "Component": spikes["component"],
            "Events": spikes["events"],
            "Pounds in those events": spikes["event_lbs"],
            "Share of the fiscal year (%)": spikes["share_of_fy_pct"],
        }
    )


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


def port_traffic(rows: pd.DataFrame, crossings: pd.DataFrame, region: str) -> pd.DataFrame:
    """Port seizures over inbound vehicles by field office and complete fiscal year, for the land
    border(s) of ``region`` (empty for Coastal/Interior)."""
    return traffic_by_fiscal_year(seizures_per_traffic(rows, region_traffic(crossings, region)))
