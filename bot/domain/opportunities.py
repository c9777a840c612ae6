"""The matching funnel per offering party, and the monthly 场景机会清单: which month, what was open in it, what its
matches came to, and when the list is due (the first working day of the next month). Pure records and rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.domain.calendar import is_working_day
from bot.domain.model import Agreement, Need
from bot.domain.offers import Funnel, Match, Offer, OfferKind
from bot.domain.schedule import Notice, Policy


def party_funnels(matches: list[Match], party_of_offer: dict[int, str]) -> list[tuple[str, Funnel]]:
    """匹配 → 双方有意 → 签约 per offering party (the party owning each match's offer), most signed first, then
    most introduced, then most matched; a match whose offer is unknown is left out."""
    by_party: dict[str, list[Match]] = {}
    for match in matches:
        party = party_of_offer.get(match.offer_id)
        if party is not None:
            by_party.setdefault(party, []).append(match)
    funnels = [(party, Funnel.of(found)) for party, found in by_party.items()]
    return sorted(funnels, key=lambda pf: (-pf[1].signed, -pf[1].introduced, -pf[1].suggested, pf[0]))


_MONTH = re.compile(r"^\s*(\d{4})\s*[-/.\u5e74]\s*(\d{1,2})\s*\u6708?\s*$")  # 2026-11, 2026年11月


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @staticmethod
    def parse(text: str) -> Month | None:
        """"2026-11", "2026/11", "2026年11月"; None when it is no month."""
        found = _MONTH.match(text)
        if found is None:
            return None
        year, month = int(found.group(1)), int(found.group(2))
        return Month(year, month) if 1 <= month <= 12 and year >= 2000 else None

    @staticmethod
    def of(day: date) -> Month:
        return Month(day.year, day.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return self.following.first_day - timedelta(days=1)

    @property
    def following(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    @property
    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    @property
    def key(self) -> str:
        return f"{self.year}-{self.month:02d}"


def open_on(offer: Offer, moment: datetime, day: date) -> bool:
    """Open at ``moment`` (local date ``day``): published by then, not closed by then, not past its 有效期. An
    offer closed since still counts for a month it was open at the end of (Offer.current, as of then)."""
    if offer.created_at is not None and offer.created_at > moment:
        return False
    if offer.status != "open" and (offer.closed_at is None or offer.closed_at <= moment):
        return False
    return offer.until is None or offer.until >= day


@dataclass(frozen=True)
class MonthlyList:
    """场景机会清单 of one month, in one group or every group (``chat_id`` None)."""

    month: Month
    as_of: date  # the month's last day, or today for the month under way
    chat_id: int | None
    open_offers: list[Offer]  # open on ``as_of``, by kind then id
    matches: list[Match]  # made in the month (needs not withdrawn)
    introduced: list[Match]  # introduced (双方有意) in the month
    signed: list[tuple[Match, Agreement]]  # agreements recorded in the month against a match
    needs: dict[int, Need] = field(default_factory=dict)  # every need the matches name
    offers: dict[int, Offer] = field(default_factory=dict)  # every offer listed or named

    def of_kind(self, kind: OfferKind) -> list[Offer]:
        return [o for o in self.open_offers if o.kind is kind]

    @property
    def funnel(self) -> Funnel:
        """The month's matches through the funnel (as they stand now)."""
        return Funnel.of(self.matches)

    @property
    def empty(self) -> bool:
        return not (self.open_offers or self.matches or self.introduced or self.signed)


def first_working_day(month: Month) -> date:
    day = month.first_day
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


ADMINS = "admins"  # the key's destination for ADMIN_CHAT_ID (or the admins privately)


def monthly_notices(now: datetime, policy: Policy, chat_ids: list[int], upcoming: bool = False) -> list[Notice]:
    """The slot of the list of the month before this one: the first working day of this month at the report
    hour, one notice per served group (``chat_id``) and one for the admins (``chat_id`` None), each keyed by the
    month reported and where it goes, so each goes out once. ``upcoming``: the next slot not yet passed."""
    this = Month.of(policy.local_day(now))
    at = policy.outside_quiet(policy.at_local(first_working_day(this), policy.weekly_hour))
    if upcoming and at <= now:
        this = this.following
        at = policy.outside_quiet(policy.at_local(first_working_day(this), policy.weekly_hour))
    reported = this.previous.key
    return [Notice(f"monthly:{reported}@{ADMINS}", "monthly", at),
            *(Notice(f"monthly:{reported}@{chat}", "monthly", at, chat_id=chat) for chat in chat_ids)]


def reported_month(notice: Notice) -> Month:
    """The month a monthly notice reports (from its key)."""
    found = Month.parse(notice.key.split(":", 1)[1].split("@", 1)[0])
    assert found is not None, notice.key
    return found
