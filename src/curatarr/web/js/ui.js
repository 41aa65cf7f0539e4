// Small DOM helpers shared by pages: element builder, toasts, modal confirm, formatting.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === "html") el.innerHTML = value; // only for trusted, static markup
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function toast(message, kind = "info", timeout = 4000) {
  const box = document.getElementById("toasts");
  const el = h("div", { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status" }, message);
  box.append(el);
  setTimeout(() => el.classList.add("leaving"), timeout);
  setTimeout(() => el.remove(), timeout + 400);
}

// ``cancelLabel`` names the way back ("Keep running"), so a dialog about stopping never offers two "Cancel"s.
export function confirmDialog(title, text, { confirmLabel = "Confirm", cancelLabel = "Cancel", danger = false } = {}) {
  return new Promise((resolve) => {
    const dialog = h("dialog", { class: "modal" },
      h("h3", {}, title), h("p", {}, text),
      h("div", { class: "row end" },
        h("button", { class: "btn", onclick: () => { dialog.close(); resolve(false); } }, cancelLabel),
        h("button", { class: `btn ${danger ? "btn-danger" : "btn-primary"}`, onclick: () => { dialog.close(); resolve(true); } }, confirmLabel)));
    dialog.addEventListener("close", () => dialog.remove());
    document.body.append(dialog);
    dialog.showModal();
  });
}

export function formatBytes(n) {
  if (n === null || n === undefined) return "–";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

export function formatDate(iso) {
  if (!iso) return "–";
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString();
}

export function card(title, ...body) {
  return h("section", { class: "card" }, title ? h("h2", { class: "card-title" }, title) : null, ...body);
}

export function emptyState(text) {
  return h("div", { class: "empty" }, text);
}

// A tab bar over one panel, the pattern of the pages that group several views: choosing a tab
// repaints the bar and calls views[id](panel, ...args); a failing view shows its error in the panel.
export async function tabbedViews(root, { tabs, views, current, label = null, panelClass = "", panelRole = null }, ...args) {
  const bar = h("div", { class: "tabs", role: "tablist", "aria-label": label });
  const panel = h("div", { class: panelClass, role: panelRole });
  function paintTabs() {
    bar.replaceChildren(...tabs.map(([id, text]) => h("button", { class: `tab${id === current ? " active" : ""}`, role: "tab", type: "button",
      "aria-selected": String(id === current), dataset: { tab: id }, onclick: () => { current = id; paintTabs(); show(); } }, text)));
  }
  async function show() {
    panel.replaceChildren(h("div", { class: "loading" }, "Loading…"));
    try { await views[current](panel, ...args); } catch (err) { panel.replaceChildren(h("div", { class: "card error" }, err.message)); }
  }
  paintTabs();
  root.append(bar, panel);
  await show();
}

export function badge(text, kind = "neutral") {
  return h("span", { class: `badge badge-${kind}` }, text);
}
