"""What a group message means (its intent) and the notes a conversation leaves on a need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Intent(StrEnum):
    """What a message says, read from its words and who says it (nlp.intent); what the bot does with it also
    depends on where it is said (bot.services.intake.decide)."""

    NEED = "need"  # a new need: a scenario, data, a site, funding, a partner
    FOLLOWUP = "followup"  # the need's author adds to it, answers a question, asks for progress, complains
    PROMISE = "promise"  # a party commits to an action, with or without a date
    QUESTION = "question"  # a question or a request for information or documents
    REFUSAL = "refusal"  # a refusal or a redirection ("这个归大数据局管")
    PROGRESS = "progress"  # a report on something under way
    ACK = "ack"  # "收到", "我们研究一下": no commitment
    OUTCOME = "outcome"  # something was achieved: signed, opened, granted
    CHAT = "chat"  # everything else


NOTE_KINDS = frozenset({Intent.FOLLOWUP, Intent.QUESTION, Intent.REFUSAL, Intent.PROGRESS})


@dataclass(frozen=True)
class Note:
    """What someone said about a need that is neither a promise nor a new need: kept on the need."""

    id: int
    need_id: int
    chat_id: int
    kind: Intent  # one of NOTE_KINDS
    author_id: int | None
    party_id: str | None
    message_id: int | None
    text: str
    created_at: datetime
