"""Sign-in for the commission's desk, a Telegram Mini App: the page sends the ``initData`` Telegram handed it
(``Authorization: tma <initData>``), and it is checked as Telegram specifies — the data-check string (every field
but ``hash``, as ``key=value`` lines sorted by key) signed with HMAC-SHA256 under the key
HMAC-SHA256("WebAppData", bot token), and ``auth_date`` no older than the session allows. No secret reaches the
page: it only echoes what Telegram signed."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from urllib.parse import parse_qsl, urlencode


class AuthFailure(StrEnum):
    MISSING = "missing"  # no initData at all
    MALFORMED = "malformed"  # not the query string Telegram sends, or no user in it
    FORGED = "forged"  # the hash does not match: not signed with this bot's token
    EXPIRED = "expired"  # signed longer ago than the session allows (or in the future)


@dataclass(frozen=True)
class WebAppUser:
    """Who opened the desk, as Telegram signed it."""

    id: int
    first_name: str
    last_name: str = ""
    username: str | None = None

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def _secret(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def _check_string(fields: dict[str, str]) -> bytes:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash").encode()


def sign_init_data(fields: dict[str, str], bot_token: str) -> str:
    """``fields`` as a signed initData query string, as Telegram would hand it (tests, and the sandbox's desk)."""
    signed = dict(fields)
    signed["hash"] = hmac.new(_secret(bot_token), _check_string(fields), hashlib.sha256).hexdigest()
    return urlencode(signed)


def check_init_data(init_data: str | None, bot_token: str, now: datetime,
                    max_age: timedelta) -> WebAppUser | AuthFailure:
    """The user the initData speaks for, or why it is refused."""
    if not init_data:
        return AuthFailure.MISSING
    try:
        fields = dict(parse_qsl(init_data, keep_blank_values=True, strict_parsing=True))
    except ValueError:
        return AuthFailure.MALFORMED
    given = fields.get("hash", "")
    expected = hmac.new(_secret(bot_token), _check_string(fields), hashlib.sha256).hexdigest()
    if not given or not hmac.compare_digest(given, expected):
        return AuthFailure.FORGED
    try:
        signed_at = datetime.fromtimestamp(int(fields.get("auth_date", "")), UTC)
        user = json.loads(fields.get("user", ""))
        who = WebAppUser(int(user["id"]), str(user.get("first_name", "")), str(user.get("last_name", "")),
                         user.get("username"))
    except (ValueError, TypeError, KeyError, OverflowError, OSError):
        return AuthFailure.MALFORMED
    if not timedelta(minutes=-5) <= now - signed_at <= max_age:  # a few minutes of clock skew are allowed
        return AuthFailure.EXPIRED
    return who
