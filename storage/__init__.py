"""All SQL of the bot: the database, its migrations and one repository per aggregate."""

from storage.db import Database

__all__ = ["Database"]
