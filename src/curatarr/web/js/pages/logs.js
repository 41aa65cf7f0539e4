// Logs: module → file → live tail (polls the tail every 2 s while the page is open).
import { api } from "../api.js";
import { h, card, formatBytes, formatDate, emptyState } from "../ui.js";

export const meta = { id: "logs", title: "Logs", icon: "☰", order: 95, section: "System" };

export async function render(root) {
  const { modules } = await api.get("/api/logs");
  const names = Object.keys(modules).sort();
  if (!names.length) { root.append(emptyState("No log files yet.")); return; }
  const moduleSel = h("select", { name: "module", "aria-label": "Module" }, names.map((n) => h("option", { value: n }, n)));
  const fileSel = h("select", { name: "file", "aria-label": "File" });
  const follow = h("input", { type: "checkbox", checked: true, name: "follow" });
  const filter = h("input", { placeholder: "Filter lines…", name: "filter" });
  const view = h("pre", { class: "logview", id: "logview", tabindex: 0, role: "region", "aria-label": "log lines" });
  const info = h("span", { class: "muted" });
  let timer = null;
  let lines = [];

  function fillFiles() {
    const files = modules[moduleSel.value] || [];
    fileSel.replaceChildren(...files.map((f) => h("option", { value: f.name }, `${f.name} (${formatBytes(f.size)})`)));
  }
  function paint() {
    const q = filter.value.toLowerCase();
    view.textContent = (q ? lines.filter((l) => l.toLowerCase().includes(q)) : lines).join("\n");
    if (follow.checked) view.scrollTop = view.scrollHeight;
  }
  async function load() {
    try {
      const r = await api.get(`/api/logs/${encodeURIComponent(fileSel.value)}?bytes=200000`);
      lines = r.content; info.textContent = `${r.module} · ${formatBytes(r.size)} · ${formatDate(r.modified)}${r.truncated ? " · showing the end" : ""}`;
      paint();
    } catch (err) { view.textContent = err.message; }
  }
  moduleSel.addEventListener("change", () => { fillFiles(); load(); });
  fileSel.addEventListener("change", load);
  filter.addEventListener("input", paint);
  fillFiles();
  root.append(card(null, h("div", { class: "row" }, h("label", {}, "Module", moduleSel), h("label", {}, "File", fileSel), h("label", {}, "Filter", filter),
    h("label", {}, follow, "Follow"), info), view));
  await load();
  timer = setInterval(() => { if (follow.checked) load(); }, 2000);
  return () => clearInterval(timer);
}
