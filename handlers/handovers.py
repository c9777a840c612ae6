"""退单: a routed unit's 转交 asks for its reason; a lead's 转交 is shown to the admins, who may overrule it (驳回)
within a working day — the need goes back to that unit and the group hears of it."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.context import BotContext
from bot.delivery.courier import Parcel
from bot.domain import Outcome
from bot.domain.duty import HandOverReason, ruling_closes
from bot.texts.refusals import button_refusal as refusal
from handlers import buttons, replies
from handlers.common import actor_of, answer, edit, edit_markup, reply, send, sent_at
from handlers.keyboards import reason_buttons, ruling_buttons


async def ask_reason(update: Update, context: BotContext, outcome: Outcome, button: buttons.HandOverTo) -> None:
    """A routed liaison chose whom to hand the need over to: now why (the hand-over happens on that press)."""
    assert outcome.need is not None and outcome.party is not None  # REASON_REQUIRED carries them
    await answer(update, texts.reason_prompt(outcome.need.number, outcome.party))
    message = update.effective_message
    if message is not None:
        await edit_markup(context, message.chat_id, message.message_id,
                          reason_buttons(button.need_id, button.party_id))


async def hand_over_why(update: Update, context: BotContext, button: buttons.HandOverWhy) -> None:
    reason = HandOverReason(button.reason)
    if reason is HandOverReason.OTHER:  # in the liaison's own words: asked for, then handed over on the reply
        await _ask_own_words(update, context, button)
        return
    outcome = await context.cases.routing.hand_over(button.need_id, actor_of(update.effective_user, context),  # type: ignore[arg-type]
                                                    button.party_id, sent_at(update), update.update_id, reason)
    if not outcome.ok:
        await answer(update, refusal(outcome), alert=True)
        return
    await answer(update, texts.TOAST_DECLINED)
    message = update.effective_message
    if message is not None and outcome.need is not None and message.message_id != outcome.need.bot_message_id:
        await edit_markup(context, message.chat_id, message.message_id, None)  # pressed under a note: its buttons go
    await _handed_over(update, context, outcome, texts.HAND_OVER_REASON_NAMES[reason])


async def _ask_own_words(update: Update, context: BotContext, button: buttons.HandOverWhy) -> None:
    message, user = update.effective_message, update.effective_user
    allowed = await context.cases.routing.hand_over_options(button.need_id, actor_of(user, context))  # type: ignore[arg-type]
    if not allowed.ok:  # only who may hand the need over is asked why
        await answer(update, refusal(allowed), alert=True)
        return
    view = await context.cases.needs.view(button.need_id)
    party = await context.cases.parties.get(button.party_id)
    if message is None or user is None or view is None or party is None:
        await answer(update, texts.BUTTON_STALE)
        return
    await answer(update, texts.TOAST_REASON_ASKED)
    await replies.refresh_card(context, view)  # the card's own buttons come back meanwhile
    chat_id, need = message.chat_id, view.need

    async def asked(message_id: int) -> None:  # a reply to this message from the liaison gives the reason
        await context.cases.routing.ask_reason(chat_id, message_id, need.id, party.id, user.id)

    context.services.courier.post(Parcel.message(
        chat_id, texts.reason_question(need.number, party, texts.mention_label(user.id, user.full_name)),
        reply_to=need.bot_message_id, thread_id=need.topic_id, on_sent=asked))


async def answered_reason(update: Update, context: BotContext, replied_message_id: int) -> bool:
    """A reply to the bot's "why hand it over?" question from the liaison who asked to: the 转交, with these words
    as its reason. False when it was no such question (or someone else replied)."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or not message.text:
        return False
    asked = await context.cases.routing.reason_asked(message.chat_id, replied_message_id)
    if asked is None or asked[2] != user.id:
        return False
    need_id, party_id, _ = asked
    outcome = await context.cases.routing.hand_over(need_id, actor_of(user, context), party_id, sent_at(update),
                                                    update.update_id, message.text,
                                                    prompt=(message.chat_id, replied_message_id))
    if not outcome.ok:
        await reply(update, texts.refusal(outcome))
        return True
    term = outcome.term
    await _handed_over(update, context, outcome, term.reason if term is not None and term.reason else message.text)
    return True


async def _handed_over(update: Update, context: BotContext, outcome: Outcome, reason: str) -> None:
    """A 转交 done: the card, the group told, and — a lead's 退单 — the admins asked to rule."""
    assert outcome.view is not None and outcome.party is not None  # a success carries them
    need = outcome.view.need
    await replies.refresh_card(context, outcome.view)
    await send(context, need.chat_id, texts.declined(need.number, outcome.previous, outcome.party, reason),
               reply_to=need.bot_message_id, thread_id=need.topic_id)
    term, previous = outcome.term, outcome.previous
    if term is None or previous is None:
        return  # an assisting party handed its part over: not a 退单 of the lead
    closes = ruling_closes(term, context.services.notices.policy)
    assert closes is not None  # a 退单 has its ruling window
    chat = update.effective_chat
    title = chat.title if chat is not None and chat.title else str(need.chat_id)
    text = texts.handover_for_ruling(need, title, previous, outcome.party, term.reason,
                                     closes.astimezone(context.services.settings.timezone))
    for admin_chat in context.services.notices.admin_chats:
        await send(context, admin_chat, text, ruling_buttons(term.id))


async def overrule(update: Update, context: BotContext, button: buttons.Overrule) -> None:
    actor = actor_of(update.effective_user, context)  # type: ignore[arg-type]
    outcome = await context.cases.routing.overrule(button.term_id, actor, sent_at(update), update.update_id)
    if not outcome.ok:
        await answer(update, refusal(outcome), alert=True)
        return
    assert outcome.view is not None and outcome.party is not None  # a success carries them
    await answer(update, texts.TOAST_OVERRULED)
    message = update.effective_message
    if message is not None and message.text_html:
        await edit(context, message.chat_id, message.message_id, texts.ruled(message.text_html, actor.display_name))
    view = outcome.view
    await replies.refresh_card(context, view)
    lead = view.lead
    mentions = [texts.mention_label(p.user_id, p.display_name) for p in lead.liaisons] if lead else []
    await send(context, view.need.chat_id, texts.overruled(view.need, outcome.party, outcome.previous, mentions),
               reply_to=view.need.bot_message_id, thread_id=view.need.topic_id)
