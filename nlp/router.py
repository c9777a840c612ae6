"""Routing a need to parties: the one entry point is ``Router.route(text)``.

Scores come from three sources, blended in a stated way:
- cold start: cosine similarity of the need to each party's profile (TF-IDF over words and
  characters), turned into a distribution over departments with a softmax;
- supervised: a linear SVM (``nlp.model.TextModel``) trained on labelled examples — admin
  corrections, 转交 choices, claims and imported history — whose margins become a distribution;
- explicit mentions of a party's name or alias, which add a fixed bonus.
Per department the learned share is ``n / (n + prior)`` for its n examples, the prior chosen by cross-validation
on the examples (``PRIORS``; ``PRIOR_EXAMPLES`` before there are enough): a department nobody was routed to keeps
its profile's score, weighed by Good-Turing's estimate that the group's next need goes to a department it has
not seen yet. Below the announce threshold the router abstains (the bot sends
the need to admin triage with the top suggestions) unless the lead was named explicitly (one bureau; naming
several lets the remit choose among them). The threshold is ``CONFIDENT`` until there are ``MIN_CALIBRATION``
examples, then calibrated on them by cross-validation (``ANNOUNCED_PRECISION``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from bot.domain import Party
from nlp.blend import NOVELTY, blend, recalled, weighed
from nlp.detect import NeedDetector, NeedTyper, shipped_examples, shipped_types
from nlp.features import Features
from nlp.model import TextModel, softmax
from nlp.segment import STOPWORDS, Segmenter

MENTION_BONUS = 1.0
# cosine similarities of 0.03 apart are e:1 in the cold distribution. Scaled with the profiles' length:
# the people's-words profiles (issue 13) cut the domain set's median top-vs-second cosine gap from
# 0.158 to 0.096, so 0.05 became 0.03 to keep the cold distribution as sharp as before.
COLD_TEMPERATURE = 0.03
PRIOR_EXAMPLES = 40  # a department's examples at which its learned and profile-based scores weigh the same
PRIORS = (5.0, 10.0, 20.0, 40.0, 80.0, 160.0)  # the candidates cross-validation chooses the prior among
CONFIDENT = 0.55  # lead probability below which the router abstains, before it has examples to calibrate on
ANNOUNCED_PRECISION = 0.90  # with examples: the lowest threshold at which announced leads were right this often
NOVELTIES = (0.02, 0.1, 0.5, 2.0)  # the candidates cross-validation chooses among
NEIGHBOUR = 0.3  # likeness at which a learned example is recalled for a message like it (see _recall)
MIN_CALIBRATION = 40  # examples needed before the threshold is calibrated on them (cross-validated)
CALIBRATION_FOLDS = 4
ASSIST_RATIO = 0.6
MIN_ASSIST_SCORE = 0.10
MAX_ASSIST_DEPARTMENTS = 2
MAX_LABS = 2
MIN_SUBSTANCE = 2  # words of a lab's substance a need must say for the lab to be brought in unnamed
FIELD_AGREEMENT = 0.5  # a lab works in a department's field when their profiles are half as alike as its best
SHARED_BY = 3  # a word in this many lab and fund profiles says nothing about any one of them
MAX_FUNDS = 2
# what funds do: equity, not a loan or a subsidy
_EQUITY = re.compile(r"投资|融资|股权|天使|[A-Da-d]\+?轮|种子轮|创投|风投|估值|基金|路演|BP|商业计划书")
_NOT_EQUITY = re.compile(r"贷款|担保|补贴|奖补|专项资金|科学基金|配套资金|贴息")  # money that is lent or granted
# a request put to a named party: the words just before or after its name
_ASKING_BEFORE = re.compile(r"(?:希望|请|找|向|联系|麻烦|让|由(?!于)|恳请|呼吁|要求|建议)[^，。！？,.!?]{0,4}$")
_ASKING_AFTER = re.compile(r"[^，。！？,.!?]{0,3}?(?:能否|可否|是否|能不能|可不可以|可以|支持|协调|帮|牵头|给予|出面|"
                           r"管不管|管一管|管管|介入|处理|解决|查处|督促)")
FALLBACK_LEAD = "ndrc"  # the scenario-lab programme owner triages what nobody else fits


class Target(NamedTuple):  # a tuple: cheap to make on the per-message path
    id: str
    name: str
    kind: str
    role: str  # lead | assist
    score: float

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "kind": self.kind, "role": self.role,
                "score": round(self.score, 4)}


class Routing(NamedTuple):  # also made once per message
    text: str
    is_need: bool
    need_type: str
    targets: tuple[Target, ...]
    confidence: float = 1.0
    confident: bool = True
    suggestions: tuple[str, ...] = ()  # best departments for the lead, best first
    nearness: float = 0.0  # the best similarity to any party's profile (the detector weighs it; not in as_json)

    @property
    def lead(self) -> Target | None:
        return next((t for t in self.targets if t.role == "lead"), None)

    def as_json(self) -> dict[str, object]:
        """What the bot decides: ``confident`` — announce the lead (else the need goes to the admins' triage, and
        the lead among ``targets`` is only the best guess); ``suggestions`` — the triage buttons, best first."""
        return {"text": self.text, "is_need": self.is_need, "need_type": self.need_type,
                "confidence": round(self.confidence, 4), "confident": self.confident,
                "suggestions": list(self.suggestions[:3]), "targets": [t.as_json() for t in self.targets]}


def profile_document(party: Party) -> str:
    """What the router knows of a party: names, remit, and keywords (weighted twice)."""
    keywords = " ".join(party.keywords)
    return " ".join([party.name, *party.aliases, party.profile, keywords, keywords])


class Router:
    def __init__(self, parties: Sequence[Party], segmenter: Segmenter | None = None,
                 examples: Sequence[tuple[str, str]] = ()) -> None:
        # Departments first, so their scores are one contiguous slice of every score vector.
        self.parties = sorted((p for p in parties if p.enabled), key=lambda p: p.kind != "department")
        if not self.parties:
            raise ValueError("the router needs at least one party")
        self.segmenter = segmenter or Segmenter()
        self.segmenter.add_words(w for p in self.parties for w in (p.name, *p.aliases, *p.keywords))
        self._index = {p.id: i for i, p in enumerate(self.parties)}
        self._departments = np.array([i for i, p in enumerate(self.parties) if p.kind == "department"])
        self._department_list: list[int] = self._departments.tolist()
        self._department_position = {d: k for k, d in enumerate(self._department_list)}
        self._kinds: dict[str, list[int]] = {kind: [i for i, p in enumerate(self.parties) if p.kind == kind]
                                             for kind in ("department", "district", "lab", "fund")}

        # Once each: a need corrected to a department and then claimed by it is learned twice, and a twin would
        # make cross-validation recall its own answer.
        self.examples = list(dict.fromkeys((t, label) for t, label in examples if label in self._index))
        detection_texts, detection_labels = shipped_examples()
        # One feature space for everything, so a message is featurised once per route(): vocabulary
        # and IDF come from the profiles and the learned examples. (Adding the chat lines to it cost
        # 1.3 points of cold-start top-1 on the domain set and bought the detector nothing.)
        documents = [profile_document(p) for p in self.parties]
        corpus = documents + [t for t, _ in self.examples]
        self._features = Features()
        corpus_tokens = [self.segmenter.cut(d) for d in corpus]  # each text is cut once
        self._features.fit(corpus, corpus_tokens)
        self._profiles = (self._features.matrix(documents, corpus_tokens[:len(documents)]) / 2.0).tocsc()
        self._substance = self._substance_terms(corpus_tokens[:len(documents)])
        # how much each lab works in each department's field: its profile's cosine with the department's, over
        # its best department's
        self._field = self._fields()
        aliases = sorted({(a, i) for i, p in enumerate(self.parties) for a in {p.name, *p.aliases} if len(a) >= 2},
                         key=lambda pair: -len(pair[0]))
        self._alias_owner = {a: i for a, i in reversed(aliases)}  # a shared alias goes to the first party
        self._mention_re = re.compile("|".join(re.escape(a) for a, _ in aliases)) if aliases else None

        self.supervised: TextModel | None = None
        if len({label for _, label in self.examples}) >= 2:
            self.supervised = TextModel(self.segmenter.cut, self._features).fit(
                [t for t, _ in self.examples], [label for _, label in self.examples],
                tokens=corpus_tokens[len(documents):])
            # Which of the model's labels are departments, and where they sit (departments come first).
            learned = [(k, self._index[label]) for k, label in enumerate(self.supervised.labels)
                       if self._index[label] < len(self._department_list)]
            self._learned_labels = np.array([k for k, _ in learned], dtype=np.int64)
            self._learned_departments = np.array([d for _, d in learned], dtype=np.int64)
        # The examples themselves, to recall the ones a message is like (their departments' positions; -1: not one).
        self._example_rows = (self._features.matrix([t for t, _ in self.examples], corpus_tokens[len(documents):])
                              / 2.0).tocsc() if self.examples else None
        self._example_positions = np.array([self._department_position.get(self._index[label], -1)
                                            for _, label in self.examples], dtype=np.int64)
        self.prior, self.novelty, self.threshold = self._calibrate(corpus_tokens[len(documents):], documents,
                                                     corpus_tokens[:len(documents)])
        self._evidence = weighed(self._counts(self.examples), self.prior, self.novelty)
        self.detector = NeedDetector(self.segmenter.cut, self._features, self.nearness_of).fit(
            detection_texts, detection_labels)
        self.typer = NeedTyper(self.segmenter.cut, self._features).fit(*shipped_types())

        # Every linear head on the shared features in one dense matrix, so a message costs one
        # gather and one product: columns = party profiles (cosine = dot / 2, two l2-normalised
        # blocks), the need detector, the need types. The heads use a few thousand of the (up to
        # ~100k) feature columns: only those are kept, one row each; the others all map to one
        # extra all-zero row.
        profiles = self._profiles
        heads = sp.vstack([profiles, sp.csr_matrix(self.detector.weights), sp.csr_matrix(self.typer.weights)],
                          format="csc")
        used = np.flatnonzero(np.diff(heads.indptr))
        self._compact = np.full(heads.shape[1], len(used), dtype=np.int64)
        self._compact[used] = np.arange(len(used))
        self._head_rows = np.zeros((len(used) + 1, heads.shape[0]))
        self._head_rows[:-1] = heads[:, used].T.toarray()
        self._detector_row = len(self.parties)
        self._last: Routing | None = None

    # --- scores ----------------------------------------------------------------------------

    def mentioned(self, text: str) -> set[int]:
        """Indexes of parties named in the text by full name or alias (longest name wins)."""
        if self._mention_re is None:
            return set()
        return {self._alias_owner[m.group(0)] for m in self._mention_re.finditer(text)}

    def asked(self, text: str, index: int) -> bool:
        """Whether the text asks the party it names ("希望交通局支持", "城管能不能管一管"), not just names it."""
        if self._mention_re is None:
            return False
        return any(self._alias_owner[m.group(0)] == index
                   and (_ASKING_BEFORE.search(text, 0, m.start()) or _ASKING_AFTER.match(text, m.end()))
                   for m in self._mention_re.finditer(text))

    def _fields(self) -> dict[int, dict[int, float]]:
        profiles = self._profiles.tocsr()
        fields: dict[int, dict[int, float]] = {}
        for lab in self._kinds["lab"]:
            cosines = (profiles[self._department_list] @ profiles[lab].T).toarray().ravel()
            best = cosines.max()
            fields[lab] = {d: float(c / best) if best > 0 else 0.0 for d, c in zip(self._department_list, cosines,
                                                                                    strict=True)}
        return fields

    def _substance_terms(self, document_tokens: list[list[str]]) -> dict[int, dict[int, str]]:
        """Per lab and fund, the words of its profile that say what it does (as word columns of the shared
        features): not stop words, not single characters, and not the words several labs and funds share
        ("场景", "应用", "实验室", "投资")."""
        index = self._features.word_index
        offers = [i for i, p in enumerate(self.parties) if p.kind in ("lab", "fund")]
        # a lab's substance is in its name and keywords (its prose says "采集", "提供" too); a fund's focus is in
        # its prose ("关注生物医疗")
        said = {i: document_tokens[i] if self.parties[i].kind == "fund"
                else self.segmenter.cut(" ".join([self.parties[i].name, *self.parties[i].keywords])) for i in offers}
        words = {i: {w.lower() for w in said[i] if len(w) >= 2 and w not in STOPWORDS} for i in offers}
        spread = Counter(w for i in offers for w in words[i])
        return {i: {index[w]: w for w in words[i] if spread[w] < SHARED_BY and w in index} for i in offers}

    def substance(self, index: int, columns: np.ndarray) -> list[str]:
        """The words of a lab's or fund's substance the message says (a word inside a longer one counts once:
        "影像" in "影像数据")."""
        terms = self._substance.get(index, {})
        said = [terms[c] for c in columns.tolist() if c in terms]
        return [w for w in said if not any(w != other and w in other for other in said)]

    def _fits(self, lab: int, lead: int, columns: np.ndarray) -> bool:
        """A lab fits a need by substance: two words of what it does; or one, when the lab works in the lead
        department's field (the medical-imaging need's "影像" is not the city's public imaging lab's)."""
        said = len(self.substance(lab, columns))
        return said >= MIN_SUBSTANCE or (said == 1 and self._field[lab].get(lead, 0.0) >= FIELD_AGREEMENT)

    def likeness(self, text: str, others: Sequence[str]) -> list[float]:
        """Cosine similarity of a message to each of some texts (the shared TF-IDF features): the texts featurised
        together (``Features.many``) and compared in one product."""
        if not others:
            return []
        columns, values = self.featurise(text, self.segmenter.cut(text))
        indptr, other_columns, other_values = self._features.many(others, [self.segmenter.cut(o) for o in others])
        rows = sp.csr_matrix((other_values, other_columns, indptr), shape=(len(others), self._features.size))
        vector = np.zeros(self._features.size)
        vector[columns] = values
        return (rows @ vector / 2.0).tolist()

    def signals(self, text: str) -> tuple[bool, float]:
        """Whether the need detector calls the text a need, and how near it is to any party's profile (from route(),
        whose answer for the last text is kept: registering the need routes it again)."""
        routing = self.route(text)
        return routing.is_need, routing.nearness

    def grounded(self, text: str) -> bool:
        """Whether a text read as a need is about something the parties deal with: the detector calls it a need, or
        it is at least as near some party's profile as all but 2% of the shipped needs (measured at fit, so it
        follows the features as the router learns)."""
        is_need, near = self.signals(text)
        return is_need or near >= self.detector.floor

    def nearness_of(self, matrix: sp.csr_matrix) -> np.ndarray:
        """Per row of a feature matrix, its best similarity to any party's profile (the need detector weighs it)."""
        return np.asarray((matrix @ self._profiles.T).max(axis=1).toarray()).ravel()

    def nearness(self, columns: np.ndarray, values: np.ndarray) -> float:
        """The best similarity of a message to any party's profile (the need detector weighs it)."""
        return float((self._profiles[:, columns] @ values).max())

    @property
    def features(self) -> Features:
        return self._features

    def featurise(self, text: str, tokens: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        return self._features.one(text, tokens)

    def scores(self, columns: np.ndarray, values: np.ndarray) -> np.ndarray:
        """All linear heads at once: party similarities, then the detector margin, then type scores.
        (Rows of the heads gathered, one vector-matrix product: a third faster than gathering columns. A batched
        product over many messages would save route_many another ~1 us a message, but would sum in another
        order than route() and give slightly different numbers.)"""
        return values @ self._head_rows[self._compact[columns]]

    def similarity(self, columns: np.ndarray, values: np.ndarray) -> np.ndarray:
        return self.scores(columns, values)[:self._detector_row]

    def lead_distribution(self, columns: np.ndarray, values: np.ndarray, similarity: np.ndarray) -> np.ndarray:
        """Probability of each department leading, blending profiles and learned examples."""
        cold = softmax(similarity[:len(self._department_list)], COLD_TEMPERATURE)
        blended = cold if self.supervised is None else blend(self._learned(self.supervised, columns, values),
                                                                   cold, *self._evidence)
        if self._example_rows is None:
            return blended
        return recalled(blended, *self._recall(self._example_rows[:, columns] @ values))

    def _recall(self, likeness: np.ndarray) -> tuple[np.ndarray, float]:
        """The departments of the learned examples a message is like (likeness >= NEIGHBOUR), as a distribution
        weighted by likeness, and how alike the nearest is. A group that corrected "新公司怎么给员工交社保" to 人社局
        expects "社保基数怎么定" there next time, long before the learned model has the evidence to say so."""
        near = (likeness >= NEIGHBOUR) & (self._example_positions >= 0)
        if not near.any():
            return np.zeros(0), 0.0
        votes = np.bincount(self._example_positions[near], weights=likeness[near],
                            minlength=len(self._department_list))
        return votes / votes.sum(), float(likeness[near].max())

    def _learned(self, model: TextModel, columns: np.ndarray, values: np.ndarray) -> np.ndarray:
        """The learned model's distribution over the departments (zero for those it has no examples of)."""
        learned = np.zeros(len(self._department_list))
        probabilities = model.probabilities_of(columns, values)
        for k, label in enumerate(model.labels):
            position = self._department_position.get(self._index.get(label, -1))
            if position is not None:
                learned[position] = probabilities[k]
        total = learned.sum()
        return learned / total if total > 0 else learned

    def _counts(self, examples: Sequence[tuple[str, str]]) -> np.ndarray:
        """How many of the examples each department has."""
        counts = np.zeros(len(self._department_list))
        for _, label in examples:
            position = self._department_position.get(self._index[label])
            if position is not None:
                counts[position] += 1
        return counts

    def _calibrate(self, tokens: list[list[str]], documents: list[str],
                   document_tokens: list[list[str]]) -> tuple[float, float, float]:
        """(prior, novelty, threshold) by cross-validation on the examples learned.

        The prior (a department's examples at which its learned and profile-based scores weigh the same) and the
        novelty (how readily a need goes to a department not used yet; see ``nlp.blend.weighed``) are those of
        ``PRIORS`` and ``NOVELTIES`` whose blend gave the held-out examples the highest likelihood — a fold that
        holds out a department's only example measures the novelty; the announce threshold is the lowest lead
        probability at which the leads announced were right ``ANNOUNCED_PRECISION`` of the time, so the announced
        share grows as the router learns. Below ``MIN_CALIBRATION`` examples: ``PRIOR_EXAMPLES``, ``NOVELTY`` and
        ``CONFIDENT``.
        """
        examples = self.examples
        if len(examples) < MIN_CALIBRATION or self.supervised is None:
            return PRIOR_EXAMPLES, NOVELTY, CONFIDENT
        profiles = self._profiles
        departments = len(self._department_list)
        # learned, cold, fold counts, recalled (votes, nearest), truth
        held_out: list[tuple[np.ndarray, np.ndarray, np.ndarray, tuple[np.ndarray, float], int]] = []
        rows = self._example_rows
        order = np.random.default_rng(0).permutation(len(examples))
        for fold in range(CALIBRATION_FOLDS):
            held = set(order[fold::CALIBRATION_FOLDS].tolist())
            train = [examples[i] for i in range(len(examples)) if i not in held]
            if len({label for _, label in train}) < 2:
                continue
            train_tokens = [tokens[i] for i in range(len(examples)) if i not in held]
            model = TextModel(self.segmenter.cut, self._features).fit(
                [t for t, _ in train], [label for _, label in train], tokens=train_tokens)
            counts = self._counts(train)
            held_rows = np.fromiter(held, dtype=np.int64)
            for i in held:
                text, label = examples[i]
                columns, values = self._features.one(text, tokens[i])
                similarity = np.asarray(profiles[:, columns] @ values).ravel()
                cold = softmax(similarity[:departments], COLD_TEMPERATURE)
                truth = self._department_position.get(self._index[label], -1)
                likeness = rows[:, columns] @ values if rows is not None else np.zeros(len(examples))
                likeness[held_rows] = 0.0  # recall only what this fold learned
                held_out.append((self._learned(model, columns, values), cold, counts, self._recall(likeness), truth))
        if not held_out:
            return PRIOR_EXAMPLES, NOVELTY, CONFIDENT

        def leads(prior: float, novelty: float) -> tuple[float, list[tuple[float, bool]]]:
            """The held-out examples' log-likelihood under this prior, and each one's lead probability and
            whether the lead was right."""
            likelihood, scored = 0.0, []
            evidence: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # one per fold: its counts are shared
            for learned, cold, counts, recall, truth in held_out:
                if id(counts) not in evidence:
                    evidence[id(counts)] = weighed(counts, prior, novelty)
                p = recalled(blend(learned, cold, *evidence[id(counts)]), *recall)
                top = int(p.argmax())
                likelihood += float(np.log(p[truth] + 1e-9)) if truth >= 0 else 0.0
                scored.append((float(p[top]), top == truth))
            return likelihood, scored

        # By likelihood rather than accuracy: it weighs how sure each route was, so it is steadier on a few
        # dozen examples.
        (prior, novelty), (_, scored) = max((((prior, novelty), leads(prior, novelty)) for prior in PRIORS
                                             for novelty in NOVELTIES), key=lambda pair: pair[1][0])
        for threshold in np.arange(0.20, 0.91, 0.025):
            announced = [right for p, right in scored if p >= threshold]
            if len(announced) >= 10 and sum(announced) / len(announced) >= ANNOUNCED_PRECISION:
                return prior, novelty, float(threshold)
        return prior, novelty, CONFIDENT

    # --- the entry point ---------------------------------------------------------------------

    def route(self, text: str) -> Routing:
        last = self._last
        if last is not None and last.text == text:  # the intake's grounding and the registration ask the same
            return last
        tokens = self.segmenter.cut(text)
        columns, values = self.featurise(text, tokens)
        self._last = routing = self._decide(text, columns, values, self.scores(columns, values))
        return routing

    def route_many(self, texts: Sequence[str]) -> list[Routing]:
        """Exactly ``[route(t) for t in texts]`` (a test checks), faster: the messages are featurised together
        (``Features.many``); their scores and decisions are then made one message at a time, as route() makes them."""
        indptr, columns, values = self._features.many(texts, [self.segmenter.cut(t) for t in texts])
        bounds = indptr.tolist()
        routings = []
        for text, start, end in zip(texts, bounds, bounds[1:], strict=False):
            row_columns, row_values = columns[start:end], values[start:end]
            routings.append(self._decide(text, row_columns, row_values, self.scores(row_columns, row_values)))
        return routings

    def _decide(self, text: str, columns: np.ndarray, values: np.ndarray, scores: np.ndarray) -> Routing:
        """What the bot does with a message, from its features and its head scores (``scores``)."""
        row = self._detector_row
        near = float(scores[:row].max())
        is_need = self.detector.decide(text, float(scores[row]), near)
        kind_of_need = self.typer.decide(text, scores[row + 1:], chat=not is_need)
        similarity = scores[:row]
        mentioned = self.mentioned(text)
        lead_p = self.lead_distribution(columns, values, similarity)
        final = lead_p.copy()
        for index in mentioned:
            k = self._department_position.get(index)
            if k is not None:
                final[k] += MENTION_BONUS
        order = np.argsort(-final, kind="stable")[:3].tolist()
        top = order[0]
        best = self._department_list[top]
        sim = similarity.tolist()
        # Naming one bureau decides; naming several ("是找人社局还是教育局") asks which: the remit then chooses
        # among them, and only a sure remit announces the lead.
        # A bureau named in passing ("我们是县卫生局家属楼业主") is not the one asked: naming decides when the remit
        # puts that bureau first too, or when the message asks it ("希望交通局支持"). On the Teddy test messages a
        # bureau named and first by remit was in the right field 88% of the time; named against the remit, 49%.
        named = (best in mentioned and sum(i in self._department_position for i in mentioned) == 1
                 and (int(np.argmax(lead_p)) == top or self.asked(text, best)))
        has_signal = best in mentioned or sim[best] > 0
        lead = best if has_signal else self._index.get(FALLBACK_LEAD, best)
        top_score = float(final[top])
        confident = has_signal and (named or float(lead_p[top]) >= self.threshold)
        suggestions = tuple(self.parties[self._department_list[k]].id for k in order)

        def by_score(indexes: list[int]) -> list[int]:
            return sorted(indexes, key=sim.__getitem__, reverse=True)

        floor = max(MIN_ASSIST_SCORE, ASSIST_RATIO * sim[lead])
        kinds = self._kinds
        assists = by_score([i for i in kinds["department"] if i != lead
                            and (sim[i] >= floor or i in mentioned)])[:MAX_ASSIST_DEPARTMENTS]
        finreg = self._index.get("finreg")
        if kind_of_need == "funding" and finreg is not None and finreg != lead and finreg not in assists:
            assists.append(finreg)
        assists += by_score([i for i in mentioned if self.parties[i].kind == "district"])  # coordinates locally
        labs = by_score([i for i in mentioned if self.parties[i].kind == "lab"])
        # labs whose capabilities fit; a partnership need asks for partners, so the bar is lower
        lab_floor = MIN_ASSIST_SCORE / 2 if kind_of_need == "partnership" else MIN_ASSIST_SCORE
        # a lab fits by substance: two of the words that say what it does, not one shared word ("影像" of a
        # medical-imaging need is not the city's public imaging)
        labs += by_score([i for i in kinds["lab"] if i not in labs and sim[i] >= lab_floor
                          and self._fits(i, lead, columns)])
        assists += labs[:max(MAX_LABS, sum(i in mentioned for i in labs))]
        funds = by_score([i for i in mentioned if self.parties[i].kind == "fund"])
        # equity, not a loan or a subsidy: the funds that fit
        if kind_of_need == "funding" and _EQUITY.search(text) and not _NOT_EQUITY.search(text):
            # those whose focus the need names first ("新材料" → 松岩), then by similarity
            others = sorted((i for i in kinds["fund"] if i not in funds),
                            key=lambda i: (-len(self.substance(i, columns)), -sim[i]))
            funds += others[:max(0, MAX_FUNDS - len(funds))]
        assists += funds
        helpers = sorted(((sim[i] + (MENTION_BONUS if i in mentioned else 0.0), i) for i in assists), reverse=True)
        targets = [self._target(lead, "lead", top_score if has_signal else 0.0)]
        targets += [self._target(i, "assist", score) for score, i in helpers]
        return Routing(text=text, is_need=is_need, need_type=kind_of_need,
                       targets=tuple(targets), confidence=min(1.0, top_score if named else float(lead_p[top])),
                       confident=confident,
                       suggestions=suggestions, nearness=near)

    def _target(self, index: int, role: str, score: float) -> Target:
        p = self.parties[index]
        return Target(p.id, p.name, p.kind, role, score)

    def by_id(self, party_id: str) -> Party | None:
        index = self._index.get(party_id)
        return self.parties[index] if index is not None else None

    def suggestions(self, text: str, exclude: set[str], limit: int = 6) -> list[Party]:
        """Departments best fitting the text, for picking a better owner."""
        columns, values = self.featurise(text, self.segmenter.cut(text))
        distribution = self.lead_distribution(columns, values, self.similarity(columns, values))
        ranked = [self.parties[int(self._departments[k])] for k in np.argsort(-distribution, kind="stable")]
        return [p for p in ranked if p.id not in exclude][:limit]
