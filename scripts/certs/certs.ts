// Reading and judging certificates on the host: PEM helpers, a readable
// description of a certificate, and the checks that decide whether a
// certificate may be pinned on the device (a trust anchor) or presented by it
// (a client certificate). Used by the build (scripts/build/config.ts) and by
// fetch-ca. Everything here is pure (values in, values out): whatever depends
// on the date takes `now` from its caller (scripts/lib/clock.ts).
//
// Why check on the host at all: the device cannot. Stock Espruino never
// verifies, and ESP-IDF's mbedTLS is built without MBEDTLS_HAVE_TIME_DATE, so
// an expired anchor would only show up as a mysterious failure in the field.
//
// API
//   PEM
//     parsePem(text) -> PemBlock[]            every BEGIN/END block; throws PemError
//     encodePem(label, der) -> string         64-column PEM text ending in "\n"
//     pemToBase64(pem) -> string              base64 DER body of the one block in `pem`
//     base64ToPem(base64, label?) -> string   the reverse ("CERTIFICATE" by default)
//     splitCertificates(text) -> string[]     each CERTIFICATE block as its own PEM
//     pemKind(label) -> PemKind               "certificate" | "private-key" |
//                                             "encrypted-private-key" | "public-key" | "other"
//     privateKeyFormat(pem) -> "pkcs1" | "sec1" | "pkcs8"
//                                             throws PemError for encrypted or non-key PEM
//   Certificates
//     parseCertificate(pemOrDer) -> X509Certificate        throws CertificateError
//     describeCertificate(cert, now) -> CertificateInfo   subject, issuer, validity,
//                                             key type, SHA-256, CA, self-signed, days left
//     isSelfSigned(cert), issuedBy(child, issuer)          name match + signature check
//     certificateLabel(info) -> string        the name to show in messages
//   Checks (each returns { errors, warnings, ... }; errors refuse, warnings inform)
//     checkTrustAnchor(pem, now, options?)    the CA to pin: exactly one certificate,
//                                             valid now, a CA (or, with
//                                             allowSelfSignedLeaf, a self-signed leaf);
//                                             warns within 90 days of expiry and for
//                                             a non-root (intermediate) anchor
//     checkClientCertificate(certPem, keyPem, now)
//                                             key matches, unencrypted, valid now, not a
//                                             CA, usable for TLS client auth
//   Anchor choice (fetch-ca)
//     findIssuerIn(cert, candidates, now)     the best candidate that signed `cert`
//     linkedLength(chain)                     how many certificates, from the first, form a chain
//     chooseTrustAnchor(chain, options)       which certificate to pin for a server's chain
import { X509Certificate, createPrivateKey } from "node:crypto";
import { DAY_MS } from "../lib/clock.ts";

/** Anchors and client certificates expiring sooner than this get a warning. */
export const EXPIRY_WARNING_DAYS = 90;

// ---------------------------------------------------------------- PEM

export class PemError extends Error {
  override name = "PemError";
}

export interface PemBlock {
  /** The label between BEGIN and END, e.g. "CERTIFICATE", "RSA PRIVATE KEY". */
  label: string;
  /** RFC 1421 headers (legacy encrypted keys: "Proc-Type", "DEK-Info"). */
  headers: Record<string, string>;
  /** The decoded body. */
  der: Buffer;
}

const BEGIN = /^-----BEGIN ([A-Z0-9 ]+)-----$/;
const END = /^-----END ([A-Z0-9 ]+)-----$/;
const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;
const HEADER_LINE = /^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$/;

/**
 * Every PEM block in `text`, in order. Text outside blocks (comments in CA
 * bundles) is ignored; a block that is unterminated, nested, mislabelled or
 * not base64 is an error, since guessing would pin the wrong bytes.
 */
export function parsePem(text: string): PemBlock[] {
  interface Open {
    label: string;
    line: number;
    headers: Record<string, string>;
    body: string[];
    inHeaders: boolean;
  }
  const blocks: PemBlock[] = [];
  let open: Open | null = null;
  const lines = text.split(/\r\n|\n|\r/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim();
    const lineNo = index + 1;
    const begin = BEGIN.exec(line);
    const end = END.exec(line);
    if (open === null) {
      if (begin) open = { label: begin[1], line: lineNo, headers: {}, body: [], inHeaders: true };
      else if (end) throw new PemError(`line ${lineNo}: "-----END ${end[1]}-----" without a matching BEGIN`);
      continue;
    }
    if (begin) throw new PemError(`line ${lineNo}: BEGIN ${begin[1]} inside the ${open.label} block opened on line ${open.line} (missing END)`);
    if (end) {
      if (end[1] !== open.label) {
        throw new PemError(`line ${lineNo}: "END ${end[1]}" closes the "BEGIN ${open.label}" block opened on line ${open.line}`);
      }
      blocks.push({ label: open.label, headers: open.headers, der: decodeBody(open.body, open.label, open.line) });
      open = null;
      continue;
    }
    if (open.inHeaders) {
      const header = HEADER_LINE.exec(line);
      if (header) {
        open.headers[header[1]] = header[2];
        continue;
      }
      open.inHeaders = false; // a blank line or the first base64 line ends the headers
    }
    if (line === "") continue;
    if (!BASE64_LINE.test(line)) {
      throw new PemError(`line ${lineNo}: not base64 inside the ${open.label} block opened on line ${open.line}`);
    }
    open.body.push(line);
  }
  if (open !== null) throw new PemError(`the ${open.label} block opened on line ${open.line} has no END line`);
  return blocks;
}

function decodeBody(lines: string[], label: string, line: number): Buffer {
  const base64 = lines.join("");
  if (base64.length === 0) throw new PemError(`the ${label} block opened on line ${line} is empty`);
  // "=" may only pad the very end, and the body is a whole number of 4-character groups.
  if (base64.length % 4 !== 0 || !BASE64_LINE.test(base64)) {
    throw new PemError(`the ${label} block opened on line ${line} is not valid base64 (truncated or damaged)`);
  }
  return Buffer.from(base64, "base64");
}

/** PEM text for `der`: 64-character lines, ending with a newline. */
export function encodePem(label: string, der: Uint8Array): string {
  const lines = Buffer.from(der).toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

function singleBlock(pem: string): PemBlock {
  const blocks = parsePem(pem);
  if (blocks.length !== 1) throw new PemError(`expected one PEM block, found ${blocks.length}`);
  return blocks[0];
}

/** The base64 DER body of the single block in `pem`, without line breaks (what the device decodes with atob). */
export function pemToBase64(pem: string): string {
  return singleBlock(pem).der.toString("base64");
}

/** PEM text for a base64 DER body (line breaks and surrounding spaces allowed). */
export function base64ToPem(base64: string, label = "CERTIFICATE"): string {
  const compact = base64.replace(/\s+/g, "");
  if (compact.length === 0 || compact.length % 4 !== 0 || !BASE64_LINE.test(compact)) {
    throw new PemError("not a base64 DER body");
  }
  return encodePem(label, Buffer.from(compact, "base64"));
}

/** Each CERTIFICATE block of a bundle as its own normalised PEM text; other blocks are left out. */
export function splitCertificates(text: string): string[] {
  return parsePem(text)
    .filter((block) => pemKind(block.label) === "certificate")
    .map((block) => encodePem("CERTIFICATE", block.der));
}

export type PemKind = "certificate" | "private-key" | "encrypted-private-key" | "public-key" | "other";

export function pemKind(label: string): PemKind {
  switch (label) {
    case "CERTIFICATE":
    case "X509 CERTIFICATE":
      return "certificate";
    case "PRIVATE KEY":
    case "RSA PRIVATE KEY":
    case "EC PRIVATE KEY":
      return "private-key";
    case "ENCRYPTED PRIVATE KEY":
      return "encrypted-private-key";
    case "PUBLIC KEY":
    case "RSA PUBLIC KEY":
      return "public-key";
    default:
      return "other";
  }
}

/** PKCS#1 "RSA PRIVATE KEY", SEC1 "EC PRIVATE KEY", PKCS#8 "PRIVATE KEY". */
export type PrivateKeyFormat = "pkcs1" | "sec1" | "pkcs8";

/**
 * The format of the one private key in `pem`. Encrypted keys are refused:
 * the device has nowhere safe to keep a passphrase, and the bundle carries
 * the key as DER.
 */
export function privateKeyFormat(pem: string): PrivateKeyFormat {
  const keys = parsePem(pem).filter((block) => pemKind(block.label) !== "certificate" && pemKind(block.label) !== "other");
  if (keys.length === 0) throw new PemError("no private key found (expected -----BEGIN PRIVATE KEY----- or similar)");
  if (keys.length > 1) throw new PemError(`expected one private key, found ${keys.length}`);
  const key = keys[0];
  const encrypted = key.label === "ENCRYPTED PRIVATE KEY" || /ENCRYPTED/i.test(key.headers["Proc-Type"] ?? "");
  if (encrypted) {
    throw new PemError(
      "the private key is encrypted (passphrase-protected); the device needs it unencrypted. " +
        "Decrypt a copy, e.g. `openssl pkey -in key.pem -out key-plain.pem`, and keep that file private",
    );
  }
  switch (key.label) {
    case "RSA PRIVATE KEY":
      return "pkcs1";
    case "EC PRIVATE KEY":
      return "sec1";
    case "PRIVATE KEY":
      return "pkcs8";
    default:
      throw new PemError(`a ${key.label} is not a private key`);
  }
}

// ---------------------------------------------------------------- certificates

export class CertificateError extends Error {
  override name = "CertificateError";
}

/** A certificate from PEM text (exactly one CERTIFICATE block) or DER bytes. */
export function parseCertificate(input: string | Uint8Array): X509Certificate {
  let der: Uint8Array;
  if (typeof input === "string") {
    const certs = parsePem(input).filter((block) => pemKind(block.label) === "certificate");
    if (certs.length !== 1) throw new CertificateError(`expected one certificate, found ${certs.length}`);
    der = certs[0].der;
  } else {
    der = input;
  }
  try {
    return new X509Certificate(der);
  } catch {
    throw new CertificateError("not a valid X.509 certificate (its DER does not parse)");
  }
}

export interface CertificateInfo {
  /** One line, e.g. "C=US, O=Internet Security Research Group, CN=ISRG Root X1". */
  subject: string;
  issuer: string;
  commonName: string | null;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** "RSA 2048", "EC P-256", "Ed25519", ... */
  keyType: string;
  /** SHA-256 of the DER, colon-separated upper-case hex. */
  sha256: string;
  /** basicConstraints CA:TRUE. */
  isCa: boolean;
  /** Subject equals issuer and the certificate's own key verifies its signature. */
  selfSigned: boolean;
  /** Whole days from `now` until notAfter; negative once expired. */
  daysLeft: number;
  /** Node's rendering, e.g. "DNS:localhost, IP Address:127.0.0.1", or null. */
  subjectAltName: string | null;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Node prints validity as OpenSSL does ("Jun  4 11:04:38 2035 GMT"); parsed exactly rather than by Date's guesswork. */
export function parseOpensslTime(text: string): Date {
  const match = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) GMT$/.exec(text.trim());
  const month = match ? MONTHS.indexOf(match[1]) : -1;
  if (!match || month < 0) throw new CertificateError(`unexpected certificate time "${text}"`);
  return new Date(Date.UTC(Number(match[6]), month, Number(match[2]), Number(match[3]), Number(match[4]), Number(match[5])));
}

const CURVES: Record<string, string> = {
  prime256v1: "P-256",
  secp384r1: "P-384",
  secp521r1: "P-521",
  secp256k1: "secp256k1",
};

function keyType(cert: X509Certificate): string {
  const key = cert.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case "rsa":
      return `RSA ${details.modulusLength ?? "?"}`;
    case "rsa-pss":
      return `RSA-PSS ${details.modulusLength ?? "?"}`;
    case "dsa":
      return `DSA ${details.modulusLength ?? "?"}`;
    case "ec":
      return `EC ${CURVES[details.namedCurve ?? ""] ?? details.namedCurve ?? "?"}`;
    case "ed25519":
      return "Ed25519";
    case "ed448":
      return "Ed448";
    default:
      return String(key.asymmetricKeyType ?? "unknown");
  }
}

function oneLine(name: string): string {
  return name.split("\n").join(", ");
}

function commonNameOf(name: string): string | null {
  const lines = name.split("\n").filter((line) => line.startsWith("CN="));
  return lines.length > 0 ? lines[lines.length - 1].slice(3) : null;
}

/** Subject names equal and the certificate's own key verifies it. */
export function isSelfSigned(cert: X509Certificate): boolean {
  // Not checkIssued(): OpenSSL also demands keyCertSign there, which a
  // self-signed leaf does not have.
  return cert.subject === cert.issuer && verifies(cert, cert);
}

/** `issuer` is named as `child`'s issuer and its key verifies `child`'s signature. */
export function issuedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  return child.issuer === issuer.subject && verifies(child, issuer);
}

function verifies(child: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return child.verify(issuer.publicKey);
  } catch {
    return false; // a key type the signature cannot be checked with
  }
}

export function daysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / DAY_MS);
}

export function describeCertificate(input: X509Certificate | string | Uint8Array, now: Date): CertificateInfo {
  const cert = input instanceof X509Certificate ? input : parseCertificate(input);
  const notAfter = parseOpensslTime(cert.validTo);
  return {
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    commonName: commonNameOf(cert.subject),
    serialNumber: cert.serialNumber,
    notBefore: parseOpensslTime(cert.validFrom),
    notAfter,
    keyType: keyType(cert),
    sha256: cert.fingerprint256,
    isCa: cert.ca,
    selfSigned: isSelfSigned(cert),
    daysLeft: daysBetween(now, notAfter),
    subjectAltName: cert.subjectAltName ?? null,
  };
}

/** How messages name a certificate: its CN in quotes, else its whole subject. */
export function certificateLabel(info: CertificateInfo): string {
  return info.commonName !== null ? `"${info.commonName}"` : `"${info.subject}"`;
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** Errors for a validity window that does not include `now`, and the expiry warning. */
function validityFindings(info: CertificateInfo, now: Date, errors: string[], warnings: string[]): void {
  const name = certificateLabel(info);
  if (info.notAfter.getTime() < now.getTime()) {
    errors.push(`${name} expired on ${day(info.notAfter)} (${plural(daysBetween(info.notAfter, now), "day")} ago)`);
  } else if (info.notBefore.getTime() > now.getTime()) {
    errors.push(`${name} is not valid yet: its validity starts on ${day(info.notBefore)} (check this computer's clock)`);
  } else if (info.notAfter.getTime() - now.getTime() < EXPIRY_WARNING_DAYS * DAY_MS) {
    warnings.push(
      `${name} expires on ${day(info.notAfter)}, in ${plural(info.daysLeft, "day")}: ` +
        "the device will reject the server from then on; plan its replacement (npm run fetch-ca)",
    );
  }
}

export interface TrustAnchorCheck {
  /** Reasons to refuse the anchor; empty when it may be pinned. */
  errors: string[];
  /** Worth telling the user, not a reason to refuse. */
  warnings: string[];
  /** The certificates found in the file (normally one). */
  certificates: CertificateInfo[];
}

export interface TrustAnchorOptions {
  /**
   * Accept a self-signed end-entity certificate (a server's own certificate
   * pinned directly, as `fetch-ca --pick` allows) with a warning instead of
   * the "not a CA" error. mbedTLS trusts such a certificate when it is the
   * exact one in the trust list.
   */
  allowSelfSignedLeaf?: boolean;
}

/**
 * Whether the PEM text `pem` can be pinned as the device's trust anchor at
 * time `now`. Errors: unparseable, no certificate, more than one certificate
 * (the device pins exactly one DER certificate), a private key in the file,
 * expired, not yet valid, not a CA (basicConstraints CA absent or false).
 * Warnings: expires within 90 days; not self-signed (an intermediate, which
 * breaks when the server moves to another intermediate).
 */
export function checkTrustAnchor(pem: string, now: Date, options: TrustAnchorOptions = {}): TrustAnchorCheck {
  const errors: string[] = [];
  const warnings: string[] = [];
  const certificates: CertificateInfo[] = [];
  let blocks: PemBlock[];
  try {
    blocks = parsePem(pem);
  } catch (error) {
    return { errors: [`not readable as PEM: ${(error as Error).message}`], warnings, certificates };
  }
  const kinds = blocks.map((block) => pemKind(block.label));
  if (kinds.includes("private-key") || kinds.includes("encrypted-private-key")) {
    errors.push("the file holds a private key; a trust anchor file must hold only the CA's certificate (and the key must not go onto the device)");
  }
  const certBlocks = blocks.filter((block) => pemKind(block.label) === "certificate");
  if (certBlocks.length === 0) {
    errors.push(blocks.length === 0 ? "no PEM certificate found (expected -----BEGIN CERTIFICATE-----)" : "no certificate found, only " + blocks.map((b) => b.label).join(", "));
    return { errors, warnings, certificates };
  }
  if (certBlocks.length > 1) {
    errors.push(
      `the file holds ${certBlocks.length} certificates; the device pins exactly one. ` +
        "Keep only the root (the self-signed CA at the end of the chain), e.g. with `npm run fetch-ca -- HOST`",
    );
  }
  certBlocks.forEach((block, index) => {
    const prefix = certBlocks.length > 1 ? `certificate ${index}: ` : "";
    let info: CertificateInfo;
    try {
      info = describeCertificate(parseCertificate(block.der), now);
    } catch (error) {
      errors.push(`${prefix}${(error as Error).message}`);
      return;
    }
    certificates.push(info);
    const ownErrors: string[] = [];
    const ownWarnings: string[] = [];
    validityFindings(info, now, ownErrors, ownWarnings);
    const name = certificateLabel(info);
    if (!info.isCa) {
      if (options.allowSelfSignedLeaf && info.selfSigned) {
        ownWarnings.push(
          `${name} is a self-signed server certificate, not a CA: pinning it works until the server renews it, and then every check fails`,
        );
      } else {
        ownErrors.push(
          `${name} is not a CA certificate (basicConstraints CA is absent or false): ` +
            "pin the CA that issued the server's certificate, not the server's own certificate",
        );
      }
    } else if (!info.selfSigned) {
      ownWarnings.push(
        `${name} is an intermediate CA (issued by "${info.issuer}"), not a root: ` +
          "pinning it works until the server switches to another intermediate",
      );
    }
    errors.push(...ownErrors.map((text) => prefix + text));
    warnings.push(...ownWarnings.map((text) => prefix + text));
  });
  return { errors, warnings, certificates };
}

export interface ClientCertificateCheck {
  errors: string[];
  warnings: string[];
  /** The client certificate (the first in the file), when it parsed. */
  certificate: CertificateInfo | null;
  keyFormat: PrivateKeyFormat | null;
}

const CLIENT_AUTH_OID = "1.3.6.1.5.5.7.3.2";
const ANY_EKU_OID = "2.5.29.37.0";

/**
 * Whether `certPem` and `keyPem` can serve as the device's client
 * certificate (mutual TLS) at time `now`. Errors: unparseable or encrypted
 * key, key not matching the certificate, expired or not yet valid, a CA
 * certificate, an extended key usage without TLS client authentication.
 * Warning: expires within 90 days. Messages never include key material.
 */
export function checkClientCertificate(certPem: string, keyPem: string, now: Date): ClientCertificateCheck {
  const errors: string[] = [];
  const warnings: string[] = [];
  let certificate: CertificateInfo | null = null;
  let keyFormat: PrivateKeyFormat | null = null;
  let cert: X509Certificate | null = null;
  try {
    const pems = splitCertificates(certPem);
    if (pems.length === 0) throw new CertificateError("no certificate found in the client certificate file (expected -----BEGIN CERTIFICATE-----)");
    cert = parseCertificate(pems[0]);
    certificate = describeCertificate(cert, now);
  } catch (error) {
    errors.push(`client certificate: ${(error as Error).message}`);
  }
  let key: ReturnType<typeof createPrivateKey> | null = null;
  try {
    keyFormat = privateKeyFormat(keyPem);
    key = createPrivateKey(keyPem);
  } catch (error) {
    errors.push(error instanceof PemError ? `client key: ${error.message}` : "client key: the private key does not parse");
  }
  if (cert && certificate) {
    validityFindings(certificate, now, errors, warnings);
    const name = certificateLabel(certificate);
    if (certificate.isCa) errors.push(`${name} is a CA certificate; a client certificate is an end-entity certificate issued by a CA`);
    const usages = cert.keyUsage; // Node reports the extended key usages here
    if (usages && usages.length > 0 && !usages.includes(CLIENT_AUTH_OID) && !usages.includes(ANY_EKU_OID)) {
      errors.push(`${name} is not for TLS client authentication (its extended key usage lacks clientAuth); servers will reject it`);
    }
    if (key && !cert.checkPrivateKey(key)) {
      errors.push(`the private key does not belong to ${name} (they are from different pairs)`);
    }
  }
  return { errors, warnings, certificate, keyFormat };
}

// ---------------------------------------------------------------- choosing the anchor for a server

/**
 * The candidate that issued `cert` (subject equals `cert`'s issuer and its
 * key verifies `cert`'s signature), preferring CA certificates valid at
 * `now`, then self-signed ones, then the latest expiry. Null when none did.
 */
export function findIssuerIn(cert: X509Certificate, candidates: readonly X509Certificate[], now: Date): X509Certificate | null {
  const score = (candidate: X509Certificate): number[] => {
    const info = describeCertificate(candidate, now);
    const valid = info.notBefore <= now && now <= info.notAfter;
    return [info.isCa ? 1 : 0, valid ? 1 : 0, info.selfSigned ? 1 : 0, info.notAfter.getTime()];
  };
  const better = (a: number[], b: number[]): boolean => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] > b[i];
    return false;
  };
  let best: X509Certificate | null = null;
  let bestScore: number[] = [];
  for (const candidate of candidates) {
    if (!issuedBy(cert, candidate)) continue;
    const candidateScore = score(candidate);
    if (best === null || better(candidateScore, bestScore)) {
      best = candidate;
      bestScore = candidateScore;
    }
  }
  return best;
}

/** How many certificates from the start of `chain` form a chain, each issued by the next (at least 1 when not empty). */
export function linkedLength(chain: readonly X509Certificate[]): number {
  if (chain.length === 0) return 0;
  let length = 1;
  while (length < chain.length && issuedBy(chain[length - 1], chain[length])) length++;
  return length;
}

export interface AnchorChoiceOptions {
  /** Certificate index chosen by the user (`--pick N`). */
  pick?: number;
  /** The system trust store, read only when the server does not send its root. */
  trustStore?: () => readonly X509Certificate[];
  /** Which certificates are valid, when the trust store offers several issuers. */
  now: Date;
}

export type AnchorChoice =
  | {
      ok: true;
      anchor: X509Certificate;
      /** "sent": the root the server sent; "trust-store": found there; "picked": --pick. */
      source: "sent" | "trust-store" | "picked";
      /** Index in the chain of the anchor ("sent"/"picked") or of the certificate it issued ("trust-store"). */
      index: number;
      /** What the user should know about how the choice was made. */
      notes: string[];
    }
  | {
      ok: false;
      /** "no-root": nothing found to pin; "self-signed-leaf": needs --pick; "bad-pick": no such certificate or not in the chain. */
      reason: "empty" | "no-root" | "self-signed-leaf" | "bad-pick";
      message: string;
      notes: string[];
    };

/**
 * The trust anchor to pin for a server that sent `chain` (leaf first). The
 * root the server sent wins; without one, the trust store's issuer of the
 * lowest certificate it can vouch for (so a server that sends a cross-signed
 * root still gets the store's self-signed one); `pick` overrides both. The
 * anchor's own validity is judged afterwards, by checkTrustAnchor.
 */
export function chooseTrustAnchor(chain: readonly X509Certificate[], options: AnchorChoiceOptions): AnchorChoice {
  const now = options.now;
  const notes: string[] = [];
  if (chain.length === 0) return { ok: false, reason: "empty", message: "the server sent no certificate", notes };
  const linked = linkedLength(chain);
  if (linked < chain.length) {
    notes.push(
      `certificate ${linked} is not the issuer of certificate ${linked - 1}: the server sends its chain out of order or with extra certificates; ` +
        `only 0..${linked - 1} are considered`,
    );
  }
  if (options.pick !== undefined) {
    const pick = options.pick;
    if (!Number.isInteger(pick) || pick < 0 || pick >= chain.length) {
      return { ok: false, reason: "bad-pick", message: `there is no certificate ${pick}: the server sent ${chain.length} (0..${chain.length - 1})`, notes };
    }
    if (pick >= linked) {
      return {
        ok: false,
        reason: "bad-pick",
        message: `certificate ${pick} is not in the chain that leads from the server's certificate, so pinning it would not verify the server`,
        notes,
      };
    }
    return { ok: true, anchor: chain[pick], source: "picked", index: pick, notes };
  }
  const last = chain[linked - 1];
  if (isSelfSigned(last)) {
    if (linked === 1 && !last.ca) {
      return {
        ok: false,
        reason: "self-signed-leaf",
        message:
          "the server sent only a self-signed certificate of its own (no CA issued it). Pinning it works, " +
          "but only until the server renews that certificate; then every check fails until you pin the new one. " +
          "If that is acceptable, run again with --pick 0",
        notes,
      };
    }
    return { ok: true, anchor: last, source: "sent", index: linked - 1, notes };
  }
  const lastInfo = describeCertificate(last, now);
  notes.push(`the server did not send its root: the last certificate of its chain (${linked - 1}) is issued by "${lastInfo.issuer}"`);
  const store = options.trustStore ? options.trustStore() : [];
  for (let index = 0; index < linked; index++) {
    const issuer = findIssuerIn(chain[index], store, now);
    if (issuer && issuer.ca) {
      notes.push(`found the issuer of certificate ${index} in the trust store`);
      return { ok: true, anchor: issuer, source: "trust-store", index, notes };
    }
  }
  return {
    ok: false,
    reason: "no-root",
    message:
      `no certificate in the trust store (${plural(store.length, "certificate")}) issued "${lastInfo.subject}" ` +
      `(its issuer is "${lastInfo.issuer}"). Get that root from its CA (or install Debian's ca-certificates) and pass ` +
      `--trust-store, or pin a certificate the server sent with --pick N (an intermediate works until the server changes intermediates)`,
    notes,
  };
}
