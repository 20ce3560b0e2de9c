// The citation tooltip: a citation marker's source (report, year, page), on hover or focus.

import { closestTarget, el } from "./dom.js";
import { OCR_NOTE, docTypeLabel, goalText } from "./labels.js";
import { sectionText } from "./sections.js";
import { state } from "./state.js";

const search = state.search;
const ui = search.ui;

function tooltipRow(key, value) {
  return el("p", { className: "tooltip-row" }, el("span", { className: "tooltip-key" }, key), value);
}

function tooltipRows(citation) {
  const section = sectionText(citation.section, citation.goal);
  return [
    el("p", { className: "tooltip-title" }, citation.title),
    el("p", { className: "tooltip-meta" }, [
      citation.district,
      citation.year ? String(citation.year) : null,
      docTypeLabel(citation.doc_type),
      citation.page ? `sidan ${citation.page}` : null,
    ].filter(Boolean).join(" · ")),
    citation.unit ? tooltipRow("Enhet: ", citation.unit) : null,
    citation.goal ? tooltipRow("Mål: ", goalText(citation.goal)) : null,
    section ? tooltipRow("Avsnitt: ", section) : null,
    citation.ocr ? tooltipRow("OCR: ", OCR_NOTE) : null,
    el("p", { className: "tooltip-hint" }, citation.page ? `Klicka för att öppna rapporten på sidan ${citation.page}` : "Klicka för att öppna rapporten"),
  ];
}

/** Below the marker, or above it when there is no room below; always inside the window. */
function place(tip, anchor) {
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

function showTooltip(anchor) {
  const citation = search.citationsById.get(Number(anchor.dataset.cite));
  if (!citation) return;
  search.tooltipFor = anchor;
  const tip = ui.tooltip;
  tip.replaceChildren(...tooltipRows(citation).filter(Boolean));
  tip.hidden = false;
  tip.setAttribute("aria-hidden", "true"); // the marker's aria-label already says all of this
  place(tip, anchor);
}

export function hideTooltip() {
  search.tooltipFor = null;
  if (ui.tooltip) ui.tooltip.hidden = true;
}

/** Show the tooltip for the markers inside `root`; Escape and resizing hide it. */
export function bindTooltip(root) {
  const over = (event) => {
    const anchor = closestTarget(event, ".cite");
    if (anchor && anchor !== search.tooltipFor) showTooltip(anchor);
  };
  const out = (event) => {
    const anchor = closestTarget(event, ".cite");
    if (!anchor) return;
    const to = event.relatedTarget;
    if (to instanceof Node && anchor.contains(to)) return;
    if (document.activeElement === anchor && event.type === "mouseout") return;
    hideTooltip();
  };
  root.addEventListener("mouseover", over);
  root.addEventListener("focusin", over);
  root.addEventListener("mouseout", out);
  root.addEventListener("focusout", out);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && search.tooltipFor) hideTooltip();
  });
  window.addEventListener("resize", hideTooltip);
}
