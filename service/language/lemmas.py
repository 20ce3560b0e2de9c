"""Swedish lemmas from simplemma's dictionary: "pluggar" -> "plugga", "ungar" -> "unge".

simplemma is a dictionary lookup with no model to download; its Swedish table loads in about
two seconds on first use, so the service loads it with a build, not inside a request.
"""

from __future__ import annotations

from functools import lru_cache

import simplemma

LANGUAGE = "sv"


def warm_up() -> None:
    """Load the Swedish dictionary now (the first lookup reads it)."""
    lemma("barn")


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """The dictionary form of a word, lower-cased; the word itself when it is not known."""
    return str(simplemma.lemmatize(word.lower(), lang=LANGUAGE)).lower()
