// Views (tabs): each view is a <section> in <main> and a tab in the header nav; the URL's
// ?view=<id> selects one (no view: the search view).
//
//   registerView({
//     id: "compare",
//     label: "Jämför över år",
//     mount(section) { ... build the view inside <section> ... },
//     show(params) { ... the URL's search params when the view becomes visible ... },
//     hide() { ... },
//     params() { ... the URL to show when its tab is clicked (default ?view=<id>) ... },
//   });
//
// A view already in index.html passes its section and link instead of a label.

import { $, closestTarget, el, isPlainClick } from "./dom.js";
import { state } from "./state.js";
import { urlFor } from "./url-state.js";

const router = state.router;

/** Navigate to a URL with the given search params (pushState) and show its view. */
export function navigate(params, { replace = false } = {}) {
  const url = urlFor(params instanceof URLSearchParams ? params : new URLSearchParams(params));
  if (replace) history.replaceState({}, "", url);
  else history.pushState({}, "", url);
  route();
}

/** Add a view: a tab in the header nav and a <section> in <main> (made here unless given). */
export function registerView({ id, label, section, link, mount, show, hide, params }) {
  if (!id || router.views.has(id)) throw new Error(`view ${id} is already registered`);
  if (!link) {
    link = el("a", { className: "view-tab", href: `?view=${encodeURIComponent(id)}`, dataset: { view: id } }, label);
    $("#views-list").append(el("li", {}, link));
  }
  if (!section) {
    section = el("section", { className: "view", id: `view-${id}`, dataset: { view: id }, "aria-label": label, hidden: true });
    $("#main").append(section);
  }
  router.views.set(id, { id, section, link, show, hide, params });
  if (mount) mount(section);
  if (router.started && new URLSearchParams(location.search).get("view") === id) route();
}

function showView(id) {
  const target = router.views.has(id) ? id : "search";
  for (const view of router.views.values()) {
    const active = view.id === target;
    view.section.hidden = !active;
    if (active) view.link.setAttribute("aria-current", "page");
    else view.link.removeAttribute("aria-current");
    if (!active && view.id === router.current && view.id !== target && view.hide) view.hide();
  }
  router.current = target;
  return router.views.get(target);
}

function route() {
  const params = new URLSearchParams(location.search);
  const view = showView(params.get("view") || "search");
  if (view.show) view.show(params);
}

/** Tab clicks and the browser's back and forward buttons; then show the URL's view. */
export function startRouter() {
  $("#views-list").addEventListener("click", (event) => {
    const link = closestTarget(event, "a.view-tab");
    if (!link || !isPlainClick(event)) return;
    event.preventDefault();
    const id = link.dataset.view;
    if (id === router.current) return;
    const view = router.views.get(id);
    navigate(view && view.params ? view.params() : new URLSearchParams({ view: id }));
  });
  window.addEventListener("popstate", route);
  router.started = true;
  route();
}
