// Media statistics: counters for a period and breakdowns drawn as SVG bar charts (no chart library).
import { h, card, formatBytes, formatDate } from "../ui.js";

export const meta = { id: "media_stats", title: "Statistics", icon: "▥", order: 12, section: "Media" };

const SVG = "http://www.w3.org/2000/svg";
const PERIODS = [["7d", "7 days"], ["30d", "30 days"], ["90d", "90 days"], ["1y", "1 year"], ["all", "All time"]];

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

// Horizontal bars: one row per value, labels left, counts right; scales to the largest count.
export function barChart(rows, { max = 12, label = (r) => String(r.value ?? "–") } = {}) {
  const data = rows.slice(0, max);
  if (!data.length) return h("p", { class: "muted" }, "No data.");
  const top = Math.max(...data.map((r) => r.count), 1);
  const rowH = 22, labelW = 150, width = 460, barW = width - labelW - 60;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${data.length * rowH + 4}`, class: "media-chart", role: "img", "aria-label": "bar chart" });
  data.forEach((r, i) => {
    const y = i * rowH + 2;
    const w = Math.max(1, Math.round((r.count / top) * barW));
    const text = label(r);
    chart.append(
      svg("text", { x: labelW - 6, y: y + 15, "text-anchor": "end", class: "media-chart-label" }, text.length > 22 ? `${text.slice(0, 21)}…` : text),
      svg("rect", { x: labelW, y: y + 3, width: w, height: rowH - 6, rx: 3, class: "media-chart-bar" }, svg("title", {}, `${text}: ${r.count}`)),
      svg("text", { x: labelW + w + 6, y: y + 15, class: "media-chart-value" }, r.count.toLocaleString()));
  });
  return chart;
}

export async function render(root, ctx) {
  const periodSel = h("select", { name: "period", "aria-label": "Period" }, PERIODS.map(([v, l]) => h("option", { value: v, selected: v === "all" }, l)));
  const typeSel = h("select", { name: "type", "aria-label": "Type" }, [["", "All types"], ["movie", "Movies"], ["series", "Series"], ["artist", "Artists"]].map(([v, l]) => h("option", { value: v }, l)));
  const body = h("div");
  async function load() {
    body.replaceChildren(h("div", { class: "loading" }, "Loading…"));
    const q = `period=${periodSel.value}${typeSel.value ? `&type=${typeSel.value}` : ""}`;
    const [summary, detail] = await Promise.all([ctx.api.get(`/api/media/stats?${q}`), ctx.api.get(`/api/media/stats/detailed?${q}`)]);
    const stat = (label, value) => h("div", { class: "card" }, h("div", { class: "stat" }, value), h("div", { class: "stat-label" }, label));
    const size = Object.values(summary.types).reduce((a, t) => a + (t.size_on_disk || 0), 0);
    const counters = h("div", { class: "grid media-stat-grid" },
      stat(summary.period === "all" ? "Items" : `Added in ${summary.period}`, summary.totals.total.toLocaleString()),
      ...Object.entries(summary.types).map(([k, t]) => stat({ movie: "Movies", series: "Series", artist: "Artists" }[k] || k, t.total.toLocaleString())),
      stat("On a media server", summary.totals.matched.toLocaleString()), stat("Missing from servers", summary.totals.unmatched.toLocaleString()),
      stat("Unmanaged server items", summary.servers.unmanaged.toLocaleString()), stat("Size on disk", formatBytes(size)));
    const chart = (title, rows, opts) => card(title, barChart(rows, opts));
    const charts = h("div", { class: "media-chart-grid" },
      chart("By instance", detail.by_instance), chart("By genre", detail.by_genre), chart("By decade", detail.by_decade, { label: (r) => `${r.value}s` }),
      chart("By rating (0–10)", detail.by_rating, { max: 10 }), chart("By runtime", detail.by_runtime), chart("By status", detail.by_status),
      chart("By language", detail.by_language), chart("By studio / network", detail.by_studio), chart("By certification", detail.by_certification),
      chart("By quality", detail.by_quality), chart("On media servers", detail.by_server_presence), chart("By tag", detail.by_tag));
    const syncs = card("Last syncs", h("table", { class: "media-table" }, h("thead", {}, h("tr", {}, ["Instance", "Type", "Items", "Last sync", "Status", "Duration"].map((c) => h("th", {}, c)))),
      h("tbody", {}, summary.instances.map((s) => h("tr", {}, h("td", {}, s.instance), h("td", {}, s.type), h("td", {}, s.items.toLocaleString()), h("td", {}, formatDate(s.last_sync_at)),
        h("td", { title: s.error || "" }, s.status), h("td", {}, s.duration_ms ? `${(s.duration_ms / 1000).toFixed(1)} s` : "–"))))));
    body.replaceChildren(counters, charts, syncs);
  }
  periodSel.addEventListener("change", load);
  typeSel.addEventListener("change", load);
  root.append(h("div", { class: "row media-toolbar" }, h("label", {}, "Period", periodSel), h("label", {}, "Type", typeSel)), body);
  await load();
}
