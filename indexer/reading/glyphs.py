"""A PDF page's characters, read with pdfium, joined into positioned lines.

pdfium gives every character with its box, baseline origin, font size and font, whatever the
producer did (one text operator per glyph, per word or per line), at C speed. Characters on
one baseline are joined into a line; a wide gap (a table column, a second text column) or the
edge of a drawn table cell starts a new line, so cells never run together.
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass, field
from typing import Any

import pypdfium2.raw as pdfium_c

from indexer.models import TextLine
from indexer.reading.rulings import Grid, GridCell, locate

GAP = 1.3  # a horizontal gap wider than this many font sizes splits a line
BULLET_GAP = 4.0  # a bullet and its text may sit this many font sizes apart
BASELINE = 0.35  # a baseline moving more than this many font sizes starts a new line
BOLD_NAMES = ("bold", "black", "heavy", "semibold", "demi")
ITALIC_NAMES = ("italic", "oblique")
FORCE_BOLD = 1 << 18
ITALIC_FLAG = 1 << 6
LINE_BREAKS = {"\r", "\n"}
LINE_END_HYPHEN = "\x02"


@dataclass
class _Font:
    bold: bool
    italic: bool


@dataclass
class _Run:
    """Characters on one baseline, being collected into a line."""

    x: float
    y: float
    right: float
    size: float
    cell: GridCell | None
    chars: list[str] = field(default_factory=list)
    bold_chars: int = 0
    italic_chars: int = 0
    visible: int = 0
    sizes: dict[float, int] = field(default_factory=dict)


class _PageReader:
    def __init__(self, textpage: Any, height: float, grids: list[Grid]) -> None:
        self.textpage = textpage
        self.height = height
        self.grids = grids
        self.fonts: dict[int, _Font] = {}
        self.name = ctypes.create_string_buffer(128)
        self.flags = ctypes.c_int()
        self.box = [ctypes.c_double() for _ in range(4)]
        self.origin = [ctypes.c_double(), ctypes.c_double()]
        self.matrix = pdfium_c.FS_MATRIX()

    def font(self, index: int) -> _Font:
        obj = pdfium_c.FPDFText_GetTextObject(self.textpage, index)
        key = ctypes.cast(obj, ctypes.c_void_p).value or 0
        cached = self.fonts.get(key)
        if cached is not None:
            return cached
        pdfium_c.FPDFText_GetFontInfo(self.textpage, index, self.name, 128, self.flags)
        name = self.name.value.decode("latin-1", "replace").lower()
        weight = pdfium_c.FPDFText_GetFontWeight(self.textpage, index)
        flags = self.flags.value
        font = _Font(
            bold=weight >= 600 or bool(flags & FORCE_BOLD) or any(b in name for b in BOLD_NAMES),
            italic=bool(flags & ITALIC_FLAG) or any(i in name for i in ITALIC_NAMES),
        )
        self.fonts[key] = font
        return font

    def size(self, index: int) -> float:
        size = pdfium_c.FPDFText_GetFontSize(self.textpage, index)
        if pdfium_c.FPDFText_GetMatrix(self.textpage, index, self.matrix):
            m = self.matrix
            scale = math.sqrt(abs(m.a * m.d - m.b * m.c))
            if scale > 0:
                size *= scale
        return round(size * 2) / 2

    def cell_at(self, x: float, y: float) -> GridCell | None:
        return locate(self.grids, x, self.height - y)

    def lines(self) -> list[TextLine]:
        tp = self.textpage
        left, right, bottom, top = self.box
        ox, oy = self.origin
        runs: list[_Run] = []
        current: _Run | None = None
        for index in range(pdfium_c.FPDFText_CountChars(tp)):
            char = chr(pdfium_c.FPDFText_GetUnicode(tp, index))
            if char == LINE_END_HYPHEN:
                char = "-"  # pdfium's mark for a hyphen that ends a line
            if char in LINE_BREAKS:
                current = None
                continue
            if char.isspace() or pdfium_c.FPDFText_IsGenerated(tp, index) == 1:
                if current is not None and current.chars and current.chars[-1] != " ":
                    current.chars.append(" ")
                continue
            pdfium_c.FPDFText_GetCharBox(tp, index, left, right, bottom, top)
            pdfium_c.FPDFText_GetCharOrigin(tp, index, ox, oy)
            size = self.size(index) or 1.0
            cell = (
                self.cell_at((left.value + right.value) / 2, (bottom.value + top.value) / 2)
                if self.grids
                else None
            )
            if current is None or not self._continues(current, ox.value, oy.value, cell):
                current = _Run(x=left.value, y=oy.value, right=right.value, size=size, cell=cell)
                runs.append(current)
            font = self.font(index)
            current.chars.append(char)
            current.right = max(current.right, right.value)
            current.visible += 1
            current.bold_chars += font.bold
            current.italic_chars += font.italic
            current.sizes[size] = current.sizes.get(size, 0) + 1
        return [line for run in runs if (line := _line(run)) is not None]

    def _continues(self, run: _Run, x: float, y: float, cell: GridCell | None) -> bool:
        if cell != run.cell:
            return False
        if abs(y - run.y) > BASELINE * run.size:
            return False
        gap = BULLET_GAP if _only_bullet(run) else GAP
        return run.right - run.size <= x <= run.right + gap * run.size


def _only_bullet(run: _Run) -> bool:
    """A run holding just a list bullet, which producers set well apart from its text."""
    return run.visible == 1 and not run.chars[0].isalnum()


def _line(run: _Run) -> TextLine | None:
    text = "".join(run.chars).strip()
    if not text or not run.visible:
        return None
    size = max(run.sizes.items(), key=lambda item: item[1])[0]
    cell = run.cell
    return TextLine(
        text=text,
        x=round(run.x, 1),
        y=round(run.y, 1),
        size=size,
        bold=run.bold_chars * 2 > run.visible,
        italic=run.italic_chars * 2 > run.visible,
        cell=(cell.table, cell.row, cell.column) if cell else None,
    )


def page_lines(textpage: Any, height: float, grids: list[Grid]) -> list[TextLine]:
    """The lines of one page (`textpage` is a pdfium FPDF_TEXTPAGE handle)."""
    return _PageReader(textpage, height, grids).lines()
