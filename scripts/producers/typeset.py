"""Typesetting producer: the report as Typst markup, compiled to PDF by the Typst compiler.

Unlike the other producers the page is A4 landscape with two text columns, so every page
holds two flows of text side by side and tables are set in a half-page column. The font is
Libertinus Serif (embedded in Typst), headings are Typst's own (bold, sizes relative to the
body), tables have thin rules and a header row Typst repeats after a page or column break,
the running header (administration left, report right) sits above a rule and the page
number is centred in the footer.
"""

from __future__ import annotations

import re
from pathlib import Path

from scripts.producers.structure import (
    Block,
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

PREAMBLE = """#set document(title: {title}, author: "Stockholms stad")
#set page(
  paper: "a4", flipped: true, columns: 2,
  margin: (top: 24mm, bottom: 20mm, left: 18mm, right: 18mm),
  header: [
    #set text(size: 8pt)
    #grid(columns: (1fr, auto), {left}, align(right)[#{right_top}#linebreak()#{right_bottom}])
    #v(-4pt)
    #line(length: 100%, stroke: 0.4pt)
  ],
  footer: context align(center, text(size: 8pt)[– #counter(page).display() –]),
)
#set columns(gutter: 12mm)
#set text(font: "Libertinus Serif", size: 10.5pt, lang: "sv")
#set par(justify: true, leading: 0.55em, spacing: 0.9em)
#show heading: set block(above: 1.1em, below: 0.6em)
#show heading.where(level: 1): set text(size: 15pt)
#show heading.where(level: 2): set text(size: 13pt)
#show heading.where(level: 3): set text(size: 11.5pt)
#show heading.where(level: 4): set text(size: 10.5pt, style: "italic")
#set table(stroke: 0.4pt, inset: (x: 3pt, y: 2.5pt))
#show table: set text(size: 8pt)
#show table: set par(justify: false)
#show table: set text(hyphenate: true)
"""


def _string(text: str) -> str:
    """A Typst string literal: nothing in the text can be read as markup."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _content(text: str) -> str:
    """Report text as Typst code: *x* is emphasised, a newline is a line break."""
    parts: list[str] = []
    for k, line in enumerate(text.split("\n")):
        if k:
            parts.append("#linebreak()")
        for j, piece in enumerate(re.split(r"\*([^*]+)\*", line)):
            if piece:
                parts.append(f"#emph({_string(piece)})" if j % 2 else f"#{_string(piece)}")
    return "".join(parts)


def _table(table: Table) -> str:
    n = len(table.header)
    widths = "(2.2fr, " + ", ".join(["1fr"] * (n - 1)) + ")" if n > 1 else "(1fr,)"
    cells = ["table.header(" + ", ".join(f"[*{_content(h)}*]" for h in table.header) + ")"]
    for row in table.rows:
        if row[0].startswith(("Analys", "Kommentar")) and not any(row[1:]):
            word, _, rest = row[0].partition(" ")
            cells.append(f"table.cell(colspan: {n})[*{_content(word)}* {_content(rest)}]")
            continue
        for k, cell in enumerate((row + [""] * n)[:n]):
            numeric = k and table.kind in ("indicator", "budget")
            body = f"[{_content(cell)}]"
            cells.append(f"table.cell(align: right){body}" if numeric else body)
    return f"#table(columns: {widths},\n  " + ",\n  ".join(cells) + ")\n"


def _block(block: Block) -> str:
    """One structural block as Typst code."""
    if isinstance(block, Heading):
        return f"#heading(level: {min(block.level, 4)})[{_content(block.text)}]"
    if isinstance(block, Paragraph):
        text = _content(block.text)
        return f"#par[*{text}*]" if block.style == "assessment" else f"#par[{text}]"
    if isinstance(block, ListBlock):
        items = ", ".join(f"[{_content(i)}]" for i in block.items)
        return f"#{'enum' if block.ordered else 'list'}({items})"
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Toc):
        rows = ", ".join(f"[{_content(t)}], align(right)[{_content(p)}]" for t, p in block.entries)
        return f"#grid(columns: (1fr, auto), row-gutter: 4pt, {rows})"
    if isinstance(block, TitleBlock):
        till = "#linebreak()".join(_content(t) for t in block.till)
        out = (
            "#grid(columns: (auto, auto), column-gutter: 24pt, "
            f"[#text(size: 7.5pt)[Handläggare]#linebreak(){_content(block.handlaggare)}], "
            f"[#text(size: 7.5pt)[Till]#linebreak(){till}])"
        )
        if block.telefon:
            out += f"\n\n#par[{_content(block.telefon)}]"
        title = _content(block.title)
        return (
            out + f'\n\n#block(above: 14pt, below: 12pt, text(size: 17pt, weight: "bold")[{title}])'
        )
    if isinstance(block, Cover):
        lines = "#linebreak()".join(_content(x) for x in block.lines[:2])
        rest = "".join(f"#par[{_content(x)}]" for x in block.lines[2:])
        return f'#v(30mm)#text(size: 20pt, weight: "bold")[{lines}]{rest}#pagebreak()'
    if isinstance(block, PageBreak):
        return "#pagebreak(weak: true)"
    return ""


def build_typst(report: Report) -> str:
    out = [
        PREAMBLE.replace("{title}", _string(report.title))
        .replace("{left}", _string(report.administration))
        .replace("{right_top}", _string(report.kind_line))
        .replace("{right_bottom}", _string(report.label))
    ]
    for k, part in enumerate(report.parts):
        if k:
            out.append("#pagebreak(weak: true)")
        out += [_block(block) for block in part.blocks]
    return "\n\n".join(out) + "\n"


def produce(report: Report, out_pdf: Path) -> Path:
    import typst

    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    source = out_pdf.parent / "source" / f"{out_pdf.stem}.typ"
    source.parent.mkdir(exist_ok=True)
    source.write_text(build_typst(report), encoding="utf-8")
    typst.compile(str(source), output=str(out_pdf))
    return out_pdf
