// "Jämför över år": an indicator, goal or budget line side by side in every report.
// Its state is state.compare; the URL holds the comparison (url-state.js).
// The CSV is built from the same model as the tables (table.js).

import { clean, closestTarget, el, onQuerySubmit, spinnerText } from "./dom.js";
import { budgetCsvRows, budgetTable, goalItem, indicatorItem } from "./compare-tables.js";
import { downloadCsv, slug } from "./csv.js";
import { loadFacets } from "./facets.js";
import { emptyNotice, errorNotice } from "./notices.js";
import { score } from "./reports.js";
import { navigate, registerView } from "./router.js";
import { state } from "./state.js";
import { nextId, renderTable, tableCsvRows } from "./table.js";
import { DEFAULT_COMPARE_KIND, compareFromParams, compareToParams } from "./url-state.js";

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

const EXAMPLES = [
  { kind: "indicators", q: "Andel barn i familjer med ekonomiskt bistånd", district: "Hässelby-Vällingby" },
  { kind: "indicators", q: "Sjukfrånvaro", district: "" },
  { kind: "indicators", q: "Ekologiska livsmedel", district: "" },
  { kind: "goals", q: "Stöd och omsorg", district: "Hässelby-Vällingby" },
  { kind: "budget", q: "Äldreomsorg", district: "" },
];

const view = state.compare;
const ui = view.ui;

function queryKey(query) {
  return JSON.stringify([query.kind, query.q, query.district]);
}

// ------------------------------------------------------------------ the form

function buildForm() {
  ui.input = el("input", {
    className: "search-input",
    id: "cq",
    name: "cq",
    type: "search",
    autocomplete: "off",
    enterkeyhint: "search",
    maxlength: "500",
    spellcheck: "false",
    placeholder: KINDS[DEFAULT_COMPARE_KIND].placeholder,
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
}

function bindForm() {
  onQuerySubmit(ui.form, ui.input, (q) => go({ ...formQuery(), q }, { force: true }));
  for (const radio of Object.values(ui.kinds)) {
    radio.addEventListener("change", () => {
      ui.input.placeholder = KINDS[formQuery().kind].placeholder;
      if (view.query.q) go({ ...formQuery(), q: view.query.q });
    });
  }
  ui.district.addEventListener("change", () => {
    if (view.query.q) go({ ...formQuery(), q: view.query.q });
  });
  ui.examples.addEventListener("click", (event) => {
    const button = closestTarget(event, "button.example");
    if (!button) return;
    go({ q: button.dataset.q, kind: button.dataset.kind, district: button.dataset.district || "" });
    ui.input.focus({ preventScroll: true });
  });
}

function mount(section) {
  view.section = section;
  section.classList.add("compare-view");
  section.removeAttribute("aria-label");
  section.setAttribute("aria-labelledby", "compare-heading");
  buildForm();
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
  bindForm();
  fillDistricts();
}

function formQuery() {
  const kind = Object.keys(ui.kinds).find((k) => ui.kinds[k].checked) || DEFAULT_COMPARE_KIND;
  return { q: clean(ui.input.value), kind, district: ui.district.value };
}

function go(query, { force = false } = {}) {
  if (force && queryKey(query) === view.shownKey) view.shownKey = null;
  const params = compareToParams(query);
  // The same comparison again (e.g. Enter twice) does not add a history entry.
  const same = params.toString() === new URLSearchParams(location.search).toString();
  navigate(params, { replace: same });
}

async function fillDistricts() {
  let facets;
  try {
    facets = await loadFacets();
  } catch {
    return; // the search view reports facet errors; the select keeps "Alla stadsdelar"
  }
  const select = ui.district;
  const wanted = view.query.district || select.value;
  select.replaceChildren(el("option", { value: "" }, "Alla stadsdelar"),
    ...(facets.districts || []).map((d) => el("option", { value: d }, d)));
  syncForm();
  if (wanted && select.value !== wanted) select.value = wanted;
}

function syncForm() {
  const query = view.query;
  if (clean(ui.input.value) !== query.q) ui.input.value = query.q;
  for (const [id, radio] of Object.entries(ui.kinds)) radio.checked = id === query.kind;
  ui.input.placeholder = KINDS[query.kind].placeholder;
  if (query.district && ![...ui.district.options].some((o) => o.value === query.district)) {
    ui.district.append(el("option", { value: query.district }, query.district));
  }
  ui.district.value = query.district;
}

// ------------------------------------------------------------------ showing and fetching

function show(params) {
  const query = compareFromParams(params);
  // Coming back through the tab (plain ?view=compare): the last comparison again.
  if (!query.q && !params.has("cdistrict") && !params.has("ckind") && view.lastParams) {
    const last = view.lastParams;
    view.lastParams = null;
    navigate(last, { replace: true });
    return;
  }
  view.query = query;
  syncForm();
  if (!query.q) {
    document.title = "Jämför över år – Rapportsök";
    if (view.controller) view.controller.abort();
    view.shownKey = null;
    renderIdle();
    return;
  }
  document.title = `${query.q} – Jämför över år – Rapportsök`;
  if (queryKey(query) === view.shownKey) return;
  run();
}

function hide() {
  if (view.query.q) view.lastParams = compareToParams(view.query);
  if (view.controller) {
    view.controller.abort();
    view.controller = null;
    setBusy(false);
    if (view.shownKey === null) renderIdle();
  }
}

function setBusy(busy) {
  ui.button.classList.toggle("is-busy", busy);
  ui.results.setAttribute("aria-busy", String(busy));
  view.section.classList.toggle("is-loading", busy);
}

function apiPath(query) {
  const kind = KINDS[query.kind];
  const params = new URLSearchParams({ q: query.q, limit: String(kind.limit) });
  if (query.district) params.set("district", query.district);
  return `${kind.path}?${params}`;
}

async function run() {
  const query = { ...view.query };
  const my = ++view.sequence;
  if (view.controller) view.controller.abort();
  view.controller = new AbortController();
  const { signal } = view.controller;
  const path = apiPath(query);
  ui.examples.hidden = true;
  view.shownKey = null;
  if (!view.cache.has(path)) {
    setBusy(true);
    renderLoading(query);
    ui.status.textContent = "Hämtar…";
  }
  try {
    const data = await view.cache.fetch(path, path, { signal });
    if (my !== view.sequence) return;
    renderResults(query, data);
    view.shownKey = queryKey(query);
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

// ------------------------------------------------------------------ rendering

function resultsHeading(kind, ...extra) {
  return el("h2", { className: "compare-results-heading", id: "compare-results-heading" }, kind.label, ...extra);
}

/** Results without tables: no toolbar, nothing to export. */
function showNoTables(status, ...nodes) {
  ui.toolbar.hidden = true;
  view.exports = [];
  ui.results.replaceChildren(...nodes);
  if (status !== null) ui.status.textContent = status;
}

function renderIdle() {
  ui.toolbar.replaceChildren();
  showNoTables("");
  ui.examples.hidden = false;
}

function renderLoading(query) {
  showNoTables(null,
    resultsHeading(KINDS[query.kind]),
    spinnerText("Hämtar värden ur rapporterna…"),
    el("div", { className: "card compare-skeleton", "aria-hidden": "true" },
      el("span", { className: "skeleton-line skeleton-title" }),
      el("span", { className: "skeleton-line" }),
      el("span", { className: "skeleton-line" }),
      el("span", { className: "skeleton-line" })));
}

function renderError(err) {
  showNoTables("Värdena kunde inte hämtas.", resultsHeading(KINDS[view.query.kind]), errorNotice(err, () => run()));
}

function renderEmpty(query) {
  const many = KINDS[query.kind].many;
  const notice = emptyNotice(query.district
    ? `Hittade inga ${many} som matchar ”${query.q}” i ${query.district}. Prova andra ord, en annan stadsdel eller en annan typ.`
    : `Hittade inga ${many} som matchar ”${query.q}”. Prova andra eller färre ord, eller en annan typ.`,
  query.district ? { text: "Sök i alla stadsdelar", onClick: () => go({ ...query, district: "" }) } : null);
  showNoTables("Inga träffar.", resultsHeading(KINDS[query.kind]), notice);
}

function countText(kind, count) {
  return `${count} ${count === 1 ? kind.one : kind.many}`;
}

function renderBudget(query, lines) {
  const kind = KINDS.budget;
  const table = budgetTable(lines);
  view.exports = [{ details: null, rows: () => budgetCsvRows(table, lines) }];
  ui.results.replaceChildren(
    resultsHead(kind, lines.length, query, "Belopp i miljoner kronor. Under varje belopp står rapportens egen rubrik för värdet."),
    el("div", { className: "panel compare-panel" }, renderTable(table)));
  renderToolbar(query);
  ui.status.textContent = `${countText(kind, lines.length)}.`;
}

/** One expandable card per indicator or goal; the first one open. */
function itemCard(item, id, open) {
  const details = el("details", { className: "card compare-item", dataset: { id } },
    el("summary", { className: "compare-summary" },
      el("h3", { className: "compare-item-title", id: nextId("cmp-item") }, item.heading),
      el("span", { className: "compare-item-meta" }, item.meta.join(" · ")),
      item.badges && item.badges.length ? el("span", { className: "compare-badges" }, ...item.badges) : null),
    item.body);
  if (open) details.open = true;
  details.addEventListener("toggle", updateExportNote);
  view.exports.push({ details, rows: () => tableCsvRows(item.table) });
  return details;
}

function renderResults(query, data) {
  const kind = KINDS[query.kind];
  if (query.kind === "budget") {
    const lines = data.lines || [];
    return lines.length ? renderBudget(query, lines) : renderEmpty(query);
  }
  const groups = query.kind === "goals" ? data.goals || [] : data.indicators || [];
  if (!groups.length) return renderEmpty(query);
  const list = el("ol", { className: "compare-list" });
  view.exports = [];
  groups.forEach((group, i) => {
    const item = query.kind === "goals" ? goalItem(group) : indicatorItem(group);
    list.append(el("li", {}, itemCard(item, group.id, i === 0)));
  });
  const threshold = typeof data.link_threshold === "number"
    ? ` Rapporterna kopplas ihop när ${query.kind === "goals" ? "målen" : "namnen"} liknar varandra (likhet minst ${score(data.link_threshold)}).`
    : "";
  const intro = groups.length === 1
    ? `En träff.${threshold}`
    : `${groups.length} träffar, bäst först. Öppna en träff för att se dess tabell.${threshold}`;
  ui.results.replaceChildren(resultsHead(kind, groups.length, query, intro), list);
  renderToolbar(query);
  ui.status.textContent = `${countText(kind, groups.length)}.`;
  return undefined;
}

function resultsHead(kind, count, query, note) {
  return el("div", { className: "compare-results-head" },
    el("div", { className: "compare-results-text" },
      resultsHeading(kind, el("span", { className: "compare-count" }, ` – ${countText(kind, count)}${query.district ? ` i ${query.district}` : ""}`)),
      el("p", { className: "compare-results-note" }, note)),
    ui.toolbar);
}

// ------------------------------------------------------------------ CSV export

function renderToolbar(query) {
  const button = el("button", { type: "button", className: "button button--secondary export-button", "aria-describedby": "export-note" },
    el("span", { className: "export-icon", "aria-hidden": "true" }, "⤓"), "Exportera CSV");
  button.addEventListener("click", () => exportCsv(query));
  ui.exportButton = button;
  ui.exportNote = el("span", { className: "export-note", id: "export-note" });
  ui.toolbar.replaceChildren(button, ui.exportNote);
  ui.toolbar.hidden = false;
  updateExportNote();
}

function exportable() {
  return view.exports.filter((x) => !x.details || x.details.open);
}

function updateExportNote() {
  if (!ui.exportNote) return;
  const n = exportable().length;
  const total = view.exports.length;
  let text;
  if (view.query.kind === "budget" || (n === 1 && total === 1)) text = "Tabellen som CSV för Excel.";
  else if (!n) text = "Öppna en träff för att kunna exportera dess tabell.";
  else if (n === total) text = `Alla ${n} tabeller som CSV för Excel.`;
  else if (n === 1) text = `Den öppna tabellen (1 av ${total}) som CSV för Excel.`;
  else text = `De ${n} öppna tabellerna (av ${total}) som CSV för Excel.`;
  ui.exportNote.textContent = text;
  ui.exportButton.disabled = n === 0;
}

function exportCsv(query) {
  const chosen = exportable();
  if (!chosen.length) return;
  const today = new Date().toISOString().slice(0, 10);
  const rows = [[`Rapportsök – Jämför över år: ${KINDS[query.kind].label}`, query.q, query.district || "Alla stadsdelar", today]];
  for (const item of chosen) {
    rows.push([]);
    rows.push(...item.rows());
  }
  downloadCsv(rows, `rapportsok-${query.kind}-${slug(query.q)}.csv`);
  ui.status.textContent = "CSV-filen har laddats ner.";
}

/** Add the view to the router (a tab after "Sök"). */
export function startCompareView() {
  registerView({ id: "compare", label: "Jämför över år", mount, show, hide });
}
