"""Matching both ways and the handshake. A new need is matched against the open offers (up to three appear on its
card as 可对接, naming the offering party's people); a new offer is matched against the open needs (its owner gets
up to five). Each side answers 感兴趣 or 不合适 once: the first 感兴趣 asks the other side, both → an introduction
(双方有意), a signing recorded against it → 签约. A pair is suggested once (the matches table's UNIQUE pair), and
at most MATCHES_PER_DAY suggestions reach one party a day (local day).

The matcher (nlp.matching) is fitted on the open offers and what the handshakes taught, in a worker thread, and
fitted again when either changed (a one-row fingerprint read per use)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime, time, tzinfo
from time import monotonic

from bot.domain import Actor, Need, NeedView, Person, Refusal
from bot.domain.duplicates import co_requester_ids
from bot.domain.offers import (
    Answer,
    Match,
    MatchView,
    Offer,
    OfferKind,
    OfferMatches,
    Side,
    Step,
    after_answer,
    cap_left,
)
from bot.domain.views import Handshake
from bot.services.views import NeedViews
from bot.services.work import Access, Repos, Unit, Work
from bot.texts.matching import signing_text
from nlp.matching import SHOW_NEEDS, SHOW_OFFERS, Hit, Matcher, OfferText
from nlp.segment import Segmenter

# What a signing recorded from an introduction is, by the kind of offer (an agreements.kind).
SIGNING_KINDS = {OfferKind.SCENARIO: "scenario", OfferKind.CAPABILITY: "cooperation",
                 OfferKind.INVESTMENT: "financing"}


log = logging.getLogger(__name__)


CHECK_EVERY = 5.0  # seconds: how often a new need's matching asks whether the offers changed (one small read)


class Matchmaking:
    def __init__(self, work: Work, access: Access, views: NeedViews, segmenter: Callable[[], Segmenter],
                 per_day: int, zone: tzinfo) -> None:
        self.work, self.access, self.views = work, access, views
        self.segmenter, self.per_day, self.zone = segmenter, per_day, zone
        self._lock = asyncio.Lock()
        self._fitted: tuple[tuple[object, ...], Matcher, dict[int, Offer]] | None = None
        self._checked = 0.0  # monotonic time of the last look at the fingerprint
        self._refit: asyncio.Task[object] | None = None  # a refit in the background (new needs use the last fit)

    async def matcher(self) -> tuple[Matcher, dict[int, Offer]]:
        """The matcher over the offers open today (their shipped examples left out until edited), refitted (off
        the event loop) now when offers or answers changed: what a new offer's matching and start-up wait for."""
        async with self.work.read() as repos:
            fingerprint = (*await repos.matches.fingerprint(), self._today())
            self._checked = monotonic()
            if self._fitted is not None and self._fitted[0] == fingerprint:
                return self._fitted[1], self._fitted[2]
            today = self._today()
            offers = {o.id: o for o in await repos.offers.listed() if o.current(today) and not o.example}
            feedback = await repos.matches.labelled()
        async with self._lock:
            if self._fitted is None or self._fitted[0] != fingerprint:
                texts = [OfferText(o.id, o.party_id, o.kind.value, o.title, o.matching_text) for o in offers.values()]
                matcher = await asyncio.to_thread(Matcher, self.segmenter().cut, texts, feedback)
                self._fitted = (fingerprint, matcher, offers)
            return self._fitted[1], self._fitted[2]

    async def _last(self) -> Matcher:
        """What a new need is matched with: the last fit, at once. Every CHECK_EVERY seconds (and after a change
        this process made: :meth:`changed`) it is refitted in the background when the offers or answers changed —
        a need never waits for a fit but the very first one."""
        if self._fitted is None:
            return (await self.matcher())[0]
        if monotonic() - self._checked >= CHECK_EVERY and (self._refit is None or self._refit.done()):
            self._checked = monotonic()
            self._refit = asyncio.create_task(self._refit_quietly())
        return self._fitted[1]

    async def _refit_quietly(self) -> None:
        try:
            await self.matcher()
        except Exception:  # the last fit keeps serving; the next check tries again
            log.exception("refitting the matcher failed")

    def changed(self) -> None:
        """Offers or answers changed here: the next new need starts a refit."""
        self._checked = 0.0

    def _answerable(self, offer: Offer, at: datetime, people: dict[str, list[Person]]) -> bool:
        """An offer is suggested while it is open, not a shipped example, and its party has someone to answer."""
        return offer.current(at.astimezone(self.zone).date()) and not offer.example and bool(people.get(offer.party_id))

    def _today(self) -> date:
        return datetime.now(self.zone).date()

    def _day_start(self, at: datetime) -> datetime:
        local = at.astimezone(self.zone)
        return datetime.combine(local.date(), time(0), tzinfo=self.zone)

    async def hits_for(self, text: str) -> list[Hit]:
        """Offers a need's words fit, best first (before its unit of work: the cap is applied inside it). More than
        the card shows, so that an offer of a party at its cap leaves room for the next. Matching is a suggestion:
        when it fails the need is registered all the same, without one (and the failure logged)."""
        try:
            return (await self._last()).match(text, limit=SHOW_OFFERS * 3)
        except Exception:
            log.exception("matching a new need failed; it is registered without matches")
            return []

    async def suggest_for_need(self, unit: Unit, need: Need, hits: Sequence[Hit],
                               own_party: str | None) -> tuple[MatchView, ...]:
        """In the new need's unit of work: its 可对接 (at most three), within each party's daily cap; an offer of
        the author's own party is not suggested to them."""
        if not hits:
            return ()
        offers = await unit.offers.many(int(h.id) for h in hits)
        people = await unit.people.liaisons_of(sorted({o.party_id for o in offers.values()}))
        start, made, sent = self._day_start(unit.at), [], {}
        for hit in hits:
            offer = offers.get(int(hit.id))
            if offer is None or not self._answerable(offer, unit.at, people) or offer.party_id == own_party:
                continue
            if offer.party_id not in sent:
                sent[offer.party_id] = await unit.matches.sent_to_party_since(offer.party_id, start)
            if not cap_left(sent[offer.party_id], self.per_day):
                continue
            match = await unit.matches.add(need_id=need.id, offer_id=offer.id, score=hit.score, reason=hit.reason,
                                           origin=Side.NEED, at=unit.at)
            if match is None:
                continue
            sent[offer.party_id] += 1
            made.append(match)
            await unit.record("match_suggested", chat_id=need.chat_id, need_id=need.id, offer_id=offer.id,
                              party=offer.party_id, score=round(hit.score, 2), origin="need")
            if len(made) == SHOW_OFFERS:
                break
        return tuple(await self.views.match_lines(unit, made, offers))

    async def rematch(self, at: datetime) -> list[Need]:
        """Every open offer against the needs waiting now, as a new offer is (a need meets it on its own card): what
        the daily cap held back yesterday, and the offers of a party that had nobody bound when they were
        published, meet the waiting needs after all. Pairs suggested before are never suggested again, so this
        can run as often as wanted. Returns the needs whose cards gained a match."""
        async with self.work.read() as repos:
            offers = await repos.offers.listed()
        changed: dict[int, Need] = {}
        for offer in offers:
            found = await self.suggest_for_offer(offer.id, None, at, list_none=True)
            changed.update((n.id, n) for n in (found.elsewhere if found is not None else ()))
        return list(changed.values())

    async def suggest_for_offer(self, offer_id: int, chat_id: int | None, at: datetime,
                                list_none: bool = False) -> OfferMatches | None:
        """A new (or edited) offer against the open needs of every group: at most five, within its party's daily cap;
        needs of its own party's people are left out. Those of ``chat_id`` (None: all) are listed to its publisher;
        those of other groups are matches on their cards there (``elsewhere``: a group's needs are not shown in
        another). None: the offer is not open, is a shipped example, or its party has nobody to answer."""
        matcher, _ = await self.matcher()
        async with self.work.read() as repos:
            offer = await repos.offers.get(offer_id)  # as it is now (the fit may be a moment older)
            people = await repos.people.liaisons_of([offer.party_id]) if offer is not None else {}
            if offer is None or not self._answerable(offer, at, people):
                return None
            own = [p.user_id for p in people.get(offer.party_id, [])]
            candidates = await repos.needs.open_texts(None, own)
            seen = await repos.matches.pairs_of_offers([offer.id])
        text = OfferText(offer.id, offer.party_id, offer.kind.value, offer.title, offer.matching_text)
        # Every open need is scored: off the event loop (a few thousand needs take a while).
        fitting = await asyncio.to_thread(matcher.needs_for, text, candidates, SHOW_NEEDS, {n for n, _ in seen})
        async with self.work.unit(None, at) as unit:
            left = cap_left(await unit.matches.sent_to_party_since(offer.party_id, self._day_start(at)), self.per_day)
            found = []
            for need_id, score, reason in fitting[:left]:
                need = await unit.needs.get(need_id)
                if need is None or need.status != "open":
                    continue
                match = await unit.matches.add(need_id=need_id, offer_id=offer.id, score=score, reason=reason,
                                               origin=Side.OFFER, at=at)
                if match is not None:
                    await unit.record("match_suggested", chat_id=need.chat_id, need_id=need.id, offer_id=offer.id,
                                      party=offer.party_id, score=round(score, 2), origin="offer")
                    found.append((need, match))
            here = [] if list_none else [(need, m) for need, m in found if chat_id is None or need.chat_id == chat_id]
            lines = await self.views.match_lines(unit, [m for _, m in here], {offer.id: offer})
            groups = await unit.people.chat_titles() if chat_id is None and here else {}
        return OfferMatches(offer, tuple((need, line) for (need, _), line in zip(here, lines, strict=True)),
                            capped=len(fitting) > left, groups=groups,
                            elsewhere=tuple(need for need, _ in found if (need, _) not in here))

    async def _side(self, repos: Repos, actor: Actor, need: Need, offer: Offer) -> Side | None:
        """Whose side the actor answers for: the offer's party (bound to it), or the need's (its author, or a
        co-requester who seconded it)."""
        if await repos.bound_party(actor.user_id) == offer.party_id:
            return Side.OFFER
        seconds = co_requester_ids(need, (await repos.duplicates.merged_into([need.id])).get(need.id, []))
        if actor.user_id == need.author_id or actor.user_id in seconds:
            return Side.NEED
        return None

    async def answer(self, match_id: int, actor: Actor, answer: Answer, at: datetime,
                     update_id: int | None) -> Handshake:
        """感兴趣 / 不合适 by one side: recorded once; the first 感兴趣 asks the other side, both → introduced."""
        async with self.work.unit(update_id, at, actor) as unit:
            found = await self._acting(unit, match_id, actor)
            if isinstance(found, Handshake):
                return found
            match, need, offer, side = found
            assert side is not None  # only the two sides answer
            if match.introduced_at is not None:
                return Handshake(Refusal.MATCH_INTRODUCED, need=need, side=side)
            if not match.open or need.status != "open" or not offer.current(at.astimezone(self.zone).date()):
                return Handshake(Refusal.MATCH_CLOSED, need=need, side=side)
            counts, complete = after_answer(match, side, answer)
            if not counts or not await unit.matches.answer(match.id, side, answer, actor.user_id, at):
                return Handshake(Refusal.MATCH_ANSWERED, need=need, side=side)
            if complete:
                await unit.matches.introduce(match.id, at)
            step = (Step.REFUSED if answer is Answer.NO else Step.INTRODUCE if complete
                    else Step.ASK_NEED if side is Side.OFFER else Step.ASK_OFFER)
            await unit.record({Step.REFUSED: "match_refused", Step.INTRODUCE: "match_introduced"}.get(
                step, "match_interested"), chat_id=need.chat_id, need_id=need.id, offer_id=offer.id,
                party=offer.party_id, side=side.value)
            done = await self._done(unit, match.id, need, side, step)
        if step in (Step.REFUSED, Step.INTRODUCE):
            self.changed()  # a labelled pair: the matcher learns it
        return done

    async def sign(self, match_id: int, actor: Actor, at: datetime, update_id: int | None) -> Handshake:
        """记录签约 under an introduction, by either side (or an admin): an agreement on the need, recorded against
        the match (签约 in the funnel)."""
        async with self.work.unit(update_id, at, actor) as unit:
            found = await self._acting(unit, match_id, actor, admin_may=True)
            if isinstance(found, Handshake):
                return found
            match, need, offer, side = found
            if match.agreement_id is not None:
                return Handshake(Refusal.MATCH_SIGNED, need=need, side=side)
            if match.introduced_at is None:
                return Handshake(Refusal.MATCH_NOT_INTRODUCED, need=need, side=side)
            agreement = await unit.agreements.add(
                need_id=need.id, kind=SIGNING_KINDS[offer.kind], amount_yuan=None, parties=[offer.party_id],
                text=signing_text(offer.title), actor_id=actor.user_id, at=at)
            await unit.matches.sign(match.id, agreement.id)
            await unit.record("agreement_recorded", chat_id=need.chat_id, need_id=need.id, agreement_id=agreement.id,
                              agreement_kind=agreement.kind, amount_yuan=None, offer_id=offer.id)
            done = await self._done(unit, match.id, need, side, Step.SIGNED)
            return replace(done, agreement=agreement)

    async def _acting(self, unit: Unit, match_id: int, actor: Actor,
                      admin_may: bool = False) -> tuple[Match, Need, Offer, Side | None] | Handshake:
        """The match, its need and offer, and the side the actor acts for (None: an admin, when ``admin_may``), or
        why the actor may not act on it."""
        match = await unit.matches.get(match_id)
        need = await unit.needs.get(match.need_id) if match else None
        offer = await unit.offers.get(match.offer_id) if match else None
        if match is None or need is None or offer is None:
            return Handshake(Refusal.MATCH_NOT_FOUND)
        side = await self._side(unit, actor, need, offer)
        if side is None and not (admin_may and self.access.admits(actor, need.chat_id)):
            return Handshake(Refusal.NOT_MATCH_SIDE, need=need)
        return match, need, offer, side

    async def _done(self, unit: Unit, match_id: int, need: Need, side: Side | None, step: Step) -> Handshake:
        match = await unit.matches.get(match_id)
        assert match is not None
        line = (await self.views.match_lines(unit, [match]))[0]
        author = await unit.people.person(need.author_id) if need.author_id is not None else None
        return Handshake(line=line, need=need, side=side, step=step, view=await self.views.one(unit, need),
                         author=author)

    async def remember_ask(self, match_id: int, message_id: int) -> None:
        """The message that asked the other side (its buttons go when the handshake ends)."""
        async with self.work.write() as repos:
            await repos.matches.set_message(match_id, message_id)

    async def view(self, need_id: int) -> NeedView | None:
        async with self.work.read() as repos:
            need = await repos.needs.get(need_id)
            return await self.views.one(repos, need) if need else None
