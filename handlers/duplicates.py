"""Duplicates and 附议: the author's 附议 #12 / 不是同一件事 on a hinted card, an admin's /merge N M, and the undo
(/unmerge N, or 撤销合并 under the confirmation). Both cards are brought up to date; the group is told."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot import texts
from bot.context import BotContext
from bot.domain import Outcome
from bot.texts.refusals import button_refusal, refusal
from handlers import buttons, replies
from handlers.callbacks import pressing
from handlers.common import actor_of, answer, args_text, parse_number, refuse_unless_group, reply, send, sent_at
from handlers.duplicate_buttons import NotSame, Second, Unmerge, unmerge_buttons


async def _cards(context: BotContext, outcome: Outcome) -> None:
    """The merged (or unmerged) need's card and the card of the need it joined (or left)."""
    assert outcome.view is not None  # a success carries it
    await replies.refresh_card(context, outcome.view)
    if outcome.into is not None:
        into = await context.cases.needs.view(outcome.into.id)
        if into is not None:
            await replies.refresh_card(context, into)


async def merge(update: Update, context: BotContext) -> None:
    """/merge N M: an admin merges need #N into #M of this group."""
    if await refuse_unless_group(update):
        return
    parts = args_text(update).split()
    numbers = [parse_number(p) for p in parts]
    if len(numbers) != 2 or None in numbers:
        await reply(update, texts.MERGE_USAGE)
        return
    number, into_number = numbers
    assert number is not None and into_number is not None
    outcome = await context.cases.duplicates.merge(
        update.effective_chat.id, number, into_number, actor_of(update.effective_user, context),  # type: ignore[union-attr,arg-type]
        sent_at(update), update.update_id)
    if not outcome.ok:
        await reply(update, refusal(outcome))
        return
    assert outcome.need is not None and outcome.into is not None
    await reply(update, texts.merged(outcome.need, outcome.into), unmerge_buttons(outcome.need.id))
    await _cards(context, outcome)


async def unmerge(update: Update, context: BotContext) -> None:
    """/unmerge N: an admin (or the need's author) undoes a merge."""
    if await refuse_unless_group(update):
        return
    number = parse_number(args_text(update))
    if number is None:
        await reply(update, texts.UNMERGE_USAGE)
        return
    outcome = await context.cases.duplicates.unmerge(
        update.effective_chat.id, number, actor_of(update.effective_user, context),  # type: ignore[union-attr,arg-type]
        sent_at(update), update.update_id)
    if not outcome.ok:
        await reply(update, refusal(outcome))
        return
    assert outcome.need is not None and outcome.into is not None
    await reply(update, texts.unmerged(outcome.need, outcome.into))
    await _cards(context, outcome)


async def second_pressed(update: Update, context: BotContext, button: Second) -> None:
    """附议 #12 by the new need's author: merged into #12; the group is told, with the undo."""
    actor = actor_of(update.effective_user, context)  # type: ignore[arg-type]
    outcome = await context.cases.duplicates.second(button.need_id, actor, sent_at(update), update.update_id)
    if not outcome.ok:
        await answer(update, button_refusal(outcome), alert=True)
        return
    assert outcome.need is not None and outcome.into is not None
    await answer(update, texts.TOAST_SECONDED)
    await _cards(context, outcome)
    await send(context, outcome.need.chat_id, texts.seconded(outcome.need, outcome.into, actor.person),
               unmerge_buttons(outcome.need.id), reply_to=outcome.need.bot_message_id,
               thread_id=outcome.need.topic_id)


async def not_same_pressed(update: Update, context: BotContext, button: NotSame) -> None:
    """不是同一件事 by the new need's author: the hint leaves the card."""
    outcome = await context.cases.duplicates.reject(button.need_id, actor_of(update.effective_user, context),  # type: ignore[arg-type]
                                                    sent_at(update), update.update_id)
    if not outcome.ok:
        await answer(update, button_refusal(outcome), alert=True)
        return
    await answer(update, texts.TOAST_NOT_SAME)
    assert outcome.view is not None
    await replies.refresh_card(context, outcome.view)


async def unmerge_pressed(update: Update, context: BotContext, button: Unmerge) -> None:
    """撤销合并 under a confirmation: as /unmerge, by an admin or the merged need's author."""
    found = await context.cases.needs.view(button.need_id)
    if found is None:
        await answer(update, texts.BUTTON_STALE)
        return
    need = found.need
    actor = actor_of(update.effective_user, context)  # type: ignore[arg-type]
    outcome = await context.cases.duplicates.unmerge(need.chat_id, need.number, actor, sent_at(update),
                                                     update.update_id)
    if not outcome.ok:
        await answer(update, button_refusal(outcome), alert=True)
        return
    assert outcome.need is not None and outcome.into is not None
    await answer(update, texts.TOAST_UNMERGED)
    await _cards(context, outcome)
    await send(context, need.chat_id, texts.unmerged(outcome.need, outcome.into), reply_to=need.bot_message_id,
               thread_id=need.topic_id)


BUTTONS: tuple[tuple[type[buttons.ButtonData], Callable[[Update, BotContext], Awaitable[None]]], ...] = (
    (Second, pressing(Second, second_pressed)),
    (NotSame, pressing(NotSame, not_same_pressed)),
    (Unmerge, pressing(Unmerge, unmerge_pressed)),
)
