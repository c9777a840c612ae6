"""Slash commands, by concern. Each reads its arguments, calls one use case, renders the outcome; the
registration site (bot/app.py) maps each command name to one of these."""

from handlers.commands.admin import kept, overdue, party
from handlers.commands.files import backup, directory, export, monthly, report
from handlers.commands.needs import need, needs, resolve, route, status, triage
from handlers.commands.people import bind, forget, help_command, join, parties, start
from handlers.commands.promises import agreement, cancel, commit, done, due

__all__ = ["agreement", "backup", "bind", "cancel", "commit", "directory", "done", "due", "export", "forget",
           "help_command", "join", "kept", "monthly", "need", "needs", "overdue", "parties", "party", "report",
           "resolve", "route", "start", "status", "triage"]
