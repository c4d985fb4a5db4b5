"""The threat_finance report: the OFAC SDN entries under the narcotics programs (Kingpin Act, EO
12978, EO 14059) by program, country and type; the entries first seen by month since August 2021;
the companies abroad tied to Mexican or Colombian networks; and what the list cannot show."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import pandas as pd

from drugflows import params, tables
from drugflows.countries import members, names_by_code, region_groups
from drugflows.domain.threat_finance import (
    DESIGNATIONS,
    FIRST_SCRAPE,
    NETWORK_ADJECTIVES,
    PROGRAM_SHORT,
    PROGRAM_TAGS,
    PROGRAMS,
    TYPES,
    countries_on_file,
    entries_by_country,
    entries_by_program,
    entries_by_type,
    first_seen_entries,
    first_seen_months,
    first_seen_years,
    front_companies,
    in_countries,
    last_scrape,
    list_date,
    on_first_scrape,
    on_newest_list,
    program_by_type,
    with_programs,
)

#: The processed tables the report reads (``countries`` for names and regions).
TABLES = (DESIGNATIONS,)
__all__ = [
    "PROGRAMS",
    "TYPES",
    "entries_by_program",
    "entries_by_type",
    "first_seen_months",
    "front_companies",
    "program_by_type",
]

#: Countries named in the headline, drawn in the country chart and listed in its table.
TOP_COUNTRIES_HEADLINE, TOP_COUNTRIES_CHART, TOP_COUNTRIES_TABLE = 4, 15, 25
#: Thousands separators for the count columns of the tables.
COUNT_FORMATS = {"All entries": "{:,.0f}", **{label: "{:,.0f}" for label in TYPES.values()}}


def load() -> dict[str, pd.DataFrame]:
    """The report's tables by name, and the ``countries`` table for names and regions."""
    data = {name: tables.load(name) for name in (*TABLES, "countries")}
    data[DESIGNATIONS] = on_newest_list(data[DESIGNATIONS])
    return data


def _program_names() -> dict[str, str]:
    """Every accepted spelling of a program -> its flag column: the flag, OFAC's tag (also
    ``ILLICIT-DRUGS`` and ``ILLICIT-DRUGS-EO``), the short name and the label."""
    out = {}
    for flag in PROGRAMS:
        for name in (flag, PROGRAM_TAGS[flag], PROGRAM_SHORT[flag], PROGRAMS[flag]):
            out[name] = flag
    out["ILLICIT-DRUGS"] = out["ILLICIT-DRUGS-EO"] = "illicit_drugs_eo14059"
    return out


def _pick(name: str, value: object, spellings: dict[str, str], shown: list[str]) -> str:
    """The value of ``spellings`` whose key is ``value`` (case and spaces ignored); ParameterError
    listing ``shown`` and the closest spellings ("did you mean")."""
    folded = {key.casefold().replace(" ", ""): key for key in spellings}
    text = value.strip().casefold().replace(" ", "") if isinstance(value, str) else None
    if text in folded:
        return spellings[folded[text]]
    close = difflib.get_close_matches(str(text or value), list(folded), n=3, cutoff=0.6)
    hint = f" Did you mean: {', '.join(folded[c] for c in close)}?" if close else ""
    raise params.ParameterError(f"Unknown {name} {value!r}. Valid values: {', '.join(shown)}.{hint}")


@dataclass(frozen=True)
class Selection:
    """The validated parameters: program flag columns, ISO3 codes (None: every country), the
    region group (None unless given), ISO3 -> name; the date of the list and of the last scrape
    (from the table)."""

    programs: list[str]
    countries: list[str] | None
    region: str | None
    names: dict[str, str]
    list_date: str
    history_end: str

    @property
    def where(self) -> str:
        """The selection as text: "placed in Mexico", "placed in the report region Andean region
        (5 countries with entries)", "" for every country."""
        if self.region:
            count = _count(len(self.countries), "country", "countries")
            return f"placed in the report region {self.region} ({count} with entries)"
        if self.countries:
            listed = [self.names.get(c, c) for c in self.countries]
            return "placed in " + (
                ", ".join(listed[:-1]) + " and " + listed[-1] if len(listed) > 1 else listed[0]
            )
        return ""

    def titled(self, title: str) -> str:
        """A chart title with the selection: "..., placed in Mexico"; the programs where not all."""
        programs = "" if len(self.programs) == len(PROGRAMS) else f", {self.program_text}"
        return title + programs + (f", {self.where}" if self.where else "")

    @property
    def one_country(self) -> bool:
        """True when one country is chosen (no ranking of countries to draw)."""
        return self.countries is not None and len(self.countries) == 1

    @property
    def program_text(self) -> str:
        """ "the narcotics programs" or the chosen ones by short name."""
        if len(self.programs) == len(PROGRAMS):
            return "the narcotics programs"
        return " or ".join(PROGRAM_SHORT[p] for p in self.programs)


def validate(programs: object, countries: object, region: object, data: dict[str, pd.DataFrame]) -> Selection:
    """Check the parameters: ``programs`` (None: all three; a program or a list, by OFAC's tag such
    as ``SDNTK``, short name such as ``Kingpin Act`` or label), ``countries`` (None: all; ISO3 codes
    or names of countries with an entry) and ``region`` (None, or a report region group with an
    entry); not both a region and countries. ParameterError naming the parameter otherwise."""
    designations, country_table = data[DESIGNATIONS], data["countries"]
    names = names_by_code(country_table)
    if programs is None:
        chosen = list(PROGRAMS)
    else:
        spellings = _program_names()
        shown = [PROGRAM_TAGS[p] for p in PROGRAMS] + [PROGRAM_SHORT[p] for p in PROGRAMS]
        picked = {
            _pick("program", v, spellings, shown) for v in params.as_list("programs", programs, "a program")
        }
        chosen = [p for p in PROGRAMS if p in picked]
    on_file = countries_on_file(designations)
    if region is not None and countries is not None:
        raise params.ParameterError("Give either 'countries' or 'region', not both (set the other to None).")
    codes = None if countries is None else params.country_list("countries", countries, country_table, on_file)
    if region is not None:
        with_entries = [
            g for g in region_groups(country_table) if set(members(g, country_table)) & set(on_file)
        ]
        region = _pick("region", region, {g: g for g in with_entries}, with_entries)
        codes = [c for c in members(region, country_table) if c in on_file]
    return Selection(chosen, codes, region, names, list_date(designations), last_scrape(designations))


def selected(designations: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """The entries under the chosen programs and, if any were chosen, in the chosen countries."""
    rows = with_programs(designations, selection.programs)
    return rows if selection.countries is None else in_countries(rows, selection.countries)


def selected_front_companies(designations: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """:func:`front_companies` of the entries under the chosen programs; with countries chosen,
    those located in them or tied to a network of one of them."""
    fronts = front_companies(with_programs(designations, selection.programs), selection.names)
    if selection.countries is None:
        return fronts
    keep = fronts["located_iso3"].isin(selection.countries) | fronts["network_iso3"].isin(selection.countries)
    return fronts[keep].reset_index(drop=True)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _share(part: int, whole: int) -> str:
    """A share as a whole percent, "under 1%" below one half of one."""
    return f"{part / whole:.0%}" if part / whole >= 0.005 else "under 1%"


def _month(period: pd.Period) -> str:
    return period.strftime("%B %Y")


def months_covered(end: str) -> float:
    """Months from the first scraped version (:data:`FIRST_SCRAPE`) to ``end`` (a date)."""
    days = (pd.Timestamp(end) - pd.Timestamp(FIRST_SCRAPE)).days
    return days / (365.25 / 12)


def _date(text: str) -> str:
    """ "3 May 2024" for "2024-05-03"; other labels ("after 2024-05-03") as they are."""
    try:
        return pd.Timestamp(text).strftime("%-d %B %Y")
    except ValueError:
        return text


def reading(designations: pd.DataFrame, selection: Selection) -> list[str]:
    """Headline findings, in plain words, from the entries of the selection."""
    rows = selected(designations, selection)
    where = f" {selection.where}" if selection.where else ""
    vintage = _date(selection.list_date)
    if rows.empty:
        return [
            f"No entry under {selection.program_text}{where} is on OFAC's SDN list of {vintage}. "
            "The list names who is designated; it says nothing of trafficking where it names no one."
        ]
    by_program = entries_by_program(rows, selection.programs)
    head = (
        f"OFAC's Specially Designated Nationals list of {vintage} holds "
        f"{_count(len(rows), 'entry', 'entries')} under {selection.program_text}{where}"
    )
    if len(by_program) > 1:
        head += (
            ": "
            + "; ".join(f"{label} {n:,}" for label, n in by_program.items())
            + ". An entry can carry several programs, so these overlap and are not added."
        )
    out = [head + ("" if len(by_program) > 1 else ".")]
    types = entries_by_type(rows)
    out.append("By type: " + _and([_type_count(label, n) for label, n in types.items()]) + ".")
    countries = entries_by_country(rows, selection.names)
    if not selection.one_country:
        top = countries.head(TOP_COUNTRIES_HEADLINE)
        listed = [f"{r.country} {r.entries:,} ({_share(r.entries, len(rows))})" for r in top.itertuples()]
        unplaced = int(rows["iso3"].isna().sum())
        out.append(
            f"Most are placed in {_and(listed)}, by the country of their addresses, else of their "
            "remarks (nationality, citizenship, the issuer of an ID or the place of birth)"
            + (f"; {_count(unplaced, 'entry has', 'entries have')} no country" if unplaced else "")
            + ". Where a company is registered or a person is a national is not where a network operates."
        )
    out.append(_pace(rows, selection.history_end))
    if new := _new_entries(rows, selection):
        out.append(new)
    out.append(_fronts_sentence(selected_front_companies(designations, selection), rows))
    out.append(
        "The list cannot show how much money is blocked, arrests or convictions, when the entries "
        "already on it in August 2021 were designated, or any effect of a designation on drug flows: "
        "it counts Treasury's actions, not the networks' size or their money."
    )
    return out


def _type_count(label: str, n: int) -> str:
    """ "1,038 individuals", "1 aircraft", "891 entities (companies, organisations)"."""
    name, _, note = label.partition(" (")
    name = name.lower() if n != 1 or name == "Aircraft" else name.lower().removesuffix("s").replace("ie", "y")
    return f"{n:,} {name}" + (f" ({note}" if note else "")


def _pace(rows: pd.DataFrame, history_end: str) -> str:
    """The sentence on the entries first seen between the first scrape and ``history_end``, by
    year and month."""
    years = first_seen_years(rows)
    start, end = pd.Timestamp(FIRST_SCRAPE), pd.Timestamp(history_end)
    dated, undated = int(years.sum()), on_first_scrape(rows)
    unknown = len(rows) - dated - undated  # on a list file newer than the history: no date at all
    outside = (
        f" {_count(unknown, 'entry is', 'entries are')} not in the scrape history at all." if unknown else ""
    )
    history = f"the scrape history of the list, which runs from {start:%-d %B %Y} to {end:%-d %B %Y}"
    caveat = (
        "First seen in a scrape is an upper bound on the date OFAC published an entry, not its "
        f"designation date, and entries removed from the list before {end:%B %Y} are not in the file."
    )
    if not dated:
        return (
            f"None of these entries was first seen in {history}: {undated:,} were on the list on "
            f"{start:%-d %B %Y} already (designated then or earlier; the list gives no dates)."
            f"{outside} {caveat}"
        )
    by_year = []
    for year, n in years.items():
        if year == start.year:
            by_year.append(f"{n:,} from {start:%-d %B} to December {year}")
        elif year == end.year:
            by_year.append(f"{n:,} from January to {end:%-d %B %Y}")
        else:
            by_year.append(f"{n:,} in {year}")
    months = first_seen_months(rows, history_end).sum(axis=1)
    busiest = months.idxmax()
    span = months_covered(history_end)
    rate_text = (
        f"about {dated / span:.0f} a month" if dated / span >= 1.5 else f"{dated:,} in {span:.0f} months"
    )
    return (
        f"{_count(dated, 'entry was', 'entries were')} first seen in {history}: {_and(by_year)}; "
        f"{rate_text}, most in {_month(busiest)} ({int(months[busiest]):,}). The other {undated:,} "
        f"were on the list on {start:%-d %B %Y} already (designated then or earlier).{outside} {caveat}"
    )


def _new_entries(rows: pd.DataFrame, selection: Selection) -> str | None:
    """Under which programs and where the entries first seen since the first scrape are (None
    when there are none): each program's count and latest month first seen, the top countries."""
    dated = first_seen_entries(rows)
    if dated.empty:
        return None
    parts = []
    for program in selection.programs:
        mine = dated[dated[program]]
        if not mine.empty:
            latest = pd.Period(mine["first_seen_date"].max(), freq="M")
            parts.append(f"{PROGRAMS[program]} {len(mine):,}, the last first seen in {_month(latest)}")
    text = f"Of these {len(dated):,} new entries: " + "; ".join(parts)
    if not selection.one_country:
        top = dated["iso3"].value_counts().head(2)
        names = [f"{selection.names.get(c, c)} ({n:,})" for c, n in top.items()]
        text += f". They are placed mostly in {_and(names)}"
    return text + "."


def _fronts_sentence(fronts: pd.DataFrame, rows: pd.DataFrame) -> str:
    """The sentence on the companies abroad tied to Mexican or Colombian networks."""
    linked = int((rows["linked_to"] != "").sum())
    how = (
        'An entity counts as tied to a network when the list\'s "Linked To:" remarks join it to an '
        "entry placed in that country and none of its own addresses or remarks is there; only "
        f"{linked:,} of these {len(rows):,} entries carry such remarks, so this is a floor."
    )
    if fronts.empty:
        return f"No entity located outside Mexico or Colombia is tied to their networks here. {how}"
    parts = []
    for network, group in fronts.groupby("network_iso3", sort=False):
        inside = _and([f"{place} {n:,}" for place, n in group["located_in"].value_counts().items()])
        parts.append(
            f"{_count(len(group), 'entity', 'entities')} tied to {NETWORK_ADJECTIVES[network]} "
            f"networks ({inside})"
        )
    return f"Front companies abroad: {_and(parts)}. {how}"


def program_table(rows: pd.DataFrame, programs: list[str]) -> pd.DataFrame:
    """Entries by program and type, with the program's entries in all, reader-facing."""
    table = program_by_type(rows, programs)
    table.insert(0, "All entries", entries_by_program(rows, programs).to_numpy())
    return table.rename_axis("Program").reset_index()


def country_table(rows: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Entries by primary country and type, reader-facing (no ISO3 column)."""
    table = entries_by_country(rows, names).drop(columns="iso3")
    return table.rename(columns={"country": "Country", "entries": "All entries"})


def rest_of_countries(by_country: pd.DataFrame, shown: int) -> str:
    """The line under a country table cut at ``shown`` rows: how many countries and entries follow."""
    rest = by_country.iloc[shown:]
    if rest.empty:
        return f"{_count(len(by_country), 'country', 'countries')} in all."
    most = int(rest["All entries"].max())
    return (
        f"And {_count(len(rest), 'more country', 'more countries')} with "
        f"{_count(int(rest['All entries'].sum()), 'entry', 'entries')} in all "
        f"({'1 each' if most == 1 else f'1 to {most:,} each'})."
    )


def month_table(rows: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    """:func:`first_seen_months` indexed by month labels ("Aug 2021") for the stacked bars."""
    months = first_seen_months(rows, selection.history_end)
    months.index = pd.Index([m.strftime("%b %Y") for m in months.index], name="month")
    return months


def fronts_table(fronts: pd.DataFrame) -> pd.DataFrame:
    """The front companies, reader-facing."""
    table = fronts.drop(columns=["ent_num", "network_iso3", "located_iso3"]).fillna(
        {"located_in": "no country given"}
    )
    return table.rename(
        columns={
            "entity": "Entity",
            "network": "Network of",
            "located_in": "Located in",
            "tied_to": "Tied to (Linked To:)",
            "programs": "Programs",
        }
    )
