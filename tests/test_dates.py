"""Due dates from Chinese promises, each against a fixed message time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from nlp.dates import chinese_number, parse_due

TZ = ZoneInfo("Asia/Shanghai")
FRI = datetime(2026, 11, 27, 10, 0, tzinfo=TZ)  # a Friday
WED = datetime(2026, 12, 2, 15, 30, tzinfo=TZ)  # a Wednesday
DEC = datetime(2026, 12, 20, 9, 0, tzinfo=TZ)


@pytest.mark.parametrize(("text", "now", "due"), [
    ("两周内开放测试路段", FRI, date(2026, 12, 11)),
    ("两周内开放测试路段", WED, date(2026, 12, 16)),
    ("3天内回复", FRI, date(2026, 11, 30)),
    ("三天内回复", FRI, date(2026, 11, 30)),
    ("十五天内完成", FRI, date(2026, 12, 12)),
    ("一个月内对接", FRI, date(2026, 12, 27)),
    ("两个月内", FRI, date(2027, 1, 27)),
    ("半个月内给答复", FRI, date(2026, 12, 12)),
    ("半年内完成试点", FRI, date(2027, 5, 27)),
    ("5个工作日内", FRI, date(2026, 12, 4)),
    ("一周内", WED, date(2026, 12, 9)),
    ("本周五前", WED, date(2026, 12, 4)),
    ("这周五", FRI, date(2026, 11, 27)),
    ("下周三前", FRI, date(2026, 12, 2)),
    ("下周一", WED, date(2026, 12, 7)),
    ("周一前", WED, date(2026, 12, 7)),
    ("星期五之前", WED, date(2026, 12, 4)),
    ("下周内", FRI, date(2026, 12, 4)),
    ("月底前", FRI, date(2026, 11, 30)),
    ("本月内", WED, date(2026, 12, 31)),
    ("下个月内", FRI, date(2026, 12, 31)),
    ("下个月5号", FRI, date(2026, 12, 5)),
    ("下月十日前", DEC, date(2027, 1, 10)),
    ("12月10日前", FRI, date(2026, 12, 10)),
    ("十二月十日", FRI, date(2026, 12, 10)),
    ("1月10日前", DEC, date(2027, 1, 10)),
    ("11月25日", FRI, date(2026, 11, 25)),  # just past: stays this year (overdue), not next year
    ("2027年1月5日", FRI, date(2027, 1, 5)),
    ("2026-12-31", FRI, date(2026, 12, 31)),
    ("12/15前", FRI, date(2026, 12, 15)),
    ("3月底", FRI, date(2027, 3, 31)),
    ("12月底", FRI, date(2026, 12, 31)),
    ("本季度", FRI, date(2026, 12, 31)),
    ("年底前", FRI, date(2026, 12, 31)),
    ("明天", FRI, date(2026, 11, 28)),
    ("后天上午", FRI, date(2026, 11, 29)),
    ("今天下班前", FRI, date(2026, 11, 27)),
])
def test_parse_due(text: str, now: datetime, due: date) -> None:
    assert parse_due(text, now) == due


@pytest.mark.parametrize("text", ["尽快", "抓紧推进", "我们研究一下", "", "收到", "增长5.5%"])
def test_undated(text: str) -> None:
    assert parse_due(text, FRI) is None


def test_the_same_text_on_another_day_gives_another_date() -> None:
    assert parse_due("两周内", FRI) != parse_due("两周内", WED)


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_due("明天", datetime(2026, 1, 1))


@pytest.mark.parametrize(("text", "value"), [("15", 15), ("十五", 15), ("二十", 20), ("两", 2),
                                             ("一百", 100), ("二十三", 23), ("x", None)])
def test_chinese_number(text: str, value: int | None) -> None:
    assert chinese_number(text) == value
