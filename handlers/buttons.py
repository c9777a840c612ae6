"""Typed button data: each kind of button is a frozen dataclass that encodes itself into Telegram's
callback_data (at most 64 bytes) and back, e.g. ``Claim(12)`` ⇄ ``"claim:12"``. The registration site gives
each kind its own ``CallbackQueryHandler(pattern=Kind.matches)``; garbage, stale or forged data matches no
kind and gets the catch-all "this button is no longer valid".

The data is encoded rather than kept in PTB's arbitrary-callback-data cache, because buttons must keep
working after a restart; the format is the one the bot has always used, so buttons already in chats stay
valid.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, ClassVar, Self, get_type_hints

MAX_BYTES = 64
_WORD = re.compile(r"^[a-z][a-z0-9_]{0,31}$")  # party ids, list kinds
_NUMBER = re.compile(r"^[1-9]\d{0,8}$")


class ButtonData:
    """Base of every button kind; subclasses are frozen dataclasses of int, str and bool fields."""

    prefix: ClassVar[str]
    choices: ClassVar[dict[str, tuple[str, ...]]] = {}  # allowed values of a str field, where limited

    def encode(self) -> str:
        parts = [self.prefix]
        for field in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            parts.append(("y" if value else "n") if isinstance(value, bool) else str(value))
        data = ":".join(parts)
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
        return data

    @classmethod
    def decode(cls, data: object) -> Self | None:
        """The button this data encodes, or None when it is not one of this kind (or malformed)."""
        if not isinstance(data, str) or len(data.encode()) > MAX_BYTES:
            return None
        prefix, *parts = data.split(":")
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        if prefix != cls.prefix or len(parts) != len(fields):
            return None
        hints = get_type_hints(cls)
        values: dict[str, Any] = {}
        for field, part in zip(fields, parts, strict=True):
            kind = hints[field.name]
            if kind is int and _NUMBER.match(part):
                values[field.name] = int(part)
            elif kind is bool and part in ("y", "n"):
                values[field.name] = part == "y"
            elif kind is str and _WORD.match(part) and part in cls.choices.get(field.name, (part,)):
                values[field.name] = part
            else:
                return None
        return cls(**values)

    @classmethod
    def matches(cls, data: object) -> bool:
        """For ``CallbackQueryHandler(pattern=...)``."""
        return cls.decode(data) is not None


@dataclasses.dataclass(frozen=True)
class Claim(ButtonData):
    prefix = "claim"
    need_id: int


@dataclasses.dataclass(frozen=True)
class HandOver(ButtonData):
    """转交: show the parties the need could be handed over to."""

    prefix = "decline"
    need_id: int


@dataclasses.dataclass(frozen=True)
class HandOverTo(ButtonData):
    prefix = "xfer"
    need_id: int
    party_id: str


@dataclasses.dataclass(frozen=True)
class HandOverWhy(ButtonData):
    """The reason for a 转交 (退单 when the lead hands over): the hand-over happens on this press."""

    prefix = "why"
    choices = {"reason": ("duty", "lead", "info", "other")}
    need_id: int
    party_id: str
    reason: str


@dataclasses.dataclass(frozen=True)
class Overrule(ButtonData):
    """驳回 under a 退单 the admins were told of: the need goes back to the unit that handed it over."""

    prefix = "overrule"
    term_id: int


@dataclasses.dataclass(frozen=True)
class KeepCard(ButtonData):
    """取消 under the hand-over choices: the card's own buttons come back."""

    prefix = "cancel"
    need_id: int


@dataclasses.dataclass(frozen=True)
class Resolve(ButtonData):
    prefix = "solve"
    need_id: int


@dataclasses.dataclass(frozen=True)
class Judge(ButtonData):
    """The author's verdict on a resolved need: one answer (解决情况 or 满意度) to one question."""

    prefix = "judge"
    choices = {"answer": ("solved", "partly", "unsolved", "satisfied", "fair", "unsatisfied")}
    verdict_id: int
    answer: str


@dataclasses.dataclass(frozen=True)
class Assign(ButtonData):
    """An admin picks the lead of a need the router was unsure about."""

    prefix = "assign"
    need_id: int
    party_id: str


@dataclasses.dataclass(frozen=True)
class ChooseLead(ButtonData):
    """分派 on a need awaiting its lead: an admin gets the choices (Assign buttons), anyone else an alert."""

    prefix = "pick"
    need_id: int


@dataclasses.dataclass(frozen=True)
class DecideJoin(ButtonData):
    prefix = "join"
    request_id: int
    approve: bool


@dataclasses.dataclass(frozen=True)
class ConfirmKept(ButtonData):
    """The need's author confirms (or disputes) a promise reported kept."""

    prefix = "kept"
    commitment_id: int
    kept: bool


@dataclasses.dataclass(frozen=True)
class Withdraw(ButtonData):
    """不是需求 on a card: its author or an admin withdraws the need."""

    prefix = "withdraw"
    need_id: int


@dataclasses.dataclass(frozen=True)
class UndoPromise(ButtonData):
    """撤销（记错了） on a promise's confirmation: its maker undoes it within UNDO_WINDOW."""

    prefix = "undo"
    commitment_id: int


@dataclasses.dataclass(frozen=True)
class RecordOffer(ButtonData):
    prefix = "agree"
    offer_id: int


@dataclasses.dataclass(frozen=True)
class RecordOfferFor(ButtonData):
    """记录成果 for one of the sender's needs, when an announcement fits several as well."""

    prefix = "agreeto"
    offer_id: int
    need_id: int


@dataclasses.dataclass(frozen=True)
class ReportKept(ButtonData):
    """报告兑现 on a liaison's private desk."""

    prefix = "fulfil"
    commitment_id: int


@dataclasses.dataclass(frozen=True)
class NeedsPage(ButtonData):
    prefix = "npage"
    choices = {"scope": ("o", "a")}  # open needs, all needs
    page: int
    scope: str


@dataclasses.dataclass(frozen=True)
class Detail(ButtonData):
    """详情 under /needs: the need's /status."""

    prefix = "detail"
    number: int


LIST_KINDS = ("overdue", "kept", "keptall", "parties", "triage")


@dataclasses.dataclass(frozen=True)
class ListPage(ButtonData):
    prefix = "lpage"
    choices = {"kind": LIST_KINDS}
    page: int
    kind: str


@dataclasses.dataclass(frozen=True)
class AskExtension(ButtonData):
    """申请延期 on a promise's reminder: its party's liaison is asked for the new date and the reason."""

    prefix = "extask"
    commitment_id: int


@dataclasses.dataclass(frozen=True)
class DecideExtension(ButtonData):
    """批准延期 / 驳回 under a 延期 request the admins got."""

    prefix = "extdo"
    extension_id: int
    approve: bool
