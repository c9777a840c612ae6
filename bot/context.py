"""The long-lived services the handlers reach through the typed context (PTB ContextTypes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from telegram.ext import CallbackContext, ExtBot

from bot.delivery.chat_admins import ChatAdmins
from bot.delivery.courier import Courier
from bot.services.agreements import Agreements
from bot.services.challenges import Challenges
from bot.services.commitments import Commitments
from bot.services.duplicates import Duplicates, Finder
from bot.services.extensions import Extensions
from bot.services.intake import Intake
from bot.services.learning import Learner
from bot.services.matching import Matchmaking
from bot.services.monthly import Monthly
from bot.services.needs import Needs
from bot.services.notes import Notes
from bot.services.notices import Notices
from bot.services.offers import Offers
from bot.services.parties import Parties
from bot.services.people import People
from bot.services.records import Records
from bot.services.routing import Routing
from bot.services.scorecards import Scorecards
from bot.services.verdicts import Verdicts
from bot.services.views import Directory, NeedViews
from bot.services.work import Access, Work
from bot.settings import Settings
from nlp.intent import IntentReader, shipped_reader
from nlp.router import Router
from storage.db import Database


@dataclass
class UseCases:
    """Every use case over the one unit-of-work helper, wired once."""

    work: Work
    access: Access
    learner: Learner
    parties: Parties
    people: People
    needs: Needs
    routing: Routing
    commitments: Commitments
    agreements: Agreements
    records: Records
    intake: Intake
    notes: Notes
    verdicts: Verdicts
    scorecards: Scorecards
    extensions: Extensions
    duplicates: Duplicates
    offers: Offers  # the standing lists (issue 15, part C)
    matching: Matchmaking
    challenges: Challenges
    monthly: Monthly  # the monthly 场景机会清单

    @classmethod
    def build(cls, db: Database, router: Router, settings: Settings, reader: IntentReader | None = None) -> UseCases:
        """``reader``: the intent reader (fitted on the shipped lines once per process when not given)."""
        work, access, learner, directory = Work(db), Access(settings.admin_ids), Learner(db, router), Directory()
        views = NeedViews(directory)
        scorecards = Scorecards(work, settings.policy(), settings.limits())
        parties = Parties(work, access, directory, learner)
        matching = Matchmaking(work, access, views, lambda: learner.router.segmenter, settings.matches_per_day,
                               settings.timezone)
        return cls(work=work, access=access, learner=learner, parties=parties, people=People(work, access, parties),
                   needs=Needs(work, access, views, learner, Finder(work, lambda: learner.router), matching),
                   routing=Routing(work, access, views, parties, learner, settings.policy()),
                   commitments=Commitments(work, access, settings.timezone),
                   agreements=Agreements(work, access, learner),
                   records=Records(db, settings.policy(), settings.timezone, router.segmenter.cut, scorecards),
                   intake=Intake(work, reader or shipped_reader(router.segmenter.cut), lambda: learner.router),
                   notes=Notes(work, learner), extensions=Extensions(work, access, settings.timezone),
                   verdicts=Verdicts(work, views, settings.policy(), settings.limits()),
                   scorecards=scorecards, duplicates=Duplicates(work, access, views), matching=matching,
                   challenges=Challenges(work, access, settings.timezone), monthly=Monthly(db, settings.policy()),
                   offers=Offers(work, access, parties, settings.timezone, matching))


@dataclass
class Services:
    settings: Settings
    db: Database
    cases: UseCases
    notices: Notices
    courier: Courier
    chat_admins: ChatAdmins
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))  # UTC; tests set it
    desk: object | None = None  # the desk's web server while it listens (WEB_URL; an aiohttp AppRunner)


@dataclass
class BotData:
    """PTB's bot_data, typed: filled by post_init, emptied by post_shutdown."""

    services: Services | None = None


class BotContext(CallbackContext[ExtBot[None], dict, dict, BotData]):
    # One context serves every handler of an update: the gate sets this for the handlers after it.
    admin_of: int | None = None  # the chat whose Telegram administrator sent the update (ADMINS_FROM_CHAT)

    @property
    def services(self) -> Services:
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("services are not ready (post_init has not run)")
        return services

    @property
    def cases(self) -> UseCases:
        return self.services.cases
