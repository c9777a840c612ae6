"""Thin Telegram adapters: read the update, call the domain, render the reply."""
