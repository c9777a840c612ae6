"""Due dates in Chinese promises, resolved against the message's own local time.

``read_due(text, sent_at)`` reads the date a promise is due as a ``DueReading``: the date and the words it
came from, or no date ("尽快", "抓紧", "近期"), or why the date named cannot be a due date — it is before the
day the words were said (PAST), no calendar holds it (UNREADABLE: "9999年", "99999999999999999999天内"), or it
lies beyond ``DUE_HORIZON_YEARS`` (TOO_FAR). ``parse_due`` gives the usable date alone. ``sent_at`` must be
timezone-aware and already in the configured zone.

The rules are tried in order, most specific first (an explicit date beats "两周内" in the same
sentence). Chinese numerals are read everywhere (十五天, 两个月, 二〇二七年一月五日). Holidays whose
date moves (春节, 端午, 中秋) and China's working-day calendar (调休: a Sunday can be a working day)
come from the ``holidays`` package, which computes them and is updated as the State Council
publishes each year's schedule.

PyPI alternatives, tried on 22 promise phrases with the message time Friday 2026-11-27 10:00
(2026-11-27): jionlp 1.5.31 read "两周内" as 2 days, failed on "月底前" and "尽快" (exceptions), and put
"3月底", "国庆节前", "春节前" and "15号前" in the past; time-parser-zh 1.0.0 found nothing for future spans
("两周内", "十五天内", "5个工作日内", "一个半月内") or holidays and read "3月底" as this November. Neither
is right for deadlines, so the rules are our own. cn2an converts numerals, but we need only integers
up to a few hundred (and ranges like 两三天), read below.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta

from bot.domain import DueProblem, DueReading
from bot.domain.calendar import china_holidays, working_days_after

_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}
_NUM = r"[0-9零〇○一二两三四五六七八九十百]+"
_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 6,
            "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
ROLL_OVER_DAYS = 31  # an explicit month-day further in the past than this means next year
# A promise due further ahead than this is no date anyone means to keep: "3000年内", "9999天内" are refused as
# too far (the liaison is asked again) instead of being stored as a deadline nobody will see.
DUE_HORIZON_YEARS = 5
_HORIZON_DAYS = DUE_HORIZON_YEARS * 366


class _NoCalendarDate(Exception):
    """The words name a year or span no calendar holds ("9999年12月31日", "1800年底")."""


def chinese_number(text: str) -> int | None:
    """'15' → 15, '十五' → 15, '二十' → 20, '两' → 2, '一百' → 100, '二〇二七' → 2027, '两三' → 3."""
    if text.isdigit():
        return int(text)
    if len(text) >= 4 and all(ch in _DIGITS for ch in text):  # a year, digit by digit: 二〇二七
        return int("".join(str(_DIGITS[ch]) for ch in text))
    if len(text) in (2, 3) and all(ch in _DIGITS for ch in text):  # a range, 两三天 / 三五天: the far end
        return max(_DIGITS[ch] for ch in text)
    total, current = 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


# --- the calendar: bot.domain.calendar -----------------------------------------------------


_HOLIDAY_NAMES = {  # the English names the holidays package gives China's public holidays
    "spring": "Chinese New Year (Spring Festival)",
    "eve": "Chinese New Year's Eve",
    "qingming": "Tomb-Sweeping Day",
    "labour": "Labor Day",
    "dragon": "Dragon Boat Festival",
    "autumn": "Mid-Autumn Festival",
    "national": "National Day",
    "new_year": "New Year's Day",
}


def holiday_start(key: str, year: int) -> date | None:
    """First day off of a holiday in ``year`` (春节 counts from its eve when that is a day off)."""
    names = [_HOLIDAY_NAMES[key]] + ([_HOLIDAY_NAMES["eve"]] if key == "spring" else [])
    table = china_holidays(year)
    days = sorted(d for d, name in table.items() if d.year == year and any(name.startswith(n) for n in names))
    return days[0] if days else None


# --- helpers -----------------------------------------------------------------------------------


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _explicit(month: int, day: int, today: date, year: int | None = None) -> date | None:
    if year is not None:
        return _safe_date(year, month, day)
    found = _safe_date(today.year, month, day)
    if found is not None and (today - found).days > ROLL_OVER_DAYS:
        found = _safe_date(today.year + 1, month, day)
    return found


def _year_of(prefix: str | None, today: date) -> int | None:
    """明年 / 今年 / 后年 / 2027年 / 二〇二七年 → a year; None when no year was named."""
    if not prefix:
        return None
    prefix = prefix.rstrip("年")
    if prefix in ("今", "本"):
        return today.year
    if prefix == "去":
        return today.year - 1
    if prefix in ("明", "下一", "来"):
        return today.year + 1
    if prefix == "后":
        return today.year + 2
    number = chinese_number(prefix)
    return number if number and 2000 <= number <= 2100 else None


def _in_month(month: int, today: date, year: int | None) -> int:
    """The year of month ``month`` as a person means it: this year, or next year once it is past."""
    if year is not None:
        return year
    return today.year + (1 if month < today.month else 0)


def _quarter_end(quarter: int, year: int) -> date:
    return _month_end(year, quarter * 3)


def _before_holiday(key: str, today: date, year: int | None) -> date | None:
    """The last day before the holiday's first day off: "国庆节前" said in May means 9月30日."""
    for candidate in ([year] if year else [today.year, today.year + 1]):
        start = holiday_start(key, candidate)
        if start is not None and start - timedelta(days=1) >= today:
            return start - timedelta(days=1)
    return None


# --- the rules ---------------------------------------------------------------------------------

_YEAR = r"(?:(今|本|明|来|后|20\d\d|二[〇零○][〇零○一二三四五六七八九]{2})年)?"

Rule = Callable[[re.Match[str], date], date | None]
_RULES: list[tuple[re.Pattern[str], Rule]] = []


def _rule(pattern: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        _RULES.append((re.compile(pattern), fn))
        return fn
    return register


_YEAR_DIGITS = r"\d{4,}|[〇零○一二三四五六七八九]{4,}"


@_rule(rf"(?<!\d)({_YEAR_DIGITS})年(?=[0-9零〇○一二两三四五六七八九十]+月|年?[底末终]|内|之内|以内|之前|以前|前|$|[，。,、！!；;])")
def _far_year(m: re.Match[str], today: date) -> date | None:
    """A year written out ("9999年12月31日前", "3000年"): one no promise can mean is decisive, whatever follows
    (otherwise "12月31日" alone would be read and the year silently dropped); the rules below read the rest."""
    year = chinese_number(m.group(1))
    if year is None or not 2000 <= year <= 2100:
        raise _NoCalendarDate(m.group(0))
    return None


@_rule(r"(20\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?")
def _iso(m: re.Match[str], today: date) -> date | None:
    return _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


@_rule(rf"{_YEAR}({_NUM})月({_NUM})[日号]")
def _month_day(m: re.Match[str], today: date) -> date | None:
    month, day = chinese_number(m.group(2)), chinese_number(m.group(3))
    if not month or not day:
        return None
    return _explicit(month, day, today, _year_of(m.group(1), today))


@_rule(rf"(下下个?月|下个?月|本月|这个?月)({_NUM})[日号]")
def _next_month_day(m: re.Match[str], today: date) -> date | None:
    day = chinese_number(m.group(2))
    ahead = 2 if m.group(1).startswith("下下") else 1 if m.group(1).startswith("下") else 0
    base = _add_months(today.replace(day=1), ahead)
    return _safe_date(base.year, base.month, day) if day else None


@_rule(r"(?<![\d.])(\d{1,2})[/.](\d{1,2})(?![\d.%亿万千百元倍个只台套家人米吨])")
def _numeric(m: re.Match[str], today: date) -> date | None:
    return _explicit(int(m.group(1)), int(m.group(2)), today)


@_rule(rf"{_YEAR}({_NUM})月(?:份)?(底|末|前|之前|以前|内|中旬|中|下旬|上旬|初)?(?![0-9零〇一二两三四五六七八九十百个日号])")
def _month_period(m: re.Match[str], today: date) -> date | None:
    month = chinese_number(m.group(2))
    if not month or not 1 <= month <= 12:
        return None
    year = _in_month(month, today, _year_of(m.group(1), today))
    part = m.group(3) or "底"
    if part in ("前", "之前", "以前"):  # "3月前": before March begins
        start = date(year, month, 1)
        if start <= today:
            start = date(year + 1, month, 1)
        return start - timedelta(days=1)
    return _part_of_month(year, month, part)


def _part_of_month(year: int, month: int, part: str) -> date:
    if part == "上旬":
        return date(year, month, 10)
    if part == "初":
        return date(year, month, 5)
    if part in ("中", "中旬"):
        return date(year, month, 15 if part == "中" else 20)
    return _month_end(year, month)


@_rule(r"(下下个?月|下个?月|本月|这个?月|当月)(底|末|内|中旬|中|下旬|上旬|初|前)?|(?<![0-9零〇一二两三四五六七八九十百个半])月(底|末|内|中旬|中|下旬|上旬|初)")
def _relative_month_period(m: re.Match[str], today: date) -> date | None:
    which = m.group(1) or ""
    ahead = 2 if which.startswith("下下") else 1 if which.startswith("下") else 0
    base = _add_months(today.replace(day=1), ahead)
    part = m.group(2) or m.group(3) or "底"
    if part in ("前", "内"):  # "下月前" / "本月内": before that month is out
        part = "底"
    found = _part_of_month(base.year, base.month, part)
    if found < today:  # "月初" said on the 20th: the start of next month
        nxt = _add_months(base, 1)
        found = _part_of_month(nxt.year, nxt.month, part)
    return found


@_rule(rf"(?<![月年\d])({_NUM})[日号](?:前|之前|以前|左右|完成|截止|为止|当天)")
def _day_of_month(m: re.Match[str], today: date) -> date | None:
    day = chinese_number(m.group(1))
    if not day or day > 31:
        return None
    found = _safe_date(today.year, today.month, day)
    if found is None or found < today:
        nxt = _add_months(today.replace(day=1), 1)
        found = _safe_date(nxt.year, nxt.month, day)
    return found


@_rule(r"(国庆|(?<!双)十一|春节|过年|元旦|五一|劳动节|清明|端午|中秋)(?:节|假期|长假|放假)?(?:前|之前|以前)")
def _holiday(m: re.Match[str], today: date) -> date | None:
    key = {"国庆": "national", "十一": "national", "春节": "spring", "过年": "spring",
           "元旦": "new_year", "五一": "labour", "劳动节": "labour", "清明": "qingming", "端午": "dragon",
           "中秋": "autumn"}[m.group(1)]
    return _before_holiday(key, today, None)


@_rule(r"(?<![0-9零〇一二两三四五六七八九十百今明去过几])年前")
def _lunar_year_end(m: re.Match[str], today: date) -> date | None:  # 年前 alone: before 春节
    return _before_holiday("spring", today, None)


@_rule(rf"({_NUM})个?工作日")
def _working_days(m: re.Match[str], today: date) -> date | None:
    n = chinese_number(m.group(1))
    if n and n > _HORIZON_DAYS:  # counted one day at a time: a bound far past the horizon, not the count
        return today + timedelta(days=n)
    return working_days_after(today, n) if n else None


@_rule(rf"({_NUM})个?(?:小时|钟头)")
def _hours(m: re.Match[str], today: date) -> date | None:
    n = chinese_number(m.group(1))
    return today + timedelta(days=math.ceil(n / 24)) if n else None


@_rule(rf"({_NUM})个半月")
def _months_and_half(m: re.Match[str], today: date) -> date | None:
    n = chinese_number(m.group(1))
    return _add_months(today, n) + timedelta(days=15) if n is not None else None


@_rule(r"半个?月")
def _half_month(m: re.Match[str], today: date) -> date | None:
    return today + timedelta(days=15)


@_rule(r"(?<![上下])半年")
def _half_year(m: re.Match[str], today: date) -> date | None:
    return _add_months(today, 6)


@_rule(rf"({_NUM})(天|日|周|个?星期|个?礼拜|个月|年)(?:内|之内|以内|后|之后|左右|时间|里)")
def _span_bounded(m: re.Match[str], today: date) -> date | None:
    return _span(m, today)


@_rule(rf"({_NUM})(天|周|个?星期|个?礼拜|个月)")
def _span_bare(m: re.Match[str], today: date) -> date | None:
    return _span(m, today)


def _span(m: re.Match[str], today: date) -> date | None:
    n = chinese_number(m.group(1))
    if n is None:
        return None
    unit = m.group(2)
    if unit in ("天", "日"):
        return today + timedelta(days=n)
    if unit.endswith(("周", "星期", "礼拜")):
        return today + timedelta(weeks=n)
    if unit.endswith("月"):
        return _add_months(today, n)
    return _add_months(today, 12 * n)


@_rule(r"(下下|下|本|这|这个|下个)?(?:周|星期|礼拜)([一二三四五六日天末1-7])")
def _weekday(m: re.Match[str], today: date) -> date | None:
    target = _WEEKDAY[m.group(2)]
    monday = today - timedelta(days=today.weekday())
    weeks = {"下下": 2, "下": 1, "下个": 1}.get(m.group(1) or "", 0)
    found = monday + timedelta(weeks=weeks, days=target)
    if not m.group(1) and found < today:
        found += timedelta(weeks=1)  # "周一前" said on a Wednesday means next Monday
    return found


@_rule(r"(下下|下|本|这|这个|下个)(?:周|星期|礼拜)")
def _week(m: re.Match[str], today: date) -> date | None:
    monday = today - timedelta(days=today.weekday())
    weeks = {"下下": 2, "下": 1, "下个": 1}.get(m.group(1), 0)
    return monday + timedelta(weeks=weeks, days=4)  # the end of that working week


@_rule(r"(下个?|本|这个?)季度|(?:第)?([一二三四1-4])季度|(?<![A-Za-z])[Qq]([1-4])(?![0-9])|(季)度?[末底]")
def _quarter(m: re.Match[str], today: date) -> date | None:
    current = (today.month - 1) // 3 + 1
    if m.group(1) is not None or m.group(4) is not None:
        quarter = current + (1 if (m.group(1) or "").startswith("下") else 0)
        year = today.year + (quarter - 1) // 4
        return _quarter_end((quarter - 1) % 4 + 1, year)
    named = chinese_number(m.group(2) or m.group(3) or "")
    if not named:
        return None
    return _quarter_end(named, today.year + (1 if named < current else 0))


@_rule(r"(明年|来年|今年)?([上下])半年")
def _half(m: re.Match[str], today: date) -> date | None:
    named = _year_of(m.group(1), today)
    month = 6 if m.group(2) == "上" else 12
    year = named if named is not None else today.year + (1 if month == 6 and today.month > 6 else 0)
    return _month_end(year, month)


@_rule(r"(?:(今|本|明|来|后|去|20\d\d|二[〇零○][〇零○一二三四五六七八九]{2})年年?"
       r"|(?<![0-9零〇○一二两三四五六七八九十百几多今本明来后去年])年)[底末内终]|今年")
def _year_end(m: re.Match[str], today: date) -> date | None:
    year = _year_of(m.group(1), today) or today.year
    return date(year, 12, 31)


@_rule(r"明年")
def _next_year(m: re.Match[str], today: date) -> date | None:
    return date(today.year + 1, 12, 31)


@_rule(r"大后天")
def _in_three_days(m: re.Match[str], today: date) -> date | None:
    return today + timedelta(days=3)


@_rule(r"后天")
def _day_after_tomorrow(m: re.Match[str], today: date) -> date | None:
    return today + timedelta(days=2)


@_rule(r"明天|明日|明早|明晚|明儿")
def _tomorrow(m: re.Match[str], today: date) -> date | None:
    return today + timedelta(days=1)


@_rule(r"今天|今日|下班前|今晚|今早|当天|当日|今儿")
def _today(m: re.Match[str], today: date) -> date | None:
    return today


# A date followed by these is when something was (already) done, not a deadline: "12月1日已提交，11月30日前完成"
# is due 30 November. Such a date is the answer only when no other is named.
_DONE = re.compile(r"(?:就|都|刚|便)?(?:已经?|刚刚?)")


def read_due(text: str, sent_at: datetime) -> DueReading:
    """The due date ``text`` names, read against the local day of ``sent_at``: the most specific rule that reads
    a usable date decides. A date in the past or beyond the horizon may be one mentioned in passing ("11月20日已
    提交，12月10日前完成"), so the rest is read on; only when nothing usable is named is it the answer. A year or
    span no calendar holds is the answer at once (see the module's docstring)."""
    if sent_at.tzinfo is None:
        raise ValueError("sent_at must be timezone-aware")
    today = sent_at.date()
    horizon = _add_months(today, 12 * DUE_HORIZON_YEARS)
    t = re.sub(r"\s+", "", text)
    refused: DueReading | None = None
    usable: DueReading | None = None
    for pattern, rule in _RULES:
        for match in pattern.finditer(t):
            phrase = match.group(0)
            try:
                found = rule(match, today)
            except (_NoCalendarDate, OverflowError, ValueError):  # "99999999999999999999天内": no calendar's
                return DueReading(today, phrase=phrase, problem=DueProblem.UNREADABLE)
            if found is None:
                continue
            if today <= found <= horizon:
                if not _DONE.match(t, match.end()):
                    return DueReading(today, found, phrase)
                usable = usable or DueReading(today, found, phrase)  # "12月1日已提交": a date something was done
            elif refused is None:
                refused = DueReading(today, found, phrase, DueProblem.PAST if found < today else DueProblem.TOO_FAR)
    return usable or refused or DueReading(today)


def parse_due(text: str, sent_at: datetime) -> date | None:
    """The due date ``text`` names, when it is one a promise may have (not past, not beyond the horizon)."""
    return read_due(text, sent_at).usable


# What is left of the date's words once the date itself is taken out: "12月25日前" → "前".
_DATE_TAIL = re.compile(r"^\s*(之前|以前|以内|之内|前|内|止)?[\s，,。.;；:：、]*")
_DATE_HEAD = re.compile(r"[\s，,。.;；:：、]*(延期|推迟|延后|改)?(至|到)?\s*$")


def read_date_and_reason(text: str, local_now: datetime) -> tuple[DueReading, str]:
    """延期: the new date and the reason in "12月25日前 需等市里会签": the first word when it names a date, else the
    date found anywhere in the words; the reason is what follows the date (or, if nothing does, what precedes)."""
    text = text.strip()
    words = text.split(maxsplit=1)
    if len(words) == 2:
        reading = read_due(words[0], local_now)
        if reading.named:
            return reading, words[1].strip()
    reading = read_due(text, local_now)
    if not reading.named or reading.phrase not in text:
        return reading, ""
    start = text.index(reading.phrase)
    after = _DATE_TAIL.sub("", text[start + len(reading.phrase):], count=1).strip()
    before = _DATE_HEAD.sub("", text[:start]).strip()
    return reading, after or before
