"""The threat_finance report and domain: its headline findings held against the raw OFAC files
read here with pandas (not through the loader), parameter validation, and a country's entries for
the profiles."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from drugflows import paths, tables
from drugflows.countries import resolve_name
from drugflows.domain import threat_finance as domain
from drugflows.params import ParameterError
from drugflows.reports import threat_finance
from drugflows.sources.ofac import BEFORE_HISTORY, NOT_IN_HISTORY

SOURCE = "ofac_sdn"
NOT_AN_ID = (
    "Linked To",
    "a.k.a",
    "f.k.a",
    "n.k.a",
    "DOB",
    "POB",
    "nationality",
    "citizen",
    "alt. nationality",
)


# --- the raw files, read as SOURCE.md describes them ------------------------------------------


@pytest.fixture(scope="module")
def raw_narcotics(raw_sdn) -> pd.DataFrame:
    """The narcotics entries of sdn.csv (read independently: conftest ``raw_sdn``), by ent_num."""
    frame = raw_sdn[raw_sdn["narcotics"]].copy()
    frame["Remarks"] = frame["Remarks"].fillna("")
    return frame.set_index("ent_num")


@pytest.fixture(scope="module")
def raw_addresses(shared_data, raw_narcotics) -> pd.DataFrame:
    """add.csv rows of the narcotics entries that name a country, in file order."""
    add = pd.read_csv(shared_data / SOURCE / "add.csv", dtype=str, keep_default_na=False)
    add = add[add["ent_num"] != "\x1a"].copy()
    add["ent_num"] = add["ent_num"].astype(int)
    add["Country"] = add["Country"].str.strip()
    return add[add["ent_num"].isin(raw_narcotics.index) & (add["Country"] != "-0-")]


@pytest.fixture(scope="module")
def raw_history(shared_data) -> pd.DataFrame:
    return pd.read_csv(shared_data / SOURCE / "sdn_first_last_seen.csv")


def _most_frequent_first(values: list[str]) -> str | None:
    """The most frequent value, ties to the first seen."""
    values = [v for v in values if v]
    return pd.Series(values).value_counts(sort=False).idxmax() if values else None


def _remark_country(remarks: str) -> str | None:
    """SOURCE.md's fallbacks, read here: nationality, else citizen, else an ID's issuer in
    brackets, else the last part of the place of birth."""
    items = [i.strip() for i in remarks.split("; ")]
    for pattern in (r"^(?:alt\. )?nationality (.+?)\.?$", r"^(?:alt\. )?citizen (.+?)\.?$"):
        found = _most_frequent_first([resolve_name(m.group(1)) for i in items if (m := re.match(pattern, i))])
        if found:
            return found
    issuers = [
        resolve_name(m.group(1))
        for i in items
        if not i.startswith(NOT_AN_ID) and (m := re.search(r"\(([^()]+)\)\.?$", i))
    ]
    if found := _most_frequent_first(issuers):
        return found
    births = [
        resolve_name(m.group(1).split(",")[-1].strip())
        for i in items
        if (m := re.match(r"^(?:alt\. )?POB (.+?)\.?$", i))
    ]
    return _most_frequent_first(births)


@pytest.fixture(scope="module")
def raw_countries(raw_narcotics, raw_addresses) -> pd.Series:
    """ent_num -> primary ISO3 computed here: the most frequent address country (ties: the first
    address), else the remarks; entries with neither left out."""
    by_address = raw_addresses.groupby("ent_num", sort=False)["Country"].agg(
        lambda s: _most_frequent_first(list(s))
    )
    by_address = by_address.map(resolve_name)
    rest = raw_narcotics.loc[~raw_narcotics.index.isin(by_address.index), "Remarks"].map(_remark_country)
    return pd.concat([by_address, rest.dropna()])


@pytest.fixture(scope="module")
def data():
    return threat_finance.load()


@pytest.fixture(scope="module")
def designations(data):
    return data[domain.DESIGNATIONS]


@pytest.fixture(scope="module")
def default_reading(data, designations):
    return threat_finance.reading(designations, threat_finance.validate(None, None, None, data))


# --- the headline, held against the raw files ---------------------------------------------------


def test_the_program_headline_is_the_raw_files_count(default_reading, raw_narcotics):
    tags = raw_narcotics["tags"].explode().value_counts()
    # SOURCE.md's known values: 1,930 entries, 1,439 SDNTK, 293 ILLICIT-DRUGS-EO14059, 216 SDNT.
    assert (len(raw_narcotics), tags["SDNTK"], tags["ILLICIT-DRUGS-EO14059"], tags["SDNT"]) == (
        1_930,
        1_439,
        293,
        216,
    )
    assert default_reading[0] == (
        "OFAC's Specially Designated Nationals list of 3 May 2024 holds 1,930 entries under the narcotics "
        f"programs: Kingpin Act (SDNTK) {tags['SDNTK']:,}; EO 14059, global drug trade (ILLICIT-DRUGS) "
        f"{tags['ILLICIT-DRUGS-EO14059']}; EO 12978, Colombian traffickers (SDNT) {tags['SDNT']}. An entry "
        "can carry several programs, so these overlap and are not added."
    )
    types = raw_narcotics["SDN_Type"].str.strip().value_counts()
    assert default_reading[1] == (
        f"By type: {types['individual']:,} individuals, {types['-0-']} entities (companies, "
        f"organisations) and {types['aircraft']} aircraft."
    )


def test_the_top_countries_are_those_of_the_raw_addresses_and_remarks(
    default_reading, raw_countries, raw_narcotics
):
    counts = raw_countries.value_counts()
    assert counts.head(4).to_dict() == {"MEX": 848, "COL": 438, "CHN": 77, "PAN": 77}
    total, unplaced = len(raw_narcotics), len(raw_narcotics) - len(raw_countries)
    assert unplaced == 10
    listed = [
        f"{name} {counts[code]} ({counts[code] / total:.0%})"
        for code, name in [("MEX", "Mexico"), ("COL", "Colombia"), ("CHN", "China"), ("PAN", "Panama")]
    ]
    assert default_reading[2].startswith(
        f"Most are placed in {listed[0]}, {listed[1]}, {listed[2]} and {listed[3]}, by the country of "
        "their addresses"
    )
    assert "; 10 entries have no country." in default_reading[2]
    assert listed[0] == "Mexico 848 (44%)"


def test_the_pace_is_the_scrape_historys(default_reading, raw_history, raw_narcotics):
    # The entries of the May 2024 list (sdn.csv) with their first and last seen in the history.
    h = raw_history[raw_history["ent_num"].isin(raw_narcotics.index)]
    assert len(h) == 1_930 and h["present_in_last_vintage"].all()
    kept = h[~h["in_first_vintage"]]
    eastern = pd.to_datetime(kept["first_seen"], utc=True).dt.tz_convert("America/New_York")
    years = eastern.dt.year.value_counts().sort_index().to_dict()
    assert years == {2021: 28, 2022: 44, 2023: 192, 2024: 31}  # data/README.md
    months = eastern.dt.strftime("%Y-%m").value_counts()
    assert (months.idxmax(), months.max()) == ("2023-11", 34)
    # 18 Aug 2021 to 3 May 2024 is 989 days, 32.5 months: 295 / 32.5 = 9.1 a month.
    assert round(len(kept) / (989 / (365.25 / 12))) == 9
    undated = int(h["in_first_vintage"].sum())
    assert undated == 1_635  # SOURCE.md's 1,643 on both lists, less 8 no longer under a narcotics tag
    assert default_reading[3] == (
        "295 entries were first seen in the scrape history of the list, which runs from 18 August 2021 "
        "to 3 May 2024: 28 from 18 August to December 2021, 44 in 2022, 192 in 2023 and 31 from January "
        "to 3 May 2024; about 9 a month, most in November 2023 (34). The other 1,635 were on the list on "
        "18 August 2021 already (designated then or earlier). First seen in a scrape is an upper bound on "
        "the date OFAC published an entry, not its designation date, and entries removed from the list "
        "before May 2024 are not in the file."
    )


def test_the_new_entries_programs_and_countries_are_the_raw_files(
    default_reading, raw_history, raw_narcotics, raw_countries
):
    new = raw_history[raw_history["ent_num"].isin(raw_narcotics.index) & ~raw_history["in_first_vintage"]]
    new = new.set_index("ent_num")
    tags = raw_narcotics.loc[new.index, "tags"]
    eastern = pd.to_datetime(new["first_seen"], utc=True).dt.tz_convert("America/New_York")
    kingpin = tags.map(lambda t: "SDNTK" in t)
    eo14059 = tags.map(lambda t: any(x.startswith("ILLICIT-DRUGS") for x in t))
    assert (kingpin.sum(), eo14059.sum(), (kingpin & eo14059).sum()) == (20, 275, 0)
    assert f"{eastern[kingpin].max():%Y-%m}" == "2021-10" and f"{eastern[eo14059].max():%Y-%m}" == "2024-03"
    placed = raw_countries.reindex(new.index).value_counts().head(2).to_dict()
    assert placed == {"MEX": 193, "CHN": 49}
    assert default_reading[4] == (
        "Of these 295 new entries: Kingpin Act (SDNTK) 20, the last first seen in October 2021; EO 14059, "
        "global drug trade (ILLICIT-DRUGS) 275, the last first seen in March 2024. They are placed mostly "
        "in Mexico (193) and China (49)."
    )


def test_the_delisted_count_in_the_narrative_is_the_scrape_historys(raw_history):
    h = raw_history
    delisted = int((h["narcotics_program"] & ~h["present_in_last_vintage"]).sum())
    assert delisted == 663  # SOURCE.md
    notebook = json.loads((paths.NOTEBOOKS_DIR / "threat_finance.ipynb").read_text(encoding="utf-8"))
    text = " ".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
    assert f"the scrape history holds {delisted} narcotics\nentries delisted" in text


def _raw_links(raw_narcotics) -> set[tuple[int, int]]:
    """Every "Linked To:" pair between two narcotics entries, both ways, by name as written."""
    by_name = {}
    for number, name in raw_narcotics["SDN_Name"].items():
        by_name.setdefault(name, number)
    pairs = set()
    for number, remarks in raw_narcotics["Remarks"].items():
        for item in remarks.split("; "):
            if item.startswith("Linked To: "):
                name = item.removeprefix("Linked To: ").strip()
                other = by_name.get(name, by_name.get(name.removesuffix(".")))
                if other is not None and other != number:
                    pairs |= {(number, other), (other, number)}
    return pairs


def test_front_companies_abroad_follow_the_raw_links_and_addresses(
    designations, default_reading, raw_narcotics, raw_addresses, raw_countries
):
    entity = raw_narcotics["SDN_Type"].str.strip() == "-0-"
    countries_of = raw_addresses.groupby("ent_num")["Country"].agg(lambda s: {resolve_name(c) for c in s})
    expected = set()
    for a, b in _raw_links(raw_narcotics):
        network = raw_countries.get(b)
        if not entity[a] or network not in ("MEX", "COL") or a not in raw_countries.index:
            continue
        own = countries_of.get(a, {raw_countries[a]})
        if network not in own:
            expected.add((a, network, raw_countries[a]))
    fronts = domain.front_companies(designations, {})
    assert (
        set(zip(fronts["ent_num"], fronts["network_iso3"], fronts["located_iso3"], strict=True)) == expected
    )
    located = pd.Series([(n, c) for _, n, c in expected]).value_counts().to_dict()
    assert located == {("COL", "PAN"): 15, ("COL", "ISR"): 1, ("COL", "VEN"): 1, ("MEX", "DEU"): 1}
    linked = int(raw_narcotics["Remarks"].str.contains("Linked To:", regex=False).sum())
    assert linked == 238
    assert default_reading[5] == (
        "Front companies abroad: 17 entities tied to Colombian networks (Panama 15, Israel 1 and "
        "Venezuela 1) and 1 entity tied to Mexican networks (Germany 1). An entity counts as tied to a "
        "network when the "
        'list\'s "Linked To:" remarks join it to an entry placed in that country and none of its own '
        f"addresses or remarks is there; only {linked} of these 1,930 entries carry such remarks, so this is "
        "a floor."
    )
    # ROOL EUROPE AG: a German company linked to a Mexican national (its remarks, read here).
    rool = raw_narcotics[raw_narcotics["SDN_Name"] == "ROOL EUROPE AG"]
    assert countries_of[rool.index[0]] == {"DEU"}


def test_the_headline_says_what_the_list_cannot_show(default_reading):
    assert "cannot show how much money is blocked, arrests or convictions" in default_reading[6]
    assert "any effect of a designation on drug flows" in default_reading[6]


# --- a selection: Mexico, a region, one program --------------------------------------------------


def test_the_mexico_run_counts_mexicos_entries(data, designations, raw_countries, raw_narcotics):
    mexico = raw_narcotics.loc[raw_countries[raw_countries == "MEX"].index]
    tags = mexico["tags"].explode().value_counts()
    assert (len(mexico), tags["SDNTK"], tags["ILLICIT-DRUGS-EO14059"], tags["SDNT"]) == (848, 661, 194, 8)
    lines = threat_finance.reading(designations, threat_finance.validate(None, "Mexico", None, data))
    assert lines[0].startswith(
        "OFAC's Specially Designated Nationals list of 3 May 2024 holds 848 entries under "
        "the narcotics programs placed in Mexico: Kingpin Act (SDNTK) 661; EO 14059"
    )
    assert not any(line.startswith("Most are placed in") for line in lines)  # one country: no ranking
    assert lines[2].startswith("193 entries were first seen in the scrape history")
    assert lines[3].startswith("Of these 193 new entries: Kingpin Act (SDNTK) 14,")
    assert lines[4].startswith("Front companies abroad: 1 entity tied to Mexican networks (Germany 1).")


def test_one_program_and_a_region(data, designations, raw_countries, raw_narcotics):
    sdnt = threat_finance.reading(designations, threat_finance.validate("SDNT", None, None, data))
    assert (
        sdnt[0]
        == "OFAC's Specially Designated Nationals list of 3 May 2024 holds 216 entries under EO 12978."
    )
    assert sdnt[3].startswith("None of these entries was first seen in the scrape history")
    assert "216 were on the list on 18 August 2021 already" in sdnt[3]
    andean = threat_finance.validate(None, None, "andean region", data)
    assert andean.region == "Andean region" and andean.countries == ["BOL", "COL", "ECU", "PER", "VEN"]
    in_region = raw_countries[raw_countries.isin(andean.countries)]
    lines = threat_finance.reading(designations, andean)
    assert f"holds {len(in_region)} entries" in lines[0] and len(in_region) == 512


# --- parameters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("programs", "countries", "region", "message"),
    [
        (
            "SDNTX",
            None,
            None,
            "Unknown program 'SDNTX'. Valid values: SDNTK, ILLICIT-DRUGS-EO14059, SDNT, "
            "Kingpin Act, EO 14059, EO 12978. Did you mean: SDNT, SDNTK?",
        ),
        ("[SDNT, SDNTK]", None, None, "Pass lists as YAML"),
        (None, "Mexco", None, "Did you mean: Mexico (MEX)?"),
        (None, "FRA", None, "no data for FRA here"),
        (None, None, "Centrl America", "Did you mean: Central America?"),
        (None, None, "Micronesia", "Unknown region 'Micronesia'"),  # no entries there
        (None, "MEX", "Central America", "Give either 'countries' or 'region', not both"),
    ],
    ids=[
        "program",
        "program-as-text",
        "country",
        "country-without-entries",
        "region",
        "empty-region",
        "both",
    ],
)
def test_bad_parameters_are_refused_with_the_valid_values(data, programs, countries, region, message):
    with pytest.raises(ParameterError) as err:
        threat_finance.validate(programs, countries, region, data)
    assert message in str(err.value)


def test_programs_are_taken_by_tag_name_or_label(data):
    chosen = threat_finance.validate(
        ["kingpin act", "ILLICIT-DRUGS", "EO 12978, Colombian traffickers (SDNT)"], None, None, data
    )
    assert chosen.programs == ["sdntk", "illicit_drugs_eo14059", "sdnt"]
    assert threat_finance.validate("EO14059", None, None, data).programs == ["illicit_drugs_eo14059"]


# --- the profiles' function ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iso3", "entries", "kingpin", "eo14059", "sdnt", "individuals", "entities"),
    [("MEX", 848, 661, 194, 8, 526, 322), ("COL", 438, 237, 3, 200, 227, 211)],
)
def test_a_countrys_entries_for_its_profile(
    designations,
    raw_countries,
    raw_narcotics,
    raw_history,
    iso3,
    entries,
    kingpin,
    eo14059,
    sdnt,
    individuals,
    entities,
):
    mine = raw_narcotics.loc[raw_countries[raw_countries == iso3].index]
    tags = mine["tags"].explode().value_counts()
    types = mine["SDN_Type"].str.strip().value_counts()
    assert (len(mine), tags["SDNTK"], tags["ILLICIT-DRUGS-EO14059"], tags["SDNT"]) == (
        entries,
        kingpin,
        eo14059,
        sdnt,
    )
    assert (types["individual"], types["-0-"]) == (individuals, entities)
    h = raw_history[raw_history["ent_num"].isin(mine.index) & ~raw_history["in_first_vintage"]]
    latest = pd.to_datetime(h["first_seen"], utc=True).dt.tz_convert("America/New_York").max()

    found = domain.country_entries(designations, iso3)
    assert found.iso3 == iso3 and found.entries == entries
    assert found.by_program == {
        "Kingpin Act (SDNTK)": kingpin,
        "EO 14059, global drug trade (ILLICIT-DRUGS)": eo14059,
        "EO 12978, Colombian traffickers (SDNT)": sdnt,
    }
    assert found.by_type == {"Individuals": individuals, "Entities (companies, organisations)": entities}
    assert found.latest_first_seen == f"{latest:%Y-%m-%d}"
    assert found.first_seen_since_history == len(h)
    assert (iso3, found.latest_first_seen) in {("MEX", "2024-03-22"), ("COL", "2023-09-26")}


def test_a_country_without_entries_gets_nothing(designations):
    assert domain.country_entries(designations, "FRA") is None
    assert domain.country_entries(designations, "ISL") is None


def test_first_seen_months_cover_the_history_with_empty_months_as_zero(designations, raw_history):
    last = pd.to_datetime(raw_history["last_seen"], utc=True).dt.tz_convert("America/New_York").max()
    assert domain.last_scrape(designations) == f"{last:%Y-%m-%d}" == "2024-05-03"
    assert domain.list_date(designations) == "2024-05-03"
    months = domain.first_seen_months(designations)
    assert str(months.index[0]) == "2021-08" and str(months.index[-1]) == "2024-05" and len(months) == 34
    total = months.sum(axis=1)
    assert (
        total.sum() == 295
        and total[pd.Period("2024-04", "M")] == 0
        and total[pd.Period("2023-11", "M")] == 34
    )


def test_entries_of_a_list_newer_than_the_history_are_counted_apart(data, designations):
    # A newer sdn.csv dropped into data/raw would bring entries the scrape history never saw.
    newer = designations.copy()
    undated = newer.index[newer["first_seen_status"] == BEFORE_HISTORY][:5]
    newer.loc[undated, "first_seen_status"] = NOT_IN_HISTORY
    pace = threat_finance.reading(newer, threat_finance.validate(None, None, None, data))[3]
    assert "The other 1,630 were on the list on 18 August 2021 already" in pace
    assert "5 entries are not in the scrape history at all." in pace


def test_entries_delisted_by_a_newer_list_are_not_counted():
    """An entry an older list file holds and the newest does not (``on_newest_list`` false) is
    delisted: the report counts the list as it stands."""
    from drugflows.domain import threat_finance as tf

    table = tables.load(tf.DESIGNATIONS)
    delisted = table.iloc[:3].assign(on_newest_list=False)
    both = pd.concat([table, delisted.assign(ent_num=delisted["ent_num"] + 10**7)], ignore_index=True)
    kept = tf.on_newest_list(both)
    assert len(kept) == len(table) == int(table["on_newest_list"].sum())
    assert tf.entries_by_program(kept).to_dict() == tf.entries_by_program(table).to_dict()
