"""Commands of liaisons and members: /commit, /due, /done, /cancel, /agreement."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot import texts
from bot.context import BotContext
from bot.domain import Outcome
from bot.texts.refusals import refusal
from handlers import replies
from handlers.common import (
    actor_of,
    args_text,
    number_and_text,
    parse_number,
    refuse_unless_group,
    reply,
    reply_and_wait,
    sent_at,
)
from handlers.keyboards import kept_buttons


async def commit(update: Update, context: BotContext) -> None:
    if await refuse_unless_group(update):
        return
    number, words = number_and_text(update)
    if number is None:
        await reply(update, texts.COMMIT_USAGE)
        return
    if not words:
        await reply(update, texts.EMPTY_COMMIT)
        return
    found = await context.cases.needs.by_number(update.effective_chat.id, number)  # type: ignore[union-attr]
    if found is None:
        await reply(update, texts.NEED_NOT_FOUND)
        return
    await replies.commit_and_confirm(update, context, found, words)


async def due(update: Update, context: BotContext) -> None:
    if await refuse_unless_group(update):
        return
    commitment_id, words = number_and_text(update)
    if commitment_id is None or not words:
        await reply(update, texts.DUE_USAGE)
        return
    await replies.set_due_and_confirm(update, context, commitment_id, words)


async def _on_commitment(update: Update, context: BotContext, usage: str,
                         operation: Callable[..., Awaitable[Outcome]]) -> Outcome | None:
    """/done N and /cancel N: read the number, run the use case; a refusal is answered here."""
    if await refuse_unless_group(update):
        return None
    commitment_id = parse_number(args_text(update))
    if commitment_id is None:
        await reply(update, usage)
        return None
    outcome = await operation(commitment_id, actor_of(update.effective_user, context),  # type: ignore[arg-type]
                              update.effective_chat.id, sent_at(update), update.update_id)  # type: ignore[union-attr]
    if not outcome.ok:
        await reply(update, refusal(outcome))
        return None
    return outcome


async def done(update: Update, context: BotContext) -> None:
    outcome = await _on_commitment(update, context, texts.DONE_USAGE, context.cases.commitments.done)
    if outcome is None or outcome.commitment is None or outcome.need is None:
        return
    if outcome.commitment.status == "done":
        await reply(update, texts.commitment_done(outcome.commitment, outcome.party, outcome.need.number))
        return
    sent = await reply_and_wait(update, texts.commitment_reported(outcome.commitment, outcome.party, outcome.need),
                                kept_buttons(outcome.commitment.id))
    if sent.message_id is not None:
        await context.cases.commitments.attach_report(outcome.commitment.id, sent.message_id)


async def cancel(update: Update, context: BotContext) -> None:
    outcome = await _on_commitment(update, context, texts.CANCEL_USAGE, context.cases.commitments.cancel)
    if outcome is not None and outcome.commitment is not None and outcome.need is not None:
        await reply(update, texts.commitment_cancelled(outcome.commitment, outcome.need.number))


async def agreement(update: Update, context: BotContext) -> None:
    if await refuse_unless_group(update):
        return
    number, words = number_and_text(update)
    if number is None or not words:
        await reply(update, texts.AGREEMENT_USAGE)
        return
    cases = context.cases
    outcome = await cases.agreements.record(
        update.effective_chat.id, number, actor_of(update.effective_user, context), words,  # type: ignore[arg-type,union-attr]
        sent_at(update), update.update_id)
    if not outcome.ok:
        await reply(update, refusal(outcome))
        return
    assert outcome.agreement is not None and outcome.need is not None  # a success carries them
    await reply(update, texts.agreement_recorded(outcome.agreement, outcome.need.number, await cases.parties.names()))
    view = await cases.needs.view(outcome.need.id)
    if view is not None:  # a signing recorded against a match shows on the card (✅已签约)
        await replies.refresh_card(context, view)
