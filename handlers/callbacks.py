"""Button presses, one handler per kind of button (handlers/buttons.py); the registration site pairs each with
``CallbackQueryHandler(pattern=Kind.matches)``. Refusals are alerts; what changed is told in the group."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Message, Update

from bot import texts
from bot.context import BotContext
from bot.domain import NeedView, Outcome, Party, Refusal
from bot.texts.refusals import button_refusal as refusal  # worded for a press, not a command
from handlers import buttons, handovers, replies, verdicts
from handlers.common import actor_of, answer, edit, edit_markup, send, send_and_wait, sent_at
from handlers.keyboards import kept_buttons, lead_buttons, need_buttons, transfer_buttons

Pressed = TypeVar("Pressed", bound=buttons.ButtonData)


async def stale(update: Update, context: BotContext) -> None:
    """Any button data no handler understands (old, malformed or forged)."""
    await answer(update, texts.BUTTON_STALE)


async def _announce(update: Update, context: BotContext, outcome: Outcome, toast: str,
                    notice: Callable[[NeedView, Party], str]) -> None:
    """A button changed a need: refuse with an alert, or confirm, update the card, tell the group."""
    if not outcome.ok:
        await answer(update, refusal(outcome), alert=True)
        return
    assert outcome.view is not None and outcome.party is not None  # a success carries them
    await answer(update, toast)
    await replies.refresh_card(context, outcome.view)
    await send(context, outcome.view.need.chat_id, notice(outcome.view, outcome.party),
               reply_to=outcome.view.need.bot_message_id)


def pressing(kind: type[Pressed], on_press: Callable[[Update, BotContext, Pressed], Awaitable[None]]
             ) -> Callable[[Update, BotContext], Awaitable[None]]:
    """The handler of one kind of button: it hands ``on_press`` the decoded button. (A press without data
    matches every pattern in PTB, so decoding can still fail here: that is a stale button.)"""

    async def handler(update: Update, context: BotContext) -> None:
        button = kind.decode(update.callback_query.data if update.callback_query else None)
        if button is None:
            await stale(update, context)
            return
        await on_press(update, context, button)

    return handler


async def claim(update: Update, context: BotContext, button: buttons.Claim) -> None:
    actor = actor_of(update.effective_user, context)  # type: ignore[arg-type]
    outcome = await context.cases.routing.claim(button.need_id, actor, sent_at(update), update.update_id)
    await _announce(update, context, outcome, texts.TOAST_CLAIMED, lambda view, party: texts.claimed(
        party, actor.person, view.need.number, leads=_took_lead(view, party)))


def _took_lead(view: NeedView, party: Party) -> bool:
    """The party leads the need because its liaison claimed it while it awaited a lead."""
    return view.lead is not None and view.lead.party.id == party.id and view.lead.route.source == "claim"


async def choose_lead(update: Update, context: BotContext, button: buttons.ChooseLead) -> None:
    """分派: an admin gets the router's suggestions in place of the card's buttons; anyone else an alert."""
    outcome = await context.cases.routing.lead_choices(button.need_id, actor_of(update.effective_user, context))  # type: ignore[arg-type]
    if not outcome.ok:
        words = texts.CHOOSE_LEAD_ADMINS_ONLY if outcome.refusal is Refusal.NOT_ADMIN else refusal(outcome)
        await answer(update, words, alert=True)
        return
    await answer(update, texts.TOAST_CHOOSE_LEAD)
    message = update.effective_message
    if message is not None:
        await edit_markup(context, message.chat_id, message.message_id, lead_buttons(button.need_id, outcome.options))


async def hand_over(update: Update, context: BotContext, button: buttons.HandOver) -> None:
    outcome = await context.cases.routing.hand_over_options(button.need_id, actor_of(update.effective_user, context))  # type: ignore[arg-type]
    if not outcome.ok:
        await answer(update, refusal(outcome), alert=True)
        return
    assert outcome.need is not None  # a success carries them
    await answer(update, texts.decline_prompt(outcome.need.number))
    message = update.effective_message
    if message is not None:
        await edit_markup(context, message.chat_id, message.message_id,
                          transfer_buttons(button.need_id, outcome.options))


async def hand_over_to(update: Update, context: BotContext, button: buttons.HandOverTo) -> None:
    outcome = await context.cases.routing.hand_over(button.need_id, actor_of(update.effective_user, context),  # type: ignore[arg-type]
                                                    button.party_id, sent_at(update), update.update_id)
    if outcome.refusal is Refusal.REASON_REQUIRED:  # a routed liaison: why, before anything changes
        await handovers.ask_reason(update, context, outcome, button)
        return
    await _announce(update, context, outcome, texts.TOAST_DECLINED,
                    lambda view, party: texts.declined(view.need.number, outcome.previous, party))


async def assign(update: Update, context: BotContext, button: buttons.Assign) -> None:
    outcome = await context.cases.routing.assign(button.need_id, actor_of(update.effective_user, context),  # type: ignore[arg-type]
                                                 button.party_id, sent_at(update), update.update_id)
    await _announce(update, context, outcome, texts.TOAST_ASSIGNED,
                    lambda view, party: texts.assigned(view.need.number, party))


async def keep_card(update: Update, context: BotContext, button: buttons.KeepCard) -> None:
    view = await context.cases.needs.view(button.need_id)
    await answer(update, texts.CANCELLED)
    message = update.effective_message
    if view is not None and message is not None:
        await edit_markup(context, message.chat_id, message.message_id, need_buttons(view))


async def resolve(update: Update, context: BotContext, button: buttons.Resolve) -> None:
    outcome = await context.cases.needs.resolve(button.need_id, actor_of(update.effective_user, context),  # type: ignore[arg-type]
                                                sent_at(update), update.update_id)
    if not outcome.ok:
        await answer(update, refusal(outcome), alert=True)
        return
    assert outcome.view is not None  # a success carries them
    await answer(update, texts.TOAST_RESOLVED)
    await replies.refresh_card(context, outcome.view)
    await verdicts.ask(context, outcome)


async def confirm_kept(update: Update, context: BotContext, button: buttons.ConfirmKept) -> None:
    message = update.effective_message
    if message is None:
        return
    outcome = await context.cases.commitments.confirm(button.commitment_id, actor_of(update.effective_user, context),  # type: ignore[arg-type]
                                                      message.chat_id, button.kept, sent_at(update), update.update_id)
    if not outcome.ok:
        await answer(update, refusal(outcome), alert=True)
        return
    assert outcome.commitment is not None and outcome.need is not None  # a success carries them
    await answer(update, texts.TOAST_CONFIRMED if button.kept else texts.TOAST_DISPUTED)
    await edit_markup(context, message.chat_id, message.message_id, None)  # the question is answered
    text = (texts.commitment_done(outcome.commitment, outcome.party, outcome.need.number) if button.kept
            else texts.commitment_disputed(outcome.commitment, outcome.need.number))
    await send(context, message.chat_id, text, reply_to=message.message_id)


async def _admin_button(update: Update, context: BotContext) -> Message | None:
    """The button's message when an admin pressed it; otherwise an alert and None."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return None
    if not (context.cases.access.is_admin(user.id) or context.admin_of == message.chat_id):
        await answer(update, texts.NOT_ADMIN_BUTTON, alert=True)
        return None
    return message


async def detail(update: Update, context: BotContext, button: buttons.Detail) -> None:
    """详情 under /needs: need #N's status, sent to the group (admins only, as /status)."""
    message = await _admin_button(update, context)
    if message is None:
        return
    text = await replies.status_text(context, message.chat_id, button.number, sent_at(update))
    await answer(update, None if text else texts.NEED_NOT_FOUND)
    if text:
        await send(context, message.chat_id, text, reply_to=message.message_id)


async def list_page(update: Update, context: BotContext, button: buttons.ListPage) -> None:
    message = update.effective_message if button.kind in replies.OPEN_LISTS else await _admin_button(update, context)
    if message is None:
        return
    text, markup = await replies.list_page(context, button.kind, message.chat_id, message.chat.type == "private",
                                           sent_at(update), button.page)
    await answer(update)
    await edit(context, message.chat_id, message.message_id, text, markup)


async def needs_page(update: Update, context: BotContext, button: buttons.NeedsPage) -> None:
    message = await _admin_button(update, context)
    if message is None:
        return
    text, markup = await replies.needs_page(context, message.chat_id, button.scope == "o", button.page)
    await answer(update)
    await edit(context, message.chat_id, message.message_id, text, markup)


async def report_kept(update: Update, context: BotContext, button: buttons.ReportKept) -> None:
    """「报告兑现」 in a private chat: the report (and its confirm buttons) goes to the need's group."""
    commitments = context.cases.commitments
    chat_id = await commitments.chat_of(button.commitment_id)
    if chat_id is None:
        await answer(update, texts.COMMITMENT_NOT_FOUND, alert=True)
        return
    outcome = await commitments.done(button.commitment_id, actor_of(update.effective_user, context), chat_id,  # type: ignore[arg-type]
                                     sent_at(update), update.update_id)
    if not outcome.ok:
        await answer(update, refusal(outcome), alert=True)
        return
    assert outcome.commitment is not None and outcome.need is not None  # a success carries them
    if outcome.commitment.status == "done":
        await answer(update, texts.TOAST_KEPT)
        await send(context, chat_id, texts.commitment_done(outcome.commitment, outcome.party, outcome.need.number))
        return
    await answer(update, texts.TOAST_REPORTED)
    sent = await send_and_wait(context, chat_id,
                               texts.commitment_reported(outcome.commitment, outcome.party, outcome.need),
                               kept_buttons(outcome.commitment.id))
    if sent.message_id is not None:
        await commitments.attach_report(outcome.commitment.id, sent.message_id)


async def record_offer(update: Update, context: BotContext, button: buttons.RecordOffer | buttons.RecordOfferFor
                       ) -> None:
    message = update.effective_message
    if message is None:
        return
    cases = context.cases
    outcome = await cases.agreements.accept_offer(button.offer_id, actor_of(update.effective_user, context),  # type: ignore[arg-type]
                                                  message.chat_id, sent_at(update), update.update_id,
                                                  button.need_id if isinstance(button, buttons.RecordOfferFor)
                                                  else None)
    if not outcome.ok:
        await answer(update, refusal(outcome), alert=True)
        return
    assert outcome.agreement is not None and outcome.need is not None  # a success carries them
    await answer(update, texts.TOAST_RECORDED)
    await edit(context, message.chat_id, message.message_id,
               texts.agreement_recorded(outcome.agreement, outcome.need.number, await cases.parties.names()))


async def decide_join(update: Update, context: BotContext, button: buttons.DecideJoin) -> None:
    cases = context.cases
    outcome = await cases.people.decide_join(actor_of(update.effective_user, context), button.request_id,  # type: ignore[arg-type]
                                             button.approve, sent_at(update), update.update_id)
    if not outcome.ok:
        await answer(update, refusal(outcome), alert=True)
        return
    assert outcome.request is not None and outcome.party is not None  # a success carries them
    await answer(update, texts.TOAST_DECIDED)
    person = await cases.people.person(outcome.request.user_id)
    label = texts.mention_label(outcome.request.user_id, person.display_name if person else None)
    message = update.effective_message
    if message is not None:
        await edit(context, message.chat_id, message.message_id,
                   texts.join_decided(label, outcome.party, button.approve))


# Each kind of button and the handler of a press on it (the registration site adds them in this order).
BUTTONS: tuple[tuple[type[buttons.ButtonData], Callable[[Update, BotContext], Awaitable[None]]], ...] = (
    (buttons.Claim, pressing(buttons.Claim, claim)),
    (buttons.HandOver, pressing(buttons.HandOver, hand_over)),
    (buttons.HandOverTo, pressing(buttons.HandOverTo, hand_over_to)),
    (buttons.HandOverWhy, pressing(buttons.HandOverWhy, handovers.hand_over_why)),
    (buttons.Overrule, pressing(buttons.Overrule, handovers.overrule)),
    (buttons.KeepCard, pressing(buttons.KeepCard, keep_card)),
    (buttons.Resolve, pressing(buttons.Resolve, resolve)),
    (buttons.Assign, pressing(buttons.Assign, assign)),
    (buttons.ChooseLead, pressing(buttons.ChooseLead, choose_lead)),
    (buttons.DecideJoin, pressing(buttons.DecideJoin, decide_join)),
    (buttons.Detail, pressing(buttons.Detail, detail)),
    (buttons.ListPage, pressing(buttons.ListPage, list_page)),
    (buttons.NeedsPage, pressing(buttons.NeedsPage, needs_page)),
    (buttons.ReportKept, pressing(buttons.ReportKept, report_kept)),
    (buttons.RecordOffer, pressing(buttons.RecordOffer, record_offer)),
    (buttons.RecordOfferFor, pressing(buttons.RecordOfferFor, record_offer)),
    (buttons.ConfirmKept, pressing(buttons.ConfirmKept, confirm_kept)),
    (buttons.Judge, pressing(buttons.Judge, verdicts.judge)),
)
