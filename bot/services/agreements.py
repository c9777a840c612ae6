"""Agreements: what came of a need (a signing, an investment, a scenario opened), recorded on purpose — by
/agreement, or by pressing 记录成果 under an announcement the bot noticed. One deal is one agreement: a
report of a deal already recorded on the need (by command or button) records nothing and says which it is.
An announcement is matched to the need it is about by its content, against the sender's open needs."""

from __future__ import annotations

import re
from datetime import datetime

from bot.domain import Actor, Agreement, AgreementOffer, Need, Outcome, Refusal
from bot.domain.offers import MatchStage
from bot.services.learning import Learner
from bot.services.work import Access, Repos, Unit, Work
from nlp.outcomes import agreement_kind, contenders, parse_amount, same_deal

NEED_NUMBER = re.compile(r"#(\d{1,9})")
MAX_CHOICES = 5  # needs offered when an announcement fits several as well


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
        for offer in await unit.agreements.open_offers(need.id):  # its announcements are recorded with it
            if same_deal(offer.text, text):
                await unit.agreements.settle_offer(offer.id, agreement.id)
        await self._sign_match(unit, need, agreement)
        return agreement

    @staticmethod
    async def _sign_match(unit: Unit, need: Need, agreement: Agreement) -> None:
        """A deal that names the party of exactly one match on the need (not refused, not signed) is that match's
        signing (签约 in the matching funnel): a deal recorded with the matched party says both sides wanted it, so
        a match not yet answered by both counts as introduced (双方有意) too. One that names none is not guessed at."""
        candidates = [m for m in (await unit.matches.of_needs([need.id])).get(need.id, [])
                      if m.agreement_id is None and m.stage is not MatchStage.REFUSED]
        if not candidates or not agreement.parties:
            return
        offers = await unit.offers.many(m.offer_id for m in candidates)
        named = [m for m in candidates if offers[m.offer_id].party_id in agreement.parties]
        if len(named) == 1:
            if named[0].introduced_at is None:
                await unit.matches.introduce(named[0].id, unit.at)
            await unit.matches.sign(named[0].id, agreement.id)

    @staticmethod
    async def _recorded(repos: Repos, need: Need, text: str) -> Agreement | None:
        """The agreement of this need that already records the deal ``text`` tells of."""
        return next((a for a in await repos.agreements.of_need(need.id) if same_deal(a.text, text)), None)

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
            if (recorded := await self._recorded(unit, need, text)) is not None:
                return Outcome(Refusal.ALREADY_RECORDED, need=need, agreement=recorded)
            agreement = await self._add(unit, need, actor, text)
        return Outcome(need=need, agreement=agreement)

    async def offer(self, chat_id: int, actor: Actor, text: str, message_id: int | None,
                    replied_bot_message: int | None, at: datetime, update_id: int | None,
                    need_id: int | None = None) -> Outcome:
        """A message announcing a signing or an investment, kept as an offer to record: on the need it was said
        under (``need_id``: a reply to the need's message or a note on it, its topic), the need whose card it
        answers, the need "#N" in it names, or the sender's open need it is about (``needs``: several that fit
        as well, to ask which). ALREADY_RECORDED when the need has this deal already."""
        async with self.work.unit(update_id, at, actor) as unit:
            about = await unit.needs.get(need_id) if need_id is not None else None  # said under this need
            needs = [about] if about is not None and about.chat_id == chat_id else \
                await self.needs_announced(unit, chat_id, actor.user_id, text, replied_bot_message)
            if not needs:
                return Outcome(Refusal.NO_NEED_FOR_OFFER)
            if len(needs) == 1 and (recorded := await self._recorded(unit, needs[0], text)) is not None:
                return Outcome(Refusal.ALREADY_RECORDED, need=needs[0], agreement=recorded)
            offer = await unit.agreements.add_offer(need_id=needs[0].id, user_id=actor.user_id, text=text,
                                                    message_id=message_id, at=at)
        return Outcome(need=needs[0], offer=offer, needs=tuple(needs) if len(needs) > 1 else ())

    async def needs_announced(self, repos: Repos, chat_id: int, user_id: int, text: str,
                              replied_bot_message: int | None) -> list[Need]:
        """The need an announcement is about — the card it answers, the "#N" it names, else the sender's open
        need closest to it in content — or, when several of the sender's open needs fit as well, all of them
        (most likely first); none when the sender has no open need here."""
        need = await repos.needs.by_bot_message(chat_id, replied_bot_message) if replied_bot_message else None
        if need is None and (number := NEED_NUMBER.search(text)):
            need = await repos.needs.by_number(chat_id, int(number.group(1)))
        if need is not None:
            return [need]
        own = [n for n in await repos.needs.open_authored_by(user_id) if n.chat_id == chat_id]  # newest first
        if len(own) <= 1:
            return own
        router = self.learner.router
        vectors = [router.featurise(t, router.segmenter.cut(t)) for t in (text, *(n.text for n in own))]
        return [own[i] for i in contenders(vectors[0], vectors[1:])][:MAX_CHOICES]

    async def accept_offer(self, offer_id: int, actor: Actor, chat_id: int, at: datetime,
                           update_id: int | None, need_id: int | None = None) -> Outcome:
        """记录成果 under an offer (``need_id``: the need the sender chose among several). A deal the need has
        recorded already (by /agreement or another announcement) is not recorded again: ALREADY_RECORDED."""
        async with self.work.unit(update_id, at, actor) as unit:
            offer = await unit.agreements.offer(offer_id)
            need = await unit.needs.get(need_id if need_id is not None else offer.need_id) if offer else None
            if offer is None or need is None or need.chat_id != chat_id:
                return Outcome(Refusal.OFFER_NOT_FOUND)
            if need_id is not None and need_id != offer.need_id and (need.author_id != offer.user_id
                                                                     or need.status != "open"):
                return Outcome(Refusal.OFFER_NOT_FOUND)  # not among the needs it was offered for
            if actor.user_id != offer.user_id and not await self._may_record(unit, actor, need):
                return Outcome(Refusal.NOT_RECORDER, need=need)
            if offer.agreement_id is not None:
                return await self._already(unit, offer)
            if (recorded := await self._recorded(unit, need, offer.text)) is not None:
                await unit.agreements.settle_offer(offer.id, recorded.id, need.id)
                return Outcome(Refusal.ALREADY_RECORDED, need=need, agreement=recorded)
            agreement = await self._add(unit, need, actor, offer.text)
            await unit.agreements.settle_offer(offer.id, agreement.id, need.id)
        return Outcome(need=need, agreement=agreement)

    @staticmethod
    async def _already(repos: Repos, offer: AgreementOffer) -> Outcome:
        assert offer.agreement_id is not None
        agreement = await repos.agreements.get(offer.agreement_id)
        need = await repos.needs.get(agreement.need_id) if agreement else None
        return Outcome(Refusal.ALREADY_RECORDED, need=need, agreement=agreement)
