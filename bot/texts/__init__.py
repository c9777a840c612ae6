"""Every Chinese text the bot shows, in one place, so wording is reviewed apart from logic."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta, tzinfo
from html import escape

from bot.domain import Agreement, Commitment, Need, NeedDetail, NeedView, Party, Person, Role
from bot.domain.metrics import PartyRecord
from bot.domain.reports import Report
from nlp.outcomes import KIND_NAMES as AGREEMENT_KIND_NAMES
from nlp.outcomes import format_amount

MAX_MESSAGE = 4096
SNIPPET = 60

NEED_TYPE_NAMES = {
    "scenario": "场景开放", "data": "数据", "funding": "融资", "partnership": "合作伙伴",
    "policy": "政策", "talent": "人才", "space": "空间场地", "other": "其他",
}
KIND_NAMES = {"department": "市直部门", "district": "区市", "lab": "实验室", "fund": "基金",
              "bank": "银行", "enterprise": "企业", "think_tank": "智库"}
ROLE_NAMES = {"lead": "牵头", "assist": "协同"}
STATUS_NAMES = {"open": "办理中", "resolved": "已解决"}
EVENT_NAMES = {
    "need_registered": "登记需求", "claimed": "认领", "declined": "转交", "rerouted": "管理员改派",
    "committed": "作出承诺", "due_set": "补充承诺日期", "commitment_done": "承诺兑现", "resolved": "标记解决",
    "commitment_reported": "报告承诺已兑现", "commitment_confirmed": "确认承诺兑现",
    "commitment_disputed": "对兑现有异议", "commitment_cancelled": "撤回承诺", "agreement_recorded": "记录成果",
}

BUTTON_CLAIM = "认领"
BUTTON_ASSIGN = "指派 {name}"
BUTTON_DECLINE = "转交"
BUTTON_RESOLVE = "已解决"
BUTTON_CANCEL = "取消"
BUTTON_APPROVE = "批准"
BUTTON_DENY = "拒绝"


def snippet(text: str, limit: int = SNIPPET) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def mention(person: Person) -> str:
    return f'<a href="tg://user?id={person.user_id}">{escape(person.display_name)}</a>'


def party_line(party: Party, liaisons: Iterable[Person], claimed_by: int | None = None) -> str:
    people = list(liaisons)
    who = "、".join(mention(p) for p in people) if people else "暂无绑定联络员"
    claimed = " ✅已认领" if claimed_by else ""
    return f"{escape(party.short_name)}（{who}）{claimed}"


def need_card(view: NeedView, hint: bool = True) -> str:
    need = view.need
    lines = [
        f"📌 已登记需求 <b>#{need.number}</b>（{NEED_TYPE_NAMES.get(need.need_type, need.need_type)}）",
        f"内容：{escape(snippet(need.text, 120))}",
    ]
    if view.lead:
        lines.append(f"牵头部门：{party_line(view.lead.party, view.lead.liaisons, view.lead.claimed_by)}")
    elif view.triage:
        names = "、".join(escape(p.short_name) for p in view.triage)
        lines.append(f"牵头部门：待管理员确认（建议：{names}）")
    else:
        lines.append("牵头部门：待管理员指定")
    assists = view.assists
    if assists:
        lines.append("协同单位：")
        lines.extend(f"  · {party_line(r.party, r.liaisons, r.claimed_by)}" for r in assists)
    if need.status == "resolved":
        lines.append("状态：✅ 已解决")
    elif hint:
        lines.append("联络员可点「认领」，或直接回复本消息作出承诺（如“两周内开放测试路段”）。")
    return "\n".join(lines)


def combined_header(count: int) -> str:
    return f"群内消息较多，以下 {count} 条回复合并发送：\n\n"


COMBINED_CARD_HINT = "\n\n联络员可点对应编号的按钮，或回复本消息并写明编号作出承诺（如“#3 两周内开放测试路段”）。"


def which_need(numbers: list[int]) -> str:
    listed = "、".join(f"#{n}" for n in numbers)
    return (f"这条消息汇总了多条需求（{listed}），请写明是哪一条，例如“#{numbers[0]} 两周内开放测试路段”，"
            f"或使用 /commit {numbers[0]} 承诺内容。")


def day(value: date | None) -> str:
    return value.isoformat() if value else "未定日期"


def local_time(value: datetime, tz: tzinfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")


# --- replies to actions --------------------------------------------------------------------

def claimed(party: Party, person: Person, number: int) -> str:
    return f"{escape(party.short_name)} 的 {mention(person)} 已认领需求 #{number}。"


def commitment_logged(commitment: Commitment, party: Party, number: int) -> str:
    head = (f"📝 已记录承诺 {commitment.id}（需求 #{number}，{escape(party.short_name)}）："
            f"{escape(snippet(commitment.text))}\n")
    if commitment.due_date:
        return head + f"到期日：{commitment.due_date.isoformat()}。兑现后请发送 /done {commitment.id}"
    return (head + "⚠️ 未识别到完成日期。请回复本消息告知日期（如“12月15日前”“两周内”），"
            f"或发送 /due {commitment.id} 日期。")


def due_set(commitment: Commitment, number: int) -> str:
    return f"📅 承诺 {commitment.id}（需求 #{number}）到期日已定为 {day(commitment.due_date)}。"


def no_date_found(commitment_id: int) -> str:
    return f"未能从这段话中识别出日期，请换个说法，例如 /due {commitment_id} 12月15日前。"


def commitment_done(commitment: Commitment, party: Party | None, number: int) -> str:
    who = escape(party.short_name) if party else ""
    return f"🎉 承诺 {commitment.id}（需求 #{number}，{who}）已兑现。"


def commitment_reported(commitment: Commitment, party: Party | None, need: Need) -> str:
    who = escape(party.short_name) if party else ""
    author = mention_label(need.author_id, need.author_name) if need.author_id else "需求方"
    return (f"📨 {who} 报告承诺 {commitment.id}（需求 #{need.number}）已兑现："
            f"{escape(snippet(commitment.text, 60))}\n请 {author} 或管理员确认。")


def commitment_disputed(commitment: Commitment, number: int) -> str:
    return (f"↩️ 需求方对承诺 {commitment.id}（需求 #{number}）的兑现有异议，承诺恢复为进行中；"
            "请联络员与需求方沟通。")


def commitment_cancelled(commitment: Commitment, number: int) -> str:
    return f"🚫 承诺 {commitment.id}（需求 #{number}）已撤回，不再提醒。"


def reminder(kind: str, commitment: Commitment, need: Need, liaison: str, today: date) -> str:
    when = "今天" if kind == "morning" else ("明天" if commitment.due_date == today + timedelta(days=1)
                                              else f"{day(commitment.due_date)}")
    return (f"⏰ 提醒 {liaison}：承诺 {commitment.id}（{need_link(need)}）{when}到期"
            f"（{day(commitment.due_date)}）：{escape(snippet(commitment.text, 60))}\n"
            f"兑现后请发送 /done {commitment.id}；如需改期请发送 /due {commitment.id} 新日期。")


def topic_name(need: Need) -> str:
    """A forum topic's name (Telegram allows 128 characters)."""
    return f"#{need.number} {snippet(need.text, 40)}"[:128]


def topic_opened(need: Need) -> str:
    return f"📌 已登记需求 #{need.number}，已为它开设话题「{escape(topic_name(need))}」，对接请到话题里进行。"


def need_link(need: Need) -> str:
    """"需求 #N", linked to its card in the group (t.me/c/… works for members of a supergroup)."""
    label = f"需求 #{need.number}"
    chat = str(need.chat_id)
    if chat.startswith("-100") and need.bot_message_id:
        return f'<a href="https://t.me/c/{chat[4:]}/{need.bot_message_id}">{label}</a>'
    return label


def escalation(need: Need, chat_title: str, hours: int, routed: list[str]) -> str:
    names = "、".join(escape(n) for n in routed) or "（无）"
    return (f"🚨 督办：{escape(chat_title)} 的{need_link(need)} 发布已超过 {hours} 小时，仍无单位认领。\n"
            f"需求：{escape(snippet(need.text, 80))}\n已分派：{names}\n请协调牵头部门认领，或用 /route 改派。")


def agreement_recorded(agreement: Agreement, number: int, names: dict[str, str]) -> str:
    parties = "、".join(escape(names.get(p, p)) for p in agreement.parties)
    return (f"🤝 已记录需求 #{number} 的对接成果（{AGREEMENT_KIND_NAMES.get(agreement.kind, agreement.kind)}，"
            f"{format_amount(agreement.amount_yuan)}）：{escape(snippet(agreement.text, 80))}"
            + (f"\n涉及：{parties}" if parties else ""))


def kept_rates(records: list[PartyRecord], names: dict[str, str], scope: str) -> str:
    if not records:
        return f"{scope}还没有承诺或认领记录。"
    lines = [f"<b>承诺兑现情况</b>（{scope}）"]
    for r in records:
        rate = f"{r.kept_rate:.0%}" if r.kept_rate is not None else "—"
        speed = f"{r.median_claim_days:.1f} 天" if r.median_claim_days is not None else "—"
        lines.append(f"· <b>{escape(names.get(r.party_id, r.party_id))}</b>：承诺 {r.made}，按期兑现 {r.on_time}，"
                     f"逾期兑现 {r.late}，逾期未兑现 {r.overdue}，进行中 {r.pending}，撤回 {r.cancelled}；"
                     f"按期兑现率 {rate}；认领 {r.claims} 次，中位用时 {speed}")
    lines.append("按期兑现率 = 按期兑现 ÷（按期兑现 + 逾期兑现 + 逾期未兑现）；未定日期的承诺超过宽限期计为逾期。")
    return "\n".join(lines)  # paged by the caller


PERIOD_NAMES = {"week": "近7天", "month": "近30天", "all": "全部"}
REPORT_USAGE = "用法：/report week、/report month 或 /report all（默认 week）"


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


PARTY_USAGE = ("用法：\n/party 单位id — 查看\n/party add 单位id 类别 名称（类别：department 部门、district 区市、"
               "lab 实验室、fund 基金、bank 银行、enterprise 企业、think_tank 智库）\n"
               "/party edit 单位id name|aliases|profile|keywords 内容（别名、关键词用逗号或顿号分隔）\n"
               "/party disable 单位id ／ /party enable 单位id")
DIRECTORY_USAGE = ("用法：/directory export 导出名录文件；把名录 JSON 文件发到本对话，并在说明里写 /directory import"
                   "（或回复该文件发送 /directory import）导入。")
DIRECTORY_NO_FILE = ("请把名录 JSON 文件发到本对话，在文件说明里写 /directory import，"
                     "或回复该文件发送 /directory import。")
DIRECTORY_TOO_BIG = "名录文件过大（上限 2 MB）。"
PARTY_REFUSALS = {
    "bad_party_id": "单位id 只能用小写字母、数字和下划线，以字母开头，2–32 个字符，例如 transport。",
    "bad_party_kind": "类别应为 department、district、lab、fund、bank、enterprise 或 think_tank。",
    "bad_party_name": "名称不能为空，且不超过 60 个字。",
    "bad_party_field": "可修改的字段：name（名称）、aliases（别名）、profile（职责简介）、keywords（关键词）。",
    "party_exists": "这个单位id 已经存在，请用 /party edit 修改。",
    "unchanged": "内容与原来相同，未作修改。",
}


def party_card(party: Party) -> str:
    state = "" if party.enabled else "（已停用）"
    return (f"<b>{escape(party.name)}</b>{state}\nid：<code>{escape(party.id)}</code>，类别："
            f"{KIND_NAMES.get(party.kind, party.kind)}\n别名：{escape('、'.join(party.aliases)) or '—'}\n"
            f"关键词：{escape('、'.join(party.keywords)) or '—'}\n简介：{escape(party.profile) or '—'}")


def party_saved(party: Party, what: str) -> str:
    return f"✅ 已{what}：\n" + party_card(party) + "\n路由模型正在后台更新，稍后生效。"


def directory_imported(counts: dict[str, int]) -> str:
    return (f"📥 名录已导入：新增 {counts.get('added', 0)}，更新 {counts.get('updated', 0)}，"
            f"未变 {counts.get('unchanged', 0)}。文件中没有的单位保持原样（要停用请设 \"enabled\": false）。")


def directory_invalid(reason: str) -> str:
    return f"名录文件有误，未导入任何内容：{escape(reason)}"


def agreement_offer(number: int) -> str:
    return f"🎉 恭喜！要把这条消息记录为需求 #{number} 的对接成果吗？记录后会计入成果统计。"


def digest(items: list[tuple[Need, Commitment, str, str]], today: date) -> str:
    """Admins' daily list: (need, commitment, party name, chat title) of every overdue commitment."""
    lines = [f"📋 逾期承诺日报（{today.isoformat()}，共 {len(items)} 条）"]
    for need, c, party, chat in items:
        late = f"逾期 {(today - c.due_date).days} 天" if c.due_date else "超过期限仍未定日期"
        lines.append(f"  · {escape(chat)} {need_link(need)} 承诺 {c.id} {escape(party)}："
                     f"{escape(snippet(c.text, 40))}，{late}")
    return fit(lines, "…其余请在各群用 /overdue 查看")


def resolved(number: int) -> str:
    return f"✅ 需求 #{number} 已标记为解决。"


def rerouted(number: int, party: Party, view: NeedView) -> str:
    return f"🔀 需求 #{number} 已改由 {escape(party.short_name)} 牵头（已记录为路由纠正）。\n\n" + need_card(view)


def assigned(number: int, party: Party) -> str:
    return f"📌 管理员已指定 {escape(party.short_name)} 牵头需求 #{number}。"


def triage_list(views: list[NeedView], total: int | None = None) -> str:
    if not views:
        return "没有待确认牵头部门的需求。"
    lines = [f"<b>待确认牵头部门的需求</b>（{total or len(views)} 条，点下方按钮指派）"]
    for view in views:
        names = "、".join(p.short_name for p in view.triage)
        lines.append(f"#{view.need.number} {escape(snippet(view.need.text, 40))} — 建议：{escape(names)}")
    return fit(lines, "…")


def declined(number: int, from_party: Party | None, to_party: Party) -> str:
    source = escape(from_party.short_name) if from_party else "管理员"
    return f"↪️ 需求 #{number} 已由 {source} 转交给 {escape(to_party.short_name)}。"


def decline_prompt(number: int) -> str:
    return f"请选择更合适的承办单位（需求 #{number}）："


def bound(user_label: str, party: Party) -> str:
    return f"已将 {user_label} 绑定到 {escape(party.name)}（{KIND_NAMES.get(party.kind, party.kind)}）。"


def join_requested(person: Person, party: Party) -> str:
    return f"{mention(person)} 申请加入 {escape(party.name)}，请管理员审核："


def join_sent(party: Party) -> str:
    return f"已提交加入 {escape(party.short_name)} 的申请，等待管理员审核。"


def join_decided(person_label: str, party: Party, approved: bool) -> str:
    verdict = "已批准" if approved else "已拒绝"
    return f"{verdict}：{person_label} 加入 {escape(party.name)}。"


def need_list(views: list[NeedView], open_only: bool, total: int, page: int = 1, pages: int = 1) -> str:
    if not views:
        return "目前没有办理中的需求。" if open_only else "本群还没有登记过需求。"
    title = "办理中的需求" if open_only else "全部需求"
    where = f"，第 {page}/{pages} 页" if pages > 1 else ""
    lines = [f"<b>{title}</b>（共 {total} 条{where}）"]
    for view in views:
        need = view.need
        lead = view.lead.party.short_name if view.lead else "待指定"
        claimed = "已认领" if any(r.claimed_by for r in view.routed) else "待认领"
        state = STATUS_NAMES.get(need.status, need.status) if need.status != "open" else claimed
        lines.append(f"#{need.number} [{NEED_TYPE_NAMES.get(need.need_type, need.need_type)}] "
                     f"{escape(snippet(need.text, 40))} — {escape(lead)}，{state}")
    return fit(lines, "…其余需求请用 /status 编号 查看")


def status(detail: NeedDetail, names: dict[str, str], people: dict[int, str], tz: tzinfo, today: date) -> str:
    need = detail.need
    lines = [
        f"<b>需求 #{need.number}</b>（{NEED_TYPE_NAMES.get(need.need_type, need.need_type)}，"
        f"{STATUS_NAMES.get(need.status, need.status)}）",
        f"提出人：{escape(need.author_name)}，{local_time(need.created_at, tz)}",
        f"内容：{escape(snippet(need.text, 600))}",
        "<b>分派</b>：",
    ]
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
                     f"到期 {day(c.due_date)}，{commitment_state(c, today)}")
    if detail.agreements:
        lines.append("<b>成果</b>：")
        lines.extend(f"  · {AGREEMENT_KIND_NAMES.get(a.kind, a.kind)} {format_amount(a.amount_yuan)}："
                      f"{escape(snippet(a.text, 50))}" for a in detail.agreements)
    lines.append("<b>记录</b>：")
    for event in detail.events:
        who = people.get(event.actor_id, str(event.actor_id)) if event.actor_id else "系统"
        lines.append(f"  {local_time(event.at, tz)} {escape(who)} {EVENT_NAMES.get(event.kind, event.kind)}")
    return fit(lines, "…（记录过长，已截断）")


def commitment_state(commitment: Commitment, today: date) -> str:
    if commitment.status == "done":
        return "已兑现"
    if commitment.status == "cancelled":
        return "已撤回"
    if commitment.status == "reported":
        return "已报告兑现，待确认"
    if commitment.due_date is None:
        return "待补日期"
    if commitment.due_date < today:
        return f"已逾期 {(today - commitment.due_date).days} 天"
    return "进行中"


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


def parties(all_parties: list[Party]) -> str:
    lines = ["<b>对接名录</b>（绑定用 id 或名称）"]
    for kind in ("department", "district", "lab", "fund", "bank", "enterprise", "think_tank"):
        group = [p for p in all_parties if p.kind == kind]
        if group:
            lines.append(f"\n<b>{KIND_NAMES[kind]}</b>")
            lines.extend(f"<code>{escape(p.id)}</code> {escape(p.name)}" for p in group)
    return "\n".join(lines)  # paged by the caller


def pages_of(text: str, limit: int = MAX_MESSAGE - 200) -> list[str]:
    """A long text cut into messages at line ends, each under Telegram's limit (for ◀ ▶ paging)."""
    pages: list[list[str]] = [[]]
    size = 0
    for line in text.split("\n"):
        if pages[-1] and size + len(line) + 1 > limit:
            pages.append([])
            size = 0
        pages[-1].append(line[:limit])
        size += len(line) + 1
    return ["\n".join(page) for page in pages]


def fit(lines: list[str], tail: str, limit: int = MAX_MESSAGE - 100) -> str:
    """Join lines, stopping before Telegram's 4096-character limit."""
    out, size = [], 0
    for line in lines:
        if size + len(line) + 1 > limit:
            out.append(tail)
            break
        out.append(line)
        size += len(line) + 1
    return "\n".join(out)


# --- refusals and help ---------------------------------------------------------------------

NOT_ADMIN = "抱歉，这个命令仅限管理员使用。"
NOT_SERVED_ADDED = "您好！本群尚未由管理员启用对接服务，我暂时只回复 /start 和 /help。请联系市发展改革委管理员。"
SERVED_WELCOME = ("大家好，我是对接群助手。企业在群里说出场景需求，我会登记、分派给牵头部门和协同单位，"
                  "并跟踪联络员的认领与承诺。发送 /help 查看可用命令。")
GROUP_ONLY = "请在对接群中使用这个命令。"
NEED_NOT_FOUND = "本群没有这个编号的需求，请用 /needs 查看。"
COMMITMENT_NOT_FOUND = "本群没有这个编号的承诺。"
PARTY_UNKNOWN = "名录中没有找到这个单位，请用 /parties 查看 id 和名称。"
PARTY_MISSING = "请写明单位的 id 或名称，例如 transport 或 交通运输局。"
NOT_ROUTED = "只有被分派单位的联络员可以这样操作；如需加入，请发送 /join 单位名称。"
NOT_BOUND = "您还没有绑定单位，承诺需要由部门联络员作出。请发送 /join 单位名称 申请绑定。"
ALREADY_CLAIMED = "您的单位已经认领过这条需求。"
NEED_RESOLVED = "这条需求已经解决。"
NOT_AUTHOR = "只有提出需求的企业或管理员可以标记解决。"
ALREADY_RESOLVED = "这条需求此前已标记为解决。"
ALREADY_DONE = "这条承诺已经兑现、撤回或正在等待确认。"
COMMITMENT_CANCELLED = "这条承诺已经撤回。"
NOT_CONFIRMER = "只有提出需求的企业或管理员可以确认兑现。"
CANCEL_USAGE = "用法：/cancel 承诺编号，例如 /cancel 5（撤回一条承诺，不再提醒）"
BUTTON_KEPT = "确认已兑现"
BUTTON_RECORD = "记录成果"
AGREEMENT_USAGE = "用法：/agreement 需求编号 成果内容，例如 /agreement 3 与青岛天使基金签约，天使轮融资800万元"
NOT_RECORDER = "只有管理员、提出需求的企业或已绑定单位的联络员可以记录成果。"
ALREADY_RECORDED = "这条成果已经记录过了。"
BUTTON_NOT_KEPT = "尚未兑现"
NOT_COMMITMENT_OWNER = "只有作出承诺的单位联络员或管理员可以操作这条承诺。"
SAME_PARTY = "需求已由这个单位负责，无需变更。"
ALREADY_BOUND = "您已经绑定在这个单位。"
ALREADY_PENDING = "您的申请正在等待管理员审核。"
ALREADY_DECIDED = "这个申请已经处理过了。"
EMPTY_NEED = "请在命令后写上需求内容，例如：/need 需要开放一段自动驾驶测试道路"
EMPTY_COMMIT = "请写明承诺内容，例如：/commit 3 两周内开放测试路段"
DONE_USAGE = "用法：/done 承诺编号，例如 /done 5"
DUE_USAGE = "用法：/due 承诺编号 日期，例如 /due 5 12月15日前"
STATUS_USAGE = "用法：/status 需求编号，例如 /status 3"
RESOLVE_USAGE = "用法：/resolve 需求编号，例如 /resolve 3"
ROUTE_USAGE = "用法：/route 需求编号 单位，例如 /route 3 交通运输局"
COMMIT_USAGE = "用法：/commit 需求编号 承诺内容，例如 /commit 3 两周内开放测试路段"
BIND_USAGE = "用法：/bind 用户ID 单位（或回复某人的消息发送 /bind 单位）"
JOIN_USAGE = "用法：/join 单位名称，例如 /join 交通运输局"
NEEDS_USAGE = "用法：/needs 或 /needs all"
BUTTON_STALE = "这个按钮已失效。"
CANCELLED = "已取消。"


EXPORT_SHEETS = {"needs": "需求", "routes": "分派", "commitments": "承诺", "agreements": "成果", "events": "记录"}
EXPORT_HEADERS = {
    "id": "编号", "chat_id": "群ID", "chat_title": "群名称", "number": "需求号", "author_id": "提出人ID",
    "author_name": "提出人", "text": "内容", "need_type": "类型", "status": "状态", "created_at": "时间",
    "resolved_at": "解决时间", "party_id": "单位ID", "party_name": "单位", "role": "角色", "score": "得分",
    "source": "来源", "active": "有效", "user_id": "联络员ID", "due_date": "到期日", "reported_at": "报告兑现时间",
    "done_at": "确认兑现时间", "cancelled_at": "撤回时间", "kind": "类别", "amount_yuan": "金额（元）",
    "parties": "涉及单位", "actor_id": "操作人ID", "at": "时间", "need_id": "需求内部ID", "detail": "详情",
}
FORGET_USAGE = "用法：/forget 用户ID，或回复该用户的消息发送 /forget（删除其身份信息，需求和承诺匿名保留）"


def forgotten(touched: dict[str, int]) -> str:
    return (f"🧹 已删除该用户的身份信息（姓名、用户名、绑定、申请）。匿名保留：需求 {touched.get('needs', 0)} 条，"
            f"认领 {touched.get('claims', 0)} 条，承诺 {touched.get('commitments', 0)} 条，"
            f"操作记录 {touched.get('events', 0)} 条。")


BACKUP_PRIVATE_ONLY = "备份文件包含全部数据，请在与机器人的私聊中发送 /backup。"


def backup_caption(size: int) -> str:
    return (f"🗄 数据库备份（{size / 1024:.0f} KB，SQLite 在线备份，内容一致）。"
            "恢复方法见 README「备份与恢复」：停止机器人，用此文件替换 DATABASE_PATH 指向的文件，再启动。")


def backup_too_big(size: int) -> str:
    return (f"数据库有 {size / 1024 / 1024:.0f} MB，超过 Telegram 文件上限 50 MB，无法通过聊天发送；"
            "请在服务器上用 sqlite3 的 .backup 命令备份。")


SEND_FAILED = "文件发送失败，请稍后再试。"
EXPORT_USAGE = "用法：/export xlsx 或 /export csv（默认 xlsx）"


def export_caption(scope: str, counts: dict[str, int]) -> str:
    parts = "，".join(f"{EXPORT_SHEETS.get(k, k)} {n} 条" for k, n in counts.items())
    return f"📦 {scope}导出：{parts}。时间为本地时间。"


def party_ambiguous(matches: Iterable[Party]) -> str:
    names = "、".join(f"{p.short_name}（{p.id}）" for p in matches)
    return f"有多个单位符合，请写得更具体一些：{escape(names)}"


HELP_EVERYONE = [
    ("/help", "查看可用命令"),
    ("/need 内容", "登记一条需求（也可直接在群里描述需求）"),
    ("/join 单位", "申请绑定到部门、区市、实验室或基金"),
    ("/parties", "查看对接名录"),
]
HELP_LIAISON = [
    ("/commit 编号 内容", "对需求作出承诺（也可直接回复需求消息）"),
    ("/due 承诺编号 日期", "为承诺补充完成日期"),
    ("/done 承诺编号", "报告承诺已兑现（由需求方或管理员确认）"),
    ("/cancel 承诺编号", "撤回承诺"),
    ("/agreement 编号 内容", "记录需求的对接成果（签约、融资、场景开放，可写金额）"),
]
HELP_ADMIN = [
    ("/needs [open|all]", "查看需求列表"),
    ("/status 编号", "需求详情：分派、认领、承诺与记录"),
    ("/route 编号 单位", "改派牵头部门（记录为路由纠正）"),
    ("/resolve 编号", "标记需求已解决"),
    ("/overdue", "查看逾期和未定日期的承诺"),
    ("/triage", "待确认牵头部门的需求（机器人拿不准的）"),
    ("/kept [all]", "各单位承诺兑现率与认领用时（本群或全部群）"),
    ("/report [week|month|all]", "对接成效报告（文字摘要和图表）"),
    ("/party …", "查看、新增、修改、停用名录中的单位"),
    ("/directory export|import", "导出或导入名录文件（JSON）"),
    ("/backup", "数据库备份文件（仅限私聊）"),
    ("/forget 用户ID", "删除某人的身份信息，需求和承诺匿名保留"),
    ("/export [xlsx|csv]", "导出需求、分派、承诺、成果和记录（私聊导出全部群）"),
    ("/bind 用户ID 单位", "绑定联络员或成员"),
]


def help_text(role: Role, served: bool) -> str:
    if not served and role is not Role.ADMIN:
        return ("我是对接群助手，帮助企业、部门联络员和市发展改革委跟踪场景需求的对接。\n"
                "本对话尚未启用对接服务；管理员把我加入对接群后即可使用。")
    sections = list(HELP_EVERYONE)
    if role in (Role.LIAISON, Role.MEMBER, Role.ADMIN):
        sections += HELP_LIAISON
    if role is Role.ADMIN:
        sections += HELP_ADMIN
    lines = ["<b>对接群助手</b> 可用命令："]
    lines += [f"{escape(cmd)} — {desc}" for cmd, desc in sections]
    return "\n".join(lines)


START_TEXT = ("您好，我是对接群助手 🤝\n"
              "企业在对接群里说出场景需求（测试道路、医院数据、试点村、融资……），我会登记编号、"
              "分派给牵头部门和协同的实验室、基金，并提醒联络员认领和兑现承诺。发送 /help 查看命令。")


def desk(party: Party | None, routed: list[NeedView], promises: list[tuple[Need, Commitment]],
         authored: list[Need], today: date) -> str:
    """A person's private chat: needs routed to their party, their party's promises, their own needs."""
    lines = [START_TEXT]
    if party is not None:
        lines.append(f"\n<b>{escape(party.short_name)} 的需求</b>（{len(routed)} 条进行中）" if routed
                     else f"\n{escape(party.short_name)} 目前没有进行中的需求。")
        for view in routed:
            mine = next((r for r in view.routed if r.party.id == party.id), None)
            role = ROLE_NAMES.get(mine.route.role, "") if mine else ""
            state = "已认领" if mine and mine.claimed_by else "待认领"
            lines.append(f"  · #{view.need.number}（{role}，{state}）{escape(snippet(view.need.text, 40))}")
        lines.append(f"<b>{escape(party.short_name)} 的承诺</b>（{len(promises)} 条待兑现）" if promises
                     else f"{escape(party.short_name)} 没有待兑现的承诺。")
        lines.extend(f"  · 承诺 {c.id}（需求 #{n.number}）{escape(snippet(c.text, 40))} — 到期 {day(c.due_date)}，"
                     f"{commitment_state(c, today)}" for n, c in promises)
    if authored:
        lines.append(f"<b>我提出的需求</b>（{len(authored)} 条进行中）")
        lines.extend(f"  · #{n.number} {escape(snippet(n.text, 40))}" for n in authored)
    return fit(lines, "…")


def admin_desk(views: list[NeedView]) -> str:
    return START_TEXT + "\n\n" + triage_list(views) + "\n发送 /report、/export、/kept 查看全部群的情况。"


BUTTON_PREVIOUS = "◀ 上一页"
BUTTON_NEXT = "下一页 ▶"
BUTTON_CLAIM_NUMBER = "认领 #{number}"
NUMBERED = "{label} #{number}"
BUTTON_FULFIL = "报告兑现 承诺{id}"


def mention_label(user_id: int, name: str | None) -> str:
    return mention(Person(user_id, name)) if name else f"用户 <code>{user_id}</code>"
