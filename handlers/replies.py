"""Flows more than one handler shares: announcing a need, confirming a promise, the /needs pages and the
/status text (commands and buttons both show them)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from telegram import InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot import texts
from bot.context import BotContext, Services
from bot.delivery.courier import Parcel
from bot.domain import Need, NeedView, Refusal
from bot.domain.intents import Intent
from bot.texts.refusals import refusal
from handlers.common import actor_of, reply, sent_at
from handlers.keyboards import (
    list_page_buttons,
    need_buttons,
    need_rows,
    page_buttons,
    record_buttons,
    record_choice_buttons,
    redirect_buttons,
    triage_buttons,
    undo_rows,
)

log = logging.getLogger(__name__)


async def register_and_announce(update: Update, context: BotContext, text: str) -> None:
    """Register a need from this message and answer with its card and buttons."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    outcome = await context.cases.needs.register(
        message.chat_id, actor_of(user, context), text, message.message_id, sent_at(update), update.update_id)
    if outcome.view is None:
        if outcome.refusal is Refusal.EMPTY_NEED:
            await reply(update, texts.EMPTY_NEED)
        return  # DUPLICATE_NEED: the same message again, said nothing the first time round
    chat = update.effective_chat
    if context.services.settings.forum_topics and chat is not None and chat.is_forum \
            and not message.is_topic_message:
        if await _announce_in_topic(update, context, outcome.view):
            return
    # The need is registered; its card goes out through the group's outbox, so the next update is
    # handled at once even when the group is at Telegram's limit (cards are then combined).
    post_card(context.services, outcome.view, reply_to=message.message_id)


def post_card(services: Services, view: NeedView, reply_to: int | None = None) -> None:
    need_id, needs = view.need.id, services.cases.needs

    async def attach(message_id: int) -> None:
        await needs.attach_card(need_id, message_id)

    services.courier.post(Parcel(
        view.need.chat_id, texts.need_card(view), need_buttons(view), reply_to=reply_to,
        summary=texts.need_card(view, hint=False), rows=lambda: tuple(tuple(r) for r in need_rows(view, numbered=True)),
        on_sent=attach, footer=texts.COMBINED_CARD_HINT))


async def announce_unannounced(services: Services, now: datetime) -> int:
    """Cards of needs registered by a run that died before sending them (within the last day)."""
    views = await services.cases.needs.unannounced(now - timedelta(days=1))
    for view in views:
        post_card(services, view, reply_to=view.need.message_id)
    if views:
        log.info("announcing %d need(s) whose card was not sent before the restart", len(views))
    return len(views)


async def _announce_in_topic(update: Update, context: BotContext, view: NeedView) -> bool:
    """Forum-topic mode: the need gets its own topic, its card is posted there, and the General
    thread gets a pointer. False (post as usual) when the bot may not create topics."""
    need = view.need
    try:
        topic = await context.bot.create_forum_topic(need.chat_id, texts.topic_name(need))
    except TelegramError as exc:
        log.warning("no topic for need %s: %s", need.id, exc)
        return False
    needs = context.cases.needs
    await needs.attach_topic(need.id, topic.message_thread_id)

    async def attach(message_id: int) -> None:
        await needs.attach_card(need.id, message_id)

    context.services.courier.post(Parcel.message(need.chat_id, texts.need_card(view), need_buttons(view),
                                                 thread_id=topic.message_thread_id, on_sent=attach))
    await reply(update, texts.topic_opened(need))
    return True


async def refresh_card(context: BotContext, view: NeedView) -> None:
    """Bring the need's routing message up to date (claims, routes, resolved); a combined message is
    redrawn with every need it carries. The edit goes through the outbox (a newer one replaces it)."""
    need = view.need
    if need.bot_message_id is None:
        return
    views = await context.cases.needs.on_card(need.chat_id, need.bot_message_id)
    if len(views) > 1:
        text = (texts.combined_header(len(views)) + "\n\n".join(texts.need_card(v, hint=False) for v in views)
                + texts.COMBINED_CARD_HINT)
        rows = [row for v in views for row in need_rows(v, numbered=True)]
        markup = InlineKeyboardMarkup(rows) if rows else None
    else:
        text, markup = texts.need_card(view), need_buttons(view)
    context.services.courier.post(Parcel.edit(need.chat_id, need.bot_message_id, text, markup))


async def commit_and_confirm(update: Update, context: BotContext, need: Need, text: str) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    cases = context.cases
    outcome = await cases.commitments.commit(need, actor_of(user, context), text, sent_at(update), message.message_id,
                                             update.update_id)
    if not outcome.ok:
        await reply(update, refusal(outcome))
        return
    assert outcome.commitment is not None and outcome.party is not None  # a success carries them
    confirmation = texts.commitment_logged(outcome.commitment, outcome.party, need.number, outcome.due)
    commitment_id = outcome.commitment.id

    async def ask_for_date(message_id: int) -> None:  # a reply to this message gives the date
        await cases.commitments.attach_date_question(commitment_id, message_id)

    undated = outcome.commitment.due_date is None
    undo = undo_rows(commitment_id)
    context.services.courier.post(Parcel(
        message.chat_id, confirmation, InlineKeyboardMarkup(undo), reply_to=message.message_id,
        thread_id=message.message_thread_id if message.is_topic_message else None,
        summary=None if undated else confirmation, rows=undo, on_sent=ask_for_date if undated else None))
    view = await cases.needs.view(need.id)
    if view is not None:
        await refresh_card(context, view)


async def note(update: Update, context: BotContext, need: Need, kind: Intent, text: str) -> None:
    """Keep what was said on the need; say something only when a refusal names who should do it instead."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    noted = await context.cases.notes.add(need, kind, actor_of(user, context), text, message.message_id,
                                          sent_at(update), update.update_id)
    if isinstance(noted, Refusal):
        return  # this message was noted before
    if noted.redirect is None:  # kept (in /status and the export): a reaction says so without a word
        context.services.courier.post(Parcel.reaction(message.chat_id, message.message_id, texts.NOTED_REACTION))
        return
    party = noted.redirect
    await reply(update, texts.redirect_offer(need.number, party.short_name), redirect_buttons(need.id, party))


DATE_REFUSALS = (Refusal.NO_DATE, Refusal.DATE_PAST, Refusal.DATE_UNREADABLE, Refusal.DATE_TOO_FAR)


async def set_due_and_confirm(update: Update, context: BotContext, commitment_id: int, text: str) -> None:
    """/due N date, or a reply to the bot's "which date?": set, change or refuse the date. A date refused for
    a promise that has none asks again: a reply to the refusal gives the date."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    cases = context.cases
    outcome = await cases.commitments.set_due(commitment_id, actor_of(user, context), message.chat_id, text,
                                              sent_at(update), update.update_id)
    commitment, need = outcome.commitment, outcome.need
    if not outcome.ok or commitment is None or need is None:
        if outcome.refusal in DATE_REFUSALS and commitment is not None and commitment.due_date is None:
            async def ask_again(message_id: int) -> None:
                await cases.commitments.attach_date_question(commitment.id, message_id)

            thread_id = message.message_thread_id if message.is_topic_message else None
            context.services.courier.post(Parcel.message(message.chat_id, refusal(outcome), reply_to=message.message_id,
                                                         thread_id=thread_id, on_sent=ask_again))
            return
        await reply(update, refusal(outcome))
    elif outcome.previous_due is None:
        await reply(update, texts.due_set(commitment, need.number, outcome.due))
    elif outcome.previous_due == commitment.due_date:
        await reply(update, texts.due_unchanged(commitment, need.number))
    else:
        await reply(update, texts.due_changed(commitment, need.number, outcome.previous_due, outcome.due))


async def offer_to_record(update: Update, context: BotContext, text: str, replied_bot_message: int | None,
                          need_id: int | None = None) -> bool:
    """A message announcing a signing or an investment: offer to record it as an outcome (``need_id``: the need
    it was said under). False when it belongs to no need (then it is treated as any other message)."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return False
    outcome = await context.cases.agreements.offer(
        message.chat_id, actor_of(user, context), text, message.message_id, replied_bot_message,
        sent_at(update), update.update_id, need_id)
    if outcome.refusal is Refusal.ALREADY_RECORDED:
        await reply(update, refusal(outcome))  # announced again: one deal is one agreement
        return True
    if outcome.need is None or outcome.offer is None:
        return False
    if outcome.needs:  # it fits several of the sender's needs as well: which one
        await reply(update, texts.agreement_offer_which([n.number for n in outcome.needs]),
                    record_choice_buttons(outcome.offer.id, outcome.needs))
        return True
    await reply(update, texts.agreement_offer(outcome.need.number), record_buttons(outcome.offer.id))
    return True


NEEDS_PER_PAGE = 10


async def needs_page(context: BotContext, chat_id: int, open_only: bool,
                     page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of /needs (by number) and its ◀ ▶ buttons."""
    needs = context.cases.needs
    total, _ = await needs.page(chat_id, open_only, limit=0)
    pages = max(1, -(-total // NEEDS_PER_PAGE))
    page = min(max(page, 1), pages)
    _, shown = await needs.page(chat_id, open_only, offset=(page - 1) * NEEDS_PER_PAGE, limit=NEEDS_PER_PAGE)
    return (texts.need_list(shown, open_only, total, page, pages),
            page_buttons(page, pages, open_only, [v.need.number for v in shown]))


async def status_text(context: BotContext, chat_id: int, number: int, now: datetime) -> str | None:
    """/status N's text (also behind the 详情 buttons of /needs); None when there is no such need."""
    cases = context.cases
    detail = await cases.needs.detail(chat_id, number)
    if detail is None:
        return None
    people = await cases.people.names({c.user_id for c in detail.claims}
                                      | {e.actor_id for e in detail.events if e.actor_id}
                                      | {n.author_id for n in detail.notes if n.author_id})
    tz = context.services.settings.timezone
    challenge = await cases.challenges.status_part(detail.need.id, now)
    return texts.status(detail, await cases.parties.names(), people, tz, cases.commitments.local_day(now),
                        (challenge,) if challenge else ())


OPEN_LISTS = ("parties",)  # pageable by anyone; the others by admins
TRIAGE_PER_PAGE = 10


async def list_text(context: BotContext, kind: str, chat_id: int, private: bool, now: datetime) -> str:
    """The whole text of a pageable list, computed afresh for each page shown."""
    cases = context.cases
    if kind == "parties":
        return texts.parties(await cases.parties.enabled())
    if kind == "overdue":
        late, undated = await cases.commitments.overdue(chat_id, now)
        return texts.overdue(late, undated, await cases.parties.names(), cases.commitments.local_day(now),
                             context.services.notices.policy.overdue_since(now))
    everywhere = private or kind == "keptall"
    scope, now = None if everywhere else chat_id, context.services.clock()
    records = await cases.commitments.kept_rates(scope, now, context.services.notices.policy)
    names = await cases.parties.names()
    return (texts.scorecard_table(await cases.scorecards.units(scope, now), names, texts.scope(everywhere)) + "\n\n"
            + texts.kept_rates(records, names, texts.scope(everywhere)))


async def list_page(context: BotContext, kind: str, chat_id: int, private: bool, now: datetime,
                    page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    if kind == "triage":
        return await triage_page(context, None if private else chat_id, page)
    pages = texts.pages_of(await list_text(context, kind, chat_id, private, now))
    page = min(max(page, 1), len(pages))
    return texts.page_head(page, len(pages)) + pages[page - 1], list_page_buttons(kind, page, len(pages))


async def triage_page(context: BotContext, chat_id: int | None, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """Ten needs awaiting triage with their 指派 buttons, and ◀ ▶ when there are more."""
    views = await context.cases.routing.triage_queue(chat_id)
    pages = max(1, -(-len(views) // TRIAGE_PER_PAGE))
    page = min(max(page, 1), pages)
    shown = views[(page - 1) * TRIAGE_PER_PAGE: page * TRIAGE_PER_PAGE]
    return (texts.page_head(page, pages) + texts.triage_list(shown, len(views)),
            list_page_buttons("triage", page, pages, triage_buttons(shown)))
