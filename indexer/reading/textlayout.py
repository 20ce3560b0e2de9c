"""Blocks from plain text, where nothing but the words and line breaks says what is a heading.

Headings are goal headings, the reports' fixed section names, or short unpunctuated lines
between paragraphs. Paragraphs end at blank lines or at a short line closing a sentence
(wrapped text). Table cells arrive one per line; they are kept together as a table block.
"""

from __future__ import annotations

import re
import statistics

from indexer.models import Block, BlockKind, Table, TextLine
from indexer.reading.layout import BULLET, reflow
from indexer.structure.goals import parse_goal_heading

SECTION_NAMES = {
    "beskrivning": 4,
    "förväntat resultat": 4,
    "analys": 4,
    "aktiviteter": 4,
    "indikatorer": 4,
    "goda exempel": 4,
    "sammanfattande analys": 1,
    "förslag till beslut": 1,
    "bilagor": 1,
    "innehållsförteckning": 1,
    "innehåll": 1,
    "inledning": 1,
    "uppföljning av ekonomi": 1,
    "uppföljning av kommunfullmäktiges inriktningsmål": 1,
    "ekonomi": 1,
    "övrigt": 1,
    "systematiskt kvalitetsarbete": 1,
}
TABLE_HEADS = {"indikator", "aktivitet", "mnkr"}
TABLE_HEADER_CELLS = {
    "årsmål",
    "kf:s årsmål",
    "periodicitet",
    "periodens utfall",
    "startdatum",
    "slutdatum",
    "avvikelse",
    "prognos helår",
    "period",
    "kostnader",
    "intäkter",
}
GOAL_LEVEL = {"inriktningsmal": 1, "verksamhetsomradesmal": 2, "namndmal": 3, "enhetsmal": 3}
TERMINAL = (".", "!", "?", ":", ";", ",")


def text_page_blocks(lines: list[TextLine], page: int, wrap_width: int) -> list[Block]:
    """Blocks of one page of plain text."""
    texts = [line.text for line in lines]
    blocks: list[Block] = []
    paragraph: list[str] = []
    i = 0

    def flush() -> None:
        if paragraph:
            kind: BlockKind = "list" if BULLET.match(paragraph[0]) else "paragraph"
            blocks.append(Block(kind=kind, text=reflow(paragraph), pages=[page]))
            paragraph.clear()

    while i < len(texts):
        text = texts[i]
        if not text:
            flush()
            i += 1
            continue
        if text.lower() in TABLE_HEADS and _is_table_start(texts, i):
            flush()
            end = _table_stop(texts, i)
            blocks.append(_table(texts[i:end], page))
            i = end
            continue
        level = _heading_level(texts, i)
        if level is not None:
            flush()
            blocks.append(Block(kind="heading", text=text, pages=[page], level=level))
            i += 1
            continue
        if BULLET.match(text) and paragraph:
            flush()
        paragraph.append(text)
        if _ends_paragraph(text, wrap_width):
            flush()
        i += 1
    flush()
    return blocks


def wrap_width_of(lines: list[TextLine]) -> int:
    """The typical width of wrapped lines (0 when paragraphs are one line each)."""
    lengths = [len(line.text) for line in lines if len(line.text) > 40]
    if len(lengths) < 20:
        return 0
    width = int(statistics.quantiles(lengths, n=10)[7])
    return width if width < 160 else 0


def _ends_paragraph(text: str, wrap_width: int) -> bool:
    return bool(wrap_width) and text.endswith(".") and len(text) < wrap_width * 0.75


def _heading_level(texts: list[str], i: int) -> int | None:
    text = texts[i]
    if len(text) > 220 or (BULLET.match(text) and not re.match(r"^\d\.\d", text)):
        return None
    goal = parse_goal_heading(text, allow_bare=_bare_allowed(text))
    if goal is not None:
        return GOAL_LEVEL[goal.level]
    named = SECTION_NAMES.get(text.lower().rstrip(":"))
    if named is not None:
        return named
    return 4 if _looks_like_heading(texts, i) else None


def _bare_allowed(text: str) -> bool:
    """Bare numbered goal headings, but not numbered decision points ("2. Nämnden ansöker ...")."""
    if text.endswith(".") and not re.match(r"^\d\.\d", text):
        return False
    return not re.search(r"\b(mnkr|tkr|kr|bilaga)\b", text, re.I)


def _looks_like_heading(texts: list[str], i: int) -> bool:
    text = texts[i]
    if len(text) > 80 or text.endswith(TERMINAL) or not text[:1].isupper():
        return False
    if re.search(r"\d{4}-\d{2}-\d{2}|%|\d+,\d", text):
        return False
    previous = texts[i - 1] if i > 0 else ""
    following = next((t for t in texts[i + 1 :] if t), "")
    if not following or following[:1].islower():
        return False
    return not previous or previous.endswith(TERMINAL[:3]) or len(previous) < 3


def _is_table_start(texts: list[str], i: int) -> bool:
    window = [t.lower() for t in texts[i + 1 : i + 6] if t]
    return any(cell in TABLE_HEADER_CELLS for cell in window)


def _table_stop(texts: list[str], start: int) -> int:
    """The table runs until a heading or two blank lines in a row."""
    j = start + 1
    while j < len(texts):
        if not texts[j] and (j + 1 >= len(texts) or not texts[j + 1]):
            break
        if texts[j] and parse_goal_heading(texts[j], allow_bare=False):
            break
        j += 1
    return j


def _table(lines: list[str], page: int) -> Block:
    cells = [line for line in lines if line]
    header = 1
    while header < len(cells) and cells[header].lower() in TABLE_HEADER_CELLS:
        header += 1
    table = Table(rows=[[c] for c in cells], header_rows=header, row_pages=[page] * len(cells))
    return Block(kind="table", text="\n".join(cells), pages=[page], table=table)
