"""The pure model and rules of matchmaking: frozen records, states, policies and typed results.

Imports nothing else of ours (an import-linter contract checks it); storage/ and nlp/ build on it.
"""

from bot.domain.model import (
    LIAISON_KINDS,
    MEMBER_KINDS,
    NEED_TYPES,
    PARTY_KINDS,
    Agreement,
    AgreementOffer,
    Binding,
    Claim,
    Commitment,
    DueProblem,
    DueReading,
    Event,
    JoinRequest,
    Need,
    NeedDetail,
    Party,
    Person,
    Role,
    Route,
    active_routes,
    lead_of,
    may_claim,
    may_confirm,
    may_mark_done,
    may_resolve,
    role_of,
)
from bot.domain.views import Actor, LeadChange, NeedView, Outcome, Refusal, RoutedParty

__all__ = [
    "LIAISON_KINDS", "MEMBER_KINDS", "NEED_TYPES", "PARTY_KINDS", "Actor", "Agreement", "AgreementOffer", "Binding",
    "Claim", "Commitment", "DueProblem", "DueReading", "Event", "JoinRequest", "LeadChange", "Need", "NeedDetail",
    "NeedView", "Outcome", "Party", "Person", "Refusal", "Role", "Route", "RoutedParty", "active_routes", "lead_of",
    "may_claim", "may_confirm", "may_mark_done", "may_resolve", "role_of",
]
