"""Read image-only PDF pages with Tesseract: each page rendered by pdfium, words to lines.

`ocr_status` says whether OCR can run here (the `tesseract` binary with Swedish language
data); `ocr_pages` renders pages and reads them in a small pool, one Tesseract process per
page with one thread each, and returns one `TextLine` per Tesseract line in PDF points with
the text-layer reader's conventions: x the left of the line, y its baseline from the page bottom,
`size` a font size estimated from the word boxes, no bold, no drawing origin.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from statistics import median
from typing import Any

import numpy as np
import pypdfium2 as pdfium
import pytesseract
from PIL import Image

from indexer.models import TextLine
from indexer.reading.cleaning import clean_text
from indexer.reading.rulings import Grid, GridCell, image_grids, locate

LANGUAGE = "swe"
INSTALL_HINT = "install tesseract-ocr and tesseract-ocr-swe"
DPI = 200
"""Render resolution. On the scanned reports (200 dpi scans) 200 dpi found 99.9% of the text
layer's long words and 300 dpi 100%, at a quarter more time a page (scripts/bench_ocr.py)."""
WORKERS = 2
"""Pages read at once: one single-threaded Tesseract process each (a 2-core machine)."""
MIN_CONFIDENCE = 20.0
"""Words Tesseract is less sure of than this (0-100) are noise (specks, photos, rules), unless
they read as words (`_word_like`)."""
X_HEIGHT, ASCENT, DESCENT = 0.52, 0.74, 0.22
"""Heights in ems of a lowercase x, of capitals and ascenders, and of descenders below the
baseline: a word's box height over its span in ems estimates the font size."""
ASCENDERS = set("bdfhiklt!?/()[]{}%&§åäöüéÅÄÖ")
DESCENDERS = set("gjpqy,;()[]{}§")
SIZE_SNAP = 0.8
"""Lines within this many points of the page's commonest size take that size, so the lines
of one paragraph agree (the layout joins lines of equal size)."""
RUN_GAP = 1.45
"""A line whose baseline is at most this many of its sizes below the line above, at the same
left edge, continues it (line spacing; a new paragraph or heading sits further down)."""
PARAGRAPH_SNAP = 1.0
"""Lines of one Tesseract paragraph within this many points of its median size take that
size: a heading set over two or three lines comes out 13.0, 13.5 and 13.5 points, and would
otherwise be cut into separate headings."""
DARK = 150
"""Grey level (0-255) below which a pixel counts as ink when looking for a table's rules."""
BULLET_LOOKALIKES = frozenset({"«", "»", "»«", "e", "e«", "+", "o", "0", "°", "©", "¢", "*"})
"""What Tesseract reads a list bullet (•, ●) as. One of these before a capitalised word at the
start of a line is the bullet: no Swedish line starts with "e Kvinnor" or "« Unga"."""
PERCENT_MISREAD = re.compile(r"(?<=\d) [A-Z][A-Za-z](?= |$)")
"""A percent sign after a number in a table cell, as Tesseract reads it at small sizes:
"2,9 NY", "3,2 PN", "0,5 HY", "1,5 Wo" (seen on every producer's tables, at 200 and 300 dpi).
Table cells hold numbers, units and short words; a capitalised two-letter "word" right after a
number is none of them."""
TIMEOUT_SECONDS = 120
BOX = ("left", "top", "width", "height")


class OcrError(Exception):
    """A page Tesseract could not read."""


@dataclass(frozen=True)
class OcrStatus:
    """Whether OCR can run here, and a line for /health and error messages."""

    available: bool
    message: str
    version: str | None = None


@functools.lru_cache(maxsize=1)
def ocr_status() -> OcrStatus:
    """Is the `tesseract` binary installed, with Swedish (`swe`) language data? Cached."""
    binary = shutil.which(pytesseract.pytesseract.tesseract_cmd)
    if binary is None:
        return OcrStatus(False, f"tesseract not found; {INSTALL_HINT}")
    try:
        version = str(pytesseract.get_tesseract_version())
        languages = pytesseract.get_languages()
    except (pytesseract.TesseractNotFoundError, OSError, subprocess.SubprocessError) as exc:
        return OcrStatus(False, f"tesseract does not run ({exc}); {INSTALL_HINT}")
    if LANGUAGE not in languages:
        return OcrStatus(
            False, f"tesseract {version} has no Swedish language data; {INSTALL_HINT}", version
        )
    return OcrStatus(True, f"tesseract {version} with Swedish (swe)", version)


def ocr_pages(
    path: Path, indexes: Sequence[int], dpi: int = DPI, workers: int = WORKERS
) -> dict[int, list[TextLine] | OcrError]:
    """Lines of each page (0-based index) read by OCR, or the error that stopped the page.

    Pages are rendered one at a time in this thread (pdfium is not thread-safe) and read by up
    to `workers` Tesseract processes at once; at most `workers` rendered pages wait in memory.
    """
    # pytesseract starts Tesseract with this process's environment. One OpenMP thread per
    # Tesseract: with two per process a page took 1.3x as long on 2 idle cores, and far
    # longer when the cores were busy; two single-threaded pages at once take the time of one.
    # The limit is set only while the pages are read and then put back, so it does not leak
    # into the processes this one starts later (a service started from here would run its
    # model on one thread).
    saved = os.environ.get("OMP_THREAD_LIMIT")
    os.environ["OMP_THREAD_LIMIT"] = "1"
    results: dict[int, list[TextLine] | OcrError] = {}
    pending: dict[int, Future[list[TextLine]]] = {}
    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for index, rendered in _rendered(path, indexes, dpi):
                if isinstance(rendered, OcrError):
                    results[index] = rendered
                    continue
                pending[index] = pool.submit(_read_image, *rendered, dpi)
                while len(pending) > max(1, workers):
                    _collect(pending, results, next(iter(pending)))
            for index in list(pending):
                _collect(pending, results, index)
    finally:
        if saved is None:
            os.environ.pop("OMP_THREAD_LIMIT", None)
        else:
            os.environ["OMP_THREAD_LIMIT"] = saved
    return results


def ocr_page(path: Path, index: int, dpi: int = DPI) -> list[TextLine]:
    """Lines of one page (0-based index) read by OCR; raises OcrError when it can't be read."""
    result = ocr_pages(path, [index], dpi, workers=1)[index]
    if isinstance(result, OcrError):
        raise result
    return result


def _collect(
    pending: dict[int, Future[list[TextLine]]],
    results: dict[int, list[TextLine] | OcrError],
    index: int,
) -> None:
    try:
        results[index] = pending.pop(index).result()
    except (RuntimeError, OSError, ValueError, pytesseract.TesseractError) as exc:
        results[index] = OcrError(f"OCR failed ({_short(exc)})")


def _rendered(
    path: Path, indexes: Sequence[int], dpi: int
) -> Iterator[tuple[int, tuple[Image.Image, tuple[float, float, float]] | OcrError]]:
    """Each page as a grayscale image with its left, bottom and height in points."""
    try:
        document = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError) as exc:
        for index in indexes:
            yield index, OcrError(f"cannot render the page ({_short(exc)})")
        return
    try:
        for index in indexes:
            try:
                page = document[index]
                left, bottom, _, top = page.get_cropbox()
                image = page.render(scale=dpi / 72, grayscale=True).to_pil()
                page.close()
            except (pdfium.PdfiumError, IndexError, ValueError, OSError) as exc:
                yield index, OcrError(f"cannot render the page ({_short(exc)})")
                continue
            yield index, (image, (left, bottom, top - bottom))
    finally:
        document.close()


def _read_image(image: Image.Image, frame: tuple[float, float, float], dpi: int) -> list[TextLine]:
    data = pytesseract.image_to_data(
        image,
        lang=LANGUAGE,
        config=f"--dpi {dpi}",
        output_type=pytesseract.Output.DICT,
        timeout=TIMEOUT_SECONDS,
    )
    grids = image_grids(np.asarray(image.convert("L")) < DARK, 72 / dpi)
    return words_to_lines(data, frame, dpi, grids)


def words_to_lines(
    data: dict[str, list[Any]],
    frame: tuple[float, float, float],
    dpi: int,
    grids: list[Grid] | None = None,
) -> list[TextLine]:
    """Tesseract's TSV words grouped by (block, paragraph, line) into lines in PDF points.

    `frame` is the page's left edge, bottom edge and height in points; pixel boxes are
    measured from the top left of an image rendered at `dpi`. Words inside a cell of a table
    the page shows (`grids`, in points from the image's top left) form lines of their own
    that know their cell, as in the text-layer reader.
    """
    left, bottom, height = frame
    scale = 72 / dpi
    groups: dict[tuple[int, int, int, Any], list[tuple[str, float, float, float, float]]] = {}
    for i, text in enumerate(data.get("text", [])):
        word = str(text).strip()
        if not word.strip("|"):
            continue  # nothing, or a table's rule read as a bar
        x, top, width, tall = (float(data[k][i]) * scale for k in BOX)
        cell = locate(grids, x + width / 2, top + tall / 2) if grids else None
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]), cell)
        sure = float(data["conf"][i]) >= MIN_CONFIDENCE or _word_like(word)
        unsure_bullet = key not in groups and word in BULLET_LOOKALIKES  # kept, read as one
        if sure or unsure_bullet:
            groups.setdefault(key, []).append((word, x, top, width, tall))
    lines = {key: _line(words, left, bottom + height, key[3]) for key, words in groups.items()}
    kept = {key: line for key, line in lines.items() if line.text}
    return _snap_sizes(_snap_runs(_snap_paragraphs(kept)))


def _word_like(word: str) -> bool:
    """A word Tesseract is unsure of but that reads as one (four or more letters): kept, since
    a bullet touching the word's first letter ("•Frisknärvaron") drags its confidence down."""
    core = word.strip(".,:;()!?\"'«»")
    return len(core) >= 4 and core.replace("-", "").isalpha()


def _line(
    words: list[tuple[str, float, float, float, float]],
    left: float,
    top: float,
    cell: GridCell | None,
) -> TextLine:
    words.sort(key=lambda w: w[1])
    base = median(w[2] + w[4] - w[4] * _below(w[0]) for w in words)
    size = median(w[4] / _span(w[0]) for w in words)
    texts = [w[0] for w in words]
    if len(texts) > 1 and texts[0] in BULLET_LOOKALIKES and texts[1][:1].isupper():
        texts[0] = "•"
    text = clean_text(" ".join(texts))
    if cell is not None:
        text = PERCENT_MISREAD.sub(" %", text)
    return TextLine(
        text=text,
        x=round(left + words[0][1], 1),
        y=round(top - base, 1),
        size=round(size * 2) / 2,
        cell=(cell.table, cell.row, cell.column) if cell else None,
    )


def _span(word: str) -> float:
    """Height of a word's box in ems: x-height, plus ascenders and descenders if it has them."""
    high = any(c in ASCENDERS or c.isupper() or c.isdigit() for c in word)
    low = any(c in DESCENDERS for c in word)
    return X_HEIGHT + (ASCENT - X_HEIGHT if high else 0.0) + (DESCENT if low else 0.0)


def _below(word: str) -> float:
    """Share of a word's box below the baseline."""
    return DESCENT / _span(word) if any(c in DESCENDERS for c in word) else 0.0


def _snap_paragraphs(lines: dict[tuple[int, int, int, Any], TextLine]) -> list[TextLine]:
    """Give the lines of one Tesseract paragraph (and table cell) one size where they agree."""
    paragraphs: dict[tuple[int, int, Any], list[float]] = {}
    for (block, paragraph, _, cell), line in lines.items():
        if line.size:
            paragraphs.setdefault((block, paragraph, cell), []).append(line.size)
    out: list[TextLine] = []
    for (block, paragraph, _, cell), line in lines.items():
        sizes = paragraphs.get((block, paragraph, cell), [])
        if len(sizes) > 1 and line.size is not None:
            middle = round(median(sizes) * 2) / 2
            if abs(line.size - middle) <= PARAGRAPH_SNAP:
                line = replace(line, size=middle)
        out.append(line)
    return out


def _snap_runs(lines: list[TextLine]) -> list[TextLine]:
    """A line set in the spacing and at the left edge of the line above, and within
    PARAGRAPH_SNAP of its size, takes that size: one short word ("förskola") ending a two-line
    heading is measured less surely than the line it ends."""
    out: list[TextLine] = []
    for line in lines:
        if out and _continues_run(out[-1], line):
            line = replace(line, size=out[-1].size)
        out.append(line)
    return out


def _continues_run(above: TextLine, line: TextLine) -> bool:
    if above.cell != line.cell:
        return False
    if above.size is None or line.size is None or above.y is None or line.y is None:
        return False
    if above.x is None or line.x is None or abs(above.x - line.x) > 4:
        return False
    return 0 < above.y - line.y <= RUN_GAP * above.size and (
        abs(above.size - line.size) <= PARAGRAPH_SNAP
    )


def _snap_sizes(lines: list[TextLine]) -> list[TextLine]:
    """Give lines close to the page's commonest size exactly that size."""
    sizes = Counter(line.size for line in lines if line.size)
    if not sizes:
        return lines
    common = sizes.most_common(1)[0][0]
    return [
        replace(ln, size=common)
        if ln.size is not None and abs(ln.size - common) <= SIZE_SNAP
        else ln
        for ln in lines
    ]


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) < 120 else text[:117] + "..."
