"""What /report counts: needs with their lead, progress and text (for the month's themes), and agreements, in one
chat or all."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from storage._util import fetched, to_db_time

_NEEDS = """
SELECT n.id, n.need_type, n.status, n.created_at,
       n.text,
       (SELECT r.party_id FROM routes r WHERE r.need_id = n.id AND r.role = 'lead' AND r.active = 1) AS lead,
       EXISTS (SELECT 1 FROM claims c WHERE c.need_id = n.id) AS claimed,
       EXISTS (SELECT 1 FROM commitments m WHERE m.need_id = n.id AND m.status != 'cancelled') AS committed,
       EXISTS (SELECT 1 FROM commitments m WHERE m.need_id = n.id AND m.status = 'done') AS kept,
       (SELECT COUNT(*) FROM needs s WHERE s.merged_into = n.id) AS seconded
FROM needs n WHERE n.status != 'withdrawn' AND n.created_at >= ?
"""

_AGREEMENTS = """
SELECT a.kind, a.amount_yuan FROM agreements a JOIN needs n ON n.id = a.need_id
WHERE n.status != 'withdrawn' AND a.created_at >= ?
"""


async def need_rows(conn: aiosqlite.Connection, chat_id: int | None, since: datetime) -> list[dict[str, Any]]:
    sql, args = _NEEDS, list[Any]([to_db_time(since)])
    if chat_id is not None:
        sql, args = sql + " AND n.chat_id = ?", [*args, chat_id]
    async with await fetched(conn, sql + " ORDER BY n.id", args) as cur:
        return [dict(row) for row in await cur.fetchall()]


async def agreement_rows(conn: aiosqlite.Connection, chat_id: int | None, since: datetime) -> list[dict[str, Any]]:
    sql, args = _AGREEMENTS, list[Any]([to_db_time(since)])
    if chat_id is not None:
        sql, args = sql + " AND n.chat_id = ?", [*args, chat_id]
    async with await fetched(conn, sql, args) as cur:
        return [dict(row) for row in await cur.fetchall()]
