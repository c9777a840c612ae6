"""Runs before and after every other handler: repeats, unserved chats, and the handled mark."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.context import BotContext
from bot.delivery import menus
from bot.delivery.journal import JournalQueue
from handlers.common import actor_of, sent_at

OPEN_COMMANDS = ("start", "help")


def _command(update: Update) -> str | None:
    message = update.message
    if message is None or not message.text or not message.text.startswith("/"):
        return None
    entities = message.entities or ()
    if not entities or entities[0].type != "bot_command" or entities[0].offset != 0:
        return None
    return message.text[1:entities[0].length].split("@", 1)[0].lower()


async def before(update: Update, context: BotContext) -> None:
    """Group -1: ignore an update handled before; let unserved chats reach only /start and /help.

    An admin's command in a group starts serving it (as adding the bot does).
    """
    cases = context.cases
    access, people = cases.access, cases.people
    queue = context.application.update_queue
    fresh = isinstance(queue, JournalQueue) and queue.fresh(update.update_id)
    if not fresh and await cases.work.already_handled(update.update_id):
        raise ApplicationHandlerStop
    if update.my_chat_member is not None:
        return  # the member handler decides about serving
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        raise ApplicationHandlerStop
    command = _command(update)
    if command in OPEN_COMMANDS:
        return
    if chat.type == ChatType.PRIVATE:
        if user is not None and access.is_admin(user.id):
            return  # an admin's private chat: commands decide for themselves what they allow
        if update.callback_query is not None:
            return  # buttons of a person's private desk (/start): each operation checks who may
    elif await people.is_served(chat.id):
        services = context.services
        if services.settings.admins_from_chat:
            if update.chat_member is not None:
                services.chat_admins.forget(chat.id)  # someone was promoted or demoted: ask Telegram again
            elif user is not None and not access.is_admin(user.id) and await services.chat_admins.is_admin(
                    context.bot, chat.id, user.id, update.effective_message):
                context.admin_of = chat.id
        return
    if chat.type != ChatType.PRIVATE and command is not None and user is not None and access.is_admin(user.id):
        if await people.serve(chat.id, chat.title, actor_of(user, context), sent_at(update), None):
            await menus.for_group(context.bot, chat.id, access.admin_ids)
        return
    await cases.work.mark_handled(update.update_id, sent_at(update))
    raise ApplicationHandlerStop  # ignored on purpose: this chat is not served


async def after(update: Update, context: BotContext) -> None:
    """Last group: record updates that changed nothing, so a repeat is ignored too."""
    work = context.cases.work
    if not work.marked(update.update_id):
        await work.mark_handled(update.update_id, sent_at(update))
