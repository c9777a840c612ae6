"""The standing lists (供给清单): liaisons and members publish their own party's scenarios, capabilities and
investment theses; anyone lists the open ones; their owners (or an admin) edit and close them; the commission
keeps them in a spreadsheet (export, and an import checked whole before anything changes).

:meth:`Offers.publish` hands back the new :class:`~bot.domain.offers.Offer`: whatever follows a publication
(matching it against the open needs) is called with it by the caller."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date, datetime, tzinfo

from bot.domain import Actor, Party, Refusal
from bot.domain.offer_lists import (
    PLACE_MAX,
    TEXT_MAX,
    OfferField,
    OfferOutcome,
    OfferPage,
    SheetCheck,
    SheetIssue,
    SheetProblem,
    fits,
    paged,
    title_problem,
)
from bot.domain.offers import Offer, OfferKind
from bot.services.matching import Matchmaking
from bot.services.offer_sheets import SheetUnreadable, check_sheet, offers_workbook, read_offers_sheet, sheet_name
from bot.services.parties import Parties, find_party
from bot.services.work import Access, Repos, Work
from bot.texts.offers import OFFERS_HEADERS
from nlp.dates import read_due
from nlp.offer_words import OfferWords, everything, field_of, kind_of, no_end, read_offer_words


class Offers:
    def __init__(self, work: Work, access: Access, parties: Parties, timezone: tzinfo,
                 matching: Matchmaking | None = None) -> None:
        self.work, self.access, self.parties, self.timezone = work, access, parties, timezone
        self.matching = matching  # a new or reworded offer meets the open needs (None: not matched)

    def local_day(self, at: datetime) -> date:
        return at.astimezone(self.timezone).date()

    # --- reading ------------------------------------------------------------------------------------------

    async def get(self, offer_id: int) -> Offer | None:
        async with self.work.read() as repos:
            return await repos.offers.get(offer_id)

    async def current(self, today: date, kind: OfferKind | None = None, party_id: str | None = None) -> list[Offer]:
        """The open offers not past their date, by number: what is listed (and what needs are matched against)."""
        async with self.work.read() as repos:
            offers = await repos.offers.listed(kind=kind, party_id=party_id, limit=100_000)
        return [o for o in offers if o.current(today)]

    async def page(self, kind: OfferKind | None, party_id: str | None, page: int, now: datetime) -> OfferPage:
        offers = await self.current(self.local_day(now), kind, party_id)
        shown, page, pages = paged(offers, page)
        party = await self.parties.get(party_id) if party_id else None
        return OfferPage(tuple(shown), len(offers), page, pages, kind, party)

    async def listing(self, query: str, now: datetime) -> OfferPage | OfferOutcome:
        """``/offers [类别|单位]``: the first page of the open lists, of one kind or one party; or why not."""
        if everything(query):
            return await self.page(None, None, 1, now)
        kind = kind_of(query)
        if kind is not None:
            return await self.page(kind, None, 1, now)
        found = find_party(await self.parties.everything(), query)
        if found.refusal is Refusal.PARTY_AMBIGUOUS:
            return OfferOutcome(Refusal.PARTY_AMBIGUOUS, matches=found.matches)
        if found.party is None:
            return OfferOutcome(Refusal.OFFERS_FILTER_UNKNOWN)
        return await self.page(None, found.party.id, 1, now)

    async def one(self, offer_id: int) -> OfferOutcome:
        """One offer in full, with its party and the people bound to it (whom to talk to)."""
        async with self.work.read() as repos:
            offer = await repos.offers.get(offer_id)
            if offer is None:
                return OfferOutcome(Refusal.NO_SUCH_OFFER)
            liaisons = (await repos.people.liaisons_of([offer.party_id])).get(offer.party_id, [])
        return OfferOutcome(offer=offer, party=await self.parties.get(offer.party_id), liaisons=tuple(liaisons))

    # --- publishing -----------------------------------------------------------------------------------------

    async def _publisher(self, actor: Actor, words: OfferWords) -> Party | OfferOutcome:
        """The party the offer is published for: the actor's own, or (an admin) the party named."""
        admin = self.access.is_admin(actor.user_id)
        async with self.work.read() as repos:
            own_id = await repos.bound_party(actor.user_id)
        if words.party_word:
            found = find_party(await self.parties.enabled(), words.party_word)
            if found.refusal is not None:
                return OfferOutcome(found.refusal, matches=found.matches)
            assert found.party is not None
            if not admin and found.party.id != own_id:
                return OfferOutcome(Refusal.OFFER_OTHER_PARTY if own_id else Refusal.OFFER_NOT_BOUND,
                                    party=found.party)
            return found.party
        own = await self.parties.get(own_id) if own_id else None
        if own is None or not own.enabled:
            return OfferOutcome(Refusal.OFFER_PARTY_NEEDED if admin else Refusal.OFFER_NOT_BOUND)
        return own

    def _until(self, words: str, at: datetime) -> date | None | Refusal:
        """The date 截止 / 有效期至 names (None: no end named), or why it cannot be the offer's end."""
        if no_end(words):
            return None
        reading = read_due(words, at.astimezone(self.timezone))
        if reading.usable is not None:
            return reading.usable
        return Refusal.OFFER_UNTIL_PAST if reading.day is not None and reading.day < reading.today \
            else Refusal.OFFER_BAD_UNTIL

    async def publish(self, actor: Actor, args: str, at: datetime, update_id: int | None,
                      scope: int | None = None) -> OfferOutcome:
        """``/offer [单位] 类别 标题；内容[；地点：…][；截止：…]``: the new offer (OfferOutcome.offer), published for
        the actor's own party — an admin's for any party named — when its kind fits the party; then the open needs
        it fits (of the chat ``scope``, None: of every group), when its own party published it: they answer."""
        words = read_offer_words(args)
        if words is None:
            return OfferOutcome(Refusal.OFFER_USAGE)
        kind = kind_of(words.kind_word)
        if kind is None:
            return OfferOutcome(Refusal.OFFER_USAGE)
        if (problem := title_problem(words.title)) is not None:
            return OfferOutcome(problem)
        party = await self._publisher(actor, words)
        if isinstance(party, OfferOutcome):
            return party
        if not fits(party, kind) and not self.access.is_admin(actor.user_id):
            return OfferOutcome(Refusal.OFFER_KIND_UNFIT, party=party)
        until = self._until(words.until, at)
        if isinstance(until, Refusal):
            return OfferOutcome(until, party=party)
        async with self.work.unit(update_id, at, actor) as unit:
            await unit.remember(actor.person)
            offer = await unit.offers.add(party_id=party.id, kind=kind, title=words.title.strip(),
                                          text=words.text[:TEXT_MAX], place=words.place[:PLACE_MAX], until=until,
                                          created_by=actor.user_id, at=at)
            await unit.record("offer_published", offer_id=offer.id, party_id=party.id)
        return await self._matched(OfferOutcome(offer=offer, party=party), actor, at, scope)

    async def _matched(self, outcome: OfferOutcome, actor: Actor, at: datetime, scope: int | None) -> OfferOutcome:
        """The open needs a new or reworded offer fits (its party's people answer them); an offer an admin keeps
        for a party is matched with new needs only, as they are registered."""
        offer = outcome.offer
        if self.matching is None or offer is None:
            return outcome
        async with self.work.read() as repos:
            own = await repos.bound_party(actor.user_id) == offer.party_id
        if not own:
            await self.matching.matcher()  # refitted now: the next need meets it
            return replace(outcome, for_party=True)
        return replace(outcome, found=await self.matching.suggest_for_offer(offer.id, scope, at))

    # --- owners: edit and close -----------------------------------------------------------------------------

    async def _owned(self, repos: Repos, actor: Actor, offer_id: int) -> Offer | OfferOutcome:
        offer = await repos.offers.get(offer_id)
        if offer is None:
            return OfferOutcome(Refusal.NO_SUCH_OFFER)
        if not self.access.is_admin(actor.user_id) and await repos.bound_party(actor.user_id) != offer.party_id:
            party = (await self.parties.directory.all(repos)).get(offer.party_id)  # within this unit's transaction
            return OfferOutcome(Refusal.NOT_OFFER_OWNER, offer=offer, party=party)
        if not offer.open:
            return OfferOutcome(Refusal.OFFER_CLOSED, offer=offer)
        return offer

    async def close(self, actor: Actor, offer_id: int, at: datetime, update_id: int | None) -> OfferOutcome:
        async with self.work.unit(update_id, at, actor) as unit:
            offer = await self._owned(unit, actor, offer_id)
            if isinstance(offer, OfferOutcome):
                return offer
            await unit.offers.close(offer.id, at)
            await unit.record("offer_closed", offer_id=offer.id, party_id=offer.party_id)
            closed = await unit.offers.get(offer.id)
        if self.matching is not None:
            self.matching.changed()
        return OfferOutcome(offer=closed, party=await self.parties.get(offer.party_id))

    async def edit(self, actor: Actor, offer_id: int, field_word: str, value: str, at: datetime,
                   update_id: int | None, scope: int | None = None) -> OfferOutcome:
        """``/offers edit N 标题|内容|地点|截止 新值``: an edited starter entry is no longer an example."""
        which = field_of(field_word)
        value = value.strip()
        async with self.work.unit(update_id, at, actor) as unit:
            offer = await self._owned(unit, actor, offer_id)
            if isinstance(offer, OfferOutcome):
                return offer
            if which is None:
                return OfferOutcome(Refusal.OFFER_BAD_FIELD, offer=offer)
            new: object = value
            if which is OfferField.TITLE and (problem := title_problem(value)) is not None:
                return OfferOutcome(problem, offer=offer)
            if which is OfferField.UNTIL:
                new = self._until(value, at)
                if isinstance(new, Refusal):
                    return OfferOutcome(new, offer=offer)
            elif which is OfferField.TEXT:
                new = value[:TEXT_MAX]
            elif which is OfferField.PLACE:
                new = "" if no_end(value) else value[:PLACE_MAX]
            await unit.offers.update(offer.id, at, **{which.value: new, "example": 0})
            await unit.record("offer_edited", offer_id=offer.id, party_id=offer.party_id, field=which.value)
            edited = await unit.offers.get(offer.id)
        return await self._matched(OfferOutcome(offer=edited, party=await self.parties.get(offer.party_id),
                                                changed=which.value), actor, at, scope)

    # --- the spreadsheet -----------------------------------------------------------------------------------

    async def export(self, actor: Actor, now: datetime) -> tuple[str, bytes, int] | OfferOutcome:
        """Every offer, open or closed, as an XLSX file (name, content, how many)."""
        if not self.access.is_admin(actor.user_id):
            return OfferOutcome(Refusal.NOT_ADMIN)
        async with self.work.read() as repos:
            offers = await repos.offers.listed(open_only=False, limit=100_000)
        parties = {p.id: p for p in await self.parties.everything()}
        return sheet_name(self.local_day(now)), offers_workbook(offers, parties), len(offers)

    async def import_sheet(self, actor: Actor, data: bytes, at: datetime, update_id: int | None) -> OfferOutcome:
        """Rows without 编号 are added, rows with one update that offer — all in one unit of work, and only when
        no row is at fault (OfferOutcome.problems names every one; then nothing changes)."""
        if not self.access.is_admin(actor.user_id):
            return OfferOutcome(Refusal.NOT_ADMIN)
        try:
            headers, rows = await asyncio.to_thread(read_offers_sheet, data)  # a big file takes a while
        except SheetUnreadable:
            return OfferOutcome(Refusal.OFFER_SHEET_INVALID, problems=(SheetProblem(0, SheetIssue.HEADERS),))
        parties = {p.id: p for p in await self.parties.everything()}
        counts = {"added": 0, "updated": 0, "unchanged": 0}
        async with self.work.unit(update_id, at, actor) as unit:
            existing = {o.id: o for o in await unit.offers.listed(open_only=False, limit=100_000)}
            check: SheetCheck = check_sheet(headers, rows, parties, {i: o.party_id for i, o in existing.items()},
                                           OFFERS_HEADERS)
            if check.problems:
                return OfferOutcome(Refusal.OFFER_SHEET_INVALID, problems=check.problems)
            for row in check.rows:
                fields = {"party_id": row.party_id, "kind": row.kind, "title": row.title, "text": row.text,
                          "place": row.place, "until": row.until, "example": row.example}
                if row.id is None:
                    offer = await unit.offers.add(**fields, created_by=actor.user_id, at=at)  # type: ignore[arg-type]
                    if row.status == "closed":
                        await unit.offers.close(offer.id, at)
                    counts["added"] += 1
                    continue
                current = existing[row.id]
                if row.same_as(current):
                    counts["unchanged"] += 1
                    continue
                del fields["party_id"]  # the same (checked)
                await unit.offers.update(row.id, at, **{**fields, "example": int(row.example)})
                if row.status != current.status:
                    if row.status == "closed":
                        await unit.offers.close(row.id, at)
                    else:
                        await unit.offers.update(row.id, at, status="open")
                counts["updated"] += 1
            await unit.record("offers_imported", **counts)
        if self.matching is not None:
            self.matching.changed()
        return OfferOutcome(counts=tuple(counts.items()))
