"""The export's duty sheets in words: 成绩单 (a unit a row, each rate beside the counts it is made of), 评价 (a
verdict a row) and 牵头记录 (a lead term a row). Built by bot.services.scoresheets."""

from __future__ import annotations

from bot.texts.handovers import HAND_OVER_REASON_NAMES

__all__ = ["SCORECARD_SHEET_HEADERS", "VERDICT_SHEET_HEADERS", "LEAD_TERM_SHEET_HEADERS", "VERDICT_STATES",
           "LEAD_TERM_ENDINGS", "HANDOVER_REASON_WORDS", "RULING_WORDS"]

# 成绩单: every rate can be recomputed from the counts in its row — 响应率 = 时限内签收 ÷ 应签收，
# 解决率 = 解决得分 ÷ 已评价解决情况，满意率 = 满意或基本满意 ÷ 已评价满意度，按期率 = 按期兑现 ÷ 结果已知的承诺
# (each ×100, two decimals); 三率平均 = the mean of the 三率 the unit has.
SCORECARD_SHEET_HEADERS = [
    "排名", "单位ID", "单位",
    "响应率（%）", "应签收（牵头且时限已到或已认领）", "时限内签收", "待签收（时限未到）",
    "解决率（%）", "已评价解决情况", "解决得分（已解决1、部分解决0.5）",
    "满意率（%）", "已评价满意度", "满意或基本满意",
    "未评价", "重办", "退单", "不当退单（被驳回）",
    "按期率（%）", "按期兑现的承诺", "结果已知的承诺",
    "三率平均（%）",
]
VERDICT_SHEET_HEADERS = ["编号", "群名称", "需求号", "轮次", "提出人ID", "提出人", "牵头单位（当时）", "询问时间",
                         "评价期限", "解决情况", "满意度", "评价时间", "状态"]
LEAD_TERM_SHEET_HEADERS = ["编号", "群名称", "需求号", "单位ID", "单位", "开始时间", "结束时间", "结束方式", "退单理由",
                           "裁定", "裁定人ID", "裁定时间"]

VERDICT_STATES = {"given": "已评价", "waiting": "待评价", "unrated": "未评价"}
# How a spell ended: an admin's /route, the unit's own 转交 (退单), or the admins' 驳回 of the 退单 before it
LEAD_TERM_ENDINGS = {"reroute": "管理员改派", "handover": "退单", "overruled": "驳回，退回原单位"}
# 退单's reasons as stored (bot.domain.duty.HandOverReason); a reason in the liaison's own words is shown as it is.
HANDOVER_REASON_WORDS = {str(reason): name for reason, name in HAND_OVER_REASON_NAMES.items()}
RULING_WORDS = {"overruled": "驳回（不当退单）"}
