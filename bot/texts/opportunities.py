"""The matchmaking in the commission's files and the monthly 场景机会清单: the export's 供给一览 and 对接 sheets, and
the monthly list's message, chart words and sheets."""

from __future__ import annotations

from html import escape

from bot.domain.model import Agreement, Need
from bot.domain.offers import Answer, Match, MatchStage, Offer, OfferKind, Side
from bot.domain.opportunities import MonthlyList
from bot.texts.format import MAX_MESSAGE, snippet
from bot.texts.matching import OFFER_KIND_NAMES
from bot.texts.names import AGREEMENT_KIND_NAMES, lead_name
from nlp.outcomes import format_amount

__all__ = ["OFFER_KIND_WORDS", "MATCH_STAGE_WORDS", "ANSWER_WORDS", "ORIGIN_WORDS", "OFFER_SHEET_HEADERS",
           "MATCH_SHEET_HEADERS", "SIGNED_SHEET_HEADERS", "MONTHLY_SHEETS", "offer_status", "month_label",
           "monthly_message", "monthly_title", "monthly_caption", "monthly_file", "MONTHLY_USAGE",
           "MONTHLY_NOT_YET", "MONTHLY_CHART_COUNTS", "MONTHLY_CHART_OFFERS", "MONTHLY_CHART_MATCHES",
           "MONTHLY_OFFER_COLUMNS", "MONTHLY_MATCH_COLUMNS", "monthly_more", "monthly_counts", "match_need_label"]

OFFER_KIND_WORDS = OFFER_KIND_NAMES  # one set of names for the kinds (bot.texts.matching)
MATCH_STAGE_WORDS = {MatchStage.SUGGESTED: "已匹配（待答复）", MatchStage.REFUSED: "不合适",
                     MatchStage.INTRODUCED: "双方有意", MatchStage.SIGNED: "已签约"}
ANSWER_WORDS = {Answer.YES: "感兴趣", Answer.NO: "不合适", None: "未答复"}
ORIGIN_WORDS = {Side.NEED: "新需求匹配供给", Side.OFFER: "新供给匹配需求"}

# The export's sheets (bot.services.offer_exports), and the monthly list's.
OFFER_SHEET_HEADERS = ("编号", "类别", "单位", "标题", "内容", "地点", "有效期至", "状态", "发布时间")
MATCH_SHEET_HEADERS = ("需求编号", "需求", "供给编号", "供给单位", "匹配度", "理由", "来源", "需求方", "供给方",
                       "双方有意时间", "成果编号", "阶段", "匹配时间", "群名称")
SIGNED_SHEET_HEADERS = ("需求编号", "需求", "供给编号", "供给单位", "成果编号", "成果类别", "金额（元）", "成果内容",
                        "记录时间", "群名称")
MONTHLY_SHEETS = {"open": "开放清单", "matched": "本月匹配", "introduced": "本月双方有意", "signed": "本月签约"}


def offer_status(offer: Offer, today_open: bool) -> str:
    """开放 / 已过期 (open, past its 有效期) / 已关闭; a shipped starter entry says it is an example."""
    word = "已关闭" if not offer.open else "开放" if today_open else "已过期"
    return word + ("（示例）" if offer.example else "")


def month_label(year: int, month: int) -> str:
    return f"{year}年{month}月"


MONTHLY_USAGE = "用法：/monthly 查看本月场景机会清单，/monthly 2026-11 查看某月（私聊中为全部群）"
MONTHLY_NOT_YET = "这个月份还没有开始，请查看本月或以前的月份。"
MONTHLY_HEAD = "📋 <b>场景机会清单 · {month}</b>（{scope}）"
MONTHLY_SHOWN = 10  # items of each list at most; fewer when the message would be too long
MONTHLY_LIMIT = MAX_MESSAGE - 200  # leaves room: Telegram counts emoji as two
TITLE_CHARS = 28
NEED_CHARS = 24
PLACE_CHARS = 16

# The chart's words (bot.services.monthly_chart).
MONTHLY_CHART_COUNTS = "本月概况"
MONTHLY_CHART_OFFERS = "开放清单"
MONTHLY_CHART_MATCHES = "本月匹配"
MONTHLY_OFFER_COLUMNS = ("编号", "类别", "单位", "标题", "有效期至")
MONTHLY_MATCH_COLUMNS = ("需求", "供给", "匹配度", "阶段")


def monthly_counts(data: MonthlyList) -> list[tuple[str, int]]:
    funnel = data.funnel
    return [("开放场景", len(data.of_kind(OfferKind.SCENARIO))), ("开放能力", len(data.of_kind(OfferKind.CAPABILITY))),
            ("投资方向", len(data.of_kind(OfferKind.INVESTMENT))), ("本月新匹配", funnel.suggested),
            ("本月双方有意", len(data.introduced)), ("本月签约", len(data.signed))]


def monthly_title(data: MonthlyList, scope: str) -> str:
    return f"场景机会清单 · {month_label(data.month.year, data.month.month)}（{scope}）"


def monthly_file(data: MonthlyList) -> str:
    return f"opportunities-{data.month.key}"


def monthly_caption(data: MonthlyList, scope: str) -> str:
    return f"📎 {monthly_title(data, scope)}：完整清单（XLSX，{'、'.join(MONTHLY_SHEETS.values())}）"


def monthly_more(count: int) -> str:
    return f"…另有 {count} 条"


def match_need_label(need: Need | None, titles: dict[int, str] | None) -> str:
    """"需求 #3", with its group's name when the list covers every group."""
    if need is None:
        return "需求"
    group = f"{titles.get(need.chat_id, str(need.chat_id))} " if titles is not None else ""
    return f"{group}需求 #{need.number}"


class _Lines:
    """The monthly message's sections, each cut to ``shown`` items with "…另有 N 条" for the rest."""

    def __init__(self, data: MonthlyList, names: dict[str, str], titles: dict[int, str] | None) -> None:
        self.data, self.names, self.titles = data, names, titles

    def party(self, offer: Offer | None) -> str:
        return escape(lead_name(self.names, offer.party_id)) if offer else "—"

    def offer(self, offer: Offer) -> str:
        where = [snippet(offer.place, PLACE_CHARS)] if offer.place else []
        if offer.until is not None:
            where.append(f"至 {offer.until.isoformat()}")
        tail = f"（{escape('，'.join(where))}）" if where else ""
        example = " 「示例」" if offer.example else ""  # a shipped starter entry its party has yet to fill in
        return f"· [{offer.id}] {self.party(offer)}：{escape(snippet(offer.title, TITLE_CHARS))}{tail}{example}"

    def need(self, match: Match) -> str:
        need = self.data.needs.get(match.need_id)
        text = f"：{escape(snippet(need.text, NEED_CHARS))}" if need else ""
        return f"{escape(match_need_label(need, self.titles))}{text}"

    def match(self, match: Match) -> str:
        offer = self.data.offers.get(match.offer_id)
        return (f"· {self.need(match)} ↔ [{match.offer_id}] {self.party(offer)}"
                f"（{MATCH_STAGE_WORDS[match.stage]}）")

    def introduced(self, match: Match) -> str:
        offer = self.data.offers.get(match.offer_id)
        return f"· {self.need(match)} ↔ [{match.offer_id}] {self.party(offer)}"

    def signed(self, match: Match, agreement: Agreement) -> str:
        offer = self.data.offers.get(match.offer_id)
        kind = AGREEMENT_KIND_NAMES.get(agreement.kind, agreement.kind)
        amount = f"，{format_amount(agreement.amount_yuan)}" if agreement.amount_yuan else ""
        said = "" if amount else f" — {escape(snippet(agreement.text, NEED_CHARS))}"  # an amount is said once, whole
        return f"· {self.need(match)} × {self.party(offer)}：{kind}{amount}{said}"

    def sections(self) -> list[tuple[str, list[str]]]:
        data = self.data
        return [("🏙 <b>开放场景</b>", [self.offer(o) for o in data.of_kind(OfferKind.SCENARIO)]),
                ("🔬 <b>开放能力</b>", [self.offer(o) for o in data.of_kind(OfferKind.CAPABILITY)]),
                ("💰 <b>投资方向</b>", [self.offer(o) for o in data.of_kind(OfferKind.INVESTMENT)]),
                ("🤝 <b>本月新匹配</b>", [self.match(m) for m in data.matches]),
                ("🎉 <b>本月双方有意</b>", [self.introduced(m) for m in data.introduced]),
                ("✍️ <b>本月签约</b>", [self.signed(m, a) for m, a in data.signed])]


def _summary(data: MonthlyList) -> str:
    counts = dict(monthly_counts(data))
    examples = sum(o.example for kind in OfferKind for o in data.of_kind(kind))
    shipped = f"（其中 {examples} 项为预置示例，待各单位补充）" if examples else ""
    return (f"截至 {data.as_of.isoformat()}：开放场景 {counts['开放场景']} 项、能力 {counts['开放能力']} 项、"
            f"投资方向 {counts['投资方向']} 项{shipped}；"
            f"本月新匹配 {counts['本月新匹配']} 条（不合适 {data.funnel.refused}），"
            f"双方有意 {counts['本月双方有意']} 条，签约 {counts['本月签约']} 项。")


def _render(head: list[str], sections: list[tuple[str, list[str]]], shown: int) -> str:
    lines = list(head)
    for heading, items in sections:
        lines.append(f"\n{heading}（{len(items)}）")
        if not items:
            lines.append("· 暂无")
            continue
        lines += items[:shown]
        if len(items) > shown:
            lines.append(monthly_more(len(items) - shown))
    lines.append("\n完整清单见附件 XLSX。")
    return "\n".join(lines)


def monthly_message(data: MonthlyList, names: dict[str, str], scope: str, titles: dict[int, str] | None) -> str:
    """The list as one message: the summary, then each list with its first items (as many as fit Telegram's limit,
    the same number in each), "…另有 N 条" for the rest. ``titles``: group names, when it covers every group."""
    head = [MONTHLY_HEAD.format(month=month_label(data.month.year, data.month.month), scope=escape(scope)),
            _summary(data)]
    sections = _Lines(data, names, titles).sections()
    for shown in range(MONTHLY_SHOWN, -1, -1):
        text = _render(head, sections, shown)
        if len(text.encode("utf-16-le")) // 2 <= MONTHLY_LIMIT:
            return text
    return "\n".join(head)[:MONTHLY_LIMIT]
