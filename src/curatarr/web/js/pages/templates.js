// Template editor: pick a template, edit its layers, see a live preview (debounced POST
// /api/artwork/preview), run the test sheet, manage overlay PNGs and fonts.
import { api } from "../api.js";
import { h, card, toast, confirmDialog, badge, formatBytes, emptyState } from "../ui.js";

export const meta = { id: "templates", title: "Templates", icon: "🖼", order: 40, section: "Artwork" };

const SOURCES = ["title", "original_title", "season_name", "episode_label", "episode_title", "collection_word", "custom"];
const ALIGN = ["left", "center", "right"];
const VALIGN = ["top", "middle", "bottom"];
const LAYER_DEFAULTS = {
  text: () => ({ type: "text", id: `text${Date.now() % 10000}`, source: "title", font: "Cinzel", color: "#FFFFFF",
    box: { width: 1800, height: 400, offset_bottom: 300, offset_x: 0 }, min_size: 45, max_size: 250 }),
  gradient: () => ({ type: "gradient", direction: "to_bottom", stops: [{ at: 0.5, opacity: 0 }, { at: 1, opacity: 0.85 }] }),
  border: () => ({ type: "border", width: 30, color: "#000000" }),
  overlay: () => ({ type: "overlay", file: "" }),
  logo: () => ({ type: "logo", id: "logo", box: { width: 1400, height: 500, offset_bottom: 300 }, replaces: "title" }),
};
const BOX = [["box.width", "Box width", "number"], ["box.height", "Box height", "number"],
  ["box.offset_bottom", "Offset from bottom", "number"], ["box.offset_x", "Offset x", "number"]];
const FIELDS = {
  text: [["id", "Layer id", "text"], ["source", "Text source", "select", SOURCES], ["text", "Custom text / word", "text"],
    ["enabled", "Enabled", "checkbox"], ["font", "Font", "font"], ["weight", "Weight (100-900)", "number"],
    ["rtl_font", "RTL font", "font"], ["color", "Colour", "color"], ["all_caps", "All caps", "checkbox"], ...BOX,
    ["align", "Align", "select", ALIGN], ["valign", "Vertical gravity", "select", VALIGN],
    ["min_size", "Min size", "number"], ["max_size", "Max size", "number"], ["line_spacing", "Line spacing px", "number"],
    ["letter_spacing", "Letter spacing (em)", "number"], ["overflow", "When it does not fit", "select", ["skip", "shrink", "ellipsize"]],
    ["fit", "Fit by", "select", ["logical", "ink"]], ["balance", "Balance lines", "checkbox"], ["max_lines", "Max lines", "number"],
    ["newline_symbols", "Break at symbols (comma separated)", "list"],
    ["stroke", "Stroke", "object", { width: 6, color: "#000000" }], ["stroke.width", "Stroke width", "number"], ["stroke.color", "Stroke colour", "color"],
    ["shadow", "Drop shadow", "object", { color: "#000000", opacity: 0.6, blur: 12, dx: 0, dy: 6 }],
    ["shadow.opacity", "Shadow opacity", "number"], ["shadow.blur", "Shadow blur", "number"], ["shadow.dy", "Shadow offset y", "number"]],
  gradient: [["shape", "Shape", "select", ["linear", "radial", "edges"]], ["direction", "Direction", "select", ["to_bottom", "to_top", "to_left", "to_right"]],
    ["size", "Glow depth (edges)", "number"], ["opacity", "Opacity", "number"], ["stops", "Stops (at:opacity:colour; …)", "stops"]],
  border: [["width", "Width", "number"], ["color", "Colour", "color"], ["colors", "Colour list (comma separated)", "list"],
    ["style", "Style", "select", ["solid", "rounded", "inner_stroke"]], ["radius", "Radius", "number"], ["inset", "Inset", "number"]],
  overlay: [["file", "Overlay PNG", "overlay"], ["opacity", "Opacity", "number"]],
  logo: [["id", "Layer id", "text"], ...BOX, ["align", "Align", "select", ALIGN], ["valign", "Vertical gravity", "select", VALIGN],
    ["replaces", "Replaces text layer", "text"], ["opacity", "Opacity", "number"]],
};

const getPath = (obj, path) => path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);
function setPath(obj, path, value) {
  const keys = path.split(".");
  let o = obj;
  for (const k of keys.slice(0, -1)) { if (o[k] == null || typeof o[k] !== "object") o[k] = {}; o = o[k]; }
  if (value === undefined) delete o[keys.at(-1)]; else o[keys.at(-1)] = value;
}
const stopsToText = (stops) => (stops || []).map((s) => [s.at, s.opacity ?? 1, s.color || "#000000"].join(":")).join("; ");
const textToStops = (text) => text.split(";").map((s) => s.trim()).filter(Boolean).map((s) => {
  const [at, opacity, color] = s.split(":").map((x) => x.trim());
  return { at: Number(at), opacity: opacity === undefined ? 1 : Number(opacity), color: color || "#000000" };
});

export async function render(root, ctx) {
  const state = { templates: [], current: null, dirty: false, image: null, fonts: [], overlays: [], previewUrl: null,
    abort: null, timer: null };
  const list = h("div", { class: "tpl-list" });
  const editor = h("div", { class: "tpl-editor" });
  const previewImg = h("img", { class: "tpl-preview-img", alt: "Live preview" });
  const previewInfo = h("div", { class: "tpl-preview-info muted" });
  const errorBox = h("p", { class: "form-error", role: "alert" });
  const samples = { title: "The Lord of the Rings: The Return of the King", season_name: "Season 1", season_number: 1,
    episode_number: 5, episode_title: "The Long Night", language: "" };

  async function loadAll() {
    const [tpls, fonts, files] = await Promise.all([api.get("/api/artwork/templates"), api.get("/api/fonts"),
      api.get("/api/overlayfiles?include_builtin=false")]);
    state.templates = tpls.templates;
    state.fonts = fonts.fonts.map((f) => f.name);
    state.overlays = files.files;
  }

  function renderList() {
    const byFamily = new Map();
    for (const t of state.templates) { if (!byFamily.has(t.family)) byFamily.set(t.family, []); byFamily.get(t.family).push(t); }
    list.replaceChildren(...[...byFamily].map(([family, items]) => h("div", { class: "tpl-family" },
      h("div", { class: "nav-heading" }, family),
      ...items.map((t) => h("button", { class: `tpl-item ${state.current && state.current.id === t.id ? "active" : ""}`, type: "button",
        onclick: () => select(t.id) }, h("span", {}, t.name || t.id), badge(t.kind, t.builtin ? "neutral" : "info"))))));
  }

  function select(id) {
    const t = state.templates.find((x) => x.id === id);
    if (!t) return;
    state.current = structuredClone(t);
    state.dirty = false;
    renderList(); renderEditor(); schedulePreview(0);
  }

  function fieldInput(layer, index, [path, label, type, extra]) {
    const full = `layers.${index}.${path}`;
    const value = getPath(layer, path);
    const onChange = (v) => { setPath(layer, path, v); changed(); };
    let input;
    if (type === "select") {
      input = h("select", { onchange: (e) => onChange(e.target.value) }, extra.map((o) => h("option", { value: o, selected: o === (value ?? extra[0]) }, o)));
    } else if (type === "checkbox") {
      input = h("input", { type: "checkbox", checked: value ?? (path === "enabled" || path === "all_caps"), onchange: (e) => onChange(e.target.checked) });
      return h("label", { class: "tpl-check", dataset: { path: full } }, input, label);
    } else if (type === "object") {
      input = h("input", { type: "checkbox", checked: !!value, onchange: (e) => { onChange(e.target.checked ? structuredClone(extra) : null); renderEditor(); } });
      return h("label", { class: "tpl-check", dataset: { path: full } }, input, label);
    } else if (type === "number") {
      if (path.includes(".") && getPath(layer, path.split(".")[0]) == null && !path.startsWith("box")) return null;
      input = h("input", { type: "number", step: "any", value: value ?? "", oninput: (e) => onChange(e.target.value === "" ? undefined : Number(e.target.value)) });
    } else if (type === "color") {
      if (path.includes(".") && getPath(layer, path.split(".")[0]) == null) return null;
      const text = h("input", { type: "text", value: value ?? "", oninput: (e) => { onChange(e.target.value); } });
      input = h("div", { class: "row tpl-colour" }, h("input", { type: "color", value: /^#[0-9a-f]{6}$/i.test(value || "") ? value : "#ffffff",
        oninput: (e) => { text.value = e.target.value; onChange(e.target.value); } }), text);
    } else if (type === "list") {
      input = h("input", { type: "text", value: (value || []).join(", "), oninput: (e) => {
        const items = e.target.value.split(",").map((s) => (path === "newline_symbols" ? s : s.trim())).filter((s) => s.trim());
        onChange(items.length ? items : (path === "colors" ? null : [])); } });
    } else if (type === "stops") {
      input = h("input", { type: "text", value: stopsToText(value), oninput: (e) => onChange(textToStops(e.target.value)) });
    } else if (type === "font" || type === "overlay") {
      const options = type === "font" ? state.fonts : state.overlays.filter((f) => f.type === "image").map((f) => f.name);
      const id = `dl-${type}`;
      input = h("input", { type: "text", list: id, value: value ?? "", oninput: (e) => onChange(e.target.value || (type === "font" && path !== "font" ? null : e.target.value)) });
      if (!document.getElementById(id)) root.append(h("datalist", { id }, options.map((o) => h("option", { value: o }))));
    } else {
      input = h("input", { type: "text", value: value ?? "", oninput: (e) => onChange(e.target.value) });
    }
    return h("label", { dataset: { path: full } }, label, input);
  }

  function layerPanel(layer, index) {
    const layers = state.current.layers;
    const move = (delta) => { const j = index + delta; if (j < 0 || j >= layers.length) return; [layers[index], layers[j]] = [layers[j], layers[index]]; changed(); renderEditor(); };
    const title = layer.type === "text" || layer.type === "logo" ? `${layer.type} · ${layer.id}` : layer.type;
    // The move/remove buttons sit beside the <summary>, not inside it: a button inside the summary
    // (itself a control) is a nested interactive control for screen readers (axe nested-interactive).
    return h("div", { class: "tpl-layer-wrap" },
      h("div", { class: "tpl-layer-tools row", role: "group", "aria-label": `${title} layer` },
        h("button", { class: "btn btn-sm btn-ghost", type: "button", title: "Move up", "aria-label": `Move ${title} up`, onclick: () => move(-1) }, "↑"),
        h("button", { class: "btn btn-sm btn-ghost", type: "button", title: "Move down", "aria-label": `Move ${title} down`, onclick: () => move(1) }, "↓"),
        h("button", { class: "btn btn-sm btn-ghost", type: "button", title: "Remove layer", "aria-label": `Remove ${title} layer`, onclick: () => { layers.splice(index, 1); changed(); renderEditor(); } }, "✕")),
      h("details", { class: "tpl-layer", open: layer.type === "text" },
        h("summary", {}, h("strong", {}, title)),
        h("div", { class: "form-grid" }, (FIELDS[layer.type] || []).map((f) => fieldInput(layer, index, f)))));
  }

  function renderEditor() {
    const t = state.current;
    if (!t) { editor.replaceChildren(emptyState("Pick a template on the left.")); return; }
    const metaFields = h("div", { class: "form-grid" },
      h("label", { dataset: { path: "id" } }, "Id", h("input", { value: t.id, oninput: (e) => { t.id = e.target.value; changed(false); } })),
      h("label", {}, "Name", h("input", { value: t.name || "", oninput: (e) => { t.name = e.target.value; changed(false); } })),
      h("label", { dataset: { path: "family" } }, "Family", h("input", { value: t.family, oninput: (e) => { t.family = e.target.value; changed(false); } })),
      h("label", {}, "Kind", h("select", { onchange: (e) => { t.kind = e.target.value; changed(); } },
        ["poster", "season", "background", "titlecard", "collection"].map((k) => h("option", { value: k, selected: k === t.kind }, k)))),
      h("label", {}, "Format", h("select", { onchange: (e) => { t.output = { ...t.output, format: e.target.value }; changed(); } },
        ["jpeg", "webp", "png"].map((k) => h("option", { value: k, selected: k === (t.output?.format || "jpeg") }, k)))),
      h("label", {}, "Quality", h("input", { type: "number", min: 1, max: 100, value: t.output?.quality ?? 92,
        oninput: (e) => { t.output = { ...t.output, quality: Number(e.target.value) }; changed(); } })),
      h("label", {}, "Focal point", h("select", { onchange: (e) => { t.source = { ...t.source, focal_point: e.target.value }; changed(); } },
        ["center", "attention"].map((k) => h("option", { value: k, selected: k === (t.source?.focal_point || "center") }, k)))));
    const addType = h("select", { "aria-label": "Layer type to add" }, Object.keys(LAYER_DEFAULTS).map((k) => h("option", { value: k }, k)));
    const adder = h("div", { class: "row" }, addType, h("button", { class: "btn btn-sm", type: "button", onclick: () => {
      t.layers.push(LAYER_DEFAULTS[addType.value]()); changed(); renderEditor(); } }, "Add layer"));
    const saveBtn = h("button", { class: "btn btn-primary", type: "button", onclick: save }, t.builtin ? "Save as copy" : "Save");
    const delBtn = t.builtin ? null : h("button", { class: "btn btn-danger", type: "button", onclick: remove }, "Delete");
    editor.replaceChildren(
      card(t.builtin ? `${t.name || t.id} (built in — saving makes a copy)` : (t.name || t.id), metaFields),
      card("Layers (drawn top to bottom)", ...t.layers.map(layerPanel), adder),
      h("div", { class: "row end" }, delBtn, saveBtn));
  }

  function changed(refresh = true) {
    state.dirty = true;
    if (refresh) schedulePreview();
  }

  function schedulePreview(delay = 350) {
    clearTimeout(state.timer);
    state.timer = setTimeout(runPreview, delay);
  }

  function markErrors(detail) {
    root.querySelectorAll("[data-path].invalid").forEach((el) => el.classList.remove("invalid"));
    if (!Array.isArray(detail)) return;
    for (const err of detail) {
      const path = (err.loc || []).join(".");
      const el = root.querySelector(`[data-path="${CSS.escape(path)}"]`);
      if (el) el.classList.add("invalid");
    }
  }

  async function runPreview() {
    if (!state.current) return;
    if (state.abort) state.abort.abort();
    state.abort = new AbortController();
    const form = new FormData();
    const { builtin, ...template } = state.current;
    form.append("template", JSON.stringify(template));
    const texts = Object.fromEntries(Object.entries(samples).filter(([, v]) => v !== "" && v !== null));
    form.append("texts", JSON.stringify(texts));
    if (state.image) form.append("image", state.image);
    previewInfo.textContent = "Rendering…";
    try {
      // validate first: field errors are shown without a failed request in the console
      const check = await api.post("/api/artwork/templates/validate", template, { signal: state.abort.signal });
      if (!check.valid) {
        errorBox.textContent = check.errors.map((e) => `${(e.loc || []).join(".")}: ${e.msg}`).join("; ");
        previewInfo.textContent = "";
        markErrors(check.errors);
        return;
      }
      const res = await api.raw("POST", "/api/artwork/preview", form, { signal: state.abort.signal });
      const blob = await res.blob();
      if (state.previewUrl) URL.revokeObjectURL(state.previewUrl);
      state.previewUrl = URL.createObjectURL(blob);
      previewImg.src = state.previewUrl;
      const layers = JSON.parse(res.headers.get("X-Curatarr-Layers") || "[]");
      const truncated = res.headers.get("X-Curatarr-Truncated") === "true";
      previewInfo.replaceChildren(
        h("div", {}, `${res.headers.get("X-Curatarr-Render-Ms")} ms · ${formatBytes(blob.size)}`, truncated ? badge("text truncated", "warn") : null),
        ...layers.map((l) => h("div", {}, `${l.id}: ${l.size ?? "–"} px, ${(l.lines || []).length} line(s)${l.truncated ? ` — ${l.action}` : ""}`)));
      errorBox.textContent = "";
      markErrors([]);
    } catch (err) {
      if (err.name === "AbortError") return;
      errorBox.textContent = err.message;
      previewInfo.textContent = "";
      markErrors(err.detail);
    }
  }

  async function save() {
    const { builtin, ...template } = state.current;
    try {
      let saved;
      if (builtin) {
        // a copy gets its own id AND name ("Classic (copy)", "Classic (copy 2)" …): two templates with one
        // name could not be told apart in the pickers
        const ids = new Set(state.templates.map((x) => x.id));
        const names = new Set(state.templates.map((x) => x.name));
        const base = template.name || template.id;
        let n = 1;
        const suffix = () => (n === 1 ? "" : `-${n}`);
        while (ids.has(`${template.id}-copy${suffix()}`.slice(0, 64)) || names.has(`${base} (copy${n === 1 ? "" : ` ${n}`})`)) n++;
        template.name = `${base} (copy${n === 1 ? "" : ` ${n}`})`;
        template.id = `${template.id}-copy${suffix()}`.slice(0, 64);
        template.family = template.family === "classic" || template.family === "cinema" || template.family === "editorial" ? "custom" : template.family;
        saved = await api.post("/api/artwork/templates", template);
      } else if (state.templates.some((t) => t.id === template.id && !t.builtin)) {
        saved = await api.put(`/api/artwork/templates/${encodeURIComponent(template.id)}`, template);
      } else {
        saved = await api.post("/api/artwork/templates", template);
      }
      toast(`Saved ${saved.id}`, "success");
      await loadAll(); select(saved.id);
    } catch (err) { errorBox.textContent = err.message; markErrors(err.detail); toast("Not saved", "error"); }
  }

  async function remove() {
    const id = state.current.id;
    if (!(await confirmDialog("Delete template", `Delete ${id}?`, { confirmLabel: "Delete", danger: true }))) return;
    try { await api.del(`/api/artwork/templates/${encodeURIComponent(id)}`); toast(`Deleted ${id}`, "success"); await loadAll();
      state.current = null; renderList(); renderEditor(); } catch (err) { toast(err.message, "error"); }
  }

  async function testSheet() {
    if (!state.current) return;
    const { builtin, ...template } = state.current;
    const family = state.templates.filter((t) => t.family === state.current.family && t.id !== template.id);
    const body = { templates: [template, ...family.map(({ builtin: _b, ...t }) => t)].slice(0, 5) };
    toast("Rendering the test sheet…");
    try {
      const res = await api.raw("POST", "/api/artwork/test-sheet", body);
      const url = URL.createObjectURL(await res.blob());
      const dialog = h("dialog", { class: "modal tpl-sheet" }, h("div", { class: "row" },
        h("strong", {}, `Test sheet — ${res.headers.get("X-Curatarr-Truncated-Count")} truncated`), h("span", { class: "spacer" }),
        h("a", { class: "btn btn-sm", href: url, download: "test-sheet.jpg" }, "Download"),
        h("button", { class: "btn btn-sm", onclick: () => dialog.close() }, "Close")), h("img", { src: url, alt: "Test sheet" }));
      dialog.addEventListener("close", () => { dialog.remove(); URL.revokeObjectURL(url); });
      document.body.append(dialog); dialog.showModal();
    } catch (err) { toast(err.message, "error"); }
  }

  function sampleInputs() {
    const field = (key, label, type = "text") => h("label", {}, label, h("input", { type, value: samples[key] ?? "",
      oninput: (e) => { samples[key] = type === "number" ? (e.target.value === "" ? null : Number(e.target.value)) : e.target.value; schedulePreview(); } }));
    const file = h("input", { type: "file", accept: "image/jpeg,image/png,image/webp", onchange: (e) => { state.image = e.target.files[0] || null; schedulePreview(0); } });
    return h("div", { class: "stack" }, field("title", "Title"), field("season_name", "Season name"),
      h("div", { class: "row" }, field("season_number", "Season", "number"), field("episode_number", "Episode", "number")),
      field("episode_title", "Episode title"), field("language", "Library language (e.g. ar, ja)"),
      h("label", {}, "Source image", file));
  }

  async function assetsCard() {
    const body = h("div");
    async function refresh() {
      const { files } = await api.get("/api/overlayfiles?include_builtin=false");
      state.overlays = files;
      const row = (f) => {
        const preview = f.type === "font"
          ? h("img", { class: "tpl-font-sample", alt: f.name, src: api.withToken(`/api/fonts/preview/${encodeURIComponent(f.name)}?text=${encodeURIComponent("Aa Bb 123")}`) })
          : h("img", { class: "tpl-thumb", alt: f.name, src: api.withToken(`/api/overlayfiles/preview/${encodeURIComponent(f.name)}`) });
        const del = h("button", { class: "btn btn-sm", onclick: async () => {
          if (!(await confirmDialog("Delete file", `Delete ${f.name}?`, { confirmLabel: "Delete", danger: true }))) return;
          try { await api.del(`/api/overlayfiles/${encodeURIComponent(f.name)}`); await refresh(); } catch (err) { toast(err.message, "error"); }
        } }, "Delete");
        return h("tr", {}, h("td", {}, preview), h("td", {}, f.name, h("div", { class: "muted" }, `${f.type} · ${formatBytes(f.size)}`)), h("td", {}, del));
      };
      body.replaceChildren(files.length ? h("table", {}, h("tbody", {}, files.map(row)))
        : emptyState("No uploads yet: built-in fonts are always available."));
    }
    const upload = h("input", { type: "file", accept: ".png,.webp,.ttf,.otf,.ttc", onchange: async (e) => {
      const f = e.target.files[0]; if (!f) return;
      const form = new FormData(); form.append("file", f);
      try { await api.post("/api/overlayfiles/upload", form); toast(`Uploaded ${f.name}`, "success"); await refresh(); await loadAll(); }
      catch (err) { toast(err.message, "error"); }
      e.target.value = "";
    } });
    await refresh();
    return card("Overlays & fonts", h("label", {}, "Upload a PNG overlay or a TTF/OTF font", upload), body);
  }

  await loadAll();
  renderList();
  const side = h("div", { class: "tpl-side" }, card("Preview", previewImg, previewInfo, errorBox,
    h("div", { class: "row" }, h("button", { class: "btn", type: "button", onclick: () => schedulePreview(0) }, "Refresh"),
      h("button", { class: "btn", type: "button", onclick: testSheet }, "Test sheet"))), card("Sample texts", sampleInputs()));
  root.append(h("div", { class: "tpl-layout" }, card("Templates", list), editor, side), await assetsCard());
  select((ctx.params && ctx.params.get("id")) || "classic-poster");
  return () => { clearTimeout(state.timer); if (state.abort) state.abort.abort(); if (state.previewUrl) URL.revokeObjectURL(state.previewUrl); };
}
