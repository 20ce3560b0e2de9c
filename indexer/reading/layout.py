"""Turn one page's positioned lines into blocks: paragraphs, list items and tables.

A table the page draws with ruling lines comes with each line's cell (table, row, column), so
it is rebuilt cell by cell and keeps its empty cells. Other lines form paragraphs by
proximity (same size and weight, close below each other, same left edge). Undrawn tables are
found from alignment: cells whose first lines sit on the same baseline form a row; rows that
follow each other in the table's font size form a table, and the column headers (the bold
first rows) decide which column each cell belongs to, so "3,2 %" stays under Årsmål even when
Prognos is blank.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from itertools import pairwise

from indexer.models import Block, BlockKind, Table, TextLine

COLUMN_LINES, COLUMN_LINE_CHARS = 4, 40
"""A cell of at least this many lines of this many characters on average is running text."""
LIST_MARK = r"([•●▪◦·\-–*✓✔◆]|\d{1,2}[.)])"
BULLET = re.compile(rf"^\s*{LIST_MARK}\s+")
CONJUNCTIONS = {"och", "eller", "till", "resp.", "respektive", "&"}
"""Words after which a line-end hyphen is kept ("hälso- och sjukvård"). Not "samt", "som" or
"men": hyphenation ends words with those letters ("ogynn-samt", "syste-men") far more often
than a shared compound part comes before them (none in the bundled reports; "och" 397 times)."""


@dataclass
class Cell:
    """Lines drawn under one origin: a paragraph, or one cell of a table."""

    lines: list[TextLine]
    page: int
    top: float = 0.0
    x: float = 0.0
    size: float = 0.0
    bold: bool = False
    italic: bool = False
    cells_in_row: list[Cell] = field(default_factory=list)

    @property
    def text(self) -> str:
        return reflow([line.text for line in self.lines])


def reflow(lines: list[str]) -> str:
    """Join wrapped lines into running text, undoing line-end hyphenation."""
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not out:
            out = line
            continue
        out = _join_wrapped(out, line)
    return out


def _join_wrapped(left: str, right: str) -> str:
    if left.endswith("-") and len(left) >= 2:
        before = left[-2]
        first_word = right.split(" ", 1)[0]
        if before.isdigit() or before.isupper() or not right[0].islower():
            return left + right
        if first_word.lower() in CONJUNCTIONS or before == " ":
            return left + " " + right
        return left[:-1] + right
    return left + " " + right


def page_cells(lines: list[TextLine], page: int) -> list[Cell]:
    """Group a page's lines by drawing origin, or by proximity when the PDF gives none."""
    lines = _attach_labels(lines)
    pitches = line_pitches(lines)
    cells: list[Cell] = []
    by_block: dict[tuple[float, float], Cell] = {}
    for line in lines:
        if line.block is not None:
            cell = by_block.get(line.block)
            if cell is None:
                cell = Cell(lines=[], page=page)
                by_block[line.block] = cell
                cells.append(cell)
            cell.lines.append(line)
            continue
        if BULLET.match(line.text):
            cells.append(Cell(lines=[line], page=page))
            continue
        previous = cells[-1] if cells else None
        if previous is not None and _continues(previous, line, pitches):
            previous.lines.append(line)
        else:
            cells.append(Cell(lines=[line], page=page))
    for cell in cells:
        _measure(cell)
    return cells


LABEL = re.compile(rf"^\s*{LIST_MARK}\s*$")
"""A list number or bullet alone on its line."""


def _attach_labels(lines: list[TextLine]) -> list[TextLine]:
    """A list number or bullet drawn apart from its item ("1." left of the item's first line,
    on its baseline) joined to that line, so the item reads "1. Stadsdelsnämnden ..."."""
    out: list[TextLine] = []
    for line in lines:
        label = out[-1] if out else None
        if (
            label is not None
            and label.block is None
            and line.block is None
            and label.cell is None
            and line.cell is None
            and LABEL.match(label.text)
            and label.y is not None
            and line.y is not None
            and abs(label.y - line.y) < 1.0
            and (line.x or 0) > (label.x or 0)
        ):
            out[-1] = replace(line, text=f"{label.text.strip()} {line.text}", x=label.x)
        else:
            out.append(line)
    return out


PITCH_LINES = 4
"""Line pairs of one size a page needs before its own line pitch decides paragraph breaks."""
PARAGRAPH_SPACE = 0.2
"""Extra space (in font sizes) over the page's line pitch that starts a new paragraph."""


def line_pitches(lines: list[TextLine]) -> dict[float, float]:
    """The page's usual distance between consecutive lines of each font size.

    Producers set paragraph spacing very differently (a blank line, or a fraction of a line on
    top of a tight leading), so a paragraph break is judged against the page's own pitch.
    """
    gaps: dict[float, Counter[float]] = {}
    for above, below in pairwise(lines):
        if above.y is None or below.y is None or above.block is not None or not below.size:
            continue
        gap = round(above.y - below.y, 1)
        if above.size == below.size and 0 < gap <= below.size * 1.6:
            gaps.setdefault(below.size, Counter())[gap] += 1
    return {
        size: counter.most_common(1)[0][0]
        for size, counter in gaps.items()
        if counter.most_common(1)[0][1] >= PITCH_LINES
    }


def _continues(cell: Cell, line: TextLine, pitches: dict[float, float]) -> bool:
    """Whether an untransformed line continues the paragraph above it."""
    last = cell.lines[-1]
    if last.block is not None or last.y is None or line.y is None:
        return False
    if last.size != line.size or last.bold != line.bold:
        return False
    gap = last.y - line.y
    size = line.size or 10
    pitch = pitches.get(line.size) if line.size else None
    widest = size * 1.6 if pitch is None else min(size * 1.6, pitch + PARAGRAPH_SPACE * size)
    return 0 < gap <= widest and abs((last.x or 0) - (line.x or 0)) < 30


def _measure(cell: Cell) -> None:
    ys = [ln.y for ln in cell.lines if ln.y is not None]
    xs = [ln.x for ln in cell.lines if ln.x is not None]
    sizes = Counter(ln.size for ln in cell.lines if ln.size)
    cell.top = max(ys) if ys else 0.0
    block_xs = [ln.block[0] for ln in cell.lines if ln.block is not None]
    cell.x = min(block_xs) if block_xs else (min(xs) if xs else 0.0)
    cell.size = float(sizes.most_common(1)[0][0]) if sizes else 0.0
    cell.bold = all(ln.bold for ln in cell.lines)
    cell.italic = all(ln.italic for ln in cell.lines)


def _rows(cells: list[Cell]) -> list[list[Cell]]:
    """Group consecutive cells whose first lines share a baseline into rows."""
    rows: list[list[Cell]] = []
    for cell in cells:
        if (
            rows
            and abs(rows[-1][0].top - cell.top) < 1.5
            and cell.x > rows[-1][-1].x + 1
            and abs(rows[-1][0].size - cell.size) < 0.6
        ):
            rows[-1].append(cell)
        else:
            rows.append([cell])
    return rows


def page_blocks(
    lines: list[TextLine], page: int, vocabulary: frozenset[str] = frozenset()
) -> list[Block]:
    """Blocks of one page in reading order; tables come out whole, with their columns.

    `vocabulary` (the document's words) lets a word a narrow column broke in two be joined.
    """
    grids: dict[int, list[TextLine]] = {}
    for line in lines:
        if line.cell is not None:
            grids.setdefault(line.cell[0], []).append(line)
    blocks: list[Block] = []
    flowing: list[TextLine] = []
    for line in lines:
        if line.cell is None:
            flowing.append(line)
            continue
        grid = grids.pop(line.cell[0], None)
        if grid is not None:
            blocks.extend(_flow_blocks(flowing, page))
            flowing = []
            blocks.append(grid_table_block(grid, page, vocabulary))
    blocks.extend(_flow_blocks(flowing, page))
    return blocks


def grid_table_block(lines: list[TextLine], page: int, vocabulary: frozenset[str]) -> Block:
    """A drawn table from its lines, each of which knows its (table, row, column)."""
    texts: dict[tuple[int, int], list[str]] = {}
    bold: dict[tuple[int, int], bool] = {}
    for line in sorted(lines, key=lambda ln: -(ln.y or 0.0)):
        assert line.cell is not None
        key = (line.cell[1], line.cell[2])
        texts.setdefault(key, []).append(line.text)
        bold[key] = bold.get(key, True) and line.bold
    rows = sorted({r for r, _ in texts})
    width = max(c for _, c in texts) + 1
    grid = [[cell_text(texts.get((r, c), []), vocabulary) for c in range(width)] for r in rows]
    header_rows = 0
    for r in rows:
        filled = [c for c in range(width) if (r, c) in texts]
        if len(filled) < 2 or not all(bold[(r, c)] for c in filled):
            break
        header_rows += 1
    if header_rows == 0 and not any(bold.values()) and _names_columns(grid[0] if grid else []):
        header_rows = 1  # no weight to go by (OCR, plain producers): a first row of names
    table = Table(rows=grid[:header_rows], header_rows=header_rows)
    table.row_pages = [page] * header_rows
    for row in grid[header_rows:]:
        if not any(row):
            continue
        if row[0] and not any(row[1:]):
            add_loose_text(table, row[0], page)
            continue
        table.rows.append(row)
        table.row_pages.append(page)
    size = lines[0].size if lines else None
    return Block(kind="table", text=table_text(table), pages=[page], size=size, table=table)


def _names_columns(row: list[str]) -> bool:
    """A row that reads as column names: two or more cells, none of them a value.

    A value ("713", "2,9 %", "2021-01-01", "750 st") is mostly digits; a name may hold a
    year ("Periodens utfall VB 2020") but is mostly letters.
    """
    filled = [cell for cell in row if cell]
    return len(filled) >= 2 and not any(_value_like(cell) for cell in filled)


def _value_like(cell: str) -> bool:
    chars = [c for c in cell if not c.isspace()]
    return sum(c.isalpha() for c in chars) < len(chars) / 2


def cell_text(lines: list[str], vocabulary: frozenset[str]) -> str:
    """A cell's lines as running text, with words a narrow column broke joined again.

    A generator that wraps a header inside a narrow column can break a word anywhere
    ("Utfall kvinn or/ flickor", "Perio" / "dens utfall"); two neighbouring pieces are joined
    when together they make a word of the document's running text and one of them alone does
    not.
    """
    text = reflow(lines)
    if not vocabulary:
        return text
    tokens = text.split(" ")
    out: list[str] = []
    for token in tokens:
        if out and _broken_word(out[-1], token, vocabulary):
            out[-1] += token
        else:
            out.append(token)
    return " ".join(out)


def _broken_word(left: str, right: str, vocabulary: frozenset[str]) -> bool:
    a, b = left.lower().rsplit("/", 1)[-1], right.lower().rstrip(".,:;)/")
    if not (a.isalpha() and b.isalpha()):
        return False
    return (a + b) in vocabulary and (a not in vocabulary or b not in vocabulary)


def _flow_blocks(lines: list[TextLine], page: int) -> list[Block]:
    if not lines:
        return []
    rows = _rows(page_cells(lines, page))
    blocks: list[Block] = []
    i = 0
    while i < len(rows):
        if len(rows[i]) >= 2 and _text_columns(rows[i]):
            for cell in rows[i]:
                blocks.extend(_text_blocks(cell))
            i += 1
            continue
        if len(rows[i]) >= 2:
            j = _table_end(rows, i)
            blocks.extend(_table_blocks(rows[i:j], page))
            i = j
            continue
        blocks.extend(_text_blocks(rows[i][0]))
        i += 1
    return blocks


def _text_columns(row: list[Cell]) -> bool:
    """Cells side by side that are columns of running text, not a table row: one of them is
    several lines of sentence length (a two-column page whose left column is one paragraph
    puts it on one baseline with the right column's first paragraph or heading)."""
    return any(
        len(cell.lines) >= COLUMN_LINES
        and sum(len(line.text) for line in cell.lines) / len(cell.lines) >= COLUMN_LINE_CHARS
        for cell in row
    )


def _table_end(rows: list[list[Cell]], start: int) -> int:
    """Index after the last row of the table starting at `start`."""
    size = Counter(c.size for r in rows[start : start + 4] for c in r).most_common(1)[0][0]
    left = min(c.x for c in rows[start])
    j = start + 1
    while j < len(rows):
        row = rows[j]
        same_size = all(abs(c.size - size) < 0.6 for c in row)
        inside = row[0].x >= left - 0.5
        if not (same_size and inside):
            break
        j += 1
    return j


def _is_header_row(row: list[Cell]) -> bool:
    return len(row) >= 2 and all(c.bold for c in row)


def _table_blocks(rows: list[list[Cell]], page: int) -> list[Block]:
    """Split a run of rows at each header row: every part gets its own column positions."""
    parts: list[list[list[Cell]]] = []
    for k, row in enumerate(rows):
        starts_part = _is_header_row(row) and (k == 0 or not _is_header_row(rows[k - 1]))
        if not parts or starts_part:
            parts.append([])
        parts[-1].append(row)
    return [_table_block(part, page) for part in parts]


def _table_block(rows: list[list[Cell]], page: int) -> Block:
    header_rows = 0
    for row in rows:
        if not _is_header_row(row):
            break
        header_rows += 1
    column_source = rows[:header_rows] if header_rows else [max(rows, key=len)]
    columns = sorted({round(c.x, 0) for r in column_source for c in r})
    table = Table(rows=[_place(r, columns) for r in rows[:header_rows]], header_rows=header_rows)
    table.row_pages = [page] * header_rows
    for row in rows[header_rows:]:
        if len(row) == 1:
            add_loose_text(table, row[0].text, page)
        else:
            table.rows.append(_place(row, columns))
            table.row_pages.append(page)
    size = rows[0][0].size if rows else None
    return Block(kind="table", text=table_text(table), pages=[page], size=size, table=table)


def add_loose_text(table: Table, text: str, page: int) -> None:
    """Place text that spans a whole row: an analysis note, or the rest of a broken cell.

    "Analys ..." belongs to the row above it; text after an analysis note continues that
    note (notes run on across pages); lowercase text, or any text after a first cell left
    unfinished ("... sin insats -"), finishes the first cell of the row above (a row broken
    by a page end); anything else is a row of its own.
    """
    last = len(table.rows) - 1
    has_body = last >= table.header_rows
    if _is_note(text):
        if has_body:
            table.notes[last] = text
            table.reaches(last, page)
        else:
            table.leading.append(text)
        return
    if not has_body:
        table.leading.append(text)
        return
    if last in table.notes:
        table.notes[last] = f"{table.notes[last]} {text}".strip()
        table.reaches(last, page)
    elif text[:1].islower() or _unfinished(table.rows[last][0]):
        table.rows[last][0] = reflow([table.rows[last][0], text])
        table.reaches(last, page)
    else:
        width = len(table.rows[0]) if table.rows else 1
        table.rows.append([text] + [""] * (width - 1))
        table.row_pages.append(page)


def _unfinished(cell: str) -> bool:
    """A first cell a page end cut short: it ends on a dash, comma or "och", or an open bracket."""
    words = cell.rstrip().rsplit(" ", 1)
    return (
        cell.rstrip().endswith(("-", "–", ",", "(", "/"))
        or words[-1].lower() in CONJUNCTIONS
        or cell.count("(") > cell.count(")")
    )


def _is_note(text: str) -> bool:
    return text.startswith("Analys") or text.startswith("Kommentar")


def _place(row: list[Cell], columns: list[float]) -> list[str]:
    cells = [""] * len(columns)
    for cell in row:
        index = 0
        for k, x in enumerate(columns):
            if cell.x >= x - 2:
                index = k
        cells[index] = f"{cells[index]} {cell.text}".strip()
    return cells


def table_text(table: Table) -> str:
    """The table as text, one row per line, cells in order (as a reader sees it)."""
    lines = []
    for i, row in enumerate(table.rows):
        lines.append(" ".join(c for c in row if c))
        if i in table.notes:
            lines.append(table.notes[i])
    return "\n".join(lines)


def _text_blocks(cell: Cell) -> list[Block]:
    text = cell.text
    if not text:
        return []
    kind: BlockKind = "list" if BULLET.match(cell.lines[0].text) else "paragraph"
    return [
        Block(
            kind=kind,
            text=text,
            pages=[cell.page],
            size=cell.size or None,
            bold=cell.bold,
            italic=cell.italic,
            top=cell.top,
            left=cell.x,
        )
    ]
