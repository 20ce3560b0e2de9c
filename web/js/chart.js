// The indicator chart: target and outcome per report, as an accessible inline SVG built with
// createElementNS (no library, nothing inline for the CSP to block).

import { clean, el, svg } from "./dom.js";
import { reportName, shortReport } from "./reports.js";

const NUMBER = new Intl.NumberFormat("sv-SE", { maximumFractionDigits: 2 });

function pickUnit(figures, fallback) {
  const counts = new Map();
  for (const f of figures) if (f.unit) counts.set(f.unit, (counts.get(f.unit) || 0) + 1);
  let best = null;
  for (const [unit, n] of counts) if (!best || n > counts.get(best)) best = unit;
  return best || fallback || "";
}

function niceStep(raw) {
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * power;
}

function decimalsOf(step) {
  let d = 0;
  while (d < 4 && Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) > 1e-9) d += 1;
  return d;
}

function withUnit(value, unit, decimals) {
  const text = decimals === undefined
    ? NUMBER.format(value)
    : value.toLocaleString("sv-SE", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  if (!unit) return text;
  return unit === "%" ? `${text} %` : `${text} ${unit}`;
}

const W = 440;
const H = 220;
const MARGIN = { top: 14, right: 18, bottom: 34, left: 52 };

/** Target and outcome as lines of points; `skipped` counts values without a usable number. */
function chartLines(series, unit) {
  const usable = (f) => f && typeof f.value === "number" && Number.isFinite(f.value) && (!f.unit || !unit || f.unit === unit);
  const lines = [
    { key: "target", label: "Årsmål", points: [] },
    { key: "outcome", label: "Utfall", points: [] },
  ];
  let skipped = 0;
  series.forEach((entry, i) => {
    for (const line of lines) {
      const f = entry[line.key];
      if (usable(f)) line.points.push({ i, value: f.value, text: clean(f.text), entry });
      else if (f && clean(f.text)) skipped += 1;
    }
  });
  return { lines, skipped };
}

/** The value axis (rounded to a nice step) and the x and y of a point. */
function chartScale(lines, columns) {
  const m = MARGIN;
  const values = lines.flatMap((l) => l.points.map((p) => p.value));
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (lo === hi) {
    const pad = Math.abs(lo) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep((hi - lo) / 4);
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil(hi / step) * step;
  if (lo < 0 && Math.min(...values) >= 0) lo = 0;
  const innerLeft = m.left + 18;
  const innerRight = W - m.right - 18;
  const x = (i) => (columns === 1 ? (innerLeft + innerRight) / 2 : innerLeft + ((innerRight - innerLeft) * i) / (columns - 1));
  const y = (v) => m.top + (H - m.top - m.bottom) * (1 - (v - lo) / (hi - lo));
  return { lo, hi, step, x, y };
}

function chartGrid(scale, unit) {
  const m = MARGIN;
  const { lo, hi, step, y } = scale;
  const decimals = decimalsOf(step);
  const grid = svg("g", { class: "chart-grid" });
  for (let v = lo, n = 0; v <= hi + step / 2 && n < 12; v += step, n += 1) {
    const yy = y(v);
    grid.append(
      svg("line", { x1: m.left, x2: W - m.right, y1: yy, y2: yy }),
      svg("text", { x: m.left - 6, y: yy, class: "chart-tick", "text-anchor": "end", "dominant-baseline": "middle" }, withUnit(Number(v.toFixed(6)), unit === "%" ? "%" : "", decimals)),
    );
  }
  return grid;
}

function chartAxis(series, scale) {
  const m = MARGIN;
  const axis = svg("g", { class: "chart-axis" },
    svg("line", { x1: m.left, x2: W - m.right, y1: H - m.bottom, y2: H - m.bottom }));
  series.forEach((entry, i) => {
    axis.append(svg("text", { x: scale.x(i), y: H - m.bottom + 18, class: "chart-xlabel", "text-anchor": "middle" }, shortReport(entry)));
  });
  return axis;
}

/** One line: a polyline and a point per report (targets as diamonds, outcomes as dots). */
function chartSeries(line, scale) {
  const { x, y } = scale;
  const g = svg("g", { class: `chart-series chart-series--${line.key}` });
  if (line.points.length > 1) {
    g.append(svg("polyline", {
      class: "chart-line",
      points: line.points.map((p) => `${x(p.i).toFixed(1)},${y(p.value).toFixed(1)}`).join(" "),
    }));
  }
  for (const p of line.points) {
    const cx = x(p.i);
    const cy = y(p.value);
    const title = svg("title", {}, `${line.label}, ${reportName(p.entry)}: ${p.text}`);
    const marker = line.key === "target"
      ? svg("rect", { x: cx - 5, y: cy - 5, width: 10, height: 10, transform: `rotate(45 ${cx} ${cy})` })
      : svg("circle", { cx, cy, r: 5.5 });
    g.append(svg("g", {
      class: `chart-point chart-point--${line.key}`,
      "data-value": String(p.value),
      "data-col": String(p.i),
    }, marker, title));
  }
  return g;
}

function chartLegend(lines) {
  const legend = el("ul", { className: "chart-legend", "aria-label": "Förklaring" });
  for (const line of lines) {
    const swatch = svg("svg", { class: `legend-swatch chart-series--${line.key}`, viewBox: "0 0 28 12", "aria-hidden": "true", focusable: "false" },
      svg("line", { class: "chart-line", x1: 1, x2: 27, y1: 6, y2: 6 }),
      line.key === "target"
        ? svg("rect", { x: 10.5, y: 2.5, width: 7, height: 7, transform: "rotate(45 14 6)" })
        : svg("circle", { cx: 14, cy: 6, r: 4 }));
    legend.append(el("li", { className: `legend-item legend-item--${line.key}` }, swatch,
      line.key === "target" ? "Årsmål (romb, streckad linje)" : "Utfall (punkt, heldragen linje)",
      line.points.length ? null : el("span", { className: "legend-none" }, " – inga siffror")));
  }
  return legend;
}

/** The indicator over time: target and outcome per report, as an accessible inline SVG. */
export function indicatorChart(indicator) {
  const series = indicator.series || [];
  const all = series.flatMap((e) => [e.target, e.outcome]).filter((f) => f && typeof f.value === "number");
  const unit = pickUnit(all, indicator.measure);
  const { lines, skipped } = chartLines(series, unit);
  const count = lines.reduce((n, l) => n + l.points.length, 0);
  if (series.length < 2 || count < 2) {
    return el("p", { className: "chart-none" },
      series.length < 2
        ? "Diagrammet visas när indikatorn finns i minst två rapporter."
        : "Det finns för få siffror för ett diagram.");
  }
  const scale = chartScale(lines, series.length);
  const describe = lines
    .filter((l) => l.points.length)
    .map((l) => `${l.label}: ${l.points.map((p) => `${shortReport(p.entry)} ${p.text}`).join(", ")}`)
    .join(". ");
  const chart = svg("svg", {
    class: "chart-svg",
    viewBox: `0 0 ${W} ${H}`,
    role: "img",
    "aria-label": `Diagram över ${indicator.name}. ${describe}.`,
    focusable: "false",
  }, chartGrid(scale, unit), chartAxis(series, scale), lines.filter((l) => l.points.length).map((l) => chartSeries(l, scale)));

  const unitText = unit ? ` (${unit})` : "";
  const caption = el("figcaption", { className: "chart-caption" },
    el("span", { className: "chart-title" }, `Årsmål och utfall per rapport${unitText}`),
    skipped ? el("span", { className: "chart-note" }, ` Värden utan siffra${unit ? " eller i annan enhet" : ""} visas bara i tabellen.`) : null);
  return el("figure", { className: "chart" }, caption, chart, chartLegend(lines));
}
