"""Matching and the handshake: 可对接 on a need's card, the question to the other side, the introduction, the list
a new offer's owner gets, and the refusals."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.domain import Need, Person, Refusal
from bot.domain.offers import MatchStage, MatchView, OfferKind
from bot.texts.format import mention, snippet

__all__ = ["OFFER_KIND_NAMES", "CIRCLED", "BUTTON_INTERESTED", "BUTTON_NOT_FIT", "BUTTON_SIGNED",
           "TOAST_INTERESTED", "TOAST_NOT_FIT", "TOAST_SIGNED", "MATCH_REFUSALS", "match_lines", "people_of",
           "ask_offer_side", "ask_need_side", "introduction", "introduction_signed", "offer_matches",
           "offer_matched_none", "signing_text", "OFFER_FOR_PARTY", "match_button_label", "need_line",
           "offer_elsewhere"]

OFFER_KIND_NAMES = {OfferKind.SCENARIO: "场景", OfferKind.CAPABILITY: "能力", OfferKind.INVESTMENT: "投资"}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
BUTTON_INTERESTED = "感兴趣"
BUTTON_NOT_FIT = "不合适"
BUTTON_SIGNED = "记录签约"
TOAST_INTERESTED = "已记录：感兴趣"
TOAST_NOT_FIT = "已记录：不合适，这一对不会再推荐"
TOAST_SIGNED = "已记录签约"

MATCH_REFUSALS = {
    Refusal.MATCH_NOT_FOUND: "这条对接建议已不存在。",
    Refusal.NOT_MATCH_SIDE: "只有需求的提出方和供给所属单位的联络员（成员）可以回应这条对接建议。",
    Refusal.MATCH_ANSWERED: "你这一方已经回应过这条对接建议了。",
    Refusal.MATCH_CLOSED: "这条对接建议已结束（有一方认为不合适，供给已关闭或过期，或需求已办结）。",
    Refusal.MATCH_INTRODUCED: "双方都已表示感兴趣，机器人已为你们牵线，请看「对接成功」那条消息。",
    Refusal.MATCH_NOT_INTRODUCED: "双方都表示感兴趣之后，才能记录签约。",
    Refusal.MATCH_SIGNED: "这次对接的签约已经记录过了。",
}


def people_of(line: MatchView) -> str:
    """The offering party's people, mentioned, or a plain note that it has none bound yet."""
    return "、".join(mention(p) for p in line.people) if line.people else "暂无绑定联络员"


def _contact(person: Person) -> str:
    return mention(person) + (f"（@{escape(person.username)}）" if person.username else "")


def _offer(line: MatchView) -> str:
    return (f"{escape(line.party.short_name)}的{OFFER_KIND_NAMES[line.offer.kind]}"
            f"「{escape(snippet(line.offer.title, 30))}」")


def _state(line: MatchView) -> str:
    match = line.match
    stage = match.stage
    if stage is MatchStage.SIGNED:
        return " ✅已签约"
    if stage is MatchStage.INTRODUCED:
        return " ✅双方有意，已牵线"
    if match.need_answer is not None:
        return " · 需求方有意，待供给方回应"
    if match.offer_answer is not None:
        return " · 供给方有意，待需求方回应"
    return ""


def match_lines(lines: Sequence[MatchView]) -> list[str]:
    """可对接 on a need's card: each offer and whom it names, then why and where the handshake stands."""
    if not lines:
        return []
    out = ["🤝 可对接（双方都点「感兴趣」即为你们牵线）："]
    for k, line in enumerate(lines):
        out.append(f"  {CIRCLED[k]} {_offer(line)}（{people_of(line)}）")
        out.append(f"     理由：{escape(line.match.reason)}{_state(line)}")
    return out


def match_button_label(k: int, text: str) -> str:
    return f"{CIRCLED[k]} {text}"


def ask_offer_side(line: MatchView, need: Need) -> str:
    """The need's author is interested: the offering party is asked."""
    return (f"🤝 需求 #{need.number} 的提出方对{_offer(line)}感兴趣。\n"
            f"理由：{escape(line.match.reason)}\n"
            f"{people_of(line)}，贵单位是否有意对接？请点下方按钮回应。")


def _author(need: Need, author: Person | None) -> Person | None:
    return author or (Person(need.author_id, need.author_name) if need.author_id is not None else None)


def ask_need_side(line: MatchView, need: Need, author: Person | None = None) -> str:
    """The offering party is interested: the need's author is asked."""
    person = _author(need, author)
    who = mention(person) if person else "需求提出方"
    return (f"🤝 {escape(line.party.short_name)}对需求 #{need.number} 感兴趣，希望与你对接"
            f"（{OFFER_KIND_NAMES[line.offer.kind]}「{escape(snippet(line.offer.title, 30))}」）。\n"
            f"理由：{escape(line.match.reason)}\n"
            f"{who}，你是否有意对接？请点下方按钮回应。")


def introduction(line: MatchView, need: Need, author: Person | None = None) -> str:
    person = _author(need, author)
    contact = _contact(person) if person else "需求提出方"
    people = "、".join(_contact(p) for p in line.people) if line.people else "暂无绑定联络员"
    return (f"🎉 对接成功：需求 #{need.number} ↔ {_offer(line)}\n"
            f"需求方：{contact}\n"
            f"供给方：{escape(line.party.name)}（{people}）\n"
            f"双方都表示有意，请直接联系、商谈合作；达成协议后点「{BUTTON_SIGNED}」记入对接成果。")


def introduction_signed(line: MatchView, need: Need, author: Person | None = None) -> str:
    return introduction(line, need, author).rsplit("\n", 1)[0] + "\n✅ 已签约，已记入对接成果。"


def offer_matches(line_count: int, number: int, capped: bool) -> str:
    head = (f"供给 #{number} 与以下 {line_count} 条需求可能对接。点「感兴趣」后，机器人会在需求所在群询问需求方；"
            "双方都有意即为你们牵线。")
    return head + ("\n（今天推荐给贵单位的对接已达上限，其余待办需求不再推送；之后登记的需求仍会与它比对。）"
                   if capped else "")


OFFER_FOR_PARTY = ("由管理员代为发布：现有的待办需求不推送给发布人（只有该单位的联络员或成员能回应对接）；"
                   "之后登记的需求会自动与它比对，并在需求卡片上点名该单位。")


def offer_matched_none(number: int, capped: bool) -> str:
    if capped:
        return (f"今天推荐给贵单位的对接已达上限（MATCHES_PER_DAY），现有的待办需求不再推送；"
                f"之后登记的需求仍会与供给 #{number} 比对。")
    return (f"目前没有把供给 #{number} 列为最相符供给之一的待办需求（每条需求只推荐与它最相符的几条供给）；"
            "之后登记的需求会自动与它比对。")


def offer_elsewhere(number: int, count: int) -> str:
    """A new offer fits needs of other groups: they are not shown here; their cards there name the party."""
    return (f"另有 {count} 条其他对接群的需求与供给 #{number} 相符：已在那些需求的卡片上列为「可对接」并点名贵单位，"
            "请在那些群里回应。")


def need_line(k: int, need: Need, line: MatchView, group: str | None) -> str:
    where = f"（{escape(group)}）" if group else ""
    return f"{CIRCLED[k]} #{need.number}{where} {escape(snippet(need.text, 60))}\n   理由：{escape(line.match.reason)}"



def signing_text(title: str) -> str:
    """What an agreement recorded by 记录签约 says (kept as its text in the export)."""
    return f"对接签约：{title}"
