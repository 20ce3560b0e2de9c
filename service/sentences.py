"""Sentences of a passage, and the figures a sentence mentions."""

from __future__ import annotations

import re

ABBREVIATIONS = (
    "bl.a",
    "t.ex",
    "ca",
    "m.m",
    "o.s.v",
    "osv",
    "s.k",
    "d.v.s",
    "dvs",
    "t.o.m",
    "fr.o.m",
    "jfr",
    "nr",
    "resp",
    "inkl",
    "exkl",
    "ev",
    "f.d",
    "p.g.a",
    "pga",
    "m.fl",
    "kl",
    "tel",
    "obs",
    "fig",
    "sid",
)
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”»)]?\s+(?=[\"“«(]?[A-ZÅÄÖÉ0-9•●-])")
FIGURE = re.compile(
    r"(?<![\w,])(?:ca\.?\s+)?-?\d{1,3}(?:[ \u00a0]\d{3})*(?:,\d+)?\s*"
    r"(?:%|procent|procentenheter|mnkr|miljoner(?: kronor)?|miljarder|tkr|kr|kronor|st\b|"
    r"personer|barn|ungdomar|hushåll|platser|ärenden|brukare|timmar|dagar|veckor|månader|år\b)"
    r"|(?<![\w,])\d{1,3}(?:[ \u00a0]\d{3})+(?:,\d+)?|(?<![\w,.])\d+,\d+(?![\d,])",
    re.I,
)


def split_sentences(text: str) -> list[str]:
    """Split running Swedish text into sentences, keeping abbreviations like 'bl.a.' whole."""
    flat = " ".join(text.split())
    if not flat:
        return []
    pieces = SENTENCE_END.split(flat)
    out: list[str] = []
    for piece in pieces:
        if out and _ends_with_abbreviation(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return [p.strip() for p in out if p.strip()]


def _ends_with_abbreviation(sentence: str) -> bool:
    last = sentence.rsplit(" ", 1)[-1].lower().rstrip(".")
    return last in ABBREVIATIONS


def figures(text: str) -> list[str]:
    """Numbers with their units as written: '9,4 mnkr', '13,5%', '2 579 barn'."""
    seen: dict[str, None] = {}
    for match in FIGURE.finditer(text):
        value = " ".join(match.group(0).split())
        if re.fullmatch(r"(19|20)\d{2}", value):
            continue
        seen.setdefault(value, None)
    return list(seen)
