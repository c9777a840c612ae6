"""The standing lists (供给清单): /offer publishes one for the sender's own party; /offers lists the open ones (◀ ▶
pages, edited in place), shows one in full, and lets its owners edit and close it; an admin exports and imports
the lists as a spreadsheet (a file sent with the caption "/offers import", or a reply to one)."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot import texts
from bot.context import BotContext
from bot.domain.offer_lists import OfferOutcome, OfferPage
from bot.domain.offers import OfferKind
from bot.texts.refusals import offer_refused
from handlers import buttons, matches
from handlers.buttons import ButtonData
from handlers.callbacks import pressing
from handlers.common import (
    actor_of,
    answer,
    args_text,
    edit,
    parse_number,
    refuse_unless_admin,
    reply,
    send_file,
    sent_at,
)
from nlp.offer_words import action_of

log = logging.getLogger(__name__)
SHEET_MAX_BYTES = 2 * 1024 * 1024
_ALL = "all"


@dataclasses.dataclass(frozen=True)
class OffersPage(ButtonData):
    """◀ ▶ under /offers: ``scope`` is "all", a kind (scenario, capability, investment) or — ``party`` — a party
    id."""

    prefix = "opage"
    page: int
    scope: str
    party: bool


def page_buttons(page: OfferPage) -> InlineKeyboardMarkup | None:
    if page.pages <= 1:
        return None
    scope, party = ((page.party.id, True) if page.party is not None
                    else (page.kind.value if page.kind is not None else _ALL, False))
    row = []
    if page.page > 1:
        row.append(InlineKeyboardButton(texts.BUTTON_PREVIOUS,
                                        callback_data=OffersPage(page.page - 1, scope, party).encode()))
    if page.page < page.pages:
        row.append(InlineKeyboardButton(texts.BUTTON_NEXT,
                                        callback_data=OffersPage(page.page + 1, scope, party).encode()))
    return InlineKeyboardMarkup([row])


async def offer(update: Update, context: BotContext) -> None:
    """/offer [单位] 场景|能力|投资 标题；内容: a liaison or member publishes for their own party (an admin for any)."""
    user = update.effective_user
    if user is None:
        return
    outcome = await context.cases.offers.publish(actor_of(user, context), args_text(update), sent_at(update),
                                                 update.update_id, _scope(update))
    if not outcome.ok:
        await reply(update, offer_refused(outcome))
        return
    assert outcome.offer is not None and outcome.party is not None  # a publication carries them
    text, markup = texts.offer_published(outcome.offer, outcome.party), None
    if outcome.found is not None:
        matched, markup = matches.offer_owner_message(_chat_id(update), outcome.found)
        text = f"{text}\n\n{matched}"
    elif outcome.for_party:
        text = f"{text}\n\n{texts.OFFER_FOR_PARTY}"
    await reply(update, text, markup)
    await matches.show_on_cards(context, outcome.found)


def _chat_id(update: Update) -> int:
    return update.effective_chat.id if update.effective_chat is not None else 0


def _scope(update: Update) -> int | None:
    """Whose needs a new offer meets: this group's, or (published in a private chat) every group's."""
    chat = update.effective_chat
    return None if chat is None or chat.type == "private" else chat.id


async def offers(update: Update, context: BotContext) -> None:
    """/offers [类别|单位|编号], /offers close N, /offers edit N 字段 新值, /offers export|import."""
    words = args_text(update).split(maxsplit=1)
    first = words[0] if words else ""
    rest = words[1] if len(words) > 1 else ""
    action = action_of(first)
    if action == "close":
        await _close(update, context, rest)
    elif action == "edit":
        await _edit(update, context, rest)
    elif action == "export":
        await _export(update, context)
    elif action == "import":
        await _import(update, context)
    elif (number := parse_number(first)) is not None and not rest:
        await _one(update, context, number)
    else:
        await _list(update, context, args_text(update))


async def _list(update: Update, context: BotContext, query: str) -> None:
    found = await context.cases.offers.listing(query, context.services.clock())
    if isinstance(found, OfferOutcome):
        await reply(update, offer_refused(found))
        return
    await reply(update, texts.offer_page(found, await context.cases.parties.names()), page_buttons(found))


async def _one(update: Update, context: BotContext, number: int) -> None:
    outcome = await context.cases.offers.one(number)
    await reply(update, texts.offer_full(outcome) if outcome.ok else offer_refused(outcome))


async def _close(update: Update, context: BotContext, rest: str) -> None:
    number = parse_number(rest.strip())
    if number is None or update.effective_user is None:
        await reply(update, texts.OFFERS_USAGE)
        return
    outcome = await context.cases.offers.close(actor_of(update.effective_user, context), number, sent_at(update),
                                               update.update_id)
    if not outcome.ok:
        await reply(update, offer_refused(outcome))
        return
    assert outcome.offer is not None
    await reply(update, texts.offer_closed(outcome.offer))


async def _edit(update: Update, context: BotContext, rest: str) -> None:
    parts = rest.split(maxsplit=2)
    number = parse_number(parts[0]) if parts else None
    if number is None or len(parts) < 3 or update.effective_user is None:
        await reply(update, texts.OFFERS_USAGE)
        return
    outcome = await context.cases.offers.edit(actor_of(update.effective_user, context), number, parts[1], parts[2],
                                              sent_at(update), update.update_id, _scope(update))
    if not outcome.ok:
        await reply(update, offer_refused(outcome))
        return
    assert outcome.offer is not None
    await reply(update, texts.offer_edited(outcome.offer, outcome.party, outcome.changed))
    if outcome.found is not None and (outcome.found.found or outcome.found.elsewhere):  # needs that fit now
        await reply(update, *matches.offer_owner_message(_chat_id(update), outcome.found))
        await matches.show_on_cards(context, outcome.found)


async def _export(update: Update, context: BotContext) -> None:
    if await refuse_unless_admin(update, context, everywhere=True) or update.effective_user is None:
        return
    found = await context.cases.offers.export(actor_of(update.effective_user, context), context.services.clock())
    if isinstance(found, OfferOutcome):
        await reply(update, offer_refused(found))
        return
    name, data, count = found
    await send_file(update, data, name, texts.offers_exported(count))


async def _import(update: Update, context: BotContext) -> None:
    """From an XLSX file sent with the caption "/offers import", or one the command replies to."""
    if await refuse_unless_admin(update, context, everywhere=True):
        return
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    document = message.document or (message.reply_to_message.document if message.reply_to_message else None)
    if document is None:
        await reply(update, texts.OFFERS_NO_FILE)
        return
    if (document.file_size or 0) > SHEET_MAX_BYTES:
        await reply(update, texts.OFFERS_TOO_BIG)
        return
    try:
        data = bytes(await (await document.get_file()).download_as_bytearray())
    except TelegramError as exc:
        log.warning("offers file not downloaded: %s", exc)
        await reply(update, texts.SEND_FAILED)
        return
    outcome = await context.cases.offers.import_sheet(actor_of(user, context), data, sent_at(update),
                                                      update.update_id)
    await reply(update, texts.offers_imported(dict(outcome.counts)) if outcome.ok else offer_refused(outcome))


async def page_pressed(update: Update, context: BotContext, button: OffersPage) -> None:
    """◀ ▶ under /offers, by anyone: the list is edited in place."""
    message = update.effective_message
    if message is None:
        return
    kind, party_id = None, button.scope if button.party else None
    if not button.party and button.scope != _ALL:
        if button.scope not in {k.value for k in OfferKind}:
            await answer(update, texts.BUTTON_STALE)
            return
        kind = OfferKind(button.scope)
    page = await context.cases.offers.page(kind, party_id, button.page, context.services.clock())
    await answer(update)
    await edit(context, message.chat_id, message.message_id,
               texts.offer_page(page, await context.cases.parties.names()), page_buttons(page))


BUTTONS: tuple[tuple[type[buttons.ButtonData], Callable[[Update, BotContext], Awaitable[None]]], ...] = (
    (OffersPage, pressing(OffersPage, page_pressed)),
)
