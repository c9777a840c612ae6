"""A need's card in its group, and what the group is told when a need changes hands or is resolved."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from bot.domain import Agreement, Need, NeedView, Party, Person, RoutedParty
from bot.texts.duplicates import hint_line, merged_line, seconds_line
from bot.texts.format import mention, snippet
from bot.texts.matching import match_lines
from bot.texts.names import AGREEMENT_KIND_NAMES, NEED_TYPE_NAMES, STATUS_NAMES
from nlp.outcomes import format_amount

__all__ = ["PROMISE_EXAMPLES", "promise_example", "party_line", "claim_state", "former_lines", "need_card",
           "combined_header", "COMBINED_CARD_HINT", "which_need", "topic_name",
           "topic_opened", "claimed", "resolved", "rerouted", "assigned", "declined", "decline_prompt",
           "agreement_offer", "agreement_offer_which", "already_recorded", "already_led", "agreement_recorded"]


# What a promise on a need of each type might say: the card's example fits the need (a road test is no answer
# to a request for medical data).
PROMISE_EXAMPLES = {
    "scenario": "两周内协调开放试点场景", "data": "两周内开放脱敏数据接口", "funding": "月底前安排路演",
    "partnership": "下周组织对接会", "policy": "下周五前答复政策适用情况", "talent": "下月组织专场招聘会",
    "space": "下周安排实地看场地", "other": "下周五前给出答复",
}
GENERAL_EXAMPLE = PROMISE_EXAMPLES["other"]


def promise_example(need_type: str) -> str:
    return PROMISE_EXAMPLES.get(need_type, GENERAL_EXAMPLE)


def party_line(party: Party, liaisons: Iterable[Person], claimed_by: int | None = None, promises: int = 0) -> str:
    people = list(liaisons)
    who = "、".join(mention(p) for p in people) if people else "暂无绑定联络员"
    claimed = " ✅已认领" if claimed_by else ""
    made = f" · 承诺{promises}项" if promises else ""
    return f"{escape(party.short_name)}（{who}）{claimed}{made}"


def claim_state(routed: RoutedParty) -> str:
    """"已认领，承诺1项" — what a party did about a need."""
    state = "已认领" if routed.claimed_by else "待认领"
    return state + (f"，承诺{routed.promises}项" if routed.promises else "")


def former_lines(view: NeedView) -> list[str]:
    """The parties no longer on the need that claimed it or promised on it (曾牵头 / 曾协同)."""
    return [f"{'曾牵头' if r.route.role == 'lead' else '曾协同'}：{escape(r.party.short_name)}（{claim_state(r)}）"
            for r in view.former]


def need_card(view: NeedView, hint: bool = True) -> str:
    need = view.need
    lines = [
        f"📌 已登记需求 <b>#{need.number}</b>（{NEED_TYPE_NAMES.get(need.need_type, need.need_type)}）",
        f"内容：{escape(snippet(need.text, 120))}",
    ]
    if view.lead:
        lead = view.lead
        lines.append("牵头部门：" + party_line(lead.party, lead.liaisons, lead.claimed_by, lead.promises))
    elif view.triage:
        names = "、".join(escape(p.short_name) for p in view.triage)
        lines.append(f"牵头部门：待管理员确认（建议：{names}；建议单位的联络员可直接点「认领」牵头）")
    else:
        lines.append("牵头部门：待管理员指定")
    assists = view.assists
    if assists:
        lines.append("协同单位：")
        lines.extend(f"  · {party_line(r.party, r.liaisons, r.claimed_by, r.promises)}" for r in assists)
    lines.extend(former_lines(view))
    if view.co_requesters:
        lines.append(seconds_line(view.co_requesters))
    if need.status == "resolved":
        lines.append("状态：✅ 已解决")
    elif need.merged and view.merged_into is not None:
        lines.append(merged_line(view.merged_into, need.chat_id))
    elif need.status == "withdrawn":
        lines.append(f"状态：{STATUS_NAMES['withdrawn']}，不计入统计")
    elif hint:
        lines.append(f"联络员可点「认领」，或直接回复本消息作出承诺（如“{promise_example(need.need_type)}”）。")
    if need.status == "open" and view.hint is not None and view.hint.open:
        lines.append(hint_line(view.hint, need.chat_id))
    # 可对接: while open every match not refused; afterwards only those that led somewhere.
    lines.extend(match_lines([m for m in view.matches if need.status == "open" or m.match.introduced_at]))
    return "\n".join(lines)


def combined_header(count: int) -> str:
    return f"群内消息较多，以下 {count} 条回复合并发送：\n\n"


COMBINED_CARD_HINT = f"\n\n联络员可点对应编号的按钮，或回复本消息并写明编号作出承诺（如“#3 {GENERAL_EXAMPLE}”）。"


def which_need(numbers: list[int]) -> str:
    listed = "、".join(f"#{n}" for n in numbers)
    return (f"这条消息汇总了多条需求（{listed}），请写明是哪一条，例如“#{numbers[0]} {GENERAL_EXAMPLE}”，"
            f"或使用 /commit {numbers[0]} 承诺内容。")


def topic_name(need: Need) -> str:
    """A forum topic's name (Telegram allows 128 characters)."""
    return f"#{need.number} {snippet(need.text, 40)}"[:128]


def topic_opened(need: Need) -> str:
    return f"📌 已登记需求 #{need.number}，已为它开设话题「{escape(topic_name(need))}」，对接请到话题里进行。"


def claimed(party: Party, person: Person, number: int, leads: bool = False) -> str:
    """``leads``: the claim made the party the need's lead (it was awaiting one)."""
    return (f"{escape(party.short_name)} 的 {mention(person)} 已认领需求 #{number}"
            + ("，由该单位牵头。" if leads else "。"))


def resolved(number: int) -> str:
    return f"✅ 需求 #{number} 已标记为解决。"


def rerouted(number: int, party: Party, view: NeedView | None = None) -> str:
    """The notice of an admin's correction; with the card when there is none to update."""
    if view is None:
        return f"🔀 需求 #{number} 已改由 {escape(party.short_name)} 牵头（已记录为路由纠正），需求卡片已更新。"
    return f"🔀 需求 #{number} 已改由 {escape(party.short_name)} 牵头（已记录为路由纠正）。\n\n" + need_card(view)


def assigned(number: int, party: Party) -> str:
    return f"📌 管理员已指定 {escape(party.short_name)} 牵头需求 #{number}。"


def declined(number: int, from_party: Party | None, to_party: Party, reason: str | None = None) -> str:
    source = escape(from_party.short_name) if from_party else "管理员"
    why = f"（理由：{escape(reason)}）" if reason else ""
    return f"↪️ 需求 #{number} 已由 {source} 转交给 {escape(to_party.short_name)}{why}。"


def decline_prompt(number: int) -> str:
    return f"请选择更合适的承办单位（需求 #{number}）："


def agreement_offer(number: int) -> str:
    return f"🎉 恭喜！要把这条消息记录为需求 #{number} 的对接成果吗？记录后会计入成果统计。"


def agreement_offer_which(numbers: list[int]) -> str:
    listed = "、".join(f"#{n}" for n in numbers)
    return (f"🎉 恭喜！这条消息是哪条需求（{listed}）的对接成果？点对应的需求即可记录，记录后会计入成果统计。")


def already_led(party: Party) -> str:
    return f"这条需求已指派给 {escape(party.short_name)} 牵头，无需再指派。"


def already_recorded(agreement_id: int) -> str:
    return f"这项成果已记录（#{agreement_id}）。"


def agreement_recorded(agreement: Agreement, number: int, names: dict[str, str]) -> str:
    parties = "、".join(escape(names.get(p, p)) for p in agreement.parties)
    return (f"🤝 已记录需求 #{number} 的对接成果（{AGREEMENT_KIND_NAMES.get(agreement.kind, agreement.kind)}，"
            f"{format_amount(agreement.amount_yuan)}）：{escape(snippet(agreement.text, 80))}"
            + (f"\n涉及：{parties}" if parties else ""))
