// A system trust store read as certificates, for the roots servers leave out
// of their chains: a folder of PEM files or one bundle file.
import type { X509Certificate } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { parseCertificate } from "./certificate.ts";
import { splitCertificates } from "./pem.ts";

/** Debian's and Ubuntu's (ca-certificates). */
export const DEFAULT_TRUST_STORE = "/etc/ssl/certs";

export interface StoreEntry {
  cert: X509Certificate;
  file: string;
}

/**
 * Certificates of a trust store: a directory of PEM files (Debian's
 * /etc/ssl/certs holds one *.pem per root, plus the ca-certificates.crt
 * bundle) or one bundle file. Duplicates (the bundle repeats the files, the
 * hash links repeat both) and unreadable files are skipped.
 */
export function loadTrustStore(location: string): StoreEntry[] {
  if (!existsSync(location)) return [];
  const files = statSync(location).isDirectory()
    ? readdirSync(location)
        .filter((name) => /\.(pem|crt)$/i.test(name))
        .sort()
        .map((name) => path.join(location, name))
    : [location];
  const entries: StoreEntry[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    let pems: string[];
    try {
      pems = splitCertificates(readFileSync(file, "latin1"));
    } catch {
      continue; // not PEM, or unreadable: not part of the store
    }
    for (const pem of pems) {
      let cert: X509Certificate;
      try {
        cert = parseCertificate(pem);
      } catch {
        continue;
      }
      if (seen.has(cert.fingerprint256)) continue;
      seen.add(cert.fingerprint256);
      entries.push({ cert, file });
    }
  }
  return entries;
}
