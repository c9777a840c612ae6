"""People and chats: roles, bindings to parties, join requests, forgetting a person, the chats served."""

from __future__ import annotations

from datetime import datetime

from bot.domain import Actor, Outcome, Party, Person, Refusal, Role, role_of
from bot.services.parties import Parties
from bot.services.work import Access, Work


class People:
    def __init__(self, work: Work, access: Access, parties: Parties) -> None:
        self.work, self.access, self.parties = work, access, parties
        self._served: dict[int, bool] = {}  # chat id → served, as last read or written

    async def role(self, user_id: int) -> tuple[Role, Party | None]:
        async with self.work.read() as repos:
            party_id = await repos.bound_party(user_id)
        party = await self.parties.get(party_id) if party_id else None
        return role_of(user_id, self.access.admin_ids, party), party

    async def person(self, user_id: int) -> Person | None:
        async with self.work.read() as repos:
            return await repos.people.person(user_id)

    async def names(self, user_ids: set[int]) -> dict[int, str]:
        """Display names of these people where known."""
        async with self.work.read() as repos:
            found = await repos.people.persons(sorted(user_ids))
        return {u: p.display_name for u, p in found.items()}

    # --- chats ---------------------------------------------------------------------------------

    async def is_served(self, chat_id: int) -> bool:
        known = self._served.get(chat_id)
        if known is None:
            async with self.work.read() as repos:
                known = self._served[chat_id] = await repos.people.is_served(chat_id)
        return known

    async def served_chats(self) -> list[int]:
        async with self.work.read() as repos:
            return await repos.people.served_chats()

    async def serve(self, chat_id: int, title: str | None, actor: Actor, at: datetime,
                    update_id: int | None) -> bool:
        """Serve a chat (an admin added the bot or used a command in it); True when it was not served."""
        async with self.work.unit(update_id, at, actor) as unit:
            newly = await unit.people.serve(chat_id, title, actor.user_id, at)
            if newly:
                await unit.record("chat_served", chat_id=chat_id, title=title)
        self._served[chat_id] = True  # committed
        return newly

    async def unserve(self, chat_id: int, actor_id: int | None, at: datetime, update_id: int | None) -> None:
        async with self.work.unit(update_id, at, actor_id) as unit:
            await unit.people.unserve(chat_id)
            await unit.record("chat_left", chat_id=chat_id)
        self._served[chat_id] = False  # committed

    # --- bindings ------------------------------------------------------------------------------

    async def bind(self, admin: Actor, target_user: int, target_name: str | None, party_query: str,
                   at: datetime, update_id: int | None) -> Outcome:
        if not self.access.is_admin(admin.user_id):
            return Outcome(Refusal.NOT_ADMIN)
        found = await self.parties.find(party_query)
        if found.party is None:
            return found
        async with self.work.unit(update_id, at, admin) as unit:
            await unit.remember(admin.person)
            if target_name:
                await unit.remember(Person(target_user, target_name))
            await unit.people.bind(target_user, found.party.id, admin.user_id, at)
            await unit.record("bound", user_id=target_user, party_id=found.party.id)
        return found

    async def forget(self, admin: Actor, user_id: int, at: datetime, update_id: int | None) -> Outcome:
        """/forget: a person's name, username, binding and requests go; their needs, claims and promises
        stay, anonymised. The audit keeps that someone was forgotten, not who."""
        if not self.access.is_admin(admin.user_id):
            return Outcome(Refusal.NOT_ADMIN)
        async with self.work.unit(update_id, at, admin) as unit:
            touched = await unit.people.forget(user_id)
            await unit.record("person_forgotten", rows=sum(touched.values()))
        self.work.known.pop(user_id, None)  # committed: stored again when they next act
        return Outcome(counts=tuple(touched.items()))

    async def request_join(self, actor: Actor, chat_id: int, party_query: str, at: datetime,
                           update_id: int | None) -> Outcome:
        found = await self.parties.find(party_query)
        party = found.party
        if party is None:
            return found
        async with self.work.unit(update_id, at, actor) as unit:
            if await unit.bound_party(actor.user_id) == party.id:
                return Outcome(Refusal.ALREADY_BOUND, party=party)
            if await unit.people.pending_join_request(actor.user_id, party.id):
                return Outcome(Refusal.ALREADY_PENDING, party=party)
            await unit.remember(actor.person)
            request_id = await unit.people.add_join_request(actor.user_id, party.id, chat_id, at)
            await unit.record("join_requested", chat_id=chat_id, party_id=party.id, request_id=request_id)
            request = await unit.people.join_request(request_id)
        return Outcome(party=party, request=request)

    async def decide_join(self, admin: Actor, request_id: int, approve: bool, at: datetime,
                          update_id: int | None) -> Outcome:
        if not self.access.is_admin(admin.user_id):
            return Outcome(Refusal.NOT_ADMIN)
        async with self.work.unit(update_id, at, admin) as unit:
            request = await unit.people.join_request(request_id)
            if request is None:
                return Outcome(Refusal.JOIN_REQUEST_NOT_FOUND)
            party = await unit.parties.get(request.party_id)
            if not await unit.people.decide_join_request(request_id, "approved" if approve else "denied",
                                                         admin.user_id, at):
                return Outcome(Refusal.ALREADY_DECIDED, request=request, party=party)
            if approve:
                await unit.people.bind(request.user_id, request.party_id, admin.user_id, at)
            await unit.record("join_approved" if approve else "join_denied", chat_id=request.chat_id,
                              user_id=request.user_id, party_id=request.party_id)
            request = await unit.people.join_request(request_id)
        return Outcome(request=request, party=party)
