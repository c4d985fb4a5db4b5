"""The one plotting style of the reports, and chart helpers that keep titles, units and sources.

Every chart function draws a titled figure with labelled axes and a source line under it. In a
notebook kernel it shows the figure (with alt text and a CSV download of its data) and returns None;
elsewhere (scripts, tests) it returns the figure.
Margins are set in inches by :func:`finish` rather than by a tight bounding box, which would draw
every figure twice (a third of the rendering time of a report).
"""

from __future__ import annotations

import textwrap

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import pandas as pd

PALETTE = ("#0173b2", "#de8f05", "#029e73", "#d55e00", "#cc78bc", "#ca9161", "#949494")
PARTIAL_HATCH = "///"
WIDTH_IN, HEIGHT_IN = 9.0, 4.2
_CHAR_IN = 0.085  # average width of a 10-point character, inches (a little generous)
_LINE_IN = 0.17  # height of a line of 8-point text, inches


def use_style() -> None:
    """Apply the report style; in a notebook, figures are shown as PNG without a tight bounding box."""
    import seaborn as sns

    sns.set_theme(style="whitegrid", palette=list(PALETTE), font_scale=0.95)
    plt.rcParams.update(
        {
            "figure.figsize": (WIDTH_IN, HEIGHT_IN),
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "axes.titleweight": "bold",
            "axes.titlesize": "medium",
            "figure.constrained_layout.use": False,
        }
    )
    try:
        from IPython import get_ipython
    except ImportError:
        return
    if get_ipython() is not None:
        # Imported only inside a running IPython: the module hooks itself into the shell on import.
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("png", bbox_inches=None)


def thousands(axis) -> None:
    """Format a value axis with thousands separators and at most six ticks (each tick is a
    handful of artists: fewer ticks draw faster and read no worse)."""
    axis.set_major_locator(mticker.MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    axis.set_major_formatter(mticker.FuncFormatter(_tick_label))


def _tick_label(value: float, _position=None) -> str:
    """Thousands separators for whole numbers, two significant digits for small fractions."""
    if abs(value) >= 10 or value == round(value):
        return f"{value:,.0f}"
    return f"{value:.2g}"


def finish(
    fig,
    title: str,
    source: str,
    caveat: str | None = None,
    *,
    left: float = 0.95,
    right: float = 0.3,
    bottom: float = 0.6,
    top: float = 0.25,
    data=None,
):
    """Title the figure, write the source (and a caveat) under it, and set the margins.

    ``left``, ``right``, ``bottom`` and ``top`` are the room in inches around the plotting area for
    tick labels and axis labels; the title and the source lines get their room on top of that.
    ``data`` (a DataFrame or Series) is the data the figure draws. In a notebook kernel the figure
    is shown at once, with alt text, followed by a link that downloads ``data`` as CSV (embedded in
    the page), and None is returned; elsewhere the figure is returned.
    """
    width, height = fig.get_size_inches()
    note = "\n".join(
        textwrap.fill(line, width=int(width * 16))  # about 16 characters an inch
        for line in [f"Source: {source}", *([caveat] if caveat else [])]
    )
    note_in = _LINE_IN * (note.count("\n") + 1) + 0.1
    fig.suptitle(
        _plain(title),
        x=0.1 / width,
        y=1 - 0.08 / height,
        ha="left",
        va="top",
        fontweight="bold",
        fontsize="large",
    )
    fig.text(0.1 / width, 0.06 / height, _plain(note), ha="left", va="bottom", fontsize=8, color="0.35")
    fig.subplots_adjust(
        left=left / width,
        right=1 - right / width,
        bottom=(bottom + note_in) / height,
        top=1 - (top + 0.3) / height,
    )
    if _in_kernel():
        _show(fig, alt_text(fig, title, source, caveat), title, data)
        return None
    return fig


def _plain(text: str) -> str:
    """``text`` for matplotlib as it is: a "$" (from a parameter such as a programme's name, or a
    data file) is a dollar sign, never the start of mathematics (two would be, and a broken one
    would stop the report)."""
    return text.replace("\\$", "$").replace("$", "\\$")


def alt_text(fig, title: str, source: str, caveat: str | None = None) -> str:
    """A plain description of a figure for screen readers: its title, each panel's title and axes,
    and its source."""
    parts = [f"Chart: {title}."]
    for ax in fig.axes:
        if not ax.get_visible() or not ax.has_data():
            continue
        axes = [
            f"{name} axis: {label}"
            for name, label in (("horizontal", ax.get_xlabel()), ("vertical", ax.get_ylabel()))
            if label
        ]
        panel = ax.get_title(loc="left") or ax.get_title()
        if panel or axes:
            parts.append(
                (f"Panel '{panel}'" + (": " if axes else "") if panel else "") + "; ".join(axes) + "."
            )
    parts.append(f"Source: {source}." + (f" {caveat}" if caveat else ""))
    return " ".join(parts)


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


#: First characters that make a spreadsheet read a CSV cell as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _defuse(value):
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def _no_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with text cells, column names and index labels that a spreadsheet would run as a
    formula (``=HYPERLINK(...)``, ``@SUM(...)``) prefixed with an apostrophe; numbers untouched."""
    frame = frame.copy()
    for column in frame.columns:
        if pd.api.types.is_object_dtype(frame[column]) or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(_defuse)
    frame.columns = frame.columns.map(_defuse) if frame.columns.nlevels == 1 else frame.columns
    text_index = pd.api.types.is_object_dtype(frame.index) or pd.api.types.is_string_dtype(frame.index)
    if frame.index.nlevels == 1 and text_index:
        frame.index = frame.index.map(_defuse)
    return frame


def csv_link(data, title: str) -> str:
    """An HTML link that downloads ``data`` as a CSV file embedded in the page (a data URI); text
    cells that a spreadsheet would run as formulas are defused (see :func:`_no_formulas`)."""
    import base64
    import html
    import re

    frame = data.to_frame() if isinstance(data, pd.Series) else data
    keep_index = not isinstance(frame.index, pd.RangeIndex)
    text = _no_formulas(frame).to_csv(index=keep_index, lineterminator="\n")
    name = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80] + ".csv"
    encoded = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return (
        f'<p class="df-figure-data"><a download="{html.escape(name)}" '
        f'href="data:text/csv;charset=utf-8;base64,{encoded}">Download the data behind this '
        f"figure (CSV, {len(frame):,} rows)</a></p>"
    )


def _show(fig, alt: str, title: str, data) -> None:
    from IPython.display import HTML, display

    display(fig, metadata={"image/png": {"alt": alt}})
    if data is not None and len(data):
        display(HTML(csv_link(data, title)))
    plt.close(fig)


def monthly_with_rolling(
    monthly: pd.DataFrame,
    value: str,
    rolling: str,
    *,
    title: str,
    ylabel: str,
    source: str,
    caveat: str | None = None,
    marks: list | None = None,
):
    """Monthly values (a filled step, one per month) with their 12-month rolling sum on a second
    axis; ``marks`` (months) are drawn as dashed vertical lines (e.g. level shifts)."""
    fig, ax = plt.subplots()
    ax.fill_between(
        monthly.index, monthly[value], step="mid", color=PALETTE[0], alpha=0.6, lw=0, label="Month"
    )
    ax.set_ylabel(ylabel)
    ax.set_xlabel("Month")
    thousands(ax.yaxis)
    ax2 = ax.twinx()
    ax2.plot(monthly.index, monthly[rolling], color=PALETTE[3], lw=2, label="12-month rolling sum")
    ax2.set_ylabel(f"{ylabel}, 12-month rolling sum")
    ax2.grid(False)
    thousands(ax2.yaxis)
    ax2.set_ylim(bottom=0)
    for i, month in enumerate(marks or []):
        ax.axvline(month, color="0.3", ls="--", lw=1, label="Level shift" if i == 0 else None)
    handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    ax.legend(handles, [h.get_label() for h in handles], loc="upper left", frameon=False)
    return finish(fig, title, source, caveat, right=0.95, data=monthly[[value, rolling]])


def lines_by_group(
    frame: pd.DataFrame,
    x: str,
    y: str,
    group: str,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    source: str,
    caveat: str | None = None,
    keep_labels: bool = False,
    breaks: pd.DataFrame | None = None,
    floors: pd.DataFrame | None = None,
):
    """One line per group (e.g. per field office), with markers.

    ``keep_labels`` writes the group names as given (else all-capital names are title-cased).
    ``breaks`` (rows ``group``, ``x``, label) draws a dotted vertical line in the group's colour
    half a step before each ``x``, labelled (e.g. a change of publication edition); ``floors``
    (rows ``group``, ``x``, ``y``) marks lower bounds ("at least") with an upward triangle."""
    fig, ax = plt.subplots()
    colors = {}
    for i, (name, part) in enumerate(frame.groupby(group, sort=False)):
        colors[name] = PALETTE[i % len(PALETTE)]
        ax.plot(
            part[x],
            part[y],
            marker="o",
            color=colors[name],
            label=str(name) if keep_labels or not str(name).isupper() else str(name).title(),
        )
    _draw_breaks(ax, breaks, group, x, colors)
    _draw_floors(ax, floors, group, x, y, colors)
    if pd.api.types.is_integer_dtype(frame[x]):  # years: no "2002.5" ticks
        ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False, fontsize=8)
    thousands(ax.yaxis)
    return finish(fig, title, source, caveat, data=frame[[group, x, y]])


def _draw_breaks(ax, breaks: pd.DataFrame | None, group: str, x: str, colors: dict) -> None:
    """Dotted vertical lines half a step before each break's ``x``, labelled with its ``label``
    (no text where the rows have no ``label``)."""
    if breaks is None or breaks.empty:
        return
    for row in breaks.itertuples(index=False):
        row = row._asdict()
        where = row[x] - 0.5
        ax.axvline(where, color=colors.get(row[group], "0.4"), linestyle=":", linewidth=0.9)
        if not row.get("label"):
            continue
        ax.annotate(
            row["label"],
            (where, 1.0),
            xycoords=("data", "axes fraction"),
            rotation=90,
            fontsize=5.5,
            color=colors.get(row[group], "0.4"),
            ha="right",
            va="top",
        )


def _draw_floors(ax, floors: pd.DataFrame | None, group: str, x: str, y: str, colors: dict) -> None:
    """Upward triangles on lower bounds, with "at least" in the legend."""
    if floors is None or floors.empty:
        return
    for i, row in enumerate(floors.itertuples(index=False)):
        row = row._asdict()
        ax.plot(
            [row[x]],
            [row[y]],
            marker="^",
            markersize=9,
            linestyle="none",
            markerfacecolor="white",
            color=colors.get(row[group], "0.3"),
            label='at least (published as "more than")' if i == 0 else None,
        )


def seasonal_bars(profile: pd.DataFrame, *, title: str, source: str, caveat: str | None = None):
    """Seasonal index by calendar month (1 = an average month), a reference line at 1."""
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 3.4))
    names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    ax.bar(names, profile["index"], color=PALETTE[0])
    ax.axhline(1, color="0.3", lw=1)
    ax.set_ylabel("Index (1 = average month)")
    ax.set_xlabel("Calendar month")
    return finish(fig, title, source, caveat, data=profile)


def bars_by_year(
    values: pd.Series,
    partial: pd.Series,
    labels: pd.Series,
    *,
    title: str,
    ylabel: str,
    source: str,
    caveat: str | None = None,
):
    """One bar per fiscal year; partial years hatched and labelled as such."""
    fig, ax = plt.subplots()
    tick_labels = labels.str.replace(" (", "\n(", regex=False)
    bars = ax.bar(tick_labels, values, color=PALETTE[0])
    for bar, is_partial in zip(bars, partial, strict=True):
        if is_partial:
            bar.set_hatch(PARTIAL_HATCH)
            bar.set_alpha(0.55)
    ax.bar_label(bars, labels=[f"{v:,.0f}" for v in values], fontsize=8, padding=2)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("Fiscal year (October to September)")
    thousands(ax.yaxis)
    two_lines = tick_labels.str.contains("\n").any()
    data = pd.DataFrame(
        {"fiscal_year": labels.to_numpy(), "value": values.to_numpy(), "partial_year": partial.to_numpy()}
    )
    return finish(fig, title, source, caveat, bottom=0.8 if two_lines else 0.6, data=data)


def stacked_by_year(
    table: pd.DataFrame,
    labels: dict[str, str],
    *,
    title: str,
    ylabel: str,
    source: str,
    caveat: str | None = None,
    xlabel: str = "Fiscal year (October to September)",
    break_year: int | None = None,
    break_label: str = "Series changes",
):
    """Stacked bars: rows are years, columns the parts (renamed with ``labels``). ``break_year``: a
    dashed vertical line just before that year's bar, labelled ``break_label`` (a change of series)."""
    fig, ax = plt.subplots()
    bottom = pd.Series(0.0, index=table.index)
    positions = range(len(table))
    for i, column in enumerate(table.columns):
        ax.bar(
            positions,
            table[column],
            bottom=bottom,
            width=0.75,
            color=PALETTE[i % len(PALETTE)],
            label=labels.get(column, column),
        )
        bottom = bottom + table[column]
    if break_year is not None and break_year in list(table.index):
        where = list(table.index).index(break_year) - 0.5
        ax.axvline(where, color="0.2", linestyle="--", linewidth=1.2, label=break_label)
    step = 1 if len(table) <= 12 else 5  # every fifth year when there are many
    ax.set_xticks(list(positions)[::step], [str(i) for i in table.index][::step])
    ax.set_ylabel(ylabel)
    ax.set_xlabel(xlabel)
    if len(table.columns) > 2:  # many parts: the legend goes beside the bars
        ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
        right = 0.6 + _CHAR_IN * max(len(labels.get(c, str(c))) for c in table.columns)
    else:
        ax.legend(frameon=False, loc="upper left")
        right = 0.3
    thousands(ax.yaxis)
    return finish(fig, title, source, caveat, right=right, data=table)


def ranked_bars(
    values: pd.Series,
    *,
    title: str,
    xlabel: str,
    source: str,
    caveat: str | None = None,
    hue: pd.Series | None = None,
    hue_order: list | None = None,
):
    """Horizontal bars, largest on top; optional ``hue`` colours bars by a category (colours in
    the order of ``hue_order`` if given, so that another chart can use the same ones)."""
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.3 * len(values) + 1.6))
    groups = list(dict.fromkeys(hue)) if hue is not None else [None]
    if hue is not None and hue_order is not None:
        groups = [g for g in hue_order if g in groups] + [g for g in groups if g not in hue_order]
    colors = {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(groups)}
    positions = range(len(values))[::-1]
    bar_colors = [colors[g] for g in hue] if hue is not None else PALETTE[0]
    ax.barh(list(positions), values.to_numpy(), color=bar_colors, height=0.7)
    ax.set_yticks(list(positions), [str(v) for v in values.index])
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    thousands(ax.xaxis)
    if hue is not None:
        for group in groups:
            ax.bar(0, 0, color=colors[group], label=group)
        ax.legend(frameon=False, loc="lower right")
    label_in = _CHAR_IN * max((len(str(v)) for v in values.index), default=4) + 0.2
    return finish(fig, title, source, caveat, left=label_in, data=values)


def count_and_size(years: pd.DataFrame, *, title: str, source: str, caveat: str | None = None):
    """Two panels by fiscal year: seizure events, and average pounds per event."""
    fig, (left, right) = plt.subplots(1, 2)
    labels = [str(fy) + ("*" if p else "") for fy, p in years["partial"].items()]
    left.bar(labels, years["events"], color=PALETTE[0])
    left.set_title("Seizure events", loc="left")
    left.set_ylabel("Events")
    thousands(left.yaxis)
    right.plot(labels, years["lbs_per_event"], marker="o", color=PALETTE[3])
    right.set_title("Average seizure size", loc="left")
    right.set_ylabel("Pounds per event")
    right.set_ylim(bottom=0)
    for ax in (left, right):
        ax.set_xlabel("Fiscal year (* partial)")
        ax.tick_params(axis="x", rotation=45)
    fig.subplots_adjust(wspace=0.3)
    return finish(fig, title, source, caveat, bottom=0.85, top=0.5, data=years)


def choropleth(world, values: pd.Series, *, title: str, legend: str, source: str, caveat: str | None = None):
    """World map shaded by ``values`` (indexed by ISO3); countries without a value in grey."""
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 4.8))
    shaded = world.merge(values.rename("value"), left_on="iso3", right_index=True, how="left")
    shaded.plot(ax=ax, color="0.88", edgecolor="white", linewidth=0.3)
    present = shaded[shaded["value"] > 0]
    if not present.empty:  # a log colour scale: seizures span several orders of magnitude
        norm = mcolors.LogNorm(vmin=present["value"].min(), vmax=present["value"].max())
        present.plot(
            ax=ax,
            column="value",
            cmap="OrRd",
            norm=norm,
            edgecolor="white",
            linewidth=0.3,
            legend=True,
            legend_kwds={"label": legend, "shrink": 0.6},
        )
    ax.set_axis_off()
    ax.set_xlim(-170, 180)
    ax.set_ylim(-58, 85)
    return finish(fig, title, source, caveat, left=0.1, bottom=0.1, data=values)


def chain_bars(
    chain: pd.DataFrame,
    *,
    kind: str,
    accent: str,
    remainder: str,
    title: str,
    xlabel: str,
    source: str,
    caveat: str | None = None,
):
    """Horizontal bars of ``chain["kg"]`` along the chain (``chain["stage"]``), top to bottom. Rows
    whose ``kind`` column is ``accent`` are drawn in the accent colour, ``remainder`` hatched in grey;
    the ``kind`` column is left out of the CSV."""
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 0.45 * len(chain) + 1.4))
    positions = list(range(len(chain)))[::-1]
    colors = [
        PALETTE[6] if k == remainder else PALETTE[1] if k == accent else PALETTE[0] for k in chain[kind]
    ]
    bars = ax.barh(positions, chain["kg"], color=colors, height=0.7)
    for bar, k in zip(bars, chain[kind], strict=True):
        if k == remainder:
            bar.set_hatch(PARTIAL_HATCH)
    ax.bar_label(bars, labels=[f"{v:,.0f}" for v in chain["kg"]], fontsize=8, padding=3)
    ax.set_yticks(positions, chain["stage"])
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    thousands(ax.xaxis)
    label_in = _CHAR_IN * chain["stage"].str.len().max() + 0.2
    return finish(fig, title, source, caveat, left=label_in, right=0.8, data=chain.drop(columns=kind))


def small_multiples(
    frame: pd.DataFrame,
    facet: str,
    x: str,
    y: str,
    *,
    title: str,
    ylabel: str,
    source: str,
    caveat: str | None = None,
    columns: int = 4,
):
    """One small line chart per value of ``facet`` (shared axes), in the order they come."""
    facets = list(dict.fromkeys(frame[facet]))
    rows = -(-len(facets) // columns)
    fig, axes = plt.subplots(
        rows, columns, figsize=(WIDTH_IN, 1.6 * rows + 1.2), sharex=True, sharey=True, squeeze=False
    )
    for ax, name in zip(axes.flat, facets, strict=False):
        part = frame[frame[facet] == name]
        ax.plot(part[x], part[y], color=PALETTE[0], marker="o", markersize=2.5)
        ax.set_title(str(name), loc="left", fontsize=9)
        ax.tick_params(labelsize=8)
    for ax in axes.flat[len(facets) :]:
        ax.set_visible(False)
    thousands(axes[0][0].yaxis)
    fig.supylabel(ylabel, x=0.01, fontsize=9)
    fig.subplots_adjust(hspace=0.6, wspace=0.15)
    return finish(fig, title, source, caveat, left=0.75, top=0.35, data=frame[[facet, x, y]])


def panels(
    series: dict[str, pd.Series],
    *,
    title: str,
    source: str,
    caveat: str | None = None,
    xlabel: str = "Year",
    break_year: float | None = None,
    break_label: str = "Series changes",
):
    """One small line chart per series, side by side, each with its own unit (the dict key is the
    panel title, which should name the unit). Series with no data are left out. ``break_year``: a
    change of series; each line is broken there (no segment joins the last year before it to the
    first from it) and a dashed vertical line half a year before it is labelled ``break_label``."""
    series = {k: v.dropna() for k, v in series.items() if v.notna().any()}
    columns = min(2, len(series)) or 1
    rows = -(-len(series) // columns) or 1
    fig, axes = plt.subplots(rows, columns, figsize=(WIDTH_IN, 2.4 * rows + 1.0), squeeze=False)
    for ax, (name, values) in zip(axes.flat, series.items(), strict=False):
        if break_year is None:
            ax.plot(values.index, values.to_numpy(), marker="o", markersize=3, color=PALETTE[0])
        else:
            for part in (values[values.index < break_year], values[values.index >= break_year]):
                ax.plot(part.index, part.to_numpy(), marker="o", markersize=3, color=PALETTE[0])
            if values.index.min() < break_year <= values.index.max():
                ax.axvline(break_year - 0.5, color="0.2", linestyle="--", linewidth=1.0, label=break_label)
                ax.legend(frameon=False, fontsize=7, loc="upper left")
        ax.set_title(name, loc="left", fontsize=9)
        ax.set_xlabel(xlabel, fontsize=8)
        ax.tick_params(labelsize=8)
        ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True, nbins=6))
        thousands(ax.yaxis)
    for ax in axes.flat[len(series) :]:
        ax.set_visible(False)
    fig.subplots_adjust(hspace=0.7, wspace=0.25)
    return finish(fig, title, source, caveat, top=0.35, data=pd.DataFrame(series))


def _facet_grid(count: int, columns: int, row_in: float = 2.0):
    columns = max(1, min(columns, count))
    rows = -(-count // columns) or 1
    fig, axes = plt.subplots(rows, columns, figsize=(WIDTH_IN, row_in * rows + 1.3), squeeze=False)
    for ax in axes.flat[count:]:
        ax.set_visible(False)
    return fig, axes


def assistance_lines(
    spent: pd.DataFrame, *, who: str, source: str, caveat: str | None = None, title: str | None = None
):
    """US assistance by series (columns of ``spent``, current US$, indexed by fiscal year) in US$
    millions, one line each; the caveat that the series overlap always comes first. ``title``
    replaces the default title."""
    long = (spent / 1e6).reset_index().melt("fiscal_year", var_name="series", value_name="usd_m")
    note = " ".join(["Series overlap: compare them, never add them.", *([caveat] if caveat else [])])
    return lines_by_group(
        long.dropna(),
        "fiscal_year",
        "usd_m",
        "series",
        title=title or f"US counter-narcotics assistance to {who}",
        xlabel="US fiscal year",
        ylabel="US$ millions (current)",
        source=source,
        caveat=note,
    )


def lines_by_facet(
    frame: pd.DataFrame,
    facet: str,
    x: str,
    y: str,
    group: str,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    source: str,
    caveat: str | None = None,
    columns: int = 3,
    sharey: bool = False,
    mark: float | None = None,
    breaks: pd.DataFrame | None = None,
    floors: pd.DataFrame | None = None,
    legend_columns: int | None = None,
):
    """Small multiples (one per ``facet``), each with one line per ``group`` (same colour for the
    same group in every panel) and one legend for the figure; ``mark`` (an x value, e.g. a start
    year) is drawn as a dashed vertical line in every panel. ``breaks`` (rows ``facet``,
    ``group``, ``x``, label) and ``floors`` (rows ``facet``, ``group``, ``x``, ``y``) are drawn in
    their panel as in :func:`lines_by_group`; ``legend_columns`` sets the legend's columns
    (default: up to 3)."""
    facets = list(dict.fromkeys(frame[facet]))
    groups = list(dict.fromkeys(frame[group]))
    colors = {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(groups)}
    fig, axes = _facet_grid(len(facets), columns)
    for ax, name in zip(axes.flat, facets, strict=False):
        part = frame[frame[facet] == name]
        for g, lines in part.groupby(group, sort=False):
            ax.plot(lines[x], lines[y], marker="o", markersize=2.5, color=colors[g], label=str(g))
        if mark is not None:
            ax.axvline(mark, color="0.3", linestyle="--", linewidth=0.8)
        if breaks is not None and not breaks.empty:
            _draw_breaks(ax, breaks[breaks[facet] == name], group, x, colors)
        if floors is not None and not floors.empty:
            _draw_floors(ax, floors[floors[facet] == name], group, x, y, colors)
        ax.set_title(str(name), loc="left", fontsize=9)
        ax.set_xlabel(xlabel, fontsize=8)
        ax.tick_params(labelsize=8)
        ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True, nbins=5))
        thousands(ax.yaxis)
    if sharey:
        low = min(ax.get_ylim()[0] for ax in axes.flat[: len(facets)])
        high = max(ax.get_ylim()[1] for ax in axes.flat[: len(facets)])
        for ax in axes.flat[: len(facets)]:
            ax.set_ylim(low, high)
    fig.supylabel(ylabel, x=0.01, fontsize=9)
    fig.legend(
        handles=[plt.Line2D([], [], color=colors[g], marker="o", label=str(g)) for g in groups],
        loc="upper right",
        frameon=False,
        fontsize=8,
        ncol=legend_columns or min(len(groups), 3),
        bbox_to_anchor=(1 - 0.3 / WIDTH_IN, 1 - 0.4 / fig.get_size_inches()[1]),
    )
    fig.subplots_adjust(hspace=0.75, wspace=0.3)
    return finish(fig, title, source, caveat, left=0.85, top=0.55, data=frame[[facet, group, x, y]])


def placebo_paths(
    studies: dict[str, tuple[pd.Series, pd.DataFrame]],
    *,
    title: str,
    source: str,
    caveat: str | None = None,
    treated_label: str = "Partner country",
    columns: int = 2,
):
    """Event-study effects by year relative to the start: the treated path (bold) over every
    placebo country's path (grey). ``studies``: panel title (with unit) -> (treated effect indexed
    by relative year, placebo paths relative_year x unit)."""
    fig, axes = _facet_grid(len(studies), columns, row_in=2.4)
    for ax, (name, (treated, placebos)) in zip(axes.flat, studies.items(), strict=False):
        for unit in placebos.columns:
            ax.plot(placebos.index, placebos[unit], color="0.75", linewidth=0.7)
        ax.plot(treated.index, treated.to_numpy(), color=PALETTE[3], linewidth=2, marker="o", markersize=3)
        ax.axvline(-0.5, color="0.3", linestyle="--", linewidth=0.8)
        ax.axhline(0, color="0.3", linewidth=0.6)
        ax.set_title(name, loc="left", fontsize=9)
        ax.set_xlabel("Years from the start", fontsize=8)
        ax.tick_params(labelsize=8)
        thousands(ax.yaxis)
    fig.legend(
        handles=[
            plt.Line2D([], [], color=PALETTE[3], linewidth=2, label=treated_label),
            plt.Line2D([], [], color="0.75", label="Placebo countries"),
        ],
        loc="upper right",
        frameon=False,
        fontsize=8,
        ncol=2,
        bbox_to_anchor=(1 - 0.3 / WIDTH_IN, 1 - 0.4 / fig.get_size_inches()[1]),
    )
    fig.supylabel("Change against comparison, net of pre-start gap", x=0.01, fontsize=9)
    fig.subplots_adjust(hspace=0.75, wspace=0.3)
    return finish(fig, title, source, caveat, left=0.85, top=0.55, data=_placebo_table(studies))


def coefficients(
    table: pd.DataFrame,
    label: str,
    *,
    title: str,
    xlabel: str,
    source: str,
    caveat: str | None = None,
    group: str | None = None,
):
    """Point estimates (``coef``) with 95% intervals (``ci_low``, ``ci_high``), one row each; with
    ``group``, one panel per group, each on its own scale (coefficients in different units)."""
    groups = list(dict.fromkeys(table[group])) if group else [None]
    fig, axes = plt.subplots(
        len(groups), 1, squeeze=False, figsize=(WIDTH_IN, 0.45 * len(table) + 0.9 * len(groups) + 1.2)
    )
    for ax, name in zip(axes[:, 0], groups, strict=True):
        part = table if name is None else table[table[group] == name]
        positions = list(range(len(part)))[::-1]
        ax.errorbar(
            part["coef"],
            positions,
            xerr=[part["coef"] - part["ci_low"], part["ci_high"] - part["coef"]],
            fmt="o",
            color=PALETTE[0],
            ecolor=PALETTE[0],
            capsize=3,
        )
        ax.axvline(0, color="0.3", linewidth=0.8)
        ax.set_yticks(positions, part[label])
        ax.set_ylim(-0.6, len(part) - 0.4)
        ax.set_xlabel(xlabel if name is None else f"{xlabel}, {name}", fontsize=9)
        ax.grid(axis="y", visible=False)
    fig.subplots_adjust(hspace=0.9)
    label_in = _CHAR_IN * table[label].str.len().max() + 0.2
    return finish(fig, title, source, caveat, left=label_in, data=table)


def curves(
    frame: pd.DataFrame,
    x: str,
    y: str,
    group: str,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    source: str,
    caveat: str | None = None,
    references: dict[str, float] | None = None,
    log: bool = False,
):
    """One line per group on one axes (log-log with ``log``), with labelled horizontal reference
    lines (``references``: label -> value) in the colour of the group named first in the label."""
    fig, ax = plt.subplots()
    groups = list(dict.fromkeys(frame[group]))
    for i, name in enumerate(groups):
        part = frame[frame[group] == name]
        ax.plot(part[x], part[y], marker="o", markersize=3, color=PALETTE[i % len(PALETTE)], label=str(name))
    for label, value in (references or {}).items():
        color = next(
            (
                PALETTE[j % len(PALETTE)]
                for j, g in enumerate(groups)
                if label.lower().startswith(str(g).lower())
            ),
            "0.3",
        )
        ax.axhline(value, color=color, linestyle="--", linewidth=0.9)
        ax.annotate(
            label, (0.01, value), xycoords=("axes fraction", "data"), fontsize=8, color=color, va="bottom"
        )
    if log:
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.xaxis.set_major_formatter(mticker.FuncFormatter(_tick_label))
        ax.yaxis.set_major_formatter(mticker.FuncFormatter(_tick_label))
    else:
        thousands(ax.yaxis)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False, fontsize=8, loc="upper right")
    return finish(fig, title, source, caveat, left=1.3, data=frame[[group, x, y]])


def highlight_map(world, highlighted: list[str], *, title: str, legend: str, source: str):
    """World map with the ``highlighted`` countries (ISO3) in colour and the rest in grey."""
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 4.4))
    world.plot(ax=ax, color="0.88", edgecolor="white", linewidth=0.3)
    chosen = world[world["iso3"].isin(highlighted)]
    if not chosen.empty:
        chosen.plot(ax=ax, color=PALETTE[0], edgecolor="white", linewidth=0.3)
    ax.bar(0, 0, color=PALETTE[0], label=legend)  # legend handle only
    ax.legend(frameon=False, loc="lower left", fontsize=8)
    ax.set_axis_off()
    ax.set_xlim(-170, 180)
    ax.set_ylim(-58, 85)
    return finish(fig, title, source, left=0.1, bottom=0.1, data=pd.Series(sorted(highlighted), name="iso3"))


def _placebo_table(studies: dict[str, tuple[pd.Series, pd.DataFrame]]) -> pd.DataFrame:
    """Long panel, relative_year, unit, effect (the treated unit as 'treated') for the CSV."""
    rows = []
    for name, (treated, placebos) in studies.items():
        rows.append(
            pd.DataFrame(
                {
                    "panel": name,
                    "relative_year": treated.index,
                    "unit": "treated",
                    "effect": treated.to_numpy(),
                }
            )
        )
        long = (
            placebos.rename_axis("relative_year")
            .reset_index()
            .melt("relative_year", var_name="unit", value_name="effect")
            .dropna()
        )
        rows.append(long.assign(panel=name))
    return pd.concat(rows, ignore_index=True)[["panel", "relative_year", "unit", "effect"]]


def time_panels(
    panels: dict[str, pd.DataFrame],
    ylabels: dict[str, str],
    *,
    title: str,
    source: str,
    caveat: str | None = None,
    xlabel: str = "Month",
):
    """:func:`stacked_lines` for wide frames: ``panels`` maps a panel title to a frame (index:
    months; one line per column, labelled by the column name), ``ylabels`` a panel title to its
    axis label (with the unit); each panel is titled."""
    long = pd.concat(
        [
            frame.rename_axis("month")
            .reset_index()
            .melt("month", var_name="series", value_name="value")
            .assign(panel=name)
            for name, frame in panels.items()
        ],
        ignore_index=True,
    )
    return stacked_lines(
        long,
        "panel",
        "month",
        "value",
        "series",
        title=title,
        ylabels=ylabels,
        source=source,
        caveat=caveat,
        xlabel=xlabel,
        panel_titles=True,
    )


def stacked_lines(
    frame: pd.DataFrame,
    panel: str,
    x: str,
    y: str,
    group: str,
    *,
    title: str,
    ylabels: dict[str, str],
    source: str,
    caveat: str | None = None,
    xlabel: str = "Month",
    breaks: pd.DataFrame | None = None,
    panel_titles: bool = False,
):
    """Panels stacked one above the other on one shared time axis (``x``: dates), one per
    ``panel`` value in the order of ``ylabels`` (panel -> y-axis label with its unit), each with
    one line per ``group`` (its own colour and dash, in a legend per panel). ``breaks`` (rows
    ``panel``, ``x``, ``label``): a change of source or method, drawn as a dotted vertical line in
    its panel and labelled there; ``panel_titles`` writes each ``panel`` value above its panel.
    Never two y axes on one panel."""
    names = [p for p in ylabels if (frame[panel] == p).any()]
    groups = list(dict.fromkeys(frame[group]))
    colors = {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(groups)}
    dashes = {g: ("-", "--", "-.", ":")[i % 4] for i, g in enumerate(groups)}
    fig, axes = plt.subplots(
        len(names), 1, sharex=True, figsize=(WIDTH_IN, 2.6 * len(names) + 1.2), squeeze=False
    )
    for ax, name in zip(axes[:, 0], names, strict=True):
        part = frame[frame[panel] == name]
        for g, lines in part.groupby(group, sort=False):
            lines = lines.sort_values(x)
            marker = "o" if len(lines) < 40 else None
            ax.plot(
                lines[x], lines[y], color=colors[g], ls=dashes[g], marker=marker, ms=3, lw=1.6, label=str(g)
            )
        if breaks is not None and not breaks.empty:
            for row in breaks[breaks[panel] == name].itertuples(index=False):
                row = row._asdict()
                ax.axvline(row[x], color="0.35", linestyle=":", linewidth=1.0)
                ax.annotate(
                    row["label"],
                    (row[x], 0.02),
                    xycoords=("data", "axes fraction"),
                    rotation=90,
                    fontsize=6.5,
                    color="0.3",
                    ha="right",
                    va="bottom",
                )
        if panel_titles:
            ax.set_title(name, loc="left", fontsize=9)
        ax.set_ylabel("\n".join(textwrap.wrap(ylabels[name], 28)), fontsize=8)
        ax.set_ylim(bottom=0)
        ax.tick_params(labelsize=8)
        thousands(ax.yaxis)
        ax.legend(frameon=False, fontsize=7, loc="best")
    axes[-1, 0].set_xlabel(xlabel)
    fig.subplots_adjust(hspace=0.35 if panel_titles else 0.15)
    return finish(fig, title, source, caveat, left=1.0, top=0.3, data=frame[[panel, group, x, y]])
