// The page's state, in one object. Each part has one owner that changes it:
// `facets`, `documentsByName` and `docTypes` are set once the API has answered (facets.js,
// labels.js); `router` by router.js; `search` by the search view; `compare` by the compare
// view. The URL holds what a user can share (url-state.js); the rest is derived from it.

import { createCache } from "./api.js";

export const state = {
  /** The /api/facets response (districts, years, report types, units, goals), or null. */
  facets: null,
  facetsRequest: null, // the one /api/facets request (a promise)
  /** Reports by file name (from /api/documents), for the "also in" links. */
  documentsByName: new Map(),
  /** Report types in order with their Swedish names, from /api/facets; null: labels.js's own. */
  docTypes: null,
  router: {
    views: new Map(),
    current: "search",
    started: false,
  },
  search: {
    // from the URL: ?q=&district=&year=&doc_type=&unit=&goal=&nofilter=
    q: "",
    filters: {},
    disabled: [], // filters read from the question that the user switched off
    // from the latest responses
    applied: null, // the `filters` object of the latest response (incl. those read from q)
    appliedQuestion: null, // the question `applied` belongs to
    citationsById: new Map(),
    // the request in flight
    sequence: 0,
    controller: null,
    cache: createCache(40),
    tooltipFor: null, // the citation marker the tooltip is shown for
    ui: {},
  },
  compare: {
    // from the URL: ?view=compare&cq=&ckind=&cdistrict=
    query: { q: "", kind: "indicators", district: "" },
    shownKey: null, // the query whose results are on screen
    lastParams: null, // the comparison to come back to through the tab
    sequence: 0,
    controller: null,
    cache: createCache(30),
    exports: [], // [{ details | null, rows() }]
    ids: 0,
    section: null,
    ui: {},
  },
};
