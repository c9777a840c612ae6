"""/export: needs, routes, commitments, agreements and the audit log as XLSX (a sheet each, openpyxl)
or as a zip of CSV files (UTF-8 with BOM, so Excel opens the Chinese correctly). Times in TIMEZONE."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot import texts
from storage.db import Database
from storage.exports import TABLES, table


def _local(value: Any, zone: ZoneInfo) -> Any:
    if isinstance(value, str) and len(value) >= 19 and value[10] == "T" and value.endswith("+00:00"):
        return datetime.fromisoformat(value).astimezone(zone).strftime("%Y-%m-%d %H:%M")
    return value


async def collect(db: Database, chat_id: int | None, zone: ZoneInfo) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """Every export table (headers in Chinese, times local), read in one consistent snapshot."""
    found = {}
    async with db.read() as conn:
        for name in TABLES:
            columns, rows = await table(conn, name, chat_id)
            headers = [texts.EXPORT_HEADERS.get(c, c) for c in columns]
            found[name] = (headers, [[_local(v, zone) for v in row] for row in rows])
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


async def export(db: Database, chat_id: int | None, zone: ZoneInfo, kind: str,
                 today: str) -> tuple[str, bytes, dict[str, int]]:
    """(file name, content, rows per table) for kind "xlsx" or "csv"."""
    tables = await collect(db, chat_id, zone)
    counts = {name: len(rows) for name, (_, rows) in tables.items()}
    if kind == "csv":
        return f"matchmaking-{today}.zip", to_csv_zip(tables), counts
    return f"matchmaking-{today}.xlsx", to_xlsx(tables), counts
