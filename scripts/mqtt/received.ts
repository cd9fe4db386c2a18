// What arrived on a broker's result topics, as npm start shows it after a
// check published there. SEAM for the fleet view: once scripts/fleet/ lands,
// `renderReceived` is where its table for these devices goes (same input:
// every RESULT received so far, newest last).
import type { ResultJson } from "../lib/result.ts";

export interface ReceivedResult {
  topic: string;
  /** The RESULT object, or null when the payload was not one. */
  result: ResultJson | null;
  /** The payload as it came (for one that was not a RESULT). */
  payload: string;
}

/** A received message, read as a RESULT object (the device publishes exactly resultObject's JSON). */
export function readReceived(topic: string, payload: Buffer): ReceivedResult {
  const text = payload.toString("utf8");
  let result: ResultJson | null = null;
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === "object" && typeof (value as ResultJson).ok === "boolean") result = value as ResultJson;
  } catch {
    // not JSON: shown as it came
  }
  return { topic, result, payload: text };
}

/** One line per message: topic, then ok and the rating or the failure, TLS version, verification, memory, time. */
export function renderReceived(received: readonly ReceivedResult[]): string[] {
  return received.map(({ topic, result, payload }) => {
    if (!result) return `${topic}: not a RESULT: ${JSON.stringify(payload.slice(0, 80))}`;
    const outcome = result.ok ? `ok, ${result.rating ?? "?"}, ${result.tls_version ?? "?"}` : `${result.error}: ${result.detail}`;
    return `${topic}: ${outcome}, cert_verified ${String(result.cert_verified)}, mem_peak ${String(result.mem_peak)}, ${result.ms} ms, firmware ${result.firmware}`;
  });
}
