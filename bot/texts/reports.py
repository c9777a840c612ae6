"""/report's summary (the chart is drawn by bot.services.reports)."""

from __future__ import annotations

from html import escape

from bot.domain.reports import Report
from bot.texts.format import fit
from bot.texts.names import NEED_TYPE_NAMES
from nlp.outcomes import KIND_NAMES as AGREEMENT_KIND_NAMES
from nlp.outcomes import format_amount

__all__ = ["PERIOD_NAMES", "report"]

PERIOD_NAMES = {"week": "近7天", "month": "近30天", "all": "全部"}


def report(data: Report, names: dict[str, str], scope: str, period: str) -> str:
    funnel = " → ".join(f"{label} {n}" for label, n in data.funnel)
    lines = [f"📊 <b>对接成效报告</b>（{scope}，{PERIOD_NAMES.get(period, period)}）", funnel]
    if data.by_department:
        lines.append("牵头部门：" + "、".join(
            f"{escape(names.get(p, '待分派' if p == 'triage' else p))} {n}" for p, n in data.by_department[:8]))
    if data.by_type:
        lines.append("需求类型：" + "、".join(f"{NEED_TYPE_NAMES.get(k, k)} {n}" for k, n in data.by_type))
    rated = [r for r in data.records if r.kept_rate is not None or r.median_claim_days is not None]
    for r in rated[:8]:
        rate = f"{r.kept_rate:.0%}" if r.kept_rate is not None else "—"
        speed = f"{r.median_claim_days:.1f} 天" if r.median_claim_days is not None else "—"
        lines.append(f"  · {escape(names.get(r.party_id, r.party_id))}：按期兑现率 {rate}，认领中位用时 {speed}")
    kinds = "、".join(f"{AGREEMENT_KIND_NAMES.get(k, k)} {n}" for k, n in data.agreements_by_kind)
    lines.append(f"成果：{data.agreements} 项" + (f"（{kinds}）" if kinds else "")
                 + (f"，金额合计 {format_amount(data.amount_yuan)}" if data.amount_yuan else ""))
    return fit(lines, "…")
