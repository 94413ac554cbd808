"""The Pareto chart: round ticks, numbers as the table writes and rounds them, labels that fit
without overlapping, however large the values."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils import translation
from fontTools.ttLib import TTFont

from plans.services import chart

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [
        ("1064.1", ["0", "250", "500", "750", "1000", "1250"]),
        ("1000", ["0", "200", "400", "600", "800", "1000"]),
        ("50", ["0", "10", "20", "30", "40", "50"]),
        ("266", ["0", "100", "200", "300"]),
        ("7", ["0", "2", "4", "6", "8"]),
        ("0.9", ["0", "0.2", "0.4", "0.6", "0.8", "1"]),
        ("12345", ["0", "2500", "5000", "7500", "10000", "12500"]),
    ],
)
def test_the_axis_has_round_ticks_up_to_the_largest_value(maximum, ticks):
    assert [str(tick) for tick in chart.axis_ticks(Decimal(maximum))] == ticks


def row(rank: int, name: str, emissions: str, cumulative: str) -> dict:
    return {"rank": rank, "name": name, "emissions": emissions, "cumulative_share": cumulative}


ROWS = [
    row(1, "Ostetut sosiaali- ja terveyspalvelut", "1064.100", "66.61"),
    row(2, "Lämmitys", "533.400", "100.00"),
    {"rank": None, "name": "Sähkö", "emissions": None, "cumulative_share": None},
]


@pytest.mark.parametrize(
    ("language", "ticks", "values"),
    [
        (
            "fi",
            ["0", "250", "500", "750", f"1{NBSP}000", f"1{NBSP}250"],
            [f"1{NBSP}064,1", "533,4"],
        ),
        ("en", ["0", "250", "500", "750", "1,000", "1,250"], ["1,064.1", "533.4"]),
    ],
)
def test_numbers_are_written_as_the_language_writes_them(language, ticks, values):
    with translation.override(language):
        drawn = chart.pareto(ROWS)
    assert [tick.label for tick in drawn.ticks] == ticks
    assert [bar.value for bar in drawn.bars] == values


def test_the_line_follows_the_cumulative_share_and_the_bars_the_ticks():
    drawn = chart.pareto(ROWS)
    top = drawn.ticks[-1].y
    bottom = drawn.ticks[0].y
    # 1 064,1 t of an axis up to 1 250 t; the line ends at 100 %, the top of the plot.
    assert drawn.bars[0].height == pytest.approx((bottom - top) * 1064.1 / 1250)
    assert drawn.bars[1].point_y == pytest.approx(top)


def test_a_long_name_is_wrapped_or_shortened_and_kept_whole_in_its_title():
    long = "Kiinteistöjen lämmitys ja kaukolämpö sekä jäähdytys"
    drawn = chart.pareto([row(1, long, "10", "100")])
    lines = [line.text for line in drawn.bars[0].lines]
    assert lines == ["Kiinteistöjen", "lämmitys ja…"]
    svg = render_to_string("plans/_pareto.html", {"chart": drawn})
    assert f"<title>{long}</title>" in svg
    assert 'role="img"' in svg


def test_the_view_box_leaves_room_for_the_labels():
    drawn = chart.pareto(ROWS)
    first = drawn.bars[0].lines[0]
    # The first bar's turned label reaches left of the plot: the viewBox starts further left.
    reach = len(first.text) * chart.CHAR_WIDTH * chart.LABEL_FONT_SIZE * 0.766
    assert drawn.min_x <= first.x - reach
    assert drawn.view_box.startswith(f"{drawn.min_x:.1f} 0 ")
    assert drawn.height > drawn.label_y + reach * 0.8


def test_nothing_is_drawn_without_emissions():
    assert chart.pareto([ROWS[2]]) is None


@pytest.mark.parametrize(
    ("emissions", "finnish", "english"),
    [
        ("1999.950", f"2{NBSP}000,0", "2,000.0"),
        ("1999999.950", f"2{NBSP}000{NBSP}000,0", "2,000,000.0"),
        ("1999.949", f"1{NBSP}999,9", "1,999.9"),
        ("2.250", "2,3", "2.3"),
        ("0.050", "0,1", "0.1"),
    ],
)
def test_values_are_rounded_half_up_as_the_table_rounds_them(emissions, finnish, english):
    for language, expected in (("fi", finnish), ("en", english)):
        with translation.override(language):
            drawn = chart.pareto([row(1, "Lämmitys", emissions, "100")])
            table = floatformat(emissions, "1g")
        assert drawn.bars[0].value == expected
        assert drawn.bars[0].value == table


# The largest values a participant's ledger gives: 250 000 000 € of spend at up to
# 2 kg CO2e/€ is 500 000 t, ten categories of much the same size.
LARGEST = [
    row(rank, f"Kategoria {rank}", f"{500000 - rank * 1111}.949", str(rank * 10))
    for rank in range(1, 11)
]
TINY_BESIDE_HUGE = [
    row(1, "Rakennusurakat", "499999.950", "50.62"),
    row(2, "Kaukolämpö", "487654.321", "99.99"),
    row(3, "Postimerkit", "0.050", "100.00"),
]


def value_box(bar: chart.Bar) -> tuple[float, float, float, float]:
    """Left, top, right and bottom of the bar's value, as wide as the chart reckons it."""
    half = chart.text_width(bar.value, chart.VALUE_FONT_SIZE) / 2
    return bar.centre - half, bar.value_y - chart.VALUE_FONT_SIZE, bar.centre + half, bar.value_y


def overlap(one: tuple, other: tuple) -> bool:
    return one[0] < other[2] and other[0] < one[2] and one[1] < other[3] and other[1] < one[3]


def inside(drawn: chart.Chart, box: tuple) -> bool:
    left, top, right, bottom = box
    return (
        drawn.min_x <= left
        and right <= drawn.min_x + drawn.width
        and top >= 0
        and bottom <= drawn.height
    )


def tick_boxes(drawn: chart.Chart) -> list[tuple]:
    """The axes' numbers: the tonnes end left of the plot, the percentages start right of it."""
    size = chart.FONT_SIZE
    boxes = []
    for tick in drawn.ticks:
        end = drawn.left - chart.TICK_GAP
        width = chart.text_width(tick.label, size)
        boxes.append((end - width, tick.y - size / 2, end, tick.y + size / 2))
    for tick in drawn.percent_ticks:
        start = drawn.right + chart.TICK_GAP
        width = chart.text_width(tick.label, size)
        boxes.append((start, tick.y - size / 2, start + width, tick.y + size / 2))
    return boxes


@pytest.mark.parametrize("rows", [LARGEST, TINY_BESIDE_HUGE], ids=["largest", "tiny-beside-huge"])
@pytest.mark.parametrize("language", ["fi", "en"])
def test_values_never_overlap_each_other_nor_leave_the_view_box(rows, language):
    with translation.override(language):
        drawn = chart.pareto(rows)
    boxes = [value_box(bar) for bar in drawn.bars]
    for index, box in enumerate(boxes):
        assert inside(drawn, box), drawn.bars[index].value
        assert not any(overlap(box, other) for other in boxes[index + 1 :])
        neighbours = drawn.bars[max(index - 1, 0) : index] + drawn.bars[index + 1 : index + 2]
        for bar in neighbours:
            assert not overlap(box, (bar.x, bar.y, bar.x + bar.width, bar.y + bar.height))
    ticks = tick_boxes(drawn)
    assert all(inside(drawn, box) for box in ticks)
    assert not any(overlap(box, tick) for box in boxes for tick in ticks)


def test_a_tiny_value_beside_a_huge_one_stays_clear_of_the_huge_bar():
    drawn = chart.pareto(TINY_BESIDE_HUGE)
    huge, tiny = drawn.bars[1], drawn.bars[2]
    assert tiny.value == "0,1"
    assert tiny.height < 1 < huge.height
    assert value_box(tiny)[0] > huge.x + huge.width
    svg = render_to_string("plans/_pareto.html", {"chart": drawn})
    assert ">0,1</text>" in svg


DEJAVU_SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.mark.skipif(not DEJAVU_SANS.exists(), reason="DejaVu Sans is not installed")
def test_the_reckoned_widths_are_at_least_those_of_the_pdf_s_font():
    font = TTFont(DEJAVU_SANS)
    glyphs, per_em = font.getBestCmap(), font["head"].unitsPerEm

    def drawn_width(text: str, size: float) -> float:
        return size * sum(font["hmtx"][glyphs[ord(char)]][0] for char in text) / per_em

    with translation.override("fi"):
        drawn = chart.pareto(LARGEST)
    for bar in drawn.bars:
        size = chart.VALUE_FONT_SIZE
        assert drawn_width(bar.value, size) <= chart.text_width(bar.value, size)
    for tick in drawn.ticks + drawn.percent_ticks:
        size = chart.FONT_SIZE
        assert drawn_width(tick.label, size) <= chart.text_width(tick.label, size)
