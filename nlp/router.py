"""Routing a need to parties: TF-IDF similarity to party profiles plus explicit mentions.

``Router.route(text)`` is the one entry point the bot uses; issue "Routing that is measured"
deepens what happens behind it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_union
from sklearn.preprocessing import normalize

from bot.domain import Party
from nlp.detect import is_need, need_type
from nlp.segment import Segmenter

MENTION_BONUS = 1.0
MIN_LEAD_SCORE = 0.04
ASSIST_RATIO = 0.6
MIN_ASSIST_SCORE = 0.10
MAX_ASSIST_DEPARTMENTS = 2
MAX_LABS = 2
MAX_FUNDS = 2
FALLBACK_LEAD = "ndrc"  # the scenario-lab programme owner triages what nobody else fits


@dataclass(frozen=True)
class Target:
    id: str
    name: str
    kind: str
    role: str  # lead | assist
    score: float

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "kind": self.kind, "role": self.role,
                "score": round(self.score, 4)}


@dataclass(frozen=True)
class Routing:
    text: str
    is_need: bool
    need_type: str
    targets: tuple[Target, ...]

    @property
    def lead(self) -> Target | None:
        return next((t for t in self.targets if t.role == "lead"), None)

    def as_json(self) -> dict[str, object]:
        return {"text": self.text, "is_need": self.is_need, "need_type": self.need_type,
                "targets": [t.as_json() for t in self.targets]}


def _han_only(text: str) -> str:
    """Chinese characters and words only, so character bigrams do not span punctuation."""
    return re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]+", " ", text)


def profile_document(party: Party) -> str:
    """What the router knows of a party: names, remit, and keywords (weighted twice)."""
    keywords = " ".join(party.keywords)
    return " ".join([party.name, *party.aliases, party.profile, keywords, keywords])


class Router:
    def __init__(self, parties: Sequence[Party], segmenter: Segmenter | None = None) -> None:
        self.parties = [p for p in parties if p.enabled]
        if not self.parties:
            raise ValueError("the router needs at least one party")
        vocabulary = [w for p in self.parties for w in (p.name, *p.aliases, *p.keywords)]
        self.segmenter = segmenter or Segmenter()
        self.segmenter.add_words(vocabulary)
        # Words carry meaning; character bigrams catch the parts of words jieba cut differently
        # ("停车场" in a need against "停车" in a profile).
        self._vectorizer = make_union(
            TfidfVectorizer(analyzer=self.segmenter.terms, sublinear_tf=True),
            TfidfVectorizer(analyzer="char", ngram_range=(2, 2), sublinear_tf=True,
                            preprocessor=_han_only),
        )
        profiles = self._vectorizer.fit_transform([profile_document(p) for p in self.parties])
        self._profiles = normalize(profiles)
        # Longest names first, so "青岛市交通运输局" wins over "交通局" inside it.
        self._mentions = sorted(
            ((alias, i) for i, p in enumerate(self.parties) for alias in {p.name, *p.aliases}
             if len(alias) >= 2),
            key=lambda pair: -len(pair[0]),
        )

    def by_id(self, party_id: str) -> Party | None:
        return next((p for p in self.parties if p.id == party_id), None)

    def mentioned(self, text: str) -> set[int]:
        """Indexes of parties named in the text by full name or alias."""
        found: set[int] = set()
        remaining = text
        for alias, index in self._mentions:
            if alias in remaining:
                found.add(index)
                remaining = remaining.replace(alias, " ")
        return found

    def scores(self, text: str) -> np.ndarray:
        vector = normalize(self._vectorizer.transform([text]))
        similarity = (self._profiles @ vector.T).toarray().ravel()
        for index in self.mentioned(text):
            similarity[index] += MENTION_BONUS
        return similarity

    def route(self, text: str) -> Routing:
        kind_of_need = need_type(text)
        scores = self.scores(text)
        order = list(np.argsort(-scores, kind="stable"))
        targets: list[Target] = []

        def take(index: int, role: str) -> None:
            p = self.parties[index]
            targets.append(Target(p.id, p.name, p.kind, role, float(scores[index])))

        departments = [i for i in order if self.parties[i].kind == "department"]
        if departments and scores[departments[0]] >= MIN_LEAD_SCORE:
            lead = departments[0]
        else:
            lead = next((i for i, p in enumerate(self.parties) if p.id == FALLBACK_LEAD),
                        departments[0] if departments else order[0])
        take(lead, "lead")
        lead_score = float(scores[lead])

        mentioned = self.mentioned(text)
        # Assisting departments are judged on similarity alone, not on the lead's mention bonus.
        lead_similarity = lead_score - (MENTION_BONUS if lead in mentioned else 0.0)
        floor = max(MIN_ASSIST_SCORE, ASSIST_RATIO * lead_similarity)
        assists = [i for i in departments if i != lead
                   and (i in mentioned or scores[i] >= floor)][:MAX_ASSIST_DEPARTMENTS]
        if kind_of_need == "funding":
            finreg = next((i for i, p in enumerate(self.parties) if p.id == "finreg"), None)
            if finreg is not None and finreg != lead and finreg not in assists:
                assists.append(finreg)
        for i in assists:
            take(i, "assist")
        # A district named in the text is brought in to coordinate locally.
        for i in order:
            if self.parties[i].kind == "district" and i in mentioned:
                take(i, "assist")
        labs = [i for i in order if self.parties[i].kind == "lab"
                and (i in mentioned or scores[i] >= MIN_ASSIST_SCORE)][:MAX_LABS]
        for i in labs:
            take(i, "assist")
        funds = [i for i in order if self.parties[i].kind == "fund"]
        chosen_funds = [i for i in funds if i in mentioned]
        if kind_of_need == "funding":
            chosen_funds += [i for i in funds if i not in chosen_funds][: max(0, MAX_FUNDS - len(chosen_funds))]
        for i in chosen_funds:
            take(i, "assist")
        ordered = sorted(targets, key=lambda t: (t.role != "lead", -t.score))
        return Routing(text=text, is_need=is_need(text), need_type=kind_of_need, targets=tuple(ordered))

    def suggestions(self, text: str, exclude: set[str], limit: int = 6) -> list[Party]:
        """Departments and districts best fitting the text, for picking a better owner."""
        scores = self.scores(text)
        ranked = [self.parties[i] for i in np.argsort(-scores, kind="stable")]
        return [p for p in ranked if p.kind in ("department",) and p.id not in exclude][:limit]
