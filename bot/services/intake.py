"""What a group message is, and what the bot does with it: one decision, a pure function of the facts.

The facts are read in one go (``Intake.read``): what the words say (``said``: the intent reader in
``nlp.intent``, rules for what is certain and a trained classifier for the rest), who says it, what it replies
to and which need that is about. ``decide`` then says what to do, so the rule is tested without a database or
Telegram:

- about a need (under its card, a reply to its message or to a note on it, ``#N …``, in its topic):
  its author's words are a follow-up (a note), never a new need; a bound party's promise is a promise, its
  question, refusal or progress a note; acknowledgements and talk are left alone;
- about no need: a new need when the words say so; an announced outcome is offered for recording; the rest is
  talk. The bot speaks only when it did something.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from bot.domain import Commitment, Need
from bot.domain.intents import Intent
from bot.services.work import Work
from nlp.detect import meaningful_chars
from nlp.intent import IntentReader
from nlp.outcomes import is_announcement
from nlp.router import Router

NAMED_NEED = re.compile(r"\s*[#＃](\d{1,9})(?![\d])[\s:：，,、]*")


@dataclass(frozen=True)
class Facts:
    """What the bot knows about a group message."""

    said: Intent = Intent.CHAT  # what the words say (nlp.intent), before where they are said is considered
    to_bot: bool = False  # a reply to one of the bot's messages
    asked_date_of: Commitment | None = None  # that message asked for this promise's date
    card_needs: tuple[Need, ...] = ()  # that message announced these needs
    replied_need: Need | None = None  # a reply to the message that posted this need, or to a note on it
    named_need: Need | None = None  # the message starts with "#N" naming this need of the chat
    topic_need: Need | None = None  # the message is in this need's own forum topic
    sender_id: int | None = None
    sender_party: str | None = None  # the sender is bound to this party
    sender_is_admin: bool = False
    announces: bool = False  # names a signing or an investment (nlp.outcomes.is_announcement)
    own_need: Need | None = None  # the sender's open need a follow-up said plainly is about (see Intake._about_own)
    about_own: bool = False  # own_need was chosen because the follow-up is like it (not as the newest)
    grounded: bool = True  # read as a need, it is about something the parties deal with (Intake._grounded)
    stands_alone: bool = False  # a follow-up said plainly that is about none of the sender's needs and reads as one


class Action(StrEnum):
    IGNORE = "ignore"  # talk, an acknowledgement
    REGISTER = "register"  # a new need
    NOTE = "note"  # a follow-up, question, refusal or progress on a need
    COMMIT = "commit"  # a promise on a need
    SET_DUE = "set_due"  # the date the bot asked for
    ASK_WHICH = "ask_which"  # a promise under a combined card that does not say which need


@dataclass(frozen=True)
class Reading:
    """What to do with a group message. ``offer_first``: it announces an outcome — offer to record it first
    (against ``need`` when it is about one); if it belongs to no need, do ``action``."""

    action: Action
    text: str = ""
    need: Need | None = None
    commitment: Commitment | None = None
    kind: Intent | None = None  # NOTE: which kind of note
    numbers: tuple[int, ...] = field(default_factory=tuple)  # ask_which: the needs the message could mean
    offer_first: bool = False


# What a bound party's words on a need become: a promise, or a note of this kind (None: left alone).
_PARTY_SAYS = {Intent.PROMISE: None, Intent.QUESTION: Intent.QUESTION, Intent.NEED: Intent.QUESTION,
               Intent.FOLLOWUP: Intent.QUESTION, Intent.REFUSAL: Intent.REFUSAL, Intent.PROGRESS: Intent.PROGRESS}
# An admin's (not bound to a party): notes only.
_ADMIN_SAYS = {Intent.QUESTION: Intent.QUESTION, Intent.REFUSAL: Intent.REFUSAL, Intent.PROGRESS: Intent.PROGRESS,
               Intent.FOLLOWUP: Intent.QUESTION}
_SILENT = frozenset({Intent.ACK, Intent.CHAT})
NEAR_REMIT = 0.12  # nearness to a party's profile at which words that follow nothing are a need (see _about_own)
ABOUT = 0.2  # likeness (cosine of the TF-IDF features) at which a follow-up is about one of the sender's needs
SAYS_SOMETHING = 9  # letters/characters: "好的，辛苦周科" (6) is talk, "收到，我们这周去村里看看" (11) says something


def decide(text: str, facts: Facts) -> Reading:
    said = facts.said
    # A deal named (signed, invested, agreed) is offered for recording as an agreement; other achievements ("路测
    # 已经完成") are progress on the need they are about, and a misread answer never asks to record a deal.
    offer = facts.announces

    if facts.to_bot and facts.asked_date_of is not None:
        return Reading(Action.SET_DUE, text=text, commitment=facts.asked_date_of)
    need, text = _about(text, facts)
    if need is None and len(facts.card_needs) > 1 and facts.sender_party is not None and said is Intent.PROMISE:
        # A promise under a message that combined several cards must say which need ("#3 …").
        return Reading(Action.ASK_WHICH, numbers=tuple(n.number for n in facts.card_needs))
    if need is None:
        if said is Intent.FOLLOWUP and facts.about_own and facts.own_need is not None and not offer:
            # "上次说的医院数据那个事，还需要什么材料" said plainly: about that need, whatever its need words.
            return Reading(Action.NOTE, text=text, need=facts.own_need, kind=Intent.FOLLOWUP)
        if (said is Intent.NEED and facts.grounded) or (said is Intent.FOLLOWUP and facts.stands_alone):
            # Said plainly, "另外希望对接医院…" is a need of its own: a need is never lost for its wording.
            return Reading(Action.REGISTER, text=text, offer_first=offer)
        if said is Intent.FOLLOWUP and facts.own_need is not None and not offer:
            # "进度怎么样了？" said plainly by someone with an open need, about none in particular: the newest.
            return Reading(Action.NOTE, text=text, need=facts.own_need, kind=Intent.FOLLOWUP)
        return Reading(Action.IGNORE, offer_first=offer)
    if need.status == "withdrawn":
        return Reading(Action.IGNORE, need=need)  # not a need: nothing said under it is kept
    if offer:
        return Reading(Action.IGNORE, need=need, offer_first=True)
    author = facts.sender_id is not None and facts.sender_id == need.author_id
    # Talk under a need is left alone, except the author's own words about it when they say something: "收到，我们这周
    # 去村里看看" under one's own card is a follow-up even where the words alone read as everyday talk.
    if said in _SILENT and not (author and said is Intent.CHAT and meaningful_chars(text) >= SAYS_SOMETHING):
        return Reading(Action.IGNORE, need=need)
    if author:
        # The author under their own need: whatever the words, a follow-up, never a new need.
        return Reading(Action.NOTE, text=text, need=need, kind=Intent.FOLLOWUP)
    if facts.sender_party is not None:
        if said is Intent.OUTCOME:
            return Reading(Action.NOTE, text=text, need=need, kind=Intent.PROGRESS)  # "已开放": a party's progress
        if said is Intent.PROMISE:
            return Reading(Action.COMMIT, text=text, need=need)
        return Reading(Action.NOTE, text=text, need=need, kind=_PARTY_SAYS.get(said, Intent.PROGRESS))
    if facts.sender_is_admin and said in _ADMIN_SAYS:
        return Reading(Action.NOTE, text=text, need=need, kind=_ADMIN_SAYS[said])
    if said is Intent.NEED and facts.grounded:
        return Reading(Action.REGISTER, text=text)  # someone else's own need, said under this one
    return Reading(Action.IGNORE, need=need)


def _about(text: str, facts: Facts) -> tuple[Need | None, str]:
    """The need the message is about, and its text without a leading "#N"."""
    named = NAMED_NEED.match(text)
    rest = text[named.end():] if named else text
    if facts.topic_need is not None:
        return facts.topic_need, text
    if facts.card_needs:
        if len(facts.card_needs) == 1:
            return facts.card_needs[0], text
        number = int(named.group(1)) if named else None
        return next((n for n in facts.card_needs if n.number == number), None), rest
    if facts.replied_need is not None:
        return facts.replied_need, text
    if facts.named_need is not None:
        return facts.named_need, rest
    return None, text


class Intake:
    def __init__(self, work: Work, reader: IntentReader, router: Callable[[], Router]) -> None:
        self.work = work
        self.reader = reader
        self.router = router  # the current one: the learner replaces it when it refits

    async def read(self, chat_id: int, user_id: int, text: str, replied_message: int | None, replied_to_bot: bool,
                   topic_id: int | None, sender_is_admin: bool = False) -> Reading:
        named = NAMED_NEED.match(text)
        known, party = self.work.bindings.party_of(user_id)
        if not known:  # the bindings are read once, then kept (Work.bindings)
            async with self.work.read() as repos:
                party = await repos.bound_party(user_id)
        said = self.reader.read(text, role=_role(party, sender_is_admin))
        facts = Facts(said=said, to_bot=replied_to_bot, grounded=said is not Intent.NEED or self._grounded(text),
                      sender_id=user_id, sender_party=party, sender_is_admin=sender_is_admin,
                      announces=is_announcement(text))
        plain = replied_message is None and topic_id is None
        if plain and named is None and facts.said is not Intent.FOLLOWUP:
            return decide(text, facts)  # said plainly (most messages): nothing to look up
        async with self.work.read() as repos:
            if replied_message is not None and replied_to_bot:
                facts = replace(facts, asked_date_of=await repos.commitments.by_prompt(chat_id, replied_message),
                                card_needs=tuple(await repos.needs.on_card(chat_id, replied_message)))
            elif replied_message is not None:
                need_id = await repos.notes.need_of_message(chat_id, replied_message)
                facts = replace(facts, replied_need=await repos.needs.get(need_id) if need_id is not None else None)
            if topic_id is not None:
                facts = replace(facts, topic_need=await repos.needs.by_topic(chat_id, topic_id))
            if named is not None:
                facts = replace(facts, named_need=await repos.needs.by_number(chat_id, int(named.group(1))))
            mine = await repos.needs.open_by(chat_id, user_id) if facts.said is Intent.FOLLOWUP and plain else None
        if mine is not None:  # compared with the text outside the read: featurising them takes a while
            own, about, alone = self._about_own(text, mine)
            facts = replace(facts, own_need=own, about_own=about, stands_alone=alone)
        return decide(text, facts)

    def _grounded(self, text: str) -> bool:
        return self.router().grounded(text)

    def _about_own(self, text: str, mine: list[Need]) -> tuple[Need | None, bool, bool]:
        """Which of the sender's open needs (newest first) a follow-up said plainly is about, whether it is about it
        (rather than the newest by default), and whether it is about none of them but a need of its own: the need
        detector says so ("另外希望对接医院开展癌症早筛试点"), or it is near some party's remit
        ("员工社保断缴了三个月，补缴怎么办理", from someone with no need it could follow up).
        "上次说的医院数据那个事，有消息了吗？" is about the hospital-data need, not the newest; "进度怎么样了？", about
        nothing in particular, goes to the newest."""
        router = self.router()
        if mine:
            alike = router.likeness(text, [n.text for n in mine])
            best = max(range(len(mine)), key=alike.__getitem__)
            if alike[best] >= ABOUT:
                return mine[best], True, False
        is_need, near = router.signals(text)
        if is_need or (not mine and near >= NEAR_REMIT):
            return None, False, True  # near a remit counts only from someone with no need it could follow up
        return (mine[0] if mine else None), False, False


def _role(party: str | None, admin: bool) -> str:
    if party is not None:
        return "party"  # an admin bound to a party speaks for it (decide treats them so)
    return "admin" if admin else "enterprise"
