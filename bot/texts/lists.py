"""Lists and overviews: /needs, /status, /overdue, /kept, /parties, /triage, and a person's private desk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, tzinfo
from html import escape

from bot.domain import Commitment, Event, Need, NeedDetail, NeedView, Party
from bot.domain.duty import HandOverReason
from bot.domain.intents import Note
from bot.domain.metrics import PartyRecord
from bot.texts.cards import claim_state, former_lines
from bot.texts.commands import START_TEXT
from bot.texts.commitments import due_and_state
from bot.texts.conversation import NOTE_KINDS_NAMES
from bot.texts.duplicates import co_requesters_line, merged_status
from bot.texts.format import day, duration, fit, local_time, percent, snippet, unit_table
from bot.texts.handovers import HAND_OVER_REASON_NAMES
from bot.texts.names import (
    AGREEMENT_KIND_NAMES,
    EVENT_NAMES,
    KIND_NAMES,
    NEED_TYPE_NAMES,
    ROLE_NAMES,
    STATUS_NAMES,
)
from bot.texts.verdicts import SATISFACTION_NAMES, SOLVED_NAMES
from nlp.outcomes import format_amount

__all__ = ["need_state", "need_list", "status", "overdue", "kept_rates", "parties", "triage_list", "desk", "admin_desk"]


def need_state(view: NeedView) -> str:
    """Where a need stands: 已解决, 已认领 (a routed party took it up), or 待认领."""
    if view.need.merged and view.merged_into is not None:
        return merged_status(view.merged_into, view.need.chat_id)
    if view.need.status != "open":
        return STATUS_NAMES.get(view.need.status, view.need.status)
    return "已认领" if any(r.claimed_by for r in view.routed) else "待认领"


def need_list(views: list[NeedView], open_only: bool, total: int, page: int = 1, pages: int = 1) -> str:
    if not views:
        return "目前没有办理中的需求。" if open_only else "本群还没有登记过需求。"
    title = "办理中的需求" if open_only else "全部需求"
    where = f"，第 {page}/{pages} 页" if pages > 1 else ""
    lines = [f"<b>{title}</b>（共 {total} 条{where}）"]
    for view in views:
        need = view.need
        head = (f"#{need.number} [{NEED_TYPE_NAMES.get(need.need_type, need.need_type)}] "
                f"{escape(snippet(need.text, 40))} — ")
        if need.merged and view.merged_into is not None:  # no lead of its own: it is part of the other need
            lines.append(head + merged_status(view.merged_into, need.chat_id))
            continue
        state = f"；{STATUS_NAMES.get(need.status, need.status)}" if need.status != "open" else ""
        lines.append(head + f"{who_claimed(view)}{state}")
    return fit(lines, "…其余需求请用 /status 编号 查看")


def who_claimed(view: NeedView) -> str:
    """"牵头：财政局（已认领）；协同：工信局（已认领，承诺1项）；曾牵头：金融局（已认领，承诺1项）" — the lead, and
    every other party, on the need or no longer, that claimed it or promised on it."""
    lead = view.lead
    parts = [f"牵头：{escape(lead.party.short_name)}（{claim_state(lead)}）" if lead else "牵头：待指定"]
    active = [r for r in view.assists if r.claimed_by or r.promises]
    if active:
        parts.append("协同：" + "、".join(f"{escape(r.party.short_name)}（{claim_state(r)}）" for r in active))
    parts += former_lines(view)
    return "；".join(parts)


def status(detail: NeedDetail, names: dict[str, str], people: dict[int, str], tz: tzinfo, today: date,
           more: tuple[str, ...] = ()) -> str:
    """``more``: further parts (揭榜), before the records."""
    need = detail.need
    state = merged_status(detail.merged_into, need.chat_id) if detail.merged_into is not None else \
        STATUS_NAMES.get(need.status, need.status)
    lines = [
        f"<b>需求 #{need.number}</b>（{NEED_TYPE_NAMES.get(need.need_type, need.need_type)}，{state}）",
        f"提出人：{escape(need.author_name)}，{local_time(need.created_at, tz)}",
        *([co_requesters_line(detail.co_requesters)] if detail.co_requesters else []),
        f"内容：{escape(snippet(need.text, 600))}",
        "<b>分派</b>：",
    ]
    if need.status == "open" and not any(r.role == "lead" and r.active for r in detail.routes):
        lines.append("  · 牵头 待指定（等管理员分派）")
    for route in detail.routes:
        state = "" if route.active else "（已转出）"
        name = escape(names.get(route.party_id, route.party_id))
        lines.append(f"  · {ROLE_NAMES.get(route.role, route.role)} {name}{state}")
    lines.append("<b>认领</b>：" + ("、".join(
        f"{escape(names.get(c.party_id, c.party_id))}（{escape(people.get(c.user_id, str(c.user_id)))}）"
        for c in detail.claims) or "暂无"))
    lines.append("<b>承诺</b>：" + ("" if detail.commitments else "暂无"))
    for c in detail.commitments:
        lines.append(f"  · {c.id} {escape(names.get(c.party_id, c.party_id))}：{escape(snippet(c.text, 50))} — "
                     f"{due_and_state(c, today)}")
    if detail.agreements:
        lines.append("<b>成果</b>：")
        lines.extend(f"  · #{a.id} {AGREEMENT_KIND_NAMES.get(a.kind, a.kind)} {format_amount(a.amount_yuan)}："
                      f"{escape(snippet(a.text, 50))}" for a in detail.agreements)
    if detail.notes:
        lines.append("<b>对话</b>：")
        for note in detail.notes:
            who = people.get(note.author_id, str(note.author_id)) if note.author_id else "系统"
            party = f"（{names.get(note.party_id, note.party_id)}）" if note.party_id else ""
            lines.append(f"  {local_time(note.created_at, tz)} {escape(who)}{escape(party)} "
                         f"{NOTE_KINDS_NAMES[note.kind]}：{escape(snippet(note.text, 80))}")
    lines.extend(more)
    lines.append("<b>记录</b>：")
    for event in detail.events:
        who = "系统" if not event.actor_id or event.kind in _BOT_EVENTS else people.get(event.actor_id,
                                                                                        str(event.actor_id))
        lines.append(f"  {local_time(event.at, tz)} {escape(who)} {EVENT_NAMES.get(event.kind, event.kind)}"
                     f"{event_dates(event, names)}")
    return fit(lines, "…（记录过长，已截断）")


# the bot's own doing, though written in the unit of a person's act
_BOT_EVENTS = frozenset({"duplicate_hinted", "match_suggested"})
_LEAD_EVENTS = frozenset({"declined", "rerouted", "assigned", "took_lead", "handover_overruled"})


def event_dates(event: Event, names: dict[str, str] | None = None) -> str:
    """What an event carries, for the history: a promise's dates ("（承诺 3，到期 2026-12-11）",
    "（承诺 3：2026-12-11 → 2026-12-20）"), a change of lead ("（交通运输局 → 金融局，理由：不属于本单位职责）"),
    a verdict's answer ("（第 2 轮：已解决）")."""
    detail, promise = event.detail, event.detail.get("commitment_id")
    names = names or {}
    if event.kind in _LEAD_EVENTS and detail.get("to_party"):
        source = detail.get("from_party")
        moved = (f"{names.get(source, source)} → " if source else "→ ") + names.get(detail["to_party"],
                                                                                 detail["to_party"])
        reason = detail.get("reason")
        why = f"，理由：{HAND_OVER_REASON_NAMES.get(HandOverReason(reason), reason)}" \
            if reason in set(HandOverReason) else (f"，理由：{reason}" if reason else "")
        return f"（{escape(moved)}{escape(why)}）"
    if event.kind == "verdict" and detail.get("answer"):
        answer = detail["answer"]
        said = SOLVED_NAMES.get(answer) or SATISFACTION_NAMES.get(answer) or answer  # type: ignore[call-overload]
        return f"（第 {detail.get('round', 1)} 轮：{said}）"
    if event.kind.startswith("match_") and detail.get("offer_id") is not None:
        party = detail.get("party")
        side = {"need": "需求方", "offer": "供给方"}.get(str(detail.get("side")), "")
        return (f"（供给 #{detail['offer_id']}，{escape(names.get(party, party) if party else '')}"
                + (f"，{side}" if side else "") + "）")
    if event.kind == "noted" and detail.get("note_kind") in NOTE_KINDS_NAMES:
        return f"（{NOTE_KINDS_NAMES[detail['note_kind']]}）"
    if event.kind in ("due_changed", "extension_requested", "extension_approved", "extension_refused"):
        return f"（承诺 {promise}：{detail.get('from_date')} → {detail.get('to_date')}）"
    if event.kind in ("due_set", "committed") and promise is not None:
        due = detail.get("due_date")
        return f"（承诺 {promise}，到期 {due}）" if due else f"（承诺 {promise}，未定日期）"
    return ""


def overdue(late: list[tuple[Need, Commitment]], undated: list[tuple[Need, Commitment]],
            names: dict[str, str], today: date, grace_ends_for: datetime | None = None) -> str:
    """``grace_ends_for``: undated promises made before this are past their grace (counted overdue)."""
    if not late and not undated:
        return "没有逾期的承诺。👍"
    lines = []
    if late:
        lines.append(f"<b>逾期承诺</b>（{len(late)} 条）")
        lines.extend(f"  · 承诺 {c.id}（需求 #{n.number}）{escape(names.get(c.party_id, c.party_id))}："
                     f"{escape(snippet(c.text, 40))}，到期 {day(c.due_date)}，"
                     f"逾期 {(today - c.due_date).days} 天"  # type: ignore[operator]
                     for n, c in late)
    if undated:
        lines.append(f"<b>未定日期的承诺</b>（{len(undated)} 条）")
        lines.extend(f"  · 承诺 {c.id}（需求 #{n.number}）{escape(names.get(c.party_id, c.party_id))}："
                     f"{escape(snippet(c.text, 40))}"
                     + ("（已超过宽限期，计为逾期）" if grace_ends_for and c.created_at < grace_ends_for else "")
                     for n, c in undated)
    return "\n".join(lines)  # paged by the caller


# /kept's columns: (heading, what a record shows in it); the unit's name follows them, outside the fixed width.
_KEPT_COLUMNS: tuple[tuple[str, Callable[[PartyRecord], str]], ...] = (
    ("兑现率", lambda r: percent(r.kept_rate)),
    ("承诺", lambda r: str(r.made)),
    ("按期", lambda r: str(r.on_time)),
    ("晚兑", lambda r: str(r.late)),
    ("逾期", lambda r: str(r.overdue)),
    ("进行", lambda r: str(r.pending)),
    ("撤回", lambda r: str(r.cancelled)),
    ("认领", lambda r: str(r.claims)),
    ("认领用时", lambda r: duration(r.median_claim_days) if r.median_claim_days is not None else "—"),
)


def kept_rates(records: list[PartyRecord], names: dict[str, str], scope: str) -> str:
    """A table: a heading line, then one line per unit — its figures in fixed-width columns, then its name."""
    if not records:
        return f"{scope}还没有承诺或认领记录。"
    lines = unit_table(f"<b>承诺兑现情况</b>（{scope}）", _KEPT_COLUMNS, records,
                       lambda r: names.get(r.party_id, r.party_id))
    lines.append("兑现率 = 按期 ÷（按期 + 晚兑 + 逾期）。按期：到期日当天或之前兑现；晚兑：过了到期日才兑现；"
                 "逾期：过了到期日仍未兑现（未定日期的承诺超过宽限期也计入）；进行：尚未到期；"
                 "认领用时：从登记需求到认领的中位用时。")
    return "\n".join(lines)  # paged by the caller


def parties(all_parties: list[Party]) -> str:
    lines = ["<b>对接名录</b>（绑定用 id 或名称）"]
    for kind in ("department", "district", "lab", "fund", "bank", "enterprise", "think_tank"):
        group = [p for p in all_parties if p.kind == kind]
        if group:
            lines.append(f"\n<b>{KIND_NAMES[kind]}</b>")
            lines.extend(f"<code>{escape(p.id)}</code> {escape(p.name)}" for p in group)
    return "\n".join(lines)  # paged by the caller


def triage_list(views: list[NeedView], total: int | None = None) -> str:
    if not views:
        return "没有待确认牵头部门的需求。"
    lines = [f"<b>待确认牵头部门的需求</b>（{total or len(views)} 条，点下方按钮指派）"]
    for view in views:
        names = "、".join(p.short_name for p in view.triage)
        lines.append(f"#{view.need.number} {escape(snippet(view.need.text, 40))} — 建议：{escape(names)}")
    return fit(lines, "…")


def desk(party: Party | None, routed: list[NeedView], promises: list[tuple[Need, Commitment]],
         authored: list[NeedView], today: date, latest: dict[int, Note] | None = None,
         totals: tuple[int, int] | None = None) -> str:
    """A person's private chat: needs routed to their party, their party's promises, their own needs; under each
    need the latest thing said about it."""
    latest = latest or {}
    routed_total, authored_total = totals or (len(routed), len(authored))

    def counted(total: int, shown: int) -> str:
        return f"{total} 条进行中" + (f"，列出最新 {shown} 条" if total > shown else "")

    def last_said(need_id: int) -> list[str]:
        note = latest.get(need_id)
        return [f"      最新{NOTE_KINDS_NAMES[note.kind]}：{escape(snippet(note.text, 40))}"] if note else []

    lines = [START_TEXT]
    if party is not None:
        lines.append(f"\n<b>{escape(party.short_name)} 的需求</b>（{counted(routed_total, len(routed))}）" if routed
                     else f"\n{escape(party.short_name)} 目前没有进行中的需求。")
        for view in routed:
            mine = next((r for r in view.routed if r.party.id == party.id), None)
            role = ROLE_NAMES.get(mine.route.role, "") if mine else ""
            state = "已认领" if mine and mine.claimed_by else "待认领"
            lines.append(f"  · #{view.need.number}（{role}，{state}）{escape(snippet(view.need.text, 40))}")
            lines.extend(last_said(view.need.id))
        lines.append(f"<b>{escape(party.short_name)} 的承诺</b>（{len(promises)} 条待兑现）" if promises
                     else f"{escape(party.short_name)} 没有待兑现的承诺。")
        lines.extend(f"  · 承诺 {c.id}（需求 #{n.number}）{escape(snippet(c.text, 40))} — {due_and_state(c, today)}"
                     for n, c in promises)
    if authored:
        lines.append(f"<b>我提出的需求</b>（{counted(authored_total, len(authored))}）")
        for view in authored:
            lead = f"牵头：{escape(view.lead.party.short_name)}" if view.lead else "牵头部门待管理员指定"
            lines.append(f"  · #{view.need.number}（{need_state(view)}，{lead}）{escape(snippet(view.need.text, 40))}")
            lines.extend(last_said(view.need.id))
    return fit(lines, "…")


def admin_desk(views: list[NeedView]) -> str:
    return START_TEXT + "\n\n" + triage_list(views) + "\n发送 /report、/export、/kept 查看全部群的情况。"
