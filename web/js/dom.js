// DOM helpers. All report text goes into the page as text nodes (textContent /
// createTextNode), never as HTML.

const SVG_NS = "http://www.w3.org/2000/svg";

function appendChildren(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/**
 * Create an element. attrs: className, text, dataset, hidden and plain attributes;
 * children: nodes or strings (strings become text nodes, never HTML).
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "className") node.className = value;
    else if (key === "text") node.textContent = String(value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "hidden") node.hidden = Boolean(value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  return appendChildren(node, children);
}

/** Create an SVG element: attributes as given, children as in el(). */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    node.setAttribute(key, String(value));
  }
  return appendChildren(node, children);
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

/** Whitespace runs as one space, trimmed. */
export function clean(text) {
  return (text || "").replace(/\s+/g, " ").trim();
}

export function truncate(text, max) {
  const text1 = clean(text);
  return text1.length > max ? `${text1.slice(0, max - 1).trimEnd()}…` : text1;
}

/** The element an event happened in (or its closest ancestor) matching a selector. */
export function closestTarget(event, selector) {
  return event.target instanceof Element ? event.target.closest(selector) : null;
}

/** A plain left click, without a modifier key (those open links in new tabs or windows). */
export function isPlainClick(event) {
  return !(event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0);
}

/**
 * Submit of a search form: the box's words (whitespace cleaned) go to onQuery;
 * an empty box gets the focus instead.
 */
export function onQuerySubmit(form, input, onQuery) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const q = clean(input.value);
    if (!q) {
      input.focus();
      return;
    }
    onQuery(q);
  });
}

/** Text with <mark> around [start, end) spans (code point offsets, as the API counts). */
export function highlighted(text, spans) {
  const frag = document.createDocumentFragment();
  const chars = Array.from(text || "");
  const valid = (spans || [])
    .filter((s) => Array.isArray(s) && s.length === 2 && Number.isInteger(s[0]) && Number.isInteger(s[1]))
    .map(([s, e]) => [Math.max(0, s), Math.min(chars.length, e)])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  let pos = 0;
  for (const [s0, e] of valid) {
    const s = Math.max(s0, pos);
    if (e <= s) continue;
    if (s > pos) frag.append(document.createTextNode(chars.slice(pos, s).join("")));
    frag.append(el("mark", { text: chars.slice(s, e).join("") }));
    pos = e;
  }
  if (pos < chars.length) frag.append(document.createTextNode(chars.slice(pos).join("")));
  return frag;
}

/** A link that opens in a new tab, with the hidden "(öppnas i ny flik)" and the ↗ sign. */
export function pdfLink(href, text) {
  return el("a", { className: "pdf-link", href, target: "_blank", rel: "noopener" },
    text,
    el("span", { className: "visually-hidden" }, " (öppnas i ny flik)"),
    el("span", { className: "ext", "aria-hidden": "true" }, " ↗"));
}

export function spinnerText(text) {
  return el("p", { className: "loading-text" }, el("span", { className: "spinner spinner--inline", "aria-hidden": "true" }), text);
}
