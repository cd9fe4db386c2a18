// The device's `RESULT {json}` line on the host: finding it in output,
// explaining the rating, and the exit code every runner (start, upload) uses.
import type { ResultJson } from "../../app/result.ts";
import { CUTOVERS, cutoverDay } from "./cutovers.ts";

export type Rating = "Probably Okay" | "Improvable" | "Bad";
export type FailOn = "improvable" | "bad";

/** The RESULT object as the device writes it: app/result.ts is the contract. */
export type { ResultJson } from "../../app/result.ts";

export const EXIT = { OK: 0, USAGE: 1, CHECK_FAILED: 2, RATING: 3 } as const;

const RATING_ORDER: Record<string, number> = { "Probably Okay": 0, Improvable: 1, Bad: 2 };

/** The RESULT object in one line of output, or null when the line is not one. */
export function parseResultLine(line: string): ResultJson | null {
  const at = line.indexOf("RESULT {");
  if (at < 0) return null;
  try {
    const value = JSON.parse(line.slice(at + 7).trim()) as unknown;
    if (!value || typeof value !== "object" || typeof (value as ResultJson).ok !== "boolean") return null;
    return value as ResultJson;
  } catch {
    return null;
  }
}

/**
 * 0: the check completed; 2: it failed (or never said), or publishing it was
 * asked for (the RESULT has a `report`) and failed; 3: it completed but the
 * rating is `failOn` or worse.
 */
export function exitCodeFor(result: ResultJson | null, failOn?: FailOn): number {
  if (!result || !result.ok || (result.report && !result.report.published)) return EXIT.CHECK_FAILED;
  if (failOn) {
    const threshold = failOn === "bad" ? 2 : 1;
    const rank = RATING_ORDER[result.rating ?? ""] ?? 2;
    if (rank >= threshold) return EXIT.RATING;
  }
  return EXIT.OK;
}

const MARKED_DOWN = `marked down from ${cutoverDay(CUTOVERS.improvable)}, Bad from ${cutoverDay(CUTOVERS.bad)}`;

/** Why howsmyssl rated the client as it did, from the RESULT fields (its rules, 2026). */
export function ratingReasons(result: ResultJson): string[] {
  const reasons: string[] = [];
  const insecure = Object.keys(result.insecure_cipher_suites ?? {});
  if (insecure.length) reasons.push(`insecure cipher suites offered: ${insecure.join(", ")}`);
  if (result.tls_compression_supported) reasons.push("TLS compression is offered (CRIME)");
  if (result.ephemeral_keys_supported === false) reasons.push("no ephemeral (forward-secret) key exchange");
  if (result.tls_version && result.tls_version !== "TLS 1.3") {
    reasons.push(`${result.tls_version} is the newest version offered (${MARKED_DOWN})`);
  }
  if (result.post_quantum_key_agreement === false) {
    reasons.push(`no post-quantum key agreement (${MARKED_DOWN})`);
  }
  return reasons;
}
