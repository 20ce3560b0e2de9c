"""Turn a report's text version into structure: title blocks, headings, paragraphs, lists, tables.

Two kinds of text version exist in ../shared/corpus/txt:

* clean text: one paragraph per line, blank lines between blocks, table rows as tab-separated
  cells (a header row repeated where the original table continued on a new page);
* raw PDF-extracted text: lines wrapped at the page width (a wrapped line ends with a space),
  table cells run together on one line or spread over several.

Both come out as the same `Report` model, which every producer renders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

# ----------------------------------------------------------------------------- the model


@dataclass
class Heading:
    level: int  # 1 inriktningsmål / main section, 2 verksamhetsområdesmål, 3 nämndmål, 4 sub
    text: str


@dataclass
class Paragraph:
    text: str
    style: str = "body"  # body | assessment | note


@dataclass
class ListBlock:
    items: list[str]
    ordered: bool = False


@dataclass
class Table:
    kind: str  # indicator | activity | budget | other
    header: list[str]
    rows: list[list[str]]  # a row whose first cell starts with "Analys" spans the table


@dataclass
class Toc:
    entries: list[tuple[str, str]]  # (title, page)


@dataclass
class TitleBlock:
    handlaggare: str
    till: list[str]
    telefon: str
    title: str


@dataclass
class Cover:
    lines: list[str]


@dataclass
class PageBreak:
    pass


Block = Heading | Paragraph | ListBlock | Table | Toc | TitleBlock | Cover | PageBreak


@dataclass
class Part:
    """A run of pages with one running header: the whole report, or one unit of a bundle."""

    unit: str | None
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Report:
    stem: str
    district: str
    administration: str  # "Hässelby-Vällingbys stadsdelsförvaltning"
    label: str  # "Tertialrapport 1 2021": right side of the running header
    kind_line: str  # "Tjänsteutlåtande" or the department
    parts: list[Part]

    @property
    def title(self) -> str:
        return f"{self.label} {self.district}"

    def blocks(self) -> list[Block]:
        return [b for p in self.parts for b in p.blocks]


# ----------------------------------------------------------------------------- patterns

GOAL_LABELS = {
    "KF:s inriktningsmål:": 1,
    "KF:s mål för verksamhetsområdet:": 2,
    "Nämndmål:": 3,
    "Enhetsmål:": 3,
}
GOAL_LINE = re.compile(
    r"^(KF:s inriktningsmål:|KF:s mål för verksamhetsområdet:|Nämndmål:|Enhetsmål:)"
)
NUMBERED = re.compile(r"^(\d+(?:\.\d+){0,2})\.?\s+([A-ZÅÄÖ].*)$")
MAIN_SECTIONS = {
    "Inledning",
    "Förslag till beslut",
    "Bilagor",
    "Innehållsförteckning",
    "Sammanfattande analys",
    "Uppföljning av Kommunfullmäktiges inriktningsmål",
    "Uppföljning av ekonomi",
    "Redovisning av ekonomi",
    "Särskilda redovisningar",
    "Samverkan med andra nämnder och bolag",
    "Systematiskt kvalitetsarbete",
    "Övriga ekonomiska redovisningar",
}
SECTION_WORDS = {
    "Analys",
    "Beskrivning",
    "Aktivitet",
    "Aktiviteter",
    "Indikator",
    "Indikatorer",
    "Förväntat resultat",
    "Goda exempel",
    "Bedömning",
    "Kommentar",
}
ASSESSMENT = re.compile(r"^[●•]?\s*Uppfylls (helt|delvis|inte)\b")
PERIODICITY = r"(?:Tertial|År|Halvår|Kvartal|Månad|Vartannat år)"
DATE = r"\d{4}-\d{2}-\d{2}"
INDICATOR_PLAN_HEADER = ["Indikator", "Årsmål", "KF:s årsmål", "Periodicitet"]
ACTIVITY_HEADER = ["Aktivitet", "Startdatum", "Slutdatum"]
LIST_ITEM = re.compile(r"^\s*[-•●▪]\s+(.*)$")
ORDERED_ITEM = re.compile(r"^(\d{1,2})\.\s+(.*)$")
REPORT_TITLE = re.compile(
    r"^(Verksamhetsplan|Tertialrapport|Verksamhetsberättelse)\b.*\bför\b", re.IGNORECASE
)


def table_kind(header: list[str]) -> str:
    first = header[0].strip().casefold() if header else ""
    joined = " ".join(header).casefold()
    if first.startswith("indikator"):
        return "indicator"
    if first.startswith("aktivitet"):
        return "activity"
    if "mnkr" in joined or "kostnader" in joined or "netto" in joined or "tkr" in joined:
        return "budget"
    return "other"


def inline(text: str) -> str:
    """Spaces squeezed; the stray markup of the text versions removed."""
    text = text.replace("<p>", " ").replace("</p>", " ")
    return re.sub(r"\s+", " ", text).strip()


# ----------------------------------------------------------------------------- report metadata

DISTRICTS = {
    "hasselby-vallingby": (
        "Hässelby-Vällingby stadsdelsnämnd",
        "Hässelby-Vällingbys stadsdelsförvaltning",
    ),
    "kungsholmen": ("Kungsholmens stadsdelsnämnd", "Kungsholmens stadsdelsförvaltning"),
}
LABELS = {
    "verksamhetsplan": "Verksamhetsplan",
    "tertialrapport-1": "Tertialrapport 1",
    "tertialrapport-2": "Tertialrapport 2",
    "verksamhetsberattelse": "Verksamhetsberättelse",
}


def report_identity(stem: str) -> tuple[str, str, str]:
    """(district, administration, label) from a file stem like district_year_type."""
    district_key, year, kind = [*stem.split("_"), "", ""][:3]
    district, administration = DISTRICTS.get(
        district_key, (district_key.replace("-", " ").title(), district_key.title())
    )
    base = kind.split("-socialtjanst")[0]
    label = f"{LABELS.get(base, base.title())} {year}".strip()
    return district, administration, label


# ----------------------------------------------------------------------------- clean text


def _cells(line: str) -> list[str]:
    """Cells of a tab line; a status mark (♀, ●) standing alone in the first cell dropped."""
    cells = [inline(c) for c in line.split("\t")]
    if cells:
        cells[0] = cells[0].strip("♀●•▪ ")
    return cells


def _is_toc_line(cells: list[str]) -> bool:
    return (len(cells) == 2 and bool(re.fullmatch(r"\d{1,3}", cells[1]))) or (
        len(cells) == 1 and cells[0].endswith(".....")
    )


def _toc_title(text: str) -> str:
    return re.sub(r"\.{3,}\s*$", "", text).strip()


def _heading_for(line: str, following: str | None) -> tuple[Heading, bool] | None:
    """A heading for this line (and whether it took the following line), or None."""
    text = inline(line)
    for label, level in GOAL_LABELS.items():
        if text == label and following and NUMBERED.match(inline(following)):
            return Heading(level, f"{label} {inline(following)}"), True
        if text == label and label == "Enhetsmål:" and following:
            return Heading(level, f"{label} {inline(following)}"), True
        if text.startswith(label) and len(text) > len(label) + 2:
            return Heading(level, text), False
    if text in MAIN_SECTIONS:
        return Heading(1, text), False
    match = NUMBERED.match(text)
    if match and len(text) < 200 and not text.endswith(":"):
        depth = match.group(1).count(".") + 1
        return Heading(depth, text), False
    return None


def _is_subheading(text: str, next_text: str | None) -> bool:
    if not text or len(text) > 80 or (text[-1] in ".,;:!?)" and not text.endswith("(SIP)")):
        return False
    if not (text[0].isupper() or text[0].isdigit()):
        return False
    if LIST_ITEM.match(text) or ASSESSMENT.match(text) or text.startswith("—"):
        return False
    if text.endswith("kr") or re.search(r"\d,\d", text):
        return False
    return next_text is None or len(next_text) > len(text)


def parse_clean(lines: list[str]) -> list[Block]:
    """Blocks from a clean text version (tabs between table cells)."""
    blocks: list[Block] = []
    i = 0
    n = len(lines)
    section = ""

    def next_nonblank(j: int) -> tuple[int, str | None]:
        while j < n and not lines[j].strip():
            j += 1
        return j, (lines[j] if j < n else None)

    while i < n:
        raw = lines[i].rstrip("\n")
        text = inline(raw)
        if not text:
            i += 1
            continue
        # title block: Handläggare ... Till ... report title
        if text == "Handläggare":
            j = i + 1
            taken: list[str] = []
            while j < n and not REPORT_TITLE.match(inline(lines[j])):
                if inline(lines[j]):
                    taken.append(inline(lines[j]))
                j += 1
            title = inline(lines[j]) if j < n else ""
            till_at = taken.index("Till") if "Till" in taken else len(taken)
            before, after = taken[:till_at], taken[till_at + 1 :]
            phone = next((t for t in taken if t.startswith("Telefon")), "")
            name = next((t for t in before if not t.startswith("Telefon")), "")
            till = [t for t in after if not t.startswith("Telefon")]
            blocks.append(TitleBlock(name, till, phone, title))
            i = j + 1
            continue
        if "\t" in raw:
            # a run of tab lines: a table of contents or a table
            j = i
            rows: list[list[str]] = []
            while j < n:
                if "\t" in lines[j]:
                    rows.append(_cells(lines[j].rstrip("\n")))
                    j += 1
                    continue
                last = rows[-1]
                if inline(lines[j]) and last[0].startswith("Analys") and not any(last[1:]):
                    # an analysis cell whose text runs on lines of its own
                    last[0] = f"{last[0]} {inline(lines[j])}"
                    j += 1
                    continue
                break
            if (
                all(_is_toc_line([c for c in r if c] or [""]) for r in rows)
                and section
                in (
                    "Innehållsförteckning",
                    "",
                )
            ) or all(
                len([c for c in r if c]) == 2 and re.fullmatch(r"\d{1,3}", r[-1]) for r in rows
            ):
                entries = [(_toc_title(r[0]), r[-1] if len(r) > 1 else "") for r in rows]
                if blocks and isinstance(blocks[-1], Toc):
                    blocks[-1].entries.extend(entries)
                else:
                    blocks.append(Toc(entries))
            else:
                _add_table(blocks, rows)
            i = j
            continue
        if section == "Innehållsförteckning" and text.endswith("....."):
            entry = (_toc_title(text), "")
            if blocks and isinstance(blocks[-1], Toc):
                blocks[-1].entries.append(entry)
            else:
                blocks.append(Toc([entry]))
            i += 1
            continue
        item = LIST_ITEM.match(raw)
        if item:
            items = []
            j = i
            while j < n:
                if not lines[j].strip():
                    k, nxt = next_nonblank(j)
                    if nxt is not None and LIST_ITEM.match(nxt):
                        j = k
                        continue
                    break
                m = LIST_ITEM.match(lines[j])
                if not m:
                    break
                items.append(inline(m.group(1)))
                j += 1
            blocks.append(ListBlock(items))
            i = j
            continue
        if section in ("Förslag till beslut", "Bilagor") and ORDERED_ITEM.match(text):
            items = []
            j = i
            while j < n:
                k, nxt = next_nonblank(j)
                if nxt is None:
                    j = k
                    break
                m = ORDERED_ITEM.match(inline(nxt))
                if not m:
                    break
                items.append(inline(m.group(2)))
                j = k + 1
            blocks.append(ListBlock(items, ordered=True))
            i = j
            continue
        k, following = next_nonblank(i + 1)
        found = _heading_for(raw, following)
        if found:
            heading, took = found
            blocks.append(heading)
            if heading.level == 1 and heading.text in MAIN_SECTIONS:
                section = heading.text
            elif heading.level <= 3:
                section = "goal"
            i = k + 1 if took else i + 1
            continue
        if ASSESSMENT.match(text) or (raw.startswith(" ") and re.match(r"^Uppfylls", text)):
            blocks.append(
                Paragraph(
                    "● " + ASSESSMENT.match(text).group(0).lstrip("●• ")
                    if ASSESSMENT.match(text)
                    else text,
                    "assessment",
                )
            )
            i += 1
            continue
        if _is_subheading(text, inline(following) if following else None):
            blocks.append(Heading(4, text))
            i += 1
            continue
        blocks.append(Paragraph(text))
        i += 1
    return _merge_split_tables(_expected_results(blocks))


def _expected_results(blocks: list[Block]) -> list[Block]:
    """The lines under "Förväntat resultat" are a list of results, not sub-headings."""
    out: list[Block] = []
    collecting = False
    for block in blocks:
        if isinstance(block, Heading) and block.text == "Förväntat resultat":
            out.append(block)
            collecting = True
            continue
        if (
            collecting
            and isinstance(block, Heading | Paragraph)
            and not (
                isinstance(block, Heading) and (block.level < 4 or block.text in SECTION_WORDS)
            )
            and not GOAL_LINE.match(block.text)
            and len(block.text) < 300
        ):
            if out and isinstance(out[-1], ListBlock) and not out[-1].ordered:
                out[-1].items.append(block.text)
            else:
                out.append(ListBlock([block.text]))
            continue
        if collecting and isinstance(block, ListBlock) and out and isinstance(out[-1], ListBlock):
            out[-1].items.extend(block.items)
            continue
        collecting = False
        out.append(block)
    return out


def _add_table(blocks: list[Block], rows: list[list[str]]) -> None:
    """Rows of one run of tab lines: a header row first, repeated headers dropped."""
    header = _header_cells(rows[0])
    rows = [header if _squeezed(r) == _squeezed(header) else r for r in rows]
    kind = table_kind(header)
    body: list[list[str]] = []
    after_repeat = False
    for row in rows[1:]:
        if row == header or (row[:2] == header[:2] and len(row) == len(header)):
            after_repeat = True
            continue
        cells = list(row)
        if kind == "indicator":
            if body and not cells[0] and not (len(cells) > 1 and _is_name(cells[1])):
                # the rest of a row broken by a page end: cell by cell into the row above
                prev = body[-1]
                for k, cell in enumerate(cells[: len(prev)]):
                    if cell:
                        prev[k] = f"{prev[k]} {cell}".strip()
                continue
            cells = _normalise_indicator_row(cells, len(header))
        cells = (cells + [""] * len(header))[: max(len(header), len(cells))]
        filled = [c for c in cells[1:] if c]
        first = cells[0]
        if body and not filled and not first.startswith("Analys") and kind == "indicator":
            # continuation of the cell above: a name or an analysis broken by a page end
            body[-1][0] = (
                body[-1][0] + ("\n" if body[-1][0].startswith("Analys") else " ") + first
            ).strip()
            continue
        if after_repeat and body and not filled and kind != "indicator":
            body[-1][0] = f"{body[-1][0]} {first}".strip()
            continue
        after_repeat = False
        body.append(cells[: len(header)] if len(cells) >= len(header) else cells)
    blocks.append(Table(kind, header, body))


def _squeezed(header: list[str]) -> list[str]:
    return [re.sub(r"\s+", "", h).casefold() for h in header]


BROKEN_HEADER_WORDS = {"kvinn or": "kvinnor", "Perio dens": "Periodens", "helå r": "helår"}


def _header_cells(cells: list[str]) -> list[str]:
    """Header words broken by a narrow column in the original joined again."""
    out = []
    for cell in cells:
        for broken, word in BROKEN_HEADER_WORDS.items():
            cell = cell.replace(broken, word)
        out.append(cell)
    return out


def _is_name(cell: str) -> bool:
    return len(cell) > 15 and bool(re.search(r"[a-zåäö]{4}", cell))


def _normalise_indicator_row(cells: list[str], width: int) -> list[str]:
    """One cell per column: a row drawn one column to the right moved back, a last cell
    holding both the KF target and the period split, a short row's tail kept right-aligned."""
    if len(cells) > 1 and not cells[0] and _is_name(cells[1]):
        cells = cells[1:]
    while len(cells) > width and not cells[-1]:
        cells = cells[:-1]
    if cells[0].startswith("Analys") or len(cells) >= width:
        return cells
    last = re.match(r"^(.*?\S)\s+((?:VB |Tertial \d )?\d{4})$", cells[-1])
    if last and len(cells) == width - 1 and re.search(r"[a-zåäö]{3}", last.group(1)):
        cells = [*cells[:-1], last.group(1), last.group(2)]
    if re.fullmatch(r"(?:VB |Tertial \d |T\d )?\d{4}|Tertial|År", cells[-1]):
        # the tail (targets, period) is right-aligned: empty cells are missing in between
        while len(cells) < width and any(cells[1:]):
            cells.insert(2, "")
    return cells


def _merge_split_tables(blocks: list[Block]) -> list[Block]:
    """A table continued on the next page (same header, nothing between) is one table."""
    out: list[Block] = []
    for block in blocks:
        if (
            isinstance(block, Table)
            and out
            and isinstance(out[-1], Table)
            and _squeezed(out[-1].header) == _squeezed(block.header)
        ):
            prev = out[-1]
            for row in block.rows:
                if prev.rows and block.kind == "indicator" and not row[0] and any(row):
                    for k, cell in enumerate(row[: len(prev.rows[-1])]):
                        if cell:
                            prev.rows[-1][k] = f"{prev.rows[-1][k]} {cell}".strip()
                    continue
                if (
                    prev.rows
                    and block.kind == "indicator"
                    and not any(row[1:])
                    and not row[0].startswith("Analys")
                ):
                    sep = "\n" if prev.rows[-1][0].startswith("Analys") else " "
                    prev.rows[-1][0] = prev.rows[-1][0] + sep + row[0]
                    continue
                prev.rows.append(row)
            continue
        out.append(block)
    return out


# ----------------------------------------------------------------------------- raw text

PLAN_VALUE = re.compile(
    r"(?:Tas fram av nämnd(?:/styrelse)?|Fastställs(?: (?:\d{4}|t\d|T\d))?|Fastställt(?: \d{4})?"
    r"|Max \d+ personer|Ökning|Minskning|Öka|Minska|öka|minska|-"
    r"|\d+(?:,\d+)? kg CO2 per kg livsmedel"
    r"|[+]/- ?\d+(?:,\d+)? ?%"
    r"|-?\d{1,3}(?: \d{3})+(?:,\d+)?(?: ?(?:%|st|kr|GWh|dagar|timmar))?"
    r"|-?\d+(?:,\d+)?(?: ?(?:%|st|kr|GWh|dagar|timmar))?)$"
)
BUDGET_NUMBER = re.compile(r"-?\d{1,3}(?: \d{3})*,\d+|-?\d+,\d+")


def _raw_blocks(lines: list[str]) -> list[list[str]]:
    """Lines grouped into blocks: a wrapped line (ending in a space, near full width) continues."""
    groups: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if not line.strip():
            if current:
                groups.append(current)
                current = []
            continue
        current.append(line)
        wrapped = line.endswith(" ") and len(line.rstrip()) > 70
        if not wrapped:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def _raw_header(text: str) -> list[str] | None:
    t = inline(text)
    if t == "Indikator Årsmål KF:s årsmål Periodicitet":
        return INDICATOR_PLAN_HEADER
    if t.startswith("Aktivitet Startdatum Slutdatum"):
        return ACTIVITY_HEADER
    m = re.match(
        r"^Budget (\d{4}) +\(mnkr\) Kostnader Intäkter "
        r"VP (\d{4}) Netto VP (\d{4})\* Netto Prognos (\w+)$",
        t,
    )
    if m:
        return [
            f"Budget {m.group(1)} (mnkr)",
            "Kostnader",
            "Intäkter",
            f"VP {m.group(2)} Netto",
            f"VP {m.group(3)}* Netto",
            f"Prognos {m.group(4)}",
        ]
    return None


def _split_plan_row(text: str) -> list[str] | None:
    m = re.match(rf"^(.*?)\s*({PERIODICITY})$", text)
    if not m:
        return None
    rest, period = m.group(1).strip(), m.group(2)
    rest = rest.replace("nämnd/styrel se", "nämnd/styrelse")
    values: list[str] = []
    while len(values) < 2:
        vm = PLAN_VALUE.search(rest)
        if not vm or (vm.start() > 0 and rest[vm.start() - 1] != " "):
            break
        candidate = rest[vm.start() :]
        # a thousands group must not eat the previous value ("25 st 800 st" stays two values)
        values.insert(0, candidate.strip())
        rest = rest[: vm.start()].rstrip()
    if not rest:
        return None
    if len(values) == 1:
        values.append("")
    while len(values) < 2:
        values.append("")
    return [rest, *values, period]


def parse_raw(lines: list[str]) -> list[Block]:
    """Blocks from a raw PDF-extracted text version."""
    lines = [ln.rstrip("\n") for ln in lines]
    blocks: list[Block] = []
    n = len(lines)
    i = 0
    table: Table | None = None

    def header_at(j: int) -> tuple[list[str], int] | None:
        t = inline(lines[j])
        found = _raw_header(t)
        if found:
            return found, j + 1
        if j + 1 < n and t.startswith("Budget"):
            found = _raw_header(t + " " + inline(lines[j + 1]))
            if found:
                return found, j + 2
        return None

    def stop_line(t: str) -> bool:
        return (
            bool(GOAL_LINE.match(t))
            or t in ("Förväntat resultat", "Beskrivning")
            or (t in MAIN_SECTIONS)
        )

    while i < n:
        t = inline(lines[i])
        if not t:
            i += 1
            continue
        found = header_at(i)
        if found:
            header, i = found
            if table is not None and table.header == header:
                continue  # the header repeated on a new page
            if table is not None:
                blocks.append(table)
            table = Table(table_kind(header), header, [])
            continue
        if table is not None and not stop_line(t):
            # rows: lines gathered until they end like a row of this table
            if t.startswith("Kommentar") and table.kind == "indicator":
                parts = [t]
                j = i + 1
                while not parts[-1].endswith(".") and j < n and len(parts) < 6:
                    if inline(lines[j]):
                        parts.append(inline(lines[j]))
                    j += 1
                table.rows.append([" ".join(parts)] + [""] * (len(table.header) - 1))
                i = j
                continue
            parts = []
            j = i
            row = None
            while j < n and len(parts) < 10:
                u = inline(lines[j])
                j += 1
                if not u:
                    continue
                if stop_line(u) or header_at(j - 1):
                    j -= 1
                    break
                parts.append(u)
                row = _table_row(table, parts)
                if row is not None:
                    break
            if row is not None:
                table.rows.append(row)
                i = j
                continue
            blocks.append(table)
            table = None
            # not a row: read on as text
        elif table is not None:
            blocks.append(table)
            table = None
        # prose: a group of wrapped lines
        group = [lines[i]]
        while (
            lines[i + len(group) - 1].endswith(" ")
            and len(lines[i + len(group) - 1].rstrip()) > 70
            and i + len(group) < n
            and inline(lines[i + len(group)])
            and not header_at(i + len(group))
        ):
            group.append(lines[i + len(group)])
        step = len(group)
        text = inline(" ".join(group))
        goal = GOAL_LINE.match(text)
        if goal:
            label = goal.group(1)
            rest = text[len(label) :].strip()
            j = i + step
            if not rest:
                while j < n and not inline(lines[j]):
                    j += 1
                parts = []
                # the goal's title: the numbered line, with its wrapped continuation
                while j < n and inline(lines[j]):
                    parts.append(inline(lines[j]))
                    ended = not lines[j].endswith(" ")
                    j += 1
                    if ended or len(parts) == 2:
                        break
                rest = " ".join(parts)
            else:
                # a title wrapped onto the next line
                pass
            blocks.append(Heading(GOAL_LABELS[label], f"{label} {rest}"))
            i = j
            continue
        if text == "Förväntat resultat":
            blocks.append(Heading(4, text))
            items: list[str] = []
            j = i + 1
            while j < n:
                u = inline(lines[j])
                if not u:
                    j += 1
                    if items and j < n and not inline(lines[j]):
                        break
                    continue
                if stop_line(u) or header_at(j) or len(items) > 12:
                    break
                m = LIST_ITEM.match(lines[j])
                starts_item = (
                    m is not None
                    or not items
                    or (u[0].isupper() and not lines[j - 1].endswith(" "))
                )
                piece = inline(m.group(1)) if m else u
                if starts_item:
                    items.append(piece)
                else:
                    items[-1] = f"{items[-1]} {piece}"
                j += 1
            if items:
                blocks.append(ListBlock(items))
            i = j
            continue
        item = LIST_ITEM.match(text)
        if item:
            if blocks and isinstance(blocks[-1], ListBlock) and not blocks[-1].ordered:
                blocks[-1].items.append(inline(item.group(1)))
            else:
                blocks.append(ListBlock([inline(item.group(1))]))
        elif text in MAIN_SECTIONS:
            blocks.append(Heading(1, text))
        elif step == 1 and len(text) < 70 and _is_subheading(text, None):
            blocks.append(Heading(4, text))
        elif blocks and isinstance(blocks[-1], Paragraph) and text[:1].islower():
            blocks[-1].text += " " + text
        else:
            blocks.append(Paragraph(text))
        i += step
    if table is not None:
        blocks.append(table)
    return blocks


def _table_row(table: Table, parts: list[str]) -> list[str] | None:
    text = inline(" ".join(parts))
    if table.kind == "indicator":
        return _split_plan_row(text)
    if table.kind == "activity":
        m = re.match(rf"^(.*?)\s*({DATE})\s+({DATE})$", text)
        if m and m.group(1):
            return [m.group(1), m.group(2), m.group(3)]
        return None
    if table.kind == "budget":
        m = re.match(r"^(.*?[^\d\s,-])\s+((?:-?[\d ]+,\d+\s*)+)$", text)
        if not m:
            return None
        numbers = BUDGET_NUMBER.findall(m.group(2))
        width = len(table.header) - 1
        if not numbers or len(numbers) > width:
            return None
        return [m.group(1), *numbers, *[""] * (width - len(numbers))]
    return None


# ----------------------------------------------------------------------------- whole reports


def _split_units(blocks: list[Block]) -> list[Part]:
    parts = [Part(None)]
    for block in blocks:
        if isinstance(block, TitleBlock):
            unit = " ".join(block.till) or None
            if parts[-1].blocks or parts[-1].unit is not None:
                parts.append(Part(unit))
            else:
                parts[-1].unit = unit
        parts[-1].blocks.append(block)
    return [p for p in parts if p.blocks]


def _cover(blocks: list[Block]) -> list[Block]:
    """The bundle's cover page (title, department, contents) before the first title block."""
    first = next((k for k, b in enumerate(blocks) if isinstance(b, TitleBlock)), None)
    if not first:
        return blocks
    lines = []
    for b in blocks[:first]:
        if isinstance(b, Heading | Paragraph):
            lines.append(b.text)
        elif isinstance(b, ListBlock):
            lines.extend(b.items)
    return [Cover(lines), *blocks[first:]]


def _page_breaks(blocks: list[Block]) -> list[Block]:
    """Breaks where the originals start a new page: before the contents and after them."""
    out: list[Block] = []
    for k, block in enumerate(blocks):
        if isinstance(block, Heading) and block.text == "Innehållsförteckning" and out:
            out.append(PageBreak())
        out.append(block)
        if isinstance(block, Toc) and not (k + 1 < len(blocks) and isinstance(blocks[k + 1], Toc)):
            # the bilagor list after the contents stays on the contents page
            nxt = blocks[k + 1] if k + 1 < len(blocks) else None
            if not (isinstance(nxt, Heading) and nxt.text == "Bilagor"):
                out.append(PageBreak())
    return out


def parse_report(path: Path) -> Report:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    is_clean = sum("\t" in ln for ln in lines) > 20
    blocks = parse_clean(lines) if is_clean else parse_raw(lines)
    blocks = _page_breaks(_cover(blocks))
    district, administration, label = report_identity(path.stem)
    parts = _split_units(blocks)
    kind_line = "Socialtjänstavdelningen" if "socialtjanst" in path.stem else "Tjänsteutlåtande"
    return Report(path.stem, district, administration, label, kind_line, parts)


def as_json(report: Report) -> dict[str, object]:
    """The report's structure as plain data: what every producer renders."""
    from dataclasses import asdict

    return {
        "stem": report.stem,
        "district": report.district,
        "label": report.label,
        "parts": [
            {
                "unit": part.unit,
                "blocks": [{"type": type(b).__name__, **asdict(b)} for b in part.blocks],
            }
            for part in report.parts
        ],
    }


def text_versions(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.txt"))
