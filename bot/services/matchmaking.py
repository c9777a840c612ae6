"""The matchmaking loop as operations: each one is a single unit of work that commits together
(with its audit events and the handled-update mark) or not at all.

Handlers call these and render the outcome; nothing here knows about Telegram.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import date, datetime, tzinfo

import aiosqlite

from bot.domain import (
    PARTY_KINDS,
    Actor,
    Agreement,
    Commitment,
    Need,
    NeedDetail,
    NeedView,
    Outcome,
    Party,
    Person,
    Role,
    RoutedParty,
    active_routes,
    lead_of,
    may_claim,
    may_confirm,
    may_mark_done,
    may_resolve,
    role_of,
)
from bot.domain.directory import PARTY_ID
from bot.domain.metrics import PartyRecord, kept_rates
from bot.domain.schedule import Policy
from bot.services.learning import Learner
from nlp.dates import parse_due
from nlp.outcomes import agreement_kind, parse_amount
from nlp.router import Router
from storage.agreements import AgreementRepo
from storage.audit import AuditRepo
from storage.db import Database
from storage.learning import LearningRepo
from storage.needs import NeedRepo
from storage.parties import PartyRepo, load_parties
from storage.people import PeopleRepo


class RepeatedUpdate(Exception):
    """This update was handled before; its unit of work is rolled back and nothing is said."""


class Matchmaking:
    def __init__(self, db: Database, learner: Learner, admin_ids: frozenset[int], timezone: tzinfo) -> None:
        self.db = db
        self.learner = learner
        self.admin_ids = admin_ids
        self.timezone = timezone
        self._marked: deque[int] = deque(maxlen=256)
        self._parties: dict[str, Party] | None = None
        self._served: dict[int, bool] = {}  # chat id → served, as last read or written

    @property
    def router(self) -> Router:
        """The current model; a refit replaces it between two updates."""
        return self.learner.router

    # --- units of work -------------------------------------------------------------------

    @asynccontextmanager
    async def _unit(self, update_id: int | None, at: datetime) -> AsyncIterator[aiosqlite.Connection]:
        async with self.db.transaction() as conn:
            if update_id is not None and not await AuditRepo(conn).mark_handled(update_id, at):
                raise RepeatedUpdate(update_id)
            yield conn
        if update_id is not None:
            self._marked.append(update_id)  # committed: the last handler need not mark it again

    def marked(self, update_id: int) -> bool:
        """This update's mark was committed with its unit of work (a recent one, kept in memory)."""
        return update_id in self._marked

    async def already_handled(self, update_id: int) -> bool:
        async with self.db.read() as conn:
            return await AuditRepo(conn).seen(update_id)

    async def mark_handled(self, update_id: int, at: datetime) -> None:
        async with self.db.transaction() as conn:
            await AuditRepo(conn).mark_handled(update_id, at)

    # --- directory and people ------------------------------------------------------------

    async def parties(self) -> list[Party]:
        return await load_parties(self.db)

    async def find_party(self, query: str) -> Outcome:
        """By id, full name, alias, or a part of the name that fits exactly one party."""
        query = query.strip()
        if not query:
            return Outcome("party_missing")
        parties = await self.parties()
        lowered = query.lower()
        for test in (
            lambda p: p.id.lower() == lowered,
            lambda p: p.name == query,
            lambda p: query in p.aliases,
        ):
            exact = [p for p in parties if test(p)]
            if len(exact) == 1:
                return Outcome("ok", party=exact[0])
        partial = [p for p in parties if query in p.name or any(query in a for a in p.aliases)]
        if len(partial) == 1:
            return Outcome("ok", party=partial[0])
        if len(partial) > 1:
            return Outcome("party_ambiguous", matches=tuple(partial[:8]))
        return Outcome("party_unknown")

    # --- directory management (admins) -----------------------------------------------------

    PARTY_FIELDS = ("name", "aliases", "profile", "keywords")

    async def _save_party(self, actor: Actor, party: Party, event: str, at: datetime,
                          update_id: int | None, detail: str = "") -> Outcome:
        async with self._unit(update_id, at) as conn:
            change = await PartyRepo(conn).upsert(party)
            if change != "unchanged":
                await AuditRepo(conn).record(event, at=at, actor_id=actor.user_id, party_id=party.id, detail=detail)
        if change != "unchanged":
            self._parties = None
            self.learner.schedule()  # the router takes up the new names and profile without a restart
        return Outcome("ok" if change != "unchanged" else "unchanged", party=party)

    async def add_party(self, actor: Actor, party_id: str, kind: str, name: str, at: datetime,
                        update_id: int | None) -> Outcome:
        if not self.is_admin(actor.user_id):
            return Outcome("not_admin")
        party_id, name = party_id.strip().lower(), name.strip()
        if not PARTY_ID.match(party_id):
            return Outcome("bad_party_id")
        if kind not in PARTY_KINDS:
            return Outcome("bad_party_kind")
        if not name or len(name) > 60:
            return Outcome("bad_party_name")
        async with self.db.read() as conn:
            if await PartyRepo(conn).get(party_id) is not None:
                return Outcome("party_exists")
        return await self._save_party(actor, Party(party_id, kind, name), "party_added", at, update_id, kind)

    async def _party_for_admin(self, actor: Actor, party_id: str) -> Party | Outcome:
        """The party an admin names, or the refusal."""
        if not self.is_admin(actor.user_id):
            return Outcome("not_admin")
        async with self.db.read() as conn:
            party = await PartyRepo(conn).get(party_id.strip().lower())
        return party if party is not None else Outcome("party_unknown")

    async def edit_party(self, actor: Actor, party_id: str, field_name: str, value: str, at: datetime,
                         update_id: int | None) -> Outcome:
        """name, profile: the text; aliases, keywords: a list separated by commas, 、 or spaces."""
        party = await self._party_for_admin(actor, party_id)
        if isinstance(party, Outcome):
            return party
        if field_name not in self.PARTY_FIELDS:
            return Outcome("bad_party_field", party=party)
        value = value.strip()
        if field_name in ("aliases", "keywords"):
            items = tuple(dict.fromkeys(v for v in re.split(r"[,，、;；\s]+", value) if v))
            party = replace(party, aliases=items) if field_name == "aliases" else replace(party, keywords=items)
        elif not value or (field_name == "name" and len(value) > 60):
            return Outcome("bad_party_name", party=party)
        else:
            party = replace(party, name=value) if field_name == "name" else replace(party, profile=value)
        return await self._save_party(actor, party, "party_edited", at, update_id, field_name)

    async def set_party_enabled(self, actor: Actor, party_id: str, enabled: bool, at: datetime,
                                update_id: int | None) -> Outcome:
        """A disabled party is no longer routed to or offered; its history and bindings stay."""
        party = await self._party_for_admin(actor, party_id)
        if isinstance(party, Outcome):
            return party
        return await self._save_party(actor, replace(party, enabled=enabled), "party_enabled" if enabled
                                      else "party_disabled", at, update_id)

    async def all_parties(self) -> list[Party]:
        async with self.db.read() as conn:
            return await PartyRepo(conn).all(enabled_only=False)

    async def import_directory(self, actor: Actor, parties: list[Party], at: datetime,
                               update_id: int | None) -> tuple[Outcome, dict[str, int]]:
        """Add or update every party in the file in one unit; parties not in it are left as they are."""
        if not self.is_admin(actor.user_id):
            return Outcome("not_admin"), {}
        counts = {"added": 0, "updated": 0, "unchanged": 0}
        async with self._unit(update_id, at) as conn:
            repo = PartyRepo(conn)
            for party in parties:
                counts[await repo.upsert(party)] += 1
            await AuditRepo(conn).record("directory_imported", at=at, actor_id=actor.user_id, **counts)
        if counts["added"] or counts["updated"]:
            self._parties = None
            self.learner.schedule()
        return Outcome("ok"), counts

    async def role(self, user_id: int) -> tuple[Role, Party | None]:
        async with self.db.read() as conn:
            binding = await PeopleRepo(conn).binding(user_id)
            party = await PartyRepo(conn).get(binding.party_id) if binding else None
        return role_of(user_id, self.admin_ids, party), party

    def is_admin(self, user_id: int | None) -> bool:
        """One of ADMIN_IDS: an admin everywhere (directory, bindings, /forget, private-chat commands)."""
        return user_id is not None and user_id in self.admin_ids

    def admits(self, actor: Actor, chat_id: int | None) -> bool:
        """An admin for what happens in this chat: one of ADMIN_IDS, or (ADMINS_FROM_CHAT) the chat's
        own Telegram administrator."""
        return self.is_admin(actor.user_id) or (chat_id is not None and actor.admin_of == chat_id)

    async def is_served(self, chat_id: int) -> bool:
        known = self._served.get(chat_id)
        if known is None:
            async with self.db.read() as conn:
                known = self._served[chat_id] = await PeopleRepo(conn).is_served(chat_id)
        return known

    async def serve_chat(self, chat_id: int, title: str | None, actor: Actor, at: datetime,
                         update_id: int | None) -> bool:
        async with self._unit(update_id, at) as conn:
            newly = await PeopleRepo(conn).serve(chat_id, title, actor.user_id, at)
            if newly:
                await AuditRepo(conn).record("chat_served", at=at, actor_id=actor.user_id, chat_id=chat_id,
                                             title=title)
        self._served[chat_id] = True  # committed
        return newly

    async def unserve_chat(self, chat_id: int, actor_id: int | None, at: datetime, update_id: int | None) -> None:
        async with self._unit(update_id, at) as conn:
            await PeopleRepo(conn).unserve(chat_id)
            await AuditRepo(conn).record("chat_left", at=at, actor_id=actor_id, chat_id=chat_id)
        self._served[chat_id] = False  # committed

    async def bind(self, admin: Actor, target_user: int, target_name: str | None, party_query: str,
                   at: datetime, update_id: int | None) -> Outcome:
        if not self.is_admin(admin.user_id):
            return Outcome("not_admin")
        found = await self.find_party(party_query)
        if not found.ok:
            return found
        assert found.party is not None
        async with self._unit(update_id, at) as conn:
            people = PeopleRepo(conn)
            await people.remember(admin.person, at)
            if target_name:
                await people.remember(Person(target_user, target_name), at)
            await people.bind(target_user, found.party.id, admin.user_id, at)
            await AuditRepo(conn).record("bound", at=at, actor_id=admin.user_id, user_id=target_user,
                                         party_id=found.party.id)
        return Outcome("ok", party=found.party)

    async def forget(self, admin: Actor, user_id: int, at: datetime, update_id: int | None) -> tuple[Outcome,
                                                                                                   dict[str, int]]:
        """/forget: a person's name, username, binding and requests go; their needs, claims and promises
        stay, anonymised. The audit keeps that someone was forgotten, not who."""
        if not self.is_admin(admin.user_id):
            return Outcome("not_admin"), {}
        async with self._unit(update_id, at) as conn:
            touched = await PeopleRepo(conn).forget(user_id)
            await AuditRepo(conn).record("person_forgotten", at=at, actor_id=admin.user_id,
                                         rows=sum(touched.values()))
        return Outcome("ok"), touched

    async def request_join(self, actor: Actor, chat_id: int, party_query: str, at: datetime,
                           update_id: int | None) -> Outcome:
        found = await self.find_party(party_query)
        if not found.ok:
            return found
        party = found.party
        assert party is not None
        async with self._unit(update_id, at) as conn:
            people = PeopleRepo(conn)
            binding = await people.binding(actor.user_id)
            if binding and binding.party_id == party.id:
                return Outcome("already_bound", party=party)
            if await people.pending_join_request(actor.user_id, party.id):
                return Outcome("already_pending", party=party)
            await people.remember(actor.person, at)
            request_id = await people.add_join_request(actor.user_id, party.id, chat_id, at)
            await AuditRepo(conn).record("join_requested", at=at, actor_id=actor.user_id, chat_id=chat_id,
                                         party_id=party.id, request_id=request_id)
            request = await people.join_request(request_id)
        return Outcome("ok", party=party, request=request)

    async def decide_join(self, admin: Actor, request_id: int, approve: bool, at: datetime,
                          update_id: int | None) -> Outcome:
        if not self.is_admin(admin.user_id):
            return Outcome("not_admin")
        async with self._unit(update_id, at) as conn:
            people = PeopleRepo(conn)
            request = await people.join_request(request_id)
            if request is None:
                return Outcome("missing")
            party = await PartyRepo(conn).get(request.party_id)
            if not await people.decide_join_request(request_id, "approved" if approve else "denied",
                                                    admin.user_id, at):
                return Outcome("already_decided", request=request, party=party)
            if approve:
                await people.bind(request.user_id, request.party_id, admin.user_id, at)
            await AuditRepo(conn).record("join_approved" if approve else "join_denied", at=at,
                                         actor_id=admin.user_id, chat_id=request.chat_id,
                                         user_id=request.user_id, party_id=request.party_id)
            request = await people.join_request(request_id)
        return Outcome("ok", request=request, party=party)

    async def person(self, user_id: int) -> Person | None:
        async with self.db.read() as conn:
            return await PeopleRepo(conn).person(user_id)

    # --- needs ---------------------------------------------------------------------------

    async def register_need(self, chat_id: int, author: Actor, text: str, message_id: int | None,
                            at: datetime, update_id: int | None) -> Outcome:
        text = text.strip()
        if not text:
            return Outcome("empty")
        routing = self.router.route(text)
        async with self._unit(update_id, at) as conn:
            needs = NeedRepo(conn)
            if message_id is not None and await needs.by_message(chat_id, message_id):
                return Outcome("duplicate")
            await PeopleRepo(conn).remember(author.person, at)
            need = await needs.add(chat_id=chat_id, author_id=author.user_id, author_name=author.display_name,
                                   message_id=message_id, text=text, need_type=routing.need_type, at=at)
            for target in routing.targets:
                if target.role == "lead" and not routing.confident:
                    continue  # unsure: no confident wrong guess in the group; an admin picks the lead
                await needs.add_route(need.id, target.id, target.role, target.score, "router", at)
            if not routing.confident:
                await LearningRepo(conn).open_triage(need.id, list(routing.suggestions), routing.confidence, at)
            await AuditRepo(conn).record(
                "need_registered", at=at, actor_id=author.user_id, chat_id=chat_id, need_id=need.id,
                number=need.number, need_type=need.need_type, confident=routing.confident,
                routes=[f"{t.role}:{t.id}" for t in routing.targets])
            view = await self._view(conn, need)
        return Outcome("ok", view=view, need=need)

    async def attach_bot_message(self, need_id: int, bot_message_id: int) -> None:
        """Remember which bot message carries the need's buttons (replies to it are promises)."""
        async with self.db.transaction() as conn:
            await NeedRepo(conn).set_bot_message(need_id, bot_message_id)

    async def view(self, need_id: int) -> NeedView | None:
        async with self.db.read() as conn:
            need = await NeedRepo(conn).get(need_id)
            return await self._view(conn, need) if need else None

    async def _directory(self, conn: aiosqlite.Connection) -> dict[str, Party]:
        """Every party by id, kept in memory: it changes only through _save_party and import_directory,
        which drop it after their unit of work commits. Need cards read it several times each."""
        if self._parties is None:
            self._parties = {p.id: p for p in await PartyRepo(conn).all(enabled_only=False)}
        return self._parties

    async def _view(self, conn: aiosqlite.Connection, need: Need) -> NeedView:
        needs, parties = NeedRepo(conn), await self._directory(conn)
        routes = active_routes(await needs.routes(need.id))
        claims = {c.party_id: c.user_id for c in await needs.claims(need.id)}
        liaisons = await PeopleRepo(conn).liaisons_of([r.party_id for r in routes])
        routed = []
        for route in routes:
            party = parties.get(route.party_id)
            if party is not None:
                routed.append(RoutedParty(route, party, tuple(liaisons.get(route.party_id, [])),
                                          claims.get(route.party_id)))
        suggestions = await LearningRepo(conn).triage_of(need.id) or []
        triage = [p for p in [parties.get(s) for s in suggestions] if p is not None]
        return NeedView(need, tuple(routed), tuple(triage))

    async def need_by_number(self, chat_id: int, number: int) -> Need | None:
        async with self.db.read() as conn:
            return await NeedRepo(conn).by_number(chat_id, number)

    async def attach_topic(self, need_id: int, topic_id: int) -> None:
        async with self.db.transaction() as conn:
            await NeedRepo(conn).set_topic(need_id, topic_id)

    async def need_by_topic(self, chat_id: int, topic_id: int) -> Need | None:
        async with self.db.read() as conn:
            return await NeedRepo(conn).by_topic(chat_id, topic_id)

    async def need_by_card(self, chat_id: int, bot_message_id: int) -> Need | None:
        async with self.db.read() as conn:
            return await NeedRepo(conn).by_bot_message(chat_id, bot_message_id)

    async def needs_on_card(self, chat_id: int, bot_message_id: int) -> list[NeedView]:
        """The needs a bot message announced: one, or several when confirmations were combined."""
        async with self.db.read() as conn:
            return [await self._view(conn, n) for n in await NeedRepo(conn).on_card(chat_id, bot_message_id)]

    async def unannounced(self, since: datetime) -> list[NeedView]:
        async with self.db.read() as conn:
            return [await self._view(conn, n) for n in await NeedRepo(conn).unannounced(since)]

    async def list_needs(self, chat_id: int, open_only: bool, offset: int = 0,
                         limit: int = 200) -> tuple[int, list[NeedView]]:
        """(how many in all, the views of needs offset..offset+limit), by number."""
        async with self.db.read() as conn:
            repo = NeedRepo(conn)
            needs = await repo.in_chat(chat_id, open_only, limit=limit, offset=offset)
            return await repo.count_in_chat(chat_id, open_only), [await self._view(conn, n) for n in needs]

    async def detail(self, chat_id: int, number: int) -> NeedDetail | None:
        async with self.db.read() as conn:
            repo = NeedRepo(conn)
            need = await repo.by_number(chat_id, number)
            if need is None:
                return None
            return NeedDetail(need, tuple(await repo.routes(need.id)), tuple(await repo.claims(need.id)),
                              tuple(await repo.commitments(need.id)),
                              tuple(await AuditRepo(conn).for_need(need.id)),
                              tuple(await AgreementRepo(conn).of_need(need.id)))

    async def party_names(self) -> dict[str, str]:
        return {p.id: p.short_name for p in await self.parties()}

    async def claim(self, need_id: int, actor: Actor, at: datetime, update_id: int | None) -> Outcome:
        async with self._unit(update_id, at) as conn:
            needs, people = NeedRepo(conn), PeopleRepo(conn)
            need = await needs.get(need_id)
            if need is None:
                return Outcome("missing")
            if need.status != "open":
                return Outcome("resolved", need=need)
            binding = await people.binding(actor.user_id)
            routes = await needs.routes(need.id)
            if not may_claim(binding.party_id if binding else None, routes):
                return Outcome("not_routed", need=need)
            assert binding is not None
            party = await PartyRepo(conn).get(binding.party_id)
            await people.remember(actor.person, at)
            if not await needs.add_claim(need.id, binding.party_id, actor.user_id, at):
                return Outcome("already", need=need, party=party)
            await AuditRepo(conn).record("claimed", at=at, actor_id=actor.user_id, chat_id=need.chat_id,
                                         need_id=need.id, party_id=binding.party_id)
            view = await self._view(conn, need)
        if party is not None and party.kind == "department":
            self.learner.schedule()
        return Outcome("ok", view=view, need=need, party=party)

    async def decline_options(self, need_id: int, actor: Actor) -> Outcome:
        async with self.db.read() as conn:
            needs = NeedRepo(conn)
            need = await needs.get(need_id)
            if need is None:
                return Outcome("missing")
            if need.status != "open":
                return Outcome("resolved", need=need)
            binding = await PeopleRepo(conn).binding(actor.user_id)
            routes = await needs.routes(need.id)
            if not (self.admits(actor, need.chat_id) or may_claim(binding.party_id if binding else None, routes)):
                return Outcome("not_routed", need=need)
        exclude = {r.party_id for r in active_routes(routes)}
        options = self.router.suggestions(need.text, exclude=exclude, limit=6)
        return Outcome("ok", need=need, options=tuple(options))

    async def decline(self, need_id: int, actor: Actor, to_party_id: str, at: datetime,
                      update_id: int | None) -> Outcome:
        async with self._unit(update_id, at) as conn:
            needs, people, parties = NeedRepo(conn), PeopleRepo(conn), PartyRepo(conn)
            need = await needs.get(need_id)
            target = await parties.get(to_party_id)
            if need is None or target is None:
                return Outcome("missing")
            if need.status != "open":
                return Outcome("resolved", need=need)
            binding = await people.binding(actor.user_id)
            routes = await needs.routes(need.id)
            own = binding.party_id if binding else None
            is_admin = self.admits(actor, need.chat_id)
            if not (is_admin or may_claim(own, routes)):
                return Outcome("not_routed", need=need)
            declining = next((r for r in active_routes(routes) if r.party_id == own), None)
            if declining is None:  # an admin without a routed party hands over the lead
                declining = lead_of(routes)
            if declining is not None and declining.party_id == target.id:
                return Outcome("same_party", need=need, party=target)
            role = declining.role if declining else "lead"
            if declining is not None:
                await needs.deactivate_route(need.id, declining.party_id)
            await needs.add_route(need.id, target.id, role, 0.0, "decline", at)
            await needs.add_correction(need_id=need.id, text=need.text,
                                       from_party=declining.party_id if declining else None,
                                       to_party=target.id, kind="decline", actor_id=actor.user_id, at=at)
            await AuditRepo(conn).record("declined", at=at, actor_id=actor.user_id, chat_id=need.chat_id,
                                         need_id=need.id,
                                         from_party=declining.party_id if declining else None,
                                         to_party=target.id)
            if role == "lead":
                await LearningRepo(conn).settle_triage(need.id, actor.user_id, at)
            view = await self._view(conn, need)
            from_party = await parties.get(declining.party_id) if declining else None
        self.learner.schedule()
        return Outcome("ok", view=view, need=need, party=target, previous=from_party)

    async def resolve(self, need_id: int, actor: Actor, at: datetime, update_id: int | None) -> Outcome:
        async with self._unit(update_id, at) as conn:
            needs = NeedRepo(conn)
            need = await needs.get(need_id)
            if need is None:
                return Outcome("missing")
            if not may_resolve(actor.user_id, need, self.admits(actor, need.chat_id)):
                return Outcome("not_allowed", need=need)
            if not await needs.resolve(need.id, at):
                return Outcome("already", need=need)
            await AuditRepo(conn).record("resolved", at=at, actor_id=actor.user_id, chat_id=need.chat_id,
                                         need_id=need.id)
            need = await needs.get(need.id)
            assert need is not None
            view = await self._view(conn, need)
        return Outcome("ok", view=view, need=need)

    async def reroute(self, chat_id: int, number: int, party_query: str, admin: Actor, at: datetime,
                      update_id: int | None) -> Outcome:
        """Make `party` the lead of need #number; stored as a correction for the router."""
        if not self.admits(admin, chat_id):
            return Outcome("not_admin")
        found = await self.find_party(party_query)
        if not found.ok:
            return found
        party = found.party
        assert party is not None
        async with self._unit(update_id, at) as conn:
            needs = NeedRepo(conn)
            need = await needs.by_number(chat_id, number)
            if need is None:
                return Outcome("missing")
            routes = await needs.routes(need.id)
            old_lead = lead_of(routes)
            if old_lead is not None and old_lead.party_id == party.id:
                return Outcome("same_party", need=need, party=party)
            if old_lead is not None:
                await needs.deactivate_route(need.id, old_lead.party_id)
            await needs.add_route(need.id, party.id, "lead", 1.0, "admin", at)
            await needs.add_correction(need_id=need.id, text=need.text,
                                       from_party=old_lead.party_id if old_lead else None, to_party=party.id,
                                       kind="reroute", actor_id=admin.user_id, at=at)
            await LearningRepo(conn).settle_triage(need.id, admin.user_id, at)
            await AuditRepo(conn).record("rerouted", at=at, actor_id=admin.user_id, chat_id=chat_id,
                                         need_id=need.id, from_party=old_lead.party_id if old_lead else None,
                                         to_party=party.id)
            view = await self._view(conn, need)
        self.learner.schedule()
        return Outcome("ok", view=view, need=need, party=party)

    async def assign(self, need_id: int, admin: Actor, party_id: str, at: datetime,
                     update_id: int | None) -> Outcome:
        """An admin picks the lead of a need the router was unsure about (a triage button)."""
        if not self.is_admin(admin.user_id) and admin.admin_of is None:
            return Outcome("not_admin")
        async with self._unit(update_id, at) as conn:
            needs, learning = NeedRepo(conn), LearningRepo(conn)
            need = await needs.get(need_id)
            party = await PartyRepo(conn).get(party_id)
            if need is None or party is None:
                return Outcome("missing")
            if not self.admits(admin, need.chat_id):
                return Outcome("not_admin")
            if await learning.triage_of(need.id) is None:
                return Outcome("already_decided", need=need, party=party)
            await needs.add_route(need.id, party.id, "lead", 1.0, "admin", at)
            await needs.add_correction(need_id=need.id, text=need.text, from_party=None, to_party=party.id,
                                       kind="reroute", actor_id=admin.user_id, at=at)
            await learning.settle_triage(need.id, admin.user_id, at)
            await AuditRepo(conn).record("assigned", at=at, actor_id=admin.user_id, chat_id=need.chat_id,
                                         need_id=need.id, to_party=party.id)
            view = await self._view(conn, need)
        self.learner.schedule()
        return Outcome("ok", view=view, need=need, party=party)

    async def my_desk(self, user_id: int) -> tuple[list[NeedView], list[tuple[Need, Commitment]], list[Need]]:
        """What a person's private chat shows: needs routed to their party, their party's pending
        promises, and the needs they posted themselves."""
        async with self.db.read() as conn:
            needs = NeedRepo(conn)
            binding = await PeopleRepo(conn).binding(user_id)
            routed: list[NeedView] = []
            promises: list[tuple[Need, Commitment]] = []
            if binding is not None:
                routed = [await self._view(conn, n) for n in await needs.open_routed_to(binding.party_id)]
                promises = [(n, c) for n, c in await needs.open_commitments() if c.party_id == binding.party_id]
            return routed, promises, await needs.open_authored_by(user_id)

    async def commitment_chat(self, commitment_id: int) -> int | None:
        """The chat of the need a commitment belongs to (buttons in a private chat act there)."""
        async with self.db.read() as conn:
            needs = NeedRepo(conn)
            commitment = await needs.commitment(commitment_id)
            need = await needs.get(commitment.need_id) if commitment else None
            return need.chat_id if need else None

    async def triage_queue(self, chat_id: int | None) -> list[NeedView]:
        async with self.db.read() as conn:
            waiting = await LearningRepo(conn).waiting(chat_id)
            views = []
            for need_id, _ in waiting:
                need = await NeedRepo(conn).get(need_id)
                if need is not None:
                    views.append(await self._view(conn, need))
            return views

    # --- commitments ---------------------------------------------------------------------

    def local_day(self, at: datetime) -> date:
        return at.astimezone(self.timezone).date()

    async def commit(self, need: Need, actor: Actor, text: str, sent_at: datetime, message_id: int | None,
                     update_id: int | None) -> Outcome:
        """A liaison's promise on a need: dated from the text against the message's own local time."""
        text = text.strip()
        if not text:
            return Outcome("empty", need=need)
        due = parse_due(text, sent_at.astimezone(self.timezone))
        async with self._unit(update_id, sent_at) as conn:
            needs, people = NeedRepo(conn), PeopleRepo(conn)
            current = await needs.get(need.id)
            if current is None:
                return Outcome("missing")
            if current.status != "open":
                return Outcome("resolved", need=current)
            binding = await people.binding(actor.user_id)
            if binding is None:
                return Outcome("not_bound", need=current)
            party = await PartyRepo(conn).get(binding.party_id)
            routes = await needs.routes(current.id)
            if not any(r.party_id == binding.party_id for r in active_routes(routes)):
                # A party that steps in by promising is added as an assisting party.
                await needs.add_route(current.id, binding.party_id, "assist", 0.0, "commit", sent_at)
            if await needs.add_claim(current.id, binding.party_id, actor.user_id, sent_at):
                await AuditRepo(conn).record("claimed", at=sent_at, actor_id=actor.user_id,
                                             chat_id=current.chat_id, need_id=current.id,
                                             party_id=binding.party_id, by="commitment")
            await people.remember(actor.person, sent_at)
            commitment = await needs.add_commitment(need_id=current.id, party_id=binding.party_id,
                                                    user_id=actor.user_id, text=text, due_date=due,
                                                    at=sent_at, message_id=message_id)
            await AuditRepo(conn).record("committed", at=sent_at, actor_id=actor.user_id,
                                         chat_id=current.chat_id, need_id=current.id,
                                         commitment_id=commitment.id, party_id=binding.party_id,
                                         due_date=due.isoformat() if due else None)
        return Outcome("ok", need=current, party=party, commitment=commitment)

    async def attach_date_prompt(self, commitment_id: int, bot_message_id: int) -> None:
        async with self.db.transaction() as conn:
            await NeedRepo(conn).set_prompt_message(commitment_id, bot_message_id)

    async def commitment_for_prompt(self, chat_id: int, bot_message_id: int) -> Commitment | None:
        async with self.db.read() as conn:
            return await NeedRepo(conn).commitment_by_prompt(chat_id, bot_message_id)

    async def set_due(self, commitment_id: int, actor: Actor, text: str, sent_at: datetime,
                      update_id: int | None) -> Outcome:
        due = parse_due(text, sent_at.astimezone(self.timezone))
        async with self._unit(update_id, sent_at) as conn:
            needs = NeedRepo(conn)
            commitment = await needs.commitment(commitment_id)
            if commitment is None:
                return Outcome("missing")
            binding = await PeopleRepo(conn).binding(actor.user_id)
            if not may_mark_done(actor.user_id, commitment, binding.party_id if binding else None,
                                 self.is_admin(actor.user_id)):
                return Outcome("not_allowed", commitment=commitment)
            if due is None:
                return Outcome("no_date", commitment=commitment)
            await needs.set_due_date(commitment.id, due)
            await AuditRepo(conn).record("due_set", at=sent_at, actor_id=actor.user_id,
                                         need_id=commitment.need_id, commitment_id=commitment.id,
                                         due_date=due.isoformat())
            commitment = await needs.commitment(commitment.id) or commitment
            need = await needs.get(commitment.need_id) if commitment else None
        return Outcome("ok", commitment=commitment, need=need)

    async def _commitment_in(self, conn: aiosqlite.Connection, commitment_id: int,
                             chat_id: int) -> tuple[Commitment, Need] | None:
        """The commitment and its need, when the need is in this chat (ids are global, numbers per chat)."""
        needs = NeedRepo(conn)
        commitment = await needs.commitment(commitment_id)
        need = await needs.get(commitment.need_id) if commitment else None
        if commitment is None or need is None or need.chat_id != chat_id:
            return None
        return commitment, need

    async def _commitment_changed(self, conn: aiosqlite.Connection, event: str, actor: Actor, need: Need,
                                  commitment: Commitment, at: datetime) -> tuple[Commitment, Party | None]:
        """Audit a change to a commitment and read it back with its party."""
        await AuditRepo(conn).record(event, at=at, actor_id=actor.user_id, chat_id=need.chat_id, need_id=need.id,
                                     commitment_id=commitment.id)
        commitment = await NeedRepo(conn).commitment(commitment.id) or commitment
        return commitment, await PartyRepo(conn).get(commitment.party_id)

    async def done(self, commitment_id: int, actor: Actor, chat_id: int, at: datetime,
                   update_id: int | None) -> Outcome:
        """The liaison says a promise is kept: it waits for the need author's (or an admin's)
        confirmation — status "reported". An admin's /done is kept and confirmed at once — "ok"."""
        async with self._unit(update_id, at) as conn:
            needs = NeedRepo(conn)
            found = await self._commitment_in(conn, commitment_id, chat_id)
            if found is None:
                return Outcome("commitment_missing")
            commitment, need = found
            binding = await PeopleRepo(conn).binding(actor.user_id)
            admin = self.admits(actor, need.chat_id)
            if not may_mark_done(actor.user_id, commitment, binding.party_id if binding else None, admin):
                return Outcome("not_allowed", commitment=commitment, need=need)
            if commitment.status == "cancelled":
                return Outcome("cancelled", commitment=commitment, need=need)
            confirm_now = admin or may_confirm(actor.user_id, need, admin)
            if confirm_now:
                changed = await needs.mark_done(commitment.id, at, actor.user_id)
            else:
                changed = await needs.mark_reported(commitment.id, at, actor.user_id)
            if not changed:
                return Outcome("already", commitment=commitment, need=need)
            commitment, party = await self._commitment_changed(
                conn, "commitment_done" if confirm_now else "commitment_reported", actor, need, commitment, at)
        return Outcome("ok" if confirm_now else "reported", commitment=commitment, need=need, party=party)

    async def attach_report_message(self, commitment_id: int, bot_message_id: int) -> None:
        async with self.db.transaction() as conn:
            await NeedRepo(conn).set_report_message(commitment_id, bot_message_id)

    async def confirm(self, commitment_id: int, actor: Actor, chat_id: int, kept: bool, at: datetime,
                      update_id: int | None) -> Outcome:
        """The need's author (or an admin) confirms a reported promise as kept, or disputes it
        (it is open again, and overdue if its date has passed)."""
        async with self._unit(update_id, at) as conn:
            needs = NeedRepo(conn)
            found = await self._commitment_in(conn, commitment_id, chat_id)
            if found is None:
                return Outcome("commitment_missing")
            commitment, need = found
            if not may_confirm(actor.user_id, need, self.admits(actor, need.chat_id)):
                return Outcome("not_allowed", commitment=commitment, need=need)
            changed = await (needs.confirm(commitment.id, at, actor.user_id) if kept else needs.reopen(commitment.id))
            if not changed:
                return Outcome("already", commitment=commitment, need=need)
            commitment, party = await self._commitment_changed(
                conn, "commitment_confirmed" if kept else "commitment_disputed", actor, need, commitment, at)
        return Outcome("ok" if kept else "disputed", commitment=commitment, need=need, party=party)

    async def cancel(self, commitment_id: int, actor: Actor, chat_id: int, at: datetime,
                     update_id: int | None) -> Outcome:
        """Withdrawn by its liaison (or party) or an admin: no reminders, not counted as broken."""
        async with self._unit(update_id, at) as conn:
            needs = NeedRepo(conn)
            found = await self._commitment_in(conn, commitment_id, chat_id)
            if found is None:
                return Outcome("commitment_missing")
            commitment, need = found
            binding = await PeopleRepo(conn).binding(actor.user_id)
            if not may_mark_done(actor.user_id, commitment, binding.party_id if binding else None,
                                 self.admits(actor, need.chat_id)):
                return Outcome("not_allowed", commitment=commitment, need=need)
            if not await needs.cancel(commitment.id, at, actor.user_id):
                return Outcome("already", commitment=commitment, need=need)
            commitment, party = await self._commitment_changed(conn, "commitment_cancelled", actor, need, commitment,
                                                               at)
        return Outcome("ok", commitment=commitment, need=need, party=party)

    async def kept_rates(self, chat_id: int | None, now: datetime, policy: Policy) -> list[PartyRecord]:
        """Per party: promises made and kept, and claim response times, in one chat or all."""
        async with self.db.read() as conn:
            repo = NeedRepo(conn)
            return kept_rates(await repo.all_commitments(chat_id), await repo.claims_with_need_times(chat_id),
                              now, policy)

    # --- agreements ----------------------------------------------------------------------

    async def _may_record(self, conn: aiosqlite.Connection, actor: Actor, need: Need) -> bool:
        """Admins, the need's author, and anyone bound to a party (liaisons, lab and fund members)."""
        if self.admits(actor, need.chat_id) or need.author_id == actor.user_id:
            return True
        return await PeopleRepo(conn).binding(actor.user_id) is not None

    async def _add_agreement(self, conn: aiosqlite.Connection, need: Need, actor: Actor, text: str,
                             at: datetime) -> Agreement:
        named = sorted(self.router.parties[i].id for i in self.router.mentioned(text))
        agreement = await AgreementRepo(conn).add(need_id=need.id, kind=agreement_kind(text),
                                                  amount_yuan=parse_amount(text), parties=named, text=text,
                                                  actor_id=actor.user_id, at=at)
        await AuditRepo(conn).record("agreement_recorded", at=at, actor_id=actor.user_id, chat_id=need.chat_id,
                                     need_id=need.id, agreement_id=agreement.id, agreement_kind=agreement.kind,
                                     amount_yuan=agreement.amount_yuan)
        return agreement

    async def record_agreement(self, chat_id: int, number: int, actor: Actor, text: str, at: datetime,
                               update_id: int | None) -> Outcome:
        """/agreement N text: an outcome of need #N — kind and amount read from the text."""
        text = text.strip()
        if not text:
            return Outcome("empty_agreement")
        async with self._unit(update_id, at) as conn:
            need = await NeedRepo(conn).by_number(chat_id, number)
            if need is None:
                return Outcome("missing")
            if not await self._may_record(conn, actor, need):
                return Outcome("not_recorder", need=need)
            agreement = await self._add_agreement(conn, need, actor, text, at)
        return Outcome("ok", need=need, agreement=agreement)

    async def offer_agreement(self, chat_id: int, actor: Actor, text: str, message_id: int | None,
                              replied_bot_message: int | None, at: datetime, update_id: int | None) -> Outcome:
        """A message announcing a signing or an investment: which need it belongs to (the card it
        answers, a "#N" in it, or the sender's latest open need), kept as an offer to record."""
        async with self._unit(update_id, at) as conn:
            needs = NeedRepo(conn)
            need = await needs.by_bot_message(chat_id, replied_bot_message) if replied_bot_message else None
            if need is None and (number := re.search(r"#(\d{1,9})", text)):
                need = await needs.by_number(chat_id, int(number.group(1)))
            if need is None:
                authored = [n for n in await needs.in_chat(chat_id, open_only=True) if n.author_id == actor.user_id]
                need = max(authored, key=lambda n: n.id) if authored else None
            if need is None:
                return Outcome("missing")
            offer = await AgreementRepo(conn).add_offer(need_id=need.id, user_id=actor.user_id, text=text,
                                                        message_id=message_id, at=at)
        return Outcome("ok", need=need, offer=offer)

    async def accept_offer(self, offer_id: int, actor: Actor, chat_id: int, at: datetime,
                           update_id: int | None) -> Outcome:
        async with self._unit(update_id, at) as conn:
            repo = AgreementRepo(conn)
            offer = await repo.offer(offer_id)
            need = await NeedRepo(conn).get(offer.need_id) if offer else None
            if offer is None or need is None or need.chat_id != chat_id:
                return Outcome("missing")
            if actor.user_id != offer.user_id and not await self._may_record(conn, actor, need):
                return Outcome("not_recorder", need=need)
            if offer.agreement_id is not None:
                return Outcome("already_recorded", need=need)
            agreement = await self._add_agreement(conn, need, actor, offer.text, at)
            await repo.settle_offer(offer.id, agreement.id)
        return Outcome("ok", need=need, agreement=agreement)

    async def overdue(self, chat_id: int, now: datetime) -> tuple[list[tuple[Need, Commitment]],
                                                                   list[tuple[Need, Commitment]]]:
        """(dated commitments past due, undated open commitments) in this chat."""
        today = self.local_day(now)
        async with self.db.read() as conn:
            repo = NeedRepo(conn)
            return await repo.overdue(chat_id, today), await repo.undated_open(chat_id)

    async def corrections(self) -> list[tuple[str, str]]:
        async with self.db.read() as conn:
            return await NeedRepo(conn).corrections()


