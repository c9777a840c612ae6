"""延期: when a liaison may ask to move a promise's due date, and whether the date asked for may be it.

A promise's date moves only by an approved request (or an admin's correction): the liaison of the promise's
party asks before the date has passed, with a later date and a reason; the admins approve or refuse."""

from __future__ import annotations

from datetime import date

from bot.domain.model import Commitment, DueReading
from bot.domain.views import DUE_REFUSALS, Refusal


def may_ask_extension(commitment: Commitment, bound_party: str | None, today: date,
                      pending: bool) -> Refusal | None:
    """Why this person may not ask to move this promise's date now (None: they may)."""
    if bound_party is None or bound_party != commitment.party_id:
        return Refusal.NOT_EXTENDER
    if commitment.status != "open":
        return Refusal.ALREADY_SETTLED  # kept, reported kept or withdrawn: no date to move
    if commitment.due_date is None:
        return Refusal.EXTENSION_UNDATED
    if commitment.due_date < today:
        return Refusal.EXTENSION_OVERDUE
    if pending:
        return Refusal.EXTENSION_PENDING
    return None


def extension_date_refusal(commitment: Commitment, reading: DueReading, reason: str) -> Refusal | None:
    """Why the new date (or the reason) asked for cannot be granted (None: it may be asked for)."""
    if reading.problem is not None:
        return DUE_REFUSALS[reading.problem]
    if reading.usable is None:
        return Refusal.EXTENSION_NO_DATE
    if commitment.due_date is not None and reading.usable <= commitment.due_date:
        return Refusal.EXTENSION_NOT_LATER
    if not reason.strip():
        return Refusal.EXTENSION_NO_REASON
    return None
