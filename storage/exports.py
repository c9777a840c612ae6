"""Flat tables for exports: every row of needs, routes, commitments, agreements and the audit log,
for one chat or for all. Times come back as stored (UTC ISO strings); the caller localises them."""

from __future__ import annotations

from typing import Any

import aiosqlite

TABLES: dict[str, tuple[str, list[str]]] = {
    "needs": (
        "SELECT n.id, n.chat_id, c.title AS chat_title, n.number, n.author_id, n.author_name, n.text, n.need_type,"
        " CASE WHEN n.merged_into IS NULL THEN n.status ELSE 'merged' END AS status, n.created_at, n.resolved_at,"
        # 附议: the need a merged one joined, and the authors who seconded this one (their needs merged into it)
        " (SELECT m.number FROM needs m WHERE m.id = n.merged_into) AS merged_into,"
        " (SELECT group_concat(DISTINCT s.author_name) FROM needs s WHERE s.merged_into = n.id"
        "  AND s.author_id IS NOT n.author_id AND s.author_name != '') AS co_requesters"
        " FROM needs n LEFT JOIN chats c ON c.chat_id = n.chat_id",
        ["n.chat_id = ?"]),
    "routes": (
        "SELECT n.chat_id, n.number, r.party_id, p.name AS party_name, r.role, r.score, r.source, r.active,"
        " r.created_at FROM routes r JOIN needs n ON n.id = r.need_id LEFT JOIN parties p ON p.id = r.party_id",
        ["n.chat_id = ?"]),
    "commitments": (
        "SELECT m.id, n.chat_id, n.number, m.party_id, p.name AS party_name, m.user_id, m.text, m.due_date,"
        " m.status, m.created_at, m.reported_at, m.done_at, m.cancelled_at,"
        " (SELECT COUNT(*) FROM extension_requests x WHERE x.commitment_id = m.id AND x.status = 'approved')"
        " AS extensions FROM commitments m"
        " JOIN needs n ON n.id = m.need_id LEFT JOIN parties p ON p.id = m.party_id",
        ["n.chat_id = ?"]),
    "agreements": (
        "SELECT a.id, n.chat_id, n.number, a.kind, a.amount_yuan, a.parties, a.text, a.actor_id, a.created_at"
        " FROM agreements a JOIN needs n ON n.id = a.need_id",
        ["n.chat_id = ?"]),
    "notes": (
        "SELECT o.id, n.chat_id, n.number, o.kind AS note_kind, o.author_id, u.display_name AS author_name,"
        " o.party_id, p.name AS party_name, o.text, o.created_at FROM notes o JOIN needs n ON n.id = o.need_id"
        " LEFT JOIN users u ON u.user_id = o.author_id LEFT JOIN parties p ON p.id = o.party_id",
        ["n.chat_id = ?"]),
    # 延期: every request on a promise, with both dates, why, who asked and decided, and when.
    "extensions": (
        "SELECT x.id, n.chat_id, n.number, x.commitment_id, m.party_id, p.name AS party_name, x.requested_by,"
        " x.requested_at, x.from_date, x.to_date, x.reason, x.status, x.decided_by, x.decided_at"
        " FROM extension_requests x JOIN commitments m ON m.id = x.commitment_id JOIN needs n ON n.id = m.need_id"
        " LEFT JOIN parties p ON p.id = m.party_id",
        ["n.chat_id = ?"]),
    # 揭榜: every challenge with each of its bids (a row of its own when it has none), the pick marked.
    "challenges": (
        "SELECT ch.id, b.id AS bid_id, n.chat_id, n.number, ch.deadline, ch.status AS challenge_status,"
        " b.user_id AS bidder_id, u.display_name AS bidder_name, b.party_id, p.name AS party_name, b.plan,"
        " b.created_at, CASE WHEN b.id IS NULL THEN NULL WHEN ch.picked_bid = b.id THEN 'yes' ELSE 'no' END"
        " AS picked, ch.decided_by, ch.decided_at FROM challenges ch JOIN needs n ON n.id = ch.need_id"
        " LEFT JOIN bids b ON b.challenge_id = ch.id LEFT JOIN users u ON u.user_id = b.user_id"
        " LEFT JOIN parties p ON p.id = b.party_id",
        ["n.chat_id = ?"]),
    "events": (
        "SELECT e.id, e.at, e.actor_id, e.chat_id, e.need_id, e.kind, e.detail FROM events e",
        ["e.chat_id = ?"]),
}


async def table(conn: aiosqlite.Connection, name: str, chat_id: int | None) -> tuple[list[str], list[list[Any]]]:
    """(column names, rows) of one export table, oldest first."""
    sql, where = TABLES[name]
    args: list[Any] = []
    if chat_id is not None:
        sql += " WHERE " + " AND ".join(where)
        args.append(chat_id)
    sql += " ORDER BY 1, 2"
    async with conn.execute(sql, args) as cur:
        columns = [d[0] for d in cur.description]
        return columns, [list(row) for row in await cur.fetchall()]
