"""Charts drawn on the server as SVG: every coordinate is computed here, the templates only print them.

templates/includes/bar_chart.html and column_chart.html draw what these return. Nothing inline (strict CSP): the
colours are classes (static/css/stats.css, on KRDS tokens), the geometry plain x/y/width/height attributes. The SVG
has a viewBox and scales to its container (width 100%); the sizes below are chosen so that its text stays legible
from a 375 px phone (scaled to ~0.95) to the widest column the pages give a chart (44rem: scaled to ~1.2).
Each chart is paired with a table of the same numbers on the page.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

WIDTH = 360  # viewBox units
# Horizontal bars: the label on its own line (long program names get the whole width), the bar under it, the value
# after the bar's end.
LABEL_SIZE = 16
VALUE_SIZE = 15
ROW_HEIGHT = 50
BAR_HEIGHT = 18
BAR_TOP = 23  # within a row
VALUE_ROOM = 64  # right of the longest bar, for "12,345"
TRACK = WIDTH - VALUE_ROOM
STUB = 4  # a value shown as "<5": the same short stub whatever the number, so its width tells nothing
# Columns (months): a plot area with gridlines, the month under each column.
PLOT_TOP = 24
PLOT_HEIGHT = 150
AXIS_ROOM = 44  # under the plot: the month, and the year under January and the first month
TICK_SIZE = 13
COLUMN_VALUE_SIZE = 13


def _num(value: float) -> str:
    """An SVG coordinate: no locale formatting, no needless decimals."""
    return f"{value:.1f}".removesuffix(".0")


def text_width(text: str, size: float) -> float:
    """About how wide `text` is at font size `size`: Hangul and other wide characters an em, Latin about half."""
    total = 0.0
    for ch in text:
        if ord(ch) >= 0x1100:
            total += 1.0
        elif ch.isupper() or ch in "mwMW@%":
            total += 0.68
        elif ch in " .,:;'|!il()[]·":
            total += 0.3
        else:
            total += 0.56
    return total * size


def fit(text: str, room: float, size: float = LABEL_SIZE) -> str:
    """`text`, shortened with an ellipsis when it would not fit in `room` units (the table beside has it whole)."""
    if text_width(text, size) <= room:
        return text
    while text and text_width(text + "…", size) > room:
        text = text[:-1]
    return text.rstrip() + "…"


@dataclass
class Bar:
    label: str
    value: int | float | None  # None: not shown (suppressed); the display says why
    display: str
    css: str = ""
    short_label: str = ""
    width: str = "0"
    label_y: str = "0"
    bar_y: str = "0"
    value_x: str = "0"
    value_y: str = "0"


@dataclass
class BarChart:
    id: str
    title: str
    description: str
    bars: list[Bar]
    width: int = WIDTH
    height: int = 0
    bar_height: int = BAR_HEIGHT


def bar_chart(chart_id: str, title: str, description: str, rows: Iterable[tuple]) -> BarChart:
    """Horizontal bars. `rows`: (label, value, display) or (label, value, display, css class); a value of None
    draws the fixed stub of a suppressed count."""
    bars = [Bar(*row) for row in rows]
    largest = max((b.value for b in bars if b.value), default=0)
    for i, bar in enumerate(bars):
        top = i * ROW_HEIGHT
        if bar.value is None:
            width = STUB
            bar.css = f"{bar.css} chart__bar--suppressed".strip()
        elif bar.value <= 0 or largest <= 0:
            width = 0
        else:
            width = max(TRACK * bar.value / largest, 2)
        bar.short_label = fit(bar.label, WIDTH)
        bar.width = _num(width)
        bar.label_y = _num(top + LABEL_SIZE)
        bar.bar_y = _num(top + BAR_TOP)
        bar.value_x = _num(width + 6)
        bar.value_y = _num(top + BAR_TOP + BAR_HEIGHT - 3)
    return BarChart(chart_id, title, description, bars, height=max(len(bars), 1) * ROW_HEIGHT)


def nice_ticks(largest: float, count: int = 4) -> list[int]:
    """0 and round steps (1, 2 or 5 × 10ⁿ) up to at least `largest`: the gridlines of a column chart."""
    if largest <= 0:
        return [0, 1]
    raw = largest / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(int(step), 1)
    return list(range(0, int(math.ceil(largest / step)) * step + 1, step))


@dataclass
class Column:
    label: str  # the whole label, e.g. "2026년 3월"
    value: int | None
    display: str
    tick: str = ""  # under the column, e.g. "3월"
    year: str = ""  # under the tick, for the first column and January
    css: str = ""
    show_value: bool = False  # the value above the column, where it fits (the table beside has every one)
    value_y: str = "0"
    x: str = "0"
    y: str = "0"
    width: str = "0"
    height: str = "0"
    center: str = "0"


@dataclass
class Gridline:
    y: str
    label: str


@dataclass
class YearLabel:
    x: str
    text: str
    css: str  # chart__year--start or chart__year--end: which side of x the text goes


@dataclass
class ColumnChart:
    id: str
    title: str
    description: str
    columns: list[Column]
    gridlines: list[Gridline] = field(default_factory=list)
    years: list[YearLabel] = field(default_factory=list)
    boundary: str = ""  # x of the line between December and January, if the window has both
    width: int = WIDTH
    height: int = PLOT_TOP + PLOT_HEIGHT + AXIS_ROOM
    baseline: str = _num(PLOT_TOP + PLOT_HEIGHT)
    tick_y: str = _num(PLOT_TOP + PLOT_HEIGHT + 18)
    year_y: str = _num(PLOT_TOP + PLOT_HEIGHT + 36)


def column_chart(chart_id: str, title: str, description: str, columns: list[Column], *, floor: int = 0) -> ColumnChart:
    """Columns over gridlines. A value of None draws a fixed stub (a suppressed count); `floor` is the least top of
    the scale (the public page uses 5, so that a chart of only "<5" months still has a scale)."""
    largest = max([c.value for c in columns if c.value] + [floor])
    ticks = nice_ticks(largest)
    top = ticks[-1]
    slot = WIDTH / max(len(columns), 1)
    bottom = PLOT_TOP + PLOT_HEIGHT
    for i, column in enumerate(columns):
        if column.value is None:
            height = STUB
            column.css = f"{column.css} chart__bar--suppressed".strip()
        elif column.value <= 0:
            height = 0
        else:
            height = max(PLOT_HEIGHT * column.value / top, 2)
        column.x = _num(i * slot + slot * 0.18)
        column.width = _num(slot * 0.64)
        column.center = _num(i * slot + slot / 2)
        column.y = _num(bottom - height)
        column.height = _num(height)
        column.value_y = _num(bottom - height - 4)
        column.show_value = text_width(column.display, COLUMN_VALUE_SIZE) <= slot * 0.95 and column.display != "0"
    gridlines = [Gridline(_num(bottom - PLOT_HEIGHT * t / top), f"{t:,}") for t in ticks[1:]]
    # The years under the months: the first column's from the left edge; where a later column starts a new year, a
    # line, the old year ending left of it and the new one starting right of it.
    chart = ColumnChart(chart_id, title, description, columns, gridlines)
    turn = next((i for i, c in enumerate(columns) if i and c.year), None)
    first = columns[0].year if columns else ""
    if turn is None:
        chart.years = [YearLabel("0", first, "chart__year--start")] if first else []
    else:
        x = turn * slot
        chart.boundary = _num(x)
        chart.years = [YearLabel(_num(x - 4), first, "chart__year--end"),
                       YearLabel(_num(x + 4), columns[turn].year, "chart__year--start")]  # fmt: skip
    return chart


def month_columns(months, values: list, displays: list[str], css: str = "") -> list[Column]:
    """A column per month: the whole month as its label ("2026년 3월"), the month under it ("3월") and the year
    under the first month and January. A value of None draws the stub of a suppressed count."""
    from django.utils.formats import date_format

    return [
        Column(
            label=date_format(month, "YEAR_MONTH_FORMAT"),
            value=value,
            display=display,
            tick=date_format(month, "M"),
            year=date_format(month, "Y") if i == 0 or month.month == 1 else "",
            css=css,
        )
        for i, (month, value, display) in enumerate(zip(months, values, displays, strict=True))
    ]


def listing(pairs, limit: int = 12) -> str:
    """'label value, label value, …' for a chart's description (its table has every row)."""
    items = [f"{label} {display}" for label, display in pairs]
    return ", ".join(items[:limit] + (["…"] if len(items) > limit else []))
