// Borders: the border replacer's settings, a live before/after preview with colour swatches, and the
// holiday calendar (which range is active today). Runs the module and shows what it wrote.
import { h, card, emptyState, badge } from "../ui.js";
import { statusBadge } from "./_jobs_shared.js";

export const meta = { id: "borders", title: "Borders", icon: "▣", order: 43, section: "Artwork" };

const MODULE = "border_replacerr";
const HEX = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i;

// An editable list of colours: swatch chips (click = remove) + a colour picker and hex field to add.
function swatchEditor(name, colours, onChange) {
  const list = [...colours];
  const chips = h("div", { class: "swatches", role: "list", "aria-label": `${name} colours` });
  const picker = h("input", { type: "color", value: "#e50914", "aria-label": `pick a ${name} colour` });
  const hex = h("input", { type: "text", size: 8, placeholder: "#rrggbb", "aria-label": `${name} colour as hex` });
  const paint = () => {
    // Each chip sits in its own listitem: a button given role=listitem would stop being a button,
    // and an empty list still needs one item (axe aria-required-children).
    chips.replaceChildren(...(list.length ? list.map((c, i) => h("span", { role: "listitem" }, h("button", {
      type: "button", class: "swatch", style: `background:${c}`, title: `${c} (click to remove)`,
      "aria-label": `remove ${c}`, onclick: () => { list.splice(i, 1); paint(); onChange && onChange(list); },
    }))) : [h("span", { class: "muted small", role: "listitem" }, "no colour: the border is removed")]));
  };
  const add = h("button", { type: "button", class: "btn btn-sm", onclick: () => {
    const value = (hex.value.trim() || picker.value).toLowerCase();
    if (!HEX.test(value)) { hex.setCustomValidity("use #rgb or #rrggbb"); hex.reportValidity(); return; }
    hex.setCustomValidity(""); hex.value = "";
    list.push(value.startsWith("#") ? value : `#${value}`); paint(); onChange && onChange(list);
  } }, "Add colour");
  paint();
  return { el: h("div", { class: "swatch-editor" }, chips, h("div", { class: "row" }, picker, hex, add)), get: () => [...list] };
}

function chipsOf(colours) {
  return h("span", { class: "swatches" }, colours.map((c) => h("span", { class: "swatch swatch-static", style: `background:${c}`, title: c, role: "img", "aria-label": c })));
}

export async function render(root, ctx) {
  const { api, toast } = ctx;
  const [detail, calendarData, options] = await Promise.all([
    api.get(`/api/modules/${MODULE}`), api.get("/api/border-replacerr/holidays"), api.get("/api/border-replacerr/preview/options"),
  ]);
  const config = detail.config || {};

  // ---- today + calendar ---------------------------------------------------------------------------
  const today = h("div", { id: "borders-today", class: "row" },
    h("span", {}, `Today ${calendarData.today}: `),
    calendarData.active ? badge(calendarData.active, "ok") : badge("no holiday", "neutral"),
    h("span", { class: "muted small" }, " colours in effect "), chipsOf(calendarData.colors));
  const calendarRows = calendarData.holidays.map((hd) => h("tr", { dataset: { holiday: hd.name }, class: hd.active ? "active" : "" },
    h("td", {}, hd.name), h("td", {}, `${hd.start} → ${hd.end}`), h("td", {}, chipsOf(hd.colors)),
    h("td", {}, hd.active ? badge("active today", "ok") : hd.in_range ? badge("in range, overruled by an earlier holiday", "warn")
      : h("span", { class: "muted" }, `in ${hd.days_until} day(s)`))));
  const calendar = card("Holiday calendar",
    calendarRows.length ? h("div", { class: "table-wrap", tabindex: 0, role: "region", "aria-label": "holiday calendar" }, h("table", { class: "table", id: "holiday-calendar" },
      h("thead", {}, h("tr", {}, h("th", {}, "Holiday"), h("th", {}, "Dates (both included)"), h("th", {}, "Colours"), h("th", {}, "Status"))),
      h("tbody", {}, calendarRows))) : emptyState("No holidays configured: the default colours are used all year."),
    h("p", { class: "muted small" }, "The first holiday in the list whose dates include today wins."));

  // ---- preview ------------------------------------------------------------------------------------
  const holidaySelect = h("select", { name: "holiday", id: "preview-holiday" },
    options.map((o) => h("option", { value: o.value, selected: o.value === "current" }, o.label)));
  const previewColours = swatchEditor("preview", [], null);
  const useOwn = h("input", { type: "checkbox", name: "own_colours", id: "preview-own" });
  const width = h("input", { type: "number", min: 1, max: 400, value: config.border_width || 26, name: "width", id: "preview-width" });
  const path = h("input", { type: "text", name: "path", id: "preview-path", placeholder: "optional: one poster file", size: 40 });
  const results = h("div", { class: "border-previews", id: "border-previews", "aria-live": "polite" });
  const renderBtn = h("button", { class: "btn btn-primary", type: "button", dataset: { action: "preview" }, onclick: async () => {
    renderBtn.disabled = true;
    try {
      const body = { width: Number(width.value) || undefined };
      if (useOwn.checked) body.colors = previewColours.get();
      if (path.value.trim()) body.path = path.value.trim();
      const r = await api.post(`/api/border-replacerr/preview?count=6&holiday=${encodeURIComponent(holidaySelect.value)}`, body);
      results.replaceChildren(...r.previews.map((p) => h("figure", { class: "border-preview" },
        h("img", { src: api.withToken(p.url), alt: `${p.title}: before and after`, loading: "lazy" }),
        h("figcaption", {}, p.title, p.season_number != null ? ` · season ${p.season_number}` : "", " ",
          p.color ? chipsOf([p.color]) : badge("border removed"), h("span", { class: "muted small" }, ` ${p.width}×${p.height}`)))));
    } catch (err) { toast(err.message, "error"); }
    finally { renderBtn.disabled = false; }
  } }, "Render preview");
  const preview = card("Live preview",
    h("div", { class: "form-grid" },
      h("label", { for: "preview-holiday" }, "Colours from"), holidaySelect,
      h("label", { for: "preview-own" }, "Try my own colours"), h("div", {}, useOwn, previewColours.el),
      h("label", { for: "preview-width" }, "Border width (px)"), width,
      h("label", { for: "preview-path" }, "Poster"), path),
    h("div", { class: "row" }, renderBtn, h("span", { class: "muted small" }, "Left: as it is. Right: with the new border. Nothing is written.")),
    results);

  // ---- settings -----------------------------------------------------------------------------------
  const sources = h("textarea", { id: "set-sources", rows: 2, name: "source_dirs" }, (config.source_dirs || []).join("\n"));
  const destination = h("input", { id: "set-destination", type: "text", name: "destination_dir", value: config.destination_dir || "", placeholder: "empty = in place", size: 40 });
  const setWidth = h("input", { id: "set-width", type: "number", min: 1, max: 400, name: "border_width", value: config.border_width || 26 });
  const skip = h("input", { id: "set-skip", type: "checkbox", name: "skip", checked: !!config.skip });
  const colours = swatchEditor("default", config.border_colors || [], null);
  const holidays = (config.holidays || []).map((x) => ({ ...x }));
  const holidayTable = h("tbody", { id: "holiday-rows" });
  const paintHolidays = () => holidayTable.replaceChildren(...holidays.map((hd, i) => h("tr", {},
    h("td", {}, h("input", { type: "text", value: hd.name, "aria-label": `holiday ${i + 1} name`, onchange: (e) => { hd.name = e.target.value; } })),
    h("td", {}, h("input", { type: "text", value: hd.schedule, "aria-label": `holiday ${i + 1} schedule`, onchange: (e) => { hd.schedule = e.target.value; } })),
    h("td", {}, h("input", { type: "text", value: (hd.colors || []).join(", "), "aria-label": `holiday ${i + 1} colours`, onchange: (e) => { hd.colors = e.target.value.split(/[\s,]+/).filter(Boolean); } })),
    h("td", {}, h("button", { type: "button", class: "btn btn-sm", "aria-label": `move ${hd.name} up`, disabled: i === 0, onclick: () => { holidays.splice(i - 1, 0, holidays.splice(i, 1)[0]); paintHolidays(); } }, "↑"),
      h("button", { type: "button", class: "btn btn-sm btn-danger", "aria-label": `remove ${hd.name}`, onclick: () => { holidays.splice(i, 1); paintHolidays(); } }, "✕")))));
  paintHolidays();
  const presetSelect = h("select", { id: "preset-select", "aria-label": "holiday preset" },
    calendarData.presets.map((p) => h("option", { value: p.name }, `${p.name} ${p.schedule.replace("range", "")}`)));
  const addPreset = h("button", { type: "button", class: "btn btn-sm", onclick: () => {
    const p = calendarData.presets.find((x) => x.name === presetSelect.value);
    if (p && !holidays.some((x) => x.name === p.name)) { holidays.push({ ...p, colors: [...p.colors] }); paintHolidays(); }
  } }, "Add preset");
  const addBlank = h("button", { type: "button", class: "btn btn-sm", onclick: () => { holidays.push({ name: "", schedule: "range(MM/DD-MM/DD)", colors: ["#ffffff"] }); paintHolidays(); } }, "Add holiday");
  const runStatus = h("div", { id: "border-run", "aria-live": "polite" });
  const save = h("button", { class: "btn btn-primary", type: "button", dataset: { action: "save" }, onclick: async () => {
    try {
      await api.put(`/api/modules/${MODULE}/config`, {
        ...config, source_dirs: sources.value.split("\n").map((s) => s.trim()).filter(Boolean), destination_dir: destination.value.trim(),
        border_width: Number(setWidth.value), skip: skip.checked, border_colors: colours.get(), holidays,
      });
      toast("Border settings saved", "success");
    } catch (err) { toast(err.message, "error"); }
  } }, "Save settings");
  const run = h("button", { class: "btn", type: "button", dataset: { action: "run" }, onclick: async () => {
    try {
      const r = await api.post(`/api/modules/${MODULE}/execute`, {});
      runStatus.replaceChildren(statusBadge("queued"), ` job ${r.job_id}`);
      let job;
      for (let i = 0; i < 600; i++) {
        job = await api.get(`/api/modules/${MODULE}/status/${r.job_id}`);
        if (!["queued", "pending", "running", "cancelling"].includes(job.status)) break;
        await new Promise((res) => setTimeout(res, 500));
      }
      const counts = (job.result && job.result.counts) || {};
      runStatus.replaceChildren(statusBadge(job.status), ` job ${r.job_id}: `,
        Object.entries(counts).map(([k, v]) => `${k.replace(/_/g, " ")} ${v}`).join(" · "),
        job.error ? h("p", { class: "text-error small" }, job.error) : "");
    } catch (err) { toast(err.message, "error"); }
  } }, "Run now");
  const settings = card("Settings",
    h("div", { class: "form-grid" },
      h("label", { for: "set-sources" }, "Asset folders (one per line)"), sources,
      h("label", { for: "set-destination" }, "Write to"), destination,
      h("label", { for: "set-width" }, "Border width (px)"), setWidth,
      h("label", { for: "set-skip" }, "Only on holidays"), skip,
      h("span", {}, "Default colours"), colours.el),
    h("h3", {}, "Holidays"),
    h("div", { class: "table-wrap", tabindex: 0, role: "region", "aria-label": "holidays" }, h("table", { class: "table" },
      h("thead", {}, h("tr", {}, h("th", {}, "Name"), h("th", {}, "Schedule"), h("th", {}, "Colours"), h("th", {}, "Order"))),
      holidayTable)),
    h("div", { class: "row" }, addBlank, presetSelect, addPreset),
    h("div", { class: "row" }, save, run), runStatus);

  root.append(card(null, today), preview, calendar, settings);
}
