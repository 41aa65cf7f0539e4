// Modules: one card per module with live status and progress (SSE), run/cancel, settings form
// generated from the module's schema, schedule editor with a preview, connectivity test.
import { h, card, emptyState, confirmDialog, formatDate } from "../ui.js";
import { statusBadge, progressBar, duration, when, moduleEvents, scheduleEditor, schemaForm } from "./_jobs_shared.js";

export const meta = { id: "modules", title: "Modules", icon: "⚙", order: 10, section: "Automation" };

export async function render(root, ctx) {
  const { api, toast } = ctx;
  const cards = new Map(); // module name → {el, state, info}
  const grid = h("div", { class: "module-grid", id: "module-grid" });
  root.append(h("p", { class: "muted" }, "Run modules now, follow them live, change their settings and schedules."), grid);

  const { modules } = await api.get("/api/modules");
  if (!modules.length) grid.append(emptyState("No modules are installed."));

  function statusLine(info) {
    return h("div", { class: "module-status row" },
      statusBadge(info.status),
      info.last_run ? h("span", { class: "muted small" }, "last run ", when(info.last_run), " · ", info.last_run_status || "", info.last_duration != null ? ` · ${duration(info.last_duration)}` : "") : h("span", { class: "muted small" }, "never run"),
      info.next_run ? h("span", { class: "muted small" }, " · next ", when(info.next_run)) : null);
  }

  function body(name) {
    const entry = cards.get(name);
    const info = entry.info;
    const running = ["running", "queued", "cancelling"].includes(info.status);
    const dry = h("input", { type: "checkbox", name: "dry_run", checked: !!info.default_dry_run });
    const runBtn = h("button", { class: "btn btn-primary btn-sm", dataset: { action: "run" }, disabled: running, onclick: async () => {
      try {
        const r = await api.post(`/api/modules/${name}/execute`, { dry_run: dry.checked });
        toast(`${info.title}: job ${r.job_id} started`, "success");
      } catch (err) { toast(err.message, "error"); }
    } }, "Run now");
    const cancelBtn = running && info.job_id ? h("button", { class: "btn btn-danger btn-sm", dataset: { action: "cancel" }, onclick: async () => {
      if (!(await confirmDialog(`Stop ${info.title}?`, "The module stops after the item it is working on.", { confirmLabel: "Stop run", cancelLabel: "Keep running", danger: true }))) return;
      try { await api.del(`/api/modules/${name}/execution/${info.job_id}`); toast("Cancelling…"); } catch (err) { toast(err.message, "error"); }
    } }, "Cancel") : null;
    const details = h("div", { class: "module-details", hidden: !entry.open });
    const toggle = h("button", { class: "btn btn-sm", dataset: { action: "settings" }, "aria-expanded": String(!!entry.open), onclick: async () => {
      entry.open = !entry.open;
      details.hidden = !entry.open;
      toggle.setAttribute("aria-expanded", String(entry.open));
      if (entry.open && !details.childElementCount) await fillDetails(name, details);
    } }, "Settings");
    if (entry.open) fillDetails(name, details);
    return [
      h("div", { class: "module-head" }, h("h2", { class: "card-title" }, info.title), h("span", { class: "badge" }, info.category)),
      h("p", { class: "muted small" }, info.description || ""),
      statusLine(info),
      running ? progressBar(info.progress) : null,
      info.last_error && !running ? h("p", { class: "text-error small" }, info.last_error) : null,
      h("div", { class: "row" }, runBtn, h("label", { class: "check small" }, dry, " dry run"), cancelBtn, toggle),
      details,
    ];
  }

  async function fillDetails(name, details) {
    details.replaceChildren(h("div", { class: "loading" }, "Loading…"));
    const [detail, schema] = await Promise.all([api.get(`/api/modules/${name}`), api.get(`/api/modules/${name}/schema`)]);
    const form = schemaForm(schema.schema, detail.config || {}, { api });
    const save = h("button", { class: "btn btn-primary btn-sm", type: "button", dataset: { action: "save" }, onclick: async () => {
      try {
        await api.put(`/api/modules/${name}/config`, form.read());
        form.clearErrors();
        toast(`${detail.title} settings saved`, "success");
      } catch (err) {
        if (err.status === 422 && Array.isArray(err.detail)) form.showErrors(err.detail);
        toast(err.message, "error");
      }
    } }, "Save settings");
    const test = h("button", { class: "btn btn-sm", type: "button", onclick: async () => {
      try {
        const r = await api.post(`/api/modules/${name}/test`);
        if (!r.results.length) toast("This module names no instances; nothing to test.");
        for (const res of r.results) toast(`${res.instance}: ${res.status}${res.error ? ` — ${res.error}` : ""}`, res.status === "healthy" ? "success" : "error");
      } catch (err) { toast(err.message, "error"); }
    } }, "Test connections");
    const editor = scheduleEditor(detail.schedule, {
      onSave: async (rule) => {
        try { await api.post("/api/schedule", { module: name, schedule: rule }); toast("Schedule saved", "success"); await reload(); }
        catch (err) { toast(err.message, "error"); }
      },
      onClear: async () => {
        try { await api.post("/api/schedule", { module: name, schedule: null }); toast("Now manual only", "success"); await reload(); }
        catch (err) { toast(err.message, "error"); }
      },
    });
    const history = h("div", { class: "module-history" });
    api.get(`/api/modules/${name}/history?limit=5`).then((r) => {
      history.replaceChildren(r.history.length ? h("table", { class: "table small" }, h("tbody", {},
        r.history.map((j) => h("tr", {}, h("td", {}, h("a", { href: `#/jobs?job=${j.id}` }, `#${j.id}`)), h("td", {}, statusBadge(j.status)),
          h("td", {}, formatDate(j.created_at)), h("td", {}, duration(j.duration_seconds)), h("td", { class: "muted" }, j.source))))) : emptyState("No runs yet."));
    }).catch(() => {});
    details.replaceChildren(
      h("h3", {}, "Settings"), form, h("div", { class: "row" }, save, test),
      h("h3", {}, "Schedule"), editor,
      h("h3", {}, "Recent runs"), history);
  }

  function paint(name) {
    const entry = cards.get(name);
    entry.el.replaceChildren(...body(name).filter(Boolean));
    entry.el.dataset.status = entry.info.status;
  }

  async function reload() {
    const fresh = await api.get("/api/modules");
    for (const m of fresh.modules) {
      if (!cards.has(m.name)) continue;
      cards.get(m.name).info = m;
      paint(m.name);
    }
  }

  for (const m of modules) {
    const el = card(null);
    el.classList.add("module-card");
    el.dataset.module = m.name;
    cards.set(m.name, { el, info: m, open: false });
    grid.append(el);
    paint(m.name);
  }

  let pending = null;
  const stop = moduleEvents((msg) => {
    const entry = cards.get(msg.module);
    if (!entry) return;
    if (msg.event === "status_change") {
      Object.assign(entry.info, {
        status: msg.status, job_id: msg.job_id, progress: msg.progress, last_run: msg.last_run, last_run_status: msg.last_run_status,
        last_duration: msg.last_duration, last_error: msg.last_error,
      });
      paint(msg.module);
    } else if (msg.event === "progress") {
      entry.info.progress = msg;
      const bar = entry.el.querySelector(".job-progress");
      if (bar) bar.replaceWith(progressBar(msg)); else if (!pending) pending = setTimeout(() => { pending = null; paint(msg.module); }, 100);
    }
  });
  return () => { stop(); clearTimeout(pending); };
}
