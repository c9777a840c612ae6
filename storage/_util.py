from __future__ import annotations

from datetime import UTC, date, datetime


def to_db_time(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("naive datetime given to storage")
    return value.astimezone(UTC).isoformat(timespec="seconds")


def from_db_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def from_db_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
