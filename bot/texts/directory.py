"""The directory of parties and the people bound to them: party cards, edits, directory files, binding,
join requests, and forgetting a person."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from bot.domain import Party, Person
from bot.texts.format import mention
from bot.texts.names import KIND_NAMES

__all__ = ["DIRECTORY_NO_FILE", "DIRECTORY_TOO_BIG", "PARTY_ACTIONS", "PARTY_REFUSALS", "party_card", "party_saved",
           "party_ambiguous", "directory_imported", "directory_invalid", "bound", "join_requested", "join_sent",
           "join_decided", "forgotten"]

DIRECTORY_NO_FILE = ("请把名录 JSON 文件发到本对话，在文件说明里写 /directory import，"
                     "或回复该文件发送 /directory import。")
DIRECTORY_TOO_BIG = "名录文件过大（上限 2 MB）。"
# What /party add, edit, enable, disable did, as party_saved says it ("已新增单位").
PARTY_ACTIONS = {"add": "新增单位", "edit": "修改单位", "enable": "启用单位", "disable": "停用单位"}
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


def party_ambiguous(matches: Iterable[Party]) -> str:
    names = "、".join(f"{p.short_name}（{p.id}）" for p in matches)
    return f"有多个单位符合，请写得更具体一些：{escape(names)}"


def directory_imported(counts: dict[str, int]) -> str:
    return (f"📥 名录已导入：新增 {counts.get('added', 0)}，更新 {counts.get('updated', 0)}，"
            f"未变 {counts.get('unchanged', 0)}。文件中没有的单位保持原样（要停用请设 \"enabled\": false）。")


def directory_invalid(reason: str) -> str:
    return f"名录文件有误，未导入任何内容：{escape(reason)}"


def bound(user_label: str, party: Party) -> str:
    return f"已将 {user_label} 绑定到 {escape(party.name)}（{KIND_NAMES.get(party.kind, party.kind)}）。"


def join_requested(person: Person, party: Party) -> str:
    return f"{mention(person)} 申请加入 {escape(party.name)}，请管理员审核："


def join_sent(party: Party) -> str:
    return f"已提交加入 {escape(party.short_name)} 的申请，等待管理员审核。"


def join_decided(person_label: str, party: Party, approved: bool) -> str:
    verdict = "已批准" if approved else "已拒绝"
    return f"{verdict}：{person_label} 加入 {escape(party.name)}。"


def forgotten(touched: dict[str, int]) -> str:
    return (f"🧹 已删除该用户的身份信息（姓名、用户名、绑定、申请）。匿名保留：需求 {touched.get('needs', 0)} 条，"
            f"认领 {touched.get('claims', 0)} 条，承诺 {touched.get('commitments', 0)} 条，"
            f"操作记录 {touched.get('events', 0)} 条。")
