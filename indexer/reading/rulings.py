"""Table grids from the lines and rectangles a PDF draws.

Ruling lines and cell rectangles are read from the page's path objects with pdfium (fast, in
C); pdfplumber's table finder then snaps and joins the edges, finds their crossings and turns
them into cells and tables. A grid is kept only when it has at least two rows and two columns,
so a box drawn around a paragraph or a rule under a heading is not a table.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import Any

import pypdfium2.raw as pdfium_c
from pdfplumber.table import (
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
    merge_edges,
)

THIN = 2.5  # a path this thin in one direction is a line, not an area
MIN_EDGE = 3.0
TOLERANCE = 3.0
MAX_RECT_SEGMENTS = 6  # move, four lines, close (and a stray move)
MAX_NESTING = 4


@dataclass(frozen=True)
class GridCell:
    """One cell of a drawn table, in top-down page coordinates (points)."""

    table: int
    row: int
    column: int
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True)
class Grid:
    """A drawn table: its box and its cells, rows top to bottom, columns left to right."""

    x0: float
    top: float
    x1: float
    bottom: float
    rows: int
    columns: int
    cells: list[GridCell]


def page_grids(page: Any, height: float) -> list[Grid]:
    """The drawn tables of one pdfium page (a `FPDF_PAGE` handle)."""
    edges: list[dict[str, float | str]] = []
    for index in range(pdfium_c.FPDFPage_CountObjects(page)):
        _collect(pdfium_c.FPDFPage_GetObject(page, index), height, edges, 0)
    if len(edges) < 4:
        return []
    merged = merge_edges(edges, TOLERANCE, TOLERANCE, TOLERANCE, TOLERANCE)
    merged = [e for e in merged if _length(e) >= MIN_EDGE]
    cells = intersections_to_cells(edges_to_intersections(merged, TOLERANCE, TOLERANCE))
    grids = []
    for number, boxes in enumerate(cells_to_tables(cells)):
        grid = _grid(number, boxes)
        if grid is not None:
            grids.append(grid)
    return grids


def _collect(obj: Any, height: float, edges: list[dict[str, float | str]], depth: int) -> None:
    kind = pdfium_c.FPDFPageObj_GetType(obj)
    if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < MAX_NESTING:
        for index in range(pdfium_c.FPDFFormObj_CountObjects(obj)):
            _collect(pdfium_c.FPDFFormObj_GetObject(obj, index), height, edges, depth + 1)
        return
    if kind != pdfium_c.FPDF_PAGEOBJ_PATH:
        return
    if pdfium_c.FPDFPath_CountSegments(obj) > MAX_RECT_SEGMENTS:
        return
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
        return
    x0, x1 = left.value, right.value
    y_top, y_bottom = height - top.value, height - bottom.value
    if x1 - x0 <= THIN and y_bottom - y_top <= THIN:
        return
    if y_bottom - y_top <= THIN:
        middle = (y_top + y_bottom) / 2
        edges.append(_edge("h", x0, x1, middle, middle))
    elif x1 - x0 <= THIN:
        middle = (x0 + x1) / 2
        edges.append(_edge("v", middle, middle, y_top, y_bottom))
    else:
        edges.extend(
            [
                _edge("h", x0, x1, y_top, y_top),
                _edge("h", x0, x1, y_bottom, y_bottom),
                _edge("v", x0, x0, y_top, y_bottom),
                _edge("v", x1, x1, y_top, y_bottom),
            ]
        )


def _edge(orientation: str, x0: float, x1: float, top: float, bottom: float) -> dict[str, Any]:
    return {
        "orientation": orientation,
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "width": x1 - x0,
        "height": bottom - top,
    }


def _length(edge: dict[str, Any]) -> float:
    return float(edge["width"] if edge["orientation"] == "h" else edge["height"])


def _grid(number: int, boxes: list[tuple[float, float, float, float]]) -> Grid | None:
    tops = _clusters(sorted({round(b[1], 1) for b in boxes}))
    lefts = _clusters(sorted({round(b[0], 1) for b in boxes}))
    if len(tops) < 2 or len(lefts) < 2:
        return None
    cells = []
    for x0, top, x1, bottom in boxes:
        row = _nearest(tops, top)
        column = _nearest(lefts, x0)
        cells.append(GridCell(number, row, column, x0, top, x1, bottom))
    return Grid(
        x0=min(b[0] for b in boxes),
        top=min(b[1] for b in boxes),
        x1=max(b[2] for b in boxes),
        bottom=max(b[3] for b in boxes),
        rows=len(tops),
        columns=len(lefts),
        cells=cells,
    )


def _clusters(values: list[float]) -> list[float]:
    out: list[float] = []
    for value in values:
        if not out or value - out[-1] > TOLERANCE:
            out.append(value)
    return out


def _nearest(anchors: list[float], value: float) -> int:
    return min(range(len(anchors)), key=lambda i: abs(anchors[i] - value))
