"""The words of the standing lists as people write them: the kinds (场景, 能力, 投资), ``/offer``'s parts
(标题；内容；地点：…；截止：…), the fields ``/offers edit`` changes, and the values of an imported spreadsheet
(状态, 示例, 有效期至). The dates themselves are read by nlp.dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.offer_lists import OfferField
from bot.domain.offers import OfferKind

# How a person names a kind of offer (Chinese as the lists show it, or the code's own word).
KIND_WORDS: dict[str, OfferKind] = {
    "场景": OfferKind.SCENARIO, "能力": OfferKind.CAPABILITY, "投资": OfferKind.INVESTMENT,
    "scenario": OfferKind.SCENARIO, "capability": OfferKind.CAPABILITY, "investment": OfferKind.INVESTMENT,
}


def kind_of(word: str) -> OfferKind | None:
    return KIND_WORDS.get(word.strip().lower())


def everything(word: str) -> bool:
    """"/offers 全部" (or all): the whole list, as "/offers" alone."""
    return word.strip().lower() in ("", "all", "全部")


_SEPARATOR = re.compile(r"[；;\n]")
_PLACE = re.compile(r"^\s*地点\s*[:：]\s*(.*)$", re.DOTALL)
_UNTIL = re.compile(r"^\s*(?:截止(?:日期|时间)?|有效期至|有效期|有效至)\s*[:：]?\s*(.*)$", re.DOTALL)


@dataclass(frozen=True)
class OfferWords:
    """What ``/offer 能力 标题；内容；地点：…；截止：…`` says: ``until`` is the date's words, read by the caller."""

    kind_word: str  # the first word or the second after a party (a kind, or what was typed instead)
    party_word: str  # the party typed before the kind ("" for one's own)
    title: str
    text: str
    place: str = ""
    until: str = ""


def _first_word(text: str) -> tuple[str, str]:
    """The first word (up to a space or a new line) and the rest."""
    words = re.split(r"\s+", text.strip(), maxsplit=1)
    return words[0], (words[1] if len(words) > 1 else "")


def read_offer_words(args: str) -> OfferWords | None:
    """The parts of ``/offer``'s arguments: ``[单位] 类别 标题；内容[；地点：…][；截止：…]`` (``;`` and a new line
    separate as ``；`` does). None when there is not even a kind and a title."""
    head, body = _first_word(args)
    if not head:
        return None
    party_word = ""
    if kind_of(head) is None and not _SEPARATOR.search(head):
        second, after = _first_word(body)
        if kind_of(second) is not None:
            party_word, head, body = head, second, after
    # "能力；标题…" or "能力\n标题…" (no space after the kind): the kind is the first word up to the separator.
    if kind_of(head) is None and (m := _SEPARATOR.search(head)) and kind_of(head[:m.start()]) is not None:
        head, body = head[:m.start()], head[m.end():] + (" " + body if body else "")
    parts = [p.strip() for p in _SEPARATOR.split(body)]
    title, others = (parts[0], parts[1:]) if parts else ("", [])
    text: list[str] = []
    place, until = "", ""
    for part in others:
        if (m := _PLACE.match(part)) is not None:
            place = m.group(1).strip()
        elif (m := _UNTIL.match(part)) is not None and m.group(1).strip():
            until = m.group(1).strip()
        elif part:
            text.append(part)
    return OfferWords(kind_word=head, party_word=party_word, title=title, text="；".join(text), place=place,
                      until=until)


FIELD_WORDS: dict[str, OfferField] = {
    "标题": OfferField.TITLE, "内容": OfferField.TEXT, "地点": OfferField.PLACE, "截止": OfferField.UNTIL,
    "有效期": OfferField.UNTIL, "有效期至": OfferField.UNTIL, "截止日期": OfferField.UNTIL,
    "title": OfferField.TITLE, "text": OfferField.TEXT, "place": OfferField.PLACE, "until": OfferField.UNTIL,
}
NO_END_WORDS = frozenset({"无", "不限", "长期", "长期有效", "无截止", "-", "—"})  # 截止 cleared


def field_of(word: str) -> OfferField | None:
    return FIELD_WORDS.get(word.strip().lower())


def no_end(words: str) -> bool:
    """"不限", "长期": no end date (or, for 地点, no place)."""
    return not words.strip() or words.strip() in NO_END_WORDS


# --- the values of an imported spreadsheet ----------------------------------------------------------------------

STATUS_WORDS = {"开放": "open", "open": "open", "": "open", "已关闭": "closed", "关闭": "closed", "closed": "closed"}
YES_WORDS = {"是": True, "1": True, "yes": True, "y": True, "true": True,
             "否": False, "0": False, "no": False, "n": False, "false": False, "": False}
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def sheet_date(value: object) -> tuple[bool, date | None]:
    """(readable, the date) of a 有效期至 cell: a date cell, "2027-06-30" / "2027/6/30" / "2027年6月30日", or
    empty (no end)."""
    if isinstance(value, datetime):
        return True, value.date()
    if isinstance(value, date):
        return True, value
    text = cell_text(value)
    if not text or text in NO_END_WORDS:
        return True, None
    m = _DATE_TEXT.match(text)
    if m is None:
        return False, None
    try:
        return True, date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return False, None


# /offers' actions ("/offers close 5" or "/offers 关闭 5").
ACTION_WORDS = {"close": "close", "关闭": "close", "edit": "edit", "修改": "edit", "export": "export", "导出": "export",
                "import": "import", "导入": "import"}


def action_of(word: str) -> str | None:
    return ACTION_WORDS.get(word.strip().lower())
