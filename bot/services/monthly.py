"""The monthly 场景机会清单: what was open in a month (scenarios, capabilities, investment theses), the month's new
matches and introductions, and the agreements signed against matches — as a message, a PNG and an XLSX, for one
group or every group. Sent on the first working day of each month (bot.services.notices) and on /monthly."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, time

from bot import texts
from bot.domain.model import Agreement
from bot.domain.offers import Match, OfferKind
from bot.domain.opportunities import Month, MonthlyList, open_on
from bot.domain.schedule import Policy
from bot.services import exports, monthly_chart, offer_exports
from storage.agreements import AgreementRepo
from storage.db import Database
from storage.needs import NeedRepo
from storage.offers import MatchRepo, OfferRepo

KIND_ORDER = {OfferKind.SCENARIO: 0, OfferKind.CAPABILITY: 1, OfferKind.INVESTMENT: 2}
ALL_OFFERS = 1_000_000


@dataclass(frozen=True)
class MonthlyFiles:
    """The three things the list is sent as."""

    data: MonthlyList
    text: str
    png: bytes
    png_name: str
    xlsx: bytes
    xlsx_name: str
    caption: str


class Monthly:
    def __init__(self, db: Database, policy: Policy) -> None:
        self.db, self.policy = db, policy

    def this_month(self, now: datetime) -> Month:
        return Month.of(self.policy.local_day(now))

    def _bounds(self, month: Month) -> tuple[datetime, datetime]:
        zone = self.policy.timezone
        return (datetime.combine(month.first_day, time(0), zone), datetime.combine(month.following.first_day,
                                                                                    time(0), zone))

    async def gather(self, chat_id: int | None, month: Month, now: datetime) -> MonthlyList:
        """The list of ``month`` in one group (or every group, ``chat_id`` None), as of its last day — or now, for
        the month under way. Matches of withdrawn (or merged) needs are left out, as in the reports."""
        start, end = self._bounds(month)
        moment, as_of = min(end, now), min(month.last_day, self.policy.local_day(now))
        async with self.db.read() as conn:
            offers = await OfferRepo(conn).listed(open_only=False, limit=ALL_OFFERS)
            made = await MatchRepo(conn).made_between(None, end, None if chat_id is None else [chat_id])
            needs = await NeedRepo(conn).get_many({m.need_id for m in made})
            live = [m for m in made if m.need_id in needs and needs[m.need_id].status != "withdrawn"]
            agreements = AgreementRepo(conn)
            signed: list[tuple[Match, Agreement]] = []
            for match in live:
                agreement = await agreements.get(match.agreement_id) if match.agreement_id is not None else None
                if agreement is not None and start <= agreement.created_at < end:
                    signed.append((match, agreement))
        open_offers = sorted((o for o in offers if open_on(o, moment, as_of)), key=lambda o: (KIND_ORDER[o.kind], o.id))

        def within(at: datetime | None) -> bool:
            return at is not None and start <= at < end

        return MonthlyList(month=month, as_of=as_of, chat_id=chat_id, open_offers=open_offers,
                           matches=[m for m in live if within(m.created_at)],
                           introduced=[m for m in live if within(m.introduced_at)], signed=signed,
                           needs=needs, offers={o.id: o for o in offers})

    async def produce(self, chat_id: int | None, month: Month, now: datetime) -> MonthlyFiles:
        """The list of ``month`` as a message, a PNG and an XLSX (drawn off the event loop)."""
        data = await self.gather(chat_id, month, now)
        sheet = await offer_exports.words(self.db, self.policy.timezone, self.policy.local_day(now))
        scope = texts.scope(chat_id is None)
        titles = sheet.titles if chat_id is None else None
        text = texts.monthly_message(data, sheet.names, scope, titles)
        title = texts.monthly_title(data, scope)
        png, xlsx = await asyncio.to_thread(_draw, data, sheet, title, titles)
        name = texts.monthly_file(data)
        return MonthlyFiles(data, text, png, f"{name}.png", xlsx, f"{name}.xlsx", texts.monthly_caption(data, scope))


def _draw(data: MonthlyList, sheet: offer_exports.SheetWords, title: str,
          titles: dict[int, str] | None) -> tuple[bytes, bytes]:
    return monthly_chart.png(data, sheet.names, title, titles), exports.to_xlsx(monthly_tables(data, sheet))


def monthly_tables(data: MonthlyList, sheet: offer_exports.SheetWords) -> dict[str, offer_exports.Table]:
    """The XLSX's full lists, keyed by their sheet names."""
    def matches(found: list[Match]) -> list[list[object]]:
        return [sheet.match(m, data.needs.get(m.need_id), data.offers.get(m.offer_id)) for m in found]

    sheets = texts.MONTHLY_SHEETS
    return {
        sheets["open"]: (list(texts.OFFER_SHEET_HEADERS), [sheet.offer(o) for o in data.open_offers]),
        sheets["matched"]: (list(texts.MATCH_SHEET_HEADERS), matches(data.matches)),
        sheets["introduced"]: (list(texts.MATCH_SHEET_HEADERS), matches(data.introduced)),
        sheets["signed"]: (list(texts.SIGNED_SHEET_HEADERS),
                           [sheet.signed(m, a, data.needs.get(m.need_id), data.offers.get(m.offer_id))
                            for m, a in data.signed]),
    }
