// What the URL holds, read and written in one place.
//   search view:  ?q=&district=&year=&doc_type=&unit=&goal=&nofilter=
//   compare view: ?view=compare&cq=<words>&ckind=indicators|goals|budget&cdistrict=<district>

import { clean } from "./dom.js";
import { FILTER_KEYS } from "./labels.js";

const COMPARE_KINDS = ["indicators", "goals", "budget"];
export const DEFAULT_COMPARE_KIND = "indicators";

/** The search query of a URL: { q, filters, disabled }. */
export function searchFromParams(params) {
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

export function searchToParams(search) {
  const params = new URLSearchParams();
  if (search.q) params.set("q", search.q);
  for (const key of FILTER_KEYS) {
    if (search.filters[key] !== undefined && search.filters[key] !== null && search.filters[key] !== "") {
      params.set(key, String(search.filters[key]));
    }
  }
  if (search.disabled.length) params.set("nofilter", search.disabled.join(","));
  return params;
}

/** The comparison of a URL: { q, kind, district }. */
export function compareFromParams(params) {
  const kind = params.get("ckind");
  return {
    q: clean(params.get("cq")),
    kind: COMPARE_KINDS.includes(kind) ? kind : DEFAULT_COMPARE_KIND,
    district: (params.get("cdistrict") || "").trim(),
  };
}

export function compareToParams(query) {
  const params = new URLSearchParams({ view: "compare" });
  if (query.q) params.set("cq", query.q);
  if (query.kind && query.kind !== DEFAULT_COMPARE_KIND) params.set("ckind", query.kind);
  else if (query.q) params.set("ckind", query.kind || DEFAULT_COMPARE_KIND);
  if (query.district) params.set("cdistrict", query.district);
  return params;
}

/** This page's URL with the given search params. */
export function urlFor(params) {
  const query = params.toString();
  return query ? `${location.pathname}?${query}` : location.pathname;
}

/** Is this the URL the page is on now? */
export function isCurrentUrl(url) {
  return url === `${location.pathname}${location.search}`;
}
