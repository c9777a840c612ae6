"""Two-sided matchmaking: what parties offer (standing lists), the matches between needs and offers with each
side's answer (the handshake), 揭榜 challenges, and the funnel 匹配 → 双方有意 → 签约. Pure records and rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from bot.domain.model import Need, Party, Person

CARD_MATCHES = 3  # matches a need's card shows at most (可对接)


class OfferKind(StrEnum):
    """场景: a department or district opens a scenario; 能力: a lab's capability; 投资: a fund's thesis."""

    SCENARIO = "scenario"
    CAPABILITY = "capability"
    INVESTMENT = "investment"


# Which kinds of party publish which kind of offer by default (an admin may publish any kind for any party).
KINDS_OF_PARTY: dict[str, tuple[OfferKind, ...]] = {
    "department": (OfferKind.SCENARIO,),
    "district": (OfferKind.SCENARIO,),
    "lab": (OfferKind.CAPABILITY, OfferKind.SCENARIO),
    "fund": (OfferKind.INVESTMENT,),
    "bank": (OfferKind.INVESTMENT,),
    "enterprise": (OfferKind.CAPABILITY, OfferKind.SCENARIO),
    "think_tank": (OfferKind.CAPABILITY,),
}


@dataclass(frozen=True)
class Offer:
    id: int
    party_id: str
    kind: OfferKind
    title: str
    text: str
    place: str = ""
    until: date | None = None
    status: str = "open"  # open | closed
    example: bool = False  # a shipped starter entry, to be edited by its owner
    created_by: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    closed_at: datetime | None = None

    @property
    def open(self) -> bool:
        return self.status == "open"

    def current(self, today: date) -> bool:
        """Open and not past the date it is open until: matched and listed."""
        return self.open and (self.until is None or self.until >= today)

    @property
    def matching_text(self) -> str:
        """What the matcher reads of it."""
        return " ".join(part for part in (self.title, self.text, self.place) if part)


class Answer(StrEnum):
    YES = "yes"  # 感兴趣
    NO = "no"  # 不合适


class Side(StrEnum):
    NEED = "need"  # the need's author (or a co-requester, or an admin for them)
    OFFER = "offer"  # a liaison or member of the offer's party


class MatchStage(StrEnum):
    """Where a match is in the funnel."""

    SUGGESTED = "suggested"  # 匹配: shown, not yet answered by both
    REFUSED = "refused"  # either side said 不合适
    INTRODUCED = "introduced"  # 双方有意: both said 感兴趣, introduced to each other
    SIGNED = "signed"  # 签约: an agreement recorded against it


@dataclass(frozen=True)
class Match:
    id: int
    need_id: int
    offer_id: int
    score: float
    reason: str
    origin: Side  # which arrival made it: a new need (matched against the lists) or a new offer
    need_answer: Answer | None = None
    need_by: int | None = None
    offer_answer: Answer | None = None
    offer_by: int | None = None
    introduced_at: datetime | None = None
    message_id: int | None = None
    agreement_id: int | None = None
    created_at: datetime | None = None

    @property
    def stage(self) -> MatchStage:
        if self.agreement_id is not None:
            return MatchStage.SIGNED
        if Answer.NO in (self.need_answer, self.offer_answer):
            return MatchStage.REFUSED
        if self.introduced_at is not None:
            return MatchStage.INTRODUCED
        return MatchStage.SUGGESTED

    def answer_of(self, side: Side) -> Answer | None:
        return self.need_answer if side is Side.NEED else self.offer_answer

    @property
    def open(self) -> bool:
        """Still waiting for an answer from one side or both."""
        return self.stage is MatchStage.SUGGESTED


@dataclass(frozen=True)
class MatchView:
    """A match as a need's card and the handshake messages show it: the offer, its party and that party's
    liaisons or members (whom the card names)."""

    match: Match
    offer: Offer
    party: Party
    people: tuple[Person, ...] = ()


@dataclass(frozen=True)
class OfferMatches:
    """The needs a new offer was matched with (its owner's list), each with its match."""

    offer: Offer
    found: tuple[tuple[Need, MatchView], ...] = ()
    capped: bool = False  # more fitted, but the party's daily cap was reached
    groups: dict[int, str] = field(default_factory=dict)  # chat id → title, to say which group a need is in
    elsewhere: tuple[Need, ...] = ()  # needs of other groups it was matched with: shown on their cards there


class Step(StrEnum):
    """What an answer to a match leads to."""

    ASK_NEED = "ask_need"  # the offer's side is interested: ask the need's author
    ASK_OFFER = "ask_offer"  # the need's author is interested: ask the offer's party
    INTRODUCE = "introduce"  # both interested: introduce them (双方有意)
    REFUSED = "refused"  # 不合适: never suggested again
    SIGNED = "signed"  # an agreement recorded against the introduction (签约)


def after_answer(match: Match, side: Side, answer: Answer) -> tuple[bool, bool]:
    """(this answer counts, it completes the handshake): a side answers once; both 感兴趣 → introduce."""
    if not match.open or match.answer_of(side) is not None:
        return False, False
    other = match.offer_answer if side is Side.NEED else match.need_answer
    return True, answer is Answer.YES and other is Answer.YES


def cap_left(sent_today: int, per_day: int) -> int:
    """How many more suggestions may reach a party today (MATCHES_PER_DAY)."""
    return max(0, per_day - sent_today)


@dataclass(frozen=True)
class Funnel:
    """匹配 → 双方有意 → 签约 over a period (matches made in it), with the refusals."""

    suggested: int = 0  # every match made (匹配)
    introduced: int = 0  # both sides interested (双方有意), signed ones included
    signed: int = 0  # an agreement recorded against it (签约)
    refused: int = 0  # either side said 不合适

    @staticmethod
    def of(matches: list[Match]) -> Funnel:
        stages = [m.stage for m in matches]
        return Funnel(suggested=len(stages),
                      introduced=sum(s in (MatchStage.INTRODUCED, MatchStage.SIGNED) for s in stages),
                      signed=stages.count(MatchStage.SIGNED), refused=stages.count(MatchStage.REFUSED))


class ChallengeStatus(StrEnum):
    OPEN = "open"  # taking bids until its deadline, then waiting for the author's pick
    PICKED = "picked"  # the author picked a bid
    NONE = "none"  # the author picked none


@dataclass(frozen=True)
class Challenge:
    id: int
    need_id: int
    deadline: date  # the last local date a bid is taken
    status: ChallengeStatus = ChallengeStatus.OPEN
    picked_bid: int | None = None
    decided_by: int | None = None
    decided_at: datetime | None = None
    created_by: int | None = None
    created_at: datetime | None = None
    message_id: int | None = None

    def taking_bids(self, today: date) -> bool:
        return self.status is ChallengeStatus.OPEN and today <= self.deadline


@dataclass(frozen=True)
class Bid:
    id: int
    challenge_id: int
    user_id: int
    plan: str
    party_id: str | None = None  # the bidder's party (a lab); None for an enterprise
    created_at: datetime | None = None
