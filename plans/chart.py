"""The Pareto chart as SVG drawn on the server: no script, and the same data as the table."""

from dataclasses import dataclass
from decimal import Decimal

from .analysis import Analysis

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 56, 16, 96
MAX_BARS = 10


@dataclass
class Bar:
    label: str
    value: Decimal
    x: float
    y: float
    width: float
    height: float
    label_x: float
    cumulative: Decimal
    point_y: float


@dataclass
class Chart:
    bars: list[Bar]
    width: int = WIDTH
    height: int = HEIGHT
    top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM
    left: int = LEFT
    right: int = WIDTH - RIGHT
    max_value: Decimal = Decimal(0)

    @property
    def line_points(self) -> str:
        return " ".join(f"{bar.label_x:.1f},{bar.point_y:.1f}" for bar in self.bars)

    @property
    def ticks(self) -> list[dict]:
        """Four gridlines: tonnes on the left axis, cumulative percent on the right."""
        plot = self.plot_bottom - self.top
        return [
            {
                "y": self.plot_bottom - plot * step / 4,
                "tonnes": (self.max_value * step / 4).quantize(Decimal("0.1")),
                "percent": 25 * step,
            }
            for step in range(5)
        ]


def pareto(analysis: Analysis) -> Chart | None:
    ranked = [row for row in analysis.ranked if row.emissions and row.emissions > 0][:MAX_BARS]
    if not ranked:
        return None
    chart = Chart(bars=[])
    chart.max_value = max(row.emissions for row in ranked)
    plot_width = chart.right - chart.left
    plot_height = chart.plot_bottom - chart.top
    slot = plot_width / len(ranked)
    for index, row in enumerate(ranked):
        height = float(row.emissions / chart.max_value) * plot_height
        x = chart.left + index * slot + slot * 0.15
        chart.bars.append(
            Bar(
                label=row.category.name,
                value=row.emissions,
                x=x,
                y=chart.plot_bottom - height,
                width=slot * 0.7,
                height=height,
                label_x=chart.left + index * slot + slot / 2,
                cumulative=row.cumulative_share,
                point_y=chart.plot_bottom - float(row.cumulative_share) / 100 * plot_height,
            )
        )
    return chart
