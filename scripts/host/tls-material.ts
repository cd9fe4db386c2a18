// The certificates and key the app passes to tls.connect (decoded DER in a
// binary string, or a function that returns it, as Espruino's
// decode_certificate_var allows) turned into what node:tls wants, with the
// errors mbedTLS's parsers give.
import { X509Certificate, createPrivateKey, type KeyObject } from "node:crypto";
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

/** What node:tls is given; keyType tells stock's EC-key failure apart. */
export interface Material {
  ca?: X509Certificate;
  cert?: X509Certificate;
  key?: string;
  keyType?: string;
}

/** ca, cert and key of tls.connect's options; a MaterialError for what mbedTLS would refuse. */
export function decodeMaterial(options: Record<string, unknown>): Material {
  // decode_certificate_var: a function is called for its value.
  const value = (field: string): unknown => {
    const given = options[field];
    return typeof given === "function" ? (given as () => unknown)() : given;
  };
  const material: Material = {};
  const ca = value("ca");
  if (ca !== undefined) material.ca = certificateFromDer(String(ca), "ca");
  const cert = value("cert");
  if (cert !== undefined) material.cert = certificateFromDer(String(cert), "cert");
  const key = value("key");
  if (key !== undefined) {
    const parsed = keyFromDer(String(key));
    material.key = keyToPem(parsed);
    material.keyType = parsed.asymmetricKeyType;
  }
  return material;
}
