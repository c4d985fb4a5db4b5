"""The trafficking_flows report: where a drug is seized worldwide, the chain toward the US from
production to the border, published route shares, prices along the chain and NFLIS reports."""

from __future__ import annotations

import pandas as pd

from drugflows import tables, wording
from drugflows.domain import precursors
from drugflows.domain.crops import pick_vintage
from drugflows.domain.demand import nflis_states
from drugflows.domain.drugs import DRUGS, UNODC_DRUGS, report_drug
from drugflows.domain.precursors import precursor_seizures
from drugflows.domain.prices import RANGE_LEFT_OUT, inverted_chain_prices, markup, price_ladder
from drugflows.domain.seizures import (
    AMO_WHERE,
    AT_THE_BORDER,
    BORDER_COMPONENTS,
    COASTAL_INTERIOR,
    COASTAL_INTERIOR_WHERE,
    FORM_LABELS,
    LAND_BORDER_REGIONS,
    SERIES_BREAK_NOTE,
    SERIES_BREAK_YEAR,
    border_regions,
    latest_year,
    region_shares,
    seized_label,
    top_region_shares,
    unodc_forms,
    unodc_series,
)
from drugflows.sources.cbp import OFO, USBP

#: The processed tables the report reads, in the order its vintage table lists them.
TABLES = (
    "unodc_seizures",
    "cbp_seizures_monthly",
    "amo_seizures_monthly",
    "crop_estimates",
    "drug_prices",
    "flow_estimates",
    "nflis_reports",
    "countries",
    "world_countries",
)
__all__ = [
    "SERIES_BREAK_NOTE",
    "precursor_seizures",
    "SERIES_BREAK_YEAR",
    "markup",
    "nflis_states",
    "price_ladder",
    "region_shares",
    "top_region_shares",
]

#: Seizure stages of the chain toward the US, by report region group (countries table) or ISO3.
TRANSIT_STAGES = (
    ("Andean region", "region_group", "Andean region"),
    ("Central America", "region_group", "Central America"),
    ("Caribbean", "region_group", "Caribbean"),
    ("Mexico", "iso3", "MEX"),
)
#: The kinds of stage of :func:`supply_chain` (its ``kind`` column).
PRODUCTION, TRANSIT_SEIZURE, US_SEIZURE = "production", "transit", "us_border"
#: CBP Air and Marine Operations: a kind of its own, not counted as "at the border".
AMO_SEIZURE = "us_air_marine"
#: What each kind of stage measures (the ``measure`` column): production and seizures are in
#: different units, so they are shown side by side and never subtracted.
MEASURES = {
    PRODUCTION: "pure drug (potential production, estimate)",
    TRANSIT_SEIZURE: "bulk weight seized, purity unknown",
    US_SEIZURE: "bulk weight seized, purity unknown",
    AMO_SEIZURE: "bulk weight seized, purity unknown",
}
#: The US-border stages of :func:`supply_chain`, by CBP component (:data:`BORDER_COMPONENTS`).
US_STAGES = {
    OFO: "US border: ports of entry (CBP OFO)",
    USBP: "US border: between ports (Border Patrol)",
}
assert set(US_STAGES) == set(BORDER_COMPONENTS)
PORTS_STAGE = US_STAGES[OFO]
#: The stage of CBP Air and Marine Operations (kind :data:`AMO_SEIZURE`).
AMO_STAGE = "CBP air and marine units (AMO)"


def load() -> dict[str, pd.DataFrame]:
    """The report's tables, by name."""
    return {name: tables.load(name) for name in TABLES}


def validate(drug: object, year: object, unodc: pd.DataFrame) -> tuple[str, pd.DataFrame, int]:
    """The report drug (ParameterError listing :data:`DRUGS`), its UNODC series (kg by country and
    year) and the year: ``year`` if on file, else the latest (None)."""
    drug = report_drug(drug, UNODC_DRUGS)
    by_country = unodc_series(unodc, drug)
    return drug, by_country, latest_year(by_country, year)


def drug_title(drug: str) -> str:
    """The report drug as titles name it ("Cocaine", "Ecstasy (MDMA)")."""
    label = DRUGS[drug].label
    return label[:1].upper() + label[1:]


def seizure_stages(chain: pd.DataFrame) -> pd.DataFrame:
    """The seizure stages of :func:`supply_chain` (bulk weights, one unit), for the chain figure."""
    return chain[chain["kind"] != PRODUCTION].reset_index(drop=True)


def supply_chain(
    drug: str,
    year: int,
    unodc: pd.DataFrame,
    countries: pd.DataFrame,
    cbp: pd.DataFrame,
    amo: pd.DataFrame,
    crops: pd.DataFrame,
) -> pd.DataFrame:
    """The chain toward the US for one year, as far as the data reach, in kg.

    Stages: potential production (published, latest vintage: pure drug), seizures in the Andean
    region, Central America, the Caribbean and Mexico (UNODC, calendar year), at the US border by
    CBP at ports and the Border Patrol between ports (:data:`US_SEIZURE`), and apart from them by
    Air and Marine Operations (:data:`AMO_SEIZURE`: not necessarily at the border; fiscal year
    ``year``): bulk weights
    of unknown purity. No cited purity of seizures is on file, so production and seizures are shown
    side by side, never subtracted. Returns stage, kg, measure, source, note (for cocaine, the forms
    seized where UNODC's names tell) and kind (:data:`PRODUCTION`, :data:`TRANSIT_SEIZURE`,
    :data:`US_SEIZURE`, :data:`AMO_SEIZURE`).
    """
    stages = []
    spec = DRUGS[drug]
    measures = dict(MEASURES)
    if spec.crop:
        prod = pick_vintage(crops[(crops["crop"] == spec.crop) & (crops["measure"] == "production_t")])
        prod = prod[prod["year"] == year]
        if spec.crop == "coca":
            prod = prod[prod["iso3"] == "WLD"]
        if not prod.empty:
            row = prod.sort_values("published_year").iloc[-1]
            note = f"{row['estimate_by']}, published {row['published_year']}"
            stages.append(("Potential production", row["value"] * 1000, row["source"], note, PRODUCTION))
            measures[PRODUCTION] = row["unit"].replace("metric tons of ", "") + ", an estimate"
    series = unodc_series(unodc, drug)
    series = series[series["year"] == year].merge(countries[["iso3", "region_group"]], on="iso3", how="left")
    for label, column, value in TRANSIT_STAGES:
        inside = series[series[column] == value]
        note = f"calendar {year}" + forms_note(unodc_forms(unodc, drug, year, inside["iso3"]))
        stages.append((f"Seized: {label}", inside["kg"].sum(), "UNODC drug seizures", note, TRANSIT_SEIZURE))
    cbp_rows = cbp[(cbp["drug"] == spec.cbp) & (cbp["fiscal_year"] == year)]
    for component, stage in US_STAGES.items():
        kg = cbp_rows.loc[cbp_rows["component"] == component, "kg"].sum()
        stages.append((stage, kg, "CBP drug seizure statistics", f"fiscal year {year}", US_SEIZURE))
    amo_kg = amo.loc[(amo["drug"] == spec.cbp) & (amo["fiscal_year"] == year), "kg"].sum()
    stages.append(
        (AMO_STAGE, amo_kg, "CBP drug seizure statistics (AMO)", f"fiscal year {year}", AMO_SEIZURE)
    )
    chain = pd.DataFrame(stages, columns=["stage", "kg", "source", "note", "kind"])
    chain.insert(2, "measure", chain["kind"].map(measures))
    return chain


def forms_note(by_form: pd.Series) -> str:
    """'; hydrochloride 61%, base or paste 30%, ...' of the kg whose form UNODC's names tell (empty
    when only one form or none is named)."""
    if by_form.sum() <= 0 or set(by_form.index) <= {"unspecified"}:
        return ""
    shares = (100 * by_form / by_form.sum()).sort_values(ascending=False)
    shares = shares[shares >= 0.5]
    return "; " + ", ".join(f"{FORM_LABELS[form]} {share:.0f}%" for form, share in shares.items())


def chain_table(chain: pd.DataFrame) -> pd.DataFrame:
    """The chain with reader-facing column names."""
    return chain.drop(columns="kind").rename(
        columns={
            "stage": "Stage",
            "kg": "Kilograms",
            "measure": "What is weighed",
            "source": "Source",
            "note": "Note",
        }
    )


def prices_table(prices: pd.DataFrame) -> pd.DataFrame:
    """The price ladder with reader-facing column names."""
    return prices.assign(level=prices["level"].str.capitalize()).rename(
        columns={
            "stage": "Stage",
            "level": "Level of sale",
            "year": "Year",
            "usd_per_gram": "USD per gram",
            "countries": "Countries",
        }
    )


#: Published route codes (``flow_estimates.route``) as readers name them.
ROUTE_LABELS = {
    "caribbean": "Caribbean",
    "eastern_pacific": "Eastern Pacific",
    "estimated_to_us": "Estimated flow toward the US",
    "mexico_central_america": "Mexico and Central America",
    "pacific_route": "Pacific route",
    "swb": "Through Mexico (Southwest border)",
}


def route_label(route: str) -> str:
    """A route code as readers name it (unknown codes: underscores to spaces, capitalised)."""
    return ROUTE_LABELS.get(route, route.replace("_", " ").capitalize())


def routes_text(drug: str, flows_table: pd.DataFrame) -> str:
    """The published route figures for the drug, one line each with base, year and source."""
    if drug != "cocaine" or flows_table.empty:
        return (
            f"No published route shares for {drug} are on file; the route estimates on file are for cocaine."
        )
    lines = ["**Published route estimates** (US government; each with its own base and year):"]
    for row in flows_table.sort_values(["route", "year"]).itertuples():
        lines.append(
            f"- {route_label(row.route)}, {row.year}: {row.value:,.0f} {row.unit} "
            f"([{row.source.split(':')[0]}]({row.url}), published {row.published_year})"
        )
    return "\n".join(lines)


def left_out_text(prices: pd.DataFrame, countries: pd.DataFrame, drug: str) -> str:
    """One sentence naming the country-years left out of the price ladder because UNODC's median
    retail price per gram is below its wholesale price there (empty if none)."""
    bad = inverted_chain_prices(prices, countries, drug)
    if bad.empty:
        return ""
    names = countries.set_index("iso3")["name"]
    listed = ", ".join(
        f"{names.get(row.iso3, row.iso3)} {row.year} (retail ${row.retail_usd_per_gram:,.2f}, "
        f"wholesale ${row.wholesale_usd_per_gram:,.2f} a gram)"
        for row in bad.itertuples()
    )
    return (
        f"Left out because the retail price per gram is below the wholesale price (as published): {listed}."
    )


def _usd(value: float) -> str:
    """US$ per gram as sentences give it ("US$1.22", "US$30.50")."""
    return f"US${value:,.2f}"


def _years_note(table: pd.DataFrame) -> str:
    """ "2021" when every price is of one year, else each country's year."""
    years = sorted(table["year"].unique())
    return f"{years[0]}" if len(years) == 1 else "years as shown"


def _stage_prices_text(table: pd.DataFrame, place: str, basis: str, note: str = "") -> str:
    """The prices of one stage on the ``basis`` of :func:`domain.prices.ratio_bounds`: the typical
    prices from the cheapest to the dearest country ("typical"), else the one country's published
    minimum to maximum with its typical price. ``note`` is added inside the parentheses."""
    one_year = table["year"].nunique() == 1
    note = f"; {note}" if note else ""

    def who(row) -> str:
        return row.country if one_year else f"{row.country}, {row.year}"

    if len(table) >= 2:
        low, high = table.iloc[0], table.iloc[-1]
        listed = ", ".join(who(row) for row in table.itertuples())
        return (
            f"from {_usd(low.usd_per_gram)} ({who(low)}) to {_usd(high.usd_per_gram)} ({who(high)}) in "
            f"{place} (typical prices of the {len(table)} countries on file: {listed}; "
            f"{_years_note(table)}{note})"
        )
    row = table.iloc[0]
    published = pd.notna(row.min_usd_per_gram) and pd.notna(row.max_usd_per_gram)
    span = f"{_usd(row.min_usd_per_gram)}-{row.max_usd_per_gram:,.2f}" if published else ""
    if basis == "typical" or not published:
        also = f"; UNODC's published minimum and maximum {span}" if published else ""
        if row.range_left_out:
            also = f"; UNODC's published range is left out as implausible: {row.range_left_out}"
        return f"{_usd(row.usd_per_gram)} in {place} (its typical price, {row.year}{also}{note})"
    return (
        f"{span} in {place} (UNODC's published minimum and maximum; typical "
        f"{_usd(row.usd_per_gram)}; {row.year}{note})"
    )


def _ends(table: pd.DataFrame, basis: str) -> tuple[float, float]:
    """The lowest and highest price of a stage on the ``basis`` of the markup bounds."""
    if basis == "typical":
        return float(table["usd_per_gram"].min()), float(table["usd_per_gram"].max())
    low = table["min_usd_per_gram"].fillna(table["usd_per_gram"]).min()
    return float(low), float(table["max_usd_per_gram"].fillna(table["usd_per_gram"]).max())


def _multiple(value: float) -> str:
    """A multiple to two significant figures ("11", "2.5")."""
    return f"{float(f'{value:.2g}'):,g}"


def markup_text(drug: str, found: dict | None) -> str:
    """One sentence on :func:`domain.prices.markup`: the source and US prices per gram side by side
    at one level of sale and in one form, with their years, and how many times as much the US price
    is, given as a range and only where every ratio the prices allow is above 1."""
    spec = DRUGS[drug]
    if spec.source is None:
        return f"No source stage is defined for {spec.label}, so no markup is computed."
    if found is None:
        return (
            f"Prices per gram of {spec.label} at the source ({spec.source.place}) "
            "and in the United States are not both on file at one level of sale, so no markup is "
            "computed."
        )
    form = " hydrochloride" if spec.price_forms == ("hydrochloride",) else ""
    basis = found["bounds_basis"]
    source, us = found["source_prices"], found["us_prices"]
    relabelled = (
        "UNODC files it as retail but gives it per kilogram, so it is counted as wholesale"
        if found.get("us_relabelled")
        else ""
    )
    prices = (
        f"At the {found['level']} level, a gram of {spec.label}{form} cost "
        f"{_stage_prices_text(source, spec.source.place, basis)}, and "
        f"{_stage_prices_text(us, 'the United States', basis, relabelled)}; nominal USD, purity "
        "unknown."
    )
    kind = "typical prices" if basis == "typical" else "published ranges"
    if basis == RANGE_LEFT_OUT:
        left_out = [
            place
            for table, place in ((source, spec.source.place), (us, "the United States"))
            if (table["range_left_out"] != "").any()
        ]
        return (
            f"{prices} With the published range of {wording.list_text(left_out)} left out, the spread of "
            f"prices there is unknown, so the prices do not determine how many times as much {spec.label} "
            "costs in the United States: no multiple is given."
        )
    if found["low_ratio"] < 1:
        us_low, source_high = _ends(us, basis)[0], _ends(source, basis)[1]
        return (
            f"{prices} The {kind} overlap (the lowest US price, {_usd(us_low)}, is below the highest "
            f"in {spec.source.place}, {_usd(source_high)}), so they do not determine how many times as "
            f"much {spec.label} costs in the United States: no multiple is given."
        )
    return (
        f"{prices} By these {kind}, a gram cost about {_multiple(found['low_ratio'])} to "
        f"{_multiple(found['high_ratio'])} times as much in the United States."
    )


def round_kg(kg: float) -> str:
    """kg to three significant figures, with thousands separators ("31,900")."""
    return f"{float(f'{kg:.3g}'):,.0f}"


def us_border_regions(drug: str, year: int, cbp: pd.DataFrame) -> pd.Series:
    """kg CBP seized at the border in fiscal year ``year`` by region: the land borders, then
    Coastal/Interior (:func:`domain.seizures.border_regions`)."""
    rows = cbp[(cbp["drug"] == DRUGS[drug].cbp) & (cbp["fiscal_year"] == year)]
    return border_regions(rows)


def border_sentences(chain: pd.DataFrame, year: int, regions: pd.Series | None = None) -> list[str]:
    """CBP's seizures at the border (ports of entry and between them), the part of them in the
    Coastal/Interior region and on the land borders (``regions``: :func:`us_border_regions`), and,
    apart, by Air and Marine Operations: one definition of "at the border"
    (:data:`domain.seizures.AT_THE_BORDER`). Every share names its total."""
    border = chain.loc[chain["kind"] == US_SEIZURE, "kg"].sum()
    amo = chain.loc[chain["kind"] == AMO_SEIZURE, "kg"].sum()
    out = []
    if border > 0:
        ports = chain.loc[chain["stage"] == PORTS_STAGE, "kg"].sum()
        out.append(
            f"CBP seized about {round_kg(border)} kg {AT_THE_BORDER} in fiscal year {year}; of these "
            f"{round_kg(border)} kg, {100 * ports / border:.0f}% was seized at ports of entry and "
            f"{100 * (border - ports) / border:.0f}% between them."
        )
    if border > 0 and regions is not None and regions.sum() > 0:
        land = regions[list(LAND_BORDER_REGIONS)]
        parts = ", ".join(f"{region} {round_kg(kg)} kg" for region, kg in land.items())
        coastal_pct = 100 * regions[COASTAL_INTERIOR] / regions.sum()
        out.append(
            f"Of the same {round_kg(regions.sum())} kg, {coastal_pct:.0f}% "
            f"was seized {COASTAL_INTERIOR_WHERE}, not on a land border, and "
            f"{100 * land.sum() / regions.sum():.0f}% ({round_kg(land.sum())} kg: {parts}) on the land "
            "borders."
        )
    if amo > 0:
        share = ""
        if border > 0:
            share = (
                f"; of the {round_kg(amo + border)} kg all of CBP seized that year, "
                f"{100 * amo / (amo + border):.0f}% was AMO's and {100 * border / (amo + border):.0f}% "
                "the border's"
            )
        out.append(f"A further {round_kg(amo)} kg was seized {AMO_WHERE} (fiscal year {year}{share}).")
    return out


def reading(
    drug: str,
    year: int,
    this_year: pd.Series,
    shares: pd.DataFrame,
    chain: pd.DataFrame,
    found_markup: dict | None,
    countries: pd.DataFrame,
    regions: pd.Series | None = None,
    precursor_line: str | None = None,
) -> list[str]:
    """Plain sentences computed from the tables of the trafficking_flows report (``regions``: the
    border seizures by CBP region, :func:`us_border_regions`; ``precursor_line``:
    :func:`precursor_text`). Each share names its total."""
    names = countries.set_index("iso3")["name"]
    label = seized_label(drug)
    out = []
    total = this_year.sum()
    if total > 0:
        top = this_year.sort_values(ascending=False)
        leader = wording.country_text(names.get(top.index[0], top.index[0]))
        out.append(
            f"In {year}, {len(top[top > 0])} countries reported {label} seizures to UNODC, "
            f"{total / 1000:,.0f} tonnes in all (bulk weight); {leader} "
            f"seized the most ({100 * top.iloc[0] / total:.0f}% of that world total)."
        )
    region = shares[shares["year"] == year].sort_values("share_pct", ascending=False)
    if not region.empty:
        out.append(
            f"Of that world total, {region['share_pct'].iloc[0]:.0f}% was reported in the region group "
            f"with the largest share: {region['region_group'].iloc[0]}."
        )
    out.extend(border_sentences(chain, year, regions))
    production = chain[chain["kind"] == PRODUCTION]
    if not production.empty:
        row = production.iloc[0]
        unit = "tonnes of " + row["measure"].split(" (")[0].split(",")[0]
        out.append(
            f"Published potential production for {year}: {row['kg'] / 1000:,.0f} {unit} "
            f"({row['note']}). Seizures are bulk weights of unknown purity, so the two are "
            "shown side by side and not subtracted: the data cannot say what share was not seized."
        )
    out.append(markup_text(drug, found_markup))
    if precursor_line:
        out.append(precursor_line)
    return out


def precursor_rows(drug: str, seized: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`domain.precursors.precursor_seizures` (``seized``) of the chemicals that
    mainly serve the report drug."""
    return precursors.for_drug(seized, drug)


def precursor_years(rows: pd.DataFrame) -> pd.DataFrame:
    """Amount by chemical and year (:func:`domain.precursors.by_year`) of the chemicals published in
    kilograms, for the figure, with ``tonnes`` (kg / 1,000)."""
    years = precursors.by_year(rows)
    years = years[years["unit"] == "kg"]
    return years.assign(tonnes=years["amount"] / 1000)


def _amount(value: float) -> str:
    """An amount as tables give it: whole units from 1 up ("12,136"), two significant figures below
    ("0.0016")."""
    return f"{value:,.0f}" if value >= 1 else f"{float(f'{value:.2g}'):g}"


def precursor_table(rows: pd.DataFrame, countries: pd.DataFrame, top: int = 5) -> pd.DataFrame:
    """Each country's latest seizure of each chemical, reader-facing: the ``top`` largest of each
    chemical."""
    names = countries.set_index("iso3")["name"]
    latest = precursors.latest_by_country(rows).groupby("chemical_label").head(top)
    return pd.DataFrame(
        {
            "Chemical": latest["chemical_label"].map(lambda label: label[:1].upper() + label[1:]),
            "Country": latest["iso3"].map(names).fillna(latest["iso3"]),
            "Latest year": latest["year"],
            "Amount seized": latest["amount"].map(_amount),
            "Unit": latest["unit"],
        }
    )


def precursor_text(
    drug: str, rows: pd.DataFrame, countries: pd.DataFrame, seized: pd.DataFrame | None = None
) -> str:
    """One headline line on the precursors of the report drug: for each chemical, the latest year's
    amount, how many countries reported it and the share of the one that seized most; for fentanyl,
    what is missing. ``seized``: every precursor row on file, to name the chemicals of other drugs
    that can serve this one too."""
    label = DRUGS[drug].label
    if drug == "fentanyl":
        return precursors.FENTANYL_GAP
    if rows.empty:
        return f"No seizures of precursor chemicals of {label} are on file (UNODC, 2018-2022)."
    names = countries.set_index("iso3")["name"]
    parts = []
    for chemical, own in rows.groupby("chemical_label"):
        year = own["year"].max()
        at = own[own["year"] == year].sort_values("amount", ascending=False)
        top = at.iloc[0]
        who = names.get(top["iso3"], top["iso3"])
        share = 100 * top["amount"] / at["amount"].sum()
        part = "nearly all" if share >= 99.5 else f"{share:.0f}%"
        many = f"{len(at)} countries; {who} {part} of it" if len(at) > 1 else f"by {who} alone"
        parts.append(f"{chemical} {round_kg(at['amount'].sum())} {top['unit']} in {year} ({many})")
    also = precursors.also_serving(drug)
    if seized is not None:
        also = [label for label in also if label in set(seized["chemical_label"])]
    also_note = (
        f" Chemicals classed under another drug can serve {label} too ({', '.join(also)}); they are "
        "not counted here."
        if also
        else ""
    )
    return (
        f"Precursor chemicals of {label} reported seized to UNODC, latest year of each: "
        + "; ".join(parts)
        + ". Amounts are as published (kilograms), one chemical at a time, never added; a seizure of a "
        "chemical says where enforcement met it, not how much reached a laboratory." + also_note
    )
