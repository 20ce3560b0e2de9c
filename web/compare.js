// Rapportsök – "Jämför över år": an indicator, goal or budget line side by side in every report.
//
// Plugs into app.js with registerView(). State lives in the URL:
//   ?view=compare&cq=<words>&ckind=indicators|goals|budget&cdistrict=<district>
// All report text goes into the page as text nodes (el() / textContent), never as HTML.
// The chart is inline SVG built with createElementNS; the CSV is built from the same model
// as the tables and downloaded through a Blob URL.

import { registerView, ApiError, el, docTypeLabel, goalLevelLabel, pdfUrl } from "./app.js";

// ------------------------------------------------------------------ constants

const KINDS = {
  indicators: {
    label: "Indikatorer",
    one: "indikator",
    many: "indikatorer",
    path: "/api/indicators",
    limit: 8,
    placeholder: "t.ex. andel barn i familjer med ekonomiskt bistånd",
  },
  goals: {
    label: "Mål",
    one: "mål",
    many: "mål",
    path: "/api/goals",
    limit: 8,
    placeholder: "t.ex. stöd och omsorg",
  },
  budget: {
    label: "Budget",
    one: "budgetrad",
    many: "budgetrader",
    path: "/api/budget",
    limit: 12,
    placeholder: "t.ex. äldreomsorg",
  },
};
const DEFAULT_KIND = "indicators";

const EXAMPLES = [
  { kind: "indicators", q: "Andel barn i familjer med ekonomiskt bistånd", district: "Hässelby-Vällingby" },
  { kind: "indicators", q: "Sjukfrånvaro", district: "" },
  { kind: "indicators", q: "Ekologiska livsmedel", district: "" },
  { kind: "goals", q: "Stöd och omsorg", district: "Hässelby-Vällingby" },
  { kind: "budget", q: "Äldreomsorg", district: "" },
];

const SHORT_DOC_TYPES = {
  verksamhetsplan: "VP",
  "tertialrapport-1": "T1",
  "tertialrapport-2": "T2",
  tertialrapport: "T",
  verksamhetsberattelse: "VB",
};
const DOC_TYPE_ORDER = ["verksamhetsplan", "tertialrapport-1", "tertialrapport-2", "tertialrapport", "verksamhetsberattelse"];

const TABLE_TYPES = {
  drift: "Driftbudget",
  omslutning: "Omslutningsförändringar",
  budgetjustering: "Budgetjustering",
};

// Budget values as rows, in this order. "net" (plans) and "budget" (tertial reports) are one row:
// both are the net budget of the year; the report's own label is shown in each cell.
const BUDGET_ROWS = [
  { key: "net_budget", label: "Netto/budget", fields: ["net", "budget"] },
  { key: "amount", label: "Belopp", fields: ["amount"] },
  { key: "outcome", label: "Utfall", fields: ["outcome"] },
  { key: "forecast", label: "Prognos", fields: ["forecast"] },
  { key: "forecast_after_transfers", label: "Prognos efter resultat\u00adöverföringar", fields: ["forecast_after_transfers"] },
  { key: "deviation", label: "Avvikelse", fields: ["deviation"] },
  { key: "adjustments", label: "Budgetjusteringar", fields: ["adjustments"] },
  { key: "volume_changes", label: "Volym- och omslutnings\u00adförändringar", fields: ["volume_changes"] },
  { key: "previous_net", label: "Föregående års netto", fields: ["previous_net"] },
  { key: "costs", label: "Kostnader", fields: ["costs"] },
  { key: "income", label: "Intäkter", fields: ["income"] },
];

const SVG_NS = "http://www.w3.org/2000/svg";
const NUMBER = new Intl.NumberFormat("sv-SE", { maximumFractionDigits: 2 });
const SCORE = new Intl.NumberFormat("sv-SE", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

// ------------------------------------------------------------------ small helpers

function reportName(entry) {
  if (entry.report) return entry.report;
  return [docTypeLabel(entry.doc_type), entry.year].filter(Boolean).join(" ");
}

function shortReport(entry) {
  const short = SHORT_DOC_TYPES[entry.doc_type];
  return short ? `${short} ${entry.year ?? ""}`.trim() : reportName(entry);
}

function reportOrder(entry) {
  const i = DOC_TYPE_ORDER.indexOf(entry.doc_type);
  return [entry.year ?? 0, i < 0 ? 99 : i];
}

function sourceUrl(entry, page) {
  if (page === undefined && entry.url) return entry.url;
  return pdfUrl(entry.doc_id, page ?? entry.page);
}

function absolute(url) {
  return new URL(url, location.href).href;
}

function truncate(text, max) {
  const clean = (text || "").replace(/\s+/g, " ").trim();
  return clean.length > max ? `${clean.slice(0, max - 1).trimEnd()}…` : clean;
}

function clean(text) {
  return (text || "").replace(/\s+/g, " ").trim();
}

function score(value) {
  return SCORE.format(value);
}

function assessmentInfo(text) {
  const t = (text || "").toLowerCase();
  if (t.includes("inte") || t.includes(" ej") || t.startsWith("ej")) return { cls: "assessment--no", symbol: "✕" };
  if (t.includes("delvis")) return { cls: "assessment--partly", symbol: "◐" };
  if (t.includes("helt") || t.includes("uppfylls")) return { cls: "assessment--yes", symbol: "✓" };
  return { cls: "", symbol: "" };
}

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

let uid = 0;
function nextId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** A link to a report page that opens in a new tab; `text` is the visible text. */
function sourceLink(text, entry, { page, className = "cell-link" } = {}) {
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

function emptyCell() {
  return [el("span", { className: "cell-empty", "aria-hidden": "true" }, "–"), el("span", { className: "visually-hidden" }, "inget värde")];
}

/** A figure cell: the figure's text linking to the source, with an optional small note. */
function figureCell(figure, entry, note) {
  if (!figure || !clean(figure.text)) return null;
  return {
    csv: clean(figure.text),
    node: [sourceLink(clean(figure.text), entry), note ? el("span", { className: "cell-note" }, note) : null],
  };
}

function textCell(text, entry, page) {
  if (!clean(text)) return null;
  return { csv: clean(text), node: sourceLink(clean(text), entry, { page }) };
}

function expander(summary, body, className = "cell-more") {
  return el("details", { className }, el("summary", {}, summary), body);
}

// ------------------------------------------------------------------ tables (model → DOM, CSV)

/**
 * table = { caption, title, columns: [{ label, notes: [node|string], csvLabel }],
 *           rows: [{ key, label, cells: [{ csv, node } | null], group? }] }
 */
function renderTable(table) {
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

function csvField(value) {
  let text = value === null || value === undefined ? "" : String(value).replace(/\u00ad/g, "");
  // A cell that starts like a formula would run in a spreadsheet; numbers ("-15,0") are kept.
  if (/^[=+\-@\t\r]/.test(text) && !/^-\d[\d\u00a0 ]*(,\d+)?( ?%)?$/.test(text)) text = `'${text}`;
  if (/[";\r\n]/.test(text) || /^\s|\s$/.test(text)) text = `"${text.replace(/"/g, '""')}"`;
  return text;
}

function tableCsvRows(table) {
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

// ------------------------------------------------------------------ indicators

const INDICATOR_ROWS = [
  { key: "target", label: "Årsmål" },
  { key: "kf_target", label: "KF:s årsmål" },
  { key: "outcome", label: "Utfall (period)" },
  { key: "outcome_men", label: "Utfall män/pojkar" },
  { key: "outcome_women", label: "Utfall kvinnor/flickor" },
  { key: "previous", label: "Föregående års utfall" },
  { key: "forecast", label: "Prognos helår" },
];
const ALWAYS_SHOWN = new Set(["target", "outcome", "goal", "assessment"]);

function indicatorTable(indicator) {
  const series = indicator.series || [];
  const names = indicator.names || [];
  const columns = series.map((entry) => {
    const notes = [];
    if (entry.page) notes.push(el("span", { className: "col-note" }, `s. ${entry.page}`));
    const renamed = clean(entry.name) && clean(entry.name) !== clean(indicator.name);
    if (typeof entry.match_score === "number" && (renamed || entry.match_score < 1)) {
      notes.push(el("span", {
        className: "col-score",
        title: "Hur lika namnet i den här rapporten är indikatorns namn (1 = samma)",
      }, `likhet ${score(entry.match_score)}`));
    }
    return { label: reportName(entry), csvLabel: reportName(entry), notes };
  });
  const rows = [];
  for (const def of INDICATOR_ROWS) {
    const cells = series.map((entry) => {
      const note = def.key === "previous" && entry.previous_label && entry.previous ? clean(entry.previous_label) : null;
      const cell = figureCell(entry[def.key], entry, note);
      if (cell && note) cell.csv = `${cell.csv} (${note})`;
      return cell;
    });
    rows.push({ key: def.key, label: def.label, cells });
  }
  rows.push({ key: "period", label: "Period", cells: series.map((entry) => textCell(entry.period, entry)) });
  if (names.length > 1) {
    rows.push({ key: "name", label: "Namn i rapporten", cells: series.map((entry) => textCell(entry.name, entry)) });
  }
  rows.push({
    key: "goal",
    label: "Under mål",
    cells: series.map((entry) => {
      if (!entry.goal || !(entry.goal.number || entry.goal.title)) return null;
      const text = [entry.goal.number, entry.goal.title].filter(Boolean).join(" ");
      const link = sourceLink(entry.goal.number || truncate(entry.goal.title, 40), entry);
      link.title = `${goalLevelLabel(entry.goal.level)} ${text}`;
      return {
        csv: text,
        node: [link, entry.goal.title ? el("span", { className: "cell-note", title: entry.goal.title }, truncate(entry.goal.title, 70)) : null],
      };
    }),
  });
  rows.push(analysisRow(series));
  const shown = rows.filter((row) => ALWAYS_SHOWN.has(row.key) || row.cells.some(Boolean));
  const hidden = rows.filter((row) => !shown.includes(row));
  return {
    kind: "indicators",
    caption: `${indicator.name}${indicator.district ? `, ${indicator.district}` : ""}${indicator.unit ? `, ${indicator.unit}` : ""}: värden per rapport`,
    title: [indicator.name, indicator.district, indicator.unit].filter(Boolean).join(" – "),
    columns,
    rows: shown,
    hiddenRows: hidden.map((r) => r.label),
    sources: series.map((entry) => absolute(sourceUrl(entry))),
  };
}

function pickUnit(figures, fallback) {
  const counts = new Map();
  for (const f of figures) if (f.unit) counts.set(f.unit, (counts.get(f.unit) || 0) + 1);
  let best = null;
  for (const [unit, n] of counts) if (!best || n > counts.get(best)) best = unit;
  return best || fallback || "";
}

function niceStep(raw) {
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * power;
}

function decimalsOf(step) {
  let d = 0;
  while (d < 4 && Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) > 1e-9) d += 1;
  return d;
}

function withUnit(value, unit, decimals) {
  const text = decimals === undefined
    ? NUMBER.format(value)
    : value.toLocaleString("sv-SE", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  if (!unit) return text;
  return unit === "%" ? `${text} %` : `${text} ${unit}`;
}

/** The indicator over time: target and outcome per report, as an accessible inline SVG. */
function indicatorChart(indicator) {
  const series = indicator.series || [];
  const all = series.flatMap((e) => [e.target, e.outcome]).filter((f) => f && typeof f.value === "number");
  const unit = pickUnit(all, indicator.measure);
  const usable = (f) => f && typeof f.value === "number" && Number.isFinite(f.value) && (!f.unit || !unit || f.unit === unit);
  const lines = [
    { key: "target", label: "Årsmål", points: [] },
    { key: "outcome", label: "Utfall", points: [] },
  ];
  let skipped = 0;
  series.forEach((entry, i) => {
    for (const line of lines) {
      const f = entry[line.key];
      if (usable(f)) line.points.push({ i, value: f.value, text: clean(f.text), entry });
      else if (f && clean(f.text)) skipped += 1;
    }
  });
  const count = lines.reduce((n, l) => n + l.points.length, 0);
  if (series.length < 2 || count < 2) {
    return el("p", { className: "chart-none" },
      series.length < 2
        ? "Diagrammet visas när indikatorn finns i minst två rapporter."
        : "Det finns för få siffror för ett diagram.");
  }

  const W = 440;
  const H = 220;
  const m = { top: 14, right: 18, bottom: 34, left: 52 };
  const values = lines.flatMap((l) => l.points.map((p) => p.value));
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (lo === hi) {
    const pad = Math.abs(lo) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep((hi - lo) / 4);
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil(hi / step) * step;
  if (lo < 0 && Math.min(...values) >= 0) lo = 0;
  const innerLeft = m.left + 18;
  const innerRight = W - m.right - 18;
  const xs = (i) => (series.length === 1 ? (innerLeft + innerRight) / 2 : innerLeft + ((innerRight - innerLeft) * i) / (series.length - 1));
  const y = (v) => m.top + (H - m.top - m.bottom) * (1 - (v - lo) / (hi - lo));

  const describe = lines
    .filter((l) => l.points.length)
    .map((l) => `${l.label}: ${l.points.map((p) => `${shortReport(p.entry)} ${p.text}`).join(", ")}`)
    .join(". ");
  const chart = svg("svg", {
    class: "chart-svg",
    viewBox: `0 0 ${W} ${H}`,
    role: "img",
    "aria-label": `Diagram över ${indicator.name}. ${describe}.`,
    focusable: "false",
  });

  const decimals = decimalsOf(step);
  const grid = svg("g", { class: "chart-grid" });
  for (let v = lo, n = 0; v <= hi + step / 2 && n < 12; v += step, n += 1) {
    const yy = y(v);
    grid.append(
      svg("line", { x1: m.left, x2: W - m.right, y1: yy, y2: yy }),
      svg("text", { x: m.left - 6, y: yy, class: "chart-tick", "text-anchor": "end", "dominant-baseline": "middle" }, withUnit(Number(v.toFixed(6)), unit === "%" ? "%" : "", decimals)),
    );
  }
  chart.append(grid);

  const axis = svg("g", { class: "chart-axis" },
    svg("line", { x1: m.left, x2: W - m.right, y1: H - m.bottom, y2: H - m.bottom }));
  series.forEach((entry, i) => {
    axis.append(svg("text", { x: xs(i), y: H - m.bottom + 18, class: "chart-xlabel", "text-anchor": "middle" }, shortReport(entry)));
  });
  chart.append(axis);

  for (const line of lines) {
    if (!line.points.length) continue;
    const g = svg("g", { class: `chart-series chart-series--${line.key}` });
    if (line.points.length > 1) {
      g.append(svg("polyline", {
        class: "chart-line",
        points: line.points.map((p) => `${xs(p.i).toFixed(1)},${y(p.value).toFixed(1)}`).join(" "),
      }));
    }
    for (const p of line.points) {
      const cx = xs(p.i);
      const cy = y(p.value);
      const title = svg("title", {}, `${line.label}, ${reportName(p.entry)}: ${p.text}`);
      const marker = line.key === "target"
        ? svg("rect", { x: cx - 5, y: cy - 5, width: 10, height: 10, transform: `rotate(45 ${cx} ${cy})` })
        : svg("circle", { cx, cy, r: 5.5 });
      g.append(svg("g", {
        class: `chart-point chart-point--${line.key}`,
        "data-value": String(p.value),
        "data-col": String(p.i),
      }, marker, title));
    }
    chart.append(g);
  }

  const legend = el("ul", { className: "chart-legend", "aria-label": "Förklaring" });
  for (const line of lines) {
    const swatch = svg("svg", { class: `legend-swatch chart-series--${line.key}`, viewBox: "0 0 28 12", "aria-hidden": "true", focusable: "false" },
      svg("line", { class: "chart-line", x1: 1, x2: 27, y1: 6, y2: 6 }),
      line.key === "target"
        ? svg("rect", { x: 10.5, y: 2.5, width: 7, height: 7, transform: "rotate(45 14 6)" })
        : svg("circle", { cx: 14, cy: 6, r: 4 }));
    legend.append(el("li", { className: `legend-item legend-item--${line.key}` }, swatch,
      line.key === "target" ? "Årsmål (romb, streckad linje)" : "Utfall (punkt, heldragen linje)",
      line.points.length ? null : el("span", { className: "legend-none" }, " – inga siffror")));
  }

  const unitText = unit ? ` (${unit})` : "";
  const caption = el("figcaption", { className: "chart-caption" },
    el("span", { className: "chart-title" }, `Årsmål och utfall per rapport${unitText}`),
    skipped ? el("span", { className: "chart-note" }, ` Värden utan siffra${unit ? " eller i annan enhet" : ""} visas bara i tabellen.`) : null);
  return el("figure", { className: "chart" }, caption, chart, legend);
}

function indicatorItem(indicator) {
  const series = indicator.series || [];
  const names = indicator.names || [];
  const table = indicatorTable(indicator);
  const years = [...new Set(series.map((e) => e.year).filter(Boolean))];
  const meta = [
    indicator.district,
    indicator.unit,
    indicator.measure ? `mäts i ${indicator.measure}` : null,
    `${series.length} ${series.length === 1 ? "rapport" : "rapporter"}`,
    years.length ? (years.length > 1 ? `${Math.min(...years)}–${Math.max(...years)}` : String(years[0])) : null,
  ].filter(Boolean);
  const body = el("div", { className: "compare-body" });
  if (names.length > 1) {
    body.append(el("div", { className: "names" },
      el("p", { className: "names-heading" }, `Namnet har ändrats mellan rapporterna (${names.length} lydelser):`),
      el("ul", { className: "names-list" }, ...names.map((n) => el("li", {}, n)))));
  }
  body.append(renderTable(table));
  if (table.hiddenRows.length) {
    body.append(el("p", { className: "table-note" }, `Tomma rader visas inte: ${table.hiddenRows.join(", ")}.`));
  }
  body.append(indicatorChart(indicator));
  return { heading: indicator.name, meta, body, table };
}

// ------------------------------------------------------------------ goals

function listCell(items, { many, render, csv }) {
  if (!items || !items.length) return null;
  const list = el("ul", { className: "cell-list" }, ...items.map((item) => el("li", {}, ...[render(item)].flat(Infinity))));
  const text = items.map((item) => `• ${csv(item)}`).join("\n");
  const node = items.length > 3
    ? expander(`${items.length} ${many}`, list)
    : list;
  return { csv: text, node };
}

function pageLink(entry, page) {
  if (!page) return null;
  return [" ", sourceLink(`s. ${page}`, entry, { page, className: "page-link" })];
}

function goalTable(goal) {
  const years = goal.years || [];
  const columns = years.map((entry) => {
    const label = entry.number ? `${reportName(entry)} · ${entry.number}` : reportName(entry);
    const notes = [];
    if (entry.unit && entry.unit !== goal.unit) notes.push(el("span", { className: "col-note" }, entry.unit));
    if (typeof entry.match_score === "number" && entry.match_score < 1) {
      notes.push(el("span", { className: "col-score", title: "Hur lika målet i den här rapporten är målet i de andra (1 = samma)" },
        `likhet ${score(entry.match_score)}`));
    }
    return { label, csvLabel: label, notes };
  });
  const rows = [];
  rows.push({
    key: "goal",
    label: "Mål",
    cells: years.map((entry) => {
      const text = [entry.number, entry.title].filter(Boolean).join(" ");
      if (!text) return null;
      return {
        csv: text,
        node: [
          sourceLink(text, entry, { className: "cell-link cell-link--goal" }),
          el("span", { className: "cell-note" }, goalLevelLabel(entry.level)),
        ],
      };
    }),
  });
  rows.push({
    key: "assessment",
    label: "Bedömning",
    cells: years.map((entry) => {
      if (!clean(entry.assessment)) return null;
      const info = assessmentInfo(entry.assessment);
      const link = sourceLink(clean(entry.assessment), entry, { className: `assessment assessment-link ${info.cls}` });
      if (info.symbol) link.prepend(el("span", { className: "assessment-symbol", "aria-hidden": "true" }, info.symbol));
      return { csv: clean(entry.assessment), node: link };
    }),
  });
  rows.push(analysisRow(years));
  rows.push({
    key: "expected_results",
    label: "Förväntat resultat",
    cells: years.map((entry) => listCell(entry.expected_results, {
      many: "förväntade resultat",
      render: (r) => [el("span", {}, r.text), pageLink(entry, r.page)],
      csv: (r) => `${clean(r.text)}${r.page ? ` (s. ${r.page})` : ""}`,
    })),
  });
  rows.push({
    key: "activities",
    label: "Aktiviteter",
    cells: years.map((entry) => listCell(entry.activities, {
      many: "aktiviteter",
      render: (a) => {
        const dates = [a.start, a.end].filter(Boolean).join(" – ");
        return [
          el("span", {}, a.name),
          dates ? el("span", { className: "cell-note" }, dates) : null,
          clean(a.deviation) ? el("span", { className: "cell-note" }, `Avvikelse: ${clean(a.deviation)}`) : null,
          clean(a.analysis) ? el("span", { className: "cell-note" }, clean(a.analysis)) : null,
          pageLink(entry, a.page),
        ];
      },
      csv: (a) => {
        const dates = [a.start, a.end].filter(Boolean).join("–");
        const extra = [dates, clean(a.deviation) ? `avvikelse: ${clean(a.deviation)}` : "", a.page ? `s. ${a.page}` : ""].filter(Boolean);
        return `${clean(a.name)}${extra.length ? ` (${extra.join(", ")})` : ""}`;
      },
    })),
  });
  rows.push({
    key: "indicators",
    label: "Indikatorer",
    cells: years.map((entry) => listCell(entry.indicators, {
      many: "indikatorer",
      render: (ind) => {
        const page = ind.page || entry.page;
        const target = ind.target && clean(ind.target.text);
        const outcome = ind.outcome && clean(ind.outcome.text);
        return [
          el("span", { className: "ind-name", title: clean(ind.name) }, `${truncate(ind.name, 90)}: `),
          sourceLink(`mål ${target || "–"}, utfall ${outcome || "–"}`, entry, { page, className: "cell-link ind-values" }),
        ];
      },
      csv: (ind) => `${clean(ind.name)}: mål ${(ind.target && clean(ind.target.text)) || "–"}, utfall ${(ind.outcome && clean(ind.outcome.text)) || "–"}`,
    })),
  });
  const shown = rows.filter((row) => ALWAYS_SHOWN.has(row.key) || row.cells.some(Boolean));
  const hidden = rows.filter((row) => !shown.includes(row));
  return {
    kind: "goals",
    caption: `${goal.title}${goal.district ? `, ${goal.district}` : ""}${goal.unit ? `, ${goal.unit}` : ""}: målet per rapport`,
    title: [goal.title, goal.district, goal.unit].filter(Boolean).join(" – "),
    columns,
    rows: shown,
    hiddenRows: hidden.map((r) => r.label),
    sources: years.map((entry) => absolute(sourceUrl(entry))),
  };
}

function goalItem(goal) {
  const years = goal.years || [];
  const table = goalTable(goal);
  const numbers = [...new Set(years.map((e) => e.number).filter(Boolean))];
  const assessed = years.filter((e) => clean(e.assessment));
  const meta = [
    goal.district,
    goal.unit,
    goalLevelLabel(goal.level),
    `${years.length} ${years.length === 1 ? "rapport" : "rapporter"}`,
    numbers.length > 1 ? `nummer ${numbers.join(" → ")}` : null,
  ].filter(Boolean);
  const body = el("div", { className: "compare-body" });
  const latest = years[years.length - 1];
  if (latest && Array.isArray(latest.path) && latest.path.length > 1) {
    body.append(el("p", { className: "goal-path" },
      el("span", { className: "visually-hidden" }, "Målets plats: "),
      latest.path.map((p) => [p.number, truncate(p.title, 60)].filter(Boolean).join(" ")).join(" › ")));
  }
  if (numbers.length > 1) {
    body.append(el("p", { className: "table-note" }, "Målnumren ändras mellan mandatperioderna; kolumnrubriken visar numret i just den rapporten."));
  }
  body.append(renderTable(table));
  if (table.hiddenRows.length) body.append(el("p", { className: "table-note" }, `Tomma rader visas inte: ${table.hiddenRows.join(", ")}.`));
  const badges = assessed.map((e) => {
    const info = assessmentInfo(e.assessment);
    return el("span", { className: `assessment assessment--small ${info.cls}` },
      info.symbol ? el("span", { className: "assessment-symbol", "aria-hidden": "true" }, info.symbol) : null,
      `${shortReport(e)}: ${clean(e.assessment)}`);
  });
  return { heading: goal.title, meta, body, table, badges };
}

// ------------------------------------------------------------------ budget

function budgetTable(lines) {
  const columnsByKey = new Map();
  for (const line of lines) {
    for (const entry of line.entries || []) {
      const key = reportName(entry);
      if (!columnsByKey.has(key)) columnsByKey.set(key, { key, entry });
    }
  }
  const columns = [...columnsByKey.values()].sort((a, b) => {
    const [ya, ta] = reportOrder(a.entry);
    const [yb, tb] = reportOrder(b.entry);
    return ya - yb || ta - tb || a.key.localeCompare(b.key, "sv");
  });
  const rows = [];
  for (const line of lines) {
    const typeText = TABLE_TYPES[line.table_type] || line.table_type;
    const group = el("span", { className: "budget-line" },
      el("span", { className: "budget-name" }, line.name),
      el("span", { className: "budget-meta" }, [typeText, line.parent ? `under ${line.parent}` : null, line.district].filter(Boolean).join(" · ")));
    rows.push({ group });
    const byColumn = columns.map((c) => (line.entries || []).filter((e) => reportName(e) === c.key));
    for (const def of BUDGET_ROWS) {
      const cells = byColumn.map((entries) => {
        const found = [];
        for (const entry of entries) {
          for (const field of def.fields) {
            const figure = entry.values && entry.values[field];
            if (!figure || !clean(figure.text)) continue;
            if (found.some((f) => f.text === clean(figure.text))) continue;
            found.push({ text: clean(figure.text), entry, label: clean((entry.labels || {})[field]) });
          }
        }
        if (!found.length) return null;
        return {
          csv: found.map((f) => f.text).join(" / "),
          node: found.map((f, i) => el("span", { className: "budget-value" },
            i ? el("span", { className: "cell-note" }, "och") : null,
            sourceLink(f.text, f.entry),
            f.label && f.label.toLowerCase() !== def.label.toLowerCase() ? el("span", { className: "cell-note" }, f.label) : null,
            found.length > 1 && f.entry.page ? el("span", { className: "cell-note" }, `${f.entry.table ? `${f.entry.table}, ` : ""}s. ${f.entry.page}`) : null)),
        };
      });
      if (cells.some(Boolean)) rows.push({ key: def.key, label: def.label, cells, line: line.id });
    }
  }
  const table = {
    kind: "budget",
    caption: "Budgetrader per rapport, mnkr",
    title: "Budget (mnkr)",
    corner: "Mnkr",
    columns: columns.map((c) => ({ label: c.key, csvLabel: c.key, notes: [] })),
    rows,
    sources: null,
  };
  return table;
}

function budgetCsvRows(table, lines) {
  const columns = table.columns.map((c) => c.csvLabel);
  const rows = [["Budgetrad", "Värde (mnkr)", ...columns]];
  for (const line of lines) {
    const name = [line.name, TABLE_TYPES[line.table_type] || line.table_type, line.parent, line.district].filter(Boolean).join(" – ");
    for (const row of table.rows) {
      if (row.group || row.line !== line.id) continue;
      rows.push([name, row.label, ...row.cells.map((cell) => (cell ? cell.csv : ""))]);
    }
    const urls = columns.map((report) => (line.entries || [])
      .filter((e) => reportName(e) === report)
      .map((e) => absolute(sourceUrl(e)))
      .filter((u, i, all) => all.indexOf(u) === i)
      .join(" "));
    if (urls.some(Boolean)) rows.push([name, "Källa", ...urls]);
  }
  return rows;
}

// ------------------------------------------------------------------ the view

const view = {
  section: null,
  ctx: null,
  ui: {},
  state: { q: "", kind: DEFAULT_KIND, district: "" },
  shownKey: null,
  lastParams: null,
  controller: null,
  sequence: 0,
  exports: [], // [{ details | null, rows() }]
  cache: new Map(),
};

function paramsFor(state) {
  const params = new URLSearchParams({ view: "compare" });
  if (state.q) params.set("cq", state.q);
  if (state.kind && state.kind !== DEFAULT_KIND) params.set("ckind", state.kind);
  else if (state.q) params.set("ckind", state.kind || DEFAULT_KIND);
  if (state.district) params.set("cdistrict", state.district);
  return params;
}

function stateFrom(params) {
  const kind = params.get("ckind");
  return {
    q: (params.get("cq") || "").replace(/\s+/g, " ").trim(),
    kind: KINDS[kind] ? kind : DEFAULT_KIND,
    district: (params.get("cdistrict") || "").trim(),
  };
}

function stateKey(state) {
  return JSON.stringify([state.kind, state.q, state.district]);
}

function mount(section, ctx) {
  view.section = section;
  view.ctx = ctx;
  section.classList.add("compare-view");
  section.removeAttribute("aria-label");
  section.setAttribute("aria-labelledby", "compare-heading");
  const ui = view.ui;

  ui.input = el("input", {
    className: "search-input",
    id: "cq",
    name: "cq",
    type: "search",
    autocomplete: "off",
    enterkeyhint: "search",
    maxlength: "500",
    spellcheck: "false",
    placeholder: KINDS[DEFAULT_KIND].placeholder,
    "aria-describedby": "compare-help",
  });
  ui.button = el("button", { className: "search-button", type: "submit" },
    el("span", { className: "spinner", "aria-hidden": "true" }),
    el("span", { className: "search-button-text" }, "Jämför"));

  ui.kinds = {};
  const kindGroup = el("fieldset", { className: "kind-switch" }, el("legend", { className: "kind-legend" }, "Jämför"));
  const kindOptions = el("div", { className: "kind-options" });
  for (const [id, kind] of Object.entries(KINDS)) {
    const radio = el("input", { type: "radio", name: "ckind", value: id, id: `ckind-${id}`, className: "kind-radio" });
    ui.kinds[id] = radio;
    kindOptions.append(el("label", { className: "kind-option", for: `ckind-${id}` }, radio, el("span", {}, kind.label)));
  }
  kindGroup.append(kindOptions);

  ui.district = el("select", { id: "cdistrict", name: "cdistrict" }, el("option", { value: "" }, "Alla stadsdelar"));
  const districtField = el("div", { className: "field compare-district" },
    el("label", { for: "cdistrict" }, "Stadsdel"), ui.district);

  ui.form = el("form", { className: "search-form compare-form", role: "search", action: "./", method: "get", novalidate: true },
    el("input", { type: "hidden", name: "view", value: "compare" }),
    el("label", { className: "search-label", for: "cq" }, "Sök en indikator, ett mål eller en budgetrad"),
    el("div", { className: "search-row" }, ui.input, ui.button),
    el("div", { className: "compare-options" }, kindGroup, districtField),
    el("p", { className: "search-help", id: "compare-help" },
      "Du får en tabell med ett värde per rapport – verksamhetsplan, tertialrapport och verksamhetsberättelse – och varje värde länkar till sidan i rapporten."));

  ui.examples = el("div", { className: "examples compare-examples" },
    el("h2", { className: "examples-heading", id: "compare-examples-heading" }, "Prova"),
    el("ul", { className: "examples-list", "aria-labelledby": "compare-examples-heading" },
      ...EXAMPLES.map((ex) => {
        const button = el("button", { type: "button", className: "example", dataset: { kind: ex.kind, q: ex.q, district: ex.district } },
          ex.q, el("span", { className: "example-kind" }, ` · ${KINDS[ex.kind].label}${ex.district ? `, ${ex.district}` : ""}`));
        return el("li", {}, button);
      })));

  ui.status = el("p", { className: "visually-hidden", role: "status", "aria-live": "polite" });
  ui.toolbar = el("div", { className: "compare-toolbar", hidden: true });
  ui.results = el("div", { className: "compare-results", "aria-busy": "false", "aria-labelledby": "compare-results-heading" });

  section.append(
    el("div", { className: "compare-intro" },
      el("h1", { id: "compare-heading", className: "compare-heading" }, "Jämför över år"),
      el("p", { className: "compare-lead" }, "Följ en indikator, ett mål eller en budgetrad genom stadsdelsnämndernas rapporter – mål mot utfall, år för år.")),
    ui.form,
    ui.examples,
    ui.status,
    ui.results,
  );

  ui.form.addEventListener("submit", (event) => {
    event.preventDefault();
    const q = ui.input.value.replace(/\s+/g, " ").trim();
    if (!q) {
      ui.input.focus();
      return;
    }
    go({ ...formState(), q }, { force: true });
  });
  for (const radio of Object.values(ui.kinds)) {
    radio.addEventListener("change", () => {
      ui.input.placeholder = KINDS[formState().kind].placeholder;
      if (view.state.q) go({ ...formState(), q: view.state.q });
    });
  }
  ui.district.addEventListener("change", () => {
    if (view.state.q) go({ ...formState(), q: view.state.q });
  });
  ui.examples.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("button.example") : null;
    if (!button) return;
    go({ q: button.dataset.q, kind: button.dataset.kind, district: button.dataset.district || "" });
    ui.input.focus({ preventScroll: true });
  });

  fillDistricts();
}

function formState() {
  const kind = Object.keys(view.ui.kinds).find((k) => view.ui.kinds[k].checked) || DEFAULT_KIND;
  return { q: view.ui.input.value.replace(/\s+/g, " ").trim(), kind, district: view.ui.district.value };
}

function go(state, { force = false } = {}) {
  if (force && stateKey(state) === view.shownKey) view.shownKey = null;
  const params = paramsFor(state);
  // The same comparison again (e.g. Enter twice) does not add a history entry.
  const same = params.toString() === new URLSearchParams(location.search).toString();
  view.ctx.navigate(params, { replace: same });
}

async function fillDistricts() {
  let facets = view.ctx.facets && view.ctx.facets();
  if (!facets) {
    try {
      facets = await view.ctx.api("/api/facets");
    } catch {
      return; // the search view reports facet errors; the select keeps "Alla stadsdelar"
    }
  }
  const select = view.ui.district;
  const wanted = view.state.district || select.value;
  select.replaceChildren(el("option", { value: "" }, "Alla stadsdelar"),
    ...(facets.districts || []).map((d) => el("option", { value: d }, d)));
  syncForm();
  if (wanted && select.value !== wanted) select.value = wanted;
}

function syncForm() {
  const { ui, state } = view;
  if (ui.input.value.replace(/\s+/g, " ").trim() !== state.q) ui.input.value = state.q;
  for (const [id, radio] of Object.entries(ui.kinds)) radio.checked = id === state.kind;
  ui.input.placeholder = KINDS[state.kind].placeholder;
  if (state.district && ![...ui.district.options].some((o) => o.value === state.district)) {
    ui.district.append(el("option", { value: state.district }, state.district));
  }
  ui.district.value = state.district;
}

function show(params) {
  const state = stateFrom(params);
  // Coming back through the tab (plain ?view=compare): the last comparison again.
  if (!state.q && !params.has("cdistrict") && !params.has("ckind") && view.lastParams) {
    const last = view.lastParams;
    view.lastParams = null;
    view.ctx.navigate(last, { replace: true });
    return;
  }
  view.state = state;
  syncForm();
  if (!state.q) {
    document.title = "Jämför över år – Rapportsök";
    if (view.controller) view.controller.abort();
    view.shownKey = null;
    renderIdle();
    return;
  }
  document.title = `${state.q} – Jämför över år – Rapportsök`;
  if (stateKey(state) === view.shownKey) return;
  run();
}

function hide() {
  if (view.state.q) view.lastParams = paramsFor(view.state);
  if (view.controller) {
    view.controller.abort();
    view.controller = null;
    setBusy(false);
    if (view.shownKey === null) renderIdle();
  }
}

function setBusy(busy) {
  view.ui.button.classList.toggle("is-busy", busy);
  view.ui.results.setAttribute("aria-busy", String(busy));
  view.section.classList.toggle("is-loading", busy);
}

function renderIdle() {
  view.ui.toolbar.hidden = true;
  view.ui.toolbar.replaceChildren();
  view.ui.results.replaceChildren();
  view.ui.examples.hidden = false;
  view.exports = [];
  view.ui.status.textContent = "";
}

function apiPath(state) {
  const kind = KINDS[state.kind];
  const query = new URLSearchParams({ q: state.q, limit: String(kind.limit) });
  if (state.district) query.set("district", state.district);
  return `${kind.path}?${query}`;
}

async function run() {
  const state = { ...view.state };
  const my = ++view.sequence;
  if (view.controller) view.controller.abort();
  view.controller = new AbortController();
  const { signal } = view.controller;
  const path = apiPath(state);
  view.ui.examples.hidden = true;
  view.shownKey = null;
  if (!view.cache.has(path)) {
    setBusy(true);
    renderLoading(state);
    view.ui.status.textContent = "Hämtar…";
  }
  try {
    let data = view.cache.get(path);
    if (!data) {
      data = await view.ctx.api(path, { signal });
      view.cache.set(path, data);
      if (view.cache.size > 30) view.cache.delete(view.cache.keys().next().value);
    }
    if (my !== view.sequence) return;
    renderResults(state, data);
    view.shownKey = stateKey(state);
  } catch (err) {
    if (my !== view.sequence || (err && err.name === "AbortError")) return;
    renderError(err);
  } finally {
    if (my === view.sequence) {
      setBusy(false);
      view.controller = null;
    }
  }
}

function renderLoading(state) {
  view.ui.toolbar.hidden = true;
  view.exports = [];
  view.ui.results.replaceChildren(
    el("h2", { className: "compare-results-heading", id: "compare-results-heading" }, KINDS[state.kind].label),
    el("p", { className: "loading-text" }, el("span", { className: "spinner spinner--inline", "aria-hidden": "true" }), "Hämtar värden ur rapporterna…"),
    el("div", { className: "card compare-skeleton", "aria-hidden": "true" },
      el("span", { className: "skeleton-line skeleton-title" }),
      el("span", { className: "skeleton-line" }),
      el("span", { className: "skeleton-line" }),
      el("span", { className: "skeleton-line" })),
  );
}

function renderError(err) {
  const message = err instanceof ApiError ? err.message : "Ett oväntat fel inträffade.";
  const status = err instanceof ApiError && err.status ? ` (felkod ${err.status})` : "";
  const retry = el("button", { type: "button", className: "button button--secondary" }, "Försök igen");
  retry.addEventListener("click", () => run());
  view.ui.toolbar.hidden = true;
  view.exports = [];
  view.ui.results.replaceChildren(
    el("h2", { className: "compare-results-heading", id: "compare-results-heading" }, KINDS[view.state.kind].label),
    el("div", { className: "notice notice--error", role: "alert" },
      el("p", { className: "notice-title" }, `Något gick fel${status}`),
      el("p", { className: "error-message" }, message),
      el("p", {}, retry)));
  view.ui.status.textContent = "Värdena kunde inte hämtas.";
}

function renderEmpty(state) {
  const notice = el("div", { className: "notice notice--empty" },
    el("p", { className: "notice-title" }, "Inga träffar"),
    el("p", {}, state.district
      ? `Hittade inga ${KINDS[state.kind].many} som matchar ”${state.q}” i ${state.district}. Prova andra ord, en annan stadsdel eller en annan typ.`
      : `Hittade inga ${KINDS[state.kind].many} som matchar ”${state.q}”. Prova andra eller färre ord, eller en annan typ.`));
  if (state.district) {
    const all = el("button", { type: "button", className: "button button--secondary" }, "Sök i alla stadsdelar");
    all.addEventListener("click", () => go({ ...state, district: "" }));
    notice.append(el("p", {}, all));
  }
  view.ui.results.replaceChildren(
    el("h2", { className: "compare-results-heading", id: "compare-results-heading" }, KINDS[state.kind].label), notice);
  view.ui.toolbar.hidden = true;
  view.exports = [];
  view.ui.status.textContent = "Inga träffar.";
}

function renderResults(state, data) {
  const kind = KINDS[state.kind];
  if (state.kind === "budget") {
    const lines = data.lines || [];
    if (!lines.length) return renderEmpty(state);
    const table = budgetTable(lines);
    view.exports = [{ details: null, rows: () => budgetCsvRows(table, lines) }];
    view.ui.results.replaceChildren(
      resultsHead(kind, lines.length, state, "Belopp i miljoner kronor. Under varje belopp står rapportens egen rubrik för värdet."),
      el("div", { className: "panel compare-panel" }, renderTable(table)));
    renderToolbar(state);
    view.ui.status.textContent = `${lines.length} ${lines.length === 1 ? kind.one : kind.many}.`;
    return;
  }
  const groups = state.kind === "goals" ? data.goals || [] : data.indicators || [];
  if (!groups.length) return renderEmpty(state);
  const list = el("ol", { className: "compare-list" });
  view.exports = [];
  groups.forEach((group, i) => {
    const item = state.kind === "goals" ? goalItem(group) : indicatorItem(group);
    const headingId = nextId("cmp-item");
    const details = el("details", { className: "card compare-item", dataset: { id: group.id } },
      el("summary", { className: "compare-summary" },
        el("h3", { className: "compare-item-title", id: headingId }, item.heading),
        el("span", { className: "compare-item-meta" }, item.meta.join(" · ")),
        item.badges && item.badges.length ? el("span", { className: "compare-badges" }, ...item.badges) : null),
      item.body);
    if (i === 0) details.open = true;
    details.addEventListener("toggle", updateExportNote);
    view.exports.push({ details, rows: () => tableCsvRows(item.table) });
    list.append(el("li", {}, details));
  });
  const threshold = typeof data.link_threshold === "number"
    ? ` Rapporterna kopplas ihop när ${state.kind === "goals" ? "målen" : "namnen"} liknar varandra (likhet minst ${score(data.link_threshold)}).`
    : "";
  const intro = groups.length === 1
    ? `En träff.${threshold}`
    : `${groups.length} träffar, bäst först. Öppna en träff för att se dess tabell.${threshold}`;
  view.ui.results.replaceChildren(resultsHead(kind, groups.length, state, intro), list);
  renderToolbar(state);
  view.ui.status.textContent = `${groups.length} ${groups.length === 1 ? kind.one : kind.many}.`;
}

function resultsHead(kind, count, state, note) {
  return el("div", { className: "compare-results-head" },
    el("div", { className: "compare-results-text" },
      el("h2", { className: "compare-results-heading", id: "compare-results-heading" },
        `${kind.label}`, el("span", { className: "compare-count" }, ` – ${count} ${count === 1 ? kind.one : kind.many}${state.district ? ` i ${state.district}` : ""}`)),
      el("p", { className: "compare-results-note" }, note)),
    view.ui.toolbar);
}

function renderToolbar(state) {
  const button = el("button", { type: "button", className: "button button--secondary export-button", "aria-describedby": "export-note" },
    el("span", { className: "export-icon", "aria-hidden": "true" }, "⤓"), "Exportera CSV");
  button.addEventListener("click", () => exportCsv(state));
  view.ui.exportButton = button;
  view.ui.exportNote = el("span", { className: "export-note", id: "export-note" });
  view.ui.toolbar.replaceChildren(button, view.ui.exportNote);
  view.ui.toolbar.hidden = false;
  updateExportNote();
}

function exportable() {
  return view.exports.filter((x) => !x.details || x.details.open);
}

function updateExportNote() {
  if (!view.ui.exportNote) return;
  const n = exportable().length;
  const total = view.exports.length;
  const kind = view.state.kind;
  let text;
  if (kind === "budget" || (n === 1 && total === 1)) text = "Tabellen som CSV för Excel.";
  else if (!n) text = "Öppna en träff för att kunna exportera dess tabell.";
  else if (n === total) text = `Alla ${n} tabeller som CSV för Excel.`;
  else if (n === 1) text = `Den öppna tabellen (1 av ${total}) som CSV för Excel.`;
  else text = `De ${n} öppna tabellerna (av ${total}) som CSV för Excel.`;
  view.ui.exportNote.textContent = text;
  view.ui.exportButton.disabled = n === 0;
}

function slug(text) {
  return (text || "")
    .toLowerCase()
    .replace(/[åä]/g, "a")
    .replace(/ö/g, "o")
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 50) || "jamforelse";
}

function exportCsv(state) {
  const chosen = exportable();
  if (!chosen.length) return;
  const today = new Date().toISOString().slice(0, 10);
  const rows = [[`Rapportsök – Jämför över år: ${KINDS[state.kind].label}`, state.q, state.district || "Alla stadsdelar", today]];
  for (const item of chosen) {
    rows.push([]);
    rows.push(...item.rows());
  }
  const text = `\uFEFF${rows.map((r) => r.map(csvField).join(";")).join("\r\n")}\r\n`;
  const blob = new Blob([text], { type: "text/csv;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const link = el("a", { href: url, download: `rapportsok-${state.kind}-${slug(state.q)}.csv`, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  view.ui.status.textContent = "CSV-filen har laddats ner.";
}

registerView({ id: "compare", label: "Jämför över år", mount, show, hide });

/** The "Analys" row: each report's analysis text behind an expander, with its source link. */
function analysisRow(entries) {
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
