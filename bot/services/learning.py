"""The router that learns: refits in a worker thread and takes over atomically.

Every admin correction (/route, triage assignment), every 转交 choice and every claim by a
department is a labelled example (storage/learning.py). After such a change the domain asks for a
refit; it runs off the event loop, and the new router replaces the old one in a single assignment,
so an update is routed either wholly by the old model or wholly by the new one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence

from threadpoolctl import threadpool_limits

from bot.domain import Party
from nlp.router import Router
from nlp.segment import Segmenter
from storage.db import Database
from storage.learning import LearningRepo
from storage.parties import PartyRepo

log = logging.getLogger(__name__)


async def load_examples(db: Database) -> list[tuple[str, str]]:
    async with db.read() as conn:
        return await LearningRepo(conn).examples()


async def build_router(db: Database, parties: list[Party] | None = None, base: Router | None = None) -> Router:
    """A router fitted on the directory and every labelled example, built in a worker thread."""
    if parties is None:
        async with db.read() as conn:
            parties = await PartyRepo(conn).all()
    examples = await load_examples(db)
    segmenter = base.segmenter if base is not None else None
    return await asyncio.to_thread(fit_router, parties, segmenter, examples)


def fit_router(parties: Sequence[Party], segmenter: Segmenter | None,
               examples: Sequence[tuple[str, str]]) -> Router:
    """Fit a router (blocking; run it in a worker thread). BLAS is held to one thread meanwhile:
    on a two-core machine its spinning threads took the cores from the event loop for 50-100 ms."""
    with threadpool_limits(1):
        return Router(parties, segmenter, examples)


class Learner:
    def __init__(self, db: Database, router: Router) -> None:
        self.db = db
        self.router = router
        self.refits = 0
        self._task: asyncio.Task[None] | None = None
        self._again = False

    def schedule(self) -> None:
        """Ask for a refit; several requests while one runs collapse into one more run."""
        if self._task is not None and not self._task.done():
            self._again = True
            return
        self._task = asyncio.get_running_loop().create_task(self._run(), name="router-refit")

    async def _run(self) -> None:
        while True:
            self._again = False
            started = time.perf_counter()
            try:
                fresh = await build_router(self.db, base=self.router)
            except Exception:
                log.exception("router refit failed; keeping the current model")
                return
            self.router = fresh  # the atomic take-over
            self.refits += 1
            log.info("router refitted on %d examples in %.2f s", len(fresh.examples),
                     time.perf_counter() - started)
            if not self._again:
                return

    async def idle(self) -> None:
        """Wait for a running refit (tests, shutdown)."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)
