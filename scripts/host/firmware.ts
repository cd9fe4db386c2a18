// The firmwares the host runtime can play, and what each one's TLS client
// offers and does (pure data). The host runtime is only as useful as it is
// faithful: what the checker sees from it, and what the app sees, should be
// what the firmware would give. What Node's OpenSSL cannot reproduce is
// listed, with the reason, in docs/host-runtime.md.
//
// - wolfssl: this project's wolfSSL backend, the recommended firmware: TLS 1.3
//   preferred, TLS 1.2 minimum with ECDHE and AEAD suites only, groups
//   X25519MLKEM768 (with its key share) then X25519 and P-256, verification
//   when a CA is given, SNI, mutual TLS, no session tickets.
// - mbedtls: firmware/tls on ESP-IDF 4.4's mbedTLS 2.28 (firmware/README.md,
//   firmware/sdkconfig.tls, firmware/tls/tls_policy.c): TLS 1.2 only, the
//   same suites, groups x25519, secp256r1, secp384r1, no session tickets, no
//   renegotiation.
// - stock: stock Espruino 2v29 (the Linux build's bundled mbedTLS 2.1.1, as
//   measured in docs/espruino-behaviour.md): RSA and DHE-RSA key exchange, no
//   SNI, no verification, close_notify as an error.
import { constants } from "node:crypto";
import type tls from "node:tls";
import { HYBRID_GROUP, groupProblem } from "../lib/tls-groups.ts";

export const FIRMWARES = ["wolfssl", "mbedtls", "stock"] as const;
export type Firmware = (typeof FIRMWARES)[number];

/** The firmware the README recommends, and so what the host runtime plays unless told otherwise. */
export const DEFAULT_FIRMWARE: Firmware = "wolfssl";

export interface FirmwareTls {
  name: Firmware;
  /** For messages: "this project's wolfSSL firmware (TLS 1.3, X25519MLKEM768)". */
  title: string;
  /** Verifies the server (chain, dates, name) whenever a CA is given. */
  verifies: boolean;
  /** Sends the host name as SNI (never an IP literal, RFC 6066). */
  sendsSni: boolean;
  /** The peer's close_notify arrives as error -0x7880, not as a clean end (stock's socket layer). */
  closeNotifyIsError: boolean;
  /** Cannot sign with an EC client key (no ECDSA in stock's mbedTLS): handshake error -0x3f00. */
  ecClientKeyFails: boolean;
  /**
   * A failure after the handshake but before any data is reported as the
   * handshake's: in TLS 1.3 a server refuses the client's certificate only
   * after the client has finished, and the wolfSSL backend reports it so.
   */
  lateRefusalFailsHandshake: boolean;
  /** Reports only the first problem with the server's certificate (wolfSSL); mbedTLS lists them all. */
  firstVerifyReasonOnly: boolean;
  /** The hybrid group this Node must have (see scripts/lib/tls-groups.ts). */
  needsGroup: string | null;
  /** What node:tls offers, so that the ClientHello says what the firmware's would (servername aside). */
  offer: tls.ConnectionOptions;
}

/** OpenSSL's SSL_OP_NO_EXTENDED_MASTER_SECRET (no Node constant): mbedTLS 2.1.1 sends no such extension. */
const SSL_OP_NO_EXTENDED_MASTER_SECRET = 0x1;

/** ECDHE with AES-GCM or ChaCha20-Poly1305, in firmware/tls/tls_policy.c's order (ECDSA first). */
const MBEDTLS_POLICY_SUITES = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-RSA-CHACHA20-POLY1305",
];

/** mbedTLS 2.28's TLS 1.2 signature_algorithms: its default hashes (SHA-512 down to SHA-224), ECDSA before RSA. */
const MBEDTLS_SIGNATURE_ALGORITHMS = "ECDSA+SHA512:RSA+SHA512:ECDSA+SHA384:RSA+SHA384:ECDSA+SHA256:RSA+SHA256:ECDSA+SHA224:RSA+SHA224";

/** TLS 1.3's AEAD suites, then the TLS 1.2 ECDHE ones, as the wolfSSL backend lists them. */
const WOLFSSL_SUITES = [
  "TLS_AES_128_GCM_SHA256",
  "TLS_CHACHA20_POLY1305_SHA256",
  "TLS_AES_256_GCM_SHA384",
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
];

/**
 * What the wolfSSL build can verify: ECDSA on P-256/P-384/P-521, RSA-PSS and
 * RSA PKCS#1 with SHA-256/384/512 (no Ed25519, SHA-1, SHA-224 or ML-DSA,
 * which OpenSSL 3.5 would offer by default).
 */
const WOLFSSL_SIGNATURE_ALGORITHMS = [
  "ecdsa_secp256r1_sha256",
  "ecdsa_secp384r1_sha384",
  "ecdsa_secp521r1_sha512",
  "rsa_pss_rsae_sha256",
  "rsa_pss_rsae_sha384",
  "rsa_pss_rsae_sha512",
  "rsa_pss_pss_sha256",
  "rsa_pss_pss_sha384",
  "rsa_pss_pss_sha512",
  "rsa_pkcs1_sha256",
  "rsa_pkcs1_sha384",
  "rsa_pkcs1_sha512",
].join(":");

/**
 * Stock Espruino's bundled mbedTLS 2.1.1: RSA and DHE-RSA key exchange with
 * AES (GCM, CCM, CBC), in the order its ClientHello lists them (measured).
 */
const STOCK_SUITES = [
  "DHE-RSA-AES256-GCM-SHA384",
  "DHE-RSA-AES256-CCM",
  "DHE-RSA-AES256-SHA256",
  "DHE-RSA-AES256-SHA",
  "DHE-RSA-AES256-CCM8",
  "DHE-RSA-AES128-GCM-SHA256",
  "DHE-RSA-AES128-CCM",
  "DHE-RSA-AES128-SHA256",
  "DHE-RSA-AES128-SHA",
  "DHE-RSA-AES128-CCM8",
  "AES256-GCM-SHA384",
  "AES256-CCM",
  "AES256-SHA256",
  "AES256-SHA",
  "AES256-CCM8",
  "AES128-GCM-SHA256",
  "AES128-CCM",
  "AES128-SHA256",
  "AES128-SHA",
  "AES128-CCM8",
];

/** mbedTLS 2.x without ECDSA signs only with RSA. */
const STOCK_SIGNATURE_ALGORITHMS = "RSA+SHA512:RSA+SHA384:RSA+SHA256:RSA+SHA224:RSA+SHA1";

const TLS12_ONLY = { minVersion: "TLSv1.2", maxVersion: "TLSv1.2" } as const;

// Neither firmware resumes sessions (no tickets) or renegotiates.
const NO_TICKET_NO_RENEGOTIATION = constants.SSL_OP_NO_TICKET | constants.SSL_OP_NO_RENEGOTIATION;

const PROFILES: Record<Firmware, FirmwareTls> = {
  wolfssl: {
    name: "wolfssl",
    title: `this project's wolfSSL firmware (TLS 1.3, ${HYBRID_GROUP})`,
    verifies: true,
    sendsSni: true,
    closeNotifyIsError: false,
    ecClientKeyFails: false,
    lateRefusalFailsHandshake: true,
    firstVerifyReasonOnly: true,
    needsGroup: HYBRID_GROUP,
    offer: {
      minVersion: "TLSv1.2",
      maxVersion: "TLSv1.3",
      ciphers: WOLFSSL_SUITES.join(":"),
      // The first group gets the one key share (OpenSSL shares only the first unless told otherwise).
      ecdhCurve: `${HYBRID_GROUP}:X25519:P-256`,
      sigalgs: WOLFSSL_SIGNATURE_ALGORITHMS,
      // AEAD suites only: encrypt-then-MAC has nothing to do.
      secureOptions: NO_TICKET_NO_RENEGOTIATION | constants.SSL_OP_NO_ENCRYPT_THEN_MAC,
    },
  },
  mbedtls: {
    name: "mbedtls",
    title: "this project's mbedTLS firmware (TLS 1.2)",
    verifies: true,
    sendsSni: true,
    closeNotifyIsError: false,
    ecClientKeyFails: false,
    lateRefusalFailsHandshake: false,
    firstVerifyReasonOnly: false,
    needsGroup: null,
    offer: {
      ...TLS12_ONLY,
      ciphers: MBEDTLS_POLICY_SUITES.join(":"),
      ecdhCurve: "X25519:P-256:P-384",
      sigalgs: MBEDTLS_SIGNATURE_ALGORITHMS,
      secureOptions: NO_TICKET_NO_RENEGOTIATION,
    },
  },
  stock: {
    name: "stock",
    title: "stock Espruino's TLS (no verification, no SNI)",
    verifies: false,
    sendsSni: false,
    closeNotifyIsError: true,
    ecClientKeyFails: true,
    lateRefusalFailsHandshake: false,
    firstVerifyReasonOnly: false,
    needsGroup: null,
    offer: {
      ...TLS12_ONLY,
      ciphers: STOCK_SUITES.join(":") + ":@SECLEVEL=0",
      sigalgs: STOCK_SIGNATURE_ALGORITHMS,
      secureOptions: constants.SSL_OP_NO_TICKET | constants.SSL_OP_NO_ENCRYPT_THEN_MAC | SSL_OP_NO_EXTENDED_MASTER_SECRET,
    },
  },
};

export function firmwareTls(name: Firmware = DEFAULT_FIRMWARE): FirmwareTls {
  return PROFILES[name];
}

export function isFirmware(name: string): name is Firmware {
  return (FIRMWARES as readonly string[]).includes(name);
}

/** Why this Node cannot play `firmware` (it lacks a group the firmware offers), or null. */
export function firmwareProblem(firmware: FirmwareTls): string | null {
  const problem = firmware.needsGroup === null ? null : groupProblem(firmware.needsGroup);
  return problem && `--firmware ${firmware.name}: ${problem}`;
}
