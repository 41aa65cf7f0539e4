// Notification targets: global ("main") and per module, with policy, a real test send and delete.
import { h, card, emptyState, confirmDialog } from "../ui.js";

export const meta = { id: "notifications", title: "Notifications", icon: "✉", order: 13, section: "Automation" };

const FIELDS = {
  discord: [["webhook", "Webhook URL", "password"], ["bot_name", "Bot name", "text"]],
  notifiarr: [["webhook", "Passthrough URL", "password"], ["channel_id", "Discord channel id", "text"]],
  apprise: [["url", "Apprise URL (ntfy://, tgram://, gotify://, pover://, mailto://…)", "password"]],
  uptime_kuma: [["url", "Push URL", "password"]],
  email: [["smtp_server", "SMTP server", "text"], ["smtp_port", "Port", "number"], ["username", "User", "text"],
    ["password", "Password", "password"], ["from", "From address", "text"], ["to", "To (comma separated)", "text"]],
};
const POLICY_HELP = { always: "after every run", changes: "when a run changed something or failed", error: "only when a run failed" };

export async function render(root, ctx) {
  const { api, toast } = ctx;
  const listBox = h("div", { id: "notify-list" });
  const formBox = h("div", { id: "notify-form" });
  root.append(h("p", { class: "muted" }, "Targets under “main” hear about every module; a module's own targets only about that module."), listBox, formBox);
  const { modules } = await api.get("/api/modules");

  async function test(scope, name) {
    try {
      const r = await api.post("/api/notifications/test", { module: scope, service_type: name });
      toast(`${scope}.${name}: ${r.results.map((x) => x.message).join(", ")}`, "success");
    } catch (err) { toast(`${scope}.${name}: ${err.message}`, "error"); }
  }

  async function load() {
    const data = await api.get("/api/notifications");
    const rows = data.targets.map((t) => h("tr", { dataset: { target: `${t.scope}.${t.name}` } },
      h("td", {}, t.scope), h("td", {}, t.name), h("td", {}, t.type), h("td", { title: POLICY_HELP[t.policy] }, t.policy),
      h("td", { class: "muted small" }, t.target),
      h("td", {}, h("button", { class: "btn btn-sm", dataset: { action: "test" }, onclick: () => test(t.scope, t.name) }, "Test"), " ",
        h("button", { class: "btn btn-sm btn-danger", dataset: { action: "delete" }, onclick: async () => {
          if (!(await confirmDialog("Remove target?", `${t.scope}.${t.name} will no longer be notified.`, { confirmLabel: "Remove", danger: true }))) return;
          try { await api.del(`/api/notifications/${t.scope}/${t.name}`); toast("Removed", "success"); await load(); }
          catch (err) { toast(err.message, "error"); }
        } }, "Remove"))));
    listBox.replaceChildren(card("Targets",
      rows.length ? h("table", { class: "table", id: "notify-table" },
        h("thead", {}, h("tr", {}, ["Scope", "Name", "Type", "Policy", "Target", ""].map((c) => h("th", {}, c)))), h("tbody", {}, rows))
        : emptyState("No notification targets yet."),
      data.errors.length ? h("ul", { class: "text-error small" }, data.errors.map((e) => h("li", {}, e))) : null));
  }

  function buildForm() {
    const type = h("select", { name: "type", "aria-label": "type" }, Object.keys(FIELDS).map((k) => h("option", { value: k }, k)));
    const scope = h("select", { name: "scope", "aria-label": "scope" }, h("option", { value: "main" }, "main (every module)"),
      modules.map((m) => h("option", { value: m.name }, m.title)));
    const name = h("input", { name: "name", placeholder: "e.g. discord", "aria-label": "name", pattern: "[A-Za-z0-9_-]+" });
    const policy = h("select", { name: "policy", "aria-label": "policy" }, Object.entries(POLICY_HELP).map(([k, v]) => h("option", { value: k }, `${k} — ${v}`)));
    const fields = h("div", { class: "form-grid" });
    const paintFields = () => fields.replaceChildren(...FIELDS[type.value].map(([key, label, kind]) =>
      h("label", {}, label, h("input", { name: key, type: kind, autocomplete: "off" }))));
    type.addEventListener("change", () => { if (!name.value) name.placeholder = type.value; paintFields(); });
    paintFields();
    const values = () => {
      const cfg = { type: type.value, policy: policy.value };
      for (const input of fields.querySelectorAll("input")) {
        if (input.value === "") continue;
        cfg[input.name] = input.name === "to" ? input.value.split(",").map((s) => s.trim()).filter(Boolean)
          : input.type === "number" ? Number(input.value) : input.value;
      }
      return cfg;
    };
    const save = h("button", { class: "btn btn-primary", type: "button", dataset: { action: "save" }, onclick: async () => {
      try {
        await api.post("/api/notifications", { module: scope.value, service_type: name.value || type.value, config: values() });
        toast("Target saved", "success"); await load();
      } catch (err) { toast(err.message, "error"); }
    } }, "Save target");
    const trial = h("button", { class: "btn", type: "button", dataset: { action: "try" }, onclick: async () => {
      try {
        const r = await api.post("/api/notifications/test", { module: scope.value, notifications: { [name.value || type.value]: values() } });
        toast(`Test sent: ${r.results.map((x) => x.message).join(", ")}`, "success");
      } catch (err) { toast(`Test failed: ${err.message}`, "error"); }
    } }, "Send test");
    formBox.replaceChildren(card("Add a target", h("div", { class: "form-grid" },
      h("label", {}, "Scope", scope), h("label", {}, "Type", type), h("label", {}, "Name", name), h("label", {}, "Send", policy)),
      fields, h("div", { class: "row" }, save, trial)));
  }

  buildForm();
  await load();
}
