"""Duplicates and 附议: at registration a need that says the same as an open one gets a hint ("可能与 #12 相同");
its author seconds the earlier need (附议: merged into it, and a co-requester of it) or says it is another matter
(不是同一件事: the hint goes, and the pair is remembered). Admins merge with /merge N M and undo with /unmerge N.

Nothing is merged by the machine: a false match costs a line on the card. A merged need leaves the funnel, the
lists and the reports as a withdrawn need does (status withdrawn, ``merged_into`` set: 011_duplicates.sql).

The finder (nlp.similar) is fitted once per segmenter — the jieba dictionary the router cuts with, which the
router's refits keep — in a worker thread the first time it is needed; each open need is made ready for
comparison once and kept, so a new need costs one vectorisation and one sparse product on the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from weakref import WeakKeyDictionary

import scipy.sparse as sp

from bot.domain import Actor, Need, Outcome, Refusal, lead_of
from bot.domain.duplicates import DuplicateHint
from bot.services.views import NeedViews
from bot.services.work import Access, Unit, Work
from nlp.router import Router
from nlp.segment import Segmenter
from nlp.similar import Prepared, Similarity

_FITTED: WeakKeyDictionary[Segmenter, Similarity] = WeakKeyDictionary()  # one fit per dictionary, per process
INLINE = 16  # needs not yet prepared that are prepared on the event loop; more go to a worker thread


class Finder:
    """Which open need a new need says the same as (nlp.similar, against its calibrated threshold)."""

    def __init__(self, work: Work, router: Callable[[], Router]) -> None:
        self.work, self.router = work, router
        self._lock = asyncio.Lock()
        self._similarity: Similarity | None = None
        self._rows: dict[str, Prepared] = {}  # a need's text → made ready (a new need's is kept for when it is a
        # candidate itself)
        # per chat (None: every chat), the last candidates stacked into one matrix: groups' needs arrive interleaved
        self._stacked: dict[int | None, tuple[list[int], list[str], Prepared]] = {}  # (ids, their texts, stack)

    async def similarity(self) -> Similarity:
        segmenter = self.router().segmenter
        async with self._lock:
            fitted = _FITTED.get(segmenter)
            if fitted is None:
                fitted = _FITTED[segmenter] = await asyncio.to_thread(Similarity, segmenter.cut)
            if fitted is not self._similarity:
                self._similarity, self._rows, self._stacked = fitted, {}, {}
            return fitted

    async def similar(self, chat_id: int, text: str, everywhere: bool) -> tuple[int, float] | None:
        """(the earlier open need's id, the score) when ``text`` says the same as one — of this chat, or of every
        chat (``everywhere``: an admin's need) — else None."""
        scope = None if everywhere else chat_id
        async with self.work.read() as repos:
            candidates = await repos.needs.open_texts(scope)
        similarity = await self.similarity()
        new = self._rows.get(text) or similarity.prepare([text])
        self._rows[text] = new  # kept: the next need of the chat compares with it
        if not candidates:
            return None
        missing = [t for _, t in candidates if t not in self._rows]
        if len(missing) > INLINE:  # many (after a restart): in a worker thread
            self._keep(missing, await asyncio.to_thread(similarity.prepare, missing))
        # No await from here on: another chat's call may have dropped rows while this one waited; they are made
        # again here, before anything reads them.
        missing = [t for _, t in candidates if t not in self._rows]
        if missing:
            self._keep(missing, similarity.prepare(missing))
        rows = {t: self._rows[t] for _, t in candidates}
        if len(self._rows) > 2 * sum(len(ids) for ids, _, _ in self._stacked.values()) + 256:
            # closed needs are no candidates any more: keep what some chat's stack or this call uses
            wanted = {t for _, texts, _ in self._stacked.values() for t in texts} | set(rows) | {text}
            self._rows = {t: p for t, p in self._rows.items() if t in wanted}
        match = similarity.match(new, self._stack(scope, candidates, rows))
        return None if match.similar_to is None else (candidates[match.similar_to][0], match.score)

    def _keep(self, texts: list[str], ready: Prepared) -> None:
        for k, text in enumerate(texts):
            self._rows[text] = Prepared(ready.matrix[k], [ready.words[k]], [ready.texts[k]], [ready.asks[k]])

    def _stack(self, scope: int | None, candidates: list[tuple[int, str]], rows_of: dict[str, Prepared]) -> Prepared:
        """The candidates as one Prepared: the chat's last one again, or extended by the needs registered since
        (the usual case: one more), or stacked afresh when a candidate left (resolved, merged, withdrawn)."""
        ids = [i for i, _ in candidates]
        last, _, stacked = self._stacked.get(scope, ([], [], None))
        if stacked is not None and ids == last:
            return stacked
        start = len(last) if stacked is not None and ids[:len(last)] == last else 0
        base = stacked if start else None
        rows = [rows_of[t] for _, t in candidates[start:]]
        parts = ([base.matrix] if base is not None else []) + [r.matrix for r in rows]
        joined = Prepared(sp.vstack(parts, format="csr"),
                          (base.words if base is not None else []) + [r.words[0] for r in rows],
                          (base.texts if base is not None else []) + [r.texts[0] for r in rows],
                          (base.asks if base is not None else []) + [r.asks[0] for r in rows])
        self._stacked[scope] = (ids, [t for _, t in candidates], joined)
        return joined


class Duplicates:
    def __init__(self, work: Work, access: Access, views: NeedViews) -> None:
        self.work, self.access, self.views = work, access, views

    @staticmethod
    async def hint(unit: Unit, need: Need, similar: tuple[int, float] | None) -> DuplicateHint | None:
        """At registration (in its unit of work): remember the hint, when the earlier need is still open."""
        if similar is None:
            return None
        earlier = await unit.needs.get(similar[0])
        if earlier is None or earlier.status != "open" or earlier.id == need.id:
            return None
        await unit.duplicates.hint(need.id, earlier.id, similar[1], unit.at)
        await unit.record("duplicate_hinted", chat_id=need.chat_id, need_id=need.id, into_need=earlier.number,
                          score=round(similar[1], 2))
        return DuplicateHint(need.id, earlier, similar[1])

    async def _hinted(self, unit: Unit, need_id: int, actor: Actor) -> tuple[Need, DuplicateHint] | Outcome:
        """The need whose open hint its author answers, or why not."""
        need = await unit.needs.get(need_id)
        if need is None:
            return Outcome(Refusal.NEED_NOT_FOUND)
        hint = (await unit.duplicates.hints_of([need.id])).get(need.id)
        if need.author_id is None or need.author_id != actor.user_id:
            return Outcome(Refusal.NOT_HINT_AUTHOR, need=need)
        if hint is None or not hint.open or need.status != "open":
            return Outcome(Refusal.HINT_GONE, need=need)
        return need, hint

    async def second(self, need_id: int, actor: Actor, at: datetime, update_id: int | None) -> Outcome:
        """附议: the author's new need is merged into the need its hint names; they become its co-requester."""
        async with self.work.unit(update_id, at, actor) as unit:
            found = await self._hinted(unit, need_id, actor)
            if isinstance(found, Outcome):
                return found
            need, hint = found
            refused = await self._join(unit, need, hint.similar_to.id, actor, "seconded")
            if refused is not None:
                return refused
            await unit.duplicates.decide(need.id, "seconded", actor.user_id, at)
            return await self._done(unit, need.id)

    async def reject(self, need_id: int, actor: Actor, at: datetime, update_id: int | None) -> Outcome:
        """不是同一件事: the hint goes from the card, and the pair is never suggested again."""
        async with self.work.unit(update_id, at, actor) as unit:
            found = await self._hinted(unit, need_id, actor)
            if isinstance(found, Outcome):
                return found
            need, hint = found
            await unit.duplicates.decide(need.id, "rejected", actor.user_id, at)
            await unit.record("duplicate_rejected", chat_id=need.chat_id, need_id=need.id,
                              into_need=hint.similar_to.number)
            return await self._done(unit, need.id)

    async def merge(self, chat_id: int, number: int, into_number: int, actor: Actor, at: datetime,
                    update_id: int | None) -> Outcome:
        """/merge N M by an admin of the group: need #N is merged into #M (its author a co-requester of #M)."""
        if not self.access.admits(actor, chat_id):
            return Outcome(Refusal.NOT_ADMIN)
        if number == into_number:
            return Outcome(Refusal.MERGE_SAME)
        async with self.work.unit(update_id, at, actor) as unit:
            need, into = await unit.needs.by_number(chat_id, number), await unit.needs.by_number(chat_id, into_number)
            if need is None or into is None:
                return Outcome(Refusal.NEED_NOT_FOUND)
            refused = await self._join(unit, need, into.id, actor, "merged")
            if refused is not None:
                return refused
            return await self._done(unit, need.id)

    async def _join(self, unit: Unit, need: Need, into_id: int, actor: Actor, event: str) -> Outcome | None:
        """Merge ``need`` into the need ``into_id``, both open, audited on both; None when done, else why not."""
        current = await unit.open_need(need.id)
        if isinstance(current, Refusal):
            return Outcome(current, need=need)
        into = await unit.open_need(into_id)
        if isinstance(into, Refusal):
            target = await unit.needs.get(into_id)
            merged = target is not None and target.merged
            return Outcome(Refusal.MERGE_INTO_MERGED if merged else into, need=need, into=target)
        if into.chat_id != need.chat_id and not self.access.is_admin(need.author_id):
            return Outcome(Refusal.MERGE_OTHER_CHAT, need=need, into=into)
        if await unit.commitments.of_need(need.id) or await unit.agreements.of_need(need.id):
            return Outcome(Refusal.MERGE_HAS_RECORDS, need=need, into=into)
        if (await unit.duplicates.merged_into([need.id])).get(need.id):
            return Outcome(Refusal.MERGE_HAS_SECONDS, need=need, into=into)
        await unit.duplicates.merge(need.id, into.id, actor.user_id, unit.at)
        await unit.lead_terms.end(need.id, unit.at, "reroute")  # its lead's 签收 clock stops while it is merged
        await unit.learning.settle_triage(need.id, actor.user_id, unit.at)
        await unit.record(event, chat_id=need.chat_id, need_id=need.id, into_need=into.number)
        await unit.record("co_requester_added", chat_id=into.chat_id, need_id=into.id, from_need=need.number,
                          user_id=need.author_id)
        return None

    async def unmerge(self, chat_id: int, number: int, actor: Actor, at: datetime, update_id: int | None) -> Outcome:
        """/unmerge N (or 撤销 under the confirmation): #N is a need of its own again, by an admin or its author;
        the pair is never suggested again."""
        async with self.work.unit(update_id, at, actor) as unit:
            need = await unit.needs.by_number(chat_id, number)
            if need is None:
                return Outcome(Refusal.NEED_NOT_FOUND)
            admin = self.access.admits(actor, need.chat_id)
            if not (admin or (need.author_id is not None and need.author_id == actor.user_id)):
                return Outcome(Refusal.NOT_ADMIN, need=need)
            into = await unit.needs.get(need.merged_into) if need.merged_into is not None else None
            if into is None or not need.merged or not await unit.duplicates.unmerge(need.id):
                return Outcome(Refusal.NOT_MERGED, need=need)
            lead = lead_of(await unit.routes.of_need(need.id))
            if lead is not None:  # its lead's 签收 clock starts again now, not from before the merge
                await unit.lead_terms.start(need.id, lead.party_id, at)
            hint = (await unit.duplicates.hints_of([need.id])).get(need.id)
            if hint is not None and hint.similar_to.id == into.id:
                await unit.duplicates.decide(need.id, "rejected", actor.user_id, at, only_open=False)
            await unit.record("unmerged", chat_id=need.chat_id, need_id=need.id, into_need=into.number)
            await unit.record("co_requester_removed", chat_id=into.chat_id, need_id=into.id, from_need=need.number,
                              user_id=need.author_id)
            return await self._done(unit, need.id, into)

    async def _done(self, unit: Unit, need_id: int, into: Need | None = None) -> Outcome:
        """The need as it is now, with the need it joined (or left)."""
        need = await unit.needs.get(need_id)
        assert need is not None
        if into is None and need.merged_into is not None:
            into = await unit.needs.get(need.merged_into)
        return Outcome(view=await self.views.one(unit, need), need=need, into=into)
