"""Each loader refuses a malformed raw file with a message naming the file and the problem.

Every case writes one small broken file under a temporary raw root; the other sources of the same
loader are read from ../shared/data as usual.
"""

from __future__ import annotations

import bz2
import gzip
import shutil
from pathlib import Path

import pytest

from drugflows.sources import (
    RawLayoutError,
    assistance,
    bts,
    cdc,
    colombia,
    indicators,
    ofac,
    published_figures,
    sesnsp,
    unodc,
)

SESNSP_FIXTURE = (
    Path(__file__).parent
    / "fixtures"
    / "sesnsp_vintages"
    / sesnsp.SOURCE
    / "fixture-victimas-ent-release-a.csv.bz2"
)


def _copy_folder(shared_data, raw, source):
    shutil.copytree(shared_data / source, raw / source)
    return raw / source


def case_bts_wrong_header(raw, shared_data):
    folder = raw / "bts_border_crossings" / "vintage_2030-01"
    folder.mkdir(parents=True)
    with gzip.open(folder / "Border_Crossing_Entry_Data.csv.gz", "wt") as fh:
        fh.write("Port,State,Code,Border,Date,Measure,Value,Latitude,Longitude\n")
    return bts.build, "Border_Crossing_Entry_Data.csv.gz: missing column(s) ['Port Name', 'Port Code']"


def case_bts_corrupt_gzip(raw, shared_data):
    folder = raw / "bts_border_crossings" / "vintage_2030-01"
    folder.mkdir(parents=True)
    (folder / "Border_Crossing_Entry_Data.csv.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    return bts.build, "Border_Crossing_Entry_Data.csv.gz: not a readable CSV"


def case_prices_not_json(raw, shared_data):
    folder = _copy_folder(shared_data, raw, "unodc")
    (folder / unodc.PRICES_FILE).write_text('[{"Country/Territory": "Peru", "Year": 2020')
    return unodc.build_prices, "Before_Prices_of_drugs.json: not a JSON array of records"


def case_unodc_corrupt_xlsx(raw, shared_data):
    folder = _copy_folder(shared_data, raw, "unodc")
    (folder / unodc.PORTAL_FILE).write_bytes(b"PK\x03\x04 this is not a workbook")
    return unodc.build_seizures, "drug_seizures_2018_2022.xlsx: not a readable Excel workbook"


def case_colombia_short_code(raw, shared_data):
    folder = _copy_folder(shared_data, raw, "colombia")
    lines = (folder / colombia.PANEL_FILE).read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b"05001,", b"5001,", 1)
    (folder / colombia.PANEL_FILE).write_bytes(b"\n".join(lines))
    return colombia.build, "dataset_paper3_v2.csv: idmun must be a 5-digit DANE code"


def case_vsrr_renamed_column(raw, shared_data):
    folder = _copy_folder(shared_data, raw, "cdc_overdose")
    path = folder / cdc.VSRR_FILE
    text = path.read_text()
    path.write_text(text.replace("Indicator", "Measure", 1))
    return cdc.build, "VSRR_Provisional_Drug_Overdose_Death_Counts.csv: missing column(s) ['Indicator']"


def case_cdc_specific_drugs_renamed_column(raw, shared_data):
    folder = _copy_folder(shared_data, raw, cdc.RECENT_SOURCE)
    path = folder / "Provisional_drug_overdose_death_counts_for_specific_drugs.csv"
    path.write_text(path.read_text().replace("drug_involved", "drug", 1))
    return cdc.build_by_drug, (
        "Provisional_drug_overdose_death_counts_for_specific_drugs.csv: missing column(s) "
        "['drug_involved']; unexpected column(s) ['drug']"
    )


def case_cdc_wonder_renamed_column(raw, shared_data):
    folder = _copy_folder(shared_data, raw, cdc.RECENT_SOURCE)
    path = folder / "Multiple_Cause_of_Death_2018_2023_Single_Race_MANUAL_DOWNLOAD.csv"
    path.write_text(path.read_text().replace(",Deaths,", ",Death count,", 1))
    return cdc.build_monthly, (
        "Multiple_Cause_of_Death_2018_2023_Single_Race_MANUAL_DOWNLOAD.csv: missing column(s) ['Deaths']"
    )


def case_cdc_vsrr_month_not_a_name(raw, shared_data):
    folder = _copy_folder(shared_data, raw, cdc.RECENT_SOURCE)
    path = folder / "cdc_api_provisional_overdose_counts.csv"
    path.write_text(path.read_text().replace("AK,2015,January,", "AK,2015,Janvier,", 1))
    return cdc.build_by_state, (
        "cdc_api_provisional_overdose_counts.csv: year must be a year and month an English month name; "
        "line(s) 2"
    )


def case_owid_renamed_value(raw, shared_data):
    folder = _copy_folder(shared_data, raw, "owid")
    path = folder / "homicide-rate-unodc.csv"
    path.write_text(path.read_text().replace("Homicide rate per 100,000 population", "Rate", 1))
    return indicators.build, "homicide-rate-unodc.csv: missing column(s) ['Homicide rate per 100,000"


def case_peru_total_off(raw, shared_data):
    folder = _copy_folder(shared_data, raw, "peru")
    path = folder / "coca_department_2020_2024.csv"
    path.write_text(path.read_text().replace("TOTAL,61777", "TOTAL,71777"))
    return published_figures.build, "coca_department_2020_2024.csv: departments differ from the TOTAL row"


def case_figures_unknown_series(raw, shared_data):
    folder = _copy_folder(shared_data, raw, "published_figures")
    path = folder / "figures.csv"
    lines = path.read_text().splitlines()
    lines.append(lines[1].replace("coca_cultivation,", "coca_smuggled_by_llamas,", 1))
    path.write_text("\n".join(lines) + "\n")
    return published_figures.build, (
        "figures.csv: series not known to drugflows.sources.published_figures: ['coca_smuggled_by_llamas']"
    )


def case_assistance_unknown_transaction(raw, shared_data):
    folder = _copy_folder(shared_data, raw, "foreign_assistance")
    path = folder / assistance.COUNTRY_FILE
    text = path.read_text()
    path.write_text(text.replace(",Obligations,", ",Pledges,", 1))
    return assistance.build, "us_foreign_aid_country.csv: unknown Transaction Type Name ['Pledges']"


def case_unresolvable_country(raw, shared_data):
    folder = _copy_folder(shared_data, raw, "owid")
    path = folder / "Population by country, 1800 to 2100 (Gapminder & UN).csv"
    lines = path.read_text().splitlines()
    lines.append("Atlantis,2000,1000,1000")
    path.write_text("\n".join(lines) + "\n")
    return indicators.build, "resolve to no ISO3 code and are not listed aggregates: ['Atlantis']"


def case_ofac_address_renamed_column(raw, shared_data):
    folder = _copy_folder(shared_data, raw, "ofac_sdn")
    path = folder / "add.csv"
    path.write_bytes(path.read_bytes().replace(b",Country,", b",Nation,", 1))
    return ofac.build, "add.csv: missing column(s) ['Country']; unexpected column(s) ['Nation']"


def case_ofac_list_truncated_last_line(raw, shared_data):
    # A cut download: no end-of-file marker, the last entry cut after its second field.
    folder = _copy_folder(shared_data, raw, "ofac_sdn")
    path = folder / "sdn.csv"
    lines = path.read_bytes().split(b"\r\n")
    assert lines[-1] == b"\x1a"
    lines = lines[:-1]
    lines[-1] = b",".join(lines[-1].split(b",")[:2])
    path.write_bytes(b"\r\n".join(lines))
    return ofac.build, "sdn.csv: line(s) 14965 have fewer fields (2) than OFAC's 12 columns"


def case_ofac_list_with_a_header_row(raw, shared_data):
    folder = _copy_folder(shared_data, raw, "ofac_sdn")
    path = folder / "sdn.csv"
    header = ",".join(ofac.SDN_COLUMNS).encode()
    path.write_bytes(header + b"\r\n" + path.read_bytes())
    return ofac.build, "sdn.csv: line 1 is not an entry (ent_num 'ent_num'): OFAC's sdn.csv has no header row"


def _sesnsp_file(raw, text: str) -> None:
    folder = raw / sesnsp.SOURCE
    folder.mkdir(parents=True)
    (folder / "db_victimas_delitos_ent_long.csv.bz2").write_bytes(bz2.compress(text.encode("utf-8")))


def case_sesnsp_renamed_column(raw, shared_data):
    text = bz2.decompress(SESNSP_FIXTURE.read_bytes()).decode("utf-8")
    _sesnsp_file(raw, text.replace(",n_victimas\n", ",victimas\n", 1))
    return sesnsp.build, (
        "db_victimas_delitos_ent_long.csv.bz2: missing column(s) ['n_victimas']; "
        "unexpected column(s) ['victimas']"
    )


def case_sesnsp_truncated_last_line(raw, shared_data):
    lines = bz2.decompress(SESNSP_FIXTURE.read_bytes()).decode("utf-8").splitlines()
    lines[-1] = ",".join(lines[-1].split(",")[:2])  # what a cut download leaves
    _sesnsp_file(raw, "\n".join(lines))
    return sesnsp.build, (
        "db_victimas_delitos_ent_long.csv.bz2: line(s) 25 have fewer fields than the header "
        "(a truncated file?)"
    )


def case_sesnsp_not_utf8(raw, shared_data):
    folder = raw / sesnsp.SOURCE
    folder.mkdir(parents=True)
    text = bz2.decompress(SESNSP_FIXTURE.read_bytes()).decode("utf-8")
    (folder / "db_victimas_delitos_ent_long.csv.bz2").write_bytes(bz2.compress(text.encode("latin-1")))
    return sesnsp.build, "db_victimas_delitos_ent_long.csv.bz2: not UTF-8 text"


def case_sesnsp_corrupt_bz2(raw, shared_data):
    folder = raw / sesnsp.SOURCE
    folder.mkdir(parents=True)
    (folder / "db_victimas_delitos_ent_long.csv.bz2").write_bytes(SESNSP_FIXTURE.read_bytes()[:200])
    return sesnsp.build, "db_victimas_delitos_ent_long.csv.bz2: not a readable CSV"


CASES = [
    case_bts_wrong_header,
    case_bts_corrupt_gzip,
    case_prices_not_json,
    case_unodc_corrupt_xlsx,
    case_colombia_short_code,
    case_vsrr_renamed_column,
    case_cdc_specific_drugs_renamed_column,
    case_cdc_wonder_renamed_column,
    case_cdc_vsrr_month_not_a_name,
    case_owid_renamed_value,
    case_peru_total_off,
    case_figures_unknown_series,
    case_assistance_unknown_transaction,
    case_unresolvable_country,
    case_ofac_address_renamed_column,
    case_ofac_list_truncated_last_line,
    case_ofac_list_with_a_header_row,
    case_sesnsp_renamed_column,
    case_sesnsp_truncated_last_line,
    case_sesnsp_not_utf8,
    case_sesnsp_corrupt_bz2,
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__.removeprefix("case_"))
def test_malformed_raw_file_is_refused_clearly(case, tmp_path, shared_data):
    raw = tmp_path / "raw"
    raw.mkdir()
    builder, message = case(raw, shared_data)
    with pytest.raises(ValueError) as err:
        builder(raw)
    assert message in str(err.value)
    assert str(raw) in str(err.value)  # names the file, with its folder
    if builder is not indicators.build:  # unresolved names raise UnresolvedCountryError
        assert isinstance(err.value, RawLayoutError)
