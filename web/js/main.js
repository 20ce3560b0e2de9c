// Rapportsök – the web page. Native ES modules, no build step; index.html loads this one.
//
//   main.js          starts the views and the router
//   router.js        views as tabs, ?view=<id> in the URL
//   state.js         the page's state, in one object
//   url-state.js     what the URL holds, read and written
//   api.js           the API client (JSON, errors, cache, PDF links)
//   facets.js        /api/facets and /api/documents, fetched once
//   labels.js        Swedish names of report types, goal levels and filters
//   dom.js           el(), svg() and other DOM helpers; notices.js: error and empty notices
//   search-view.js   the search view: question, filters.js, answer-view.js, passages-view.js,
//                    tooltip.js (the citation tooltip), sections.js (section paths)
//   compare-view.js  "Jämför över år": compare-tables.js, table.js, reports.js, chart.js, csv.js
//   library-view.js  "Rapporter": what was read of each report, its goal tree, uploads and
//                    removals with their build's progress
//
// All report text goes into the page as text nodes (textContent / createTextNode), never
// as HTML.

import { startCompareView } from "./compare-view.js";
import { startLibraryView } from "./library-view.js";
import { startRouter } from "./router.js";
import { startSearchView } from "./search-view.js";

function init() {
  startSearchView();
  startCompareView();
  startLibraryView();
  startRouter();
  document.documentElement.classList.add("js-ready");
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
else init();
