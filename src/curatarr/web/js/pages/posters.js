// Posters: the poster library (poster-set files indexed from poster_renamerr's source folders) —
// stats, browse by source and owner, search, filters (matched / unmatched / low-res / duplicates /
// errors), a lazy, paged thumbnail grid with each poster's match reason, and the renamer's actions.
import { api } from "../api.js";
import { h, card, emptyState, formatBytes, badge } from "../ui.js";
import { driveSources } from "./_gdrive_sources.js";

export const meta = { id: "posters", title: "Posters", icon: "▤", order: 42, section: "Artwork" };

const PAGE = 60;
const FILTERS = [["all", "All"], ["matched", "Matched"], ["unmatched", "Unmatched"], ["low_res", "Low resolution"],
  ["duplicates", "Duplicates"], ["errors", "Bad files"]];
const TYPES = [["", "Any type"], ["item", "Movies & shows"], ["season", "Seasons"], ["collection", "Collections"]];

function labelled(label, control) {
  const id = `posters-${control.name}`;
  control.id = id;
  return h("label", { class: "field", for: id }, h("span", { class: "field-label" }, label), control);
}

function select(name, options) {
  return h("select", { name }, options.map(([value, text]) => h("option", { value }, text)));
}

function bars(title, counts) {
  const entries = Object.entries(counts || {});
  const max = Math.max(1, ...entries.map(([, n]) => n));
  return h("div", { class: "poster-bars" }, h("h3", {}, title),
    entries.length ? entries.map(([k, n]) => h("div", { class: "poster-bar" },
      h("span", { class: "poster-bar-label" }, k.split("/").pop()),
      h("span", { class: "poster-bar-track" }, h("span", { class: "poster-bar-fill", style: `width:${Math.round(100 * n / max)}%` })),
      h("span", { class: "poster-bar-count" }, String(n)))) : emptyState("No posters indexed yet."));
}

export async function render(root, ctx) {
  let offset = 0;
  const stats = h("div", { id: "poster-stats", class: "poster-stats" });
  const grid = h("div", { class: "poster-grid", id: "poster-grid" });
  const info = h("span", { class: "muted", id: "poster-info", role: "status" });
  const query = h("input", { name: "query", type: "search", placeholder: "Title or file name…" });
  const source = select("source", [["", "All sources"]]);
  const owner = select("owner", [["", "All owners"]]);
  const filter = select("filter", FILTERS);
  const type = select("type", TYPES);
  const prev = h("button", { class: "btn btn-sm", "aria-label": "previous page", onclick: () => { offset = Math.max(0, offset - PAGE); load(); } }, "‹");
  const next = h("button", { class: "btn btn-sm", "aria-label": "next page", onclick: () => { offset += PAGE; load(); } }, "›");
  for (const el of [source, owner, filter, type]) el.addEventListener("change", () => { offset = 0; load(); });
  query.addEventListener("change", () => { offset = 0; load(); });

  const runRenamer = h("button", { class: "btn btn-primary", id: "poster-run", onclick: async () => {
    try {
      const r = await api.post("/api/modules/poster_renamerr/execute", {});
      ctx.toast(`Renamer started (job ${r.job_id})`, "ok");
    } catch (err) { ctx.toast(err.message, "error"); }
  } }, "Run renamer");
  const autoMatch = h("button", { class: "btn", id: "poster-auto-match", onclick: async () => {
    try {
      const r = await api.post("/api/posters/auto-match", {});
      ctx.toast(`Matching ${r.poster_ids.length} unmatched poster(s) (job ${r.job_id})`, "ok");
    } catch (err) { ctx.toast(err.message, "error"); }
  } }, "Match unmatched");

  // Google Drive sources: the shared Drive section (live progress of the sync jobs), shown when the
  // sync_gdrive module is installed; a finished sync refreshes the library's stats.
  const drive = h("div", { id: "poster-drive" });
  let driveSection = null;
  async function loadDrive() {
    let mods;
    try { mods = await api.get("/api/modules"); } catch { return; }  // asked first: a 404 would be a console error
    if (!(mods.modules || []).some((m) => m.name === "sync_gdrive")) return;
    driveSection = driveSources({ title: "Google Drive sources", onSynced: () => loadStats().catch(() => {}) });
    drive.replaceChildren(driveSection.node);
    try { await driveSection.load(); } catch (err) { drive.replaceChildren(emptyState(err.message)); }
  }

  async function loadStats() {
    const s = await api.get("/api/posters/stats");
    const m = s.matched_stats || {};
    stats.replaceChildren(
      h("dl", { class: "poster-counts" },
        ...[["Posters", s.poster_cache_count], ["Matched", m.matched], ["Unmatched", m.unmatched],
          ["Low resolution", s.low_resolution], ["Bad files", s.errors], ["Placed", s.renamed_files],
          ["Orphaned", s.orphaned_count], ["Size", formatBytes(s.total_bytes)]].map(([k, v]) => h("div", {}, h("dt", {}, k), h("dd", {}, v ?? "–")))),
      bars("By type", s.by_type), bars("By source", s.by_source));
  }

  function fill(sel, values, all) {
    const keep = sel.value;
    sel.replaceChildren(h("option", { value: "" }, all), ...values.map(([v, t]) => h("option", { value: v }, t)));
    sel.value = values.some(([v]) => v === keep) ? keep : "";
  }

  function tile(p) {
    const label = `${p.title || p.relpath}${p.year ? ` (${p.year})` : ""}${p.season_number !== null && p.season_number !== undefined ? ` · ${p.season_number === 0 ? "Specials" : `Season ${p.season_number}`}` : ""}`;
    const status = p.error ? badge("bad file", "error") : p.matched ? badge("matched", "ok") : p.match ? badge("unmatched", "warn") : badge("not checked");
    const reason = p.error || (p.match && p.match.reason) || "not matched yet";
    const pic = p.error ? h("div", { class: "poster-missing" }, "no image")
      : h("img", { src: api.withToken(`/api/posters/${p.id}/thumbnail?width=200`), alt: label, loading: "lazy", width: 200, height: 300 });
    return h("figure", { class: "poster-item", "data-poster": p.id }, pic,
      h("figcaption", {},
        h("strong", {}, label), h("span", { class: "muted" }, `${p.owner || "(root)"} · ${p.width ? `${p.width}×${p.height}` : "?"} · ${formatBytes(p.bytes)}`),
        h("span", { class: "poster-status" }, status, " ", h("span", { class: "poster-reason" }, p.matched && p.match.title ? `→ ${p.match.title}: ${reason}` : reason)),
        p.error ? null : h("button", { class: "btn btn-sm", "aria-label": `match and place ${label}`, onclick: async () => {
          try { const r = await api.post(`/api/posters/${p.id}/sync-metadata`); ctx.toast(`Placing ${label} (job ${r.job_id})`, "ok"); }
          catch (err) { ctx.toast(err.message, "error"); }
        } }, "Place")));
  }

  let latest = 0;
  async function load() {
    const mine = ++latest;  // filters change faster than answers come: only the newest answer is shown
    const params = new URLSearchParams({ limit: PAGE, offset, filter: filter.value });
    if (query.value) params.set("query", query.value);
    if (source.value) params.set("source", source.value);
    if (owner.value) params.set("owner", owner.value);
    if (type.value) params.set("type", type.value);
    const r = await api.get(`/api/posters/browse?${params}`);
    if (mine !== latest) return;
    fill(source, (r.sources || []).map((s) => [s.source, `${s.source} (${s.count})`]), "All sources");
    fill(owner, r.owners.filter((o) => o.owner).map((o) => [o.owner, `${o.owner} (${o.count})`]), "All owners");
    info.textContent = `${r.total} poster(s) · showing ${r.total ? offset + 1 : 0}–${offset + r.items.length}`;
    prev.disabled = offset === 0; next.disabled = offset + r.items.length >= r.total;
    grid.replaceChildren(...(r.items.length ? r.items.map(tile) : [emptyState("No poster matches these filters.")]));
  }

  root.append(
    card("Poster library", stats, h("div", { class: "row" }, runRenamer, autoMatch)),
    card(null, h("div", { class: "row poster-filters" }, labelled("Search", query), labelled("Source", source),
      labelled("Owner", owner), labelled("Show", filter), labelled("Type", type)),
    h("div", { class: "row" }, prev, next, info)),
    drive, grid);
  await Promise.all([loadStats(), load(), loadDrive()]).catch((e) => grid.replaceChildren(emptyState(e.message)));
  return () => { if (driveSection) driveSection.stop(); };
}
