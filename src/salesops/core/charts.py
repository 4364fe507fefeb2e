"""ECharts options built on the server (rendered by static/salesops/js/charts.js, so pages need no inline script),
and the date parameter parsing the chart pages share."""

import datetime


def parse_day(raw, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(str(raw or "").strip()) if raw else default
    except ValueError:
        return default


def bar_chart(labels: list[str], values: list, name: str, *, links: list[str] | None = None) -> dict:
    """A horizontal bar chart; with `links` (one URL per bar), clicking a bar opens its URL (the drill-down)."""
    series: dict = {"type": "bar", "name": name, "data": [float(v or 0) for v in values][::-1]}
    if links is not None:
        series["links"] = links[::-1]
        series["cursor"] = "pointer"
    return {
        "animation": False,  # drawn at once: a phone shows the figures without waiting, a tap hits the bar
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 8, "right": 24, "top": 8, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value"},
        "yAxis": {"type": "category", "data": labels[::-1]},
        "series": [series],
    }


def line_chart(days: list[str], series: dict[str, list]) -> dict:
    """Lines over days, one per named series."""
    return {
        "animation": False,
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 24, "top": 32, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": days},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"type": "line", "name": name, "data": values, "smooth": True} for name, values in series.items()],
    }
