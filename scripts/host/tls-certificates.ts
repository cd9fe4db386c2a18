// Certificates and keys as Espruino's tls receives them (decoded DER in a
// binary string) turned into what node:tls wants, with mbedTLS's parse
// errors; and the certificate checks mbedTLS would make, done with
// node:crypto's X509Certificate.
import { X509Certificate, createPrivateKey, type KeyObject } from "node:crypto";
import { checkServerIdentity, type PeerCertificate } from "node:tls";
import { mbedtlsErrorText } from "./mbedtls.ts";

/** A certificate or key that mbedTLS would refuse; the message is Espruino's. */
export class MaterialError extends Error {}

/** Measured on stock 2v29: PEM text or garbage gives "Invalid format" (the bundled mbedTLS parses DER only). */
const X509_INVALID_FORMAT = -0x2180;
const PK_KEY_INVALID_FORMAT = -0x3d00;

function bytesOf(value: string): Buffer {
  return Buffer.from(value, "latin1");
}

/** Length of the first DER element (mbedTLS parses one certificate from DER and ignores the rest). */
function firstDerLength(der: Buffer): number | null {
  if (der.length < 2 || der[0] !== 0x30) return null;
  const first = der[1];
  if (first < 0x80) return 2 + first;
  const count = first & 0x7f;
  if (count === 0 || count > 4 || der.length < 2 + count) return null;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + der[2 + i];
  return 2 + count + length;
}

/** ssl_load_cacert / ssl_load_owncert: mbedtls_x509_crt_parse of one DER certificate. */
export function certificateFromDer(value: string, field: "ca" | "cert"): X509Certificate {
  const fail = (code: number): never => {
    throw new MaterialError(`HTTPS init failed! mbedtls_x509_crt_parse of '${field}': ${mbedtlsErrorText(code)}`);
  };
  const der = bytesOf(value);
  if (der.length === 0) fail(-1); // "ret = -1" stays when there is no data
  const length = firstDerLength(der);
  if (length === null) fail(X509_INVALID_FORMAT);
  try {
    return new X509Certificate(der.subarray(0, length as number));
  } catch {
    return fail(X509_INVALID_FORMAT);
  }
}

/** ssl_load_key: mbedtls_pk_parse_key accepts PKCS#8, PKCS#1 (RSA) and SEC1 (EC) DER. */
export function keyFromDer(value: string): KeyObject {
  const der = bytesOf(value);
  if (der.length === 0) throw new MaterialError(`HTTPS init failed! mbedtls_pk_parse_key: ${mbedtlsErrorText(-1)}`);
  for (const type of ["pkcs8", "pkcs1", "sec1"] as const) {
    try {
      return createPrivateKey({ key: der, format: "der", type });
    } catch {
      // try the next encoding
    }
  }
  throw new MaterialError(`HTTPS init failed! mbedtls_pk_parse_key: ${mbedtlsErrorText(PK_KEY_INVALID_FORMAT)}`);
}

export function keyToPem(key: KeyObject): string {
  return key.export({ type: "pkcs8", format: "pem" }).toString();
}

/** Does `child` carry a valid signature by `issuer`? */
function signedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return child.checkIssued(issuer) && child.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/**
 * Walks from the leaf through the certificates the server sent to the pinned
 * CA, checking each signature. Returns the certificates on the path (leaf
 * first, then intermediates, then the CA) or null when there is none.
 */
export function trustPath(chain: X509Certificate[], ca: X509Certificate): X509Certificate[] | null {
  if (chain.length === 0) return null;
  const path = [chain[0]];
  let current = chain[0];
  for (let depth = 0; depth < 10; depth++) {
    if (current.fingerprint256 === ca.fingerprint256) return path;
    if (signedBy(current, ca)) return [...path, ca];
    const next = chain.find((candidate) => candidate !== current && !path.includes(candidate) && signedBy(current, candidate));
    if (!next) return null;
    path.push(next);
    current = next;
  }
  return null;
}

export function validityOf(cert: X509Certificate): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo) };
}

/** The name check mbedTLS makes against the expected host (IP literals against IP SANs). */
export function nameMatches(host: string, peer: PeerCertificate): boolean {
  return checkServerIdentity(host, peer) === undefined;
}

/** The certificates the server sent, leaf first, from Node's legacy peer certificate objects. */
export function peerChain(peer: PeerCertificate & { issuerCertificate?: PeerCertificate }): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  let current: (PeerCertificate & { issuerCertificate?: PeerCertificate }) | undefined = peer;
  while (current && current.raw && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    chain.push(new X509Certificate(current.raw));
    current = current.issuerCertificate as typeof current;
  }
  return chain;
}
