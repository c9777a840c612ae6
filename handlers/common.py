"""Helpers shared by the handlers: who is acting, when, and sending that survives Telegram errors."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from telegram import InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.context import BotContext
from bot.delivery.courier import with_retry
from bot.domain import Actor

log = logging.getLogger(__name__)


def actor_of(user: User, context: BotContext | None = None) -> Actor:
    """Who acts; with ADMINS_FROM_CHAT, the chat they administer on Telegram (set by the gate)."""
    return Actor(user.id, user.full_name or str(user.id), user.username,
                 admin_of=context.admin_of if context is not None else None)


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


async def reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> Message | None:
    message = update.effective_message
    if message is None:
        return None
    return await with_retry(lambda: message.reply_text(text, reply_markup=markup))


async def send(context: BotContext, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None,
               reply_to: int | None = None, thread_id: int | None = None) -> Message | None:
    return await with_retry(lambda: context.bot.send_message(
        chat_id, text, reply_markup=markup, reply_to_message_id=reply_to,
        allow_sending_without_reply=True, message_thread_id=thread_id))


async def edit(context: BotContext, chat_id: int, message_id: int, text: str,
               markup: InlineKeyboardMarkup | None = None) -> None:
    await with_retry(lambda: context.bot.edit_message_text(
        text, chat_id=chat_id, message_id=message_id, reply_markup=markup))


async def edit_markup(context: BotContext, chat_id: int, message_id: int,
                      markup: InlineKeyboardMarkup | None) -> None:
    await with_retry(lambda: context.bot.edit_message_reply_markup(
        chat_id=chat_id, message_id=message_id, reply_markup=markup))


async def answer(update: Update, text: str | None = None, alert: bool = False) -> None:
    query = update.callback_query
    if query is not None:
        try:
            await query.answer(text, show_alert=alert)
        except TelegramError as exc:
            log.warning("could not answer a button press: %s", exc)
