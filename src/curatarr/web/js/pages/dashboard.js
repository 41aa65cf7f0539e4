// Dashboard: running jobs (live), recent failures, next scheduled runs, instance health, host facts.
import { api } from "../api.js";
import { h, card, emptyState, formatDate } from "../ui.js";
import { statusBadge, progressBar, duration, when, moduleEvents } from "./_jobs_shared.js";

export const meta = { id: "dashboard", title: "Dashboard", icon: "◧", order: 0, section: "Overview" };

export async function render(root, ctx) {
  const running = h("div", { id: "dash-running" });
  const failures = h("div", { id: "dash-failures" });
  const upcoming = h("div", { id: "dash-upcoming" });
  const instances = h("div", { id: "dash-instances" });
  const stats = h("div", { class: "grid dash-stats" });
  root.append(stats, h("div", { class: "dash-grid" }, running, upcoming, failures, instances));
  const stat = (label, value) => h("div", { class: "card" }, h("div", { class: "stat" }, value), h("div", { class: "stat-label" }, label));
  const progress = new Map();

  async function load() {
    const d = await api.get("/api/dashboard/all");
    const active = d.jobs.running;
    stats.replaceChildren(stat("Version", d.version.local), stat("Running jobs", String(active.filter((j) => j.status === "running").length)),
      stat("Failures (7 days)", String(d.jobs.recent_failures.length)), stat("Memory used", `${d.system_info.memory_percent}%`));
    running.replaceChildren(card("Running now", active.length ? h("ul", { class: "dash-list" }, active.map((j) =>
      h("li", { dataset: { job: j.id } }, h("div", { class: "row" }, statusBadge(j.status), h("a", { href: `#/jobs?job=${j.id}` }, `${j.module} #${j.id}`),
        h("span", { class: "muted small" }, j.source)), j.status === "running" ? progressBar(progress.get(j.id) || j.progress_detail) : null)))
      : emptyState("Nothing is running.")));
    failures.replaceChildren(card("Recent failures", d.jobs.recent_failures.length ? h("ul", { class: "dash-list" }, d.jobs.recent_failures.map((j) =>
      h("li", {}, h("div", { class: "row" }, statusBadge(j.status), h("a", { href: `#/jobs?job=${j.id}` }, `${j.module} #${j.id}`), h("span", { class: "muted small" }, formatDate(j.finished_at))),
        h("div", { class: "text-error small" }, j.error || ""))))
      : emptyState("No failures in the last 7 days.")));
    upcoming.replaceChildren(card("Next scheduled runs", d.upcoming.length ? h("table", { class: "table" }, h("tbody", {}, d.upcoming.map((u) =>
      h("tr", {}, h("td", {}, u.module), h("td", { class: "muted small" }, u.description), h("td", {}, when(u.next_run))))))
      : emptyState(h("span", {}, "No schedules. ", h("a", { href: "#/schedule" }, "Add one")))));
    instances.replaceChildren(card("Instance health", d.instances.length ? h("table", { class: "table" }, h("tbody", {}, d.instances.map((i) =>
      h("tr", {}, h("td", {}, i.instance), h("td", { class: "muted small" }, i.service), h("td", {}, statusBadge(i.status)),
        h("td", { class: "muted small" }, i.response_time_ms != null ? `${Math.round(i.response_time_ms)} ms` : ""),
        h("td", { class: "muted small" }, i.checked_at ? when(i.checked_at) : "")))))
      : emptyState(h("span", {}, "No instances yet. ", h("a", { href: "#/instances" }, "Add one")))));
  }

  let timer = null;
  const stop = moduleEvents((msg) => {
    if (msg.event === "progress") {
      progress.set(msg.job_id, msg);
      const el = running.querySelector(`[data-job="${msg.job_id}"] .job-progress`);
      if (el) el.replaceWith(progressBar(msg));
    } else if (msg.event === "status_change" && msg.module) {
      clearTimeout(timer);
      timer = setTimeout(() => load().catch(() => {}), 300);
    }
  });
  await load();
  return () => { stop(); clearTimeout(timer); };
}
