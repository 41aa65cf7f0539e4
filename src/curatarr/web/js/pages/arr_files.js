// *arr files: nestarr findings (scan, preview, fix), nohl's unlinked files and jduparr's duplicate groups.
// The modules' settings live on the Modules page; this page shows their results and acts on them.
import { h, card, badge, confirmDialog, emptyState, formatBytes, formatDate, tabbedViews } from "../ui.js";
import { statusBadge } from "./_jobs_shared.js";

export const meta = { id: "arr_files", title: "*arr files", icon: "⛁", order: 12, section: "Media" };

const TABS = [["nestarr", "Misplaced items"], ["nohl", "Not hardlinked"], ["jduparr", "Duplicates"]];
const MOVE_LABELS = {
  movie_in_movie: "Movie inside a movie", series_in_series: "Series inside a series", movie_in_series: "Movie inside a series",
  series_in_movie: "Series inside a movie", movie_in_series_root: "Movie in a series root folder", series_in_movie_root: "Series in a movie root folder",
  stray_folder: "Stray folder", stray_file: "Stray video", extra_video_in_folder: "Extra videos",
};

export async function render(root, ctx) {
  await tabbedViews(root, { tabs: TABS, current: ctx.params?.get("tab") || "nestarr", label: "*arr file checks",
    panelClass: "arr-files-panel", panelRole: "tabpanel", views: { nestarr: nestarrView, nohl: nohlView, jduparr: jduparrView } }, ctx);
}

// ---- shared: the latest run of a module, and run buttons -------------------------------------------
async function latestJob(ctx, module) {
  const { history } = await ctx.api.get(`/api/modules/${module}/history?limit=1`);
  if (!history.length) return null;
  return ctx.api.get(`/api/jobs/${history[0].id}`);
}

function runBar(ctx, module, reload, { realLabel, realWarning }) {
  const run = async (dry) => {
    if (!dry && !await confirmDialog(`Run ${module}`, realWarning, { confirmLabel: realLabel, danger: true })) return;
    try {
      const r = await ctx.api.post(`/api/modules/${module}/execute`, { dry_run: dry });
      ctx.toast(`${module} started (job ${r.job_id})`, "success");
      await waitJob(ctx, r.job_id);
      reload();
    } catch (err) { ctx.toast(err.message, "error"); }
  };
  return h("div", { class: "row" },
    h("button", { class: "btn btn-sm", type: "button", dataset: { action: "dry-run" }, onclick: () => run(true) }, "Dry run"),
    h("button", { class: "btn btn-danger btn-sm", type: "button", dataset: { action: "run" }, onclick: () => run(false) }, realLabel),
    h("a", { class: "btn btn-sm", href: "#/modules" }, "Settings"));
}

async function waitJob(ctx, jobId) {
  for (let i = 0; i < 600; i++) {
    const job = await ctx.api.get(`/api/jobs/${jobId}`);
    if (!["queued", "running", "cancelling", "pending"].includes(job.status)) return job;
    await new Promise((r) => setTimeout(r, 500));
  }
  return null;
}

function jobLine(job) {
  if (!job) return h("p", { class: "muted" }, "Never run yet.");
  return h("p", { class: "row small" }, statusBadge(job.status), h("a", { href: `#/jobs?job=${job.id}` }, `job #${job.id}`),
    h("span", { class: "muted" }, formatDate(job.finished_at || job.created_at)), job.dry_run ? badge("dry run", "info") : null,
    job.error ? h("span", { class: "arr-files-error" }, job.error) : null);
}

function counts(result) {
  const entries = Object.entries(result?.counts || {});
  if (!entries.length) return null;
  return h("dl", { class: "arr-files-counts" }, entries.map(([k, v]) => [h("dt", {}, k.replaceAll("_", " ")), h("dd", {}, k.startsWith("bytes") ? formatBytes(v) : v.toLocaleString())]));
}

// ---- nestarr -----------------------------------------------------------------------------------------
async function nestarrView(panel, ctx) {
  const data = await ctx.api.get("/api/nestarr/results");
  const status = h("span", { class: "muted", id: "nestarr-status" }, data.scanned_at ? `Scanned ${formatDate(data.scanned_at)} · ${data.total} finding(s) · ${data.instances_checked.join(", ")}` : "No scan yet.");
  const scanBtn = h("button", { class: "btn btn-primary btn-sm", type: "button", dataset: { action: "scan" }, onclick: async () => {
    scanBtn.disabled = true;
    try {
      const r = await ctx.api.get("/api/nestarr/scan");
      status.textContent = `Scanning (job ${r.scan_job_id})…`;
      const job = await waitJob(ctx, r.scan_job_id);
      if (job && job.status !== "success") ctx.toast(`Scan ended ${job.status}: ${job.error || ""}`, "error");
      await nestarrView(panel, ctx);
    } catch (err) { ctx.toast(err.message, "error"); scanBtn.disabled = false; }
  } }, "Scan now");
  const list = h("div", { class: "arr-files-list", id: "nestarr-issues" });
  list.replaceChildren(...(data.issues.length ? data.issues.map((i) => issueCard(ctx, i, () => nestarrView(panel, ctx))) : [emptyState(data.scanned_at ? "Nothing misplaced." : "Run a scan to look for misplaced items.")]));
  panel.replaceChildren(card(null, h("div", { class: "row" }, scanBtn, status)), list);
}

function issueCard(ctx, issue, reload) {
  const detail = h("div", { class: "arr-files-detail" });
  const facts = [["Instance", `${issue.instance_name} (${issue.instance_type})`], ["Path", issue.path]];
  if (issue.parent) facts.push(["Inside", `${issue.parent.title} — ${issue.parent.path}`]);
  if (issue.files) facts.push(["Extra videos", issue.files.join("\n")]);
  const body = [h("dl", { class: "arr-files-facts" }, facts.map(([k, v]) => [h("dt", {}, k), h("dd", { class: "mono" }, v)]))];
  if (issue.action === "move" && issue.media_id) {
    const target = h("input", { type: "text", name: "target_path", value: issue.suggested_path || "", "aria-label": `New folder for ${issue.title}`, class: "mono arr-files-target" });
    const request = () => ({ instance_type: issue.instance_type, instance_name: issue.instance_name, media_id: issue.media_id, target_path: target.value.trim() });
    const preview = h("button", { class: "btn btn-sm", type: "button", dataset: { action: "preview" }, onclick: async () => {
      try {
        const p = await ctx.api.post("/api/nestarr/preview", request());
        detail.replaceChildren(h("p", {}, p.already_correct ? "Already there." : `Moves ${p.current_path} → ${p.target_path}`),
          p.rename_preview.length ? h("ul", { class: "small mono" }, p.rename_preview.map((r) => h("li", {}, `${r.existing_path} → ${r.new_path}`))) : h("p", { class: "muted small" }, "No file renames."));
      } catch (err) { detail.replaceChildren(h("p", { class: "arr-files-error" }, err.message)); }
    } }, "Preview");
    const fix = h("button", { class: "btn btn-danger btn-sm", type: "button", dataset: { action: "fix" }, onclick: async () => {
      const body = request();
      if (!await confirmDialog("Move item", `Have ${issue.instance_name} move "${issue.title}" and its files to ${body.target_path}?`, { confirmLabel: "Move", danger: true })) return;
      try {
        const r = await ctx.api.post("/api/nestarr/fix", body);
        ctx.toast(`Moved to ${r.new_path}${r.verified_on_disk ? " (checked on disk)" : ""}`, "success");
        detail.replaceChildren(h("p", {}, `Moved ${r.old_path} → ${r.new_path}`));
        card_.classList.add("done");
      } catch (err) { detail.replaceChildren(h("p", { class: "arr-files-error" }, err.message)); }
    } }, "Move");
    body.push(h("div", { class: "row" }, h("label", { class: "arr-files-target-label" }, "Move to ", target), preview, fix));
  }
  const card_ = card(null, h("div", { class: "row" }, h("strong", {}, issue.title), issue.year ? h("span", { class: "muted" }, `(${issue.year})`) : null,
    badge(MOVE_LABELS[issue.type] || issue.type, issue.action === "move" ? "warn" : "info")), ...body, detail);
  card_.dataset.issue = issue.id;
  card_.dataset.type = issue.type;
  return card_;
}

// ---- nohl --------------------------------------------------------------------------------------------
async function nohlView(panel, ctx) {
  const job = await latestJob(ctx, "nohl");
  const files = job?.result?.data?.files || [];
  const table = files.length ? h("table", { class: "table small", id: "nohl-files" },
    h("thead", {}, h("tr", {}, ["File", "State", "Item", "Size"].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, files.map((f) => h("tr", { dataset: { state: f.state } }, h("td", { class: "mono" }, f.path),
      h("td", {}, badge(f.state, f.state === "tracked" ? "warn" : "neutral"), f.excluded ? h("span", { class: "muted" }, ` ${f.excluded}`) : null),
      h("td", {}, f.title ? `${f.title} (${f.instance})` : "–"), h("td", {}, formatBytes(f.size))))))
    : emptyState(job ? "Every media file is hardlinked." : "Run nohl to list the files that are not hardlinked.");
  panel.replaceChildren(card("Not hardlinked", runBar(ctx, "nohl", () => nohlView(panel, ctx), { realLabel: "Run (replace if enabled)",
    realWarning: "With 'replace' on in nohl's settings, the *arr deletes the unlinked files listed and searches new copies." }), jobLine(job), counts(job?.result)), table);
}

// ---- jduparr -----------------------------------------------------------------------------------------
async function jduparrView(panel, ctx) {
  const job = await latestJob(ctx, "jduparr");
  const groups = job?.result?.data?.groups || [];
  const list = groups.length ? h("div", { class: "arr-files-list", id: "jduparr-groups" }, groups.map((g) => card(null,
    h("div", { class: "row" }, h("strong", {}, `${g.files.length} copies`), h("span", { class: "muted" }, formatBytes(g.size) + " each")),
    h("ul", { class: "small mono" }, g.files.map((f) => h("li", {}, f))))))
    : emptyState(job ? "No duplicates found." : "Run jduparr to list duplicate files.");
  panel.replaceChildren(card("Duplicates", runBar(ctx, "jduparr", () => jduparrView(panel, ctx), { realLabel: "Hardlink duplicates",
    realWarning: "jdupes replaces every duplicate copy in jduparr's folders with a hardlink to one file." }), jobLine(job), counts(job?.result)), list);
}
