"""The pieces every text is made of: snippets, mentions, dates, links, and fitting Telegram's length limit."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, datetime, tzinfo
from html import escape
from typing import TypeVar

from bot.domain import Need, Person

__all__ = ["MAX_MESSAGE", "SNIPPET", "snippet", "mention", "mention_label", "day", "local_time", "need_link",
           "pages_of", "page_head", "fit", "duration", "percent", "cells", "pad", "unit_table"]

T = TypeVar("T")

MAX_MESSAGE = 4096
SNIPPET = 60


def snippet(text: str, limit: int = SNIPPET) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def mention(person: Person) -> str:
    return f'<a href="tg://user?id={person.user_id}">{escape(person.display_name)}</a>'


def mention_label(user_id: int, name: str | None) -> str:
    return mention(Person(user_id, name)) if name else f"用户 <code>{user_id}</code>"


def day(value: date | None) -> str:
    return value.isoformat() if value else "未定日期"


def local_time(value: datetime, tz: tzinfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def need_link(need: Need) -> str:
    """"需求 #N", linked to its card in the group (t.me/c/… works for members of a supergroup)."""
    label = f"需求 #{need.number}"
    chat = str(need.chat_id)
    if chat.startswith("-100") and need.bot_message_id:
        return f'<a href="https://t.me/c/{chat[4:]}/{need.bot_message_id}">{label}</a>'
    return label


def pages_of(text: str, limit: int = MAX_MESSAGE - 200) -> list[str]:
    """A long text cut into messages at line ends, each under Telegram's limit (for ◀ ▶ paging)."""
    pages: list[list[str]] = [[]]
    size = 0
    for line in text.split("\n"):
        if pages[-1] and size + len(line) + 1 > limit:
            pages.append([])
            size = 0
        pages[-1].append(line[:limit])
        size += len(line) + 1
    return ["\n".join(page) for page in pages]


def page_head(page: int, pages: int) -> str:
    """The line above one page of a paged list; nothing when there is one page."""
    return f"（第 {page}/{pages} 页）\n" if pages > 1 else ""


def fit(lines: list[str], tail: str, limit: int = MAX_MESSAGE - 100) -> str:
    """Join lines, stopping before Telegram's 4096-character limit."""
    out, size = [], 0
    for line in lines:
        if size + len(line) + 1 > limit:
            out.append(tail)
            break
        out.append(line)
        size += len(line) + 1
    return "\n".join(out)


def duration(days: float) -> str:
    """A span in the unit a person reads best: "不到 1 分钟", "25 分钟", "3.5 小时", "2.1 天"."""
    minutes = days * 24 * 60
    if minutes < 1:
        return "不到 1 分钟"
    if minutes < 60:
        return f"{minutes:.0f} 分钟"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} 小时"
    return f"{days:.1f} 天"


def percent(rate: float | None) -> str:
    """A share in 0–1 as a percentage ("67%"); "—" when there is none."""
    return "—" if rate is None else f"{rate:.0%}"


def cells(text: str) -> int:
    """How many monospace cells a text takes (a Chinese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """Right-aligned in ``width`` monospace cells."""
    return " " * max(0, width - cells(text)) + text


def unit_table(title: str, columns: Sequence[tuple[str, Callable[[T], str]]], records: Sequence[T],
               name: Callable[[T], str]) -> list[str]:
    """A table for a phone: the title, a heading line, then one line per record — its figures right-aligned in
    fixed-width columns (<code>), then its name outside them (a unit's name is long and of any width)."""
    rows = [[show(r) for _, show in columns] for r in records]
    widths = [max(cells(heading), *(cells(row[i]) for row in rows)) for i, (heading, _) in enumerate(columns)]

    def line(values: list[str]) -> str:
        return "<code>" + " ".join(pad(v, w) for v, w in zip(values, widths, strict=True)) + "</code>"

    return [title, line([h for h, _ in columns]) + " <b>单位</b>",
            *(line(row) + f" {escape(name(r))}" for r, row in zip(records, rows, strict=True))]
