"""Read report files into pages of positioned text lines, without running headers and footers.

PDFs are read with pypdf page by page. pypdf's visitor gives each piece of text with its
transform, font and size; lines that share a drawing origin belong to one paragraph or one
table cell, which later lets tables be rebuilt cell by cell. Pages without a text layer
(scanned or image-only) are read with OCR when Tesseract is installed (`indexer.reading.ocr`)
and marked `ocr`. Plain text files become pages split at form feeds.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError, PdfStreamError

from indexer.models import Page, RawDocument, TextLine
from indexer.reading.cleaning import clean_text
from indexer.reading.ocr import OcrError, ocr_pages, ocr_status

PDF_SUFFIXES = {".pdf"}
TEXT_SUFFIXES = {".txt", ".text", ".md"}
SUPPORTED_SUFFIXES = PDF_SUFFIXES | TEXT_SUFFIXES

PAGE_NUMBER = re.compile(r"^(?:Sida|Sid|Page)\s+\d+\s*(?:\(\s*\d+\s*\)|av\s+\d+|of\s+\d+)?$", re.I)
BARE_PAGE_NUMBER = re.compile(r"^[-–]?\s*\d{1,4}\s*[-–]?$")


class ExtractionError(Exception):
    """A file that cannot be read; the message names the file (and page when known)."""

    def __init__(self, path: Path | str, problem: str, page: int | None = None) -> None:
        where = f"{Path(path).name}" + (f", page {page}" if page else "")
        super().__init__(f"{where}: {problem}")
        self.path = str(path)
        self.problem = problem
        self.page = page


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_document(path: Path) -> RawDocument:
    """Read one PDF or text file; raise ExtractionError with a one-line reason if it can't be."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ExtractionError(path, "not a regular file")
    if path.stat().st_size == 0:
        raise ExtractionError(path, "empty file (0 bytes)")
    if suffix in PDF_SUFFIXES:
        return _read_pdf(path)
    if suffix in TEXT_SUFFIXES:
        return _read_text(path)
    raise ExtractionError(path, f"unsupported file type {suffix or '(none)'}")


# ----------------------------------------------------------------------------- PDF


def _read_pdf(path: Path) -> RawDocument:
    sha = file_sha256(path)
    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF" not in head:
        raise ExtractionError(path, "not a PDF (no %PDF header)")
    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted and not _try_empty_password(reader):
            raise ExtractionError(path, "encrypted PDF; a password is needed to read it")
        page_count = len(reader.pages)
    except ExtractionError:
        raise
    except (PdfReadError, PdfStreamError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ExtractionError(path, f"corrupt or truncated PDF ({_short(exc)})") from exc
    if page_count == 0:
        raise ExtractionError(path, "PDF has no pages")
    pages: list[Page] = []
    unreadable: list[int] = []
    for number in range(1, page_count + 1):
        try:
            lines = _pdf_page_lines(reader, number - 1)
        except FileNotDecryptedError as exc:
            raise ExtractionError(path, "encrypted PDF; a password is needed to read it") from exc
        except Exception:
            unreadable.append(number)
            lines = []
        pages.append(Page(number=number, lines=lines))
    if unreadable and len(unreadable) == page_count:
        raise ExtractionError(path, "corrupt or truncated PDF (no page could be read)")
    failed = _read_images(path, pages, unreadable)
    if not any(line.text for page in pages for line in page.lines):
        problem = f"OCR could not read any page ({failed[0]})" if failed else "OCR read no text"
        raise ExtractionError(path, f"no text layer (image-only or scanned PDF); {problem}")
    _strip_margins(pages, _page_heights(reader))
    meta = _pdf_info(reader)
    return RawDocument(
        path=str(path),
        name=path.name,
        sha256=sha,
        kind="pdf",
        pages=pages,
        info_title=meta.get("title"),
        info_subject=meta.get("subject"),
    )


def _read_images(path: Path, pages: list[Page], unreadable: list[int]) -> list[OcrError]:
    """OCR the readable pages that have no text layer, when Tesseract with Swedish is here.

    Without it a document with no text at all is refused, and the empty pages of a document
    with text elsewhere stay empty. A page OCR cannot read stays empty like a page pypdf
    cannot read; its error is returned.
    """
    blank = [p for p in pages if not p.lines and p.number not in unreadable]
    if not blank:
        return []
    status = ocr_status()
    if not status.available:
        if len(blank) + len(unreadable) == len(pages):
            raise ExtractionError(
                path,
                "no text layer (image-only or scanned PDF) and OCR is unavailable: "
                + status.message,
            )
        return []
    read = ocr_pages(path, [page.number - 1 for page in blank])
    failed = []
    for page in blank:
        lines = read[page.number - 1]
        if isinstance(lines, OcrError):
            failed.append(lines)
        else:
            page.lines, page.ocr = lines, True
    return failed


def _try_empty_password(reader: PdfReader) -> bool:
    try:
        return bool(reader.decrypt(""))
    except Exception:
        return False


def _short(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) < 120 else text[:117] + "..."


def _pdf_info(reader: PdfReader) -> dict[str, str]:
    try:
        info: Any = reader.metadata or {}
    except Exception:
        return {}
    out: dict[str, str] = {}
    for key, name in (("/Title", "title"), ("/Subject", "subject")):
        value = info.get(key)
        if value:
            out[name] = clean_text(str(value))
    return out


def _page_heights(reader: PdfReader) -> list[float]:
    heights = []
    for page in reader.pages:
        try:
            heights.append(float(page.mediabox.height))
        except Exception:
            heights.append(842.0)
    return heights


def _pdf_page_lines(reader: PdfReader, index: int) -> list[TextLine]:
    """Collect the text pieces of one page and join them into lines."""
    page = reader.pages[index]
    pieces: list[tuple[tuple[float, float] | None, float, float, str, float, bool, bool]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text or not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        transformed = abs(cm[4]) > 0.01 or abs(cm[5]) > 0.01
        block = (round(cm[4], 1), round(cm[5], 1)) if transformed else None
        name = str(font.get("/BaseFont", "")) if isinstance(font, dict) else ""
        scale = abs(tm[0] * cm[0]) or 1.0
        pieces.append((block, x, y, text, round(size * scale, 1), "Bold" in name, _italic(name)))

    page.extract_text(visitor_text=visit)
    return _join_pieces(pieces)


def _italic(font_name: str) -> bool:
    return "Italic" in font_name or "Oblique" in font_name


def _join_pieces(
    pieces: list[tuple[tuple[float, float] | None, float, float, str, float, bool, bool]],
) -> list[TextLine]:
    """Join pieces drawn on the same baseline of the same block into one line each."""
    lines: list[TextLine] = []
    current: list[Any] | None = None
    for block, x, y, text, size, bold, italic in pieces:
        parts = text.split("\n")
        for i, part in enumerate(parts):
            if i > 0 and current is not None:
                lines.append(_make_line(current))
                current = None
            if not part.strip():
                continue
            same_line = current is not None and current[0] == block and abs(current[2] - y) < 1.0
            if same_line and current is not None:
                current[3] = _concat(current[3], part)
                current[5] = current[5] and bold
            else:
                if current is not None:
                    lines.append(_make_line(current))
                current = [block, x, y, part, size, bold, italic]
    if current is not None:
        lines.append(_make_line(current))
    return [line for line in lines if line.text]


def _concat(left: str, right: str) -> str:
    if not left or not right or left[-1].isspace() or right[0].isspace():
        return left + right
    return left + " " + right


def _make_line(parts: list[Any]) -> TextLine:
    block, x, y, text, size, bold, italic = parts
    return TextLine(
        text=clean_text(text), x=x, y=y, size=size, bold=bold, italic=italic, block=block
    )


def _strip_margins(pages: list[Page], heights: list[float]) -> None:
    """Move running headers, footers and page numbers out of the body lines.

    A line counts as margin when it sits in the top or bottom band of the page and either
    looks like a page number or repeats (digits ignored) on several pages.
    """
    bands: list[list[tuple[int, TextLine]]] = []
    for page, height in zip(pages, heights, strict=False):
        top, bottom = height * 0.9, height * 0.07
        bands.append(
            [
                (i, line)
                for i, line in enumerate(page.lines)
                if line.y is not None and line.block is None and (line.y > top or line.y < bottom)
            ]
        )
    counts = Counter(_margin_key(line.text) for band in bands for _, line in set(_dedupe(band)))
    threshold = max(3, int(len(pages) * 0.1)) if len(pages) > 3 else 2
    for page, band in zip(pages, bands, strict=False):
        drop = {
            i
            for i, line in band
            if PAGE_NUMBER.match(line.text)
            or BARE_PAGE_NUMBER.match(line.text)
            or counts[_margin_key(line.text)] >= threshold
            or page.number == 1
        }
        page.margin = [page.lines[i].text for i in sorted(drop)]
        page.lines = [line for i, line in enumerate(page.lines) if i not in drop]


def _dedupe(band: Iterable[tuple[int, TextLine]]) -> list[tuple[int, TextLine]]:
    seen: set[str] = set()
    out = []
    for i, line in band:
        key = _margin_key(line.text)
        if key not in seen:
            seen.add(key)
            out.append((i, line))
    return out


def _margin_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip().lower())


# ----------------------------------------------------------------------------- text


def _decode(path: Path, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ExtractionError(path, f"broken UTF-16 text ({exc.reason})") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExtractionError(
            path,
            f"not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8",
        ) from exc


def _read_text(path: Path) -> RawDocument:
    data = path.read_bytes()
    text = _decode(path, data)
    if "\x00" in text:
        raise ExtractionError(path, "binary content in a text file")
    raw_pages = text.split("\f")
    pages: list[Page] = []
    for number, raw in enumerate(raw_pages, start=1):
        lines = [TextLine(text=clean_text(line)) for line in raw.splitlines()]
        pages.append(Page(number=number, lines=_keep_blank_runs(lines)))
    if not any(line.text for page in pages for line in page.lines):
        raise ExtractionError(path, "no text in file")
    _strip_text_margins(pages)
    return RawDocument(
        path=str(path), name=path.name, sha256=file_sha256(path), kind="text", pages=pages
    )


def _keep_blank_runs(lines: list[TextLine]) -> list[TextLine]:
    """Collapse runs of blank lines to one: a blank line marks a paragraph break."""
    out: list[TextLine] = []
    for line in lines:
        if not line.text and (not out or not out[-1].text):
            continue
        out.append(line)
    return out


def _strip_text_margins(pages: list[Page]) -> None:
    """Drop page-number lines and lines repeated at the top or bottom of most pages."""
    if len(pages) < 3:
        for page in pages:
            page.lines = [ln for ln in page.lines if not PAGE_NUMBER.match(ln.text)]
        return
    edge: Counter[str] = Counter()
    for page in pages:
        texts = [ln.text for ln in page.lines if ln.text]
        edge.update({_margin_key(t) for t in texts[:3] + texts[-3:]})
    threshold = max(3, int(len(pages) * 0.5))
    for page in pages:
        keep = []
        with_text = [ln for ln in page.lines if ln.text]
        edges = {id(ln) for ln in with_text[:3] + with_text[-3:]}
        for line in page.lines:
            repeated = id(line) in edges and edge[_margin_key(line.text)] >= threshold
            if PAGE_NUMBER.match(line.text) or repeated:
                page.margin.append(line.text)
            else:
                keep.append(line)
        page.lines = keep
