"""The standing lists (供给清单): an offer is always called 「供给 #N」 (N its number); publishing, the list and its
pages, one offer in full, edits and closing, the spreadsheet, and why something was refused."""

from __future__ import annotations

from html import escape

from bot.domain import Party, Refusal
from bot.domain.offer_lists import (
    MAX_SHEET_ROWS,
    TITLE_MAX,
    OfferField,
    OfferOutcome,
    OfferPage,
    SheetIssue,
    SheetProblem,
)
from bot.domain.offers import KINDS_OF_PARTY, Offer
from bot.texts.format import fit, mention, page_head, snippet
from bot.texts.matching import OFFER_KIND_NAMES  # the kinds' names, as nlp.offer_words reads them back
from bot.texts.names import KIND_NAMES

__all__ = ["OFFER_USAGE", "OFFERS_USAGE", "OFFERS_SHEET", "OFFERS_HEADERS", "OFFER_STATUS_NAMES", "OFFER_YES_NO",
           "OFFER_FIELD_NAMES", "OFFERS_NO_FILE", "OFFERS_TOO_BIG", "OFFER_REFUSALS",
           "offer_label", "offer_published", "offer_line", "offer_page", "offer_full", "offer_closed", "offer_edited",
           "offers_exported", "offers_imported", "offer_refusal"]

OFFER_STATUS_NAMES = {"open": "开放", "closed": "已关闭"}
OFFER_YES_NO = {True: "是", False: "否"}
OFFER_FIELD_NAMES = {OfferField.TITLE: "标题", OfferField.TEXT: "内容", OfferField.PLACE: "地点",
                     OfferField.UNTIL: "截止"}
EXAMPLE_MARK = "「示例」"

OFFER_USAGE = (
    "用法：/offer 类别 标题；内容\n"
    "类别：场景（部门、区市开放的应用场景）、能力（实验室的技术与设施）、投资（基金的投资方向）。"
    "标题和内容之间用「；」或换行分开；可再加「地点：…」「截止：日期」。\n"
    "例如：/offer 场景 开放自动驾驶测试道路；市北区3公里城市道路，可安装路侧单元；地点：市北区；截止：2027年6月30日\n"
    "管理员可为任一单位发布：/offer lab_5gcar 能力 车路协同测试验证；…")
OFFERS_USAGE = (
    "用法：/offers 查看开放的供给清单；/offers 场景|能力|投资 按类别；/offers 单位 按单位；/offers 编号 查看详情；"
    "/offers close 编号 关闭；/offers edit 编号 标题|内容|地点|截止 新值 修改；"
    "/offers export 导出、/offers import 导入（管理员，XLSX）。")
OFFERS_NO_FILE = ("请把供给清单 XLSX 文件发到本对话，在文件说明里写 /offers import，"
                  "或回复该文件发送 /offers import。（可先用 /offers export 导出，修改后再导入。）")
OFFERS_TOO_BIG = "供给清单文件过大（上限 2 MB）。"
OFFERS_SHEET = "供给清单"
OFFERS_HEADERS = ("编号", "类别", "单位id", "单位", "标题", "内容", "地点", "有效期至", "状态", "示例")


def offer_label(offer_id: int) -> str:
    return f"供给 #{offer_id}"


def _party_name(party: Party | None, offer: Offer) -> str:
    return escape(party.short_name if party else offer.party_id)


def _where_and_until(offer: Offer) -> list[str]:
    parts = [f"地点：{escape(offer.place)}"] if offer.place else []
    if offer.until:
        parts.append(f"有效期至 {offer.until.isoformat()}")
    return parts


def offer_published(offer: Offer, party: Party) -> str:
    lines = [f"📌 已发布{offer_label(offer.id)}（{OFFER_KIND_NAMES[offer.kind]} · {escape(party.short_name)}）："
             f"{escape(offer.title)}"]
    if offer.text:
        lines.append(escape(offer.text))
    if extra := _where_and_until(offer):
        lines.append("，".join(extra))
    lines.append(f"查看：/offers {offer.id}　修改：/offers edit {offer.id} 内容 新内容　关闭：/offers close {offer.id}")
    return "\n".join(lines)


def offer_line(offer: Offer, names: dict[str, str]) -> str:
    """One line of the list: number, kind, party, title, place, until, and whether it is a starter example."""
    line = (f"<b>{offer_label(offer.id)}</b> 【{OFFER_KIND_NAMES[offer.kind]}】"
            f"{escape(names.get(offer.party_id, offer.party_id))}：{escape(offer.title)}")
    if extra := _where_and_until(offer):
        line += "（" + "，".join(extra) + "）"
    return line + (f" {EXAMPLE_MARK}" if offer.example else "")


def offer_page(page: OfferPage, names: dict[str, str]) -> str:
    scope = (OFFER_KIND_NAMES[page.kind] if page.kind is not None
             else escape(page.party.short_name) if page.party is not None else "全部")
    if not page.total:
        return (f"📋 供给清单（{scope}）：目前没有开放的供给。\n"
                "已绑定单位的联络员或成员可以发布：/offer 类别 标题；内容（发送 /offer 查看用法）。")
    lines = [f"{page_head(page.page, page.pages)}📋 供给清单（{scope}，开放中 {page.total} 条）"]
    lines += [offer_line(o, names) for o in page.offers]
    lines.append("查看详情：/offers 编号　按类别：/offers 场景|能力|投资　发布：/offer")
    if any(o.example for o in page.offers):
        lines.append(f"{EXAMPLE_MARK}为根据 2021 年公布的实验室和基金资料预置的示例，请本单位联络员用 "
                     "/offers edit 修改或 /offers close 关闭。")
    return "\n".join(lines)


def offer_full(outcome: OfferOutcome) -> str:
    offer, party = outcome.offer, outcome.party
    assert offer is not None
    state = "开放中" if offer.open else "已关闭"
    lines = [f"<b>{offer_label(offer.id)}</b>（{OFFER_KIND_NAMES[offer.kind]}，{state}）"
             + (f" {EXAMPLE_MARK}" if offer.example else ""),
             f"单位：{escape(party.name if party else offer.party_id)}（<code>{escape(offer.party_id)}</code>）",
             f"标题：{escape(offer.title)}",
             f"内容：{escape(offer.text) or '—'}",
             f"地点：{escape(offer.place) or '—'}",
             f"有效期至：{offer.until.isoformat() if offer.until else '长期'}"]
    contacts = "、".join(mention(p) for p in outcome.liaisons)
    lines.append(f"联络人：{contacts or '暂无绑定的联络员或成员（该单位的人员可发送 /join 单位名称 申请绑定）'}")
    if offer.example:
        lines.append("这是根据公开资料预置的示例条目，内容较简略，请本单位联络员补充或修改。")
    if offer.open:
        lines.append(f"修改：/offers edit {offer.id} 标题|内容|地点|截止 新值　关闭：/offers close {offer.id}")
    return "\n".join(lines)


def offer_closed(offer: Offer) -> str:
    return (f"🔒 {offer_label(offer.id)} 已关闭：{escape(offer.title)}。"
            "它不再出现在 /offers 清单中，也不再参与对接匹配。")


def offer_edited(offer: Offer, party: Party | None, changed: str) -> str:
    which = OfferField(changed)
    value = {OfferField.TITLE: offer.title, OfferField.TEXT: offer.text, OfferField.PLACE: offer.place,
             OfferField.UNTIL: offer.until.isoformat() if offer.until else "长期"}[which]
    names = {offer.party_id: party.short_name} if party is not None else {}
    return (f"✏️ 已修改{offer_label(offer.id)} 的{OFFER_FIELD_NAMES[which]}：{escape(value) or '（空）'}\n"
            + offer_line(offer, names))


def offers_exported(count: int) -> str:
    return (f"📤 供给清单：共 {count} 条（含已关闭）。修改后把文件发回本对话，在说明里写 /offers import 即可导入；"
            "新增的供给请把「编号」留空，有编号的行会更新对应的供给。")


def offers_imported(counts: dict[str, int]) -> str:
    return (f"📥 供给清单已导入：新增 {counts.get('added', 0)} 条，更新 {counts.get('updated', 0)} 条，"
            f"未变 {counts.get('unchanged', 0)} 条。文件中没有的供给保持原样。")


_SHOWN_PROBLEMS = 20


def _problem(p: SheetProblem) -> str:
    value = escape(snippet(p.value, 40))  # a cell may hold anything: what is quoted back stays short
    issue = SheetIssue(p.problem)
    if issue is SheetIssue.HEADERS:
        if p.row == 0:
            return "不是可以读取的 XLSX 文件（请在 /offers export 导出的表格上修改后再导入）"
        return f"第 1 行的表头应为：{'、'.join(OFFERS_HEADERS)}（现为：{value or '空'}）"
    words = {
        SheetIssue.EMPTY: "表格中没有供给",
        SheetIssue.TOO_MANY: f"超过 {MAX_SHEET_ROWS} 行，请分几次导入",
        SheetIssue.BAD_ID: f"编号「{value}」不是数字",
        SheetIssue.UNKNOWN_ID: f"编号 {value} 的供给不存在（新增的供给请把编号留空）",
        SheetIssue.DUPLICATE_ID: f"编号 {value} 重复出现",
        SheetIssue.UNKNOWN_PARTY: f"单位「{value}」不在名录中（单位id 可用 /parties 查看）" if value
        else "没有填写单位id",
        SheetIssue.PARTY_CHANGED: f"已有的供给不能换单位（{value}）；请关闭它，再为新单位新增一行",
        SheetIssue.UNKNOWN_KIND: f"类别「{value}」应为 场景、能力 或 投资",
        SheetIssue.NO_TITLE: "标题为空",
        SheetIssue.LONG_TITLE: f"标题超过 {TITLE_MAX} 个字",
        SheetIssue.BAD_DATE: f"有效期至「{value}」不是日期（写成 2027-06-30，长期有效请留空）",
        SheetIssue.BAD_STATUS: f"状态「{value}」应为 开放 或 已关闭",
        SheetIssue.BAD_EXAMPLE: f"示例「{value}」应为 是 或 否",
    }
    return f"第 {p.row} 行：{words[issue]}"


def sheet_refused(problems: tuple[SheetProblem, ...]) -> str:
    lines = ["供给清单文件有误，未导入任何内容（一处有误，整份文件都不导入）："]
    lines += [f"· {_problem(p)}" for p in problems[:_SHOWN_PROBLEMS]]
    if len(problems) > _SHOWN_PROBLEMS:
        lines.append(f"……另有 {len(problems) - _SHOWN_PROBLEMS} 处")
    return fit(lines, "……（其余略）") + "\n请改正后重新发送。"


def _unfit(party: Party | None) -> str:
    if party is None:
        return "这个单位不能发布这一类供给。"
    kinds = "、".join(OFFER_KIND_NAMES[k] for k in KINDS_OF_PARTY.get(party.kind, ()))
    kind_name = KIND_NAMES.get(party.kind, party.kind)
    return (f"{escape(party.short_name)}（{kind_name}）可以发布的供给类别：{kinds or '无'}。"
            "如确需发布其他类别，请联系管理员。")


OFFER_REFUSALS: dict[Refusal, str] = {
    Refusal.NO_SUCH_OFFER: "没有这个编号的供给，请用 /offers 查看清单。",
    Refusal.OFFER_USAGE: OFFER_USAGE,
    Refusal.OFFER_NOT_BOUND: ("只有已绑定单位的联络员或成员可以为本单位发布供给。还没有绑定的，请先发送 "
                              "/join 单位名称 申请绑定；企业的需求请直接在群里说，或用 /need 登记。"),
    Refusal.OFFER_PARTY_NEEDED: ("请写明为哪个单位发布，例如：/offer lab_5gcar 能力 车路协同测试验证；"
                                 "可提供封闭测试场和路侧单元"),
    Refusal.OFFER_OTHER_PARTY: "只能为本单位发布供给；如需为其他单位发布，请联系管理员。",
    Refusal.OFFER_KIND_UNFIT: _unfit(None),
    Refusal.OFFER_NO_TITLE: "请写上标题，例如：/offer 能力 车路协同测试验证；可提供封闭测试场和路侧单元",
    Refusal.OFFER_TITLE_TOO_LONG: f"标题不超过 {TITLE_MAX} 个字；请用「；」把标题和内容分开。",
    Refusal.OFFER_BAD_UNTIL: ("没能读出截止日期，请写成「截止：2027年6月30日」或「有效期至12月底」；"
                              "长期有效的不写截止即可（修改时写「截止 不限」）。"),
    Refusal.OFFER_UNTIL_PAST: "这个截止日期已经过去，请写今天或以后的日期。",
    Refusal.NOT_OFFER_OWNER: "只有发布单位的联络员、成员或管理员可以修改或关闭这条供给。",
    Refusal.OFFER_CLOSED: "这条供给已经关闭。",
    Refusal.OFFER_BAD_FIELD: "可以修改的是：标题、内容、地点、截止。例如：/offers edit 5 截止 2027年6月30日",
    Refusal.OFFERS_FILTER_UNKNOWN: ("没有这个类别或单位。可以这样查看：/offers、/offers 场景、/offers 能力、"
                                    "/offers 投资、/offers 单位id或名称、/offers 编号。"),
    Refusal.OFFER_SHEET_INVALID: "供给清单文件有误，未导入任何内容。",
}


def offer_refusal(outcome: OfferOutcome) -> str | None:
    """The words of a list use case's refusal that names something (None: the plain words will do)."""
    reason, offer = outcome.refusal, outcome.offer
    if reason is Refusal.OFFER_KIND_UNFIT:
        return _unfit(outcome.party)
    if reason is Refusal.OFFER_SHEET_INVALID and outcome.problems:
        return sheet_refused(outcome.problems)
    if reason is Refusal.NOT_OFFER_OWNER and offer is not None:
        owner = escape(outcome.party.short_name) if outcome.party else escape(offer.party_id)
        return f"只有 {owner} 的联络员、成员或管理员可以修改或关闭{offer_label(offer.id)}。"
    if reason is Refusal.OFFER_CLOSED and offer is not None:
        return f"{offer_label(offer.id)} 已经关闭。"
    if reason is Refusal.OFFER_OTHER_PARTY and outcome.party is not None:
        return (f"只能为本单位发布供给，不能为 {escape(outcome.party.short_name)} 发布；"
                "如需代其他单位发布，请联系管理员。")
    return None
