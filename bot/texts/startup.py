"""What `python -m bot` tells the operator on stderr while it reaches the Bot API (bilingual: the person
reading a service's log may not read Chinese). None of these lines ever carries the token."""

from __future__ import annotations

__all__ = ["api_unreachable", "stopped_before_reaching_api", "token_rejected"]


def token_rejected(status: int) -> str:
    if status == 404:  # Telegram answers 404 to a token of the wrong shape, or the URL is not a Bot API
        return ("BOT_TOKEN 被 Bot API 拒绝（404）：请检查令牌，以及 BOT_API_URL 是否指向 Bot API / "
                "BOT_TOKEN was rejected by the Bot API (404): check the token, and that BOT_API_URL is a Bot API")
    return (f"BOT_TOKEN 被 Bot API 拒绝（{status}）：请检查令牌（可向 @BotFather 发送 /token 重新获取） / "
            f"BOT_TOKEN was rejected by the Bot API ({status}): check the token")


def api_unreachable(attempt: int, reason: str, delay: float) -> str:
    seconds = f"{delay:g}"
    return (f"无法连接 Bot API，{seconds} 秒后重试（第 {attempt} 次）/ "
            f"Bot API unreachable, retrying in {seconds} s (attempt {attempt}): {reason}")


def stopped_before_reaching_api() -> str:
    return "未连上 Bot API 即已停止 / stopped before the Bot API was reached"
