// Names of TLS code points as howsmyssl reports them (pure lookups): the
// tables in ./code-point-names.ts, howsmyssl's names for GREASE values
// (RFC 8701), its text for unknown values, and protocol versions.
import { CIPHER_SUITES, NAMED_GROUPS, SIGNATURE_SCHEMES } from "./code-point-names.ts";

/** GREASE values are 0x?A?A with both bytes equal (RFC 8701). */
export function isGrease(code: number): boolean {
  return (code & 0x0f0f) === 0x0a0a && code >> 8 === (code & 0xff);
}

function greaseSuffix(code: number): string {
  return (code >> 8).toString(16).toUpperCase().padStart(2, "0");
}

/** Go's "%#04x": 0x and at least four lowercase hex digits, as howsmyssl prints unknown values. */
export function goHex(code: number): string {
  return `0x${code.toString(16).padStart(4, "0")}`;
}

/** howsmyssl's name for a cipher suite, or undefined when it does not know it. GREASE has names. */
export function cipherSuiteName(code: number): string | undefined {
  if (isGrease(code)) return `TLS_GREASE_IS_THE_WORD_${greaseSuffix(code)}`;
  return CIPHER_SUITES.get(code);
}

/** Registry name of a named group (GREASE included), or undefined. */
export function namedGroupName(code: number): string | undefined {
  if (isGrease(code)) return `GREASE_${greaseSuffix(code)}`;
  return NAMED_GROUPS.get(code);
}

/** Registry name of a signature scheme (GREASE included), or undefined. */
export function signatureSchemeName(code: number): string | undefined {
  if (isGrease(code)) return `GREASE_${greaseSuffix(code)}`;
  return SIGNATURE_SCHEMES.get(code);
}

/** Named group as shown in given_named_groups: its name or howsmyssl's "Unknown named group" text. */
export function displayNamedGroup(code: number): string {
  return namedGroupName(code) ?? `Unknown named group: ${goHex(code)}`;
}

/** Signature scheme as shown in given_signature_algorithms. */
export function displaySignatureScheme(code: number): string {
  return signatureSchemeName(code) ?? `Unknown signature scheme: ${goHex(code)}`;
}

// TLS 1.3 drafts that howsmyssl still recognises in supported_versions (18, 21-33).
const TLS13_DRAFTS = [18, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33].map((n) => 0x7f00 | n);

export const VERSION = { SSL30: 0x0300, TLS10: 0x0301, TLS11: 0x0302, TLS12: 0x0303, TLS13: 0x0304 } as const;

/** "TLS 1.2" etc. for the versions howsmyssl names; undefined for others (GREASE included). */
export function versionName(code: number): string | undefined {
  switch (code) {
    case VERSION.SSL30:
      return "SSL 3.0";
    case VERSION.TLS10:
      return "TLS 1.0";
    case VERSION.TLS11:
      return "TLS 1.1";
    case VERSION.TLS12:
      return "TLS 1.2";
    case VERSION.TLS13:
      return "TLS 1.3";
    default:
      return TLS13_DRAFTS.includes(code) ? "TLS 1.3" : undefined;
  }
}

/** Named groups that give post-quantum key agreement (ML-KEM and its hybrids). */
export const POST_QUANTUM_GROUPS: ReadonlySet<number> = new Set([0x11eb, 0x11ec, 0x11ed, 0x0200, 0x0201, 0x0202]);
