"""Mexico's 32 states (entidades federativas) by their INEGI code, the one key for Mexican states.

The code is INEGI's two-digit ``CVE_ENT`` of the Marco Geoestadístico, kept as text (``"09"``).
Each state has the short name the tables print and INEGI's official name; raw files are matched
on either, whatever their case and accents (SESNSP writes ``Coahuila``, INEGI ``Coahuila de
Zaragoza``; ``Estado de México`` is INEGI's ``México``).
"""

from __future__ import annotations

import unicodedata

#: INEGI state code -> (short name, INEGI's official name).
STATES: dict[str, tuple[str, str]] = {
    "01": ("Aguascalientes", "Aguascalientes"),
    "02": ("Baja California", "Baja California"),
    "03": ("Baja California Sur", "Baja California Sur"),
    "04": ("Campeche", "Campeche"),
    "05": ("Coahuila", "Coahuila de Zaragoza"),
    "06": ("Colima", "Colima"),
    "07": ("Chiapas", "Chiapas"),
    "08": ("Chihuahua", "Chihuahua"),
    "09": ("Ciudad de México", "Ciudad de México"),
    "10": ("Durango", "Durango"),
    "11": ("Guanajuato", "Guanajuato"),
    "12": ("Guerrero", "Guerrero"),
    "13": ("Hidalgo", "Hidalgo"),
    "14": ("Jalisco", "Jalisco"),
    "15": ("Estado de México", "México"),
    "16": ("Michoacán", "Michoacán de Ocampo"),
    "17": ("Morelos", "Morelos"),
    "18": ("Nayarit", "Nayarit"),
    "19": ("Nuevo León", "Nuevo León"),
    "20": ("Oaxaca", "Oaxaca"),
    "21": ("Puebla", "Puebla"),
    "22": ("Querétaro", "Querétaro"),
    "23": ("Quintana Roo", "Quintana Roo"),
    "24": ("San Luis Potosí", "San Luis Potosí"),
    "25": ("Sinaloa", "Sinaloa"),
    "26": ("Sonora", "Sonora"),
    "27": ("Tabasco", "Tabasco"),
    "28": ("Tamaulipas", "Tamaulipas"),
    "29": ("Tlaxcala", "Tlaxcala"),
    "30": ("Veracruz", "Veracruz de Ignacio de la Llave"),
    "31": ("Yucatán", "Yucatán"),
    "32": ("Zacatecas", "Zacatecas"),
}

#: Other spellings seen for a state, by code (compared without case or accents).
OTHER_NAMES: dict[str, tuple[str, ...]] = {
    "09": ("Distrito Federal",),  # before 2016
    "15": ("Edo. de México", "Estado de Mexico"),
}


def known_codes() -> set[str]:
    return set(STATES)


def short_name(code: str) -> str:
    return STATES[code][0]


def _plain(name: str) -> str:
    text = unicodedata.normalize("NFKD", str(name))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).casefold().split())


def is_name_of(code: str, name: str) -> bool:
    """True if ``name`` is a spelling of state ``code`` (short, official or listed other name)."""
    if code not in STATES:
        return False
    names = (*STATES[code], *OTHER_NAMES.get(code, ()))
    return _plain(name) in {_plain(n) for n in names}
