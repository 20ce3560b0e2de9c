"""The bundled corpus as the tests and scripts name it, and excerpts of its reports.

Imports no pytest: scripts/torture.py uses `excerpt` too.
"""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader, PdfWriter

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"

T1 = "hasselby-vallingby-2021-tertialrapport-1"
VP21 = "hasselby-vallingby-2021-verksamhetsplan"
VP24 = "hasselby-vallingby-2024-verksamhetsplan"
VB24 = "kungsholmen-2024-verksamhetsberattelse-socialtjanst"
FILES = {
    T1: "hasselby-vallingby_2021_tertialrapport-1.pdf",
    VP21: "hasselby-vallingby_2021_verksamhetsplan.pdf",
    VP24: "hasselby-vallingby_2024_verksamhetsplan.pdf",
    VB24: "kungsholmen_2024_verksamhetsberattelse-socialtjanst.pdf",
}


def excerpt(source: Path, target: Path, pages: int) -> None:
    """The first `pages` pages of a report, written to `target`."""
    reader = PdfReader(source)
    writer = PdfWriter()
    for page in reader.pages[:pages]:
        writer.add_page(page)
    with target.open("wb") as handle:
        writer.write(handle)


def image_only(source: Path, target: Path, pages: list[int], dpi: int = 150) -> None:
    """Pages of a report (0-based) as pictures in a PDF with no text layer, like a scan."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(source))
    try:
        images = [document[i].render(scale=dpi / 72, grayscale=True).to_pil() for i in pages]
    finally:
        document.close()
    images[0].save(target, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
