"""Buttons about what was said: 不是需求 on a card (withdraw a need), 撤销（记错了） on a promise's confirmation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot import texts
from bot.context import BotContext
from bot.texts.refusals import button_refusal as refusal  # worded for a press, not a command
from handlers import buttons, replies
from handlers.callbacks import pressing
from handlers.common import actor_of, answer, edit, send, sent_at


async def withdraw(update: Update, context: BotContext, button: buttons.Withdraw) -> None:
    actor = actor_of(update.effective_user, context)  # type: ignore[arg-type]
    outcome = await context.cases.needs.withdraw(button.need_id, actor, sent_at(update), update.update_id)
    if not outcome.ok:
        await answer(update, refusal(outcome), alert=True)
        return
    assert outcome.view is not None  # a success carries it
    await answer(update, texts.TOAST_WITHDRAWN)
    await replies.refresh_card(context, outcome.view)
    need = outcome.view.need
    await send(context, need.chat_id, texts.withdrawn(need.number, by_author=need.author_id == actor.user_id),
               reply_to=need.bot_message_id)


async def undo_promise(update: Update, context: BotContext, button: buttons.UndoPromise) -> None:
    outcome = await context.cases.commitments.undo(button.commitment_id, actor_of(update.effective_user, context),  # type: ignore[arg-type]
                                                   sent_at(update), update.update_id)
    if not outcome.ok:
        await answer(update, refusal(outcome), alert=True)
        return
    assert outcome.commitment is not None and outcome.need is not None  # a success carries them
    await answer(update, texts.TOAST_UNDONE)
    message = update.effective_message
    if message is not None:
        await edit(context, message.chat_id, message.message_id,
                   texts.promise_undone(outcome.commitment.id, outcome.need.number))
    view = await context.cases.needs.view(outcome.need.id)
    if view is not None:
        await replies.refresh_card(context, view)


BUTTONS: tuple[tuple[type[buttons.ButtonData], Callable[[Update, BotContext], Awaitable[None]]], ...] = (
    (buttons.Withdraw, pressing(buttons.Withdraw, withdraw)),
    (buttons.UndoPromise, pressing(buttons.UndoPromise, undo_promise)),
)
