"""Commands about people: /start (the private desk), /help, /parties, /bind, /join, /forget."""

from __future__ import annotations

from telegram import Update
from telegram.error import TelegramError

from bot import texts
from bot.context import BotContext
from bot.domain import Role
from bot.texts.refusals import refusal
from handlers import replies, verdicts
from handlers.common import (
    actor_of,
    args_text,
    is_group,
    parse_user_id,
    refuse_unless_admin,
    refuse_unless_group,
    reply,
    sent_at,
)
from handlers.keyboards import desk_buttons, join_buttons, triage_buttons


async def start(update: Update, context: BotContext) -> None:
    """In a group: who the bot is. In a private chat: the person's desk — an admin's triage queue
    across groups; a liaison's routed needs and promises with buttons; anyone's own open needs."""
    user = update.effective_user
    if is_group(update) or user is None:
        await reply(update, texts.START_TEXT)
        return
    cases = context.cases
    if cases.access.is_admin(user.id):
        views = await cases.routing.triage_queue(None)
        await reply(update, texts.admin_desk(views), triage_buttons(views))
        return
    _, party = await cases.people.role(user.id)
    desk = await cases.needs.desk(user.id)
    today = cases.commitments.local_day(context.services.clock())
    await reply(update, texts.desk(party, desk.routed, desk.promises, desk.authored, today, desk.latest_notes,
                                   (desk.routed_total, desk.authored_total)),
                desk_buttons(party.id if party else None, desk.routed, desk.promises))
    await verdicts.ask_again(context, update.effective_chat.id, user.id)  # type: ignore[union-attr]  # 待您评价


async def help_command(update: Update, context: BotContext) -> None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    people = context.cases.people
    role, _ = await people.role(user.id)
    served = await people.is_served(chat.id) or (not is_group(update) and role is not Role.ENTERPRISE)
    await reply(update, texts.help_text(role, served, private=not is_group(update)))


async def parties(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    text, markup = await replies.list_page(context, "parties", chat.id, chat.type == "private", sent_at(update), 1)
    await reply(update, text, markup)


async def bind(update: Update, context: BotContext) -> None:
    if await refuse_unless_admin(update, context, everywhere=True):
        return
    message = update.effective_message
    args = args_text(update)
    target_id, target_name, party_query = None, None, ""
    replied = message.reply_to_message if message else None
    if replied is not None and replied.from_user is not None and not replied.from_user.is_bot:
        target_id, target_name, party_query = replied.from_user.id, replied.from_user.full_name, args
    else:
        parts = args.split(maxsplit=1)
        if len(parts) == 2 and (typed := parse_user_id(parts[0])) is not None:
            target_id, party_query = typed, parts[1]
    if target_id is None or not party_query:
        await reply(update, texts.BIND_USAGE)
        return
    if target_name is None and is_group(update):
        target_name = await _member_name(context, update.effective_chat.id, target_id)  # type: ignore[union-attr]
    outcome = await context.cases.people.bind(
        actor_of(update.effective_user, context), target_id, target_name, party_query,  # type: ignore[arg-type]
        sent_at(update), update.update_id)
    if not outcome.ok:
        await reply(update, refusal(outcome))
        return
    assert outcome.party is not None  # a success carries them
    await reply(update, texts.bound(texts.mention_label(target_id, target_name), outcome.party))


async def _member_name(context: BotContext, chat_id: int, user_id: int) -> str | None:
    """The user's name as the group knows it, when Telegram will tell us."""
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)
    except TelegramError:
        return None
    return member.user.full_name or None


async def join(update: Update, context: BotContext) -> None:
    if await refuse_unless_group(update):
        return
    query = args_text(update)
    if not query:
        await reply(update, texts.JOIN_USAGE)
        return
    actor = actor_of(update.effective_user, context)  # type: ignore[arg-type]
    outcome = await context.cases.people.request_join(actor, update.effective_chat.id, query,  # type: ignore[union-attr]
                                                      sent_at(update), update.update_id)
    if not outcome.ok:
        await reply(update, refusal(outcome))
        return
    assert outcome.party is not None and outcome.request is not None  # a success carries them
    await reply(update, texts.join_sent(outcome.party))
    await reply(update, texts.join_requested(actor.person, outcome.party), join_buttons(outcome.request.id))


async def forget(update: Update, context: BotContext) -> None:
    """/forget <user id> (or as a reply to the person's message): admins only."""
    if await refuse_unless_admin(update, context, everywhere=True):
        return
    message = update.effective_message
    replied = message.reply_to_message if message else None
    target = replied.from_user.id if replied is not None and replied.from_user is not None \
        and not replied.from_user.is_bot else None
    args = args_text(update)
    if target is None:
        target = parse_user_id(args)
    if target is None:
        await reply(update, texts.FORGET_USAGE)
        return
    outcome = await context.cases.people.forget(actor_of(update.effective_user, context), target,  # type: ignore[arg-type]
                                                sent_at(update), update.update_id)
    await reply(update, texts.forgotten(dict(outcome.counts)) if outcome.ok else refusal(outcome))
