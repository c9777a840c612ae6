"""/report and the weekly report: the summary, and the words on the chart (drawn by bot.services.reports)."""

from __future__ import annotations

from html import escape

from bot.domain.offers import Funnel
from bot.domain.reports import Report
from bot.domain.themes import Theme
from bot.texts.format import duration, fit, percent, snippet
from bot.texts.names import AGREEMENT_KIND_NAMES, NEED_TYPE_NAMES, lead_name
from bot.texts.scorecards import scorecard_brief
from nlp.outcomes import format_amount

__all__ = ["PERIOD_NAMES", "FUNNEL_NAMES", "WEEKLY_HEAD", "CHART_FUNNEL", "CHART_BY_LEAD", "CHART_BY_TYPE",
           "CHART_KEPT_RATE", "CHART_CLAIM_TIME", "report", "weekly_report", "report_title",
           "chart_agreements", "HOT_THEMES_HEAD", "hot_themes", "CHART_SCORECARD", "RATE_NAMES",
           "MATCHING_STAGE_NAMES", "CHART_MATCHING", "CHART_MATCHING_PARTIES", "matching_stages", "matching_bar",
           "matching_lines"]

PERIOD_NAMES = {"week": "近7天", "month": "近30天", "all": "全部"}
FUNNEL_NAMES = {"needs": "需求", "claimed": "已认领", "committed": "已承诺", "kept": "已兑现", "resolved": "已解决"}
WEEKLY_HEAD = "🗓 每周对接简报"

# The chart's panels.
CHART_FUNNEL = "对接漏斗"
CHART_BY_LEAD = "各牵头部门需求数"
CHART_BY_TYPE = "需求类型"
CHART_KEPT_RATE = "按期兑现率（%）"
CHART_CLAIM_TIME = "认领中位用时（小时）"
CHART_SCORECARD = "各单位三率（%，按排名，未评价不计入）"
RATE_NAMES = ("响应率", "解决率", "满意率")
CHART_MATCHING = "供需对接漏斗（本期匹配）"
CHART_MATCHING_PARTIES = "各供给方：匹配数（双方有意 / 签约）"
MATCHING_STAGE_NAMES = {"suggested": "匹配", "introduced": "双方有意", "signed": "签约", "refused": "不合适"}
MATCHING_PARTIES_SHOWN = 5  # offering parties named in the report's text


def matching_stages(funnel: Funnel) -> list[tuple[str, int]]:
    """匹配 → 双方有意 → 签约, then 不合适: the bars of the matching funnel."""
    return [(MATCHING_STAGE_NAMES[stage], getattr(funnel, stage))
            for stage in ("suggested", "introduced", "signed", "refused")]


def matching_bar(funnel: Funnel) -> str:
    """A party's bar label: its matches, then introductions and signings."""
    return f"{funnel.suggested}（有意 {funnel.introduced} / 签约 {funnel.signed}）"


def matching_lines(funnel: Funnel, by_party: list[tuple[str, Funnel]], names: dict[str, str]) -> list[str]:
    """The report's 供需对接 lines: the funnel of the period's matches and the offering parties that did most."""
    if not funnel.suggested:
        return ["供需对接：本期暂无匹配"]
    lines = [f"供需对接：匹配 {funnel.suggested} → 双方有意 {funnel.introduced} → 签约 {funnel.signed}"
             f"（不合适 {funnel.refused}）"]
    for party, counts in by_party[:MATCHING_PARTIES_SHOWN]:
        lines.append(f"  · {escape(names.get(party, party))}：匹配 {counts.suggested}，双方有意 {counts.introduced}，"
                     f"签约 {counts.signed}" + (f"，不合适 {counts.refused}" if counts.refused else ""))
    if len(by_party) > MATCHING_PARTIES_SHOWN:
        lines.append(f"  · 其他 {len(by_party) - MATCHING_PARTIES_SHOWN} 个供给方")
    return lines


def report(data: Report, names: dict[str, str], scope: str, period: str) -> str:
    funnel = " → ".join(f"{FUNNEL_NAMES.get(stage, stage)} {n}" for stage, n in data.funnel)
    lines = [f"📊 <b>对接成效报告</b>（{scope}，{PERIOD_NAMES.get(period, period)}）", funnel]
    if data.by_department:
        shown, rest = data.by_department[:8], data.by_department[8:]
        waiting = sum(n for p, n in rest if p == "triage")  # needs still waiting for a lead are no department
        departments = [(p, n) for p, n in rest if p != "triage"]
        lines.append("牵头部门：" + "、".join(f"{escape(lead_name(names, p))} {n}" for p, n in shown)
                     + (f"、其他 {len(departments)} 个部门共 {sum(n for _, n in departments)}" if departments else "")
                     + (f"、{escape(lead_name(names, 'triage'))} {waiting}" if waiting else ""))
    if data.by_type:
        lines.append("需求类型：" + "、".join(f"{NEED_TYPE_NAMES.get(k, k)} {n}" for k, n in data.by_type))
    rated = [r for r in data.records if r.kept_rate is not None or r.median_claim_days is not None]
    for r in rated[:8]:
        speed = duration(r.median_claim_days) if r.median_claim_days is not None else "—"
        lines.append(f"  · {escape(names.get(r.party_id, r.party_id))}：按期兑现率 {percent(r.kept_rate)}，"
                     f"认领中位用时 {speed}")
    seconds, joined = data.seconded
    if seconds:
        lines.append(f"附议：{seconds} 家企业附议了 {joined} 条需求（合并的需求不重复计入上面的数字）")
    kinds = "、".join(f"{AGREEMENT_KIND_NAMES.get(k, k)} {n}" for k, n in data.agreements_by_kind)
    lines.append(f"成果：{data.agreements} 项" + (f"（{kinds}）" if kinds else "")
                 + (f"，金额合计 {format_amount(data.amount_yuan)}" if data.amount_yuan else ""))
    lines += matching_lines(data.matching, data.matching_by_party, names)
    lines += scorecard_brief(data.scores, names)
    if period == "month":
        lines += hot_themes(data.themes, names)
    return fit(lines, "…")


def weekly_report(data: Report, names: dict[str, str], scope: str) -> str:
    return f"{WEEKLY_HEAD}\n" + report(data, names, scope, "week")


def report_title(scope: str, period: str) -> str:
    """The chart's title."""
    return f"对接成效（{scope}，{PERIOD_NAMES.get(period, period)}）"


def chart_agreements(amount_yuan: int) -> str:
    """The agreements panel's heading, with their total amount when there is one."""
    return f"对接成果（合计 {format_amount(amount_yuan)}）" if amount_yuan else "对接成果"


HOT_THEMES_HEAD = "🔥 本月热点"
HOT_THEMES_SHOWN = 5
THEME_DEPARTMENTS_SHOWN = 3
THEME_EXAMPLE = 40  # characters of a theme's example need


def hot_themes(themes: list[Theme], names: dict[str, str]) -> list[str]:
    """A month's report's 本月热点: each theme's name, needs, lead departments (short names) and one example."""
    if not themes:
        return [f"{HOT_THEMES_HEAD}：需求较少或较分散，暂无集中的主题"]
    lines = [HOT_THEMES_HEAD]
    for number, theme in enumerate(themes[:HOT_THEMES_SHOWN], 1):
        shown, rest = theme.departments[:THEME_DEPARTMENTS_SHOWN], theme.departments[THEME_DEPARTMENTS_SHOWN:]
        departments = "、".join(f"{escape(lead_name(names, party or 'triage'))} {n}" for party, n in shown)
        if rest:
            departments += f"、其他 {sum(n for _, n in rest)}"
        lines.append(f"{number}. <b>{escape('·'.join(theme.words))}</b>（{theme.count} 条）— {departments}")
        lines.append(f"   例：{escape(snippet(theme.example, THEME_EXAMPLE))}")
    return lines
