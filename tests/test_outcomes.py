"""Agreements read from chat: amounts, kinds, announcements; and the kept-rate arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain import Claim, Commitment
from bot.domain.metrics import kept_rates
from bot.domain.schedule import Policy
from nlp.outcomes import agreement_kind, format_amount, is_announcement, parse_amount

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("text", "yuan"), [
    ("签约融资5000万元", 50_000_000),
    ("获得1.2亿元A轮融资", 120_000_000),
    ("天使轮800万", 8_000_000),
    ("三千万元", 30_000_000),
    ("两亿", 200_000_000),
    ("五点五亿元", 550_000_000),
    ("一千二百万元", 12_000_000),
    ("8个协议，总金额7000万元", 70_000_000),
    ("A轮融资1亿元，其中首期3000万元", 100_000_000),  # the largest: the round, not its tranche
    ("投资8,000,000元", 8_000_000),
    ("3.5亿元人民币", 350_000_000),
    ("1亿的A轮", 100_000_000),
    ("50万元补贴", 500_000),
    ("增长5.5%", None),
    ("10万辆车", None),
    ("200万人次", None),
    ("3个项目", None),
    ("合作3年", None),
    ("融资3000万美元", None),  # not yuan: not counted as yuan
])
def test_amounts(text: str, yuan: int | None) -> None:
    assert parse_amount(text) == yuan


@pytest.mark.parametrize(("yuan", "shown"), [(50_000_000, "5000 万元"), (120_000_000, "1.2 亿元"),
                                             (100_000_000, "1 亿元"), (8_000, "8000 元"), (None, "未注明金额")])
def test_amounts_are_shown_in_wan_and_yi(yuan: int | None, shown: str) -> None:
    assert format_amount(yuan) == shown


@pytest.mark.parametrize(("text", "kind"), [("与青岛天使基金签约，天使轮融资800万元", "financing"),
                                            ("与城阳区签订协议，开放5公里测试道路", "scenario"),
                                            ("和实验室签署战略合作协议", "cooperation"),
                                            ("签订协议，开放测试道路，总投资2亿元", "scenario"),
                                            ("签了", "other")])
def test_agreement_kinds(text: str, kind: str) -> None:
    assert agreement_kind(text) == kind


@pytest.mark.parametrize(("text", "announced"), [
    ("今天我们和青岛天使基金签约了", True),
    ("达成合作意向，下周签订协议", True),
    ("完成了A轮融资", True),
    ("获得3000万元投资", True),
    ("希望能和基金签约", False),
    ("请问签约流程？", False),
    ("需要对接融资", False),
])
def test_announcements(text: str, announced: bool) -> None:
    assert is_announcement(text) is announced


def test_kept_rate_counts_on_time_late_overdue_and_claim_speed() -> None:
    made = datetime(2026, 11, 1, 2, tzinfo=UTC)
    def promise(cid: int, party: str, due: date | None, status: str, reported: datetime | None = None) -> Commitment:
        return Commitment(id=cid, need_id=1, party_id=party, user_id=1, text="x", due_date=due, status=status,
                          created_at=made, reported_at=reported, done_at=reported)
    commitments = [
        promise(1, "transport", date(2026, 11, 10), "done", datetime(2026, 11, 9, 2, tzinfo=UTC)),  # on time
        promise(2, "transport", date(2026, 11, 10), "done", datetime(2026, 11, 12, 2, tzinfo=UTC)),  # late
        promise(3, "transport", date(2026, 11, 20), "open"),  # overdue by now
        promise(4, "transport", date(2026, 12, 20), "open"),  # not yet due
        promise(5, "transport", None, "open"),  # undated, past the 7-day grace: overdue
        promise(6, "transport", date(2026, 11, 10), "cancelled"),
        promise(7, "miit", None, "done", datetime(2026, 11, 3, tzinfo=UTC)),  # kept, never dated
    ]
    posted = datetime(2026, 11, 1, 0, tzinfo=UTC)
    claims = [(Claim(1, "transport", 1, posted + timedelta(hours=h)), posted) for h in (12, 24, 72)]
    now = datetime(2026, 11, 27, 4, tzinfo=UTC)
    transport, miit = kept_rates(commitments, claims, now, Policy(TZ))
    assert (transport.party_id, transport.made, transport.on_time, transport.late, transport.overdue,
            transport.pending, transport.cancelled) == ("transport", 6, 1, 1, 2, 1, 1)
    assert transport.kept_rate == pytest.approx(1 / 4)
    assert transport.claims == 3 and transport.median_claim_days == pytest.approx(1.0)
    assert (miit.made, miit.kept_undated, miit.kept_rate, miit.median_claim_days) == (1, 1, None, None)
