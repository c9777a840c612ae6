"""Due dates in Chinese promises, resolved against the message's own local time.

``parse_due(text, sent_at)`` returns the date a promise is due, or None when the text names no
date ("尽快", "抓紧"). ``sent_at`` must be timezone-aware and already in the configured zone.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}
_NUM = r"[0-9零〇一二两三四五六七八九十百]+"
_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 6,
            "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6}
ROLL_OVER_DAYS = 31  # an explicit month-day further in the past than this means next year


def chinese_number(text: str) -> int | None:
    """'15' → 15, '十五' → 15, '二十' → 20, '两' → 2, '一百' → 100."""
    if text.isdigit():
        return int(text)
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


def _explicit(year: int | None, month: int, day: int, today: date) -> date | None:
    if year is not None:
        return _safe_date(year, month, day)
    found = _safe_date(today.year, month, day)
    if found is not None and (today - found).days > ROLL_OVER_DAYS:
        found = _safe_date(today.year + 1, month, day)
    return found


def _working_days_after(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def parse_due(text: str, sent_at: datetime) -> date | None:
    if sent_at.tzinfo is None:
        raise ValueError("sent_at must be timezone-aware")
    today = sent_at.date()
    t = re.sub(r"\s+", "", text)

    # ISO and numeric dates: 2026-12-05, 2026/12/5, 2026年12月5日
    m = re.search(r"(20\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?", t)
    if m:
        return _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    # X月X日 / X月X号 (Chinese numerals too)
    m = re.search(rf"({_NUM})月({_NUM})[日号]", t)
    if m:
        month, day = chinese_number(m.group(1)), chinese_number(m.group(2))
        if month and day:
            return _explicit(None, month, day, today)
    # 下个月N号 / 下月N日 / 本月N号
    m = re.search(rf"(下个?月|本月|这个?月)({_NUM})[日号]", t)
    if m:
        day = chinese_number(m.group(2))
        base = _add_months(today.replace(day=1), 1 if m.group(1).startswith("下") else 0)
        return _safe_date(base.year, base.month, day) if day else None
    # 12/5, 12.5 (month/day) — not followed by more digits or units
    m = re.search(r"(?<![\d.])(\d{1,2})[/.](\d{1,2})(?![\d.%])", t)
    if m:
        return _explicit(None, int(m.group(1)), int(m.group(2)), today)
    # X月底 / X月末 / 月底 / 本月内
    m = re.search(rf"({_NUM})月(底|末|份?前|中旬)", t)
    if m:
        month = chinese_number(m.group(1))
        if month and 1 <= month <= 12:
            year = today.year + (1 if month < today.month else 0)
            if m.group(2) == "中旬":
                return date(year, month, 20)
            return _month_end(year, month)
    # relative spans: 3天内, 十五天, 两周内, 一个月内, 半个月, 半年内, 5个工作日
    m = re.search(rf"({_NUM})个?工作日", t)
    if m and (n := chinese_number(m.group(1))):
        return _working_days_after(today, n)
    if re.search(r"半个?月", t):
        return today + timedelta(days=15)
    if re.search(r"半年", t) and not re.search(r"[上下]半年", t):
        return _add_months(today, 6)
    m = re.search(rf"({_NUM})(天|日|周|个?星期|个?礼拜|个月|年)(内|之内|以内|后|左右)?", t)
    if m and (n := chinese_number(m.group(1))) is not None:
        unit = m.group(2)
        if unit in ("天", "日"):
            return today + timedelta(days=n)
        if unit.endswith(("周", "星期", "礼拜")):
            return today + timedelta(weeks=n)
        if unit == "个月":
            return _add_months(today, n)
        if unit == "年" and m.group(3):
            return _add_months(today, 12 * n)
    if re.search(r"下个?月(底|末|内)?", t):
        nxt = _add_months(today.replace(day=1), 1)
        return _month_end(nxt.year, nxt.month)
    if re.search(r"(本月|这个?月|月)(底|末|内)|本月", t):
        return _month_end(today.year, today.month)
    # weekdays: 本周五, 下周三, 周五前, 星期二, 这周内, 下周内
    m = re.search(r"(下下|下|本|这)?(?:周|星期|礼拜)([一二三四五六日天末1-7])", t)
    if m:
        target = _WEEKDAY[m.group(2)]
        monday = today - timedelta(days=today.weekday())
        weeks = {"下下": 2, "下": 1}.get(m.group(1) or "", 0)
        found = monday + timedelta(weeks=weeks, days=target)
        if not m.group(1) and found < today:
            found += timedelta(weeks=1)  # "周一前" said on a Wednesday means next Monday
        return found
    m = re.search(r"(下下|下|本|这)(?:周|星期|礼拜)(内|之内|以内)?", t)
    if m:
        monday = today - timedelta(days=today.weekday())
        weeks = {"下下": 2, "下": 1}.get(m.group(1), 0)
        return monday + timedelta(weeks=weeks, days=4)  # end of that working week
    # periods: 本季度, 上半年, 下半年, 年底, 年内
    if re.search(r"(本|这个?)季度", t):
        quarter_end_month = ((today.month - 1) // 3 + 1) * 3
        return _month_end(today.year, quarter_end_month)
    if "上半年" in t:
        return date(today.year, 6, 30)
    if "下半年" in t or re.search(r"年(底|末|内)|今年", t):
        return date(today.year, 12, 31)
    # named days
    if "大后天" in t:
        return today + timedelta(days=3)
    if "后天" in t:
        return today + timedelta(days=2)
    if "明天" in t or "明日" in t:
        return today + timedelta(days=1)
    if re.search(r"今天|今日|下班前|今晚", t):
        return today
    return None
