// The search view: the question box, the filters, the answer and the passages.
// Its state is state.search; the URL holds the question and the filters (url-state.js).

import { ApiError } from "./api.js";
import { $, closestTarget, el, isPlainClick, onQuerySubmit } from "./dom.js";
import { renderAnswer, renderAnswerError, renderAnswerLoading } from "./answer-view.js";
import { loadDocuments, loadFacets } from "./facets.js";
import { createFilters } from "./filters.js";
import { FILTER_KEYS } from "./labels.js";
import { renderPassages, renderPassagesError, renderPassagesLoading } from "./passages-view.js";
import { navigate, registerView } from "./router.js";
import { state } from "./state.js";
import { bindTooltip, hideTooltip } from "./tooltip.js";
import { isCurrentUrl, searchFromParams, searchToParams, urlFor } from "./url-state.js";

const PASSAGE_COUNT = 10;
// Passages wait this long for the answer, so the answer above does not push them down.
const PASSAGE_HOLD_MS = 1500;

const search = state.search;
const ui = search.ui;
const filters = createFilters({ onChange: () => { pushSearchState(); runSearch(); } });

function bindElements() {
  Object.assign(ui, {
    form: $("#search-form"),
    input: $("#q"),
    button: $("#search-button"),
    examples: $("#examples"),
    filters: $("#filters"),
    chips: $("#chips"),
    chipsNote: $("#chips-note"),
    sidebar: $("#sidebar"),
    filtersToggle: $("#filters-toggle"),
    clear: $("#clear-filters"),
    status: $("#status"),
    answer: $("#answer"),
    passages: $("#passages"),
    tooltip: $("#cite-tooltip"),
    selects: Object.fromEntries(FILTER_KEYS.map((key) => [key, $(`#f-${key}`)])),
    intro: $("#intro").cloneNode(true),
  });
}

function pushSearchState() {
  const url = urlFor(searchToParams(search));
  if (!isCurrentUrl(url)) history.pushState({ view: "search" }, "", url);
}

/** The view shows the URL's question and filters. */
function show(params) {
  Object.assign(search, searchFromParams(params));
  syncForm();
  runSearch();
}

function syncForm() {
  if (ui.input.value.trim() !== search.q) ui.input.value = search.q;
  filters.fillGoalMenu();
  filters.syncSelects();
  filters.renderChips();
}

/** Results shown: the examples move from under the search box to the sidebar. */
function setHasResults(has) {
  document.body.classList.toggle("has-results", has);
  if (has && ui.examples.parentElement !== ui.sidebar) ui.sidebar.append(ui.examples);
  if (!has && ui.examples.previousElementSibling !== ui.form) ui.form.after(ui.examples);
}

function askBody() {
  const chosen = {};
  for (const key of FILTER_KEYS) if (search.filters[key] !== undefined) chosen[key] = search.filters[key];
  const body = { question: search.q, filters: chosen };
  if (search.disabled.length) body.disable = [...search.disabled];
  return body;
}

function searchPath() {
  const params = searchToParams(search);
  params.delete("q");
  params.delete("nofilter");
  const query = new URLSearchParams({ q: search.q, k: String(PASSAGE_COUNT) });
  for (const [k, v] of params) query.set(k, v);
  if (search.disabled.length) query.set("nofilter", search.disabled.join(","));
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

/** Ask (/api/ask) and search (/api/search) for the state's question; show both. */
async function runSearch() {
  hideTooltip();
  const my = ++search.sequence;
  if (search.controller) search.controller.abort();
  if (!search.q) {
    search.controller = null;
    search.applied = null;
    search.appliedQuestion = null;
    setBusy(false);
    renderIdle();
    return;
  }
  setHasResults(true);
  search.controller = new AbortController();
  const { signal } = search.controller;
  document.title = `${search.q} – Rapportsök`;
  const searchKey = searchPath();
  const body = askBody();
  const askKey = `ask:${JSON.stringify(body)}`;
  const stale = () => my !== search.sequence;
  const cache = search.cache;

  if (!(cache.has(searchKey) && cache.has(askKey))) {
    setBusy(true);
    announce("Söker…");
    renderAnswerLoading();
    renderPassagesLoading();
  }
  // Filters read from the question stay on screen while the same question runs again
  // (e.g. with another filter), so the chip row does not jump.
  if (search.appliedQuestion !== search.q) search.applied = null;
  search.appliedQuestion = search.q;
  filters.renderChips();

  let answerResult = null;
  let searchResult = null;
  const retry = () => runSearch();
  const askDone = cache.fetch(askKey, "/api/ask", { method: "POST", body, signal }).then(
    (data) => {
      if (stale()) return;
      answerResult = data;
      setApplied(data.filters);
      renderAnswer(data);
    },
    (err) => {
      if (stale() || (err && err.name === "AbortError")) return;
      answerResult = err;
      renderAnswerError(err, retry);
    },
  );
  const held = () => Promise.race([askDone, new Promise((r) => setTimeout(r, PASSAGE_HOLD_MS))]);
  const searchDone = cache.fetch(searchKey, searchKey, { signal }).then(
    async (data) => {
      await held();
      if (stale()) return;
      searchResult = data;
      setApplied(data.filters);
      renderPassages(data, { onClearFilters: filters.clearFilters });
    },
    async (err) => {
      await held();
      if (stale() || (err && err.name === "AbortError")) return;
      searchResult = err;
      renderPassagesError(err, retry);
    },
  );
  await Promise.allSettled([askDone, searchDone]);
  if (stale()) return;
  setBusy(false);
  announce(statusText(answerResult, searchResult));
}

function setApplied(applied) {
  search.applied = applied && typeof applied === "object" ? applied : {};
  filters.fillGoalMenu();
  filters.syncSelects();
  filters.renderChips();
}

function statusText(answer, found) {
  const parts = [];
  if (answer instanceof Error) parts.push("Svaret kunde inte hämtas.");
  else if (answer && answer.answered) parts.push(`Svar med ${answer.citations.length} ${answer.citations.length === 1 ? "källa" : "källor"}.`);
  else if (answer) parts.push("Hittade inget svar i rapporterna.");
  if (found instanceof Error) parts.push("Textavsnitten kunde inte hämtas.");
  else if (found) parts.push(found.hits.length ? `${found.hits.length} textavsnitt.` : "Inga träffar bland textavsnitten.");
  return parts.join(" ");
}

function renderIdle() {
  document.title = "Rapportsök – sök i stadsdelsnämndernas rapporter";
  setHasResults(false);
  ui.answer.className = "panel answer-panel";
  ui.answer.replaceChildren(ui.intro.cloneNode(true));
  ui.passages.replaceChildren();
  filters.renderChips();
  announce("");
}

function bindEvents() {
  onQuerySubmit(ui.form, ui.input, (q) => {
    const again = q === search.q;
    search.q = q;
    if (!again) search.disabled = [];
    pushSearchState();
    runSearch();
  });
  ui.examples.addEventListener("click", (event) => {
    const button = closestTarget(event, "button.example");
    if (!button) return;
    const q = button.textContent.trim();
    ui.input.value = q;
    search.q = q;
    filters.resetFilters();
    pushSearchState();
    runSearch();
    // The examples move to the sidebar when results show; keep keyboard focus on this one.
    if (document.activeElement !== button) {
      if (button.offsetParent !== null) button.focus({ preventScroll: true });
      else ui.input.focus({ preventScroll: true });
    }
  });
  filters.bindFilters();
  $("#brand-link").addEventListener("click", (event) => {
    if (!isPlainClick(event)) return;
    event.preventDefault();
    navigate(new URLSearchParams());
    ui.input.focus();
  });
}

async function showFacets() {
  try {
    await loadFacets();
    filters.fillFilterMenus();
    filters.renderChips();
  } catch (err) {
    const note = el("p", { className: "filters-error", role: "alert" },
      `Filtren kunde inte laddas: ${err instanceof ApiError ? err.message : "okänt fel"}`);
    ui.filters.append(note);
  }
  await loadDocuments();
}

/** Bind the search view to index.html's markup and add it to the router. */
export function startSearchView() {
  bindElements();
  bindEvents();
  bindTooltip(ui.answer);
  showFacets();
  registerView({
    id: "search",
    section: $("#view-search"),
    link: $('#views-list a[data-view="search"]'),
    show,
    params: () => searchToParams(search),
  });
}
