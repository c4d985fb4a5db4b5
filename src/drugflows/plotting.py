"""The one plotting style of the reports, and chart helpers that keep titles, units and sources.

Every chart function returns its figure, already titled, with labelled axes and a source line.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import pandas as pd
import seaborn as sns

PALETTE = sns.color_palette("colorblind")
PARTIAL_HATCH = "///"


def use_style() -> None:
    """Apply the report style (seaborn whitegrid, compact figures, PNG at 100 dpi)."""
    sns.set_theme(style="whitegrid", palette=PALETTE, font_scale=0.95)
    plt.rcParams.update({
        "figure.figsize": (9, 4.2),
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "figure.constrained_layout.use": False,
    })


def thousands(axis) -> None:
    """Format an axis with thousands separators."""
    axis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))


def finish(fig, title: str, source: str, caveat: str | None = None):
    """Add the title and, under the plot, the source line (and a one-line caveat)."""
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    note = f"Source: {source}" + (f"\n{caveat}" if caveat else "")
    # Under the x-axis label of the first axes, flush with the figure's left edge.
    anchor = fig.axes[0].xaxis.label if fig.axes else None
    fig.axes[0].annotate(note, xy=(0.01, 0), xycoords=("figure fraction", anchor),
                         xytext=(0, -8), textcoords="offset points", ha="left", va="top",
                         fontsize=8, color="0.35", annotation_clip=False)
    return fig


def monthly_with_rolling(monthly: pd.DataFrame, value: str, rolling: str, *, title: str,
                         ylabel: str, source: str, caveat: str | None = None):
    """Monthly bars of ``value`` with a line of its 12-month rolling sum on a second axis."""
    fig, ax = plt.subplots()
    ax.bar(monthly.index, monthly[value], width=25, color=PALETTE[0], alpha=0.7, label="Month")
    ax.set_ylabel(ylabel)
    ax.set_xlabel("Month")
    thousands(ax.yaxis)
    ax2 = ax.twinx()
    ax2.plot(monthly.index, monthly[rolling], color=PALETTE[3], lw=2, label="12-month rolling sum")
    ax2.set_ylabel(f"{ylabel}, 12-month rolling sum")
    ax2.grid(False)
    thousands(ax2.yaxis)
    ax2.set_ylim(bottom=0)
    handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    ax.legend(handles, [h.get_label() for h in handles], loc="upper left", frameon=False)
    return finish(fig, title, source, caveat)


def bars_by_year(values: pd.Series, partial: pd.Series, labels: pd.Series, *, title: str,
                 ylabel: str, source: str, caveat: str | None = None):
    """One bar per fiscal year; partial years hatched and labelled as such."""
    fig, ax = plt.subplots()
    colors = [PALETTE[0]] * len(values)
    bars = ax.bar(labels.str.replace(" (", "\n(", regex=False), values, color=colors)
    for bar, is_partial in zip(bars, partial, strict=True):
        if is_partial:
            bar.set_hatch(PARTIAL_HATCH)
            bar.set_alpha(0.55)
    ax.bar_label(bars, labels=[f"{v:,.0f}" for v in values], fontsize=8, padding=2)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("Fiscal year (October to September)")
    thousands(ax.yaxis)
    return finish(fig, title, source, caveat)


def stacked_by_year(table: pd.DataFrame, labels: dict[str, str], *, title: str, ylabel: str,
                    source: str, caveat: str | None = None):
    """Stacked bars: rows are fiscal years, columns the parts (renamed with ``labels``)."""
    fig, ax = plt.subplots()
    table.rename(columns=labels).plot.bar(stacked=True, ax=ax, rot=0, width=0.75)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("Fiscal year (October to September)")
    ax.legend(frameon=False, loc="upper left")
    thousands(ax.yaxis)
    return finish(fig, title, source, caveat)


def ranked_bars(values: pd.Series, *, title: str, xlabel: str, source: str,
                caveat: str | None = None, hue: pd.Series | None = None):
    """Horizontal bars, largest on top; optional ``hue`` colours bars by a category."""
    fig, ax = plt.subplots(figsize=(9, 0.35 * len(values) + 1.2))
    frame = pd.DataFrame({"label": values.index, "value": values.to_numpy()})
    if hue is not None:
        frame["group"] = hue.to_numpy()
    sns.barplot(frame, y="label", x="value", hue="group" if hue is not None else None, ax=ax,
                dodge=False, legend=hue is not None, color=None if hue is not None else PALETTE[0])
    ax.set_ylabel("")
    ax.set_xlabel(xlabel)
    thousands(ax.xaxis)
    if hue is not None:
        ax.legend(frameon=False, loc="lower right")
    return finish(fig, title, source, caveat)


def count_and_size(years: pd.DataFrame, *, title: str, source: str, caveat: str | None = None):
    """Two panels by fiscal year: seizure events, and average pounds per event."""
    fig, (left, right) = plt.subplots(1, 2)
    fig.subplots_adjust(top=0.84, wspace=0.3)
    labels = [str(fy) + ("*" if p else "") for fy, p in years["partial"].items()]
    left.bar(labels, years["events"], color=PALETTE[0])
    left.set_title("Seizure events")
    left.set_ylabel("Events")
    left.set_xlabel("Fiscal year (* partial)")
    thousands(left.yaxis)
    right.plot(labels, years["lbs_per_event"], marker="o", color=PALETTE[3])
    right.set_title("Average seizure size")
    right.set_ylabel("Pounds per event")
    right.set_xlabel("Fiscal year (* partial)")
    right.set_ylim(bottom=0)
    for ax in (left, right):
        ax.tick_params(axis="x", rotation=45)
        ax.title.set_fontweight("normal")
    return finish(fig, title, source, caveat)
