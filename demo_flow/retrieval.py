"""Okapi BM25 over the demo's paragraphs: small, exact, and enough for a handful of documents."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .documents import Paragraph

_WORD = re.compile(r"[^\W_]+")  # "FLOWISE_URL" is two words, so "flowise url" finds it
# Words so common in questions that they would only blur the ranking.
_STOP_WORDS = frozenset(
    "a about an and are be can do does for from get got has have how i in is it me my of on or the this to what "
    "when where which who why with you your "
    "а в во же и из или к как ли мне на не по с со то у что это я".split()
)
# A crude English stemmer: enough for "deploy" to find "deploying", "deployed" and "deployment".
_ENGLISH_SUFFIX = re.compile(r"(?<=\w{3})(?:ations?|ings?|ments?|ed|es|e|(?<!s)s)$")
# Russian inflects heavily; dropping one case ending and keeping a five-letter prefix is a well-known
# cheap stand-in for a stemmer ("подключить", "подключение" -> "подкл"; "ключ", "ключом" -> "ключ").
_RUSSIAN_ENDING = re.compile(r"(?<=\w{3})(?:ами|ями|ого|его|ому|ему|ой|ей|ом|ем|ам|ям|ах|ях|ов|ев|[аяоеыиуюь])$")
_CYRILLIC = re.compile(r"[а-яё]")


def _stem(word: str) -> str:
    if _CYRILLIC.search(word):
        return _RUSSIAN_ENDING.sub("", word.replace("ё", "е"))[:5]
    return _ENGLISH_SUFFIX.sub("", word)


def tokens(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP_WORDS]


@dataclass(frozen=True)
class Hit:
    paragraph: Paragraph
    score: float


class BM25Index:
    def __init__(self, paragraphs: Sequence[Paragraph], k1: float = 1.5, b: float = 0.75) -> None:
        self.paragraphs = tuple(paragraphs)
        self._k1, self._b = k1, b
        # The headings above a paragraph say what it is about, so they count as its words too.
        self._terms = [Counter(tokens(f"{p.document}\n{p.title}\n{p.text}")) for p in self.paragraphs]
        self._lengths = [sum(terms.values()) for terms in self._terms]
        self._average_length = sum(self._lengths) / max(len(self._lengths), 1)
        n = len(self.paragraphs)
        document_frequency = Counter(term for terms in self._terms for term in terms)
        # Lucene's variant of the IDF: never negative, so a very common word cannot lower a score.
        self._idf = {t: math.log(1 + (n - df + 0.5) / (df + 0.5)) for t, df in document_frequency.items()}

    def score(self, query_terms: set[str], index: int) -> float:
        terms = self._terms[index]
        norm = self._k1 * (1 - self._b + self._b * self._lengths[index] / self._average_length)
        return sum(self._idf[t] * terms[t] * (self._k1 + 1) / (terms[t] + norm) for t in query_terms if t in terms)

    def search(self, query: str, limit: int = 3) -> list[Hit]:
        """The best paragraphs for a query, best first; ties keep document order, so results are stable."""
        query_terms = set(tokens(query))
        scored = [(self.score(query_terms, i), i) for i in range(len(self.paragraphs))]
        best = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1]))[:limit]
        return [Hit(self.paragraphs[i], score) for score, i in best]
