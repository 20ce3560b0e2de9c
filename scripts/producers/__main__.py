"""Re-produce the bundled reports through other PDF producers: the producer matrix.

    python -m scripts.producers                         # all producers into var/producers/
    python -m scripts.producers --out DIR --txt DIR --producer libreoffice --producer chromium

Reads the text versions (default ../shared/corpus/txt next to the checkout), turns each into
structure (headings, paragraphs, lists, tables, title blocks) and writes
DIR/<producer>/<stem>.pdf for every producer:

  libreoffice  a DOCX with Word styles and tables (kept in DIR/libreoffice/source/),
               exported by `soffice --headless --convert-to pdf`
  chromium     HTML (kept in DIR/chromium/source/) printed by headless Chromium: a serif
               font, the browser's own running header and footer
  typst        Typst markup (kept in DIR/typst/source/) compiled by the Typst compiler: A4
               landscape in two text columns, Libertinus Serif, thin-ruled tables
  scanned      the LibreOffice PDF rasterised at 200 dpi (pdftoppm) and rebuilt as an
               image-only PDF (img2pdf): no text layer at all
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCERS = ("libreoffice", "chromium", "typst", "scanned")


class ToolMissing(Exception):
    """A producer's program is not installed."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.producers",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--txt",
        type=Path,
        default=ROOT.parent / "shared" / "corpus" / "txt",
        help="folder of the reports' text versions (default: ../shared/corpus/txt)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "producers")
    parser.add_argument(
        "--producer", action="append", choices=PRODUCERS, help="only these (repeatable)"
    )
    parser.add_argument("--only", action="append", help="only reports whose stem contains this")
    parser.add_argument("--dpi", type=int, default=200, help="resolution of the scanned version")
    parser.add_argument("--check", action="store_true", help="only check that the tools exist")
    parser.add_argument(
        "--structure",
        action="store_true",
        help="print the structure read from the text versions as JSON and stop (no tools needed)",
    )
    args = parser.parse_args(argv)

    from scripts.producers import tools

    producers = args.producer or list(PRODUCERS)
    if not args.check:
        if not args.txt.is_dir():
            print(
                f"producers: no text versions at {args.txt}; give the folder of the reports' "
                ".txt files with --txt DIR",
                file=sys.stderr,
            )
            return 2
        from scripts.producers.structure import parse_report, text_versions

        sources = [
            p
            for p in text_versions(args.txt)
            if not args.only or any(o in p.stem for o in args.only)
        ]
        if not sources:
            print(f"producers: no .txt files in {args.txt}", file=sys.stderr)
            return 2
        if args.structure:
            import json

            from scripts.producers.structure import as_json

            print(json.dumps([as_json(parse_report(p)) for p in sources], ensure_ascii=False))
            return 0
    try:
        found = tools.require(producers)
    except ToolMissing as exc:
        print(f"producers: {exc}", file=sys.stderr)
        return 2
    if args.check:
        for name, path in found.items():
            print(f"{name}: {path}")
        return 0
    failures = 0
    for source in sources:
        report = parse_report(source)
        for producer in producers:
            target = args.out / producer / f"{source.stem}.pdf"
            started = time.perf_counter()
            try:
                _produce(producer, report, target, found, args)
            except Exception as exc:  # one report's failure does not stop the others
                failures += 1
                print(f"producers: {producer} failed on {source.name}: {exc}", file=sys.stderr)
                continue
            seconds = time.perf_counter() - started
            size = target.stat().st_size / 1024
            print(f"{producer:12} {target.relative_to(args.out)}  {size:,.0f} KB  {seconds:.1f} s")
    return 1 if failures else 0


def _produce(producer: str, report, target: Path, found: dict[str, str], args) -> None:  # type: ignore[no-untyped-def]
    if producer == "libreoffice":
        from scripts.producers import word

        word.produce(report, target, found["soffice"])
    elif producer == "chromium":
        from scripts.producers import browser

        browser.produce(report, target, found["chromium"])
    elif producer == "typst":
        from scripts.producers import typeset

        typeset.produce(report, target)
    elif producer == "scanned":
        from scripts.producers import scan, word

        source = args.out / "libreoffice" / target.name
        if not source.is_file():
            word.produce(report, source, found["soffice"])
        scan.produce(source, target, found["pdftoppm"], found["img2pdf"], dpi=args.dpi)


if __name__ == "__main__":
    raise SystemExit(main())
