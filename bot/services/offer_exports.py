"""The matchmaking as sheets: 供给一览 (every offer) and 对接 (every match of the exported groups' needs) in the
export, and the rows the monthly 场景机会清单's XLSX is made of. Times local, codes in words, parties by the names
the bot shows everywhere else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain.model import Agreement, Need
from bot.domain.offers import Match, Offer
from storage.db import Database
from storage.needs import NeedRepo
from storage.offers import MatchRepo, OfferRepo
from storage.parties import PartyRepo
from storage.people import PeopleRepo

Table = tuple[list[str], list[list[Any]]]


@dataclass(frozen=True)
class SheetWords:
    """What the rows name: parties' short names, groups' titles, the zone and today (for 已过期)."""

    names: dict[str, str]
    titles: dict[int, str]
    zone: ZoneInfo
    today: date

    def time(self, at: datetime | None) -> str | None:
        return at.astimezone(self.zone).strftime("%Y-%m-%d %H:%M") if at is not None else None

    def party(self, party_id: str) -> str:
        return texts.lead_name(self.names, party_id)

    def offer(self, offer: Offer) -> list[Any]:
        """A row of 供给一览 (``texts.OFFER_SHEET_HEADERS``)."""
        return [offer.id, texts.OFFER_KIND_WORDS[offer.kind], self.party(offer.party_id), offer.title, offer.text,
                offer.place or None, offer.until.isoformat() if offer.until else None,
                texts.offer_status(offer, offer.current(self.today)), self.time(offer.created_at)]

    def match(self, match: Match, need: Need | None, offer: Offer | None) -> list[Any]:
        """A row of 对接 (``texts.MATCH_SHEET_HEADERS``)."""
        return [need.number if need else None, need.text if need else None, match.offer_id,
                self.party(offer.party_id) if offer else None, round(match.score, 2), match.reason,
                texts.ORIGIN_WORDS[match.origin], texts.ANSWER_WORDS[match.need_answer],
                texts.ANSWER_WORDS[match.offer_answer], self.time(match.introduced_at), match.agreement_id,
                texts.MATCH_STAGE_WORDS[match.stage], self.time(match.created_at), self.group(need)]

    def signed(self, match: Match, agreement: Agreement, need: Need | None, offer: Offer | None) -> list[Any]:
        """A row of the monthly list's 本月签约 (``texts.SIGNED_SHEET_HEADERS``)."""
        return [need.number if need else None, need.text if need else None, match.offer_id,
                self.party(offer.party_id) if offer else None, agreement.id,
                texts.AGREEMENT_KIND_NAMES.get(agreement.kind, agreement.kind), agreement.amount_yuan,
                agreement.text, self.time(agreement.created_at), self.group(need)]

    def group(self, need: Need | None) -> str | None:
        return self.titles.get(need.chat_id, str(need.chat_id)) if need else None


async def words(db: Database, zone: ZoneInfo, today: date) -> SheetWords:
    async with db.read() as conn:
        names = {p.id: p.short_name for p in await PartyRepo(conn).all(enabled_only=False)}
        titles = await PeopleRepo(conn).chat_titles()
    return SheetWords(names, titles, zone, today)


async def export_tables(db: Database, chat_id: int | None, zone: ZoneInfo, today: date) -> dict[str, Table]:
    """The export's 供给一览 (every offer: the lists are the city's, not one group's) and 对接 (every match of this
    group's needs, or every group's), keyed as the export's tables are."""
    sheet = await words(db, zone, today)
    async with db.read() as conn:
        offers = await OfferRepo(conn).listed(open_only=False, limit=1_000_000)
        matches = await MatchRepo(conn).made_between(None, None, None if chat_id is None else [chat_id])
        needs = await NeedRepo(conn).get_many(m.need_id for m in matches)
    named = {o.id: o for o in offers}
    return {
        "offers": (list(texts.OFFER_SHEET_HEADERS), [sheet.offer(o) for o in offers]),
        "matches": (list(texts.MATCH_SHEET_HEADERS),
                    [sheet.match(m, needs.get(m.need_id), named.get(m.offer_id)) for m in matches]),
    }
