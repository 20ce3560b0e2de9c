"""Sentences of a passage, and the figures a sentence mentions.

Each chunk is also indexed sentence by sentence (a table row counts as one sentence naming its
columns): a question that paraphrases one sentence is matched against that sentence rather than
against the whole passage, and answers are assembled from these sentences.
"""

from __future__ import annotations

import re

from indexer.models import Chunk

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


def sentences_of(chunk: Chunk) -> list[str]:
    """A prose chunk's sentences; a table row as one sentence naming its columns."""
    if chunk.table_rows:
        header = chunk.table_header or []
        notes = [chunk.table_note] if len(chunk.table_rows) == 1 else []
        return [
            row_sentence(header, row, notes[0] if notes else None)
            for row in chunk.table_rows
            if any(row)
        ]
    if chunk.kind == "table":
        return [line for line in chunk.text.splitlines() if line.strip()]
    out: list[str] = []
    for paragraph in chunk.text.split("\n"):
        out.extend(s for s in split_sentences(paragraph) if len(s) > 15)
    return out


def row_sentence(header: list[str], row: list[str], note: str | None) -> str:
    """'Andel barn ... : Årsmål 3,2 %, KF:s årsmål 2,7 %, Periodicitet Tertial.'"""
    name = (row[0] if row else "").rstrip(" .:")
    parts = [
        f"{' '.join(h.split())} {v}".strip()
        for h, v in zip(header[1:] or [""] * (len(row) - 1), row[1:], strict=False)
        if v
    ]
    context = (
        f" ({' '.join(header[0].split())})"
        if header and header[0] and not _row_header(header[0])
        else ""
    )
    sentence = f"{name}{context}: {', '.join(parts)}." if parts else name
    if note:
        first = split_sentences(note)[:2]
        sentence += " " + " ".join(first)
    return sentence


def _row_header(first: str) -> bool:
    """Whether a first column header just names the rows (Indikator, Aktivitet, ...)."""
    return first.strip().lower().startswith(("indikator", "aktivitet", "mnkr", "budget"))
