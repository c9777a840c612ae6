"""Files the bot sends: /export's sheet and column names and caption, /backup's caption and limits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.texts.challenges import CHALLENGE_STATUS_NAMES
from bot.texts.conversation import NOTE_KINDS_NAMES
from bot.texts.handovers import HAND_OVER_REASON_NAMES
from bot.texts.names import (
    AGREEMENT_KIND_NAMES,
    COMMITMENT_STATUS_NAMES,
    EVENT_NAMES,
    KIND_NAMES,
    NEED_TYPE_NAMES,
    NOBODY,
    ROLE_NAMES,
    SOURCE_NAMES,
    STATUS_NAMES,
)
from bot.texts.verdicts import SATISFACTION_NAMES, SOLVED_NAMES
from nlp.outcomes import format_amount

__all__ = ["EXPORT_SHEETS", "EXPORT_HEADERS", "EXPORT_VALUES", "DETAIL_NAMES", "BACKUP_PRIVATE_ONLY", "SEND_FAILED",
           "export_caption", "export_value", "event_detail", "backup_caption", "backup_too_big"]

EXPORT_SHEETS = {"needs": "需求", "routes": "分派", "commitments": "承诺", "agreements": "成果", "notes": "对话",
                 "extensions": "延期", "challenges": "揭榜", "events": "记录",
                 "scorecard": "成绩单", "verdicts": "评价", "lead_terms": "牵头记录",  # (bot.services.scoresheets)
                 "offers": "供给一览", "matches": "对接"}  # (bot.services.offer_exports)
EXPORT_HEADERS = {
    "id": "编号", "chat_id": "群ID", "chat_title": "群名称", "number": "需求号", "author_id": "提出人ID",
    "author_name": "提出人", "text": "内容", "need_type": "类型", "status": "状态", "created_at": "时间",
    "resolved_at": "解决时间", "party_id": "单位ID", "party_name": "单位", "role": "角色", "score": "得分",
    "source": "来源", "active": "有效", "user_id": "联络员ID", "due_date": "到期日", "reported_at": "报告兑现时间",
    "done_at": "确认兑现时间", "cancelled_at": "撤回时间", "kind": "类别", "amount_yuan": "金额（元）",
    "parties": "涉及单位", "actor_id": "操作人ID", "at": "时间", "need_id": "需求内部ID", "detail": "详情",
    "note_kind": "类别", "extensions": "批准延期次数", "commitment_id": "承诺编号", "requested_by": "申请人ID",
    "requested_at": "申请时间", "from_date": "原到期日", "to_date": "申请到期日", "reason": "理由",
    "decided_by": "审批人ID", "decided_at": "审批时间", "merged_into": "合并到需求号", "co_requesters": "附议企业",
    "bid_id": "方案编号", "deadline": "截止日期", "challenge_status": "揭榜状态", "bidder_id": "揭榜人ID",
    "bidder_name": "揭榜人", "plan": "方案", "picked": "入选",
}
# The export's coded columns in words, by (table, column); a code without a name is shown as it is.
EXPORT_VALUES: dict[tuple[str, str], dict[str, str]] = {
    ("needs", "need_type"): NEED_TYPE_NAMES, ("needs", "status"): STATUS_NAMES,
    ("routes", "role"): ROLE_NAMES, ("routes", "source"): SOURCE_NAMES,
    ("commitments", "status"): COMMITMENT_STATUS_NAMES,
    ("agreements", "kind"): AGREEMENT_KIND_NAMES,
    ("events", "kind"): EVENT_NAMES,
    ("notes", "note_kind"): {str(k): v for k, v in NOTE_KINDS_NAMES.items()},
    ("extensions", "status"): {"pending": "待审批", "approved": "已批准", "refused": "已驳回"},
    ("challenges", "challenge_status"): CHALLENGE_STATUS_NAMES, ("challenges", "picked"): {"yes": "是", "no": "否"},
}
YES, NO = "是", "否"
# The audit log's details, key by key (bot.services records them as keyword arguments).
DETAIL_NAMES = {
    "number": "需求号", "need_type": "类型", "confident": "分派", "routes": "分派单位", "party_id": "单位",
    "by": "方式", "commitment_id": "承诺编号", "due_date": "到期日", "agreement_id": "成果编号",
    "agreement_kind": "类别", "amount_yuan": "金额", "from_party": "原单位", "to_party": "新单位",
    "detail": "内容", "title": "群名称", "rows": "涉及记录", "user_id": "用户ID", "request_id": "申请编号",
    "added": "新增", "updated": "更新", "unchanged": "未变",
    "note_kind": "记录类别", "note_id": "记录编号", "text": "原话", "from_date": "原到期日", "to_date": "新到期日",
    "claim_undone": "同时撤销认领", "route_undone": "同时撤销协同", "extension_id": "延期申请编号", "reason": "理由",
    "round": "评价轮次", "answer": "评价", "lead": "牵头单位",
    "into_need": "并入需求号", "from_need": "来自需求号", "score": "相似度",
    "offer_id": "供给编号", "party": "供给单位", "origin": "推荐起因", "side": "回应方",
    "deadline": "截止日期", "bid_id": "方案编号", "bids": "方案数",  # 揭榜
    "field": "修改项", "offers": "供给条数",  # /offers edit, the starter list
}
_PARTY_KEYS = frozenset({"party_id", "from_party", "to_party", "lead", "party"})
_DETAIL_WORDS = {
    "by": {"commitment": "作出承诺时一并认领"},
    "reason": {str(k): v for k, v in HAND_OVER_REASON_NAMES.items()},  # a 退单's (a 延期's reason is free text)
    "answer": {**{str(k): v for k, v in SOLVED_NAMES.items()}, **{str(k): v for k, v in SATISFACTION_NAMES.items()}},
    "detail": {**KIND_NAMES, "name": "名称", "aliases": "别名", "profile": "简介", "keywords": "关键词"},
    "need_type": NEED_TYPE_NAMES, "agreement_kind": AGREEMENT_KIND_NAMES,
    "origin": {"need": "新需求", "offer": "新供给"}, "side": {"need": "需求方", "offer": "供给方"},
    "note_kind": {str(k): v for k, v in NOTE_KINDS_NAMES.items()},
    "field": {"title": "标题", "text": "内容", "place": "地点", "until": "截止"},  # /offers edit
}


def export_value(table: str, column: str, value: Any) -> Any:
    """One cell of the export as a person reads it: codes in words, scores to two decimals, yes/no."""
    if value is None:
        return value
    if column == "score" and isinstance(value, float):
        return round(value, 2)
    if column == "active":
        return YES if value else NO
    words = EXPORT_VALUES.get((table, column))
    return words.get(value, value) if words is not None and isinstance(value, str) else value


def event_detail(detail: dict[str, Any], party_name: Callable[[str], str]) -> str:
    """An audit entry's details in words ("类型：数据；分派单位：牵头 交通运输局、协同 工信局")."""
    return "；".join(f"{DETAIL_NAMES.get(key, key)}：{_detail_value(key, value, party_name)}"
                    for key, value in detail.items())


def _detail_value(key: str, value: Any, party_name: Callable[[str], str]) -> str:
    if key == "amount_yuan":
        return format_amount(int(value) if isinstance(value, int | float) else None)
    if value is None or value == "":
        return NOBODY
    if key in _PARTY_KEYS:
        return party_name(str(value))
    if key == "routes" and isinstance(value, list):
        return "、".join(_route(str(r), party_name) for r in value) or NOBODY
    if key == "confident":
        return "机器人确定牵头部门" if value else "待管理员确认牵头部门"
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or NOBODY
    return _DETAIL_WORDS.get(key, {}).get(str(value), str(value))


def _route(route: str, party_name: Callable[[str], str]) -> str:
    """"lead:transport" → "牵头 交通运输局"."""
    role, _, party = route.partition(":")
    return f"{ROLE_NAMES.get(role, role)} {party_name(party)}" if party else party_name(role)


BACKUP_PRIVATE_ONLY = "备份文件包含全部数据，请在与机器人的私聊中发送 /backup。"
SEND_FAILED = "文件发送失败，请稍后再试。"


def export_caption(scope: str, counts: dict[str, int]) -> str:
    parts = "，".join(f"{EXPORT_SHEETS.get(k, k)} {n} 条" for k, n in counts.items())
    return f"📦 {scope}导出：{parts}。时间为本地时间。"


def backup_caption(size: int) -> str:
    return (f"🗄 数据库备份（{size / 1024:.0f} KB，SQLite 在线备份，内容一致）。"
            "恢复方法见 README「备份与恢复」：停止机器人，用此文件替换 DATABASE_PATH 指向的文件，再启动。")


def backup_too_big(size: int) -> str:
    return (f"数据库有 {size / 1024 / 1024:.0f} MB，超过 Telegram 文件上限 50 MB，无法通过聊天发送；"
            "请在服务器上用 sqlite3 的 .backup 命令备份。")
