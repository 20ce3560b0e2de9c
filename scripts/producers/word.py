"""Word-processor producer: a DOCX written with python-docx, exported to PDF by LibreOffice.

Word heading styles (Heading 1-4) for the goal hierarchy, Word tables with a repeated header
row and drawn borders, a header per part (the unit's name in a bundle), a footer with PAGE and
NUMPAGES fields ("Sida N (M)"), and Word's own bullet and number lists.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK, WD_PARAGRAPH_ALIGNMENT, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from scripts.producers import tools
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

BODY_FONT = "DejaVu Sans"
FIXED_TIME = dt.datetime(2024, 1, 1, 12, 0, 0)


def _field(paragraph, instruction: str) -> None:  # type: ignore[no-untyped-def]
    """A Word field (PAGE, NUMPAGES) with a placeholder result."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run._r.append(begin)
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    run = paragraph.add_run()
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run._r.append(sep)
    paragraph.add_run("1")
    run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def _repeat_header(row) -> None:  # type: ignore[no-untyped-def]
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _shade(cell, fill: str) -> None:  # type: ignore[no-untyped-def]
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def _styles(doc) -> None:  # type: ignore[no-untyped-def]
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(5)
    normal.paragraph_format.line_spacing = 1.1
    for name, size in (
        ("Heading 1", 15),
        ("Heading 2", 13),
        ("Heading 3", 11.5),
        ("Heading 4", 10.5),
    ):
        style = doc.styles[name]
        style.font.name = BODY_FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
        style.paragraph_format.space_before = Pt(12 if name != "Heading 4" else 8)
        style.paragraph_format.space_after = Pt(4)
        rfonts = style.element.rPr.rFonts
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            rfonts.set(qn(attr), BODY_FONT)
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(attr), None)
    title = doc.styles["Title"]
    title.font.name = BODY_FONT
    title.font.size = Pt(18)
    title.font.bold = True
    title.font.color.rgb = RGBColor(0, 0, 0)


def _header_footer(section, report: Report, unit: str | None) -> None:  # type: ignore[no-untyped-def]
    section.header.is_linked_to_previous = False
    section.footer.is_linked_to_previous = False
    header = section.header.paragraphs[0]
    header.text = ""
    run = header.add_run(report.administration)
    run.font.size = Pt(8)
    run.bold = True
    run = header.add_run("\t\t" + report.kind_line)
    run.font.size = Pt(8)
    second = section.header.add_paragraph()
    right = report.label if unit is None else f"{report.label} {unit}"
    if report.kind_line != "Tjänsteutlåtande":
        right = f"Verksamhetsberättelse {report.label.split()[-1]}" + (f" {unit}" if unit else "")
    run = second.add_run("\t\t" + right)
    run.font.size = Pt(8)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_PARAGRAPH_ALIGNMENT.RIGHT
    for piece in ("Sida ", "PAGE", " (", "NUMPAGES", ")"):
        if piece in ("PAGE", "NUMPAGES"):
            _field(footer, piece)
        else:
            footer.add_run(piece)
    for run in footer.runs:
        run.font.size = Pt(8)


def _italics(paragraph, text: str) -> None:  # type: ignore[no-untyped-def]
    """Text with *emphasis* as italic runs."""
    for k, piece in enumerate(re.split(r"\*([^*]+)\*", text)):
        if piece:
            paragraph.add_run(piece).italic = k % 2 == 1


def _column_widths(table: Table, total_cm: float) -> list[float]:
    n = len(table.header)
    if table.kind == "activity":
        first = total_cm - 2.4 * (n - 1)
        return [first] + [2.4] * (n - 1)
    if n <= 2:
        return [total_cm * 0.7, total_cm * 0.3][:n]
    first = total_cm * (0.26 if n >= 8 else 0.4) if n > 4 else total_cm * 0.5
    rest = (total_cm - first) / (n - 1)
    return [first] + [rest] * (n - 1)


def _table(doc, table: Table, total_cm: float) -> None:  # type: ignore[no-untyped-def]
    n = len(table.header)
    grid = doc.add_table(rows=1, cols=n)
    grid.style = doc.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    widths = _column_widths(table, total_cm)
    for k, column in enumerate(grid.columns):
        column.width = Cm(widths[k])
    head = grid.rows[0]
    _repeat_header(head)
    for k, text in enumerate(table.header):
        cell = head.cells[k]
        cell.width = Cm(widths[k])
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(8)
        _shade(cell, "DCE6F0")
    for row in table.rows:
        cells = grid.add_row().cells
        spanning = row[0].startswith(("Analys", "Kommentar")) and not any(row[1:])
        if spanning:
            merged = cells[0].merge(cells[n - 1])
            merged.text = ""
            for k, piece in enumerate(row[0].split("\n")):
                para = merged.paragraphs[0] if k == 0 else merged.add_paragraph()
                if k == 0 and piece.startswith(("Analys", "Kommentar")):
                    word, _, rest = piece.partition(" ")
                    para.add_run(word + " ").bold = True
                    para.add_run(rest)
                else:
                    para.add_run(piece)
                for run in para.runs:
                    run.font.size = Pt(8)
            continue
        for k in range(n):
            cell = cells[k]
            cell.width = Cm(widths[k])
            value = row[k] if k < len(row) else ""
            cell.text = ""
            run = cell.paragraphs[0].add_run(value)
            run.font.size = Pt(8)
            if k > 0 and table.kind in ("indicator", "budget"):
                cell.paragraphs[0].alignment = WD_PARAGRAPH_ALIGNMENT.RIGHT
    doc.add_paragraph()


def build_docx(report: Report, path: Path) -> None:
    doc = Document()
    doc.core_properties.created = FIXED_TIME
    doc.core_properties.modified = FIXED_TIME
    doc.core_properties.title = report.title
    doc.core_properties.author = report.administration
    _styles(doc)
    section = doc.sections[0]
    section.page_height = Cm(29.7)
    section.page_width = Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = Cm(2.4)
    section.bottom_margin = Cm(2.0)
    text_width = 21.0 - 4.4
    first_part = True
    for part in report.parts:
        if not first_part:
            section = doc.add_section(WD_SECTION.NEW_PAGE)
        first_part = False
        _header_footer(section, report, part.unit)
        for block in part.blocks:
            if isinstance(block, Heading):
                doc.add_heading(block.text, level=min(block.level, 4))
            elif isinstance(block, Paragraph):
                para = doc.add_paragraph()
                if block.style == "assessment":
                    para.add_run(block.text).bold = True
                else:
                    _italics(para, block.text)
            elif isinstance(block, ListBlock):
                for number, item in enumerate(block.items, start=1):
                    if block.ordered:
                        # typed numbers with a hanging indent, as a writer would
                        para = doc.add_paragraph()
                        para.paragraph_format.left_indent = Cm(0.8)
                        para.paragraph_format.first_line_indent = Cm(-0.8)
                        para.paragraph_format.tab_stops.add_tab_stop(Cm(0.8))
                        para.paragraph_format.space_after = Pt(2)
                        _italics(para, f"{number}.\t{item}")
                    else:
                        _italics(doc.add_paragraph(style="List Bullet"), item)
            elif isinstance(block, Table):
                _table(doc, block, text_width)
            elif isinstance(block, Toc):
                for title, page in block.entries:
                    para = doc.add_paragraph()
                    para.paragraph_format.space_after = Pt(2)
                    para.paragraph_format.tab_stops.add_tab_stop(
                        Cm(text_width), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
                    )
                    para.add_run(f"{title}\t{page}")
            elif isinstance(block, TitleBlock):
                grid = doc.add_table(rows=1, cols=2)
                left, right = grid.rows[0].cells
                left.text = ""
                left.paragraphs[0].add_run("Handläggare").font.size = Pt(8)
                left.add_paragraph(block.handlaggare)
                right.text = ""
                right.paragraphs[0].add_run("Till").font.size = Pt(8)
                right.add_paragraph("\n".join(block.till))
                if block.telefon:
                    doc.add_paragraph(block.telefon)
                doc.add_paragraph(block.title, style="Title")
            elif isinstance(block, Cover):
                for k, line in enumerate(block.lines):
                    if k < 2:
                        doc.add_paragraph(line, style="Title")
                    else:
                        doc.add_paragraph(line)
                doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            elif isinstance(block, PageBreak):
                doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.save(str(path))


def convert(docx: Path, out_pdf: Path, soffice: str) -> None:
    """LibreOffice's own PDF export, in a private profile so runs do not collide."""
    with tempfile.TemporaryDirectory(prefix="rapportsok-lo-") as tmp:
        profile = Path(tmp) / "profile"
        outdir = Path(tmp) / "out"
        outdir.mkdir()
        tools.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                str(docx),
            ],
            timeout=600,
        )
        produced = outdir / (docx.stem + ".pdf")
        if not produced.is_file():
            raise RuntimeError(f"LibreOffice wrote no PDF for {docx.name}")
        shutil.move(str(produced), out_pdf)


def produce(report: Report, out_pdf: Path, soffice: str, keep_docx: bool = True) -> Path:
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    # the DOCX goes beside the PDFs in source/, so the PDF folder holds only reports
    docx = out_pdf.parent / "source" / f"{out_pdf.stem}.docx"
    docx.parent.mkdir(exist_ok=True)
    build_docx(report, docx)
    convert(docx, out_pdf, soffice)
    if not keep_docx:
        docx.unlink()
    return out_pdf
