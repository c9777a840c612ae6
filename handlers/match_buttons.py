"""The buttons of matching: ① 感兴趣 / ① 不合适 on a need's card (and on the question to the other side and on an
offer owner's list), and 记录签约 under an introduction."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.domain import NeedView
from bot.domain.offers import MatchStage, MatchView
from handlers.buttons import ButtonData


@dataclasses.dataclass(frozen=True)
class AnswerMatch(ButtonData):
    """感兴趣 (yes) or 不合适 (no) on a match, by whichever side presses it."""

    prefix = "match"
    match_id: int
    yes: bool


@dataclasses.dataclass(frozen=True)
class SignMatch(ButtonData):
    """记录签约 under an introduction."""

    prefix = "msign"
    match_id: int


def answer_row(match_id: int, label: Callable[[str], str] = lambda t: t) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(label(texts.BUTTON_INTERESTED), callback_data=AnswerMatch(match_id, True).encode()),
            InlineKeyboardButton(label(texts.BUTTON_NOT_FIT), callback_data=AnswerMatch(match_id, False).encode())]


def match_rows(view: NeedView, label: Callable[[str], str]) -> list[list[InlineKeyboardButton]]:
    """A card's ① 感兴趣 / ① 不合适 per match still waiting for an answer (numbered as the card lists them)."""
    if view.need.status != "open":
        return []
    return [answer_row(line.match.id, lambda t, k=k: label(texts.match_button_label(k, t)))  # type: ignore[misc]
            for k, line in enumerate(view.matches) if line.match.stage is MatchStage.SUGGESTED]


def answer_buttons(line: MatchView) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([answer_row(line.match.id)])


def list_buttons(lines: Sequence[MatchView]) -> InlineKeyboardMarkup | None:
    """An offer owner's list: ① 感兴趣 / ① 不合适 for each need."""
    rows = [answer_row(line.match.id, lambda t, k=k: texts.match_button_label(k, t))  # type: ignore[misc]
            for k, line in enumerate(lines)]
    return InlineKeyboardMarkup(rows) if rows else None


def sign_buttons(match_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(texts.BUTTON_SIGNED,
                                                       callback_data=SignMatch(match_id).encode())]])
