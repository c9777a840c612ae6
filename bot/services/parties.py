"""The directory of parties: looking one up by what a person types, and its management by admins."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from bot.domain import PARTY_KINDS, Actor, Outcome, Party, Refusal
from bot.domain.directory import PARTY_ID
from bot.services.learning import Learner
from bot.services.views import Directory
from bot.services.work import Access, Work

PARTY_FIELDS = ("name", "aliases", "profile", "keywords")


def find_party(parties: list[Party], query: str) -> Outcome:
    """By id, full name, alias, or a part of the name that fits exactly one party."""
    query = query.strip()
    if not query:
        return Outcome(Refusal.PARTY_MISSING)
    lowered = query.lower()
    for test in (
        lambda p: p.id.lower() == lowered,
        lambda p: p.name == query,
        lambda p: query in p.aliases,
    ):
        exact = [p for p in parties if test(p)]
        if len(exact) == 1:
            return Outcome(party=exact[0])
    partial = [p for p in parties if query in p.name or any(query in a for a in p.aliases)]
    if len(partial) == 1:
        return Outcome(party=partial[0])
    if len(partial) > 1:
        return Outcome(Refusal.PARTY_AMBIGUOUS, matches=tuple(partial[:8]))
    return Outcome(Refusal.PARTY_UNKNOWN)


class Parties:
    def __init__(self, work: Work, access: Access, directory: Directory, learner: Learner) -> None:
        self.work, self.access, self.directory, self.learner = work, access, directory, learner

    async def enabled(self) -> list[Party]:
        """The parties needs are routed to and people bind to (disabled ones are left out)."""
        return [p for p in (await self._all()).values() if p.enabled]

    async def everything(self) -> list[Party]:
        return list((await self._all()).values())

    async def _all(self) -> dict[str, Party]:
        async with self.work.read() as repos:
            return await self.directory.all(repos)

    async def names(self) -> dict[str, str]:
        """Party id → short name, every party (a disabled one still names its history)."""
        return {p.id: p.short_name for p in await self.everything()}

    async def find(self, query: str) -> Outcome:
        return find_party(await self.enabled(), query)

    async def get(self, party_id: str) -> Party | None:
        return (await self._all()).get(party_id)

    def _changed(self) -> None:
        self.directory.changed()
        self.learner.schedule()  # the router takes up the new names and profile without a restart

    async def _save(self, actor: Actor, party: Party, event: str, at: datetime, update_id: int | None,
                    detail: str = "") -> Outcome:
        async with self.work.unit(update_id, at, actor) as unit:
            change = await unit.parties.upsert(party)
            if change != "unchanged":
                await unit.record(event, party_id=party.id, detail=detail)
        if change == "unchanged":
            return Outcome(Refusal.UNCHANGED, party=party)
        self._changed()
        return Outcome(party=party)

    async def add(self, actor: Actor, party_id: str, kind: str, name: str, at: datetime,
                  update_id: int | None) -> Outcome:
        if not self.access.is_admin(actor.user_id):
            return Outcome(Refusal.NOT_ADMIN)
        party_id, name = party_id.strip().lower(), name.strip()
        if not PARTY_ID.match(party_id):
            return Outcome(Refusal.BAD_PARTY_ID)
        if kind not in PARTY_KINDS:
            return Outcome(Refusal.BAD_PARTY_KIND)
        if not name or len(name) > 60:
            return Outcome(Refusal.BAD_PARTY_NAME)
        if await self.get(party_id) is not None:
            return Outcome(Refusal.PARTY_EXISTS)
        return await self._save(actor, Party(party_id, kind, name), "party_added", at, update_id, kind)

    async def _for_admin(self, actor: Actor, party_id: str) -> Party | Outcome:
        """The party an admin names, or the refusal."""
        if not self.access.is_admin(actor.user_id):
            return Outcome(Refusal.NOT_ADMIN)
        party = await self.get(party_id.strip().lower())
        return party if party is not None else Outcome(Refusal.PARTY_UNKNOWN)

    async def edit(self, actor: Actor, party_id: str, field_name: str, value: str, at: datetime,
                   update_id: int | None) -> Outcome:
        """name, profile: the text; aliases, keywords: a list separated by commas, 、 or spaces."""
        party = await self._for_admin(actor, party_id)
        if isinstance(party, Outcome):
            return party
        if field_name not in PARTY_FIELDS:
            return Outcome(Refusal.BAD_PARTY_FIELD, party=party)
        value = value.strip()
        if field_name in ("aliases", "keywords"):
            items = tuple(dict.fromkeys(v for v in re.split(r"[,，、;；\s]+", value) if v))
            party = replace(party, aliases=items) if field_name == "aliases" else replace(party, keywords=items)
        elif not value or (field_name == "name" and len(value) > 60):
            return Outcome(Refusal.BAD_PARTY_NAME, party=party)
        else:
            party = replace(party, name=value) if field_name == "name" else replace(party, profile=value)
        return await self._save(actor, party, "party_edited", at, update_id, field_name)

    async def set_enabled(self, actor: Actor, party_id: str, enabled: bool, at: datetime,
                          update_id: int | None) -> Outcome:
        """A disabled party is no longer routed to or offered; its history and bindings stay."""
        party = await self._for_admin(actor, party_id)
        if isinstance(party, Outcome):
            return party
        return await self._save(actor, replace(party, enabled=enabled),
                                "party_enabled" if enabled else "party_disabled", at, update_id)

    async def import_directory(self, actor: Actor, parties: list[Party], at: datetime,
                               update_id: int | None) -> Outcome:
        """Add or update every party in the file in one unit; parties not in it are left as they are."""
        if not self.access.is_admin(actor.user_id):
            return Outcome(Refusal.NOT_ADMIN)
        counts = {"added": 0, "updated": 0, "unchanged": 0}
        async with self.work.unit(update_id, at, actor) as unit:
            for party in parties:
                counts[await unit.parties.upsert(party)] += 1
            await unit.record("directory_imported", **counts)
        if counts["added"] or counts["updated"]:
            self._changed()
        return Outcome(counts=tuple(counts.items()))
