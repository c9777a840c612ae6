"""Who leads a need: claims, hand-overs (转交) to a better owner, admins' re-routing and triage. Every change of
the lead is a labelled example, so the router refits after it."""

from __future__ import annotations

from datetime import datetime

from bot.domain import (
    LIAISON_KINDS,
    Actor,
    LeadChange,
    Need,
    NeedView,
    Outcome,
    Party,
    Refusal,
    Route,
    active_routes,
    lead_of,
    may_claim,
)
from bot.domain.duty import HandOverReason, ruling_closes
from bot.domain.schedule import Policy
from bot.services.learning import Learner
from bot.services.parties import Parties
from bot.services.views import NeedViews
from bot.services.work import Access, Repos, Work

REASON_LENGTH = 200  # a 退单's reason in the liaison's own words, at most
MAX_CHOICES = 8  # 转交 choices in all: the parties on the need, then the router's suggestions
MAX_ON_NEED_CHOICES = 5
MIN_SUGGESTED_CHOICES = 3


class Routing:
    def __init__(self, work: Work, access: Access, views: NeedViews, parties: Parties, learner: Learner,
                 policy: Policy) -> None:
        self.work, self.access, self.views, self.parties, self.learner = work, access, views, parties, learner
        self.policy = policy

    async def claim(self, need_id: int, actor: Actor, at: datetime, update_id: int | None) -> Outcome:
        """认领 by a liaison of a party the need is routed to — or, while the need awaits its lead, of a party
        the router suggested for it: that claim decides the triage (the party leads) and teaches the router."""
        async with self.work.unit(update_id, at, actor) as unit:
            need = await unit.open_need(need_id)
            if isinstance(need, Refusal):
                return Outcome(need)
            own = await unit.bound_party(actor.user_id)
            routes = await unit.routes.of_need(need.id)
            takes_lead = own is not None and lead_of(routes) is None \
                and own in (await unit.learning.triage_of(need.id) or ())
            if own is None or not (takes_lead or may_claim(own, routes)):
                return Outcome(Refusal.NOT_ROUTED, need=need)
            party = await unit.parties.get(own)
            await unit.remember(actor.person)
            if takes_lead:
                await unit.change_lead(need, own, LeadChange.CLAIM, routes=routes)
            if not await unit.claims.add(need.id, own, actor.user_id, at) and not takes_lead:
                return Outcome(Refusal.ALREADY_CLAIMED, need=need, party=party)
            await unit.record("claimed", chat_id=need.chat_id, need_id=need.id, party_id=own)
            view = await self.views.one(unit, need)
        if takes_lead or (party is not None and party.kind == "department"):
            self.learner.schedule()
        return Outcome(view=view, need=need, party=party)

    async def _routed(self, repos: Repos, need_id: int,
                      actor: Actor) -> tuple[Need, str | None, list[Route]] | Outcome:
        """The open need, the actor's party and the need's routes, when the actor may hand it over: a liaison of
        a party it is routed to, or an admin of its chat; otherwise the refusal."""
        need = await repos.open_need(need_id)
        if isinstance(need, Refusal):
            return Outcome(need)
        own = await repos.bound_party(actor.user_id)
        routes = await repos.routes.of_need(need.id)
        if not (self.access.admits(actor, need.chat_id) or may_claim(own, routes)):
            return Outcome(Refusal.NOT_ROUTED, need=need)
        return need, own, routes

    async def hand_over_options(self, need_id: int, actor: Actor) -> Outcome:
        """The parties a routed liaison (or an admin) may hand the need over to, best first."""
        async with self.work.read() as repos:
            found = await self._routed(repos, need_id, actor)
        if isinstance(found, Outcome):
            return found
        need, own, routes = found
        return Outcome(need=need, options=tuple(await self._hand_over_choices(need, own, routes)))

    async def _hand_over_choices(self, need: Need, own: str | None, routes: list[Route]) -> list[Party]:
        """The parties already on the need (assisting departments and districts first, then the other
        assisting parties), then the router's next suggestions; never the current lead nor the actor's own
        party."""
        lead = lead_of(routes)
        skip = {own, lead.party_id if lead else None}
        directory = {p.id: p for p in await self.parties.enabled()}
        on_need = [directory[r.party_id] for r in active_routes(routes)
                   if r.party_id not in skip and r.party_id in directory]
        on_need.sort(key=lambda p: p.kind not in LIAISON_KINDS)  # stable: best score first within each
        on_need = on_need[:MAX_ON_NEED_CHOICES]
        exclude = {r.party_id for r in active_routes(routes)} | {p for p in skip if p}
        suggested = self.learner.router.suggestions(need.text, exclude=exclude,
                                                    limit=max(MIN_SUGGESTED_CHOICES, MAX_CHOICES - len(on_need)))
        return on_need + suggested

    async def hand_over(self, need_id: int, actor: Actor, to_party_id: str, at: datetime,
                        update_id: int | None, reason: HandOverReason | str | None = None,
                        prompt: tuple[int, int] | None = None) -> Outcome:
        """转交: the liaison's party (or, for an admin without one, the lead) hands its role over. A routed party
        says why (``reason``; REASON_REQUIRED without one): its lead handing over is a 退单, which the admins may
        overrule (the outcome's ``term``). ``reason``: one of HandOverReason, or the liaison's own words (cut to
        REASON_LENGTH) in reply to the bot's question ``prompt`` (chat, message), which is used up."""
        if reason is not None and not isinstance(reason, HandOverReason):
            reason = reason.strip()[:REASON_LENGTH]
        target = await self.parties.get(to_party_id)
        if target is None:
            return Outcome(Refusal.PARTY_UNKNOWN)
        async with self.work.unit(update_id, at, actor) as unit:
            found = await self._routed(unit, need_id, actor)
            if isinstance(found, Outcome):
                return found
            need, own, routes = found
            declining = next((r for r in active_routes(routes) if r.party_id == own), None)
            if declining is not None and declining.party_id == target.id:
                return Outcome(Refusal.SAME_PARTY, need=need, party=target)
            lead = lead_of(routes)
            if declining is not None and declining.role != "lead" and lead is not None and lead.party_id == target.id:
                return Outcome(Refusal.SAME_PARTY, need=need, party=target)  # it leads already: nothing to hand over
            if declining is None:  # an admin without a routed party hands over the lead
                lead = lead_of(routes)
                if lead is not None and lead.party_id == target.id:
                    return Outcome(Refusal.SAME_PARTY, need=need, party=target)
            if declining is not None and reason is None:
                return Outcome(Refusal.REASON_REQUIRED, need=need, party=target)
            if prompt is not None:
                await unit.lead_terms.drop_prompt(*prompt)
            replaced, ended = await unit.change_lead(need, target.id, LeadChange.HAND_OVER, routes=routes,
                                                     handing_over=declining,
                                                     reason=str(reason) if reason is not None else None)
            view = await self.views.one(unit, need)
        self.learner.schedule()
        previous = await self.parties.get(replaced.party_id) if replaced else None
        return Outcome(view=view, need=need, party=target, previous=previous,
                       term=ended if ended is not None and ended.handed_over else None)

    async def ask_reason(self, chat_id: int, message_id: int, need_id: int, party_id: str, user_id: int) -> None:
        """转交 for 其他原因: a reply to this bot message from ``user_id`` gives the reason (and hands it over)."""
        async with self.work.write() as repos:
            await repos.lead_terms.add_prompt(chat_id, message_id, need_id, party_id, user_id)

    async def reason_asked(self, chat_id: int, message_id: int) -> tuple[int, str, int] | None:
        async with self.work.read() as repos:
            return await repos.lead_terms.prompted(chat_id, message_id)

    async def overrule(self, term_id: int, admin: Actor, at: datetime, update_id: int | None) -> Outcome:
        """驳回: the admins rule a 退单 improper within RULING_DAYS working days; the need goes back to the unit
        that handed it over (its scorecard counts an improper 退单), as long as it has not moved on since."""
        async with self.work.unit(update_id, at, admin) as unit:
            term = await unit.lead_terms.get(term_id)
            if term is None or not term.handed_over:
                return Outcome(Refusal.HANDOVER_NOT_FOUND)
            need = await unit.needs.get(term.need_id)
            if need is None:
                return Outcome(Refusal.NEED_NOT_FOUND)
            if not self.access.admits(admin, need.chat_id):
                return Outcome(Refusal.NOT_ADMIN, need=need)
            if term.overruled:
                return Outcome(Refusal.ALREADY_RULED, need=need)
            if need.status != "open":
                return Outcome(Refusal.NEED_RESOLVED, need=need)
            closes = ruling_closes(term, self.policy)
            if closes is None or at > closes:
                return Outcome(Refusal.RULING_CLOSED, need=need)
            later = [t for t in await unit.lead_terms.of_need(need.id) if t.id > term.id]
            if len(later) != 1 or later[0].ended_at is not None:
                return Outcome(Refusal.RULING_STALE, need=need)
            await unit.lead_terms.overrule(term.id, admin.user_id, at)
            await unit.change_lead(need, term.party_id, LeadChange.OVERRULE, routes=await unit.routes.of_need(need.id))
            if later[0].prior_role == "assist":  # it assisted before the 退单 made it lead: it assists again
                await unit.routes.add(need.id, later[0].party_id, "assist", 0.0, "admin", at)
            view = await self.views.one(unit, need)
        self.learner.schedule()
        return Outcome(view=view, need=need, party=await self.parties.get(term.party_id),
                       previous=await self.parties.get(later[0].party_id), term=term)

    async def reroute(self, chat_id: int, number: int, party_query: str, admin: Actor, at: datetime,
                      update_id: int | None) -> Outcome:
        """/route: make the named party the lead of need #number; stored as a correction for the router."""
        if not self.access.admits(admin, chat_id):
            return Outcome(Refusal.NOT_ADMIN)
        found = await self.parties.find(party_query)
        party = found.party
        if party is None:
            return found
        async with self.work.unit(update_id, at, admin) as unit:
            need = await unit.needs.by_number(chat_id, number)
            if need is None:
                return Outcome(Refusal.NEED_NOT_FOUND)
            routes = await unit.routes.of_need(need.id)
            lead = lead_of(routes)
            if lead is not None and lead.party_id == party.id:
                return Outcome(Refusal.SAME_PARTY, need=need, party=party)
            await unit.change_lead(need, party.id, LeadChange.REROUTE, routes=routes)
            view = await self.views.one(unit, need)
        self.learner.schedule()
        return Outcome(view=view, need=need, party=party)

    async def assign(self, need_id: int, admin: Actor, party_id: str, at: datetime,
                     update_id: int | None) -> Outcome:
        """An admin picks the lead of a need the router was unsure about (a triage button)."""
        if not self.access.is_admin(admin.user_id) and admin.admin_of is None:
            return Outcome(Refusal.NOT_ADMIN)
        party = await self.parties.get(party_id)
        async with self.work.unit(update_id, at, admin) as unit:
            need = await unit.needs.get(need_id)
            if need is None:
                return Outcome(Refusal.NEED_NOT_FOUND)
            if party is None:
                return Outcome(Refusal.PARTY_UNKNOWN, need=need)
            if not self.access.admits(admin, need.chat_id):
                return Outcome(Refusal.NOT_ADMIN)
            if await unit.learning.triage_of(need.id) is None:
                return await self._already_led(unit, need)
            await unit.change_lead(need, party.id, LeadChange.ASSIGN, routes=[])
            view = await self.views.one(unit, need)
        self.learner.schedule()
        return Outcome(view=view, need=need, party=party)

    async def lead_choices(self, need_id: int, admin: Actor) -> Outcome:
        """分派 on a card: the parties an admin may make the lead of a need awaiting its lead (the router's
        suggestions); others are refused."""
        async with self.work.read() as repos:
            need = await repos.open_need(need_id)
            if isinstance(need, Refusal):
                return Outcome(need)
            if not self.access.admits(admin, need.chat_id):
                return Outcome(Refusal.NOT_ADMIN, need=need)
            suggestions = await repos.learning.triage_of(need.id)
            if suggestions is None:
                return await self._already_led(repos, need)
        parties = [await self.parties.get(s) for s in suggestions]
        return Outcome(need=need, options=tuple(p for p in parties if p is not None))

    async def _already_led(self, repos: Repos, need: Need) -> Outcome:
        """ALREADY_TRIAGED, naming the party that leads the need now (read over ``repos``: the database's one
        lock is held)."""
        lead = lead_of(await repos.routes.of_need(need.id))
        parties = await self.views.directory.all(repos)
        return Outcome(Refusal.ALREADY_TRIAGED, need=need, party=parties.get(lead.party_id) if lead else None)

    async def triage_queue(self, chat_id: int | None) -> list[NeedView]:
        """Open needs whose lead an admin has still to pick, oldest first (one chat, or all)."""
        async with self.work.read() as repos:
            waiting = await repos.learning.waiting(chat_id)
            needs = await repos.needs.get_many(need_id for need_id, _ in waiting)
            return await self.views.many(repos, [needs[i] for i, _ in waiting if i in needs])

    async def corrections(self) -> list[tuple[str, str]]:
        async with self.work.read() as repos:
            return await repos.corrections.all()
