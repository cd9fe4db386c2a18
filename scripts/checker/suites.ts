// How howsmyssl classifies cipher suites (pure data): the insecure families
// with the reason it gives for each, CBC suites (for BEAST), and the "meta"
// values that are not real suites. Keyed by howsmyssl's suite names.
import { cipherSuiteName, isGrease } from "./names.ts";

export const REASON = {
  fewBit: "uses keys smaller than 128 bits in its encryption",
  null: "specifies no encryption at all for the connection",
  nullAuth: "is open to man-in-the-middle attacks because it does not authenticate the server",
  weirdNss: "was meant to die with SSL 3.0 and is of unknown safety",
  rc4: "uses RC4 which has insecure biases in its output",
  sweet32:
    "uses 3DES which is vulnerable to the Sweet32 attack but was not configured as a fallback in the ciphersuite order",
} as const;

/** Less than 128-bit encryption (export grade, DES, 40/56-bit RC2/RC4). */
// prettier-ignore
export const FEW_BIT_SUITES: ReadonlySet<string> = new Set([
  "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA",
  "TLS_DHE_DSS_WITH_DES_CBC_SHA",
  "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA",
  "TLS_DHE_RSA_WITH_DES_CBC_SHA",
  "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA",
  "TLS_DH_DSS_WITH_DES_CBC_SHA",
  "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA",
  "TLS_DH_RSA_WITH_DES_CBC_SHA",
  "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA",
  "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5",
  "TLS_DH_anon_WITH_DES_CBC_SHA",
  "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA",
  "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5",
  "TLS_RSA_EXPORT_WITH_RC4_40_MD5",
  "TLS_RSA_WITH_DES_CBC_SHA",
  "TLS_KRB5_EXPORT_WITH_DES_CBC_40_MD5",
  "TLS_KRB5_EXPORT_WITH_DES_CBC_40_SHA",
  "TLS_KRB5_EXPORT_WITH_RC4_40_MD5",
  "TLS_KRB5_EXPORT_WITH_RC4_40_SHA",
  "TLS_KRB5_WITH_DES_CBC_MD5",
  "TLS_KRB5_WITH_DES_CBC_SHA",
  "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA",
  "TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA",
  "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA",
  "TLS_DHE_DSS_EXPORT1024_WITH_RC4_56_SHA",
  "TLS_RSA_EXPORT1024_WITH_RC4_56_MD5",
  "TLS_RSA_EXPORT1024_WITH_RC2_CBC_56_MD5",
]);

/** No encryption at all. */
// prettier-ignore
export const NULL_SUITES: ReadonlySet<string> = new Set([
  "TLS_DHE_PSK_WITH_NULL_SHA",
  "TLS_DHE_PSK_WITH_NULL_SHA256",
  "TLS_DHE_PSK_WITH_NULL_SHA384",
  "TLS_ECDHE_ECDSA_WITH_NULL_SHA",
  "TLS_ECDHE_PSK_WITH_NULL_SHA",
  "TLS_ECDHE_PSK_WITH_NULL_SHA256",
  "TLS_ECDHE_PSK_WITH_NULL_SHA384",
  "TLS_ECDHE_RSA_WITH_NULL_SHA",
  "TLS_ECDH_ECDSA_WITH_NULL_SHA",
  "TLS_ECDH_RSA_WITH_NULL_SHA",
  "TLS_ECDH_anon_WITH_NULL_SHA",
  "TLS_NULL_WITH_NULL_NULL",
  "TLS_PSK_WITH_NULL_SHA",
  "TLS_PSK_WITH_NULL_SHA256",
  "TLS_PSK_WITH_NULL_SHA384",
  "TLS_RSA_PSK_WITH_NULL_SHA",
  "TLS_RSA_PSK_WITH_NULL_SHA256",
  "TLS_RSA_PSK_WITH_NULL_SHA384",
  "TLS_RSA_WITH_NULL_MD5",
  "TLS_RSA_WITH_NULL_SHA",
  "TLS_RSA_WITH_NULL_SHA256",
]);

/** Anonymous key exchange: no server authentication. */
// prettier-ignore
export const NULL_AUTH_SUITES: ReadonlySet<string> = new Set([
  "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA",
  "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5",
  "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA",
  "TLS_DH_anon_WITH_AES_128_CBC_SHA",
  "TLS_DH_anon_WITH_AES_128_CBC_SHA256",
  "TLS_DH_anon_WITH_AES_128_GCM_SHA256",
  "TLS_DH_anon_WITH_AES_256_CBC_SHA",
  "TLS_DH_anon_WITH_AES_256_CBC_SHA256",
  "TLS_DH_anon_WITH_AES_256_GCM_SHA384",
  "TLS_DH_anon_WITH_ARIA_128_CBC_SHA256",
  "TLS_DH_anon_WITH_ARIA_128_GCM_SHA256",
  "TLS_DH_anon_WITH_ARIA_256_CBC_SHA384",
  "TLS_DH_anon_WITH_ARIA_256_GCM_SHA384",
  "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA",
  "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256",
  "TLS_DH_anon_WITH_CAMELLIA_128_GCM_SHA256",
  "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA",
  "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256",
  "TLS_DH_anon_WITH_CAMELLIA_256_GCM_SHA384",
  "TLS_DH_anon_WITH_DES_CBC_SHA",
  "TLS_DH_anon_WITH_RC4_128_MD5",
  "TLS_DH_anon_WITH_SEED_CBC_SHA",
  "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA",
  "TLS_ECDH_anon_WITH_AES_128_CBC_SHA",
  "TLS_ECDH_anon_WITH_AES_256_CBC_SHA",
  "TLS_ECDH_anon_WITH_NULL_SHA",
  "TLS_ECDH_anon_WITH_RC4_128_SHA",
]);

/** RC4 (RFC 7465). */
// prettier-ignore
export const RC4_SUITES: ReadonlySet<string> = new Set([
  "TLS_RSA_EXPORT_WITH_RC4_40_MD5",
  "TLS_RSA_WITH_RC4_128_MD5",
  "TLS_RSA_WITH_RC4_128_SHA",
  "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5",
  "TLS_DH_anon_WITH_RC4_128_MD5",
  "TLS_KRB5_WITH_RC4_128_SHA",
  "TLS_KRB5_WITH_RC4_128_MD5",
  "TLS_KRB5_EXPORT_WITH_RC4_40_SHA",
  "TLS_KRB5_EXPORT_WITH_RC4_40_MD5",
  "TLS_PSK_WITH_RC4_128_SHA",
  "TLS_DHE_PSK_WITH_RC4_128_SHA",
  "TLS_RSA_PSK_WITH_RC4_128_SHA",
  "TLS_ECDH_ECDSA_WITH_RC4_128_SHA",
  "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
  "TLS_ECDH_RSA_WITH_RC4_128_SHA",
  "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
  "TLS_ECDH_anon_WITH_RC4_128_SHA",
  "TLS_ECDHE_PSK_WITH_RC4_128_SHA",
  "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA",
  "TLS_DHE_DSS_EXPORT1024_WITH_RC4_56_SHA",
  "TLS_DHE_DSS_WITH_RC4_128_SHA",
]);

/** 3DES: insecure (Sweet32) unless offered only as a fallback after better suites. */
// prettier-ignore
export const SWEET32_SUITES: ReadonlySet<string> = new Set([
  "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
  "TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA",
  "TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA",
  "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
  "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA",
  "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA",
  "TLS_KRB5_WITH_3DES_EDE_CBC_SHA",
  "TLS_KRB5_WITH_3DES_EDE_CBC_MD5",
  "TLS_PSK_WITH_3DES_EDE_CBC_SHA",
  "TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA",
  "TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA",
  "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA",
  "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA",
  "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA",
  "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
  "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA",
  "TLS_SRP_SHA_WITH_3DES_EDE_CBC_SHA",
  "TLS_SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA",
  "TLS_SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA",
  "TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA",
]);

/** TLS 1.3 suites (RFC 8446 B.4): never "better suites" for the Sweet32 fallback rule. */
export const TLS13_SUITES: ReadonlySet<number> = new Set([0x1301, 0x1302, 0x1303, 0x1304, 0x1305]);

/** Values in the suite list that signal something instead of naming a suite: GREASE and the renegotiation SCSV. */
export function isMetaSuite(code: number): boolean {
  return isGrease(code) || code === 0x00ff;
}

// The 56-bit export suites from an expired draft are not in the IANA registry,
// so howsmyssl's CBC list (derived from the registry) leaves them out.
const NON_IANA_CBC = new Set([0x0061, 0x0062, 0x0063]);

/** CBC-mode suites, used for BEAST detection. */
export function isCbcSuite(code: number): boolean {
  const name = cipherSuiteName(code);
  return name !== undefined && name.includes("_CBC_") && !NON_IANA_CBC.has(code);
}
