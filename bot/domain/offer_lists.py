"""The standing lists' rules and results: which kinds a party publishes, the limits of an offer's words, the fields
``/offers edit`` changes, the rows of an imported spreadsheet and what can be wrong with them (checked whole before
anything changes), a page of the lists, the starter list the bot ships, and the typed result of the list use
cases. Pure: no Telegram, no SQL; the words people write are read by nlp.offer_words."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from importlib import resources

from bot.domain.model import Party, Person
from bot.domain.offers import KINDS_OF_PARTY, Offer, OfferKind, OfferMatches
from bot.domain.views import Refusal

TITLE_MAX = 60
TEXT_MAX = 2000
PLACE_MAX = 100


def fits(party: Party, kind: OfferKind) -> bool:
    """A liaison or member publishes only the kinds its party publishes (an admin may publish any)."""
    return kind in KINDS_OF_PARTY.get(party.kind, ())


def title_problem(title: str) -> Refusal | None:
    if not title.strip():
        return Refusal.OFFER_NO_TITLE
    if len(title.strip()) > TITLE_MAX:
        return Refusal.OFFER_TITLE_TOO_LONG
    return None


class OfferField(StrEnum):
    """What ``/offers edit N 字段 新值`` may change."""

    TITLE = "title"
    TEXT = "text"
    PLACE = "place"
    UNTIL = "until"


# --- the typed result -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SheetProblem:
    """One thing wrong in an imported list: the sheet row (as the spreadsheet numbers it; 1: the headers) and
    what is wrong there, with the value it found."""

    row: int
    problem: str  # SheetIssue
    value: str = ""


@dataclass(frozen=True)
class OfferOutcome:
    """What a list use case did: ``refusal`` None when it did it; the offer it published, changed or shows."""

    refusal: Refusal | None = None
    offer: Offer | None = None
    party: Party | None = None  # the offer's party (who owns it), or the party a refusal is about
    liaisons: tuple[Person, ...] = ()  # shown in full: its party's liaisons and members
    counts: tuple[tuple[str, int], ...] = ()  # an import: added, updated, unchanged
    problems: tuple[SheetProblem, ...] = ()  # an import refused: every row at fault
    matches: tuple[Party, ...] = ()  # PARTY_AMBIGUOUS: the parties that fit
    changed: str = ""  # an edit: the field it changed (OfferField)
    found: OfferMatches | None = None  # published or reworded by its own party: the open needs it fits (their list)
    for_party: bool = False  # an admin published it for a party: the party's people get the needs as they come

    @property
    def ok(self) -> bool:
        return self.refusal is None


# --- the spreadsheet -------------------------------------------------------------------------------------------

SHEET_COLUMNS = ("id", "kind", "party_id", "party", "title", "text", "place", "until", "status", "example")


class SheetIssue(StrEnum):
    HEADERS = "headers"  # the first row is not the export's headers
    EMPTY = "empty"  # no row of offers at all
    TOO_MANY = "too_many"
    BAD_ID = "bad_id"  # 编号 is not a number
    UNKNOWN_ID = "unknown_id"  # 编号 names no offer (a new row leaves it empty)
    DUPLICATE_ID = "duplicate_id"
    UNKNOWN_PARTY = "unknown_party"
    PARTY_CHANGED = "party_changed"  # an offer stays its party's: close it and add a row for the other
    UNKNOWN_KIND = "unknown_kind"
    NO_TITLE = "no_title"
    LONG_TITLE = "long_title"
    BAD_DATE = "bad_date"
    BAD_STATUS = "bad_status"
    BAD_EXAMPLE = "bad_example"


MAX_SHEET_ROWS = 2000
@dataclass(frozen=True)
class SheetOffer:
    """One row of an imported list, checked: a new offer (``id`` None) or the new state of offer ``id``."""

    id: int | None
    party_id: str
    kind: OfferKind
    title: str
    text: str
    place: str
    until: date | None
    status: str
    example: bool

    def same_as(self, offer: Offer) -> bool:
        return (offer.party_id, offer.kind, offer.title, offer.text, offer.place, offer.until, offer.status,
                offer.example) == (self.party_id, self.kind, self.title, self.text, self.place, self.until,
                                   self.status, self.example)


@dataclass(frozen=True)
class SheetCheck:
    rows: tuple[SheetOffer, ...] = ()
    problems: tuple[SheetProblem, ...] = field(default_factory=tuple)


# --- the starter list ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StarterOffer:
    party_id: str
    kind: OfferKind
    title: str
    text: str
    place: str = ""


def load_starter_offers() -> list[StarterOffer]:
    """The starter list shipped in bot/domain/data/offers.json: one editable example for each lab and fund."""
    raw = resources.files(__package__).joinpath("data/offers.json").read_text(encoding="utf-8")
    return [StarterOffer(party_id=e["party"], kind=OfferKind(e["kind"]), title=e["title"], text=e["text"],
                         place=e.get("place", "")) for e in json.loads(raw)["offers"]]


@dataclass(frozen=True)
class OfferPage:
    """One page of the open lists (``/offers [类别|单位]``), ten offers a page, by number."""

    offers: tuple[Offer, ...]
    total: int
    page: int
    pages: int
    kind: OfferKind | None = None  # the lists of one kind
    party: Party | None = None  # or one party's


PER_PAGE = 10


def paged(offers: list[Offer], page: int, per_page: int = PER_PAGE) -> tuple[list[Offer], int, int]:
    """(the offers on this page, the page — kept within the pages there are, the number of pages)."""
    pages = max(1, -(-len(offers) // per_page))
    page = min(max(page, 1), pages)
    return offers[(page - 1) * per_page: page * per_page], page, pages
