"""Threat finance: the OFAC SDN entries under the narcotics programs (``ofac_narcotics_designations``).

Vocabulary (program and type labels, defined here once), counts by program, country and type, the
entries first seen in the scrape history by month, the companies abroad tied to Mexican or
Colombian networks by the list's "Linked To:" remarks, and one country's entries for its profile.

What the table is: the newest list on file (3 May 2024), one row per entry; first seen is known only
for entries added after 18 Aug 2021 (a six-hourly scrape, so an upper bound on the date OFAC
published them) and is not a designation date; entries removed before the list's date are not in it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from drugflows.sources.ofac import BEFORE_HISTORY, DATED, NARCOTICS_FLAGS, TABLE

#: The processed table this module reads.
DESIGNATIONS = TABLE

#: Flag column of the table -> the program as printed (its legal basis, then OFAC's tag).
PROGRAMS = {
    "sdntk": "Kingpin Act (SDNTK)",
    "illicit_drugs_eo14059": "EO 14059, global drug trade (ILLICIT-DRUGS)",
    "sdnt": "EO 12978, Colombian traffickers (SDNT)",
}
#: Flag column -> OFAC's program tag as written in the May 2024 list.
PROGRAM_TAGS = {
    flag: ("ILLICIT-DRUGS-EO14059" if tag == "ILLICIT-DRUGS" else tag)
    for flag, tag in NARCOTICS_FLAGS.items()
}
#: Flag column -> a short name for running text and axis labels.
PROGRAM_SHORT = {"sdntk": "Kingpin Act", "illicit_drugs_eo14059": "EO 14059", "sdnt": "EO 12978"}

#: ``sdn_type`` -> as printed (OFAC's empty type is an entity: a company or an organisation).
TYPES = {
    "individual": "Individuals",
    "entity": "Entities (companies, organisations)",
    "vessel": "Vessels",
    "aircraft": "Aircraft",
}

#: The networks whose front companies abroad are traced (ISO3 of the linked entry's country), and
#: the adjective each is printed with.
NETWORK_ADJECTIVES = {"MEX": "Mexican", "COL": "Colombian"}
NETWORK_COUNTRIES = tuple(NETWORK_ADJECTIVES)

#: The first version of the scrape history (US Eastern date; SOURCE.md): entries already on it are
#: undated. Its last version is read from the table (:func:`last_scrape`).
FIRST_SCRAPE = "2021-08-18"


def on_newest_list(designations: pd.DataFrame) -> pd.DataFrame:
    """The entries of the newest list file on file: the ones an older file holds and the newest no
    longer does (delisted; kept in the table with ``on_newest_list`` false) are left out, so counts
    are of the list as it stands."""
    return designations[designations["on_newest_list"].astype(bool)]


def last_scrape(designations: pd.DataFrame) -> str:
    """The date (US Eastern) of the last scraped version of the list holding any of the entries."""
    dates = designations["last_seen_date"].astype(str)
    return str(dates[dates != ""].max())


def list_date(designations: pd.DataFrame) -> str:
    """The vintage of the newest list file the table was built from (a date, or "after ...")."""
    return str(designations.loc[designations["on_newest_list"], "list_vintage"].max())


def with_programs(designations: pd.DataFrame, programs: list[str]) -> pd.DataFrame:
    """The entries carrying at least one of ``programs`` (flag columns of :data:`PROGRAMS`)."""
    return designations[designations[list(programs)].any(axis=1)]


def in_countries(designations: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """The entries whose primary country (``iso3``) is one of ``codes``."""
    return designations[designations["iso3"].isin(codes)]


def countries_on_file(designations: pd.DataFrame) -> list[str]:
    """ISO3 codes that are the primary country of at least one entry, sorted."""
    return sorted(designations["iso3"].dropna().unique())


def entries_by_program(designations: pd.DataFrame, programs: list[str] | None = None) -> pd.Series:
    """Entries carrying each program tag, by label (an entry with two tags counts under both, so
    the counts are never added up)."""
    programs = list(programs or PROGRAMS)
    return pd.Series({PROGRAMS[p]: int(designations[p].sum()) for p in programs}, name="entries")


def entries_by_type(designations: pd.DataFrame) -> pd.Series:
    """Entries by type (labels of :data:`TYPES`), the types on file only, in :data:`TYPES` order."""
    counts = designations["sdn_type"].value_counts()
    return pd.Series({TYPES[t]: int(counts[t]) for t in TYPES if t in counts}, name="entries")


def entries_by_country(designations: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Per primary country, most entries first: ``iso3``, ``country``, ``entries`` and one column
    per type on file (labels of :data:`TYPES`). Entries with no country are left out."""
    placed = designations.dropna(subset=["iso3"])
    wide = pd.crosstab(placed["iso3"].astype(str), placed["sdn_type"].astype(str))
    wide = wide[[t for t in TYPES if t in wide.columns]].rename(columns=TYPES)
    wide.insert(0, "entries", wide.sum(axis=1))
    wide = wide.sort_values("entries", ascending=False, kind="stable")
    wide.insert(0, "country", [names.get(c, c) for c in wide.index])
    return wide.rename_axis("iso3").reset_index()


def program_by_type(designations: pd.DataFrame, programs: list[str] | None = None) -> pd.DataFrame:
    """Programs (rows, labels) by type (columns, labels): entries carrying each tag."""
    rows = {}
    for p in programs or PROGRAMS:
        counts = designations.loc[designations[p], "sdn_type"].value_counts()
        rows[PROGRAMS[p]] = {TYPES[t]: int(counts.get(t, 0)) for t in TYPES}
    table = pd.DataFrame.from_dict(rows, orient="index")
    return table.loc[:, table.sum() > 0]


def first_seen_entries(designations: pd.DataFrame) -> pd.DataFrame:
    """The entries first seen in the scrape history (after its first version of 18 Aug 2021)."""
    return designations[designations["first_seen_status"] == DATED]


def on_first_scrape(designations: pd.DataFrame) -> int:
    """How many entries were already on the first scraped version (18 Aug 2021): undated."""
    return int((designations["first_seen_status"] == BEFORE_HISTORY).sum())


def first_seen_months(designations: pd.DataFrame, end: str | None = None) -> pd.DataFrame:
    """Entries first seen in the scrape history, by month (US Eastern; every month from that of
    :data:`FIRST_SCRAPE` to that of ``end``, by default :func:`last_scrape`, empty ones as 0) and
    type (columns, labels of :data:`TYPES`). The first and last months are partial; entries already
    on the first scrape are not dated."""
    dated = first_seen_entries(designations)
    end = end or last_scrape(designations)
    months = pd.period_range(FIRST_SCRAPE[:7], end[:7], freq="M")
    month = pd.PeriodIndex(dated["first_seen_date"].astype(str), freq="M")
    table = pd.crosstab(month, dated["sdn_type"].astype(str)).reindex(months, fill_value=0)
    table = table[[t for t in TYPES if t in table.columns]].rename(columns=TYPES)
    return table.rename_axis(index="month", columns=None)


def first_seen_years(designations: pd.DataFrame) -> pd.Series:
    """Entries first seen in the scrape history by calendar year (US Eastern dates)."""
    dated = first_seen_entries(designations)
    return dated["first_seen_date"].str[:4].astype(int).value_counts().sort_index().rename("entries")


def links(designations: pd.DataFrame) -> pd.DataFrame:
    """Every "Linked To:" tie between two entries of the table, read both ways: ``ent_num``,
    ``linked_ent_num`` (one row per direction, each pair once). A link to an entry outside the
    narcotics programs, or to a name matched to no entry (``?``), is left out."""
    pairs = [
        (int(a), int(b))
        for a, numbers in zip(designations["ent_num"], designations["linked_to_ent_nums"], strict=True)
        if numbers
        for b in str(numbers).split("; ")
        if b != "?"
    ]
    one_way = pd.DataFrame(pairs, columns=["ent_num", "linked_ent_num"], dtype="int64")
    both = pd.concat(
        [one_way, one_way.rename(columns={"ent_num": "linked_ent_num", "linked_ent_num": "ent_num"})]
    )
    both = both[both["ent_num"] != both["linked_ent_num"]].drop_duplicates()
    known = set(designations["ent_num"])
    both = both[both["ent_num"].isin(known) & both["linked_ent_num"].isin(known)]
    return both.sort_values(["ent_num", "linked_ent_num"], ignore_index=True)


def front_companies(designations: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Entities tied to a Mexican or Colombian network and located elsewhere.

    An entity is tied to a network of country C (:data:`NETWORK_COUNTRIES`) when the list links it
    ("Linked To:", in its own remarks or in the linked entry's) to an entry whose primary country is
    C; it is located elsewhere when it has a country and none of its countries (``countries_iso3``)
    is C (an entity with no country is left out). One row per entity and network: ``ent_num``,
    ``entity``, ``network_iso3``, ``network`` (its country's name), ``located_in`` (the entity's
    primary country's name), ``located_iso3``, ``tied_to`` (the names of the linked entries of that
    network, joined by "; "), ``programs`` (short names)."""
    rows = designations.set_index("ent_num")
    tied = links(designations)
    tied = tied[tied["ent_num"].map(rows["sdn_type"]).eq("entity")]
    tied = tied.assign(network=tied["linked_ent_num"].map(rows["iso3"]).astype(object))
    tied = tied[tied["network"].isin(NETWORK_COUNTRIES)]
    own = tied["ent_num"].map(rows["countries_iso3"]).astype(str).str.split("; ")
    located = tied["ent_num"].map(rows["iso3"]).notna()
    abroad = pd.Series(
        [net not in codes for net, codes in zip(tied["network"], own, strict=True)], tied.index
    )
    tied = tied[located & abroad]
    columns = [
        "ent_num",
        "entity",
        "network_iso3",
        "network",
        "located_in",
        "located_iso3",
        "tied_to",
        "programs",
    ]
    if tied.empty:
        return pd.DataFrame(columns=columns)
    out = (
        tied.assign(tied_name=tied["linked_ent_num"].map(rows["sdn_name"]))
        .groupby(["ent_num", "network"], sort=False)["tied_name"]
        .agg(lambda s: "; ".join(sorted(s)))
        .rename("tied_to")
        .reset_index()
    )
    entity = rows.loc[out["ent_num"]]
    out["entity"] = entity["sdn_name"].to_numpy()
    out["located_iso3"] = entity["iso3"].astype(object).to_numpy()
    out["located_in"] = [names.get(c, c) for c in out["located_iso3"]]
    out["programs"] = [
        "; ".join(PROGRAM_SHORT[p] for p in PROGRAMS if entity.loc[n, p]) for n in out["ent_num"]
    ]
    out["network_iso3"] = out["network"]
    out["network"] = out["network_iso3"].map(lambda c: names.get(c, c))
    return out.sort_values(["network", "located_in", "entity"], ignore_index=True)[columns]


@dataclass(frozen=True)
class CountryEntries:
    """A country's entries (primary country) on the May 2024 list: how many, by program label
    (an entry can carry two, so these do not add up to ``entries``) and by type label, and the
    latest first-seen date (US Eastern, None when none was added after 18 Aug 2021)."""

    iso3: str
    entries: int
    by_program: dict[str, int]
    by_type: dict[str, int]
    latest_first_seen: str | None
    first_seen_since_history: int


def country_entries(designations: pd.DataFrame, iso3: str) -> CountryEntries | None:
    """The entries whose primary country is ``iso3``, for a country profile; None when there are none."""
    rows = in_countries(designations, [iso3])
    if rows.empty:
        return None
    dated = first_seen_entries(rows)["first_seen_date"]
    return CountryEntries(
        iso3=iso3,
        entries=len(rows),
        by_program={label: n for label, n in entries_by_program(rows).items() if n},
        by_type=entries_by_type(rows).to_dict(),
        latest_first_seen=str(dated.max()) if not dated.empty else None,
        first_seen_since_history=len(dated),
    )
