"""Builds the Application from settings and wires every handler in one place."""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from aiohttp import web
from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import texts
from bot.context import BotContext, BotData, Services, UseCases
from bot.delivery import journal, menus, startup
from bot.delivery.chat_admins import ChatAdmins
from bot.delivery.courier import Courier
from bot.delivery.flood import FloodGate
from bot.delivery.http import AiohttpRequest
from bot.delivery.lanes import ChatLanes
from bot.delivery.wirebot import WireBot
from bot.domain.directory import load_directory
from bot.domain.offer_lists import load_starter_offers
from bot.services.learning import build_router
from bot.services.notices import Notices
from bot.settings import Settings
from handlers import (
    callbacks,
    challenges,
    commands,
    conversation,
    desk,
    duplicates,
    extensions,
    gate,
    jobs,
    matches,
    members,
    messages,
    replies,
)
from handlers import offers as offer_lists
from handlers.common import ignoring_repeats
from handlers.errors import on_error
from nlp.intent import shipped_reader
from nlp.router import Router
from storage.db import Database
from storage.offers import seed_offers
from storage.parties import load_parties, seed_directory

log = logging.getLogger(__name__)


def _is_loopback(url: str) -> bool:
    host = urlparse(url).hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")


def file_url(api_url: str) -> str:
    """Where files are downloaded: https://api.telegram.org/bot → https://api.telegram.org/file/bot."""
    return api_url[: -len("/bot")] + "/file/bot" if api_url.endswith("/bot") else api_url.rstrip("/") + "/file/bot"


def build_application(settings: Settings, directory_path: Path | None = None,
                      clock: Callable[[], datetime] | None = None, router: Router | None = None) -> Application:
    """The whole bot, not yet started: `python -m bot` runs it, tests drive it.

    ``router``: a router already fitted on the same directory and examples the database will hold (tests
    share one across Applications instead of fitting one per test); by default it is fitted at start."""
    # A proxy from the environment is honoured for Telegram itself, never for a local server.
    trust_env = not _is_loopback(settings.bot_api_url)
    context_types = ContextTypes(context=BotContext, bot_data=BotData)
    bot = WireBot(
        settings.bot_token, base_url=settings.bot_api_url, base_file_url=file_url(settings.bot_api_url),
        defaults=Defaults(parse_mode=ParseMode.HTML, allow_sending_without_reply=True,
                          link_preview_options=LinkPreviewOptions(is_disabled=True)),
        # aiohttp instead of PTB's default httpx: a quarter of the CPU per Bot API call (bot/delivery/http.py).
        request=AiohttpRequest(connection_pool_size=8, trust_env=trust_env),
        get_updates_request=AiohttpRequest(connection_pool_size=1, read_timeout=40, trust_env=trust_env),
        # Every request waits for its slot under Telegram's limits; 429s are retried.
        rate_limiter=FloodGate(settings.flood_overall, settings.flood_group) if settings.flood_limits else None)
    builder = (
        Application.builder()
        .bot(bot)
        .context_types(context_types)
        .update_queue(journal.JournalQueue())  # every update is in SQLite before Telegram is told it arrived
        .concurrent_updates(ChatLanes())  # one lane per chat: groups do not wait for each other
        .post_init(_post_init(settings, directory_path, clock, router))
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
    )
    application = builder.build()
    register_handlers(application)
    return application


def run(settings: Settings) -> None:
    """Build the bot and run it until stopped: webhook when WEBHOOK_URL is set, long polling otherwise.

    The Bot API is reached first (bot/delivery/startup.py): a network failure is a warning and another try, a
    stop signal meanwhile ends the process cleanly, a rejected token raises TokenRejected (one line, exit 2).
    When polling, PTB's bootstrap_retries=-1 then covers a blip before its own deleteWebhook. Not for the
    webhook: PTB would retry a refused setWebhook (Telegram wants HTTPS, say) for ever, logging at DEBUG only;
    that must stop the bot with the reason."""
    application = build_application(settings)
    loop = asyncio.new_event_loop()  # the loop run_polling / run_webhook will use (and close)
    asyncio.set_event_loop(loop)
    try:
        reached = loop.run_until_complete(startup.reach_or_stop(application, polling=not settings.webhook_url))
    except BaseException:
        loop.close()
        raise
    if not reached:
        loop.close()
        return
    if settings.webhook_url:
        # Telegram posts each update to WEBHOOK_URL (usually a reverse proxy that forwards to
        # WEBHOOK_LISTEN:WEBHOOK_PORT); requests without the secret header are answered 403.
        application.run_webhook(listen=settings.webhook_listen, port=settings.webhook_port,
                                url_path=urlparse(settings.webhook_url).path.lstrip("/"),
                                webhook_url=settings.webhook_url, secret_token=settings.webhook_secret,
                                allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False, bootstrap_retries=-1)


CommandCallback = Callable[[Update, BotContext], Coroutine[Any, Any, None]]

# What each command of the registry (bot.texts.commands.COMMANDS) runs.
COMMAND_CALLBACKS: dict[str, CommandCallback] = {
    "start": commands.start, "help": commands.help_command, "parties": commands.parties,
    "need": commands.need, "needs": commands.needs, "status": commands.status,
    "route": commands.route, "resolve": commands.resolve, "overdue": commands.overdue,
    "bind": commands.bind, "join": commands.join, "commit": commands.commit,
    "due": commands.due, "done": commands.done, "cancel": commands.cancel, "triage": commands.triage,
    "agreement": commands.agreement, "kept": commands.kept, "export": commands.export,
    "report": commands.report, "party": commands.party, "directory": commands.directory,
    "backup": commands.backup, "forget": commands.forget, "extend": extensions.extend,
    "merge": duplicates.merge, "unmerge": duplicates.unmerge,
    "offer": offer_lists.offer, "offers": offer_lists.offers,
    "challenge": challenges.challenge, "bid": challenges.bid,
    "monthly": commands.monthly,
}


def command_table(callbacks: dict[str, CommandCallback] = COMMAND_CALLBACKS) -> list[tuple[str, CommandCallback]]:
    """Each registry command with its callback. A command without a callback, or a callback without a
    command (not in /help nor in any menu), fails here, when the bot is built."""
    names = [command.name for command in texts.COMMANDS]
    missing = [name for name in names if name not in callbacks]
    unlisted = [name for name in callbacks if name not in names]
    if missing or unlisted:
        raise LookupError(f"commands without a callback: {missing}; callbacks without a registry entry: {unlisted}")
    return [(name, callbacks[name]) for name in names]


def register_handlers(application: Application) -> None:
    """Order matters! Group -1 runs first, then the handlers, then the handled-mark."""
    not_edited = ~filters.UpdateType.EDITED
    # Group -1: drop repeats of an update; let unserved chats reach only /start and /help.
    application.add_handler(TypeHandler(Update, gate.before), group=-1)

    # Group 0: one handler per kind of update; the commands in the registry's order.
    # Every handler is wrapped so that a unit of work finding its update handled before stops it quietly.
    for name, callback in command_table():
        application.add_handler(CommandHandler(name, ignoring_repeats(callback), filters=not_edited))
    application.add_handler(ChatMemberHandler(ignoring_repeats(members.my_membership),
                                              ChatMemberHandler.MY_CHAT_MEMBER))
    # One handler per kind of button, matched by its typed data; anything else is a stale button.
    for kind, on_press in (*callbacks.BUTTONS, *conversation.BUTTONS, *extensions.BUTTONS,
                             *duplicates.BUTTONS, *matches.BUTTONS, *challenges.BUTTONS,
                             *offer_lists.BUTTONS):
        application.add_handler(CallbackQueryHandler(ignoring_repeats(on_press), pattern=kind.matches))
    application.add_handler(CallbackQueryHandler(callbacks.stale))
    # A file sent with the caption "/directory import" (commands in captions are not CommandHandler's).
    application.add_handler(MessageHandler(
        filters.Document.ALL & filters.CaptionRegex(r"^/directory(@\w+)?\s+import\b") & not_edited,
        ignoring_repeats(commands.directory)))
    application.add_handler(MessageHandler(  # and one sent with "/offers import" (an XLSX of the standing lists)
        filters.Document.ALL & filters.CaptionRegex(r"^/offers(@\w+)?\s+import\b") & not_edited,
        ignoring_repeats(offer_lists.offers)))
    application.add_handler(MessageHandler(
        filters.TEXT & ~filters.COMMAND & filters.ChatType.GROUPS & filters.UpdateType.MESSAGE,
        ignoring_repeats(messages.group_text)))
    # Edited messages are ignored on purpose: a need is registered as first written.

    # Group 1: remember updates that changed nothing, so that a repeat is ignored as well.
    application.add_handler(TypeHandler(Update, gate.after), group=1)
    application.add_error_handler(on_error)


# How long a thread may hold the GIL while another waits for it (Python's default: 5 ms). aiosqlite runs every
# statement on its own thread, which needs the GIL to hand the result back: with the event loop busy, each trip
# to SQLite waited up to 5 ms for it. At 0.5 ms the burst benchmark went from 0.47-0.50x to 0.57x of the echo bot.
SWITCH_INTERVAL = 0.0005


def tune_gc() -> None:
    """What start-up loaded (dictionaries, models) lives as long as the process: keep it out of the
    cyclic GC, whose full passes would otherwise pause the event loop during a refit; and collect the
    young generation less often — routing allocates many short-lived objects (measured ~20% of
    route() time at the default threshold of 700). And let SQLite's thread have the GIL back sooner
    (SWITCH_INTERVAL)."""
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
    sys.setswitchinterval(SWITCH_INTERVAL)


def _post_init(settings: Settings, directory_path: Path | None,  # type: ignore[no-untyped-def]
               clock: Callable[[], datetime] | None, fitted: Router | None):
    async def post_init(application: Application) -> None:
        db = Database(settings.database_path)
        await db.open()
        try:
            seeded = await seed_directory(db, load_directory(directory_path), datetime.now(UTC))
            if seeded:
                log.info("directory loaded into a new database: %d parties", seeded)
            if starters := await seed_offers(db, load_starter_offers(), datetime.now(UTC)):
                log.info("starter offers loaded: %d (editable examples)", starters)
            parties = await load_parties(db)
            # The dictionary and the models load off the event loop, with every labelled example.
            router = fitted if fitted is not None else await build_router(db, parties)
            reader = await asyncio.to_thread(shipped_reader, router.segmenter.cut)
        except BaseException:
            await db.close()
            raise
        limiter = application.bot.rate_limiter
        cases = UseCases.build(db, router, settings, reader)
        application.bot_data.services = Services(
            settings=settings, db=db, cases=cases,
            notices=Notices(db, settings.policy(), settings.admin_ids, settings.admin_chat_id, settings.limits(),
                            scorecards=cases.scorecards, monthly=cases.monthly),
            courier=Courier(application.bot, texts.combined_header,
                            pressure=limiter.pressure if isinstance(limiter, FloodGate) else None,
                            hold=settings.flood_group[1] / 40),  # 1.5 s of Telegram's minute
            chat_admins=ChatAdmins(),
            **({"clock": clock} if clock is not None else {}))
        queue = application.update_queue
        if isinstance(queue, journal.JournalQueue):
            queue.db = db
            if isinstance(application.bot, WireBot):
                queue.raw = application.bot.raw_update
                application.bot.when_fetched(queue.journal_batch)  # a polled batch is journalled in one statement
            if clock is not None:
                queue.clock = clock
        finder = application.bot_data.services.cases.needs.finder
        if finder is not None:  # the duplicate finder, fitted off the event loop (once per process), before the freeze
            await finder.similarity()
        await application.bot_data.services.cases.matching.matcher()  # the offers' matcher, likewise
        tune_gc()
        services = application.bot_data.services
        await menus.install(application.bot, settings.admin_ids, await services.cases.people.served_chats())
        # Updates received by the last run but not finished (it was killed) come before new ones.
        await journal.replay(application, db)
        # Needs registered by the last run whose card it never sent (killed in between) are announced now.
        await services.courier.idle(timeout=60)  # the replayed updates' own cards first
        await replies.announce_unannounced(services, services.clock())
        await jobs.arm(application, at_once=True)  # whatever fell due while the bot was down goes out now
        jobs.arm_rematch(application)  # open offers meet the waiting needs again, every few hours
        if settings.web_url:  # the commission's desk: its JSON API in this process, on this event loop
            services.desk = await _serve_desk(services)
        log.info("bot ready: %d parties, database %s", len(parties), settings.database_path)

    return post_init


async def _post_stop(application: Application) -> None:
    """Updates no longer come in; messages still queued go out while the bot can still send."""
    services = application.bot_data.services
    if services is not None:
        try:
            await services.courier.idle(timeout=30)
        except TimeoutError:
            log.warning("%d message(s) not sent before stopping", services.courier.pending())
        await services.courier.close()


async def _serve_desk(services: Services) -> web.AppRunner:
    runner = web.AppRunner(desk.desk_app(services), access_log=None)  # no access log: initData is in headers only
    await runner.setup()
    await web.TCPSite(runner, services.settings.web_listen, services.settings.web_port).start()
    log.info("desk listening on %s:%d", services.settings.web_listen, services.settings.web_port)
    return runner


async def _post_shutdown(application: Application) -> None:
    services = application.bot_data.services
    if services is not None:
        if isinstance(services.desk, web.AppRunner):
            await services.desk.cleanup()
        await services.cases.learner.idle()
        await services.db.close()
        application.bot_data.services = None
