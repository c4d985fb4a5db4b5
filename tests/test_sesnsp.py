"""SESNSP victims loader (``mexico_victims_monthly``): the real file against SOURCE.md and an
independent read, vintages on a fixture pair, and refused files."""

from __future__ import annotations

import bz2
import csv
import gzip
import shutil
from collections import Counter

import pandas as pd
import pytest

from drugflows import check, inegi, paths, tables
from drugflows.sources import RawLayoutError, sesnsp

RAW_NAME = "db_victimas_delitos_ent_long.csv.bz2"
VINTAGES = "sesnsp_vintages"
NEWER, OLDER = "fixture-victimas-ent-release-a.csv.bz2", "fixture-victimas-ent-release-b.csv"

#: National victims of Homicidio doloso by year: ../shared/data/mexico_sesnsp/SOURCE.md
HOMICIDIO_DOLOSO = {
    2015: 17_884,
    2016: 22_541,
    2017: 28_868,
    2018: 33_742,
    2019: 34_723,
    2020: 34_569,
    2021: 33_359,
    2022: 30_979,
    2023: 29_721,
    2024: 30_046,
    2025: 12_752,  # January to June
}
#: The six states with the most Homicidio doloso victims in 2023 (SOURCE.md), by INEGI code.
TOP_STATES_2023 = {"11": 3_104, "15": 2_597, "02": 2_417, "08": 2_077, "14": 1_961, "16": 1_756}


@pytest.fixture(scope="module")
def real(built):
    return built(sesnsp.TABLE)


@pytest.fixture(scope="module")
def independent(shared_data):
    """Sums read straight from the raw file with the csv module (not through the loader)."""
    sums: Counter = Counter()
    rows = 0
    with bz2.open(shared_data / sesnsp.SOURCE / RAW_NAME, "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            rows += 1
            n = int(row["n_victimas"])
            year, subtype = int(row["n_year"]), row["subtipo_de_delito"]
            sums["all"] += n
            sums[("subtype", subtype)] += n
            sums[("year", subtype, year)] += n
            sums[("means", subtype, year, row["modalidad"])] += n
            sums[("state", subtype, year, row["cve_ent"])] += n
            sums[("sex", subtype, year, row["genero"])] += n
            sums[("month", subtype, row["date_year_month"][:7])] += n
    return rows, sums


def test_homicidio_doloso_by_year_matches_source_notes_and_raw_file(real, independent):
    table, _ = real
    _, raw = independent
    ours = table[table["crime"] == "intentional_homicide"].groupby(table["month"].dt.year)["victims"].sum()
    assert ours.to_dict() == HOMICIDIO_DOLOSO
    assert {y: raw[("year", "Homicidio doloso", y)] for y in HOMICIDIO_DOLOSO} == HOMICIDIO_DOLOSO


def test_feminicide_firearms_and_top_states_match_source_notes(real, independent):
    table, _ = real
    _, raw = independent
    year = table["month"].dt.year
    feminicide_2024 = table.loc[(table["crime"] == "feminicide") & (year == 2024), "victims"].sum()
    assert feminicide_2024 == 852 == raw[("year", "Feminicidio", 2024)]
    homicide_2023 = table[(table["crime"] == "intentional_homicide") & (year == 2023)]
    by_means = homicide_2023.groupby("means")["victims"].sum()
    assert by_means["firearm"] == 21_219 == raw[("means", "Homicidio doloso", 2023, "Con arma de fuego")]
    assert by_means.to_dict() == {
        sesnsp.MEANS[m]: raw[("means", "Homicidio doloso", 2023, m)]
        for m in ("Con arma de fuego", "Con arma blanca", "Con otro elemento", "No especificado")
    }
    assert by_means["firearm"] / by_means.sum() == pytest.approx(21_219 / 29_721)  # 71.4 %
    by_state = homicide_2023.groupby("inegi_state_code")["victims"].sum().sort_values(ascending=False)
    assert by_state.head(6).to_dict() == TOP_STATES_2023
    names = homicide_2023.drop_duplicates("inegi_state_code").set_index("inegi_state_code")["state_name"]
    assert names[["11", "15", "16", "05", "30"]].tolist() == [
        "Guanajuato",
        "Estado de México",
        "Michoacán",
        "Coahuila",
        "Veracruz",
    ]


def test_every_victim_of_the_raw_file_is_in_the_table(real, independent):
    table, meta = real
    rows, raw = independent
    assert rows == 927_360  # SOURCE.md
    # 4 age groups summed: 927,360 raw cells -> 395,136 rows, and not one victim fewer.
    assert len(table) == 395_136 == meta.rows
    assert table["victims"].sum() == raw["all"]
    by_subtype = table.groupby("crime_subtype_raw")["victims"].sum().to_dict()
    assert by_subtype == {k[1]: v for k, v in raw.items() if k[0] == "subtype"}
    assert len(by_subtype) == 15
    for subtype in ("Secuestro", "Extorsión", "Trata de personas"):
        rows_ = table[table["crime_subtype_raw"] == subtype]
        for year in (2015, 2019, 2024):
            assert rows_.loc[rows_["month"].dt.year == year, "victims"].sum() == raw[("year", subtype, year)]
    # A month and a sex, cell for cell of the independent read.
    july = table[(table["crime_subtype_raw"] == "Homicidio doloso") & (table["month"] == "2018-07-01")]
    assert july["victims"].sum() == raw[("month", "Homicidio doloso", "2018-07")]
    women = table[(table["crime"] == "intentional_homicide") & (table["month"].dt.year == 2022)]
    assert women.groupby("sex_raw")["victims"].sum().to_dict() == {
        s: raw[("sex", "Homicidio doloso", 2022, s)] for s in ("Hombre", "Mujer", "No identificado")
    }


def test_coverage_keys_vintage_and_provenance(real, shared_data):
    table, meta = real
    months = pd.date_range("2015-01-01", "2025-06-01", freq="MS")
    assert list(pd.DatetimeIndex(sorted(table["month"].unique()))) == list(months)
    assert set(table["inegi_state_code"]) == inegi.known_codes()
    assert not table.duplicated(sesnsp.KEY).any()
    assert (table["victims"] >= 0).all()
    assert meta.vintage == "2025-06" and set(table["vintage"]) == {"2025-06"}
    assert meta.coverage == "2015-01 to 2025-06, 32 states, 15 crime subtypes"
    assert [(r.name, r.vintage, r.rows) for r in meta.raw_files] == [
        (f"{sesnsp.SOURCE}/{RAW_NAME}", "2025-06", 395_136)
    ]
    assert meta.raw_files[0].sha256 == "9a27abb9322d590dbfdbb758fd9525336501bf66ffd2b4ce908064b77a07d86c"
    assert check.check_frame(table, meta) == []
    # Feminicidio is recorded for women only (SOURCE.md); means only where the file gives them.
    assert set(table.loc[table["crime"] == "feminicide", "sex"]) == {"female"}
    assert table.loc[table["crime"].isin(["kidnapping", "extortion"]), "means"].isna().all()
    assert set(table.loc[table["crime"] == "intentional_homicide", "means"]) == {
        "firearm",
        "bladed_weapon",
        "other",
        "not_specified",
    }


@pytest.mark.parametrize(
    ("column", "vocabulary"),
    [
        ("crime_subtype_raw", sesnsp.CRIMES),
        ("modality_raw", set(sesnsp.MEANS) | sesnsp.OTHER_MODALITIES),
        ("sex_raw", sesnsp.SEXES),
    ],
)
def test_every_raw_name_of_the_committed_table_has_its_label(column, vocabulary):
    # As tests/test_drugs.py does for drug names: a new vintage with a new name fails loudly.
    names = set(tables.load(sesnsp.TABLE)[column].dropna().unique())
    assert names and not sorted(names - set(vocabulary))


def test_the_english_labels_are_defined_once_and_never_shared():
    labels = [label for _, label in sesnsp.CRIMES.values()]
    assert len(set(labels)) == len(labels) == 15
    assert {"intentional_homicide", "feminicide", "kidnapping", "extortion"} <= set(labels)
    assert set(sesnsp.MEANS.values()) == {
        "firearm",
        "bladed_weapon",
        "other",
        "not_specified",
        "traffic_accident",
    }


# --- hand-made fixtures in the official layout --------------------------------------------------


def test_newer_vintage_wins_by_the_month_written_in_the_file_not_its_name(fixtures):
    with paths.recording() as log:
        table, meta = sesnsp.build(fixtures / VINTAGES)
    by_month = table.groupby(table["month"].dt.strftime("%Y-%m"))["vintage"].unique().map(list).to_dict()
    # release-a (bz2, vintage 2024-12) sorts first by name; release-b (plain CSV) is older.
    assert by_month == {"2024-10": ["2024-11"], "2024-11": ["2024-12"], "2024-12": ["2024-12"]}
    homicide = table[table["crime"] == "intentional_homicide"].set_index(
        ["month", "inegi_state_code", "means"]
    )["victims"]
    assert homicide[("2024-10-01", "09", "firearm")] == 12  # older file: 10 adults + 2 minors
    assert homicide[("2024-11-01", "09", "firearm")] == 13  # revised by the newer file (was 12)
    assert homicide[("2024-12-01", "15", "bladed_weapon")] == 1
    kidnapping = table[table["crime"] == "kidnapping"].set_index(["month", "inegi_state_code"])["victims"]
    assert kidnapping[("2024-11-01", "15")] == 2  # 0 in the older file
    assert len(table) == 3 * 2 * 5 and table["victims"].sum() == 140
    assert meta.vintage == "2024-12"
    assert sorted((r.name, r.vintage, r.rows) for r in meta.raw_files) == [
        (f"{sesnsp.SOURCE}/{NEWER}", "2024-12", 20),
        (f"{sesnsp.SOURCE}/{OLDER}", "2024-11", 10),
    ]
    account = "\n".join(paths.describe_reads(log))
    assert f"{NEWER} (vintage 2024-12, 24 rows): months 2024-11 to 2024-12 taken" in account
    assert f"{OLDER} (vintage 2024-11, 24 rows): months 2024-10 taken; 2024-11 from newer files" in account
    assert check.check_frame(table, meta) == []


def test_an_older_vintage_alone_is_accepted_without_code_changes(fixtures, tmp_path):
    folder = tmp_path / sesnsp.SOURCE
    folder.mkdir()
    shutil.copy(fixtures / VINTAGES / sesnsp.SOURCE / OLDER, folder / OLDER)
    table, meta = sesnsp.build(tmp_path)
    assert meta.vintage == "2024-11" and set(table["vintage"]) == {"2024-11"}
    assert sorted(table["month"].dt.strftime("%Y-%m").unique()) == ["2024-10", "2024-11"]
    assert table.loc[table["crime"] == "extortion", "victims"].sum() == 3 + 5 + 2 + 4


def test_plain_gzip_and_bzip2_copies_of_one_file_read_the_same(fixtures, tmp_path):
    text = bz2.decompress((fixtures / VINTAGES / sesnsp.SOURCE / NEWER).read_bytes())
    results = []
    for name, data in (
        ("victimas_ent.csv", text),
        ("victimas_ent.csv.gz", gzip.compress(text)),
        ("victimas_ent.csv.bz2", bz2.compress(text)),
    ):
        root = tmp_path / name
        (root / sesnsp.SOURCE).mkdir(parents=True)
        (root / sesnsp.SOURCE / name).write_bytes(data)
        results.append(sesnsp.build(root)[0])
    pd.testing.assert_frame_equal(results[0], results[1])
    pd.testing.assert_frame_equal(results[0], results[2])


def _write(tmp_path, text: str, name: str = "victimas_ent.csv"):
    folder = tmp_path / sesnsp.SOURCE
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def _older_text(fixtures) -> str:
    return (fixtures / VINTAGES / sesnsp.SOURCE / OLDER).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            lambda t: t.replace(",09,Ciudad de México,", ",33,Ciudad de México,", 1),
            "cve_ent must be a 2-digit",
        ),
        (
            lambda t: t.replace(",09,Ciudad de México,", ",09,Jalisco,", 1),
            "nombre_estado does not match the INEGI state code: 09 = 'Jalisco' (INEGI: Ciudad de México)",
        ),
        (
            lambda t: t.replace("Adultos (18 y más),10", "Adultos (18 y más),-10", 1),
            "n_victimas must be a whole",
        ),
        (lambda t: t.replace("Adultos (18 y más),10", "Adultos (18 y más),1.5", 1), "bad line(s) 2"),
        (lambda t: t.replace("Con arma blanca", "Con dron", 1), "modalidad values not known"),
        (
            lambda t: t.replace("Homicidio,Homicidio doloso", "Homicidio,Homicidio por drones", 1),
            "subtipo_de",
        ),
        (lambda t: t.replace("2024-10-15,2024,10", "2014-10-15,2014,10"), "months before 2015-01"),
        (lambda t: t.replace("2024-10-15,2024,10", "2024-10-15,2024,11", 1), "agree with n_year and n_month"),
        (lambda t: t + t.splitlines()[1] + "\n", "duplicated rows"),
        (lambda t: t.replace("Homicidio,Homicidio doloso", "Lesiones,Homicidio doloso", 1), "tipo_de_delito"),
        (lambda t: t.splitlines()[0] + "\n", "no data rows"),
    ],
    ids=[
        "state-code",
        "state-name",
        "negative",
        "fraction",
        "unknown-means",
        "unknown-subtype",
        "before-2015",
        "date-disagrees",
        "duplicate",
        "type-of-subtype",
        "header-only",
    ],
)
def test_a_file_out_of_its_domain_is_refused_naming_it(fixtures, tmp_path, change, problem):
    path = _write(tmp_path, change(_older_text(fixtures)))
    with pytest.raises(RawLayoutError) as err:
        sesnsp.build(tmp_path)
    assert str(path) in str(err.value)
    assert problem in str(err.value)


def test_two_files_of_one_vintage_that_differ_are_refused(fixtures, tmp_path):
    text = _older_text(fixtures)
    _write(tmp_path, text, "one_victimas_ent.csv")
    _write(
        tmp_path, text.replace("Adultos (18 y más),10", "Adultos (18 y más),11", 1), "two_victimas_ent.csv"
    )
    with pytest.raises(RawLayoutError, match="both have vintage 2024-11 but different numbers for 2024-10"):
        sesnsp.build(tmp_path)
    _write(tmp_path, text, "two_victimas_ent.csv")  # identical copies are harmless
    assert len(sesnsp.build(tmp_path)[0]) == 20


def test_a_month_after_the_files_vintage_fails_the_check(fixtures):
    table, meta = sesnsp.build(fixtures / VINTAGES)
    late = table.assign(month=table["month"].where(table["vintage"] != "2024-11", pd.Timestamp("2024-12-01")))
    problems = check.check_frame(late, meta)
    assert any(
        "rows dated after their file's vintage, e.g. month 2024-12 in vintage 2024-11" in p for p in problems
    )
    bad_state = table.assign(inegi_state_code=table["inegi_state_code"].replace("09", "99"))
    assert any("unknown INEGI state codes: ['99']" in p for p in check.check_frame(bad_state, meta))


def test_a_newer_file_dropped_into_data_raw_is_read_beside_the_shared_one(fixtures, tmp_path, monkeypatch):
    raw, shared = tmp_path / "data_raw", tmp_path / "shared"
    for root, name in ((shared, OLDER), (raw, NEWER)):
        (root / sesnsp.SOURCE).mkdir(parents=True)
        shutil.copy(fixtures / VINTAGES / sesnsp.SOURCE / name, root / sesnsp.SOURCE / name)
    monkeypatch.setattr(paths, "RAW_DIR", raw)
    monkeypatch.setattr(paths, "SHARED_DATA_DIR", shared)
    monkeypatch.delenv(paths.RAW_DIR_ENV, raising=False)
    with paths.recording() as log:
        table, meta = sesnsp.build()
    assert sorted(table["vintage"].unique()) == ["2024-11", "2024-12"]
    assert sorted(r.name for r in meta.raw_files) == [f"{sesnsp.SOURCE}/{NEWER}", f"{sesnsp.SOURCE}/{OLDER}"]
    account = "\n".join(paths.describe_reads(log))
    assert f"{sesnsp.SOURCE}: from {raw / sesnsp.SOURCE} + {shared / sesnsp.SOURCE}" in account


def test_a_month_written_as_zeros_everywhere_is_refused(fixtures, tmp_path):
    """A newer release that pads months not yet compiled with zeros would make a fall out of nothing:
    a month with no victim of any crime in any state is refused, with the month named."""
    text = _older_text(fixtures)
    header, *lines = text.splitlines()
    november = [line for line in lines if ",11," in line]
    padded = [
        line.replace("2024-11-15,2024,11,", "2024-12-15,2024,12,").rsplit(",", 1)[0] + ",0"
        for line in november
    ]
    path = _write(tmp_path, "\n".join([header, *lines, *padded]) + "\n")
    with pytest.raises(RawLayoutError, match=r"month\(s\) 2024-12 have no victim of any crime in any state"):
        sesnsp.read_victims_file(path)
