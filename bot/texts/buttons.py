"""Labels of inline buttons, and the short notices (toasts) a button press is answered with."""

from __future__ import annotations

__all__ = ["BUTTON_CLAIM", "BUTTON_ASSIGN", "BUTTON_DECLINE", "BUTTON_RESOLVE", "BUTTON_CANCEL", "BUTTON_APPROVE",
           "BUTTON_DENY", "BUTTON_KEPT", "BUTTON_NOT_KEPT", "BUTTON_RECORD", "BUTTON_PREVIOUS", "BUTTON_NEXT",
           "BUTTON_CLAIM_NUMBER", "BUTTON_FULFIL", "NUMBERED", "BUTTON_DETAIL", "TOAST_CLAIMED", "TOAST_DECLINED",
           "TOAST_ASSIGNED", "TOAST_RESOLVED", "TOAST_CONFIRMED", "TOAST_DISPUTED", "TOAST_REPORTED", "TOAST_KEPT",
           "TOAST_RECORDED", "TOAST_DECIDED", "BUTTON_STALE", "CANCELLED", "BUTTON_RECORD_FOR", "BUTTON_CHOOSE_LEAD",
           "TOAST_CHOOSE_LEAD", "CHOOSE_LEAD_ADMINS_ONLY"]

BUTTON_CLAIM = "认领"
BUTTON_ASSIGN = "指派 {name}"
BUTTON_DECLINE = "转交"
BUTTON_RESOLVE = "已解决"
BUTTON_CANCEL = "取消"
BUTTON_APPROVE = "批准"
BUTTON_DENY = "拒绝"
BUTTON_KEPT = "确认已兑现"
BUTTON_NOT_KEPT = "尚未兑现"
BUTTON_RECORD = "记录成果"
BUTTON_RECORD_FOR = "记录到 #{number} {text}"  # an announcement that fits several needs: which one
BUTTON_CHOOSE_LEAD = "分派"  # a need without a lead: an admin picks it (the choices open on pressing)
BUTTON_PREVIOUS = "◀ 上一页"
BUTTON_NEXT = "下一页 ▶"
BUTTON_CLAIM_NUMBER = "认领 #{number}"
BUTTON_FULFIL = "报告兑现 承诺{id}"
NUMBERED = "{label} #{number}"  # a button of one need on a message that carries several
BUTTON_DETAIL = "#{number} 详情"  # under /needs: that need's /status

# Toasts: a button did what it says.
TOAST_CLAIMED = "已认领"
TOAST_DECLINED = "已转交"
TOAST_ASSIGNED = "已指派"
TOAST_RESOLVED = "已标记解决"
TOAST_CONFIRMED = "已确认"
TOAST_DISPUTED = "已记录异议"
TOAST_REPORTED = "已报告，等待需求方确认"
TOAST_KEPT = "已兑现"
TOAST_RECORDED = "已记录"
TOAST_DECIDED = "已处理"
TOAST_CHOOSE_LEAD = "请选择牵头部门"
CHOOSE_LEAD_ADMINS_ONLY = "牵头部门由管理员分派；建议单位的联络员可以直接点「认领」牵头。"

BUTTON_STALE = "这个按钮已失效。"
CANCELLED = "已取消。"
