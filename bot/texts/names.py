"""Chinese names of the ids the code uses: need types, party kinds, roles, states, events, agreement kinds,
and the scope a list or report covers."""

from __future__ import annotations

__all__ = ["NEED_TYPE_NAMES", "KIND_NAMES", "ROLE_NAMES", "STATUS_NAMES", "COMMITMENT_STATUS_NAMES", "SOURCE_NAMES",
           "EVENT_NAMES", "AGREEMENT_KIND_NAMES", "TRIAGE_LEAD", "NOBODY", "SCOPE_EVERYWHERE", "SCOPE_HERE", "scope",
           "lead_name"]

NEED_TYPE_NAMES = {
    "scenario": "场景开放", "data": "数据", "funding": "融资", "partnership": "合作伙伴",
    "policy": "政策", "talent": "人才", "space": "空间场地", "other": "其他",
}
KIND_NAMES = {"department": "市直部门", "district": "区市", "lab": "实验室", "fund": "基金",
              "bank": "银行", "enterprise": "企业", "think_tank": "智库"}
ROLE_NAMES = {"lead": "牵头", "assist": "协同"}
STATUS_NAMES = {"open": "办理中", "resolved": "已解决", "withdrawn": "已撤销（不是需求）",
                "merged": "已合并（附议）"}  # merged: withdrawn into another need (the export says which)
COMMITMENT_STATUS_NAMES = {"open": "进行中", "reported": "已报告兑现，待确认", "done": "已兑现", "cancelled": "已撤回"}
SOURCE_NAMES = {"router": "机器人分派", "decline": "转交", "admin": "管理员指定"}  # who put a party on a need
EVENT_NAMES = {
    "need_registered": "登记需求", "claimed": "认领", "declined": "转交", "rerouted": "管理员改派",
    "assigned": "管理员指定牵头", "committed": "作出承诺", "due_set": "补充承诺日期", "commitment_done": "承诺兑现",
    "resolved": "标记解决", "commitment_reported": "报告承诺已兑现", "commitment_confirmed": "确认承诺兑现",
    "commitment_disputed": "对兑现有异议", "commitment_cancelled": "撤回承诺", "agreement_recorded": "记录成果",
    "due_changed": "修改承诺到期日",
    "party_added": "新增单位", "party_edited": "修改单位", "party_enabled": "启用单位", "party_disabled": "停用单位",
    "directory_imported": "导入名录", "chat_served": "启用对接群", "chat_left": "机器人离开群",
    "bound": "绑定联络员", "person_forgotten": "删除身份信息", "join_requested": "申请绑定",
    "join_approved": "批准绑定申请", "join_denied": "拒绝绑定申请",
    "took_lead": "认领牵头（建议单位）",
    "noted": "记入对话", "withdrawn": "撤销需求（不是需求）", "commitment_undone": "撤销记错的承诺",
    "handover_overruled": "驳回退单", "verdict": "企业评价", "reopened": "重办（企业评价未解决）",
    "extension_requested": "申请延期", "extension_approved": "批准延期", "extension_refused": "驳回延期申请",
    "duplicate_hinted": "提示可能重复", "duplicate_rejected": "确认不是同一件事", "seconded": "附议（并入另一需求）",
    "merged": "管理员合并需求", "unmerged": "撤销合并", "co_requester_added": "新增附议方",
    "co_requester_removed": "附议方撤出",
    "offer_published": "发布供给", "offer_edited": "修改供给", "offer_closed": "关闭供给",
    "offers_imported": "导入供给清单", "offers_seeded": "预置示例供给",
    "match_suggested": "推荐对接", "match_interested": "对推荐的对接表示感兴趣",
    "match_refused": "认为推荐的对接不合适", "match_introduced": "双方有意，牵线对接",
    "challenge_published": "发布揭榜挂帅", "bid_made": "揭榜（提交方案）", "challenge_picked": "选定揭榜方案",
    "challenge_closed": "揭榜结束（都不选）",
}
# The kinds nlp.outcomes.agreement_kind tells apart (nlp.outcomes.KINDS).
AGREEMENT_KIND_NAMES = {"financing": "融资", "cooperation": "合作", "scenario": "场景开放", "other": "其他"}

TRIAGE_LEAD = "待分派"  # a need whose lead an admin has yet to choose ("triage" where a party id would be)
NOBODY = "（无）"

SCOPE_EVERYWHERE = "全部对接群"
SCOPE_HERE = "本群"


def scope(everywhere: bool) -> str:
    """What a list, report or export covers: every served group (a private chat, or "all"), or this one."""
    return SCOPE_EVERYWHERE if everywhere else SCOPE_HERE


def lead_name(names: dict[str, str], party_id: str) -> str:
    return names.get(party_id, TRIAGE_LEAD if party_id == "triage" else party_id)
