"""jieba segmentation with a domain dictionary (party names, aliases, keywords, field vocabulary)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from importlib import resources

import jieba

jieba.setLogLevel(logging.WARNING)

_KEEP = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
STOPWORDS = frozenset(
    "的 了 和 与 及 或 在 是 我 我们 你 你们 他们 它 这 那 有 个 也 都 就 还 又 把 被 给 对 从 向 让 请 吗 呢 吧 啊 呀 "
    "一个 一些 这个 那个 哪个 什么 怎么 如何 是否 可以 能否 能 会 要 想 希望 需要 需求 目前 现在 已经 正在 进行 相关 "
    "一下 一起 各位 大家 老师 领导 您好 你好 谢谢 麻烦 问 请问 有没有 没有 哪些 哪里 谁 等 等等 以及 关于 方面 公司 "
    "我司 企业 单位 部门 青岛 青岛市 市".split()
)


def domain_words() -> list[str]:
    text = resources.files("nlp").joinpath("data/domain_words.txt").read_text(encoding="utf-8")
    return [w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#")]


class Segmenter:
    """A private jieba tokenizer (not jieba's global one) loaded once with our dictionary."""

    def __init__(self, extra_words: Iterable[str] = ()) -> None:
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.initialize()
        for word in [*domain_words(), *extra_words]:
            word = word.strip()
            if len(word) >= 2 and " " not in word:
                self._tokenizer.add_word(word, freq=20000)

    def add_words(self, words: Iterable[str]) -> None:
        for word in words:
            if len(word) >= 2 and " " not in word:
                self._tokenizer.add_word(word, freq=20000)

    def cut(self, text: str) -> list[str]:
        """All words, punctuation and spaces removed."""
        return [w for w in self._tokenizer.lcut(text) if _KEEP.search(w)]

    def terms(self, text: str) -> list[str]:
        """Content words for features: lower-cased, stop words removed."""
        return [w.lower() for w in self.cut(text) if w not in STOPWORDS]
