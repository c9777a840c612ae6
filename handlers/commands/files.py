"""Commands answered with a file: /report (summary and chart), /export, /backup, /directory export|import, /monthly
(the 场景机会清单: message, chart and XLSX)."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from telegram import Update
from telegram.error import TelegramError

from bot import texts
from bot.context import BotContext
from bot.domain.directory import DirectoryError, dump_directory, parse_directory
from bot.domain.opportunities import Month
from bot.domain.reports import PERIODS
from bot.texts.refusals import refusal
from handlers.common import actor_of, args_text, refuse_unless_admin, reply, send_file, sent_at

log = logging.getLogger(__name__)
DIRECTORY_MAX_BYTES = 2 * 1024 * 1024
BACKUP_MAX_BYTES = 50 * 1024 * 1024  # what a bot may upload through the public Bot API


async def directory(update: Update, context: BotContext) -> None:
    """/directory export: the directory file; /directory import: from a JSON file sent with it or replied to."""
    if await refuse_unless_admin(update, context, everywhere=True):
        return
    message = update.effective_message
    if message is None:
        return
    action = (args_text(update).strip().lower() or "").split(" ")[0]
    cases = context.cases
    if action == "export":
        content = dump_directory(await cases.parties.everything(), "exported by /directory export")
        day = cases.records.local_day(context.services.clock())
        await send_file(update, content.encode("utf-8"), f"directory-{day}.json")
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
    outcome = await cases.parties.import_directory(actor_of(update.effective_user, context), parties,  # type: ignore[arg-type]
                                                   sent_at(update), update.update_id)
    await reply(update, texts.directory_imported(dict(outcome.counts)) if outcome.ok else refusal(outcome))


async def backup(update: Update, context: BotContext) -> None:
    """/backup (admin, private chat): the database as a file — a consistent online copy."""
    if await refuse_unless_admin(update, context, everywhere=True):
        return
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    if chat.type != "private":
        await reply(update, texts.BACKUP_PRIVATE_ONLY)
        return
    with tempfile.TemporaryDirectory() as folder:
        path = await context.cases.records.backup(Path(folder), context.services.clock())
        size = path.stat().st_size
        if size > BACKUP_MAX_BYTES:
            await reply(update, texts.backup_too_big(size))
            return
        data = path.read_bytes()
    await send_file(update, data, path.name, texts.backup_caption(size))


async def report(update: Update, context: BotContext) -> None:
    """/report [week|month|all]: a Chinese summary and a PNG chart; every group from a private chat."""
    if await refuse_unless_admin(update, context):
        return
    period = args_text(update).strip().lower() or "week"
    chat, message = update.effective_chat, update.effective_message
    if period not in PERIODS:
        await reply(update, texts.REPORT_USAGE)
        return
    if chat is None or message is None:
        return
    everywhere = chat.type == "private"
    cases = context.cases
    scope = texts.scope(everywhere)
    data = await cases.records.report(None if everywhere else chat.id, period, context.services.clock())
    names = await cases.parties.names()
    await reply(update, texts.report(data, names, scope, period))
    png = await cases.records.chart(data, names, texts.report_title(scope, period))
    await send_file(update, png, "report.png", photo=True)


async def export(update: Update, context: BotContext) -> None:
    """/export [xlsx|csv]: this group's records, or every group's from an admin's private chat."""
    if await refuse_unless_admin(update, context):
        return
    kind = (args_text(update).strip().lower() or "xlsx")
    if kind not in ("xlsx", "csv"):
        await reply(update, texts.EXPORT_USAGE)
        return
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    everywhere = chat.type == "private"
    name, data, counts = await context.cases.records.export(None if everywhere else chat.id, kind,
                                                            context.services.clock())
    await send_file(update, data, name, texts.export_caption(texts.scope(everywhere), counts))


async def monthly(update: Update, context: BotContext) -> None:
    """/monthly [YYYY-MM]: the month's 场景机会清单 (this month by default) as a message, a PNG and an XLSX; every
    group's from a private chat."""
    if await refuse_unless_admin(update, context):
        return
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    cases, now = context.cases, context.services.clock()
    words = args_text(update).strip()
    month = Month.parse(words) if words else cases.monthly.this_month(now)
    if month is None:
        await reply(update, texts.MONTHLY_USAGE)
        return
    if month > cases.monthly.this_month(now):
        await reply(update, texts.MONTHLY_NOT_YET)
        return
    files = await cases.monthly.produce(None if chat.type == "private" else chat.id, month, now)
    await reply(update, files.text)
    await send_file(update, files.png, files.png_name, photo=True)
    await send_file(update, files.xlsx, files.xlsx_name, files.caption)
