// Artwork: the poster maker's dashboard — run modes with live progress, last runs with per-kind
// counts, the action center (issues with one-click "skip" and "replace"), and the manual-mode form.
import { api } from "../api.js";
import { h, card, badge, emptyState, formatDate } from "../ui.js";

export const meta = { id: "artwork", title: "Artwork", icon: "🖼", order: 40, section: "Artwork" };

const MODES = [
  ["normal", "Run now", "btn-primary"], ["testing", "Testing sheet"], ["backup", "Backup server art"],
  ["sync", "Sync Plex → Jellyfin/Emby"], ["cleanup", "Clean up orphans (dry run)"],
];
// A value for a cell: unset settings come back as false/null, shown as a dash rather than "false".
const shown = (v) => (v === null || v === undefined || v === false || v === "" ? "—" : String(v));
// A run's badge colour: only a clean success is green; cancelled/interrupted warn, errors are red.
const runKind = (x) => (x.status === "error" || x.errors ? "error" : x.status === "success" ? "ok" : "warn");

const CATEGORY_TITLES = {
  missing_assets: "Missing assets", missing_assets_fav_provider: "Missing from favourite provider",
  non_primary_lang: "Non-primary language", non_primary_provider: "Non-primary provider",
  truncated_text: "Truncated text", low_resolution: "Low-resolution source", resolved: "Resolved",
};

export async function render(root, ctx) {
  const progress = h("div", { class: "muted", id: "artwork-progress" }, "Idle");
  const runsBox = h("div", { id: "artwork-runs" });
  const centerBox = h("div", { id: "artwork-center" });
  let timer = null;

  async function start(mode) {
    const overrides = { mode };
    if (mode === "cleanup") overrides.dry_run = true;
    try {
      const r = await api.post("/api/modules/poster_maker/execute", { overrides });
      ctx.toast(`Poster maker ${mode} queued (job ${r.job_id})`, "ok");
      watch(r.job_id);
    } catch (err) { ctx.toast(err.message, "error"); }
  }

  // The live line of a job: phase, done/total and item come from ``progress_detail`` (``progress`` is
  // only the percent); a run that ended in error shows its reason, not just "error".
  function describe(jobId, job) {
    const p = job.progress_detail || {};
    let text = `Job ${jobId}: ${job.status}${p.phase ? " · " + p.phase : ""}` +
      (p.total ? ` · ${p.done}/${p.total} (${job.progress}%)` : "") + (p.item ? ` · ${p.item}` : "");
    if (job.status === "error" && job.error) text += ` — ${String(job.error).split("\n")[0]}`;
    return text;
  }

  function watch(jobId) {
    clearInterval(timer);
    const tick = async () => {
      try {
        const job = await api.get(`/api/jobs/${jobId}`);
        progress.textContent = describe(jobId, job);
        progress.dataset.status = job.status;
        if (["success", "error", "cancelled", "interrupted"].includes(job.status)) {
          clearInterval(timer); loadRuns(); loadCenter();
        }
      } catch (err) { progress.textContent = err.message; clearInterval(timer); }
    };
    tick();
    timer = setInterval(tick, 1500);
  }

  // A run already under way (the demo starts one; a schedule may have) is followed from the start.
  async function followRunning() {
    const r = await api.get("/api/jobs?module=poster_maker&status=running,queued&limit=1");
    const job = (r.jobs || [])[0];
    if (job) watch(job.id);
  }

  async function loadRuns() {
    const r = await api.get("/api/runtime-history?limit=10");
    if (!r.history.length) { runsBox.replaceChildren(emptyState("No poster maker runs yet.")); return; }
    const head = ["When", "Mode", "Status", "Posters", "Seasons", "Backgrounds", "Title cards", "Errors", "Fallbacks", "Textless", "Truncated", "Time"];
    runsBox.replaceChildren(h("table", { class: "table" },
      h("thead", {}, h("tr", {}, head.map((x) => h("th", {}, x)))),
      h("tbody", {}, r.history.map((x) => h("tr", {},
        h("td", {}, formatDate(x.timestamp)), h("td", {}, x.mode),
        h("td", {}, badge(x.status, runKind(x))),
        ...["posters", "seasons", "backgrounds", "titlecards", "errors", "fallbacks", "textless", "truncated"].map((k) => h("td", {}, String(x[k] ?? 0))),
        h("td", {}, x.runtime_formatted))))));
  }

  async function loadCenter() {
    const r = await api.get("/api/assets/overview");
    // only the first category with work is open: all of them open made a page thousands of pixels long
    const firstOpen = Object.keys(CATEGORY_TITLES).find((key) => key !== "resolved" && (r.categories[key]?.count || 0) > 0);
    const sections = Object.entries(CATEGORY_TITLES).map(([key, title]) => {
      const cat = r.categories[key] || { count: 0, assets: [] };
      const rows = cat.assets.slice(0, 50).map((a) => h("tr", {},
        h("td", {}, shown(a.Title)), h("td", {}, shown(a.Type)), h("td", {}, shown(a.LibraryName)), h("td", {}, shown(a.Language)),
        h("td", {}, key === "resolved" ? "" : h("button", { class: "btn btn-sm", "data-skip": a.id, onclick: async () => {
          // the skip label is set on the media server first: its error (502 unreachable …) is shown, nothing hidden
          try {
            const res = await api.post("/api/assets/skip", { id: a.id });
            ctx.toast(res.server ? `Skipped ${a.Title} (label set on ${res.server})` : `Skipped ${a.Title}`, "ok");
            loadCenter();
          } catch (err) { ctx.toast(err.message, "error"); }
        } }, "Skip")),
        h("td", {}, a.asset_path ? h("a", { href: `#/galleries?asset=${encodeURIComponent(a.asset_path)}` }, "Replace") : "")));
      return h("details", { class: "card", open: key === firstOpen, dataset: { category: key } },
        h("summary", {}, `${title} `, badge(String(cat.count), cat.count && key !== "resolved" ? "warn" : "ok")),
        rows.length ? h("table", { class: "table" }, h("tbody", {}, rows)) : h("p", { class: "muted" }, "Nothing here."));
    });
    centerBox.replaceChildren(h("p", { class: "muted" },
      `Primary language ${shown(r.config.primary_language)} · favourite provider ${shown(r.config.primary_provider)}`), ...sections);
  }

  const manualForm = h("form", { class: "form-grid", id: "manual-form" },
    h("label", {}, "Kind", h("select", { name: "kind" }, ["poster", "background", "season", "titlecard", "collection"].map((k) => h("option", { value: k }, k)))),
    h("label", {}, "Image URL", h("input", { name: "source_url", placeholder: "https://…", required: true })),
    h("label", {}, "Title text", h("input", { name: "title" })),
    h("label", {}, "Folder name", h("input", { name: "folder_name", required: true, placeholder: "Alien (1979) {tmdb-348}" })),
    h("label", {}, "Library", h("input", { name: "library", value: "Movies" })),
    h("label", {}, "Season name", h("input", { name: "season_name", placeholder: "Season 1 / Specials" })),
    h("label", {}, "Episode number", h("input", { name: "episode_number", type: "number", min: 0 })),
    h("button", { class: "btn btn-primary", type: "submit" }, "Create asset"));
  manualForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const data = Object.fromEntries(new FormData(manualForm).entries());
    for (const k of Object.keys(data)) if (data[k] === "") delete data[k];
    if (data.episode_number) data.episode_number = Number(data.episode_number);
    try {
      const r = await api.post("/api/modules/poster_maker/execute", { overrides: { mode: "manual", manual: data } });
      ctx.toast(`Manual asset queued (job ${r.job_id})`, "ok"); watch(r.job_id);
    } catch (err) { ctx.toast(err.message, "error"); }
  });

  root.append(
    card("Run", h("div", { class: "row" }, MODES.map(([mode, label, cls]) =>
      h("button", { class: `btn ${cls || ""}`, "data-mode": mode, onclick: () => start(mode) }, label))), progress),
    card("Last runs", runsBox),
    card("Action center", centerBox),
    card("Manual mode", manualForm));
  await Promise.all([loadRuns().catch((e) => runsBox.replaceChildren(emptyState(e.message))),
    loadCenter().catch((e) => centerBox.replaceChildren(emptyState(e.message))),
    followRunning().catch(() => { /* the Jobs page still lists it */ })]);
  return () => clearInterval(timer);
}
