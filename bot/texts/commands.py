"""The bot's commands, listed once: who may use each, its /help line, and the command menus it is in.

The handler table (bot.app), the command menus (bot.delivery.menus) and /help are made from COMMANDS, and
tests/test_commands_registry.py checks the README's table against it. Also here: /start's greeting and
how each command is typed."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, Flag, auto
from html import escape

from bot.domain import Role

__all__ = ["Who", "Menu", "Command", "COMMANDS", "help_text", "who_label", "START_TEXT", "SERVED_WELCOME",
           "NOT_SERVED_HELP", "NOT_SERVED_ADDED", "EMPTY_NEED", "EMPTY_COMMIT", "NEEDS_USAGE", "STATUS_USAGE",
           "ROUTE_USAGE", "RESOLVE_USAGE", "COMMIT_USAGE", "DUE_USAGE", "DONE_USAGE", "CANCEL_USAGE",
           "AGREEMENT_USAGE", "BIND_USAGE", "JOIN_USAGE", "FORGET_USAGE", "REPORT_USAGE", "EXPORT_USAGE",
           "KEPT_USAGE", "PARTY_USAGE", "DIRECTORY_USAGE"]


class Who(Flag):
    """Who may use a command, and where: in a served group, but for ADMIN_PRIVATE. (/start and /help also
    answer anyone where the bot does not serve: handlers.gate lets them through.)"""

    EVERYONE = auto()  # anyone in the group
    AUTHOR = auto()  # the enterprise that posted the need (as the 已解决 button)
    BOUND = auto()  # a liaison or member bound to a party
    ADMIN_GROUP = auto()  # an admin, in a served group
    ADMIN_PRIVATE = auto()  # an admin, in a private chat with the bot
    ADMIN = ADMIN_GROUP | ADMIN_PRIVATE


class Menu(Enum):
    """The command menus the bot sets (setMyCommands); Telegram shows the most specific one that applies."""

    DEFAULT = "default"  # everyone's, in every chat
    GROUP_ADMIN = "group_admin"  # each admin's in each served group: replaces the default menu there
    PRIVATE_ADMIN = "private_admin"  # each admin's private chat with the bot


@dataclass(frozen=True)
class Command:
    name: str
    who: Who
    usage: str  # how /help shows it: "/commit 编号 内容"
    description: str  # /help's explanation
    menu: str = ""  # the menus' short description
    menus: frozenset[Menu] = frozenset()
    private_menu: str = ""  # the admin's private menu says this instead (there it covers every group)

    def menu_text(self, which: Menu) -> str:
        return self.private_menu if which is Menu.PRIVATE_ADMIN and self.private_menu else self.menu


_EVERYDAY = frozenset({Menu.DEFAULT, Menu.GROUP_ADMIN})  # an admin's group menu replaces the default one
_EVERYWHERE = frozenset(Menu)
_IN_GROUP = frozenset({Menu.GROUP_ADMIN})
_IN_PRIVATE = frozenset({Menu.PRIVATE_ADMIN})
_ADMIN_MENUS = frozenset({Menu.GROUP_ADMIN, Menu.PRIVATE_ADMIN})

# In /help's order. /start is in no menu: Telegram offers it when a private chat opens.
COMMANDS = (
    Command("start", Who.EVERYONE | Who.ADMIN_PRIVATE, "/start", "介绍；在私聊中列出与您相关的需求和承诺"),
    Command("help", Who.EVERYONE | Who.ADMIN_PRIVATE, "/help", "查看可用命令", menu="查看可用命令", menus=_EVERYWHERE),
    Command("need", Who.EVERYONE, "/need 内容", "登记一条需求（也可直接在群里描述需求）",
            menu="登记一条需求", menus=_EVERYDAY),
    Command("join", Who.EVERYONE, "/join 单位", "申请绑定到部门、区市、实验室或基金",
            menu="申请绑定单位", menus=_EVERYDAY),
    Command("parties", Who.EVERYONE | Who.ADMIN_PRIVATE, "/parties", "查看对接名录", menu="查看对接名录",
            menus=_EVERYWHERE),
    Command("resolve", Who.AUTHOR | Who.ADMIN_GROUP, "/resolve 编号", "标记需求已解决（需求发布者或管理员）",
            menu="标记需求已解决", menus=_EVERYDAY),
    Command("agreement", Who.AUTHOR | Who.BOUND | Who.ADMIN_GROUP, "/agreement 编号 内容",
            "记录需求的对接成果（签约、融资、场景开放，可写金额）", menu="记录对接成果", menus=_EVERYDAY),
    Command("commit", Who.BOUND, "/commit 编号 内容", "对需求作出承诺（也可直接回复需求消息）",
            menu="对需求作出承诺", menus=_EVERYDAY),
    Command("due", Who.BOUND | Who.ADMIN_GROUP, "/due 承诺编号 日期",
            "为未定日期的承诺补充完成日期（已定日期的由管理员更正，联络员请申请延期）",
            menu="为承诺补充完成日期", menus=_EVERYDAY),
    Command("extend", Who.BOUND, "/extend 承诺编号 日期 理由", "到期前申请承诺延期，由管理员批准或驳回",
            menu="申请承诺延期", menus=_EVERYDAY),
    Command("done", Who.BOUND | Who.ADMIN_GROUP, "/done 承诺编号", "报告承诺已兑现（由需求方或管理员确认）",
            menu="报告承诺已兑现", menus=_EVERYDAY),
    Command("cancel", Who.BOUND | Who.ADMIN_GROUP, "/cancel 承诺编号", "撤回承诺", menu="撤回承诺", menus=_EVERYDAY),
    Command("offer", Who.BOUND | Who.ADMIN, "/offer 场景|能力|投资 标题；内容",
            "为本单位发布供给：场景、能力或投资方向（可加「地点：…」「截止：日期」）", menu="发布本单位的供给",
            menus=_EVERYDAY),
    Command("offers", Who.EVERYONE | Who.ADMIN_PRIVATE, "/offers [场景|能力|投资|单位|编号]",
            "供给清单：开放的场景、能力和投资方向；发布单位可 close、edit，管理员可 export、import（XLSX）",
            menu="供给清单", menus=_EVERYWHERE),
    Command("bid", Who.EVERYONE, "/bid 编号 方案", "揭榜：对揭榜挂帅的需求提交简要方案（截止前，每人一份）",
            menu="揭榜（提交方案）", menus=_EVERYDAY),
    Command("challenge", Who.AUTHOR | Who.ADMIN_GROUP, "/challenge 编号 [截止日期]",
            "发布揭榜挂帅（管理员写截止日期）；截止后查看方案并选定一份（需求发布者或管理员）",
            menu="揭榜挂帅：发布或选定方案", menus=_EVERYDAY),
    Command("needs", Who.ADMIN_GROUP, "/needs [open|all]", "查看需求列表", menu="需求列表", menus=_IN_GROUP),
    Command("status", Who.ADMIN_GROUP, "/status 编号", "需求详情：分派、认领、承诺与记录",
            menu="需求详情", menus=_IN_GROUP),
    Command("route", Who.ADMIN_GROUP, "/route 编号 单位", "改派牵头部门（记录为路由纠正）",
            menu="改派牵头部门", menus=_IN_GROUP),
    Command("overdue", Who.ADMIN_GROUP, "/overdue", "查看逾期和未定日期的承诺",
            menu="逾期和未定日期的承诺", menus=_IN_GROUP),
    Command("merge", Who.ADMIN_GROUP, "/merge 编号 编号", "把重复的需求合并到另一条（提出人成为附议方），可撤销",
            menu="合并重复需求", menus=_IN_GROUP),
    Command("unmerge", Who.AUTHOR | Who.ADMIN_GROUP, "/unmerge 编号",
            "撤销合并，需求重新独立办理（管理员或该需求的提出人）",
            menu="撤销合并", menus=_IN_GROUP),
    Command("triage", Who.ADMIN_GROUP, "/triage", "待确认牵头部门的需求（机器人拿不准的）",
            menu="待确认牵头部门的需求", menus=_IN_GROUP),
    Command("kept", Who.ADMIN, "/kept [all]", "各单位承诺兑现率与认领用时（本群或全部群）",
            menu="各单位承诺兑现率", menus=_ADMIN_MENUS, private_menu="全部群的承诺兑现率"),
    Command("report", Who.ADMIN, "/report [week|month|all]", "对接成效报告（文字摘要和图表）",
            menu="对接成效报告", menus=_ADMIN_MENUS, private_menu="全部群的对接成效报告"),
    Command("export", Who.ADMIN, "/export [xlsx|csv]", "导出需求、分派、承诺、成果和记录（私聊导出全部群）",
            menu="导出本群记录", menus=_ADMIN_MENUS, private_menu="导出全部群的记录"),
    Command("monthly", Who.ADMIN, "/monthly [年-月]",
            "场景机会清单：开放的场景、能力、投资方向，当月匹配与签约（文字、图表、XLSX；私聊为全部群）",
            menu="场景机会清单", menus=_ADMIN_MENUS, private_menu="全部群的场景机会清单"),
    Command("party", Who.ADMIN, "/party …", "查看、新增、修改、停用名录中的单位",
            menu="查看、新增、修改、停用单位", menus=_IN_PRIVATE),
    Command("directory", Who.ADMIN, "/directory export|import", "导出或导入名录文件（JSON）",
            menu="导出或导入名录文件", menus=_IN_PRIVATE),
    Command("backup", Who.ADMIN_PRIVATE, "/backup", "数据库备份文件（仅限私聊）",
            menu="数据库备份文件", menus=_IN_PRIVATE),
    Command("forget", Who.ADMIN, "/forget 用户ID", "删除某人的身份信息，需求和承诺匿名保留",
            menu="删除某人的身份信息", menus=_ADMIN_MENUS),
    Command("bind", Who.ADMIN, "/bind 用户ID 单位", "绑定联络员或成员", menu="绑定联络员", menus=_ADMIN_MENUS),
)

# Who each role is, as far as /help is concerned (an admin sees every command).
_ROLE_MAY = {Role.ENTERPRISE: Who.EVERYONE | Who.AUTHOR, Role.LIAISON: Who.EVERYONE | Who.AUTHOR | Who.BOUND,
             Role.MEMBER: Who.EVERYONE | Who.AUTHOR | Who.BOUND, Role.ADMIN: ~Who(0)}


def help_text(role: Role, served: bool, private: bool = False) -> str:
    """``private``: asked in the bot's private chat, where only admins' commands are served (and /start, /help)."""
    if not served and role is not Role.ADMIN:
        return NOT_SERVED_HELP
    where = "（在对接群里使用；私聊里只有 /start 和 /help）" if private and role is not Role.ADMIN else ""
    lines = [f"<b>对接群助手</b> 可用命令{where}："]
    lines += [f"{escape(c.usage)} — {c.description}" for c in COMMANDS if c.who & _ROLE_MAY[role]]
    return "\n".join(lines)


def who_label(who: Who) -> str:
    """"谁可以用" as the README's command table says it."""
    if Who.EVERYONE in who:
        return "所有人"
    parts = [label for flag, label in ((Who.AUTHOR, "需求发布者"), (Who.BOUND, "联络员/成员")) if flag in who]
    if Who.ADMIN in who:
        parts.append("管理员（群聊或私聊）")
    elif Who.ADMIN_GROUP in who:
        parts.append("管理员")
    elif Who.ADMIN_PRIVATE in who:
        parts.append("管理员（私聊）")
    return "、".join(parts)


# --- greetings, and how each command is typed ---------------------------------------------

START_TEXT = ("您好，我是对接群助手 🤝\n"
              "企业在对接群里说出场景需求（测试道路、医院数据、试点村、融资……），我会登记编号、"
              "分派给牵头部门和协同的实验室、基金，并提醒联络员认领和兑现承诺。发送 /help 查看命令。")
SERVED_WELCOME = ("大家好，我是对接群助手。企业在群里说出场景需求，我会登记、分派给牵头部门和协同单位，"
                  "并跟踪联络员的认领与承诺。发送 /help 查看可用命令。")
NOT_SERVED_HELP = ("我是对接群助手，帮助企业、部门联络员和市发展改革委跟踪场景需求的对接。\n"
                   "本对话尚未启用对接服务；管理员把我加入对接群后即可使用。")
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
KEPT_USAGE = "用法：/kept 查看本群各单位的承诺兑现率，/kept all 查看全部群（私聊中 /kept 即为全部群）"
EXPORT_USAGE = "用法：/export xlsx 或 /export csv（默认 xlsx）"
PARTY_USAGE = ("用法：\n/party 单位id — 查看\n/party add 单位id 类别 名称（类别：department 部门、district 区市、"
               "lab 实验室、fund 基金、bank 银行、enterprise 企业、think_tank 智库）\n"
               "/party edit 单位id name|aliases|profile|keywords 内容（别名、关键词用逗号或顿号分隔）\n"
               "/party disable 单位id ／ /party enable 单位id")
DIRECTORY_USAGE = ("用法：/directory export 导出名录文件；把名录 JSON 文件发到本对话，并在说明里写 /directory import"
                   "（或回复该文件发送 /directory import）导入。")
