"""Telegram transport without business rules: the update journal, per-chat lanes, the flood gate, the outbox,
command menus and chat administrators."""
