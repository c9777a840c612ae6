"""揭榜挂帅: the rules of a challenge round, pure. An admin publishes an open need as a challenge with a deadline (the
last local date a bid is taken); anyone in the group but the need's author bids once with a short plan until then;
from the day after it, the author (or an admin) picks one bid or none, once. The records are in bot.domain.offers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.model import DueProblem, DueReading, Need
from bot.domain.offers import Bid, Challenge, ChallengeStatus
from bot.domain.schedule import Notice, Policy
from bot.domain.views import Refusal

PLAN_LIMIT = 2000  # characters of a plan: a short plan, not a proposal document (those are sent to the author)


@dataclass(frozen=True)
class ChallengeOutcome:
    """What a challenge use case did: ``refusal`` None when it did it, with the records it touched."""

    refusal: Refusal | None = None
    need: Need | None = None
    challenge: Challenge | None = None
    bids: tuple[Bid, ...] = ()  # every bid, oldest first (a bid's number is its place here, from 1)
    bid: Bid | None = None  # the bid made, refused as a second one (the first), or picked
    due: DueReading | None = None  # the deadline as read from the admin's words

    @property
    def ok(self) -> bool:
        return self.refusal is None

    def number_of(self, bid: Bid) -> int:
        """A bid's number as the group sees it (1, 2, …)."""
        return next(i for i, b in enumerate(self.bids, 1) if b.id == bid.id)


def deadline_refusal(reading: DueReading) -> Refusal | None:
    """Why these words cannot be a challenge's deadline (None: they can). Today is a deadline (bids until tonight)."""
    if not reading.named:
        return Refusal.CHALLENGE_NO_DEADLINE
    return Refusal.CHALLENGE_BAD_DEADLINE if reading.problem in set(DueProblem) else None


def bid_refusal(challenge: Challenge, need: Need, user_id: int, today: date, has_bid: bool) -> Refusal | None:
    """Why this person may not bid now (None: they may)."""
    if challenge.status is not ChallengeStatus.OPEN:
        return Refusal.CHALLENGE_DECIDED
    if not challenge.taking_bids(today):
        return Refusal.BIDDING_CLOSED
    if need.author_id == user_id:
        return Refusal.OWN_CHALLENGE
    return Refusal.ALREADY_BID if has_bid else None


def pick_opens(challenge: Challenge) -> date:
    """The first day the author may pick: the day after the deadline. Bids are taken through the deadline day, so
    every bidder has the time the announcement promised; a pick before it would close the round under them."""
    return challenge.deadline + timedelta(days=1)


def pick_refusal(challenge: Challenge, picker: bool, today: date) -> Refusal | None:
    """Why this person may not pick now (``picker``: the need's author or an admin)."""
    if not picker:
        return Refusal.NOT_PICKER
    if challenge.status is not ChallengeStatus.OPEN:
        return Refusal.CHALLENGE_DECIDED
    return Refusal.PICK_NOT_YET if today < pick_opens(challenge) else None


def deadline_notice(challenge: Challenge, policy: Policy) -> Notice | None:
    """The author's "bids are in, pick one" once bidding closed: the morning after the deadline, at the reminder
    hour (outside quiet hours). None once decided."""
    if challenge.status is not ChallengeStatus.OPEN:
        return None
    at = policy.outside_quiet(policy.at_local(pick_opens(challenge), policy.reminder_hour))
    return Notice(f"challenge:{challenge.id}", "challenge", at, need_id=challenge.need_id)
