"""Browser producer: the report as HTML, printed to PDF by headless Chromium.

A serif font, wider margins than the bundled PDFs, h1-h4 headings, tables with drawn borders
(the header row repeated by the browser on each page), and the running header and footer
placed by the browser itself (Chromium's displayHeaderFooter templates), the same on every
page whatever part of a bundle it is.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from scripts.producers.structure import (
    Cover,
    Heading,
    ListBlock,
    PageBreak,
    Paragraph,
    Report,
    Table,
    TitleBlock,
    Toc,
)

CSS = """
@page { size: A4; margin: 28mm 24mm 24mm 26mm; }
body { font-family: "Liberation Serif", "DejaVu Serif", serif; font-size: 11pt;
       line-height: 1.3; color: #111; }
h1 { font-size: 17pt; margin: 18pt 0 6pt; font-weight: bold; }
h2 { font-size: 14pt; margin: 14pt 0 5pt; font-weight: bold; }
h3 { font-size: 12.5pt; margin: 12pt 0 4pt; font-weight: bold; }
h4 { font-size: 11.5pt; margin: 10pt 0 3pt; font-weight: bold; font-style: italic; }
p { margin: 0 0 6pt; }
p.assessment { font-weight: bold; }
ul, ol { margin: 0 0 6pt 18pt; padding: 0; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; margin: 6pt 0 10pt;
        font-size: 9pt; }
th, td { border: 0.8pt solid #444; padding: 2pt 3pt; vertical-align: top; }
th { background: #e8e8e8; text-align: left; font-size: 8pt; }
th:first-child { width: 34%; }
td { overflow-wrap: anywhere; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
td.num { text-align: right; }
td.span { font-size: 8.5pt; }
table.titleblock { table-layout: auto; }
table.titleblock td { border: none; padding: 0 24pt 4pt 0; font-size: 10.5pt; }
table.titleblock .label { font-size: 8pt; color: #444; }
.title { font-size: 20pt; font-weight: bold; margin: 24pt 0 18pt; }
.toc p { margin: 0 0 2pt; display: flex; }
.toc .t { flex: 1; }
.toc .pg { padding-left: 8pt; }
.cover { font-size: 22pt; font-weight: bold; margin-top: 40mm; }
.break { page-break-after: always; }
.part { page-break-before: always; }
"""

HEADER = """<div style="font-family: 'Liberation Serif', serif; font-size: 8pt; width: 100%;
 margin: 0 26mm 0 26mm; display: flex; justify-content: space-between; color: #333;">
 <span>{left}</span><span style="text-align: right">{right_top}<br>{right_bottom}</span></div>"""
FOOTER = """<div style="font-family: 'Liberation Serif', serif; font-size: 8pt; width: 100%;
 margin: 0 24mm 0 26mm; text-align: right; color: #333;">Sida <span class="pageNumber"></span>
 (<span class="totalPages"></span>)</div>"""


def _text(text: str) -> str:
    escaped = html.escape(text)
    return re.sub(r"\*([^*]+)\*", r"<em>\1</em>", escaped).replace("\n", "<br>")


def _table(table: Table) -> str:
    n = len(table.header)
    out = ["<table>", "<thead><tr>"]
    out += [f"<th>{html.escape(h)}</th>" for h in table.header]
    out.append("</tr></thead><tbody>")
    for row in table.rows:
        if row[0].startswith(("Analys", "Kommentar")) and not any(row[1:]):
            word, _, rest = row[0].partition(" ")
            out.append(
                f'<tr><td class="span" colspan="{n}"><b>{html.escape(word)}</b> '
                f"{_text(rest)}</td></tr>"
            )
            continue
        cells = (row + [""] * n)[:n]
        tds = []
        for k, cell in enumerate(cells):
            cls = ' class="num"' if k and table.kind in ("indicator", "budget") else ""
            tds.append(f"<td{cls}>{_text(cell)}</td>")
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def build_html(report: Report) -> str:
    body: list[str] = []
    for k, part in enumerate(report.parts):
        body.append(f'<section class="{"part" if k else ""}">')
        for block in part.blocks:
            if isinstance(block, Heading):
                level = min(block.level, 4)
                body.append(f"<h{level}>{_text(block.text)}</h{level}>")
            elif isinstance(block, Paragraph):
                cls = ' class="assessment"' if block.style == "assessment" else ""
                body.append(f"<p{cls}>{_text(block.text)}</p>")
            elif isinstance(block, ListBlock):
                tag = "ol" if block.ordered else "ul"
                items = "".join(f"<li>{_text(i)}</li>" for i in block.items)
                body.append(f"<{tag}>{items}</{tag}>")
            elif isinstance(block, Table):
                body.append(_table(block))
            elif isinstance(block, Toc):
                rows = "".join(
                    f'<p><span class="t">{_text(t)}</span>'
                    f'<span class="pg">{html.escape(p)}</span></p>'
                    for t, p in block.entries
                )
                body.append(f'<div class="toc">{rows}</div>')
            elif isinstance(block, TitleBlock):
                till = "<br>".join(html.escape(t) for t in block.till)
                body.append(
                    '<table class="titleblock"><tr>'
                    '<td><span class="label">Handläggare</span><br>'
                    f"{html.escape(block.handlaggare)}</td>"
                    f'<td><span class="label">Till</span><br>{till}</td></tr></table>'
                )
                if block.telefon:
                    body.append(f"<p>{html.escape(block.telefon)}</p>")
                body.append(f'<div class="title">{html.escape(block.title)}</div>')
            elif isinstance(block, Cover):
                lines = "<br>".join(html.escape(x) for x in block.lines[:2])
                rest = "".join(f"<p>{html.escape(x)}</p>" for x in block.lines[2:])
                body.append(f'<div class="cover">{lines}</div>{rest}<div class="break"></div>')
            elif isinstance(block, PageBreak):
                body.append('<div class="break"></div>')
        body.append("</section>")
    return (
        '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">'
        f"<title>{html.escape(report.title)}</title><style>{CSS}</style></head><body>"
        + "\n".join(body)
        + "</body></html>"
    )


def produce(report: Report, out_pdf: Path, chromium: str) -> Path:
    from playwright.sync_api import sync_playwright

    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    page_html = out_pdf.parent / "source" / f"{out_pdf.stem}.html"
    page_html.parent.mkdir(exist_ok=True)
    page_html.write_text(build_html(report), encoding="utf-8")
    header = HEADER.format(
        left=html.escape(report.administration),
        right_top=html.escape(report.kind_line),
        right_bottom=html.escape(report.label),
    )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        try:
            page = browser.new_page()
            page.goto(page_html.resolve().as_uri(), wait_until="load")
            page.pdf(
                path=str(out_pdf),
                format="A4",
                display_header_footer=True,
                header_template=header,
                footer_template=FOOTER,
                margin={"top": "28mm", "bottom": "24mm", "left": "26mm", "right": "24mm"},
                print_background=True,
                prefer_css_page_size=True,
            )
        finally:
            browser.close()
    return out_pdf
