// The passages under the answer: the search hits as cards, with their report, page and
// the other places the same text stands.

import { pdfUrl } from "./api.js";
import { el, highlighted, pdfLink } from "./dom.js";
import { FILTER_KEYS, OCR_NOTE, docTypeLabel, goalLevelLabel } from "./labels.js";
import { emptyNotice, errorNotice } from "./notices.js";
import { skeletonLines } from "./answer-view.js";
import { sectionText } from "./sections.js";
import { state } from "./state.js";

const ui = state.search.ui;

function passagesHead(title, countText) {
  return el("div", { className: "passages-head" },
    el("h2", { id: "passages-heading", className: "passages-heading" }, title),
    el("p", { className: "passages-count" }, countText));
}

export function renderPassagesLoading() {
  ui.passages.replaceChildren(
    passagesHead("Textavsnitt", "Hämtar…"),
    el("ol", { className: "passage-list", "aria-hidden": "true" },
      ...Array.from({ length: 3 }, () => el("li", { className: "card passage passage--skeleton" },
        el("span", { className: "skeleton-line skeleton-title" }),
        el("span", { className: "skeleton-line skeleton-meta" }),
        ...skeletonLines(3)))),
  );
}

export function renderPassagesError(err, onRetry) {
  ui.passages.replaceChildren(passagesHead("Textavsnitt", ""), errorNotice(err, onRetry));
}

/** The hits; with none, a notice (and a button to drop the filters the user set). */
export function renderPassages(data, { onClearFilters }) {
  const search = state.search;
  const applied = search.applied;
  const hits = data.hits || [];
  if (!hits.length) {
    const hasFilters = Object.keys(search.filters).length > 0 || (applied && FILTER_KEYS.some((k) => applied[k] !== undefined));
    const notice = emptyNotice(hasFilters
      ? "Inga textavsnitt matchar frågan med de här filtren. Ta bort ett eller flera filter ovan, eller prova andra ord."
      : "Inga textavsnitt matchar frågan. Prova andra eller färre ord.",
    Object.keys(search.filters).length ? { text: "Rensa alla filter", onClick: onClearFilters } : null);
    ui.passages.replaceChildren(passagesHead("Textavsnitt", "0 avsnitt"), notice);
    return;
  }
  const list = el("ol", { className: "passage-list" });
  for (const hit of hits) list.append(passageCard(hit));
  const count = hits.length === 1 ? "1 avsnitt ur rapporterna" : `${hits.length} avsnitt ur rapporterna, mest relevanta först`;
  ui.passages.replaceChildren(passagesHead("Textavsnitt", count), list);
}

function pageText(hit) {
  if (!hit.page) return "";
  return `s. ${hit.pages && hit.pages.length > 1 ? `${hit.pages[0]}–${hit.pages[hit.pages.length - 1]}` : hit.page}`;
}

function passageTags(hit) {
  const tags = el("ul", { className: "tags", "aria-label": "Om rapporten" });
  const addTag = (text, cls, label) => {
    if (text) tags.append(el("li", { className: `tag ${cls}` }, label ? el("span", { className: "visually-hidden" }, `${label}: `) : null, text));
  };
  addTag(hit.district, "tag--district", "Stadsdel");
  addTag(hit.year ? String(hit.year) : "", "tag--year", "År");
  addTag(docTypeLabel(hit.doc_type), "tag--type", "Rapporttyp");
  addTag(hit.unit, "tag--unit", "Enhet");
  addTag(pageText(hit), "tag--page", "Sida");
  if (hit.kind === "table") addTag("Tabell", "tag--kind");
  if (hit.ocr) {
    tags.append(el("li", { className: "tag tag--ocr", title: OCR_NOTE },
      "OCR", el("span", { className: "visually-hidden" }, ` (${OCR_NOTE})`)));
  }
  return tags;
}

function passageCard(hit) {
  const url = pdfUrl(hit.doc_id, hit.page);
  const card = el("li", { className: "card passage", dataset: { docId: hit.doc_id, year: hit.year ?? "" } },
    el("h3", { className: "passage-title" },
      el("a", { href: url, target: "_blank", rel: "noopener" }, hit.title,
        el("span", { className: "visually-hidden" }, hit.page ? `, sidan ${hit.page} (öppnas i ny flik)` : " (öppnas i ny flik)"))),
    passageTags(hit));
  if (hit.goal) {
    card.append(el("p", { className: "passage-goal" },
      el("span", { className: "goal-number" }, hit.goal.number ? `${goalLevelLabel(hit.goal.level)} ${hit.goal.number}` : goalLevelLabel(hit.goal.level)),
      " ", hit.goal.title));
  }
  const section = sectionText(hit.section, hit.goal);
  if (section) card.append(el("p", { className: "passage-section", title: sectionText(hit.section) }, section));
  const text = el("p", { className: `passage-text${hit.kind === "table" ? " passage-text--table" : ""}` });
  text.append(highlighted(hit.text, hit.highlights));
  card.append(text);

  const foot = el("div", { className: "passage-foot" });
  if (hit.assessment) foot.append(el("span", { className: `assessment ${assessmentClass(hit.assessment)}` }, `Bedömning: ${hit.assessment}`));
  if (Array.isArray(hit.also_in) && hit.also_in.length) foot.append(alsoIn(hit));
  foot.append(pdfLink(url, hit.page ? `Öppna sidan ${hit.page}` : "Öppna rapporten"));
  card.append(foot);
  return card;
}

function assessmentClass(text) {
  const t = (text || "").toLowerCase();
  if (t.includes("inte") || t.includes("ej")) return "assessment--no";
  if (t.includes("delvis")) return "assessment--partly";
  if (t.includes("helt") || t.includes("uppfylls")) return "assessment--yes";
  return "";
}

/** "Också i 5 andra enhetsrapporter": copies of the passage, grouped by report and unit. */
function alsoIn(hit) {
  const key = (document, unit) => `${document}\u0000${unit || ""}`;
  const own = key(hit.document, hit.unit);
  const groups = new Map();
  for (const copy of hit.also_in) {
    const k = key(copy.document, copy.unit);
    if (!groups.has(k)) groups.set(k, { document: copy.document, unit: copy.unit, pages: [] });
    if (copy.page && !groups.get(k).pages.includes(copy.page)) groups.get(k).pages.push(copy.page);
  }
  const others = [...groups.entries()].filter(([k]) => k !== own).map(([, g]) => g);
  const unitReports = others.filter((g) => g.unit).length;
  const reports = new Set(others.filter((g) => !g.unit).map((g) => g.document)).size;
  const sameCount = hit.also_in.filter((c) => key(c.document, c.unit) === own).length;
  const parts = [];
  if (unitReports) parts.push(`i ${unitReports} ${unitReports === 1 ? "annan enhetsrapport" : "andra enhetsrapporter"}`);
  if (reports) parts.push(`i ${reports} ${reports === 1 ? "annan rapport" : "andra rapporter"}`);
  if (sameCount) parts.push(`på ${sameCount} ${sameCount === 1 ? "annat ställe" : "andra ställen"} i samma ${hit.unit ? "enhetsrapport" : "rapport"}`);
  const summary = `Samma text finns också ${parts.join(" och ")}`;

  const list = el("ul", { className: "also-list" });
  const ordered = [...groups.values()].sort((a, b) => (key(a.document, a.unit) === own ? -1 : 0) - (key(b.document, b.unit) === own ? -1 : 0));
  for (const group of ordered) list.append(alsoInItem(group, hit));
  return el("details", { className: "also-in" }, el("summary", {}, summary), list);
}

function alsoInItem(group, hit) {
  const doc = state.documentsByName.get(group.document);
  const name = doc ? doc.title : group.document;
  const label = group.document === hit.document
    ? group.unit || "Samma rapport"
    : [group.unit, name].filter(Boolean).join(" – ");
  const item = el("li", {}, label);
  if (group.pages.length) {
    item.append(": ");
    const pages = group.pages.sort((a, b) => a - b);
    pages.slice(0, 12).forEach((page, i) => {
      if (i) item.append(", ");
      item.append(doc
        ? el("a", { href: pdfUrl(doc.id, page), target: "_blank", rel: "noopener", "aria-label": `${label}, sidan ${page} (öppnas i ny flik)` }, `s. ${page}`)
        : `s. ${page}`);
    });
    if (pages.length > 12) item.append(` och ${pages.length - 12} sidor till`);
  }
  return item;
}
