"""Use cases by concern, each one unit of work; they return typed outcomes and know nothing of Telegram."""
