"""The export's duty sheets: 成绩单 (each unit's rank and rates with the counts they are made of, so that every rate
can be recomputed by hand from its row), 评价 (every verdict asked: answered, waiting or 未评价) and 牵头记录 (every
spell of a unit leading a need: how it ended, the 退单's reason and its ruling) — read in one snapshot."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import Need
from bot.domain.duty import LeadTerm, UnitScore, Verdict, verdict_closes
from bot.services.scorecards import Scorecards

Table = tuple[list[str], list[list[Any]]]


def _percent(rate: float | None) -> float | None:
    """A rate as the sheet shows it: in %, two decimals; empty when there is none."""
    return None if rate is None else round(rate * 100, 2)


def scorecard_row(score: UnitScore, name: str) -> list[Any]:
    """A unit's 成绩单 row, in the order of ``texts.SCORECARD_SHEET_HEADERS``."""
    return [score.rank, score.party_id, name,
            _percent(score.response_rate), score.led, score.responded, score.awaiting_claim,
            _percent(score.solve_rate), score.solved_given, score.solved_points,
            _percent(score.satisfaction_rate), score.satisfaction_given, score.content,
            score.unrated, score.redo, score.handovers, score.improper,
            _percent(score.kept_rate), score.kept_on_time, score.kept_judged,
            _percent(score.composite)]


class _Sheets:
    """What the rows name, read once: needs, groups, authors, units, and the clock for a verdict's state."""

    def __init__(self, scorecards: Scorecards, needs: dict[int, Need], titles: dict[int, str],
                 authors: dict[int, str], names: dict[str, str], zone: ZoneInfo, now: datetime,
                 terms: list[LeadTerm]) -> None:
        self.scorecards, self.needs, self.titles, self.authors = scorecards, needs, titles, authors
        self.names, self.zone, self.now = names, zone, now
        # A 驳回 ends the spell of the unit the need was handed to, at the ruling's time.
        self.rulings = {(t.need_id, t.ruled_at) for t in terms if t.overruled}

    def time(self, at: datetime | None) -> str | None:
        return at.astimezone(self.zone).strftime("%Y-%m-%d %H:%M") if at is not None else None

    def party(self, party_id: str | None) -> str | None:
        return texts.lead_name(self.names, party_id) if party_id else None

    def group(self, need: Need) -> str:
        return self.titles.get(need.chat_id, str(need.chat_id))

    def verdict(self, verdict: Verdict) -> list[Any]:
        need = self.needs[verdict.need_id]
        closes = verdict_closes(verdict, self.scorecards.limits, self.scorecards.policy)
        state = "given" if verdict.given else "unrated" if self.now >= closes else "waiting"
        return [verdict.id, self.group(need), need.number, verdict.round, verdict.author_id,
                self.authors.get(verdict.author_id, str(verdict.author_id)), self.party(verdict.lead_party),
                self.time(verdict.asked_at), self.time(closes),
                texts.SOLVED_NAMES[verdict.solved] if verdict.solved else None,
                texts.SATISFACTION_NAMES[verdict.satisfaction] if verdict.satisfaction else None,
                self.time(verdict.answered_at), texts.VERDICT_STATES[state]]

    def term(self, term: LeadTerm) -> list[Any]:
        need = self.needs[term.need_id]
        reason = texts.HANDOVER_REASON_WORDS.get(term.reason, term.reason) if term.reason else None
        ruled = term.ended_by == "reroute" and (term.need_id, term.ended_at) in self.rulings
        ending = "overruled" if ruled else term.ended_by
        return [term.id, self.group(need), need.number, term.party_id, self.party(term.party_id),
                self.time(term.started_at), self.time(term.ended_at),
                texts.LEAD_TERM_ENDINGS.get(ending, ending) if ending else None, reason,
                texts.RULING_WORDS.get(term.ruling, term.ruling) if term.ruling else None, term.ruled_by,
                self.time(term.ruled_at)]


async def duty_tables(scorecards: Scorecards, chat_id: int | None, now: datetime, zone: ZoneInfo) -> dict[str, Table]:
    """The export's 成绩单, 评价 and 牵头记录 over one chat (or all), keyed as the export's tables are. Withdrawn
    needs are left out, as the scorecard leaves them out."""
    async with scorecards.work.read() as repos:
        scores = await scorecards.units_in(repos, chat_id, now)
        needs = {n.id: n for n in await repos.needs.every(chat_id)}
        verdicts = [v for v in await repos.verdicts.all(chat_id) if v.need_id in needs]
        terms = [t for t in await repos.lead_terms.all(chat_id) if t.need_id in needs]
        titles = await repos.people.chat_titles()
        persons = await repos.people.persons(sorted({v.author_id for v in verdicts}))
        names = {p.id: p.short_name for p in await repos.parties.all(enabled_only=False)}
    authors = {n.author_id: n.author_name for n in needs.values() if n.author_id is not None and n.author_name}
    authors.update({user_id: p.display_name for user_id, p in persons.items() if p.display_name})
    sheets = _Sheets(scorecards, needs, titles, authors, names, zone, now, terms)

    def by_need(need_id: int, *rest: int) -> tuple[int, ...]:
        need = needs[need_id]
        return (need.chat_id, need.number, *rest)

    return {
        "scorecard": (list(texts.SCORECARD_SHEET_HEADERS),
                      [scorecard_row(s, texts.lead_name(names, s.party_id)) for s in scores]),
        "verdicts": (list(texts.VERDICT_SHEET_HEADERS), [sheets.verdict(v) for v in sorted(
            verdicts, key=lambda v: by_need(v.need_id, v.round, v.id))]),
        "lead_terms": (list(texts.LEAD_TERM_SHEET_HEADERS), [sheets.term(t) for t in sorted(
            terms, key=lambda t: by_need(t.need_id, t.id))]),
    }
