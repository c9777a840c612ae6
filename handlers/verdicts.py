"""The enterprise's verdict: asked under the card when a need is resolved, answered by its author with one tap
per question; 未解决 reopens the need (重办) and the group hears of it."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.context import BotContext
from bot.delivery.courier import Parcel
from bot.domain import Need, NeedView, Outcome
from bot.domain.duty import Satisfaction, Solved, Verdict, verdict_closes
from bot.texts.refusals import button_refusal as refusal
from handlers import buttons, replies
from handlers.common import actor_of, answer, edit, edit_markup, send, sent_at
from handlers.keyboards import verdict_buttons


def _question(context: BotContext, view: NeedView, verdict: Verdict) -> str:
    need = view.need
    # The need's author, or a co-requester (附议) by the name their own need was posted under.
    names = {p.user_id: p.display_name for p in view.co_requesters}
    if need.author_id is not None:
        names[need.author_id] = need.author_name
    author = texts.mention_label(verdict.author_id, names.get(verdict.author_id))
    lead = view.lead.party.short_name if view.lead else None
    services = context.services
    closes = verdict_closes(verdict, services.settings.limits(), services.notices.policy)
    return texts.verdict_question(need, verdict, author, lead, closes.astimezone(services.settings.timezone))


async def ask(context: BotContext, outcome: Outcome) -> None:
    """After a need is resolved: each question put to its author goes under the need's card."""
    view = outcome.view
    if view is None:
        return
    need: Need = view.need
    for verdict in outcome.verdicts:
        for message_id in await context.cases.verdicts.earlier_questions(verdict):  # reopened, resolved again
            await edit_markup(context, need.chat_id, message_id, None)
        async def remember(message_id: int, verdict_id: int = verdict.id) -> None:
            await context.cases.verdicts.attach_message(verdict_id, message_id)

        context.services.courier.post(Parcel(
            need.chat_id, _question(context, view, verdict), verdict_buttons(verdict),
            reply_to=need.bot_message_id or need.message_id, thread_id=need.topic_id, on_sent=remember))


async def ask_again(context: BotContext, chat_id: int, author_id: int) -> None:
    """In the author's private chat (/start): the questions still waiting for them, with their buttons."""
    for verdict in await context.cases.verdicts.awaiting(author_id, context.services.clock()):
        view = await context.cases.needs.view(verdict.need_id)
        if view is not None:
            await send(context, chat_id, _question(context, view, verdict), verdict_buttons(verdict))


async def judge(update: Update, context: BotContext, button: buttons.Judge) -> None:
    given: Solved | Satisfaction = Solved(button.answer) if button.answer in {s.value for s in Solved} \
        else Satisfaction(button.answer)
    outcome = await context.cases.verdicts.answer(button.verdict_id, actor_of(update.effective_user, context),  # type: ignore[arg-type]
                                                  given, sent_at(update), update.update_id)
    if not outcome.ok:
        await answer(update, refusal(outcome), alert=True)
        return
    assert outcome.view is not None and outcome.verdicts  # a success carries them
    view, verdict = outcome.view, outcome.verdicts[0]
    await answer(update, texts.toast_verdict(given))
    message = update.effective_message
    if message is not None:
        await edit(context, message.chat_id, message.message_id, _question(context, view, verdict),
                   verdict_buttons(verdict))
    need = view.need
    if verdict.reopened_at is not None and given is Solved.UNSOLVED:  # this answer reopened it (重办): the card's
        # buttons come back, the lead is told (not again for a co-requester's 未解决 after it)
        await replies.refresh_card(context, view)
        lead = view.lead
        mentions = [texts.mention_label(p.user_id, p.display_name) for p in lead.liaisons] if lead else []
        await send(context, need.chat_id, texts.reopened(need, lead.party.short_name if lead else None, mentions),
                   reply_to=need.bot_message_id, thread_id=need.topic_id)
