// Galleries: posters, backgrounds, seasons and title cards from the asset folder — paginated, with a
// filter, lightbox, delete / bulk delete, and the asset replacer (provider candidates, or a URL).
import { api } from "../api.js";
import { h, card, emptyState, formatBytes, confirmDialog } from "../ui.js";

export const meta = { id: "galleries", title: "Galleries", icon: "▦", order: 41, section: "Artwork" };

const TABS = [["posters", "gallery", "gallery"], ["backgrounds", "backgrounds-gallery", "backgrounds"],
  ["seasons", "seasons-gallery", "seasons"], ["title cards", "titlecards-gallery", "titlecards"]];
const PAGE = 48;

export async function render(root, ctx) {
  let tab = TABS[0];
  let offset = 0;
  const selected = new Set();
  const grid = h("div", { class: "gallery-grid", id: "gallery-grid" });
  const info = h("span", { class: "muted", id: "gallery-info" });
  const filter = h("input", { name: "q", placeholder: "Filter by name…" });
  const lightbox = h("div", { class: "lightbox", hidden: true, role: "dialog", "aria-label": "Image preview", onclick: () => { lightbox.hidden = true; } });
  // Escape closes the preview as it closes every other overlay (removed again when the page goes).
  const onKey = (ev) => { if (ev.key === "Escape" && !lightbox.hidden) lightbox.hidden = true; };
  document.addEventListener("keydown", onKey);
  const replacer = h("div", { id: "replacer" });

  const tabs = h("div", { class: "tabs" }, TABS.map((t) => h("button", { class: "tab", "data-tab": t[0], onclick: () => { tab = t; offset = 0; load(); } }, t[0])));
  const bulk = h("button", { class: "btn btn-danger btn-sm", onclick: async () => {
    if (!selected.size) return;
    if (!(await confirmDialog("Delete assets", `Delete ${selected.size} file(s)?`, { danger: true, confirmLabel: "Delete" }))) return;
    const r = await api.post(`/api/${tab[2]}/bulk-delete`, { paths: [...selected] });
    ctx.toast(`Deleted ${r.deleted}`, r.failed ? "warn" : "ok"); selected.clear(); load();
  } }, "Delete selected");
  const prev = h("button", { class: "btn btn-sm", onclick: () => { offset = Math.max(0, offset - PAGE); load(); } }, "‹");
  const next = h("button", { class: "btn btn-sm", onclick: () => { offset += PAGE; load(); } }, "›");
  filter.addEventListener("change", () => { offset = 0; load(); });

  async function load() {
    const q = filter.value ? `&q=${encodeURIComponent(filter.value)}` : "";
    const r = await api.get(`/api/${tab[1]}?limit=${PAGE}&offset=${offset}${q}`);
    info.textContent = `${tab[0]}: ${r.total} · showing ${r.total ? offset + 1 : 0}–${offset + r.count}`;
    prev.disabled = offset === 0; next.disabled = offset + r.count >= r.total;
    if (!r.images.length) { grid.replaceChildren(emptyState(`No ${tab[0]} yet.`)); return; }
    grid.replaceChildren(...r.images.map((img) => {
      const check = h("input", { type: "checkbox", "aria-label": `select ${img.path}`, onchange: (e) => e.target.checked ? selected.add(img.path) : selected.delete(img.path) });
      const pic = h("img", { src: api.withToken(img.url), alt: img.path, loading: "lazy", onclick: () => {
        lightbox.replaceChildren(h("img", { src: api.withToken(img.url), alt: img.path })); lightbox.hidden = false;
      } });
      return h("figure", { class: "gallery-item" }, pic,
        h("figcaption", {}, check, ` ${img.folder} `, h("span", { class: "muted" }, formatBytes(img.size)),
          h("button", { class: "btn btn-sm", onclick: () => openReplacer(img.path) }, "Replace"),
          h("button", { class: "btn btn-sm btn-danger", onclick: async () => {
            if (!(await confirmDialog("Delete asset", img.path, { danger: true, confirmLabel: "Delete" }))) return;
            await api.del(`/api/${tab[2]}/${img.path.split("/").map(encodeURIComponent).join("/")}`); load();
          } }, "Delete")));
    }));
  }

  function openReplacer(path) {
    const url = h("input", { name: "image_url", placeholder: "https://image URL" });
    const ids = h("input", { name: "tmdb_id", placeholder: "TMDB id" });
    const results = h("div", { class: "gallery-grid" });
    const useUrl = async (u) => {
      try { await api.post("/api/assets/replace-from-url", { asset_path: path, image_url: u, process_with_overlays: true }); ctx.toast("Replacement queued", "ok"); }
      catch (err) { ctx.toast(err.message, "error"); }
    };
    replacer.replaceChildren(card(`Replace ${path}`,
      h("div", { class: "row" }, url, h("button", { class: "btn btn-primary", onclick: () => useUrl(url.value) }, "Use URL")),
      h("div", { class: "row" }, ids, h("button", { class: "btn", onclick: async () => {
        try {
          const kind = path.includes("background") ? "background" : /Season\d+/.test(path) ? "season" : /S\d+E\d+/.test(path) ? "titlecard" : "poster";
          const r = await api.post("/api/assets/fetch-replacements", { asset_path: path, media_type: "movie", asset_type: kind, tmdb_id: ids.value });
          results.replaceChildren(...r.results.slice(0, 24).map((c) => h("figure", { class: "gallery-item" },
            h("img", { src: c.url, alt: `${c.provider} ${c.language}`, loading: "lazy" }),
            h("figcaption", {}, `${c.provider} · ${c.language} · ${c.width || "?"}×${c.height || "?"} `,
              h("button", { class: "btn btn-sm", onclick: () => useUrl(c.url) }, "Use")))));
        } catch (err) { ctx.toast(err.message, "error"); }
      } }, "Find candidates")), results));
  }

  root.append(card(null, tabs, h("div", { class: "row" }, filter, prev, next, bulk, info)), grid, replacer, lightbox);
  const wanted = new URLSearchParams((location.hash.split("?")[1]) || "").get("asset");
  await load().catch((e) => grid.replaceChildren(emptyState(e.message)));
  if (wanted) openReplacer(wanted);
  return () => document.removeEventListener("keydown", onKey);
}
