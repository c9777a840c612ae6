"""PTB's ExtBot, with two shortcuts on the bot's hottest path (measured with cProfile on 600 needs):

- the JSON of each update fetched by getUpdates is kept until the journal has stored it (``raw_update``), so
  the journal writes what Telegram sent instead of re-serialising the parsed Update (``to_dict``: ~0.3 ms);
- ``send_text`` sends a message and returns only its id: the outbox needs nothing else, and parsing the
  Message Telegram returns (with the message it replies to) cost ~0.5 ms per card.

Both go through ``Bot._post``, the one method every PTB API call uses, so the rate limiter (the flood gate),
the defaults and the request object apply as to any other call. Everything else is PTB's own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import InlineKeyboardMarkup
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import JSONDict, ODVInput
from telegram.constants import ParseMode
from telegram.ext import ExtBot

NO_PREVIEW = {"is_disabled": True}  # LinkPreviewOptions(is_disabled=True), as sent
MAX_KEPT = 10_000  # raw updates not yet taken by the journal (a webhook never fills this)


class WireBot(ExtBot[None]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._raw_updates: dict[int, JSONDict] = {}
        # Told each getUpdates batch as Telegram sent it, before PTB's updater sees it (the journal). A list: PTB
        # freezes the bot's attributes once it is initialised.
        self._on_fetched: list[Callable[[list[JSONDict]], Awaitable[None]]] = []

    def when_fetched(self, callback: Callable[[list[JSONDict]], Awaitable[None]]) -> None:
        self._on_fetched[:] = [callback]

    def raw_update(self, update_id: int) -> JSONDict | None:
        """The update as getUpdates returned it, once (None when it came another way, e.g. a webhook)."""
        return self._raw_updates.pop(update_id, None)

    async def _post(
        self,
        endpoint: str,
        data: JSONDict | None = None,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
        api_kwargs: JSONDict | None = None,
    ) -> Any:
        result = await super()._post(endpoint, data, read_timeout=read_timeout, write_timeout=write_timeout,
                                     connect_timeout=connect_timeout, pool_timeout=pool_timeout, api_kwargs=api_kwargs)
        if endpoint == "getUpdates" and isinstance(result, list):
            if len(self._raw_updates) > MAX_KEPT:
                self._raw_updates.clear()  # nobody is taking them: not worth the memory
            fetched = [raw for raw in result if isinstance(raw, dict) and isinstance(raw.get("update_id"), int)]
            for raw in fetched:
                self._raw_updates[raw["update_id"]] = raw
            for callback in self._on_fetched:
                await callback(fetched)
        return result

    async def send_text(self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None,
                        reply_to: int | None = None, thread_id: int | None = None) -> int:
        """sendMessage in HTML without a link preview, as a reply when ``reply_to`` (sent anyway if that message
        is gone); the new message's id."""
        result = await self._post("sendMessage", {
            "chat_id": chat_id, "text": text, "parse_mode": ParseMode.HTML, "link_preview_options": NO_PREVIEW,
            "reply_markup": markup, "message_thread_id": thread_id,
            "reply_parameters": {"message_id": reply_to, "allow_sending_without_reply": True} if reply_to else None})
        return int(result["message_id"])
