"""The unit of work every use case runs in, the guards they share, and who counts as an admin.

A unit of work is one SQLite transaction carrying the update id (its handled-mark commits with its effects,
or a repeat is refused), the actor and the time; its repositories share the transaction. A use case that
only reads takes :meth:`Work.read`. The guards ("fetch the need, refuse if missing or resolved", "the
actor's party", "change the lead") are written here once.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

import aiosqlite

from bot.domain import Actor, LeadChange, Need, Person, Refusal, Route, lead_of
from bot.domain.duty import LeadTerm
from storage.agreements import AgreementRepo
from storage.audit import AuditRepo
from storage.challenges import ChallengeRepo
from storage.commitments import CommitmentRepo
from storage.db import Database
from storage.duplicates import DuplicateRepo
from storage.duty import LeadTermRepo, VerdictRepo
from storage.extensions import ExtensionRepo
from storage.learning import LearningRepo
from storage.needs import NeedRepo
from storage.notes import NoteRepo
from storage.offers import MatchRepo, OfferRepo
from storage.parties import PartyRepo
from storage.people import PeopleRepo
from storage.routes import ClaimRepo, CorrectionRepo, RouteRepo


@dataclass
class Bindings:
    """Who is bound to which party — every binding, read in one query when first asked (a few dozen people) and
    kept: every group message asks it. ``parties`` None: not read yet (or dropped by a unit that changed one)."""

    parties: dict[int, str] | None = None

    def party_of(self, user_id: int) -> tuple[bool, str | None]:
        """(known without reading, the party): known once the bindings were read."""
        return (self.parties is not None, self.parties.get(user_id) if self.parties is not None else None)


class RepeatedUpdate(Exception):
    """This update was handled before; its unit of work is rolled back and nothing is said."""


class Repos:
    """Every repository over one connection (a read, or a unit of work's transaction), made when first used."""

    def __init__(self, conn: aiosqlite.Connection, bindings: Bindings | None = None) -> None:
        self.conn = conn
        self._bindings = bindings  # Work.bindings: who is bound to which party, as stored

    @cached_property
    def needs(self) -> NeedRepo:
        return NeedRepo(self.conn)

    @cached_property
    def routes(self) -> RouteRepo:
        return RouteRepo(self.conn)

    @cached_property
    def claims(self) -> ClaimRepo:
        return ClaimRepo(self.conn)

    @cached_property
    def corrections(self) -> CorrectionRepo:
        return CorrectionRepo(self.conn)

    @cached_property
    def commitments(self) -> CommitmentRepo:
        return CommitmentRepo(self.conn)

    @cached_property
    def extensions(self) -> ExtensionRepo:
        return ExtensionRepo(self.conn)

    @cached_property
    def people(self) -> PeopleRepo:
        return PeopleRepo(self.conn)

    @cached_property
    def parties(self) -> PartyRepo:
        return PartyRepo(self.conn)

    @cached_property
    def audit(self) -> AuditRepo:
        return AuditRepo(self.conn)

    @cached_property
    def learning(self) -> LearningRepo:
        return LearningRepo(self.conn)

    @cached_property
    def agreements(self) -> AgreementRepo:
        return AgreementRepo(self.conn)

    @cached_property
    def notes(self) -> NoteRepo:
        return NoteRepo(self.conn)

    @cached_property
    def lead_terms(self) -> LeadTermRepo:
        return LeadTermRepo(self.conn)

    @cached_property
    def verdicts(self) -> VerdictRepo:
        return VerdictRepo(self.conn)

    @cached_property
    def duplicates(self) -> DuplicateRepo:
        return DuplicateRepo(self.conn)

    @cached_property
    def offers(self) -> OfferRepo:
        return OfferRepo(self.conn)

    @cached_property
    def matches(self) -> MatchRepo:
        return MatchRepo(self.conn)

    @cached_property
    def challenges(self) -> ChallengeRepo:
        return ChallengeRepo(self.conn)

    async def bound_party(self, user_id: int) -> str | None:
        """The party this person is bound to (a liaison's department, a lab member's lab), if any. Read once and
        kept (every group message asks it); a unit that binds or forgets anyone drops what was kept."""
        cache = self._bindings
        if cache is None or ("people" in self.__dict__ and self.people.bindings_changed):
            binding = await self.people.binding(user_id)
            return binding.party_id if binding else None
        if cache.parties is None:
            cache.parties = await self.people.all_bindings()
        return cache.parties.get(user_id)

    async def open_need(self, need_id: int) -> Need | Refusal:
        """The need, or why it cannot be acted on (missing, resolved)."""
        need = await self.needs.get(need_id)
        if need is None:
            return Refusal.NEED_NOT_FOUND
        if need.status == "withdrawn":
            return Refusal.NEED_WITHDRAWN
        return need if need.status == "open" else Refusal.NEED_RESOLVED


class Unit(Repos):
    """A unit of work: its repositories, who acts, and when; :meth:`record` audits in the same transaction."""

    def __init__(self, conn: aiosqlite.Connection, actor_id: int | None, at: datetime,
                 known: dict[int, Person], bindings: Bindings | None = None) -> None:
        super().__init__(conn, bindings)
        self.actor_id, self.at = actor_id, at
        self._known = known  # people as last written (Work.known)
        self.remembered: list[Person] = []  # written by this unit: known once it commits

    async def remember(self, person: Person) -> None:
        """Store a person's name and username, unless they are stored exactly so already (one trip less for
        everyone who acts again under the same name)."""
        if self._known.get(person.user_id) != person:
            await self.people.remember(person, self.at)
            self.remembered.append(person)

    async def record(self, kind: str, *, chat_id: int | None = None, need_id: int | None = None,
                     **detail: object) -> None:
        await self.audit.record(kind, at=self.at, actor_id=self.actor_id, chat_id=chat_id, need_id=need_id,
                                **detail)

    async def change_lead(self, need: Need, to_party: str, change: LeadChange, *, routes: list[Route],
                          handing_over: Route | None = None,
                          reason: str | None = None) -> tuple[Route | None, LeadTerm | None]:
        """Make ``to_party`` lead ``need`` (or take over ``handing_over``'s role): the old route is deactivated,
        the change stored as a correction for the router and audited, the triage settled; for the lead, the old
        lead's term ends (a 退单 with ``reason`` when the lead hands it over itself) and the new one's starts.
        Returns the route that was replaced and the lead term that ended."""
        replaced = handing_over if handing_over is not None else lead_of(routes)
        role = replaced.role if replaced is not None else "lead"
        if replaced is not None:
            await self.routes.deactivate(need.id, replaced.party_id)
        ended = None
        if role == "lead":
            own_hand_over = change is LeadChange.HAND_OVER and handing_over is not None
            ended = await self.lead_terms.end(need.id, self.at, "handover" if own_hand_over else "reroute",
                                              reason if own_hand_over else None)
            prior = next((r.role for r in routes if r.party_id == to_party and r.active), None)
            await self.lead_terms.start(need.id, to_party, self.at, prior)
        await self.routes.add(need.id, to_party, role, 1.0 if change.source == "admin" else 0.0, change.source,
                              self.at)
        from_party = replaced.party_id if replaced else None
        await self.corrections.add(need_id=need.id, text=need.text, from_party=from_party, to_party=to_party,
                                   kind=change.correction, actor_id=self.actor_id or 0, at=self.at)
        if role == "lead":
            await self.learning.settle_triage(need.id, self.actor_id or 0, self.at)
        await self.record(change.value, chat_id=need.chat_id, need_id=need.id, from_party=from_party,
                          to_party=to_party, **({"reason": reason} if reason else {}))
        return replaced, ended


class Work:
    """Opens units of work and reads over the one database, and remembers which updates it marked handled."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._marked: deque[int] = deque(maxlen=256)
        self.known: dict[int, Person] = {}  # people whose name and username are stored just so (one entry a person)
        self.bindings = Bindings()  # who is bound to which party, as stored

    @asynccontextmanager
    async def unit(self, update_id: int | None, at: datetime, actor: Actor | int | None = None) -> AsyncIterator[Unit]:
        actor_id = actor.user_id if isinstance(actor, Actor) else actor
        unit: Unit | None = None
        try:
            async with self.db.transaction() as conn:
                unit = Unit(conn, actor_id, at, self.known, self.bindings)
                if update_id is not None and not await unit.audit.mark_handled(update_id, at):
                    raise RepeatedUpdate(update_id)
                yield unit
        finally:
            if unit is not None and "people" in unit.__dict__ and unit.people.bindings_changed:
                self.bindings.parties = None  # committed or not: read them afresh
        self.known.update((p.user_id, p) for p in unit.remembered)  # committed
        if update_id is not None:
            self._marked.append(update_id)  # committed: the last handler need not mark it again

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Repos]:
        """One statement of bookkeeping that is no update's effect (which message carries a card)."""
        async with self.db.autocommit() as conn:
            yield Repos(conn)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Repos]:
        async with self.db.read() as conn:
            yield Repos(conn, self.bindings)

    def marked(self, update_id: int) -> bool:
        """This update's mark was committed with its unit of work (a recent one, kept in memory)."""
        return update_id in self._marked

    async def already_handled(self, update_id: int) -> bool:
        async with self.db.read() as conn:
            return await AuditRepo(conn).seen(update_id)

    async def mark_handled(self, update_id: int, at: datetime) -> None:
        async with self.db.transaction() as conn:
            await AuditRepo(conn).mark_handled(update_id, at)


@dataclass(frozen=True)
class Access:
    """Who is an admin: ADMIN_IDS everywhere; with ADMINS_FROM_CHAT a group's own administrators there."""

    admin_ids: frozenset[int]

    def is_admin(self, user_id: int | None) -> bool:
        """One of ADMIN_IDS: an admin everywhere (directory, bindings, /forget, private-chat commands)."""
        return user_id is not None and user_id in self.admin_ids

    def admits(self, actor: Actor, chat_id: int | None) -> bool:
        """An admin for what happens in this chat: one of ADMIN_IDS, or (ADMINS_FROM_CHAT) the chat's
        own Telegram administrator."""
        return self.is_admin(actor.user_id) or (chat_id is not None and actor.admin_of == chat_id)
