"""The matchmaking domain: frozen records and the pure rules that move them. No Telegram here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from enum import StrEnum

from bot.domain.intents import Note

LIAISON_KINDS = frozenset({"department", "district"})
MEMBER_KINDS = frozenset({"lab", "fund", "bank", "enterprise", "think_tank"})
PARTY_KINDS = LIAISON_KINDS | MEMBER_KINDS

NEED_TYPES = ("scenario", "data", "funding", "partnership", "policy", "talent", "space", "other")


class Role(StrEnum):
    ADMIN = "admin"
    LIAISON = "liaison"
    MEMBER = "member"
    ENTERPRISE = "enterprise"


@dataclass(frozen=True)
class Party:
    id: str
    kind: str
    name: str
    aliases: tuple[str, ...] = ()
    profile: str = ""
    keywords: tuple[str, ...] = ()
    enabled: bool = True

    @property
    def short_name(self) -> str:
        return self.aliases[0] if self.aliases else self.name


@dataclass(frozen=True)
class Person:
    user_id: int
    display_name: str
    username: str | None = None


@dataclass(frozen=True)
class Binding:
    user_id: int
    party_id: str


@dataclass(frozen=True)
class Route:
    need_id: int
    party_id: str
    role: str  # lead | assist
    score: float
    source: str  # router | admin | decline | commit
    active: bool = True


@dataclass(frozen=True)
class Claim:
    need_id: int
    party_id: str
    user_id: int
    claimed_at: datetime


@dataclass(frozen=True)
class Commitment:
    id: int
    need_id: int
    party_id: str
    user_id: int
    text: str
    due_date: date | None
    status: str  # open | reported (the liaison says kept, awaiting confirmation) | done | cancelled
    created_at: datetime
    done_at: datetime | None = None
    reported_at: datetime | None = None
    reported_by: int | None = None
    confirmed_by: int | None = None
    cancelled_at: datetime | None = None
    message_id: int | None = None
    report_message_id: int | None = None

    @property
    def settled(self) -> bool:
        """Nothing more is owed: kept (confirmed) or cancelled."""
        return self.status in ("done", "cancelled")

    @property
    def pending(self) -> bool:
        """Still owed: open, or reported kept but not yet confirmed."""
        return self.status in ("open", "reported")

    def is_overdue(self, today: date, created_before: datetime | None = None) -> bool:
        """Open and past its due date; an undated one once it was made before ``created_before``
        (the grace for naming a date). A reported one is not overdue: the liaison said it is kept."""
        if self.status != "open":
            return False
        if self.due_date is not None:
            return self.due_date < today
        return created_before is not None and self.created_at < created_before

    def kept_on_time(self, zone: tzinfo) -> bool | None:
        """True when kept by its due date (the day the liaison reported it), False when kept late,
        None when not kept or undated."""
        if self.status != "done" or self.due_date is None:
            return None
        kept = self.reported_at or self.done_at
        return kept is not None and kept.astimezone(zone).date() <= self.due_date


class DueProblem(StrEnum):
    """Why a date read from a promise cannot be its due date."""

    PAST = "past"  # before the day the words were said ("11月1日前" said on 29 November)
    UNREADABLE = "unreadable"  # no calendar holds it ("9999年12月31日前", "99999999999999999999天内")
    TOO_FAR = "too_far"  # beyond the horizon a promise may name (nlp.dates.DUE_HORIZON_YEARS)


@dataclass(frozen=True)
class DueReading:
    """A due date as read from a person's words, against the day they were said: ``day`` (None when the words
    name no date, or none a calendar holds), the ``phrase`` it was read from, and ``problem`` when it may not be
    used. ``today`` is the day the words were said."""

    today: date
    day: date | None = None
    phrase: str = ""
    problem: DueProblem | None = None

    @property
    def usable(self) -> date | None:
        """The due date, when the words name one that may be used."""
        return self.day if self.problem is None else None

    @property
    def named(self) -> bool:
        """The words name a date (usable or not): "尽快" names none."""
        return bool(self.phrase)


@dataclass(frozen=True)
class Agreement:
    id: int
    need_id: int
    kind: str  # financing | cooperation | scenario | other
    amount_yuan: int | None
    parties: tuple[str, ...]  # party ids named in it
    text: str
    actor_id: int | None
    created_at: datetime


@dataclass(frozen=True)
class AgreementOffer:
    id: int
    need_id: int
    user_id: int
    text: str
    message_id: int | None
    agreement_id: int | None = None


@dataclass(frozen=True)
class Need:
    id: int
    chat_id: int
    number: int
    author_id: int | None
    author_name: str
    text: str
    need_type: str
    status: str  # open | resolved | withdrawn (not a need after all)
    created_at: datetime
    message_id: int | None = None
    bot_message_id: int | None = None
    resolved_at: datetime | None = None
    topic_id: int | None = None  # its own forum topic (forum-topic mode)
    merged_into: int | None = None  # merged (附议, /merge) into this need: withdrawn as a need of its own

    @property
    def merged(self) -> bool:
        return self.status == "withdrawn" and self.merged_into is not None


@dataclass(frozen=True)
class Event:
    at: datetime
    actor_id: int | None
    kind: str
    detail: dict


@dataclass(frozen=True)
class JoinRequest:
    id: int
    user_id: int
    party_id: str
    chat_id: int
    status: str


@dataclass(frozen=True)
class NeedDetail:
    """Everything /status shows about one need."""

    need: Need
    routes: tuple[Route, ...]
    claims: tuple[Claim, ...]
    commitments: tuple[Commitment, ...]
    events: tuple[Event, ...]
    agreements: tuple[Agreement, ...] = ()
    notes: tuple[Note, ...] = ()  # what was said about it: follow-ups, questions, refusals, progress
    co_requesters: tuple[Person, ...] = ()  # the authors who seconded it (附议: their needs merged into it)
    merged_into: Need | None = None  # the need it was merged into


# --- rules -------------------------------------------------------------------------------


def role_of(user_id: int, admin_ids: frozenset[int], party: Party | None) -> Role:
    """admin = ADMIN_IDS; liaison = bound to a department or district; member = bound to a
    lab, fund or enterprise; anyone else is an enterprise user."""
    if user_id in admin_ids:
        return Role.ADMIN
    if party is None:
        return Role.ENTERPRISE
    return Role.LIAISON if party.kind in LIAISON_KINDS else Role.MEMBER


def active_routes(routes: tuple[Route, ...] | list[Route]) -> list[Route]:
    return [r for r in routes if r.active]


def may_claim(bound_party: str | None, routes: tuple[Route, ...] | list[Route]) -> bool:
    """Only someone bound to a party the need is (actively) routed to may claim it."""
    return bound_party is not None and any(r.party_id == bound_party for r in active_routes(routes))


def may_resolve(user_id: int, need: Need, is_admin: bool) -> bool:
    return is_admin or (need.author_id is not None and need.author_id == user_id)


def may_mark_done(user_id: int, commitment: Commitment, bound_party: str | None, is_admin: bool) -> bool:
    """The liaison who made it, anyone of the same party, or an admin."""
    return is_admin or commitment.user_id == user_id or bound_party == commitment.party_id


def may_confirm(user_id: int, need: Need, is_admin: bool) -> bool:
    """A kept promise is confirmed by whoever it was made to: the need's author, or an admin."""
    return is_admin or (need.author_id is not None and need.author_id == user_id)


def lead_of(routes: tuple[Route, ...] | list[Route]) -> Route | None:
    return next((r for r in active_routes(routes) if r.role == "lead"), None)


@dataclass(frozen=True)
class Extension:
    """A liaison's request to move a dated promise's due date (延期), and the admins' decision on it."""

    id: int
    commitment_id: int
    requested_by: int
    requested_at: datetime
    from_date: date  # the due date when it was asked
    to_date: date  # the due date asked for
    reason: str
    status: str  # pending | approved | refused
    decided_by: int | None = None
    decided_at: datetime | None = None
    message_id: int | None = None

    @property
    def pending(self) -> bool:
        return self.status == "pending"
