"""What use cases hand back: the actor, a need as the group sees it, and typed outcomes with a Refusal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from bot.domain.duplicates import DuplicateHint
from bot.domain.duty import LeadTerm, Verdict
from bot.domain.model import (
    Agreement,
    AgreementOffer,
    Commitment,
    DueProblem,
    DueReading,
    Extension,
    JoinRequest,
    Need,
    Party,
    Person,
    Route,
)
from bot.domain.offers import MatchView, Side, Step


@dataclass(frozen=True)
class RoutedParty:
    route: Route
    party: Party
    liaisons: tuple[Person, ...]
    claimed_by: int | None = None
    promises: int = 0  # promises the party made on the need (not withdrawn)


@dataclass(frozen=True)
class NeedView:
    """A need as the group sees it under the bot's routing message."""

    need: Need
    routed: tuple[RoutedParty, ...]
    triage: tuple[Party, ...] = ()  # the router was unsure: an admin picks the lead from these
    former: tuple[RoutedParty, ...] = ()  # parties no longer routed (handed over, re-routed) that claimed or promised
    hint: DuplicateHint | None = None  # it may say the same as an open need (shown while open)
    co_requesters: tuple[Person, ...] = ()  # the authors who seconded it (附议)
    merged_into: Need | None = None  # the need it was merged into
    matches: tuple[MatchView, ...] = ()  # 可对接: offers it was matched with (not refused), best first

    @property
    def lead(self) -> RoutedParty | None:
        return next((r for r in self.routed if r.route.role == "lead"), None)

    @property
    def assists(self) -> list[RoutedParty]:
        return [r for r in self.routed if r.route.role == "assist"]


class LeadChange(StrEnum):
    """How the lead of a need changes; each is audited as its own event and kept as a correction for the router."""

    HAND_OVER = "declined"  # 转交 by the routed party (or by an admin for the lead)
    REROUTE = "rerouted"  # /route by an admin
    ASSIGN = "assigned"  # an admin picks the lead the router was unsure of
    CLAIM = "took_lead"  # a liaison of a party the router suggested claims a need awaiting its lead
    OVERRULE = "handover_overruled"  # 驳回: the admins ruled a 退单 improper, the need goes back to that unit

    @property
    def source(self) -> str:
        """The route's source: who put the new party there."""
        return {LeadChange.HAND_OVER: "decline", LeadChange.CLAIM: "claim"}.get(self, "admin")

    @property
    def correction(self) -> str:
        """The kind of correction the router learns from."""
        return "decline" if self is LeadChange.HAND_OVER else "reroute"


class Refusal(StrEnum):
    """Why a use case did nothing; bot.texts.refusals words each one."""

    NOT_ADMIN = "not_admin"
    NEED_NOT_FOUND = "need_not_found"
    NEED_RESOLVED = "need_resolved"
    DUPLICATE_NEED = "duplicate_need"  # the same message registered twice
    EMPTY_NEED = "empty_need"
    PARTY_MISSING = "party_missing"
    PARTY_UNKNOWN = "party_unknown"
    PARTY_AMBIGUOUS = "party_ambiguous"
    SAME_PARTY = "same_party"
    NOT_ROUTED = "not_routed"  # only a liaison of a routed party may do this
    NOT_BOUND = "not_bound"
    NOT_AUTHOR = "not_author"  # only the need's author or an admin may resolve it
    ALREADY_CLAIMED = "already_claimed"
    ALREADY_RESOLVED = "already_resolved"
    NEED_WITHDRAWN = "need_withdrawn"  # withdrawn as not a need: nothing more is done with it
    NOT_AUTHOR_WITHDRAW = "not_author_withdraw"  # only the need's author or an admin may withdraw it
    DUPLICATE_NOTE = "duplicate_note"  # the same message noted twice
    UNDO_EXPIRED = "undo_expired"  # a promise can be undone from its confirmation for UNDO_MINUTES only
    UNDO_NOT_MAKER = "undo_not_maker"  # only whoever made a promise can undo it as a mistake
    HAS_RECORDS = "has_records"  # a need with promises or agreements is not "not a need"
    ALREADY_TRIAGED = "already_triaged"
    EMPTY_COMMITMENT = "empty_commitment"
    COMMITMENT_NOT_FOUND = "commitment_not_found"
    NOT_COMMITMENT_OWNER = "not_commitment_owner"
    NOT_CONFIRMER = "not_confirmer"
    COMMITMENT_CANCELLED = "commitment_cancelled"
    ALREADY_SETTLED = "already_settled"  # kept, withdrawn or awaiting confirmation already
    NO_DATE = "no_date"
    DATE_PAST = "date_past"  # the date named is before the day it was said
    DATE_UNREADABLE = "date_unreadable"  # a year or span no calendar holds
    DATE_TOO_FAR = "date_too_far"  # beyond the horizon a promise may name
    ALREADY_BOUND = "already_bound"
    ALREADY_PENDING = "already_pending"
    JOIN_REQUEST_NOT_FOUND = "join_request_not_found"
    ALREADY_DECIDED = "already_decided"
    EMPTY_AGREEMENT = "empty_agreement"
    NOT_RECORDER = "not_recorder"
    OFFER_NOT_FOUND = "offer_not_found"
    ALREADY_RECORDED = "already_recorded"
    NO_NEED_FOR_OFFER = "no_need_for_offer"
    BAD_PARTY_ID = "bad_party_id"
    BAD_PARTY_KIND = "bad_party_kind"
    BAD_PARTY_NAME = "bad_party_name"
    BAD_PARTY_FIELD = "bad_party_field"
    PARTY_EXISTS = "party_exists"
    UNCHANGED = "unchanged"
    REASON_REQUIRED = "reason_required"  # a liaison's 转交 says why (退单 reasons)
    HANDOVER_NOT_FOUND = "handover_not_found"
    ALREADY_RULED = "already_ruled"
    RULING_CLOSED = "ruling_closed"  # 驳回 only within RULING_DAYS working days of the 退单
    RULING_STALE = "ruling_stale"  # the need has moved on since the 退单 (handed on, re-routed)
    VERDICT_NOT_FOUND = "verdict_not_found"
    NOT_VERDICT_AUTHOR = "not_verdict_author"  # only the author the verdict was asked of may give it
    VERDICT_CLOSED = "verdict_closed"  # past the verdict limit: recorded as 未评价
    VERDICT_SUPERSEDED = "verdict_superseded"  # the need was reopened and resolved again: a newer question waits
    ALREADY_ANSWERED = "already_answered"
    # 延期 (bot.domain.extensions)
    NOT_EXTENDER = "not_extender"  # only a liaison of the promise's party may ask to move its date
    EXTENSION_UNDATED = "extension_undated"  # an undated promise gets its date with /due, not an extension
    EXTENSION_OVERDUE = "extension_overdue"  # asked after the due date passed: a matter for the admins
    EXTENSION_PENDING = "extension_pending"  # one request at a time waits for the admins
    EXTENSION_NO_DATE = "extension_no_date"  # the words name no new date
    EXTENSION_NOT_LATER = "extension_not_later"  # the new date is not after the current one
    EXTENSION_NO_REASON = "extension_no_reason"
    EXTENSION_NOT_FOUND = "extension_not_found"
    DUE_NEEDS_EXTENSION = "due_needs_extension"  # /due on a dated promise by a liaison: ask for 延期 instead
    # Duplicates and 附议 (bot.services.duplicates)
    NOT_HINT_AUTHOR = "not_hint_author"  # only the new need's author answers "可能与 #12 相同"
    HINT_GONE = "hint_gone"  # the hint was answered already (or there is none)
    MERGE_SAME = "merge_same"  # a need is not merged into itself
    MERGE_INTO_MERGED = "merge_into_merged"  # the need to merge into was itself merged into another
    MERGE_HAS_RECORDS = "merge_has_records"  # promises or agreements on it: they would vanish with it
    MERGE_HAS_SECONDS = "merge_has_seconds"  # other needs were merged into it: undo those first
    MERGE_OTHER_CHAT = "merge_other_chat"  # /merge joins needs of one group
    NOT_MERGED = "not_merged"  # /unmerge of a need that was not merged
    # Standing lists (part C of issue 15: bot.services.offers, worded in bot.texts.offers)
    NO_SUCH_OFFER = "no_such_offer"  # no offer (供给) has this number
    OFFER_USAGE = "offer_usage"  # /offer without a kind and a title: the usage, with an example
    OFFER_NOT_BOUND = "offer_not_bound"  # only a liaison or member publishes, for their own party
    OFFER_PARTY_NEEDED = "offer_party_needed"  # an admin bound to no party names the party
    OFFER_OTHER_PARTY = "offer_other_party"  # a liaison names a party not their own
    OFFER_KIND_UNFIT = "offer_kind_unfit"  # the kind is not one this kind of party publishes
    OFFER_NO_TITLE = "offer_no_title"
    OFFER_TITLE_TOO_LONG = "offer_title_too_long"
    OFFER_BAD_UNTIL = "offer_bad_until"  # the 截止 words name no date
    OFFER_UNTIL_PAST = "offer_until_past"
    NOT_OFFER_OWNER = "not_offer_owner"  # edit and close: a liaison or member of its party, or an admin
    OFFER_CLOSED = "offer_closed"
    OFFER_BAD_FIELD = "offer_bad_field"  # /offers edit N 字段: 标题, 内容, 地点 or 截止
    OFFERS_FILTER_UNKNOWN = "offers_filter_unknown"  # /offers X: X is no kind, party or number
    OFFER_SHEET_INVALID = "offer_sheet_invalid"  # an import with rows at fault: nothing changes
    # Matching and the handshake (bot.services.matching)
    MATCH_NOT_FOUND = "match_not_found"
    NOT_MATCH_SIDE = "not_match_side"  # only the need's author (co-requesters) or the offer's party answer
    MATCH_ANSWERED = "match_answered"  # this side answered already
    MATCH_CLOSED = "match_closed"  # one side said 不合适, the offer was closed, or the need is no longer open
    MATCH_INTRODUCED = "match_introduced"  # both sides said 感兴趣 already: they were introduced
    MATCH_NOT_INTRODUCED = "match_not_introduced"  # a signing is recorded once both sides are interested
    MATCH_SIGNED = "match_signed"  # a signing was recorded against it already
    # 揭榜 challenges (issue 15, part D: bot.domain.challenges)
    CHALLENGE_EXISTS = "challenge_exists"  # the need is published as a challenge already
    CHALLENGE_NOT_FOUND = "challenge_not_found"  # the need is no challenge
    CHALLENGE_NO_DEADLINE = "challenge_no_deadline"  # /challenge N without a readable deadline
    CHALLENGE_BAD_DEADLINE = "challenge_bad_deadline"  # a deadline in the past, unreadable or too far
    OWN_CHALLENGE = "own_challenge"  # the need's author does not bid on it
    ALREADY_BID = "already_bid"  # one bid a person
    BIDDING_CLOSED = "bidding_closed"  # 已截止: its deadline passed
    EMPTY_PLAN = "empty_plan"
    CHALLENGE_DECIDED = "challenge_decided"  # the author picked (or picked none) already
    NOT_PICKER = "not_picker"  # only the need's author or an admin picks
    PICK_NOT_YET = "pick_not_yet"  # bids are taken until the deadline: the pick comes after it
    BID_NOT_FOUND = "bid_not_found"


DUE_REFUSALS = {DueProblem.PAST: Refusal.DATE_PAST, DueProblem.UNREADABLE: Refusal.DATE_UNREADABLE,
                DueProblem.TOO_FAR: Refusal.DATE_TOO_FAR}


@dataclass(frozen=True)
class Outcome:
    """What a use case did: ``refusal`` is None when it did it; the records it touched come along."""

    refusal: Refusal | None = None
    view: NeedView | None = None
    need: Need | None = None
    party: Party | None = None
    commitment: Commitment | None = None
    request: JoinRequest | None = None
    options: tuple[Party, ...] = ()
    matches: tuple[Party, ...] = field(default_factory=tuple)  # PARTY_AMBIGUOUS: the parties that fit
    previous: Party | None = None  # the party a need was handed over from
    agreement: Agreement | None = None
    offer: AgreementOffer | None = None
    due: DueReading | None = None  # the due date read from the words (a promise, /due, a reply with a date)
    previous_due: date | None = None  # /due on a dated promise: its date before
    needs: tuple[Need, ...] = ()  # an offer that fits several needs as well: the sender picks one
    counts: tuple[tuple[str, int], ...] = ()  # rows touched by a directory import or /forget
    term: LeadTerm | None = None  # a 退单: the lead term it ended (what 驳回 overrules)
    verdicts: tuple[Verdict, ...] = ()  # a need resolved: the questions put to its author(s); one answered
    extension: Extension | None = None  # 延期: the request asked or decided
    into: Need | None = None  # 附议 / /merge / /unmerge: the need it was (or had been) merged into

    @property
    def ok(self) -> bool:
        return self.refusal is None


@dataclass(frozen=True)
class Handshake:
    """What an answer to a match (or a signing recorded against it) did: ``step`` says what happens next."""

    refusal: Refusal | None = None
    line: MatchView | None = None
    need: Need | None = None
    side: Side | None = None
    step: Step | None = None
    view: NeedView | None = None  # the need's card as it is now
    agreement: Agreement | None = None
    author: Person | None = None  # the need's author as last seen (name, username): the introduction's contact

    @property
    def ok(self) -> bool:
        return self.refusal is None


@dataclass(frozen=True)
class Actor:
    user_id: int
    display_name: str
    username: str | None = None
    admin_of: int | None = None  # a chat where this person is a Telegram administrator (ADMINS_FROM_CHAT)

    @property
    def person(self) -> Person:
        return Person(self.user_id, self.display_name, self.username)
