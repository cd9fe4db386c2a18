// The certificates a configuration names, read and checked at a given time:
// the CA pinned for a server and a client certificate with its key, for the
// check's server (--ca, --cert, --key) and for the MQTT broker (--mqtt-ca,
// --mqtt-cert, --mqtt-key) alike; turned into the base64 of the DER the
// bundle embeds. Problems, warnings and summary lines go to `out`; no message
// shows key material.
import fs from "node:fs";
import path from "node:path";
import { describeCertificate } from "../certs/certificate.ts";
import { checkClientCertificate, checkTrustAnchor } from "../certs/checks.ts";
import { PemError, pemToBase64, privateKeyFormat } from "../certs/pem.ts";

export interface Findings {
  problems: string[];
  warnings: string[];
  /** One line per setting that matters, for the build's summary. */
  summary: string[];
}

/** Whose certificates they are, for messages and the summary. */
export interface CertificateRole {
  /** What the pinned CA authenticates, and the words for it. */
  server: string;
  caName: string;
  caFlag: string;
  clientName: string;
  keyName: string;
  certFlag: string;
  keyFlag: string;
  /** Summary labels, padded to the summary's column. */
  caLabel: string;
  clientLabel: string;
}

export const CHECK_ROLE: CertificateRole = {
  server: "server",
  caName: "CA",
  caFlag: "--ca",
  clientName: "client certificate",
  keyName: "client key",
  certFlag: "--cert",
  keyFlag: "--key",
  caLabel: "ca          ",
  clientLabel: "client cert ",
};

export function readPem(file: string, what: string, problems: string[]): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    problems.push(`cannot read the ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return null;
  }
}

/** The pinned CA, checked at `now`; null when none is pinned (or it is unusable: then a problem says why). */
export function resolveCa(setting: string | null, now: Date, out: Findings, role: CertificateRole = CHECK_ROLE): string | null {
  if (setting === null) {
    out.warnings.push(`no CA is pinned: the device will not authenticate the ${role.server} (use ${role.caFlag} FILE)`);
    out.summary.push(`${role.caLabel} none (${role.server} not authenticated)`);
    return null;
  }
  const pem = readPem(setting, `${role.caName} file`, out.problems);
  if (pem === null) return null;
  const check = checkTrustAnchor(pem, now, { allowSelfSignedLeaf: true });
  out.problems.push(...check.errors.map((error) => `${role.caName} ${setting}: ${error}`));
  out.warnings.push(...check.warnings.map((warning) => `${role.caName} ${setting}: ${warning}`));
  if (check.errors.length > 0) return null;
  const info = describeCertificate(pem, now);
  const shown = path.relative(process.cwd(), setting) || setting;
  out.summary.push(`${role.caLabel} ${info.subject.replace(/\n/g, ", ")} (until ${info.notAfter.toISOString().slice(0, 10)}, ${shown})`);
  return pemToBase64(pem);
}

export interface ClientCertificate {
  cert: string | null;
  key: string | null;
  /** The certificate's subject common name (a device's id, for a broker), when it has one. */
  commonName: string | null;
}

/** The client certificate and key for mutual TLS, checked at `now`. */
export function resolveClientCertificate(certFile: string | null, keyFile: string | null, now: Date, out: Findings, role: CertificateRole = CHECK_ROLE): ClientCertificate {
  const none = { cert: null, key: null, commonName: null };
  if ((certFile === null) !== (keyFile === null)) {
    out.problems.push(`mutual TLS needs both a ${role.clientName} (${role.certFlag}) and its key (${role.keyFlag})`);
    return none;
  }
  if (certFile === null || keyFile === null) return none;
  const certPem = readPem(certFile, role.clientName, out.problems);
  const keyPem = readPem(keyFile, role.keyName, out.problems);
  if (certPem === null || keyPem === null) return none;
  const check = checkClientCertificate(certPem, keyPem, now);
  out.problems.push(...check.errors.map((error) => `${role.clientName}: ${error}`));
  out.warnings.push(...check.warnings.map((warning) => `${role.clientName}: ${warning}`));
  if (check.errors.length > 0) return none;
  try {
    const cert = pemToBase64(certPem);
    const key = pemToBase64(keyPem);
    if (privateKeyFormat(keyPem) === "sec1" || check.certificate?.keyType.startsWith("EC")) {
      out.warnings.push(`the ${role.keyName} is an EC key: stock Espruino cannot use it (handshake error -0x3f00); this project's firmware can`);
    }
    out.summary.push(`${role.clientLabel} ${check.certificate?.subject.replace(/\n/g, ", ")} (key ${check.keyFormat})`);
    return { cert, key, commonName: check.certificate?.commonName ?? null };
  } catch (error) {
    out.problems.push(`${role.clientName}: ${error instanceof PemError ? error.message : String(error)}`);
    return none;
  }
}
