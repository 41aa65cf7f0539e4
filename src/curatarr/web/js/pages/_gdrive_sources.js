// The Google Drive folders sync_gdrive mirrors: stats, sync buttons and live progress of the sync
// jobs (module events), shared by the Poster sources page and the Posters page's Drive section.
import { api } from "../api.js";
import { h, card, emptyState, formatBytes, toast } from "../ui.js";
import { statusBadge, progressBar, when, moduleEvents } from "./_jobs_shared.js";

export const MODULE = "sync_gdrive";

// Returns { node, load, stop }: ``node`` is the card to place, ``load()`` fetches the stats,
// ``stop()`` unsubscribes from the job events (call it when the page goes away). ``onSynced`` is
// called after a sync job ended (e.g. to refresh counts that depend on the mirrors).
export function driveSources({ title = "Google Drive folders", onSynced = null } = {}) {
  const list = h("div", { id: "gdrive-sources" });
  const syncAll = h("button", { class: "btn btn-primary", type: "button", id: "gdrive-sync-all" }, "Sync all");
  const node = card(title,
    h("p", { class: "muted small gdrive-intro" }, "Creator folders mirrored into local poster sources with rclone (module ",
      h("a", { href: "#/modules" }, MODULE), "). Stats are computed at the end of each sync."),
    h("div", { class: "row gdrive-actions" }, syncAll), list);
  const progress = new Map(); // folder name -> last progress message
  const running = new Map(); // folder name -> job id started from this page
  let rows = [];

  function statusOf(row) {
    if (running.has(row.name)) return statusBadge("running");
    if (!row.status || row.status === "never synced") return statusBadge("idle");
    return statusBadge(row.status.startsWith("error") ? "error" : "success");
  }

  function rowView(row) {
    const button = h("button", { class: "btn btn-sm", type: "button", "aria-label": `Sync ${row.name}`,
      disabled: running.has(row.name), onclick: () => sync([row.name]) }, "Sync");
    return h("li", { class: "gdrive-source", dataset: { name: row.name } },
      h("div", { class: "row gdrive-head" }, h("strong", {}, row.name), statusOf(row), h("span", { class: "spacer" }), button),
      h("div", { class: "muted small gdrive-location" }, row.location),
      h("dl", { class: "gdrive-facts" },
        h("dt", {}, "Files"), h("dd", {}, row.file_count ?? "–"),
        h("dt", {}, "Size"), h("dd", {}, formatBytes(row.size_bytes)),
        h("dt", {}, "Last sync"), h("dd", {}, row.synced_at ? when(row.synced_at) : "never")),
      row.status && row.status.startsWith("error") ? h("div", { class: "text-error small" }, row.status) : null,
      running.has(row.name) ? progressBar(progress.get(row.name)) : null);
  }

  function draw() {
    syncAll.disabled = !rows.length;
    list.replaceChildren(rows.length ? h("ul", { class: "gdrive-list" }, rows.map(rowView))
      : emptyState(h("span", { class: "gdrive-intro" }, "No Drive folders configured. Add entries to ", h("code", {}, "gdrive_list"),
        " in the ", h("a", { href: "#/modules" }, MODULE), " settings.")));
  }

  async function load() {
    rows = (await api.get("/api/posters/gdrive/stats")).stats;
    draw();
  }

  async function sync(names) {
    const query = names.map((n) => `gdrive_names=${encodeURIComponent(n)}`).join("&");
    try {
      const answer = await api.post(`/api/posters/gdrive/sync?${query}`);
      for (const job of answer.jobs || [answer]) running.set(job.name, job.job_id);
      toast(`Sync started: ${names.join(", ")}`, "info");
      draw();
    } catch (err) { toast(err.message, "error"); }
  }
  syncAll.addEventListener("click", () => sync(rows.map((r) => r.name)));

  let timer = null;
  const unsubscribe = moduleEvents((msg) => {
    if (msg.module !== MODULE) return;
    if (msg.event === "progress" && msg.item) {
      progress.set(msg.item, msg);
      if (!running.has(msg.item)) { running.set(msg.item, msg.job_id); draw(); return; }
      const el = list.querySelector(`li[data-name="${CSS.escape(msg.item)}"] .job-progress`);
      if (el) el.replaceWith(progressBar(msg));
    } else if (msg.event === "status_change" && msg.status && !["running", "queued", "cancelling"].includes(msg.status)) {
      for (const [name, id] of running) if (!msg.job_id || id === msg.job_id) running.delete(name);
      clearTimeout(timer);
      timer = setTimeout(() => { load().catch(() => {}); if (onSynced) onSynced(); }, 200);
    }
  });
  return { node, load, stop: () => { unsubscribe(); clearTimeout(timer); } };
}
