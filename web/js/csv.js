// CSV for Excel: semicolons, a byte order mark, CRLF; downloaded through a Blob URL.

import { el } from "./dom.js";

function csvField(value) {
  let text = value === null || value === undefined ? "" : String(value).replace(/\u00ad/g, "");
  // A cell that starts like a formula would run in a spreadsheet; numbers ("-15,0") are kept.
  if (/^[=+\-@\t\r]/.test(text) && !/^-\d[\d\u00a0 ]*(,\d+)?( ?%)?$/.test(text)) text = `'${text}`;
  if (/[";\r\n]/.test(text) || /^\s|\s$/.test(text)) text = `"${text.replace(/"/g, '""')}"`;
  return text;
}

/** A file name part: lower case ASCII words joined by dashes. */
export function slug(text) {
  return (text || "")
    .toLowerCase()
    .replace(/[åä]/g, "a")
    .replace(/ö/g, "o")
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 50) || "jamforelse";
}

/** Save rows (arrays of cells) as a CSV file. */
export function downloadCsv(rows, filename) {
  const text = `\uFEFF${rows.map((r) => r.map(csvField).join(";")).join("\r\n")}\r\n`;
  const blob = new Blob([text], { type: "text/csv;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const link = el("a", { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
