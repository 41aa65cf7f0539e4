// Media library: search with filters and facets, poster grid / table with lazy thumbnails, item drawer
// (metadata, seasons, links, edit form, edit history, actions). Other media pages import the drawer.
import { h, card, badge, confirmDialog, emptyState, formatBytes, formatDate } from "../ui.js";

export const meta = { id: "media", title: "Library", icon: "▦", order: 10, section: "Media" };

const PAGE_SIZE = 60;
const SORTS = [["title", "Title"], ["year", "Year"], ["rating", "Rating"], ["added", "Added"], ["size", "Size"], ["runtime", "Runtime"]];
const TYPES = [["", "All types"], ["movie", "Movies"], ["series", "Series"], ["artist", "Artists"]];
const VIEW_KEY = "curatarr-media-view";

export function qs(params) {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) value.forEach((v) => out.append(key, v));
    else out.append(key, String(value));
  }
  return out.toString();
}

export function posterImg(ctx, item, width = 200) {
  if (!item.poster) return h("div", { class: "media-noposter", "aria-hidden": "true" }, (item.title || "?").slice(0, 1));
  return h("img", { src: ctx.api.withToken(`${item.poster}?width=${width}`), alt: "", loading: "lazy", decoding: "async" });
}

function typeBadge(item) {
  const label = { movie: "Movie", series: "Series", artist: "Artist" }[item.type] || item.type;
  return badge(label, "info");
}

function rating(item) {
  return item.rating === null || item.rating === undefined ? "–" : `★ ${Number(item.rating).toFixed(1)}`;
}

// ---- drawer ------------------------------------------------------------------------------------
export async function openDrawer(ctx, id, { onChange } = {}) {
  document.querySelector(".media-drawer")?.remove();
  const body = h("div", { class: "media-drawer-body" }, h("div", { class: "loading" }, "Loading…"));
  const close = () => { drawer.remove(); document.removeEventListener("keydown", onKey); };
  const onKey = (ev) => { if (ev.key === "Escape") close(); };
  const drawer = h("aside", { class: "media-drawer", role: "dialog", "aria-label": "Media item" },
    h("div", { class: "media-drawer-head" }, h("h2", { class: "media-drawer-title" }, "…"),
      h("button", { class: "btn btn-ghost", "aria-label": "Close", onclick: close }, "✕")), body);
  document.addEventListener("keydown", onKey);
  document.body.append(drawer);
  let item;
  try { item = await ctx.api.get(`/api/media/${encodeURIComponent(id)}`); } catch (err) { body.replaceChildren(h("p", { class: "form-error" }, err.message)); return; }
  drawer.querySelector(".media-drawer-title").textContent = `${item.title}${item.year ? ` (${item.year})` : ""}`;
  const facts = [
    ["Instance", `${item.instance} (${item.source_type})`], ["Status", item.status], ["Monitored", item.monitored === null ? "–" : item.monitored ? "yes" : "no"],
    ["Rating", rating(item) + (item.rating_votes ? ` · ${item.rating_votes.toLocaleString()} votes` : "")], ["Certification", item.certification],
    ["Studio / network", item.studio], ["Language", item.language], ["Runtime", item.runtime ? `${item.runtime} min` : null],
    ["Quality", item.quality], ["Size", item.size_on_disk ? formatBytes(item.size_on_disk) : null], ["Edition", item.edition],
    ["Genres", (item.genres || []).join(", ")], ["Tags", (item.tags || []).join(", ")], ["Path", item.path],
    ["Ids", [item.tmdb_id && `tmdb ${item.tmdb_id}`, item.tvdb_id && `tvdb ${item.tvdb_id}`, item.imdb_id, item.musicbrainz_id && `mb ${item.musicbrainz_id}`].filter(Boolean).join(" · ")],
    ["Added", formatDate(item.added_at)], ["Last change", formatDate(item.updated_at)],
  ].filter(([, v]) => v !== null && v !== undefined && v !== "");
  const details = h("dl", { class: "media-facts" }, facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, String(v))]));
  const links = item.links.length
    ? h("ul", { class: "media-links" }, item.links.map((l) => h("li", {}, badge(l.source_type, "ok"), ` ${l.instance}`, l.title ? `: ${l.title}` : "", l.library ? ` · ${l.library}` : "", l.method ? h("span", { class: "muted" }, ` (${l.method})`) : null)))
    : h("p", { class: "muted" }, item.role === "arr" ? "Not found on any media server." : "Not managed by any *arr.");
  const seasons = item.children.length ? h("details", { class: "media-children" }, h("summary", {}, `${item.children.length} ${item.type === "artist" ? "albums" : "seasons"}`),
    h("ul", {}, item.children.map((c) => h("li", {}, `${c.title || c.kind}`, c.episodes ? h("span", { class: "muted" }, ` · ${c.episodes.length} episodes, ${c.file_count ?? 0} files`) : h("span", { class: "muted" }, c.has_file ? " · on disk" : " · missing"))))) : null;
  body.replaceChildren(...[
    h("div", { class: "media-drawer-top" }, h("div", { class: "media-drawer-poster" }, posterImg(ctx, item, 300)),
      h("div", {}, h("div", { class: "row" }, typeBadge(item), item.removed ? badge("removed", "error") : null, item.has_file === false ? badge("missing files", "warn") : null),
        item.original_title && item.original_title !== item.title ? h("p", { class: "muted" }, item.original_title) : null,
        item.alternate_titles?.length ? h("p", { class: "muted small" }, `Also known as: ${item.alternate_titles.slice(0, 6).join(" · ")}`) : null,
        item.overview ? h("p", { class: "media-overview" }, item.overview) : null)),
    details, h("h3", {}, "Media servers"), links, seasons,
    editForm(ctx, item, onChange), actions(ctx, item, close, onChange), historyBlock(ctx, item)
  // replaceChildren (unlike h) prints null as the text "null": drop the absent parts (e.g. no seasons)
  ].filter((part) => part !== null && part !== undefined));
}

function editForm(ctx, item, onChange) {
  const isArr = item.role === "arr";
  const monitored = h("input", { type: "checkbox", name: "monitored", checked: !!item.monitored, disabled: !isArr });
  const tags = h("input", { name: "tags", value: (item.tags || []).join(", "), disabled: !isArr, placeholder: "comma separated" });
  const edition = h("input", { name: "edition", value: item.edition || "" });
  const studio = h("input", { name: "studio", value: item.studio || "" });
  const notes = h("textarea", { name: "notes", rows: 2 }, item.notes || "");
  const status = h("span", { class: "muted" });
  const form = h("form", { class: "media-edit" },
    h("div", { class: "form-grid" }, h("label", {}, monitored, "Monitored", isArr ? null : h("span", { class: "muted" }, " (*arr only)")),
      h("label", {}, "Tags", tags), h("label", {}, "Edition", edition), h("label", {}, "Studio / network", studio)),
    h("label", {}, "Notes", notes),
    h("div", { class: "row" }, h("button", { class: "btn btn-primary btn-sm", type: "submit" }, "Save changes"), status));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const change = { edition: edition.value || null, studio: studio.value || null, notes: notes.value || null };
    if (isArr) {
      change.monitored = monitored.checked;
      change.tags = tags.value.split(",").map((t) => t.trim().toLowerCase()).filter(Boolean);
    }
    status.textContent = "Saving…";
    try {
      const r = await ctx.api.put(`/api/media/${encodeURIComponent(item.id)}/metadata`, change);
      status.textContent = r.changed.length ? `Saved: ${r.changed.join(", ")}` : "Nothing changed";
      ctx.toast(r.written_to_arr.length ? `Written to ${item.instance}: ${r.written_to_arr.join(", ")}` : "Saved", "success");
      onChange?.();
      openDrawer(ctx, item.id, { onChange });
    } catch (err) { status.textContent = ""; ctx.toast(err.message, "error"); }
  });
  return h("details", { class: "media-edit-box" }, h("summary", {}, "Edit"), form);
}

function actions(ctx, item, close, onChange) {
  const out = h("div", { class: "row media-actions" });
  const fix = h("button", { class: "btn btn-sm", onclick: async () => {
    try { const r = await ctx.api.post(`/api/media/${encodeURIComponent(item.id)}/fix-metadata`); ctx.toast(`Refresh queued (job ${r.job_id})`, "success"); } catch (err) { ctx.toast(err.message, "error"); }
  } }, "Refresh metadata");
  out.append(fix);
  if (item.role === "arr") {
    out.append(h("button", { class: "btn btn-sm", onclick: async () => {
      try { const r = await ctx.api.get(`/api/media/${encodeURIComponent(item.id)}/import-exclusion`); ctx.toast(r.excluded ? `On ${item.instance}'s import exclusion list` : `Not excluded (${r.exclusion_count} exclusions on ${item.instance})`); } catch (err) { ctx.toast(err.message, "error"); }
    } }, "Import exclusion?"));
  }
  out.append(h("button", { class: "btn btn-sm btn-danger", onclick: async () => {
    const withFiles = item.role === "arr" && await confirmDialog("Delete files too?", `Also delete "${item.title}" and its files in ${item.instance}? Choose Cancel to only remove it from the library.`, { confirmLabel: "Delete in " + item.instance, danger: true });
    if (!withFiles && !await confirmDialog("Remove from library", `Remove "${item.title}" from the library? The next sync adds it back if ${item.instance} still has it.`, { confirmLabel: "Remove", danger: true })) return;
    try {
      await ctx.api.del(`/api/media/${encodeURIComponent(item.id)}${withFiles ? "?delete_files=true" : ""}`);
      ctx.toast("Removed", "success"); close(); onChange?.();
    } catch (err) { ctx.toast(err.message, "error"); }
  } }, "Delete…"));
  return out;
}

function historyBlock(ctx, item) {
  const list = h("div", {}, h("span", { class: "muted" }, "Loading…"));
  const box = h("details", { class: "media-history" }, h("summary", {}, "Edit history"), list);
  box.addEventListener("toggle", async () => {
    if (!box.open) return;
    try {
      const { history } = await ctx.api.get(`/api/media/${encodeURIComponent(item.id)}/history?limit=50`);
      list.replaceChildren(history.length ? h("table", { class: "media-table" }, h("tbody", {}, history.map((e) =>
        h("tr", {}, h("td", {}, formatDate(e.edited_at)), h("td", {}, e.edited_by), h("td", {}, e.field),
          h("td", {}, `${JSON.stringify(e.old_value)} → ${JSON.stringify(e.new_value)}`), h("td", {}, badge(e.written_to, e.written_to === "arr" ? "ok" : "neutral")))))) : emptyState("No edits yet."));
    } catch (err) { list.replaceChildren(h("p", { class: "form-error" }, err.message)); }
  });
  return box;
}

// ---- page --------------------------------------------------------------------------------------
export async function render(root, ctx) {
  const state = { query: "", type: "", sort: "title", order: "asc", offset: 0, genre: [], tag: [], instance: [], status: [],
    year_min: "", year_max: "", rating_min: "", rating_max: "", has_poster: "", monitored: "", linked: "" };
  let view = localStorage.getItem(VIEW_KEY) || "grid";
  let timer = null;
  let seq = 0;

  const search = h("input", { type: "search", name: "query", placeholder: "Search titles, original or alternate titles, tt…, tmdb:…", "aria-label": "Search" });
  const typeSel = h("select", { name: "type", "aria-label": "Type" }, TYPES.map(([v, l]) => h("option", { value: v }, l)));
  const sortSel = h("select", { name: "sort", "aria-label": "Sort by" }, SORTS.map(([v, l]) => h("option", { value: v }, l)));
  const orderBtn = h("button", { class: "btn", type: "button", title: "Sort order", "aria-label": "Sort order" }, "↑");
  const viewBtn = h("button", { class: "btn", type: "button", "aria-label": "Toggle view" }, view === "grid" ? "☰ Table" : "▦ Grid");
  const field = (name, label, attrs = {}) => h("label", {}, label, h("input", { name, ...attrs }));
  const tri = (name, label, yes, no) => h("label", {}, label, h("select", { name }, h("option", { value: "" }, "Any"), h("option", { value: "true" }, yes), h("option", { value: "false" }, no)));
  const more = h("details", { class: "media-more" }, h("summary", {}, "More filters"),
    h("div", { class: "form-grid" }, field("year_min", "Year from", { type: "number", min: 1800, max: 2100 }), field("year_max", "Year to", { type: "number", min: 1800, max: 2100 }),
      field("rating_min", "Rating from", { type: "number", min: 0, max: 10, step: 0.1 }), field("rating_max", "Rating to", { type: "number", min: 0, max: 10, step: 0.1 }),
      field("tag", "Tag", { placeholder: "e.g. 4k" }), field("status", "Status", { placeholder: "released, ended…" }),
      tri("has_poster", "Poster", "Has a poster", "No poster"), tri("monitored", "Monitored", "Monitored", "Unmonitored"), tri("linked", "Media server", "On a server", "Missing from servers")));
  const facetsBox = h("div", { class: "media-facets" });
  const results = h("div", { class: "media-results" });
  const pager = h("div", { class: "row media-pager" });
  const summary = h("span", { class: "muted", id: "media-summary" });
  const refreshBtn = h("button", { class: "btn", type: "button", onclick: async () => {
    try { const r = await ctx.api.post("/api/media/refresh", {}); ctx.toast(`Library refresh queued (job ${r.job_id})`, "success"); } catch (err) { ctx.toast(err.message, "error"); }
  } }, "⟳ Refresh library");
  const exportBtn = (fmt) => h("button", { class: "btn", type: "button", onclick: () => exportList(ctx, filterBody(), fmt) }, `Export ${fmt.toUpperCase()}`);

  function filterBody() {
    const f = {};
    for (const [k, v] of Object.entries(state)) if (!["offset"].includes(k) && v !== "" && !(Array.isArray(v) && !v.length)) f[k] = v;
    return f;
  }
  function params() { return { ...filterBody(), limit: PAGE_SIZE, offset: state.offset, facets: true }; }

  async function load() {
    const mine = ++seq;
    results.classList.add("is-loading");
    let data;
    try { data = await ctx.api.get(`/api/media/search?${qs(params())}`); } catch (err) { results.replaceChildren(h("p", { class: "form-error" }, err.message)); return; }
    if (mine !== seq) return;
    results.classList.remove("is-loading");
    summary.textContent = data.total ? `${state.offset + 1}–${state.offset + data.items.length} of ${data.total.toLocaleString()}` : "";
    if (!data.items.length) results.replaceChildren(emptyState(data.total === 0 && !filterBody().query ? "The library is empty. Add Radarr/Sonarr/Lidarr or media servers under Instances, then refresh the library." : "Nothing matches these filters."));
    else results.replaceChildren(view === "grid" ? grid(data.items) : table(data.items));
    paintFacets(data.facets || {});
    pager.replaceChildren(
      h("button", { class: "btn btn-sm", disabled: state.offset === 0, onclick: () => { state.offset = Math.max(0, state.offset - PAGE_SIZE); load(); } }, "‹ Previous"),
      summary,
      h("button", { class: "btn btn-sm", disabled: state.offset + PAGE_SIZE >= data.total, onclick: () => { state.offset += PAGE_SIZE; load(); } }, "Next ›"));
  }
  const open = (id) => openDrawer(ctx, id, { onChange: load });
  function grid(items) {
    return h("div", { class: "media-grid" }, items.map((it) => h("button", { class: "media-card", type: "button", dataset: { id: it.id }, onclick: () => open(it.id), title: `${it.title} · ${it.instance}` },
      h("div", { class: "media-card-poster" }, posterImg(ctx, it)),
      h("div", { class: "media-card-title" }, it.title), h("div", { class: "media-card-sub muted" }, [it.year, rating(it), it.instance].filter(Boolean).join(" · ")))));
  }
  function table(items) {
    return h("table", { class: "media-table" }, h("thead", {}, h("tr", {}, ["", "Title", "Year", "Type", "Instance", "Rating", "Status", "Size"].map((c) => h("th", {}, c)))),
      h("tbody", {}, items.map((it) => h("tr", { class: "media-row", dataset: { id: it.id }, onclick: () => open(it.id), tabindex: 0, onkeydown: (ev) => { if (ev.key === "Enter") open(it.id); } },
        h("td", { class: "media-thumb" }, posterImg(ctx, it, 120)), h("td", {}, it.title), h("td", {}, it.year ?? "–"), h("td", {}, typeBadge(it)),
        h("td", {}, it.instance), h("td", {}, rating(it)), h("td", {}, it.status || "–"), h("td", {}, it.size_on_disk ? formatBytes(it.size_on_disk) : "–")))));
  }
  function paintFacets(facets) {
    const group = (name, label, key) => (facets[name] || []).length ? h("div", { class: "media-facet" }, h("div", { class: "nav-heading" }, label),
      (facets[name] || []).slice(0, 12).map((f) => {
        const active = Array.isArray(state[key]) ? state[key].includes(String(f.value)) : state[key] === String(f.value);
        return h("button", { class: `media-chip${active ? " active" : ""}`, type: "button", onclick: () => toggleFacet(key, String(f.value)) }, `${f.value} `, h("span", { class: "muted" }, f.count.toLocaleString()));
      })) : null;
    facetsBox.replaceChildren(...[group("type", "Type", "type"), group("instance", "Instance", "instance"), group("genre", "Genre", "genre"), group("tag", "Tag", "tag"), group("status", "Status", "status")].filter(Boolean));
  }
  function toggleFacet(key, value) {
    if (Array.isArray(state[key])) state[key] = state[key].includes(value) ? state[key].filter((v) => v !== value) : [...state[key], value];
    else { state[key] = state[key] === value ? "" : value; if (key === "type") typeSel.value = state.type; }
    state.offset = 0; load();
  }

  search.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => { state.query = search.value.trim(); state.offset = 0; load(); }, 250); });
  typeSel.addEventListener("change", () => { state.type = typeSel.value; state.offset = 0; load(); });
  sortSel.addEventListener("change", () => { state.sort = sortSel.value; state.offset = 0; load(); });
  orderBtn.addEventListener("click", () => { state.order = state.order === "asc" ? "desc" : "asc"; orderBtn.textContent = state.order === "asc" ? "↑" : "↓"; state.offset = 0; load(); });
  viewBtn.addEventListener("click", () => { view = view === "grid" ? "table" : "grid"; localStorage.setItem(VIEW_KEY, view); viewBtn.textContent = view === "grid" ? "☰ Table" : "▦ Grid"; load(); });
  more.addEventListener("change", (ev) => {
    const { name, value } = ev.target;
    if (!(name in state)) return;
    state[name] = ["tag", "status"].includes(name) ? value.split(",").map((v) => v.trim()).filter(Boolean) : value;
    state.offset = 0; load();
  });

  root.append(
    h("div", { class: "row media-toolbar" }, h("div", { class: "media-search" }, search), typeSel, sortSel, orderBtn, viewBtn, h("div", { class: "spacer" }), refreshBtn, exportBtn("csv"), exportBtn("json")),
    more, h("div", { class: "media-layout" }, card(null, facetsBox), h("div", {}, results, pager)));
  const initial = ctx.params?.get("q");
  if (initial) { search.value = initial; state.query = initial; }
  await load();
  return () => { clearTimeout(timer); document.querySelector(".media-drawer")?.remove(); };
}

export async function exportList(ctx, filter, format) {
  try {
    const res = await ctx.api.raw("POST", "/api/media/export", { format, filter });
    const url = URL.createObjectURL(await res.blob());
    const a = h("a", { href: url, download: `media-export.${format}` });
    document.body.append(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 5000);
  } catch (err) { ctx.toast(err.message, "error"); }
}
