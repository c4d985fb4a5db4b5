"""Numbers and lists as the reports' written findings say them: rounded to what the figures support,
in sensible units ("US$90 million", "1.40 billion", "253,000 kg")."""

from __future__ import annotations

import pandas as pd


def people_text(people: float) -> str:
    """A population rounded to what a UN estimate supports: "1.40 billion", "51 million",
    "5.2 million", "387 thousand"."""
    if people >= 1e9:
        return f"{people / 1e9:.2f} billion"
    if people >= 1e7:
        return f"{people / 1e6:,.0f} million"
    if people >= 1e6:
        return f"{people / 1e6:.1f} million"
    if people >= 1e3:
        return f"{people / 1e3:,.0f} thousand"
    return f"{people:,.0f}"


def money_text(usd: float) -> str:
    """US dollars in a sensible unit: "US$2.90 billion", "US$90 million", "US$4.6 million",
    "US$120,000" (thousands), "minus ..." for a net de-obligation."""
    if usd < 0:
        return "minus " + money_text(-usd)
    if usd >= 1e9:
        return f"US${usd / 1e9:.2f} billion"
    if usd >= 1e7:
        return f"US${usd / 1e6:,.0f} million"
    if usd >= 1e6:
        return f"US${usd / 1e6:.1f} million"
    if usd >= 1e3:
        return f"US${round(usd, -3):,.0f}"
    return f"US${usd:,.0f}"


def kg_text(kg: float) -> str:
    """Kilograms to three significant figures: "253,000 kg", "1,230 kg", "12.5 kg", "0.04 kg";
    "less than 0.01 kg" below ten grams."""
    if kg <= 0:
        return "0 kg"
    if kg < 0.01:
        return "less than 0.01 kg"
    if kg >= 100:
        return f"{sig_text(kg)} kg"
    return f"{float(f'{kg:.3g}'):g} kg"


def sig_text(value: float) -> str:
    """A whole number to three significant figures, with thousands separators ("253,000")."""
    return f"{float(f'{value:.3g}'):,.0f}"


def change_text(now: float, before: float) -> str:
    """How ``now`` compares with ``before``, worded to precede the earlier figure ("up 28% from")."""
    if before <= 0:
        return "the same as" if now <= 0 else "up from"
    ratio = now / before
    if ratio >= 3:
        return f"{ratio:.0f} times the"
    if ratio < 0.01:
        return "down more than 99% from"
    pct = 100 * (ratio - 1)
    if abs(pct) < 5:
        return "about the same as"
    return f"{'up' if pct > 0 else 'down'} {abs(pct):.0f}% from"


#: Region groups a sentence names with "the" ("the Caribbean").
REGIONS_WITH_THE = ("Andean region", "Caribbean", "Middle East and North Africa")


def region_text(region: str) -> str:
    """A region group as a sentence names it: "the Andean region", "Central America"."""
    return f"the {region}" if region in REGIONS_WITH_THE else region


def list_text(items: list[str]) -> str:
    """Items joined as a sentence says them: "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def sentence_start(text: str) -> str:
    """``text`` with its first letter capitalized and the rest as it is ("the Caribbean" -> "The
    Caribbean", "coca bush" -> "Coca bush")."""
    return text[:1].upper() + text[1:]


def sentence_end(text: str) -> str:
    """``text`` ending with one full stop (a name such as "Sandwich Is." keeps its own)."""
    return text if text.endswith(".") else text + "."


def share_text(part: float, whole: float) -> str:
    """``part`` as a percentage of ``whole``: "15%", "less than 1%"."""
    pct = 100 * part / whole
    return "less than 1%" if 0 < pct < 0.5 else f"{pct:.0f}%"


def in_sentence(name: str) -> str:
    """A published name as it reads inside a sentence: its first letter in lower case unless the
    word is an acronym ("Heroin" -> "heroin", "“Crack” cocaine" -> "“crack” cocaine", "LSD" stays)."""
    for i, char in enumerate(name):
        if char.isalpha():
            following = name[i + 1 : i + 2]
            return name[:i] + char.lower() + name[i + 1 :] if not following.isupper() else name
    return name


#: Country names that take "the" in a sentence ("the United States seized the most").
NAMES_WITH_THE = frozenset(
    {
        "Bahamas",
        "Central African Republic",
        "Comoros",
        "Czech Republic",
        "Dominican Republic",
        "Gambia",
        "Maldives",
        "Marshall Islands",
        "Netherlands",
        "Philippines",
        "Solomon Islands",
        "United Arab Emirates",
        "United Kingdom",
        "United States",
    }
)


def country_text(name: str) -> str:
    """A country's short name as a sentence says it: "the United States", "the Philippines",
    "Colombia"."""
    return f"the {name}" if name in NAMES_WITH_THE else name


def price_usd_text(usd: float) -> str:
    """A price to three significant figures, as medians of published prices support: "US$188",
    "US$14.5", "US$1.22", "US$0.091"."""
    rounded = float(f"{usd:.3g}")
    return f"US${rounded:,.0f}" if rounded >= 100 else f"US${rounded:g}"


def about(value: float) -> str:
    """A count rounded to what registrations that are revised every release support: to the
    hundred from 10,000, to the ten from 1,000, as it is below ("about 27,700", "852")."""
    value = float(value)
    if abs(value) >= 10_000:
        return f"about {round(value, -2):,.0f}"
    if abs(value) >= 1_000:
        return f"about {round(value, -1):,.0f}"
    return f"{value:,.0f}"


def date_text(date: object) -> str:
    """A date as sentences write it: "3 May 2024"."""
    day = pd.Timestamp(date)
    return f"{day.day} {day:%B %Y}"


#: Plurals that are not the singular plus "s" (:func:`count_text`).
IRREGULAR_PLURALS = {
    "entry": "entries",
    "entity": "entities",
    "aircraft": "aircraft",
    "country": "countries",
    "country or territory": "countries and territories",
}


def plural(noun: str, n: float) -> str:
    """``noun`` as a count of ``n`` says it: "1 entry", "2 entries" (:data:`IRREGULAR_PLURALS`,
    else the singular plus "s")."""
    if n == 1:
        return noun
    return IRREGULAR_PLURALS.get(noun, noun + "s")


def count_text(n: int, noun: str) -> str:
    """A count and its noun in the right number, with thousands separators: "1 entry",
    "438 entries", "1 individual", "2 vessels"."""
    return f"{n:,} {plural(noun, n)}"
