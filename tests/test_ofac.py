"""OFAC SDN loader: the narcotics entries of the May 2024 list against SOURCE.md and an independent
read of the raw files, the vintage rule on a fixture pair, and refused layouts."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from drugflows import check, countries, paths
from drugflows.sources import RawLayoutError, ofac

SOURCE = "ofac_sdn"


@pytest.fixture(scope="module")
def real(shared_data):
    return ofac.build(shared_data)


@pytest.fixture(scope="module")
def raw_history(shared_data):
    return pd.read_csv(shared_data / SOURCE / "sdn_first_last_seen.csv")


def test_counts_by_program_and_type_match_source_notes_and_the_raw_file(real, raw_sdn):
    table, meta = real
    narcotics = raw_sdn[raw_sdn["narcotics"]]
    # SOURCE.md: 14,965 entries; 1,930 narcotics entries: 1,439 SDNTK, 293 EO 14059, 216 SDNT;
    # 1,038 individuals, 891 entities, 1 aircraft.
    assert len(raw_sdn) == 14_965 and len(narcotics) == 1_930
    tags = narcotics["tags"].explode().value_counts()
    assert (tags["SDNTK"], tags["ILLICIT-DRUGS-EO14059"], tags["SDNT"]) == (1_439, 293, 216)
    assert len(table) == 1_930
    assert sorted(table["ent_num"]) == sorted(narcotics["ent_num"])
    assert table["sdntk"].sum() == 1_439
    assert table["illicit_drugs_eo14059"].sum() == 293
    assert table["sdnt"].sum() == 216
    assert table["sdn_type"].value_counts().to_dict() == {"individual": 1_038, "entity": 891, "aircraft": 1}
    raw_types = narcotics["SDN_Type"].str.strip().value_counts().to_dict()
    assert raw_types == {"individual": 1_038, "-0-": 891, "aircraft": 1}
    # Programs kept whole: an entry's other programs too (SDGT, FTO, TCO).
    programs = table.set_index("ent_num")["programs"]
    for number, program in zip(narcotics["ent_num"], narcotics["Program"], strict=True):
        assert programs[number] == program.replace("] [", "; ")
    assert table["ent_num"].is_unique


def test_vintage_and_checksums(real):
    table, meta = real
    assert meta.vintage == "2024-05-03"
    assert table["list_vintage"].eq("2024-05-03").all() and table["on_newest_list"].all()
    files = {r.name: r for r in meta.raw_files}
    # sha256 as listed in ../shared/data/ofac_sdn/SOURCE.md
    assert (
        files["ofac_sdn/sdn.csv"].sha256 == "210ca6b4a8187a34e0850be69ecc6e918f23ad7778b8b5b2f9c9d5fbbaf4e0cb"
    )
    assert (
        files["ofac_sdn/add.csv"].sha256 == "faf4437fc7d72791ffd85f82aa4949f24a53243a142525e142f41fcf6adf52c5"
    )
    assert files["ofac_sdn/sdn_first_last_seen.csv"].sha256 == (
        "f8757cdea4ec237e141557fc0dbfd5141bac97ebbdfc85e43a3515397b35799f"
    )
    assert files["ofac_sdn/sdn.csv"].rows == 1_930


def test_address_countries_match_source_notes_and_the_raw_file(real, raw_sdn, shared_data):
    table, _ = real
    add = pd.read_csv(shared_data / SOURCE / "add.csv", dtype=str, keep_default_na=False)
    add = add[add["ent_num"] != "\x1a"]
    add["ent_num"] = add["ent_num"].astype(int)
    narcotics = set(raw_sdn.loc[raw_sdn["narcotics"], "ent_num"])
    add = add[add["ent_num"].isin(narcotics)]
    assert add["ent_num"].nunique() == 1_856  # SOURCE.md: 1,856 of the 1,930 have an address
    all_pairs = add.assign(Country=add["Country"].str.strip()).drop_duplicates(["ent_num", "Country"])
    counts = all_pairs["Country"].value_counts()
    assert counts["-0-"] == 209  # SOURCE.md: no country in 209 (entry, country) pairs
    pairs = all_pairs[all_pairs["Country"] != "-0-"]
    # SOURCE.md: distinct (entry, country) pairs
    published = {"Mexico": 789, "Colombia": 325, "Panama": 75, "China": 74, "Guatemala": 46}
    published |= {"Thailand": 37, "Venezuela": 36, "Peru": 32, "United Arab Emirates": 32, "Burma": 31}
    published |= {"Honduras": 26}
    assert {name: counts[name] for name in published} == published
    from_address = table[table["country_from"] == ofac.FROM_ADDRESS]
    assert set(from_address["ent_num"]) == set(pairs["ent_num"])
    codes = from_address["countries_iso3"].str.split("; ").explode().value_counts()
    iso = {"Mexico": "MEX", "Colombia": "COL", "Panama": "PAN", "China": "CHN", "Guatemala": "GTM"}
    iso |= {"Thailand": "THA", "Venezuela": "VEN", "Peru": "PER", "United Arab Emirates": "ARE"}
    iso |= {"Burma": "MMR", "Honduras": "HND"}
    assert {name: codes[code] for name, code in iso.items()} == published
    # The primary country is the most frequent address country (ties: the first address).
    sinaloa = table.set_index("sdn_name").loc["SINALOA CARTEL"]
    assert sinaloa["iso3"] == "MEX" and sinaloa["country_from"] == "address"


def test_countries_from_the_remarks_when_no_address_says(real, raw_sdn):
    table = real[0].set_index("ent_num")
    remarks = raw_sdn.set_index("ent_num")["Remarks"]
    rest = table[table["country_from"] != ofac.FROM_ADDRESS]
    assert set(rest["country_from"]) == {
        ofac.FROM_NATIONALITY,
        ofac.FROM_CITIZEN,
        ofac.FROM_ID,
        ofac.FROM_BIRTH,
        ofac.FROM_NONE,
    }
    for number, row in rest.iterrows():
        text = remarks[number]
        if row["country_from"] == ofac.FROM_NATIONALITY:
            assert "nationality " in text
        elif row["country_from"] == ofac.FROM_CITIZEN:
            assert "citizen " in text and "nationality " not in text
        elif row["country_from"] == ofac.FROM_NONE:
            assert pd.isna(row["iso3"]) and row["countries_iso3"] == ""
    assert table["iso3"].isna().sum() == (table["country_from"] == ofac.FROM_NONE).sum() == 10
    # SOURCE.md's fallbacks, one entry each (values read in the raw remarks above)
    by_kind = rest.groupby("country_from").size().to_dict()
    assert by_kind == {
        ofac.FROM_ID: 113,
        ofac.FROM_CITIZEN: 78,
        ofac.FROM_NATIONALITY: 49,
        ofac.FROM_BIRTH: 30,
        ofac.FROM_NONE: 10,
    }
    for number, kind, text, iso3 in [
        (8800, ofac.FROM_NATIONALITY, "nationality Mexico", "MEX"),
        (9559, ofac.FROM_CITIZEN, "citizen Colombia", "COL"),
        (6714, ofac.FROM_ID, "(Thailand)", "THA"),
        (6703, ofac.FROM_BIRTH, "Mexico", "MEX"),
    ]:
        assert text in remarks[number]
        assert (table.loc[number, "country_from"], table.loc[number, "iso3"]) == (kind, iso3)


def test_linked_to_names_and_entries(real, raw_sdn):
    table = real[0].set_index("ent_num")
    narcotics = raw_sdn[raw_sdn["narcotics"]].set_index("ent_num")
    linked = narcotics["Remarks"].str.contains("Linked To:", regex=False)
    assert linked.sum() == 238 and (table["linked_to"] != "").sum() == 238
    by_name = raw_sdn.drop_duplicates("SDN_Name").set_index("SDN_Name")["ent_num"]
    for number in narcotics.index[linked][:25]:
        items = [i for i in narcotics.loc[number, "Remarks"].split("; ") if i.startswith("Linked To: ")]
        names = [i.removeprefix("Linked To: ") for i in items]
        names = [n if n in by_name else n.removesuffix(".") for n in names]
        assert table.loc[number, "linked_to"] == "; ".join(names)
        assert table.loc[number, "linked_to_ent_nums"] == "; ".join(
            str(by_name[n]) if n in by_name else "?" for n in names
        )


def test_first_and_last_seen_from_the_scrape_history(real, raw_history, raw_sdn):
    table = real[0].set_index("ent_num")
    h = raw_history
    narcotics = h[h["narcotics_program"]]
    # SOURCE.md: new narcotics entries by year 28 (Aug-Dec 2021), 46, 192, 31 (to May 2024);
    # 1,643 narcotics entries present on both 18 Aug 2021 and 3 May 2024.
    new = narcotics[~narcotics["in_first_vintage"]]
    years = pd.to_datetime(new["first_seen"]).dt.year.value_counts().sort_index().to_dict()
    assert years == {2021: 28, 2022: 46, 2023: 192, 2024: 31}
    assert (narcotics["in_first_vintage"] & narcotics["present_in_last_vintage"]).sum() == 1_643
    # The table: entries of the May 2024 list, dated in US Eastern time.
    current = h[h["ent_num"].isin(table.index)].set_index("ent_num")
    dated = table[table["first_seen_status"] == ofac.DATED]
    assert set(dated.index) == set(current.index[~current["in_first_vintage"]])
    eastern = pd.to_datetime(current["first_seen"]).dt.tz_convert("America/New_York").dt.strftime("%Y-%m-%d")
    assert (dated["first_seen_date"] == eastern[dated.index]).all()
    before = table[table["first_seen_status"] == ofac.BEFORE_HISTORY]
    assert (before["first_seen_date"] == "").all() and len(before) + len(dated) == 1_930
    assert table["last_seen_date"].eq("2024-05-03").all()
    # data/README.md: dated entries by year, primary countries
    assert dated["first_seen_date"].str[:4].value_counts().sort_index().to_dict() == {
        "2021": 28,
        "2022": 44,  # SOURCE.md's 46 less the 2 delisted before May 2024
        "2023": 192,
        "2024": 31,
    }
    assert table["iso3"].value_counts().head(6).to_dict() == {
        "MEX": 848,
        "COL": 438,
        "CHN": 77,
        "PAN": 77,
        "GTM": 43,
        "PER": 36,
    }
    # PRIMEIRO COMANDO DA CAPITAL: an EO 14059 designation of 15 Dec 2021 (01:42 UTC on the 16th),
    # with the truncated tag in its first version; SINALOA CARTEL gained EO 14059 beside SDNTK.
    pcc = table.loc[31632]
    assert pcc["sdn_name"] == "PRIMEIRO COMANDO DA CAPITAL"
    assert (pcc["first_seen_date"], pcc["programs_first_seen"], pcc["iso3"]) == (
        "2021-12-15",
        "ILLICIT-DRUGS-EO",
        "BRA",
    )
    sinaloa = table[table["sdn_name"] == "SINALOA CARTEL"].iloc[0]
    assert sinaloa["programs_first_seen"] == "SDNTK" and sinaloa["programs"] == "SDNTK; ILLICIT-DRUGS-EO14059"
    assert sinaloa["first_seen_status"] == ofac.BEFORE_HISTORY


# --- fixtures in the official layout ----------------------------------------------------------

VINTAGES = "ofac_vintages"
NEWER, OLDER = "fixture-sdn-a-newer.csv", "fixture-sdn-z-older.csv"


def _fixture_root(tmp_path, fixtures, *skip):
    root = tmp_path / "raw"
    shutil.copytree(fixtures / VINTAGES / SOURCE, root / SOURCE)
    for name in skip:
        (root / SOURCE / name).unlink()
    return root


def test_newer_and_older_vintages_of_the_same_layout_are_taken(tmp_path, fixtures):
    # The older list alone: dated by the history (the last scrape with exactly its entries).
    older, meta = ofac.build(_fixture_root(tmp_path / "a", fixtures, NEWER))
    assert meta.vintage == "2021-11-01"
    assert older["ent_num"].tolist() == [100, 200, 400]
    assert older["on_newest_list"].all()
    # Both: newest wins by the highest ent_num inside the file, not by the file name (the newer
    # file sorts first); the entry only on the older list is kept, marked off the newest list.
    with paths.recording() as log:
        table, meta = ofac.build(_fixture_root(tmp_path / "b", fixtures))
    assert meta.vintage == "2024-05-03"
    rows = table.set_index("ent_num")
    assert rows.index.tolist() == [100, 200, 400, 500, 510]  # 300 is a CUBA entry
    assert rows["list_vintage"].to_dict() == {
        100: "2024-05-03",
        200: "2021-11-01",
        400: "2024-05-03",
        500: "2024-05-03",
        510: "2024-05-03",
    }
    assert rows.loc[200, "on_newest_list"] == False  # noqa: E712
    assert rows.loc[200, "last_seen_date"] == "2021-11-01"
    assert rows.loc[100, "programs"] == "SDNTK; ILLICIT-DRUGS-EO14059"  # from the newer file
    account = "\n".join(paths.describe_reads(log))
    assert f"{NEWER} (vintage 2024-05-03, highest ent_num 510): 5 entries taken, 4 of them" in account
    assert f"{OLDER} (vintage 2021-11-01, highest ent_num 400): 1 entries taken" in account
    assert "3 from newer files" in account
    assert {r.name.split("/")[-1]: r.rows for r in meta.raw_files}[OLDER] == 1


def test_fixture_values_by_hand(tmp_path, fixtures):
    rows = ofac.build(_fixture_root(tmp_path, fixtures))[0].set_index("ent_num")
    cartel = rows.loc[100]
    # Addresses: Mexico twice, Colombia once -> MEX first.
    assert (cartel["iso3"], cartel["countries_iso3"], cartel["country_from"]) == (
        "MEX",
        "MEX; COL",
        "address",
    )
    assert (cartel["sdntk"], cartel["sdnt"], cartel["illicit_drugs_eo14059"]) == (True, False, True)
    assert cartel["first_seen_status"] == ofac.BEFORE_HISTORY and cartel["first_seen_date"] == ""
    assert (rows.loc[200, "iso3"], rows.loc[200, "country_from"]) == ("COL", ofac.FROM_ID)  # Cedula
    assert (rows.loc[400, "linked_to"], rows.loc[400, "linked_to_ent_nums"]) == ("CARTEL DEL NORTE", "100")
    wang = rows.loc[500]  # an address with no country (-0-): the remarks' nationality
    assert (wang["iso3"], wang["country_from"], wang["sdn_type"]) == (
        "CHN",
        ofac.FROM_NATIONALITY,
        "individual",
    )
    assert (wang["linked_to"], wang["linked_to_ent_nums"]) == ("ACME QUIMICA LTD", "400")
    assert (wang["first_seen_date"], wang["programs_first_seen"]) == ("2021-12-15", "ILLICIT-DRUGS-EO")
    vessel = rows.loc[510]
    assert (
        vessel["sdn_type"] == "vessel"
        and pd.isna(vessel["iso3"])
        and vessel["country_from"] == ofac.FROM_NONE
    )
    assert vessel["first_seen_date"] == "2023-06-01"


def test_ofacs_own_address_layout_without_a_header_is_taken(tmp_path, fixtures):
    root = _fixture_root(tmp_path, fixtures)
    path = root / SOURCE / "fixture-add.csv"
    lines = path.read_text(encoding="latin-1").splitlines()[1:]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="latin-1")
    rows = ofac.build(root)[0].set_index("ent_num")
    assert rows.loc[100, "countries_iso3"] == "MEX; COL"


def test_two_list_files_with_the_same_vintage_that_differ_are_refused(tmp_path, fixtures):
    root = _fixture_root(tmp_path, fixtures)
    text = (root / SOURCE / NEWER).read_text(encoding="latin-1")
    (root / SOURCE / "fixture-sdn-copy.csv").write_text(text.replace("Cargo", "Tanker"), encoding="latin-1")
    with pytest.raises(RawLayoutError, match="same highest ent_num 510 but different contents"):
        ofac.build(root)


def test_a_list_without_history_or_addresses_still_builds_and_says_undated(tmp_path, fixtures):
    root = _fixture_root(tmp_path, fixtures, OLDER, "fixture-add.csv", "fixture-sdn_first_last_seen.csv")
    table, meta = ofac.build(root)
    assert meta.vintage == "undated (highest ent_num 510)"
    assert (table["first_seen_status"] == ofac.NOT_IN_HISTORY).all()
    assert table.set_index("ent_num").loc[500, "iso3"] == "CHN"  # remarks only


@pytest.mark.parametrize(
    ("name", "edit", "problem"),
    [
        (NEWER, lambda t: t.replace(',"SDNTK",-0- ', ',"SDNTK"', 1), "have fewer fields (11) than OFAC's 12"),
        (NEWER, lambda t: "ent_num,SDN_Name,x\r\n" + t, "line(s) 1 have fewer fields (3)"),
        (NEWER, lambda t: t.replace('510,"NAVE', 'X10,"NAVE'), "ent_num must be a whole number on line(s) 5"),
        (NEWER, lambda t: t.replace('"vessel"', '"submarine"'), "SDN_Type must be one of"),
        (NEWER, lambda t: t.replace("400,", "100,", 1), "duplicated ent_num [100]"),
        ("fixture-add.csv", lambda t: t.replace(",Country,", ",Nation,"), "missing column(s) ['Country']"),
        (
            "fixture-sdn_first_last_seen.csv",
            lambda t: t.replace(",first_seen,", ",first_date,"),
            "missing column(s) ['first_seen']",
        ),
        (
            "fixture-sdn_first_last_seen.csv",
            lambda t: t.replace(",True,", ",yes,", 1),
            "must be True or False",
        ),
    ],
    ids=["short-row", "header-row", "ent-num", "type", "duplicate", "add-renamed", "history-renamed", "bool"],
)
def test_a_changed_layout_is_refused_naming_the_file(tmp_path, fixtures, name, edit, problem):
    root = _fixture_root(tmp_path, fixtures)
    path = root / SOURCE / name
    path.write_text(edit(path.read_text(encoding="latin-1")), encoding="latin-1", newline="")
    with pytest.raises(RawLayoutError) as err:
        ofac.build(root)
    assert str(path) in str(err.value) and problem in str(err.value)


def test_an_entry_that_leaves_the_narcotics_programs_is_named_in_the_build_account(tmp_path, fixtures):
    root = _fixture_root(tmp_path, fixtures)
    path = root / SOURCE / NEWER
    path.write_bytes(path.read_bytes().replace(b'LTD",-0- ,"SDNTK"', b'LTD",-0- ,"CUBA"'))
    with paths.recording() as log:
        table, _ = ofac.build(root)
    assert table["ent_num"].tolist() == [100, 200, 500, 510]
    assert table.set_index("ent_num").loc[500, "linked_to_ent_nums"] == "400"  # still on the list
    assert (
        "1 entries under a narcotics program in an older list file are under none in the newest file "
        "that has them, so they are left out: ent_num 400"
    ) in "\n".join(paths.describe_reads(log))


def test_duplicated_address_rows_are_refused(tmp_path, fixtures):
    root = _fixture_root(tmp_path, fixtures)
    path = root / SOURCE / "fixture-add.csv"
    path.write_bytes(path.read_bytes().replace(b"100,2,", b"100,1,"))
    with pytest.raises(
        RawLayoutError, match="fixture-add.csv: duplicated address rows, e.g. ent_num 100, Add_num 1"
    ):
        ofac.build(root)


def test_the_schema_checks_catch_duplicates_bad_codes_and_negative_numbers(real):
    table, meta = real
    assert check.check_frame(table, meta) == []
    assert meta.key == ["ent_num"] and meta.non_negative == ["ent_num"]
    listed = set(table["countries_iso3"].str.split("; ").explode()) - {""}
    assert listed <= countries.known_codes() and set(table["iso3"].dropna()) <= listed
    broken = pd.concat([table, table.head(1)], ignore_index=True)
    broken.loc[1, "iso3"] = "ZZZ"
    broken.loc[2, "ent_num"] = -5
    problems = "\n".join(check.check_frame(broken, meta))
    assert "2 rows share a key ['ent_num']" in problems
    assert "unknown ISO3 codes: ['ZZZ']" in problems
    assert "1 negative values in 'ent_num'" in problems
