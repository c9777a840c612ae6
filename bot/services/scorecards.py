"""The 三率 scorecard: every unit's 响应率, 解决率, 满意率 and on-time promise rate, with 重办, 退单 and the ranking —
for /kept, /report, the weekly report and the export (one reading of the records, the rules in bot.domain.duty)."""

from __future__ import annotations

from datetime import datetime

from bot.domain.duty import DutyLimits, UnitScore, scorecard
from bot.domain.metrics import kept_rates
from bot.domain.schedule import Policy
from bot.services.work import Repos, Work


class Scorecards:
    def __init__(self, work: Work, policy: Policy, limits: DutyLimits) -> None:
        self.work, self.policy, self.limits = work, policy, limits

    async def units(self, chat_id: int | None, now: datetime, since: datetime | None = None) -> list[UnitScore]:
        """Ranked scorecards over one chat (or all), for what began since ``since`` (a unit made lead, a verdict
        asked, a promise made), or for everything."""
        async with self.work.read() as repos:
            return await self.units_in(repos, chat_id, now, since)

    async def units_in(self, repos: Repos, chat_id: int | None, now: datetime,
                       since: datetime | None = None) -> list[UnitScore]:
        """:meth:`units`, read over ``repos`` (so that the export's sheets are one snapshot)."""
        needs = {n.id: n for n in await repos.needs.every(chat_id)}
        terms = await repos.lead_terms.all(chat_id)
        claim_times = await repos.claims.with_need_times(chat_id)
        verdicts = await repos.verdicts.all(chat_id)
        commitments = await repos.commitments.all(chat_id)
        claims = {(c.need_id, c.party_id): c.claimed_at for c, _ in claim_times}
        if since is not None:
            terms = [t for t in terms if t.started_at >= since]
            verdicts = [v for v in verdicts if v.asked_at >= since]
            commitments = [c for c in commitments if c.created_at >= since]
            claim_times = [(c, created) for c, created in claim_times if created >= since]
        records = kept_rates(commitments, claim_times, now, self.policy)
        return scorecard(needs, terms, claims, verdicts, records, now, self.policy, self.limits)
