// Unmatched assets: the stored report of the unmatched_assets module — completeness per kind, filters
// (kind, instance, title), the gaps grouped by instance and kind, each with a way to fix it (the poster
// library, or a poster-maker run for that one item), and "Run now".
import { h, card, badge, emptyState, formatDate } from "../ui.js";

export const meta = { id: "unmatched", title: "Unmatched", icon: "◌", order: 42, section: "Artwork" };

const KINDS = [["movies", "Movies"], ["series", "Series"], ["seasons", "Seasons"], ["collections", "Collections"], ["overall", "Overall"]];
const LIST_KINDS = [["movies", "Movies"], ["series", "Series"], ["collections", "Collections"]];
const PAGE = 200;
const DONE = ["success", "error", "cancelled", "interrupted"];

export async function render(root, ctx) {
  const head = h("div", { id: "unmatched-head" });
  const summary = h("div", { class: "grid unmatched-summary", id: "unmatched-summary" });
  const progress = h("p", { class: "muted", id: "unmatched-progress", role: "status" });
  const kindSel = h("select", { name: "kind", "aria-label": "Kind" }, h("option", { value: "" }, "All kinds"),
    ...LIST_KINDS.map(([v, l]) => h("option", { value: v }, l)));
  const instSel = h("select", { name: "instance", "aria-label": "Instance" }, h("option", { value: "" }, "All instances"));
  const search = h("input", { type: "search", name: "query", placeholder: "Search titles", "aria-label": "Search titles" });
  const list = h("div", { id: "unmatched-list" });
  let timer = null;
  let debounce = null;

  async function runNow() {
    try {
      const r = await ctx.api.post("/api/modules/unmatched_assets/execute", {});
      ctx.toast(`Unmatched assets report queued (job ${r.job_id})`, "success");
      watch(r.job_id);
    } catch (err) { ctx.toast(err.message, "error"); }
  }

  function watch(jobId) {
    clearInterval(timer);
    const tick = async () => {
      try {
        const job = await ctx.api.get(`/api/jobs/${jobId}`);
        const p = job.progress || {};
        progress.textContent = `Job ${jobId}: ${job.status}${p.phase ? " · " + p.phase : ""}${p.done ? ` · ${p.done.toLocaleString()}` : ""}`;
        if (DONE.includes(job.status)) {
          clearInterval(timer);
          if (job.status === "error") progress.textContent += ` — ${job.error || "see the job log"}`;
          await loadStats(); await loadList();
        }
      } catch (err) { progress.textContent = err.message; clearInterval(timer); }
    };
    timer = setInterval(tick, 1000);
    tick();
  }

  async function loadStats() {
    const s = await ctx.api.get("/api/posters/unmatched/stats");
    const when = s.generated_at ? `Report of ${formatDate(s.generated_at)}${s.dry_run ? " (dry run)" : ""}` : "No report yet";
    head.replaceChildren(h("div", { class: "row" },
      h("div", {}, h("strong", {}, when), s.asset_root ? h("div", { class: "muted small mono" }, `${s.asset_root} · ${s.layout} layout`) : null),
      h("div", { class: "spacer" }),
      h("button", { class: "btn btn-primary", id: "unmatched-run", onclick: runNow }, "Run now")),
    ...(s.warnings || []).map((w) => h("p", { class: "unmatched-warning" }, badge("warning", "warn"), " ", w)));
    summary.replaceChildren(...KINDS.map(([key, label]) => tallyCard(label, key, s.summary[key] || {})));
    const known = new Set([...instSel.options].map((o) => o.value));
    for (const inst of s.instances || []) {
      if (!known.has(inst.instance)) instSel.append(h("option", { value: inst.instance }, inst.instance));
    }
    return s;
  }

  async function loadList() {
    const params = new URLSearchParams({ limit: PAGE });
    if (kindSel.value) params.set("kind", kindSel.value);
    if (instSel.value) params.set("instance", instSel.value);
    if (search.value.trim()) params.set("query", search.value.trim());
    const d = await ctx.api.get(`/api/posters/unmatched/details?${params}`);
    if (!d.generated_at) {
      list.replaceChildren(emptyState("No unmatched-assets report yet. Run it to see which items have no poster."));
      return;
    }
    const groups = new Map();
    for (const [kind] of LIST_KINDS) {
      for (const row of d.unmatched[kind] || []) {
        if (!groups.has(row.instance)) groups.set(row.instance, {});
        (groups.get(row.instance)[kind] ||= []).push(row);
      }
    }
    const more = LIST_KINDS.filter(([k]) => (d.totals[k] || 0) > (d.unmatched[k] || []).length)
      .map(([k, l]) => `${l}: showing ${(d.unmatched[k] || []).length} of ${d.totals[k].toLocaleString()}`);
    if (!groups.size) { list.replaceChildren(emptyState("Nothing is missing for these filters.")); return; }
    list.replaceChildren(
      more.length ? h("p", { class: "muted" }, `${more.join(" · ")} — narrow the filters to see the rest.`) : null,
      ...[...groups.entries()].map(([instance, kinds]) => card(null, h("h2", { class: "unmatched-instance" }, instance),
        ...LIST_KINDS.filter(([k]) => kinds[k]).map(([k, label]) => h("section", { class: "unmatched-group", dataset: { kind: k, instance } },
          h("h3", {}, `${label} (${kinds[k].length})`),
          h("ul", { class: "unmatched-rows" }, kinds[k].map((row) => gapRow(ctx, k, row))))))));
  }

  kindSel.addEventListener("change", loadList);
  instSel.addEventListener("change", loadList);
  search.addEventListener("input", () => { clearTimeout(debounce); debounce = setTimeout(loadList, 250); });
  root.append(card(null, head, progress), summary,
    card(null, h("div", { class: "row unmatched-filters" }, kindSel, instSel, search)), list);
  await loadStats();
  await loadList();
  return () => { clearInterval(timer); clearTimeout(debounce); };
}

function tallyCard(label, key, t) {
  const pct = t.percent_complete;
  const known = t.total !== null && t.total !== undefined;
  return h("div", { class: "card unmatched-tally", dataset: { kind: key } },
    h("div", { class: "stat-label" }, label),
    h("div", { class: "stat" }, pct === null || pct === undefined ? "–" : `${pct}%`),
    h("progress", { max: 100, value: pct ?? 0, "aria-label": `${label}: percent with assets` }),
    h("div", { class: "muted small" }, known ? `${t.with_assets.toLocaleString()} of ${t.total.toLocaleString()} have assets · ${t.unmatched.toLocaleString()} missing` : "not computed"));
}

function label(row) { return row.year ? `${row.title} (${row.year})` : row.title; }

function gapRow(ctx, kind, row) {
  const missing = kind === "series"
    ? [...(row.missing_poster ? ["poster"] : []), ...(row.missing_seasons || []).map((n) => (n === 0 ? "Specials" : `Season ${n}`))]
    : ["poster"];
  const library = h("a", { class: "btn btn-sm", href: `#/posters?query=${encodeURIComponent(row.title)}` }, "Poster library");
  const make = kind === "collections" ? null : h("button", { class: "btn btn-sm", type: "button", onclick: () => makePoster(ctx, kind, row) }, "Make poster");
  return h("li", { class: "unmatched-row", dataset: { id: row.id } },
    h("div", { class: "unmatched-title" }, h("strong", {}, label(row)), " ", ...missing.map((m) => badge(m, "warn"))),
    row.expected?.length ? h("div", { class: "muted small mono unmatched-expected" }, row.expected.join(" · ")) : h("div", { class: "muted small" }, "no folder on disk to name the asset"),
    h("div", { class: "row unmatched-actions" }, library, make));
}

async function makePoster(ctx, kind, row) {
  const item = { media_type: kind === "series" ? "show" : "movie", title: row.title, year: row.year ?? null };
  for (const key of ["tmdb", "tvdb", "imdb"]) if (row[key]) item[key] = String(row[key]);
  try {
    const r = await ctx.api.post("/api/modules/poster_maker/execute", { overrides: { mode: "single", item } });
    ctx.toast(`Poster maker queued for ${label(row)} (job ${r.job_id})`, "success");
  } catch (err) { ctx.toast(err.message, "error"); }
}
