"""`python -m bot [run]`: read the settings, build the Application, poll (or take webhooks) until stopped.
`python -m bot sandbox`: try it without a token (bot/sandbox/terminal.py).

The settings are read before anything heavy is imported (python-telegram-bot, scikit-learn, jieba), so a
missing or malformed setting is reported at once: one line on stderr and exit status 2. So is a token the
Bot API rejects (401); an unreachable Bot API is a warning per try, retried until it answers
(bot/delivery/startup.py).
"""

from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="对接群助手 · Matchmaking Group Bot")
    parser.add_argument("command", nargs="?", choices=("run", "sandbox"), default="run",
                        help="run: the bot, configured by the environment and .env (default); "
                             "sandbox: a local Bot API server, the bot and a throwaway database in this terminal")
    args = parser.parse_args(argv)
    if args.command == "sandbox":
        from bot.sandbox import terminal

        return terminal.main()

    from bot.settings import SettingsError, configure_logging, load_settings

    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"settings error: {exc}", file=sys.stderr)
        return 2
    # Opt in to PTB's coming behaviour (retry_after etc. as timedelta) instead of a warning per 429.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    configure_logging(settings)
    from bot.app import run
    from bot.delivery.startup import TokenRejected

    try:
        run(settings)
    except TokenRejected as exc:  # one line naming BOT_TOKEN, never the token itself
        print(exc, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
