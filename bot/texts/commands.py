"""The commands: /start's greeting, /help, and how each command is typed."""

from __future__ import annotations

from html import escape

from bot.domain import Role

__all__ = ["START_TEXT", "SERVED_WELCOME", "NOT_SERVED_ADDED", "EMPTY_NEED", "EMPTY_COMMIT", "NEEDS_USAGE",
           "STATUS_USAGE", "ROUTE_USAGE", "RESOLVE_USAGE", "COMMIT_USAGE", "DUE_USAGE", "DONE_USAGE", "CANCEL_USAGE",
           "AGREEMENT_USAGE", "BIND_USAGE", "JOIN_USAGE", "FORGET_USAGE", "REPORT_USAGE", "EXPORT_USAGE",
           "PARTY_USAGE", "DIRECTORY_USAGE", "HELP_EVERYONE", "HELP_LIAISON", "HELP_ADMIN", "help_text"]

START_TEXT = ("您好，我是对接群助手 🤝\n"
              "企业在对接群里说出场景需求（测试道路、医院数据、试点村、融资……），我会登记编号、"
              "分派给牵头部门和协同的实验室、基金，并提醒联络员认领和兑现承诺。发送 /help 查看命令。")
SERVED_WELCOME = ("大家好，我是对接群助手。企业在群里说出场景需求，我会登记、分派给牵头部门和协同单位，"
                  "并跟踪联络员的认领与承诺。发送 /help 查看可用命令。")
NOT_SERVED_ADDED = "您好！本群尚未由管理员启用对接服务，我暂时只回复 /start 和 /help。请联系市发展改革委管理员。"

# Answers to a command typed without what it needs.
EMPTY_NEED = "请在命令后写上需求内容，例如：/need 需要开放一段自动驾驶测试道路"
EMPTY_COMMIT = "请写明承诺内容，例如：/commit 3 两周内开放测试路段"
NEEDS_USAGE = "用法：/needs 或 /needs all"
STATUS_USAGE = "用法：/status 需求编号，例如 /status 3"
ROUTE_USAGE = "用法：/route 需求编号 单位，例如 /route 3 交通运输局"
RESOLVE_USAGE = "用法：/resolve 需求编号，例如 /resolve 3"
COMMIT_USAGE = "用法：/commit 需求编号 承诺内容，例如 /commit 3 两周内开放测试路段"
DUE_USAGE = "用法：/due 承诺编号 日期，例如 /due 5 12月15日前"
DONE_USAGE = "用法：/done 承诺编号，例如 /done 5"
CANCEL_USAGE = "用法：/cancel 承诺编号，例如 /cancel 5（撤回一条承诺，不再提醒）"
AGREEMENT_USAGE = "用法：/agreement 需求编号 成果内容，例如 /agreement 3 与青岛天使基金签约，天使轮融资800万元"
BIND_USAGE = "用法：/bind 用户ID 单位（或回复某人的消息发送 /bind 单位）"
JOIN_USAGE = "用法：/join 单位名称，例如 /join 交通运输局"
FORGET_USAGE = "用法：/forget 用户ID，或回复该用户的消息发送 /forget（删除其身份信息，需求和承诺匿名保留）"
REPORT_USAGE = "用法：/report week、/report month 或 /report all（默认 week）"
EXPORT_USAGE = "用法：/export xlsx 或 /export csv（默认 xlsx）"
PARTY_USAGE = ("用法：\n/party 单位id — 查看\n/party add 单位id 类别 名称（类别：department 部门、district 区市、"
               "lab 实验室、fund 基金、bank 银行、enterprise 企业、think_tank 智库）\n"
               "/party edit 单位id name|aliases|profile|keywords 内容（别名、关键词用逗号或顿号分隔）\n"
               "/party disable 单位id ／ /party enable 单位id")
DIRECTORY_USAGE = ("用法：/directory export 导出名录文件；把名录 JSON 文件发到本对话，并在说明里写 /directory import"
                   "（或回复该文件发送 /directory import）导入。")

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
