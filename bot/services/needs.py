"""Needs: registered from a group message and routed, shown (cards, lists, /status, desks), resolved."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.domain import Actor, Commitment, Need, NeedDetail, NeedView, Outcome, Refusal, Route, lead_of, may_resolve
from bot.domain.duplicates import co_requester_ids
from bot.domain.duty import Verdict
from bot.domain.intents import Note
from bot.services.duplicates import Duplicates, Finder
from bot.services.learning import Learner
from bot.services.matching import Matchmaking
from bot.services.views import NeedViews
from bot.services.work import Access, Unit, Work


@dataclass(frozen=True)
class Desk:
    routed: list[NeedView]  # open needs routed to the person's party
    promises: list[tuple[Need, Commitment]]  # the party's promises still owed
    authored: list[NeedView]  # open needs the person posted
    latest_notes: dict[int, Note]  # need id → the latest note on it
    routed_total: int  # how many are open and routed to the party (the list shows the newest)
    authored_total: int  # how many the person has open (the list shows the newest)


class Needs:
    def __init__(self, work: Work, access: Access, views: NeedViews, learner: Learner,
                 finder: Finder | None = None, matching: Matchmaking | None = None) -> None:
        self.work, self.access, self.views, self.learner = work, access, views, learner
        self.finder = finder  # duplicates: the open need a new one says the same as (None: not looked for)
        self.matching = matching  # the offers a new need fits (None: not matched)

    async def register(self, chat_id: int, author: Actor, text: str, message_id: int | None, at: datetime,
                       update_id: int | None) -> Outcome:
        """A need from a group message: numbered, routed (a confident lead, or triage by an admin), audited."""
        text = text.strip()
        if not text:
            return Outcome(Refusal.EMPTY_NEED)
        routing = self.learner.router.route(text)
        # An admin's need may repeat one of any group; anyone else's, one of their own group.
        similar = None if self.finder is None else \
            await self.finder.similar(chat_id, text, everywhere=self.access.is_admin(author.user_id))
        hits = await self.matching.hits_for(text) if self.matching is not None else []
        async with self.work.unit(update_id, at, author) as unit:
            await unit.remember(author.person)
            need = await unit.needs.add(chat_id=chat_id, author_id=author.user_id, author_name=author.display_name,
                                        message_id=message_id, text=text, need_type=routing.need_type, at=at)
            if need is None:
                return Outcome(Refusal.DUPLICATE_NEED)
            # Unsure of the lead: no confident wrong guess in the group; an admin picks it among the suggestions.
            # A lab's or fund's own need does not name it as a helper to itself.
            own = await unit.bound_party(author.user_id)
            routes = [Route(need.id, t.id, t.role, t.score, "router") for t in routing.targets
                      if (routing.confident or t.role != "lead") and not (t.role == "assist" and t.id == own)]
            await unit.routes.add_many(routes, at)
            lead = next((r for r in routes if r.role == "lead"), None)
            if lead is not None:
                await unit.lead_terms.start(need.id, lead.party_id, at)
            suggestions = () if routing.confident else tuple(routing.suggestions)
            if not routing.confident:
                await unit.learning.open_triage(need.id, list(suggestions), routing.confidence, at)
            await unit.record("need_registered", chat_id=chat_id, need_id=need.id, number=need.number,
                              need_type=need.need_type, confident=routing.confident,
                              routes=[f"{r.role}:{r.party_id}" for r in routes])
            view = await self.views.new(unit, need, routes, suggestions)
            view = replace(view, hint=await Duplicates.hint(unit, need, similar))
            if self.matching is not None:
                view = replace(view, matches=await self.matching.suggest_for_need(unit, need, hits, own))
        return Outcome(view=view, need=need)

    async def attach_card(self, need_id: int, bot_message_id: int) -> None:
        """Remember which bot message carries the need's buttons (replies to it are promises)."""
        async with self.work.write() as repos:
            await repos.needs.set_bot_message(need_id, bot_message_id)

    async def attach_topic(self, need_id: int, topic_id: int) -> None:
        async with self.work.write() as repos:
            await repos.needs.set_topic(need_id, topic_id)

    async def view(self, need_id: int) -> NeedView | None:
        async with self.work.read() as repos:
            need = await repos.needs.get(need_id)
            return await self.views.one(repos, need) if need else None

    async def by_number(self, chat_id: int, number: int) -> Need | None:
        async with self.work.read() as repos:
            return await repos.needs.by_number(chat_id, number)

    async def by_topic(self, chat_id: int, topic_id: int) -> Need | None:
        async with self.work.read() as repos:
            return await repos.needs.by_topic(chat_id, topic_id)

    async def on_card(self, chat_id: int, bot_message_id: int) -> list[NeedView]:
        """The needs a bot message announced: one, or several when confirmations were combined."""
        async with self.work.read() as repos:
            return await self.views.many(repos, await repos.needs.on_card(chat_id, bot_message_id))

    async def unannounced(self, since: datetime) -> list[NeedView]:
        async with self.work.read() as repos:
            return await self.views.many(repos, await repos.needs.unannounced(since))

    async def page(self, chat_id: int, open_only: bool, offset: int = 0,
                   limit: int = 200) -> tuple[int, list[NeedView]]:
        """(how many in all, the views of needs offset..offset+limit), by number."""
        async with self.work.read() as repos:
            needs = await repos.needs.in_chat(chat_id, open_only, limit=limit, offset=offset)
            return await repos.needs.count_in_chat(chat_id, open_only), await self.views.many(repos, needs)

    async def detail(self, chat_id: int, number: int) -> NeedDetail | None:
        """Everything /status shows about need #number of this chat."""
        async with self.work.read() as repos:
            need = await repos.needs.by_number(chat_id, number)
            if need is None:
                return None
            view = await self.views.one(repos, need)  # with its co-requesters and the need it was merged into
            return NeedDetail(need, tuple(await repos.routes.of_need(need.id)),
                              tuple(await repos.claims.of_need(need.id)),
                              tuple(await repos.commitments.of_need(need.id)),
                              tuple(await repos.audit.for_need(need.id)),
                              tuple(await repos.agreements.of_need(need.id)),
                              tuple(await repos.notes.of_need(need.id)), view.co_requesters, view.merged_into)

    async def _closing(self, unit: Unit, need_id: int, actor: Actor, not_allowed: Refusal,
                       lead_may: bool = False) -> Need | Outcome:
        """The need its author or an admin may close (resolve or withdraw) — and, to resolve it (办结), a liaison of
        its lead — or why not."""
        need = await unit.needs.get(need_id)
        if need is None:
            return Outcome(Refusal.NEED_NOT_FOUND)
        leads = False
        if lead_may:
            lead = lead_of(await unit.routes.of_need(need.id))
            leads = lead is not None and lead.party_id == await unit.bound_party(actor.user_id)
        if not (leads or may_resolve(actor.user_id, need, self.access.admits(actor, need.chat_id))):
            return Outcome(not_allowed, need=need)
        if need.status == "withdrawn":
            return Outcome(Refusal.NEED_WITHDRAWN, need=need)
        return need

    async def _closed(self, unit: Unit, need: Need, event: str) -> Outcome:
        await unit.record(event, chat_id=need.chat_id, need_id=need.id)
        closed = await unit.needs.get(need.id)
        assert closed is not None
        return Outcome(view=await self.views.one(unit, closed), need=closed)

    async def resolve(self, need_id: int, actor: Actor, at: datetime, update_id: int | None) -> Outcome:
        """已解决 / 办结 by the author, the lead's liaison or an admin: the author (and each co-requester) is asked for
        a verdict (解决情况 and 满意度) on the lead's work."""
        async with self.work.unit(update_id, at, actor) as unit:
            need = await self._closing(unit, need_id, actor, Refusal.NOT_AUTHOR, lead_may=True)
            if isinstance(need, Outcome):
                return need
            if not await unit.needs.resolve(need.id, at):
                return Outcome(Refusal.ALREADY_RESOLVED, need=need)
            # Its author and each co-requester (附议) are asked, one question each.
            authors = [need.author_id] if need.author_id is not None else []
            authors += co_requester_ids(need, (await unit.duplicates.merged_into([need.id])).get(need.id, []))
            lead = lead_of(await unit.routes.of_need(need.id)) if authors else None
            lead_party = lead.party_id if lead else None
            verdicts: tuple[Verdict, ...] = tuple([await unit.verdicts.ask(need.id, author_id, lead_party, at)
                                                   for author_id in authors])
            closed = await self._closed(unit, need, "resolved")
            return replace(closed, verdicts=verdicts)

    async def withdraw(self, need_id: int, actor: Actor, at: datetime, update_id: int | None) -> Outcome:
        """Not a need after all (不是需求): its author or an admin takes it out of the funnel, the lists, the
        reports and the router's examples; the audit keeps it."""
        async with self.work.unit(update_id, at, actor) as unit:
            need = await self._closing(unit, need_id, actor, Refusal.NOT_AUTHOR_WITHDRAW)
            if isinstance(need, Outcome):
                return need
            if need.status != "open":
                return Outcome(Refusal.NEED_RESOLVED, need=need)
            if await unit.commitments.of_need(need.id) or await unit.agreements.of_need(need.id):
                return Outcome(Refusal.HAS_RECORDS, need=need)  # someone acted on it: it was a need
            await unit.needs.withdraw(need.id, actor.user_id, at)
            await unit.learning.settle_triage(need.id, actor.user_id, at)
            outcome = await self._closed(unit, need, "withdrawn")
        self.learner.schedule()  # whatever it taught the router is forgotten
        return outcome

    async def desk(self, user_id: int) -> Desk:
        """What a person's private chat shows: needs routed to their party, their party's pending
        promises, and the needs they posted themselves (with their lead and claims, to say where each stands),
        and the latest thing said about each of those needs."""
        async with self.work.read() as repos:
            party_id = await repos.bound_party(user_id)
            routed: list[NeedView] = []
            promises: list[tuple[Need, Commitment]] = []
            if party_id is not None:
                routed = await self.views.many(repos, await repos.needs.open_routed_to(party_id))
                promises = await repos.commitments.pending(party_id=party_id)
            authored = await self.views.many(repos, await repos.needs.open_authored_by(user_id))
            latest = await repos.notes.latest_of([v.need.id for v in (*routed, *authored)])
            routed_total = await repos.needs.count_open(routed_to=party_id) if party_id is not None else 0
            return Desk(routed, promises, authored, latest, routed_total,
                        await repos.needs.count_open(authored_by=user_id))
