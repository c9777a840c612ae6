"""The notices job (reminders, digests, escalations, the weekly report) on PTB's JobQueue: a thin adapter, as the
other handlers are — the use case (bot.services.notices) says what is due, this sends it.

One job, named ``notices``, is armed for the moment the next notice falls due (at most
``MAX_WAIT`` ahead) and re-arms itself after each run. The database is the truth: the job holds no
state, so on start it is simply armed to run at once, and whatever fell due while the bot was down
goes out then — once, because each notice is recorded as it is sent.
"""

from __future__ import annotations

import logging
from datetime import datetime

from telegram.error import BadRequest, Forbidden, NetworkError
from telegram.ext import Application

from bot.context import BotContext

log = logging.getLogger(__name__)
JOB_NAME = "notices"


async def deliver(application: Application) -> int:
    """Send every notice due now and record it; returns how many went out."""
    services = application.bot_data.services
    if services is None:
        return 0
    notices = services.notices
    now = services.clock()
    sent = 0
    for outgoing in await notices.due(now):
        if not outgoing.chat_ids:
            await notices.record(outgoing.notice, now, "superseded")
            continue
        delivered, refused = 0, 0
        for chat_id in outgoing.chat_ids:
            try:
                await application.bot.send_message(chat_id, outgoing.text, reply_to_message_id=outgoing.reply_to,
                                                   allow_sending_without_reply=True,
                                                   message_thread_id=outgoing.thread_id)
                if outgoing.photo is not None:
                    await application.bot.send_photo(chat_id, outgoing.photo, filename="weekly.png")
                delivered += 1
            except (Forbidden, BadRequest) as exc:  # blocked, never started, chat gone: not worth retrying
                refused += 1
                log.warning("notice %s not delivered to chat %s: %s", outgoing.notice.key, chat_id, exc)
            except NetworkError as exc:  # transient: leave it unrecorded, the next run tries again
                log.warning("notice %s delayed: %s", outgoing.notice.key, exc)
        if delivered or refused == len(outgoing.chat_ids):
            await notices.record(outgoing.notice, now, "sent" if delivered else "failed")
            sent += delivered > 0
    return sent


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
