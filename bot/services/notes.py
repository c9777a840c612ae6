"""Notes: what people say about a need that is neither a promise nor a new need — the author's follow-ups, a
party's questions, refusals and progress — kept on the need for /status, the desks and the export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain import Actor, Need, Party, Refusal
from bot.domain.intents import NOTE_KINDS, Intent, Note
from bot.services.learning import Learner
from bot.services.work import Work


@dataclass(frozen=True)
class Noted:
    """A note was kept; ``redirect``: the party a refusal names as the right owner, when the sender could
    hand the need over to it (the bot offers that in one tap)."""

    note: Note
    redirect: Party | None = None


class Notes:
    def __init__(self, work: Work, learner: Learner) -> None:
        self.work, self.learner = work, learner

    async def add(self, need: Need, kind: Intent, author: Actor, text: str, message_id: int | None, at: datetime,
                  update_id: int | None) -> Noted | Refusal:
        if kind not in NOTE_KINDS:
            raise ValueError(f"{kind} is not a kind of note")
        async with self.work.unit(update_id, at, author) as unit:
            current = await unit.needs.get(need.id)
            if current is None or current.status == "withdrawn":
                return Refusal.NEED_WITHDRAWN  # nothing more is kept about a need nobody meant
            await unit.remember(author.person)
            party = await unit.bound_party(author.user_id)
            note = await unit.notes.add(need_id=need.id, chat_id=need.chat_id, kind=kind, author_id=author.user_id,
                                        party_id=party, message_id=message_id, text=text.strip(), at=at)
            if note is None:
                return Refusal.DUPLICATE_NOTE
            await unit.record("noted", chat_id=need.chat_id, need_id=need.id, note_kind=kind.value, note_id=note.id)
            redirect = None
            if kind is Intent.REFUSAL and party is not None and need.status == "open":
                # Only the lead's liaison is offered to hand the need over (an assisting party saying "not ours"
                # just steps back), and only to a party that is not the lead already.
                leads = any(r.active and r.role == "lead" and r.party_id == party
                            for r in await unit.routes.of_need(need.id))
                named = [p for p in self._named(text) if p != party]
                if leads and named:
                    redirect = self.learner.router.by_id(named[0])
        return Noted(note, redirect)

    def _named(self, text: str) -> list[str]:
        router = self.learner.router
        return [router.parties[i].id for i in sorted(router.mentioned(text))
                if router.parties[i].kind in ("department", "district")]

    async def of_need(self, need_id: int) -> list[Note]:
        async with self.work.read() as repos:
            return await repos.notes.of_need(need_id)
