"""每月一题: a period's needs clustered into a handful of named themes (TF-IDF, LSA, k-means).

Each need is its content words (jieba; stop words and words every need says left out) and their characters:
needs are short, and "村子", "村里" and "村庄" share only the character 村. TF-IDF over both, reduced by truncated
SVD (LSA) to a few dimensions, where k-means groups near-synonyms together. The number of themes comes from the
data: k-means for each k in a small range, kept is the k whose clusters are best separated (cosine silhouette,
measured on the TF-IDF vectors: in the reduced space it only grows with k); clusters that use much the same
words are then made one. A need far from its theme's centre is left out rather than forced in, and a cluster
that is too small, or has no word of its own running through it, is no theme: a month of scattered needs gives
few or none. Deterministic: fixed seeds, ties broken by position.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from bot.domain.themes import Theme
from nlp.segment import STOPWORDS

# Words every need uses whatever it asks for — and, in a scenario matchmaking group, the words every scenario
# uses (a pilot, a demonstration, a smart platform): no theme is named, nor found, by them.
GENERIC_WORDS = frozenset(
    "支持 帮助 帮忙 协助 协调 对接 提供 开展 推动 解决 问题 合作 寻求 寻找 申请 项目 场景 "
    "应用 开放 能够 有关 政府 情况 资源 考虑 打算 准备 计划 尽快 今年 明年 最近 一直 比较 "
    "很多 主要 进一步 联系 介绍 看看 了解 咨询 想要 欢迎 感谢 急需 一家 一批 几家 几个 "
    "一套 一段 领导 老师 各位 请问 求助 指点 渠道 流程 怎么办 办理 什么 时候 哪家 多少 "
    "目前 现在 不够 太慢 卡在 这块 这边 那边 那种 已经 下一步 想问 问下 有没有 能不能 "
    "是不是 推荐 愿意 适合 我司 或者 还是 但是 因为 所以 如果 然后 并且 现有 本地 市里 "
    "全市 大概 最好 只需 需要 希望 公司 企业 我们 一下 左右 不了 不能 可能 没法 试点 示范 "
    "部署 推广 智慧 智能 平台 系统 方案 设备 技术 产品 服务 使用 试用 接入".split()
)
MIN_NEEDS = 5  # fewer needs than this are not a month to find themes in
MAX_THEMES = 8
DIMENSIONS = 15  # of the LSA space k-means works in
MIN_SIMILARITY = 0.2  # a need less like its theme's centre than this (cosine, TF-IDF) belongs to no theme
NAME_WORDS = 3
MIN_HELD = 0.25  # a theme's first name word is in at least this share of its needs (and in two)
SEED = 0
MERGE_SIMILARITY = 0.5  # clusters whose word shares are this alike (cosine) are one theme
_CHAR = "#"  # marks a character feature, so it is never a name word


def theme_terms(words: Sequence[str]) -> list[str]:
    """The words a theme is found and named by: lower-cased, two characters or more, no stop, generic or
    number words."""
    return [w for w in (w.lower() for w in words)
            if len(w) >= 2 and not w.isdigit() and w not in STOPWORDS and w not in GENERIC_WORDS]


def _identity(terms: list[str]) -> list[str]:
    return terms


def min_size(count: int) -> int:
    """The fewest needs a theme may have: 2 in a small month, 3 from 30 needs on."""
    return 2 if count < 30 else 3


def find_themes(needs: Sequence[tuple[str, str | None]], cut: Callable[[str], list[str]],
                unnamed: Collection[str] = (), most: int = MAX_THEMES, seed: int = SEED) -> list[Theme]:
    """The themes of ``needs`` — (text, lead party id or None) — largest first, at most ``most``. ``unnamed``:
    words that help find a theme but never name one (the parties' names: the report shows the departments
    beside it). ``seed`` only for measuring how much the result owes to it."""
    if len(needs) < MIN_NEEDS:
        return []
    words = [theme_terms(cut(text)) for text, _ in needs]
    documents = [w + [_CHAR + c for word in w for c in word] for w in words]
    vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=2)
    try:
        matrix = vectorizer.fit_transform(documents)
    except ValueError:  # no word is shared by two needs
        return []
    present = np.flatnonzero(matrix.getnnz(axis=1))
    if len(present) < MIN_NEEDS:
        return []
    vectors = matrix[present]
    with threadpool_limits(1):  # on small data, OpenMP threads spinning on two busy cores made it 10× slower
        labels = _best_clustering(vectors, most, seed)
    if labels is None:
        return []
    vocabulary = vectorizer.get_feature_names_out()
    unnamed = {word.lower() for word in unnamed}
    naming = np.array([not term.startswith(_CHAR) and term not in unnamed for term in vocabulary])
    has, words_of = (matrix[:, naming] > 0).toarray(), vocabulary[naming]
    labels = _merged(labels, has[present])
    floor = min_size(len(needs))
    themes: list[Theme] = []
    for label in sorted(set(labels.tolist())):
        inside = labels == label
        centre = np.asarray(vectors[inside].mean(axis=0)).ravel()
        closeness = vectors[inside] @ (centre / np.linalg.norm(centre))
        kept = closeness >= MIN_SIMILARITY
        members, closeness = present[inside][kept], closeness[kept]
        if len(members) < floor:
            continue
        name, held = _name(has, members, words_of)
        if held < max(MIN_HELD, 2 / len(members)):  # no word of its own runs through it: leftovers, not a theme
            continue
        central = int(members[int(np.argmax(closeness))])  # argmax takes the first of equals: the earliest
        departments = Counter(needs[i][1] for i in members)
        themes.append(Theme(
            words=name, count=len(members),
            departments=tuple(sorted(departments.items(), key=lambda pair: (-pair[1], pair[0] or "~"))),
            example=needs[central][0], example_index=central, members=tuple(int(i) for i in members)))
    themes.sort(key=lambda t: (-t.count, t.members[0]))
    return themes[:most]


def _best_clustering(vectors: sp.csr_matrix, most: int, seed: int) -> np.ndarray | None:
    """k-means labels (in the LSA space) for the k (2…) with the best cosine silhouette, or None when there is
    nothing to split."""
    count, features = vectors.shape
    dimensions = min(DIMENSIONS, features - 1, count - 1)
    space = vectors.toarray()
    if dimensions >= 2:
        space = normalize(TruncatedSVD(dimensions, algorithm="arpack", random_state=seed).fit_transform(vectors))
    scored: list[tuple[float, np.ndarray]] = []
    for k in range(2, min(most + 1, count // 2) + 1):
        labels = KMeans(n_clusters=k, n_init=20, random_state=seed).fit_predict(space)
        if len(set(labels.tolist())) == k:
            scored.append((float(silhouette_score(vectors, labels, metric="cosine")), labels))
    if not scored:
        return None
    return max(scored, key=lambda pair: pair[0])[1]  # max keeps the first of equals: the fewer themes


def _merged(labels: np.ndarray, has: np.ndarray) -> np.ndarray:
    """The clusters, those that use much the same words made one (the cosine of the shares of their needs
    holding each word at least MERGE_SIMILARITY): in a small month the silhouette splits "医院·影像" from
    "医院·临床", which are one theme of hospitals' data."""
    merged = labels.copy()
    kept: list[tuple[int, np.ndarray]] = []
    for label in sorted(set(labels.tolist())):
        shares = has[labels == label].mean(axis=0)
        norm = float(np.linalg.norm(shares))
        shares = shares / norm if norm else shares
        near = next((into for into, other in kept if float(shares @ other) >= MERGE_SIMILARITY), None)
        if near is None:
            kept.append((label, shares))
        else:
            merged[labels == label] = near
    return merged


def _name(has: np.ndarray, members: np.ndarray, vocabulary: np.ndarray) -> tuple[tuple[str, ...], float]:
    """The words found in many of the theme's needs and few of the others, most telling first (a word inside one
    already chosen, or holding it, is skipped; a third only when it tells at least half as much as the first),
    and the share of the theme's needs that hold the first."""
    inside = np.zeros(len(has), dtype=bool)
    inside[members] = True
    share_in = has[inside].mean(axis=0)
    score = share_in - (has[~inside].mean(axis=0) if (~inside).any() else 0.0)
    order = sorted(range(len(score)), key=lambda i: (-score[i], str(vocabulary[i])))
    chosen: list[str] = []
    for index in order:
        word = str(vocabulary[index])
        if score[index] <= 0 or len(chosen) == NAME_WORDS:
            break
        if len(chosen) == 2 and score[index] < score[order[0]] / 2:
            break
        if not any(word in other or other in word for other in chosen):
            chosen.append(word)
    return tuple(chosen), float(share_in[order[0]]) if chosen else 0.0
