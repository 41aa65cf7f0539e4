// Jobs: filter + paginate the job history, open a job to follow its log live, retry or cancel it.
import { h, card, emptyState, formatDate, confirmDialog } from "../ui.js";
import { statusBadge, duration, moduleEvents } from "./_jobs_shared.js";

export const meta = { id: "jobs", title: "Jobs", icon: "☰", order: 11, section: "Automation" };

const STATUSES = ["", "queued", "running", "success", "error", "cancelled", "interrupted"];
const SOURCES = ["", "manual", "schedule", "webhook", "retry", "cli", "api", "system"];
const PAGE = 25;

export async function render(root, ctx) {
  const { api, toast } = ctx;
  const { modules } = await api.get("/api/modules?include_hidden=true");
  const state = { status: "", module: "", source: "", offset: 0 };
  const select = (name, values, labels = {}) => h("select", { name, "aria-label": name, onchange: (e) => { state[name] = e.target.value; state.offset = 0; load(); } },
    values.map((v) => h("option", { value: v }, v ? (labels[v] || v) : `any ${name}`)));
  const filters = h("div", { class: "row jobs-filters" },
    select("status", STATUSES), select("module", ["", ...modules.map((m) => m.name)]), select("source", SOURCES),
    h("button", { class: "btn btn-sm", onclick: () => load() }, "Refresh"));
  const table = h("div", { id: "jobs-table" });
  const pager = h("div", { class: "row jobs-pager" });
  const detail = h("div", { id: "job-detail" });
  root.append(card(null, filters, table, pager), detail);

  let logTimer = null;
  let openId = null;

  async function load() {
    const q = new URLSearchParams({ limit: PAGE, offset: state.offset });
    for (const k of ["status", "module", "source"]) if (state[k]) q.set(k, state[k]);
    const r = await api.get(`/api/jobs?${q}`);
    if (!r.jobs.length) { table.replaceChildren(emptyState("No jobs match.")); pager.replaceChildren(); return; }
    table.replaceChildren(h("table", { class: "table" },
      h("thead", {}, h("tr", {}, ["Job", "Module", "Status", "Source", "Started", "Duration", "Progress"].map((c) => h("th", {}, c)))),
      h("tbody", {}, r.jobs.map((j) => h("tr", { class: "clickable", dataset: { job: j.id }, onclick: () => open(j.id) },
        h("td", {}, `#${j.id}`), h("td", {}, j.module), h("td", {}, statusBadge(j.status), j.dry_run ? h("span", { class: "muted small" }, " dry run") : null),
        h("td", {}, j.source), h("td", {}, formatDate(j.started_at || j.created_at)), h("td", {}, duration(j.duration_seconds)),
        h("td", {}, `${j.progress}%`))))));
    const pages = Math.ceil(r.total / PAGE);
    const page = Math.floor(state.offset / PAGE) + 1;
    pager.replaceChildren(
      h("button", { class: "btn btn-sm", disabled: state.offset === 0, onclick: () => { state.offset -= PAGE; load(); } }, "‹ Newer"),
      h("span", { class: "muted small" }, `page ${page} of ${pages} · ${r.total} jobs`),
      h("button", { class: "btn btn-sm", disabled: state.offset + PAGE >= r.total, onclick: () => { state.offset += PAGE; load(); } }, "Older ›"));
  }

  async function open(id) {
    clearInterval(logTimer);
    openId = id;
    const job = await api.get(`/api/jobs/${id}`);
    const log = h("pre", { class: "logview job-log", id: "job-log", "aria-live": "off" });
    let offset = 0;
    async function follow() {
      try {
        const t = await api.get(`/api/jobs/${id}/log-tail?offset=${offset}&max_bytes=65536`);
        if (t.lines.length) {
          const stick = log.scrollTop + log.clientHeight >= log.scrollHeight - 20;
          log.append(t.lines.join("\n") + "\n");
          if (stick) log.scrollTop = log.scrollHeight;
        }
        offset = t.next_offset;
        if (!["running", "queued"].includes(t.status) && t.next_offset >= t.size) clearInterval(logTimer);
      } catch (err) { clearInterval(logTimer); log.append(`\n[log unavailable: ${err.message}]`); }
    }
    const result = job.result || {};
    const counts = Object.entries(result.counts || {});
    const actions = h("div", { class: "row" },
      ["running", "queued"].includes(job.status) ? h("button", { class: "btn btn-danger btn-sm", dataset: { action: "stop" }, onclick: async () => {
        const stop = await confirmDialog(`Stop job ${id}?`, `${job.module} stops after the item it is working on.`,
          { confirmLabel: "Stop run", cancelLabel: "Keep running", danger: true });
        if (!stop) return;
        try { await api.post(`/api/jobs/${id}/cancel`); toast("Stopping…"); } catch (err) { toast(err.message, "error"); }
      } }, "Stop run") : null,
      ["success", "error", "cancelled", "interrupted"].includes(job.status) ? h("button", { class: "btn btn-primary btn-sm", dataset: { action: "retry" }, onclick: async () => {
        try { const r = await api.post(`/api/jobs/${id}/retry`); toast(`Queued again as job ${r.job_id}`, "success"); await load(); open(r.job_id); }
        catch (err) { toast(err.message, "error"); }
      } }, "Retry") : null,
      h("button", { class: "btn btn-sm", onclick: () => { clearInterval(logTimer); openId = null; detail.replaceChildren(); } }, "Close"));
    detail.replaceChildren(card(`Job #${id} · ${job.module}`,
      h("div", { class: "row" }, statusBadge(job.status), h("span", { class: "muted small" }, `${job.source} · ${formatDate(job.created_at)} · ${duration(job.duration_seconds)}`)),
      job.error ? h("p", { class: "text-error" }, job.error) : null,
      counts.length ? h("p", {}, counts.map(([k, v]) => h("span", { class: "badge" }, `${k}: ${v}`))) : null,
      (result.changed || []).length ? h("details", {}, h("summary", {}, `${result.changed.length} changed item(s)`),
        h("ul", {}, result.changed.slice(0, 200).map((c) => h("li", {}, c.description)))) : null,
      actions, log));
    await follow();
    logTimer = setInterval(follow, 1000);
  }

  const stop = moduleEvents((msg) => {
    if (msg.event === "job_created" || (msg.event === "job_state" && msg.status !== "running")) load();
    if (msg.event === "job_state" && openId && msg.job_id === openId && msg.status !== "running") open(openId);
  }, { includeJobs: true });

  await load();
  const wanted = ctx.params && ctx.params.get("job");
  if (wanted) open(parseInt(wanted, 10));
  return () => { stop(); clearInterval(logTimer); };
}
