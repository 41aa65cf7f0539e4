// Typed settings form generated from a pydantic JSON schema: objects, arrays of scalars and of objects
// (ordered rows: drag, Alt+↑/↓ or the arrow buttons), maps (key → value rows), enums as selects,
// booleans as switches, numbers with their bounds, secrets masked, instance-name datalists, and inline
// server validation (422 ``detail`` loc → the field with the same ``data-path``).
import { h } from "./ui.js";

const MASK = "********";
// Same idea as config/secrets.py: keys naming a credential are never shown.
const SECRET = /(^api$|api_?key|apikey|token$|^token|_token|secret|password|passwd|^pin$|webhook|push_url)/i;
// Fields holding instance names (the schemas do not mark them; their names and descriptions do).
const INSTANCE_KEYS = /^(instances?|app_instance|media_servers|name)$/;
let uid = 0;

function resolve(schema, defs) {
  let s = schema || {};
  if (s.$ref) s = { ...defs[s.$ref.split("/").pop()], ...Object.fromEntries(Object.entries(s).filter(([k]) => k !== "$ref")) };
  if (s.anyOf) {
    const real = s.anyOf.filter((a) => a.type !== "null");
    const nullable = real.length < s.anyOf.length;
    const rest = Object.fromEntries(Object.entries(s).filter(([k]) => k !== "anyOf"));
    s = { ...resolve(real[0] || {}, defs), ...rest, nullable };
  }
  return s;
}

function isInstanceField(key, schema, ctx) {
  if (!INSTANCE_KEYS.test(key)) return false;
  if (key === "name") return ctx.parentIsInstance;
  return /instance|server|plex|jellyfin|emby|radarr|sonarr/i.test(`${key} ${schema.description || ""}`);
}

function emptyOf(schema) {
  if (schema.default !== undefined) return structuredClone(schema.default);
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case "object": return {};
    case "array": return [];
    case "boolean": return false;
    case "integer": case "number": return null;
    default: return "";
  }
}

function labelText(key, schema) {
  return schema.title || key;
}

/** One field (label, control, help, error slot); returns {el, read}. */
function field(key, rawSchema, value, path, ctx) {
  const schema = resolve(rawSchema, ctx.defs);
  const id = `sf-${++uid}`;
  const label = labelText(key, schema);
  const help = schema.description ? h("small", { class: "muted sf-help", id: `${id}-help` }, schema.description) : null;
  const err = h("small", { class: "sf-error text-error", id: `${id}-err`, role: "alert" });
  const describedBy = [help ? `${id}-help` : null, `${id}-err`].filter(Boolean).join(" ");
  const wrap = (control, { wide = false, check = false } = {}) => h("div",
    { class: `sf-field${wide ? " wide" : ""}${check ? " sf-check" : ""}`, dataset: { path: path.join(".") } }, control, help, err);
  const type = schema.type || (schema.properties ? "object" : schema.items ? "array" : "string");

  if (schema.enum) {
    const sel = h("select", { id, name: key, "aria-describedby": describedBy },
      schema.nullable ? h("option", { value: "", selected: value == null }, "(not set)") : null,
      schema.enum.map((v) => h("option", { value: String(v), selected: v === value }, String(v))));
    const control = h("label", { for: id }, label, sel);
    return { el: wrap(control), read: () => (sel.value === "" && schema.nullable ? null : schema.enum.find((v) => String(v) === sel.value)) };
  }
  if (type === "boolean") {
    const box = h("input", { id, type: "checkbox", role: "switch", class: "sf-switch", name: key, checked: !!value, "aria-describedby": describedBy });
    return { el: wrap(h("label", { class: "check", for: id }, box, " ", label), { check: true }), read: () => box.checked };
  }
  if (type === "integer" || type === "number") {
    const min = schema.minimum ?? schema.exclusiveMinimum;
    const input = h("input", { id, type: "number", name: key, value: value ?? "", min, max: schema.maximum ?? schema.exclusiveMaximum,
      step: type === "integer" ? "1" : "any", "aria-describedby": describedBy, placeholder: schema.nullable ? "automatic" : null });
    return { el: wrap(h("label", { for: id }, label, input)), read: () => {
      if (input.value === "") return schema.nullable || schema.default === null ? null : schema.default ?? null;
      return type === "integer" ? parseInt(input.value, 10) : parseFloat(input.value);
    } };
  }
  if (type === "array") return arrayField(key, schema, value, path, ctx, { id, label, wrap });
  if (type === "object" && schema.properties) {
    const inner = objectFields(schema, value || {}, path, { ...ctx, parentIsInstance: /instance/i.test(schema.title || "") });
    const fs = h("fieldset", { class: "sf-object" }, h("legend", {}, label), inner.el);
    return { el: wrap(fs, { wide: true }), read: inner.read };
  }
  if (type === "object") return mapField(key, schema, value, path, ctx, { label, wrap });
  // strings (and anything untyped, edited as text)
  const secret = SECRET.test(key);
  const list = isInstanceField(key, schema, ctx) ? ctx.instanceList : null;
  const masked = secret && value === MASK;
  const input = h("input", { id, name: key, type: secret ? "password" : schema.format === "date" ? "date" : "text",
    value: secret ? "" : value ?? "", list, autocomplete: secret ? "new-password" : "off", "aria-describedby": describedBy,
    placeholder: masked ? "•••••• unchanged" : schema.nullable ? "(not set)" : null, dataset: secret ? { secret: "1" } : null });
  return { el: wrap(h("label", { for: id }, label, input)), read: () => {
    if (secret && masked && input.value === "") return MASK; // the server keeps the stored secret
    if (input.value === "" && schema.nullable) return null;
    return input.value;
  } };
}

/** The fields of an object schema; ``read`` keeps keys the schema does not know (extra config). */
function objectFields(schema, value, path, ctx) {
  const fields = Object.entries(schema.properties || {}).map(([k, p]) => {
    const v = value[k] !== undefined ? value[k] : emptyOf(resolve(p, ctx.defs));
    return [k, field(k, p, v, [...path, k], ctx)];
  });
  const el = h("div", { class: "sf-fields" }, fields.map(([, f]) => f.el));
  return { el, read: () => {
    const out = { ...value };
    for (const [k, f] of fields) out[k] = f.read();
    return out;
  } };
}

/** An ordered list of rows (scalars or objects): add, remove, drag, Alt+↑/↓, arrow buttons. */
function arrayField(key, schema, value, path, ctx, { id, label, wrap }) {
  const itemSchema = resolve(schema.items || { type: "string" }, ctx.defs);
  const objects = itemSchema.type === "object" || !!itemSchema.properties;
  const rowsBox = h("ol", { class: `sf-rows${objects ? " sf-rows-objects" : ""}`, "aria-label": label });
  let rows = [];
  const normalise = (v) => {
    if (!objects || (v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).some((k) => itemSchema.properties?.[k]))) return v;
    if (typeof v === "string") return { name: v }; // shorthand (e.g. poster_renamerr "Radarr") → entry
    if (v && typeof v === "object" && Object.keys(v).length === 1) { const [n, rest] = Object.entries(v)[0]; return { name: n, ...(rest || {}) }; }
    return v;
  };
  function makeRow(v) {
    const row = { value: normalise(v) };
    row.li = h("li", { class: "sf-row", tabindex: "-1" });
    return row;
  }
  function paint() {
    rowsBox.replaceChildren(...rows.map((row, i) => {
      const p = [...path, i];
      const f = objects ? objectFields(itemSchema, row.value || {}, p, { ...ctx, parentIsInstance: /instance/i.test(itemSchema.title || "") })
        : field(`${key}`, { ...itemSchema, title: `${label} ${i + 1}`, description: undefined }, row.value, p, ctx);
      row.read = f.read;
      const move = (d) => { sync(); const j = i + d; if (j < 0 || j >= rows.length) return; [rows[i], rows[j]] = [rows[j], rows[i]]; paint(); rows[j].li.querySelector(`[data-move="${d}"]`)?.focus(); };
      const tools = h("div", { class: "sf-row-tools" },
        // Only the grip is draggable, so text in the row's inputs can still be selected with the mouse.
        h("span", { class: "sf-grip", "aria-hidden": "true", title: "drag to reorder", draggable: "true" }, "⠿"),
        h("button", { type: "button", class: "btn btn-sm", dataset: { move: "-1" }, "aria-label": `move ${label} ${i + 1} up`, disabled: i === 0, onclick: () => move(-1) }, "↑"),
        h("button", { type: "button", class: "btn btn-sm", dataset: { move: "1" }, "aria-label": `move ${label} ${i + 1} down`, disabled: i === rows.length - 1, onclick: () => move(1) }, "↓"),
        h("button", { type: "button", class: "btn btn-sm btn-danger", dataset: { action: "remove-row" }, "aria-label": `remove ${label} ${i + 1}`,
          onclick: () => { sync(); rows.splice(i, 1); paint(); addBtn.focus(); } }, "✕"));
      row.li.replaceChildren(h("div", { class: "sf-row-body" }, f.el), tools);
      row.li.onkeydown = (ev) => { if (ev.altKey && (ev.key === "ArrowUp" || ev.key === "ArrowDown")) { ev.preventDefault(); move(ev.key === "ArrowUp" ? -1 : 1); } };
      row.li.ondragstart = (ev) => { sync(); ev.dataTransfer.setData("text/plain", String(i)); ev.dataTransfer.setDragImage(row.li, 10, 10); row.li.classList.add("dragging"); };
      row.li.ondragend = () => row.li.classList.remove("dragging");
      row.li.ondragover = (ev) => ev.preventDefault();
      row.li.ondrop = (ev) => {
        ev.preventDefault();
        const from = parseInt(ev.dataTransfer.getData("text/plain"), 10);
        if (Number.isNaN(from) || from === i) return;
        // The grip is re-rendered below, so its dragend may never reach the row: clear the marker here.
        for (const r of rows) r.li.classList.remove("dragging");
        const [moved] = rows.splice(from, 1);
        rows.splice(i, 0, moved);
        paint();
      };
      return row.li;
    }));
  }
  function sync() { for (const row of rows) if (row.read) row.value = row.read(); }
  const addBtn = h("button", { type: "button", class: "btn btn-sm", dataset: { action: "add-row" }, onclick: () => {
    sync(); rows.push(makeRow(objects ? emptyOf({ type: "object" }) : emptyOf(itemSchema))); paint();
    rows[rows.length - 1].li.querySelector("input, select")?.focus();
  } }, `+ Add ${objects ? (itemSchema.title || "entry").replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase() : "value"}`);
  rows = (Array.isArray(value) ? value : []).map(makeRow);
  paint();
  const fs = h("fieldset", { class: "sf-array", id, dataset: { kind: objects ? "objects" : "scalars" } },
    h("legend", {}, label), rowsBox, addBtn);
  return { el: wrap(fs, { wide: true }), read: () => { sync(); return rows.map((r) => r.value); } };
}

/** ``additionalProperties`` objects (name → value): rows of a key input and the value's own field. */
function mapField(key, schema, value, path, ctx, { label, wrap }) {
  const valueSchema = resolve(schema.additionalProperties && schema.additionalProperties !== true ? schema.additionalProperties : { type: "string" }, ctx.defs);
  const box = h("div", { class: "sf-map" });
  let entries = Object.entries(value || {}).map(([k, v]) => ({ k, v }));
  function sync() { for (const e of entries) if (e.read) { e.k = e.keyInput.value; e.v = e.read(); } }
  function paint() {
    box.replaceChildren(...entries.map((e, i) => {
      e.keyInput = h("input", { value: e.k, "aria-label": `${label}: name ${i + 1}`, class: "sf-map-key" });
      const f = field(e.k || `value ${i + 1}`, { ...valueSchema, title: valueSchema.type === "object" ? `${e.k || "entry"}` : "value" }, e.v, [...path, e.k], ctx);
      e.read = f.read;
      return h("div", { class: "sf-map-row" }, e.keyInput, h("div", { class: "sf-row-body" }, f.el),
        h("button", { type: "button", class: "btn btn-sm btn-danger", "aria-label": `remove ${label} ${e.k || i + 1}`, onclick: () => { sync(); entries.splice(i, 1); paint(); } }, "✕"));
    }));
  }
  paint();
  const add = h("button", { type: "button", class: "btn btn-sm", dataset: { action: "add-row" }, onclick: () => { sync(); entries.push({ k: "", v: emptyOf(valueSchema) }); paint(); } }, "+ Add entry");
  return { el: wrap(h("fieldset", { class: "sf-map-set" }, h("legend", {}, label), box, add), { wide: true }),
    read: () => { sync(); return Object.fromEntries(entries.filter((e) => e.k.trim()).map((e) => [e.k.trim(), e.v])); } };
}

/** Instance names for the datalists (a failed lookup leaves plain text inputs). */
async function instanceDatalist(api) {
  const list = h("datalist", { id: `sf-instances-${++uid}` });
  try {
    const grouped = await api.get("/api/instances");
    const names = Object.values(grouped || {}).flatMap((byName) => (byName && typeof byName === "object" ? Object.keys(byName) : []));
    list.replaceChildren(...[...new Set(names)].map((n) => h("option", { value: n })));
  } catch { /* no instances readable: free text still works */ }
  return list;
}

/** A settings form for ``schema`` filled with ``config``. ``form.read()`` returns the section;
 * ``form.showErrors(detail)`` puts a 422's messages under their fields (unplaced ones at the top). */
export function schemaForm(schema, config, { api = null } = {}) {
  const datalist = h("datalist", { id: `sf-instances-${++uid}` });
  const ctx = { defs: schema.$defs || {}, instanceList: datalist.id, parentIsInstance: false };
  const summary = h("div", { class: "sf-summary text-error", role: "alert" });
  const body = objectFields(schema, config || {}, [], ctx);
  const form = h("form", { class: "form-grid schema-form", novalidate: true, onsubmit: (ev) => ev.preventDefault() }, summary, body.el, datalist);
  if (api) instanceDatalist(api).then((l) => datalist.replaceChildren(...l.children));
  form.read = () => body.read();
  form.showErrors = (detail) => {
    form.querySelectorAll(".sf-error").forEach((e) => { e.textContent = ""; });
    form.querySelectorAll(".sf-invalid").forEach((e) => e.classList.remove("sf-invalid"));
    summary.textContent = "";
    const unplaced = [];
    for (const d of Array.isArray(detail) ? detail : []) {
      const loc = (d.loc || []).filter((p) => p !== "body" && p !== "config").map(String);
      let target = null;
      for (let n = loc.length; n > 0 && !target; n--) target = form.querySelector(`[data-path="${CSS.escape(loc.slice(0, n).join("."))}"]`);
      if (!target) { unplaced.push(`${loc.join(".") || "settings"}: ${d.msg}`); continue; }
      target.classList.add("sf-invalid");
      const slot = target.querySelector(":scope > .sf-error");
      slot.textContent = slot.textContent ? `${slot.textContent}; ${d.msg}` : d.msg;
      target.querySelector("input, select")?.setAttribute("aria-invalid", "true");
    }
    if (unplaced.length) summary.textContent = unplaced.join("; ");
    form.querySelector(".sf-invalid input, .sf-invalid select")?.focus();
  };
  form.clearErrors = () => form.showErrors([]);
  return form;
}
