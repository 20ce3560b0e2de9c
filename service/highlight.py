"""Where the question's words occur in a passage, as [start, end] character spans."""

from __future__ import annotations

from service.analysis import STOPWORDS, stem, words

MIN_SHARED_PREFIX = 5


def highlight_spans(text: str, query: str) -> list[list[int]]:
    """Spans of words in `text` that share a stem with a query word.

    A passage word also matches when it starts with a query stem of five letters or more, so
    "placering" lights up "placeringskostnaderna".
    """
    stems = {
        stem(token)
        for _, _, token in words(query)
        if token.lower() not in STOPWORDS and (len(token) > 2 or token.isdigit())
    }
    if not stems:
        return []
    long_stems = [s for s in stems if len(s) >= MIN_SHARED_PREFIX and not s.isdigit()]
    spans: list[list[int]] = []
    for start, end, token in words(text):
        lower = token.lower()
        if lower in STOPWORDS:
            continue
        token_stem = stem(lower)
        if token_stem in stems or any(lower.startswith(s) for s in long_stems):
            if spans and spans[-1][1] >= start - 1 and text[spans[-1][1] : start].strip() == "":
                spans[-1][1] = end
            else:
                spans.append([start, end])
    return spans
