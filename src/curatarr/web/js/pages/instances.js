// Instances: add / edit / test / enable / delete the servers and providers Curatarr talks to,
// with live health badges, per-instance logs and stats, and a Plex library picker.
import { h, card, badge, confirmDialog, emptyState, formatDate } from "../ui.js";

export const meta = { id: "instances", title: "Instances", icon: "⛁", order: 80, section: "System" };

const MASK = "********";
const CATEGORIES = [["arr", "Radarr · Sonarr · Lidarr"], ["media_server", "Media servers"], ["provider", "Artwork providers"]];
const HEALTH_KIND = { healthy: "ok", disabled: "info", timeout: "warn", unreachable: "warn", unhealthy: "error",
  auth_failed: "error", blocked: "error", error: "error" };
const LIBRARY_BUCKETS = [["movie", "Movies"], ["show", "TV Shows"], ["artist", "Music"]];

function healthBadge(entry) {
  if (!entry) return badge("checking…", "neutral");
  const label = entry.status.replace("_", " ") + (entry.response_time_ms != null && entry.status === "healthy" ? ` · ${Math.round(entry.response_time_ms)} ms` : "");
  const el = badge(label, HEALTH_KIND[entry.status] || "neutral");
  if (entry.error) el.title = entry.error;
  return el;
}

function modal(title, body, { wide = false } = {}) {
  const dialog = h("dialog", { class: `modal inst-modal${wide ? " inst-modal-wide" : ""}` },
    h("div", { class: "row" }, h("h3", {}, title), h("div", { class: "spacer" }),
      h("button", { class: "btn btn-ghost btn-sm", "aria-label": "Close", onclick: () => dialog.close() }, "✕")), body);
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}

/** Plex libraries bucketed by their real section type (a library renamed "Cinema" is still a movie library). */
export function bucketLibraries(libraries) {
  const buckets = LIBRARY_BUCKETS.map(([type, label]) => [label, libraries.filter((l) => l.type === type)]);
  buckets.push(["Other", libraries.filter((l) => !LIBRARY_BUCKETS.some(([t]) => t === l.type))]);
  return buckets.filter(([, list]) => list.length);
}

/** A dialog to choose Plex libraries of ``instance``; resolves to the chosen titles (null if cancelled). */
export async function pickPlexLibraries(api, instance, selected = []) {
  const { libraries } = await api.get(`/api/plex/${encodeURIComponent(instance)}/libraries`);
  return new Promise((resolve) => {
    const boxes = [];
    const groups = bucketLibraries(libraries).map(([label, list]) => h("fieldset", { class: "inst-libs" }, h("legend", {}, label),
      list.map((lib) => {
        const box = h("input", { type: "checkbox", value: lib.title, checked: selected.includes(lib.title) });
        boxes.push(box);
        return h("label", { class: "inst-lib" }, box, lib.title);
      })));
    let result = null;
    const dialog = modal(`Libraries of ${instance}`, h("div", {},
      libraries.length ? groups : emptyState("This server has no libraries."),
      h("div", { class: "row end" }, h("button", { class: "btn", onclick: () => dialog.close() }, "Cancel"),
        h("button", { class: "btn btn-primary", onclick: () => { result = boxes.filter((b) => b.checked).map((b) => b.value); dialog.close(); } }, "Use selected"))));
    dialog.addEventListener("close", () => resolve(result));
  });
}

function fieldInput(field, value) {
  if (field.type === "boolean") return h("input", { type: "checkbox", name: field.name, checked: value === undefined ? field.default !== false : !!value });
  return h("input", { type: field.secret ? "password" : (field.type === "url" ? "url" : "text"), name: field.name,
    value: value ?? "", placeholder: field.placeholder || "", autocomplete: field.secret ? "new-password" : "off", required: field.required && field.name !== "api" ? true : null });
}

async function instanceForm(ctx, types, existing, onSaved) {
  const typeSelect = h("select", { name: "service", disabled: !!existing },
    types.map((t) => h("option", { value: t.name, selected: existing ? existing.service === t.name : false }, t.label)));
  const nameInput = h("input", { name: "name", value: existing ? existing.name : "", placeholder: "e.g. radarr_main", required: true, autocomplete: "off" });
  const fieldsBox = h("div", { class: "form-grid" });
  const result = h("div", { class: "inst-test-result" });
  const error = h("p", { class: "form-error" });
  let inputs = [];

  async function loadFields() {
    const { schema } = await ctx.api.get(`/api/instances/types/${typeSelect.value}/schema`);
    // Keep what was typed while the new type's form loaded (url and key carry over between types).
    const typed = Object.fromEntries(inputs.map(([f, input]) => [f.name, f.type === "boolean" ? input.checked : input.value]));
    inputs = schema.map((f) => [f, fieldInput(f, f.name in typed ? typed[f.name] : (existing ? existing[f.name] : undefined))]);
    fieldsBox.replaceChildren(...inputs.map(([f, input]) => f.type === "boolean"
      ? h("label", {}, input, f.label)
      : h("label", { title: f.help || "" }, `${f.label}${f.required ? " *" : ""}`, input, f.help ? h("small", { class: "muted" }, f.help) : null)));
  }
  function values() {
    const body = { service: typeSelect.value, name: nameInput.value.trim() };
    for (const [f, input] of inputs) body[f.name] = f.type === "boolean" ? input.checked : input.value.trim();
    return body;
  }
  typeSelect.addEventListener("change", () => loadFields().catch((err) => { error.textContent = err.message; }));
  await loadFields();

  const test = h("button", { class: "btn", type: "button", onclick: async () => {
    result.replaceChildren(badge("testing…"));
    error.textContent = "";
    try {
      const r = await ctx.api.post("/api/instances/test", values());
      result.replaceChildren(healthBadge(r), r.error ? h("span", { class: "muted" }, ` ${r.error}`) : "");
    } catch (err) { result.replaceChildren(badge("blocked", "error"), h("span", { class: "muted" }, ` ${err.message}`)); }
  } }, "Test");
  const save = h("button", { class: "btn btn-primary", type: "submit" }, existing ? "Save" : "Add instance");
  const form = h("form", { class: "inst-form" },
    h("div", { class: "form-grid" }, h("label", {}, "Type", typeSelect), h("label", {}, "Name (unique)", nameInput)),
    fieldsBox, result, error, h("div", { class: "row end" }, test, save));
  const dialog = modal(existing ? `Edit ${existing.name}` : "Add instance", form, { wide: true });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    error.textContent = "";
    try {
      if (existing) await ctx.api.put(`/api/instances/${encodeURIComponent(existing.name)}`, values());
      else await ctx.api.post("/api/instances", values());
      ctx.toast(existing ? "Instance saved" : "Instance added", "success");
      dialog.close();
      onSaved();
    } catch (err) { error.textContent = err.message; }
  });
}

async function detailsDialog(ctx, inst) {
  const logBox = h("div", { class: "logview inst-logview" }, "Loading…");
  const level = h("select", { name: "level" }, ["", "info", "warning", "error"].map((l) => h("option", { value: l }, l || "all levels")));
  const statsBox = h("div", { class: "inst-stats" }, "Loading…");
  async function loadLogs() {
    try {
      const q = level.value ? `&level=${level.value}` : "";
      const { logs, total } = await ctx.api.get(`/api/instances/${encodeURIComponent(inst.name)}/logs?limit=200${q}`);
      logBox.replaceChildren(logs.length ? h("div", {}, h("div", { class: "muted" }, `${total} events`),
        logs.map((e) => h("div", { class: `inst-log inst-log-${e.level}` }, `${formatDate(e.timestamp)}  ${e.level.toUpperCase().padEnd(7)} ${e.message}`)))
        : emptyState("No log events for this instance yet."));
    } catch (err) { logBox.replaceChildren(h("span", { class: "form-error" }, err.message)); }
  }
  level.addEventListener("change", loadLogs);
  modal(`${inst.name} · details`, h("div", {}, h("h4", {}, "Stats"), statsBox, h("div", { class: "row" }, h("h4", {}, "Logs"), h("div", { class: "spacer" }), level), logBox), { wide: true });
  loadLogs();
  try {
    const s = await ctx.api.get(`/api/instances/${encodeURIComponent(inst.name)}/stats`);
    const rows = [["Items", s.total_media ?? "–"], ["Matched", s.matched ?? "–"], ["Unmatched", s.unmatched ?? "–"],
      ["Uptime (7 days)", s.health.uptime_percent != null ? `${s.health.uptime_percent}%` : "–"],
      ["Average response", s.health.avg_response_time_ms != null ? `${s.health.avg_response_time_ms} ms` : "–"]];
    for (const [lib, n] of Object.entries(s.libraries || {})) rows.push([`Library: ${lib}`, n ?? "–"]);
    statsBox.replaceChildren(h("table", {}, h("tbody", {}, rows.map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, String(v)))))),
      s.error ? h("p", { class: "form-error" }, s.error) : "");
  } catch (err) { statsBox.replaceChildren(h("span", { class: "form-error" }, err.message)); }
}

function instanceCard(ctx, inst, typeLabel, health, reload) {
  const badgeSlot = h("span", { class: "inst-health", dataset: { instance: inst.name } }, healthBadge(health));
  const enabled = h("input", { type: "checkbox", checked: inst.enabled, "aria-label": `Enable ${inst.name}` });
  enabled.addEventListener("change", async () => {
    try {
      await ctx.api.patch(`/api/instances/${encodeURIComponent(inst.name)}`, { enabled: enabled.checked });
      ctx.toast(`${inst.name} ${enabled.checked ? "enabled" : "disabled"}`, "success");
      reload();
    } catch (err) { enabled.checked = !enabled.checked; ctx.toast(err.message, "error"); }
  });
  const testNow = async () => {
    badgeSlot.replaceChildren(badge("testing…"));
    try { badgeSlot.replaceChildren(healthBadge(await ctx.api.post(`/api/instances/${encodeURIComponent(inst.name)}/test`))); }
    catch (err) { badgeSlot.replaceChildren(badge("error", "error")); ctx.toast(err.message, "error"); }
  };
  const remove = async () => {
    if (!(await confirmDialog("Delete instance", `Remove “${inst.name}” from Curatarr? The server itself is not touched.`, { confirmLabel: "Delete", danger: true }))) return;
    try { await ctx.api.del(`/api/instances/${encodeURIComponent(inst.name)}`); ctx.toast("Instance deleted", "success"); reload(); }
    catch (err) { ctx.toast(err.message, "error"); }
  };
  const libs = inst.service === "plex" ? h("button", { class: "btn btn-sm", onclick: () => pickPlexLibraries(ctx.api, inst.name).then((chosen) => {
    if (chosen && chosen.length) ctx.toast(`Selected: ${chosen.join(", ")}`, "info");
  }).catch((err) => ctx.toast(err.message, "error")) }, "Libraries") : null;
  return h("div", { class: `card inst-card${inst.enabled ? "" : " inst-disabled"}`, dataset: { instance: inst.name, service: inst.service } },
    h("div", { class: "inst-head" }, h("strong", { class: "inst-name" }, inst.name), badge(typeLabel, "neutral"), h("div", { class: "spacer" }), badgeSlot),
    h("div", { class: "muted mono inst-url" }, inst.url || "(default URL)"),
    h("label", { class: "inst-toggle" }, enabled, "Enabled"),
    h("div", { class: "row inst-actions" },
      h("button", { class: "btn btn-sm", onclick: testNow }, "Test"),
      h("button", { class: "btn btn-sm", onclick: () => ctx.onEdit(inst) }, "Edit"),
      libs,
      h("button", { class: "btn btn-sm", onclick: () => detailsDialog(ctx, inst) }, "Details"),
      h("button", { class: "btn btn-sm btn-danger inst-delete", onclick: remove }, "Delete")));
}

export async function render(root, ctx) {
  const [{ types }, grouped] = await Promise.all([ctx.api.get("/api/instances/types"), ctx.api.get("/api/instances")]);
  const typeInfo = Object.fromEntries(types.map((t) => [t.name, t]));
  const list = h("div", { class: "inst-list" });
  let alive = true;
  let healthCache = {};
  const pageCtx = { ...ctx, onEdit: (inst) => instanceForm(ctx, types, inst, reload).catch((err) => ctx.toast(err.message, "error")) };

  function draw(data) {
    // Only the type keys: the answer also carries CHUB's envelope (success, message, data).
    const all = Object.entries(data).filter(([service]) => service in typeInfo)
      .flatMap(([service, named]) => Object.entries(named).map(([name, cfg]) => ({ ...cfg, name, service })));
    if (!all.length) {
      list.replaceChildren(emptyState("No instances yet. Add your Radarr, Sonarr, Plex … to get started."));
      return;
    }
    list.replaceChildren(...CATEGORIES.map(([category, label]) => {
      const members = all.filter((i) => (typeInfo[i.service] || {}).category === category);
      if (!members.length) return null;
      return card(label, h("div", { class: "grid" }, members.map((i) => instanceCard(pageCtx, i, typeInfo[i.service].label, healthCache[i.name], reload))));
    }).filter(Boolean));
  }

  async function loadHealth(fresh = false) {
    try {
      const { health } = await ctx.api.get(`/api/instances/health${fresh ? "?fresh=true" : ""}`);
      if (!alive) return;
      healthCache = health;
      for (const slot of list.querySelectorAll(".inst-health")) {
        const entry = health[slot.dataset.instance];
        if (entry) slot.replaceChildren(healthBadge(entry));
      }
    } catch (err) { if (alive) ctx.toast(`Health check failed: ${err.message}`, "error"); }
  }

  async function reload() {
    try { draw(await ctx.api.get("/api/instances")); loadHealth(); } catch (err) { ctx.toast(err.message, "error"); }
  }

  root.append(
    h("div", { class: "row inst-toolbar" },
      h("p", { class: "muted" }, "Servers and artwork providers. Names are unique across all types; keys are stored in config.yml and never shown again."),
      h("div", { class: "spacer" }),
      h("button", { class: "btn", onclick: () => loadHealth(true) }, "Check health"),
      h("button", { class: "btn btn-primary", onclick: () => instanceForm(ctx, types, null, reload).catch((err) => ctx.toast(err.message, "error")) }, "Add instance")),
    list);
  draw(grouped);
  loadHealth();
  return () => { alive = false; };
}
