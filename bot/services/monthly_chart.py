"""The monthly 场景机会清单 as one PNG: the month's figures as bars, then two tables — what is open, and the month's
matches — drawn with the report chart's stack (matplotlib's object API, Noto Sans CJK SC from mplfonts)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from bot import texts
from bot.domain.opportunities import MonthlyList
from bot.services.reports import _font

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.font_manager import FontProperties

SIZE = (12.0, 14.0)  # inches
DPI = 100
OFFER_ROWS = 15  # rows of the open list; the rest is "…另有 N 条" (the XLSX has them all)
MATCH_ROWS = 10
ROW_HEIGHT = 0.075  # of a table's panel, at most


def _table(ax: Axes, heading: str, columns: tuple[str, ...], rows: list[list[str]], total: int, widths: list[float],
           font: FontProperties) -> None:
    ax.set_axis_off()
    ax.set_title(f"{heading}（{total}）", fontproperties=font, fontsize=14)
    if not rows:
        ax.text(0.5, 0.5, texts.NOBODY, ha="center", va="center", fontproperties=font)
        return
    if total > len(rows):
        rows = [*rows, [texts.monthly_more(total - len(rows)), *([""] * (len(columns) - 1))]]
    table = ax.table(cellText=rows, colLabels=list(columns), colWidths=widths, loc="upper center", cellLoc="left")
    table.auto_set_font_size(False)
    for (row, _), cell in table.get_celld().items():
        cell.get_text().set_fontproperties(font)
        cell.set_height(min(ROW_HEIGHT, 1 / (len(rows) + 2)))  # a short list is not stretched over the panel
        if row == 0:
            cell.set_facecolor("#e2e8f0")


def png(data: MonthlyList, names: dict[str, str], title: str, titles: dict[int, str] | None) -> bytes:
    """The chart: the month's counts, the open list (first OFFER_ROWS) and the month's matches (first MATCH_ROWS)."""
    font = _font()
    from matplotlib.figure import Figure  # here, not at import: matplotlib costs the bot's start-up 0.3 s
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=SIZE, dpi=DPI)
    figure.suptitle(title, fontproperties=font, fontsize=18)
    grid = figure.add_gridspec(3, 1, height_ratios=[1.3, 3.2, 2.2])
    counts = texts.monthly_counts(data)
    bars = figure.add_subplot(grid[0])
    values = [n for _, n in counts]
    bars.barh(range(len(counts)), values, color="#2b6cb0")
    bars.set_yticks(list(range(len(counts))), [label for label, _ in counts], fontproperties=font)
    bars.invert_yaxis()
    bars.set_xlim(0, max(values, default=0) * 1.2 + 1)
    bars.xaxis.set_major_locator(MaxNLocator(integer=True))
    bars.set_title(texts.MONTHLY_CHART_COUNTS, fontproperties=font, fontsize=14)
    for y, value in enumerate(values):
        bars.text(value, y, f" {value}", va="center", fontproperties=font)

    def party(party_id: str) -> str:
        return texts.snippet(texts.lead_name(names, party_id), 12)

    offers = [[str(o.id), texts.OFFER_KIND_WORDS[o.kind], party(o.party_id), texts.snippet(o.title, 30),
               o.until.isoformat() if o.until else "—"] for o in data.open_offers[:OFFER_ROWS]]
    _table(figure.add_subplot(grid[1]), texts.MONTHLY_CHART_OFFERS, texts.MONTHLY_OFFER_COLUMNS, offers,
           len(data.open_offers), [0.07, 0.08, 0.2, 0.5, 0.15], font)
    matches = []
    for match in data.matches[:MATCH_ROWS]:
        offer = data.offers.get(match.offer_id)
        asked = data.needs.get(match.need_id)
        need = texts.match_need_label(asked, titles) + (f"：{asked.text}" if asked else "")
        named = f"{party(offer.party_id)} {texts.snippet(offer.title, 14)}" if offer else ""
        offered = f"[{match.offer_id}] {named}"
        matches.append([texts.snippet(need, 20), offered, f"{match.score:.2f}", texts.MATCH_STAGE_WORDS[match.stage]])
    _table(figure.add_subplot(grid[2]), texts.MONTHLY_CHART_MATCHES, texts.MONTHLY_MATCH_COLUMNS, matches,
           len(data.matches), [0.3, 0.45, 0.1, 0.15], font)
    figure.tight_layout(rect=(0, 0, 1, 0.96))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
