"""The country_profile report: everything the processed tables say about one partner country.

Each helper returns an empty frame (or list) where the tables do not cover the country; the
notebook then prints one "no data" line instead of a chart.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from drugflows import params, tables, wording
from drugflows.countries import names_by_code, peers
from drugflows.domain import precursors, threat_finance, violence
from drugflows.domain.assistance import (
    ASSISTANCE_SERIES,
    assistance_title,
    complete_fiscal_year,
    counternarcotics_assistance,
    counternarcotics_share,
    counternarcotics_share_text,
)
from drugflows.domain.crops import (
    CROPS,
    break_marks,
    crop_countries,
    crops_on_file,
    edition_label,
    estimator_label,
    side_by_side,
)
from drugflows.domain.outcomes import (
    CRIME_SCORE_FORMATS,
    CRIME_SCORES,
    LAST_POPULATION_ESTIMATE,
    MAJOR_FAILED,
    MIN_POPULATION,
    NOT_LISTED,
    PEER_OUTCOMES,
    crime_scores,
    latest_value,
    majors_status,
    outcomes_against_peers,
)
from drugflows.domain.prices import latest_prices
from drugflows.domain.seizures import (
    PROFILE_DRUGS,
    SERIES_BREAK_NOTE,
    SERIES_BREAK_YEAR,
    SERIES_LABELS,
    drawable,
    seized_label,
    seizures_by_drug,
    series_break_rows,
    single_years,
    spans_series_break,
    unodc_series,
)
from drugflows.params import links as checked_links

#: The processed tables the report reads, in the order its vintage table lists them.
TABLES = (
    "countries",
    "majors_list",
    "crop_estimates",
    "unodc_seizures",
    "drug_prices",
    "us_assistance",
    "country_indicators",
    threat_finance.DESIGNATIONS,
)

__all__ = [
    "drawable",
    "single_years",
    "assistance_title",
    "checked_links",
    "CRIME_SCORE_FORMATS",
    "counternarcotics_assistance",
    "crime_scores",
    "crops_on_file",
    "latest_prices",
    "outcomes_against_peers",
    "peers",
    "seizures_by_drug",
    "SERIES_BREAK_NOTE",
    "SERIES_BREAK_YEAR",
    "series_break_rows",
    "spans_series_break",
]


def tables_for(iso3: str | None = None) -> tuple[str, ...]:
    """The tables a profile of ``iso3`` reads: :data:`TABLES` and the country's own
    (:data:`COUNTRY_TABLES`), in the order its vintage table lists them."""
    return TABLES + COUNTRY_TABLES.get(iso3, ())


def load() -> dict[str, pd.DataFrame]:
    """The report's tables, by name (:data:`TABLES`)."""
    return {name: tables.load(name) for name in TABLES}


def country_tables(iso3: str) -> dict[str, pd.DataFrame]:
    """The tables only the profile of ``iso3`` reads (:data:`COUNTRY_TABLES`), by name."""
    return {name: tables.load(name) for name in COUNTRY_TABLES.get(iso3, ())}


def select(country: object, countries: pd.DataFrame) -> tuple[str, str, str]:
    """(ISO3 code, name, report region group) of the ``country`` parameter (a code or a name);
    ParameterError lists close matches."""
    iso3 = params.country("country", country, countries)
    name, region = names_by_code(countries)[iso3], countries.set_index("iso3").loc[iso3, "region_group"]
    return iso3, name, region


def at_a_glance(
    iso3: str, countries: pd.DataFrame, indicators: pd.DataFrame, majors: pd.DataFrame
) -> list[str]:
    """Bullets: region, population, Majors List status by fiscal year."""
    row = countries.set_index("iso3").loc[iso3]
    out = [
        f"**{row['name']}** ({iso3}); UN region {row['un_region']}, {row['un_subregion']}; "
        f"report region: {row['region_group'] or 'none'}."
    ]
    population = latest_value(indicators, iso3, "population", until=LAST_POPULATION_ESTIMATE)
    if population is None:
        out.append("No population figure on file.")
    else:
        people, year = population
        size = wording.people_text(people)
        out.append(
            f"Population {'about ' if people < 1e6 else ''}{size} in {year}, {POPULATION_SOURCE}; "
            "later years on file are projections."
        )
    status = majors_status(majors, [iso3])[iso3]
    listed = status[status != NOT_LISTED]
    years = f"{status.index.min()}-{status.index.max()}"
    if listed.empty:
        out.append(f"Not on the Majors List of drug transit or producing countries in fiscal {years}.")
    else:
        failed = listed[listed == MAJOR_FAILED]
        out.append(
            f"On the Majors List in fiscal {', '.join(str(y) for y in listed.index)} "
            f"(lists on file: {years})"
            + (
                f"; designated as having failed demonstrably in {', '.join(str(y) for y in failed.index)}."
                if not failed.empty
                else "."
            )
        )
    return out


def crop_lines(estimates: pd.DataFrame, iso3: str, crops: list[str]) -> list[tuple[str, str, pd.DataFrame]]:
    """(what, unit, rows) of each crop's cultivation and potential production series on file for the
    country, every estimator side by side (:func:`drugflows.domain.crops.side_by_side`), with the
    reader-facing ``estimator`` name."""
    out = []
    for crop in crops:
        spec = CROPS[crop]
        measures = (
            ("cultivation_ha", "cultivation", "Hectares"),
            ("production_t", "potential production", f"Metric tons of {spec['product']}"),
        )
        for measure, what, unit in measures:
            rows = side_by_side(estimates, crop, [iso3], measure)
            if not rows.empty:
                out.append(
                    (
                        f"{spec['label']} {what}",
                        unit,
                        rows.assign(estimator=rows["estimate_by"].map(estimator_label)),
                    )
                )
    return out


def crop_breaks(rows: pd.DataFrame) -> pd.DataFrame:
    """Where each estimator's line in :func:`crop_lines` rows changes edition (publication year),
    labelled "2010 -> 2022" for the figure."""
    return break_marks(rows, ["estimator"])


def crop_floors(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`crop_lines` published as lower bounds ("more than N")."""
    return rows[rows["floor"]]


def price_text(usd_per_gram: float) -> str:
    """A price per gram as printed, to what the figure supports: cents from a dollar ("1.22"),
    two significant digits below it ("0.094"), and below a cent per gram the price per kilogram
    too, with the unit said ("0.00062 (0.62 per kg)": coca leaf, sold by the kilogram)."""
    if pd.isna(usd_per_gram):
        return "–"
    if usd_per_gram >= 1:
        return f"{usd_per_gram:,.2f}"
    if usd_per_gram >= 0.01:
        return f"{usd_per_gram:#.2g}"
    return f"{usd_per_gram:#.2g} ({usd_per_gram * 1000:#.2g} per kg)"


#: Formats of :func:`prices_table`: US$ per gram, significant digits (:func:`price_text`).
PRICE_FORMATS = {"Wholesale": price_text, "Retail": price_text}


def prices_table(price_table: pd.DataFrame) -> pd.DataFrame:
    """The latest prices (:func:`latest_prices`) with reader-facing column names."""
    return price_table.drop(columns="year").rename(
        columns={"drug": "Drug", "wholesale": "Wholesale", "retail": "Retail"}
    )


#: Formats of the organized crime scores table.


def peer_caveat(against: pd.DataFrame, countries: pd.DataFrame) -> str:
    """The caveat of the peer chart: which peers each line averages, over which years (the same
    peers every year; :func:`drugflows.domain.outcomes.outcomes_against_peers`)."""
    names = names_by_code(countries)
    parts = []
    for label, (years, members) in against.attrs.get("peers", {}).items():
        short = label.split(" (")[0]
        if members:
            parts.append(f"{short}: {', '.join(names.get(c, c) for c in members)}, {years[0]}-{years[-1]}")
        else:
            parts.append(f"{short}: no peer line (too few peers with a value every year)")
    return (
        f"Peers: the same peers every year (of at least {MIN_POPULATION / 1e6:.0f} million people). "
        + "; ".join(parts)
        + "."
    )


def peer_text(against: pd.DataFrame, countries: pd.DataFrame, name: str) -> str:
    """The peers behind the peer chart as a sentence under it (:func:`peer_caveat`), saying so
    plainly where a line's peers are only one or two countries: their mean, not a regional norm."""
    names = names_by_code(countries)
    few = {
        tuple(members) for years, members in against.attrs.get("peers", {}).values() if 0 < len(members) <= 2
    }
    out = peer_caveat(against, countries)
    for members in sorted(few):
        who = " and ".join(wording.country_text(names.get(c, c)) for c in members)
        out += (
            f" {name}'s regional peers here are only {who}: the peer line is "
            f"{'its' if len(members) == 1 else 'their'} mean, not a norm for the region."
        )
    return out


# --- which countries get a profile -------------------------------------------------------------------

#: The sections of a profile that draw on data, by the words a sentence names them with.
SECTIONS = {
    "crops": "coca or opium poppy cultivation estimates",
    "seizures": "seizures of cocaine, heroin, methamphetamine or fentanyl reported to UNODC",
    "prices": "drug prices",
    "assistance": "US INCLE, counter-drug or counter-narcotics-sector assistance",
    "outcomes": "homicide, governance, corruption or organized crime figures",
}
#: The rule of the catalog: a country gets a profile when at least this many of :data:`SECTIONS`
#: have data for it (:func:`profiled_countries`).
MIN_SECTIONS = 2
#: The indicators behind the "outcomes" section: the peer chart's and the organized crime scores.
OUTCOME_INDICATORS = (*PEER_OUTCOMES, *CRIME_SCORES)


def sections_on_file(data: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Countries (rows: every ISO3 of the ``countries`` table) x :data:`SECTIONS`: whether the
    tables have data for that section of the country's profile."""
    codes = data["countries"]["iso3"]
    estimates, indicators = data["crop_estimates"], data["country_indicators"]
    seized = set().union(*(set(unodc_series(data["unodc_seizures"], d)["iso3"]) for d in PROFILE_DRUGS))
    prices = data["drug_prices"]
    on_file = {
        "crops": set().union(*(crop_countries(estimates, c) for c in CROPS)),
        "seizures": seized,
        "prices": set(prices.loc[prices["usd_per_gram"].notna(), "iso3"]),
        "assistance": assisted_countries(data["us_assistance"]),
        "outcomes": set(indicators.loc[indicators["indicator"].isin(OUTCOME_INDICATORS), "iso3"]),
    }
    return pd.DataFrame({s: codes.isin(on_file[s]).to_numpy() for s in SECTIONS}, index=codes.to_numpy())


def profiled_countries(data: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """iso3, name and region_group of every country the catalog profiles: data in at least
    :data:`MIN_SECTIONS` of the profile's :data:`SECTIONS`, in ISO3 order."""
    data = load() if data is None else data
    counts = sections_on_file(data).sum(axis=1)
    chosen = counts[counts >= MIN_SECTIONS].index
    countries = data["countries"]
    return countries.loc[countries["iso3"].isin(chosen), ["iso3", "name", "region_group"]].reset_index(
        drop=True
    )


def assisted_countries(assistance: pd.DataFrame) -> set[str]:
    """ISO3 codes with any row of a series the assistance chart draws (:data:`ASSISTANCE_SERIES`)."""
    rows = assistance[~assistance["is_aggregate"]]
    found: set[str] = set()
    for series in ASSISTANCE_SERIES.values():
        part = rows[
            (rows["source"] == series.source)
            & rows["account_or_sector"].isin(series.accounts)
            & rows["transaction_type"].isin(series.transactions)
        ]
        found |= set(part["iso3"].dropna())
    return found


# --- headline findings -------------------------------------------------------------------------------------


#: Years back a trend in the findings compares with (the nearest earlier year on file in the same
#: series, at most this far back).
TREND_YEARS = 5
#: Years back the homicide trend compares with (the latest year on file at least this far back).
HOMICIDE_TREND_YEARS = 10


@dataclass(frozen=True)
class Subject:
    """What every finding builder receives: the country, its region group, its region's other
    members and the report's tables (:func:`load`)."""

    iso3: str
    name: str
    region: str
    peers: list[str]
    data: dict[str, pd.DataFrame]


#: The rule of a headline seizure or production figure: from the last :data:`HEADLINE_YEARS` years
#: before the latest year of its table, and at least :data:`MIN_HEADLINE_KG` kg (a zero is never a
#: finding). Older or smaller figures stay in the tables and charts below, not in the headline.
HEADLINE_YEARS = 10
#: The smallest seizure (kg) a headline states, and the smallest earlier figure a trend compares with.
MIN_HEADLINE_KG = 1.0
#: What UNODC's fentanyl series cannot show, said wherever a fentanyl seizure is a headline.
FENTANYL_NOTE = "UNODC's export does not capture fentanyl-related substances or precursors"


def seizure_findings(s: Subject) -> list[str]:
    """Latest year and kilograms of each profile drug seized, with the UNODC vintage, the change
    from about :data:`TREND_YEARS` years earlier in the same vintage, and the region's other
    members in that year (:func:`peer_comparison`). Only figures that pass :data:`HEADLINE_RULE`."""
    out = []
    for drug in PROFILE_DRUGS:
        series = unodc_series(s.data["unodc_seizures"], drug)
        mine = series[series["iso3"] == s.iso3].set_index("year").sort_index()
        if mine.empty:
            continue
        year = int(mine.index.max())
        kg, vintage = float(mine.loc[year, "kg"]), mine.loc[year, "series"]
        if year < int(series["year"].max()) - HEADLINE_YEARS or kg < MIN_HEADLINE_KG:
            continue
        text = (
            f"{wording.sentence_start(seized_label(drug))} seized: {wording.kg_text(kg)} in {year} "
            f"according to the {SERIES_LABELS[vintage]}"
        )
        if drug == "fentanyl":
            text += f" ({FENTANYL_NOTE})"
        earlier = mine[(mine["series"] == vintage) & (mine.index < year) & (mine.index >= year - TREND_YEARS)]
        if not earlier.empty:
            first = int(earlier.index.min())
            before = float(earlier.loc[first, "kg"])
            if before >= MIN_HEADLINE_KG:
                text += f", {wording.change_text(kg, before)} {wording.kg_text(before)} in {first}"
        same_year = series[(series["year"] == year) & series["iso3"].isin(sized_peers(s))]
        text += peer_comparison(s, same_year.set_index("iso3")["kg"], wording.kg_text)
        out.append(text + ".")
    return out


#: A regional median in the findings needs at least this many other members with a figure that year,
#: each of at least :data:`~drugflows.domain.outcomes.MIN_POPULATION` people (as the designs'
#: peers); with fewer, the findings give those members' own figures by name.
MIN_REGION_PEERS = 3


#: The paragraph under the findings' heading: what they are, the headline rule and the peer rule.
FINDINGS_INTRO = (
    "Computed from the tables below: the latest figure of each on file, with its year and source. A "
    f"seizure or crop figure is a headline only if it is from the last {HEADLINE_YEARS} years of its "
    f"table and, for seizures, at least {MIN_HEADLINE_KG:.0f} kg (a zero never is); older or smaller "
    "ones stay in the tables below. Figures are set against the median of the region's other members "
    f"of at least {MIN_POPULATION / 1e6:.0f} million people in the same year where at least "
    f"{MIN_REGION_PEERS} have one, else against those members' own figures by name. Associations and "
    "levels, not effects: nothing here says what caused what."
)


def sized_peers(s: Subject) -> list[str]:
    """The region's other members of at least :data:`MIN_POPULATION` people (latest UN estimate on
    file); a member without a population figure is left out."""
    indicators = s.data["country_indicators"]
    out = []
    for code in s.peers:
        found = latest_value(indicators, code, "population", until=LAST_POPULATION_ESTIMATE)
        if found is not None and found[0] >= MIN_POPULATION:
            out.append(code)
    return out


def peer_comparison(s: Subject, values: pd.Series, fmt) -> str:
    """The clause comparing a figure with the region's other members' ``values`` (by ISO3) that
    year: their median from :data:`MIN_REGION_PEERS` members, else their own figures by name;
    nothing when none has one."""
    if values.empty:
        return ""
    names = names_by_code(s.data["countries"])
    size = f"of at least {MIN_POPULATION / 1e6:.0f} million people"
    region = wording.region_text(s.region)
    if len(values) >= MIN_REGION_PEERS:
        return (
            f"; median of the {len(values)} other members of {region} ({size}) with a figure that "
            f"year: {fmt(float(values.median()))}"
        )
    own = [
        f"{wording.country_text(names[c])} {fmt(float(v))}"
        for c, v in sorted(values.items(), key=lambda kv: names[kv[0]])
    ]
    fewer = "only one other member" if len(values) == 1 else f"only {len(values)} other members"
    return (
        f"; {fewer} of {region} ({size}) with a figure that year, too few for a median: "
        + wording.list_text(own)
    )


def crop_findings(s: Subject) -> list[str]:
    """Cultivation and potential production of each crop: each named estimator's latest figure,
    the latest first, the others after from newest to oldest, with their edition (publication
    year). Only figures from the last :data:`HEADLINE_YEARS` years of the table, and not the rows
    whose source does not name the estimator (``other``: they stay in the charts)."""
    out = []
    estimates = s.data["crop_estimates"]
    since = int(estimates["year"].max()) - HEADLINE_YEARS
    for crop in crops_on_file(estimates, s.iso3):
        spec = CROPS[crop]
        for measure, what, unit in (
            ("cultivation_ha", "cultivation", "ha"),
            ("production_t", "potential production", f"metric tons of {spec['product']}"),
        ):
            rows = side_by_side(estimates, crop, [s.iso3], measure)
            rows = rows[
                (rows["estimate_by"] != UNNAMED_ESTIMATOR) & (rows["year"] >= since) & (rows["value"] > 0)
            ]
            latest = [own.loc[own["year"].idxmax()] for _, own in rows.groupby("estimate_by")]
            parts = [
                f"{'more than ' if last['floor'] else ''}{wording.sig_text(last['value'])} {unit} in "
                f"{int(last['year'])} ({estimator_label(last['estimate_by'])}, "
                f"{edition_label(last['published_year'])})"
                for last in sorted(latest, key=lambda row: -int(row["year"]))
            ]
            if parts:
                out.append(f"{wording.sentence_start(spec['label'])} {what}: " + "; ".join(parts) + ".")
    return out


#: The estimator code of crop figures whose source does not name the estimator (DrugPolicyFacts
#: quotations, WDR annex cells without a visible footnote): left out of the headline.
UNNAMED_ESTIMATOR = "other"


def homicide_findings(s: Subject) -> list[str]:
    """Latest homicide rate, the change from about ten years earlier, and the median of the
    region's other members in the same year."""
    indicators = s.data["country_indicators"]
    rows = indicators[indicators["indicator"] == "homicide_rate"]
    mine = rows[rows["iso3"] == s.iso3].set_index("year")["value"].sort_index()
    if mine.empty:
        return []
    year, rate = int(mine.index.max()), float(mine.iloc[-1])
    text = f"Homicide rate: {rate:.1f} per 100,000 people in {year}"
    earlier = mine[(mine.index <= year - HOMICIDE_TREND_YEARS)]
    if not earlier.empty:
        before, first = float(earlier.iloc[-1]), int(earlier.index[-1])
        text += f" ({wording.change_text(rate, before)} {before:.1f} in {first})"
    peers = rows[(rows["year"] == year) & rows["iso3"].isin(sized_peers(s))]
    text += peer_comparison(s, peers.set_index("iso3")["value"], lambda rate: f"{rate:.1f}")
    return [text + "."]


def price_findings(s: Subject) -> list[str]:
    """The latest year's prices of the drugs the profile follows (:data:`PROFILE_DRUGS`; where it
    has none of those, the first :data:`OTHER_PRICES_IN_FINDINGS` others), retail where on file,
    else wholesale (US$; level said); the rest are counted and left to the table."""
    table = latest_prices(s.data["drug_prices"], s.iso3)
    if table.empty:
        return []
    followed = table["drug"].str.lower().str.contains("|".join(PROFILE_DRUGS))
    shown = table[followed] if followed.any() else table.head(OTHER_PRICES_IN_FINDINGS)
    shown = shown.head(MAX_PRICES_IN_FINDINGS)
    parts = []
    for row in shown.itertuples():
        level, price = ("retail", row.retail) if pd.notna(row.retail) else ("wholesale", row.wholesale)
        per_kg = price < 0.01  # coca leaf, sold by the kilogram
        cost = f"{wording.price_usd_text(price * 1000 if per_kg else price)} per {'kg' if per_kg else 'gram'}"
        parts.append(f"{wording.in_sentence(row.drug)} {cost} ({level})")
    more = len(table) - len(shown)
    return [
        f"Prices in {int(table['year'].iloc[0])}: {wording.list_text(parts)}"
        + (f"; {wording.count_text(more, 'more drug')} in the price table below" if more else "")
        + "."
    ]


#: Where none of the profile's drugs has a price, the findings name this many others.
OTHER_PRICES_IN_FINDINGS = 2
#: At most this many drugs' prices in the findings (the table has them all).
MAX_PRICES_IN_FINDINGS = 4


def assistance_findings(s: Subject) -> list[str]:
    """US obligations in the latest complete fiscal year (:func:`domain.assistance.complete_fiscal_year`;
    ForeignAssistance.gov, current US$): all sectors and the sector-coded counter-narcotics
    obligations, with the sector's share, and what the next, incomplete year holds so far."""
    assistance = s.data["us_assistance"]
    complete = complete_fiscal_year()
    found = counternarcotics_share(assistance, [s.iso3], last_year=complete)
    if found is None:
        return []
    year = found[0]
    text = counternarcotics_share_text(*found)
    later = counternarcotics_share(assistance, [s.iso3], last_year=complete + 1)
    if later is not None and later[0] > year:
        text += (
            f". Fiscal {later[0]} obligations may still be incomplete in this download "
            f"({wording.money_text(later[1])} so far)"
        )
    return [text + "."]


def majors_findings(s: Subject) -> list[str]:
    """Majors List status in the latest fiscal year on file, and the years listed."""
    status = majors_status(s.data["majors_list"], [s.iso3])[s.iso3]
    latest = int(status.index.max())
    years = f"fiscal {status.index.min()}-{latest}"
    listed = status[status != NOT_LISTED]
    if listed.empty:
        return [f"Not on the Majors List of drug transit or producing countries in {years}."]
    now = status[latest]
    text = (
        f"On the Majors List in fiscal {latest}"
        + (" and designated as having failed demonstrably" if now == MAJOR_FAILED else "")
        if now != NOT_LISTED
        else f"Not on the Majors List in fiscal {latest}"
    )
    times = "on every list" if len(listed) == len(status) else f"on {len(listed)} of the {len(status)} lists"
    return [text + f" ({times} on file, {years})."]


def missing_findings(s: Subject) -> list[str]:
    """The sections the tables do not cover for the country, said plainly: "The tables have no
    drug prices for Fiji, and no coca or opium poppy cultivation estimates"."""
    sections = sections_on_file(
        {**s.data, "countries": s.data["countries"][s.data["countries"]["iso3"] == s.iso3]}
    )
    missing = [SECTIONS[c] for c in SECTIONS if not sections.loc[s.iso3, c]]
    if not missing:
        return []
    return [
        wording.sentence_end(
            f"Not on file for {wording.country_text(s.name)}: "
            + "; ".join(missing)
            + (" (each section below says so)" if len(missing) > 1 else "")
        )
    ]


def population_findings(s: Subject) -> list[str]:
    """The latest UN population estimate on file, rounded (:func:`people_text`), with its revision."""
    found = latest_value(s.data["country_indicators"], s.iso3, "population", until=LAST_POPULATION_ESTIMATE)
    if found is None:
        return [f"No population figure on file for {wording.country_text(s.name)}."]
    people, year = found
    return [f"Population: {wording.people_text(people)} in {year}, {POPULATION_SOURCE}."]


#: Where the population figure comes from, as the findings and the glance say it.
POPULATION_SOURCE = "the latest estimate on file (UN World Population Prospects 2017)"


#: The headline findings, in the order they are printed: each builder takes a :class:`Subject` and
#: returns its sentences (none where its table has nothing for the country). Findings from new
#: tables (threat finance, Mexico's violence, precursor seizures) are added to this list.
def designation_findings(s: Subject) -> list[str]:
    """OFAC's narcotics sanctions entries placed in the country (:mod:`domain.threat_finance`):
    how many, by type and programme, and how many the scrape history saw added; nothing when none."""
    designations = threat_finance.on_newest_list(s.data[threat_finance.DESIGNATIONS])
    found = threat_finance.country_entries(designations, s.iso3)
    if found is None:
        return []
    types = wording.list_text(
        [wording.count_text(n, TYPE_NOUNS[label]) for label, n in found.by_type.items()]
    )
    programs = "; ".join(f"{label} {n:,}" for label, n in found.by_program.items())
    added = (
        f"{wording.count_text(found.first_seen_since_history, 'entry')} first seen after 18 August 2021 "
        f"({'the latest ' if found.first_seen_since_history > 1 else ''}on "
        f"{wording.date_text(found.latest_first_seen)})"
        if found.latest_first_seen
        else "no entry first seen after 18 August 2021"
    )
    return [
        f"OFAC's narcotics sanctions list of {wording.date_text(threat_finance.list_date(designations))} "
        f"places {wording.count_text(found.entries, 'entry')} in {wording.country_text(s.name)} "
        f"({types}; by programme, "
        f"which overlap: {programs}); {added}. The list counts designations, not money blocked."
    ]


#: The noun of each entry type (labels of :data:`threat_finance.TYPES`) a count is printed with.
TYPE_NOUNS = {
    label: noun
    for label, noun in zip(
        threat_finance.TYPES.values(), ("individual", "entity", "vessel", "aircraft"), strict=True
    )
}


#: The most precursor chemicals a profile's finding names.
PRECURSORS_NAMED = 3


def precursor_findings(s: Subject) -> list[str]:
    """The precursor chemicals the country reported seizing to UNODC, largest first, each with its
    latest year and the drug it mainly serves; nothing when none."""
    seized = precursors.country_precursor_seizures(s.data["unodc_seizures"], s.iso3)
    since = int(s.data["unodc_seizures"]["year"].max()) - HEADLINE_YEARS
    seized = seized[
        (seized["drug_served"] != precursors.NOT_STATED)
        & (seized["latest_year"] >= since)
        & (seized["amount"] >= MIN_HEADLINE_KG)
    ]
    if seized.empty:
        return []
    parts = [
        f"{row.chemical} {wording.kg_text(row.amount)} in {row.latest_year} "
        f"({precursors.uses_text(row.chemical)})"
        for row in seized.head(PRECURSORS_NAMED).itertuples()
    ]
    more = len(seized) - PRECURSORS_NAMED
    return [
        "Precursor chemicals seized, reported to UNODC (the latest year of each; what it is used for): "
        + "; ".join(parts)
        + (f"; and {wording.count_text(more, 'more chemical')}." if more > 0 else ".")
    ]


#: Tables only some profiles read, by ISO3: Mexico's registered victims of violent crime.
COUNTRY_TABLES = {"MEX": ("mexico_victims_monthly",)}


def violence_findings(s: Subject) -> list[str]:
    """Registered victims of intentional homicide (SESNSP), for the countries with such a table."""
    if "mexico_victims_monthly" not in s.data:
        return []
    return [violence.national_homicide_sentence(s.data["mexico_victims_monthly"])]


FINDING_BUILDERS = [
    seizure_findings,
    crop_findings,
    precursor_findings,
    homicide_findings,
    violence_findings,
    price_findings,
    assistance_findings,
    majors_findings,
    designation_findings,
    missing_findings,
    population_findings,
]


def reading(iso3: str, data: dict[str, pd.DataFrame]) -> list[str]:
    """The profile's headline findings: every builder of :data:`FINDING_BUILDERS` in turn."""
    countries = data["countries"]
    name, region = names_by_code(countries)[iso3], countries.set_index("iso3").loc[iso3, "region_group"]
    subject = Subject(iso3, name, region or "no region", peers(iso3, countries), data)
    return [line for build in FINDING_BUILDERS for line in build(subject)]
