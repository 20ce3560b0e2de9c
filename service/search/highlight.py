"""Where the question's words occur in a passage, as [start, end] character spans."""

from __future__ import annotations

from indexer.lexical.analysis import STOPWORDS, Analyzer, stem, words

MIN_PART = 5


def highlight_spans(text: str, query: str, analyzer: Analyzer | None = None) -> list[list[int]]:
    """Spans of words in `text` that share a stem, or a compound part, with a query word.

    With an analyzer that knows the corpus vocabulary, the query's compounds are split too, so
    "placeringskostnaderna" lights up "placeringar", "vårdplaceringar" and "kostnaden".
    """
    analyzer = analyzer or Analyzer()
    terms = {t for t in analyzer.terms(query) if not t.isdigit() or len(t) > 1}
    if not terms:
        return []
    parts = [t for t in terms if len(t) >= MIN_PART and not t[0].isdigit()]
    spans: list[list[int]] = []
    for start, end, token in words(text):
        lower = token.lower()
        if lower in STOPWORDS:
            continue
        if stem(lower) in terms or any(part in lower for part in parts):
            spans.append([start, end])
    return spans
