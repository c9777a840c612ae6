"""The buttons of duplicates and 附议: 附议 #12 / 不是同一件事 on a card with a duplicate hint (its author's), and
撤销合并 under a merge's confirmation."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.domain import NeedView
from handlers.buttons import ButtonData


@dataclasses.dataclass(frozen=True)
class Second(ButtonData):
    """附议 #12: the author merges the new need into the need its hint names."""

    prefix = "second"
    need_id: int


@dataclasses.dataclass(frozen=True)
class NotSame(ButtonData):
    """不是同一件事: the author says the hint is wrong; it goes, and the pair is remembered."""

    prefix = "notsame"
    need_id: int


@dataclasses.dataclass(frozen=True)
class Unmerge(ButtonData):
    """撤销合并 under a merge's confirmation (as /unmerge N)."""

    prefix = "unmerge"
    need_id: int


def duplicate_rows(view: NeedView, label: Callable[[str], str]) -> list[list[InlineKeyboardButton]]:
    """附议 #12 / 不是同一件事 while the card's hint is open (``label`` numbers them on a combined card)."""
    hint = view.hint
    if view.need.status != "open" or hint is None or not hint.open:
        return []
    return [[InlineKeyboardButton(label(texts.BUTTON_SECOND.format(number=hint.similar_to.number)),
                                  callback_data=Second(view.need.id).encode()),
             InlineKeyboardButton(label(texts.BUTTON_NOT_SAME), callback_data=NotSame(view.need.id).encode())]]


def unmerge_buttons(need_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(texts.BUTTON_UNMERGE,
                                                       callback_data=Unmerge(need_id).encode())]])
