"""The standing lists as a spreadsheet (openpyxl): one sheet, the headers in Chinese, one row per offer — what
``/offers export`` writes and ``/offers import`` reads back."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from itertools import islice

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from bot import texts
from bot.domain import Party
from bot.domain.offer_lists import (
    MAX_SHEET_ROWS,
    PLACE_MAX,
    SHEET_COLUMNS,
    TEXT_MAX,
    TITLE_MAX,
    SheetCheck,
    SheetIssue,
    SheetOffer,
    SheetProblem,
)
from bot.domain.offers import Offer
from nlp.offer_words import STATUS_WORDS, YES_WORDS, cell_text, kind_of, sheet_date


class SheetUnreadable(Exception):
    """Not an XLSX file openpyxl can read."""


def offers_workbook(offers: list[Offer], parties: dict[str, Party]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = texts.OFFERS_SHEET
    sheet.append(list(texts.OFFERS_HEADERS))
    for offer in offers:
        party = parties.get(offer.party_id)
        sheet.append([offer.id, texts.OFFER_KIND_NAMES[offer.kind], offer.party_id, party.short_name if party else "",
                      offer.title, offer.text, offer.place, offer.until.isoformat() if offer.until else "",
                      texts.OFFER_STATUS_NAMES[offer.status], texts.OFFER_YES_NO[offer.example]])
    for column, width in zip("ABCDEFGHIJ", (8, 8, 18, 20, 30, 60, 16, 12, 8, 6), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_offers_sheet(data: bytes) -> tuple[list[str], list[tuple[int, list[object]]]]:
    """The first sheet's headers and its rows (with the spreadsheet's row numbers), as cell values."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SheetUnreadable(str(exc)) from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise SheetUnreadable("no sheet")
        # Read no further than a sheet may hold (and one row more, so that too many is still said).
        rows = [list(r) for r in islice(sheet.iter_rows(values_only=True), MAX_SHEET_ROWS + 2)]
    finally:
        book.close()
    if not rows:
        return [], []
    headers = ["" if c is None else str(c).strip() for c in rows[0]]
    return headers, [(number, cells) for number, cells in enumerate(rows[1:], start=2)]


def sheet_name(day: date) -> str:
    return f"offers-{day.isoformat()}.xlsx"


def check_sheet(headers: list[str], rows: list[tuple[int, list[object]]], parties: dict[str, Party],
                existing: dict[int, str], header_words: tuple[str, ...]) -> SheetCheck:
    """Every row of an imported list checked against the directory and the offers there are (``existing``: offer
    id → its party, which a row may not change); ``rows``: (the
    sheet's row number, its cells). ``header_words``: the export's headers, in SHEET_COLUMNS' order. The rows
    come back only when no row has a problem."""
    if [h.strip() for h in headers[:len(header_words)]] != list(header_words):
        return SheetCheck(problems=(SheetProblem(1, SheetIssue.HEADERS, "、".join(h for h in headers if h)),))
    filled = [(n, cells) for n, cells in rows if any(cell_text(c) for c in cells)]
    if not filled:
        return SheetCheck(problems=(SheetProblem(2, SheetIssue.EMPTY),))
    if len(filled) > MAX_SHEET_ROWS:
        return SheetCheck(problems=(SheetProblem(filled[MAX_SHEET_ROWS][0], SheetIssue.TOO_MANY),))
    by_name = {p.name: p.id for p in parties.values()} | {p.short_name: p.id for p in parties.values()}
    problems: list[SheetProblem] = []
    checked: list[SheetOffer] = []
    seen: set[int] = set()
    for number, cells in filled:
        values = dict(zip(SHEET_COLUMNS, [*cells, *[None] * len(SHEET_COLUMNS)], strict=False))
        found: list[SheetProblem] = []

        def fault(issue: SheetIssue, value: str = "", row: int = number, into: list[SheetProblem] = found) -> None:
            into.append(SheetProblem(row, issue, value))

        offer_id: int | None = None
        raw_id = cell_text(values["id"]).lstrip("#＃")
        if raw_id:
            if not raw_id.isascii() or not raw_id.isdigit() or len(raw_id) > 12:
                fault(SheetIssue.BAD_ID, raw_id)
            elif int(raw_id) in seen:
                fault(SheetIssue.DUPLICATE_ID, raw_id)
            elif int(raw_id) not in existing:
                fault(SheetIssue.UNKNOWN_ID, raw_id)
            else:
                offer_id = int(raw_id)
                seen.add(offer_id)
        party_id = cell_text(values["party_id"]).lower() or by_name.get(cell_text(values["party"]), "")
        if party_id not in parties:
            fault(SheetIssue.UNKNOWN_PARTY, cell_text(values["party_id"]) or cell_text(values["party"]))
        elif offer_id is not None and existing[offer_id] != party_id:
            fault(SheetIssue.PARTY_CHANGED, f"{existing[offer_id]} → {party_id}")
        kind = kind_of(cell_text(values["kind"]))
        if kind is None:
            fault(SheetIssue.UNKNOWN_KIND, cell_text(values["kind"]))
        title = cell_text(values["title"])
        if not title:
            fault(SheetIssue.NO_TITLE)
        elif len(title) > TITLE_MAX:
            fault(SheetIssue.LONG_TITLE, title)
        readable, until = sheet_date(values["until"])
        if not readable:
            fault(SheetIssue.BAD_DATE, cell_text(values["until"]))
        status = STATUS_WORDS.get(cell_text(values["status"]).lower())
        if status is None:
            fault(SheetIssue.BAD_STATUS, cell_text(values["status"]))
        example = YES_WORDS.get(cell_text(values["example"]).lower())
        if example is None:
            fault(SheetIssue.BAD_EXAMPLE, cell_text(values["example"]))
        if found or kind is None or status is None or example is None:
            problems += found
            continue
        checked.append(SheetOffer(offer_id, party_id, kind, title, cell_text(values["text"])[:TEXT_MAX],
                                  cell_text(values["place"])[:PLACE_MAX], until, status, example))
    if problems:
        return SheetCheck(problems=tuple(problems))
    return SheetCheck(rows=tuple(checked))
