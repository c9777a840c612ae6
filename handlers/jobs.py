"""The notices job (reminders, digests, escalations, the weekly report) on PTB's JobQueue: a thin adapter, as the
other handlers are — the use case (bot.services.notices) says what is due, this sends it.

One job, named ``notices``, is armed for the moment the next notice falls due (at most
``MAX_WAIT`` ahead) and re-arms itself after each run. The database is the truth: the job holds no
state, so on start it is simply armed to run at once, and whatever fell due while the bot was down
goes out then — once, because each notice is recorded as it is sent.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from telegram.ext import Application

from bot.context import BotContext
from bot.delivery.courier import Parcel, Status
from bot.services.notices import Outgoing
from handlers import replies
from handlers.challenge_buttons import pick_buttons
from handlers.keyboards import ask_buttons

log = logging.getLogger(__name__)
JOB_NAME = "notices"


async def deliver(application: Application) -> int:
    """Send every notice due now and record it; returns how many went out.

    Each notice is recorded once Telegram took it in at least one chat, or as failed when every chat refused it
    (blocked, never started, chat gone: not worth retrying); when Telegram could not be reached it is left
    unrecorded and the next run tries again. Notices for different chats go out side by side, each after its
    chat's earlier parcels (the outbox keeps the order)."""
    services = application.bot_data.services
    if services is None:
        return 0
    notices, courier = services.notices, services.courier
    now = services.clock()

    async def send_one(outgoing: Outgoing) -> bool:
        if not outgoing.chat_ids:
            await notices.record(outgoing.notice, now, "superseded")
            return False
        notice = outgoing.notice
        # A promise's reminder carries 申请延期 for its liaison.
        markup = ask_buttons(notice.commitment_id) if notice.kind in ("before", "morning") \
            and notice.commitment_id is not None else None
        if outgoing.pick is not None:  # 揭榜 closed: 选 1, 选 2 … and 都不选 for the need's author
            markup = pick_buttons(*outgoing.pick)
        posted = [courier.post(Parcel.message(chat_id, outgoing.text, markup, reply_to=outgoing.reply_to,
                                             thread_id=outgoing.thread_id)) for chat_id in outgoing.chat_ids]
        charts = []
        if outgoing.photo is not None:  # the weekly chart, in each chat right behind its text
            charts = [courier.post(Parcel.photo(chat_id, outgoing.photo, outgoing.photo_name))
                      for chat_id in outgoing.chat_ids]
        if outgoing.document is not None:  # the monthly list's XLSX, behind its chart
            name, content, caption = outgoing.document
            charts += [courier.post(Parcel.document(chat_id, content, name, caption)) for chat_id in outgoing.chat_ids]
        receipts = await asyncio.gather(*posted)
        await asyncio.gather(*charts)  # the run is over when everything went out (or was given up)
        for chat_id, receipt in zip(outgoing.chat_ids, receipts, strict=True):
            if not receipt.sent:
                log.warning("notice %s %s for chat %s: %s", outgoing.notice.key,
                            "not delivered" if receipt.status is Status.REFUSED else "delayed", chat_id, receipt.reason)
        delivered = sum(r.sent for r in receipts)
        if delivered or all(r.status is Status.REFUSED for r in receipts):
            await notices.record(outgoing.notice, now, "sent" if delivered else "failed")
        return delivered > 0

    # Each posts before its first wait, and they start oldest first: a chat receives its notices in that order.
    return sum(await asyncio.gather(*(send_one(outgoing) for outgoing in await notices.due(now))))


async def _run(context: BotContext) -> None:
    try:
        await deliver(context.application)
    finally:
        await arm(context.application)


async def arm(application: Application, at_once: bool = False) -> None:
    """(Re)schedule the one notices job: at once, or when the next notice falls due."""
    services = application.bot_data.services
    queue = application.job_queue
    if services is None or queue is None:
        return
    now: datetime = services.clock()
    delay = 0.0 if at_once else max(0.0, (await services.notices.next_run(now) - now).total_seconds())
    for job in queue.get_jobs_by_name(JOB_NAME):
        job.schedule_removal()
    queue.run_once(_run, when=delay, name=JOB_NAME)


REMATCH_JOB = "rematch"
REMATCH_EVERY = 6 * 3600  # seconds between passes of every open offer against the waiting needs


async def rematch(context: BotContext) -> None:
    """Every open offer against the needs waiting now (bot.services.matching.Matchmaking.rematch): the needs that
    gained a match get it on their cards."""
    services = context.services
    for need in await services.cases.matching.rematch(services.clock()):
        view = await services.cases.needs.view(need.id)
        if view is not None:
            await replies.refresh_card(context, view)


def arm_rematch(application: Application) -> None:
    """The pass runs every REMATCH_EVERY seconds (each is idempotent: a pair is suggested once)."""
    queue = application.job_queue
    if queue is not None and not queue.get_jobs_by_name(REMATCH_JOB):
        queue.run_repeating(rematch, interval=REMATCH_EVERY, first=REMATCH_EVERY, name=REMATCH_JOB)
