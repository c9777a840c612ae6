"""Settings read from the environment and an optional ``.env`` file.

A missing or malformed setting raises :class:`SettingsError` naming it; ``python -m bot``
turns that into one line on stderr and exit status 2.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from bot.domain.duty import RESOLVE_DAYS, DutyLimits
from bot.domain.schedule import Policy

DEFAULT_API_URL = "https://api.telegram.org/bot"
DEFAULT_DATABASE_PATH = "data/matchbot.sqlite3"
DEFAULT_TIMEZONE = "Asia/Shanghai"
_TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{10,}$")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it."""


def resolve_days(raw: str) -> tuple[tuple[str, int], ...]:
    """RESOLVE_WORKING_DAYS: "type:days,…" overriding the defaults for the types it names."""
    limits = dict(RESOLVE_DAYS)
    for part in filter(None, (p.strip() for p in raw.split(","))):
        match = re.fullmatch(r"([a-z]+)\s*:\s*(\d{1,3})", part)
        if not match or match.group(1) not in limits or not 1 <= int(match.group(2)) <= 365:
            raise SettingsError(f"RESOLVE_WORKING_DAYS is malformed: {part!r} (expected type:days with a type of "
                                f"{', '.join(limits)} and 1-365 days)")
        limits[match.group(1)] = int(match.group(2))
    return tuple(limits.items())


@dataclass(frozen=True)
class Settings:
    bot_token: str = field(repr=False)
    bot_api_url: str = DEFAULT_API_URL
    database_path: Path = Path(DEFAULT_DATABASE_PATH)
    admin_ids: frozenset[int] = frozenset()
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIMEZONE))
    log_level: str = "INFO"
    admin_chat_id: int | None = None  # where escalations and digests go; None: each admin privately
    reminder_hour: int = 9
    quiet_hours: tuple[int, int] = (21, 8)  # local hours [start, end): nothing is sent in between
    claim_working_days: int = 1  # 签收: a routed need's lead must claim it within this many working days
    verdict_days: int = 3  # working days the author has to give a verdict before it is 未评价
    resolve_working_days: tuple[tuple[str, int], ...] = RESOLVE_DAYS  # 办结 limit per need type
    undated_grace_days: int = 7
    matches_per_day: int = 10  # at most this many match suggestions reach one party a day
    report_weekday: int = 1  # 1 = Monday … 7 = Sunday: when the weekly report goes to the admins
    report_hour: int = 9
    forum_topics: bool = False  # in a forum supergroup, give each need its own topic
    webhook_url: str | None = None  # set: Telegram posts updates to this URL instead of being polled
    webhook_secret: str = field(default="", repr=False)  # checked on every request (X-Telegram-Bot-Api-Secret-Token)
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    web_url: str | None = None  # set: the commission's desk (a Mini App) is served at this public HTTPS address
    web_listen: str = "127.0.0.1"
    web_port: int = 8080
    web_session_hours: int = 24  # how old a desk sign-in (Telegram's initData auth_date) may be
    flood_limits: bool = True  # keep within Telegram's limits (bot/delivery/flood.py); off only for benchmarks
    flood_overall: tuple[int, float] = (30, 1.0)  # at most N messages in any P seconds, all chats together
    flood_group: tuple[int, float] = (20, 60.0)  # … and in one group
    admins_from_chat: bool = False  # a group's Telegram administrators are the bot's admins there too

    def __repr__(self) -> str:  # the token never appears, even by accident
        return (
            f"Settings(bot_token='***', bot_api_url={self.bot_api_url!r}, "
            f"database_path={str(self.database_path)!r}, admin_ids={sorted(self.admin_ids)}, "
            f"timezone={self.timezone.key!r}, log_level={self.log_level!r}, admin_chat_id={self.admin_chat_id}, "
            f"reminder_hour={self.reminder_hour}, quiet_hours={self.quiet_hours}, "
            f"claim_working_days={self.claim_working_days}, verdict_days={self.verdict_days}, "
            f"resolve_working_days={dict(self.resolve_working_days)}, undated_grace_days={self.undated_grace_days}, "
            f"matches_per_day={self.matches_per_day}, "
            f"report_weekday={self.report_weekday}, report_hour={self.report_hour}, "
            f"forum_topics={self.forum_topics}, webhook_url={self.webhook_url!r}, webhook_secret='***', "
            f"webhook_listen={self.webhook_listen!r}, webhook_port={self.webhook_port}, "
            f"web_url={self.web_url!r}, web_listen={self.web_listen!r}, web_port={self.web_port}, "
            f"web_session_hours={self.web_session_hours}, "
            f"flood_limits={self.flood_limits}, flood_overall={self.flood_overall}, flood_group={self.flood_group}, "
            f"admins_from_chat={self.admins_from_chat})"
        )

    __str__ = __repr__

    def policy(self) -> Policy:
        return Policy(self.timezone, reminder_hour=self.reminder_hour, quiet_start=self.quiet_hours[0],
                      quiet_end=self.quiet_hours[1], claim_days=self.claim_working_days,
                      undated_grace=timedelta(days=self.undated_grace_days),
                      weekly_day=self.report_weekday - 1, weekly_hour=self.report_hour)

    def limits(self) -> DutyLimits:
        return DutyLimits(self.verdict_days, dict(self.resolve_working_days))

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admin_ids


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: str | Path | None = ".env"
) -> Settings:
    """Build settings: the process environment wins over the ``.env`` file."""
    values: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    def get(name: str) -> str:
        return values.get(name, "").strip()

    token = get("BOT_TOKEN")
    if not token:
        raise SettingsError("BOT_TOKEN is required (the token BotFather gave you)")
    if not _TOKEN_RE.match(token):
        raise SettingsError("BOT_TOKEN is malformed (expected <digits>:<letters>, as BotFather gives it)")

    api_url = get("BOT_API_URL") or DEFAULT_API_URL
    parsed = urlparse(api_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise SettingsError(f"BOT_API_URL is malformed: {api_url!r} is not an http(s) URL")

    database_path = Path(get("DATABASE_PATH") or DEFAULT_DATABASE_PATH)

    admin_ids: set[int] = set()
    for part in filter(None, (p.strip() for p in get("ADMIN_IDS").split(","))):
        if not re.fullmatch(r"-?\d{1,20}", part):
            raise SettingsError(f"ADMIN_IDS is malformed: {part!r} is not a Telegram user id")
        admin_ids.add(int(part))

    tz_name = get("TIMEZONE") or DEFAULT_TIMEZONE
    try:
        timezone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"TIMEZONE is malformed: {tz_name!r} is not an IANA time zone") from None

    log_level = (get("LOG_LEVEL") or "INFO").upper()
    if log_level not in _LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL is malformed: {log_level!r} is not one of {', '.join(_LOG_LEVELS)}")

    def number(name: str, default: int, low: int, high: int) -> int:
        raw = get(name)
        if not raw:
            return default
        if not re.fullmatch(r"-?\d{1,20}", raw) or not low <= int(raw) <= high:
            raise SettingsError(f"{name} is malformed: {raw!r} is not a whole number from {low} to {high}")
        return int(raw)

    def flag(name: str, default: bool = False) -> bool:
        raw = get(name).lower()
        if raw not in ("", "true", "false", "1", "0", "yes", "no"):
            raise SettingsError(f"{name} is malformed: {raw!r} (expected true or false)")
        return default if raw == "" else raw in ("true", "1", "yes")

    webhook_url = get("WEBHOOK_URL") or None
    webhook_secret = get("WEBHOOK_SECRET")
    if webhook_url is not None:
        hook = urlparse(webhook_url)
        if hook.scheme not in ("http", "https") or not hook.netloc:
            raise SettingsError(f"WEBHOOK_URL is malformed: {webhook_url!r} is not an http(s) URL")
        if not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", webhook_secret):
            raise SettingsError("WEBHOOK_SECRET is required with WEBHOOK_URL: 16-256 letters, digits, _ or -")

    web_url = get("WEB_URL") or None
    if web_url is not None:
        desk = urlparse(web_url)
        if desk.scheme not in ("http", "https") or not desk.netloc:
            raise SettingsError(f"WEB_URL is malformed: {web_url!r} is not an http(s) URL")

    admin_chat = get("ADMIN_CHAT_ID")
    if admin_chat and not re.fullmatch(r"-?\d{1,20}", admin_chat):
        raise SettingsError(f"ADMIN_CHAT_ID is malformed: {admin_chat!r} is not a Telegram chat id")
    quiet = get("QUIET_HOURS") or "21-8"
    quiet_match = re.fullmatch(r"(\d{1,2})-(\d{1,2})", quiet)
    if not quiet_match or not all(0 <= int(h) <= 23 for h in quiet_match.groups()):
        raise SettingsError(f"QUIET_HOURS is malformed: {quiet!r} (expected start-end local hours, e.g. 21-8)")

    return Settings(
        admin_chat_id=int(admin_chat) if admin_chat else None,
        reminder_hour=number("REMINDER_HOUR", 9, 0, 23),
        quiet_hours=(int(quiet_match.group(1)), int(quiet_match.group(2))),
        claim_working_days=number("CLAIM_WORKING_DAYS", 1, 1, 30),
        verdict_days=number("VERDICT_DAYS", 3, 1, 30),
        resolve_working_days=resolve_days(get("RESOLVE_WORKING_DAYS")),
        undated_grace_days=number("UNDATED_GRACE_DAYS", 7, 0, 365),
        matches_per_day=number("MATCHES_PER_DAY", 10, 1, 1000),
        report_weekday=number("REPORT_WEEKDAY", 1, 1, 7),
        report_hour=number("REPORT_HOUR", 9, 0, 23),
        forum_topics=flag("FORUM_TOPICS"),
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        webhook_listen=get("WEBHOOK_LISTEN") or "127.0.0.1",
        webhook_port=number("WEBHOOK_PORT", 8443, 1, 65535),
        web_url=web_url,
        web_listen=get("WEB_LISTEN") or "127.0.0.1",
        web_port=number("WEB_PORT", 8080, 1, 65535),
        web_session_hours=number("WEB_SESSION_HOURS", 24, 1, 24 * 30),
        flood_limits=flag("FLOOD_LIMITS", default=True),
        admins_from_chat=flag("ADMINS_FROM_CHAT"),
        bot_token=token,
        bot_api_url=api_url,
        database_path=database_path,
        admin_ids=frozenset(admin_ids),
        timezone=timezone,
        log_level=log_level,
    )


class RedactingFilter(logging.Filter):
    """Replaces the token (and anything that looks like a bot token), mainland mobile numbers and
    resident ID-card numbers in every log record (a need's text may carry a contact's number)."""

    _ANY_TOKEN = re.compile(r"\d{5,20}:[A-Za-z0-9_-]{30,}")
    _ID_CARD = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]"
                          r"(?![0-9A-Za-z])")
    _MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def clean(self, text: str) -> str:
        cleaned = self._ANY_TOKEN.sub("<token>", text.replace(self._token, "<token>"))
        return self._MOBILE.sub("<phone>", self._ID_CARD.sub("<id-card>", cleaned))

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.clean(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        # A logged exception's traceback too: PTB's InvalidToken says "The token `…` was rejected".
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.clean(record.exc_text)
        if record.stack_info:
            record.stack_info = self.clean(record.stack_info)
        return True


def configure_logging(settings: Settings) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(settings.bot_token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    # httpx logs every request URL at INFO, and the URL carries the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    # aiosqlite logs every statement with its parameters at DEBUG: people's words and whole directory files in the
    # log, and enough at start-up to fill the pipe of a parent that reads the log only at the end.
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
