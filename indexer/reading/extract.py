"""Read report files into pages of positioned text lines, without running headers and footers.

pypdf opens a PDF and says whether it can be read at all (encrypted, corrupt, no pages) and
what its metadata says; pdfium then reads each page's characters with their boxes, sizes and
fonts, and the ruling lines of its drawn tables, so every line knows its place and, inside a
table, its cell. Pages without a text layer (scanned or image-only) are read with OCR when
Tesseract is installed (`indexer.reading.ocr`) and marked `ocr`. Plain text files become pages
split at form feeds.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdf import PdfReader
from pypdf.errors import PdfReadError, PdfStreamError

from indexer.models import Page, RawDocument, TextLine
from indexer.reading.cleaning import clean_text
from indexer.reading.glyphs import page_lines
from indexer.reading.ocr import OcrError, ocr_pages, ocr_status
from indexer.reading.rulings import page_grids

PDF_SUFFIXES = {".pdf"}
TEXT_SUFFIXES = {".txt", ".text", ".md"}
SUPPORTED_SUFFIXES = PDF_SUFFIXES | TEXT_SUFFIXES

PAGE_NUMBER = re.compile(r"^(?:Sida|Sid|Page)\s+\d+\s*(?:\(\s*\d+\s*\)|av\s+\d+|of\s+\d+)?$", re.I)
BARE_PAGE_NUMBER = re.compile(r"^[-–]?\s*\d{1,4}\s*[-–]?$")
PDFIUM_CHAR_LIMIT = 32767


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


def check_readable(path: Path) -> None:
    """The checks `read_document` starts with, without reading the pages (for uploads).

    A PDF is opened (header, encryption, page tree) but its pages are not laid out or OCR'd;
    a text file is decoded. Raises ExtractionError like `read_document`.
    """
    if not path.is_file():
        raise ExtractionError(path, "not a regular file")
    if path.stat().st_size == 0:
        raise ExtractionError(path, "empty file (0 bytes)")
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        _, document, _ = _open_pdf(path)
        document.close()
    elif suffix in TEXT_SUFFIXES:
        _read_text(path)
    else:
        raise ExtractionError(path, f"unsupported file type {suffix or '(none)'}")


# ----------------------------------------------------------------------------- PDF


def _open_pdf(path: Path) -> tuple[PdfReader, pdfium.PdfDocument, int]:
    """The file opened by pypdf (metadata, checks) and by pdfium (pages), and its page count."""
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
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise ExtractionError(path, f"corrupt or truncated PDF ({_short(exc)})") from exc
    return reader, document, page_count


def _read_pdf(path: Path) -> RawDocument:
    sha = file_sha256(path)
    reader, document, page_count = _open_pdf(path)
    pages: list[Page] = []
    heights: list[float] = []
    unreadable: list[int] = []
    pictured: set[int] = set()
    try:
        for number in range(1, page_count + 1):
            try:
                lines, height, images = _pdf_page_lines(document, reader, number - 1)
                if not lines and images:
                    pictured.add(number)
            except Exception:
                unreadable.append(number)
                lines, height = [], 842.0
            pages.append(Page(number=number, lines=lines))
            heights.append(height)
    finally:
        document.close()
    if unreadable and len(unreadable) == page_count:
        raise ExtractionError(path, "corrupt or truncated PDF (no page could be read)")
    failed, not_read = _read_images(path, pages, unreadable, pictured)
    if not any(line.text for page in pages for line in page.lines):
        if not pictured:
            raise ExtractionError(path, "no text in PDF (blank pages)")
        problem = f"OCR could not read any page ({failed[0][1]})" if failed else "OCR read no text"
        raise ExtractionError(path, f"no text layer (image-only or scanned PDF); {problem}")
    _strip_margins(pages, heights)
    meta = _pdf_info(reader)
    problems = [(n, f"page {n} could not be read") for n in unreadable]
    if not_read:
        problems += [(n, f"page {n} is an image without text; {not_read}") for n in pictured]
    problems += [(n, f"page {n}: OCR could not read it ({error})") for n, error in failed]
    return RawDocument(
        path=str(path),
        name=path.name,
        sha256=sha,
        kind="pdf",
        pages=pages,
        info_title=meta.get("title"),
        info_subject=meta.get("subject"),
        problems=[text for _, text in sorted(problems)],
    )


def _read_images(
    path: Path, pages: list[Page], unreadable: list[int], pictured: set[int]
) -> tuple[list[tuple[int, OcrError]], str | None]:
    """OCR the pages that show images but no text, when Tesseract with Swedish is installed.

    Without it a document with no text at all is refused, and the empty pages of a document
    with text elsewhere stay empty (the second value says why). A page OCR cannot read stays
    empty like a page pdfium cannot read; its number and error are returned.
    """
    blank = [p for p in pages if not p.lines and p.number in pictured]
    if not blank:
        return [], None
    status = ocr_status()
    if not status.available:
        if len(blank) + len(unreadable) == len(pages):
            raise ExtractionError(
                path,
                "no text layer (image-only or scanned PDF) and OCR is unavailable: "
                + status.message,
            )
        return [], "OCR is unavailable: " + status.message
    read = ocr_pages(path, [page.number - 1 for page in blank])
    failed = []
    for page in blank:
        lines = read[page.number - 1]
        if isinstance(lines, OcrError):
            failed.append((page.number, lines))
        else:
            page.lines, page.ocr = lines, True
    return failed, None


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


def _pdf_page_lines(
    document: pdfium.PdfDocument, reader: PdfReader, index: int
) -> tuple[list[TextLine], float, bool]:
    """The lines of one page, the page's height (points), and whether a page without text
    shows images (a scan, for OCR).

    pdfium keeps at most PDFIUM_CHAR_LIMIT characters of a page; a page that reaches it (a
    generated file with megabytes of text on one page) is read as plain lines with pypdf, so
    no text is lost.
    """
    page = document[index]
    try:
        height = float(page.get_height())
        textpage = page.get_textpage()
        try:
            if pdfium_c.FPDFText_CountChars(textpage.raw) >= PDFIUM_CHAR_LIMIT:
                lines = _plain_page_lines(reader, index)
            else:
                lines = page_lines(textpage.raw, height, page_grids(page.raw, height))
        finally:
            textpage.close()
        cleaned = [replace(line, text=clean_text(line.text)) for line in lines]
        kept = [line for line in cleaned if line.text]
        return kept, height, not kept and _shows_images(page.raw)
    finally:
        page.close()


def _shows_images(page: Any) -> bool:
    """Whether a pdfium page (`FPDF_PAGE`) draws an image or a form that may hold one."""
    return any(
        pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(page, i))
        in (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM)
        for i in range(pdfium_c.FPDFPage_CountObjects(page))
    )


def _plain_page_lines(reader: PdfReader, index: int) -> list[TextLine]:
    text = reader.pages[index].extract_text() or ""
    return [TextLine(text=line) for line in text.splitlines() if line.strip()]


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
                if line.y is not None and line.cell is None and (line.y > top or line.y < bottom)
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
