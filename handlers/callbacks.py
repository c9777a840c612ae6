"""Button presses: 认领, 转交 (and the choice of a better owner), 已解决, join approvals."""

from __future__ import annotations

from collections.abc import Callable

from telegram import Message, Update

from bot import texts
from bot.context import BotContext
from bot.domain import NeedView, Outcome, Party
from bot.services.matchmaking import RepeatedUpdate
from handlers import replies
from handlers.common import actor_of, answer, edit, edit_markup, parse_number, send, send_and_wait, sent_at
from handlers.keyboards import (
    AGREE,
    ASSIGN,
    CANCEL,
    CLAIM,
    DECLINE,
    DETAIL,
    FULFIL,
    JOIN,
    KEPT,
    LIST_PAGE,
    NEEDS_PAGE,
    RESOLVE,
    TRANSFER,
    kept_buttons,
    need_buttons,
    parse,
    transfer_buttons,
)


async def on_button(update: Update, context: BotContext) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    parts = parse(query.data)
    if len(parts) < 2 or parse_number(parts[1]) is None:
        await answer(update, texts.BUTTON_STALE)
        return
    action, ident = parts[0], int(parts[1])
    try:
        if action == CLAIM and len(parts) == 2:
            await _claim(update, context, ident)
        elif action == DECLINE and len(parts) == 2:
            await _decline_menu(update, context, ident)
        elif action == TRANSFER and len(parts) == 3:
            await _transfer(update, context, ident, parts[2])
        elif action == CANCEL and len(parts) == 2:
            await _cancel(update, context, ident)
        elif action == RESOLVE and len(parts) == 2:
            await _resolve(update, context, ident)
        elif action == ASSIGN and len(parts) == 3:
            await _assign(update, context, ident, parts[2])
        elif action == JOIN and len(parts) == 3 and parts[2] in ("y", "n"):
            await _decide_join(update, context, ident, parts[2] == "y")
        elif action == DETAIL and len(parts) == 2:
            await _detail(update, context, ident)
        elif action == LIST_PAGE and len(parts) == 3 and parts[2] in replies.LIST_KINDS:
            await _list_page(update, context, ident, parts[2])
        elif action == NEEDS_PAGE and len(parts) == 3 and parts[2] in ("o", "a"):
            await _needs_page(update, context, ident, parts[2] == "o")
        elif action == FULFIL and len(parts) == 2:
            await _fulfil(update, context, ident)
        elif action == AGREE and len(parts) == 2:
            await _record_offer(update, context, ident)
        elif action == KEPT and len(parts) == 3 and parts[2] in ("y", "n"):
            await _confirm_kept(update, context, ident, parts[2] == "y")
        else:
            await answer(update, texts.BUTTON_STALE)
    except RepeatedUpdate:
        return


async def _announce(update: Update, context: BotContext, outcome: Outcome, toast: str,
                    notice: Callable[[NeedView, Party], str]) -> None:
    """A button changed a need: refuse with an alert, or confirm, update the card, tell the group."""
    if not outcome.ok or outcome.view is None or outcome.party is None:
        await answer(update, replies.refusal(outcome), alert=True)
        return
    await answer(update, toast)
    await replies.refresh_card(context, outcome.view)
    await send(context, outcome.view.need.chat_id, notice(outcome.view, outcome.party),
               reply_to=outcome.view.need.bot_message_id)


async def _claim(update: Update, context: BotContext, need_id: int) -> None:
    actor = actor_of(update.effective_user, context)  # type: ignore[arg-type]
    outcome = await context.matchmaking.claim(need_id, actor, sent_at(update), update.update_id)
    await _announce(update, context, outcome, "已认领",
                    lambda view, party: texts.claimed(party, actor.person, view.need.number))


async def _decline_menu(update: Update, context: BotContext, need_id: int) -> None:
    outcome = await context.matchmaking.decline_options(need_id, actor_of(update.effective_user, context))  # type: ignore[arg-type]
    if not outcome.ok or outcome.need is None:
        await answer(update, replies.refusal(outcome), alert=True)
        return
    await answer(update, texts.decline_prompt(outcome.need.number))
    message = update.effective_message
    if message is not None:
        await edit_markup(context, message.chat_id, message.message_id,
                          transfer_buttons(need_id, outcome.options))


async def _transfer(update: Update, context: BotContext, need_id: int, party_id: str) -> None:
    outcome = await context.matchmaking.decline(need_id, actor_of(update.effective_user, context), party_id,  # type: ignore[arg-type]
                                                sent_at(update), update.update_id)
    await _announce(update, context, outcome, "已转交",
                    lambda view, party: texts.declined(view.need.number, outcome.previous, party))


async def _assign(update: Update, context: BotContext, need_id: int, party_id: str) -> None:
    outcome = await context.matchmaking.assign(need_id, actor_of(update.effective_user, context), party_id,  # type: ignore[arg-type]
                                               sent_at(update), update.update_id)
    await _announce(update, context, outcome, "已指派", lambda view, party: texts.assigned(view.need.number, party))


async def _cancel(update: Update, context: BotContext, need_id: int) -> None:
    view = await context.matchmaking.view(need_id)
    await answer(update, texts.CANCELLED)
    message = update.effective_message
    if view is not None and message is not None:
        await edit_markup(context, message.chat_id, message.message_id, need_buttons(view))


async def _resolve(update: Update, context: BotContext, need_id: int) -> None:
    outcome = await context.matchmaking.resolve(need_id, actor_of(update.effective_user, context),  # type: ignore[arg-type]
                                                sent_at(update), update.update_id)
    if not outcome.ok or outcome.view is None:
        await answer(update, replies.refusal(outcome), alert=True)
        return
    await answer(update, "已标记解决")
    await replies.refresh_card(context, outcome.view)


async def _confirm_kept(update: Update, context: BotContext, commitment_id: int, kept: bool) -> None:
    message = update.effective_message
    if message is None:
        return
    outcome = await context.matchmaking.confirm(commitment_id, actor_of(update.effective_user, context),  # type: ignore[arg-type]
                                                message.chat_id, kept, sent_at(update), update.update_id)
    if outcome.status == "not_allowed":
        await answer(update, texts.NOT_CONFIRMER, alert=True)
        return
    if outcome.status not in ("ok", "disputed") or outcome.commitment is None or outcome.need is None:
        await answer(update, replies.refusal(outcome), alert=True)
        return
    await answer(update, "已确认" if kept else "已记录异议")
    await edit_markup(context, message.chat_id, message.message_id, None)  # the question is answered
    text = (texts.commitment_done(outcome.commitment, outcome.party, outcome.need.number) if kept
            else texts.commitment_disputed(outcome.commitment, outcome.need.number))
    await send(context, message.chat_id, text, reply_to=message.message_id)


async def _admin_button(update: Update, context: BotContext) -> Message | None:
    """The button's message when an admin pressed it; otherwise an alert and None."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return None
    if not (context.matchmaking.is_admin(user.id) or context.admin_of == message.chat_id):
        await answer(update, texts.NOT_ADMIN, alert=True)
        return None
    return message


async def _detail(update: Update, context: BotContext, number: int) -> None:
    """详情 under /needs: need #N's status, sent to the group (admins only, as /status)."""
    message = await _admin_button(update, context)
    if message is None:
        return
    text = await replies.status_text(context, message.chat_id, number, sent_at(update))
    await answer(update, None if text else texts.NEED_NOT_FOUND)
    if text:
        await send(context, message.chat_id, text, reply_to=message.message_id)


async def _list_page(update: Update, context: BotContext, page: int, kind: str) -> None:
    message = update.effective_message if kind in replies.OPEN_LISTS else await _admin_button(update, context)
    if message is None:
        return
    text, markup = await replies.list_page(context, kind, message.chat_id, message.chat.type == "private",
                                           sent_at(update), page)
    await answer(update)
    await edit(context, message.chat_id, message.message_id, text, markup)


async def _needs_page(update: Update, context: BotContext, page: int, open_only: bool) -> None:
    message = await _admin_button(update, context)
    if message is None:
        return
    text, markup = await replies.needs_page(context, message.chat_id, open_only, page)
    await answer(update)
    await edit(context, message.chat_id, message.message_id, text, markup)


async def _fulfil(update: Update, context: BotContext, commitment_id: int) -> None:
    """「报告兑现」 in a private chat: the report (and its confirm buttons) goes to the need's group."""
    mm = context.matchmaking
    chat_id = await mm.commitment_chat(commitment_id)
    if chat_id is None:
        await answer(update, texts.COMMITMENT_NOT_FOUND, alert=True)
        return
    outcome = await mm.done(commitment_id, actor_of(update.effective_user, context), chat_id,  # type: ignore[arg-type]
                            sent_at(update), update.update_id)
    if outcome.status not in ("ok", "reported") or outcome.commitment is None or outcome.need is None:
        await answer(update, replies.refusal(outcome), alert=True)
        return
    await answer(update, "已报告，等待需求方确认" if outcome.status == "reported" else "已兑现")
    if outcome.status == "ok":
        await send(context, chat_id, texts.commitment_done(outcome.commitment, outcome.party, outcome.need.number))
        return
    sent = await send_and_wait(context, chat_id,
                               texts.commitment_reported(outcome.commitment, outcome.party, outcome.need),
                               kept_buttons(outcome.commitment.id))
    if sent.message_id is not None:
        await mm.attach_report_message(outcome.commitment.id, sent.message_id)


async def _record_offer(update: Update, context: BotContext, offer_id: int) -> None:
    message = update.effective_message
    if message is None:
        return
    mm = context.matchmaking
    outcome = await mm.accept_offer(offer_id, actor_of(update.effective_user, context), message.chat_id,  # type: ignore[arg-type]
                                    sent_at(update), update.update_id)
    if not outcome.ok or outcome.agreement is None or outcome.need is None:
        await answer(update, replies.refusal(outcome), alert=True)
        return
    await answer(update, "已记录")
    await edit(context, message.chat_id, message.message_id,
               texts.agreement_recorded(outcome.agreement, outcome.need.number, await mm.party_names()))


async def _decide_join(update: Update, context: BotContext, request_id: int, approve: bool) -> None:
    mm = context.matchmaking
    outcome = await mm.decide_join(actor_of(update.effective_user, context), request_id, approve,  # type: ignore[arg-type]
                                   sent_at(update), update.update_id)
    if not outcome.ok or outcome.request is None or outcome.party is None:
        await answer(update, replies.refusal(outcome), alert=True)
        return
    await answer(update, "已处理")
    person = await mm.person(outcome.request.user_id)
    label = texts.mention_label(outcome.request.user_id, person.display_name if person else None)
    message = update.effective_message
    if message is not None:
        await edit(context, message.chat_id, message.message_id,
                   texts.join_decided(label, outcome.party, approve))
