"""Swedish text to search terms: numbers normalised, stop words dropped, stems, compound parts.

"2 279,8 mnkr" and "2279,8 mnkr" give the same terms; "placeringskostnaderna" gives its stem
and, when the corpus knows both halves, "placering" and "kostnad" as well, so a question about
"kostnader för placeringar" meets a passage about "placeringskostnader".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_SWEDISH

WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)
THOUSANDS = re.compile(r"(?<=\d) (?=\d{3}\b)")
QUESTION_WORDS = frozenset(
    {
        "hur",
        "vad",
        "vilka",
        "vilken",
        "vilket",
        "varför",
        "när",
        "finns",
        "får",
        "kan",
        "ska",
        "skulle",
        "blir",
        "blev",
        "många",
        "mycket",
        "stor",
        "stort",
        "stora",
        "år",
    }
)
"""Swedish words that carry the question, not its topic."""
ENGLISH_FUNCTION_WORDS = frozenset(
    {
        "the",
        "what",
        "which",
        "why",
        "how",
        "when",
        "does",
        "did",
        "do",
        "is",
        "are",
        "was",
        "were",
        "of",
        "and",
        "to",
        "in",
        "for",
        "with",
        "that",
        "this",
    }
)
"""English words that say nothing about a topic; also how an English question is spotted."""
EXTRA_STOPWORDS = QUESTION_WORDS | ENGLISH_FUNCTION_WORDS | {"on", "a", "an", "by", "from", "it"}
STOPWORDS = frozenset(STOPWORDS_SWEDISH) | EXTRA_STOPWORDS
LINKING = ("s", "e", "a", "u", "o")
MIN_PART = 4


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("swedish")


def normalise_numbers(text: str) -> str:
    """Drop spaces used as thousands separators: '2 279,8' -> '2279,8'."""
    return THOUSANDS.sub("", text)


def words(text: str) -> list[tuple[int, int, str]]:
    """Word and number tokens with their offsets in `text`."""
    return [(m.start(), m.end(), m.group(0)) for m in WORD.finditer(text)]


def stem(word: str) -> str:
    return str(_stemmer().stemWord(word.lower()))


@dataclass
class Analyzer:
    """Turns text into index terms; a `vocabulary` of corpus stems enables decompounding."""

    vocabulary: frozenset[str] = field(default_factory=frozenset)

    def terms(self, text: str) -> list[str]:
        out: list[str] = []
        for _, _, token in words(normalise_numbers(text)):
            out.extend(self.token_terms(token))
        return out

    def token_terms(self, token: str) -> list[str]:
        lower = token.lower()
        if lower in STOPWORDS or (len(lower) < 2 and not lower.isdigit()):
            return []
        if lower[0].isdigit():
            return [lower.replace(".", ",")]
        parts = [p for p in lower.split("-") if p]
        out: list[str] = []
        for part in parts:
            if part in STOPWORDS:
                continue
            stemmed = stem(part)
            out.append(stemmed)
            out.extend(self.compound_parts(stemmed))
        return out

    def compound_parts(self, stemmed: str) -> list[str]:
        """Split a compound stem into two known stems (with an optional linking letter)."""
        if not self.vocabulary or len(stemmed) < 2 * MIN_PART + 1:
            return []
        for i in range(len(stemmed) - MIN_PART, MIN_PART - 1, -1):
            head, tail = stemmed[:i], stemmed[i:]
            tail_stem = stem(tail)
            if tail_stem not in self.vocabulary and tail not in self.vocabulary:
                continue
            tail_term = tail_stem if tail_stem in self.vocabulary else tail
            for candidate in _heads(head):
                if candidate in self.vocabulary:
                    return [candidate, tail_term]
        return []


def _heads(head: str) -> Iterable[str]:
    yield head
    if len(head) > MIN_PART and head.endswith(LINKING):
        yield head[:-1]
    yield stem(head)


def build_vocabulary(texts: Iterable[str], min_count: int = 2) -> frozenset[str]:
    """Stems that occur at least `min_count` times: the parts compounds may split into."""
    counts: dict[str, int] = {}
    for text in texts:
        for _, _, token in words(text):
            lower = token.lower()
            if lower in STOPWORDS or len(lower) < MIN_PART or lower[0].isdigit():
                continue
            for part in lower.split("-"):
                if len(part) >= MIN_PART:
                    s = stem(part)
                    counts[s] = counts.get(s, 0) + 1
    return frozenset(s for s, n in counts.items() if n >= min_count and len(s) >= MIN_PART)
