// Media upkeep: duplicates (side-by-side members, resolve), incomplete metadata, low-rated items.
import { h, card, badge, confirmDialog, emptyState, formatBytes, formatDate, tabbedViews } from "../ui.js";
import { openDrawer, posterImg, qs } from "./media.js";

export const meta = { id: "media_upkeep", title: "Upkeep", icon: "⚑", order: 11, section: "Media" };

const INCOMPLETE_FIELDS = ["rating", "studio", "language", "genre", "runtime", "year", "tmdb_id", "tvdb_id", "imdb_id", "musicbrainz_id", "certification", "overview", "poster"];

export async function render(root, ctx) {
  await tabbedViews(root, { tabs: [["duplicates", "Duplicates"], ["incomplete", "Incomplete metadata"], ["lowrated", "Low rated"]],
    current: ctx.params?.get("tab") || "duplicates", panelClass: "media-upkeep-panel",
    views: { duplicates: duplicatesView, incomplete: incompleteView, lowrated: lowRatedView } }, ctx);
  return () => document.querySelector(".media-drawer")?.remove();
}

// ---- duplicates ------------------------------------------------------------------------------------
async function duplicatesView(panel, ctx) {
  const sim = h("input", { type: "range", min: 0.5, max: 1, step: 0.05, value: 1, name: "similarity", "aria-label": "Similarity" });
  const simLabel = h("span", { class: "mono" }, "1.00");
  const typeSel = h("select", { name: "type", "aria-label": "Type" }, [["", "All types"], ["movie", "Movies"], ["series", "Series"], ["artist", "Artists"]].map(([v, l]) => h("option", { value: v }, l)));
  const list = h("div", { class: "media-dups" });
  const info = h("p", { class: "muted" });
  let offset = 0;
  async function load() {
    list.replaceChildren(h("div", { class: "loading" }, "Finding duplicates…"));
    const data = await ctx.api.get(`/api/media/duplicates?${qs({ similarity: sim.value, type: typeSel.value, limit: 25, offset })}`);
    info.textContent = `${data.total.toLocaleString()} groups` + (data.excluded_intentional ? ` · ${data.excluded_intentional} intentional copy groups hidden (general.duplicate_exclude_groups)` : "");
    if (!data.duplicates.length) { list.replaceChildren(emptyState("No duplicates at this similarity.")); return; }
    list.replaceChildren(...data.duplicates.map((g) => groupCard(ctx, g, load)),
      h("div", { class: "row media-pager" },
        h("button", { class: "btn btn-sm", disabled: offset === 0, onclick: () => { offset = Math.max(0, offset - 25); load(); } }, "‹ Previous"),
        h("span", { class: "muted" }, `${offset + 1}–${offset + data.duplicates.length} of ${data.total}`),
        h("button", { class: "btn btn-sm", disabled: offset + 25 >= data.total, onclick: () => { offset += 25; load(); } }, "Next ›")));
  }
  sim.addEventListener("input", () => { simLabel.textContent = Number(sim.value).toFixed(2); });
  sim.addEventListener("change", () => { offset = 0; load(); });
  typeSel.addEventListener("change", () => { offset = 0; load(); });
  panel.replaceChildren(card(null, h("div", { class: "row" }, h("label", { class: "media-sim" }, "Similarity ", simLabel, sim), typeSel, info)), list);
  await load();
}

function groupCard(ctx, group, reload) {
  let keep = group.members[0]?.id;
  const deleteFiles = h("input", { type: "checkbox", name: "deleteFiles" });
  const exclusion = h("input", { type: "checkbox", name: "addImportExclusion" });
  const members = h("div", { class: "media-dup-members" }, group.members.map((m) => {
    const radio = h("input", { type: "radio", name: `keep-${group.group_id}`, value: m.id, checked: m.id === keep, onchange: () => { keep = m.id; paint(); } });
    return h("div", { class: "media-dup-member", dataset: { id: m.id } },
      h("button", { class: "media-dup-poster", type: "button", onclick: () => openDrawer(ctx, m.id), "aria-label": `Open ${m.title}` }, posterImg(ctx, m, 200)),
      h("label", { class: "media-keep" }, radio, "Keep this one"),
      h("div", { class: "media-card-title" }, m.title),
      h("dl", { class: "media-facts small" }, [["Instance", m.instance], ["Year", m.year], ["Quality", m.quality], ["Size", m.size_on_disk ? formatBytes(m.size_on_disk) : "–"],
        ["Files", m.has_file ? "yes" : "no"], ["Monitored", m.monitored ? "yes" : "no"], ["Added", formatDate(m.added_at)], ["Path", m.path]].map(([k, v]) => [h("dt", {}, k), h("dd", {}, v ?? "–")])));
  }));
  function paint() { members.querySelectorAll(".media-dup-member").forEach((el) => el.classList.toggle("keep", el.dataset.id === keep)); }
  paint();
  const resolve = h("button", { class: "btn btn-danger btn-sm", onclick: async () => {
    const remove = group.ids.filter((id) => id !== keep);
    const text = `Keep ${keep} and delete ${remove.join(", ")} in their *arr${deleteFiles.checked ? " with their files" : ""}${exclusion.checked ? ", adding an import exclusion" : ""}?`;
    if (!await confirmDialog("Resolve duplicates", text, { confirmLabel: "Resolve", danger: true })) return;
    try {
      const r = await ctx.api.post(`/api/media/duplicates/${encodeURIComponent(group.group_id)}/resolve`, { keepId: keep, removeIds: remove, deleteFiles: deleteFiles.checked, addImportExclusion: exclusion.checked });
      ctx.toast(`Removed ${r.removed.length}${r.failed.length ? `, ${r.failed.length} failed: ${r.failed.map((f) => f.error).join("; ")}` : ""}`, r.failed.length ? "warning" : "success");
      reload();
    } catch (err) { ctx.toast(err.message, "error"); }
  } }, "Resolve");
  return card(null, h("div", { class: "row" }, h("strong", {}, group.members[0]?.title || group.normalized_title), group.year ? h("span", { class: "muted" }, `(${group.year})`) : null,
    badge(group.mode === "exact" ? "exact" : `fuzzy ${Math.round(group.similarity * 100)}%`, group.mode === "exact" ? "warn" : "info"), h("span", { class: "muted" }, group.instances.join(" + "))),
  members, h("div", { class: "row" }, h("label", {}, deleteFiles, "Delete files"), h("label", {}, exclusion, "Add import exclusion"), h("div", { class: "spacer" }), resolve));
}

// ---- incomplete / low rated ----------------------------------------------------------------------------
function itemsTable(ctx, items, extra) {
  return h("table", { class: "media-table" }, h("thead", {}, h("tr", {}, ["", "Title", "Year", "Instance", "Rating", extra[0]].map((c) => h("th", {}, c)))),
    h("tbody", {}, items.map((it) => h("tr", { class: "media-row", dataset: { id: it.id }, tabindex: 0, onclick: () => openDrawer(ctx, it.id) },
      h("td", { class: "media-thumb" }, posterImg(ctx, it, 120)), h("td", {}, it.title), h("td", {}, it.year ?? "–"), h("td", {}, it.instance),
      h("td", {}, it.rating ?? "–"), h("td", {}, extra[1](it))))));
}

async function pagedList(panel, ctx, controls, fetchPage, extra) {
  const list = h("div");
  let offset = 0;
  async function load() {
    const data = await fetchPage(offset);
    list.replaceChildren(data.items.length ? itemsTable(ctx, data.items, extra) : emptyState("Nothing to show."),
      h("div", { class: "row media-pager" },
        h("button", { class: "btn btn-sm", disabled: offset === 0, onclick: () => { offset = Math.max(0, offset - 50); load(); } }, "‹ Previous"),
        h("span", { class: "muted" }, data.total ? `${offset + 1}–${offset + data.items.length} of ${data.total.toLocaleString()}` : ""),
        h("button", { class: "btn btn-sm", disabled: offset + 50 >= data.total, onclick: () => { offset += 50; load(); } }, "Next ›")));
  }
  controls.addEventListener("change", () => { offset = 0; load(); });
  panel.replaceChildren(card(null, controls), list);
  await load();
}

async function incompleteView(panel, ctx) {
  const boxes = INCOMPLETE_FIELDS.map((f) => h("label", {}, h("input", { type: "checkbox", name: f, checked: ["rating", "studio", "language", "genre"].includes(f) }), f.replace("_", " ")));
  const controls = h("div", { class: "row media-fields" }, ...boxes);
  await pagedList(panel, ctx, controls, (offset) => {
    const fields = boxes.map((b) => b.querySelector("input")).filter((i) => i.checked).map((i) => i.name);
    return ctx.api.get(`/api/media/incomplete-metadata?${qs({ fields: (fields.length ? fields : ["rating"]).join(","), limit: 50, offset })}`);
  }, ["Missing", (it) => (it.missing || []).join(", ")]);
}

async function lowRatedView(panel, ctx) {
  const max = h("input", { type: "number", name: "max_rating", min: 0, max: 10, step: 0.5, value: 5 });
  const votes = h("input", { type: "number", name: "min_votes", min: 0, step: 100, value: 0 });
  const controls = h("div", { class: "row" }, h("label", {}, "Rating below (0–10)", max), h("label", {}, "At least this many votes", votes),
    h("span", { class: "muted" }, "Audience/critic ratings from the *arr (IMDb, TMDB, …), never certifications."));
  await pagedList(panel, ctx, controls, (offset) => ctx.api.get(`/api/media/low-rated?${qs({ max_rating: max.value || 5, min_votes: votes.value || 0, limit: 50, offset })}`),
    ["Votes", (it) => (it.rating_votes ? it.rating_votes.toLocaleString() : "–")]);
}
