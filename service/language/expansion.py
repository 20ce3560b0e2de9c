"""Question words the reports don't use, mapped to words they do.

Only a word whose stem (and its lemma's stem) no chunk contains is expanded ("dagis",
"pluggar", "klubbar"): a word the reports use already matches, and adding its synonyms would
only blur it. For such a word, its form and its lemma are looked up in the thesaurus; a
compound that is not in the thesaurus ("dagisplatser") is split into a head and a tail, each
either a report word or mapped through the thesaurus ("förskola plats"). Only synonyms whose
every term occurs in the corpus are kept, and only those that occur in the passages the
question finds by meaning (its dense neighbours, given by the caller): the thesaurus mixes
senses ("mobil" -> "rörlig", "heta" -> "sexig"), and the question's context picks the one the
reports mean. The result gives BM25 extra terms and the dense side a second question with the
everyday words replaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from indexer.lexical.analysis import LINKING, STOPWORDS, Analyzer, stem, words
from service.language.lemmas import lemma
from service.language.thesaurus import Thesaurus

MAX_SYNONYMS = 3
"""Report words kept per everyday word (most frequent in the corpus first)."""
MIN_WORD = 3
MIN_PART = 4


class TermCounts(Protocol):
    analyzer: Analyzer

    def document_frequency(self, term: str) -> int: ...

    def chunks_with(self, term: str) -> np.ndarray: ...


@dataclass(frozen=True)
class Mapping:
    word: str
    """The question's word, as written."""
    report_words: tuple[str, ...]
    """What the reports say instead, most common first."""


@dataclass(frozen=True)
class Expansion:
    mappings: tuple[Mapping, ...] = ()
    terms: tuple[str, ...] = ()
    """Extra BM25 terms from the report words."""
    rewritten: str | None = None
    """The question with each mapped word replaced by its first report word."""

    def __bool__(self) -> bool:
        return bool(self.mappings)


class Expander:
    def __init__(self, thesaurus: Thesaurus, counts: TermCounts) -> None:
        self.thesaurus = thesaurus
        self.counts = counts
        self.analyzer = counts.analyzer

    def expand(self, question: str, context: set[int] | None = None) -> Expansion:
        """`context`: row numbers of the passages nearest the question in meaning; a synonym
        must occur in one of them (None: no such check)."""
        mappings: list[Mapping] = []
        rewritten = question
        for start, end, token in reversed(words(question)):
            if not self._everyday(token):
                continue
            found = tuple(w for w in self.report_words(token) if self._in_context(w, context))
            if not found:
                continue
            mappings.append(Mapping(token, found))
            rewritten = rewritten[:start] + found[0] + rewritten[end:]
        if not mappings:
            return Expansion()
        mappings.reverse()
        terms = self.analyzer.terms(" ".join(w for m in mappings for w in m.report_words))
        return Expansion(tuple(mappings), tuple(dict.fromkeys(terms)), rewritten)

    def has_everyday_words(self, question: str) -> bool:
        """Whether any word of the question is one the reports never use (cheap: term counts
        only), so that callers look up the question's context only when it can matter."""
        return any(self._everyday(token) for _, _, token in words(question))

    def report_words(self, token: str) -> tuple[str, ...]:
        """Report words for an everyday word: its thesaurus synonyms, or its parts' mapped."""
        lower = token.lower()
        forms = list(dict.fromkeys([lower, *self._shorter_heads(lower), lemma(lower)]))
        for form in forms:
            synonyms = self._known_synonyms(form)
            if synonyms:
                return synonyms
        for form in forms:
            parts = self._compound(form)
            if parts:
                return (parts,)
        return ()

    def synonyms(self, token: str) -> tuple[str, ...]:
        """Report words with the same meaning as any word, used or not by the reports (for
        checking that an answer speaks of what was asked, not for search)."""
        lower = token.lower()
        if len(lower) < MIN_WORD or lower in STOPWORDS or not lower.isalpha():
            return ()
        for form in dict.fromkeys([lower, *self._shorter_heads(lower), lemma(lower)]):
            found = self._known_synonyms(form)
            if found:
                return found
        return ()

    # ------------------------------------------------------------------ helpers

    def _everyday(self, token: str) -> bool:
        lower = token.lower()
        if len(lower) < MIN_WORD or lower in STOPWORDS or not lower.isalpha():
            return False
        df = self.counts.document_frequency
        return df(stem(lower)) == 0 and df(stem(lemma(lower))) == 0

    def _in_context(self, phrase: str, context: set[int] | None) -> bool:
        if context is None:
            return True
        for term in self.analyzer.terms(phrase):
            if not context.intersection(self.counts.chunks_with(term).tolist()):
                return False
        return True

    def _known(self, phrase: str) -> bool:
        terms = self.analyzer.terms(phrase)
        return bool(terms) and all(self.counts.document_frequency(t) > 0 for t in terms)

    def _frequency(self, phrase: str) -> int:
        return min(self.counts.document_frequency(t) for t in self.analyzer.terms(phrase))

    def _shorter_heads(self, form: str) -> list[str]:
        """Thesaurus words with the form's stem that it starts with, longest first:
        'klubbar' -> 'klubb' (before the lemma 'klubba', a gavel)."""
        heads = [h for h in self.thesaurus.with_stem(stem(form)) if form.startswith(h)]
        return sorted((h for h in heads if h != form), key=len, reverse=True)

    def _known_synonyms(self, form: str) -> tuple[str, ...]:
        synonyms = [s for s in self.thesaurus.synonyms(form) if self._known(s)]
        synonyms.sort(key=lambda s: (-self._frequency(s), len(s)))
        kept: dict[tuple[str, ...], str] = {}
        for synonym in synonyms:
            kept.setdefault(tuple(self.analyzer.terms(synonym)), synonym)
        return tuple(kept.values())[:MAX_SYNONYMS]

    def _part(self, part: str) -> str | None:
        """A compound part as a report word: itself when the reports use it, else a synonym."""
        for candidate in dict.fromkeys([part, lemma(part)]):
            if len(candidate) < MIN_PART:
                continue
            if self._known(candidate):
                return candidate
            synonyms = self._known_synonyms(candidate)
            if synonyms:
                return synonyms[0]
        return None

    def _compound(self, form: str) -> str | None:
        """Split at the first point where both halves map: 'dagisplats' -> 'förskola plats'."""
        for i in range(MIN_PART, len(form) - MIN_PART + 1):
            head, tail = form[:i], form[i:]
            heads = [head] + (
                [head[:-1]] if head.endswith(LINKING) and len(head) > MIN_PART else []
            )
            tail_word = self._part(tail)
            if tail_word is None:
                continue
            for h in heads:
                head_word = self._part(h)
                if head_word is not None and (head_word != h or tail_word != tail):
                    return f"{head_word} {tail_word}"
        return None
