// "Rapporter": every indexed report with what was read of it, one report's goal tree, and
// (with the admin token, kept in sessionStorage for this tab only) uploads and removals,
// each followed by its background build until the new build is searched.

import { adminRequest, api, ApiError, pdfUrl } from "./api.js";
import { $, el } from "./dom.js";
import { docTypeLabel, goalLevelLabel, OCR_NOTE } from "./labels.js";
import { navigate, registerView } from "./router.js";

const TOKEN_KEY = "rapportsok-admin-token";
const POLL_MS = 700;
let section = null;

const STATES = {
  queued: "I kö",
  reading: "Läser rapporterna",
  embedding: "Bäddar in textavsnitt",
  writing: "Skriver det nya indexet",
  done: "Klar",
  failed: "Misslyckades",
};

function token() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

function count(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

function seconds(s) {
  if (s === null || s === undefined) return "";
  if (s < 60) return `${Math.max(1, Math.round(s))} s kvar`;
  return `${Math.round(s / 60)} min kvar`;
}

// ----------------------------------------------------------------------------- the list

async function showList() {
  section.replaceChildren(el("h1", { className: "library-heading" }, "Rapporter"), adminPanel(), el("div", { id: "library-jobs" }), el("p", { className: "library-loading" }, "Hämtar rapporterna…"));
  let docs;
  try {
    docs = await api("/api/documents");
  } catch (err) {
    section.querySelector(".library-loading").replaceWith(el("p", { className: "notice notice-error", role: "alert" }, err.message));
    return;
  }
  section.querySelector(".library-loading").replaceWith(reportsTable(docs));
  // Builds still running (started before the page was opened or reloaded) are followed too.
  try {
    const jobs = await api("/api/jobs");
    for (const job of jobs) if (job.state !== "done" && job.state !== "failed") follow(job);
  } catch {
    // the list is shown; a job's progress is only a convenience
  }
}

function reportsTable(docs) {
  const head = ["Rapport", "Stadsdel", "År", "Typ", "Sidor", "Enheter", "Mål", "Indikatorer", "Aktiviteter", "Budgetrader", "Problem vid läsningen"];
  const rows = docs.map((d) => {
    const problems = d.problems.length
      ? el("details", { className: "library-problems" }, el("summary", {}, count(d.problems.length, "problem", "problem")), el("ul", {}, d.problems.map((p) => el("li", {}, p))))
      : el("span", { className: "library-ok" }, "inga");
    const ocr = d.ocr_pages ? el("span", { className: "ocr-badge", title: OCR_NOTE }, `OCR ${d.ocr_pages} s.`) : null;
    const remove = token() ? el("button", { type: "button", className: "library-remove", dataset: { doc: d.id, name: d.name } }, "Ta bort") : null;
    return el("tr", { dataset: { doc: d.id } },
      el("td", {}, el("a", { href: `?view=library&doc=${encodeURIComponent(d.id)}`, className: "library-open", dataset: { doc: d.id } }, d.title || d.name), el("div", { className: "library-file" }, d.name)),
      el("td", {}, d.district || "–"), el("td", {}, d.year ?? "–"), el("td", {}, docTypeLabel(d.doc_type) || "–"),
      el("td", { className: "num" }, d.pages, ocr ? " " : null, ocr),
      el("td", { className: "num" }, d.units.length || "–"),
      el("td", { className: "num" }, d.goals), el("td", { className: "num" }, d.indicators),
      el("td", { className: "num" }, d.activities), el("td", { className: "num" }, d.budget_lines),
      el("td", {}, problems, remove));
  });
  const table = el("table", { className: "library-table", id: "library-table" },
    el("caption", {}, `${count(docs.length, "rapport", "rapporter")} i indexet`),
    el("thead", {}, el("tr", {}, head.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, rows));
  table.addEventListener("click", onTableClick);
  return el("div", { className: "table-scroll" }, table);
}

function onTableClick(event) {
  const open = event.target.closest("a.library-open");
  if (open && event.button === 0 && !event.metaKey && !event.ctrlKey) {
    event.preventDefault();
    navigate({ view: "library", doc: open.dataset.doc });
    return;
  }
  const remove = event.target.closest("button.library-remove");
  if (remove) removeReport(remove.dataset.doc, remove.dataset.name);
}

// ----------------------------------------------------------------------------- admin

function adminPanel() {
  const panel = el("section", { className: "library-admin", "aria-labelledby": "library-admin-heading" },
    el("h2", { id: "library-admin-heading" }, "Lägg till rapporter"));
  const message = el("div", { id: "library-message", role: "status", "aria-live": "polite" });
  if (!token()) {
    const input = el("input", { type: "password", id: "admin-token", autocomplete: "off", "aria-describedby": "admin-token-help" });
    const form = el("form", { className: "library-token", id: "token-form" },
      el("label", { for: "admin-token" }, "Administratörsnyckel"), input,
      el("button", { type: "submit" }, "Logga in"),
      el("p", { id: "admin-token-help", className: "library-help" }, "Nyckeln sparas bara i den här fliken tills du stänger den."));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!input.value.trim()) return;
      sessionStorage.setItem(TOKEN_KEY, input.value.trim());
      showList();
    });
    panel.append(form, message);
    return panel;
  }
  const files = el("input", { type: "file", id: "upload-files", multiple: true, accept: ".pdf,.txt,application/pdf,text/plain" });
  const form = el("form", { className: "library-upload", id: "upload-form" },
    el("label", { for: "upload-files" }, "PDF- eller textfiler"), files,
    el("button", { type: "submit", id: "upload-button" }, "Ladda upp"),
    el("button", { type: "button", className: "link-button", id: "logout" }, "Logga ut"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!files.files.length) return;
    const body = new FormData();
    for (const file of files.files) body.append("files", file, file.name);
    say(message, "Laddar upp…");
    try {
      const result = await adminRequest("/api/documents", { form: body, token: token() });
      const refused = result.refused.map((r) => `${r.file}: ${r.problem}`);
      say(message, `Sparade ${result.saved.join(", ")}.`, refused);
      form.reset();
      follow(result.job);
    } catch (err) {
      failed(message, err);
    }
  });
  form.querySelector("#logout").addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    showList();
  });
  panel.append(form, message);
  return panel;
}

function say(target, text, problems = [], error = false) {
  target.replaceChildren(el("p", { className: error ? "notice notice-error" : "notice" }, text));
  if (problems.length) target.append(el("ul", { className: "notice notice-error library-refused" }, problems.map((p) => el("li", {}, p))));
}

function failed(target, err) {
  if (err instanceof ApiError && err.status === 401) sessionStorage.removeItem(TOKEN_KEY);
  say(target, err.message, [], true);
}

async function removeReport(docId, name) {
  if (!window.confirm(`Ta bort ${name}? Filen flyttas undan och rapporten försvinner ur sökningen när indexet har byggts om.`)) return;
  const message = $("#library-message");
  try {
    const result = await adminRequest(`/api/documents/${encodeURIComponent(docId)}`, { method: "DELETE", token: token() });
    say(message, `${result.removed} flyttades till ${result.moved_to}.`);
    follow(result.job);
  } catch (err) {
    failed(message, err);
  }
}

// ----------------------------------------------------------------------------- jobs

function follow(job) {
  const box = $("#library-jobs");
  if (!box) return;
  const progress = el("progress", { max: 1, value: 0 });
  const status = el("p", { className: "job-status" });
  const card = el("div", { className: "job", dataset: { job: job.id, state: job.state } }, el("strong", {}, `${job.kind === "add" ? "Lägger till" : "Tar bort"} ${job.files.join(", ")}`), progress, status);
  box.prepend(card);
  const update = (j) => {
    card.dataset.state = j.state;
    const fraction = j.state === "embedding" && j.chunks_total ? 0.5 + 0.5 * (j.chunks_done / j.chunks_total)
      : j.state === "reading" && j.files_total ? 0.5 * (j.files_done / j.files_total)
        : j.state === "writing" || j.state === "done" ? 1 : 0;
    progress.value = fraction;
    const parts = [STATES[j.state] || j.state, j.message];
    if (j.pages_per_second) parts.push(`${j.pages_per_second.toLocaleString("sv-SE")} sidor/s`);
    if (j.seconds_left) parts.push(seconds(j.seconds_left));
    status.textContent = parts.join(" · ");
    if (j.failures.length) card.append(el("ul", { className: "notice notice-error" }, j.failures.map((f) => el("li", {}, f))));
  };
  update(job);
  const poll = async () => {
    let j;
    try {
      j = await api(`/api/jobs/${encodeURIComponent(job.id)}`);
    } catch {
      setTimeout(poll, POLL_MS * 3);
      return;
    }
    update(j);
    if (j.state === "done" || j.state === "failed") {
      if (j.state === "done") {
        const table = section.querySelector(".table-scroll");
        const docs = await api("/api/documents");
        if (table) table.replaceWith(reportsTable(docs));
        status.textContent = j.searchable ? "Klar: rapporterna är sökbara." : `Klar: ${j.message}`;
      }
      return;
    }
    setTimeout(poll, POLL_MS);
  };
  setTimeout(poll, POLL_MS);
}

// ----------------------------------------------------------------------------- one report

async function showReport(docId) {
  section.replaceChildren(el("p", {}, el("a", { href: "?view=library", id: "library-back" }, "← Alla rapporter")), el("p", { className: "library-loading" }, "Hämtar rapporten…"));
  section.querySelector("#library-back").addEventListener("click", (event) => {
    event.preventDefault();
    navigate({ view: "library" });
  });
  let doc;
  let tree;
  try {
    [doc, tree] = await Promise.all([api(`/api/documents/${encodeURIComponent(docId)}`), api(`/api/documents/${encodeURIComponent(docId)}/goals`)]);
  } catch (err) {
    section.querySelector(".library-loading").replaceWith(el("p", { className: "notice notice-error", role: "alert" }, err.message));
    return;
  }
  const facts = [
    `${doc.district || "Okänd stadsdel"} · ${doc.year ?? "okänt år"} · ${docTypeLabel(doc.doc_type)}`,
    `${count(doc.pages, "sida", "sidor")}${doc.ocr_pages ? `, ${doc.ocr_pages} lästa med OCR` : ""} · ${doc.goals} mål · ${doc.indicators} indikatorer · ${doc.activities} aktiviteter · ${doc.budget_lines} budgetrader`,
  ];
  const units = doc.units.length ? el("p", {}, `Enheter: ${doc.units.join(", ")}`) : null;
  const problems = doc.problems.length
    ? el("section", { className: "notice notice-error" }, el("h2", {}, "Problem vid läsningen"), el("ul", {}, doc.problems.map((p) => el("li", {}, p))))
    : el("p", { className: "library-ok" }, "Inga problem vid läsningen.");
  const byUnit = new Map();
  for (const node of tree) {
    const key = node.unit || "";
    if (!byUnit.has(key)) byUnit.set(key, []);
    byUnit.get(key).push(node);
  }
  const trees = [...byUnit].map(([unit, nodes]) => el("section", { className: "goal-tree" }, unit ? el("h3", {}, unit) : null, goalList(nodes, doc)));
  section.querySelector(".library-loading").replaceWith(
    el("h1", { className: "library-heading" }, doc.title || doc.name),
    el("p", { className: "library-file" }, doc.name, doc.pdf ? " · " : null, doc.pdf ? el("a", { href: doc.pdf, target: "_blank", rel: "noopener" }, "Öppna PDF") : null),
    ...facts.map((f) => el("p", {}, f)), units, problems,
    el("h2", {}, "Mål"),
    tree.length ? el("div", { id: "goal-trees" }, trees) : el("p", { className: "notice" }, "Inga mål hittades i rapporten."));
}

function goalList(nodes, doc) {
  return el("ul", { className: "goal-list" }, nodes.map((n) => {
    const label = `${goalLevelLabel(n.level)}${n.number ? ` ${n.number}` : ""}: ${n.title}`;
    const link = doc.pdf && n.page ? el("a", { href: pdfUrl(doc.id, n.page), target: "_blank", rel: "noopener", className: "goal-page" }, `s. ${n.page}`) : null;
    return el("li", { dataset: { level: n.level } }, el("span", {}, label), link ? " " : null, link,
      n.assessment ? el("span", { className: "goal-assessment" }, ` · ${n.assessment}`) : null,
      n.children.length ? goalList(n.children, doc) : null);
  }));
}

// ----------------------------------------------------------------------------- the view

export function startLibraryView() {
  registerView({
    id: "library",
    label: "Rapporter",
    mount(target) {
      section = target;
      section.classList.add("library");
    },
    show(params) {
      const doc = params.get("doc");
      if (doc) showReport(doc);
      else showList();
    },
  });
}
