"""/export: needs, routes, commitments, agreements and the audit log as XLSX (a sheet each, openpyxl)
or as a zip of CSV files (UTF-8 with BOM, so Excel opens the Chinese correctly). Times in TIMEZONE."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot import texts
from storage.db import Database
from storage.exports import TABLES, table
from storage.parties import PartyRepo


def _local(value: Any, zone: ZoneInfo) -> Any:
    if isinstance(value, str) and len(value) >= 19 and value[10] == "T" and value.endswith("+00:00"):
        return datetime.fromisoformat(value).astimezone(zone).strftime("%Y-%m-%d %H:%M")
    return value


class _Readable:
    """Turns the stored rows into what a person reads: codes in words, party ids in the names the bot shows
    everywhere else (the card's), the audit's JSON details in sentences, times local."""

    def __init__(self, names: dict[str, str], zone: ZoneInfo) -> None:
        self.names, self.zone = names, zone

    def party(self, party_id: str) -> str:
        return texts.lead_name(self.names, party_id)

    def row(self, name: str, columns: list[str], row: list[Any]) -> list[Any]:
        values = dict(zip(columns, row, strict=True))
        return [self.cell(name, column, value, values) for column, value in zip(columns, row, strict=True)]

    def cell(self, name: str, column: str, value: Any, values: dict[str, Any]) -> Any:
        if column == "party_name" and values.get("party_id"):
            return self.party(str(values["party_id"]))
        if column == "parties" and isinstance(value, str):
            return "、".join(self.party(p) for p in _json(value, [])) or texts.NOBODY
        if column == "detail" and isinstance(value, str):
            detail = _json(value, None)
            return texts.event_detail(detail, self.party) if isinstance(detail, dict) else value
        return texts.export_value(name, column, _local(value, self.zone))


def _json(text: str, default: Any) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return default


async def collect(db: Database, chat_id: int | None, zone: ZoneInfo) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """Every export table (headers in Chinese, values readable, times local), read in one consistent snapshot."""
    found = {}
    async with db.read() as conn:
        readable = _Readable({p.id: p.short_name for p in await PartyRepo(conn).all(enabled_only=False)}, zone)
        for name in TABLES:
            columns, rows = await table(conn, name, chat_id)
            headers = [texts.EXPORT_HEADERS.get(c, c) for c in columns]
            found[name] = (headers, [readable.row(name, columns, row) for row in rows])
    return found


def to_xlsx(tables: dict[str, tuple[list[str], list[list[Any]]]]) -> bytes:
    from openpyxl import Workbook  # here, not at import: the bot's start-up need not pay for it
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, (headers, rows) in tables.items():
        sheet = book.create_sheet(texts.EXPORT_SHEETS.get(name, name))
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_csv_zip(tables: dict[str, tuple[list[str], list[list[Any]]]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (headers, rows) in tables.items():
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(headers)
            writer.writerows(rows)
            archive.writestr(f"{name}.csv", "\ufeff" + text.getvalue())
    return buffer.getvalue()


async def export(db: Database, chat_id: int | None, zone: ZoneInfo, kind: str, today: str,
                 extra: dict[str, tuple[list[str], list[list[Any]]]] | None = None,
                 ) -> tuple[str, bytes, dict[str, int]]:
    """(file name, content, rows per table) for kind "xlsx" or "csv"; ``extra``: tables made elsewhere (the duty
    sheets), after the stored ones."""
    tables = await collect(db, chat_id, zone) | (extra or {})
    counts = {name: len(rows) for name, (_, rows) in tables.items()}
    if kind == "csv":
        return f"matchmaking-{today}.zip", to_csv_zip(tables), counts
    return f"matchmaking-{today}.xlsx", to_xlsx(tables), counts
