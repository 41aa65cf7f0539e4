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
    h("div", { class: "progress", role: "progressbar", "aria-label": label || "Job progress", "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": String(Math.round(pct)) },
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

// The typed settings form lives in ../schema_form.js; re-exported for the pages that import it from here.
export { schemaForm } from "../schema_form.js";
