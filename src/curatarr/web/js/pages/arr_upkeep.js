// *arr upkeep: upgradinatorr (per-instance search settings, last run's searched items and queue with
// custom-format scores) and labelarr (tag ↔ label mapping editor, last run's changes).
// Scalar settings reuse the modules page's schema form; the lists of objects get typed row editors.
import { h, card, emptyState, formatDate, tabbedViews } from "../ui.js";
import { statusBadge, schemaForm } from "./_jobs_shared.js";

export const meta = { id: "arr_upkeep", title: "*arr upkeep", icon: "⇅", order: 14, section: "Automation" };

const ARR_TYPES = ["radarr", "sonarr", "lidarr"];
const SERVER_TYPES = ["plex", "jellyfin", "emby"];
const MODES = [["upgrade", "Upgrade (whole library)"], ["missing", "Missing"], ["cutoff", "Cutoff not met"]];
const DIRECTIONS = [["arr_to_server", "*arr tags → server labels"], ["server_to_arr", "Server labels → *arr tags"], ["both", "Both (add only)"]];

export async function render(root, ctx) {
  const instances = await ctx.api.get("/api/instances");
  const names = (types) => types.flatMap((t) => Object.keys(instances[t] || {}));
  await tabbedViews(root, { tabs: [["upgradinatorr", "Upgradinatorr"], ["labelarr", "Labelarr"]],
    current: ctx.params?.get("tab") || "upgradinatorr", label: "*arr upkeep modules", panelClass: "arr-upkeep-panel",
    views: { upgradinatorr: upgradeView, labelarr: labelView } }, ctx, names);
}

// ---- shared pieces -----------------------------------------------------------------------------------
function select(name, options, value, label) {
  return h("select", { name, "aria-label": label }, options.map(([v, l]) => h("option", { value: v, selected: v === value }, l)));
}

function field(label, control) {
  return h("label", { class: "arr-field" }, h("span", { class: "small muted" }, label), control);
}

/** The module's schema form without the keys edited elsewhere on the page. */
async function scalarForm(api, module, config, skip) {
  const { schema } = await api.get(`/api/modules/${module}/schema`);
  const props = Object.fromEntries(Object.entries(schema.properties || {}).filter(([k]) => !skip.includes(k)));
  return schemaForm({ ...schema, properties: props }, config);
}

function runBar(ctx, module, read, reload) {
  const dry = h("input", { type: "checkbox", name: "run_dry" });
  const save = h("button", { class: "btn btn-primary btn-sm", type: "button", dataset: { action: "save" }, onclick: async () => {
    try { await ctx.api.put(`/api/modules/${module}/config`, read()); ctx.toast("Settings saved", "success"); }
    catch (err) { ctx.toast(err.message, "error"); }
  } }, "Save settings");
  const run = h("button", { class: "btn btn-sm", type: "button", dataset: { action: "run" }, onclick: async () => {
    try {
      const r = await ctx.api.post(`/api/modules/${module}/execute`, { dry_run: dry.checked });
      ctx.toast(`Job ${r.job_id} started`, "success");
      setTimeout(reload, 1500);
    } catch (err) { ctx.toast(err.message, "error"); }
  } }, "Run now");
  return h("div", { class: "row" }, save, run, h("label", { class: "check small" }, dry, " dry run"));
}

async function lastJob(api, module) {
  const { history } = await api.get(`/api/modules/${module}/history?limit=1`);
  if (!history.length) return null;
  return api.get(`/api/jobs/${history[0].id}`);
}

function jobHeader(job) {
  return h("p", { class: "row small" }, statusBadge(job.status), h("a", { href: `#/jobs?job=${job.id}` }, `job #${job.id}`),
    h("span", { class: "muted" }, formatDate(job.finished_at || job.created_at)), job.dry_run ? h("span", { class: "badge" }, "dry run") : null,
    job.error ? h("span", { class: "text-error" }, job.error) : null);
}

function table(headers, rows, cls) {
  return h("div", { class: "table-wrap" }, h("table", { class: `table small ${cls}` },
    h("thead", {}, h("tr", {}, headers.map((t) => h("th", { scope: "col" }, t)))), h("tbody", {}, rows)));
}

// ---- upgradinatorr -----------------------------------------------------------------------------------
async function upgradeView(panel, ctx, names) {
  const { api } = ctx;
  const detail = await api.get("/api/modules/upgradinatorr");
  const config = detail.config || {};
  const arrs = names(ARR_TYPES);
  const rows = h("div", { class: "arr-rows", id: "upgrade-rows" });
  function row(entry = {}) {
    const el = h("fieldset", { class: "arr-row upgrade-row" },
      h("legend", { class: "sr-only" }, "Instance settings"),
      field("Instance", select("instance", arrs.map((n) => [n, n]), entry.instance || arrs[0], "Instance")),
      field("Items per run", h("input", { type: "number", name: "count", min: 1, max: 10000, value: entry.count ?? 10 })),
      field("Search mode", select("search_mode", MODES, entry.search_mode || "upgrade", "Search mode")),
      field("Checked tag", h("input", { name: "tag_name", value: entry.tag_name ?? "checked" })),
      field("Ignore tag", h("input", { name: "ignore_tag", value: entry.ignore_tag ?? "ignore" })),
      field("Season threshold %", h("input", { type: "number", name: "season_monitored_threshold", min: 0, max: 100, step: "any",
        value: entry.season_monitored_threshold ?? 0 })),
      h("label", { class: "check small" }, h("input", { type: "checkbox", name: "unattended", checked: !!entry.unattended }), " unattended (restart when all checked)"),
      h("button", { class: "btn btn-sm", type: "button", "aria-label": "Remove instance", onclick: () => el.remove() }, "Remove"));
    return el;
  }
  (config.instances_list || []).forEach((e) => rows.append(row(e)));
  const add = h("button", { class: "btn btn-sm", type: "button", dataset: { action: "add-instance" }, disabled: !arrs.length,
    onclick: () => rows.append(row()) }, "Add instance");
  const form = await scalarForm(api, "upgradinatorr", config, ["instances_list"]);
  const read = () => ({
    ...form.read(),
    instances_list: [...rows.querySelectorAll(".upgrade-row")].map((r) => ({
      instance: r.querySelector("[name=instance]").value,
      count: parseInt(r.querySelector("[name=count]").value, 10) || 10,
      search_mode: r.querySelector("[name=search_mode]").value,
      tag_name: r.querySelector("[name=tag_name]").value,
      ignore_tag: r.querySelector("[name=ignore_tag]").value,
      season_monitored_threshold: parseFloat(r.querySelector("[name=season_monitored_threshold]").value) || 0,
      unattended: r.querySelector("[name=unattended]").checked,
    })),
  });
  const results = h("div", { class: "arr-results", id: "upgrade-results" });
  async function loadResults() {
    const job = await lastJob(api, "upgradinatorr");
    if (!job) { results.replaceChildren(emptyState("No run yet.")); return; }
    const data = (job.result || {}).data || {};
    const searched = data.searched || [];
    const queue = data.queue || [];
    results.replaceChildren(jobHeader(job),
      h("h3", {}, `Searched (${searched.length})`),
      searched.length ? table(["Instance", "Item", "Searches", "Status"], searched.map((s) => h("tr", {},
        h("td", {}, s.instance), h("td", {}, s.title), h("td", {}, s.searches), h("td", {}, s.status, s.error ? h("div", { class: "text-error" }, s.error) : null))), "searched-table")
        : emptyState("Nothing was searched."),
      h("h3", {}, `Queue (${queue.length})`),
      queue.length ? table(["Instance", "Release", "Quality", "Custom formats", "CF score", "Status"], queue.map((q) => h("tr", {},
        h("td", {}, q.instance), h("td", { class: "mono" }, q.title), h("td", {}, q.quality || "—"), h("td", {}, (q.custom_formats || []).join(", ") || "—"),
        h("td", { class: "cf-score" }, q.custom_format_score ?? "—"), h("td", {}, q.status))), "queue-table")
        : emptyState("No download of a searched item is queued."));
  }
  panel.replaceChildren(
    card("Instances", h("p", { class: "muted small" }, arrs.length ? "Leave the list empty to search every enabled Radarr, Sonarr and Lidarr with the defaults."
      : "No Radarr, Sonarr or Lidarr instance is configured."), rows, add),
    card("Run settings", form, runBar(ctx, "upgradinatorr", read, loadResults)),
    card("Last run", results));
  await loadResults();
}

// ---- labelarr ----------------------------------------------------------------------------------------
async function labelView(panel, ctx, names) {
  const { api } = ctx;
  const detail = await api.get("/api/modules/labelarr");
  const config = detail.config || {};
  const arrs = names(["radarr", "sonarr"]);
  const servers = names(SERVER_TYPES);
  const list = h("div", { class: "arr-rows", id: "label-mappings" });
  function pairRow(pair = {}) {
    const el = h("div", { class: "row pair-row" },
      field("*arr tag", h("input", { name: "tag", value: pair.tag || "", required: true })),
      h("span", { "aria-hidden": "true" }, "↔"),
      field("Server label", h("input", { name: "label", value: pair.label || "", placeholder: "same as the tag" })),
      h("button", { class: "btn btn-sm", type: "button", "aria-label": "Remove pair", onclick: () => el.remove() }, "✕"));
    return el;
  }
  function mappingCard(m = {}) {
    const chosen = new Set((m.media_servers || m.plex_instances || []).map((s) => (typeof s === "string" ? s : s.instance)));
    const libs = Object.fromEntries((m.media_servers || m.plex_instances || []).filter((s) => typeof s === "object").map((s) => [s.instance, (s.library_names || []).join(", ")]));
    const pairs = h("div", { class: "pairs" }, (m.labels || []).map((p) => pairRow(typeof p === "string" ? { tag: p } : p)));
    const el = h("fieldset", { class: "arr-row mapping" },
      h("legend", {}, "Mapping"),
      h("div", { class: "row" },
        field("*arr instance", select("app_instance", arrs.map((n) => [n, n]), m.app_instance || arrs[0], "*arr instance")),
        field("Direction", select("direction", DIRECTIONS, m.direction || "arr_to_server", "Direction"))),
      h("div", { class: "servers" }, servers.map((s) => h("div", { class: "row server-row" },
        h("label", { class: "check" }, h("input", { type: "checkbox", name: "server", value: s, checked: chosen.has(s) }), " ", s),
        h("input", { name: "libraries", "aria-label": `${s} libraries`, placeholder: "all libraries", value: libs[s] || "" })))),
      pairs,
      h("div", { class: "row" },
        h("button", { class: "btn btn-sm", type: "button", dataset: { action: "add-pair" }, onclick: () => pairs.append(pairRow()) }, "Add tag ↔ label"),
        h("button", { class: "btn btn-sm", type: "button", onclick: () => el.remove() }, "Remove mapping")));
    return el;
  }
  (config.mappings || []).forEach((m) => list.append(mappingCard(m)));
  const add = h("button", { class: "btn btn-sm", type: "button", dataset: { action: "add-mapping" }, disabled: !arrs.length || !servers.length,
    onclick: () => list.append(mappingCard({ labels: [""] })) }, "Add mapping");
  const form = await scalarForm(api, "labelarr", config, ["mappings", "item"]);
  const read = () => ({
    ...form.read(),
    mappings: [...list.querySelectorAll(".mapping")].map((el) => ({
      app_instance: el.querySelector("[name=app_instance]").value,
      direction: el.querySelector("[name=direction]").value,
      media_servers: [...el.querySelectorAll(".server-row")].filter((r) => r.querySelector("[name=server]").checked).map((r) => ({
        instance: r.querySelector("[name=server]").value,
        library_names: r.querySelector("[name=libraries]").value.split(",").map((s) => s.trim()).filter(Boolean),
      })),
      labels: [...el.querySelectorAll(".pair-row")].map((r) => ({ tag: r.querySelector("[name=tag]").value.trim(), label: r.querySelector("[name=label]").value.trim() }))
        .filter((p) => p.tag),
    })),
  });
  const results = h("div", { class: "arr-results", id: "label-results" });
  async function loadResults() {
    const job = await lastJob(api, "labelarr");
    if (!job) { results.replaceChildren(emptyState("No run yet.")); return; }
    const data = (job.result || {}).data || {};
    const changes = data.changes || [];
    const errors = (job.result || {}).errors || [];
    results.replaceChildren(jobHeader(job),
      (data.mappings || []).length ? table(["Instance", "Direction", "Matched", "Labels +/−", "Tags +/−"], data.mappings.map((s) => h("tr", {},
        h("td", {}, s.instance), h("td", {}, s.direction), h("td", {}, `${s.matched} (${s.unmatched} unmatched)`),
        h("td", {}, `${s.labels_added} / ${s.labels_removed}`), h("td", {}, `${s.tags_added} / ${s.tags_removed}`))), "mapping-table") : null,
      errors.length ? h("ul", { class: "text-error small" }, errors.map((e) => h("li", {}, `${e.item}: ${e.message}`))) : null,
      h("h3", {}, `Changes (${changes.length})`),
      changes.length ? h("ul", { class: "small change-list" }, changes.map((c) => h("li", {}, c.description))) : emptyState("Nothing to change."));
  }
  panel.replaceChildren(
    card("Mappings", h("p", { class: "muted small" }, "Items are paired by tmdb / tvdb / imdb id. A plain tag maps to the label of the same name."), list, add),
    card("Run settings", form, runBar(ctx, "labelarr", read, loadResults)),
    card("Last run", results));
  await loadResults();
}
