"""Mexico, SESNSP: victims of crimes of the common jurisdiction by state and month (2015 on).

Raw layout (``../shared/data/mexico_sesnsp/SOURCE.md``): ``db_victimas_delitos_ent_long.csv.bz2``,
the SESNSP state-level victims file ("Víctimas de delitos del fuero común", new methodology, 2015-)
reshaped to one row per month by a third party (Isaac Arroyo, ``isaacarroyov/datos_facil_acceso``):
columns ``date_year_month, n_year, n_month, cve_ent, nombre_estado, bien_juridico_afectado,
tipo_de_delito, subtipo_de_delito, modalidad, genero, rango_de_edad, n_victimas``. UTF-8, bzip2
(a decompressed ``.csv`` or a ``.csv.gz`` of the same layout is read as well). Every category
cell is present for every month, so zeros are common and are kept.

These are victims registered by the state prosecutors in preliminary investigations (carpetas de
investigación), not deaths certified by INEGI: the two series differ and are never spliced.

Vintages: a file's vintage is the last month written in it. SESNSP revises past months in every
release, so every month is taken whole from the newest file that covers it (by that vintage,
never by the file name); two files of one vintage that differ on a month are refused. The build
says which months came from which file.

The table sums the file's four age groups (``rango_de_edad``): every victim is kept, in one row
per month, state, crime subtype, modality and sex.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from drugflows import inegi, paths
from drugflows.periods import month_runs
from drugflows.sources import RawLayoutError
from drugflows.sources._common import layout_error, line_numbers, raw_file, read_csv
from drugflows.tables import TableMeta

SOURCE = "mexico_sesnsp"
TABLE = "mexico_victims_monthly"
PUBLISHER = (
    "Secretariado Ejecutivo del Sistema Nacional de Seguridad Pública (SESNSP), Víctimas de delitos "
    "del fuero común (state level, 2015-), long format by Isaac Arroyo (isaacarroyov/datos_facil_acceso)"
)
URL = "https://www.gob.mx/sesnsp/acciones-y-programas/datos-abiertos-de-incidencia-delictiva"
#: Files of the victims-by-state layout (names matched without case).
PATTERNS = ("*victimas*ent*.csv", "*victimas*ent*.csv.bz2", "*victimas*ent*.csv.gz")
COLUMNS = (
    "date_year_month",
    "n_year",
    "n_month",
    "cve_ent",
    "nombre_estado",
    "bien_juridico_afectado",
    "tipo_de_delito",
    "subtipo_de_delito",
    "modalidad",
    "genero",
    "rango_de_edad",
    "n_victimas",
)
#: The new-methodology series starts here; earlier months belong to another series.
FIRST_MONTH = pd.Timestamp("2015-01-01")

#: SESNSP crime subtype (``subtipo_de_delito``) -> (its type, ``tipo_de_delito``; the plain
#: English label of the table's ``crime`` column). Feminicide is counted apart from intentional
#: homicide (a woman killed in a feminicide is not in ``Homicidio doloso``).
CRIMES: dict[str, tuple[str, str]] = {
    "Homicidio doloso": ("Homicidio", "intentional_homicide"),
    "Homicidio culposo": ("Homicidio", "negligent_homicide"),
    "Feminicidio": ("Feminicidio", "feminicide"),
    "Lesiones dolosas": ("Lesiones", "intentional_injury"),
    "Lesiones culposas": ("Lesiones", "negligent_injury"),
    "Aborto": ("Aborto", "abortion"),
    "Otros delitos que atentan contra la vida y la integridad corporal": (
        "Otros delitos que atentan contra la vida y la integridad corporal",
        "other_against_life_and_body",
    ),
    "Secuestro": ("Secuestro", "kidnapping"),
    "Tráfico de menores": ("Tráfico de menores", "child_trafficking"),
    "Rapto": ("Rapto", "abduction"),
    "Otros delitos que atentan contra la libertad personal": (
        "Otros delitos que atentan contra la libertad personal",
        "other_against_personal_liberty",
    ),
    "Extorsión": ("Extorsión", "extortion"),
    "Corrupción de menores": ("Corrupción de menores", "corruption_of_minors"),
    "Trata de personas": ("Trata de personas", "human_trafficking"),
    "Otros delitos contra la sociedad": ("Otros delitos contra la sociedad", "other_against_society"),
}

#: ``modalidad`` values that are the means of a killing or injury -> the ``means`` column.
MEANS = {
    "Con arma de fuego": "firearm",
    "Con arma blanca": "bladed_weapon",
    "Con otro elemento": "other",
    "No especificado": "not_specified",
    "En accidente de tránsito": "traffic_accident",
}
#: The other ``modalidad`` values: kinds of kidnapping, or the subtype's name repeated (no
#: breakdown). Their ``means`` is missing.
OTHER_MODALITIES = {
    "Secuestro extorsivo",
    "Secuestro con calidad de rehén",
    "Secuestro para causar daño",
    "Secuestro exprés",
    "Otro tipo de secuestros",
    "Otros delitos que atentan contra la vida y la integridad corporal",
    "Aborto",
    "Tráfico de menores",
    "Rapto",
    "Otros delitos que atentan contra la libertad personal",
    "Extorsión",
    "Corrupción de menores",
    "Trata de personas",
    "Otros delitos contra la sociedad",
}
SEXES = {"Hombre": "male", "Mujer": "female", "No identificado": "not_identified"}
AGE_GROUPS = {"Menores de edad (0-17)", "Adultos (18 y más)", "No especificado", "No identificado"}

PROCESSED = {
    "month": "month",
    "inegi_state_code": "str",
    "state_name": "str",
    "crime": "str",
    "crime_type_raw": "str",
    "crime_subtype_raw": "str",
    "modality_raw": "str",
    "means": "str",
    "sex": "str",
    "sex_raw": "str",
    "victims": "int",
    "vintage": "str",
}
KEY = ["month", "inegi_state_code", "crime_subtype_raw", "modality_raw", "sex_raw"]

_DATE = re.compile(r"^(\d{4})-(\d{2})-15$")


@dataclass(frozen=True)
class VictimsFile:
    """One raw SESNSP victims file, read and checked; ``frame`` is summed over age groups."""

    path: Path
    frame: pd.DataFrame
    raw_rows: int
    vintage: pd.Timestamp  # last month written in the file

    @property
    def vintage_label(self) -> str:
        return f"{self.vintage:%Y-%m}"


def _unknown(path: Path, raw: pd.DataFrame, column: str, known) -> None:
    bad = ~raw[column].isin(known)
    if bad.any():
        values = sorted(raw.loc[bad, column].unique())[:10]
        raise layout_error(
            path,
            f"{column} values not known to drugflows.sources.sesnsp: {values} (line(s) {line_numbers(bad)}). "
            "Give each its English label in the loader before building.",
        )


def read_victims_file(path: str | Path) -> VictimsFile:
    """Read and check one victims file; RawLayoutError naming the file, the lines and the problem."""
    path = Path(path)
    raw = read_csv(path, COLUMNS, dtype=str, keep_default_na=False)  # UTF-8
    raw = raw[list(COLUMNS)].apply(lambda s: s.str.strip())

    date = raw["date_year_month"].str.extract(_DATE)
    bad = date[0].isna() | (date[0] != raw["n_year"]) | (date[1] != raw["n_month"])
    if bad.any():
        raise layout_error(
            path,
            "date_year_month must be YYYY-MM-15 and agree with n_year and n_month; "
            f"bad line(s) {line_numbers(bad)}",
        )
    month = pd.to_datetime(date[0] + "-" + date[1] + "-01", format="%Y-%m-%d", errors="coerce")
    bad = month.isna()
    if bad.any():
        raise layout_error(path, f"n_month must be 01 to 12; bad line(s) {line_numbers(bad)}")
    bad = month < FIRST_MONTH
    if bad.any():
        raise layout_error(
            path,
            f"months before {FIRST_MONTH:%Y-%m} on line(s) {line_numbers(bad)}: the new-methodology series "
            "starts in January 2015 (an older-methodology file is another series)",
        )

    bad = ~raw["cve_ent"].isin(inegi.known_codes())
    if bad.any():
        found = sorted(raw.loc[bad, "cve_ent"].unique())[:5]
        raise layout_error(
            path,
            f"cve_ent must be a 2-digit INEGI state code 01-32; found {found} on line(s) {line_numbers(bad)}",
        )
    pairs = raw[["cve_ent", "nombre_estado"]].drop_duplicates()
    wrong = [(c, n) for c, n in pairs.itertuples(index=False) if not inegi.is_name_of(c, n)]
    if wrong:
        shown = ", ".join(f"{c} = {n!r} (INEGI: {inegi.STATES[c][0]})" for c, n in wrong[:5])
        raise layout_error(path, f"nombre_estado does not match the INEGI state code: {shown}")

    _unknown(path, raw, "subtipo_de_delito", CRIMES)
    _unknown(path, raw, "modalidad", set(MEANS) | OTHER_MODALITIES)
    _unknown(path, raw, "genero", SEXES)
    _unknown(path, raw, "rango_de_edad", AGE_GROUPS)
    expected_type = raw["subtipo_de_delito"].map({k: v[0] for k, v in CRIMES.items()})
    bad = raw["tipo_de_delito"] != expected_type
    if bad.any():
        raise layout_error(
            path, f"tipo_de_delito is not the type of its subtipo_de_delito on line(s) {line_numbers(bad)}"
        )

    victims = pd.to_numeric(raw["n_victimas"], errors="coerce")
    bad = victims.isna() | (victims < 0) | (victims != victims.round())
    if bad.any():
        raise layout_error(path, f"n_victimas must be a whole number >= 0; bad line(s) {line_numbers(bad)}")

    cells = ["cve_ent", "subtipo_de_delito", "modalidad", "genero", "rango_de_edad"]
    frame = raw[cells].assign(month=month, n_victimas=victims.astype("int64"))
    dup = frame.duplicated([*cells, "month"], keep="first")
    if dup.any():
        raise layout_error(
            path,
            "duplicated rows (same month, state, subtype, modality, sex and age group) on line(s) "
            f"{line_numbers(dup)}",
        )
    by_month = frame.groupby("month")["n_victimas"].sum()
    empty = by_month[by_month == 0]
    if not empty.empty:
        months = ", ".join(f"{m:%Y-%m}" for m in empty.index)
        raise layout_error(
            path,
            f"month(s) {months} have no victim of any crime in any state: a month not yet compiled "
            "written as zeros, not a month without crime (the file would make a fall out of nothing)",
        )
    summed = frame.groupby(["month", *cells[:-1]], as_index=False, sort=True)["n_victimas"].sum()
    if int(summed["n_victimas"].sum()) != int(frame["n_victimas"].sum()):  # pragma: no cover - a guard
        raise layout_error(path, "victims were lost summing over age groups")
    return VictimsFile(path=path, frame=summed, raw_rows=len(raw), vintage=summed["month"].max())


def _month_rows(frame: pd.DataFrame, month) -> pd.DataFrame:
    rows = frame[frame["month"] == month]
    return rows.sort_values(list(rows.columns), ignore_index=True)


def combine_vintages(files: list[VictimsFile]) -> pd.DataFrame:
    """Every month taken whole from the newest file (by the last month written in it) covering it;
    two files of one vintage that differ on a month are refused. The build records which months
    came from which file."""
    taken: dict[pd.Timestamp, VictimsFile] = {}
    parts = []
    for f in sorted(files, key=lambda f: (f.vintage, str(f.path)), reverse=True):
        months = set(f.frame["month"].unique())
        for month in sorted(months & set(taken)):
            other = taken[month]
            if other.vintage == f.vintage and not _month_rows(f.frame, month).equals(
                _month_rows(other.frame, month)
            ):
                raise RawLayoutError(
                    f"{f.path} and {other.path}: both have vintage {f.vintage_label} but different "
                    f"numbers for {month:%Y-%m}; which is newer cannot be told from the files. "
                    "Keep only the one published last."
                )
        new = months - set(taken)
        parts.append(f.frame[f.frame["month"].isin(new)].assign(vintage=f.vintage_label))
        taken.update(dict.fromkeys(new, f))
        text = f"{f.path.name} (vintage {f.vintage_label}, {f.raw_rows:,} rows): "
        text += f"months {month_runs(new)} taken" if new else "no month taken"
        if months - new:
            text += f"; {month_runs(months - new)} from newer files"
        paths.note(SOURCE, text)
    return pd.concat(parts, ignore_index=True)


def victims_files(folder) -> list[Path]:
    """The victims files of a raw folder (every layer); FileNotFoundError if none."""
    files = sorted({p for pattern in PATTERNS for p in folder.glob(pattern)}, key=lambda p: p.name.lower())
    if not files:
        raise FileNotFoundError(f"{folder}: no file matching {list(PATTERNS)} (the SESNSP victims file)")
    return files


def build(raw: str | Path | None = None) -> tuple[pd.DataFrame, TableMeta]:
    """``mexico_victims_monthly``: victims by month, INEGI state, crime, modality (means) and sex."""
    folder = paths.raw_source_dir(SOURCE, raw)
    files = [read_victims_file(p) for p in victims_files(folder)]
    combined = combine_vintages(files)
    table = pd.DataFrame(
        {
            "month": combined["month"],
            "inegi_state_code": combined["cve_ent"],
            "state_name": combined["cve_ent"].map(inegi.short_name),
            "crime": combined["subtipo_de_delito"].map({k: v[1] for k, v in CRIMES.items()}),
            "crime_type_raw": combined["subtipo_de_delito"].map({k: v[0] for k, v in CRIMES.items()}),
            "crime_subtype_raw": combined["subtipo_de_delito"],
            "modality_raw": combined["modalidad"],
            "means": combined["modalidad"].map(MEANS),
            "sex": combined["genero"].map(SEXES),
            "sex_raw": combined["genero"],
            "victims": combined["n_victimas"],
            "vintage": combined["vintage"],
        }
    )
    table = table.sort_values(KEY, ignore_index=True)
    used = table["vintage"].value_counts()
    vintage = max(f.vintage_label for f in files)
    meta = TableMeta(
        name=TABLE,
        title="Mexico: victims of intentional homicide, feminicide, kidnapping, extortion and other "
        "crimes by month, state, means and sex (SESNSP)",
        raw_source=SOURCE,
        source=PUBLISHER,
        source_url=URL,
        vintage=vintage,
        coverage=f"{table['month'].min():%Y-%m} to {table['month'].max():%Y-%m}, "
        f"{table['inegi_state_code'].nunique()} states, {table['crime'].nunique()} crime subtypes",
        columns=PROCESSED,
        raw_files=[
            raw_file(f.path, f.vintage_label, int(used.get(f.vintage_label, 0)), folder) for f in files
        ],
        notes="Victims registered by the state prosecutors in preliminary investigations (carpetas), "
        "as counted by SESNSP; not INEGI death certificates (never splice the two). SESNSP revises "
        "past months in every release. Age groups summed; zero cells kept; no national rows (sum "
        "the states). means is missing where the modality is not a means (kidnapping types, crimes "
        "with no breakdown). Feminicide is not included in intentional_homicide.",
        format="parquet",
        key=KEY,
        non_negative=["victims"],
    )
    return table, meta
