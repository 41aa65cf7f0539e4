// The shell: first-run setup, login, navigation built from the page modules, hash routing, theme.
import { api, auth, setUnauthorizedHandler } from "./api.js";
import { h, toast } from "./ui.js";

const root = document.getElementById("app");
let pages = [];
let current = null;

const THEME_KEY = "curatarr-theme";
function applyTheme(theme) {
  const resolved = theme === "auto" ? (matchMedia("(prefers-color-scheme: light)").matches ? "light" : "dark") : theme;
  document.documentElement.dataset.theme = resolved || "dark";
}
applyTheme(localStorage.getItem(THEME_KEY) || "dark");

function navigate(hash) { location.hash = hash.startsWith("#") ? hash : `#/${hash}`; }

const ctx = { api, toast, navigate, auth };

async function loadPages() {
  const { pages: files, css } = await (await fetch("/ui/pages.json")).json();
  for (const sheet of css) {
    document.head.append(h("link", { rel: "stylesheet", href: `/static/css/pages/${sheet}` }));
  }
  const loaded = await Promise.all(files.map(async (file) => {
    try {
      const mod = await import(`./pages/${file}`);
      return mod.meta && mod.render ? mod : null;
    } catch (err) {
      console.error(`page ${file} failed to load`, err);
      return null;
    }
  }));
  pages = loaded.filter(Boolean).sort((a, b) => (a.meta.order ?? 100) - (b.meta.order ?? 100));
}

function authScreen({ title, subtitle, button, onSubmit, confirm = false }) {
  const error = h("p", { class: "form-error", role: "alert" });
  const form = h("form", { class: "auth-form" },
    h("img", { src: "/static/img/logo.svg", alt: "", class: "auth-logo" }),
    h("h1", {}, title), h("p", { class: "muted" }, subtitle),
    h("label", {}, "Username", h("input", { name: "username", autocomplete: "username", required: true })),
    h("label", {}, "Password", h("input", { name: "password", type: "password", autocomplete: confirm ? "new-password" : "current-password", required: true, minlength: confirm ? 8 : null })),
    confirm ? h("label", {}, "Repeat password", h("input", { name: "password2", type: "password", autocomplete: "new-password", required: true })) : null,
    error, h("button", { class: "btn btn-primary btn-block", type: "submit" }, button));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    if (confirm && data.password !== data.password2) { error.textContent = "Passwords do not match"; return; }
    error.textContent = "";
    try { await onSubmit(data.username, data.password); } catch (err) { error.textContent = err.message; }
  });
  root.replaceChildren(h("main", { class: "auth-page" }, form));
  form.querySelector("input").focus();
}

async function showSetup() {
  authScreen({
    title: "Welcome to Curatarr", subtitle: "Create the admin account to get started.", button: "Create account", confirm: true,
    onSubmit: async (username, password) => {
      const r = await api.post("/api/auth/setup", { username, password }, { noAuthRedirect: true });
      auth.token = r.token; await start();
    },
  });
}

async function showLogin() {
  authScreen({
    title: "Sign in", subtitle: "Curatarr keeps your artwork and libraries in order.", button: "Sign in",
    onSubmit: async (username, password) => {
      const r = await api.post("/api/auth/login", { username, password }, { noAuthRedirect: true });
      auth.token = r.token; await start();
    },
  });
}

function shell(user) {
  const sections = new Map();
  for (const page of pages) {
    const s = page.meta.section || "General";
    if (!sections.has(s)) sections.set(s, []);
    sections.get(s).push(page);
  }
  const nav = h("nav", { class: "sidebar", "aria-label": "Main" },
    h("a", { class: "brand", href: "#/" }, h("img", { src: "/static/img/logo.svg", alt: "" }), h("span", {}, "Curatarr")),
    ...[...sections].map(([name, list]) => h("div", { class: "nav-section" },
      h("div", { class: "nav-heading" }, name),
      ...list.map((p) => h("a", { href: `#/${p.meta.id}`, class: "nav-link", dataset: { page: p.meta.id } },
        h("span", { class: "nav-icon", "aria-hidden": "true" }, p.meta.icon || "•"), p.meta.title)))));
  const themeBtn = h("button", { class: "btn btn-ghost", title: "Toggle theme", "aria-label": "Toggle theme", onclick: () => {
    const next = document.documentElement.dataset.theme === "dark" ? "light" : "dark";
    localStorage.setItem(THEME_KEY, next); applyTheme(next);
  } }, "◐");
  const logoutBtn = h("button", { class: "btn btn-ghost", onclick: async () => {
    // Stop the page first (its timers and event streams), so nothing it polls races the revoked token.
    stopPage();
    try { await api.post("/api/auth/logout"); } catch { /* token may already be invalid */ }
    auth.token = null; await start();
  } }, "Sign out");
  const top = h("header", { class: "topbar" },
    h("button", { class: "btn btn-ghost menu-toggle", "aria-label": "Menu", onclick: () => document.body.classList.toggle("nav-open") }, "☰"),
    h("h1", { class: "page-title", id: "page-title" }, ""), h("div", { class: "spacer" }),
    h("span", { class: "muted user" }, user.username), themeBtn, logoutBtn);
  const content = h("main", { class: "content", id: "content", tabindex: "-1" });
  root.replaceChildren(h("div", { class: "layout" }, nav, h("div", { class: "main" }, top, content)));
}

// The shown page's cleanup (timers, event streams), run once: on navigation and on sign-out.
function stopPage() {
  if (current && current.cleanup) { try { current.cleanup(); } catch { /* ignore */ } }
  current = null;
}

async function route() {
  const id = (location.hash.replace(/^#\/?/, "").split(/[/?]/)[0]) || (pages[0] && pages[0].meta.id);
  const page = pages.find((p) => p.meta.id === id);
  if (!page) return pages.length ? notFound(id) : undefined;
  document.body.classList.remove("nav-open");
  document.querySelectorAll(".nav-link").forEach((a) => a.classList.toggle("active", a.dataset.page === page.meta.id));
  document.getElementById("page-title").textContent = page.meta.title;
  document.title = `${page.meta.title} · Curatarr`;
  stopPage();
  const content = document.getElementById("content");
  content.replaceChildren(h("div", { class: "loading" }, "Loading…"));
  const pageRoot = h("div", { class: `page page-${page.meta.id}` });
  try {
    const cleanup = await page.render(pageRoot, { ...ctx, params: new URLSearchParams(location.hash.split("?")[1] || "") });
    current = { cleanup };
    content.replaceChildren(pageRoot);
  } catch (err) {
    console.error(err);
    content.replaceChildren(h("div", { class: "card error" }, `This page failed to load: ${err.message}`));
  }
}

// On a phone a wide table scrolls inside its own box (app.css); a scrolling box must be reachable by
// keyboard (axe scrollable-region-focusable), so every table a page renders gets a tab stop.
const tableFocus = new MutationObserver(() => {
  document.querySelectorAll("#content table:not([tabindex])").forEach((t) => { t.tabIndex = 0; });
});

// An unknown route says so (and links home) instead of silently showing the first page.
function notFound(id) {
  stopPage();
  document.body.classList.remove("nav-open");
  document.querySelectorAll(".nav-link").forEach((a) => a.classList.remove("active"));
  document.getElementById("page-title").textContent = "Page not found";
  document.title = "Page not found · Curatarr";
  document.getElementById("content").replaceChildren(h("div", { class: "page page-not-found card" },
    h("h2", {}, "404 — page not found"),
    h("p", {}, "There is no page called ", h("code", {}, id), "."),
    h("p", {}, h("a", { href: `#/${pages[0].meta.id}` }, `Go to ${pages[0].meta.title}`))));
}

async function start() {
  const status = await api.get("/api/auth/status", { noAuthRedirect: true });
  if (!status.configured) return showSetup();
  if (!auth.token) return showLogin();
  let me;
  try { me = await api.get("/api/auth/me", { noAuthRedirect: true }); } catch { auth.token = null; return showLogin(); }
  if (!pages.length) await loadPages();
  shell(me);
  tableFocus.observe(document.getElementById("content"), { childList: true, subtree: true });
  await route();
}

setUnauthorizedHandler(() => { auth.token = null; showLogin(); });
window.addEventListener("hashchange", () => { if (document.getElementById("content")) route(); });
start().catch((err) => {
  console.error(err);
  root.replaceChildren(h("div", { class: "boot error" }, `Curatarr could not start: ${err.message}`));
});
