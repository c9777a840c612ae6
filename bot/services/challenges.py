"""揭榜挂帅: an admin publishes an open need as a challenge with a deadline (/challenge N 截止日期); anyone in the group
but the need's author bids once with a short plan until then (揭榜 and a reply to the bot's question, or /bid N 方案);
from the day after the deadline the author (or an admin) picks one bid or none. Every step is audited; the rules are
in bot.domain.challenges."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from bot import texts
from bot.domain import Actor, Need, Person, Refusal
from bot.domain.challenges import (
    PLAN_LIMIT,
    ChallengeOutcome,
    bid_refusal,
    deadline_refusal,
    pick_refusal,
)
from bot.domain.offers import Bid, Challenge, ChallengeStatus
from bot.services.work import Access, Repos, Work
from nlp.dates import read_due


class Challenges:
    def __init__(self, work: Work, access: Access, timezone: tzinfo) -> None:
        self.work, self.access, self.timezone = work, access, timezone

    def today(self, at: datetime) -> date:
        return at.astimezone(self.timezone).date()

    async def publish(self, chat_id: int, number: int, actor: Actor, words: str, sent_at: datetime,
                      update_id: int | None) -> ChallengeOutcome:
        """/challenge N 截止日期 by an admin of the group: need #N (open) becomes a challenge."""
        if not self.access.admits(actor, chat_id):
            return ChallengeOutcome(Refusal.NOT_ADMIN)
        reading = read_due(words, sent_at.astimezone(self.timezone))
        async with self.work.unit(update_id, sent_at, actor) as unit:
            need = await self._need(unit, chat_id, number)
            if not isinstance(need, Need):
                return need
            refused = deadline_refusal(reading)
            if refused is not None or reading.usable is None:
                return ChallengeOutcome(refused or Refusal.CHALLENGE_NO_DEADLINE, need=need, due=reading)
            challenge = await unit.challenges.add(need.id, reading.usable, actor.user_id, sent_at)
            if challenge is None:
                return ChallengeOutcome(Refusal.CHALLENGE_EXISTS, need=need,
                                        challenge=await unit.challenges.of_need(need.id))
            await unit.remember(actor.person)
            await unit.record("challenge_published", chat_id=chat_id, need_id=need.id, number=need.number,
                              deadline=challenge.deadline.isoformat())
        return ChallengeOutcome(need=need, challenge=challenge, due=reading)

    @staticmethod
    async def _need(repos: Repos, chat_id: int, number: int) -> Need | ChallengeOutcome:
        """Need #N of this chat while open, or why not."""
        found = await repos.needs.by_number(chat_id, number)
        if found is None:
            return ChallengeOutcome(Refusal.NEED_NOT_FOUND)
        need = await repos.open_need(found.id)
        return need if isinstance(need, Need) else ChallengeOutcome(need, need=found)

    async def attach_announcement(self, challenge_id: int, message_id: int) -> None:
        """The group message announcing the challenge (the notice at the deadline answers it)."""
        async with self.work.write() as repos:
            await repos.challenges.set_message(challenge_id, message_id)

    # --- bids -------------------------------------------------------------------------------------------------

    @staticmethod
    async def _round(repos: Repos, challenge: Challenge | None,
                     chat_id: int) -> tuple[Challenge, Need] | ChallengeOutcome:
        """The challenge and its need when it belongs to this chat."""
        need = await repos.needs.get(challenge.need_id) if challenge is not None else None
        if challenge is None or need is None or need.chat_id != chat_id:
            return ChallengeOutcome(Refusal.CHALLENGE_NOT_FOUND)
        return challenge, need

    async def _may_bid(self, repos: Repos, challenge: Challenge, need: Need, user_id: int,
                       today: date) -> ChallengeOutcome | None:
        if need.status != "open":
            return ChallengeOutcome(Refusal.NEED_WITHDRAWN if need.status == "withdrawn" else Refusal.NEED_RESOLVED,
                                    need=need, challenge=challenge)
        first = await repos.challenges.bid_of(challenge.id, user_id)
        refused = bid_refusal(challenge, need, user_id, today, first is not None)
        return ChallengeOutcome(refused, need=need, challenge=challenge, bid=first) if refused else None

    async def may_bid(self, challenge_id: int, actor: Actor, chat_id: int, at: datetime) -> ChallengeOutcome:
        """揭榜 pressed: may this person bid now? (Nothing is written; the bid is their reply.)"""
        async with self.work.read() as repos:
            found = await self._round(repos, await repos.challenges.get(challenge_id), chat_id)
            if isinstance(found, ChallengeOutcome):
                return found
            challenge, need = found
            refused = await self._may_bid(repos, challenge, need, actor.user_id, self.today(at))
        return refused or ChallengeOutcome(need=need, challenge=challenge)

    async def ask_plan(self, chat_id: int, message_id: int, challenge_id: int, user_id: int) -> None:
        """The bot asked this person for their plan in this message: their reply to it is the bid."""
        async with self.work.write() as repos:
            await repos.challenges.add_prompt(chat_id, message_id, challenge_id, user_id)

    async def plan_asked(self, chat_id: int, message_id: int) -> tuple[int, int] | None:
        """(challenge, the person asked) when this bot message is a plan question."""
        async with self.work.read() as repos:
            return await repos.challenges.prompted(chat_id, message_id)

    async def bid(self, chat_id: int, actor: Actor, plan: str, sent_at: datetime, update_id: int | None, *,
                  number: int | None = None, challenge_id: int | None = None) -> ChallengeOutcome:
        """/bid N 方案 (``number``) or the reply to the plan question (``challenge_id``): one bid a person, before the
        deadline, not by the need's author; a member's bid carries their party."""
        plan = plan.strip()
        async with self.work.unit(update_id, sent_at, actor) as unit:
            if number is not None:
                need = await unit.needs.by_number(chat_id, number)
                if need is None:
                    return ChallengeOutcome(Refusal.NEED_NOT_FOUND)
                challenge = await unit.challenges.of_need(need.id)
                if challenge is None:
                    return ChallengeOutcome(Refusal.CHALLENGE_NOT_FOUND, need=need)
            else:
                challenge = await unit.challenges.get(challenge_id or 0)
            found = await self._round(unit, challenge, chat_id)
            if isinstance(found, ChallengeOutcome):
                return found
            challenge, need = found
            refused = await self._may_bid(unit, challenge, need, actor.user_id, self.today(sent_at))
            if refused is not None:
                return refused
            if not plan:
                return ChallengeOutcome(Refusal.EMPTY_PLAN, need=need, challenge=challenge)
            await unit.remember(actor.person)
            party = await unit.bound_party(actor.user_id)
            bid = await unit.challenges.bid(challenge.id, actor.user_id, party, plan[:PLAN_LIMIT], sent_at)
            if bid is None:  # a bid of theirs came in meanwhile
                return ChallengeOutcome(Refusal.ALREADY_BID, need=need, challenge=challenge,
                                        bid=await unit.challenges.bid_of(challenge.id, actor.user_id))
            await unit.record("bid_made", chat_id=chat_id, need_id=need.id, number=need.number, bid_id=bid.id,
                              party_id=party)
            bids = tuple(await unit.challenges.bids(challenge.id))
        return ChallengeOutcome(need=need, challenge=challenge, bids=bids, bid=bid)

    # --- the pick ---------------------------------------------------------------------------------------------

    def _picker(self, actor: Actor, need: Need) -> bool:
        return need.author_id == actor.user_id or self.access.admits(actor, need.chat_id)

    async def review(self, chat_id: int, number: int, actor: Actor, at: datetime) -> tuple[ChallengeOutcome, bool]:
        """/challenge N for the author or an admin: the round with every bid, and whether the pick is open now."""
        async with self.work.read() as repos:
            need = await repos.needs.by_number(chat_id, number)
            if need is None:
                return ChallengeOutcome(Refusal.NEED_NOT_FOUND), False
            challenge = await repos.challenges.of_need(need.id)
            if challenge is None:
                return ChallengeOutcome(Refusal.CHALLENGE_NOT_FOUND, need=need), False
            if not self._picker(actor, need):
                return ChallengeOutcome(Refusal.NOT_PICKER, need=need, challenge=challenge), False
            bids = tuple(await repos.challenges.bids(challenge.id))
        outcome = ChallengeOutcome(need=need, challenge=challenge, bids=bids)
        return outcome, pick_refusal(challenge, True, self.today(at)) is None

    async def pick(self, challenge_id: int, bid_id: int | None, actor: Actor, chat_id: int, at: datetime,
                   update_id: int | None) -> ChallengeOutcome:
        """选 k (a bid) or 都不选 (None): the author or an admin, once, from the day after the deadline."""
        async with self.work.unit(update_id, at, actor) as unit:
            found = await self._round(unit, await unit.challenges.get(challenge_id), chat_id)
            if isinstance(found, ChallengeOutcome):
                return found
            challenge, need = found
            bids = tuple(await unit.challenges.bids(challenge.id))
            refused = pick_refusal(challenge, self._picker(actor, need), self.today(at))
            bid = next((b for b in bids if b.id == bid_id), None)
            if refused is None and bid_id is not None and bid is None:
                refused = Refusal.BID_NOT_FOUND
            if refused is not None or not await unit.challenges.decide(challenge.id, bid_id, actor.user_id, at):
                return ChallengeOutcome(refused or Refusal.CHALLENGE_DECIDED, need=need, challenge=challenge,
                                        bids=bids)
            await unit.remember(actor.person)
            if bid is not None:
                await unit.record("challenge_picked", chat_id=chat_id, need_id=need.id, number=need.number,
                                  bid_id=bid.id, user_id=bid.user_id, party_id=bid.party_id)
            else:
                await unit.record("challenge_closed", chat_id=chat_id, need_id=need.id, number=need.number,
                                  bids=len(bids))
            challenge = await unit.challenges.get(challenge.id) or challenge
        return ChallengeOutcome(need=need, challenge=challenge, bids=bids, bid=bid)

    # --- words ------------------------------------------------------------------------------------------------

    async def labels(self, bids: tuple[Bid, ...] | list[Bid]) -> tuple[dict[int, Person], dict[str, str]]:
        """The bidders as stored, and the parties' names."""
        async with self.work.read() as repos:
            return await _labels(repos, bids)

    async def bidder(self, bid: Bid) -> str:
        persons, names = await self.labels([bid])
        return texts.bidder_label(bid, persons, names)

    async def listing(self, outcome: ChallengeOutcome, at: datetime, pick_open: bool) -> str:
        persons, names = await self.labels(outcome.bids)
        return texts.bid_list(outcome, persons, names, self.timezone, self.today(at), pick_open)

    async def status_part(self, need_id: int, at: datetime) -> str | None:
        """/status N's part about the need's challenge, if it is one."""
        async with self.work.read() as repos:
            challenge = await repos.challenges.of_need(need_id)
            if challenge is None:
                return None
            bids = tuple(await repos.challenges.bids(challenge.id))
            persons, names = await _labels(repos, bids)
        return texts.challenge_status(challenge, bids, persons, names, self.timezone, self.today(at))

    async def chat_title(self, chat_id: int) -> str:
        async with self.work.read() as repos:
            return (await repos.people.chat_titles()).get(chat_id, str(chat_id))


async def _labels(repos: Repos, bids: tuple[Bid, ...] | list[Bid]) -> tuple[dict[int, Person], dict[str, str]]:
    persons = await repos.people.persons(sorted({b.user_id for b in bids}))
    names = {p.id: p.short_name for p in await repos.parties.all(enabled_only=False)}
    return persons, names


async def deadline_reached(repos: Repos, need_id: int, today: date,
                           timezone: tzinfo) -> tuple[Need, Challenge, tuple[Bid, ...], str] | None:
    """The notices job's "bids are in, pick one" for the challenge on this need (None when it is no longer open or
    its need was withdrawn): the need, the challenge, its bids and the text (the pick buttons go with it)."""
    challenge = await repos.challenges.of_need(need_id)
    need = await repos.needs.get(need_id)
    if challenge is None or need is None or challenge.status is not ChallengeStatus.OPEN \
            or need.status == "withdrawn":
        return None
    bids = tuple(await repos.challenges.bids(challenge.id))
    persons, names = await _labels(repos, bids)
    return need, challenge, bids, texts.deadline_reached(need, challenge, bids, persons, names, timezone, today)
