"""Matching and the handshake: ① 感兴趣 / ① 不合适 pressed by either side, 记录签约 under an introduction, and the
list of fitting needs a new offer's owner gets. The group is asked, introduced and shown the card as it is now."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardMarkup, Update

from bot import texts
from bot.context import BotContext
from bot.domain.offers import Answer, OfferMatches, Step
from handlers import buttons, replies
from handlers.callbacks import pressing
from handlers.common import actor_of, answer, edit, edit_markup, send, send_and_wait, sent_at
from handlers.match_buttons import AnswerMatch, SignMatch, answer_buttons, list_buttons, sign_buttons


async def answer_pressed(update: Update, context: BotContext, button: AnswerMatch) -> None:
    """One side's answer: the first 感兴趣 asks the other side in the need's group; both → the introduction."""
    actor = actor_of(update.effective_user, context)  # type: ignore[arg-type]
    outcome = await context.cases.matching.answer(button.match_id, actor, Answer.YES if button.yes else Answer.NO,
                                                  sent_at(update), update.update_id)
    if outcome.refusal is not None:
        await answer(update, texts.MATCH_REFUSALS[outcome.refusal], alert=True)
        return
    assert outcome.line is not None and outcome.need is not None and outcome.view is not None
    line, need = outcome.line, outcome.need
    await answer(update, texts.TOAST_NOT_FIT if outcome.step is Step.REFUSED else texts.TOAST_INTERESTED)
    await replies.refresh_card(context, outcome.view)
    pressed = update.effective_message
    asked = line.match.message_id
    if outcome.step in (Step.ASK_OFFER, Step.ASK_NEED):
        text = (texts.ask_offer_side(line, need) if outcome.step is Step.ASK_OFFER
                else texts.ask_need_side(line, need, outcome.author))
        receipt = await send_and_wait(context, need.chat_id, text, answer_buttons(line),
                                      reply_to=need.bot_message_id, thread_id=need.topic_id)
        if receipt.message_id is not None:
            await context.cases.matching.remember_ask(line.match.id, receipt.message_id)
        return
    if asked is not None and not (pressed is not None and pressed.message_id == asked
                                  and pressed.chat_id == need.chat_id):
        await edit_markup(context, need.chat_id, asked, None)  # the question to the other side is answered
    if pressed is not None and pressed.message_id == asked and pressed.chat_id == need.chat_id:
        await edit_markup(context, pressed.chat_id, pressed.message_id, None)
    if outcome.step is Step.INTRODUCE:
        await send(context, need.chat_id, texts.introduction(line, need, outcome.author), sign_buttons(line.match.id),
                   reply_to=need.bot_message_id, thread_id=need.topic_id)


async def sign_pressed(update: Update, context: BotContext, button: SignMatch) -> None:
    """记录签约 under an introduction: an agreement recorded against the match."""
    actor = actor_of(update.effective_user, context)  # type: ignore[arg-type]
    outcome = await context.cases.matching.sign(button.match_id, actor, sent_at(update), update.update_id)
    if outcome.refusal is not None:
        await answer(update, texts.MATCH_REFUSALS[outcome.refusal], alert=True)
        return
    assert outcome.line is not None and outcome.need is not None and outcome.view is not None
    await answer(update, texts.TOAST_SIGNED)
    pressed = update.effective_message
    if pressed is not None:
        await edit(context, pressed.chat_id, pressed.message_id, texts.introduction_signed(outcome.line, outcome.need,
                                                                                      outcome.author))
    await replies.refresh_card(context, outcome.view)


def offer_owner_message(chat_id: int, found: OfferMatches) -> tuple[str, InlineKeyboardMarkup | None]:
    """What a new offer's publisher is told of the open needs it fits (those of ``chat_id``, with their buttons; of
    other groups only how many: their cards there show the match)."""
    elsewhere = [texts.offer_elsewhere(found.offer.id, len(found.elsewhere))] if found.elsewhere else []
    if not found.found:
        return "\n".join(elsewhere or [texts.offer_matched_none(found.offer.id, found.capped)]), None
    lines = [texts.offer_matches(len(found.found), found.offer.id, found.capped)]
    lines += [texts.need_line(k, need, line, found.groups.get(need.chat_id) if need.chat_id != chat_id else None)
              for k, (need, line) in enumerate(found.found)]
    return "\n".join(lines + elsewhere), list_buttons([line for _, line in found.found])


async def show_on_cards(context: BotContext, found: OfferMatches | None) -> None:
    """The needs of other groups a new offer fits get it on their cards (可对接, naming the party's people)."""
    for need in found.elsewhere if found is not None else ():
        view = await context.cases.needs.view(need.id)
        if view is not None:
            await replies.refresh_card(context, view)


BUTTONS: tuple[tuple[type[buttons.ButtonData], Callable[[Update, BotContext], Awaitable[None]]], ...] = (
    (AnswerMatch, pressing(AnswerMatch, answer_pressed)),
    (SignMatch, pressing(SignMatch, sign_pressed)),
)
