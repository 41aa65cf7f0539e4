// Plex cleanup: the images in Plex's Metadata bundles per item (active one marked, the rest bloat),
// one-variant delete / make active, the poster_cleanarr run (report → move → restore, clear) and a
// plex_maintenance run. Every run is a queued job; nothing is deleted by the page itself except
// the single variant a user deletes after confirming.
import { api } from "../api.js";
import { h, card, emptyState, formatBytes, confirmDialog, badge } from "../ui.js";

export const meta = { id: "plex_cleanup", title: "Plex cleanup", icon: "♻", order: 45, section: "Artwork" };

const PAGE = 20;
const KINDS = ["", "poster", "art", "banner", "thumb", "chapter", "theme", "other"];
const TYPES = ["", "movie", "show", "season", "artist", "album", "collection", "unknown"];
const RUNS = [
  ["report", "Report", "btn", "List the bloat (changes nothing)."],
  ["move", "Move to restore folder", "btn btn-primary", "Move every unused image to the restore folder?"],
  ["restore", "Restore", "btn", "Move every file in the restore folder back to where it came from?"],
  ["clear", "Clear restore folder", "btn btn-danger", "Delete every file in the restore folder for good?"],
];

function select(name, label, values) {
  return h("label", {}, label, h("select", { name }, values.map((v) => h("option", { value: v }, v || "all"))));
}

export async function render(root, ctx) {
  let offset = 0;
  const stats = h("div", { class: "pc-stats", id: "pc-stats" });
  const list = h("div", { class: "pc-list", id: "pc-list" });
  const info = h("span", { class: "muted", id: "pc-info" });
  const onlyBloat = h("input", { type: "checkbox", name: "only_bloat", checked: true });
  const kind = select("variant_kind", "Image kind", KINDS);
  const type = select("media_type", "Item type", TYPES);
  const prev = h("button", { class: "btn btn-sm", "aria-label": "previous page", onclick: () => { offset = Math.max(0, offset - PAGE); load(); } }, "‹");
  const next = h("button", { class: "btn btn-sm", "aria-label": "next page", onclick: () => { offset += PAGE; load(); } }, "›");
  const lastJob = h("p", { class: "muted", id: "pc-job", "aria-live": "polite" });

  for (const el of [onlyBloat, kind.querySelector("select"), type.querySelector("select")]) {
    el.addEventListener("change", () => { offset = 0; load(); });
  }

  async function startRun(mode, question) {
    if (mode !== "report" && !(await confirmDialog("Plex cleanup", question, { danger: mode === "clear", confirmLabel: "Start" }))) return;
    // Moving, removing or restoring files makes the shown thumbnails stale: drop them now, so no lazy
    // <img> asks for a file the job has just moved (a 404); the list is reloaded when the job ends.
    if (mode !== "report") list.replaceChildren(emptyState("Working…"));
    try {
      const r = await api.post("/api/posters/plex-metadata/cleanup", { mode });
      lastJob.textContent = `Job ${r.job_id} (${mode}) queued.`;
      ctx.toast(`Cleanup (${mode}) queued: job ${r.job_id}`, "ok");
      watch(r.job_id);
    } catch (err) { ctx.toast(err.message, "error"); }
  }

  async function startMaintenance() {
    if (!(await confirmDialog("Plex maintenance", "Run the switched-on maintenance tasks (empty trash, clean bundles, optimize, PhotoTranscoder cache)?", { confirmLabel: "Run" }))) return;
    try {
      const r = await api.post("/api/modules/plex_maintenance/execute", {});
      lastJob.textContent = `Job ${r.job_id} (maintenance) queued.`;
      ctx.toast(`Maintenance queued: job ${r.job_id}`, "ok");
      watch(r.job_id);
    } catch (err) { ctx.toast(err.message, "error"); }
  }

  async function watch(jobId) {
    for (let i = 0; i < 120; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      if (!root.isConnected) return;
      let job;
      try { job = await api.get(`/api/jobs/${jobId}`); } catch { return; }
      const status = job.status || (job.data && job.data.status);
      if (["success", "error", "cancelled"].includes(status)) {
        const counts = (job.result && job.result.counts) || {};
        const parts = Object.entries(counts).filter(([k]) => !k.endsWith("_bytes")).map(([k, v]) => `${k.replaceAll("_", " ")}: ${v}`);
        lastJob.textContent = `Job ${jobId}: ${status}${job.error ? ` — ${job.error}` : ""}${parts.length ? ` · ${parts.join(" · ")}` : ""}`;
        load(true);
        return;
      }
    }
  }

  function variantTile(item, v) {
    const url = api.withToken(`/api/posters/plex-metadata/variant-thumbnail?width=160&path=${encodeURIComponent(v.path)}`);
    const actions = [];
    if (!v.active && item.rating_key) {
      actions.push(h("button", { class: "btn btn-sm", "data-action": "activate", onclick: async () => {
        try {
          await api.post("/api/posters/plex-metadata/set-active", { rating_key: item.rating_key, path: v.path });
          ctx.toast(`${item.title}: ${v.kind} made active`, "ok"); load(true);
        } catch (err) { ctx.toast(err.message, "error"); }
      } }, "Make active"));
    }
    if (!v.active) {
      actions.push(h("button", { class: "btn btn-sm btn-danger", "data-action": "delete", onclick: async () => {
        if (!(await confirmDialog("Delete variant", `${v.path} (${formatBytes(v.size)})`, { danger: true, confirmLabel: "Delete" }))) return;
        try {
          await api.raw("DELETE", "/api/posters/plex-metadata/variant", { path: v.path });
          ctx.toast("Variant deleted", "ok"); load(true);
        } catch (err) { ctx.toast(err.message, "error"); }
      } }, "Delete"));
    }
    return h("figure", { class: `pc-variant${v.active ? " active" : ""}`, "data-path": v.path },
      h("img", { src: url, alt: `${item.title} ${v.kind}${v.active ? " (active)" : ""}`, loading: "lazy", width: 80, height: 120 }),
      h("figcaption", {}, v.active ? badge("active", "ok") : badge("unused", "warn"), ` ${v.kind} · ${formatBytes(v.size)}`, h("div", { class: "row" }, actions)));
  }

  async function load(force = false) {
    const q = new URLSearchParams({ limit: PAGE, offset, only_bloat: onlyBloat.checked });
    const k = kind.querySelector("select").value; if (k) q.set("variant_kind", k);
    const t = type.querySelector("select").value; if (t) q.set("media_type", t);
    if (force) q.set("force", "true");
    let r;
    try { r = await api.get(`/api/posters/plex-metadata/by-media?${q}`); }
    catch (err) {
      stats.replaceChildren();
      list.replaceChildren(emptyState(`${err.message} — set plex_path (and a Plex instance) in the poster_cleanarr module settings.`));
      info.textContent = ""; return;
    }
    const s = r.stats || {};
    stats.replaceChildren(...[["Bundles", s.bundles], ["Images", s.variants], ["Unused", s.bloat_files], ["Unused size", formatBytes(s.bloat_size)]]
      .map(([label, value]) => h("div", { class: "pc-stat" }, h("div", { class: "stat" }, String(value ?? "–")), h("div", { class: "stat-label" }, label))));
    info.textContent = `${r.total} items · showing ${r.total ? offset + 1 : 0}–${offset + r.items.length}`;
    prev.disabled = offset === 0; next.disabled = offset + r.items.length >= r.total;
    if (!r.items.length) { list.replaceChildren(emptyState("No unused images: nothing to clean.")); return; }
    list.replaceChildren(...r.items.map((item) => h("article", { class: "card pc-item", "data-rating-key": item.rating_key || "" },
      h("h3", { class: "pc-title" }, `${item.title}${item.year ? ` (${item.year})` : ""}`),
      h("p", { class: "muted" }, [item.library_name, item.media_type, `${item.bloat_count} unused · ${formatBytes(item.bloat_size)}`, item.in_trash ? "in trash" : null].filter(Boolean).join(" · ")),
      h("div", { class: "pc-variants" }, item.variants.map((v) => variantTile(item, v))))));
  }

  const runs = h("div", { class: "row" }, RUNS.map(([mode, label, cls, question]) =>
    h("button", { class: cls, "data-mode": mode, onclick: () => startRun(mode, question) }, label)),
    h("button", { class: "btn", "data-action": "maintenance", onclick: startMaintenance }, "Run maintenance"));
  root.append(
    card("Plex metadata", h("p", { class: "muted" }, "Images Plex keeps in its Metadata bundles. The active one of each item is in use; the others are bloat. Report first, move to the restore folder, check Plex, then clear — or restore."),
      stats, runs, lastJob),
    card(null, h("div", { class: "row pc-filters" }, h("label", { class: "pc-check" }, onlyBloat, " only items with unused images"), kind, type, prev, next, info)),
    list);
  await load();
}
