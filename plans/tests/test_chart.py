"""The Pareto chart: round ticks, numbers as the table writes them, labels that fit."""

from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from plans import chart

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
