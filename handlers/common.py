"""Helpers shared by the handlers: who is acting, when, and sending that survives Telegram errors."""

from __future__ import annotations

import asyncio
import logging
import warnings
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot.matchmaking import Actor
from bot.services import BotContext

log = logging.getLogger(__name__)
MAX_RETRY_WAIT = 30.0


def actor_of(user: User) -> Actor:
    return Actor(user.id, user.full_name or str(user.id), user.username)


def sent_at(update: Update) -> datetime:
    """The message's own time (UTC); for button presses, now."""
    message = update.effective_message
    if update.callback_query is None and message is not None and message.date is not None:
        return message.date
    return datetime.now(UTC)


def is_group(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


def parse_number(text: str | None) -> int | None:
    """A positive id/number typed by a person: "3", "#3", "３"."""
    if not text:
        return None
    cleaned = text.strip().lstrip("#＃").translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if not cleaned.isdigit() or len(cleaned) > 9:
        return None
    value = int(cleaned)
    return value if value > 0 else None


def _seconds(exc: RetryAfter) -> float:
    """retry_after in seconds, whether PTB gives an int (22.x) or a timedelta (later)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def _with_retry(call: Any) -> Any:
    """One retry after Telegram's retry_after; Forbidden/BadRequest are logged, not raised."""
    for attempt in range(2):
        try:
            return await call()
        except RetryAfter as exc:
            wait = _seconds(exc)
            if attempt or wait > MAX_RETRY_WAIT:
                log.warning("gave up after 429 (retry_after=%s)", wait)
                return None
            await asyncio.sleep(wait)
        except Forbidden as exc:
            log.warning("Telegram refused: %s", exc.message)
            return None
        except BadRequest as exc:
            if "not modified" not in exc.message:
                log.warning("Telegram rejected a request: %s", exc.message)
            return None
    return None


async def reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> Message | None:
    message = update.effective_message
    if message is None:
        return None
    return await _with_retry(lambda: message.reply_text(text, reply_markup=markup))


async def send(context: BotContext, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None,
               reply_to: int | None = None, thread_id: int | None = None) -> Message | None:
    return await _with_retry(lambda: context.bot.send_message(
        chat_id, text, reply_markup=markup, reply_to_message_id=reply_to,
        allow_sending_without_reply=True, message_thread_id=thread_id))


async def edit(context: BotContext, chat_id: int, message_id: int, text: str,
               markup: InlineKeyboardMarkup | None = None) -> None:
    await _with_retry(lambda: context.bot.edit_message_text(
        text, chat_id=chat_id, message_id=message_id, reply_markup=markup))


async def edit_markup(context: BotContext, chat_id: int, message_id: int,
                      markup: InlineKeyboardMarkup | None) -> None:
    await _with_retry(lambda: context.bot.edit_message_reply_markup(
        chat_id=chat_id, message_id=message_id, reply_markup=markup))


async def answer(update: Update, text: str | None = None, alert: bool = False) -> None:
    query = update.callback_query
    if query is not None:
        try:
            await query.answer(text, show_alert=alert)
        except TelegramError as exc:
            log.warning("could not answer a button press: %s", exc)
