// A report in the compare view's tables: its name, its order, links to its pages, and the
// cells that show one report's value.

import { pdfUrl } from "./api.js";
import { clean, el } from "./dom.js";
import { docTypeLabel, docTypeRank, docTypeShort } from "./labels.js";

const SCORE = new Intl.NumberFormat("sv-SE", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function score(value) {
  return SCORE.format(value);
}

/** "Tertialrapport 1 2021" (or the report's own name when the API gives one). */
export function reportName(entry) {
  if (entry.report) return entry.report;
  return [docTypeLabel(entry.doc_type), entry.year].filter(Boolean).join(" ");
}

/** "T1 2021", for chart axes. */
export function shortReport(entry) {
  const short = docTypeShort(entry.doc_type);
  return short ? `${short} ${entry.year ?? ""}`.trim() : reportName(entry);
}

/** [year, report type rank]: reports in the order they were written. */
export function reportOrder(entry) {
  return [entry.year ?? 0, docTypeRank(entry.doc_type)];
}

export function sourceUrl(entry, page) {
  if (page === undefined && entry.url) return entry.url;
  return pdfUrl(entry.doc_id, page ?? entry.page);
}

export function absolute(url) {
  return new URL(url, location.href).href;
}

export function assessmentInfo(text) {
  const t = (text || "").toLowerCase();
  if (t.includes("inte") || t.includes(" ej") || t.startsWith("ej")) return { cls: "assessment--no", symbol: "✕" };
  if (t.includes("delvis")) return { cls: "assessment--partly", symbol: "◐" };
  if (t.includes("helt") || t.includes("uppfylls")) return { cls: "assessment--yes", symbol: "✓" };
  return { cls: "", symbol: "" };
}

/** A link to a report page that opens in a new tab; `text` is the visible text. */
export function sourceLink(text, entry, { page, className = "cell-link" } = {}) {
  const p = page ?? entry.page;
  const where = p ? `${reportName(entry)}, sidan ${p}` : reportName(entry);
  return el("a", {
    className,
    href: sourceUrl(entry, page),
    target: "_blank",
    rel: "noopener",
    title: `${where} – öppnas i ny flik`,
    dataset: { docId: entry.doc_id, page: p ?? "" },
  }, el("span", { className: "cell-text" }, text), el("span", { className: "visually-hidden" }, ` (${where}, öppnas i ny flik)`));
}

export function pageLink(entry, page) {
  if (!page) return null;
  return [" ", sourceLink(`s. ${page}`, entry, { page, className: "page-link" })];
}

/** A figure cell: the figure's text linking to the source, with an optional small note. */
export function figureCell(figure, entry, note) {
  if (!figure || !clean(figure.text)) return null;
  return {
    csv: clean(figure.text),
    node: [sourceLink(clean(figure.text), entry), note ? el("span", { className: "cell-note" }, note) : null],
  };
}

export function textCell(text, entry, page) {
  if (!clean(text)) return null;
  return { csv: clean(text), node: sourceLink(clean(text), entry, { page }) };
}

function expander(summary, body, className = "cell-more") {
  return el("details", { className }, el("summary", {}, summary), body);
}

/** A list in a cell (behind an expander when long); in the CSV one "• item" a line. */
export function listCell(items, { many, render, csv }) {
  if (!items || !items.length) return null;
  const list = el("ul", { className: "cell-list" }, ...items.map((item) => el("li", {}, ...[render(item)].flat(Infinity))));
  const text = items.map((item) => `• ${csv(item)}`).join("\n");
  const node = items.length > 3
    ? expander(`${items.length} ${many}`, list)
    : list;
  return { csv: text, node };
}

/** The "Analys" row: each report's analysis text behind an expander, with its source link. */
export function analysisRow(entries) {
  return {
    key: "analysis",
    label: "Analys",
    cells: entries.map((entry) => {
      if (!clean(entry.analysis)) return null;
      return {
        csv: clean(entry.analysis),
        node: expander("Visa analys", el("div", { className: "cell-more-body" },
          el("p", {}, entry.analysis),
          el("p", {}, sourceLink(entry.page ? `Sidan ${entry.page} i PDF` : "Öppna rapporten", entry, { className: "pdf-link" })))),
      };
    }),
  };
}
