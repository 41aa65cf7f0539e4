// Dashboard: system overview. (Jobs, schedules and instance health are added by their areas.)
import { api } from "../api.js";
import { h, card } from "../ui.js";

export const meta = { id: "dashboard", title: "Dashboard", icon: "◧", order: 0, section: "Overview" };

export async function render(root) {
  const [info, version, health] = await Promise.all([api.get("/api/system-info"), api.get("/api/version"), api.get("/api/health")]);
  const stat = (label, value) => h("div", { class: "card" }, h("div", { class: "stat" }, value), h("div", { class: "stat-label" }, label));
  root.append(
    h("div", { class: "grid" },
      stat("Version", version.local), stat("Status", health.status), stat("CPU cores", info.cpu_cores), stat("Memory used", `${info.memory_percent}%`)),
    card("Host", h("table", {}, h("tbody", {}, ["platform", "os_version", "cpu_model", "total_memory", "free_memory", "is_docker"].map((k) =>
      h("tr", {}, h("th", {}, k.replace("_", " ")), h("td", {}, String(info[k]))))))));
}
