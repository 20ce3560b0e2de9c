"""Records from report tables: indicator rows, activities and budget lines.

The layout step has already put every cell under its column header; what is left is reading
the headers (`indexer.commitments.columns`), the values (`indexer.commitments.values`)
and a few shapes PDFs leave:
an indicator row drawn bold and taken for a header, activity rows whose header was lost, and
budget sub-rows ("varav ...") written inside their parent's name cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from indexer.commitments.columns import (
    activity_columns,
    budget_columns,
    indicator_columns,
    is_date,
    table_kind,
)
from indexer.commitments.records import Record
from indexer.commitments.values import (
    Value,
    clean_cell,
    is_mark,
    parse_value,
    split_trailing_numbers,
)
from indexer.models import Table

NOTE_LABEL = re.compile(r"^(Analys|Kommentar)\s*:?\s*", re.I)
VARAV = re.compile(r"\s+(?=varav\s)", re.I)
PERIOD = re.compile(
    r"^(?:Tertial(?:\s*\d)?(?:\s+(?:19|20)\d{2})?|(?:VB\s*)?(?:19|20)\d{2}|År|Månad|Kvartal|Halvår)$",
    re.I,
)
"""What the period or periodicity column holds: 'Tertial 1 2021', 'VB 2024', '2024', 'År'."""
PERIOD_TAIL = re.compile(r"^(.*?\S)\s+((?:Tertial\s*\d\s+)?(?:VB\s*)?(?:19|20)\d{2})$")
NAME_TAIL = re.compile(r"\s+(nämnd\s*/\s*s\s*t?\s*y?\s*r?\s*e?\s*l?\s*s?\s*e?)$", re.I)

MakeRecord = Callable[..., Record]
"""Builds a record with the section's source filled in: make(kind, name, pages, **fields)."""


@dataclass
class TableContext:
    """What earlier tables of the document tell about later ones."""

    year: int | None
    indicator_header: list[str] | None = None


def table_records(table: Table, context: TableContext, make: MakeRecord) -> list[Record]:
    """All records one table holds (none for tables that are not about commitments)."""
    header, start = _effective_header(table, context)
    kind = table_kind(header) if header else None
    if kind == "indicator":
        context.indicator_header = header
        return _indicators(table, header, start, make)
    if kind == "activity":
        return _activities(table, header, start, make)
    if kind == "budget":
        return _budget_lines(table, header, start, context.year, make)
    return _headerless_activities(table, make)


def _effective_header(table: Table, context: TableContext) -> tuple[list[str], int]:
    """The header to read the table with, and the index of its first data row.

    A row of values under no known header, as wide as the last indicator table, continues
    that table (a bold indicator row is taken for a header row by the layout step).
    """
    header = table.header
    if table_kind(header) is not None:
        return header, table.header_rows
    last = context.indicator_header
    same_width = bool(table.rows) and all(len(r) == len(last or []) for r in table.rows)
    if last and same_width and _looks_like_indicator_row(table.rows[0]):
        return last, 0
    return header, table.header_rows


def _looks_like_indicator_row(row: list[str]) -> bool:
    name = clean_cell(row[0])
    values = [parse_value(c) for c in row[1:]]
    numbers = [v for v in values if v is not None and v.number is not None]
    return bool(name) and not name[0].isdigit() and len(numbers) >= 1


def _note(table: Table, index: int) -> str | None:
    note = table.notes.get(index)
    if not note:
        return None
    text = NOTE_LABEL.sub("", note.strip()).strip()
    return text or None


def _page(table: Table, index: int) -> list[int]:
    return table.pages_of(index)


@dataclass
class _Row:
    cells: list[str]
    page: list[int]
    note: str | None


def _indicator_rows(table: Table, start: int) -> list[_Row]:
    """Body rows with PDF damage undone.

    A status mark drawn left of the name ("● Sjukfrånvaro dag 1-14") pushes the row one column
    right (see `_unshift`); a row without a name holds the second lines of the row above
    ("tyrelse", "VB 2024").
    """
    rows: list[_Row] = []
    for index in range(start, len(table.rows)):
        cells = list(table.rows[index])
        note = _note(table, index)
        if index == 0 and table.header_rows and table.leading:
            note = NOTE_LABEL.sub("", " ".join(table.leading)).strip() or None
        if len(cells) > 2 and is_mark(cells[0]) and _is_name(cells[1]):
            cells = _unshift(cells)
        if is_mark(cells[0]) and rows:
            _merge_into(rows[-1], cells, note)
            continue
        rows.append(_Row(cells=cells, page=_page(table, index), note=note))
    return rows


def _unshift(cells: list[str]) -> list[str]:
    """A row whose name sits in the second column, read by what the last column holds.

    The last column is the period. When it holds one ("VB 2024"), only the name and a lone
    first figure were pushed right, and the other figures stand in their own columns. When it
    holds a target and the period together ("Tas fram av nämnd VB 2024") or no period at all,
    the whole row was pushed right: every figure moves back one column.
    """
    name, figures = cells[1], cells[2:]
    last = clean_cell(figures[-1])
    if PERIOD.match(last):
        out = [name, "", *figures]
        if not out[2].strip() or out[3].strip():
            return out
        return [name, out[2], "", *out[3:]]
    merged = PERIOD_TAIL.match(last)
    if merged:
        return [name, *figures[:-1], merged.group(1), merged.group(2)]
    return [name, *figures, ""]


def _is_name(text: str) -> bool:
    cleaned = clean_cell(text)
    value = parse_value(cleaned)
    return len(cleaned) > 3 and value is not None and value.number is None


def _merge_into(row: _Row, cells: list[str], note: str | None) -> None:
    for i, cell in enumerate(cells[1:], start=1):
        if i < len(row.cells) and cell.strip():
            row.cells[i] = f"{row.cells[i]} {cell}".strip()
    if note:
        row.note = f"{row.note} {note}" if row.note else note


def _mend_dangling(row: _Row, columns: dict[int, str]) -> None:
    """'Tas fram av' whose last word ('nämnd/ styrelse') was taken into the name cell."""
    match = NAME_TAIL.search(row.cells[0])
    if not match:
        return
    for i in columns:
        if i and i < len(row.cells) and row.cells[i].rstrip().endswith(" av"):
            row.cells[i] = f"{row.cells[i].rstrip()} {match.group(1)}"
            row.cells[0] = row.cells[0][: match.start()]
            return


def _indicators(table: Table, header: list[str], start: int, make: MakeRecord) -> list[Record]:
    columns = indicator_columns(header)
    out: list[Record] = []
    for row in _indicator_rows(table, start):
        _mend_dangling(row, columns)
        cells = {f: clean_cell(row.cells[i]) for i, f in columns.items() if i < len(row.cells)}
        name = cells.pop("name", "") or clean_cell(row.cells[0])
        if not name or not any(cells.values()):
            continue
        values: dict[str, Value] = {}
        labels: dict[str, str] = {}
        for i, field in columns.items():
            if field in ("name", "period", "periodicity") or i >= len(row.cells):
                continue
            value = parse_value(row.cells[i])
            if value is not None:
                values[field] = value
                labels[field] = " ".join(header[i].split())
        period = cells.get("period") or cells.get("periodicity") or None
        out.append(
            make(
                "indicator",
                name,
                row.page,
                values=values,
                labels=labels,
                period=period,
                analysis=row.note,
            )
        )
    return out


def _activities(table: Table, header: list[str], start: int, make: MakeRecord) -> list[Record]:
    columns = activity_columns(header)
    out: list[Record] = []
    for index in range(start, len(table.rows)):
        row = table.rows[index]
        cells = {field: clean_cell(row[i]) for i, field in columns.items() if i < len(row)}
        name = cells.get("name", "")
        if not re.search(r"[A-Za-zÅÄÖåäö]", name):
            continue
        out.append(
            make(
                "activity",
                name,
                _page(table, index),
                start=cells.get("start") or None,
                end=cells.get("end") or None,
                deviation=cells.get("deviation") or None,
                analysis=_note(table, index),
            )
        )
    return out


def _headerless_activities(table: Table, make: MakeRecord) -> list[Record]:
    """Rows shaped like activities (text, start date, end date) in a table without header."""
    out: list[Record] = []
    for index, row in enumerate(table.rows):
        dates = [i for i, cell in enumerate(row) if is_date(cell)]
        texts = [clean_cell(c) for c in row[: dates[0]] if len(clean_cell(c)) > 3] if dates else []
        if len(dates) < 2 or not texts:
            continue
        tail = [clean_cell(c) for c in row[dates[1] + 1 :] if clean_cell(c)]
        out.append(
            make(
                "activity",
                texts[-1],
                _page(table, index),
                start=row[dates[0]].strip(),
                end=row[dates[1]].strip(),
                deviation=tail[0] if tail else None,
                analysis=_note(table, index),
            )
        )
    return out


def _budget_lines(
    table: Table, header: list[str], start: int, year: int | None, make: MakeRecord
) -> list[Record]:
    columns = budget_columns(header, year)
    if not columns:
        return []
    ordered = sorted(columns)
    title = " ".join(header[0].split()) or None
    labels_all = {columns[i]: " ".join(header[i].split()) for i in ordered}
    out: list[Record] = []
    parent: str | None = None
    pending: str | None = None
    for index in range(start, len(table.rows)):
        row = table.rows[index]
        name_cell = clean_cell(row[0])
        cells = [row[i] if i < len(row) else "" for i in ordered]
        if not name_cell and pending:
            name_cell, pending = pending, None
        elif not name_cell:
            continue
        lines = _split_varav(name_cell, cells)
        if lines and lines[-1][0].lower().startswith("varav") and not any(lines[-1][1]):
            pending = lines.pop()[0]
        for position, (name, figures) in enumerate(lines):
            values = _budget_values(figures, ordered, columns)
            if not values:
                continue
            is_sub = position > 0 or name.lower().startswith("varav") or name[:1].islower()
            if not is_sub:
                parent = name
            out.append(
                make(
                    "budget",
                    name,
                    _page(table, index),
                    values=values,
                    labels={k: labels_all[k] for k in values},
                    table=title,
                    parent=parent if is_sub else None,
                )
            )
    return out


def _split_varav(name_cell: str, cells: list[str]) -> list[tuple[str, list[str]]]:
    """The row's own line and the "varav" sub-lines written inside its name cell."""
    parts = VARAV.split(name_cell)
    head = parts[0]
    lines: list[tuple[str, list[str]]] = [(head, cells)]
    for part in parts[1:]:
        name, figures = split_trailing_numbers(part)
        lines.append((name, figures))
    return lines


def _budget_values(
    figures: list[str], ordered: list[int], columns: dict[int, str]
) -> dict[str, Value]:
    """Figures matched to columns left to right (sub-lines may lack the last columns)."""
    values: dict[str, Value] = {}
    for i, text in zip(ordered, figures, strict=False):
        value = parse_value(text)
        if value is not None and value.number is not None:
            values[columns[i]] = value
    return values
