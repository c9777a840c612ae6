"""Agreements in chat: amounts in 元/万元/亿元, the kind of agreement, and announcements of one.

``parse_amount("签约融资5000万元")`` → 50_000_000 (yuan). Several amounts in one message: the largest
(a round's total is named next to its first tranche). Chinese numerals are read (三千万, 两亿, 1.2亿).
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence
from decimal import Decimal, InvalidOperation

_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNIT = {"十": 10, "百": 100, "千": 1000}
_NUMBER = r"(\d[\d,，]*(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+(?:点[零〇一二三四五六七八九]+)?)"
_UNIT = r"(亿|千万|百万|十万|万)?"
_CURRENCY = r"(元|块|人民币)"
# A bare 万/亿 is money only before a word of money or no word at all ("800万", "1亿的A轮"), not "10万辆".
_MONEY_AFTER = r"(?=$|[^\u4e00-\u9fff]|的|融资|投资|资金|授信|贷款|股权)"
_AMOUNT = re.compile(rf"{_NUMBER}\s*{_UNIT}\s*(?:{_CURRENCY}|(?<=[亿万]){_MONEY_AFTER})")
MAX_AMOUNT_YUAN = 10**15  # 1000 万亿元: far beyond any deal, well within SQLite's integers
_SCALE = {"亿": 100_000_000, "千万": 10_000_000, "百万": 1_000_000, "十万": 100_000, "万": 10_000, None: 1}

KIND_CUES: dict[str, tuple[str, ...]] = {
    "financing": ("融资", "投资", "天使轮", "A轮", "B轮", "股权", "授信", "贷款", "注资", "领投", "跟投"),
    "scenario": ("场景", "开放", "试点", "示范", "测试", "应用", "首购", "采购", "落地"),
    "cooperation": ("合作", "协议", "共建", "签约", "战略", "联合"),
}
KINDS = (*KIND_CUES, "other")  # what agreement_kind returns; bot.texts names them

_ANNOUNCE = re.compile(r"签约|签署|签订|签了|达成(?:了)?(?:合作|协议|意向)|融资意向|投资意向|"
                       r"完成(?:了)?[^，。]{0,6}融资|获得(?:了)?[^，。]{0,8}(?:投资|融资)|拿到(?:了)?[^，。]{0,8}(?:投资|融资)|意向书|合作协议")
_NOT_ANNOUNCE = re.compile(r"希望|需要|想要|寻求|寻找|求助|能否|可否|有没有|请问|[?？]")


def _chinese_integer(text: str) -> int | None:
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in _DIGIT:
            digit = _DIGIT[ch]
        elif ch in _SMALL_UNIT:
            section += (digit or 1) * _SMALL_UNIT[ch]
            digit = 0
        else:
            return None
    return total + section + digit


def _number(text: str) -> Decimal | None:
    text = text.replace(",", "").replace("，", "")
    if text[0].isdigit():
        try:
            return Decimal(text)
        except InvalidOperation:
            return None
    whole, _, fraction = text.partition("点")
    integer = _chinese_integer(whole)
    if integer is None:
        return None
    if fraction:
        return Decimal(f"{integer}.{''.join(str(_DIGIT[c]) for c in fraction)}")
    return Decimal(integer)


def parse_amount(text: str) -> int | None:
    """The largest amount of money named, in yuan; None when there is none."""
    found = []
    for match in _AMOUNT.finditer(text):
        value = _number(match.group(1))
        if value is None or value <= 0:
            continue
        unit = match.group(2)
        if unit is None and match.group(3) is None:
            continue
        yuan = int(value * _SCALE[unit])
        if yuan <= MAX_AMOUNT_YUAN:  # a larger "amount" is no deal's: the text is not read as money
            found.append(yuan)
    return max(found) if found else None


def agreement_kind(text: str) -> str:
    """financing, scenario (opening), cooperation, or other — the first whose cue words appear.
    "总投资" (a project's total investment) is a size, not a financing."""
    text = text.replace("总投资", "总额")
    for kind, cues in KIND_CUES.items():
        if any(cue in text for cue in cues):
            return kind
    return "other"


def is_announcement(text: str) -> bool:
    """"今天和XX基金签约了" is an outcome to record; "希望能签约" is not (yet)."""
    return bool(_ANNOUNCE.search(text)) and not _NOT_ANNOUNCE.search(text)


_TEXT = re.compile(r"[^\u4e00-\u9fffA-Za-z0-9]+")
SAME_WORDING = 0.7  # bigram overlap above which two reports without amounts tell of the same deal


def _bigrams(text: str) -> set[str]:
    runs = _TEXT.split(text.lower().replace("总投资", "总额"))
    return {run[i:i + 2] for run in runs for i in range(max(1, len(run) - 1)) if run}


# The other side of a deal, by the kind of body it names ("海尔资本", "青岛天使基金", "齐鲁银行", "市立医院").
_COUNTERPART = re.compile(r"([\u4e00-\u9fffA-Za-z]{1,8}?"
                          r"(?:资本|基金|银行|创投|投资公司|集团|医院|大学|研究院|实验室|公司))")
_NOT_A_NAME = re.compile(r"^(?:我们|我司|本|贵|该|这家|那家|一家|两家|和|与|跟|同|了|的)+")


def counterparts(text: str) -> set[str]:
    """The bodies a deal names (without "我们"/"和"/"与" around them)."""
    names = (_NOT_A_NAME.sub("", re.split(r"获得|拿到|[和与跟同向从]", match.group(1))[-1])
             for match in _COUNTERPART.finditer(text))
    return {name for name in names if len(name) >= 3}


def same_deal(first: str, second: str) -> bool:
    """Whether two reports of an outcome on the same need tell of one deal: the same amount of the same kind
    ("我们和海尔资本签了3000万投资协议" and "与海尔资本签订3000万元投资协议"), or, where an amount is missing,
    nearly the same words. Two amounts that differ are two deals, and so are two deals with different bodies."""
    named, other = counterparts(first), counterparts(second)
    if named and other and not named & other:
        return False  # 海尔资本 3000万 and 开来资本 3000万 are two deals
    a, b = parse_amount(first), parse_amount(second)
    if a is not None and b is not None:
        return a == b and agreement_kind(first) == agreement_kind(second)
    if (a is None) != (b is None):
        return False
    x, y = _bigrams(first), _bigrams(second)
    return bool(x and y) and len(x & y) / min(len(x), len(y)) >= SAME_WORDING


def format_amount(yuan: int | None) -> str:
    if yuan is None:
        return "未注明金额"
    for scale, unit in ((100_000_000, "亿元"), (10_000, "万元")):
        if yuan >= scale:
            text = f"{Decimal(yuan) / scale:f}"
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            return f"{text} {unit}"
    return f"{yuan} 元"


# --- which need an announcement is about ----------------------------------------------------------------

Vector = tuple[Collection[int], Collection[float]]  # (columns, values), as nlp.router.Router.featurise gives them
CLEARLY_BEST = 0.03  # cosine by which the best need must lead the next to be taken without asking


def cosine(a: Vector, b: Vector) -> float:
    """Cosine similarity of two sparse vectors."""
    weights = dict(zip(a[0], a[1], strict=True))
    dot = sum(weights.get(int(c), 0.0) * v for c, v in zip(b[0], b[1], strict=True))
    norm = math.hypot(*a[1]) * math.hypot(*b[1])
    return float(dot / norm) if norm else 0.0


def contenders(announcement: Vector, needs: Sequence[Vector], margin: float = CLEARLY_BEST) -> list[int]:
    """Which of ``needs`` (the sender's open needs, newest first) an announcement may be about, most likely first:
    one index when a need is clearly the best by content (or is the only one), else every need within ``margin``
    of the best, to ask which (equal scores: the newer first)."""
    if len(needs) <= 1:
        return list(range(len(needs)))
    scores = [cosine(announcement, need) for need in needs]
    ranked = sorted(range(len(needs)), key=lambda i: -scores[i])  # stable: newest first among equals
    best = scores[ranked[0]]
    if best > 0 and best - scores[ranked[1]] >= margin:
        return ranked[:1]
    return [i for i in ranked if best - scores[i] < margin]
