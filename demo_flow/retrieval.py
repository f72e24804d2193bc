"""Okapi BM25 over the demo's paragraphs: small, exact, and enough for a handful of documents."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from .documents import Paragraph

_WORD = re.compile(r"[^\W_]+")
# Words so common in questions that they would only blur the ranking.
_STOP_WORDS = frozenset(
    "a an and are be can do does for from how i in is it me my of on or the this to what when where which who why "
    "with you your и в во не что как на с со по к а я ли для из мне это".split()
)


_SUFFIX = re.compile(r"(?<=\w{4})(?:ing|ment|ed|es|s)$")


def tokens(text: str) -> list[str]:
    # A crude English stemmer is enough for "deploy" to find "Deploying" and "deployment".
    return [_SUFFIX.sub("", w) for w in _WORD.findall(text.lower()) if w not in _STOP_WORDS]


class BM25Index:
    def __init__(self, paragraphs: Sequence[Paragraph], k1: float = 1.5, b: float = 0.75) -> None:
        self.paragraphs = list(paragraphs)
        self._k1, self._b = k1, b
        # The headings above a paragraph are part of what it is about.
        self._terms = [Counter(tokens(f"{p.document} {p.title} {p.text}")) for p in self.paragraphs]
        self._lengths = [sum(t.values()) for t in self._terms]
        self._average_length = sum(self._lengths) / max(len(self._lengths), 1)
        document_frequency = Counter(term for terms in self._terms for term in terms)
        n = len(self.paragraphs)
        self._idf = {term: math.log(1 + (n - df + 0.5) / (df + 0.5)) for term, df in document_frequency.items()}

    def score(self, query: str, index: int) -> float:
        terms, length = self._terms[index], self._lengths[index]
        total = 0.0
        for term in set(tokens(query)):
            frequency = terms.get(term, 0)
            if frequency:
                norm = self._k1 * (1 - self._b + self._b * length / self._average_length)
                total += self._idf[term] * frequency * (self._k1 + 1) / (frequency + norm)
        return total

    def search(self, query: str, limit: int = 3) -> list[tuple[Paragraph, float]]:
        scored = [(self.score(query, i), i) for i in range(len(self.paragraphs))]
        best = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1]))[:limit]
        return [(self.paragraphs[i], score) for score, i in best]
