// The check's result -> the RESULT object, its human rendering, and the one
// machine-readable `RESULT {json}` line (pure).
import type { Failure } from "./failure.ts";
import type { PublishReport, ResultJson, TlsReport } from "./result.ts";
import { find } from "./text.ts";

export interface CheckResult {
  url: string;
  firmware: string;
  ms: number;
  memPeak: number | null;
  /** Set on success (when `failure` is null). */
  report: TlsReport | null;
  /** true: the firmware refused a decoy CA; false: it accepted it, or no CA is pinned; null: not probed. */
  certVerified: boolean | null;
  /** Set on failure. */
  failure: Failure | null;
  /** How publishing it to the MQTT broker went (app/publisher.ts): RESULT's `report`. */
  delivery?: PublishReport;
}

/** The RESULT object: ok, url, then the outcome, then timing and memory (the key order is the line's). */
export function resultObject(result: CheckResult): ResultJson {
  const failed = result.failure;
  const out = { ok: !failed, url: result.url } as ResultJson;
  if (failed) {
    Object.assign(out, failed);
  } else {
    Object.assign(out, result.report);
    out.cert_verified = result.certVerified;
  }
  out.ms = result.ms;
  out.mem_peak = result.memPeak;
  out.firmware = result.firmware;
  // Quoted: the build shortens the app's own property `report` (scripts/build/bundle.ts).
  if (result.delivery) out["report"] = result.delivery;
  return out;
}

export function resultLine(result: CheckResult): string {
  return "RESULT " + JSON.stringify(resultObject(result));
}

/** One "  key: value" line per RESULT field, and a warning when the server went unauthenticated. */
export function reportLines(result: CheckResult): string[] {
  const out = resultObject(result);
  const lines = [""];
  for (const key of Object.keys(out)) {
    const value = (out as unknown as { [key: string]: unknown })[key];
    lines.push("  " + key + ": " + (Array.isArray(value) ? value.join(", ") : value && typeof value === "object" ? JSON.stringify(value) : value));
  }
  if (out.cert_verified === false) lines.push("WARNING: server NOT authenticated (see firmware/)");
  return lines;
}

/**
 * Replaces every occurrence of each secret (Wi-Fi password, private key,
 * broker password) with ***: the host's rules (scripts/lib/redact.ts, its
 * MASK) in their smallest form, whole occurrences only. Not split/join: Espruino's
 * split drops a text shorter than the separator and splits inside overlapping
 * runs.
 */
export function redact(text: string, secrets: string[]): string {
  for (const secret of secrets) {
    let done = "";
    let at: number;
    while (secret && (at = find(text, secret)) >= 0) {
      done += text.substr(0, at) + "***";
      text = text.substr(at + secret.length);
    }
    text = done + text;
  }
  return text;
}
