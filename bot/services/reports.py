"""/report: what the matchmaking achieved in a period — counted here, drawn as one PNG.

The chart uses matplotlib's object API (no pyplot state, so it can be drawn in a worker thread) with
Noto Sans CJK SC, the font the ``mplfonts`` package ships; without a CJK font matplotlib would draw
empty boxes for every Chinese label (and warn, which the tests treat as an error).
"""

from __future__ import annotations

import importlib.util
import io
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import aiosqlite

from bot import texts
from bot.domain.metrics import kept_rates
from bot.domain.offers import Funnel, Match
from bot.domain.opportunities import party_funnels
from bot.domain.reports import PERIODS, Report
from bot.domain.schedule import Policy
from storage.commitments import CommitmentRepo
from storage.db import Database
from storage.needs import NeedRepo
from storage.offers import MatchRepo, OfferRepo
from storage.reports import agreement_rows, need_rows
from storage.routes import ClaimRepo

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

CHART_SIZE = (12.0, 15.0)  # inches
CHART_DPI = 100  # → 1200 × 1500 pixels
FONT_FILE = "NotoSansCJKsc-Regular.otf"


async def gather(db: Database, chat_id: int | None, period: str, now: datetime, policy: Policy) -> Report:
    span = PERIODS[period]
    since = now - span if span is not None else None
    floor = since or datetime(1970, 1, 1, tzinfo=now.tzinfo)
    async with db.read() as conn:
        needs = await need_rows(conn, chat_id, floor)
        agreements = await agreement_rows(conn, chat_id, floor)
        commitments = [c for c in await CommitmentRepo(conn).all(chat_id) if c.created_at >= floor]
        claims = [(c, created) for c, created in await ClaimRepo(conn).with_need_times(chat_id) if created >= floor]
        matches, party_of_offer = await _matches(conn, chat_id, since)
    funnel = [("needs", len(needs)), ("claimed", sum(n["claimed"] for n in needs)),
              ("committed", sum(n["committed"] for n in needs)), ("kept", sum(n["kept"] for n in needs)),
              ("resolved", sum(n["status"] == "resolved" for n in needs))]
    return Report(
        since=since, funnel=funnel,
        by_department=Counter(n["lead"] or "triage" for n in needs).most_common(),
        by_type=Counter(n["need_type"] for n in needs).most_common(),
        records=[r for r in kept_rates(commitments, claims, now, policy)],
        agreements=len(agreements), amount_yuan=sum(a["amount_yuan"] or 0 for a in agreements),
        agreements_by_kind=Counter(a["kind"] for a in agreements).most_common(),
        seconded=(sum(n["seconded"] for n in needs), sum(n["seconded"] > 0 for n in needs)),
        matching=Funnel.of(matches), matching_by_party=party_funnels(matches, party_of_offer))


async def _matches(conn: aiosqlite.Connection, chat_id: int | None,
                   since: datetime | None) -> tuple[list[Match], dict[int, str]]:
    """The matches made since ``since`` with the needs of this chat (or every chat), leaving out withdrawn (and
    merged) needs as the rest of the report does; and the party owning each match's offer."""
    made = await MatchRepo(conn).made_between(since, None, None if chat_id is None else [chat_id])
    needs = await NeedRepo(conn).get_many({m.need_id for m in made})
    matches = [m for m in made if m.need_id in needs and needs[m.need_id].status != "withdrawn"]
    offers = await OfferRepo(conn).many(m.offer_id for m in matches)
    return matches, {offer_id: offer.party_id for offer_id, offer in offers.items()}


def _font() -> FontProperties:
    from matplotlib import font_manager

    spec = importlib.util.find_spec("mplfonts")  # located, not imported: its __init__ pulls in a CLI library
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the mplfonts package (the chart's Chinese font) is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / FONT_FILE
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path))


@dataclass(frozen=True)
class Panel:
    """One bar chart of the report: a bar per label, each with its value written beside it, on an axis that
    runs from 0 to ``limit`` (its ticks labelled when ``ticks`` are given)."""

    heading: str
    labels: list[str]
    values: list[float]
    value_labels: list[str]
    limit: float
    ticks: list[tuple[float, str]] = field(default_factory=list)


PERCENT_TICKS = [(float(p), f"{p}%") for p in (0, 25, 50, 75, 100)]


def _counts(heading: str, pairs: list[tuple[str, int]]) -> Panel:
    values = [float(n) for _, n in pairs]
    return Panel(heading, [label for label, _ in pairs], values, [str(n) for _, n in pairs],
                 max(values, default=0) * 1.2 + 1)


MATCHING_PARTIES_SHOWN = 8  # offering parties on the 供需对接 panel


def chart_panels(report: Report, names: dict[str, str]) -> list[Panel]:
    """The chart's eight panels: the funnel, needs by lead department, needs by type, on-time rate (in %, the axis
    0–100 %) and median time to claim (in hours, each bar labelled in its own unit) by department, agreements
    by kind with the amount; the matching funnel (匹配 → 双方有意 → 签约, and 不合适) and the matches per offering
    party (each labelled with its introductions and signings)."""
    rated = [(names.get(r.party_id, r.party_id), r.kept_rate) for r in report.records if r.kept_rate is not None]
    rates = [(label, rate * 100) for label, rate in rated[:10] if rate is not None]
    speeds = [(names.get(r.party_id, r.party_id), r.median_claim_days) for r in report.records
              if r.median_claim_days is not None]
    claim_days = [(label, days) for label, days in speeds[:10] if days is not None]
    hours = [days * 24 for _, days in claim_days]
    return [
        _counts(texts.CHART_FUNNEL, [(texts.FUNNEL_NAMES.get(s, s), n) for s, n in report.funnel]),
        _counts(texts.CHART_BY_LEAD, [(texts.lead_name(names, p), n) for p, n in report.by_department[:10]]),
        _counts(texts.CHART_BY_TYPE, [(texts.NEED_TYPE_NAMES.get(k, k), n) for k, n in report.by_type]),
        Panel(texts.CHART_KEPT_RATE, [label for label, _ in rates], [rate for _, rate in rates],
              [f"{rate:.0f}%" for _, rate in rates], 115, PERCENT_TICKS),
        Panel(texts.CHART_CLAIM_TIME, [label for label, _ in claim_days], hours,
              [texts.duration(days) for _, days in claim_days], max(hours, default=0) * 1.3 + 1),
        _counts(texts.chart_agreements(report.amount_yuan),
                [(texts.AGREEMENT_KIND_NAMES.get(k, k), n) for k, n in report.agreements_by_kind]),
        _counts(texts.CHART_MATCHING, texts.matching_stages(report.matching)),
        _matching_parties(report, names),
    ]


def _matching_parties(report: Report, names: dict[str, str]) -> Panel:
    shown = report.matching_by_party[:MATCHING_PARTIES_SHOWN]
    panel = _counts(texts.CHART_MATCHING_PARTIES, [(names.get(p, p), f.suggested) for p, f in shown])
    return replace(panel, value_labels=[texts.matching_bar(f) for _, f in shown],
                   limit=max(panel.values, default=0) * 1.8 + 1)  # room for the longer labels


@dataclass(frozen=True)
class RatesPanel:
    """The 三率 panel: for each unit (ranked, best first) its 响应率, 解决率 and 满意率 in %, a bar each; None where
    the unit has no figure for a rate (drawn as "—")."""

    heading: str
    labels: list[str]
    series: list[tuple[str, list[float | None]]]  # (the rate's name, a value per unit)


SCORECARD_SHOWN = 8  # units on the 三率 panel: the top of the ranking


def scorecard_panel(report: Report, names: dict[str, str], shown: int = SCORECARD_SHOWN) -> RatesPanel:
    """The chart's 三率 panel: the ranked units of the report's scorecard (the first ``shown``)."""
    ranked = sorted((s for s in report.scores if s.rank is not None), key=lambda s: s.rank or 0)[:shown]

    def percent(rate: float | None) -> float | None:
        return None if rate is None else rate * 100

    return RatesPanel(texts.CHART_SCORECARD, [names.get(s.party_id, s.party_id) for s in ranked], [
        (texts.RATE_NAMES[0], [percent(s.response_rate) for s in ranked]),
        (texts.RATE_NAMES[1], [percent(s.solve_rate) for s in ranked]),
        (texts.RATE_NAMES[2], [percent(s.satisfaction_rate) for s in ranked]),
    ])


def _draw_rates(ax: Axes, panel: RatesPanel, font: FontProperties) -> None:
    """Grouped bars: a group per unit, a bar per rate, each labelled with its percentage."""
    labels = panel.labels or [texts.NOBODY]
    width = 0.8 / len(panel.series)
    for k, ((name, values), color) in enumerate(zip(panel.series, RATE_COLORS, strict=True)):
        xs = [x + (k - (len(panel.series) - 1) / 2) * width for x in range(len(panel.labels))]
        ax.bar(xs, [v or 0.0 for v in values], width, label=name, color=color)
        for x, value in zip(xs, values, strict=True):
            ax.text(x, value or 0.0, texts.percent(None if value is None else value / 100), ha="center",
                    va="bottom", fontproperties=font)
    ax.set_xticks(list(range(len(labels))), labels, fontproperties=font)
    ax.set_xlim(-0.6, max(len(labels), 4) - 0.4)  # a lone unit's bars are not drawn a panel wide
    ax.set_ylim(0, 135)  # room above 100 % for the bars' labels and the legend
    ax.set_yticks([at for at, _ in PERCENT_TICKS], [label for _, label in PERCENT_TICKS])
    ax.set_title(panel.heading, fontproperties=font, fontsize=14)
    ax.legend(prop=font, loc="upper right", ncol=len(panel.series))


RATE_COLORS = ["#2b6cb0", "#2f855a", "#b7791f"]


def chart_figure(report: Report, names: dict[str, str], title: str) -> Figure:
    """The report's panels, two a row, the 三率 panel across the fourth row, and the 供需对接 panels below it."""
    font = _font()
    from matplotlib.figure import Figure  # here, not at import: matplotlib costs the bot's start-up 0.3 s
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=CHART_SIZE, dpi=CHART_DPI)
    figure.suptitle(title, fontproperties=font, fontsize=18)
    grid = figure.add_gridspec(5, 2)
    axes = [figure.add_subplot(grid[row, column]) for row in (0, 1, 2, 4) for column in range(2)]
    colors = ["#2b6cb0", "#2f855a", "#b7791f", "#c53030", "#6b46c1", "#2c7a7b", "#dd6b20", "#3182ce"]
    for ax, panel, color in zip(axes, chart_panels(report, names), colors, strict=True):
        labels = panel.labels or [texts.NOBODY]
        values = panel.values or [0.0]
        positions = range(len(labels))
        ax.barh(positions, values, color=color)
        ax.set_yticks(list(positions), labels, fontproperties=font)
        ax.invert_yaxis()
        ax.set_title(panel.heading, fontproperties=font, fontsize=14)
        for y, (value, text) in enumerate(zip(panel.values, panel.value_labels, strict=True)):
            ax.text(value, y, f" {text}", va="center", fontproperties=font)
        ax.set_xlim(0, panel.limit)
        if panel.ticks:
            ax.set_xticks([at for at, _ in panel.ticks], [label for _, label in panel.ticks])
        else:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts and hours: no 0.5 ticks
    _draw_rates(figure.add_subplot(grid[3, :]), scorecard_panel(report, names), font)
    figure.tight_layout(rect=(0, 0, 1, 0.96))
    return figure


def chart_png(report: Report, names: dict[str, str], title: str) -> bytes:
    """The report's chart as one PNG."""
    buffer = io.BytesIO()
    chart_figure(report, names, title).savefig(buffer, format="png")
    return buffer.getvalue()
