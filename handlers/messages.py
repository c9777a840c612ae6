"""Ordinary group text: outcomes announced, promises (replies to the bot), dates for undated promises, needs."""

from __future__ import annotations

import re

from telegram import Update

from bot import texts
from bot.context import BotContext
from handlers import replies
from handlers.common import reply
from nlp.detect import is_chat, is_need
from nlp.outcomes import is_announcement

NAMED_NEED = re.compile(r"\s*[#＃](\d{1,9})[\s:：，,]*")


async def group_text(update: Update, context: BotContext) -> None:
    message, user = update.message, update.effective_user
    if message is None or user is None or not message.text or user.is_bot:
        return
    text = message.text
    mm = context.matchmaking
    replied = message.reply_to_message
    to_bot = replied is not None and replied.from_user is not None and replied.from_user.id == context.bot.id
    if is_announcement(text) and await replies.offer_to_record(
            update, context, text, replied.message_id if to_bot and replied is not None else None):
        return  # "今天和XX基金签约了": an outcome, offered for recording
    if to_bot and replied is not None:
        # A reply to the bot: a date for an undated promise, or a promise on a need.
        commitment = await mm.commitment_for_prompt(message.chat_id, replied.message_id)
        if commitment is not None:
            await replies.set_due_and_confirm(update, context, commitment.id, text)
            return
        need = await mm.need_by_card(message.chat_id, replied.message_id)
        if need is None and not is_chat(text):
            shared = await mm.needs_on_card(message.chat_id, replied.message_id)
            if len(shared) > 1 and (await mm.role(user.id))[1] is not None:
                # A promise under a message that combined several cards must say which need ("#3 …").
                named = NAMED_NEED.match(text)
                need = next((v.need for v in shared if named and v.need.number == int(named.group(1))), None)
                if need is None:
                    await reply(update, texts.which_need([v.need.number for v in shared]))
                    return
                text = text[named.end():] if named else text
        if need is not None and is_chat(text):
            return  # "收到" / "好的" under a need is an acknowledgement, not a promise
        if need is not None:
            _, party = await mm.role(user.id)
            if party is not None:
                await replies.commit_and_confirm(update, context, need, text)
                return
    if message.is_topic_message and message.message_thread_id is not None:
        need = await mm.need_by_topic(message.chat_id, message.message_thread_id)
        if need is not None:  # a need's own topic: a liaison's words are promises, the rest is discussion
            _, party = await mm.role(user.id)
            if party is not None and not is_chat(text):
                await replies.commit_and_confirm(update, context, need, text)
            return
    if is_need(text):
        await replies.register_and_announce(update, context, text)

