"""`python -m bot`: read settings, build the Application, long-poll until stopped.
`python -m bot sandbox`: try it without a token (bot/sandbox.py)."""

from __future__ import annotations

import os
import sys
from urllib.parse import urlparse

from telegram import Update

from bot.app import build_application
from bot.settings import SettingsError, configure_logging, load_settings


def main() -> int:
    if sys.argv[1:2] == ["sandbox"]:
        from bot import sandbox

        return sandbox.main()
    # Opt in to PTB's coming behaviour (retry_after etc. as timedelta) instead of a warning per 429.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"settings error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings)
    application = build_application(settings)
    if settings.webhook_url:
        # Telegram posts each update to WEBHOOK_URL (usually a reverse proxy that forwards to
        # WEBHOOK_LISTEN:WEBHOOK_PORT); requests without the secret header are answered 403.
        application.run_webhook(listen=settings.webhook_listen, port=settings.webhook_port,
                                url_path=urlparse(settings.webhook_url).path.lstrip("/"),
                                webhook_url=settings.webhook_url, secret_token=settings.webhook_secret,
                                allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
