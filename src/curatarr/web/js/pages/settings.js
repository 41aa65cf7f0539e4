// Settings: general config form, API keys, password change, backup / restore.
import { api } from "../api.js";
import { h, card, toast, confirmDialog, formatBytes, formatDate, emptyState } from "../ui.js";

export const meta = { id: "settings", title: "Settings", icon: "⚙", order: 90, section: "System" };

const GENERAL_FIELDS = [
  ["general", "log_level", "Log level", "select", ["debug", "info", "warning", "error"]],
  ["general", "timezone", "Time zone (IANA, empty = system)", "text"],
  ["general", "webhook_secret", "Webhook secret", "password"],
  ["general", "max_logs", "Rotated log copies kept", "number"],
  ["general", "update_check", "Check for updates", "checkbox"],
  ["auth", "token_expiry_hours", "Session length (hours)", "number"],
  ["backup", "keep", "Backups kept", "number"],
  ["user_interface", "theme", "Theme", "select", ["dark", "light", "auto"]],
];

function generalTab(config) {
  const inputs = [];
  const form = h("form", { class: "form-grid" }, GENERAL_FIELDS.map(([section, key, label, type, options]) => {
    const value = (config[section] || {})[key];
    let input;
    if (type === "select") {
      input = h("select", { name: `${section}.${key}` }, options.map((o) => h("option", { value: o, selected: o === value }, o)));
    } else if (type === "checkbox") {
      input = h("input", { type: "checkbox", name: `${section}.${key}`, checked: !!value });
    } else {
      input = h("input", { type, name: `${section}.${key}`, value: value ?? "", autocomplete: "off" });
    }
    inputs.push([section, key, type, input]);
    return type === "checkbox" ? h("label", {}, input, label) : h("label", {}, label, input);
  }));
  const allowed = h("textarea", { rows: 3, name: "allowed_roots" }, (config.general?.allowed_roots || []).join("\n"));
  const error = h("p", { class: "form-error" });
  const save = h("button", { class: "btn btn-primary", type: "button", onclick: async () => {
    const patch = {};
    for (const [section, key, type, input] of inputs) {
      patch[section] = patch[section] || {};
      let v = type === "checkbox" ? input.checked : input.value;
      if (type === "number") v = Number(v);
      if (key === "timezone" && v === "") v = null;
      patch[section][key] = v;
    }
    patch.general.allowed_roots = allowed.value.split("\n").map((s) => s.trim()).filter(Boolean);
    error.textContent = "";
    try {
      await api.post("/api/config", { config: patch });
      toast("Settings saved", "success");
      if (patch.user_interface?.theme) { localStorage.setItem("curatarr-theme", patch.user_interface.theme); }
    } catch (err) { error.textContent = err.message; }
  } }, "Save settings");
  return card("General", form, h("label", {}, "Allowed folders (one per line)", allowed), error, h("div", { class: "row end" }, save));
}

async function keysTab() {
  const list = h("div");
  const shown = h("div");
  async function refresh() {
    const { keys } = await api.get("/api/auth/keys");
    list.replaceChildren(keys.length ? h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "Name"), h("th", {}, "Key"), h("th", {}, "Scope"), h("th", {}, "Created"), h("th", {}, "Last used"), h("th", {}, ""))),
      h("tbody", {}, keys.map((k) => h("tr", {}, h("td", {}, k.name), h("td", { class: "mono" }, `${k.prefix}…`), h("td", { class: "key-scope" }, k.scope), h("td", {}, formatDate(k.created_at)), h("td", {}, formatDate(k.last_used_at)),
        h("td", {}, h("button", { class: "btn btn-sm btn-danger", onclick: async () => {
          if (!(await confirmDialog("Delete API key", `Scripts using “${k.name}” will stop working.`, { confirmLabel: "Delete", danger: true }))) return;
          await api.del(`/api/auth/keys/${k.id}`); toast("API key deleted", "success"); refresh();
        } }, "Delete")))))) : emptyState("No API keys yet."));
  }
  const name = h("input", { placeholder: "e.g. Sonarr webhook", name: "key-name" });
  // Least privilege first: read (look only), operator (run modules, webhooks), admin (credentials,
  // folders, backups). See docs/security.md, "Privileges".
  const scope = h("select", { name: "key-scope", title: "What the key may do" },
    h("option", { value: "read", selected: true }, "read — look only"),
    h("option", { value: "operator" }, "operator — run modules, webhooks"),
    h("option", { value: "admin" }, "admin — credentials, folders, backups"));
  const create = h("button", { class: "btn btn-primary", onclick: async () => {
    try {
      const r = await api.post("/api/auth/keys", { name: name.value, scope: scope.value });
      shown.replaceChildren(h("div", { class: "card" }, h("strong", {}, "Your new key (shown once): "), h("code", { class: "new-key" }, r.key)));
      name.value = ""; refresh();
    } catch (err) { toast(err.message, "error"); }
  } }, "Create key");
  await refresh();
  return card("API keys", h("p", { class: "muted" }, "Use as X-API-Key header or ?api_key= for scripts and webhooks."), h("div", { class: "row" }, name, scope, create), shown, list);
}

function passwordTab() {
  const form = h("form", {},
    h("label", {}, "Current password", h("input", { type: "password", name: "current_password", autocomplete: "current-password", required: true })),
    h("label", {}, "New password (8+ characters)", h("input", { type: "password", name: "new_password", autocomplete: "new-password", minlength: 8, required: true })),
    h("button", { class: "btn btn-primary", type: "submit" }, "Change password"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const r = await api.post("/api/auth/password", Object.fromEntries(new FormData(form)));
      localStorage.setItem("curatarr-token", r.token); form.reset(); toast("Password changed", "success");
    } catch (err) { toast(err.message, "error"); }
  });
  return card("Password", form);
}

async function backupsTab() {
  const list = h("div");
  async function refresh() {
    const { backups } = await api.get("/api/backups");
    list.replaceChildren(backups.length ? h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "File"), h("th", {}, "Size"), h("th", {}, "Created"), h("th", {}, ""))),
      h("tbody", {}, backups.map((b) => h("tr", {}, h("td", { class: "mono" }, b.filename), h("td", {}, formatBytes(b.size_bytes)), h("td", {}, formatDate(b.created)),
        h("td", {}, h("button", { class: "btn btn-sm", onclick: () => download(`/api/backups/${encodeURIComponent(b.filename)}`, "GET", b.filename) }, "Download")))))) : emptyState("No backups yet."));
  }
  async function download(path, method, filename) {
    const res = await api.raw(method, path);
    const blob = await res.blob();
    const a = h("a", { href: URL.createObjectURL(blob), download: filename || "curatarr-backup.zip" });
    document.body.append(a); a.click(); a.remove();
  }
  const make = h("button", { class: "btn btn-primary", onclick: async () => {
    try { await download("/api/backup", "POST"); toast("Backup created", "success"); refresh(); } catch (err) { toast(err.message, "error"); }
  } }, "Create & download backup");
  const file = h("input", { type: "file", accept: ".zip,application/zip", name: "restore-file" });
  const restore = h("button", { class: "btn btn-danger", onclick: async () => {
    if (!file.files.length) { toast("Choose a backup zip first", "warning"); return; }
    if (!(await confirmDialog("Restore backup", "Config and database will be replaced. A pre-restore backup is kept.", { confirmLabel: "Restore", danger: true }))) return;
    const fd = new FormData(); fd.append("file", file.files[0]);
    try { await api.post("/api/restore", fd); toast("Backup restored", "success"); refresh(); } catch (err) { toast(err.message, "error"); }
  } }, "Restore");
  await refresh();
  return card("Backups", h("div", { class: "row" }, make), list, h("h3", {}, "Restore"), h("div", { class: "row" }, file, restore));
}

export async function render(root) {
  const { config } = await api.get("/api/config");
  const body = h("div");
  const tabs = [["General", () => generalTab(config)], ["API keys", keysTab], ["Password", passwordTab], ["Backups", backupsTab]];
  const bar = h("div", { class: "tabs", role: "tablist" });
  async function show(i) {
    bar.querySelectorAll(".tab").forEach((t, j) => t.classList.toggle("active", i === j));
    body.replaceChildren(await tabs[i][1]());
  }
  tabs.forEach(([label], i) => bar.append(h("button", { class: "tab", role: "tab", onclick: () => show(i) }, label)));
  root.append(bar, body);
  await show(0);
}
