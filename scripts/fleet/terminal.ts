// The fleet table in a terminal: the rows as aligned text (pure, colours
// optional), and a live screen that redraws it in place on a TTY or, into a
// pipe or file, adds one line per update instead.
import pc from "picocolors";
import type { DeviceRow, MalformedSummary } from "./devices.ts";

export type Colors = ReturnType<typeof pc.createColors>;

interface Cell {
  text: string;
  paint?: (text: string) => string;
}

const HEADER = ["", "device", "last seen (UTC)", "status", "rating", "TLS", "verified", "mem_peak", "ms", "msgs", "attention"];
/** Widths for the one-line-per-update log, where later rows cannot widen a column. */
const LOG_WIDTHS = [1, 16, 15, 13, 13, 7, 10, 8, 6, 4, 0];

/** "12:00:03" on `now`'s day (UTC), else the date and minutes. */
export function formatLastSeen(iso: string, now: Date): string {
  return iso.slice(0, 10) === now.toISOString().slice(0, 10) ? iso.slice(11, 19) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

function verifiedCell(row: DeviceRow, c: Colors): Cell {
  if (!row.ok) return { text: "-", paint: c.dim };
  if (row.cert_verified === true) return { text: "yes", paint: c.green };
  return { text: row.cert_verified === false ? "NO" : "not probed", paint: c.red };
}

function ratingCell(row: DeviceRow, c: Colors): Cell {
  const paint = row.rating === "Bad" ? c.red : row.rating === "Improvable" ? c.yellow : row.rating === "Probably Okay" ? c.green : undefined;
  return { text: row.rating ?? "-", paint };
}

const attentionWords = (row: DeviceRow): string =>
  row.attention.map((reason) => (reason === "rating" ? `rated ${row.rating ?? "?"}` : reason)).join(", ");

function cells(row: DeviceRow, c: Colors, now: Date): Cell[] {
  const marked = row.attention.length > 0;
  const shown = (value: number | null) => (value === null ? "-" : String(value));
  return [
    { text: marked ? "!" : "", paint: c.red },
    { text: row.id, paint: marked ? c.bold : undefined },
    { text: formatLastSeen(row.last_seen, now) },
    row.ok ? { text: "ok", paint: c.green } : { text: row.error ?? "failed", paint: c.red },
    ratingCell(row, c),
    { text: row.tls_version?.replace(/^TLS /, "") ?? "-" },
    verifiedCell(row, c),
    { text: shown(row.mem_peak) },
    { text: shown(row.ms) },
    { text: String(row.messages) },
    { text: attentionWords(row), paint: c.red },
  ];
}

/** Pads first, then paints: escape codes must not count towards a column's width. */
function line(row: Cell[], widths: number[]): string {
  return row
    .map((cell, i) => {
      const padded = i === row.length - 1 ? cell.text : cell.text.padEnd(widths[i]);
      return cell.paint && cell.text ? cell.paint(cell.text) + padded.slice(cell.text.length) : padded;
    })
    .join("  ")
    .trimEnd();
}

/** The header and one aligned line per device. */
export function tableLines(rows: DeviceRow[], c: Colors, now: Date): string[] {
  const body = rows.map((row) => cells(row, c, now));
  const widths = HEADER.map((title, i) => Math.max(title.length, ...body.map((cellsOf) => cellsOf[i].text.length)));
  return [c.dim(line(HEADER.map((text) => ({ text })), widths)), ...body.map((cellsOf) => line(cellsOf, widths))];
}

/** The header of the one-line-per-update log. */
export function logHeader(c: Colors): string {
  return c.dim(line(HEADER.map((text) => ({ text })), LOG_WIDTHS));
}

/** One device's row as a log line (fixed widths). */
export function logLine(row: DeviceRow, c: Colors, now: Date): string {
  return line(cells(row, c, now), LOG_WIDTHS);
}

/** "3 devices (1 needs a look), 5 messages, 1 malformed (last: TOPIC: not JSON)". */
export function summaryLine(rows: DeviceRow[], messages: number, malformed: MalformedSummary, c: Colors): string {
  const marked = rows.filter((row) => row.attention.length > 0).length;
  let out = `${rows.length} device${rows.length === 1 ? "" : "s"}`;
  if (marked) out += c.red(` (${marked} need${marked === 1 ? "s" : ""} a look)`);
  out += `, ${messages} message${messages === 1 ? "" : "s"}`;
  const last = malformed.recent[malformed.recent.length - 1];
  if (malformed.count) out += c.yellow(`, ${malformed.count} malformed (last: ${last.topic}: ${last.reason})`);
  return out;
}

export interface ScreenState {
  rows: DeviceRow[];
  messages: number;
  malformed: MalformedSummary;
  now: Date;
}

/**
 * The live table on a terminal. On a TTY it redraws the whole table, at most
 * every `intervalMs`, with the last few status lines under it; elsewhere it
 * writes a header once and a line per device update, and status lines to
 * standard error.
 */
export class LiveScreen {
  private readonly status: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private headerShown = false;
  private closed = false;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly c: Colors,
    private readonly state: () => ScreenState,
    private readonly intervalMs = 250,
  ) {}

  get redraws(): boolean {
    return this.out.isTTY === true;
  }

  /** A device's row changed. */
  update(row: DeviceRow): void {
    if (this.redraws) return this.schedule();
    if (!this.headerShown) this.out.write(logHeader(this.c) + "\n");
    this.headerShown = true;
    this.out.write(logLine(row, this.c, this.state().now) + "\n");
  }

  /** A status line ("connected", "malformed message", ...). */
  note(text: string): void {
    if (!this.redraws || this.closed) {
      process.stderr.write(text + "\n");
      return;
    }
    this.status.push(text);
    if (this.status.length > 3) this.status.shift();
    this.schedule();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.draw();
    }, this.intervalMs);
  }

  private draw(): void {
    const { rows, messages, malformed, now } = this.state();
    const lines = [...tableLines(rows, this.c, now), "", summaryLine(rows, messages, malformed, this.c), ...this.status.map((text) => this.c.dim(text))];
    // Cursor home, clear the screen: the table replaces itself.
    this.out.write("\x1b[H\x1b[2J" + lines.join("\n") + "\n");
  }

  /** Stops redrawing; draws the last state once more on a TTY. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.redraws && !this.closed) this.draw();
    this.closed = true;
  }
}
