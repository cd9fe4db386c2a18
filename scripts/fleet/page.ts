// The fleet page's script (runs in the browser; scripts/fleet/web.ts bundles
// and serves it): the live table from the server's events, and a small plot
// of each device's check time and peak memory. Everything a device sent is
// put in as text, never as markup.
import type { DeviceRow, MalformedSummary } from "./devices.ts";
import { PLOT_HEIGHT, PLOT_WIDTH, plotSeries } from "./plot.ts";
import type { DeviceEntry, Snapshot } from "./web.ts";

const SVG = "http://www.w3.org/2000/svg";
const byId = (id: string) => document.getElementById(id)!;
const tbody = byId("devices");
const rows = new Map<string, DeviceEntry>();
let messages = 0;
let malformed: MalformedSummary = { count: 0, recent: [] };

function cell(tr: HTMLTableRowElement, text: string, className = ""): HTMLTableCellElement {
  const td = tr.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

const shown = (value: number | null) => (value === null ? "-" : String(value));

function ratingClass(rating: string | null): string {
  return rating === "Bad" ? "bad" : rating === "Improvable" ? "warn" : rating === "Probably Okay" ? "good" : "";
}

function attentionText(row: DeviceRow): string {
  return row.attention.map((reason) => (reason === "rating" ? `rated ${row.rating ?? "?"}` : reason)).join(", ");
}

function svg(name: string, attributes: Record<string, string | number>): SVGElement {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

/** Check time and peak memory over time, each scaled to its own maximum. */
function plot(entry: DeviceEntry): SVGElement {
  const box = svg("svg", { class: "plot", width: PLOT_WIDTH, height: PLOT_HEIGHT, viewBox: `0 0 ${PLOT_WIDTH} ${PLOT_HEIGHT}`, "data-points": entry.history.length });
  const title = svg("title", {});
  const parts: string[] = [];
  for (const [name, values] of [
    ["ms", entry.history.map((point) => point.ms)],
    ["mem", entry.history.map((point) => point.mem_peak)],
  ] as const) {
    const series = plotSeries(values);
    if (series.points) box.appendChild(svg("polyline", { class: name, points: series.points }));
    if (series.last) box.appendChild(svg("circle", { class: name, cx: series.last.x, cy: series.last.y, r: 2.5 }));
    parts.push(`${name === "ms" ? "ms" : "mem_peak"}: last ${series.last?.value ?? "-"}, max ${series.max}`);
  }
  title.textContent = `${entry.history.length} reports; ${parts.join("; ")}`;
  box.prepend(title);
  return box;
}

function renderRow(entry: DeviceEntry): HTMLTableRowElement {
  const row = entry.row;
  const tr = document.createElement("tr");
  tr.dataset.device = row.id;
  if (row.attention.length) tr.className = "attention";
  cell(tr, row.attention.length ? "!" : "", "mark");
  cell(tr, row.id, "id");
  cell(tr, row.last_seen.slice(0, 19).replace("T", " "), "seen");
  cell(tr, row.ok ? "ok" : (row.error ?? "failed"), row.ok ? "status good" : "status bad");
  cell(tr, row.rating ?? "-", `rating ${ratingClass(row.rating)}`);
  cell(tr, row.tls_version ?? "-", "tls");
  const verified = !row.ok ? "-" : row.cert_verified === true ? "yes" : row.cert_verified === false ? "NO" : "not probed";
  cell(tr, verified, `verified ${verified === "yes" ? "good" : verified === "-" ? "" : "bad"}`);
  cell(tr, shown(row.mem_peak), "number mem");
  cell(tr, shown(row.ms), "number ms");
  cell(tr, String(row.messages), "number msgs");
  cell(tr, attentionText(row), "attention-reasons bad");
  tr.insertCell().appendChild(plot(entry));
  return tr;
}

/** Puts the device's row in place, keeping the table sorted by id. */
function place(entry: DeviceEntry): void {
  rows.set(entry.row.id, entry);
  const fresh = renderRow(entry);
  const old = tbody.querySelector<HTMLTableRowElement>(`tr[data-device="${CSS.escape(entry.row.id)}"]`);
  if (old) return old.replaceWith(fresh);
  const after = [...tbody.querySelectorAll<HTMLTableRowElement>("tr")].find((tr) => (tr.dataset.device ?? "") > entry.row.id);
  tbody.insertBefore(fresh, after ?? null);
}

function summarise(): void {
  const all = [...rows.values()];
  const marked = all.filter((entry) => entry.row.attention.length).length;
  byId("summary").textContent =
    messages === 0
      ? "waiting for devices"
      : `${all.length} device${all.length === 1 ? "" : "s"}` + (marked ? `, ${marked} need${marked === 1 ? "s" : ""} a look` : "") + `, ${messages} message${messages === 1 ? "" : "s"}`;
  const box = byId("malformed");
  const last = malformed.recent[malformed.recent.length - 1];
  box.hidden = malformed.count === 0;
  if (last) box.textContent = `${malformed.count} malformed message${malformed.count === 1 ? "" : "s"} (last: ${last.topic}: ${last.reason})`;
}

function connection(connected: boolean, text: string): void {
  const element = byId("connection");
  element.textContent = text;
  element.className = connected ? "up" : "down";
}

const source = new EventSource("events");
source.addEventListener("snapshot", (message) => {
  const snapshot = JSON.parse((message as MessageEvent<string>).data) as Snapshot;
  const rated = snapshot.failOn === "improvable" ? ", rated Improvable or Bad" : snapshot.failOn === "bad" ? ", rated Bad" : "";
  byId("where").textContent = `${snapshot.topic} at ${snapshot.broker}; marked: failed checks, unverified${rated};`;
  tbody.replaceChildren();
  rows.clear();
  for (const entry of snapshot.devices) place(entry);
  messages = snapshot.messages;
  malformed = snapshot.malformed;
  connection(snapshot.connected, snapshot.connected ? "live" : "broker connection lost");
  summarise();
});
source.addEventListener("device", (message) => {
  const data = JSON.parse((message as MessageEvent<string>).data) as DeviceEntry & { messages: number };
  messages = data.messages;
  place({ row: data.row, history: data.history });
  summarise();
});
source.addEventListener("malformed", (message) => {
  const data = JSON.parse((message as MessageEvent<string>).data) as { malformed: MalformedSummary; messages: number };
  malformed = data.malformed;
  messages = data.messages;
  summarise();
});
source.addEventListener("connection", (message) => {
  const data = JSON.parse((message as MessageEvent<string>).data) as { connected: boolean; text: string };
  connection(data.connected, data.text);
});
source.addEventListener("error", () => connection(false, "fleet view not reachable; retrying"));
