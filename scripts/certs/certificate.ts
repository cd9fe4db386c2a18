// One certificate on the host: parsing it from PEM or DER, a readable
// description (names, validity, key type, fingerprint, CA, self-signed, days
// left), and whether one certificate issued another. Pure: whatever depends
// on the date takes `now` from its caller (scripts/lib/clock.ts).
//
// API
//   parseCertificate(pemOrDer) -> X509Certificate        throws CertificateError
//   describeCertificate(cert, now) -> CertificateInfo   subject, issuer, validity,
//                                           key type, SHA-256, CA, self-signed, days left
//   isSelfSigned(cert), issuedBy(child, issuer)          name match + signature check
//   certificateLabel(info) -> string        the name to show in messages
//   daysBetween(from, to) -> number         whole days, negative when `to` is earlier
import { X509Certificate } from "node:crypto";
import { DAY_MS } from "../lib/clock.ts";
import { parsePem, pemKind } from "./pem.ts";

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
