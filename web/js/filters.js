// The search view's filters: the menus in the sidebar and the chip row above the results.
// A filter is set in a menu (explicit), read from the question by the service (inferred,
// state.search.applied) or an inferred one the user switched off (disabled).

import { el, truncate } from "./dom.js";
import { ALL_LABELS, FILTER_KEYS, FILTER_LABELS, docTypeLabel, goalLevelLabel, sortDocTypes } from "./labels.js";
import { state } from "./state.js";

const search = state.search;
const ui = search.ui;

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
  if (search.filters.year !== undefined) return search.filters.year;
  return (!search.disabled.includes("year") && search.applied && search.applied.year) || null;
}

function goalOptions() {
  if (!state.facets) return [];
  const year = effectiveYear();
  const byNumber = new Map();
  for (const goal of state.facets.goals || []) {
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

function filterValueLabel(key, value) {
  if (value === undefined || value === null) return "";
  if (key === "doc_type") return docTypeLabel(value);
  if (key === "goal") {
    const year = effectiveYear();
    const goal = state.facets && (state.facets.goals || []).find((g) => g.number === String(value) && (!year || g.year === year));
    return goal ? `${value} ${truncate(goal.title, 48)}` : String(value);
  }
  return String(value);
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

/**
 * The filter menus and chips. onChange() runs after the user changed a filter (the caller
 * puts the new state in the URL and searches again).
 */
export function createFilters({ onChange }) {
  function fillFilterMenus() {
    const facets = state.facets;
    if (!facets) return;
    fillSelect(ui.selects.district, (facets.districts || []).map((d) => ({ value: d, label: d })), ALL_LABELS.district);
    fillSelect(ui.selects.year, [...(facets.years || [])].sort((a, b) => b - a).map((y) => ({ value: String(y), label: String(y) })), ALL_LABELS.year);
    const types = sortDocTypes(facets.doc_types || []);
    fillSelect(ui.selects.doc_type, types.map((t) => ({ value: t, label: docTypeLabel(t) })), ALL_LABELS.doc_type);
    fillSelect(ui.selects.unit, (facets.units || []).map((u) => ({ value: u, label: u })), ALL_LABELS.unit);
    fillGoalMenu();
    syncSelects();
  }

  function fillGoalMenu() {
    if (!state.facets) return;
    fillSelect(ui.selects.goal, goalOptions(), ALL_LABELS.goal);
  }

  /** Put the state's filters into the menus; an inferred value shows in the "all" option. */
  function syncSelects() {
    const applied = search.applied;
    for (const key of FILTER_KEYS) {
      const select = ui.selects[key];
      const value = search.filters[key];
      const wanted = value === undefined || value === null ? "" : String(value);
      if (wanted && ![...select.options].some((o) => o.value === wanted)) {
        select.append(el("option", { value: wanted }, filterValueLabel(key, value)));
      }
      select.value = wanted;
      const inferred = !wanted && !search.disabled.includes(key) && applied && applied[key] !== undefined && applied[key] !== null;
      const first = select.options[0];
      first.textContent = inferred ? `${filterValueLabel(key, applied[key])} (från frågan)` : ALL_LABELS[key];
      select.classList.toggle("is-set", Boolean(wanted));
      select.classList.toggle("is-inferred", Boolean(inferred));
    }
  }

  function setFilter(key, value) {
    if (value === "" || value === null || value === undefined) delete search.filters[key];
    else search.filters[key] = key === "year" ? Number.parseInt(value, 10) : value;
    search.disabled = search.disabled.filter((k) => k !== key);
    if (key === "year") fillGoalMenu();
    syncSelects();
    renderChips();
    onChange();
  }

  function setInferredUsed(key, used) {
    if (used) search.disabled = search.disabled.filter((k) => k !== key);
    else if (!search.disabled.includes(key)) search.disabled = [...search.disabled, key];
    renderChips();
    onChange();
  }

  /** No filters at all (none set, none switched off); the menus show that. */
  function resetFilters() {
    search.filters = {};
    search.disabled = [];
    fillGoalMenu();
    syncSelects();
  }

  function clearFilters() {
    resetFilters();
    renderChips();
    onChange();
    ui.selects.district.focus();
  }

  function chipFor(key, boost) {
    const explicit = search.filters[key];
    const applied = search.applied;
    const label = FILTER_LABELS[key];
    if (explicit !== undefined && explicit !== null) {
      const value = filterValueLabel(key, explicit);
      return chip({
        variant: "explicit",
        label,
        value,
        removeLabel: `Ta bort filtret ${label}: ${value}`,
        onRemove: () => setFilter(key, null),
      });
    }
    if (search.disabled.includes(key)) {
      return chip({
        variant: "disabled",
        label: key === "doc_type" ? "Rapporttyp ur frågan" : label,
        value: "används inte",
        removeLabel: `Använd ${label.toLowerCase()} ur frågan igen`,
        actionText: "Återställ",
        onRemove: () => setInferredUsed(key, true),
      });
    }
    if (key === "doc_type" && boost) {
      const value = docTypeLabel(boost);
      return chip({
        variant: "hint",
        label: "Väger tyngre",
        value,
        note: "från frågan",
        removeLabel: `Sluta låta ${value} väga tyngre`,
        onRemove: () => setInferredUsed("doc_type", false),
      });
    }
    if (applied && applied[key] !== undefined && applied[key] !== null) {
      const value = filterValueLabel(key, applied[key]);
      return chip({
        variant: "inferred",
        label,
        value,
        note: "från frågan",
        removeLabel: `Ta bort filtret ${label}: ${value} som lästes ur frågan`,
        onRemove: () => setInferredUsed(key, false),
      });
    }
    return null;
  }

  function chipsNote(items, hint) {
    if (!items.length) return search.q ? "Inga filter – sökningen gäller alla rapporter." : "";
    if (hint) return "”Väger tyngre” är inget filter: rapporttypen som nämns i frågan rankas högre, men andra rapporter visas också. Streckade filter lästes ur frågan.";
    if (items.some((i) => i.dataset.variant === "inferred")) return "Streckade filter lästes ur frågan. Ta bort dem om du vill söka bredare.";
    return "";
  }

  function renderChips() {
    const applied = search.applied;
    const boost = applied && applied.boost_doc_type && search.filters.doc_type === undefined && !search.disabled.includes("doc_type")
      ? applied.boost_doc_type
      : null;
    const items = FILTER_KEYS.map((key) => chipFor(key, boost)).filter(Boolean);
    const hint = items.some((i) => i.dataset.variant === "hint");
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
    ui.chips.parentElement.classList.toggle("is-none", !items.length);
    ui.chipsNote.textContent = chipsNote(items, hint);
    const explicit = Object.keys(search.filters).length;
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

  function bindFilters() {
    for (const key of FILTER_KEYS) {
      ui.selects[key].addEventListener("change", (event) => setFilter(key, event.target.value));
    }
    ui.clear.addEventListener("click", clearFilters);
    ui.filtersToggle.addEventListener("click", toggleFilters);
  }

  return { bindFilters, fillFilterMenus, fillGoalMenu, syncSelects, renderChips, resetFilters, clearFilters };
}
