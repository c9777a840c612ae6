"""Reminders, overdue digests and escalations: what is due now, rendered, and recorded once sent.

``bot.domain.schedule`` says when each notice is due; this module reads the state it needs from the
database, renders the Chinese text and records what went out, so that a notice is sent once —
also across restarts: one that fell due while the bot was down goes out on the next run.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot import texts
from bot.domain import Commitment, Need
from bot.domain.challenges import deadline_notice
from bot.domain.duty import DutyLimits
from bot.domain.opportunities import monthly_notices, reported_month
from bot.domain.schedule import (
    Notice,
    Policy,
    claim_notices,
    commitment_reminders,
    digest,
    due_now,
    is_overdue,
    next_digest,
    next_time,
    next_weekly,
    resolve_notices,
    weekly,
    working_deadline,
)
from bot.services import reports
from bot.services.challenges import deadline_reached
from bot.services.monthly import Monthly
from bot.services.scorecards import Scorecards
from bot.services.work import Repos
from storage.challenges import ChallengeRepo
from storage.commitments import CommitmentRepo
from storage.db import Database
from storage.duty import LeadTermRepo
from storage.notices import NoticeRepo
from storage.parties import PartyRepo
from storage.people import PeopleRepo
from storage.routes import RouteRepo

MAX_WAIT = timedelta(minutes=5)  # the job looks again at least this often
WEEKLY_LATE_LIMIT = timedelta(days=1)


@dataclass(frozen=True)
class Outgoing:
    notice: Notice
    chat_ids: tuple[int, ...]
    text: str
    reply_to: int | None = None
    photo: bytes | None = None  # the weekly report's chart, sent after the text
    thread_id: int | None = None  # the need's forum topic, if it has one
    pick: tuple[int, tuple[int, ...]] | None = None  # 揭榜: (challenge, its bids) for the author's pick buttons
    photo_name: str = "weekly.png"
    document: tuple[str, bytes, str] | None = None  # (file name, content, caption): the monthly list's XLSX


class Notices:
    def __init__(self, db: Database, policy: Policy, admin_ids: frozenset[int], admin_chat_id: int | None,
                 limits: DutyLimits | None = None, *, scorecards: Scorecards, monthly: Monthly | None = None) -> None:
        """``scorecards``: the week's 三率 in the weekly report; ``monthly``: the monthly 场景机会清单."""
        self.db = db
        self.monthly = monthly
        self.limits = limits or DutyLimits()
        self.scorecards = scorecards
        self.policy = policy
        self.admin_ids = admin_ids
        self.admin_chat_id = admin_chat_id

    @property
    def admin_chats(self) -> tuple[int, ...]:
        """Where escalations and digests go: the admin chat, or each admin's private chat."""
        return (self.admin_chat_id,) if self.admin_chat_id is not None else tuple(sorted(self.admin_ids))

    async def _state(self, now: datetime) -> tuple[list[Notice], set[str], list[tuple[Need, Commitment]],
                                                   dict[int, tuple[Need, str | None, datetime]],
                                                   dict[int, tuple[Need, str, datetime, int]]]:
        async with self.db.read() as conn:
            # A resolved need's open promises are moot: no reminders, no digest lines.
            owed = [(need, c) for need, c in await CommitmentRepo(conn).pending() if need.status == "open"]
            terms = LeadTermRepo(conn)
            awaiting, led = await terms.awaiting_claim(), await terms.open_led()
            sent = await NoticeRepo(conn).sent_keys()
            challenges = await ChallengeRepo(conn).open()
            served = await PeopleRepo(conn).served_chats() if self.monthly is not None else []
        candidates = [n for _, c in owed for n in commitment_reminders(c, self.policy)]
        candidates += [n for n in (deadline_notice(c, self.policy) for c in challenges) if n is not None]
        # need id → (need, the lead that has not claimed it, its 签收 limit)
        unclaimed: dict[int, tuple[Need, str | None, datetime]] = {}
        for need, term, first in awaiting:
            since = term.started_at if term is not None else need.created_at
            unclaimed[need.id] = (need, term.party_id if term else None,
                                  working_deadline(since, self.policy.claim_days, self.policy))
            candidates += claim_notices(need, since, term.id if term else None, first, self.policy)
        # need id → (need, its lead, its 办结 limit, the limit in working days)
        open_led: dict[int, tuple[Need, str, datetime, int]] = {}
        for need, lead, since in led:
            days = self.limits.resolve_days_of(need.need_type)
            open_led[need.id] = (need, lead, working_deadline(since, days, self.policy), days)
            candidates += resolve_notices(need, since, days, self.policy)
        overdue = [(need, c) for need, c in owed if is_overdue(c, now, self.policy)]
        if overdue:
            candidates.append(digest(now, self.policy))
        this_week = weekly(now, self.policy)
        if now - this_week.at < WEEKLY_LATE_LIMIT:  # a report days late is old news: skip it
            candidates.append(this_week)
        if self.monthly is not None:  # each served group's list (the admin chat gets every group's instead)
            groups = [chat for chat in served if chat != self.admin_chat_id]
            candidates += [n for n in monthly_notices(now, self.policy, groups) if now - n.at < WEEKLY_LATE_LIMIT]
        return candidates, sent, overdue, unclaimed, open_led

    async def due(self, now: datetime) -> list[Outgoing]:
        """What should go out now (nothing in quiet hours), oldest first."""
        if self.policy.is_quiet(now):
            return []
        candidates, sent, overdue, unclaimed, open_led = await self._state(now)
        notices = due_now(candidates, sent, now)
        if not notices:
            return []
        async with self.db.read() as conn:
            commitments, routes, people = CommitmentRepo(conn), RouteRepo(conn), PeopleRepo(conn)
            names = {p.id: p.short_name for p in await PartyRepo(conn).all()}
            titles = await people.chat_titles()
            today = self.policy.local_day(now)
            # What the notices name, read set-wise: their commitments and needs, the liaisons, the routes.
            promised = await commitments.with_needs([n.commitment_id for n in notices if n.commitment_id is not None])
            liaisons = await people.persons(sorted({c.user_id for c, _ in promised.values()}))
            routed_to = await routes.of_needs(n.need_id for n in notices if n.kind in ("unclaimed", "claim")
                                              and n.need_id)
            leads = {lead for _, lead, _ in unclaimed.values() if lead} | {lead for _, lead, _, _ in open_led.values()}
            lead_liaisons = await people.liaisons_of(sorted(leads))
            outgoing = []
            for notice in notices:
                if notice.kind in ("before", "morning") and notice.commitment_id is not None:
                    found = promised.get(notice.commitment_id)
                    if found is None:
                        continue
                    commitment, need = found
                    if commitment.due_date is None or commitment.due_date < today or (
                            notice.kind == "before" and commitment.due_date == today):
                        # Fell due while the bot was down and is overtaken: the morning reminder (or,
                        # once past due, the admins' digest) says it now. Recorded, not sent.
                        outgoing.append(Outgoing(notice, (), ""))
                        continue
                    person = liaisons.get(commitment.user_id)
                    liaison = texts.mention_label(commitment.user_id, person.display_name if person else None)
                    outgoing.append(Outgoing(notice, (need.chat_id,),
                                             texts.reminder(notice.kind, commitment, need, liaison, today),
                                             commitment.message_id, thread_id=need.topic_id))
                elif notice.kind == "unclaimed" and notice.need_id in unclaimed:
                    need, lead, _ = unclaimed[notice.need_id]
                    routed = [names.get(r.party_id, r.party_id) for r in routed_to.get(need.id, []) if r.active]
                    outgoing.append(Outgoing(notice, self.admin_chats, texts.escalation(
                        need, titles.get(need.chat_id, str(need.chat_id)), self.policy.claim_days,
                        names.get(lead, lead) if lead else None, routed)))
                elif notice.kind == "claim" and notice.need_id in unclaimed:
                    need, lead, deadline = unclaimed[notice.need_id]
                    if lead is None:
                        continue
                    if deadline <= now:  # overtaken while the bot was down: the 督办 says it; recorded, not sent
                        outgoing.append(Outgoing(notice, (), ""))
                        continue
                    mentions = [texts.mention_label(p.user_id, p.display_name) for p in lead_liaisons.get(lead, ())]
                    outgoing.append(Outgoing(notice, (need.chat_id,), texts.claim_reminder(
                        need, names.get(lead, lead), mentions, deadline.astimezone(self.policy.timezone), today),
                        need.bot_message_id or need.message_id, thread_id=need.topic_id))
                elif notice.kind in ("resolve_before", "resolve_late") and notice.need_id in open_led:
                    need, lead, deadline, days = open_led[notice.need_id]
                    local = deadline.astimezone(self.policy.timezone)
                    if notice.kind == "resolve_before" and deadline <= now:  # overtaken while the bot was down:
                        outgoing.append(Outgoing(notice, (), ""))  # the 督办 says it now; recorded, not sent
                        continue
                    if notice.kind == "resolve_late":
                        outgoing.append(Outgoing(notice, self.admin_chats, texts.resolve_escalation(
                            need, titles.get(need.chat_id, str(need.chat_id)), names.get(lead, lead), days, local)))
                        continue
                    mentions = [texts.mention_label(p.user_id, p.display_name) for p in lead_liaisons.get(lead, ())]
                    outgoing.append(Outgoing(notice, (need.chat_id,), texts.resolve_reminder(
                        need, names.get(lead, lead), mentions, days, local, today),
                        need.bot_message_id or need.message_id, thread_id=need.topic_id))
                elif notice.kind == "challenge" and notice.need_id is not None:  # 揭榜 closed: the author picks
                    closed = await deadline_reached(Repos(conn), notice.need_id, today, self.policy.timezone)
                    if closed is None:  # decided or withdrawn meanwhile: recorded, not sent
                        outgoing.append(Outgoing(notice, (), ""))
                        continue
                    need, challenge, bids, text = closed
                    outgoing.append(Outgoing(notice, (need.chat_id,), text,
                                             challenge.message_id or need.bot_message_id, thread_id=need.topic_id,
                                             pick=(challenge.id, tuple(b.id for b in bids))))
                elif notice.kind == "digest":
                    items = [(need, c, names.get(c.party_id, c.party_id), titles.get(need.chat_id, str(need.chat_id)))
                             for need, c in overdue]
                    outgoing.append(Outgoing(notice, self.admin_chats, texts.digest(items, today)))
        # The weekly report reads the database itself: made after the read above is over (the lock is not
        # re-entrant).
        outgoing += [await self._weekly(notice, now) for notice in notices if notice.kind == "weekly"]
        outgoing += [await self._monthly(notice, now) for notice in notices if notice.kind == "monthly"]
        return outgoing

    async def _monthly(self, notice: Notice, now: datetime) -> Outgoing:
        """Last month's 场景机会清单: a group's own, every group's to the admins; not sent when there is nothing in
        it (no open offer, no match)."""
        assert self.monthly is not None
        files = await self.monthly.produce(notice.chat_id, reported_month(notice), now)
        if files.data.empty:
            return Outgoing(notice, (), "")  # recorded, not sent
        chats = (notice.chat_id,) if notice.chat_id is not None else self.admin_chats
        return Outgoing(notice, chats, files.text, photo=files.png, photo_name=files.png_name,
                        document=(files.xlsx_name, files.xlsx, files.caption))

    async def _weekly(self, notice: Notice, now: datetime) -> Outgoing:
        data = await reports.gather(self.db, None, "week", now, self.policy)
        data = replace(data, scores=await self.scorecards.units(None, now, data.since))
        async with self.db.read() as conn:
            names = {p.id: p.short_name for p in await PartyRepo(conn).all()}
        text = texts.weekly_report(data, names, texts.SCOPE_EVERYWHERE)
        chart = await asyncio.to_thread(reports.chart_png, data, names,
                                        texts.report_title(texts.SCOPE_EVERYWHERE, "week"))
        return Outgoing(notice, self.admin_chats, text, photo=chart)

    async def record(self, notice: Notice, now: datetime, outcome: str) -> bool:
        async with self.db.transaction() as conn:
            return await NoticeRepo(conn).record(notice.key, notice.kind, notice.at, now, outcome)

    async def next_run(self, now: datetime) -> datetime:
        """When to look again: the next notice's time, the next digest, or MAX_WAIT from now."""
        candidates, sent, _, _, _ = await self._state(now)
        times = [t for t in (next_time(candidates, sent, now), next_digest(now, self.policy).at,
                             next_weekly(now, self.policy).at) if t is not None]
        if self.monthly is not None:
            times.append(monthly_notices(now, self.policy, [], upcoming=True)[0].at)
        when = min([*times, now + MAX_WAIT])
        if self.policy.is_quiet(when):
            when = self.policy.outside_quiet(when)
        return when
