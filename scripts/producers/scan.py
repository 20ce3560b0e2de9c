"""Scanner producer: pages rasterised and rebuilt as an image-only PDF, as a scanner delivers.

Every page of another producer's PDF is rendered to a greyscale JPEG with pdftoppm and the
images are wrapped, unchanged, into a PDF with img2pdf. The result has no text layer at all.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from scripts.producers import tools


def produce(source_pdf: Path, out_pdf: Path, pdftoppm: str, img2pdf: str, dpi: int = 200) -> Path:
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rapportsok-scan-") as tmp:
        prefix = Path(tmp) / "page"
        tools.run(
            [
                pdftoppm,
                "-r",
                str(dpi),
                "-gray",
                "-jpeg",
                "-jpegopt",
                "quality=70",
                str(source_pdf),
                str(prefix),
            ],
            timeout=1800,
        )
        pages = sorted(Path(tmp).glob("page-*.jpg"))
        if not pages:
            raise RuntimeError(f"pdftoppm rendered no pages of {source_pdf.name}")
        tools.run(
            [img2pdf, "--pagesize", "A4", "-o", str(out_pdf), *map(str, pages)],
            timeout=600,
        )
    return out_pdf
