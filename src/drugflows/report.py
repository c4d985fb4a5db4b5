"""Helpers the notebooks call to write their text: markdown, data vintages, source lines."""

from __future__ import annotations

import hashlib

from IPython.display import Markdown, display

from drugflows import tables

#: Key under which a report records its data vintages in the output metadata (read by the runner).
METADATA_KEY = "drugflows"


def show(text: str) -> None:
    """Display ``text`` as markdown in the notebook and the HTML report."""
    display(Markdown(text))


def bullets(lines: list[str]) -> None:
    """Display a markdown bullet list."""
    show("\n".join(f"- {line}" for line in lines))


def source_line(*names: str) -> str:
    """Short citation of the given processed tables, for figure source lines."""
    return "; ".join(tables.info(n).citation() for n in names)


def data_vintages(*names: str) -> dict[str, str]:
    """Display the sources and vintages of the given tables, and record them for the runner.

    Returns ``{table: vintage}``.
    """
    rows = ["| Table | Source | Vintage | Coverage | Raw files (sha256) |", "|---|---|---|---|---|"]
    vintages = {}
    for name in names:
        meta = tables.info(name)
        vintages[name] = meta.vintage
        files = "<br>".join(f"`{r.name}` ({r.sha256[:12]}…)" for r in meta.raw_files)
        rows.append(
            f"| `{name}` | [{meta.source}]({meta.source_url}) | {meta.vintage} | {meta.coverage} | {files} |"
        )
    display(Markdown("\n".join(rows)), metadata={METADATA_KEY: {"vintages": vintages}})
    return vintages


def table(frame, formats: dict[str, str] | None = None) -> None:
    """Display a DataFrame without its index, columns formatted with ``formats`` ({col: "{:,.0f}"})."""
    # A table id from the content (pandas would pick a random one), so reruns give the same HTML.
    table_id = hashlib.sha256(frame.to_csv().encode()).hexdigest()[:10]
    display(frame.style.format(formats or {}, na_rep="–").hide(axis="index").set_uuid(table_id))
