"""Slash commands. Each reads its arguments, calls one domain operation, renders the outcome."""

from __future__ import annotations

import asyncio
import logging
import re
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from telegram import Update
from telegram.error import TelegramError

from bot import texts
from bot.context import BotContext
from bot.domain import Outcome, Role
from bot.domain.directory import DirectoryError, dump_directory, parse_directory
from bot.services import exports, reports
from bot.services.matchmaking import RepeatedUpdate
from handlers import replies
from handlers.common import actor_of, is_group, parse_number, reply, reply_and_wait, send_file, sent_at
from handlers.keyboards import (
    desk_buttons,
    join_buttons,
    kept_buttons,
    need_buttons,
    triage_buttons,
)


def _args_text(update: Update) -> str:
    """Everything after the command word, newlines kept (a file's caption counts as its text)."""
    message = update.effective_message
    text = (message.text or message.caption) if message else ""
    parts = (text or "").split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


log = logging.getLogger(__name__)


async def _refuse_unless_admin(update: Update, context: BotContext, everywhere: bool = False) -> bool:
    """True (and a refusal said) unless an admin sent it: one of ADMIN_IDS, or — for what concerns this
    group only, with ADMINS_FROM_CHAT — the group's own Telegram administrator."""
    user, chat = update.effective_user, update.effective_chat
    allowed = user is not None and (context.matchmaking.is_admin(user.id) or (
        not everywhere and chat is not None and context.admin_of == chat.id))
    if not allowed:
        await reply(update, texts.NOT_ADMIN)
        return True
    return False


async def _refuse_unless_group(update: Update) -> bool:
    if not is_group(update):
        await reply(update, texts.GROUP_ONLY)
        return True
    return False


async def start(update: Update, context: BotContext) -> None:
    """In a group: who the bot is. In a private chat: the person's desk — an admin's triage queue
    across groups; a liaison's routed needs and promises with buttons; anyone's own open needs."""
    user = update.effective_user
    if is_group(update) or user is None:
        await reply(update, texts.START_TEXT)
        return
    mm = context.matchmaking
    if mm.is_admin(user.id):
        views = await mm.triage_queue(None)
        await reply(update, texts.admin_desk(views), triage_buttons(views))
        return
    _, party = await mm.role(user.id)
    routed, promises, authored = await mm.my_desk(user.id)
    today = mm.local_day(context.services.clock())
    await reply(update, texts.desk(party, routed, promises, authored, today),
                desk_buttons(party.id if party else None, routed, promises))


async def help_command(update: Update, context: BotContext) -> None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    role, _ = await context.matchmaking.role(user.id)
    served = await context.matchmaking.is_served(chat.id) or (not is_group(update) and role is not Role.ENTERPRISE)
    await reply(update, texts.help_text(role, served))


async def parties(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    text, markup = await replies.list_page(context, "parties", chat.id, chat.type == "private", sent_at(update), 1)
    await reply(update, text, markup)


async def need(update: Update, context: BotContext) -> None:
    if await _refuse_unless_group(update):
        return
    text = _args_text(update)
    if not text:
        await reply(update, texts.EMPTY_NEED)
        return
    await replies.register_and_announce(update, context, text)


async def needs(update: Update, context: BotContext) -> None:
    if await _refuse_unless_admin(update, context) or await _refuse_unless_group(update):
        return
    arg = _args_text(update).lower()
    if arg not in ("", "open", "all", "全部"):
        await reply(update, texts.NEEDS_USAGE)
        return
    open_only = arg in ("", "open")
    text, markup = await replies.needs_page(context, update.effective_chat.id, open_only, 1)  # type: ignore[union-attr]
    await reply(update, text, markup)


async def status(update: Update, context: BotContext) -> None:
    if await _refuse_unless_admin(update, context) or await _refuse_unless_group(update):
        return
    number = parse_number(_args_text(update))
    if number is None:
        await reply(update, texts.STATUS_USAGE)
        return
    text = await replies.status_text(context, update.effective_chat.id, number, sent_at(update))  # type: ignore[union-attr]
    await reply(update, text or texts.NEED_NOT_FOUND)


async def route(update: Update, context: BotContext) -> None:
    if await _refuse_unless_admin(update, context) or await _refuse_unless_group(update):
        return
    parts = _args_text(update).split(maxsplit=1)
    number = parse_number(parts[0]) if parts else None
    if number is None or len(parts) < 2:
        await reply(update, texts.ROUTE_USAGE)
        return
    outcome = await _guard(context.matchmaking.reroute(
        update.effective_chat.id, number, parts[1], actor_of(update.effective_user, context),  # type: ignore[union-attr,arg-type]
        sent_at(update), update.update_id))
    if outcome is None:
        return
    if outcome.ok and outcome.view and outcome.party:
        await reply(update, texts.rerouted(outcome.view.need.number, outcome.party, outcome.view),
                    need_buttons(outcome.view))
        await replies.refresh_card(context, outcome.view)
        return
    await reply(update, replies.refusal(outcome))


async def resolve(update: Update, context: BotContext) -> None:
    """Admins and the need's author (as the 已解决 button); the domain says who may."""
    if await _refuse_unless_group(update):
        return
    number = parse_number(_args_text(update))
    if number is None:
        await reply(update, texts.RESOLVE_USAGE)
        return
    mm = context.matchmaking
    found = await mm.need_by_number(update.effective_chat.id, number)  # type: ignore[union-attr]
    if found is None:
        await reply(update, texts.NEED_NOT_FOUND)
        return
    outcome = await _guard(mm.resolve(found.id, actor_of(update.effective_user, context), sent_at(update),  # type: ignore[arg-type]
                                      update.update_id))
    if outcome is None:
        return
    if outcome.ok and outcome.view:
        await reply(update, texts.resolved(number))
        await replies.refresh_card(context, outcome.view)
        return
    await reply(update, replies.refusal(outcome))


async def overdue(update: Update, context: BotContext) -> None:
    if await _refuse_unless_admin(update, context) or await _refuse_unless_group(update):
        return
    text, markup = await replies.list_page(context, "overdue", update.effective_chat.id,  # type: ignore[union-attr]
                                           False, sent_at(update), 1)
    await reply(update, text, markup)


async def kept(update: Update, context: BotContext) -> None:
    """Kept-rate per party: this group's, or every group's with "all" or in a private chat."""
    if await _refuse_unless_admin(update, context):
        return
    chat = update.effective_chat
    if chat is None:
        return
    kind = "keptall" if _args_text(update).strip().lower() == "all" else "kept"
    text, markup = await replies.list_page(context, kind, chat.id, chat.type == "private", sent_at(update), 1)
    await reply(update, text, markup)


async def party(update: Update, context: BotContext) -> None:
    """/party <id> | add <id> <kind> <name> | edit <id> <field> <value> | disable <id> | enable <id>."""
    if await _refuse_unless_admin(update, context, everywhere=True):
        return
    mm, actor, at = context.matchmaking, actor_of(update.effective_user, context), sent_at(update)  # type: ignore[arg-type]
    words = _args_text(update).split(maxsplit=3)
    action = words[0].lower() if words else ""
    if action == "add" and len(words) == 4:
        operation = mm.add_party(actor, words[1], words[2].lower(), words[3], at, update.update_id)
        what = "新增单位"
    elif action == "edit" and len(words) == 4:
        operation = mm.edit_party(actor, words[1], words[2].lower(), words[3], at, update.update_id)
        what = "修改单位"
    elif action in ("disable", "enable") and len(words) == 2:
        operation = mm.set_party_enabled(actor, words[1], action == "enable", at, update.update_id)
        what = "启用单位" if action == "enable" else "停用单位"
    elif len(words) == 1 and action not in ("add", "edit", "disable", "enable"):
        found = [p for p in await mm.all_parties() if p.id == action]
        await reply(update, texts.party_card(found[0]) if found else texts.PARTY_UNKNOWN)
        return
    else:
        await reply(update, texts.PARTY_USAGE)
        return
    outcome = await _guard(operation)
    if outcome is None:
        return
    if outcome.ok and outcome.party is not None:
        await reply(update, texts.party_saved(outcome.party, what))
        return
    await reply(update, texts.PARTY_REFUSALS.get(outcome.status) or replies.refusal(outcome))


DIRECTORY_MAX_BYTES = 2 * 1024 * 1024


async def directory(update: Update, context: BotContext) -> None:
    """/directory export: the directory file; /directory import: from a JSON file sent with it or replied to."""
    if await _refuse_unless_admin(update, context, everywhere=True):
        return
    message = update.effective_message
    if message is None:
        return
    action = (_args_text(update).strip().lower() or "").split(" ")[0]
    mm = context.matchmaking
    if action == "export":
        content = dump_directory(await mm.all_parties(), "exported by /directory export")
        day = context.services.clock().astimezone(context.services.settings.timezone).date().isoformat()
        await _send_file(update, content.encode("utf-8"), f"directory-{day}.json")
        return
    if action != "import":
        await reply(update, texts.DIRECTORY_USAGE)
        return
    document = message.document or (message.reply_to_message.document if message.reply_to_message else None)
    if document is None:
        await reply(update, texts.DIRECTORY_NO_FILE)
        return
    if (document.file_size or 0) > DIRECTORY_MAX_BYTES:
        await reply(update, texts.DIRECTORY_TOO_BIG)
        return
    try:
        raw = bytes(await (await document.get_file()).download_as_bytearray())
        parties = parse_directory(raw)
    except DirectoryError as exc:
        await reply(update, texts.directory_invalid(str(exc)))
        return
    except TelegramError as exc:
        log.warning("directory file not downloaded: %s", exc)
        await reply(update, texts.SEND_FAILED)
        return
    try:
        outcome, counts = await mm.import_directory(actor_of(update.effective_user, context), parties,  # type: ignore[arg-type]
                                                    sent_at(update), update.update_id)
    except RepeatedUpdate:
        return
    await reply(update, texts.directory_imported(counts) if outcome.ok else replies.refusal(outcome))


async def forget(update: Update, context: BotContext) -> None:
    """/forget <user id> (or as a reply to the person's message): admins only."""
    if await _refuse_unless_admin(update, context, everywhere=True):
        return
    message = update.effective_message
    replied = message.reply_to_message if message else None
    target = replied.from_user.id if replied is not None and replied.from_user is not None \
        and not replied.from_user.is_bot else None
    args = _args_text(update)
    if target is None and re.fullmatch(r"\d{1,20}", args):
        target = int(args)
    if target is None:
        await reply(update, texts.FORGET_USAGE)
        return
    try:
        outcome, touched = await context.matchmaking.forget(actor_of(update.effective_user, context), target,  # type: ignore[arg-type]
                                                            sent_at(update), update.update_id)
    except RepeatedUpdate:
        return
    await reply(update, texts.forgotten(touched) if outcome.ok else replies.refusal(outcome))


BACKUP_MAX_BYTES = 50 * 1024 * 1024  # what a bot may upload through the public Bot API


async def backup(update: Update, context: BotContext) -> None:
    """/backup (admin, private chat): the database as a file — a consistent online copy."""
    if await _refuse_unless_admin(update, context, everywhere=True):
        return
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    if chat.type != "private":
        await reply(update, texts.BACKUP_PRIVATE_ONLY)
        return
    services = context.services
    day = services.clock().astimezone(services.settings.timezone).date().isoformat()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"matchbot-backup-{day}.sqlite3"
        await services.db.backup_to(path)
        size = path.stat().st_size
        if size > BACKUP_MAX_BYTES:
            await reply(update, texts.backup_too_big(size))
            return
        data = path.read_bytes()
    await _send_file(update, data, path.name, texts.backup_caption(size))


async def report(update: Update, context: BotContext) -> None:
    """/report [week|month|all]: a Chinese summary and a PNG chart; every group from a private chat."""
    if await _refuse_unless_admin(update, context):
        return
    period = _args_text(update).strip().lower() or "week"
    chat, message = update.effective_chat, update.effective_message
    if period not in reports.PERIODS:
        await reply(update, texts.REPORT_USAGE)
        return
    if chat is None or message is None:
        return
    everywhere = chat.type == "private"
    services = context.services
    scope = "全部对接群" if everywhere else "本群"
    data = await reports.gather(services.db, None if everywhere else chat.id, period, services.clock(),
                                services.notices.policy)
    names = await services.matchmaking.party_names()
    await reply(update, texts.report(data, names, scope, period))
    title = f"对接成效（{scope}，{texts.PERIOD_NAMES[period]}）"
    png = await asyncio.to_thread(reports.chart_png, data, names, title)  # drawing takes ~0.5 s: off the loop
    await _send_file(update, png, "report.png", photo=True)


async def export(update: Update, context: BotContext) -> None:
    """/export [xlsx|csv]: this group's records, or every group's from an admin's private chat."""
    if await _refuse_unless_admin(update, context):
        return
    kind = (_args_text(update).strip().lower() or "xlsx")
    if kind not in ("xlsx", "csv"):
        await reply(update, texts.EXPORT_USAGE)
        return
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    everywhere = chat.type == "private"
    services = context.services
    zone = services.settings.timezone
    name, data, counts = await exports.export(services.db, None if everywhere else chat.id, zone, kind,
                                              services.clock().astimezone(zone).date().isoformat())
    caption = texts.export_caption("全部对接群" if everywhere else "本群", counts)
    await _send_file(update, data, name, caption)


async def triage(update: Update, context: BotContext) -> None:
    if await _refuse_unless_admin(update, context) or await _refuse_unless_group(update):
        return
    text, markup = await replies.triage_page(context, update.effective_chat.id, 1)  # type: ignore[union-attr]
    await reply(update, text, markup)


async def bind(update: Update, context: BotContext) -> None:
    if await _refuse_unless_admin(update, context, everywhere=True):
        return
    message = update.effective_message
    args = _args_text(update)
    target_id, target_name, party_query = None, None, ""
    replied = message.reply_to_message if message else None
    if replied is not None and replied.from_user is not None and not replied.from_user.is_bot:
        target_id, target_name, party_query = replied.from_user.id, replied.from_user.full_name, args
    else:
        parts = args.split(maxsplit=1)
        if len(parts) == 2 and parts[0].lstrip("-").isdigit() and len(parts[0]) <= 20:
            target_id, party_query = int(parts[0]), parts[1]
    if target_id is None or not party_query:
        await reply(update, texts.BIND_USAGE)
        return
    if target_name is None and is_group(update):
        target_name = await _member_name(context, update.effective_chat.id, target_id)  # type: ignore[union-attr]
    outcome = await _guard(context.matchmaking.bind(
        actor_of(update.effective_user, context), target_id, target_name, party_query,  # type: ignore[arg-type]
        sent_at(update), update.update_id))
    if outcome is None:
        return
    if outcome.ok and outcome.party:
        label = texts.mention_label(target_id, target_name)
        await reply(update, texts.bound(label, outcome.party))
        return
    await reply(update, replies.refusal(outcome))


async def _member_name(context: BotContext, chat_id: int, user_id: int) -> str | None:
    """The user's name as the group knows it, when Telegram will tell us."""
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)
    except TelegramError:
        return None
    return member.user.full_name or None


async def join(update: Update, context: BotContext) -> None:
    if await _refuse_unless_group(update):
        return
    query = _args_text(update)
    if not query:
        await reply(update, texts.JOIN_USAGE)
        return
    user = update.effective_user
    outcome = await _guard(context.matchmaking.request_join(
        actor_of(user, context), update.effective_chat.id, query, sent_at(update), update.update_id))  # type: ignore[arg-type,union-attr]
    if outcome is None:
        return
    if outcome.ok and outcome.party and outcome.request:
        await reply(update, texts.join_sent(outcome.party))
        await reply(update, texts.join_requested(actor_of(user, context).person, outcome.party),  # type: ignore[arg-type]
                    join_buttons(outcome.request.id))
        return
    await reply(update, replies.refusal(outcome))


async def commit(update: Update, context: BotContext) -> None:
    if await _refuse_unless_group(update):
        return
    parts = _args_text(update).split(maxsplit=1)
    number = parse_number(parts[0]) if parts else None
    if number is None:
        await reply(update, texts.COMMIT_USAGE)
        return
    if len(parts) < 2:
        await reply(update, texts.EMPTY_COMMIT)
        return
    found = await context.matchmaking.need_by_number(update.effective_chat.id, number)  # type: ignore[union-attr]
    if found is None:
        await reply(update, texts.NEED_NOT_FOUND)
        return
    await replies.commit_and_confirm(update, context, found, parts[1])


async def due(update: Update, context: BotContext) -> None:
    if await _refuse_unless_group(update):
        return
    parts = _args_text(update).split(maxsplit=1)
    commitment_id = parse_number(parts[0]) if parts else None
    if commitment_id is None or len(parts) < 2:
        await reply(update, texts.DUE_USAGE)
        return
    await replies.set_due_and_confirm(update, context, commitment_id, parts[1])


async def _on_commitment(update: Update, context: BotContext, usage: str,
                         operation: Callable[..., Awaitable[Outcome]]) -> Outcome | None:
    """/done N and /cancel N: read the number, run the operation; a refusal is answered here."""
    if await _refuse_unless_group(update):
        return None
    commitment_id = parse_number(_args_text(update))
    if commitment_id is None:
        await reply(update, usage)
        return None
    outcome = await _guard(operation(
        commitment_id, actor_of(update.effective_user, context), update.effective_chat.id,  # type: ignore[arg-type,union-attr]
        sent_at(update), update.update_id))
    if outcome is not None and outcome.status not in ("ok", "reported"):
        await reply(update, replies.refusal(outcome))
        return None
    return outcome if outcome is not None and outcome.commitment and outcome.need else None


async def done(update: Update, context: BotContext) -> None:
    outcome = await _on_commitment(update, context, texts.DONE_USAGE, context.matchmaking.done)
    if outcome is None or outcome.commitment is None or outcome.need is None:
        return
    if outcome.ok:
        await reply(update, texts.commitment_done(outcome.commitment, outcome.party, outcome.need.number))
        return
    sent = await reply_and_wait(update, texts.commitment_reported(outcome.commitment, outcome.party, outcome.need),
                                kept_buttons(outcome.commitment.id))
    if sent.message_id is not None:
        await context.matchmaking.attach_report_message(outcome.commitment.id, sent.message_id)


async def cancel(update: Update, context: BotContext) -> None:
    outcome = await _on_commitment(update, context, texts.CANCEL_USAGE, context.matchmaking.cancel)
    if outcome is not None and outcome.commitment is not None and outcome.need is not None:
        await reply(update, texts.commitment_cancelled(outcome.commitment, outcome.need.number))


async def agreement(update: Update, context: BotContext) -> None:
    if await _refuse_unless_group(update):
        return
    parts = _args_text(update).split(maxsplit=1)
    number = parse_number(parts[0]) if parts else None
    if number is None or len(parts) < 2:
        await reply(update, texts.AGREEMENT_USAGE)
        return
    mm = context.matchmaking
    outcome = await _guard(mm.record_agreement(
        update.effective_chat.id, number, actor_of(update.effective_user, context), parts[1],  # type: ignore[arg-type,union-attr]
        sent_at(update), update.update_id))
    if outcome is None:
        return
    if outcome.ok and outcome.agreement and outcome.need:
        await reply(update, texts.agreement_recorded(outcome.agreement, outcome.need.number, await mm.party_names()))
        return
    await reply(update, replies.refusal(outcome))


async def _send_file(update: Update, data: bytes, filename: str, caption: str | None = None,
                     photo: bool = False) -> None:
    """A document (or photo) in answer to the command; a refusal by Telegram gets a Chinese reply."""
    await send_file(update, data, filename, caption, photo)


async def _guard(operation: object) -> Outcome | None:
    """Await a domain operation; a repeated update yields None (ignored on purpose)."""
    try:
        return await operation  # type: ignore[misc]
    except RepeatedUpdate:
        return None
