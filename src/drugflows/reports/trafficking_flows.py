"""The trafficking_flows report: where a drug is seized worldwide, the chain toward the US from
production to the border, published route shares, prices along the chain and NFLIS reports."""

from __future__ import annotations

import pandas as pd

from drugflows import tables
from drugflows.domain.crops import pick_vintage
from drugflows.domain.demand import nflis_states
from drugflows.domain.drugs import DRUGS, UNODC_DRUGS, report_drug
from drugflows.domain.prices import inverted_chain_prices, markup, price_ladder
from drugflows.domain.seizures import (
    AMO_WHERE,
    AT_THE_BORDER,
    BORDER_COMPONENTS,
    FORM_LABELS,
    SERIES_BREAK_NOTE,
    SERIES_BREAK_YEAR,
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


def _two_digits(value: float) -> str:
    """Two significant figures ("0.93", "24", "270")."""
    return f"{float(f'{value:.2g}'):,g}"


def markup_text(drug: str, found: dict | None) -> str:
    """One sentence on :func:`domain.prices.markup`: the US price over the source price, at one
    level of sale and in one form, with the year of each price."""
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
    where = found["source"]
    years = (
        f"both {found['us_year']}"
        if found["us_year"] == found["source_year"]
        else f"{found['us_year']} in the US, {found['source_year']} at the source: the closest years on file"
    )
    ratio = found["ratio"]
    one_country = found["source_countries"] == 1
    if one_country:  # one typical price: one significant digit
        rounded = f"roughly {float(f'{ratio:.1g}'):,.0f}"
    else:
        rounded = "about " + (f"{ratio:,.0f}" if ratio >= 10 else f"{ratio:,.1f}")
    us_note = (
        f"${found['us_usd']:,.2f}, a price UNODC files as retail but gives per kilogram, counted here "
        "as wholesale"
        if found.get("us_relabelled")
        else f"${found['us_usd']:,.2f}"
    )
    if one_country:
        source_note = f"${found['source_usd']:,.2f}, one country's typical price"
    else:
        source_note = f"${found['source_usd']:,.2f}, median of {found['source_countries']} countries"
    low, high = found.get("source_min_usd"), found.get("source_max_usd")
    range_note = ""
    if low and high:
        what = (
            "UNODC's published range there is"
            if one_country
            else "UNODC's published minima and maxima there run"
        )
        range_note = (
            f" {what} ${low:,.2f}-{high:,.2f} a gram (${1000 * low:,.0f}-{1000 * high:,.0f} a "
            f"kilogram): against its ends the ratio would be {_two_digits(found['us_usd'] / high)} to "
            f"{_two_digits(found['us_usd'] / low)}."
        )
    return (
        f"At the {found['level']} level, a gram of {spec.label}{form} cost {rounded} times as "
        f"much in the United States ({us_note}) as in {where} ({source_note}; {years}; nominal USD, "
        f"purity unknown).{range_note}"
    )


def round_kg(kg: float) -> str:
    """kg to three significant figures, with thousands separators ("31,900")."""
    return f"{float(f'{kg:.3g}'):,.0f}"


def border_sentences(chain: pd.DataFrame, year: int) -> list[str]:
    """CBP's seizures at the border (ports of entry and between them) and, apart, by Air and Marine
    Operations: one definition of "at the border" (:data:`domain.seizures.AT_THE_BORDER`)."""
    border = chain.loc[chain["kind"] == US_SEIZURE, "kg"].sum()
    amo = chain.loc[chain["kind"] == AMO_SEIZURE, "kg"].sum()
    out = []
    if border > 0:
        ports = chain.loc[chain["stage"] == PORTS_STAGE, "kg"].sum()
        out.append(
            f"CBP seized about {round_kg(border)} kg {AT_THE_BORDER} in fiscal year {year}, "
            f"{100 * ports / border:.0f}% of it at ports of entry."
        )
    if amo > 0:
        share = f", {100 * amo / (amo + border):.0f}% of all CBP seized" if border > 0 else ""
        out.append(f"A further {round_kg(amo)} kg (fiscal year {year}{share}) was seized {AMO_WHERE}.")
    return out


def reading(
    drug: str,
    year: int,
    this_year: pd.Series,
    shares: pd.DataFrame,
    chain: pd.DataFrame,
    found_markup: dict | None,
    countries: pd.DataFrame,
) -> list[str]:
    """Plain sentences computed from the tables of the trafficking_flows report."""
    names = countries.set_index("iso3")["name"]
    label = seized_label(drug)
    out = []
    total = this_year.sum()
    if total > 0:
        top = this_year.sort_values(ascending=False)
        out.append(
            f"In {year}, {len(top[top > 0])} countries reported {label} seizures to UNODC, "
            f"{total / 1000:,.0f} tonnes in all (bulk weight); {names.get(top.index[0], top.index[0])} "
            f"seized the most ({100 * top.iloc[0] / total:.0f}%)."
        )
    region = shares[shares["year"] == year].sort_values("share_pct", ascending=False)
    if not region.empty:
        out.append(
            f"The region group with the largest share of the world's reported seizures is "
            f"{region['region_group'].iloc[0]} ({region['share_pct'].iloc[0]:.0f}%)."
        )
    out.extend(border_sentences(chain, year))
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
    return out
