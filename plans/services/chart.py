"""The Pareto chart as SVG drawn on the server: no script, and the same data as the table.

It is drawn from the analysis part's rows (``plans.services.parts``), live or frozen, so
the plan's page, its frozen copy and its PDF draw the same chart. Numbers are
written as the table writes them, rounded half up in the active language
(1 064,1 in Finnish). The bars are spaced widely enough for their values, so
that no two values overlap however large they are, and the viewBox holds every
label.
"""

import math
import textwrap
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

WIDTH = 640
LEFT, RIGHT, TOP = 64, 56, 24
PLOT_HEIGHT = 200
MAX_BARS = 10
NICE_MULTIPLES = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
MAX_INTERVALS = 5

FONT_SIZE = 11  # the axes' numbers
VALUE_FONT_SIZE = 10  # each bar's value, above it
VALUE_GAP = 6  # at least, between the values of neighbouring bars
MARGIN = 6
TICK_GAP = 6  # between an axis and its numbers

# Category names under the bars: turned by LABEL_ANGLE degrees, at most
# LABEL_LINES lines of LABEL_WIDTH characters.
LABEL_FONT_SIZE = 10
LABEL_ANGLE = 40
LABEL_WIDTH = 20
LABEL_LINES = 2
LINE_HEIGHT = 1.2

# How wide text is drawn, in em, generously, so that the viewBox and the bars'
# spacing leave room for the longest label: CHAR_WIDTH is a mean width of a
# character; digits and the percent sign are wider (0.636 and 0.950 em in DejaVu
# Sans, the PDF's font).
CHAR_WIDTH = 0.62
CHAR_WIDTHS = {**dict.fromkeys("0123456789", 0.64), "%": 0.96}


def nice_step(maximum: Decimal, intervals: int = MAX_INTERVALS) -> Decimal:
    """The smallest round step (1, 2, 2.5 or 5 × 10ⁿ) that reaches ``maximum`` in ``intervals``."""
    exponent = int((maximum / intervals).log10().to_integral_value(rounding=ROUND_FLOOR))
    candidates = (multiple.scaleb(exponent) for multiple in NICE_MULTIPLES)
    return next(step for step in candidates if step * intervals >= maximum)


def axis_ticks(maximum: Decimal) -> list[Decimal]:
    """Round values from 0 to the first at or above ``maximum``: 0, 250, 500, … 1 250."""
    step = nice_step(maximum)
    count = math.ceil(maximum / step)
    return [_plain(step * index) for index in range(count + 1)]


def _plain(value: Decimal) -> Decimal:
    """The value without trailing zeros or an exponent: 250, not 250.0 or 2.5E+2."""
    whole = value.quantize(Decimal(1))
    return whole if value == whole else value.normalize()


def decimals(value: Decimal) -> int:
    """The decimal places a tick needs: none for 250, one for 2.5, two for 0.25."""
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)  # ticks are finite: only NaN and infinity have a letter
    return max(0, -exponent)


def localised(value: Decimal, places: int) -> str:
    """``value`` rounded half up to ``places`` decimals, as the active language writes numbers.

    Rounded as the table's ``floatformat`` rounds: ``number_format`` alone cuts
    off the decimals it does not show (1 999,95 would read 1 999,9).
    """
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return number_format(rounded, places, use_l10n=True, force_grouping=True)


def text_width(text: str, font_size: float) -> float:
    """How wide ``text`` is drawn at ``font_size``, generously, in SVG units."""
    return font_size * sum(CHAR_WIDTHS.get(char, CHAR_WIDTH) for char in text)


def label_lines(name: str) -> list[str]:
    """The name in at most LABEL_LINES lines; a longer name ends with an ellipsis."""
    lines = textwrap.wrap(name, LABEL_WIDTH, break_long_words=False) or [""]
    if len(lines) > LABEL_LINES:
        lines = lines[:LABEL_LINES]
        lines[-1] = lines[-1][: LABEL_WIDTH - 1].rstrip() + "…"
    return lines


@dataclass
class Tick:
    y: float
    label: str


@dataclass
class Line:
    """A line of a turned label, each its own text: renderers differ on multi-line SVG text."""

    x: float
    y: float
    text: str


@dataclass
class Bar:
    name: str
    lines: list[Line]
    value: str
    x: float
    y: float
    width: float
    height: float
    centre: float
    point_y: float

    @property
    def value_y(self) -> float:
        return self.y - 4


@dataclass
class Chart:
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    percent_ticks: list[Tick] = field(default_factory=list)
    min_x: float = 0
    width: float = WIDTH
    height: float = 0
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    plot_bottom: int = TOP + PLOT_HEIGHT
    label_y: int = TOP + PLOT_HEIGHT + 14
    label_angle: int = -LABEL_ANGLE
    line_height: float = LINE_HEIGHT

    @property
    def view_box(self) -> str:
        return f"{self.min_x:.1f} 0 {self.width:.1f} {self.height:.1f}"

    @property
    def line_points(self) -> str:
        return " ".join(f"{bar.centre:.1f},{bar.point_y:.1f}" for bar in self.bars)


def _y(chart: Chart, fraction: float) -> float:
    return chart.plot_bottom - fraction * PLOT_HEIGHT


def _label(chart: Chart, centre: float, name: str) -> list[Line]:
    """The name's lines, each ending under the bar and the next one a line further down."""
    angle = math.radians(LABEL_ANGLE)
    step = LINE_HEIGHT * LABEL_FONT_SIZE
    return [
        Line(
            centre + index * step * math.sin(angle),
            chart.label_y + index * step * math.cos(angle),
            text,
        )
        for index, text in enumerate(label_lines(name))
    ]


def _label_extent(lines: list[Line]) -> tuple[float, float]:
    """How far a turned label reaches left of and below its anchor, in SVG units."""
    angle = math.radians(LABEL_ANGLE)
    length = max(text_width(line.text, LABEL_FONT_SIZE) for line in lines)
    depth = len(lines) * LINE_HEIGHT * LABEL_FONT_SIZE
    return length * math.cos(angle) + depth * math.sin(angle), length * math.sin(angle) + depth


def _fit(chart: Chart) -> None:
    """Widen and deepen the viewBox so that no label is cut."""
    widest_tick = max(text_width(tick.label, FONT_SIZE) for tick in chart.ticks)
    reach_left, reach_down = widest_tick + TICK_GAP - chart.left, 0.0
    for bar in chart.bars:
        left, down = _label_extent(bar.lines)
        reach_left = max(reach_left, left - bar.centre)
        reach_down = max(reach_down, down)
    widest_percent = max(text_width(tick.label, FONT_SIZE) for tick in chart.percent_ticks)
    reach_right = max(chart.right + RIGHT, chart.right + TICK_GAP + widest_percent + MARGIN)
    chart.min_x = min(0.0, -(reach_left + MARGIN))
    chart.width = reach_right - chart.min_x
    chart.height = chart.label_y + reach_down + MARGIN


def _plot_width(values: list[str]) -> int:
    """The plot's width: the chart's own, or wider where the bars need room for their values.

    Each bar's slot holds its value with VALUE_GAP to spare, so values centred on
    neighbouring bars never meet, nor reach over a neighbouring bar.
    """
    widest = max(text_width(value, VALUE_FONT_SIZE) for value in values)
    return max(WIDTH - LEFT - RIGHT, math.ceil(len(values) * (widest + VALUE_GAP)))


def ranked_rows(rows: list) -> list:
    """The rows drawn: ranked, with emissions, at most MAX_BARS."""
    drawn = [row for row in rows if row["rank"] is not None and Decimal(row["emissions"]) > 0]
    return drawn[:MAX_BARS]


def pareto(rows: list) -> Chart | None:
    """The chart of the analysis part's rows; None when there is nothing to draw.

    Rows frozen before the cumulative share was kept draw no chart, as they had none.
    """
    drawn = ranked_rows(rows)
    if not drawn or any(row.get("cumulative_share") is None for row in drawn):
        return None
    values = [Decimal(row["emissions"]) for row in drawn]
    chart = Chart()
    tonnes = axis_ticks(max(values))
    top = tonnes[-1]
    places = max(decimals(tick) for tick in tonnes)
    chart.ticks = [Tick(_y(chart, float(t / top)), localised(t, places)) for t in tonnes]
    chart.percent_ticks = [Tick(_y(chart, p / 100), f"{p} %") for p in range(0, 101, 25)]
    written = [localised(value, 1) for value in values]
    chart.right = chart.left + _plot_width(written)
    slot = (chart.right - chart.left) / len(drawn)
    for index, (row, value, text) in enumerate(zip(drawn, values, written, strict=True)):
        height = float(value / top) * PLOT_HEIGHT
        centre = chart.left + index * slot + slot / 2
        chart.bars.append(
            Bar(
                name=row["name"],
                lines=_label(chart, centre, row["name"]),
                value=text,
                x=centre - slot * 0.35,
                y=chart.plot_bottom - height,
                width=slot * 0.7,
                height=height,
                centre=centre,
                point_y=_y(chart, float(Decimal(row["cumulative_share"])) / 100),
            )
        )
    _fit(chart)
    return chart
