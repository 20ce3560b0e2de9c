// A comparison table as a model, shown as an accessible HTML table and written as CSV rows.
//
// table = { kind, caption, title, corner?, columns: [{ label, notes: [node|string], csvLabel }],
//           rows: [{ key, label, cells: [{ csv, node } | null], group? }], sources? }

import { el } from "./dom.js";
import { absolute, sourceUrl } from "./reports.js";
import { state } from "./state.js";

// Rows shown even when every report leaves them empty.
const ALWAYS_SHOWN = new Set(["target", "outcome", "goal", "assessment"]);

/** A page-unique id for aria references. */
export function nextId(prefix) {
  state.compare.ids += 1;
  return `${prefix}-${state.compare.ids}`;
}

/**
 * The model of a table with one column per report (`entries`) for an indicator or a goal
 * (`name`, and the district and unit of `of`): rows where every report is empty are left
 * out (and named in hiddenRows); `sources` is each column's report URL.
 */
export function tableModel({ kind, name, of, what, columns, rows, entries }) {
  const shown = rows.filter((row) => ALWAYS_SHOWN.has(row.key) || row.cells.some(Boolean));
  const hidden = rows.filter((row) => !shown.includes(row));
  return {
    kind,
    caption: `${name}${of.district ? `, ${of.district}` : ""}${of.unit ? `, ${of.unit}` : ""}: ${what}`,
    title: [name, of.district, of.unit].filter(Boolean).join(" – "),
    columns,
    rows: shown,
    hiddenRows: hidden.map((r) => r.label),
    sources: entries.map((entry) => absolute(sourceUrl(entry))),
  };
}

function emptyCell() {
  return [el("span", { className: "cell-empty", "aria-hidden": "true" }, "–"), el("span", { className: "visually-hidden" }, "inget värde")];
}

export function renderTable(table) {
  const captionId = nextId("cmp-caption");
  const head = el("tr", {}, el("th", { scope: "col", className: "corner" }, table.corner || "Rapport"));
  table.columns.forEach((column, i) => {
    head.append(el("th", { scope: "col", className: "col-head", dataset: { col: String(i) } },
      el("span", { className: "col-label" }, column.label),
      ...(column.notes || []).filter(Boolean).map((n) => (n instanceof Node ? n : el("span", { className: "col-note" }, n)))));
  });
  const tbody = el("tbody");
  const bodies = [tbody];
  let current = tbody;
  for (const row of table.rows) {
    if (row.group) {
      current = el("tbody", { className: "row-group" });
      bodies.push(current);
      current.append(el("tr", { className: "group-row" },
        el("th", { scope: "rowgroup", colspan: String(table.columns.length + 1) }, row.group)));
      continue;
    }
    const tr = el("tr", { dataset: { row: row.key } }, el("th", { scope: "row" }, row.label));
    row.cells.forEach((cell, i) => {
      const td = el("td", { dataset: { col: String(i) }, className: cell ? null : "is-empty" });
      td.append(...(cell ? [cell.node].flat().filter(Boolean) : emptyCell()));
      tr.append(td);
    });
    current.append(tr);
  }
  return el("div", { className: "table-scroll", role: "region", tabindex: "0", "aria-labelledby": captionId },
    el("table", { className: `compare-table compare-table--${table.kind}` },
      el("caption", { id: captionId, className: "visually-hidden" }, table.caption),
      el("thead", {}, head),
      ...bodies.filter((b) => b.childElementCount)));
}

/** The table under the note that names its empty rows. */
export function tableWithNote(table) {
  const nodes = [renderTable(table)];
  if (table.hiddenRows.length) {
    nodes.push(el("p", { className: "table-note" }, `Tomma rader visas inte: ${table.hiddenRows.join(", ")}.`));
  }
  return nodes;
}

export function tableCsvRows(table) {
  const rows = [];
  if (table.title) rows.push([table.title]);
  rows.push([table.corner || "Rapport", ...table.columns.map((c) => c.csvLabel || c.label)]);
  for (const row of table.rows) {
    if (row.group) {
      rows.push([row.group]);
      continue;
    }
    rows.push([row.label, ...row.cells.map((cell) => (cell ? cell.csv : ""))]);
  }
  if (table.sources) rows.push(["Källa", ...table.sources]);
  return rows;
}
