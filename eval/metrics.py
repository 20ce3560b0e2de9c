"""Retrieval metrics against verbatim gold quotes.

A passage "contains" a gold quote when, after normalising case, punctuation and whitespace, the
quote appears in it, or at least `min_share` of the quote's words appear in it in order (so a
quote that differs by emphasis marks or a hyphen still counts, and a quote cut in half by a
chunk boundary does not).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

WORD = re.compile(r"\w+", re.UNICODE)


def normalise(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text).lower()
    text = re.sub(r"(?<=\d) (?=\d{3}\b)", "", text)
    return WORD.findall(text)


def _lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence of two word lists."""
    if not a or not b:
        return 0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if x == y else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def contains_quote(passage: str, quote: str, min_share: float = 0.8) -> bool:
    quote_words = normalise(quote)
    passage_words = normalise(passage)
    if not quote_words:
        return False
    if " ".join(quote_words) in " ".join(passage_words):
        return True
    return _lcs_length(quote_words, passage_words) >= min_share * len(quote_words)


@dataclass
class QuestionResult:
    """Where each gold quote of one question was found (1-based rank, None if not in top k)."""

    qid: str
    kind: str
    ranks: list[int | None]
    k: int = 10

    @property
    def recall(self) -> float:
        if not self.ranks:
            return 0.0
        return sum(1 for r in self.ranks if r is not None and r <= self.k) / len(self.ranks)

    @property
    def reciprocal_rank(self) -> float:
        found = [r for r in self.ranks if r is not None and r <= self.k]
        return 1.0 / min(found) if found else 0.0

    @property
    def all_found(self) -> bool:
        return bool(self.ranks) and all(r is not None and r <= self.k for r in self.ranks)


def gold_ranks(passages: Sequence[str], quotes: Sequence[str]) -> list[int | None]:
    """For each quote, the rank of the first passage containing it."""
    ranks: list[int | None] = []
    for quote in quotes:
        rank = next((i for i, p in enumerate(passages, start=1) if contains_quote(p, quote)), None)
        ranks.append(rank)
    return ranks


@dataclass
class Summary:
    questions: int = 0
    recall: float = 0.0
    mrr: float = 0.0
    all_found: float = 0.0
    by_kind: dict[str, dict[str, float]] = field(default_factory=dict)


def summarise(results: Sequence[QuestionResult]) -> Summary:
    """Mean recall@k, MRR@k and share of questions with every quote found, overall and by kind."""

    def block(rs: Sequence[QuestionResult]) -> dict[str, float]:
        n = len(rs)
        return {
            "n": n,
            "recall": sum(r.recall for r in rs) / n if n else 0.0,
            "mrr": sum(r.reciprocal_rank for r in rs) / n if n else 0.0,
            "all_found": sum(r.all_found for r in rs) / n if n else 0.0,
        }

    overall = block(results)
    kinds = sorted({r.kind for r in results})
    return Summary(
        questions=len(results),
        recall=overall["recall"],
        mrr=overall["mrr"],
        all_found=overall["all_found"],
        by_kind={kind: block([r for r in results if r.kind == kind]) for kind in kinds},
    )
