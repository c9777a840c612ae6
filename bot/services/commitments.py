"""Commitments: a liaison's promise on a need, dated from its words; reported kept, confirmed or disputed by
whoever it was made to, withdrawn; what is overdue, and each party's record of keeping them."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from bot.domain import (
    Actor,
    Commitment,
    Need,
    Outcome,
    Refusal,
    Route,
    active_routes,
    may_confirm,
    may_mark_done,
)
from bot.domain.metrics import PartyRecord, kept_rates
from bot.domain.schedule import UNDO_WINDOW, Policy
from bot.domain.views import DUE_REFUSALS
from bot.services.work import Access, Unit, Work
from nlp.dates import read_due


class Commitments:
    def __init__(self, work: Work, access: Access, timezone: tzinfo) -> None:
        self.work, self.access, self.timezone = work, access, timezone

    def local_day(self, at: datetime) -> date:
        return at.astimezone(self.timezone).date()

    async def commit(self, need: Need, actor: Actor, text: str, sent_at: datetime, message_id: int | None,
                     update_id: int | None) -> Outcome:
        """A liaison's promise on a need: dated from the text against the message's own local time. A date that
        cannot be its due date (past, unreadable, too far) leaves it undated: the outcome's ``due`` says why, and
        the bot asks for the date again."""
        text = text.strip()
        if not text:
            return Outcome(Refusal.EMPTY_COMMITMENT, need=need)
        reading = read_due(text, sent_at.astimezone(self.timezone))
        due = reading.usable
        async with self.work.unit(update_id, sent_at, actor) as unit:
            current = await unit.open_need(need.id)
            if isinstance(current, Refusal):
                return Outcome(current, need=need)
            own = await unit.bound_party(actor.user_id)
            if own is None:
                return Outcome(Refusal.NOT_BOUND, need=current)
            party = await unit.parties.get(own)
            if not any(r.party_id == own for r in active_routes(await unit.routes.of_need(current.id))):
                # A party that steps in by promising is added as an assisting party.
                await unit.routes.add_many([Route(current.id, own, "assist", 0.0, "commit")], sent_at)
            if await unit.claims.add(current.id, own, actor.user_id, sent_at):
                await unit.record("claimed", chat_id=current.chat_id, need_id=current.id, party_id=own,
                                  by="commitment")
            await unit.remember(actor.person)
            commitment = await unit.commitments.add(need_id=current.id, party_id=own, user_id=actor.user_id,
                                                    text=text, due_date=due, at=sent_at, message_id=message_id)
            refused = {"due_refused": reading.problem.value, "due_words": reading.phrase} if reading.problem else {}
            await unit.record("committed", chat_id=current.chat_id, need_id=current.id, commitment_id=commitment.id,
                              party_id=own, due_date=due.isoformat() if due else None, **refused)
        return Outcome(need=current, party=party, commitment=commitment, due=reading)

    async def undo(self, commitment_id: int, actor: Actor, at: datetime, update_id: int | None) -> Outcome:
        """A promise recorded by mistake, undone by whoever made it from its confirmation within UNDO_MINUTES:
        it never existed for the kept-rate (it is not a withdrawn promise); the audit keeps what was undone."""
        async with self.work.unit(update_id, at, actor) as unit:
            found = await unit.commitments.with_need(commitment_id)
            if found is None:
                return Outcome(Refusal.COMMITMENT_NOT_FOUND)
            commitment, need = found
            if commitment.user_id != actor.user_id:
                return Outcome(Refusal.UNDO_NOT_MAKER, need=need, commitment=commitment)
            if commitment.status != "open" or commitment.reported_at is not None:
                return Outcome(Refusal.ALREADY_SETTLED, need=need, commitment=commitment)
            if at - commitment.created_at > UNDO_WINDOW:
                return Outcome(Refusal.UNDO_EXPIRED, need=need, commitment=commitment)
            await unit.commitments.delete(commitment.id)
            # What the promise brought along goes with it: the claim and the assisting route it made.
            made = commitment.created_at
            unclaimed = await unit.claims.remove_if(need.id, commitment.party_id, commitment.user_id, made)
            unrouted = await unit.routes.remove_if(need.id, commitment.party_id, "commit", made)
            await unit.record("commitment_undone", chat_id=need.chat_id, need_id=need.id, commitment_id=commitment.id,
                              party_id=commitment.party_id, text=commitment.text, claim_undone=unclaimed,
                              route_undone=unrouted)
        return Outcome(need=need, commitment=commitment)

    async def attach_date_question(self, commitment_id: int, bot_message_id: int) -> None:
        """The bot asked for the date of an undated promise in this message: a reply to it gives the date."""
        async with self.work.write() as repos:
            await repos.commitments.set_prompt_message(commitment_id, bot_message_id)

    async def attach_report(self, commitment_id: int, bot_message_id: int) -> None:
        async with self.work.write() as repos:
            await repos.commitments.set_report_message(commitment_id, bot_message_id)

    async def set_due(self, commitment_id: int, actor: Actor, chat_id: int, text: str, sent_at: datetime,
                      update_id: int | None) -> Outcome:
        """/due N date (or a reply to the bot's question): the date of a promise made in this chat. On an undated
        promise it sets the date ("due_set"); a dated one is changed only by an admin's correction, audited with
        both dates ("due_changed") — the outcome's ``previous_due`` is the date before; a liaison asks for 延期.
        A date that cannot be a due date is refused and nothing changes; a promise kept or withdrawn keeps the
        date it was judged by."""
        reading = read_due(text, sent_at.astimezone(self.timezone))
        async with self.work.unit(update_id, sent_at, actor) as unit:
            found = await self._owned(unit, commitment_id, chat_id, actor)
            if isinstance(found, Outcome):
                return found
            commitment, need = found
            if commitment.settled:
                return Outcome(Refusal.ALREADY_SETTLED, commitment=commitment, need=need)
            if commitment.due_date is not None and not self.access.admits(actor, need.chat_id):
                # A dated promise moves only by an approved 延期 (bot.services.extensions); admins may correct it.
                return Outcome(Refusal.DUE_NEEDS_EXTENSION, commitment=commitment, need=need)
            if reading.problem is not None:
                return Outcome(DUE_REFUSALS[reading.problem], commitment=commitment, need=need, due=reading)
            due, before = reading.usable, commitment.due_date
            if due is None:
                return Outcome(Refusal.NO_DATE, commitment=commitment, need=need, due=reading)
            if due == before:  # the same date again: nothing to change or audit
                return Outcome(commitment=commitment, need=need, due=reading, previous_due=before)
            await unit.commitments.set_due_date(commitment.id, due)
            if before is None:
                await unit.record("due_set", chat_id=need.chat_id, need_id=need.id, commitment_id=commitment.id,
                                  due_date=due.isoformat())
            else:
                await unit.record("due_changed", chat_id=need.chat_id, need_id=need.id, commitment_id=commitment.id,
                                  from_date=before.isoformat(), to_date=due.isoformat())
            commitment = await unit.commitments.get(commitment.id) or commitment
        return Outcome(commitment=commitment, need=need, due=reading, previous_due=before)

    async def chat_of(self, commitment_id: int) -> int | None:
        """The chat of the need a commitment belongs to (buttons in a private chat act there)."""
        async with self.work.read() as repos:
            found = await repos.commitments.with_need(commitment_id)
        return found[1].chat_id if found else None

    @staticmethod
    async def _in_chat(unit: Unit, commitment_id: int, chat_id: int) -> tuple[Commitment, Need] | Refusal:
        """The commitment and its need, when the need is in this chat (ids are global, numbers per chat)."""
        found = await unit.commitments.with_need(commitment_id)
        if found is None or found[1].chat_id != chat_id:
            return Refusal.COMMITMENT_NOT_FOUND
        return found

    async def _owned(self, unit: Unit, commitment_id: int, chat_id: int,
                     actor: Actor) -> tuple[Commitment, Need] | Outcome:
        """The commitment and its need when it is in this chat and the actor may act on it (the liaison who
        made it, anyone of the same party, or an admin); otherwise the refusal."""
        found = await self._in_chat(unit, commitment_id, chat_id)
        if isinstance(found, Refusal):
            return Outcome(found)
        commitment, need = found
        if not may_mark_done(actor.user_id, commitment, await unit.bound_party(actor.user_id),
                             self.access.admits(actor, need.chat_id)):
            return Outcome(Refusal.NOT_COMMITMENT_OWNER, commitment=commitment, need=need)
        return found

    async def _changed(self, unit: Unit, event: str, need: Need, commitment: Commitment) -> Outcome:
        """Audit a change to a commitment and read it back with its party."""
        await unit.record(event, chat_id=need.chat_id, need_id=need.id, commitment_id=commitment.id)
        commitment = await unit.commitments.get(commitment.id) or commitment
        return Outcome(commitment=commitment, need=need, party=await unit.parties.get(commitment.party_id))

    async def done(self, commitment_id: int, actor: Actor, chat_id: int, at: datetime,
                   update_id: int | None) -> Outcome:
        """The liaison says a promise is kept: it waits for the need author's (or an admin's) confirmation —
        the commitment comes back "reported". An admin's /done is kept and confirmed at once — "done"."""
        async with self.work.unit(update_id, at, actor) as unit:
            found = await self._owned(unit, commitment_id, chat_id, actor)
            if isinstance(found, Outcome):
                return found
            commitment, need = found
            admin = self.access.admits(actor, need.chat_id)
            if commitment.status == "cancelled":
                return Outcome(Refusal.COMMITMENT_CANCELLED, commitment=commitment, need=need)
            confirm_now = admin or may_confirm(actor.user_id, need, admin)
            if confirm_now:
                changed = await unit.commitments.mark_done(commitment.id, at, actor.user_id)
            else:
                changed = await unit.commitments.mark_reported(commitment.id, at, actor.user_id)
            if not changed:
                return Outcome(Refusal.ALREADY_SETTLED, commitment=commitment, need=need)
            return await self._changed(unit, "commitment_done" if confirm_now else "commitment_reported", need,
                                       commitment)

    async def confirm(self, commitment_id: int, actor: Actor, chat_id: int, kept: bool, at: datetime,
                      update_id: int | None) -> Outcome:
        """The need's author (or an admin) confirms a reported promise as kept ("done"), or disputes it (it is
        "open" again, and overdue if its date has passed)."""
        async with self.work.unit(update_id, at, actor) as unit:
            found = await self._in_chat(unit, commitment_id, chat_id)
            if isinstance(found, Refusal):
                return Outcome(found)
            commitment, need = found
            if not may_confirm(actor.user_id, need, self.access.admits(actor, need.chat_id)):
                return Outcome(Refusal.NOT_CONFIRMER, commitment=commitment, need=need)
            repo = unit.commitments
            if not await (repo.confirm(commitment.id, at, actor.user_id) if kept else repo.reopen(commitment.id)):
                return Outcome(Refusal.ALREADY_SETTLED, commitment=commitment, need=need)
            return await self._changed(unit, "commitment_confirmed" if kept else "commitment_disputed", need,
                                       commitment)

    async def cancel(self, commitment_id: int, actor: Actor, chat_id: int, at: datetime,
                     update_id: int | None) -> Outcome:
        """Withdrawn by its liaison (or party) or an admin: no reminders, not counted as broken."""
        async with self.work.unit(update_id, at, actor) as unit:
            found = await self._owned(unit, commitment_id, chat_id, actor)
            if isinstance(found, Outcome):
                return found
            commitment, need = found
            if not await unit.commitments.cancel(commitment.id, at, actor.user_id):
                return Outcome(Refusal.ALREADY_SETTLED, commitment=commitment, need=need)
            return await self._changed(unit, "commitment_cancelled", need, commitment)

    async def overdue(self, chat_id: int, now: datetime) -> tuple[list[tuple[Need, Commitment]],
                                                                   list[tuple[Need, Commitment]]]:
        """(dated commitments past due, undated open commitments) in this chat."""
        async with self.work.read() as repos:
            return (await repos.commitments.overdue(chat_id, self.local_day(now)),
                    await repos.commitments.undated_open(chat_id))

    async def kept_rates(self, chat_id: int | None, now: datetime, policy: Policy) -> list[PartyRecord]:
        """Per party: promises made and kept, and claim response times, in one chat or all."""
        async with self.work.read() as repos:
            return kept_rates(await repos.commitments.all(chat_id), await repos.claims.with_need_times(chat_id),
                              now, policy)
