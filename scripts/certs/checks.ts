// The checks that decide whether a certificate may be pinned on the device (a
// trust anchor) or presented by it (a client certificate). Used by the build
// (scripts/build/config.ts) and by fetch-ca. Pure: each takes `now` from its
// caller (scripts/lib/clock.ts).
//
// Why check on the host at all: the device cannot. Stock Espruino never
// verifies, and ESP-IDF's mbedTLS is built without MBEDTLS_HAVE_TIME_DATE, so
// an expired anchor would only show up as a mysterious failure in the field.
//
// API (each returns { errors, warnings, ... }; errors refuse, warnings inform)
//   checkTrustAnchor(pem, now, options?)    the CA to pin: exactly one certificate,
//                                           valid now, a CA (or, with
//                                           allowSelfSignedLeaf, a self-signed leaf);
//                                           warns within 90 days of expiry and for
//                                           a non-root (intermediate) anchor
//   checkClientCertificate(certPem, keyPem, now)
//                                           key matches, unencrypted, valid now, not a
//                                           CA, usable for TLS client auth
import { type X509Certificate, createPrivateKey } from "node:crypto";
import { DAY_MS } from "../lib/clock.ts";
import { plural } from "../lib/plural.ts";
import { type CertificateInfo, CertificateError, certificateLabel, daysBetween, describeCertificate, parseCertificate } from "./certificate.ts";
import { type PemBlock, type PrivateKeyFormat, PemError, parsePem, pemKind, privateKeyFormat, splitCertificates } from "./pem.ts";

/** Anchors and client certificates expiring sooner than this get a warning. */
export const EXPIRY_WARNING_DAYS = 90;

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
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
