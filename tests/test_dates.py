"""Due dates from Chinese promises, each against a fixed message time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain import DueProblem
from nlp.dates import DUE_HORIZON_YEARS, chinese_number, parse_due, read_due

TZ = ZoneInfo("Asia/Shanghai")
FRI = datetime(2026, 11, 27, 10, 0, tzinfo=TZ)  # a Friday
WED = datetime(2026, 12, 2, 15, 30, tzinfo=TZ)  # a Wednesday
DEC = datetime(2026, 12, 20, 9, 0, tzinfo=TZ)  # a Sunday
MAY = datetime(2026, 5, 12, 10, 0, tzinfo=TZ)  # a Tuesday
JUL = datetime(2026, 7, 15, 16, 0, tzinfo=TZ)
NYE = datetime(2026, 12, 30, 11, 0, tzinfo=TZ)  # the day before the New Year holiday's eve


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 10, 0, tzinfo=TZ)


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


@pytest.mark.parametrize(("text", "now", "due"), [
    # spans, Chinese numerals, hours
    ("一周之内", FRI, date(2026, 12, 4)),
    ("三日内", FRI, date(2026, 11, 30)),
    ("二十天内", FRI, date(2026, 12, 17)),
    ("一个半月内", FRI, date(2027, 1, 11)),
    ("两个月", FRI, date(2027, 1, 27)),
    ("两个星期内", FRI, date(2026, 12, 11)),
    ("48小时内", FRI, date(2026, 11, 29)),
    ("24小时内答复", FRI, date(2026, 11, 28)),
    ("两周后", FRI, date(2026, 12, 11)),
    ("10天左右", FRI, date(2026, 12, 7)),
    ("一年内", FRI, date(2027, 11, 27)),
    ("两三天内", FRI, date(2026, 11, 30)),  # a range: its far end
    ("一两周内", FRI, date(2026, 12, 11)),
    ("三五天", FRI, date(2026, 12, 2)),
    # weeks and weekdays
    ("下下周三", FRI, date(2026, 12, 9)),
    ("下周五前", WED, date(2026, 12, 11)),
    ("周末前", WED, date(2026, 12, 6)),
    ("本周末", FRI, date(2026, 11, 29)),
    ("礼拜三", FRI, date(2026, 12, 2)),
    ("下个星期二", FRI, date(2026, 12, 1)),
    ("这周内", WED, date(2026, 12, 4)),
    ("下下周", FRI, date(2026, 12, 11)),
    ("本周五前提交材料", WED, date(2026, 12, 4)),
    ("尽快，最晚下周五", FRI, date(2026, 12, 4)),
    # months and parts of months
    ("月底", DEC, date(2026, 12, 31)),
    ("这个月底", FRI, date(2026, 11, 30)),
    ("月中", FRI, date(2026, 12, 15)),  # the 15th has passed: next month's
    ("下月初", FRI, date(2026, 12, 5)),
    ("下个月中旬", FRI, date(2026, 12, 20)),
    ("本月底前", WED, date(2026, 12, 31)),
    ("下个月底", WED, date(2027, 1, 31)),
    ("下下个月底", FRI, date(2027, 1, 31)),
    ("1月中旬", FRI, date(2027, 1, 20)),
    ("一月底", FRI, date(2027, 1, 31)),
    ("十月中旬", FRI, date(2027, 10, 20)),
    ("12月中", FRI, date(2026, 12, 15)),
    ("12月上旬", FRI, date(2026, 12, 10)),
    ("三月份", FRI, date(2027, 3, 31)),
    ("明年3月", FRI, date(2027, 3, 31)),
    ("明年三月底", FRI, date(2027, 3, 31)),
    ("6月前", FRI, date(2027, 5, 31)),
    ("2027年3月", FRI, date(2027, 3, 31)),
    ("月底前把数据接口开放", FRI, date(2026, 11, 30)),
    # explicit dates
    ("二〇二七年一月五日", FRI, date(2027, 1, 5)),
    ("明年1月10日", FRI, date(2027, 1, 10)),
    ("十二月五号", FRI, date(2026, 12, 5)),
    ("12月5号之前", FRI, date(2026, 12, 5)),
    ("15号前", FRI, date(2026, 12, 15)),  # the 15th of this month has passed
    ("30号前", FRI, date(2026, 11, 30)),
    ("十号之前", WED, date(2026, 12, 10)),
    ("二十号前", FRI, date(2026, 12, 20)),
    ("12.20前", FRI, date(2026, 12, 20)),
    ("1/15", FRI, date(2027, 1, 15)),
    ("2026/12/8", FRI, date(2026, 12, 8)),
    ("2026年12月8号", FRI, date(2026, 12, 8)),
    ("3月5日", FRI, date(2027, 3, 5)),  # months past: next year
    # holidays: the last day before the first day off
    ("国庆节前", MAY, date(2026, 9, 30)),
    ("国庆前", FRI, date(2027, 9, 30)),
    ("十一前", JUL, date(2026, 9, 30)),
    ("春节前", FRI, date(2027, 2, 4)),  # 2027's holiday starts on New Year's Eve, 5 February
    ("过年前", FRI, date(2027, 2, 4)),
    ("年前", DEC, date(2027, 2, 4)),
    ("春节前", at(2026, 1, 10), date(2026, 2, 15)),
    ("元旦前", FRI, date(2026, 12, 31)),
    ("五一前", FRI, date(2027, 4, 30)),
    ("端午节前", MAY, date(2026, 6, 18)),
    ("中秋节前", JUL, date(2026, 9, 24)),
    ("清明前", FRI, date(2027, 4, 4)),
    # periods
    ("下季度", FRI, date(2027, 3, 31)),
    ("一季度", FRI, date(2027, 3, 31)),
    ("第四季度", MAY, date(2026, 12, 31)),
    ("Q3", MAY, date(2026, 9, 30)),
    ("季度末", MAY, date(2026, 6, 30)),
    ("上半年", FRI, date(2027, 6, 30)),  # said in November: next year's first half
    ("上半年", MAY, date(2026, 6, 30)),
    ("下半年", MAY, date(2026, 12, 31)),
    ("明年上半年", MAY, date(2027, 6, 30)),
    ("年内", MAY, date(2026, 12, 31)),
    ("明年年底", FRI, date(2027, 12, 31)),
    ("今年", FRI, date(2026, 12, 31)),
    ("明年", FRI, date(2027, 12, 31)),
    # named days
    ("大后天", FRI, date(2026, 11, 30)),
    ("明早", FRI, date(2026, 11, 28)),
    ("今晚", FRI, date(2026, 11, 27)),
    ("当天", FRI, date(2026, 11, 27)),
    # working days follow China's calendar: holidays off, exchanged weekend days (调休) on
    ("3个工作日内", DEC, date(2026, 12, 23)),
    ("3个工作日", NYE, date(2027, 1, 5)),
    ("1个工作日", at(2026, 1, 3), date(2026, 1, 4)),  # Sunday 4 January 2026 was a working day
    ("五个工作日", FRI, date(2026, 12, 4)),
])
def test_parse_due_more(text: str, now: datetime, due: date) -> None:
    assert parse_due(text, now) == due


@pytest.mark.parametrize("text", ["尽快", "抓紧推进", "我们研究一下", "", "收到", "增长5.5%", "尽快安排", "马上落实",
                                  "近期对接", "过几天", "协调1.5亿资金", "融资3.5亿元", "争取早日落地", "我们会跟进",
                                  "5.8万元补贴", "两年前就做过", "三年前的数据", "双十一前"])
def test_undated(text: str) -> None:
    assert parse_due(text, FRI) is None


def test_the_same_text_on_another_day_gives_another_date() -> None:
    assert parse_due("两周内", FRI) != parse_due("两周内", WED)


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_due("明天", datetime(2026, 1, 1))


@pytest.mark.parametrize(("text", "value"), [("15", 15), ("十五", 15), ("二十", 20), ("两", 2),
                                             ("一百", 100), ("二十三", 23), ("x", None),
                                             ("二〇二七", 2027), ("两三", 3)])
def test_chinese_number(text: str, value: int | None) -> None:
    assert chinese_number(text) == value


@pytest.mark.parametrize("text", ["99999999999999999999天内", "/due 1 99999999999999999999天内完成",
                                  "9999999999999999999个月内", "99999999999999999999周内"])
def test_absurd_spans_are_no_date_not_a_crash(text: str) -> None:
    """A span no calendar holds is read as no date (the bot then asks for one), never an OverflowError."""
    assert parse_due(text, datetime(2026, 11, 29, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))) is None


SUN_29 = datetime(2026, 11, 29, 10, 0, tzinfo=TZ)  # a Sunday, two days before December


@pytest.mark.parametrize(("text", "now", "day", "phrase"), [
    ("11月1日前", SUN_29, date(2026, 11, 1), "11月1日"),
    ("本周五前", SUN_29, date(2026, 11, 27), "本周五"),
    ("这周三给方案", SUN_29, date(2026, 11, 25), "这周三"),
    ("2025年12月31日前", SUN_29, date(2025, 12, 31), "2025年12月31日"),
    ("11月25日", FRI, date(2026, 11, 25), "11月25日"),  # just past: this year's, and past — not next year's
    ("去年底前", SUN_29, date(2025, 12, 31), "去年底"),
    ("2026-11-28", SUN_29, date(2026, 11, 28), "2026-11-28"),
])
def test_a_date_before_the_day_it_is_said_is_past(text: str, now: datetime, day: date, phrase: str) -> None:
    reading = read_due(text, now)
    assert (reading.day, reading.phrase, reading.problem) == (day, phrase, DueProblem.PAST)
    assert reading.usable is None and parse_due(text, now) is None


@pytest.mark.parametrize("text", ["9999年12月31日前", "3000年", "1800年底", "10000年内", "9999年",
                                  "99999999999999999999天内", "99999999999999999999天内完成",
                                  "9999999999999999999个月内", "99999999999999999999周内",
                                  "99999999999999999999小时内", "二九九九年一月一日"])
def test_years_and_spans_no_calendar_holds_are_unreadable(text: str) -> None:
    reading = read_due(text, SUN_29)
    assert reading.problem is DueProblem.UNREADABLE and reading.named and reading.usable is None, reading


@pytest.mark.parametrize("text", ["9999天内", "2099年12月31日前", "99999999个工作日内", "2040年底", "十年内",
                                  "3000年内完成"])
def test_dates_beyond_the_horizon_are_too_far(text: str) -> None:
    reading = read_due(text, SUN_29)
    assert reading.problem in (DueProblem.TOO_FAR, DueProblem.UNREADABLE) and reading.usable is None, reading


def test_the_horizon_is_five_years_to_the_day() -> None:
    assert DUE_HORIZON_YEARS == 5
    assert read_due("5年内", SUN_29).usable == date(2031, 11, 29)
    assert read_due("2031年11月29日", SUN_29).usable == date(2031, 11, 29)
    assert read_due("2031年11月30日", SUN_29).problem is DueProblem.TOO_FAR


@pytest.mark.parametrize(("text", "day"), [
    ("月底前", date(2026, 11, 30)),  # said on 29 November: tomorrow
    ("今天下班前", date(2026, 11, 29)),
    ("本周日", date(2026, 11, 29)),  # the day it is said is not past
    ("明年底", date(2027, 12, 31)),  # not this year's end
    ("2027年底前", date(2027, 12, 31)),
    ("今年年底", date(2026, 12, 31)),
    ("2027年3月底，下周五前先给初稿", date(2027, 3, 31)),
    ("我们2019年就做过类似项目，下周五前给方案", date(2026, 12, 4)),  # a year in the past is not a deadline
    ("11月20日已提交材料，12月10日前完成审批", date(2026, 12, 10)),  # a past date mentioned in passing
    ("本周五已经和企业沟通过，下周三前给出方案", date(2026, 12, 2)),
])
def test_dates_on_the_edge_are_kept(text: str, day: date) -> None:
    reading = read_due(text, SUN_29)
    assert reading.problem is None and reading.day == day, reading


def test_no_date_is_not_a_problem() -> None:
    reading = read_due("我们尽快协调开放测试路段", SUN_29)
    assert (reading.day, reading.phrase, reading.problem, reading.named) == (None, "", None, False)


@pytest.mark.parametrize(("text", "due"), [
    ("12月1日已提交，11月30日前完成", date(2026, 11, 30)),  # the date something was done is not the deadline
    ("明天已经安排好了，下周五前给结果", date(2026, 12, 4)),
    ("12月3日已经报上去了", date(2026, 12, 3)),  # no other date: the one named is read
])
def test_a_date_something_was_done_yields_to_the_deadline(text: str, due: date) -> None:
    sunday = datetime(2026, 11, 29, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert read_due(text, sunday).day == due
