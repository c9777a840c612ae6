"""The buttons of 揭榜挂帅: 揭榜 under a challenge's announcement (the presser is asked for a plan), and the author's
选 1, 选 2 … / 都不选 under the list of bids."""

from __future__ import annotations

import dataclasses

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from handlers.buttons import ButtonData

PICKS_PER_ROW = 4


@dataclasses.dataclass(frozen=True)
class OfferBid(ButtonData):
    """揭榜: the presser is asked for a short plan; their reply is the bid."""

    prefix = "bidask"
    challenge_id: int


@dataclasses.dataclass(frozen=True)
class PickBid(ButtonData):
    """选 k: the need's author (or an admin) picks this bid."""

    prefix = "bidpick"
    challenge_id: int
    bid_id: int


@dataclasses.dataclass(frozen=True)
class PickNone(ButtonData):
    """都不选: the author closes the challenge without picking."""

    prefix = "bidnone"
    challenge_id: int


def bid_button(challenge_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(texts.BUTTON_BID,
                                                       callback_data=OfferBid(challenge_id).encode())]])


def pick_buttons(challenge_id: int, bid_ids: tuple[int, ...]) -> InlineKeyboardMarkup:
    """选 1 … 选 k (the bids in their order), a few to a row, then 都不选."""
    picks = [InlineKeyboardButton(texts.BUTTON_PICK.format(number=i), callback_data=PickBid(challenge_id, b).encode())
             for i, b in enumerate(bid_ids, 1)]
    rows = [picks[i:i + PICKS_PER_ROW] for i in range(0, len(picks), PICKS_PER_ROW)]
    rows.append([InlineKeyboardButton(texts.BUTTON_PICK_NONE, callback_data=PickNone(challenge_id).encode())])
    return InlineKeyboardMarkup(rows)
