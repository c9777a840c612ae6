"""退单: a routed unit's 转交 asks for its reason; a lead's 转交 is shown to the admins, who may overrule it (驳回)
within a working day — the need goes back to that unit and the group hears of it."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.context import BotContext
from bot.domain import Outcome
from bot.domain.duty import HandOverReason, ruling_closes
from bot.texts.refusals import button_refusal as refusal
from handlers import buttons, replies
from handlers.common import actor_of, answer, edit, edit_markup, send, sent_at
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
    outcome = await context.cases.routing.hand_over(button.need_id, actor_of(update.effective_user, context),  # type: ignore[arg-type]
                                                    button.party_id, sent_at(update), update.update_id, reason)
    if not outcome.ok:
        await answer(update, refusal(outcome), alert=True)
        return
    assert outcome.view is not None and outcome.party is not None  # a success carries them
    need = outcome.view.need
    await answer(update, texts.TOAST_DECLINED)
    await replies.refresh_card(context, outcome.view)
    message = update.effective_message
    if message is not None and message.message_id != need.bot_message_id:  # pressed under a note: its buttons go
        await edit_markup(context, message.chat_id, message.message_id, None)
    await send(context, need.chat_id, texts.declined(need.number, outcome.previous, outcome.party,
                                                     texts.HAND_OVER_REASON_NAMES[reason]),
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
