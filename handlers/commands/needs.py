"""Commands about needs: /need, /needs, /status, /route, /resolve, /triage."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.context import BotContext
from bot.texts.refusals import refusal
from handlers import replies, verdicts
from handlers.common import (
    actor_of,
    args_text,
    number_and_text,
    parse_number,
    refuse_unless_admin,
    refuse_unless_group,
    reply,
    sent_at,
)
from handlers.keyboards import need_buttons


async def need(update: Update, context: BotContext) -> None:
    if await refuse_unless_group(update):
        return
    text = args_text(update)
    if not text:
        await reply(update, texts.EMPTY_NEED)
        return
    await replies.register_and_announce(update, context, text)


async def needs(update: Update, context: BotContext) -> None:
    if await refuse_unless_admin(update, context) or await refuse_unless_group(update):
        return
    arg = args_text(update).lower()
    if arg not in ("", "open", "all", "全部"):
        await reply(update, texts.NEEDS_USAGE)
        return
    open_only = arg in ("", "open")
    text, markup = await replies.needs_page(context, update.effective_chat.id, open_only, 1)  # type: ignore[union-attr]
    await reply(update, text, markup)


async def status(update: Update, context: BotContext) -> None:
    if await refuse_unless_admin(update, context) or await refuse_unless_group(update):
        return
    number = parse_number(args_text(update))
    if number is None:
        await reply(update, texts.STATUS_USAGE)
        return
    text = await replies.status_text(context, update.effective_chat.id, number, sent_at(update))  # type: ignore[union-attr]
    await reply(update, text or texts.NEED_NOT_FOUND)


async def route(update: Update, context: BotContext) -> None:
    if await refuse_unless_admin(update, context) or await refuse_unless_group(update):
        return
    number, words = number_and_text(update)
    if number is None or not words:
        await reply(update, texts.ROUTE_USAGE)
        return
    outcome = await context.cases.routing.reroute(
        update.effective_chat.id, number, words, actor_of(update.effective_user, context),  # type: ignore[union-attr,arg-type]
        sent_at(update), update.update_id)
    if not outcome.ok:
        await reply(update, refusal(outcome))
        return
    assert outcome.view is not None and outcome.party is not None  # a success carries them
    if outcome.view.need.bot_message_id is None:  # no card to bring up to date: this reply is the card
        await reply(update, texts.rerouted(outcome.view.need.number, outcome.party, outcome.view),
                    need_buttons(outcome.view))
        return
    # The card is edited in place; a second card would go stale with live buttons as soon as anyone claimed.
    await reply(update, texts.rerouted(outcome.view.need.number, outcome.party))
    await replies.refresh_card(context, outcome.view)


async def resolve(update: Update, context: BotContext) -> None:
    """Admins and the need's author (as the 已解决 button); the use case says who may."""
    if await refuse_unless_group(update):
        return
    number = parse_number(args_text(update))
    if number is None:
        await reply(update, texts.RESOLVE_USAGE)
        return
    cases = context.cases
    found = await cases.needs.by_number(update.effective_chat.id, number)  # type: ignore[union-attr]
    if found is None:
        await reply(update, texts.NEED_NOT_FOUND)
        return
    outcome = await cases.needs.resolve(found.id, actor_of(update.effective_user, context), sent_at(update),  # type: ignore[arg-type]
                                        update.update_id)
    if not outcome.ok:
        await reply(update, refusal(outcome))
        return
    assert outcome.view is not None  # a success carries them
    await reply(update, texts.resolved(number))
    await replies.refresh_card(context, outcome.view)
    await verdicts.ask(context, outcome)


async def triage(update: Update, context: BotContext) -> None:
    if await refuse_unless_admin(update, context) or await refuse_unless_group(update):
        return
    text, markup = await replies.triage_page(context, update.effective_chat.id, 1)  # type: ignore[union-attr]
    await reply(update, text, markup)
