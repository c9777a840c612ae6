"""Files the bot sends: /export's sheet and column names and caption, /backup's caption and limits."""

from __future__ import annotations

__all__ = ["EXPORT_SHEETS", "EXPORT_HEADERS", "BACKUP_PRIVATE_ONLY", "SEND_FAILED", "export_caption",
           "backup_caption", "backup_too_big"]

EXPORT_SHEETS = {"needs": "需求", "routes": "分派", "commitments": "承诺", "agreements": "成果", "events": "记录"}
EXPORT_HEADERS = {
    "id": "编号", "chat_id": "群ID", "chat_title": "群名称", "number": "需求号", "author_id": "提出人ID",
    "author_name": "提出人", "text": "内容", "need_type": "类型", "status": "状态", "created_at": "时间",
    "resolved_at": "解决时间", "party_id": "单位ID", "party_name": "单位", "role": "角色", "score": "得分",
    "source": "来源", "active": "有效", "user_id": "联络员ID", "due_date": "到期日", "reported_at": "报告兑现时间",
    "done_at": "确认兑现时间", "cancelled_at": "撤回时间", "kind": "类别", "amount_yuan": "金额（元）",
    "parties": "涉及单位", "actor_id": "操作人ID", "at": "时间", "need_id": "需求内部ID", "detail": "详情",
}
BACKUP_PRIVATE_ONLY = "备份文件包含全部数据，请在与机器人的私聊中发送 /backup。"
SEND_FAILED = "文件发送失败，请稍后再试。"


def export_caption(scope: str, counts: dict[str, int]) -> str:
    parts = "，".join(f"{EXPORT_SHEETS.get(k, k)} {n} 条" for k, n in counts.items())
    return f"📦 {scope}导出：{parts}。时间为本地时间。"


def backup_caption(size: int) -> str:
    return (f"🗄 数据库备份（{size / 1024:.0f} KB，SQLite 在线备份，内容一致）。"
            "恢复方法见 README「备份与恢复」：停止机器人，用此文件替换 DATABASE_PATH 指向的文件，再启动。")


def backup_too_big(size: int) -> str:
    return (f"数据库有 {size / 1024 / 1024:.0f} MB，超过 Telegram 文件上限 50 MB，无法通过聊天发送；"
            "请在服务器上用 sqlite3 的 .backup 命令备份。")
