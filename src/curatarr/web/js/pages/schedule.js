// Schedule overview: every module's rule with its next runs; edit or clear inline.
import { h, card, emptyState, formatDate } from "../ui.js";
import { scheduleEditor } from "./_jobs_shared.js";

export const meta = { id: "schedule", title: "Schedule", icon: "◔", order: 12, section: "Automation" };

export async function render(root, ctx) {
  const { api, toast } = ctx;
  const list = h("div", { id: "schedule-list" });
  const add = h("div", { id: "schedule-add" });
  root.append(list, add);

  async function load() {
    const [sched, mods] = await Promise.all([api.get("/api/schedule"), api.get("/api/modules")]);
    const rows = sched.rules.map((r) => h("tr", { dataset: { module: r.module } },
      h("td", {}, h("strong", {}, r.module)),
      h("td", {}, h("code", {}, r.schedule || "–")),
      h("td", {}, r.error ? h("span", { class: "text-error" }, r.error) : r.description || ""),
      h("td", {}, (r.next_runs || []).slice(0, 3).map((t, i) => h("div", { class: i ? "muted small" : "" }, formatDate(t)))),
      h("td", {}, h("button", { class: "btn btn-sm", onclick: (e) => edit(r.module, r.schedule, e.target.closest("tr")) }, "Edit"), " ",
        h("button", { class: "btn btn-sm", dataset: { action: "clear" }, onclick: async () => {
          try { await api.del(`/api/schedule/${r.module}`); toast(`${r.module} is now manual only`, "success"); await load(); }
          catch (err) { toast(err.message, "error"); }
        } }, "Remove"))));
    const system = (sched.system || []).map((r) => h("tr", {}, h("td", {}, r.module), h("td", {}, h("code", {}, r.rule)),
      h("td", {}, r.description), h("td", {}, formatDate(r.next_run)), h("td", { class: "muted small" }, "system")));
    list.replaceChildren(card(`Rules (time zone ${sched.timezone})`,
      rows.length ? h("table", { class: "table", id: "schedule-table" },
        h("thead", {}, h("tr", {}, ["Module", "Rule", "Meaning", "Next runs", ""].map((c) => h("th", {}, c)))),
        h("tbody", {}, rows, system)) : emptyState("No module runs on a schedule yet."),
      sched.scheduler_running ? null : h("p", { class: "text-error small" }, "The scheduler is not running.")));
    const unscheduled = mods.modules.filter((m) => !m.schedule);
    const pick = h("select", { name: "module", "aria-label": "module" }, unscheduled.map((m) => h("option", { value: m.name }, m.title)));
    add.replaceChildren(unscheduled.length ? card("Add a schedule", h("div", { class: "row" }, pick),
      scheduleEditor("", { onSave: async (rule) => {
        try { await api.post("/api/schedule", { module: pick.value, schedule: rule }); toast("Schedule saved", "success"); await load(); }
        catch (err) { toast(err.message, "error"); }
      } })) : "");
  }

  function edit(module, rule, row) {
    const cell = h("td", { colspan: 5 }, scheduleEditor(rule, {
      onSave: async (value) => {
        try { await api.post("/api/schedule", { module, schedule: value }); toast("Schedule saved", "success"); await load(); }
        catch (err) { toast(err.message, "error"); }
      },
    }));
    row.after(h("tr", { class: "schedule-edit-row" }, cell));
  }

  await load();
}
