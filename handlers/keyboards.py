"""Inline keyboards; their callback data is typed (handlers/buttons.py)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.domain import Commitment, Need, NeedView, Party
from bot.domain.duty import HandOverReason, Satisfaction, Solved, Verdict
from handlers.buttons import (
    AskExtension,
    Assign,
    ChooseLead,
    Claim,
    ConfirmKept,
    DecideExtension,
    DecideJoin,
    Detail,
    HandOver,
    HandOverTo,
    HandOverWhy,
    Judge,
    KeepCard,
    ListPage,
    NeedsPage,
    Overrule,
    RecordOffer,
    RecordOfferFor,
    ReportKept,
    Resolve,
    UndoPromise,
    Withdraw,
)
from handlers.duplicate_buttons import duplicate_rows
from handlers.match_buttons import match_rows


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

    rows = duplicate_rows(view, label) + match_rows(view, label)
    if view.lead is None and view.triage:  # an admin picks the lead: the choices open on pressing (lead_buttons)
        rows.append([InlineKeyboardButton(label(texts.BUTTON_CHOOSE_LEAD),
                                          callback_data=ChooseLead(need_id).encode())])
    rows.append([
        InlineKeyboardButton(label(texts.BUTTON_CLAIM), callback_data=Claim(need_id).encode()),
        InlineKeyboardButton(label(texts.BUTTON_DECLINE), callback_data=HandOver(need_id).encode()),
        InlineKeyboardButton(label(texts.BUTTON_RESOLVE), callback_data=Resolve(need_id).encode()),
        InlineKeyboardButton(label(texts.BUTTON_WITHDRAW), callback_data=Withdraw(need_id).encode()),
    ])
    return rows


def verdict_buttons(verdict: Verdict) -> InlineKeyboardMarkup | None:
    """The questions still unanswered: 解决情况 on one row, 满意度 on the next."""
    rows = []
    if verdict.solved is None:
        rows.append([InlineKeyboardButton(texts.SOLVED_NAMES[s], callback_data=Judge(verdict.id, s.value).encode())
                     for s in Solved])
    if verdict.satisfaction is None:
        rows.append([InlineKeyboardButton(texts.SATISFACTION_NAMES[s],
                                          callback_data=Judge(verdict.id, s.value).encode()) for s in Satisfaction])
    return InlineKeyboardMarkup(rows) if rows else None


def undo_rows(commitment_id: int) -> tuple[tuple[InlineKeyboardButton, ...], ...]:
    """撤销（记错了） under a promise's confirmation."""
    return ((InlineKeyboardButton(texts.BUTTON_UNDO_PROMISE, callback_data=UndoPromise(commitment_id).encode()),),)


def redirect_buttons(need_id: int, party: Party) -> InlineKeyboardMarkup:
    """One tap to hand a need over to the party a refusal named (the refusal said why: not ours)."""
    data = HandOverWhy(need_id, party.id, HandOverReason.NOT_OUR_DUTY.value).encode()
    return InlineKeyboardMarkup([[InlineKeyboardButton(texts.BUTTON_HAND_OVER_TO.format(name=party.short_name),
                                                       callback_data=data)]])


def triage_buttons(views: list[NeedView]) -> InlineKeyboardMarkup | None:
    rows = [[InlineKeyboardButton(f"#{v.need.number} {p.short_name}", callback_data=Assign(v.need.id, p.id).encode())
             for p in v.triage] for v in views[:10] if v.triage]
    return InlineKeyboardMarkup(rows) if rows else None


def lead_buttons(need_id: int, options: tuple[Party, ...]) -> InlineKeyboardMarkup:
    """分派 pressed by an admin: the router's suggestions for the lead, and 取消."""
    rows = [[InlineKeyboardButton(texts.BUTTON_ASSIGN.format(name=p.short_name),
                                  callback_data=Assign(need_id, p.id).encode())] for p in options]
    rows.append([InlineKeyboardButton(texts.BUTTON_CANCEL, callback_data=KeepCard(need_id).encode())])
    return InlineKeyboardMarkup(rows)


def reason_buttons(need_id: int, party_id: str) -> InlineKeyboardMarkup:
    """The 转交 reasons, two a row, and 取消."""
    reasons = [InlineKeyboardButton(texts.HAND_OVER_REASON_NAMES[r], callback_data=HandOverWhy(need_id, party_id,
                                                                                               r.value).encode())
               for r in HandOverReason]
    rows = [reasons[i:i + 2] for i in range(0, len(reasons), 2)]
    rows.append([InlineKeyboardButton(texts.BUTTON_CANCEL, callback_data=KeepCard(need_id).encode())])
    return InlineKeyboardMarkup(rows)


def ruling_buttons(term_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(texts.BUTTON_OVERRULE,
                                                       callback_data=Overrule(term_id).encode())]])


def transfer_buttons(need_id: int, options: tuple[Party, ...]) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(p.short_name, callback_data=HandOverTo(need_id, p.id).encode())]
            for p in options]
    rows.append([InlineKeyboardButton(texts.BUTTON_CANCEL, callback_data=KeepCard(need_id).encode())])
    return InlineKeyboardMarkup(rows)


def join_buttons(request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.BUTTON_APPROVE, callback_data=DecideJoin(request_id, True).encode()),
        InlineKeyboardButton(texts.BUTTON_DENY, callback_data=DecideJoin(request_id, False).encode()),
    ]])



def kept_buttons(commitment_id: int) -> InlineKeyboardMarkup:
    """For the need's author (or an admin) under a liaison's "kept" report."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.BUTTON_KEPT, callback_data=ConfirmKept(commitment_id, True).encode()),
        InlineKeyboardButton(texts.BUTTON_NOT_KEPT, callback_data=ConfirmKept(commitment_id, False).encode()),
    ]])


def record_buttons(offer_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(texts.BUTTON_RECORD,
                                                       callback_data=RecordOffer(offer_id).encode())]])


def record_choice_buttons(offer_id: int, needs: tuple[Need, ...]) -> InlineKeyboardMarkup:
    """A button for each need an announcement may be about: the sender picks the one."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        texts.BUTTON_RECORD_FOR.format(number=n.number, text=texts.snippet(n.text, 14)),
        callback_data=RecordOfferFor(offer_id, n.id).encode())] for n in needs])


def desk_buttons(party_id: str | None, routed: list[NeedView], promises: list[tuple[Need, Commitment]]
                 ) -> InlineKeyboardMarkup | None:
    """In a liaison's private chat: claim what is still unclaimed, report kept what is still open."""
    rows = [[InlineKeyboardButton(texts.BUTTON_CLAIM_NUMBER.format(number=v.need.number),
                                  callback_data=Claim(v.need.id).encode())]
            for v in routed if any(r.party.id == party_id and not r.claimed_by for r in v.routed)][:8]
    rows += [[InlineKeyboardButton(texts.BUTTON_FULFIL.format(id=c.id), callback_data=ReportKept(c.id).encode())]
             for _, c in promises if c.status == "open"][:8]
    return InlineKeyboardMarkup(rows) if rows else None


def page_buttons(page: int, pages: int, open_only: bool, numbers: list[int]) -> InlineKeyboardMarkup | None:
    """详情 for each listed need, and ◀ / ▶ under a long /needs list (the list is edited in place)."""
    scope = "o" if open_only else "a"
    details = [InlineKeyboardButton(texts.BUTTON_DETAIL.format(number=n), callback_data=Detail(n).encode())
               for n in numbers]
    rows = [details[i:i + 5] for i in range(0, len(details), 5)]
    row = []
    if page > 1:
        row.append(InlineKeyboardButton(texts.BUTTON_PREVIOUS, callback_data=NeedsPage(page - 1, scope).encode()))
    if page < pages:
        row.append(InlineKeyboardButton(texts.BUTTON_NEXT, callback_data=NeedsPage(page + 1, scope).encode()))
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
        row.append(InlineKeyboardButton(texts.BUTTON_PREVIOUS, callback_data=ListPage(page - 1, kind).encode()))
    if page < pages:
        row.append(InlineKeyboardButton(texts.BUTTON_NEXT, callback_data=ListPage(page + 1, kind).encode()))
    return InlineKeyboardMarkup([*rows, row])


def ask_buttons(commitment_id: int) -> InlineKeyboardMarkup:
    """申请延期 under a promise's reminder."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        texts.BUTTON_ASK_EXTENSION, callback_data=AskExtension(commitment_id).encode())]])


def decide_buttons(extension_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.BUTTON_APPROVE_EXTENSION,
                             callback_data=DecideExtension(extension_id, True).encode()),
        InlineKeyboardButton(texts.BUTTON_REFUSE_EXTENSION,
                             callback_data=DecideExtension(extension_id, False).encode()),
    ]])
