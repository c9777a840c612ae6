"""The directory kept in memory and needs as the group sees them (NeedView), built set-wise: one query per
kind of row for any number of needs, not a handful per need."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime

from bot.domain import Need, NeedView, Party, Person, Route, RoutedParty, active_routes
from bot.domain.duplicates import co_requester_ids
from bot.domain.offers import CARD_MATCHES, Match, MatchStage, MatchView, Offer
from bot.services.work import Repos


class Directory:
    """Every party by id, kept in memory: it changes only through the parties use cases, which drop it after
    their unit of work commits. Need cards read it several times each."""

    def __init__(self) -> None:
        self._parties: dict[str, Party] | None = None

    async def all(self, repos: Repos) -> dict[str, Party]:
        if self._parties is None:
            self._parties = {p.id: p for p in await repos.parties.all(enabled_only=False)}
        return self._parties

    def changed(self) -> None:
        self._parties = None


def _on_card(lines: list[MatchView], today: date) -> tuple[MatchView, ...]:
    """What a card shows of its matches: those that led somewhere (双方有意, 签约), and at most CARD_MATCHES still
    waiting for an answer whose offer is open — best first (a new offer can add a match to any waiting need)."""
    settled = [m for m in lines if m.match.introduced_at is not None]
    waiting = [m for m in lines if m.match.introduced_at is None and m.offer.current(today)]
    return tuple(settled + waiting[:max(0, CARD_MATCHES - len(settled))])


class NeedViews:
    def __init__(self, directory: Directory) -> None:
        self.directory = directory

    async def new(self, repos: Repos, need: Need, routes: Sequence[Route], suggestions: Sequence[str]) -> NeedView:
        """A need just registered, from what its unit of work wrote: only the liaisons are read."""
        parties = await self.directory.all(repos)
        liaisons = await repos.people.liaisons_of([r.party_id for r in routes])
        in_order = sorted(routes, key=lambda r: (r.role != "lead", -r.score))  # as RouteRepo.of_needs reads them
        routed = tuple(RoutedParty(r, parties[r.party_id], tuple(liaisons.get(r.party_id, []))) for r in in_order
                       if r.party_id in parties)
        return NeedView(need, routed, tuple(parties[s] for s in suggestions if s in parties))

    async def one(self, repos: Repos, need: Need) -> NeedView:
        return (await self.many(repos, [need]))[0]

    async def many(self, repos: Repos, needs: Sequence[Need]) -> list[NeedView]:
        if not needs:
            return []
        ids = [n.id for n in needs]
        parties = await self.directory.all(repos)
        routes = await repos.routes.of_needs(ids)
        claims = await repos.claims.of_needs(ids)
        promises = await repos.claims.promise_counts(ids)
        triage = await repos.learning.triage_of_many(ids)
        routed_to = {r.party_id for need_routes in routes.values() for r in active_routes(need_routes)}
        liaisons = await repos.people.liaisons_of(sorted(routed_to))
        views = []
        for need in needs:
            claimed = {c.party_id: c.user_id for c in claims.get(need.id, [])}
            made = promises.get(need.id, {})

            def routed_party(route: Route) -> RoutedParty:
                return RoutedParty(route, parties[route.party_id], tuple(liaisons.get(route.party_id, [])),  # noqa: B023
                                   claimed.get(route.party_id), made.get(route.party_id, 0))  # noqa: B023

            need_routes = [r for r in routes.get(need.id, []) if r.party_id in parties]
            routed = tuple(routed_party(r) for r in need_routes if r.active)
            former = tuple(routed_party(r) for r in need_routes
                           if not r.active and (r.party_id in claimed or made.get(r.party_id)))
            suggested = tuple(parties[s] for s in triage.get(need.id, []) if s in parties)
            views.append(NeedView(need, routed, suggested, former))
        return await self._matches(repos, await self._duplicates(repos, views))

    async def _matches(self, repos: Repos, views: list[NeedView]) -> list[NeedView]:
        """Each need's 可对接: the matches not refused, best first."""
        found = await repos.matches.of_needs(v.need.id for v in views)
        if not found:
            return views
        shown = {need_id: [m for m in matches if m.stage is not MatchStage.REFUSED]
                 for need_id, matches in found.items()}
        lines = {line.match.id: line for line in
                 await self.match_lines(repos, [m for ms in shown.values() for m in ms])}
        today = datetime.now(UTC).date()
        return [replace(v, matches=_on_card([lines[m.id] for m in shown.get(v.need.id, []) if m.id in lines], today))
                for v in views]

    async def match_lines(self, repos: Repos, matches: Sequence[Match],
                          offers: dict[int, Offer] | None = None) -> list[MatchView]:
        """Matches as cards show them: with their offer, its party and that party's people (liaisons, members)."""
        if not matches:
            return []
        known = dict(offers or {})
        known.update(await repos.offers.many(m.offer_id for m in matches if m.offer_id not in known))
        parties = await self.directory.all(repos)
        people = await repos.people.liaisons_of(sorted({known[m.offer_id].party_id for m in matches}))
        return [MatchView(m, known[m.offer_id], parties[known[m.offer_id].party_id],
                          tuple(people.get(known[m.offer_id].party_id, [])))
                for m in matches if known[m.offer_id].party_id in parties]

    @staticmethod
    async def _duplicates(repos: Repos, views: list[NeedView]) -> list[NeedView]:
        """Each need's duplicate hint, the authors who seconded it (附议) and the need it was merged into."""
        ids = [v.need.id for v in views]
        hints = await repos.duplicates.hints_of(ids)
        merged = await repos.duplicates.merged_into(ids)
        targets = await repos.needs.get_many(v.need.merged_into for v in views if v.need.merged_into is not None)
        done = []
        for view in views:
            need, joined = view.need, merged.get(view.need.id, [])
            names = {n.author_id: n.author_name for n in joined}
            done.append(replace(view, hint=hints.get(need.id),
                                co_requesters=tuple(Person(i, names[i]) for i in co_requester_ids(need, joined)),
                                merged_into=targets.get(need.merged_into) if need.merged_into else None))
        return done
