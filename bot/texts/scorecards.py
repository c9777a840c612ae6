"""The 三率 scorecard as a table (/kept, /report, the weekly report) and its definitions, one sentence each."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from bot.domain.duty import UnitScore
from bot.texts.format import percent, unit_table

__all__ = ["scorecard_table", "SCORECARD_DEFINITIONS", "SCORECARD_COLUMNS", "scorecard_brief", "SCORECARD_BRIEF_HEAD",
           "SCORECARD_BRIEF_DEFINITIONS", "SCORECARD_BRIEF_SHOWN"]

# (heading, what a unit's scorecard shows in it); the unit's name follows, outside the fixed width.
SCORECARD_COLUMNS: tuple[tuple[str, Callable[[UnitScore], str]], ...] = (
    ("排名", lambda s: str(s.rank) if s.rank is not None else "—"),
    ("响应率", lambda s: percent(s.response_rate)),
    ("解决率", lambda s: percent(s.solve_rate)),
    ("满意率", lambda s: percent(s.satisfaction_rate)),
    ("按期率", lambda s: percent(s.kept_rate)),
    ("重办", lambda s: str(s.redo)),
    ("退单", lambda s: str(s.handovers)),
    ("不当退单", lambda s: str(s.improper)),
    ("未评价", lambda s: str(s.unrated)),
)

SCORECARD_DEFINITIONS = (
    "响应率 = 签收时限内认领的需求 ÷ 作为牵头单位收到且时限已到（或已认领）的需求；"
    "解决率 = 企业评价「已解决」（「部分解决」计一半）÷ 已评价的回答（每家企业每条需求一份）；"
    "满意率 = 「满意」+「基本满意」÷ 已评价满意度的回答；"
    "按期率 = 按期兑现的承诺 ÷ 结果已知的承诺；"
    "未评价的不计入解决率和满意率；排名按响应率、解决率、满意率的平均，尚无企业评价的单位暂不排名（—）。"
)


def scorecard_table(scores: list[UnitScore], names: dict[str, str], scope: str) -> str:
    """A heading line, one line per unit (its figures in fixed-width columns, then its name), the definitions."""
    if not scores:
        return f"{scope}还没有可以计分的记录（需求分派、评价或承诺）。"
    lines = unit_table(f"<b>单位成绩单（三率）</b>（{scope}）", SCORECARD_COLUMNS, scores,
                       lambda s: names.get(s.party_id, s.party_id))
    lines.append(SCORECARD_DEFINITIONS)
    return "\n".join(lines)


# The reports' shorter table (a phone's width): the top units' rank and four rates, the counts that stand out, and
# the definitions in one line.
SCORECARD_BRIEF_HEAD = "🏅 <b>三率成绩单</b>"
SCORECARD_BRIEF_SHOWN = 8
SCORECARD_BRIEF_COLUMNS = SCORECARD_COLUMNS[:5]  # 排名 响应率 解决率 满意率 按期率
SCORECARD_BRIEF_DEFINITIONS = ("响应率＝时限内签收÷应签收；解决率＝已解决（部分解决计半）÷已评价；"
                               "满意率＝满意与基本满意÷已评价；未评价不计入；排名按三率平均，尚无企业评价的不排名。")


def scorecard_brief(scores: list[UnitScore], names: dict[str, str], shown: int = SCORECARD_BRIEF_SHOWN) -> list[str]:
    """The report's 三率 lines: the first ``shown`` units of the ranking, each unit's 重办, 不当退单 and 未评价 when
    there are any, and the definitions."""
    if not scores:
        return [f"{SCORECARD_BRIEF_HEAD}：本期还没有可以计分的记录（需求分派、评价或承诺）"]
    def name(score: UnitScore) -> str:
        return escape(names.get(score.party_id, score.party_id))

    lines = unit_table(SCORECARD_BRIEF_HEAD, SCORECARD_BRIEF_COLUMNS, scores[:shown],
                       lambda s: names.get(s.party_id, s.party_id))
    if len(scores) > shown:
        lines.append(f"（另有 {len(scores) - shown} 个单位，见 /kept 或导出的「成绩单」）")
    counts = [(label, [(name(s), n) for s in scores if (n := count(s))])
              for label, count in (("重办", lambda s: s.redo), ("不当退单", lambda s: s.improper),
                                   ("未评价", lambda s: s.unrated))]
    noted = [f"{label}：" + "、".join(f"{unit} {n}" for unit, n in units) for label, units in counts if units]
    if noted:
        lines.append("；".join(noted))
    lines.append(SCORECARD_BRIEF_DEFINITIONS)
    return lines
