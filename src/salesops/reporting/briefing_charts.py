"""Briefing charts drawn on the server as PNG with matplotlib's Agg backend (no display, no external host).

Chinese labels need a CJK font: WenQuanYi Micro Hei from Debian's fonts-wqy-microhei (scripts/ensure-pdf.sh
installs it), located through matplotlib's font_manager. Without it the charts still render, with boxes for
Chinese characters, and a warning is logged once. Figures are built with the object API (`Figure`), never pyplot,
so charts drawn in several threads at once do not share state.
"""

import functools
import io
import logging
from collections.abc import Sequence
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

logger = logging.getLogger(__name__)

CJK_FONT = "WenQuanYi Micro Hei"
CURRENT, PREVIOUS = "#2f6fdf", "#b8c4d6"
UP, DOWN = "#2e9d5b", "#d2463c"


@functools.cache
def cjk_font_path() -> str | None:
    """The CJK font's file, registered with matplotlib and put first among sans-serif fonts (once per process);
    None when it is not installed."""
    path = next((path for path in font_manager.findSystemFonts() if "wqy-microhei" in path.lower()), None)
    if path is None:
        logger.warning("the CJK font %s is not installed: chart labels in Chinese will show as boxes", CJK_FONT)
        return None
    font_manager.fontManager.addfont(path)
    family = font_manager.FontProperties(fname=path).get_name()
    matplotlib.rcParams["font.sans-serif"] = [family, *matplotlib.rcParams["font.sans-serif"]]
    matplotlib.rcParams["font.family"] = "sans-serif"
    return path


def new_figure(height: float = 2.6) -> Figure:
    cjk_font_path()
    return Figure(figsize=(6.4, height), dpi=110, layout="constrained")


def png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    return buffer.getvalue()


def style(axes) -> None:
    for spine in ("top", "right"):
        axes.spines[spine].set_visible(False)
    axes.tick_params(labelsize=8)


def comparison_bars(
    names: Sequence[str], current: Sequence[Decimal], previous: Sequence[Decimal], *, labels: tuple[str, str]
) -> bytes:
    """Grouped bars: each measure on the briefing's day and on the same day a week before."""
    figure = new_figure()
    axes = figure.add_subplot()
    positions = list(range(len(names)))
    width = 0.38
    axes.bar([p - width / 2 for p in positions], [float(v) for v in current], width, label=labels[0], color=CURRENT)
    axes.bar([p + width / 2 for p in positions], [float(v) for v in previous], width, label=labels[1], color=PREVIOUS)
    axes.set_xticks(positions, list(names))
    style(axes)
    axes.legend(fontsize=8, frameon=False)
    return png(figure)


def progress_bars(
    names: Sequence[str], actual: Sequence[Decimal], target: Sequence[Decimal], *, pace: Decimal
) -> bytes:
    """Horizontal bars: each measure's month-to-date share of its target, with a line at the month's elapsed share."""
    figure = new_figure(height=1.2 + 0.5 * len(names))
    axes = figure.add_subplot()
    shares = [float(a / t * 100) if t else 0.0 for a, t in zip(actual, target, strict=True)]
    positions = list(range(len(names)))[::-1]
    axes.barh(positions, [100.0] * len(names), color=PREVIOUS, height=0.5)
    axes.barh(positions, [min(share, 100.0) for share in shares], color=CURRENT, height=0.5)
    for position, share in zip(positions, shares, strict=True):
        axes.text(min(share, 100.0) + 1, position, f"{share:.1f}%", va="center", fontsize=8)
    axes.axvline(float(pace), color="#333333", linestyle="--", linewidth=1)
    axes.set_yticks(positions, list(names))
    axes.set_xlim(0, 110)
    style(axes)
    return png(figure)


def change_bars(names: Sequence[str], changes: Sequence[Decimal]) -> bytes:
    """Horizontal bars of changes, green up and red down, the largest on top."""
    figure = new_figure(height=1.0 + 0.4 * len(names))
    axes = figure.add_subplot()
    positions = list(range(len(names)))[::-1]
    values = [float(change) for change in changes]
    axes.barh(positions, values, color=[UP if value >= 0 else DOWN for value in values], height=0.55)
    axes.axvline(0, color="#333333", linewidth=0.8)
    axes.set_yticks(positions, list(names))
    style(axes)
    return png(figure)
