"""Validation of notebook parameters: a bad value stops the report at once with the valid ones."""

from __future__ import annotations

from collections.abc import Iterable


class ParameterError(ValueError):
    """A notebook parameter with a wrong value or type; the message names it and the valid values."""


def choose(name: str, value: object, valid: Iterable[str]) -> str:
    """The entry of ``valid`` equal to ``value`` ignoring case; ParameterError listing them if none."""
    valid = list(valid)
    if not isinstance(value, str):
        raise ParameterError(f"Parameter {name!r} must be a string, got {type(value).__name__} "
                             f"{value!r}. Valid values: {', '.join(valid)}")
    matches = [v for v in valid if v.casefold() == value.strip().casefold()]
    if not matches:
        raise ParameterError(f"Unknown {name} {value!r}. Valid values: {', '.join(valid)}")
    return matches[0]


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
            raise ParameterError(f"Parameter {name!r} must be a whole year or None, got "
                                 f"{type(value).__name__} {value!r}. Years on file: {span}")
        if not years[0] <= value <= years[-1]:
            raise ParameterError(f"Parameter {name!r} = {value} is outside the years on file: {span}")
        bounds.append(value)
    if bounds[0] > bounds[1]:
        raise ParameterError(f"{first_name} = {bounds[0]} is after {last_name} = {bounds[1]}")
    return bounds[0], bounds[1]
