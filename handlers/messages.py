"""Ordinary group text: the intake use case reads what it is (a new need, a follow-up, a promise, a question,
a refusal, progress, an outcome announced, a date for an undated promise, or talk); this adapter acts on the
reading."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.context import BotContext
from bot.services.intake import Action
from handlers import challenges, extensions, handovers, replies
from handlers.common import actor_of, reply


async def group_text(update: Update, context: BotContext) -> None:
    message, user = update.message, update.effective_user
    if message is None or user is None or not message.text or user.is_bot:
        return
    replied = message.reply_to_message
    topic_id = message.message_thread_id if message.is_topic_message else None
    if replied is not None and topic_id is not None and replied.message_id == topic_id:
        replied = None  # in a forum topic every message "replies" to the topic's first message
    to_bot = replied is not None and replied.from_user is not None and replied.from_user.id == context.bot.id
    replied_bot_message = replied.message_id if to_bot and replied is not None else None
    if replied_bot_message is not None and await extensions.answered_question(update, context, replied_bot_message):
        return  # the new date and reason the bot asked for after 申请延期
    if replied_bot_message is not None and await handovers.answered_reason(update, context, replied_bot_message):
        return  # the reason the bot asked for after 转交 → 其他原因
    if replied_bot_message is not None and await challenges.answered_plan(update, context, replied_bot_message):
        return  # the plan the bot asked for after 揭榜
    admin = context.cases.access.admits(actor_of(user, context), message.chat_id)
    reading = await context.cases.intake.read(message.chat_id, user.id, message.text,
                                              replied.message_id if replied is not None else None, to_bot,
                                              topic_id, admin)
    if reading.offer_first and await replies.offer_to_record(update, context, message.text, replied_bot_message,
                                                             reading.need.id if reading.need else None):
        return  # "今天和XX基金签约了": an outcome, offered for recording
    if reading.action is Action.SET_DUE and reading.commitment is not None:
        await replies.set_due_and_confirm(update, context, reading.commitment.id, reading.text)
    elif reading.action is Action.ASK_WHICH:
        await reply(update, texts.which_need(list(reading.numbers)))
    elif reading.action is Action.COMMIT and reading.need is not None:
        await replies.commit_and_confirm(update, context, reading.need, reading.text)
    elif reading.action is Action.NOTE and reading.need is not None and reading.kind is not None:
        await replies.note(update, context, reading.need, reading.kind, reading.text)
    elif reading.action is Action.REGISTER:
        await replies.register_and_announce(update, context, reading.text)
