// Rapportsök – the search page.
//
// Plain ES module, no build step. All report text goes into the page as text nodes
// (textContent / createTextNode), never as HTML.
//
// Other views (e.g. "Jämför över år" in compare.js) plug in with registerView():
//
//   import { registerView, api, el, docTypeLabel, pdfUrl } from "./app.js";
//   registerView({
//     id: "compare",
//     label: "Jämför över år",
//     mount(section, ctx) { ... build the view inside <section> ... },
//     show(params) { ... the URL's search params when the view becomes visible ... },
//     hide() { ... },
//   });
//
// and index.html loads it after app.js: <script type="module" src="compare.js"></script>.
// The view is selected with ?view=<id> in the URL; ctx.navigate(params) pushes a URL.

// ------------------------------------------------------------------ constants and labels

export const FILTER_KEYS = ["district", "year", "doc_type", "unit", "goal"];

export const FILTER_LABELS = {
  district: "Stadsdel",
  year: "År",
  doc_type: "Rapporttyp",
  unit: "Enhet",
  goal: "Mål",
};

const DOC_TYPE_LABELS = {
  verksamhetsplan: "Verksamhetsplan",
  "tertialrapport-1": "Tertialrapport 1",
  "tertialrapport-2": "Tertialrapport 2",
  tertialrapport: "Tertialrapport",
  verksamhetsberattelse: "Verksamhetsberättelse",
};

const DOC_TYPE_ORDER = ["verksamhetsplan", "tertialrapport-1", "tertialrapport-2", "verksamhetsberattelse"];

const GOAL_LEVEL_LABELS = {
  inriktningsmal: "Inriktningsmål",
  verksamhetsomradesmal: "Verksamhetsområdesmål",
  namndmal: "Nämndmål",
  enhetsmal: "Enhetsmål",
};

const KIND_LABELS = {
  timeline: "Utveckling över tid",
  indicator: "Indikator",
  passages: "Ur rapporterna",
};

const PASSAGE_COUNT = 10;
// Passages wait this long for the answer, so the answer above does not push them down.
const PASSAGE_HOLD_MS = 1500;

/** Swedish name of a report type code ("tertialrapport-1" → "Tertialrapport 1"). */
export function docTypeLabel(code) {
  if (!code) return "";
  if (DOC_TYPE_LABELS[code]) return DOC_TYPE_LABELS[code];
  const text = String(code).replace(/-/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function goalLevelLabel(level) {
  return (level && GOAL_LEVEL_LABELS[level]) || "Mål";
}

/** URL of a report's PDF, opened at a page. */
export function pdfUrl(docId, page) {
  const base = `/api/documents/${encodeURIComponent(docId)}/pdf`;
  return page ? `${base}#page=${page}` : base;
}

const GOAL_HEADING = /^(KF:s inriktningsmål|KF:s mål för verksamhetsområdet|Inriktningsmål|Verksamhetsområdesmål|Nämndmål)\s*:/i;

/**
 * A section path for display ("A › B › C"). With a goal shown beside it, the headings of
 * the goal hierarchy are left out (they repeat the goal).
 */
function sectionText(section, goal) {
  let parts = (section || "").split(/\s+>\s+/).map((p) => p.trim()).filter(Boolean);
  if (goal) parts = parts.filter((p) => !GOAL_HEADING.test(p));
  return parts.join(" › ");
}

function truncate(text, max) {
  const clean = (text || "").replace(/\s+/g, " ").trim();
  return clean.length > max ? `${clean.slice(0, max - 1).trimEnd()}…` : clean;
}

// ------------------------------------------------------------------ DOM helpers

/**
 * Create an element. attrs: className, text, dataset, hidden and plain attributes;
 * children: nodes or strings (strings become text nodes, never HTML).
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "className") node.className = value;
    else if (key === "text") node.textContent = String(value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "hidden") node.hidden = Boolean(value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function $(selector, root = document) {
  return root.querySelector(selector);
}

/** Text with <mark> around [start, end) spans (code point offsets, as the API counts). */
export function highlighted(text, spans) {
  const frag = document.createDocumentFragment();
  const chars = Array.from(text || "");
  const valid = (spans || [])
    .filter((s) => Array.isArray(s) && s.length === 2 && Number.isInteger(s[0]) && Number.isInteger(s[1]))
    .map(([s, e]) => [Math.max(0, s), Math.min(chars.length, e)])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  let pos = 0;
  for (const [s0, e] of valid) {
    const s = Math.max(s0, pos);
    if (e <= s) continue;
    if (s > pos) frag.append(document.createTextNode(chars.slice(pos, s).join("")));
    frag.append(el("mark", { text: chars.slice(s, e).join("") }));
    pos = e;
  }
  if (pos < chars.length) frag.append(document.createTextNode(chars.slice(pos).join("")));
  return frag;
}

// ------------------------------------------------------------------ API

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

/** Fetch JSON; errors become ApiError with the API's own message ({"error", "status"}). */
export async function api(path, { method = "GET", body, signal } = {}) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? { Accept: "application/json" } : { Accept: "application/json", "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (err && err.name === "AbortError") throw err;
    throw new ApiError("Kunde inte nå tjänsten. Kontrollera anslutningen och försök igen.", 0);
  }
  let data = null;
  try {
    data = await response.json();
  } catch (err) {
    if (err && err.name === "AbortError") throw err;
    data = null;
  }
  if (!response.ok) {
    const message = data && typeof data.error === "string" && data.error
      ? data.error
      : `Tjänsten svarade med felkod ${response.status}.`;
    throw new ApiError(message, response.status);
  }
  if (data === null) throw new ApiError("Tjänsten skickade ett svar som inte gick att läsa.", response.status);
  return data;
}

const cache = new Map();
const CACHE_SIZE = 40;

async function cachedApi(key, path, options) {
  if (cache.has(key)) return cache.get(key);
  const data = await api(path, options);
  cache.set(key, data);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value);
  return data;
}

// ------------------------------------------------------------------ state and URL

/** The search state; the URL holds all of it (?q=&district=&year=&doc_type=&unit=&goal=&nofilter=). */
const state = {
  q: "",
  filters: {},
  disabled: [], // filters read from the question that the user switched off
};

let applied = null; // the `filters` object of the latest response (incl. those read from q)
let appliedQuestion = null; // the question `applied` belongs to
let facets = null;
let documentsByName = new Map();

function stateFromParams(params) {
  const filters = {};
  for (const key of FILTER_KEYS) {
    const value = (params.get(key) || "").trim();
    if (!value) continue;
    if (key === "year") {
      const year = Number.parseInt(value, 10);
      if (Number.isFinite(year)) filters.year = year;
    } else {
      filters[key] = value;
    }
  }
  const disabled = (params.get("nofilter") || "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => FILTER_KEYS.includes(s) && filters[s] === undefined);
  return { q: (params.get("q") || "").trim(), filters, disabled: [...new Set(disabled)] };
}

function stateToParams(s) {
  const params = new URLSearchParams();
  if (s.q) params.set("q", s.q);
  for (const key of FILTER_KEYS) {
    if (s.filters[key] !== undefined && s.filters[key] !== null && s.filters[key] !== "") {
      params.set(key, String(s.filters[key]));
    }
  }
  if (s.disabled.length) params.set("nofilter", s.disabled.join(","));
  return params;
}

function urlFor(params) {
  const query = params.toString();
  return query ? `${location.pathname}?${query}` : location.pathname;
}

function pushSearchState() {
  const url = urlFor(stateToParams(state));
  if (url !== `${location.pathname}${location.search}`) history.pushState({ view: "search" }, "", url);
}

// ------------------------------------------------------------------ views (tabs)

const views = new Map();
let currentView = "search";
let routerStarted = false;

/** Navigate to a URL with the given search params (pushState) and show its view. */
export function navigate(params, { replace = false } = {}) {
  const url = urlFor(params instanceof URLSearchParams ? params : new URLSearchParams(params));
  if (replace) history.replaceState({}, "", url);
  else history.pushState({}, "", url);
  route();
}

/** Add a view (a tab in the header nav and a <section> in <main>). */
export function registerView({ id, label, mount, show, hide }) {
  if (!id || views.has(id)) throw new Error(`view ${id} is already registered`);
  const link = el("a", { className: "view-tab", href: `?view=${encodeURIComponent(id)}`, dataset: { view: id } }, label);
  $("#views-list").append(el("li", {}, link));
  const section = el("section", { className: "view", id: `view-${id}`, dataset: { view: id }, "aria-label": label, hidden: true });
  $("#main").append(section);
  views.set(id, { id, section, link, show, hide });
  if (mount) mount(section, { api, navigate, el, docTypeLabel, pdfUrl, facets: () => facets });
  if (routerStarted && new URLSearchParams(location.search).get("view") === id) route();
}

function showView(id) {
  const target = views.has(id) ? id : "search";
  for (const view of views.values()) {
    const active = view.id === target;
    view.section.hidden = !active;
    if (active) view.link.setAttribute("aria-current", "page");
    else view.link.removeAttribute("aria-current");
    if (!active && view.id === currentView && view.id !== target && view.hide) view.hide();
  }
  currentView = target;
  return views.get(target);
}

function route() {
  const params = new URLSearchParams(location.search);
  const view = showView(params.get("view") || "search");
  if (view.id === "search") {
    Object.assign(state, stateFromParams(params));
    syncForm();
    runSearch();
  } else if (view.show) {
    view.show(params);
  }
}

// ------------------------------------------------------------------ elements

const ui = {};

function bindElements() {
  ui.form = $("#search-form");
  ui.input = $("#q");
  ui.button = $("#search-button");
  ui.examples = $("#examples");
  ui.filters = $("#filters");
  ui.chips = $("#chips");
  ui.chipsNote = $("#chips-note");
  ui.sidebar = $("#sidebar");
  ui.filtersToggle = $("#filters-toggle");
  ui.clear = $("#clear-filters");
  ui.status = $("#status");
  ui.answer = $("#answer");
  ui.passages = $("#passages");
  ui.tooltip = $("#cite-tooltip");
  ui.selects = {};
  for (const key of FILTER_KEYS) ui.selects[key] = $(`#f-${key}`);
  ui.intro = $("#intro").cloneNode(true);
}

// ------------------------------------------------------------------ filters

function fillSelect(select, options, allLabel) {
  const current = select.value;
  select.replaceChildren(el("option", { value: "" }, allLabel));
  for (const option of options) {
    if (option.group) {
      const group = el("optgroup", { label: option.group });
      for (const o of option.options) group.append(el("option", { value: o.value, title: o.title }, o.label));
      select.append(group);
    } else {
      select.append(el("option", { value: option.value, title: option.title }, option.label));
    }
  }
  select.value = current;
}

const ALL_LABELS = {
  district: "Alla stadsdelar",
  year: "Alla år",
  doc_type: "Alla rapporttyper",
  unit: "Alla enheter",
  goal: "Alla mål",
};

function goalKey(number) {
  return String(number).split(".").map((n) => Number.parseInt(n, 10) || 0);
}

function compareGoals(a, b) {
  const ka = goalKey(a);
  const kb = goalKey(b);
  for (let i = 0; i < Math.max(ka.length, kb.length); i += 1) {
    const d = (ka[i] ?? -1) - (kb[i] ?? -1);
    if (d) return d;
  }
  return 0;
}

function effectiveYear() {
  if (state.filters.year !== undefined) return state.filters.year;
  return (!state.disabled.includes("year") && applied && applied.year) || null;
}

function goalOptions() {
  if (!facets) return [];
  const year = effectiveYear();
  const byNumber = new Map();
  for (const goal of facets.goals || []) {
    if (!goal.number) continue;
    if (year && goal.year && goal.year !== year) continue;
    const seen = byNumber.get(goal.number);
    if (!seen || (goal.year || 0) > (seen.year || 0)) byNumber.set(goal.number, goal);
  }
  return [...byNumber.values()]
    .sort((a, b) => compareGoals(a.number, b.number))
    .map((goal) => {
      const depth = goal.number.split(".").length - 1;
      const indent = "\u00a0\u00a0".repeat(depth);
      return {
        value: goal.number,
        label: `${indent}${goal.number} ${truncate(goal.title, 70)}`,
        title: `${goalLevelLabel(goal.level)} ${goal.number}: ${goal.title}`,
      };
    });
}

function fillFilterMenus() {
  if (!facets) return;
  fillSelect(ui.selects.district, (facets.districts || []).map((d) => ({ value: d, label: d })), ALL_LABELS.district);
  fillSelect(ui.selects.year, [...(facets.years || [])].sort((a, b) => b - a).map((y) => ({ value: String(y), label: String(y) })), ALL_LABELS.year);
  const types = [...(facets.doc_types || [])].sort((a, b) => {
    const ia = DOC_TYPE_ORDER.indexOf(a);
    const ib = DOC_TYPE_ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b, "sv");
  });
  fillSelect(ui.selects.doc_type, types.map((t) => ({ value: t, label: docTypeLabel(t) })), ALL_LABELS.doc_type);
  fillSelect(ui.selects.unit, (facets.units || []).map((u) => ({ value: u, label: u })), ALL_LABELS.unit);
  fillGoalMenu();
  syncSelects();
}

function fillGoalMenu() {
  if (!facets) return;
  fillSelect(ui.selects.goal, goalOptions(), ALL_LABELS.goal);
}

function filterValueLabel(key, value) {
  if (value === undefined || value === null) return "";
  if (key === "doc_type") return docTypeLabel(value);
  if (key === "goal") {
    const goal = facets && (facets.goals || []).find((g) => g.number === String(value) && (!effectiveYear() || g.year === effectiveYear()));
    return goal ? `${value} ${truncate(goal.title, 48)}` : String(value);
  }
  return String(value);
}

/** Put the state's filters into the menus; an inferred value shows in the "all" option. */
function syncSelects() {
  for (const key of FILTER_KEYS) {
    const select = ui.selects[key];
    const value = state.filters[key];
    const wanted = value === undefined || value === null ? "" : String(value);
    if (wanted && ![...select.options].some((o) => o.value === wanted)) {
      select.append(el("option", { value: wanted }, filterValueLabel(key, value)));
    }
    select.value = wanted;
    const inferred = !wanted && !state.disabled.includes(key) && applied && applied[key] !== undefined && applied[key] !== null;
    const first = select.options[0];
    first.textContent = inferred ? `${filterValueLabel(key, applied[key])} (från frågan)` : ALL_LABELS[key];
    select.classList.toggle("is-set", Boolean(wanted));
    select.classList.toggle("is-inferred", Boolean(inferred));
  }
}

function syncForm() {
  if (ui.input.value.trim() !== state.q) ui.input.value = state.q;
  fillGoalMenu();
  syncSelects();
  renderChips();
}

function setFilter(key, value) {
  if (value === "" || value === null || value === undefined) delete state.filters[key];
  else state.filters[key] = key === "year" ? Number.parseInt(value, 10) : value;
  state.disabled = state.disabled.filter((k) => k !== key);
  if (key === "year") fillGoalMenu();
  pushSearchState();
  syncSelects();
  renderChips();
  runSearch();
}

function disableInferred(key) {
  if (!state.disabled.includes(key)) state.disabled = [...state.disabled, key];
  pushSearchState();
  renderChips();
  runSearch();
}

function enableInferred(key) {
  state.disabled = state.disabled.filter((k) => k !== key);
  pushSearchState();
  renderChips();
  runSearch();
}

function chip({ variant, label, value, note, removeLabel, onRemove, actionText }) {
  const item = el("li", { className: `chip chip--${variant}`, dataset: { variant } });
  const body = el("span", { className: "chip-body" });
  if (label) body.append(el("span", { className: "chip-label" }, `${label}:`), " ");
  body.append(el("span", { className: "chip-value" }, value));
  if (note) body.append(" ", el("span", { className: "chip-note" }, note));
  item.append(body);
  const button = el("button", { type: "button", className: actionText ? "chip-action" : "chip-remove", "aria-label": removeLabel }, actionText || "");
  if (!actionText) {
    button.append(el("span", { "aria-hidden": "true", className: "chip-x" }, "×"));
  }
  button.addEventListener("click", onRemove);
  item.append(button);
  return item;
}

function renderChips() {
  const items = [];
  let hint = false;
  const boost = applied && applied.boost_doc_type && state.filters.doc_type === undefined && !state.disabled.includes("doc_type")
    ? applied.boost_doc_type
    : null;
  for (const key of FILTER_KEYS) {
    const explicit = state.filters[key];
    const label = FILTER_LABELS[key];
    if (explicit !== undefined && explicit !== null) {
      const value = filterValueLabel(key, explicit);
      items.push(chip({
        variant: "explicit",
        label,
        value,
        removeLabel: `Ta bort filtret ${label}: ${value}`,
        onRemove: () => setFilter(key, null),
      }));
    } else if (state.disabled.includes(key)) {
      items.push(chip({
        variant: "disabled",
        label: key === "doc_type" ? "Rapporttyp ur frågan" : label,
        value: "används inte",
        removeLabel: `Använd ${label.toLowerCase()} ur frågan igen`,
        actionText: "Återställ",
        onRemove: () => enableInferred(key),
      }));
    } else if (key === "doc_type" && boost) {
      hint = true;
      const value = docTypeLabel(boost);
      items.push(chip({
        variant: "hint",
        label: "Väger tyngre",
        value,
        note: "från frågan",
        removeLabel: `Sluta låta ${value} väga tyngre`,
        onRemove: () => disableInferred("doc_type"),
      }));
    } else if (applied && applied[key] !== undefined && applied[key] !== null) {
      const value = filterValueLabel(key, applied[key]);
      items.push(chip({
        variant: "inferred",
        label,
        value,
        note: "från frågan",
        removeLabel: `Ta bort filtret ${label}: ${value} som lästes ur frågan`,
        onRemove: () => disableInferred(key),
      }));
    }
  }
  // The chip row is rebuilt often; keyboard focus stays in it (same position) when it was there.
  const buttons = [...ui.chips.querySelectorAll("button")];
  const focusedIndex = buttons.indexOf(document.activeElement);
  ui.chips.replaceChildren(...items);
  if (focusedIndex >= 0) {
    const next = [...ui.chips.querySelectorAll("button")];
    const target = next[Math.min(focusedIndex, next.length - 1)];
    if (target) target.focus();
    else ui.input.focus();
  }
  const note = ui.chipsNote;
  ui.chips.parentElement.classList.toggle("is-none", !items.length);
  if (!items.length) note.textContent = state.q ? "Inga filter – sökningen gäller alla rapporter." : "";
  else if (hint) note.textContent = "”Väger tyngre” är inget filter: rapporttypen som nämns i frågan rankas högre, men andra rapporter visas också. Streckade filter lästes ur frågan.";
  else if (items.some((i) => i.dataset.variant === "inferred")) note.textContent = "Streckade filter lästes ur frågan. Ta bort dem om du vill söka bredare.";
  else note.textContent = "";
  const explicit = Object.keys(state.filters).length;
  ui.clear.hidden = !explicit;
  const label = ui.filtersToggle.querySelector(".filters-toggle-text");
  const open = !ui.filters.classList.contains("is-collapsed");
  label.textContent = `${open ? "Dölj filter" : "Visa filter"}${explicit ? ` (${explicit})` : ""}`;
}

function toggleFilters() {
  const open = ui.filters.classList.toggle("is-collapsed") === false;
  ui.filtersToggle.setAttribute("aria-expanded", String(open));
  renderChips();
}

/** Results shown: the examples move from under the search box to the sidebar. */
function setHasResults(has) {
  document.body.classList.toggle("has-results", has);
  if (has && ui.examples.parentElement !== ui.sidebar) ui.sidebar.append(ui.examples);
  if (!has && ui.examples.previousElementSibling !== ui.form) ui.form.after(ui.examples);
}

// ------------------------------------------------------------------ search flow

let sequence = 0;
let controller = null;

function askBody() {
  const filters = {};
  for (const key of FILTER_KEYS) if (state.filters[key] !== undefined) filters[key] = state.filters[key];
  const body = { question: state.q, filters };
  if (state.disabled.length) body.disable = [...state.disabled];
  return body;
}

function searchPath() {
  const params = stateToParams(state);
  params.delete("q");
  params.delete("nofilter");
  const query = new URLSearchParams({ q: state.q, k: String(PASSAGE_COUNT) });
  for (const [k, v] of params) query.set(k, v);
  if (state.disabled.length) query.set("nofilter", state.disabled.join(","));
  return `/api/search?${query}`;
}

function setBusy(busy) {
  ui.button.classList.toggle("is-busy", busy);
  ui.answer.setAttribute("aria-busy", String(busy));
  ui.passages.setAttribute("aria-busy", String(busy));
  document.body.classList.toggle("is-searching", busy);
}

function announce(text) {
  ui.status.textContent = text;
}

async function runSearch() {
  hideTooltip();
  const my = ++sequence;
  if (controller) controller.abort();
  if (!state.q) {
    controller = null;
    applied = null;
    appliedQuestion = null;
    setBusy(false);
    renderIdle();
    return;
  }
  setHasResults(true);
  controller = new AbortController();
  const { signal } = controller;
  document.title = `${state.q} – Rapportsök`;
  const searchKey = searchPath();
  const body = askBody();
  const askKey = `ask:${JSON.stringify(body)}`;
  const stale = () => my !== sequence;

  if (!(cache.has(searchKey) && cache.has(askKey))) {
    setBusy(true);
    announce("Söker…");
    renderAnswerLoading();
    renderPassagesLoading();
  }
  // Filters read from the question stay on screen while the same question runs again
  // (e.g. with another filter), so the chip row does not jump.
  if (appliedQuestion !== state.q) applied = null;
  appliedQuestion = state.q;
  renderChips();

  let answerResult = null;
  let searchResult = null;
  const askDone = cachedApi(askKey, "/api/ask", { method: "POST", body, signal }).then(
    (data) => {
      if (stale()) return;
      answerResult = data;
      setApplied(data.filters);
      renderAnswer(data);
    },
    (err) => {
      if (stale() || (err && err.name === "AbortError")) return;
      answerResult = err;
      renderAnswerError(err);
    },
  );
  const searchDone = cachedApi(searchKey, searchPath(), { signal }).then(
    async (data) => {
      await Promise.race([askDone, new Promise((r) => setTimeout(r, PASSAGE_HOLD_MS))]);
      if (stale()) return;
      searchResult = data;
      setApplied(data.filters);
      renderPassages(data);
    },
    async (err) => {
      await Promise.race([askDone, new Promise((r) => setTimeout(r, PASSAGE_HOLD_MS))]);
      if (stale() || (err && err.name === "AbortError")) return;
      searchResult = err;
      renderPassagesError(err);
    },
  );
  await Promise.allSettled([askDone, searchDone]);
  if (stale()) return;
  setBusy(false);
  announce(statusText(answerResult, searchResult));
}

function setApplied(filters) {
  applied = filters && typeof filters === "object" ? filters : {};
  fillGoalMenu();
  syncSelects();
  renderChips();
}

function statusText(answer, search) {
  const parts = [];
  if (answer instanceof Error) parts.push("Svaret kunde inte hämtas.");
  else if (answer && answer.answered) parts.push(`Svar med ${answer.citations.length} ${answer.citations.length === 1 ? "källa" : "källor"}.`);
  else if (answer) parts.push("Hittade inget svar i rapporterna.");
  if (search instanceof Error) parts.push("Textavsnitten kunde inte hämtas.");
  else if (search) parts.push(search.hits.length ? `${search.hits.length} textavsnitt.` : "Inga träffar bland textavsnitten.");
  return parts.join(" ");
}

// ------------------------------------------------------------------ rendering: idle and loading

function renderIdle() {
  document.title = "Rapportsök – sök i stadsdelsnämndernas rapporter";
  setHasResults(false);
  ui.answer.className = "panel answer-panel";
  ui.answer.replaceChildren(ui.intro.cloneNode(true));
  ui.passages.replaceChildren();
  renderChips();
  announce("");
}

function skeletonLines(count, className = "skeleton-line") {
  return Array.from({ length: count }, () => el("span", { className }));
}

function renderAnswerLoading() {
  setHasResults(true);
  ui.answer.className = "panel answer-panel is-loading";
  ui.answer.replaceChildren(
    el("div", { className: "answer-head" }, el("h2", { id: "answer-heading", className: "answer-heading" }, "Svar")),
    el("div", { className: "skeleton", "aria-hidden": "true" }, ...skeletonLines(4)),
    el("p", { className: "loading-text" }, el("span", { className: "spinner spinner--inline", "aria-hidden": "true" }), "Letar i rapporterna…"),
  );
}

function renderPassagesLoading() {
  ui.passages.replaceChildren(
    passagesHead("Textavsnitt", "Hämtar…"),
    el("ol", { className: "passage-list", "aria-hidden": "true" },
      ...Array.from({ length: 3 }, () => el("li", { className: "card passage passage--skeleton" },
        el("span", { className: "skeleton-line skeleton-title" }),
        el("span", { className: "skeleton-line skeleton-meta" }),
        ...skeletonLines(3)))),
  );
}

// ------------------------------------------------------------------ rendering: answer

function citationMarker(citation) {
  const page = citation.page ? `, sidan ${citation.page}` : "";
  const link = el("a", {
    className: "cite",
    href: pdfUrl(citation.doc_id, citation.page),
    target: "_blank",
    rel: "noopener",
    dataset: { cite: String(citation.id), docId: citation.doc_id, page: citation.page ?? "", year: citation.year ?? "" },
    "aria-label": `Källa ${citation.id}: ${citation.title}${page} (öppnas i ny flik)`,
  }, String(citation.id));
  return link;
}

function markers(numbers, byId) {
  const wrap = el("span", { className: "cites" });
  for (const n of numbers || []) {
    const citation = byId.get(n);
    if (citation) wrap.append(citationMarker(citation));
  }
  return wrap;
}

function renderAnswer(data) {
  setHasResults(true);
  const byId = new Map((data.citations || []).map((c) => [c.id, c]));
  citationsById = byId;
  const head = el("div", { className: "answer-head" }, el("h2", { id: "answer-heading", className: "answer-heading" }, "Svar"));
  if (!data.answered) {
    ui.answer.className = "panel answer-panel is-notfound";
    ui.answer.replaceChildren(
      head,
      el("div", { className: "notice notice--notfound" },
        el("p", { className: "notice-title" }, "Hittade inget svar i rapporterna"),
        el("p", {}, "Rapporterna verkar inte svara på just den frågan. Prova andra ord, fråga om en stadsdel eller ett år, eller ta bort filter. Textavsnitten nedan kan ändå vara till hjälp.")),
    );
    return;
  }
  if (KIND_LABELS[data.kind]) head.append(el("span", { className: `badge badge--${data.kind}` }, KIND_LABELS[data.kind]));

  let body;
  if (data.kind === "timeline" && Array.isArray(data.timeline) && data.timeline.length) {
    body = renderTimeline(data.timeline, byId);
  } else {
    body = el("p", { className: "answer-text" });
    for (const sentence of data.sentences || []) {
      body.append(el("span", { className: "sentence" }, sentence.text), markers(sentence.citations, byId), " ");
    }
  }
  ui.answer.className = `panel answer-panel answer--${data.kind}`;
  ui.answer.replaceChildren(head, body, renderSources(data.citations || []));
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

function renderSources(citations) {
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
        el("p", { className: "source-actions" },
          el("a", { className: "pdf-link", href: pdfUrl(c.doc_id, c.page), target: "_blank", rel: "noopener" },
            `${page} i PDF`, el("span", { className: "visually-hidden" }, " (öppnas i ny flik)"), el("span", { className: "ext", "aria-hidden": "true" }, " ↗")))));
    if (c.quote) {
      item.querySelector(".source-actions").append(
        el("details", { className: "quote" }, el("summary", {}, "Visa stycket"), el("blockquote", { className: "quote-text" }, c.quote)));
    }
    list.append(item);
  }
  return el("div", { className: "sources-wrap" }, el("h3", { className: "sources-heading" }, "Källor"), list);
}

function goalText(goal) {
  if (!goal) return "";
  return goal.number ? `${goalLevelLabel(goal.level)} ${goal.number}: ${goal.title}` : `${goalLevelLabel(goal.level)}: ${goal.title}`;
}

function errorNotice(err, onRetry) {
  const message = err instanceof ApiError ? err.message : "Ett oväntat fel inträffade.";
  const status = err instanceof ApiError && err.status ? ` (felkod ${err.status})` : "";
  const retry = el("button", { type: "button", className: "button button--secondary" }, "Försök igen");
  retry.addEventListener("click", onRetry);
  return el("div", { className: "notice notice--error", role: "alert" },
    el("p", { className: "notice-title" }, `Något gick fel${status}`),
    el("p", { className: "error-message" }, message),
    el("p", {}, retry));
}

function renderAnswerError(err) {
  setHasResults(true);
  ui.answer.className = "panel answer-panel is-error";
  ui.answer.replaceChildren(
    el("div", { className: "answer-head" }, el("h2", { id: "answer-heading", className: "answer-heading" }, "Svar")),
    errorNotice(err, () => runSearch()),
  );
}

// ------------------------------------------------------------------ rendering: passages

function passagesHead(title, countText) {
  return el("div", { className: "passages-head" },
    el("h2", { id: "passages-heading", className: "passages-heading" }, title),
    el("p", { className: "passages-count" }, countText));
}

function renderPassages(data) {
  const hits = data.hits || [];
  if (!hits.length) {
    const hasFilters = Object.keys(state.filters).length > 0 || (applied && FILTER_KEYS.some((k) => applied[k] !== undefined));
    const notice = el("div", { className: "notice notice--empty" },
      el("p", { className: "notice-title" }, "Inga träffar"),
      el("p", {}, hasFilters
        ? "Inga textavsnitt matchar frågan med de här filtren. Ta bort ett eller flera filter ovan, eller prova andra ord."
        : "Inga textavsnitt matchar frågan. Prova andra eller färre ord."));
    if (Object.keys(state.filters).length) {
      const clear = el("button", { type: "button", className: "button button--secondary" }, "Rensa alla filter");
      clear.addEventListener("click", clearFilters);
      notice.append(el("p", {}, clear));
    }
    ui.passages.replaceChildren(passagesHead("Textavsnitt", "0 avsnitt"), notice);
    return;
  }
  const list = el("ol", { className: "passage-list" });
  for (const hit of hits) list.append(passageCard(hit));
  const count = hits.length === 1 ? "1 avsnitt ur rapporterna" : `${hits.length} avsnitt ur rapporterna, mest relevanta först`;
  ui.passages.replaceChildren(passagesHead("Textavsnitt", count), list);
}

function passageCard(hit) {
  const url = pdfUrl(hit.doc_id, hit.page);
  const tags = el("ul", { className: "tags", "aria-label": "Om rapporten" });
  const addTag = (text, cls, label) => {
    if (text) tags.append(el("li", { className: `tag ${cls}` }, label ? el("span", { className: "visually-hidden" }, `${label}: `) : null, text));
  };
  addTag(hit.district, "tag--district", "Stadsdel");
  addTag(hit.year ? String(hit.year) : "", "tag--year", "År");
  addTag(docTypeLabel(hit.doc_type), "tag--type", "Rapporttyp");
  addTag(hit.unit, "tag--unit", "Enhet");
  addTag(hit.page ? `s. ${hit.pages && hit.pages.length > 1 ? `${hit.pages[0]}–${hit.pages[hit.pages.length - 1]}` : hit.page}` : "", "tag--page", "Sida");
  if (hit.kind === "table") addTag("Tabell", "tag--kind");

  const card = el("li", { className: "card passage", dataset: { docId: hit.doc_id, year: hit.year ?? "" } },
    el("h3", { className: "passage-title" },
      el("a", { href: url, target: "_blank", rel: "noopener" }, hit.title,
        el("span", { className: "visually-hidden" }, hit.page ? `, sidan ${hit.page} (öppnas i ny flik)` : " (öppnas i ny flik)"))),
    tags);
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
  foot.append(el("a", { className: "pdf-link", href: url, target: "_blank", rel: "noopener" },
    hit.page ? `Öppna sidan ${hit.page}` : "Öppna rapporten",
    el("span", { className: "visually-hidden" }, " (öppnas i ny flik)"),
    el("span", { className: "ext", "aria-hidden": "true" }, " ↗")));
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
  for (const group of ordered) {
    const doc = documentsByName.get(group.document);
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
    list.append(item);
  }
  return el("details", { className: "also-in" }, el("summary", {}, summary), list);
}

function renderPassagesError(err) {
  ui.passages.replaceChildren(passagesHead("Textavsnitt", ""), errorNotice(err, () => runSearch()));
}

function clearFilters() {
  state.filters = {};
  state.disabled = [];
  fillGoalMenu();
  pushSearchState();
  syncSelects();
  renderChips();
  runSearch();
  ui.selects.district.focus();
}

// ------------------------------------------------------------------ citation tooltip

let tooltipFor = null;

function showTooltip(anchor) {
  const id = Number(anchor.dataset.cite);
  const citation = currentCitations().get(id);
  if (!citation) return;
  tooltipFor = anchor;
  const tip = ui.tooltip;
  const rows = [
    el("p", { className: "tooltip-title" }, citation.title),
    el("p", { className: "tooltip-meta" }, [
      citation.district,
      citation.year ? String(citation.year) : null,
      docTypeLabel(citation.doc_type),
      citation.page ? `sidan ${citation.page}` : null,
    ].filter(Boolean).join(" · ")),
    citation.unit ? el("p", { className: "tooltip-row" }, el("span", { className: "tooltip-key" }, "Enhet: "), citation.unit) : null,
    citation.goal ? el("p", { className: "tooltip-row" }, el("span", { className: "tooltip-key" }, "Mål: "), goalText(citation.goal)) : null,
    sectionText(citation.section, citation.goal) ? el("p", { className: "tooltip-row" }, el("span", { className: "tooltip-key" }, "Avsnitt: "), sectionText(citation.section, citation.goal)) : null,
    el("p", { className: "tooltip-hint" }, citation.page ? `Klicka för att öppna rapporten på sidan ${citation.page}` : "Klicka för att öppna rapporten"),
  ];
  tip.replaceChildren(...rows.filter(Boolean));
  tip.hidden = false;
  tip.setAttribute("aria-hidden", "true"); // the marker's aria-label already says all of this
  const rect = anchor.getBoundingClientRect();
  const width = Math.min(360, document.documentElement.clientWidth - 16);
  tip.style.width = `${width}px`;
  let left = rect.left + rect.width / 2 - width / 2;
  left = Math.max(8, Math.min(left, document.documentElement.clientWidth - width - 8));
  const height = tip.offsetHeight;
  let top = rect.bottom + 8;
  let above = false;
  if (top + height > window.innerHeight - 8 && rect.top - height - 8 > 8) {
    top = rect.top - height - 8;
    above = true;
  }
  tip.classList.toggle("is-above", above);
  tip.style.left = `${left + window.scrollX}px`;
  tip.style.top = `${top + window.scrollY}px`;
}

function hideTooltip() {
  tooltipFor = null;
  if (ui.tooltip) ui.tooltip.hidden = true;
}

let citationsById = new Map();

function currentCitations() {
  return citationsById;
}

function bindTooltip() {
  const over = (event) => {
    const anchor = event.target instanceof Element ? event.target.closest(".cite") : null;
    if (anchor && anchor !== tooltipFor) showTooltip(anchor);
  };
  const out = (event) => {
    const anchor = event.target instanceof Element ? event.target.closest(".cite") : null;
    if (!anchor) return;
    const to = event.relatedTarget;
    if (to instanceof Node && anchor.contains(to)) return;
    if (document.activeElement === anchor && event.type === "mouseout") return;
    hideTooltip();
  };
  ui.answer.addEventListener("mouseover", over);
  ui.answer.addEventListener("focusin", over);
  ui.answer.addEventListener("mouseout", out);
  ui.answer.addEventListener("focusout", out);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && tooltipFor) hideTooltip();
  });
  window.addEventListener("resize", hideTooltip);
}

// ------------------------------------------------------------------ wiring

function bindEvents() {
  ui.form.addEventListener("submit", (event) => {
    event.preventDefault();
    const q = ui.input.value.replace(/\s+/g, " ").trim();
    if (!q) {
      ui.input.focus();
      return;
    }
    const again = q === state.q;
    state.q = q;
    if (!again) state.disabled = [];
    pushSearchState();
    runSearch();
  });
  ui.examples.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("button.example") : null;
    if (!button) return;
    const q = button.textContent.trim();
    ui.input.value = q;
    state.q = q;
    state.filters = {};
    state.disabled = [];
    fillGoalMenu();
    syncSelects();
    pushSearchState();
    runSearch();
    // The examples move to the sidebar when results show; keep keyboard focus on this one.
    if (document.activeElement !== button) {
      if (button.offsetParent !== null) button.focus({ preventScroll: true });
      else ui.input.focus({ preventScroll: true });
    }
  });
  for (const key of FILTER_KEYS) {
    ui.selects[key].addEventListener("change", (event) => setFilter(key, event.target.value));
  }
  ui.clear.addEventListener("click", clearFilters);
  ui.filtersToggle.addEventListener("click", toggleFilters);
  $("#brand-link").addEventListener("click", (event) => {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    navigate(new URLSearchParams());
    ui.input.focus();
  });
  $("#views-list").addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a.view-tab") : null;
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    const id = link.dataset.view;
    if (id === currentView) return;
    const params = id === "search" ? stateToParams(state) : new URLSearchParams({ view: id });
    navigate(params);
  });
  window.addEventListener("popstate", route);
}

async function loadFacets() {
  try {
    facets = await api("/api/facets");
    fillFilterMenus();
    renderChips();
  } catch (err) {
    const note = el("p", { className: "filters-error", role: "alert" },
      `Filtren kunde inte laddas: ${err instanceof ApiError ? err.message : "okänt fel"}`);
    ui.filters.append(note);
  }
  try {
    const docs = await api("/api/documents");
    documentsByName = new Map(docs.map((d) => [d.name, d]));
  } catch {
    documentsByName = new Map();
  }
}

function init() {
  bindElements();
  const searchSection = $("#view-search");
  const searchLink = $('#views-list a[data-view="search"]');
  views.set("search", { id: "search", section: searchSection, link: searchLink });
  bindEvents();
  bindTooltip();
  loadFacets();
  routerStarted = true;
  route();
  document.documentElement.classList.add("js-ready");
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
else init();
