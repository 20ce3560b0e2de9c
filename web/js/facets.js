// What the index holds (/api/facets) and its reports (/api/documents), fetched once.

import { api } from "./api.js";
import { useFacetLabels } from "./labels.js";
import { state } from "./state.js";

/** The facets, fetched on the first call; later calls share that request. */
export function loadFacets() {
  if (!state.facetsRequest) {
    state.facetsRequest = api("/api/facets").then((facets) => {
      state.facets = facets;
      useFacetLabels(facets);
      return facets;
    });
  }
  return state.facetsRequest;
}

/** Reports by file name; without them the "also in" list shows names without links. */
export async function loadDocuments() {
  try {
    const docs = await api("/api/documents");
    state.documentsByName = new Map(docs.map((d) => [d.name, d]));
  } catch {
    state.documentsByName = new Map();
  }
}
