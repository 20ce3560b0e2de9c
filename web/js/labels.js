// Swedish labels for the codes the API uses: report types, goal levels, filters.
//
// The report types and their order are the service's own (DOC_TYPE_ORDER / DOC_TYPE_NAMES
// in service/answers/passages.py). The list below is the fallback; when /api/facets sends
// `doc_type_labels`, that list is used instead (useFacetLabels).

import { state } from "./state.js";

/** The report types in report order: code, Swedish name, short name (for chart axes). */
const DOC_TYPES = Object.freeze([
  { code: "verksamhetsplan", name: "Verksamhetsplan", short: "VP" },
  { code: "tertialrapport-1", name: "Tertialrapport 1", short: "T1" },
  { code: "tertialrapport-2", name: "Tertialrapport 2", short: "T2" },
  { code: "verksamhetsberattelse", name: "Verksamhetsberättelse", short: "VB" },
]);

const SHORT_NAMES = new Map(DOC_TYPES.map((t) => [t.code, t.short]));

/** The report types in use: those /api/facets sent, else the list above. */
function docTypes() {
  return state.docTypes || DOC_TYPES;
}

export const FILTER_KEYS = ["district", "year", "doc_type", "unit", "goal"];

export const FILTER_LABELS = {
  district: "Stadsdel",
  year: "År",
  doc_type: "Rapporttyp",
  unit: "Enhet",
  goal: "Mål",
};

/** The first option of each filter menu. */
export const ALL_LABELS = {
  district: "Alla stadsdelar",
  year: "Alla år",
  doc_type: "Alla rapporttyper",
  unit: "Alla enheter",
  goal: "Alla mål",
};

const GOAL_LEVEL_LABELS = {
  inriktningsmal: "Inriktningsmål",
  verksamhetsomradesmal: "Verksamhetsområdesmål",
  namndmal: "Nämndmål",
  enhetsmal: "Enhetsmål",
};

/** One entry of `doc_type_labels`: {code|value|doc_type, name|label} or [code, name]. */
function readLabel(item) {
  if (Array.isArray(item)) return item.length >= 2 ? { code: String(item[0]), name: String(item[1]) } : null;
  if (!item || typeof item !== "object") return null;
  const code = item.code ?? item.value ?? item.doc_type ?? item.key;
  const name = item.name ?? item.label;
  return code && name ? { code: String(code), name: String(name) } : null;
}

/** Use the report types of a /api/facets response when it has `doc_type_labels`. */
export function useFacetLabels(facets) {
  const list = facets && facets.doc_type_labels;
  if (!Array.isArray(list)) return;
  const types = list.map(readLabel).filter(Boolean);
  if (types.length) state.docTypes = types.map((t) => ({ ...t, short: SHORT_NAMES.get(t.code) }));
}

/** Swedish name of a report type code ("tertialrapport-1" → "Tertialrapport 1"). */
export function docTypeLabel(code) {
  if (!code) return "";
  const known = docTypes().find((t) => t.code === code);
  if (known) return known.name;
  const text = String(code).replace(/-/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Short name of a report type ("VP", "T1"), or null. */
export function docTypeShort(code) {
  const known = docTypes().find((t) => t.code === code);
  return (known && known.short) || null;
}

/** Position of a report type in report order; unknown types come last. */
export function docTypeRank(code) {
  const i = docTypes().findIndex((t) => t.code === code);
  return i < 0 ? 99 : i;
}

/** Report type codes in report order, unknown ones after them alphabetically. */
export function sortDocTypes(codes) {
  return [...codes].sort((a, b) => docTypeRank(a) - docTypeRank(b) || a.localeCompare(b, "sv"));
}

export function goalLevelLabel(level) {
  return (level && GOAL_LEVEL_LABELS[level]) || "Mål";
}

/** "Nämndmål 1.2: title" (or "Nämndmål: title" without a number). */
export function goalText(goal) {
  if (!goal) return "";
  return goal.number ? `${goalLevelLabel(goal.level)} ${goal.number}: ${goal.title}` : `${goalLevelLabel(goal.level)}: ${goal.title}`;
}

/** Said of a passage read by OCR from a scanned page (the badge's tooltip). */
export const OCR_NOTE = "läst med OCR, texten kan innehålla fel";
