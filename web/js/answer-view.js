// The answer panel: cited sentences or a year-by-year timeline, and the list of sources.

import { pdfUrl } from "./api.js";
import { el, pdfLink, spinnerText } from "./dom.js";
import { docTypeLabel, goalText } from "./labels.js";
import { errorNotice } from "./notices.js";
import { sectionText } from "./sections.js";
import { state } from "./state.js";

const KIND_LABELS = {
  timeline: "Utveckling över tid",
  indicator: "Indikator",
  passages: "Ur rapporterna",
};

const ui = state.search.ui;

function answerHead() {
  return el("div", { className: "answer-head" }, el("h2", { id: "answer-heading", className: "answer-heading" }, "Svar"));
}

export function skeletonLines(count, className = "skeleton-line") {
  return Array.from({ length: count }, () => el("span", { className }));
}

export function renderAnswerLoading() {
  ui.answer.className = "panel answer-panel is-loading";
  ui.answer.replaceChildren(
    answerHead(),
    el("div", { className: "skeleton", "aria-hidden": "true" }, ...skeletonLines(4)),
    spinnerText("Letar i rapporterna…"),
  );
}

export function renderAnswerError(err, onRetry) {
  ui.answer.className = "panel answer-panel is-error";
  ui.answer.replaceChildren(answerHead(), errorNotice(err, onRetry));
}

function citationMarker(citation) {
  const page = citation.page ? `, sidan ${citation.page}` : "";
  return el("a", {
    className: "cite",
    href: pdfUrl(citation.doc_id, citation.page),
    target: "_blank",
    rel: "noopener",
    dataset: { cite: String(citation.id), docId: citation.doc_id, page: citation.page ?? "", year: citation.year ?? "" },
    "aria-label": `Källa ${citation.id}: ${citation.title}${page} (öppnas i ny flik)`,
  }, String(citation.id));
}

function markers(numbers, byId) {
  const wrap = el("span", { className: "cites" });
  for (const n of numbers || []) {
    const citation = byId.get(n);
    if (citation) wrap.append(citationMarker(citation));
  }
  return wrap;
}

export function renderAnswer(data) {
  const byId = new Map((data.citations || []).map((c) => [c.id, c]));
  state.search.citationsById = byId;
  const head = answerHead();
  if (!data.answered) {
    ui.answer.className = "panel answer-panel is-notfound";
    const related = data.related || [];
    ui.answer.replaceChildren(
      head,
      el("div", { className: "notice notice--notfound" },
        el("p", { className: "notice-title" }, "Rapporterna svarar inte på just den frågan"),
        el("p", { className: "notfound-message" }, data.message || "Hittade inget svar i rapporterna."),
        el("p", {}, related.length
          ? "Närmast frågan kommer de här avsnitten, att läsa själv:"
          : "Prova andra ord, fråga om en stadsdel eller ett år, eller ta bort filter.")),
      renderSources(related, "Läs vidare"),
    );
    return;
  }
  if (KIND_LABELS[data.kind]) head.append(el("span", { className: `badge badge--${data.kind}` }, KIND_LABELS[data.kind]));

  let body;
  if (data.kind === "timeline" && Array.isArray(data.timeline) && data.timeline.length) {
    body = el("div", {}, renderTimeline(data.timeline, byId),
      ...(data.tables || []).map((table) => renderAnswerTable(table, byId)));
  } else {
    body = renderSentences(data, byId);
  }
  ui.answer.className = `panel answer-panel answer--${data.kind}`;
  ui.answer.replaceChildren(head, body, renderSources(data.citations || []));
}

/** One sentence per line; table rows the answer rests on as small tables instead of prose. */
function renderSentences(data, byId) {
  const tables = data.tables || [];
  const fromTables = new Set(tables.flatMap((t) => t.citations));
  const body = el("div", { className: "answer-text" });
  const prose = el("ul", { className: "answer-sentences" });
  for (const sentence of data.sentences || []) {
    const isRow = tables.length && (sentence.citations || []).every((n) => fromTables.has(n));
    if (isRow) continue;
    prose.append(el("li", { className: "sentence" }, sentence.text, " ", markers(sentence.citations, byId)));
  }
  if (prose.children.length) body.append(prose);
  for (const table of tables) body.append(renderAnswerTable(table, byId));
  return body;
}

function renderAnswerTable(table, byId) {
  const head = el("tr", {}, ...table.header.map((h, i) => el("th", { scope: "col" }, h || (i === 0 ? "Rad" : ""))), el("th", { scope: "col" }, "Källa"));
  const rows = table.rows.map((row, i) => el("tr", {},
    ...row.map((cell, j) => (j === 0 ? el("th", { scope: "row" }, cell) : el("td", {}, cell))),
    el("td", {}, markers([table.citations[i]], byId))));
  return el("div", { className: "table-scroll" },
    el("table", { className: "answer-table" }, el("thead", {}, head), el("tbody", {}, ...rows)));
}

function renderTimeline(entries, byId) {
  const years = new Map();
  for (const entry of entries) {
    const key = entry.year ?? "Okänt år";
    if (!years.has(key)) years.set(key, []);
    years.get(key).push(entry);
  }
  const list = el("ol", { className: "timeline", "aria-label": "Utveckling år för år" });
  for (const [year, items] of years) {
    const inner = el("ul", { className: "timeline-entries" });
    for (const entry of items) {
      const citation = byId.get(entry.citation);
      const kind = entry.label || docTypeLabel(entry.doc_type) || entry.title;
      const li = el("li", { className: "timeline-entry" },
        el("p", { className: "timeline-kind" }, kind,
          citation && citation.district ? el("span", { className: "timeline-district" }, ` · ${citation.district}`) : null),
        el("p", { className: "timeline-text" }, el("span", { className: "sentence" }, entry.text), markers([entry.citation], byId)));
      if (Array.isArray(entry.figures) && entry.figures.length) {
        li.append(el("ul", { className: "figures", "aria-label": "Siffror" }, ...entry.figures.map((f) => el("li", {}, f))));
      }
      inner.append(li);
    }
    list.append(el("li", { className: "timeline-year" },
      el("h3", { className: "timeline-year-label" }, String(year)), inner));
  }
  return list;
}

function sourceMeta(item) {
  return [
    item.district,
    item.year ? String(item.year) : null,
    docTypeLabel(item.doc_type),
    item.unit,
  ].filter(Boolean).join(" · ");
}

function renderSources(citations, heading = "Källor") {
  if (!citations.length) return el("div");
  const list = el("ol", { className: "sources" });
  for (const c of citations) {
    const page = c.page ? `Sidan ${c.page}` : "Öppna rapporten";
    const item = el("li", { className: "source", id: `source-${c.id}` },
      el("span", { className: "source-num", "aria-hidden": "true" }, String(c.id)),
      el("div", { className: "source-body" },
        el("p", { className: "source-title" }, el("span", { className: "visually-hidden" }, `Källa ${c.id}: `), c.title),
        el("p", { className: "source-meta" }, sourceMeta(c)),
        c.goal ? el("p", { className: "source-goal" }, goalText(c.goal)) : null,
        sectionText(c.section, c.goal) ? el("p", { className: "source-section", title: sectionText(c.section) }, sectionText(c.section, c.goal)) : null,
        el("p", { className: "source-actions" }, pdfLink(pdfUrl(c.doc_id, c.page), `${page} i PDF`))));
    if (c.quote) {
      item.querySelector(".source-actions").append(
        el("details", { className: "quote" }, el("summary", {}, "Visa stycket"), el("blockquote", { className: "quote-text" }, c.quote)));
    }
    list.append(item);
  }
  return el("div", { className: "sources-wrap" }, el("h3", { className: "sources-heading" }, heading), list);
}
