// howsmyssl's answer (JSON from GET /a/check) -> the report (pure). The
// report keeps howsmyssl's own field names, so the RESULT line speaks the
// service's vocabulary; why a rating is what it is can be read from these
// fields (the host tools explain it, keeping the bundle small).
import type { TlsReport } from "./result.ts";

const FLAGS = ["ephemeral_keys_supported", "session_ticket_supported", "tls_compression_supported", "post_quantum_key_agreement"];

/** Parses the answer; a string return is the reason it is not a howsmyssl answer. */
export function parseHowsmyssl(body: string): TlsReport | string {
  let json: { [key: string]: unknown };
  try {
    json = JSON.parse(body);
  } catch (e) {
    return "not JSON";
  }
  if (!json || typeof json.tls_version !== "string" || typeof json.rating !== "string") return "not a howsmyssl answer";
  const suites = json.given_cipher_suites;
  const groups = json.given_named_groups;
  const insecure = json.insecure_cipher_suites;
  const report = {
    tls_version: json.tls_version,
    rating: json.rating,
    suites_offered: Array.isArray(suites) ? suites.length : 0,
    insecure_cipher_suites: insecure && typeof insecure === "object" ? insecure : {},
    given_named_groups: Array.isArray(groups) ? groups : [],
  } as TlsReport;
  for (const flag of FLAGS) (report as unknown as { [key: string]: boolean })[flag] = json[flag] === true;
  return report;
}
