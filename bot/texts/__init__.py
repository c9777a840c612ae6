"""Every Chinese text the bot shows, in one package, so wording is reviewed apart from logic.

One module per concern, each naming what it offers in ``__all__``; all of it is re-exported here, so a
caller writes ``texts.need_card`` wherever it lives."""

from __future__ import annotations

from bot.texts.buttons import *  # noqa: F403
from bot.texts.cards import *  # noqa: F403
from bot.texts.challenges import *  # noqa: F403
from bot.texts.commands import *  # noqa: F403
from bot.texts.commitments import *  # noqa: F403
from bot.texts.conversation import *  # noqa: F403
from bot.texts.directory import *  # noqa: F403
from bot.texts.duplicates import *  # noqa: F403
from bot.texts.exports import *  # noqa: F403
from bot.texts.extensions import *  # noqa: F403
from bot.texts.format import *  # noqa: F403
from bot.texts.handovers import *  # noqa: F403
from bot.texts.lists import *  # noqa: F403
from bot.texts.matching import *  # noqa: F403
from bot.texts.names import *  # noqa: F403
from bot.texts.notices import *  # noqa: F403
from bot.texts.offers import *  # noqa: F403
from bot.texts.opportunities import *  # noqa: F403
from bot.texts.refusals import *  # noqa: F403
from bot.texts.reports import *  # noqa: F403
from bot.texts.sandbox import *  # noqa: F403
from bot.texts.scorecards import *  # noqa: F403
from bot.texts.scoresheets import *  # noqa: F403
from bot.texts.startup import *  # noqa: F403
from bot.texts.verdicts import *  # noqa: F403
