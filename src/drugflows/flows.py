"""Trafficking-flow indicators: seizures over traffic, seasonality and structural breaks.

All functions take tidy frames from the processed tables and return tidy frames; units are in the
column names (``lbs_per_million_vehicles``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from drugflows.fiscal import fiscal_year_of

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
    ports = seizures[seizures["component"] == "OFO"]
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


def change_points(values: pd.Series, min_size: int = 6, penalty: float | None = None) -> list[pd.Timestamp]:
    """Where the mean level of a series shifts: binary segmentation on squared error.

    A segment is split at the point that most reduces the sum of squared deviations from the
    segment means, if the reduction exceeds ``penalty`` and both parts hold at least ``min_size``
    points; then each part is searched again. The default penalty is the BIC-style
    ``2 * sigma**2 * log(n)``, with the noise ``sigma`` estimated robustly from the median absolute
    difference between consecutive values (so level shifts do not inflate it).
    Returns the first index label of every new segment, in order.
    """
    y = values.to_numpy(dtype=float)
    n = len(y)
    if n < 2 * min_size:
        return []
    if penalty is None:
        diffs = np.abs(np.diff(y))
        sigma = 1.4826 * np.median(diffs) / np.sqrt(2)
        penalty = 2 * max(sigma, 1e-12) ** 2 * np.log(n)

    def best_split(lo: int, hi: int) -> tuple[float, int]:
        seg = y[lo:hi]
        csum, csq = np.cumsum(seg), np.cumsum(seg**2)
        total = csq[-1] - csum[-1] ** 2 / len(seg)
        best, where = 0.0, -1
        for k in range(min_size, len(seg) - min_size + 1):
            left = csq[k - 1] - csum[k - 1] ** 2 / k
            right = (csq[-1] - csq[k - 1]) - (csum[-1] - csum[k - 1]) ** 2 / (len(seg) - k)
            gain = total - left - right
            if gain > best:
                best, where = gain, lo + k
        return best, where

    breaks, stack = [], [(0, n)]
    while stack:
        lo, hi = stack.pop()
        if hi - lo < 2 * min_size:
            continue
        gain, where = best_split(lo, hi)
        if where > 0 and gain > penalty:
            breaks.append(where)
            stack += [(lo, where), (where, hi)]
    return [values.index[i] for i in sorted(breaks)]


def seizure_level_shifts(lbs: pd.Series, min_size: int = 6) -> list[pd.Timestamp]:
    """Months where the level of monthly seizures shifts, found by :func:`change_points` on
    log(1 + lbs): seizure weights vary multiplicatively, and on the log scale one huge load does not
    read as a new level."""
    return change_points(np.log1p(lbs.astype(float)), min_size=min_size)


#: Report drug -> UNODC drug classes, CBP drug type, NFLIS category (None: not on file).
DRUGS = {
    "cocaine": {"unodc": ("cocaine",), "cbp": "Cocaine", "nflis": None, "crop": "coca"},
    "fentanyl": {
        "unodc": ("fentanyl",),
        "cbp": "Fentanyl",
        "nflis": "Fentanyl and Fentanyl-related",
        "crop": None,
    },
    "methamphetamine": {"unodc": ("methamphetamine",), "cbp": "Methamphetamine", "nflis": None, "crop": None},
    "heroin": {"unodc": ("heroin",), "cbp": "Heroin", "nflis": None, "crop": "opium_poppy"},
    "cannabis": {
        "unodc": ("cannabis_herb", "cannabis_resin"),
        "cbp": "Marijuana",
        "nflis": None,
        "crop": None,
    },
}
PORTAL_SOURCE = "UNODC data portal, drug seizures 2018-2022"
HISTORIC_SOURCE = "UNODC national seizure series 1990-2019"
#: Seizure stages of the chain toward the US, by report region group (countries table) or ISO3.
TRANSIT_STAGES = (
    ("Andean region", "region_group", "Andean region"),
    ("Central America", "region_group", "Central America"),
    ("Caribbean", "region_group", "Caribbean"),
    ("Mexico", "iso3", "MEX"),
)


def unodc_series(unodc: pd.DataFrame, drug: str) -> pd.DataFrame:
    """kg seized by country and year for a report drug, one UNODC series per year (the portal
    export from 2018, the national series before), never both added."""
    rows = unodc[unodc["drug_class"].isin(DRUGS[drug]["unodc"])]
    rows = rows[
        ((rows["source"] == PORTAL_SOURCE) & (rows["year"] >= 2018))
        | ((rows["source"] == HISTORIC_SOURCE) & (rows["year"] < 2018))
    ]
    return rows.groupby(["iso3", "year"], as_index=False)["kg"].sum()


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


def supply_chain(
    drug: str,
    year: int,
    unodc: pd.DataFrame,
    countries: pd.DataFrame,
    cbp: pd.DataFrame,
    amo: pd.DataFrame,
    crops: pd.DataFrame,
) -> pd.DataFrame:
    """The chain toward the US for one year, as far as the data reach, in kg where weighed.

    Stages: potential production (published, latest vintage), seizures in the Andean region,
    Central America, the Caribbean and Mexico (UNODC, calendar year), at the US border by CBP at
    ports, between ports and by Air and Marine Operations (fiscal year ``year``), and the remainder
    of production not seized anywhere on the chain. Returns stage, kg, source, note.
    """
    from drugflows.crops import pick_vintage

    stages = []
    crop = DRUGS[drug]["crop"]
    if crop:
        prod = pick_vintage(crops[(crops["crop"] == crop) & (crops["measure"] == "production_t")])
        prod = prod[prod["year"] == year]
        if crop == "coca":
            prod = prod[prod["iso3"] == "WLD"]
        if not prod.empty:
            row = prod.sort_values("published_year").iloc[-1]
            stages.append(
                (
                    "Potential production",
                    row["value"] * 1000,
                    row["source"],
                    f"{row['estimate_by']}, {row['unit']}",
                )
            )
    series = unodc_series(unodc, drug)
    series = series[series["year"] == year].merge(countries[["iso3", "region_group"]], on="iso3", how="left")
    for label, column, value in TRANSIT_STAGES:
        kg = series.loc[series[column] == value, "kg"].sum()
        stages.append((f"Seized: {label}", kg, "UNODC drug seizures", f"calendar {year}"))
    cbp_rows = cbp[(cbp["drug"] == DRUGS[drug]["cbp"]) & (cbp["fiscal_year"] == year)]
    for component, label in (("OFO", "US ports of entry (CBP OFO)"), ("USBP", "US between ports (CBP USBP)")):
        stages.append(
            (
                f"Seized: {label}",
                cbp_rows.loc[cbp_rows["component"] == component, "kg"].sum(),
                "CBP drug seizure statistics",
                f"fiscal year {year}",
            )
        )
    amo_rows = amo[(amo["drug"] == DRUGS[drug]["cbp"]) & (amo["fiscal_year"] == year)]
    stages.append(
        (
            "Seized: US air and marine (CBP AMO)",
            amo_rows["kg"].sum(),
            "CBP drug seizure statistics (AMO)",
            f"fiscal year {year}",
        )
    )
    chain = pd.DataFrame(stages, columns=["stage", "kg", "source", "note"])
    if chain["stage"].iloc[0] == "Potential production":
        seized = chain.loc[chain["stage"].str.startswith("Seized"), "kg"].sum()
        chain.loc[len(chain)] = (
            "Not seized on this chain",
            max(chain["kg"].iloc[0] - seized, 0.0),
            "remainder",
            "production minus the seizures above: consumed "
            "elsewhere, stocked, lost, seized elsewhere or not recorded",
        )
    return chain


def price_ladder(prices: pd.DataFrame, countries: pd.DataFrame, drug: str, year: int) -> pd.DataFrame:
    """Median price per gram (USD) by stage and level, latest year on file up to ``year``.

    Stages: source (Andean region), transit (Central America, Mexico), United States. Returns
    stage, level, year, usd_per_gram (median across countries), countries.
    """
    rows = prices[
        prices["drug_class"].isin(DRUGS[drug]["unodc"])
        & prices["usd_per_gram"].notna()
        & (prices["year"] <= year)
    ]
    rows = rows.merge(countries[["iso3", "region_group"]], on="iso3", how="left")
    stage = pd.Series(None, index=rows.index, dtype="object")
    stage[rows["region_group"] == "Andean region"] = "Source (Andean region)"
    stage[(rows["region_group"] == "Central America") | (rows["iso3"] == "MEX")] = (
        "Transit (Central America, Mexico)"
    )
    stage[rows["iso3"] == "USA"] = "United States"
    rows = rows.assign(stage=stage).dropna(subset=["stage"])
    if rows.empty:
        return pd.DataFrame(columns=["stage", "level", "year", "usd_per_gram", "countries"])
    latest = rows.groupby(["stage", "level"])["year"].transform("max")
    rows = rows[rows["year"] == latest]
    out = rows.groupby(["stage", "level", "year"], as_index=False).agg(
        usd_per_gram=("usd_per_gram", "median"), countries=("iso3", "nunique")
    )
    order = {"Source (Andean region)": 0, "Transit (Central America, Mexico)": 1, "United States": 2}
    return out.sort_values(
        ["stage", "level"], key=lambda s: s.map(order) if s.name == "stage" else s, ignore_index=True
    )


def nflis_states(nflis: pd.DataFrame, drug: str, top: int = 12) -> pd.DataFrame:
    """Reports per state and year for the drug's NFLIS category, the ``top`` states by total
    (empty if the drug's category is not on file). Returns state_name, year, reports."""
    category = DRUGS[drug]["nflis"]
    rows = nflis[nflis["category"] == category] if category else nflis.iloc[0:0]
    if rows.empty:
        return pd.DataFrame(columns=["state_name", "year", "reports"])
    yearly = rows.groupby(["state_name", "year"], as_index=False)["reports"].sum()
    order = yearly.groupby("state_name")["reports"].sum().sort_values(ascending=False)
    keep = list(order.index[:top])
    yearly = yearly[yearly["state_name"].isin(keep)]
    return yearly.sort_values(
        ["state_name", "year"],
        key=lambda s: s.map({n: i for i, n in enumerate(keep)}) if s.name == "state_name" else s,
        ignore_index=True,
    )


def routes_text(drug: str, flows_table: pd.DataFrame) -> str:
    """The published route figures for the drug, one line each with base, year and source."""
    if drug != "cocaine" or flows_table.empty:
        return (
            f"No published route shares for {drug} are on file; the route estimates on file are for cocaine."
        )
    lines = ["**Published route estimates** (US government; each with its own base and year):"]
    for row in flows_table.sort_values(["route", "year"]).itertuples():
        route = row.route.replace("_", " ")
        lines.append(
            f"- {route}, {row.year}: {row.value:,.0f} {row.unit} "
            f"([{row.source.split(':')[0]}]({row.url}), published {row.published_year})"
        )
    return "\n".join(lines)


def markup_text(prices: pd.DataFrame) -> str:
    """One sentence: the US price over the source price, at the same level of sale if possible."""
    if prices.empty:
        return "No prices per gram are on file for this drug."
    for level in ("wholesale", "retail"):
        source = prices[(prices["stage"] == "Source (Andean region)") & (prices["level"] == level)]
        us = prices[(prices["stage"] == "United States") & (prices["level"] == level)]
        if not source.empty and not us.empty:
            ratio = us["usd_per_gram"].iloc[0] / source["usd_per_gram"].iloc[0]
            return (
                f"At the {level} level a gram costs {ratio:,.1f} times as much in the United "
                f"States (${us['usd_per_gram'].iloc[0]:,.2f}, {us['year'].iloc[0]}) as in the "
                f"Andean region (${source['usd_per_gram'].iloc[0]:,.2f}, "
                f"{source['year'].iloc[0]})."
            )
    return (
        "Prices at the source and in the United States are not both on file at one level of "
        "sale, so no markup is computed."
    )


def reading(
    drug: str,
    year: int,
    this_year: pd.Series,
    shares: pd.DataFrame,
    chain: pd.DataFrame,
    prices: pd.DataFrame,
    countries: pd.DataFrame,
) -> list[str]:
    """Plain sentences computed from the tables of the trafficking_flows report."""
    names = countries.set_index("iso3")["name"]
    out = []
    total = this_year.sum()
    if total > 0:
        top = this_year.sort_values(ascending=False)
        out.append(
            f"In {year}, {len(top[top > 0])} countries reported {drug} seizures to UNODC, "
            f"{total / 1000:,.1f} tonnes in all; {names.get(top.index[0], top.index[0])} "
            f"seized the most ({100 * top.iloc[0] / total:.0f}%)."
        )
    region = shares[shares["year"] == year].sort_values("share_pct", ascending=False)
    if not region.empty:
        out.append(
            f"By region, {region['region_group'].iloc[0]} accounts for "
            f"{region['share_pct'].iloc[0]:.0f}% of the world's reported seizures."
        )
    border = chain[chain["stage"].str.startswith("Seized: US")]
    if border["kg"].sum() > 0:
        ports = chain.loc[chain["stage"].str.contains("ports of entry"), "kg"].sum()
        out.append(
            f"CBP seized {border['kg'].sum():,.0f} kg at and around the US border in fiscal "
            f"year {year}, {100 * ports / border['kg'].sum():.0f}% of it at ports of entry."
        )
    remainder = chain[chain["stage"] == "Not seized on this chain"]
    if not remainder.empty:
        share = 100 * remainder["kg"].iloc[0] / chain["kg"].iloc[0]
        out.append(
            f"Against published potential production, {share:.0f}% was not seized anywhere "
            "on this chain (it may be consumed elsewhere, stocked, or not recorded)."
        )
    out.append(markup_text(prices))
    return out


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
