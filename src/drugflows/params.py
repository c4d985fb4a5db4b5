"""Validation of notebook parameters: a bad value stops the report at once with the valid ones."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

import pandas as pd


class ParameterError(ValueError):
    """A notebook parameter with a wrong value or type; the message names it and the valid values."""


def did_you_mean(value: str, valid: Iterable[str]) -> str:
    """`` Did you mean: a, b?`` for the entries of ``valid`` that start with ``value`` or are close to
    it (case ignored), or ""."""
    by_key = {v.casefold(): v for v in valid}
    key = value.strip().casefold()
    starting = [k for k in by_key if len(key) >= 3 and k.startswith(key)]  # "Merida" -> "Merida Initiative"
    close = list(dict.fromkeys(starting + difflib.get_close_matches(key, list(by_key), n=3, cutoff=0.75)))[:3]
    return f" Did you mean: {', '.join(by_key[c] for c in close)}?" if close else ""


def choose(name: str, value: object, valid: Iterable[str]) -> str:
    """The entry of ``valid`` equal to ``value`` ignoring case; ParameterError listing them, with
    the close ones first ("Did you mean"), if none."""
    valid = list(valid)
    if not isinstance(value, str):
        raise ParameterError(
            f"Parameter {name!r} must be a string, got {type(value).__name__} "
            f"{value!r}. Valid values: {', '.join(valid)}"
        )
    matches = [v for v in valid if v.casefold() == value.strip().casefold()]
    if not matches:
        raise ParameterError(
            f"Unknown {name} {value!r}.{did_you_mean(value, valid)} Valid values: {', '.join(valid)}"
        )
    return matches[0]


def as_list(name: str, value: object, what: str) -> list:
    """``value`` as a non-empty list: a list or tuple as is, one string as a list of it.

    ``what`` says what the list holds, for the message. Text that looks like a list (papermill's
    ``-p`` passes every value as text) is refused with the way to pass a list: ``-y``.
    """
    if isinstance(value, str) and value.strip().startswith(("[", "(")):
        raise ParameterError(
            f"Parameter {name!r} arrived as the text {value!r}, not a list: papermill's -p passes "
            f"text. Pass lists as YAML, e.g. papermill ... -y '{name}: [a, b]'"
        )
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list | tuple) or not values:
        raise ParameterError(
            f"Parameter {name!r} must be {what} or a non-empty list of them, got "
            f"{type(value).__name__} {value!r}"
        )
    return list(values)


def year_range(
    first_name: str, first: object, last_name: str, last: object, available: Iterable[int]
) -> tuple[int, int]:
    """``(first, last)`` within the available years; None means the earliest or latest on file."""
    years = sorted(int(y) for y in available)
    if not years:
        raise ParameterError("No years on file to choose from")
    span = f"{years[0]}-{years[-1]}"
    bounds = []
    for name, value, default in ((first_name, first, years[0]), (last_name, last, years[-1])):
        if value is None:
            bounds.append(default)
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise ParameterError(
                f"Parameter {name!r} must be a whole year or None, got "
                f"{type(value).__name__} {value!r}. Years on file: {span}"
            )
        if not years[0] <= value <= years[-1]:
            raise ParameterError(f"Parameter {name!r} = {value} is outside the years on file: {span}")
        bounds.append(value)
    if bounds[0] > bounds[1]:
        raise ParameterError(f"{first_name} = {bounds[0]} is after {last_name} = {bounds[1]}")
    return bounds[0], bounds[1]


def country(name: str, value: object, countries: pd.DataFrame) -> str:
    """ISO3 code for ``value``: an ISO3 code or a country name (``countries`` table names and the
    resolver's aliases, such as "Burma"), case ignored. ParameterError with close matches if none."""
    if not isinstance(value, str) or not value.strip():
        raise ParameterError(
            f"Parameter {name!r} must be an ISO3 code or a country name, got {type(value).__name__} {value!r}"
        )
    text = value.strip()
    from drugflows.countries import names_by_code, resolve_name  # the resolver knows aliases

    codes = names_by_code(countries)
    if text.upper() in codes:
        return text.upper()
    by_name = {n.casefold(): code for code, n in codes.items()}
    if text.casefold() in by_name:
        return by_name[text.casefold()]
    resolved = resolve_name(text)
    if resolved in codes:
        return resolved
    close = difflib.get_close_matches(text.casefold(), list(by_name), n=5, cutoff=0.6)
    hint = (
        f"Did you mean: {', '.join(f'{codes[by_name[c]]} ({by_name[c]})' for c in close)}?"
        if close
        else "Give an ISO3 code (e.g. COL) or an English country name."
    )
    raise ParameterError(f"Unknown {name} {value!r}: no country of that code or name. {hint}")


def country_list(
    name: str, value: object, countries: pd.DataFrame, valid: Iterable[str] | None = None
) -> list[str]:
    """ISO3 codes for a code or name, or a list of them (each as :func:`country`); with ``valid``,
    every code must be in it (ParameterError listing the valid codes)."""
    values = as_list(name, value, "an ISO3 code, a country name")
    codes = list(dict.fromkeys(country(name, v, countries) for v in values))
    if valid is not None:
        valid = sorted(valid)
        outside = [c for c in codes if c not in valid]
        if outside:
            raise ParameterError(
                f"Parameter {name!r}: no data for {', '.join(outside)} here. Valid values: {', '.join(valid)}"
            )
    return codes


#: A relative link to a report page: ``../<notebook>/<run>.html`` or ``<run>.html`` (plain names only).
RELATIVE_PAGE = re.compile(r"(\.\./)?[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*\.html")


def links(name: str, value: object) -> list[tuple[str, str]] | None:
    """``value`` as a list of (title, href) pairs of text, or None (no links given). The runner
    passes a profile's links this way; an href must be a relative link to an HTML page (no scheme,
    no host, not absolute)."""
    if value is None:
        return None
    if not isinstance(value, list | tuple):
        raise ParameterError(f"Parameter {name!r} must be a list of [title, link] pairs, got {value!r}")
    pairs = []
    for item in value:
        if not (isinstance(item, list | tuple) and len(item) == 2 and all(isinstance(v, str) for v in item)):
            raise ParameterError(f"Parameter {name!r}: {item!r} is not a [title, link] pair of text")
        title, href = item
        if not RELATIVE_PAGE.fullmatch(href):  # no scheme, host, entity (javascript&#58;) or escape
            raise ParameterError(f"Parameter {name!r}: {href!r} is not a relative link to a report page")
        pairs.append((title, href))
    return pairs
