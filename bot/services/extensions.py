"""延期: a liaison asks for a later due date before the old one passes (/extend, or 申请延期 on the reminder and a
reply to the bot's question); the admins approve or refuse. Only an approved request moves the date; every request
stays in the history (and the export) with both dates, the reason, who asked and decided, and when."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from bot import texts
from bot.domain import Actor, Commitment, Need, Outcome, Refusal
from bot.domain.extensions import extension_date_refusal, may_ask_extension
from bot.domain.model import Extension
from bot.services.work import Access, Repos, Work
from nlp.dates import read_date_and_reason


class Extensions:
    def __init__(self, work: Work, access: Access, timezone: tzinfo) -> None:
        self.work, self.access, self.timezone = work, access, timezone

    def _today(self, at: datetime) -> date:
        return at.astimezone(self.timezone).date()

    @staticmethod
    async def _promise(repos: Repos, commitment_id: int, chat_id: int) -> tuple[Commitment, Need] | Outcome:
        """The promise and its need when it is in this chat and its need still open."""
        found = await repos.commitments.with_need(commitment_id)
        if found is None or found[1].chat_id != chat_id:
            return Outcome(Refusal.COMMITMENT_NOT_FOUND)
        commitment, need = found
        if need.status != "open":
            return Outcome(Refusal.NEED_WITHDRAWN if need.status == "withdrawn" else Refusal.NEED_RESOLVED,
                           commitment=commitment, need=need)
        return found

    async def may_ask(self, commitment_id: int, actor: Actor, chat_id: int, at: datetime) -> Outcome:
        """申请延期 pressed: may this person ask now? (Nothing is written; the request is their reply.)"""
        async with self.work.read() as repos:
            found = await self._promise(repos, commitment_id, chat_id)
            if isinstance(found, Outcome):
                return found
            commitment, need = found
            refused, pending = await self._may_ask(repos, commitment, actor, at)
        return Outcome(refused, commitment=commitment, need=need, extension=pending)

    async def _may_ask(self, repos: Repos, commitment: Commitment, actor: Actor,
                       at: datetime) -> tuple[Refusal | None, Extension | None]:
        """Why this person may not ask to move this promise's date now (None: they may), and the request already
        waiting, if any."""
        pending = await repos.extensions.pending_of(commitment.id)
        return may_ask_extension(commitment, await repos.bound_party(actor.user_id), self._today(at),
                                 pending is not None), pending

    async def ask(self, commitment_id: int, actor: Actor, chat_id: int, text: str, sent_at: datetime,
                  message_id: int | None, update_id: int | None) -> Outcome:
        """/extend N 日期 理由 (or the reply to the bot's question): the request, waiting for the admins."""
        reading, reason = read_date_and_reason(text, sent_at.astimezone(self.timezone))
        async with self.work.unit(update_id, sent_at, actor) as unit:
            found = await self._promise(unit, commitment_id, chat_id)
            if isinstance(found, Outcome):
                return found
            commitment, need = found
            refused, pending = await self._may_ask(unit, commitment, actor, sent_at)
            refused = refused or extension_date_refusal(commitment, reading, reason)
            if refused is not None:
                return Outcome(refused, commitment=commitment, need=need, extension=pending, due=reading)
            assert commitment.due_date is not None and reading.usable is not None  # checked just above
            await unit.remember(actor.person)
            extension = await unit.extensions.add(commitment_id=commitment.id, by=actor.user_id, at=sent_at,
                                                  from_date=commitment.due_date, to_date=reading.usable,
                                                  reason=reason.strip(), message_id=message_id)
            await unit.record("extension_requested", chat_id=need.chat_id, need_id=need.id,
                              commitment_id=commitment.id, extension_id=extension.id,
                              from_date=extension.from_date.isoformat(), to_date=extension.to_date.isoformat(),
                              reason=extension.reason)
        return Outcome(commitment=commitment, need=need, extension=extension, due=reading)

    async def decide(self, extension_id: int, actor: Actor, approve: bool, at: datetime,
                     update_id: int | None) -> Outcome:
        """批准 / 驳回 by an admin: on approval the promise's date becomes the one asked for (its reminders follow
        the new date); on refusal it stays. A promise kept or withdrawn meanwhile can only be refused."""
        async with self.work.unit(update_id, at, actor) as unit:
            extension = await unit.extensions.get(extension_id)
            found = await unit.commitments.with_need(extension.commitment_id) if extension is not None else None
            if extension is None or found is None:
                return Outcome(Refusal.EXTENSION_NOT_FOUND)
            commitment, need = found
            if not self.access.admits(actor, need.chat_id):
                return Outcome(Refusal.NOT_ADMIN, commitment=commitment, need=need, extension=extension)
            if not extension.pending:
                return Outcome(Refusal.ALREADY_DECIDED, commitment=commitment, need=need, extension=extension)
            if approve and commitment.status != "open":
                return Outcome(Refusal.ALREADY_SETTLED, commitment=commitment, need=need, extension=extension)
            await unit.extensions.decide(extension.id, approve, actor.user_id, at)
            if approve:
                await unit.commitments.set_due_date(commitment.id, extension.to_date)
            await unit.record("extension_approved" if approve else "extension_refused", chat_id=need.chat_id,
                              need_id=need.id, commitment_id=commitment.id, extension_id=extension.id,
                              from_date=extension.from_date.isoformat(), to_date=extension.to_date.isoformat())
            extension = await unit.extensions.get(extension.id) or extension
            commitment = await unit.commitments.get(commitment.id) or commitment
        return Outcome(commitment=commitment, need=need, extension=extension)

    async def for_admins(self, outcome: Outcome) -> str:
        """The request as the admins get it: where, whose promise, both dates, the reason, earlier extensions."""
        extension, commitment, need = outcome.extension, outcome.commitment, outcome.need
        assert extension is not None and commitment is not None and need is not None  # a request made
        async with self.work.read() as repos:
            party = await repos.parties.get(commitment.party_id)
            titles = await repos.people.chat_titles()
            approved = sum(e.status == "approved" for e in await repos.extensions.of_commitment(commitment.id))
            liaison = await self._label(repos, extension.requested_by)
        name = party.short_name if party else commitment.party_id
        title = titles.get(need.chat_id, str(need.chat_id))
        return texts.extension_for_admins(extension, commitment, need, name, liaison, title, approved)

    async def decided(self, outcome: Outcome, admin: Actor) -> tuple[str, str]:
        """(what the group is told, the admins' copy of the request) once decided."""
        extension, commitment, need = outcome.extension, outcome.commitment, outcome.need
        assert extension is not None and commitment is not None and need is not None  # a decision made
        async with self.work.read() as repos:
            liaison = await self._label(repos, extension.requested_by)
        return (texts.extension_decided(extension, commitment, need, liaison),
                texts.extension_decided_for_admins(extension, commitment, need,
                                                   texts.mention_label(admin.user_id, admin.display_name)))

    @staticmethod
    async def _label(repos: Repos, user_id: int) -> str:
        person = (await repos.people.persons([user_id])).get(user_id)
        return texts.mention_label(user_id, person.display_name if person else None)

    async def attach_question(self, chat_id: int, message_id: int, commitment_id: int) -> None:
        """The bot asked for the new date and reason in this message: a reply to it is the request."""
        async with self.work.write() as repos:
            await repos.extensions.add_prompt(chat_id, message_id, commitment_id)

    async def asked_in(self, chat_id: int, message_id: int) -> int | None:
        """The promise whose 延期 question this bot message is, if it is one."""
        async with self.work.read() as repos:
            return await repos.extensions.prompted(chat_id, message_id)
