"""The matchmaking loop end to end, through the Bot API wire."""

from __future__ import annotations

from tests.conftest import ADMIN, ENTERPRISE, GROUP, LIAISON, MIIT_LIAISON, RunningBot


async def test_need_is_registered_routed_and_announced(served: RunningBot) -> None:
    message = await served.say(ENTERPRISE, "我们公司做自动驾驶，需要开放一段测试路段和路侧单元，希望交通局支持")
    replies = served.calls_since(message["_calls_from"], "sendMessage")
    assert len(replies) == 1
    card = replies[0].params
    assert "#1" in card["text"] and "场景开放" in card["text"]
    assert card["reply_parameters"]["message_id"] == message["message_id"]
    buttons = [b["text"] for row in card["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["认领", "转交", "已解决"]
    assert "工信局" in card["text"] and "交通运输局" in card["text"]
    assert f"tg://user?id={MIIT_LIAISON['id']}" in card["text"]
