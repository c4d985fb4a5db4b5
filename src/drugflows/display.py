"""Helpers the notebooks call to write their text: markdown, data vintages, source lines."""

from __future__ import annotations

import hashlib
import re

from IPython.display import Markdown, display

from drugflows import params, tables

#: Key under which a report records its data vintages in the output metadata (read by the runner).
METADATA_KEY = "drugflows"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>&~$:])")


def literal(value) -> str:
    """``value`` as text that Markdown shows as it is: every Markdown and HTML character
    backslash-escaped (``:`` too, so that a bare ``http://`` address is no link), line breaks as
    spaces. Use it for parameters and data values put into text for :func:`show` (the HTML report
    also renders ``show`` output without raw HTML)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def _code(value) -> str:
    text = " ".join(str(value).split())
    return f"`{text}`" if "`" not in text else literal(text)


def show(text: str) -> None:
    """Display ``text`` as markdown in the notebook and the HTML report. In the HTML report raw
    HTML in it shows as text and links other than relative, http(s) or mailto show as Markdown."""
    display(Markdown(text))


#: Link, image and HTML syntax not already backslash-escaped (an even run of backslashes before it).
_LINK_SYNTAX = re.compile(r"(?<!\\)((?:\\\\)*)([\[\]<>])")
#: The ``:`` of a bare address (``http://``, ``javascript://``), which Markdown would make a link.
_BARE_ADDRESS = re.compile(r"(?<=[A-Za-z0-9+.-]):(?=//)")


def sentence(text: str) -> str:
    """``text`` with every Markdown link, image, autolink and HTML syntax shown as text (brackets,
    angle brackets and the ``:`` of ``scheme://`` backslash-escaped), emphasis and ``\\$`` kept:
    a data value composed into a finding (a place name from a raw file, a title) never becomes a
    link or an element. Text already escaped with :func:`literal` stays as it is."""
    text = _LINK_SYNTAX.sub(lambda m: f"{m[1]}\\{m[2]}", str(text))
    return _BARE_ADDRESS.sub(r"\:", text)


def bullets(lines: list[str]) -> None:
    """Display a markdown bullet list of findings, each through :func:`sentence` (no link, image
    or HTML from a value in it: for a list of links use :func:`links`)."""
    show("\n".join(f"- {sentence(line)}" for line in lines))


def links(pairs: list[list[str]] | list[tuple[str, str]]) -> None:
    """Display a bullet list of links between reports, ``[title, href]`` each: the title as
    :func:`literal` text, the href only a relative ``.html`` address (any other shows the title
    alone, not linked)."""
    show(
        "\n".join(
            f"- [{literal(title)}]({href})"
            if params.RELATIVE_PAGE.fullmatch(str(href))
            else f"- {literal(title)}"
            for title, href in pairs
        )
    )


#: MIME type of the headline findings a report emits with :func:`findings` (a JSON list of
#: sentences). The HTML shows the bullets; the runner reads this into the manifest.
FINDINGS_MIME = "application/vnd.drugflows.findings+json"


def findings(sentences: list[str]) -> None:
    """Display the report's headline findings as a bullet list (as :func:`bullets`) and emit them
    as JSON (:data:`FINDINGS_MIME`, ``{"findings": [sentence, ...]}``) for the runner's manifest
    and the front page of the index; the HTML report shows only the bullets."""
    sentences = [str(s) for s in sentences]
    bullets(sentences)
    display({FINDINGS_MIME: {"findings": sentences}}, raw=True)


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
        files = "<br>".join(f"{_code(r.name)} ({r.sha256[:12]}…)" for r in meta.raw_files)
        source = f"[{literal(meta.source)}]({meta.source_url})" if meta.source_url else literal(meta.source)
        rows.append(f"| `{name}` | {source} | {literal(meta.vintage)} | {literal(meta.coverage)} | {files} |")
    display(Markdown("\n".join(rows)), metadata={METADATA_KEY: {"vintages": vintages}})
    return vintages


def table(frame, formats: dict[str, str] | None = None) -> None:
    """Display a DataFrame without its index, columns formatted with ``formats`` ({col: "{:,.0f}"});
    text in cells and column names is HTML-escaped."""
    # A table id from the content (pandas would pick a random one), so reruns give the same HTML.
    table_id = hashlib.sha256(frame.to_csv().encode()).hexdigest()[:10]
    styler = frame.style.format(formats or {}, na_rep="–", escape="html").format_index(escape="html", axis=1)
    display(styler.hide(axis="index").set_uuid(table_id))
