"""The commission's records as files: the report (summary and chart), the export, the database backup."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain.reports import Report
from bot.domain.schedule import Policy
from bot.services import exports, reports
from storage.db import Database


class Records:
    def __init__(self, db: Database, policy: Policy, timezone: ZoneInfo) -> None:
        self.db, self.policy, self.timezone = db, policy, timezone

    async def report(self, chat_id: int | None, period: str, now: datetime) -> Report:
        """What the matchmaking achieved in a period, in one chat or all (chat_id None)."""
        return await reports.gather(self.db, chat_id, period, now, self.policy)

    async def chart(self, report: Report, names: dict[str, str], title: str) -> bytes:
        """The report's PNG chart, drawn off the event loop (it takes ~0.5 s)."""
        return await asyncio.to_thread(reports.chart_png, report, names, title)

    async def export(self, chat_id: int | None, kind: str, now: datetime) -> tuple[str, bytes, dict[str, int]]:
        """(file name, content, rows per table): XLSX or a zip of CSV files, times local."""
        return await exports.export(self.db, chat_id, self.timezone, kind, self.local_day(now))

    async def backup(self, folder: Path, now: datetime) -> Path:
        """A consistent online copy of the whole database in ``folder``."""
        path = folder / f"matchbot-backup-{self.local_day(now)}.sqlite3"
        await self.db.backup_to(path)
        return path

    def local_day(self, now: datetime) -> str:
        return now.astimezone(self.timezone).date().isoformat()
