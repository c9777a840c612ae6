"""Inline keyboards and their callback data (always under Telegram's 64-byte limit)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.domain import Commitment, Need, NeedView, Party

CLAIM, DECLINE, TRANSFER, RESOLVE, CANCEL, JOIN, ASSIGN, KEPT, AGREE, FULFIL, NEEDS_PAGE, DETAIL, LIST_PAGE = (
    "claim", "decline", "xfer", "solve", "cancel", "join", "assign", "kept", "agree", "fulfil", "npage", "detail",
    "lpage")


def need_buttons(view: NeedView) -> InlineKeyboardMarkup | None:
    rows = need_rows(view)
    return InlineKeyboardMarkup(rows) if rows else None


def need_rows(view: NeedView, numbered: bool = False) -> list[list[InlineKeyboardButton]]:
    """A need card's buttons; numbered (认领 #3) when several needs share one message."""
    if view.need.status != "open":
        return []
    need_id = view.need.id

    def label(text: str) -> str:
        return texts.NUMBERED.format(label=text, number=view.need.number) if numbered else text

    rows = []
    if view.lead is None and view.triage:  # admins pick the lead among the router's suggestions
        rows.append([InlineKeyboardButton(label(texts.BUTTON_ASSIGN.format(name=p.short_name)),
                                          callback_data=f"{ASSIGN}:{need_id}:{p.id}") for p in view.triage])
    rows.append([
        InlineKeyboardButton(label(texts.BUTTON_CLAIM), callback_data=f"{CLAIM}:{need_id}"),
        InlineKeyboardButton(label(texts.BUTTON_DECLINE), callback_data=f"{DECLINE}:{need_id}"),
        InlineKeyboardButton(label(texts.BUTTON_RESOLVE), callback_data=f"{RESOLVE}:{need_id}"),
    ])
    return rows


def triage_buttons(views: list[NeedView]) -> InlineKeyboardMarkup | None:
    rows = [[InlineKeyboardButton(f"#{v.need.number} {p.short_name}", callback_data=f"{ASSIGN}:{v.need.id}:{p.id}")
             for p in v.triage] for v in views[:10] if v.triage]
    return InlineKeyboardMarkup(rows) if rows else None


def transfer_buttons(need_id: int, options: tuple[Party, ...]) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(p.short_name, callback_data=f"{TRANSFER}:{need_id}:{p.id}")]
            for p in options]
    rows.append([InlineKeyboardButton(texts.BUTTON_CANCEL, callback_data=f"{CANCEL}:{need_id}")])
    return InlineKeyboardMarkup(rows)


def join_buttons(request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.BUTTON_APPROVE, callback_data=f"{JOIN}:{request_id}:y"),
        InlineKeyboardButton(texts.BUTTON_DENY, callback_data=f"{JOIN}:{request_id}:n"),
    ]])


def parse(data: str | None) -> list[str]:
    """Split callback data; garbage gives an empty list."""
    if not data or len(data) > 64:
        return []
    return data.split(":")


def kept_buttons(commitment_id: int) -> InlineKeyboardMarkup:
    """For the need's author (or an admin) under a liaison's "kept" report."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.BUTTON_KEPT, callback_data=f"{KEPT}:{commitment_id}:y"),
        InlineKeyboardButton(texts.BUTTON_NOT_KEPT, callback_data=f"{KEPT}:{commitment_id}:n"),
    ]])


def record_buttons(offer_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(texts.BUTTON_RECORD, callback_data=f"{AGREE}:{offer_id}")]])


def desk_buttons(party_id: str | None, routed: list[NeedView], promises: list[tuple[Need, Commitment]]
                 ) -> InlineKeyboardMarkup | None:
    """In a liaison's private chat: claim what is still unclaimed, report kept what is still open."""
    rows = [[InlineKeyboardButton(texts.BUTTON_CLAIM_NUMBER.format(number=v.need.number),
                                  callback_data=f"{CLAIM}:{v.need.id}")]
            for v in routed if any(r.party.id == party_id and not r.claimed_by for r in v.routed)][:8]
    rows += [[InlineKeyboardButton(texts.BUTTON_FULFIL.format(id=c.id), callback_data=f"{FULFIL}:{c.id}")]
             for _, c in promises if c.status == "open"][:8]
    return InlineKeyboardMarkup(rows) if rows else None


def page_buttons(page: int, pages: int, open_only: bool, numbers: list[int]) -> InlineKeyboardMarkup | None:
    """详情 for each listed need, and ◀ / ▶ under a long /needs list (the list is edited in place)."""
    scope = "o" if open_only else "a"
    details = [InlineKeyboardButton(texts.BUTTON_DETAIL.format(number=n), callback_data=f"{DETAIL}:{n}")
               for n in numbers]
    rows = [details[i:i + 5] for i in range(0, len(details), 5)]
    row = []
    if page > 1:
        row.append(InlineKeyboardButton(texts.BUTTON_PREVIOUS, callback_data=f"{NEEDS_PAGE}:{page - 1}:{scope}"))
    if page < pages:
        row.append(InlineKeyboardButton(texts.BUTTON_NEXT, callback_data=f"{NEEDS_PAGE}:{page + 1}:{scope}"))
    rows += [row] if row else []
    return InlineKeyboardMarkup(rows) if rows else None


def list_page_buttons(kind: str, page: int, pages: int,
                      above: InlineKeyboardMarkup | None = None) -> InlineKeyboardMarkup | None:
    """◀ ▶ under a long list (/overdue, /kept, /parties, /triage) that is edited in place; ``above``: the
    page's own buttons."""
    rows = [list(r) for r in above.inline_keyboard] if above is not None else []
    if pages <= 1:
        return InlineKeyboardMarkup(rows) if rows else None
    row = []
    if page > 1:
        row.append(InlineKeyboardButton(texts.BUTTON_PREVIOUS, callback_data=f"{LIST_PAGE}:{page - 1}:{kind}"))
    if page < pages:
        row.append(InlineKeyboardButton(texts.BUTTON_NEXT, callback_data=f"{LIST_PAGE}:{page + 1}:{kind}"))
    return InlineKeyboardMarkup([*rows, row])
