"""The enterprise's verdict (回访): when a need is resolved its author says whether it was solved and whether they
are satisfied, one tap each; 未解决 reopens the need (重办) and tells its lead."""

from __future__ import annotations

from datetime import datetime

from bot.domain import Actor, Outcome, Refusal
from bot.domain.duty import DutyLimits, Satisfaction, Solved, Verdict, may_answer_verdict, verdict_closes
from bot.domain.schedule import Policy
from bot.services.views import NeedViews
from bot.services.work import Work


class Verdicts:
    def __init__(self, work: Work, views: NeedViews, policy: Policy, limits: DutyLimits) -> None:
        self.work, self.views, self.policy, self.limits = work, views, policy, limits

    async def attach_message(self, verdict_id: int, message_id: int) -> None:
        """Remember the question's message, so later presses and the record point at it."""
        async with self.work.write() as repos:
            await repos.verdicts.set_message(verdict_id, message_id)

    async def earlier_questions(self, verdict: Verdict) -> list[int]:
        """The messages of this author's earlier rounds on the need that still had questions open (their buttons
        are taken away when a new round is asked)."""
        async with self.work.read() as repos:
            return [v.message_id for v in await repos.verdicts.of_need(verdict.need_id)
                    if v.author_id == verdict.author_id and v.round < verdict.round and not v.complete
                    and v.message_id is not None]

    async def awaiting(self, author_id: int, now: datetime, limit: int = 5) -> list[Verdict]:
        """The questions this person may still answer (oldest first), for their private chat."""
        async with self.work.read() as repos:
            return [v for v in await repos.verdicts.unanswered_by(author_id)
                    if now < verdict_closes(v, self.limits, self.policy)][:limit]

    async def answer(self, verdict_id: int, actor: Actor, answer: Solved | Satisfaction, at: datetime,
                     update_id: int | None) -> Outcome:
        """One answer from the need's author, once per question. 未解决 reopens a resolved need (重办): the outcome's
        need is open again."""
        async with self.work.unit(update_id, at, actor) as unit:
            verdict = await unit.verdicts.get(verdict_id)
            if verdict is None:
                return Outcome(Refusal.VERDICT_NOT_FOUND)
            need = await unit.needs.get(verdict.need_id)
            if need is None:
                return Outcome(Refusal.VERDICT_NOT_FOUND)
            if not may_answer_verdict(actor.user_id, verdict):
                return Outcome(Refusal.NOT_VERDICT_AUTHOR, need=need)
            if need.status == "withdrawn":
                return Outcome(Refusal.NEED_WITHDRAWN, need=need)
            if at >= verdict_closes(verdict, self.limits, self.policy):
                return Outcome(Refusal.VERDICT_CLOSED, need=need, verdicts=(verdict,))
            if any(v.round > verdict.round and v.author_id == verdict.author_id
                   for v in await unit.verdicts.of_need(need.id)):
                return Outcome(Refusal.VERDICT_SUPERSEDED, need=need, verdicts=(verdict,))
            solved = answer if isinstance(answer, Solved) else None
            satisfaction = answer if isinstance(answer, Satisfaction) else None
            if not await unit.verdicts.answer(verdict.id, at, solved, satisfaction):
                return Outcome(Refusal.ALREADY_ANSWERED, need=need, verdicts=(verdict,))
            await unit.record("verdict", chat_id=need.chat_id, need_id=need.id, round=verdict.round,
                              answer=str(answer), lead=verdict.lead_party)
            if answer is Solved.UNSOLVED and await unit.needs.reopen(need.id):
                await unit.verdicts.reopened(verdict.id, at)
                await unit.record("reopened", chat_id=need.chat_id, need_id=need.id, round=verdict.round)
            answered = await unit.verdicts.get(verdict.id)
            current = await unit.needs.get(need.id)
            assert answered is not None and current is not None
            return Outcome(view=await self.views.one(unit, current), need=current, verdicts=(answered,))
