// How Espruino + mbedTLS would report what Node's TLS stack saw (pure).
// Sources: libs/network/network.c (message formats), socketerrors.c (socket
// error strings), mbedTLS's ssl.h/x509.h (codes) and x509_crt.c
// (mbedtls_x509_crt_verify_info strings), all in the Espruino tree.

/** mbedTLS error codes that the host runtime reports. */
export const MBEDTLS = {
  /** The peer sent a fatal alert (e.g. no shared cipher, client certificate required). */
  FATAL_ALERT_MESSAGE: -0x7780,
  /** The peer's record is not TLS (a plain TCP or HTTP server). */
  INVALID_RECORD: -0x7200,
  /** The peer sent close_notify. */
  PEER_CLOSE_NOTIFY: -0x7880,
  /** The server chose a protocol version the client does not allow. */
  BAD_HS_PROTOCOL_VERSION: -0x6e00,
  /** The ServerHello was unacceptable (e.g. a suite we did not offer). */
  BAD_HS_SERVER_HELLO: -0x7980,
  BAD_HS_SERVER_KEY_EXCHANGE: -0x7b00,
  /** Certificate verification failed (VERIFY_REQUIRED ends the handshake with this). */
  X509_CERT_VERIFY_FAILED: -0x2700,
  INTERNAL_ERROR: -0x6c00,
  /** The bundled mbedTLS cannot use an EC private key (no ECDSA): measured on stock 2v29. */
  PK_TYPE_MISMATCH: -0x3f00,
  /**
   * What mbedTLS returns when the connection drops mid-handshake on Espruino:
   * its recv callback passes the network layer's -1 straight through.
   */
  NET_CLOSED: -0x1,
} as const;

/** mbedTLS x509.h verify flags. */
export const X509 = {
  BADCERT_EXPIRED: 0x01,
  BADCERT_REVOKED: 0x02,
  BADCERT_CN_MISMATCH: 0x04,
  BADCERT_NOT_TRUSTED: 0x08,
  BADCERT_MISSING: 0x40,
  BADCERT_OTHER: 0x0100,
  BADCERT_FUTURE: 0x0200,
  BADCERT_KEY_USAGE: 0x0800,
  BADCERT_EXT_KEY_USAGE: 0x1000,
  BADCERT_BAD_MD: 0x4000,
  BADCERT_BAD_PK: 0x8000,
  BADCERT_BAD_KEY: 0x010000,
} as const;

/** x509_crt_verify_strings, in mbedTLS's order (the order lines are printed in). */
const VERIFY_STRINGS: Array<[number, string]> = [
  [0x01, "The certificate validity has expired"],
  [0x02, "The certificate has been revoked (is on a CRL)"],
  [0x04, "The certificate Common Name (CN) does not match with the expected CN"],
  [0x08, "The certificate is not correctly signed by the trusted CA"],
  [0x10, "The CRL is not correctly signed by the trusted CA"],
  [0x20, "The CRL is expired"],
  [0x40, "Certificate was missing"],
  [0x80, "Certificate verification was skipped"],
  [0x0100, "Other reason (can be used by verify callback)"],
  [0x0200, "The certificate validity starts in the future"],
  [0x0400, "The CRL is from the future"],
  [0x0800, "Usage does not match the keyUsage extension"],
  [0x1000, "Usage does not match the extendedKeyUsage extension"],
  [0x2000, "Usage does not match the nsCertType extension"],
  [0x4000, "The certificate is signed with an unacceptable hash."],
  [0x8000, "The certificate is signed with an unacceptable PK alg (eg RSA vs ECDSA)."],
  [0x010000, "The certificate is signed with an unacceptable key (eg bad curve, RSA too short)."],
  [0x020000, "The CRL is signed with an unacceptable hash."],
  [0x040000, "The CRL is signed with an unacceptable PK alg (eg RSA vs ECDSA)."],
  [0x080000, "The CRL is signed with an unacceptable key (eg bad curve, RSA too short)."],
];

/** mbedtls_x509_crt_verify_info(buf, size, prefix, flags). */
export function verifyInfo(flags: number, prefix = "  ! "): string {
  let out = "";
  let rest = flags;
  for (const [code, text] of VERIFY_STRINGS) {
    if ((rest & code) === 0) continue;
    out += prefix + text + "\n";
    rest ^= code;
  }
  if (rest !== 0) out += prefix + "Unknown reason (this should not happen)\n";
  return out;
}

/** jswrap_crypto_error_to_jsvar: "-0x7780" (lower-case hex), or a name for the few it knows. */
export function mbedtlsErrorText(code: number): string {
  if (code === -0x2180 || code === -0x3d00) return "Invalid format"; // X509 / PK invalid format
  if (code === -0x6d00) return "Public key type mismatch";
  if (code === -0x2880 || code === -0x7f00 || code === -0x3f80 || code === -0x5180) return "Not enough memory";
  if (code === -0x5080) return "Feature unavailable";
  if (code === -0x5100) return "Bad input data";
  return "-0x" + (-code).toString(16);
}

/** The message of the uncaught InternalError after a failed handshake. */
export function handshakeMessage(code: number): string {
  return "mbedtls_ssl_handshake returned " + mbedtlsErrorText(code);
}

/**
 * The InternalError message of the project's firmware for a failed
 * verification (firmware/tls/tls_policy_cert.c): mbedTLS's reasons on one
 * line, then the handshake's -0x2700.
 */
export function verifyMessage(flags: number): string {
  const reasons = verifyInfo(flags, "").split("\n").filter((line) => line !== "");
  if (reasons.length === 0) return handshakeMessage(MBEDTLS.X509_CERT_VERIFY_FAILED);
  return `mbedtls_x509_crt_verify: ${reasons.join("; ")} (${handshakeMessage(MBEDTLS.X509_CERT_VERIFY_FAILED)})`;
}

/** socketErrorString from libs/network/socketerrors.c: codes below -15 are "unknown error". */
export function socketErrorString(code: number): string {
  const names = [
    "connection closed",
    "out of memory",
    "timeout",
    "no route",
    "busy",
    "not found",
    "max sockets",
    "unsent data",
    "connection reset",
    "unknown error",
    "no connection",
    "bad argument",
    "SSL handshake failed",
    "invalid SSL data",
    "no response",
  ];
  if (code >= 0) return "";
  if (code < -15) return "unknown error";
  return names[-1 - code];
}

export const SOCKET_ERR = { CLOSED: -1, UNSENT_DATA: -8 } as const;

/**
 * The mbedTLS code for a Node TLS/socket error. Received alerts are fatal
 * alerts; "wrong version number" and friends mean the peer is not speaking
 * TLS (mbedTLS: invalid record); a dropped connection is the network layer's
 * -1 passed through.
 */
export function mbedtlsCodeForNodeError(code: string | undefined, message = ""): number {
  const nodeCode = code ?? "";
  // OpenSSL 3.2 and later say "SSL/TLS alert" where 3.0 said "SSLv3 alert".
  if (/^ERR_SSL_(SSLV3|SSL\/TLS|TLSV1|TLSV13)_ALERT_/.test(nodeCode)) return MBEDTLS.FATAL_ALERT_MESSAGE;
  if (
    nodeCode === "ERR_SSL_WRONG_VERSION_NUMBER" ||
    nodeCode === "ERR_SSL_PACKET_LENGTH_TOO_LONG" ||
    nodeCode === "ERR_SSL_RECORD_LENGTH_MISMATCH" ||
    nodeCode === "ERR_SSL_HTTP_REQUEST" ||
    nodeCode === "ERR_SSL_HTTPS_PROXY_REQUEST" ||
    nodeCode === "ERR_SSL_BAD_RECORD_TYPE" ||
    nodeCode === "ERR_SSL_UNEXPECTED_RECORD" ||
    nodeCode === "ERR_SSL_UNEXPECTED_MESSAGE" ||
    nodeCode === "ERR_SSL_RECORD_LAYER_FAILURE"
  ) {
    return MBEDTLS.INVALID_RECORD;
  }
  if (nodeCode === "ERR_SSL_UNSUPPORTED_PROTOCOL" || nodeCode === "ERR_SSL_NO_PROTOCOLS_AVAILABLE") {
    return MBEDTLS.BAD_HS_PROTOCOL_VERSION;
  }
  if (nodeCode === "ERR_SSL_WRONG_CIPHER_RETURNED" || nodeCode === "ERR_SSL_WRONG_CURVE" || nodeCode === "ERR_SSL_BAD_ECPOINT") {
    return MBEDTLS.BAD_HS_SERVER_HELLO;
  }
  if (nodeCode === "ERR_SSL_DH_KEY_TOO_SMALL" || nodeCode === "ERR_SSL_BAD_SIGNATURE") return MBEDTLS.BAD_HS_SERVER_KEY_EXCHANGE;
  if (nodeCode === "ECONNRESET" || nodeCode === "EPIPE" || nodeCode === "ECONNABORTED" || /socket disconnected|socket hang up/i.test(message)) {
    return MBEDTLS.NET_CLOSED;
  }
  return MBEDTLS.INTERNAL_ERROR;
}

/** What the adapter found out about the server's certificate chain. */
export interface CertificateEvidence {
  now: Date;
  /** Validity of every certificate checked: the chain the server sent and, when trusted, the CA. */
  validity: Array<{ notBefore: Date; notAfter: Date }>;
  /** The leaf chains to the pinned CA (signatures checked). */
  trusted: boolean;
  /** The name (or IP) we connected to matches the leaf. */
  nameMatches: boolean;
  /** Node/OpenSSL's own verdict (`authorizationError.code`), if any. */
  nodeError?: string | null;
}

/** Node/OpenSSL verify error codes -> mbedTLS flags, for what the checks above do not cover. */
const NODE_VERIFY_FLAGS: Record<string, number> = {
  CERT_HAS_EXPIRED: X509.BADCERT_EXPIRED,
  CERT_NOT_YET_VALID: X509.BADCERT_FUTURE,
  ERR_TLS_CERT_ALTNAME_INVALID: X509.BADCERT_CN_MISMATCH,
  HOSTNAME_MISMATCH: X509.BADCERT_CN_MISMATCH,
  IP_ADDRESS_MISMATCH: X509.BADCERT_CN_MISMATCH,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: X509.BADCERT_NOT_TRUSTED,
  DEPTH_ZERO_SELF_SIGNED_CERT: X509.BADCERT_NOT_TRUSTED,
  SELF_SIGNED_CERT_IN_CHAIN: X509.BADCERT_NOT_TRUSTED,
  UNABLE_TO_GET_ISSUER_CERT: X509.BADCERT_NOT_TRUSTED,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: X509.BADCERT_NOT_TRUSTED,
  CERT_SIGNATURE_FAILURE: X509.BADCERT_NOT_TRUSTED,
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: X509.BADCERT_NOT_TRUSTED,
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: X509.BADCERT_NOT_TRUSTED,
  CERT_UNTRUSTED: X509.BADCERT_NOT_TRUSTED,
  CERT_REJECTED: X509.BADCERT_NOT_TRUSTED,
  INVALID_CA: X509.BADCERT_NOT_TRUSTED,
  CERT_CHAIN_TOO_LONG: X509.BADCERT_NOT_TRUSTED,
  PATH_LENGTH_EXCEEDED: X509.BADCERT_NOT_TRUSTED,
  CERT_REVOKED: X509.BADCERT_REVOKED,
  INVALID_PURPOSE: X509.BADCERT_EXT_KEY_USAGE,
  EE_KEY_TOO_SMALL: X509.BADCERT_BAD_KEY,
  CA_KEY_TOO_SMALL: X509.BADCERT_BAD_KEY,
  CA_MD_TOO_WEAK: X509.BADCERT_BAD_MD,
};

/**
 * The wolfSSL firmware stops at the first problem wolfSSL finds with the
 * server's certificate, in wolfSSL's order of checks (the chain, then the
 * dates, then the name), and reports it in mbedTLS's words: that one flag.
 */
export function firstVerifyFlag(flags: number): number {
  for (const flag of [X509.BADCERT_NOT_TRUSTED, X509.BADCERT_EXPIRED, X509.BADCERT_FUTURE, X509.BADCERT_CN_MISMATCH]) {
    if ((flags & flag) !== 0) return flag;
  }
  return flags & -flags; // the lowest other flag
}

/**
 * mbedTLS-style verify flags. Like mbedtls_x509_crt_verify, every problem is
 * reported at once (Node reports only one): dates of every certificate,
 * trust, and the name. Node's own verdict adds what these checks miss.
 */
export function verifyFlags(evidence: CertificateEvidence): number {
  let flags = 0;
  const now = evidence.now.getTime();
  for (const { notBefore, notAfter } of evidence.validity) {
    if (notAfter.getTime() < now) flags |= X509.BADCERT_EXPIRED;
    if (notBefore.getTime() > now) flags |= X509.BADCERT_FUTURE;
  }
  if (!evidence.trusted) flags |= X509.BADCERT_NOT_TRUSTED;
  if (!evidence.nameMatches) flags |= X509.BADCERT_CN_MISMATCH;
  if (evidence.nodeError) flags |= NODE_VERIFY_FLAGS[evidence.nodeError] ?? X509.BADCERT_NOT_TRUSTED;
  return flags;
}
