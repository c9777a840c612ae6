"""What use cases hand back: the actor, a need as the group sees it, and typed outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.domain.model import Agreement, AgreementOffer, Commitment, JoinRequest, Need, Party, Person, Route


@dataclass(frozen=True)
class RoutedParty:
    route: Route
    party: Party
    liaisons: tuple[Person, ...]
    claimed_by: int | None = None


@dataclass(frozen=True)
class NeedView:
    """A need as the group sees it under the bot's routing message."""

    need: Need
    routed: tuple[RoutedParty, ...]
    triage: tuple[Party, ...] = ()  # the router was unsure: an admin picks the lead from these

    @property
    def lead(self) -> RoutedParty | None:
        return next((r for r in self.routed if r.route.role == "lead"), None)

    @property
    def assists(self) -> list[RoutedParty]:
        return [r for r in self.routed if r.route.role == "assist"]


@dataclass(frozen=True)
class Outcome:
    """What an operation did. ``status`` is "ok" or a reason the handler turns into a reply."""

    status: str
    view: NeedView | None = None
    need: Need | None = None
    party: Party | None = None
    commitment: Commitment | None = None
    request: JoinRequest | None = None
    options: tuple[Party, ...] = ()
    matches: tuple[Party, ...] = field(default_factory=tuple)
    previous: Party | None = None  # the party a need was handed over from
    agreement: Agreement | None = None
    offer: AgreementOffer | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass(frozen=True)
class Actor:
    user_id: int
    display_name: str
    username: str | None = None
    admin_of: int | None = None  # a chat where this person is a Telegram administrator (ADMINS_FROM_CHAT)

    @property
    def person(self) -> Person:
        return Person(self.user_id, self.display_name, self.username)
