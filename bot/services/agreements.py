"""Agreements: what came of a need (a signing, an investment, a scenario opened), recorded on purpose — by
/agreement, or by pressing 记录成果 under an announcement the bot noticed."""

from __future__ import annotations

import re
from datetime import datetime

from bot.domain import Actor, Agreement, Need, Outcome, Refusal
from bot.services.learning import Learner
from bot.services.work import Access, Repos, Unit, Work
from nlp.outcomes import agreement_kind, parse_amount

NEED_NUMBER = re.compile(r"#(\d{1,9})")


class Agreements:
    def __init__(self, work: Work, access: Access, learner: Learner) -> None:
        self.work, self.access, self.learner = work, access, learner

    async def _may_record(self, repos: Repos, actor: Actor, need: Need) -> bool:
        """Admins, the need's author, and anyone bound to a party (liaisons, lab and fund members)."""
        if self.access.admits(actor, need.chat_id) or need.author_id == actor.user_id:
            return True
        return await repos.bound_party(actor.user_id) is not None

    async def _add(self, unit: Unit, need: Need, actor: Actor, text: str) -> Agreement:
        router = self.learner.router
        named = sorted(router.parties[i].id for i in router.mentioned(text))
        agreement = await unit.agreements.add(need_id=need.id, kind=agreement_kind(text),
                                              amount_yuan=parse_amount(text), parties=named, text=text,
                                              actor_id=actor.user_id, at=unit.at)
        await unit.record("agreement_recorded", chat_id=need.chat_id, need_id=need.id, agreement_id=agreement.id,
                          agreement_kind=agreement.kind, amount_yuan=agreement.amount_yuan)
        return agreement

    async def record(self, chat_id: int, number: int, actor: Actor, text: str, at: datetime,
                     update_id: int | None) -> Outcome:
        """/agreement N text: an outcome of need #N — kind and amount read from the text."""
        text = text.strip()
        if not text:
            return Outcome(Refusal.EMPTY_AGREEMENT)
        async with self.work.unit(update_id, at, actor) as unit:
            need = await unit.needs.by_number(chat_id, number)
            if need is None:
                return Outcome(Refusal.NEED_NOT_FOUND)
            if not await self._may_record(unit, actor, need):
                return Outcome(Refusal.NOT_RECORDER, need=need)
            agreement = await self._add(unit, need, actor, text)
        return Outcome(need=need, agreement=agreement)

    async def offer(self, chat_id: int, actor: Actor, text: str, message_id: int | None,
                    replied_bot_message: int | None, at: datetime, update_id: int | None) -> Outcome:
        """A message announcing a signing or an investment: which need it belongs to (the card it answers, a
        "#N" in it, or the sender's latest open need), kept as an offer to record."""
        async with self.work.unit(update_id, at, actor) as unit:
            need = await unit.needs.by_bot_message(chat_id, replied_bot_message) if replied_bot_message else None
            if need is None and (number := NEED_NUMBER.search(text)):
                need = await unit.needs.by_number(chat_id, int(number.group(1)))
            if need is None:
                need = await unit.needs.latest_open_by(chat_id, actor.user_id)
            if need is None:
                return Outcome(Refusal.NO_NEED_FOR_OFFER)
            offer = await unit.agreements.add_offer(need_id=need.id, user_id=actor.user_id, text=text,
                                                    message_id=message_id, at=at)
        return Outcome(need=need, offer=offer)

    async def accept_offer(self, offer_id: int, actor: Actor, chat_id: int, at: datetime,
                           update_id: int | None) -> Outcome:
        async with self.work.unit(update_id, at, actor) as unit:
            offer = await unit.agreements.offer(offer_id)
            need = await unit.needs.get(offer.need_id) if offer else None
            if offer is None or need is None or need.chat_id != chat_id:
                return Outcome(Refusal.OFFER_NOT_FOUND)
            if actor.user_id != offer.user_id and not await self._may_record(unit, actor, need):
                return Outcome(Refusal.NOT_RECORDER, need=need)
            if offer.agreement_id is not None:
                return Outcome(Refusal.ALREADY_RECORDED, need=need)
            agreement = await self._add(unit, need, actor, offer.text)
            await unit.agreements.settle_offer(offer.id, agreement.id)
        return Outcome(need=need, agreement=agreement)
