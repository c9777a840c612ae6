"""Helpers shared by the handlers: who is acting, when, the command's words, the admin and group checks, and
sending through the chat's outbox."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot import texts
from bot.context import BotContext
from bot.delivery.courier import Courier, Parcel, Receipt, Status
from bot.domain import Actor
from bot.services.work import RepeatedUpdate

log = logging.getLogger(__name__)


def actor_of(user: User, context: BotContext | None = None) -> Actor:
    """Who acts; with ADMINS_FROM_CHAT, the chat they administer on Telegram (set by the gate)."""
    return Actor(user.id, user.full_name or str(user.id), user.username,
                 admin_of=context.admin_of if context is not None else None)


def press_clock() -> datetime:
    """Now, for what carries no time of its own (a button press). Looked up at each call, so a test that plays a
    day on its own clock replaces it (tests/test_day_in_the_group.py) and its presses keep its messages' time."""
    return datetime.now(UTC)


def sent_at(update: Update) -> datetime:
    """The message's own time (UTC); for button presses, now (:func:`press_clock`)."""
    message = update.effective_message
    if update.callback_query is None and message is not None and message.date is not None:
        return message.date
    return press_clock()


def args_text(update: Update) -> str:
    """Everything after the command word, newlines kept (a file's caption counts as its text)."""
    message = update.effective_message
    text = (message.text or message.caption) if message else ""
    parts = (text or "").split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def number_and_text(update: Update) -> tuple[int | None, str]:
    """"/commit 3 两周内…": the number after the command and the words after it ("" when there are none)."""
    parts = args_text(update).split(maxsplit=1)
    return (parse_number(parts[0]) if parts else None), (parts[1] if len(parts) > 1 else "")


async def refuse_unless_admin(update: Update, context: BotContext, everywhere: bool = False) -> bool:
    """True (and a refusal said) unless an admin sent it: one of ADMIN_IDS, or — for what concerns this
    group only, with ADMINS_FROM_CHAT — the group's own Telegram administrator."""
    user, chat = update.effective_user, update.effective_chat
    allowed = user is not None and (context.cases.access.is_admin(user.id) or (
        not everywhere and chat is not None and context.admin_of == chat.id))
    if not allowed:
        await reply(update, texts.NOT_ADMIN)
        return True
    return False


async def refuse_unless_group(update: Update) -> bool:
    if not is_group(update):
        await reply(update, texts.GROUP_ONLY)
        return True
    return False


def is_group(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


# Beyond any number or id the bot gives out (and within SQLite's integers): a number typed larger than this is
# read as this one, so "/status 99999999999999999999" finds no need instead of showing the usage or overflowing.
NO_SUCH_NUMBER = 2**63 - 1
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def parse_number(text: str | None) -> int | None:
    """A positive id/number typed by a person: "3", "#3", "３"; None when it is no number at all. A number too
    large to be anything's is NO_SUCH_NUMBER, which nothing has."""
    if not text:
        return None
    cleaned = text.strip().lstrip("#＃").translate(_FULLWIDTH_DIGITS)
    if not cleaned.isascii() or not cleaned.isdigit():
        return None
    if len(cleaned.lstrip("0")) > 18:  # checked before int(): Python refuses to read over 4300 digits
        return NO_SUCH_NUMBER
    value = int(cleaned)
    return value if value > 0 else None


def parse_user_id(text: str) -> int | None:
    """A Telegram user id typed by a person; Telegram's ids fit in 52 bits."""
    if not text.isascii() or not text.isdigit() or len(text) > 16:
        return None
    value = int(text)
    return value if 0 < value < 2**52 else None


# Every message leaves through the chat's outbox (bot.delivery.courier), in the order it was produced: these
# helpers post and return at once; the *_and_wait ones wait for Telegram's answer (after the chat's earlier
# parcels) when the caller needs the sent message's id or whether it arrived.

def _answer_to(message: Message) -> tuple[int | None, int | None]:
    """Where an answer goes, as Message.reply_text did: (the message quoted in groups, not in private chats;
    its forum topic)."""
    return (None if message.chat.type == ChatType.PRIVATE else message.message_id,
            message.message_thread_id if message.is_topic_message else None)


def _reply_parcel(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> Parcel:
    reply_to, thread_id = _answer_to(message)
    return Parcel.message(message.chat_id, text, markup, reply_to=reply_to, thread_id=thread_id)


async def reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    message = update.effective_message
    if message is not None:
        Courier.of(message.get_bot()).post(_reply_parcel(message, text, markup))


async def reply_and_wait(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> Receipt:
    message = update.effective_message
    if message is None:
        return Receipt(Status.FAILED, reason="no message to answer")
    return await Courier.of(message.get_bot()).deliver(_reply_parcel(message, text, markup))


async def send(context: BotContext, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None,
               reply_to: int | None = None, thread_id: int | None = None) -> None:
    context.services.courier.post(Parcel.message(chat_id, text, markup, reply_to=reply_to, thread_id=thread_id))


async def send_and_wait(context: BotContext, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None,
                        reply_to: int | None = None, thread_id: int | None = None) -> Receipt:
    return await context.services.courier.deliver(
        Parcel.message(chat_id, text, markup, reply_to=reply_to, thread_id=thread_id))


async def edit(context: BotContext, chat_id: int, message_id: int, text: str,
               markup: InlineKeyboardMarkup | None = None) -> None:
    context.services.courier.post(Parcel.edit(chat_id, message_id, text, markup))


async def edit_markup(context: BotContext, chat_id: int, message_id: int,
                      markup: InlineKeyboardMarkup | None) -> None:
    context.services.courier.post(Parcel.edit_markup(chat_id, message_id, markup))


async def send_file(update: Update, data: bytes, filename: str, caption: str | None = None,
                    photo: bool = False) -> None:
    """A document (or photo) in answer to the message, waited for; when Telegram refuses it (too big, not
    allowed here) or cannot be reached, a Chinese reply says so."""
    message = update.effective_message
    if message is None:
        return
    reply_to, thread_id = _answer_to(message)
    make = Parcel.photo if photo else Parcel.document
    receipt = await Courier.of(message.get_bot()).deliver(
        make(message.chat_id, data, filename, caption, reply_to=reply_to, thread_id=thread_id))
    if not receipt.sent:
        log.warning("%s not sent: %s", filename, receipt.reason)
        await reply(update, texts.SEND_FAILED)


async def answer(update: Update, text: str | None = None, alert: bool = False) -> None:
    query = update.callback_query
    if query is not None:
        try:
            await query.answer(text, show_alert=alert)
        except TelegramError as exc:
            log.warning("could not answer a button press: %s", exc)


Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]


def ignoring_repeats(callback: Callable[[Update, BotContext], Awaitable[None]]) -> Handler:
    """A handler whose unit of work finds its update handled before stops there, saying nothing (the
    registration site wraps every handler in this)."""

    @functools.wraps(callback)
    async def handler(update: Update, context: BotContext) -> None:
        try:
            await callback(update, context)
        except RepeatedUpdate:
            log.debug("update %s was handled before; ignored", update.update_id)

    return handler

