"""Settings: defaults, .env, one clear line and exit status 2 for a bad one, token never shown."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import RedactingFilter, SettingsError, load_settings

TOKEN = "123456789:AAH-secret_part_of_the_token_abcdefghij"
ROOT = Path(__file__).resolve().parents[1]


def test_defaults_and_values() -> None:
    s = load_settings({"BOT_TOKEN": TOKEN}, env_file=None)
    assert s.bot_api_url == "https://api.telegram.org/bot"
    assert str(s.database_path) == "data/matchbot.sqlite3"
    assert s.admin_ids == frozenset() and s.timezone.key == "Asia/Shanghai" and s.log_level == "INFO"
    s = load_settings({"BOT_TOKEN": TOKEN, "ADMIN_IDS": " 1, 22 ,333,", "TIMEZONE": "UTC",
                       "LOG_LEVEL": "debug", "BOT_API_URL": "http://127.0.0.1:8081/bot"}, env_file=None)
    assert s.admin_ids == frozenset({1, 22, 333}) and s.timezone.key == "UTC" and s.log_level == "DEBUG"
    assert s.is_admin(22) and not s.is_admin(2) and not s.is_admin(None)


def test_reminder_settings() -> None:
    s = load_settings({"BOT_TOKEN": TOKEN}, env_file=None)
    assert (s.admin_chat_id, s.reminder_hour, s.quiet_hours, s.claim_working_days, s.undated_grace_days) == \
        (None, 9, (21, 8), 1, 7)
    assert s.verdict_days == 3 and dict(s.resolve_working_days)["policy"] == 5
    s = load_settings({"BOT_TOKEN": TOKEN, "ADMIN_CHAT_ID": "-100123", "REMINDER_HOUR": "10", "QUIET_HOURS": "22-7",
                       "CLAIM_WORKING_DAYS": "2", "UNDATED_GRACE_DAYS": "3", "VERDICT_DAYS": "5",
                       "RESOLVE_WORKING_DAYS": "policy:3, scenario:20"}, env_file=None)
    policy = s.policy()
    assert s.admin_chat_id == -100123 and policy.reminder_hour == 10
    assert (policy.quiet_start, policy.quiet_end) == (22, 7)
    assert policy.claim_days == 2 and policy.undated_grace.days == 3
    limits = s.limits()
    assert limits.verdict_days == 5 and limits.resolve_days["policy"] == 3 and limits.resolve_days["scenario"] == 20
    assert limits.resolve_days["data"] == 10  # the types it does not name keep their defaults
    assert not s.forum_topics
    assert load_settings({"BOT_TOKEN": TOKEN, "FORUM_TOPICS": "true"}, env_file=None).forum_topics


def test_env_file_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"BOT_TOKEN={TOKEN}\nADMIN_IDS=5\nTIMEZONE=Asia/Tokyo\n", encoding="utf-8")
    s = load_settings({"ADMIN_IDS": "6"}, env_file=env_file)
    assert s.bot_token == TOKEN and s.admin_ids == frozenset({6}) and s.timezone.key == "Asia/Tokyo"


@pytest.mark.parametrize(("env", "name"), [
    ({}, "BOT_TOKEN"),
    ({"BOT_TOKEN": "not-a-token"}, "BOT_TOKEN"),
    ({"BOT_TOKEN": TOKEN, "BOT_API_URL": "ftp://x"}, "BOT_API_URL"),
    ({"BOT_TOKEN": TOKEN, "ADMIN_IDS": "12,abc"}, "ADMIN_IDS"),
    ({"BOT_TOKEN": TOKEN, "TIMEZONE": "Mars/Olympus"}, "TIMEZONE"),
    ({"BOT_TOKEN": TOKEN, "LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
    ({"BOT_TOKEN": TOKEN, "ADMIN_CHAT_ID": "admins"}, "ADMIN_CHAT_ID"),
    ({"BOT_TOKEN": TOKEN, "REMINDER_HOUR": "25"}, "REMINDER_HOUR"),
    ({"BOT_TOKEN": TOKEN, "QUIET_HOURS": "9pm-8am"}, "QUIET_HOURS"),
    ({"BOT_TOKEN": TOKEN, "QUIET_HOURS": "21-24"}, "QUIET_HOURS"),
    ({"BOT_TOKEN": TOKEN, "CLAIM_WORKING_DAYS": "0"}, "CLAIM_WORKING_DAYS"),
    ({"BOT_TOKEN": TOKEN, "VERDICT_DAYS": "x"}, "VERDICT_DAYS"),
    ({"BOT_TOKEN": TOKEN, "RESOLVE_WORKING_DAYS": "policy:0"}, "RESOLVE_WORKING_DAYS"),
    ({"BOT_TOKEN": TOKEN, "RESOLVE_WORKING_DAYS": "coffee:3"}, "RESOLVE_WORKING_DAYS"),
    ({"BOT_TOKEN": TOKEN, "UNDATED_GRACE_DAYS": "-1"}, "UNDATED_GRACE_DAYS"),
    ({"BOT_TOKEN": TOKEN, "FORUM_TOPICS": "maybe"}, "FORUM_TOPICS"),
    ({"BOT_TOKEN": TOKEN, "WEBHOOK_URL": "ftp://bot.example.cn/hook"}, "WEBHOOK_URL"),
    ({"BOT_TOKEN": TOKEN, "WEBHOOK_URL": "https://bot.example.cn/hook"}, "WEBHOOK_SECRET"),
    ({"BOT_TOKEN": TOKEN, "WEBHOOK_URL": "https://bot.example.cn/hook", "WEBHOOK_SECRET": "short"}, "WEBHOOK_SECRET"),
    ({"BOT_TOKEN": TOKEN, "REPORT_WEEKDAY": "8"}, "REPORT_WEEKDAY"),
])
def test_bad_settings_name_the_setting(env: dict[str, str], name: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(env, env_file=None)
    assert str(raised.value).startswith(name)


def test_token_is_not_in_repr() -> None:
    s = load_settings({"BOT_TOKEN": TOKEN}, env_file=None)
    assert "secret_part" not in repr(s) and "secret_part" not in str(s)


def test_redacting_filter_hides_the_token() -> None:
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1,
                               "POST https://api.telegram.org/bot%s/getMe", (TOKEN,), None)
    RedactingFilter(TOKEN).filter(record)
    assert "secret_part" not in record.getMessage() and "<token>" in record.getMessage()


@pytest.mark.parametrize(("text", "shown"), [
    ("联系人王经理 13812345678", "联系人王经理 <phone>"),
    ("电话 +86 138-1234-5678 找李总", "电话 <phone> 找李总"),
    ("身份证 370202199001011234 已登记", "身份证 <id-card> 已登记"),
    ("身份证 37020219900101123X", "身份证 <id-card>"),
    ("需求 #13812 金额 8000000 元，update 123456789", "需求 #13812 金额 8000000 元，update 123456789"),
])
def test_redacting_filter_masks_phone_and_id_card_numbers(text: str, shown: str) -> None:
    record = logging.LogRecord("bot", logging.WARNING, __file__, 1, "need text: %s", (text,), None)
    RedactingFilter(TOKEN).filter(record)
    assert record.getMessage() == f"need text: {shown}"


@pytest.mark.parametrize(("env", "name"), [
    ({}, "BOT_TOKEN"),
    ({"BOT_TOKEN": TOKEN, "ADMIN_IDS": "x"}, "ADMIN_IDS"),
    ({"BOT_TOKEN": TOKEN, "TIMEZONE": "Nowhere/Land"}, "TIMEZONE"),
])
def test_python_m_bot_exits_2_with_one_line(tmp_path: Path, env: dict[str, str], name: str) -> None:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("BOT_TOKEN", "ADMIN_IDS", "TIMEZONE", "BOT_API_URL", "LOG_LEVEL", "DATABASE_PATH")}
    clean["PYTHONPATH"] = str(ROOT)
    result = subprocess.run([sys.executable, "-m", "bot"], env={**clean, **env}, cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0] and "Traceback" not in result.stderr
    assert "secret_part" not in result.stderr


async def test_a_network_error_never_names_the_token() -> None:
    """aiohttp puts the URL (which carries the token) in some errors; what reaches a log must not."""
    import socket

    from telegram.error import NetworkError

    from bot.delivery.http import AiohttpRequest

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = "123456789:SECRET-token_that_must_never_be_logged_anywhere"
    request = AiohttpRequest(connect_timeout=2.0)
    await request.initialize()
    try:
        for url in (f"http://127.0.0.1:{port}/bot{token}/getMe",  # refused
                    f"http://127.0.0.1:{port}:1/bot{token}/getMe"):  # a URL aiohttp rejects, naming it
            with pytest.raises(NetworkError) as caught:
                await request.do_request(url, "POST")
            assert "SECRET" not in str(caught.value), str(caught.value)
            assert caught.value.__cause__ is None and caught.value.__suppress_context__
    finally:
        await request.shutdown()
