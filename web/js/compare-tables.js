// The compare view's results as tables: an indicator or a goal (one column per report) and
// budget lines (one row group per line).

import { clean, el, truncate } from "./dom.js";
import { indicatorChart } from "./chart.js";
import { goalLevelLabel } from "./labels.js";
import {
  absolute, analysisRow, assessmentInfo, figureCell, listCell, pageLink, reportName, reportOrder,
  score, shortReport, sourceLink, sourceUrl, textCell,
} from "./reports.js";
import { tableModel, tableWithNote } from "./table.js";

const INDICATOR_ROWS = [
  { key: "target", label: "Årsmål" },
  { key: "kf_target", label: "KF:s årsmål" },
  { key: "outcome", label: "Utfall (period)" },
  { key: "outcome_men", label: "Utfall män/pojkar" },
  { key: "outcome_women", label: "Utfall kvinnor/flickor" },
  { key: "previous", label: "Föregående års utfall" },
  { key: "forecast", label: "Prognos helår" },
];

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

/** "how alike" note in a column head, with its explanation as a tooltip. */
function scoreNote(value, title) {
  return el("span", { className: "col-score", title }, `likhet ${score(value)}`);
}

// ------------------------------------------------------------------ indicators

function indicatorTable(indicator) {
  const series = indicator.series || [];
  const names = indicator.names || [];
  const columns = series.map((entry) => {
    const notes = [];
    if (entry.page) notes.push(el("span", { className: "col-note" }, `s. ${entry.page}`));
    const renamed = clean(entry.name) && clean(entry.name) !== clean(indicator.name);
    if (typeof entry.match_score === "number" && (renamed || entry.match_score < 1)) {
      notes.push(scoreNote(entry.match_score, "Hur lika namnet i den här rapporten är indikatorns namn (1 = samma)"));
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
  rows.push({ key: "goal", label: "Under mål", cells: series.map(indicatorGoalCell) });
  rows.push(analysisRow(series));
  return tableModel({ kind: "indicators", name: indicator.name, of: indicator, what: "värden per rapport", columns, rows, entries: series });
}

function indicatorGoalCell(entry) {
  if (!entry.goal || !(entry.goal.number || entry.goal.title)) return null;
  const text = [entry.goal.number, entry.goal.title].filter(Boolean).join(" ");
  const link = sourceLink(entry.goal.number || truncate(entry.goal.title, 40), entry);
  link.title = `${goalLevelLabel(entry.goal.level)} ${text}`;
  return {
    csv: text,
    node: [link, entry.goal.title ? el("span", { className: "cell-note", title: entry.goal.title }, truncate(entry.goal.title, 70)) : null],
  };
}

/** An indicator: its table (one column per report) and its chart. */
export function indicatorItem(indicator) {
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
  body.append(...tableWithNote(table), indicatorChart(indicator));
  return { heading: indicator.name, meta, body, table };
}

// ------------------------------------------------------------------ goals

function goalCell(entry) {
  const text = [entry.number, entry.title].filter(Boolean).join(" ");
  if (!text) return null;
  return {
    csv: text,
    node: [
      sourceLink(text, entry, { className: "cell-link cell-link--goal" }),
      el("span", { className: "cell-note" }, goalLevelLabel(entry.level)),
    ],
  };
}

function assessmentCell(entry) {
  if (!clean(entry.assessment)) return null;
  const info = assessmentInfo(entry.assessment);
  const link = sourceLink(clean(entry.assessment), entry, { className: `assessment assessment-link ${info.cls}` });
  if (info.symbol) link.prepend(el("span", { className: "assessment-symbol", "aria-hidden": "true" }, info.symbol));
  return { csv: clean(entry.assessment), node: link };
}

function activitiesCell(entry) {
  return listCell(entry.activities, {
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
  });
}

function indicatorsCell(entry) {
  return listCell(entry.indicators, {
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
  });
}

function goalTable(goal) {
  const years = goal.years || [];
  const columns = years.map((entry) => {
    const label = entry.number ? `${reportName(entry)} · ${entry.number}` : reportName(entry);
    const notes = [];
    if (entry.unit && entry.unit !== goal.unit) notes.push(el("span", { className: "col-note" }, entry.unit));
    if (typeof entry.match_score === "number" && entry.match_score < 1) {
      notes.push(scoreNote(entry.match_score, "Hur lika målet i den här rapporten är målet i de andra (1 = samma)"));
    }
    return { label, csvLabel: label, notes };
  });
  const rows = [
    { key: "goal", label: "Mål", cells: years.map(goalCell) },
    { key: "assessment", label: "Bedömning", cells: years.map(assessmentCell) },
    analysisRow(years),
    {
      key: "expected_results",
      label: "Förväntat resultat",
      cells: years.map((entry) => listCell(entry.expected_results, {
        many: "förväntade resultat",
        render: (r) => [el("span", {}, r.text), pageLink(entry, r.page)],
        csv: (r) => `${clean(r.text)}${r.page ? ` (s. ${r.page})` : ""}`,
      })),
    },
    { key: "activities", label: "Aktiviteter", cells: years.map(activitiesCell) },
    { key: "indicators", label: "Indikatorer", cells: years.map(indicatorsCell) },
  ];
  return tableModel({ kind: "goals", name: goal.title, of: goal, what: "målet per rapport", columns, rows, entries: years });
}

/** A goal: its table (one column per report) and a badge per assessment. */
export function goalItem(goal) {
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
  body.append(...tableWithNote(table));
  const badges = assessed.map((e) => {
    const info = assessmentInfo(e.assessment);
    return el("span", { className: `assessment assessment--small ${info.cls}` },
      info.symbol ? el("span", { className: "assessment-symbol", "aria-hidden": "true" }, info.symbol) : null,
      `${shortReport(e)}: ${clean(e.assessment)}`);
  });
  return { heading: goal.title, meta, body, table, badges };
}

// ------------------------------------------------------------------ budget

function budgetCell(entries, def) {
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
}

/** Budget lines: one column per report (in report order), a row group per line. */
export function budgetTable(lines) {
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
      const cells = byColumn.map((entries) => budgetCell(entries, def));
      if (cells.some(Boolean)) rows.push({ key: def.key, label: def.label, cells, line: line.id });
    }
  }
  return {
    kind: "budget",
    caption: "Budgetrader per rapport, mnkr",
    title: "Budget (mnkr)",
    corner: "Mnkr",
    columns: columns.map((c) => ({ label: c.key, csvLabel: c.key, notes: [] })),
    rows,
    sources: null,
  };
}

/** The budget table as CSV: one row per line and value, then the line's source URLs. */
export function budgetCsvRows(table, lines) {
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
