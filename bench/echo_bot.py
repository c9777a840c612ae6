"""The baseline of bench/e2e_load.py: the smallest python-telegram-bot bot that answers every text message
(a reply quoting it), polling the same local Bot API server with the same library and defaults."""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters
from telegram.request import HTTPXRequest


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.message is not None and update.message.text:
        await update.message.reply_text(update.message.text)


def main() -> None:
    application = (
        Application.builder().token(os.environ["BOT_TOKEN"]).base_url(os.environ["BOT_API_URL"])
        .request(HTTPXRequest(connection_pool_size=8, httpx_kwargs={"trust_env": False}))
        .get_updates_request(HTTPXRequest(read_timeout=40, httpx_kwargs={"trust_env": False}))
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
