"""Admins' commands on the directory and on promises: /party, /overdue, /kept."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.context import BotContext
from bot.texts.refusals import refusal
from handlers import replies
from handlers.common import actor_of, args_text, refuse_unless_admin, refuse_unless_group, reply, sent_at


async def overdue(update: Update, context: BotContext) -> None:
    if await refuse_unless_admin(update, context) or await refuse_unless_group(update):
        return
    text, markup = await replies.list_page(context, "overdue", update.effective_chat.id,  # type: ignore[union-attr]
                                           False, sent_at(update), 1)
    await reply(update, text, markup)


async def kept(update: Update, context: BotContext) -> None:
    """Kept-rate per party: this group's, or every group's with "all" or in a private chat."""
    if await refuse_unless_admin(update, context):
        return
    chat = update.effective_chat
    if chat is None:
        return
    arg = args_text(update).strip().lower()
    if arg not in ("", "all", "全部"):
        await reply(update, texts.KEPT_USAGE)
        return
    kind = "kept" if arg == "" else "keptall"
    text, markup = await replies.list_page(context, kind, chat.id, chat.type == "private", sent_at(update), 1)
    await reply(update, text, markup)


async def party(update: Update, context: BotContext) -> None:
    """/party <id> | add <id> <kind> <name> | edit <id> <field> <value> | disable <id> | enable <id>."""
    if await refuse_unless_admin(update, context, everywhere=True):
        return
    parties, actor, at = context.cases.parties, actor_of(update.effective_user, context), sent_at(update)  # type: ignore[arg-type]
    words = args_text(update).split(maxsplit=3)
    action = words[0].lower() if words else ""
    if action == "add" and len(words) == 4:
        outcome = await parties.add(actor, words[1], words[2].lower(), words[3], at, update.update_id)
    elif action == "edit" and len(words) == 4:
        outcome = await parties.edit(actor, words[1], words[2].lower(), words[3], at, update.update_id)
    elif action in ("disable", "enable") and len(words) == 2:
        outcome = await parties.set_enabled(actor, words[1], action == "enable", at, update.update_id)
    elif len(words) == 1 and action not in texts.PARTY_ACTIONS:
        found = await parties.get(action)
        await reply(update, texts.party_card(found) if found else texts.PARTY_UNKNOWN)
        return
    else:
        await reply(update, texts.PARTY_USAGE)
        return
    if outcome.ok and outcome.party is not None:
        await reply(update, texts.party_saved(outcome.party, texts.PARTY_ACTIONS[action]))
        return
    await reply(update, refusal(outcome))
