"""Table grids from the lines and rectangles a PDF draws, or a scanned page shows.

Ruling lines and cell rectangles are read from the page's path objects with pdfium (fast, in
C), or found in a scanned page's image as long runs of dark pixels. pdfplumber's table finder
then snaps and joins the edges, finds their crossings and turns them into cells and tables. A
grid is kept only when it has at least two rows and two columns, so a box drawn around a
paragraph or a rule under a heading is not a table.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pypdfium2.raw as pdfium_c
from pdfplumber.table import (
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
    merge_edges,
)

THIN = 2.5  # a path this thin in one direction is a line, not an area
MIN_EDGE = 3.0
MIN_RULE = 30.0  # points: the shortest printed rule taken for a table line in a page image
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
    edges: list[dict[str, Any]] = []
    for index in range(pdfium_c.FPDFPage_CountObjects(page)):
        _collect(pdfium_c.FPDFPage_GetObject(page, index), height, edges, 0)
    return grids_from_edges(edges)


def image_grids(dark: npt.NDArray[np.bool_], points_per_pixel: float) -> list[Grid]:
    """The tables printed in a page image (True where the pixel is dark), in points.

    A ruling line is a run of dark pixels at least MIN_RULE points long: text strokes are far
    shorter. Each line of pixels in a thick rule gives a run; the finder snaps them together.
    """
    length = max(2, int(MIN_RULE / points_per_pixel))
    edges: list[dict[str, Any]] = []
    for row, start, end in _runs(dark, length):
        y = row * points_per_pixel
        edges.append(edge("h", start * points_per_pixel, end * points_per_pixel, y, y))
    for column, start, end in _runs(dark.T, length):
        x = column * points_per_pixel
        edges.append(edge("v", x, x, start * points_per_pixel, end * points_per_pixel))
    return grids_from_edges(edges)


def _runs(dark: npt.NDArray[np.bool_], length: int) -> list[tuple[int, int, int]]:
    """(row, first column, column after the last) of each run of True at least `length` long."""
    padded = np.zeros((dark.shape[0], dark.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = dark
    steps = np.diff(padded, axis=1)
    rows, starts = np.nonzero(steps == 1)
    _, ends = np.nonzero(steps == -1)
    keep = (ends - starts) >= length
    return list(zip(rows[keep].tolist(), starts[keep].tolist(), ends[keep].tolist(), strict=True))


def grids_from_edges(edges: list[dict[str, Any]]) -> list[Grid]:
    """Tables from ruling edges (pdfplumber's edge dicts, top-down coordinates in points)."""
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


def locate(grids: list[Grid], x: float, top: float) -> GridCell | None:
    """The grid cell holding the point (x, top), in top-down page coordinates."""
    for grid in grids:
        if grid.x0 <= x <= grid.x1 and grid.top <= top <= grid.bottom:
            for cell in grid.cells:
                if cell.x0 <= x <= cell.x1 and cell.top <= top <= cell.bottom:
                    return cell
    return None


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
        edges.append(edge("h", x0, x1, middle, middle))
    elif x1 - x0 <= THIN:
        middle = (x0 + x1) / 2
        edges.append(edge("v", middle, middle, y_top, y_bottom))
    else:
        edges.extend(
            [
                edge("h", x0, x1, y_top, y_top),
                edge("h", x0, x1, y_bottom, y_bottom),
                edge("v", x0, x0, y_top, y_bottom),
                edge("v", x1, x1, y_top, y_bottom),
            ]
        )


def edge(orientation: str, x0: float, x1: float, top: float, bottom: float) -> dict[str, Any]:
    """A ruling edge ("h" or "v") as pdfplumber's table finder takes it, in top-down points."""
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
