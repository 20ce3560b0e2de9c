"""OCR benchmark: seconds per page and word recall against the text-layer version of a report.

    python scripts/bench_ocr.py [SCANNED_PDF] [--text-pdf PDF] [--pages 6] [--dpi 200 300]
                                [--workers 2]

Reads the first `--pages` pages of an image-only PDF (the producer matrix's scanned reports)
at each resolution, once page by page (seconds per page, median) and once through the pool of
`--workers` Tesseract processes (wall seconds per page). Recall is the share of the text-layer
page's long words (6 letters or more, case-folded, each counted once per page) found on the
OCR'd page, summed over the pages.
"""

from __future__ import annotations

import argparse
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from indexer.reading.ocr import ocr_page, ocr_pages, ocr_status  # noqa: E402

NAME = "hasselby-vallingby_2021_verksamhetsplan.pdf"
SCANNED = ROOT / "var" / "producers" / "scanned" / NAME
TEXT = ROOT / "var" / "producers" / "libreoffice" / NAME
LONG_WORD = re.compile(r"[^\W\d_]{6,}")


def long_words(text: str) -> set[str]:
    return {w.casefold() for w in LONG_WORD.findall(text)}


def cpu_name() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    except OSError:
        return platform.processor() or "unknown CPU"
    for line in out.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def recall(reference: list[set[str]], found: list[set[str]]) -> float:
    wanted = sum(len(r) for r in reference)
    hit = sum(len(r & f) for r, f in zip(reference, found, strict=True))
    return hit / wanted if wanted else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scanned", nargs="?", type=Path, default=SCANNED)
    parser.add_argument("--text-pdf", type=Path, default=None, help="the text-layer version")
    parser.add_argument("--pages", type=int, default=6)
    parser.add_argument("--dpi", type=int, nargs="+", default=[200, 300])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    status = ocr_status()
    if not status.available:
        print(f"OCR unavailable: {status.message}", file=sys.stderr)
        return 1
    text_pdf = args.text_pdf or args.scanned.parents[1] / "libreoffice" / args.scanned.name
    reader = PdfReader(str(text_pdf))
    indexes = list(range(min(args.pages, len(reader.pages))))
    reference = [long_words(reader.pages[i].extract_text() or "") for i in indexes]
    print(f"{args.scanned.name}: {len(indexes)} pages; {status.message}; CPU {cpu_name()}")
    print(f"dpi  s/page (one at a time, median)  s/page (pool of {args.workers})  recall")
    for dpi in args.dpi:
        seconds, found = [], []
        for index in indexes:
            started = time.perf_counter()
            lines = ocr_page(args.scanned, index, dpi)
            seconds.append(time.perf_counter() - started)
            found.append(long_words(" ".join(line.text for line in lines)))
        started = time.perf_counter()
        ocr_pages(args.scanned, indexes, dpi, workers=args.workers)
        pooled = (time.perf_counter() - started) / len(indexes)
        print(
            f"{dpi:>3}  {statistics.median(seconds):>6.2f}{'':>27}{pooled:>6.2f}"
            f"{'':>15}{recall(reference, found):.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
