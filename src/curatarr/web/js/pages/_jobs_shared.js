// Shared by the Dashboard, Modules, Jobs, Schedule and Notifications pages (not a page itself: no meta).
import { api } from "../api.js";
import { h, badge, formatDate } from "../ui.js";

const STATUS_KIND = {
  success: "ok", idle: "neutral", running: "info", queued: "info", cancelling: "warn", cancelled: "warn",
  error: "error", interrupted: "error", healthy: "ok", unknown: "neutral",
};

export function statusBadge(status) {
  return badge(status || "idle", STATUS_KIND[status] || "warn");
}

export function progressBar(progress) {
  const pct = progress && progress.total ? Math.min(100, (100 * (progress.done || 0)) / progress.total) : 0;
  const label = progress ? [progress.phase, progress.item].filter(Boolean).join(" · ") : "";
  return h("div", { class: "job-progress" },
    h("div", { class: "progress", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": String(Math.round(pct)) },
      h("div", { style: `width:${pct.toFixed(1)}%` })),
    h("div", { class: "muted small job-progress-label" },
      progress && progress.total ? `${progress.done || 0} / ${progress.total}` : "", label ? ` ${label}` : ""));
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

export function when(iso) {
  if (!iso) return "–";
  const d = new Date(iso);
  if (isNaN(d)) return iso;
  const diff = (d.getTime() - Date.now()) / 1000;
  const abs = Math.abs(diff);
  const unit = abs < 90 ? `${Math.round(abs)}s` : abs < 5400 ? `${Math.round(abs / 60)}m` : abs < 172800 ? `${Math.round(abs / 3600)}h` : `${Math.round(abs / 86400)}d`;
  return h("time", { datetime: iso, title: formatDate(iso) }, diff >= 0 ? `in ${unit}` : `${unit} ago`);
}

/** Live module/job events over SSE with automatic reconnect (the browser resends Last-Event-ID). */
export function moduleEvents(onMessage, { includeJobs = false } = {}) {
  const url = api.withToken(`/api/modules/events${includeJobs ? "?include_jobs=true" : ""}`);
  const source = new EventSource(url);
  source.onmessage = (ev) => {
    try { onMessage(JSON.parse(ev.data)); } catch (err) { console.warn("bad event", err); }
  };
  source.onerror = () => { /* EventSource reconnects by itself */ };
  return () => source.close();
}

/** ``iso`` as a date and time in the IANA ``zone`` (falls back to UTC for a zone the browser lacks). */
export function serverTime(iso, zone) {
  const opts = { dateStyle: "medium", timeStyle: "short", timeZone: zone };
  try { return new Intl.DateTimeFormat(undefined, opts).format(new Date(iso)); } catch {
    return new Intl.DateTimeFormat(undefined, { ...opts, timeZone: "UTC" }).format(new Date(iso)) + " UTC";
  }
}

/** A schedule rule input with a live preview of the next runs (validated by the server). */
export function scheduleEditor(initial, { onSave, onClear } = {}) {
  const input = h("input", { class: "schedule-input", value: initial || "", placeholder: "daily(03:00) · interval(60) · weekly(mon,fri@09:00)", "aria-label": "Schedule rule" });
  const preview = h("div", { class: "schedule-preview muted small", "aria-live": "polite" });
  let timer = null;
  async function refresh() {
    const rule = input.value.trim();
    if (!rule) { preview.replaceChildren("Manual only"); return; }
    try {
      const p = await api.get(`/api/schedule/preview?rule=${encodeURIComponent(rule)}&count=3`);
      if (!p.valid) { preview.replaceChildren(h("span", { class: "text-error" }, p.error)); return; }
      // Labelled times in the server's timezone (the scheduler's clock), not the browser's; replaceChildren
      // does not flatten arrays (it printed "next: ,12/7/2026, …"), so the list is built with h.
      const zone = p.timezone || "UTC";
      const runs = (p.next_runs || []).map((r) => h("li", {}, serverTime(r, zone)));
      preview.replaceChildren(h("strong", {}, p.description),
        h("span", {}, ` — next runs (${zone}):`), h("ol", { class: "schedule-next" }, runs));
    } catch (err) { preview.replaceChildren(h("span", { class: "text-error" }, err.message)); }
  }
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(refresh, 250); });
  refresh();
  const buttons = h("div", { class: "row" },
    onSave ? h("button", { class: "btn btn-sm btn-primary", type: "button", onclick: () => onSave(input.value.trim() || null) }, "Save schedule") : null,
    onClear ? h("button", { class: "btn btn-sm", type: "button", onclick: () => onClear() }, "Manual only") : null);
  return h("div", { class: "schedule-editor stack" }, input, preview, buttons);
}

const SECRET = /(api_?key|apikey|token|secret|password|webhook|^api$)/i;

function fieldFor(name, prop, value) {
  const type = prop.type || (prop.anyOf || []).map((a) => a.type).find((t) => t && t !== "null") || "string";
  const label = prop.title || name;
  const help = prop.description ? h("small", { class: "muted" }, prop.description) : null;
  if (prop.enum) {
    return h("label", {}, label, h("select", { name, dataset: { type: "string" } },
      prop.enum.map((v) => h("option", { value: v, selected: v === value }, v))), help);
  }
  if (type === "boolean") {
    return h("label", { class: "check" }, h("input", { type: "checkbox", name, checked: !!value, dataset: { type } }), " ", label, help);
  }
  const objectItems = (prop.items && (prop.items.type === "object" || prop.items.$ref)) || (Array.isArray(value) && value.some((v) => v && typeof v === "object"));
  if (type === "array" && objectItems) {
    return h("label", { class: "wide" }, label, h("textarea", { name, rows: 4, dataset: { type: "json" } }, JSON.stringify(value ?? [], null, 2)), help);
  }
  if (type === "array") {
    const text = Array.isArray(value) ? value.map((v) => (typeof v === "object" ? JSON.stringify(v) : v)).join(", ") : "";
    return h("label", {}, label, h("input", { name, value: text, dataset: { type: "array" }, placeholder: "comma separated" }), help);
  }
  if (type === "object") {
    return h("label", { class: "wide" }, label, h("textarea", { name, rows: 3, dataset: { type: "json" } }, JSON.stringify(value ?? {}, null, 2)), help);
  }
  const inputType = type === "integer" || type === "number" ? "number" : SECRET.test(name) ? "password" : "text";
  return h("label", {}, label, h("input", { name, type: inputType, value: value ?? "", step: type === "number" ? "any" : null, dataset: { type } }), help);
}

/** A settings form generated from a module's JSON schema. ``read()`` returns the section. */
export function schemaForm(schema, config) {
  const props = schema.properties || {};
  const form = h("form", { class: "form-grid schema-form" },
    Object.entries(props).map(([name, prop]) => fieldFor(name, prop, config[name] !== undefined ? config[name] : prop.default)));
  form.read = () => {
    const out = { ...config };
    for (const el of form.querySelectorAll("[name]")) {
      const t = el.dataset.type;
      if (t === "boolean") out[el.name] = el.checked;
      else if (t === "integer") out[el.name] = el.value === "" ? null : parseInt(el.value, 10);
      else if (t === "number") out[el.name] = el.value === "" ? null : parseFloat(el.value);
      else if (t === "array") out[el.name] = el.value.split(",").map((s) => s.trim()).filter(Boolean);
      else if (t === "json") out[el.name] = JSON.parse(el.value || "{}");
      else out[el.name] = el.value;
    }
    return out;
  };
  return form;
}
