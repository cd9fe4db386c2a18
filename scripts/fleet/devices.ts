// The fleet's device table (pure): what each device last published, when,
// how often, a short history for the plots, and the messages that were not a
// RESULT. Fed by the subscription (scripts/fleet/subscription.ts), read by the
// terminal table, the --json output and the web page. The date of each message
// is the caller's: the model never reads the clock.
import { exitCodeFor, EXIT, type ResultJson, type FailOn } from "../lib/result.ts";

/** Points kept per device for the history plot. */
export const HISTORY_POINTS = 100;
/** Malformed messages kept, newest last, to show what was wrong. */
export const MALFORMED_KEPT = 5;
/** A RESULT is under 2 KB; anything far larger is not one (and is not parsed). */
export const PAYLOAD_LIMIT = 64 * 1024;

/** Why a device needs a look, in the order the table shows them. */
export type Attention = "failed" | "unverified" | "rating";

export interface HistoryPoint {
  at: string;
  ms: number | null;
  mem_peak: number | null;
}

/** One row of the table, as --json, the terminal and the page show it. */
export interface DeviceRow {
  id: string;
  topic: string;
  last_seen: string;
  /** RESULT messages received from this device while watching. */
  messages: number;
  ok: boolean;
  /** The failure class when the check failed. */
  error: string | null;
  rating: string | null;
  tls_version: string | null;
  cert_verified: boolean | null;
  mem_peak: number | null;
  ms: number | null;
  /** Empty when all is well; else why this device makes `--once` exit 3. */
  attention: Attention[];
  /** The RESULT as published. */
  result: ResultJson;
}

export interface MalformedMessage {
  at: string;
  topic: string;
  reason: string;
}

export interface MalformedSummary {
  count: number;
  recent: MalformedMessage[];
}

/** What one message did to the table. */
export type Update = { kind: "device"; row: DeviceRow; history: HistoryPoint[] } | { kind: "malformed"; message: MalformedMessage };

/** The device id in a topic: the levels the filter's `+` matched, else what its `#` matched, else the whole topic. */
export function deviceIdFromTopic(filter: string, topic: string): string | null {
  const want = filter.split("/");
  const got = topic.split("/");
  const plus: string[] = [];
  for (let i = 0; i < want.length; i++) {
    if (want[i] === "#") return plus.length ? plus.join("/") : got.slice(i).join("/") || topic;
    if (i >= got.length) return null;
    if (want[i] === "+") plus.push(got[i]);
    else if (want[i] !== got[i]) return null;
  }
  if (got.length !== want.length) return null;
  return plus.length ? plus.join("/") : topic;
}

/** The RESULT in a payload, or why it is not one. */
export function parseResultPayload(payload: Buffer): ResultJson | string {
  if (payload.length > PAYLOAD_LIMIT) return `${payload.length} bytes, too large for a RESULT`;
  let value: unknown;
  try {
    value = JSON.parse(payload.toString("utf8"));
  } catch {
    return payload.length === 0 ? "empty" : "not JSON";
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return "not a JSON object";
  if (typeof (value as ResultJson).ok !== "boolean") return 'no boolean "ok": not a RESULT';
  return value as ResultJson;
}

const text = (value: unknown): string | null => (typeof value === "string" ? value : null);
const number = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);

/**
 * Why a device needs a look: its check failed, it does not verify the
 * server (cert_verified false, or null: not probed), or its rating is at or
 * below `failOn` (the threshold `npm start --fail-on` uses).
 */
export function attentionFor(result: ResultJson, failOn: FailOn | null): Attention[] {
  if (!result.ok) return ["failed"];
  const out: Attention[] = [];
  if (result.cert_verified !== true) out.push("unverified");
  if (failOn && exitCodeFor(result, failOn) === EXIT.RATING) out.push("rating");
  return out;
}

interface DeviceState {
  row: DeviceRow;
  history: HistoryPoint[];
}

export class FleetTable {
  private readonly devices = new Map<string, DeviceState>();
  private malformedCount = 0;
  private readonly recentMalformed: MalformedMessage[] = [];
  private messageCount = 0;

  constructor(
    readonly filter: string,
    readonly failOn: FailOn | null,
  ) {}

  /** Takes one message received at `at`. */
  record(topic: string, payload: Buffer, at: Date): Update {
    this.messageCount++;
    const id = deviceIdFromTopic(this.filter, topic);
    const result = parseResultPayload(payload);
    if (id === null) return this.malformed(topic, `topic does not match ${this.filter}`, at);
    if (typeof result === "string") return this.malformed(topic, result, at);
    const previous = this.devices.get(id);
    const row: DeviceRow = {
      id,
      topic,
      last_seen: at.toISOString(),
      messages: (previous?.row.messages ?? 0) + 1,
      ok: result.ok,
      error: text(result.error),
      rating: text(result.rating),
      tls_version: text(result.tls_version),
      cert_verified: typeof result.cert_verified === "boolean" ? result.cert_verified : null,
      mem_peak: number(result.mem_peak),
      ms: number(result.ms),
      attention: attentionFor(result, this.failOn),
      result,
    };
    const history = previous?.history ?? [];
    history.push({ at: row.last_seen, ms: row.ms, mem_peak: row.mem_peak });
    if (history.length > HISTORY_POINTS) history.splice(0, history.length - HISTORY_POINTS);
    this.devices.set(id, { row, history });
    return { kind: "device", row, history };
  }

  private malformed(topic: string, reason: string, at: Date): Update {
    const message: MalformedMessage = { at: at.toISOString(), topic, reason };
    this.malformedCount++;
    this.recentMalformed.push(message);
    if (this.recentMalformed.length > MALFORMED_KEPT) this.recentMalformed.shift();
    return { kind: "malformed", message };
  }

  /** Every device's row, by id. */
  rows(): DeviceRow[] {
    return [...this.devices.values()].map((state) => state.row).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  history(id: string): HistoryPoint[] {
    return this.devices.get(id)?.history ?? [];
  }

  get size(): number {
    return this.devices.size;
  }

  malformedSummary(): MalformedSummary {
    return { count: this.malformedCount, recent: [...this.recentMalformed] };
  }

  /** Counts for a status line and the JSON's summary. */
  summary(): { devices: number; messages: number; malformed: number; attention: number } {
    const rows = this.rows();
    return {
      devices: rows.length,
      messages: this.messageCount,
      malformed: this.malformedCount,
      attention: rows.filter((row) => row.attention.length > 0).length,
    };
  }
}
