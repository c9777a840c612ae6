"""Rows to domain records, shared by the repositories (a need read on its own or beside a commitment)."""

from __future__ import annotations

import sqlite3

from bot.domain import Claim, Commitment, Need, Route
from storage._util import from_db_date, from_db_time

NEED_COLUMNS = ("id", "chat_id", "number", "author_id", "author_name", "text", "need_type", "status", "created_at",
                "message_id", "bot_message_id", "resolved_at", "topic_id", "merged_into")
# The need's columns under an n_ prefix, to be read beside another table's in one query.
NEED_AS_N = ", ".join(f"n.{c} AS n_{c}" for c in NEED_COLUMNS)


def need(row: sqlite3.Row, prefix: str = "") -> Need:
    return Need(
        id=row[f"{prefix}id"],
        chat_id=row[f"{prefix}chat_id"],
        number=row[f"{prefix}number"],
        author_id=row[f"{prefix}author_id"],
        author_name=row[f"{prefix}author_name"],
        text=row[f"{prefix}text"],
        need_type=row[f"{prefix}need_type"],
        status=row[f"{prefix}status"],
        created_at=from_db_time(row[f"{prefix}created_at"]),  # type: ignore[arg-type]
        message_id=row[f"{prefix}message_id"],
        bot_message_id=row[f"{prefix}bot_message_id"],
        resolved_at=from_db_time(row[f"{prefix}resolved_at"]),
        topic_id=row[f"{prefix}topic_id"],
        merged_into=row[f"{prefix}merged_into"],
    )


def commitment(row: sqlite3.Row) -> Commitment:
    return Commitment(
        id=row["id"],
        need_id=row["need_id"],
        party_id=row["party_id"],
        user_id=row["user_id"],
        text=row["text"],
        due_date=from_db_date(row["due_date"]),
        status=row["status"],
        created_at=from_db_time(row["created_at"]),  # type: ignore[arg-type]
        done_at=from_db_time(row["done_at"]),
        reported_at=from_db_time(row["reported_at"]),
        reported_by=row["reported_by"],
        confirmed_by=row["confirmed_by"],
        cancelled_at=from_db_time(row["cancelled_at"]),
        message_id=row["message_id"],
        report_message_id=row["report_message_id"],
    )


def route(row: sqlite3.Row) -> Route:
    return Route(row["need_id"], row["party_id"], row["role"], row["score"], row["source"], bool(row["active"]))


def claim(row: sqlite3.Row) -> Claim:
    return Claim(row["need_id"], row["party_id"], row["user_id"], from_db_time(row["claimed_at"]))  # type: ignore[arg-type]


def marks(values: object) -> str:
    """"?, ?, ?" for an IN (...) list of len(values) parameters."""
    return ", ".join("?" * len(values))  # type: ignore[arg-type]
