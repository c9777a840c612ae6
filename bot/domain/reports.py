"""What a report on the matchmaking holds (counted by the reports use case, worded by texts, drawn as a chart)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.domain.duty import UnitScore
from bot.domain.metrics import PartyRecord
from bot.domain.offers import Funnel
from bot.domain.themes import Theme

PERIODS = {"week": timedelta(days=7), "month": timedelta(days=30), "all": None}


@dataclass(frozen=True)
class Report:
    since: datetime | None
    funnel: list[tuple[str, int]]  # stage (needs → claimed → committed → kept → resolved), count
    by_department: list[tuple[str, int]]  # party id of the lead, count (most first)
    by_type: list[tuple[str, int]]
    records: list[PartyRecord] = field(default_factory=list)
    agreements: int = 0
    amount_yuan: int = 0
    agreements_by_kind: list[tuple[str, int]] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)  # 本月热点: only in a month's report, largest first
    scores: list[UnitScore] = field(default_factory=list)  # the 三率 scorecard of the period, ranked
    seconded: tuple[int, int] = (0, 0)  # 附议: (needs merged into the period's needs, how many needs they joined)
    # 供需对接: the matches made in the period (of needs not withdrawn), through 匹配 → 双方有意 → 签约, and the
    # same per offering party (most signed first)
    matching: Funnel = field(default_factory=Funnel)
    matching_by_party: list[tuple[str, Funnel]] = field(default_factory=list)
