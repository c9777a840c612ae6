"""The commission's records as files: the report (summary, a month's themes, and chart), the export, the database
backup."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain.reports import Report
from bot.domain.schedule import Policy
from bot.domain.themes import Theme
from bot.services import exports, offer_exports, reports, scoresheets
from bot.services.scorecards import Scorecards
from nlp.themes import find_themes
from storage.db import Database
from storage.parties import PartyRepo
from storage.reports import need_rows


class Records:
    def __init__(self, db: Database, policy: Policy, timezone: ZoneInfo, cut: Callable[[str], list[str]],
                 scorecards: Scorecards) -> None:
        """``cut``: the router's segmenter, for the month's themes; ``scorecards``: the 三率 in reports and exports."""
        self.db, self.policy, self.timezone, self.cut = db, policy, timezone, cut
        self.scorecards = scorecards

    async def report(self, chat_id: int | None, period: str, now: datetime) -> Report:
        """What the matchmaking achieved in a period, in one chat or all (chat_id None); a month's report also
        names the month's themes (本月热点). Every report carries the period's 三率 scorecard."""
        report = await reports.gather(self.db, chat_id, period, now, self.policy)
        report = replace(report, scores=await self.scorecards.units(chat_id, now, report.since))
        if period == "month" and report.since is not None:
            report = replace(report, themes=await self.themes(chat_id, report.since))
        return report

    async def themes(self, chat_id: int | None, since: datetime) -> list[Theme]:
        """The needs registered since ``since`` clustered into named themes, off the event loop (CPU work:
        ~0.1 s for a hundred needs)."""
        async with self.db.read() as conn:
            needs = await need_rows(conn, chat_id, since)
            parties = await PartyRepo(conn).all(enabled_only=False)
        names = {name for party in parties for name in (party.name, *party.aliases)}
        return await asyncio.to_thread(find_themes, [(n["text"], n["lead"]) for n in needs], self.cut, names)

    async def chart(self, report: Report, names: dict[str, str], title: str) -> bytes:
        """The report's PNG chart, drawn off the event loop (it takes ~0.5 s)."""
        return await asyncio.to_thread(reports.chart_png, report, names, title)

    async def export(self, chat_id: int | None, kind: str, now: datetime) -> tuple[str, bytes, dict[str, int]]:
        """(file name, content, rows per table): XLSX or a zip of CSV files, times local; with the duty sheets
        (成绩单, 评价, 牵头记录) and the matchmaking's (供给清单, 对接)."""
        duty = await scoresheets.duty_tables(self.scorecards, chat_id, now, self.timezone)
        matching = await offer_exports.export_tables(self.db, chat_id, self.timezone, self.policy.local_day(now))
        return await exports.export(self.db, chat_id, self.timezone, kind, self.local_day(now), duty | matching)

    async def backup(self, folder: Path, now: datetime) -> Path:
        """A consistent online copy of the whole database in ``folder``."""
        path = folder / f"matchbot-backup-{self.local_day(now)}.sqlite3"
        await self.db.backup_to(path)
        return path

    def local_day(self, now: datetime) -> str:
        return now.astimezone(self.timezone).date().isoformat()
