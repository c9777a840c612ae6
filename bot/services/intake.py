"""What a group message is: a promise, a date for an undated promise, a new need, an announcement of an
outcome, or talk. The facts are read in one go (``Intake.read``); the decision is a pure function of them
(``decide``), so the rule can be tested without a database or Telegram — and extended (issue 8's "read the
conversation as people mean it") in one place.

A question is not a promise and a follow-up is not a new need: "收到"/"好的" under a card is an
acknowledgement; only a liaison bound to a party can promise; a message under a card that combined several
needs must say which ("#3 …").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from bot.domain import Commitment, Need
from bot.services.work import Work
from nlp.detect import is_chat, is_need
from nlp.outcomes import is_announcement

NAMED_NEED = re.compile(r"\s*[#＃](\d{1,9})[\s:：，,]*")


@dataclass(frozen=True)
class Facts:
    """What the bot knows about a group message's context."""

    to_bot: bool = False  # a reply to one of the bot's messages
    asked_date_of: Commitment | None = None  # that message asked for this promise's date
    card_needs: tuple[Need, ...] = ()  # that message announced these needs
    topic_need: Need | None = None  # the message is in this need's own forum topic
    sender_party: str | None = None  # the sender is bound to this party


class Action(StrEnum):
    IGNORE = "ignore"  # talk, an acknowledgement, a question in a need's topic
    REGISTER = "register"  # a new need
    COMMIT = "commit"  # a promise on a need
    SET_DUE = "set_due"  # the date the bot asked for
    ASK_WHICH = "ask_which"  # a promise under a combined card that does not say which need


@dataclass(frozen=True)
class Reading:
    """What to do with a group message. ``offer_first``: it announces an outcome — offer to record it first;
    if it belongs to no need, do ``action``."""

    action: Action
    text: str = ""
    need: Need | None = None
    commitment: Commitment | None = None
    numbers: tuple[int, ...] = field(default_factory=tuple)  # ask_which: the needs the message could mean
    offer_first: bool = False


def decide(text: str, facts: Facts) -> Reading:
    offer = is_announcement(text)

    def reading(action: Action, **kwargs: object) -> Reading:
        return Reading(action, offer_first=offer, **kwargs)  # type: ignore[arg-type]

    if facts.to_bot:
        if facts.asked_date_of is not None:
            return reading(Action.SET_DUE, text=text, commitment=facts.asked_date_of)
        need = facts.card_needs[0] if len(facts.card_needs) == 1 else None
        if need is None and len(facts.card_needs) > 1 and facts.sender_party is not None and not is_chat(text):
            # A promise under a message that combined several cards must say which need ("#3 …").
            named = NAMED_NEED.match(text)
            need = next((n for n in facts.card_needs if named and n.number == int(named.group(1))), None)
            if need is None or named is None:
                return reading(Action.ASK_WHICH, numbers=tuple(n.number for n in facts.card_needs))
            text = text[named.end():]
        if need is not None and is_chat(text):
            return reading(Action.IGNORE)  # "收到" / "好的" under a need is an acknowledgement, not a promise
        if need is not None and facts.sender_party is not None:
            return reading(Action.COMMIT, text=text, need=need)
    if facts.topic_need is not None:  # a need's own topic: a liaison's words are promises, the rest discussion
        if facts.sender_party is not None and not is_chat(text):
            return reading(Action.COMMIT, text=text, need=facts.topic_need)
        return reading(Action.IGNORE)
    if is_need(text):
        return reading(Action.REGISTER, text=text)
    return reading(Action.IGNORE)


class Intake:
    def __init__(self, work: Work) -> None:
        self.work = work

    async def read(self, chat_id: int, user_id: int, text: str, replied_bot_message: int | None,
                   topic_id: int | None) -> Reading:
        if replied_bot_message is None and topic_id is None:
            return decide(text, Facts())  # a plain message: nothing to look up
        async with self.work.read() as repos:
            facts = Facts(
                to_bot=replied_bot_message is not None,
                asked_date_of=await repos.commitments.by_prompt(chat_id, replied_bot_message)
                if replied_bot_message is not None else None,
                card_needs=tuple(await repos.needs.on_card(chat_id, replied_bot_message))
                if replied_bot_message is not None else (),
                topic_need=await repos.needs.by_topic(chat_id, topic_id) if topic_id is not None else None,
                sender_party=await repos.bound_party(user_id))
        return decide(text, facts)
