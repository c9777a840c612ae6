"""The bot's own membership: added by an admin → serve the group; by anyone else → say so."""

from __future__ import annotations

from telegram import ChatMember, Update

from bot import texts
from bot.context import BotContext
from bot.delivery import menus
from handlers.common import actor_of, send, sent_at

_PRESENT = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER)
_GONE = (ChatMember.LEFT, ChatMember.BANNED)


async def my_membership(update: Update, context: BotContext) -> None:
    change = update.my_chat_member
    if change is None or change.chat is None or change.from_user is None \
            or change.old_chat_member is None or change.new_chat_member is None:
        return  # not a shape Telegram sends: ignored on purpose
    chat, by = change.chat, change.from_user
    old, new = change.old_chat_member.status, change.new_chat_member.status
    access, people = context.cases.access, context.cases.people
    if new in _PRESENT and old not in _PRESENT:
        if access.is_admin(by.id):
            if await people.serve(chat.id, chat.title, actor_of(by, context), sent_at(update), update.update_id):
                await send(context, chat.id, texts.SERVED_WELCOME)
                await menus.for_group(context.bot, chat.id, access.admin_ids)
        elif not await people.is_served(chat.id):
            await send(context, chat.id, texts.NOT_SERVED_ADDED)
    elif new in _GONE and old not in _GONE:
        await people.unserve(chat.id, by.id, sent_at(update), update.update_id)
