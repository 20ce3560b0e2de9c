// Notices shown in place of results: an error with a retry button, no hits.

import { ApiError } from "./api.js";
import { el } from "./dom.js";

/** The API's own message (or a general one), the status code and a "Försök igen" button. */
export function errorNotice(err, onRetry) {
  const message = err instanceof ApiError ? err.message : "Ett oväntat fel inträffade.";
  const status = err instanceof ApiError && err.status ? ` (felkod ${err.status})` : "";
  const retry = el("button", { type: "button", className: "button button--secondary" }, "Försök igen");
  retry.addEventListener("click", onRetry);
  return el("div", { className: "notice notice--error", role: "alert" },
    el("p", { className: "notice-title" }, `Något gick fel${status}`),
    el("p", { className: "error-message" }, message),
    el("p", {}, retry));
}

/** "Inga träffar" with a hint, and a button (e.g. to drop the filters) when one is given. */
export function emptyNotice(hint, action) {
  const notice = el("div", { className: "notice notice--empty" },
    el("p", { className: "notice-title" }, "Inga träffar"),
    el("p", {}, hint));
  if (action) {
    const button = el("button", { type: "button", className: "button button--secondary" }, action.text);
    button.addEventListener("click", action.onClick);
    notice.append(el("p", {}, button));
  }
  return notice;
}
