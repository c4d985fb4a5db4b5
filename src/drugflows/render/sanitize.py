"""No script from a parameter or a data file: the defences at the HTML boundary.

Three layers, from the innermost:

- :func:`markdown_output_to_html` renders every ``text/markdown`` *output* of a notebook (what
  ``display.show``, ``display.bullets`` and ``display(Markdown(...))`` print, text that may carry a
  parameter or a data value) with raw HTML escaped (it shows as text, except a bare ``<br>``) and
  links or images whose address is not a relative path, ``#anchor``, http(s) or mailto shown as
  their literal Markdown text. The notebooks' own Markdown *cells* are the authors' and render as
  usual.
- :func:`clean_page` is a strict pass over every finished page (report, failure page, index): it
  keeps the elements the templates, pandas and Markdown emit and drops every other element's tags
  (with its content for ``script``, ``iframe``, ``object`` and the like), every ``on*`` attribute, every
  address outside the allowed schemes (``data:`` only for PNG images and CSV downloads) and every
  comment; a ``script`` survives only if its exact text is one the template itself emits. A style
  element's text ends at its first ``</`` (a browser ends it at ``</style x>``, Python's parser only
  at ``</style>``); ``srcset``, an ``<input>`` other than a text or search box and a ``download``
  name that is not a CSV file's are dropped.
- :func:`csp_meta` is a Content-Security-Policy the browser enforces on top: report pages run no
  script at all, the index only its own filter script (by hash).
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from html.parser import HTMLParser

from mistune.util import safe_entity
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

#: Elements kept as they are (their attributes still checked).
ALLOWED_TAGS = frozenset(
    """html head body title meta style div span p a img br hr h1 h2 h3 h4 h5 h6 ul ol li dl dt dd
    table thead tbody tfoot tr th td caption colgroup col pre code em strong b i u s del ins sup sub
    small mark kbd samp var q cite abbr blockquote nav header footer main section article aside
    figure figcaption details summary label input time""".split()
)
#: Elements dropped with everything inside them (browsers read an iframe's content as text, so an
#: unclosed one hides the rest of the page there too). Any other element outside ALLOWED_TAGS
#: (svg, math, form, textarea, noscript...) loses its tags only: what is inside is checked as HTML,
#: which is how a browser reads it once those tags are gone.
DROPPED_WITH_CONTENT = frozenset("script iframe frame frameset object embed applet base link".split())
URL_ATTRIBUTES = frozenset(
    "href src action formaction xlink:href poster background cite longdesc data srcset ping manifest".split()
)
DROPPED_ATTRIBUTES = frozenset(
    {"srcdoc", "formaction", "http-equiv", "content-security-policy", "srcset", "imagesrcset"}
)
#: The only ``<input>`` types kept (the index's filter box); any other input loses its tag.
INPUT_TYPES = frozenset({"search", "text"})
#: A ``download`` attribute is kept only for a CSV file name (the figures' data downloads).
_CSV_NAME = re.compile(r"[\w .()-]+\.csv", re.I)

SAFE_SCHEMES = ("http:", "https:", "mailto:")
SAFE_DATA = {"src": ("data:image/png;", "data:image/jpeg;", "data:image/gif;"), "href": ("data:text/csv;",)}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
_BAD_STYLE = re.compile(r"expression\s*\(|javascript:|vbscript:|-moz-binding|behaviou?r\s*:", re.I)


def safe_url(attribute: str, value: str) -> bool:
    """True if ``value`` is an address the reports may carry in ``attribute``."""
    plain = _INVISIBLE.sub("", html.unescape(value)).lower().replace("\\", "/")
    if _SCHEME.match(plain) is None:
        return not plain.startswith("//")  # a relative path or #anchor, not //another-host
    if plain.startswith(SAFE_SCHEMES):
        return attribute != "src" or not plain.startswith("mailto:")
    return plain.startswith(SAFE_DATA.get(attribute, ()))


def _safe_markdown_url(url: str) -> bool:
    return safe_url("href", url) and not url.lower().lstrip().startswith("data:")


class SafeOutputRenderer(IPythonRenderer):
    """nbconvert's Markdown renderer with raw HTML escaped and unsafe links shown as text."""

    def __init__(self, **kwargs) -> None:
        super().__init__(escape=True, allow_harmful_protocols=False, **kwargs)

    def text(self, text: str) -> str:
        return safe_entity(text)  # entities such as &ndash; read as in Markdown; the rest escaped

    def inline_html(self, html_text: str) -> str:
        if re.fullmatch(r"<br\s*/?>", html_text.strip(), re.I):
            return "<br>"
        return html.escape(html_text, quote=False)

    def block_html(self, html_text: str) -> str:
        return "<p>" + html.escape(html_text.strip(), quote=False) + "</p>\n"

    def link(self, text: str, url: str, title: str | None = None) -> str:
        if not _safe_markdown_url(url):
            return "[" + text + "](" + html.escape(url, quote=False) + ")"
        return super().link(text, url, title)

    def image(self, text: str, url: str, title: str | None = None) -> str:
        if not (safe_url("src", url) and not url.lower().lstrip().startswith(("http", "//"))):
            return "![" + html.escape(text, quote=False) + "](" + html.escape(url, quote=False) + ")"
        return super().image(text, url, title)

    def block_mermaidjs(self, code: str) -> str:
        return "<pre><code>" + html.escape(code, quote=False) + "</code></pre>\n"


def markdown_output_to_html(source: str) -> str:
    """HTML of a notebook's ``text/markdown`` output: Markdown, with no raw HTML and no unsafe link."""
    return MarkdownWithMath(renderer=SafeOutputRenderer()).render(source)


def script_hash(body: str) -> str:
    """The CSP source expression of an inline script's exact text."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"


def csp_meta(scripts: tuple[str, ...] = ()) -> str:
    """A ``<meta>`` Content-Security-Policy: no script but ``scripts`` (exact texts), no plugins,
    no forms, no ``<base>``; images, styles and CSV downloads inline as the reports need."""
    script_src = " ".join(script_hash(s) for s in scripts) or "'none'"
    policy = (
        f"default-src 'none'; script-src {script_src}; style-src 'unsafe-inline'; "
        "img-src data:; font-src data:; object-src 'none'; base-uri 'none'; form-action 'none'"
    )
    return f'<meta http-equiv="Content-Security-Policy" content="{policy}">'


class _Cleaner(HTMLParser):
    def __init__(self, allowed_scripts: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.allowed_scripts = allowed_scripts
        self.out: list[str] = []
        self.dropping: list[str] = []  # stack of elements being dropped with their content
        self.script: list[str] | None = None  # text of a script being read
        self.raw = False  # inside style: text as it is
        self.removed: list[str] = []

    # --- tags ---
    def _attributes(self, tag: str, attrs: list[tuple[str, str | None]]) -> str:
        kept = []
        for name, value in attrs:
            name = name.lower()
            if (
                name.startswith("on")
                or name in DROPPED_ATTRIBUTES
                or not re.fullmatch(r"[a-z_:][a-z0-9_.:-]*", name)
                or (name in URL_ATTRIBUTES and value is not None and not safe_url(name, value))
                or (name == "style" and value and _BAD_STYLE.search(html.unescape(value)))
                or (tag == "meta" and name not in ("charset", "name", "content"))
                or (name == "download" and not (value and _CSV_NAME.fullmatch(value)))
            ):
                self.removed.append(f"{tag}[{name}]")
                continue
            kept.append(name if value is None else f'{name}="{html.escape(value, quote=True)}"')
        return " " + " ".join(kept) if kept else ""

    def _start(self, tag: str, attrs, closed: bool) -> None:
        if self.dropping:
            if tag == self.dropping[-1] and not closed:
                self.dropping.append(tag)
            return
        if tag == "script" and not closed:
            self.script = []
            self._script_attrs = attrs
            return
        if tag in DROPPED_WITH_CONTENT:
            self.removed.append(tag)
            if not closed and tag not in ("base", "link"):
                self.dropping.append(tag)
            return
        if tag not in ALLOWED_TAGS or (
            tag == "input" and (dict(attrs).get("type") or "text").lower() not in INPUT_TYPES
        ):
            self.removed.append(tag)
            return
        rendered = self._attributes(tag, attrs)
        self.out.append(f"<{tag}{rendered}{' /' if closed else ''}>")
        self.raw = tag == "style" and not closed

    def handle_starttag(self, tag, attrs):
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag, attrs):
        self._start(tag, attrs, closed=True)

    def handle_endtag(self, tag):
        if self.script is not None and tag == "script":
            body = "".join(self.script)
            if body in self.allowed_scripts and not self.dropping and not self._script_attrs:
                self.out.append(f"<script>{body}</script>")
            else:
                self.removed.append("script")
            self.script = None
            return
        if self.dropping:
            if tag == self.dropping[-1]:
                self.dropping.pop()
            return
        if tag in ALLOWED_TAGS:
            self.out.append(f"</{tag}>")
            self.raw = False

    # --- text ---
    def handle_data(self, data):
        if self.script is not None:
            self.script.append(data)
        elif self.dropping:
            return
        elif self.raw:  # style text up to anything a browser may end it at (`</style x>`): the rest goes
            kept, end_tag, _ = data.partition("</")
            self.out.append(kept)
            if end_tag:
                self.removed.append("style text after an end tag")
        else:
            self.out.append(html.escape(data, quote=False))

    def handle_comment(self, data):
        self.removed.append("comment")

    def handle_decl(self, decl):
        if decl.lower().startswith("doctype") and not self.out:
            self.out.append(f"<!{decl}>")

    def unknown_decl(self, data):
        self.removed.append("declaration")

    def handle_pi(self, data):
        self.removed.append("processing instruction")


def clean_page(page: str, scripts: tuple[str, ...] = ()) -> str:
    """``page`` with every element, attribute, address and comment outside the allow-list removed
    (see the module's docstring), and a Content-Security-Policy allowing only ``scripts`` at the
    top of ``<head>``."""
    cleaner = _Cleaner(frozenset(scripts))
    cleaner.feed(page)
    cleaner.close()
    text = "".join(cleaner.out)
    return re.sub(r"(<head[^>]*>)", lambda m: m.group(1) + "\n" + csp_meta(scripts), text, count=1)
