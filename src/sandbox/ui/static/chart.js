// A simple rendering of a card chart's data (VChart spec): bars, lines/areas, pies; anything
// else as a small table. Enough to check the numbers a card shows, not a VChart clone.
import { escapeHtml, h } from "./util.js";

const PALETTE = ["#3370ff", "#34c724", "#ff8800", "#f54a45", "#7f3bf5", "#14c0ff", "#d136d1", "#dc9b04"];
const W = 480;

function valuesOf(spec) {
  const data = Array.isArray(spec.data) ? spec.data : spec.data ? [spec.data] : [];
  return data.flatMap((d) => (Array.isArray(d?.values) ? d.values : []));
}

const field = (f) => (Array.isArray(f) ? f[0] : f);

export function renderChart(el) {
  const spec = el.chart_spec ?? {};
  const title = spec.title?.text;
  const values = valuesOf(spec);
  const type = String(spec.type ?? "");
  let body;
  if (!values.length) body = h("div.chart-empty", {}, "（图表无数据）");
  else if (type === "pie") body = pie(spec, values);
  else if (type === "bar" || type === "histogram") body = bars(spec, values);
  else if (type === "line" || type === "area") body = lines(spec, values, type === "area");
  else body = dataTable(values);
  return h("div.card-chart", {}, title ? h("div.chart-title", {}, Array.isArray(title) ? title.join(" ") : title) : null, body);
}

function seriesOf(values, seriesField) {
  const map = new Map();
  for (const v of values) {
    const key = seriesField ? String(v[seriesField]) : "";
    if (!map.has(key)) map.set(key, []);
    map.get(key).push(v);
  }
  return [...map.entries()];
}

function legend(series) {
  if (series.length < 2) return null;
  return h("div.chart-legend", {}, series.map(([name], i) => h("span", {}, h("i", { style: { background: PALETTE[i % PALETTE.length] } }), name)));
}

function bars(spec, values) {
  const horizontal = spec.direction === "horizontal";
  const cat = field(horizontal ? spec.yField : spec.xField);
  const num = field(horizontal ? spec.xField : spec.yField);
  const series = seriesOf(values, spec.seriesField);
  const cats = [...new Set(values.map((v) => String(v[cat])))];
  const max = Math.max(1, ...values.map((v) => Number(v[num]) || 0));
  const H = 200, top = 16, bottom = 36, left = 36;
  const plotW = W - left - 8, plotH = H - top - bottom;
  const slot = plotW / Math.max(1, cats.length);
  const barW = Math.max(4, Math.min(36, (slot * 0.7) / series.length));
  let svg = axis(left, top, plotW, plotH, max);
  cats.forEach((c, ci) => {
    series.forEach(([, rows], si) => {
      const row = rows.find((r) => String(r[cat]) === c);
      const v = Number(row?.[num]) || 0;
      const bh = (v / max) * plotH;
      const x = left + ci * slot + (slot - barW * series.length) / 2 + si * barW;
      svg += `<rect x="${x}" y="${top + plotH - bh}" width="${barW - 2}" height="${bh}" rx="2" fill="${PALETTE[si % PALETTE.length]}"/>`;
      svg += `<text x="${x + barW / 2 - 1}" y="${top + plotH - bh - 4}" class="chart-val" text-anchor="middle">${escapeHtml(fmt(v))}</text>`;
    });
    svg += `<text x="${left + ci * slot + slot / 2}" y="${H - bottom + 16}" class="chart-cat" text-anchor="middle">${escapeHtml(short(c))}</text>`;
  });
  return h("div", {}, svgEl(svg, H), legend(series));
}

function lines(spec, values, area) {
  const cat = field(spec.xField);
  const num = field(spec.yField);
  const series = seriesOf(values, spec.seriesField);
  const cats = [...new Set(values.map((v) => String(v[cat])))];
  const max = Math.max(1, ...values.map((v) => Number(v[num]) || 0));
  const H = 200, top = 16, bottom = 36, left = 36;
  const plotW = W - left - 16, plotH = H - top - bottom;
  const xOf = (i) => left + (cats.length < 2 ? plotW / 2 : (i * plotW) / (cats.length - 1));
  let svg = axis(left, top, plotW, plotH, max);
  series.forEach(([, rows], si) => {
    const colour = PALETTE[si % PALETTE.length];
    const pts = cats.map((c, i) => {
      const v = Number(rows.find((r) => String(r[cat]) === c)?.[num]) || 0;
      return [xOf(i), top + plotH - (v / max) * plotH, v];
    });
    if (area) svg += `<polygon points="${xOf(0)},${top + plotH} ${pts.map((p) => `${p[0]},${p[1]}`).join(" ")} ${xOf(cats.length - 1)},${top + plotH}" fill="${colour}" opacity="0.15"/>`;
    svg += `<polyline points="${pts.map((p) => `${p[0]},${p[1]}`).join(" ")}" fill="none" stroke="${colour}" stroke-width="2"/>`;
    for (const p of pts) svg += `<circle cx="${p[0]}" cy="${p[1]}" r="3" fill="${colour}"/><text x="${p[0]}" y="${p[1] - 6}" class="chart-val" text-anchor="middle">${escapeHtml(fmt(p[2]))}</text>`;
  });
  cats.forEach((c, i) => {
    svg += `<text x="${xOf(i)}" y="${H - bottom + 16}" class="chart-cat" text-anchor="middle">${escapeHtml(short(c))}</text>`;
  });
  return h("div", {}, svgEl(svg, H), legend(series));
}

function pie(spec, values) {
  const cat = spec.categoryField;
  const num = spec.valueField;
  const total = values.reduce((s, v) => s + (Number(v[num]) || 0), 0) || 1;
  const H = 180, cx = 100, cy = 90, r = 70, inner = spec.innerRadius ? 40 : 0;
  let svg = "";
  let angle = -Math.PI / 2;
  values.forEach((v, i) => {
    const part = (Number(v[num]) || 0) / total;
    const next = angle + part * Math.PI * 2;
    const large = part > 0.5 ? 1 : 0;
    const p = (a, rad) => `${cx + rad * Math.cos(a)},${cy + rad * Math.sin(a)}`;
    const colour = PALETTE[i % PALETTE.length];
    svg += part >= 0.9999
      ? `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${colour}"/>`
      : `<path d="M${p(angle, inner)} L${p(angle, r)} A${r},${r} 0 ${large} 1 ${p(next, r)} L${p(next, inner)} ${inner ? `A${inner},${inner} 0 ${large} 0 ${p(angle, inner)}` : ""}Z" fill="${colour}"/>`;
    angle = next;
  });
  if (inner) svg += `<circle cx="${cx}" cy="${cy}" r="${inner}" fill="#fff"/>`;
  values.forEach((v, i) => {
    const y = 24 + i * 22;
    const pct = Math.round(((Number(v[num]) || 0) / total) * 1000) / 10;
    svg += `<rect x="200" y="${y - 10}" width="10" height="10" rx="2" fill="${PALETTE[i % PALETTE.length]}"/>`;
    svg += `<text x="216" y="${y}" class="chart-cat">${escapeHtml(short(String(v[cat]), 14))}：${escapeHtml(fmt(Number(v[num]) || 0))}（${pct}%）</text>`;
  });
  return svgEl(svg, Math.max(H, 24 + values.length * 22));
}

function dataTable(values) {
  const cols = [...new Set(values.flatMap((v) => Object.keys(v)))];
  return h("table.card-table", {}, h("thead", {}, h("tr", {}, cols.map((c) => h("th", {}, c)))),
    h("tbody", {}, values.map((v) => h("tr", {}, cols.map((c) => h("td", {}, String(v[c] ?? "")))))));
}

function axis(left, top, plotW, plotH, max) {
  let s = "";
  for (let i = 0; i <= 4; i++) {
    const y = top + plotH - (i * plotH) / 4;
    s += `<line x1="${left}" y1="${y}" x2="${left + plotW}" y2="${y}" stroke="#e5e6eb" stroke-width="1"/>`;
    s += `<text x="${left - 6}" y="${y + 4}" class="chart-axis" text-anchor="end">${escapeHtml(fmt((max * i) / 4))}</text>`;
  }
  return s;
}

function svgEl(inner, height) {
  const wrap = h("div.chart-svg");
  wrap.innerHTML = `<svg viewBox="0 0 ${W} ${height}" width="100%" height="${height}" role="img">${inner}</svg>`;
  return wrap;
}

const fmt = (n) => (Number.isInteger(n) ? String(n) : String(Math.round(n * 10) / 10));
const short = (s, n = 8) => (Array.from(s).length > n ? `${Array.from(s).slice(0, n - 1).join("")}…` : s);
