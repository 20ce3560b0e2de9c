"""From a document's blocks to sections that know their headings, goal path and unit.

Paragraphs and tables broken by a page end are joined again first, so a passage that runs from
one page onto the next is one passage that spans both pages.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from indexer.models import Block, RawDocument, Section, Table
from indexer.reading.layout import add_loose_text, page_blocks, table_text
from indexer.reading.textlayout import SECTION_NAMES, text_page_blocks, wrap_width_of
from indexer.structure.goals import GoalTracker, parse_goal_heading
from indexer.structure.metadata import unit_from_title

ASSESSMENT = re.compile(
    r"^[●•◆■▪◼□◾]?\s*(Uppfylls\s+(?:helt|delvis|inte|ej)|Uppfylls\s+\w+)", re.I
)
SKIPPED_SECTIONS = {"innehållsförteckning", "innehåll"}
SENTENCE_END = (".", "!", "?", ":", ";")
OCR_HEADING_RATIO = 1.12
"""How much larger than the body text a line read by OCR must be to count as strong (OCR
knows no bold)."""


def document_blocks(doc: RawDocument) -> list[Block]:
    """All blocks of a document in reading order, with page breaks healed."""
    blocks: list[Block] = []
    if doc.kind == "pdf":
        vocabulary = running_text_vocabulary(doc)
        for page in doc.pages:
            blocks.extend(page_blocks(page.lines, page.number, vocabulary))
        blocks = _classify_pdf(blocks, {page.number for page in doc.pages if page.ocr})
    else:
        width = wrap_width_of([ln for page in doc.pages for ln in page.lines])
        for page in doc.pages:
            blocks.extend(text_page_blocks(page.lines, page.number, width))
    return _heal_breaks(blocks)


def running_text_vocabulary(doc: RawDocument) -> frozenset[str]:
    """The words of a document's running text (not its table cells), lowercased."""
    words: set[str] = set()
    for page in doc.pages:
        for line in page.lines:
            if line.cell is None:
                words.update(w.strip(".,:;()/").lower() for w in line.text.split())
    return frozenset(w for w in words if w)


def _body_size(blocks: list[Block]) -> float:
    sizes = Counter(b.size for b in blocks if b.kind == "paragraph" and b.size and not b.bold)
    return float(sizes.most_common(1)[0][0]) if sizes else 10.0


def _classify_pdf(blocks: list[Block], ocr_pages: set[int]) -> list[Block]:
    """Headings by weight and size relative to the document's body text, or by their words.

    A bold line at body size or larger is a heading, its size over the body size giving the
    level. A goal heading ("Nämndmål: 1.2.1 ...") or a report section name ("Förväntat
    resultat") is a heading whatever its typography, and a title block ("Verksamhetsberättelse
    2024 för Vuxenenheten") is a top-level heading whatever its size. OCR knows no bold: on
    pages read by OCR a short line clearly larger than that text's body, not ending a
    sentence, counts as bold.
    """
    body = _body_size([b for b in blocks if b.pages[0] not in ocr_pages])
    scanned = _body_size([b for b in blocks if b.pages[0] in ocr_pages])
    out: list[Block] = []
    in_contents = False
    for block in blocks:
        if block.kind == "table" or ASSESSMENT.match(block.text):
            out.append(block)
            continue
        ocr = block.pages[0] in ocr_pages
        size = scanned if ocr else body
        strong = block.bold or (ocr and _scanned_strong(block, size))
        level = _heading_level(block, size, strong, in_contents)
        if level is None and ocr and not in_contents:
            level = _named_section(block, size)
        above = out[-1] if out and out[-1].kind == "heading" else None
        if level and above is not None and _smaller(block, above) and level <= above.level:
            level = min(above.level + 1, 4)  # a smaller heading right under one is its child
        if level is not None:
            in_contents = block.text.lower().rstrip(":") in SKIPPED_SECTIONS or (
                in_contents and not strong
            )
        out.append(block if level is None else replace(block, kind="heading", level=level))
    return out


def _heading_level(block: Block, body: float, strong: bool, in_contents: bool) -> int | None:
    """The heading level of a block, or None for running text.

    `strong` is bold, or what counts as bold on an OCR'd page. In a table of contents the
    entries repeat the goal headings in plain type; there only strong lines are headings.
    """
    text = block.text
    if len(text) > 250 or block.kind == "list":
        return None
    size = block.size or body
    if in_contents and not strong:
        return None
    if unit_from_title(text) is not None and (strong or size > body * 1.05):
        return 0
    prefixed = parse_goal_heading(text, allow_bare=False)
    if prefixed is not None and len(text) <= 220:
        return _level(size, body) if strong else 2
    if not strong or size < body - 0.1:
        named = SECTION_NAMES.get(text.lower().rstrip(":"))
        return named if named is not None and (strong or size > body) else None
    return _level(size, body)


def _named_section(block: Block, body: float) -> int | None:
    """On an OCR'd page a paragraph that is only a report section's name ("Analys") is that
    section's heading at body size too: the bold that marks it is not read."""
    if block.kind != "paragraph" or (block.size or body) < body - 0.5:
        return None
    return SECTION_NAMES.get(block.text.lower().rstrip(":"))


def _smaller(block: Block, above: Block) -> bool:
    return (block.size or 0.0) < (above.size or 0.0) - 0.25


def _scanned_strong(block: Block, body: float) -> bool:
    return (
        block.kind == "paragraph"
        and (block.size or 0) >= body * OCR_HEADING_RATIO
        and len(block.text) <= 120
        and not block.text.rstrip().endswith((".", "!", "?", ","))
    )


def _level(size: float, body: float) -> int:
    ratio = size / body if body else 1.0
    if ratio >= 1.65:
        return 0
    if ratio >= 1.42:
        return 1
    if ratio >= 1.18:
        return 2
    if ratio >= 1.07:
        return 3
    return 4


def _heal_breaks(blocks: list[Block]) -> list[Block]:
    """Join paragraphs and tables that a page break (or a repeated table header) split."""
    out: list[Block] = []
    for block in blocks:
        previous = out[-1] if out else None
        if previous is not None and _continues_paragraph(previous, block):
            out[-1] = _join_paragraphs(previous, block)
        elif previous is not None and _continues_table(previous, block):
            out[-1] = _join_tables(previous, block)
        else:
            out.append(block)
    return out


def _continues_paragraph(previous: Block, block: Block) -> bool:
    if previous.kind not in ("paragraph", "list") or block.kind != "paragraph":
        return False
    if previous.bold or block.bold:
        return False
    if previous.pages[-1] == block.pages[0] and not _starts_next_column(previous, block):
        return False
    if previous.size != block.size:
        return False
    return block.text[:1].islower() or not previous.text.rstrip().endswith(SENTENCE_END)


NEXT_COLUMN = 120.0
"""How far right of a paragraph (in points) a block must start to begin the next column."""


def _starts_next_column(previous: Block, block: Block) -> bool:
    """A block higher up the same page and well to the right: the top of the next column
    (`Block.top` grows upwards)."""
    if previous.top is None or previous.left is None or block.top is None or block.left is None:
        return False
    return block.top > previous.top and block.left > previous.left + NEXT_COLUMN


def _join_paragraphs(previous: Block, block: Block) -> Block:
    from indexer.reading.layout import reflow

    pages = sorted(set(previous.pages) | set(block.pages))
    return replace(previous, text=reflow([previous.text, block.text]), pages=pages)


def _header_key(table: Table | None) -> str:
    return re.sub(r"\s+", "", " ".join(table.header)).lower() if table else ""


def _continues_table(previous: Block, block: Block) -> bool:
    if previous.kind != "table" or block.kind != "table":
        return False
    first, second = previous.table, block.table
    if first is None or second is None:
        return False
    if not second.rows and second.leading:
        return True
    headless = second.header_rows == 0 and first.header_rows > 0
    if headless and second.rows and len(second.rows[0]) == len(first.rows[0]):
        return True
    return bool(_header_key(previous.table)) and _header_key(previous.table) == _header_key(
        block.table
    )


def _join_tables(previous: Block, block: Block) -> Block:
    assert previous.table is not None and block.table is not None
    first, second = previous.table, block.table
    merged = Table(
        rows=[list(r) for r in first.rows],
        header_rows=first.header_rows,
        notes=dict(first.notes),
        row_pages=list(first.row_pages),
        leading=list(first.leading),
        row_ends=dict(first.row_ends),
    )
    page = second.row_pages[0] if second.row_pages else block.pages[0]
    for text in second.leading:
        add_loose_text(merged, text, page)
    offset = len(merged.rows) - second.header_rows
    for index, row in enumerate(second.body, start=second.header_rows):
        merged.rows.append(list(row))
        merged.row_pages.append(second.row_pages[index] if index < len(second.row_pages) else page)
        if index in second.notes:
            merged.notes[index + offset] = second.notes[index]
        if index in second.row_ends:
            merged.row_ends[index + offset] = second.row_ends[index]
    pages = sorted(set(previous.pages) | set(block.pages))
    return replace(previous, text=table_text(merged), pages=pages, table=merged)


def build_sections(doc: RawDocument, blocks: list[Block]) -> list[Section]:
    """Cut the block stream at every heading; carry the goal path and unit along."""
    sections: list[Section] = []
    headings: dict[int, str] = {}
    tracker = GoalTracker()
    unit: str | None = None
    assessment: str | None = None
    current: Section | None = None
    for block in blocks:
        if block.kind == "heading":
            unit, assessment = _enter_heading(block, headings, tracker, unit, assessment)
            current = None
            continue
        match = ASSESSMENT.match(block.text)
        if match and tracker.path:
            assessment = match.group(1)
        if current is None:
            current = Section(
                headings=[headings[k] for k in sorted(headings) if k > 0],
                goals=tracker.goals,
                unit=unit,
                blocks=[],
                assessment=assessment,
            )
            sections.append(current)
        current.blocks.append(block)
    return [s for s in sections if s.blocks and not _skipped(s)]


def _enter_heading(
    block: Block,
    headings: dict[int, str],
    tracker: GoalTracker,
    unit: str | None,
    assessment: str | None,
) -> tuple[str | None, str | None]:
    level = block.level
    goal = parse_goal_heading(block.text, allow_bare=False)
    if goal is None:
        bare = parse_goal_heading(block.text, allow_bare=True)
        if bare is not None and tracker.accepts_bare(bare, level):
            goal = bare
        elif bare is not None:
            level = max(level, 4)
    for deeper in [k for k in headings if k >= level]:
        del headings[deeper]
    headings[level] = block.text
    if level == 0:
        tracker.reset()
        new_unit = unit_from_title(block.text)
        return (new_unit or unit), None
    if goal is not None:
        tracker.enter(goal, level)
        return unit, None
    tracker.leave_below(level)
    return unit, assessment if tracker.path else None


def _skipped(section: Section) -> bool:
    last = section.headings[-1].lower() if section.headings else ""
    return last in SKIPPED_SECTIONS


def sections_of(doc: RawDocument) -> list[Section]:
    return build_sections(doc, document_blocks(doc))
